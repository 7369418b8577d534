"""Write a gap report as a Word document (python-docx): headings, tables, charts, named CJK fonts.

Rendering only: it lays out the same context the HTML and Markdown templates get. The domain,
gap and timeline charts are pictures at print resolution (:mod:`policybench.report.images`,
matplotlib), each followed by the native table of its numbers, which a reader can copy.
Styles name a Latin and an East-Asian font (``w:eastAsia``), so Word on a Chinese desktop shows
宋体/黑体 and elsewhere falls back to the fonts it has.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..data.io import write_with
from ..errors import PolicyBenchError
from ..numbers import shown
from .stable import stable_zip

if TYPE_CHECKING:
    from docx.document import Document

__all__ = ["BODY_FONTS", "HEADING_FONTS", "write_docx"]

#: (Latin, East Asian) font names of the body text and of the headings.
BODY_FONTS = ("Times New Roman", "SimSun")
HEADING_FONTS = ("Arial", "SimHei")


def _require() -> Any:
    missing = []
    for module, package in (("docx", "python-docx"), ("matplotlib", "matplotlib")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    if missing:
        raise PolicyBenchError(
            f"writing .docx needs {' and '.join(missing)} (not installed): pip install 'policybench[docx]'"
        )
    import docx

    return docx


def _fonts(style: Any, latin: str, east_asian: str, size: float | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = latin
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    if size is not None:
        style.font.size = Pt(size)


def _styles(document: Document, lang: str) -> None:
    from docx.shared import RGBColor

    styles = document.styles
    _fonts(styles["Normal"], *BODY_FONTS, size=10.5)  # 五号
    for level, size in ((0, 18), (1, 15), (2, 12)):
        style = styles["Title" if level == 0 else f"Heading {level}"]
        _fonts(style, *HEADING_FONTS, size=size)
        style.font.color.rgb = RGBColor(0x1D, 0x23, 0x30)
    _fonts(styles["Table Grid"], *BODY_FONTS, size=9)
    document.core_properties.language = "zh-CN" if lang == "zh" else "en-GB"


def _table(
    document: Document, header: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[int] = ()
) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = "" if value is None else str(value)
            if i in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()


def write_docx(context: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write the report ``context`` (as the templates receive it) to ``path``; atomic."""
    docx = _require()
    document = docx.Document()
    lang = context["meta"]["lang"]
    _styles(document, lang)
    document.core_properties.title = context["meta"]["title"]
    document.core_properties.author = "policybench"
    document.core_properties.comments = ""
    for section in _SECTIONS:
        section(document, context, lang)
    date = str(context["meta"]["generated"])

    def write(tmp: Path) -> None:
        document.save(str(tmp))
        stable_zip(tmp, date)  # identical runs, identical bytes

    write_with(path, write)
    return Path(path)


def _head(document: Document, c: dict[str, Any], lang: str) -> None:
    L, meta = c["L"], c["meta"]
    document.add_heading(meta["title"], level=0)
    document.add_paragraph(f"{L['benchmark']}: {c['benchmark_text']}")
    document.add_paragraph(f"{L['generated']}: {meta['generated']}")
    document.add_heading(L["summary"], level=1)
    document.add_paragraph().add_run(f"{L['overall_dtf']}: {shown(c['summary']['overall_dtf'], 'dtf')}").bold = True
    document.add_paragraph(c["summary_text"])


def _picture(document: Document, png: bytes) -> None:
    import io

    from docx.shared import Inches

    from .images import WIDTH_INCHES

    document.add_picture(io.BytesIO(png), width=Inches(WIDTH_INCHES))


def _bars(document: Document, c: dict[str, Any], chart: dict[str, Any]) -> None:
    from .images import bar_chart_png

    if chart["rows"]:
        _picture(document, bar_chart_png(chart, target_label=c["L"]["target"], frontier_label=c["L"]["frontier"]))


def _domains(document: Document, c: dict[str, Any], lang: str) -> None:
    L = c["L"]
    document.add_heading(L["domains"], level=1)
    _bars(document, c, c["domain_chart"])
    document.add_paragraph(L["domain_legend"])
    rows: list[tuple[str, ...]] = [
        (
            str(d["label_" + lang]),
            shown(d["target"], "score"),
            shown(d["frontier"], "score"),
            shown(d["dtf"], "dtf"),
            f"{d['gaps']}/{d['categories']}" if d["categories"] else "—",
            f"{shown(d['own_mean'], 'score')} / {shown(d['own_max'], 'score')}",
            f"{d['own_examined']}/{d['n_categories']}",
        )
        for d in c["domains"]
    ]
    header = [L["domain"], L["target"], L["frontier"], "DTF", L["gap_count"], L["own_strength"], L["examined_count"]]
    _table(document, header, rows, numeric=(1, 2, 3, 4, 5, 6))
    document.add_heading(L["gaps"], level=1)
    _bars(document, c, c["gap_chart"])
    rows = [
        (
            str(g["label_" + lang]),
            shown(g["target"], "score"),
            shown(g["frontier"], "score"),
            shown(g["gap"], "score"),
            shown(g["dtf"], "dtf"),
            shown(c["share"][g["code"]], "share") if g["code"] in c["share"] else "—",
        )
        for g in c["gaps"]
    ]
    header = [L["category"], L["target"], L["frontier"], L["gap"], "DTF", L["priority_share"]]
    _table(document, header, rows, numeric=(1, 2, 3, 4, 5))


def _recommendations(document: Document, c: dict[str, Any], lang: str) -> None:
    L, term = c["L"], c["term"]
    document.add_heading(L["recommendations"], level=1)
    document.add_paragraph(L["priority_legend"])
    if not c["recommendations"]:
        document.add_paragraph(L["none"])
    for r in c["recommendations"]:
        tags = [L[key] for key, flag in _TAGS if r.get(flag)]
        document.add_heading(" — ".join([f"{r['rank']}. {r['label_' + lang]}", *tags]), level=2)
        document.add_paragraph(r["rationale"])
        header = [
            L["priority_share"],
            L["gap"],
            "DTF",
            L["authority"],
            L["prerequisites"],
            L["uplift"],
            L["robustness"],
        ]
        row = (
            shown(c["share"][r["code"]], "share"),
            shown(r["gap"], "score"),
            shown(r["dtf"], "dtf"),
            term(r["authority"]),
            r["prerequisites_text"],
            shown(r["uplift"], "dtf"),
            _robustness(c, r),
        )
        _table(document, header, [row], numeric=(0, 1, 2, 5))
        document.add_paragraph(L["exemplars"]).runs[0].bold = True
        for e in r["exemplars"]:
            sources = "; ".join(_source_short(s) for s in e["sources"])
            document.add_paragraph(
                f"{e['zone_name_' + lang]} — {e['title_' + lang]} ({L['depth']} {e['depth']}, "
                f"{L['confidence']} {term(e['confidence'])}{', ' + e['start'] if e['start'] else ''}): {sources}",
                style="List Bullet",
            )
        if r["not_counted_text"]:
            document.add_paragraph(f"{L['not_counted']}: {r['not_counted_text']}")


_TAGS = (
    ("already_planned", "already_planned"),
    ("fragile", "fragile"),
    ("single_exemplar", "single_exemplar"),
    ("rests_on_low", "rests_on_low_confidence"),
)


def _source_short(s: dict[str, Any]) -> str:
    """An exemplar's source in one line: its title (or publisher when the title is not recorded) and date."""
    detail = [s["publisher_text"]] if s["title_text"] else []
    detail += [s["date"]] if s.get("date") else []
    return f"{s['link_text']} ({', '.join(detail)})" if detail else str(s["link_text"])


def _estimate(s: dict[str, Any]) -> str:
    low, high = shown(s["low"], "similarity"), shown(s["high"], "similarity")
    return f"{shown(s['score'], 'similarity')} ({low}–{high})"


def _alignment(document: Document, c: dict[str, Any]) -> None:
    """The closest peer's measures matched one to one with the target's."""
    al, L = c["alignment"], c["L"]
    if not al:
        return
    peer = c["zone_names"].get(al["peer"], al["peer"])
    document.add_heading(f"{L['alignment']}: {peer}", level=1)
    rows = [(shown(p["similarity"], "similarity"), p["title_a"], p["title_b"]) for p in al["pairs"]]
    _table(document, [L["sim"], c["meta"]["target_name"], peer], rows, numeric=(0,))
    document.add_paragraph(f"{L['unmatched']}: {len(al['unmatched_target'])}")


def _unverified(document: Document, c: dict[str, Any], lang: str) -> None:
    """Verify first (not ranked) and the target's measures the status filter left out."""
    L = c["L"]
    if c["unverified"]:
        document.add_heading(L["unverified"], level=2)
        reading = f" {L['check_first']}{c['unverified_reading']}" if c.get("unverified_reading") else ""
        document.add_paragraph(L["unverified_text"] + reading)
        checks: list[tuple[str, ...]] = [
            (
                u["label_" + lang],
                shown(u["frontier"], "score"),
                str(u["n_examined"]),
                u["exemplars_text"],
                u["check_text"],
            )
            for u in c["unverified"]
        ]
        headers = [L["category"], L["frontier"], L["n_examined"], L["exemplars"], L["check"]]
        _table(document, headers, checks, numeric=(1, 2))
    if c["left_out_text"]:
        document.add_paragraph(c["left_out_text"])
    if c["not_counted"]:
        document.add_heading(L["not_counted"], level=2)
        rows = [
            (m["title"], f"{m['category_text']} ({c['term'](m['role'])})", c["term"](m["status"]), str(m["depth"]))
            for m in c["not_counted"]
        ]
        _table(document, [L["measure"], L["category"], L["status"], L["depth"]], rows, numeric=(3,))


def _robustness(c: dict[str, Any], r: dict[str, Any]) -> str:
    if r.get("p_top") is None:
        return ""
    return str(
        c["L"]["robust_text"].format(
            k=c["robust_k"], p=r["p_top"], m=r["median_rank"], lo=r["rank_p05"], hi=r["rank_p95"]
        )
    )


def _rest(document: Document, c: dict[str, Any], lang: str) -> None:
    L = c["L"]
    document.add_heading(L["strengths"], level=1)
    if c["strengths"]:
        rows: list[tuple[str, ...]] = [
            (
                str(s["label_" + lang]),
                shown(s["target"], "score"),
                shown(s["frontier"], "score"),
            )
            for s in c["strengths"]
        ]
        _table(document, [L["category"], L["target"], L["frontier"]], rows, numeric=(1, 2))
    else:
        document.add_paragraph(L["none"])
    document.add_heading(L["similarity"], level=1)
    rows = [
        (
            s["name"],
            _estimate(s),
            shown(s["structured"], "similarity"),
            shown(s["alignment"], "similarity"),
            str(s["overlap"]),
            f"{shown(s['coverage_target_by_zone'], 'share')} / {shown(s['coverage_zone_by_target'], 'share')}",
            shown(s["known_share"], "share"),
        )
        for s in c["similarity"]
    ]
    header = [
        L["zone"],
        L["score"],
        L["structured"],
        L["aligned"],
        L["overlap"],
        L["coverage"],
        L["known_both"],
    ]
    _table(document, header, rows, numeric=(1, 2, 3, 4, 5, 6))
    if c["similarity_more"]:
        document.add_paragraph(c["similarity_more"])
    if c["similarity_imputed"]:
        document.add_paragraph(f"{L['similarity_imputed']}: {L['list_sep'].join(c['similarity_imputed'])}")
    if c["similarity_undefined"]:
        undefined = L["list_sep"].join(
            [f"{u['name']} ({L['overlap']} {u['overlap']})" for u in c["similarity_undefined"]]
            + ([c["similarity_undefined_more"]] if c["similarity_undefined_more"] else [])
        )
        document.add_paragraph(f"{L['similarity_undefined']}: {undefined}")
    _alignment(document, c)
    document.add_heading(L["sources"], level=1)
    for s in c["sources"]:
        date = f", {s['date']}" if s["date"] else ""
        url = f" {s['url']}" if s["url"] else ""
        kind = c["term"](s["kind"])
        publisher = f" — {s['publisher_text']}" if s["title_text"] else ""
        zone = c["zone_names"].get(s["zone"], s["zone"])
        document.add_paragraph(f"[{s['n']}] {zone}: {s['link_text']}{publisher}{date} ({kind}){url}")
    document.add_heading(L["methodology"], level=1)
    for m in c["methodology"]:
        document.add_paragraph(m, style="List Number")
    document.add_heading(L["parameters"], level=2)
    _table(document, [L["parameters"], L["value"]], c["parameters"])
    document.add_paragraph(f"{L['not_applicable']}: {c['not_applicable_text']}")
    meta = c["meta"]
    document.add_paragraph(
        f"{L['reproduce']}: policybench {meta['library_version']}, {L['codebook']} {meta['codebook_version']}, "
        f"{L['data_version']} {meta['data_version']} ({meta['data_hash']}), {meta['generated']}"
    )
    cite = c.get("citation")
    if cite:
        document.add_heading(L["cite"], level=1)
        document.add_paragraph(cite)


def _timeline(document: Document, c: dict[str, Any], lang: str) -> None:
    from .images import timeline_png

    chart = c["timeline_chart"]
    if not chart["rows"]:
        return
    document.add_heading(c["L"]["timeline"], level=1)
    document.add_paragraph(c["L"]["timeline_legend_print"])
    _picture(document, timeline_png(chart, first_label=c["L"]["first_adopter"], later_label=c["L"]["later_adopters"]))
    for row in chart["rows"]:
        order = " → ".join(f"{m['zone']} {m['start']}" for m in row["marks"])
        document.add_paragraph(f"{row['label']}: {order}", style="List Bullet")


def _plan(document: Document, c: dict[str, Any], lang: str) -> None:
    L = c["L"]
    if not c["plan_groups"]:
        return
    document.add_heading(L["plan"], level=1)
    document.add_paragraph(L["plan_legend"])
    for authority, rows in c["plan_groups"]:
        key = f"plan_{authority}"
        document.add_heading(L[key] if key in L else c["term"](authority), level=2)
        table = [
            (
                p["step"],
                f"{p['label_' + lang]} ({L['rank']} {p['rank']})",
                p["prerequisites_text"],
                p["exemplar_zones_text"],
                p["source_refs"],
            )
            for p in rows
        ]
        _table(document, [L["step"], L["category"], L["prerequisites"], L["exemplars"], L["cite_sources"]], table, (0,))


_SECTIONS = (_head, _domains, _recommendations, _unverified, _timeline, _plan, _rest)
