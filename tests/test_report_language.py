"""A Chinese report speaks Chinese and an English one English, in every format.

What may stay in the other language: names (zone, source titles and publishers as given),
URLs, category/domain codes and ids, and the acronym DTF. Everything else -- headings, table
headers, vocabulary, chart labels -- must be translated.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from policybench.assessment import assess
from policybench.report import report
from policybench.report.readable import _split_note

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
        names += [_split_note(s.publisher)[0] for s in zone.sources]
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


def _unquoted(text: str) -> str:
    """Quoted Chinese in an English report is given text: titles (《》) and the search terms of a check (“”)."""
    return re.sub(r"“[^“”]*”", " ", re.sub(r"《[^《》]*》", " ", text))


def _strip(text: str, names: list[str], *, unquote: bool = False) -> str:
    text = _URL.sub(" ", text)
    for name in names:
        text = text.replace(name, " ")
    if unquote:
        text = _unquoted(text)
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
        left = _CJK.findall(_strip(text, names, unquote=True))
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


def test_zh_cli_gap_output_has_no_untranslated_english_labels(shipped, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "2000")  # no cell wraps: names are compared whole
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


# ----------------------------------------------------------------------------- the scan over every format

_HOST = re.compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b", re.I)
_CATEGORY_CODE = re.compile(r"\b[A-Z]{2,5}\.[A-Z0-9_]+\b")
_WORD = re.compile(r"[A-Za-z]{2,}")
#: What may stay as it is in either language: the measure's acronym, the text method's name, the library.
_ALLOWED = {"DTF", "TF", "IDF", "policybench"}


def _given_names(shipped, lang: str) -> list[str]:
    """Texts shown as given: zone and measure names in the report's language, source titles, publishers' names."""
    names = []
    for zone in shipped.zones:
        names.append(zone.name.get(lang))
        names += [s.title for s in zone.sources]
        names += [_split_note(s.publisher)[0] for s in zone.sources if not s.publisher.lower().startswith("unknown")]
        names += [m.title.get(lang) for m in zone.measures]
    return sorted({n for n in names if n and len(n) > 1}, key=len, reverse=True)


def _ids(shipped) -> set[str]:
    """Every id and code of the data: zones, measures, 'zone:source' keys, categories and domains."""
    ids = {z.id for z in shipped.zones} | {m.id for z in shipped.zones for m in z.measures}
    ids |= {f"{z.id}:{s.id}" for z in shipped.zones for s in z.sources}
    return ids | set(shipped.codebook.codes) | set(shipped.codebook.domain_codes)


def leaks(text: str, lang: str, names: list[str], ids: set[str], *, squeeze: bool = False) -> list[str]:
    """Codes, ids, and words of the other language left once the given names, links and formulas are taken out.

    ``squeeze`` compares without white space (text laid out on pages breaks names across lines).
    """
    text = _URL.sub(" ", text)
    if squeeze:
        text = re.sub(r"\s+", "", text)
        names = sorted({re.sub(r"\s+", "", n) for n in names}, key=len, reverse=True)
    for name in names:
        text = text.replace(name, " ")
    if lang == "en":
        text = _unquoted(text)
    tokens = {t.strip(".:-") for t in re.split(r"[^A-Za-z0-9_.:-]+", text)}
    found = [t for t in tokens if t in ids] + _CATEGORY_CODE.findall(text)
    text = _HOST.sub(" ", text)
    text = re.sub(r"\b[0-9a-f]{12,}\b", " ", text)  # the data hash, in the reproducibility line
    text = re.sub(r"[A-Za-z]*_[A-Za-z]*|\b[a-z]+\(", " ", text)  # the methodology's formulas: DTF_c, max(0, ...)
    if lang == "zh":
        found += [w for w in _WORD.findall(_CATEGORY_CODE.sub(" ", text)) if w not in _ALLOWED]
    elif squeeze:  # table cells laid out side by side interleave their lines: a piece of a name is a name
        found += [run for run in re.findall(r"[\u3400-\u9fff]+", text) if not any(run in n for n in names)]
    else:
        found += _CJK.findall(text)
    return sorted(set(found))


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    return "\n".join(
        [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )


#: XLSX columns that hold ids and codes on purpose (the workbook is also a machine format).
_ID_COLUMNS = re.compile(
    r"(代码|^code$|^domain$|^zone$|^id$|^url$|网址|^measure|ids?$|exemplars?$|范例$|_zones$|范例区域|sources$|可引用的资料|"
    r"planned_measures|本区已提出的举措|frontier_holders|前沿持有区|^value$|^值$|^prerequisites$|^尚缺前置条件$|^publisher$|发布者|"
    r"^title$|^标题$|^name$|^区域$|^zone_name|^exemplar|"
    r"^check_queries$|^待做检索$)"  # search terms to type, in Chinese whatever the report's language
)


def _xlsx_text(path: Path) -> str:
    """Sheet names, column names and the readable cells of an XLSX report."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    parts = list(book.sheetnames)
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if not rows:
            continue
        header = [str(h) for h in rows[0]]
        parts += header
        keep = [i for i, h in enumerate(header) if not _ID_COLUMNS.search(h)]
        parts += [str(row[i]) for row in rows[1:] for i in keep if isinstance(row[i], str)]
    return "\n".join(parts)


def _html_text(page: str) -> str:
    """The text a reader of the HTML page sees, tooltips included."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<head>.*?</head>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def every_format(shipped, tmp_path_factory):
    """Every format of the report of record, in both languages, as the text a reader sees."""
    assessment = assess(shipped, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=50)
    folder = tmp_path_factory.mktemp("scan")
    out: dict[str, dict[str, str]] = {}
    for lang in ("zh", "en"):
        rep = report(assessment, lang=lang, generated="2026-11-27")
        texts = {"html": _html_text(rep.to_html()), "md": rep.to_markdown()}
        texts["docx"] = _docx_text(rep.save(folder / f"r.{lang}.docx"))
        texts["xlsx"] = _xlsx_text(rep.save(folder / f"r.{lang}.xlsx"))
        if shutil.which("pdftotext"):
            pdf = rep.save(folder / f"r.{lang}.pdf")
            texts["pdf"] = subprocess.run(
                ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
        out[lang] = texts
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_format_shows_names_not_codes_or_ids_and_one_language(every_format, shipped, lang: str) -> None:
    names, ids = _given_names(shipped, lang), _ids(shipped)
    assert set(every_format[lang]) >= {"html", "md", "docx", "xlsx"}
    for kind, text in every_format[lang].items():
        found = leaks(text, lang, names, ids, squeeze=kind == "pdf")
        assert not found, f"{lang} {kind} shows codes, ids or the other language: {found[:20]}"


def test_the_scan_catches_each_kind_of_leak(shipped) -> None:
    names, ids = _given_names(shipped, "zh"), _ids(shipped)
    assert "tianjin-htz.park-partner-system" in leaks(
        "本区已提出相关方向（tianjin-htz.park-partner-system）", "zh", names, ids
    )
    assert "MKT.PARTNER_SYSTEM" in leaks("合伙人制度 MKT.PARTNER_SYSTEM", "zh", names, ids)
    assert leaks("管理体制 GOV", "zh", names, ids) == ["GOV"]
    assert "municipal" in leaks("所需权限：municipal", "zh", names, ids)
    assert "national-policy" in leaks("标杆组：national-policy", "zh", names, ids)
    assert leaks("sources: donghu-htz:xinhua-2015-01-16", "en", names, ids) == ["donghu-htz:xinhua-2015-01-16"]
    assert leaks("Authority needed: 市级", "en", _given_names(shipped, "en"), ids) == ["市", "级"]
    assert leaks("天津滨\n海高新技术产业开发区", "zh", names, ids, squeeze=True) == []
    assert not leaks("天津滨海高新技术产业开发区 总体DTF 69，见 https://example.org/a-b", "zh", names, ids)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_texts_say_unknown_publishers_and_unrecorded_titles_in_the_language(every_format, lang: str) -> None:
    text = every_format[lang]["html"]
    assert "title not recorded" not in text and "unknown (handmsg" not in text
    assert ("发布者不详" if lang == "zh" else "publisher unknown") in text


_CLI_RUNS = [
    ["gap", "tianjin-htz", "--against", "wuhan-city-partner", "donghu-htz", "--draws", "50"],
    ["coverage"],
    ["similarity"],
    ["similarity", "--min-overlap", "3"],
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("argv", _CLI_RUNS, ids=lambda a: "-".join(a[:3]))
def test_cli_output_shows_names_in_one_language(shipped, capsys, monkeypatch, argv: list[str], lang: str) -> None:
    monkeypatch.setenv("COLUMNS", "2000")  # no cell wraps: names are compared whole
    out = _cli([*argv, "--lang", lang], capsys)
    found = leaks(out, lang, _given_names(shipped, lang), _ids(shipped))
    assert not found, f"{lang} `{' '.join(argv)}` shows codes, ids or the other language: {found[:20]}"
