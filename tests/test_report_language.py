"""A Chinese report speaks Chinese and an English one English, in every format.

What may stay in the other language: names (zone, source titles and publishers as given),
URLs, category/domain codes and ids, and the acronym DTF. Everything else -- headings, table
headers, vocabulary, chart labels -- must be translated.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from policybench.assessment import assess
from policybench.report import report

#: English labels a careless zh report would show (as whole words).
ENGLISH_LABELS = [
    "unknown",
    "reprint",
    "news",
    "primary",
    "research",
    "proposed",
    "piloting",
    "implemented",
    "discontinued",
    "sim",
    "id",
    "priority",
    "target",
    "frontier",
    "codebook",
    "data",
    "none",
    "yes",
    "no",
    "high",
    "medium",
    "low",
    "municipal",
    "provincial",
    "national",
    "max",
    "mean",
    "field",
    "value",
    "secondary",
    "summary",
    "sources",
]
_CODE = re.compile(r"\b[A-Z]{2,5}(?:\.[A-Z0-9_]+)?\b")
_ID = re.compile(r"\b[a-z0-9]+(?:[-_.][a-z0-9]+)+\b")
_URL = re.compile(r"https?://\S+")
_CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def reports(shipped, tmp_path_factory):
    assessment = assess(shipped, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=50)
    out = {}
    folder = tmp_path_factory.mktemp("lang")
    for lang in ("zh", "en"):
        rep = report(assessment, lang=lang, generated="2026-11-27")
        out[lang] = (rep, folder / f"r.{lang}.xlsx", folder / f"r.{lang}.docx")
        rep.save(out[lang][1])
        rep.save(out[lang][2])
    return out, shipped


def _names(shipped) -> list[str]:
    """Texts given as names: zone names, source titles and publishers, measure titles (both languages)."""
    names = []
    for zone in shipped.zones:
        names += [zone.name.zh, zone.name.en]
        names += [s.title for s in zone.sources] + [s.publisher for s in zone.sources if s.publisher != "unknown"]
        names += [m.title.zh for m in zone.measures] + [m.title.en for m in zone.measures]
    return sorted({n for n in names if n}, key=len, reverse=True)


def _outputs(rep, xlsx: Path, docx_path: Path) -> dict[str, str]:
    import docx
    import openpyxl

    page = re.sub(r"<style>.*?</style>", " ", rep.to_html(), flags=re.S)
    page = re.sub(r"<title>[^<]*</title>", " ", page)  # tooltips hold the codes
    book = openpyxl.load_workbook(xlsx, read_only=True)
    sheet_text = " ".join(
        [" ".join(book.sheetnames)]
        + [" ".join(str(c.value) for c in next(ws.iter_rows(max_row=1))) for ws in book.worksheets]
    )
    document = docx.Document(str(docx_path))
    word = " ".join(
        [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    return {
        "html": html.unescape(re.sub(r"<[^>]+>", " ", page)),
        "md": rep.to_markdown(),
        "xlsx headers": sheet_text,
        "docx": word,
    }


def _strip(text: str, names: list[str]) -> str:
    text = _URL.sub(" ", text)
    for name in names:
        text = text.replace(name, " ")
    text = re.sub(r"\b[a-z]+\(", " ", text)  # function names in the methodology's formulas: max(0, ...)
    return _CODE.sub(" ", _ID.sub(" ", text))


def test_zh_outputs_have_no_untranslated_english_labels(reports) -> None:
    out, shipped = reports
    names = _names(shipped)
    pattern = re.compile(r"\b(" + "|".join(ENGLISH_LABELS) + r")\b", re.IGNORECASE)
    for kind, text in _outputs(*out["zh"]).items():
        # the citation names the library and the methodology its formulas; neither is a label
        found = sorted({m.group(0) for m in pattern.finditer(_strip(text, names))})
        assert not found, f"zh {kind} shows English labels: {found}"


def test_en_outputs_have_no_chinese_labels(reports) -> None:
    out, shipped = reports
    names = _names(shipped)
    for kind, text in _outputs(*out["en"]).items():
        left = _CJK.findall(_strip(text, names))
        assert not left, f"en {kind} shows Chinese text outside names: {''.join(left)[:80]}"


def test_zh_html_charts_and_headers_use_names_not_codes(reports) -> None:
    out, _ = reports
    page = out["zh"][0].to_html()
    texts = [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)", page)]
    assert texts and not [t for t in texts if _CODE.fullmatch(t)], "an SVG label is a bare category code"
    assert "科技金融平台" in texts
    headers = [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<th>(.*?)</th>", page)]
    english = [h for h in headers if not _CJK.search(h) and h not in ("DTF",)]
    assert not english, f"English table headers in the zh report: {english}"


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    from policybench.cli import main

    assert main(argv) == 0
    return capsys.readouterr().out


def test_zh_cli_gap_output_has_no_untranslated_english_labels(shipped, capsys) -> None:
    names = _names(shipped)
    pattern = re.compile(
        r"\b(" + "|".join([*ENGLISH_LABELS, "gap", "analysis", "verify", "rests", "share"]) + r")\b", re.I
    )
    out = _cli(["gap", "tianjin-htz", "--against", "wuhan-city-partner", "donghu-htz", "--draws", "50"], capsys)
    assert "待核实" in out and "总体DTF" in out and "优先度占比" in out
    found = sorted({m.group(0) for m in pattern.finditer(_strip(out, names))})
    assert not found, f"zh gap output shows English labels: {found}"
    english = _cli(
        ["gap", "tianjin-htz", "--against", "wuhan-city-partner", "donghu-htz", "--draws", "50", "--lang", "en"], capsys
    )
    assert not _CJK.findall(_strip(english, names)), "en gap output shows Chinese text outside names"
    assert "verify first" in english and "share of priority" in english


def test_gap_summary_in_both_languages(shipped) -> None:
    from policybench import InputError
    from policybench.gaps import gap_analysis

    gap = gap_analysis(shipped, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"])
    zh, en = gap.summary("zh"), gap.summary()
    assert zh.startswith("tianjin-htz对标donghu-htz、wuhan-city-partner的差距分析")
    assert f"总体DTF {gap.overall:.0f}，" in zh and "待核实" in zh and "前沿规则：最大值" in zh
    assert en.startswith("Gap analysis of tianjin-htz") and f"overall DTF {gap.overall:.0f} over" in en
    assert not _CJK.findall(en)
    lines = [line for line in _strip(zh, []).splitlines()]
    assert not re.search(r"\b(gap|priority|verify|overall|frontier|rule|present|absent)\b", "\n".join(lines), re.I)
    with pytest.raises(InputError, match="The 'lang' parameter of GapAnalysis.summary must be one of"):
        gap.summary("fr")


def test_assessment_summary_lines_in_both_languages(shipped) -> None:
    assessment = assess(shipped, "tianjin-htz", against=["donghu-htz"], draws=0)
    zh = "\n".join(assessment.summary_lines("zh"))
    assert zh.startswith("tianjin-htz对标donghu-htz的评估") and "优先度占比" in zh and "最相似：donghu-htz" in zh
    assert not re.search(r"\b(assessment|overall|priority|similar|undefined)\b", zh, re.I)
    assert "\n".join(assessment.summary_lines()).startswith("Assessment of tianjin-htz against donghu-htz")
