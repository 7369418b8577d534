"""Render a gap report as HTML, Markdown, JSON or XLSX. Rendering only: nothing is recomputed."""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._params import FilePath, check_choice, validate_params
from ..data.io import atomic_write, write_with
from ..errors import InputError
from ..labels import COLUMNS_ZH, LABELS, PARAMETER_LABELS, SHEETS_ZH, term
from ..numbers import EXCEL_FORMATS, NUMBER_FORMATS, format_number, shown
from .charts import paired_bars, timeline
from .content import build_content, rounded
from .escaping import markdown_code, markdown_text, markdown_url, spreadsheet_cell, web_url, xml_safe
from .readable import Names, publisher_text, title_recorded
from .stable import stable_zip

if TYPE_CHECKING:
    import jinja2

    from ..assessment import Assessment

__all__ = ["FORMATS", "NUMBER_FORMATS", "GapReport", "report", "shown"]

FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".json": "json",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".pdf": "pdf",
}
_STATUS_NOTE = re.compile(r"\((proposed|piloting|implemented|discontinued)\)")


@functools.cache
def _environment(autoescape: bool, lang: str) -> jinja2.Environment:
    """The template environment of one escaping mode and language, built once per process.

    Jinja2 compiles a template on its first ``get_template`` and keeps it in the environment, so
    a batch of reports compiles each template once instead of once per report.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("policybench.report", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["num"] = format_number  # a dash, never a crash, for an undefined number
    env.filters["shown"] = shown  # every number a reader sees, at the precision of its kind
    env.filters["md"] = markdown_text  # every data value in the Markdown template
    env.filters["md_code"] = markdown_code
    env.filters["md_url"] = markdown_url
    env.filters["web_url"] = web_url  # links only for http(s), in every format
    env.filters["term"] = lambda value: term(str(value), lang)
    env.filters["statuses"] = lambda text: statuses_in(text, lang)
    return env


@dataclass(frozen=True)
class GapReport:
    """A gap report: the content (plain data) and its renderings.

    Build it with :func:`report`; ``content`` holds every value of every format, floats as computed
    (:meth:`to_json` and :meth:`tables` round them to 4 decimals; the other formats round once, for display).
    """

    content: dict[str, Any] = field(repr=False)
    lang: str = "zh"

    def _context(self) -> dict[str, Any]:
        c = self.content
        lang = self.lang
        names = Names(c.get("names", {}), lang)
        none = LABELS["none"][lang]
        recs = [_readable_recommendation(r, names, lang, none) for r in c["recommendations"]]
        top = "；".join if lang == "zh" else "; ".join
        summary_text = LABELS["summary_text"][lang].format(
            target=c["meta"]["target_name"],
            dtf=shown(c["summary"]["overall_dtf"], "dtf"),
            n=c["summary"]["applicable"],
            unknown=c["summary"].get("unknown", 0),
            na=c["summary"]["not_applicable"],
            top=top([r["label_" + lang] for r in recs[:5]]) or none,
        )
        benchmarked = [d for d in c["domains"] if d["categories"]]  # a domain with nothing benchmarked has no bars
        domains = [(d["label_" + lang], d["target"], d["frontier"], d["domain"]) for d in benchmarked]
        gaps = [(g["label_" + lang], g["target"], g["frontier"], g["code"]) for g in c["gaps"]]
        ranked = [g for g in c["gaps"] if g.get("target_state") in ("present", "absent")]  # only known cells are ranked
        sources = [_readable_source(s, lang) | {"n": n} for n, s in enumerate(c["sources"], start=1)]
        refs = {f"{s['zone']}:{s['id']}": s["n"] for s in sources}
        plan = [
            {
                **p,
                "prerequisites_text": p["prerequisites_" + lang] or none,
                "exemplar_zones_text": _joined([names.zone(z) for z in p["exemplar_zones"].split(",") if z], lang),
                "source_refs": "".join(f"[{refs[k]}]" for k in _keys(p["sources"]) if k in refs),
            }
            for p in c.get("plan", [])
        ]
        similar, more_similar = _first(c["similarity"])
        undefined, more_undefined = _first(c["similarity_undefined"])
        imputed, more_imputed = _first(c["similarity_imputed"])
        more = LABELS["more_zones"][lang]
        return {
            **c,
            # a benchmark of thousands of zones: the human formats list the first SHOWN_ZONES of each list
            "similarity": similar,
            "similarity_more": more.format(n=more_similar) if more_similar else "",
            "similarity_undefined": undefined,
            "similarity_undefined_more": more.format(n=more_undefined) if more_undefined else "",
            "similarity_imputed": imputed + ([more.format(n=more_imputed)] if more_imputed else []),
            "recommendations": recs,
            "unverified": [
                {
                    **u,
                    # the best exemplar to check against (JSON and XLSX keep all three)
                    "exemplars_text": names.measures_list(str(u["exemplar_ids"]).split(",")[0], with_zone=True),
                    "check_text": u.get("check_" + lang) or none,
                }
                for u in c["unverified"]
            ],
            "not_counted": [
                {
                    **m,
                    "title": m["title_" + lang] or names.measure(m["measure_id"]),
                    "category_text": names.category(m["code"]),
                }
                for m in c["not_counted"]
            ],
            "sources": sources,
            "L": {k: v[lang] for k, v in LABELS.items()},
            "summary_text": summary_text,
            "benchmark_text": _benchmark_text([b["name"] for b in c["meta"]["benchmark"]], lang),
            "domain_chart": paired_bars(domains),
            "gap_chart": paired_bars(gaps),
            "robust_k": c["meta"]["sensitivity"].get("top", 5),
            "params_json": json.dumps(c["meta"]["params"], ensure_ascii=False, sort_keys=True),
            "term": lambda value: term(str(value), lang),
            "statuses": lambda text: statuses_in(text, lang),
            "citation": citation(c["meta"], lang),
            "share": {g["code"]: g["priority_share"] or 0.0 for g in ranked},
            "parameters": parameter_rows(c["meta"]["params"], lang, names, len(c["meta"]["benchmark"])),
            "zone_names": names.zones,
            "plan_groups": _plan_groups(plan),
            "timeline_chart": timeline(_timeline_rows(c, lang)),
            "category_names": {**names.domains, **names.categories},
            "not_applicable_text": names.categories_list(c["not_applicable"]) or none,
            "left_out_text": _left_out_text(c, names, lang),
        }

    def to_html(self) -> str:
        """One self-contained HTML page: inline SVG charts, no network requests, autoescaped."""
        return _environment(True, self.lang).get_template("report.html.j2").render(**self._context())

    def to_markdown(self) -> str:
        """GitHub-flavoured Markdown."""
        return _environment(False, self.lang).get_template("report.md.j2").render(**self._context())

    def to_json(self) -> str:
        """The content as JSON (sorted keys, UTF-8 text, stable floats)."""
        return json.dumps(rounded(self.content), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def tables(self) -> dict[str, pd.DataFrame]:
        """The report's tables as DataFrames (one XLSX sheet each; floats to 4 decimals, as in JSON)."""
        c = rounded(self.content)
        names = Names(c.get("names", {}), self.lang)
        recs = pd.DataFrame(c["recommendations"])
        if not recs.empty:
            recs["exemplars"] = recs["exemplars"].map(lambda ex: "; ".join(f"{e['zone']}:{e['measure']}" for e in ex))
            for column in (f"rationale_{self.lang}", "not_counted"):  # prose: titles and labels, not ids
                recs[column] = recs[column].map(names.prose)
        meta = {
            k: json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict | list) else v
            for k, v in c["meta"].items()
        }
        return {
            "summary": pd.DataFrame([{**meta, "overall_dtf": c["summary"]["overall_dtf"]}])
            .T.reset_index()
            .set_axis(["field", "value"], axis=1),
            "recommendations": recs,
            "plan": pd.DataFrame(c.get("plan", [])),
            "gaps": pd.DataFrame(c["gaps"]),
            "domains": pd.DataFrame(c["domains"]),
            "strengths": pd.DataFrame(c["strengths"]),
            "similarity": pd.DataFrame(c["similarity"]).drop(columns=["shared"], errors="ignore"),
            # the reason is the analysis's English message; the report says it with its own words
            "similarity_undefined": pd.DataFrame(c["similarity_undefined"]).drop(columns=["reason"], errors="ignore"),
            "alignment": pd.DataFrame(c["alignment"]["pairs"] if c["alignment"] else []),
            "unverified": pd.DataFrame(c["unverified"]),
            "not_counted": pd.DataFrame(c["not_counted"]),
            "timeline": pd.DataFrame(c.get("diffusion", [])),
            "sources": pd.DataFrame(c["sources"]),
            "methodology": pd.DataFrame({"text": c["methodology"]}),
            "parameters": pd.DataFrame(
                parameter_rows(c["meta"]["params"], self.lang, names, len(c["meta"]["benchmark"])),
                columns=["parameter", "value"],
            ),
            "not_applicable": pd.DataFrame(
                {"code": c["not_applicable"], "label": [names.category(k) for k in c["not_applicable"]]}
            ),
            "cite": pd.DataFrame({"text": [citation(c["meta"], self.lang)]}),
        }

    @validate_params({"path": FilePath()}, name="GapReport.to_excel")
    def to_excel(self, path: str | os.PathLike[str]) -> None:
        """Write an XLSX workbook, one sheet per table; formula-like cells are neutralised.

        In a Chinese report the sheets and columns have Chinese names and vocabulary values
        (status, authority, ...) are in Chinese; the English report keeps the field names.
        """

        def write(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, table in self.tables().items():
                    if table.empty and not len(table.columns):  # an optional section with nothing to show
                        continue
                    frame = _one_language(table, self.lang)
                    sheet, shown = (SHEETS_ZH.get(name, name), _chinese(frame)) if self.lang == "zh" else (name, frame)
                    _neutralise(shown).to_excel(writer, sheet_name=sheet, index=False)
                    _number_formats(writer.sheets[sheet], list(frame.columns))
            stable_zip(tmp, str(self.content["meta"]["generated"]))  # identical runs, identical bytes

        write_with(path, write)

    @validate_params({"path": FilePath()}, name="GapReport.save")
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the report; the format follows the suffix (.html, .md, .json, .xlsx, .docx, .pdf). Atomic.

        .docx needs python-docx (``pip install 'policybench[docx]'``); .pdf needs WeasyPrint
        (``pip install 'policybench[pdf]'``) and, for Chinese, a CJK font on the system.
        """
        target = Path(path)
        kind = FORMATS.get(target.suffix.lower())
        if kind is None:
            raise InputError(
                f"unknown report format '{target.suffix}' for {target}: use one of {', '.join(sorted(FORMATS))}"
            )
        if kind == "xlsx":
            self.to_excel(target)
            return target
        if kind == "docx":
            from .docx import write_docx

            return write_docx(xml_safe(self._context()), target)  # DOCX is XML: no control characters
        if kind == "pdf":
            from .pdf import write_pdf

            return write_pdf(self.to_html(), target, lang=self.lang)
        text = {"html": self.to_html, "md": self.to_markdown, "json": self.to_json}[kind]()
        with atomic_write(target) as handle:
            handle.write(text)
        return target

    def _repr_html_(self) -> str:
        return self.to_html()


def _left_out_text(c: dict[str, Any], names: Any, lang: str) -> str:
    """Why national duties and categories that do not apply to the target are never recommended."""
    L = {k: v[lang] for k, v in LABELS.items()}
    left_out = c.get("left_out", {"duties": [], "not_applicable_to_target": []})
    parts = []
    if left_out["duties"]:
        parts.append(L["left_out_duties"].format(names=names.categories_list(left_out["duties"])))
    if left_out["not_applicable_to_target"]:
        parts.append(L["left_out_na"].format(names=names.categories_list(left_out["not_applicable_to_target"])))
    return ("；" if lang == "zh" else "; ").join(parts) + ("。" if lang == "zh" else ".") if parts else ""


#: The human formats (Markdown, HTML, DOCX, PDF) list at most this many zones in a list of zones
#: (the benchmark, the similarity table); JSON and XLSX keep every zone.
SHOWN_ZONES = 30


def _first(items: list[Any]) -> tuple[list[Any], int]:
    """The first :data:`SHOWN_ZONES` items and how many are left out."""
    return items[:SHOWN_ZONES], max(0, len(items) - SHOWN_ZONES)


def _benchmark_text(names: list[str], lang: str) -> str:
    """The benchmark zones' names; beyond :data:`SHOWN_ZONES`, the first of them and the count."""
    shown, more = _first(names)
    text = _joined(shown, lang, "；")
    if not more:
        return text
    tail = LABELS["more_benchmark"][lang].format(more=f"{more:,}", n=f"{len(names):,}")
    return f"{text}{tail}" if lang == "zh" else f"{text} {tail}"


def _joined(items: list[str], lang: str, zh_sep: str = "、") -> str:
    return (zh_sep if lang == "zh" else ", ").join(items)


def _keys(sources: str) -> list[str]:
    """The 'zone:source-id' keys of a plan row's sources."""
    return [k.strip() for k in str(sources or "").split(";") if k.strip()]


def _readable_source(s: dict[str, Any], lang: str) -> dict[str, Any]:
    """A source with what the reader sees: its title (none when not recorded) and publisher in ``lang``."""
    title = s["title"] if title_recorded(s.get("title") or "") else ""
    publisher = publisher_text(s.get("publisher") or "", lang)
    return {**s, "title_text": title, "publisher_text": publisher, "link_text": title or publisher}


def _readable_recommendation(r: dict[str, Any], names: Names, lang: str, none: str) -> dict[str, Any]:
    """A recommendation with ids and codes in its texts replaced by names and titles."""
    return {
        **r,
        "rationale": names.prose(r["rationale_" + lang]),
        "prerequisites_text": names.categories_list(r["prerequisites_missing"] or "") or none,
        "not_counted_text": names.prose(r["not_counted"]) if r.get("not_counted") else "",
        "exemplars": [
            {**e, "sources": [_readable_source(s, lang) for s in e["sources"]]} for e in r.get("exemplars") or []
        ],
    }


def _timeline_rows(c: dict[str, Any], lang: str) -> list[tuple[str, str, list[tuple[str, str, str, str]]]]:
    """Per recommended category with dated adopters: (name, code, [(zone, start, earliest, latest)])."""
    rows = []
    for r in c["recommendations"]:
        adoptions = [
            (a["zone_name_" + lang], a["start"], a["earliest"], a["latest"])
            for a in c.get("diffusion", [])
            if a["code"] == r["code"]
        ]
        if adoptions:
            rows.append((r["label_" + lang], r["code"], adoptions))  # the code: the chart fallback without a CJK font
    return rows


def _plan_groups(plan: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The plan's rows grouped by authority, in the plan's order: [(authority, rows), ...]."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in plan:
        groups.setdefault(row["authority"], []).append(row)
    return list(groups.items())


def statuses_in(text: Any, lang: str) -> str:
    """Status words noted in parentheses, e.g. '(discontinued)', in ``lang``."""
    return _STATUS_NOTE.sub(lambda m: f"({term(m.group(1), lang)})", str(text))


def parameter_rows(
    params: dict[str, Any], lang: str, names: Names | None = None, n_benchmark: int | None = None
) -> list[tuple[str, str]]:
    """The analysis parameters as (readable name, readable value) rows: names, not ids or codes."""
    names = names or Names({}, lang)
    return [
        (PARAMETER_LABELS.get(k, {}).get(lang, k), _parameter_value(k, v, lang, names, n_benchmark))
        for k, v in sorted(params.items())
    ]


def _parameter_word(value: Any, lang: str, names: Names) -> str:
    text = str(value)
    if text in names.zones:
        return names.zone(text)
    return names.category(text) if "." in text else term(text, lang)


def _parameter_value(key: str, value: Any, lang: str, names: Names, n_benchmark: int | None) -> str:
    """One parameter's value as a reader sees it: zone names, category labels, rounded numbers, words."""
    none = LABELS["none"][lang]
    sep = "、" if lang == "zh" else ", "
    if value is None:
        if key == "against" and n_benchmark:
            return LABELS["all_other_zones"][lang].format(n=n_benchmark)
        return LABELS["default_weights"][lang] if key == "weights" else none
    if isinstance(value, list | tuple):
        return sep.join(_parameter_word(v, lang, names) for v in value) or none
    if isinstance(value, dict):
        return sep.join(
            f"{names.category(str(k))} {_parameter_value('', v, lang, names, None)}" for k, v in sorted(value.items())
        )
    if isinstance(value, bool):
        return term("true" if value else "false", lang)
    if isinstance(value, float):
        return format(round(value, 2), "g")
    return _parameter_word(value, lang, names)


def citation(meta: dict[str, Any], lang: str) -> str:
    """How to cite the report: library version, codebook and data version, date (one line)."""
    return LABELS["cite_text"][lang].format(
        version=meta["library_version"],
        codebook=meta["codebook_version"],
        data=f"{meta['data_version']} ({meta['data_hash']})" if meta.get("data_version") else meta["data_hash"],
        date=meta["generated"],
        target=meta["target_name"],
    )


#: The kind of number (``NUMBER_FORMATS``) of each numeric column of the XLSX sheets.
COLUMN_KINDS: dict[str, str] = {
    **dict.fromkeys(("target", "frontier", "gap", "own_mean", "own_max"), "score"),
    **dict.fromkeys(("dtf", "uplift", "overall_dtf"), "dtf"),
    **dict.fromkeys(
        ("priority_share", "adoption", "overlap_share", "p_top", "p_top_weights", "p_top_evidence"), "share"
    ),
    **dict.fromkeys(("coverage_target_by_zone", "coverage_zone_by_target", "coverage_target_by_peer"), "share"),
    **dict.fromkeys(("score", "structured", "alignment", "similarity", "text", "category"), "similarity"),
    **dict.fromkeys(("low", "high", "similarity_low", "similarity_high"), "similarity"),
    "known_share": "share",
    **{f"rank_p{q}{suffix}": "rank" for q in ("05", "95") for suffix in ("", "_weights", "_evidence")},
}


def _number_formats(sheet: Any, columns: list[str]) -> None:
    """Excel number formats by column kind: the cells keep their values, the reader sees the rounding."""
    for position, column in enumerate(columns, start=1):
        kind = COLUMN_KINDS.get(str(column))
        if kind is None:
            continue
        for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = EXCEL_FORMATS[kind]


_VOCABULARY_COLUMNS = (
    "authority",
    "status",
    "role",
    "kind",
    "zone_kind",
    "publisher",
    "confidence",
    "target_state",
    "absence_evidence",
    "exemplar_confidence",
    "reason",
    "precision",
    "vs_national",
)


def _one_language(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The columns of the report's language: the other language's labels, titles and texts left out."""
    other = "_en" if lang == "zh" else "_zh"
    return frame.drop(columns=[c for c in frame.columns if str(c).endswith(other)])


def _chinese(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names and vocabulary values in Chinese (codes and ids stay as they are)."""
    out = frame.copy()
    if "field" in out.columns:  # the summary sheet: one row per field
        out["field"] = out["field"].map(lambda v: COLUMNS_ZH.get(str(v), str(v)))
    for column in _VOCABULARY_COLUMNS:
        if column in out.columns:
            out[column] = out[column].map(lambda v: term(str(v), "zh") if isinstance(v, str) else v)
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map(lambda v: term("true" if v else "false", "zh"))
    return out.rename(columns=lambda c: COLUMNS_ZH.get(str(c), str(c)))


def _neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Clean text cells for XLSX: no characters XML cannot hold, formula-like text neutralised."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(spreadsheet_cell).astype(object)
    return out


def report(assessment: Assessment, *, lang: str = "zh", generated: str | None = None) -> GapReport:
    """Render an :class:`~policybench.assessment.Assessment` as a report (nothing is recomputed).

    Parameters
    ----------
    assessment : Assessment
        From :func:`policybench.assess`.
    lang : {"zh", "en"}
        Language of the report.
    generated : str, optional
        Date printed on the report (default: SOURCE_DATE_EPOCH, else today); fix it for
        byte-identical output across days.

    Returns
    -------
    GapReport

    Examples
    --------
    >>> import policybench as pb
    >>> a = pb.assess(pb.load_dataset(), "tianjin-htz", against=["wuhan-city-partner"], draws=50)
    >>> pb.report(a, lang="en", generated="2026-01-01").to_markdown().splitlines()[0]
    '# Reform benchmarking report: Tianjin Binhai Hi-tech Industrial Development Zone'
    """
    from ..assessment import Assessment

    if not isinstance(assessment, Assessment):
        raise InputError(
            "The 'assessment' parameter of report must be an Assessment (build one with "
            f"policybench.assess(dataset, target, ...)). Got {type(assessment).__name__} instead."
        )
    check_choice("report", "lang", lang, ("zh", "en"))
    return GapReport(build_content(assessment, lang=lang, generated=generated), lang)
