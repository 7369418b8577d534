"""Render a gap report as HTML, Markdown, JSON or XLSX. Rendering only: nothing is recomputed."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._params import check_choice
from ..errors import InputError
from ..io import atomic_write, write_with
from .charts import paired_bars
from .content import build_content
from .labels import LABELS, term

if TYPE_CHECKING:
    import jinja2

    from ..assessment import Assessment

__all__ = ["FORMATS", "GapReport", "report"]

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".xlsx": "xlsx"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _md(text: Any) -> str:
    """Escape text for a Markdown table cell or paragraph: pipes, newlines, HTML brackets."""
    value = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return value.replace("<", "&lt;").replace(">", "&gt;")


def _environment(autoescape: bool, lang: str) -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("policybench.report", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md
    env.filters["term"] = lambda value: term(str(value), lang)
    return env


@dataclass(frozen=True)
class GapReport:
    """A gap report: the content (plain data) and its renderings.

    Build it with :func:`report`; ``content`` is the JSON twin of every format.
    """

    content: dict[str, Any] = field(repr=False)
    lang: str = "zh"

    def _context(self) -> dict[str, Any]:
        c = self.content
        lang = self.lang
        recs = c["recommendations"]
        top = "；".join if lang == "zh" else "; ".join
        names = [f"{r['label_' + lang]} ({r['code']})" for r in recs[:5]]
        summary_text = LABELS["summary_text"][lang].format(
            target=c["meta"]["target_name"],
            dtf=c["summary"]["overall_dtf"],
            n=c["summary"]["applicable"],
            top=top(names) or LABELS["none"][lang],
        )
        domains = [(f"{d['label_' + lang]}", d["target"], d["frontier"]) for d in c["domains"]]
        gaps = [(f"{g['code']}", g["target"], g["frontier"]) for g in c["gaps"]]
        return {
            **c,
            "L": {k: v[lang] for k, v in LABELS.items()},
            "summary_text": summary_text,
            "domain_chart": paired_bars(domains),
            "gap_chart": paired_bars(gaps),
            "robust_k": c["meta"]["sensitivity"].get("top", 5),
            "params_json": json.dumps(c["meta"]["params"], ensure_ascii=False, sort_keys=True),
        }

    def to_html(self) -> str:
        """One self-contained HTML page: inline SVG charts, no network requests, autoescaped."""
        return _environment(True, self.lang).get_template("report.html.j2").render(**self._context())

    def to_markdown(self) -> str:
        """GitHub-flavoured Markdown."""
        return _environment(False, self.lang).get_template("report.md.j2").render(**self._context())

    def to_json(self) -> str:
        """The content as JSON (sorted keys, UTF-8 text, stable floats)."""
        return json.dumps(self.content, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def tables(self) -> dict[str, pd.DataFrame]:
        """The report's tables as DataFrames (one XLSX sheet each)."""
        c = self.content
        recs = pd.DataFrame(c["recommendations"])
        if not recs.empty:
            recs["exemplars"] = recs["exemplars"].map(lambda ex: "; ".join(f"{e['zone']}:{e['measure']}" for e in ex))
        meta = {
            k: json.dumps(v, ensure_ascii=False, sort_keys=True) if isinstance(v, dict | list) else v
            for k, v in c["meta"].items()
        }
        return {
            "summary": pd.DataFrame([{**meta, "overall_dtf": c["summary"]["overall_dtf"]}])
            .T.reset_index()
            .set_axis(["field", "value"], axis=1),
            "recommendations": recs,
            "gaps": pd.DataFrame(c["gaps"]),
            "domains": pd.DataFrame(c["domains"]),
            "strengths": pd.DataFrame(c["strengths"]),
            "similarity": pd.DataFrame(c["similarity"]).drop(columns=["shared"], errors="ignore"),
            "alignment": pd.DataFrame(c["alignment"]["pairs"] if c["alignment"] else []),
            "not_counted": pd.DataFrame(c["not_counted"]),
            "sources": pd.DataFrame(c["sources"]),
            "methodology": pd.DataFrame({"text": c["methodology"]}),
        }

    def to_excel(self, path: str | os.PathLike[str]) -> None:
        """Write an XLSX workbook, one sheet per table; formula-like cells are neutralised."""

        def write(tmp: Path) -> None:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, frame in self.tables().items():
                    _neutralise(frame).to_excel(writer, sheet_name=name, index=False)

        write_with(path, write)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the report; the format follows the suffix (.html, .md, .json, .xlsx). Atomic."""
        target = Path(path)
        kind = FORMATS.get(target.suffix.lower())
        if kind is None:
            raise InputError(
                f"unknown report format '{target.suffix}' for {target}: use one of {', '.join(sorted(FORMATS))}"
            )
        if kind == "xlsx":
            self.to_excel(target)
            return target
        text = {"html": self.to_html, "md": self.to_markdown, "json": self.to_json}[kind]()
        with atomic_write(target) as handle:
            handle.write(text)
        return target

    def _repr_html_(self) -> str:
        return self.to_html()


def _neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would read as a formula with an apostrophe."""

    def fix(value: Any) -> Any:
        return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_START) else value

    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(fix).astype(object)
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
