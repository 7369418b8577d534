"""Hostile text in every field, through every output format: nothing runs, nothing links out.

The payloads go into zone names, titles, summaries, publishers, source titles and URLs of a
target zone and a benchmark zone built in code (the API does not go through the YAML reader,
so even control characters reach the renderers). Each format is then read back with a real
parser: Markdown with markdown-it-py (HTML allowed, as the most permissive renderer would),
HTML with the standard library's parser, XLSX with openpyxl.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from policybench.assessment import assess
from policybench.cli.table import clean_text
from policybench.data.dataset import Dataset
from policybench.data.model import Zone
from policybench.report import report
from policybench.report.escaping import csv_cell, markdown_text, spreadsheet_cell, web_url

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "![img](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "x\r# heading injection",
    "x\n\n## heading injection\n",
    "x\r\n---\r\n<svg onload=alert(1)>",
    "&#106;avascript:alert(1) &lt;script&gt;",
    "`code` ``` fence",
    "| a | b |\n| --- | --- |",
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\x1b[31mred\x1b]0;title\x07 bell\x07 nul\x00",
    "\u202eevil\u202c",
    "1. list\n2. items",
    "> quote",
]
BAD_URLS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    'https://ok.example/a)(b<c>"d',
]


def _zone(zone_id: str, codes: list[str], shift: int) -> Zone:
    """A zone whose every text field carries a payload (a different one per field and measure)."""

    def p(i: int) -> str:
        return PAYLOADS[(i + shift) % len(PAYLOADS)]

    sources = [
        {"id": f"src-{i}", "title": f"T{i} {p(i)}", "publisher": p(i + 1), "url": url, "kind": "primary"}
        for i, url in enumerate([*BAD_URLS, "https://www.gov.cn/ok"])
    ]
    measures = [
        {
            "id": f"{zone_id}.m{i}",
            "title": {"zh": f"{p(i)} 举措{i}", "en": f"{p(i)} measure {i}"},
            "summary": {"zh": p(i + 2), "en": p(i + 3)},
            "category": code,
            "status": "implemented",
            "depth": 3,
            "evidence": [
                {"source": f"src-{i % len(sources)}", "locator": p(i + 4)},
                {"source": f"src-{len(BAD_URLS)}", "locator": "p1"},
            ],
            "confidence": "high",
            "note": p(i + 5),
        }
        for i, code in enumerate(codes)
    ]
    return Zone.model_validate(
        {
            "id": zone_id,
            "name": {"zh": p(0), "en": p(1)},
            "kind": "national-high-tech-zone",
            "region": {"province": {"zh": p(2), "en": p(3)}},
            "description": {"zh": p(4), "en": p(5)},
            "sources": sources,
            "measures": measures,
            # every domain examined (the fixture writes the absences out): the peer's categories are then
            # absent for the target (ranked, with their exemplars in the report), not unknown
            "scope": {"examined": ["GOV", "HR", "DEL", "TER", "SVC", "APR", "MKT", "TAL", "CGV", "INS"]},
        }
    )


@pytest.fixture(scope="module")
def hostile_reports(shipped) -> dict[str, Any]:
    """Reports on a target named "<img src=x onerror=alert(1)>" against a peer full of payloads."""
    first: dict[str, str] = {}
    for category in shipped.codebook.categories:  # one target measure per domain: every domain ranked
        first.setdefault(category.domain, category.code)
    rest = [c for c in shipped.codebook.codes if c not in first.values()]
    target = _zone("evil-target", list(first.values()), 0)
    peer = _zone("evil-peer", rest[: len(PAYLOADS)], 7)
    assert target.name.zh == "<img src=x onerror=alert(1)>"
    from _checklist import examined

    ds = Dataset(shipped.codebook, (target, peer))
    ds = examined(ds, {z.id: shipped.codebook.domain_codes for z in ds.zones})  # absences written out
    a = assess(ds, "evil-target", against=["evil-peer"], top=30, draws=20)
    return {"all": {lang: report(a, lang=lang, generated="2026-11-28") for lang in ("zh", "en")}}


def test_every_payload_reaches_the_report(hostile_reports: dict[str, Any]) -> None:
    content = json.dumps(json.loads(hostile_reports["all"]["en"].to_json()), ensure_ascii=False)
    missing = [p for p in PAYLOADS if json.dumps(p, ensure_ascii=False)[1:-1] not in content]
    assert not missing


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


SAFE_TAGS = {"p", "h1", "h2", "h3", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "code", "strong"}
SAFE_TAGS |= {"em", "a", "br", "hr", "pre", "blockquote", "div", "span", "html", "head", "meta", "title", "style"}
SAFE_TAGS |= {"body", "svg", "text", "rect", "line", "tspan", "nav", "section", "details", "summary", "small"}


def _assert_inert_html(html: str) -> None:
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in SAFE_TAGS, f"unexpected <{tag}>"
        for name, value in attrs:
            assert not name.startswith("on"), f"<{tag} {name}=...>"
            if name in ("href", "src"):
                assert web_url(value) or (value or "").startswith("#"), f"<{tag} {name}={value!r}>"
    lowered = html.lower()
    assert "<script" not in lowered and "javascript:" not in re.sub(r">[^<]*<", "><", lowered)


def test_markdown_renders_inert(hostile_reports: dict[str, Any]) -> None:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    for payload, reports in hostile_reports.items():
        for lang, rep in reports.items():
            html = md.render(rep.to_markdown())
            _assert_inert_html(html)
            assert html.count("<h1>") == 1, (payload, lang)
            assert "<img" not in html and "<svg" not in html and "<blockquote" not in html
            assert "heading injection</h" not in html
            hrefs = re.findall(r'href="([^"]*)"', html)
            assert hrefs and all(h.startswith("https://") for h in hrefs), hrefs


def test_html_report_and_notebook_repr_are_inert(hostile_reports: dict[str, Any]) -> None:
    for reports in hostile_reports.values():
        for rep in reports.values():
            _assert_inert_html(rep.to_html())
            _assert_inert_html(rep._repr_html_())


def test_non_web_urls_are_shown_as_text_not_links(hostile_reports: dict[str, Any]) -> None:
    rep = next(iter(hostile_reports.values()))["en"]
    md = MarkdownIt("commonmark", {"html": True}).render(rep.to_markdown())
    assert "javascript:alert(1)" in md  # shown, as text
    assert 'href="javascript' not in md.lower()
    assert 'href="https://www.gov.cn/ok"' in md


def test_xlsx_is_clean_and_has_no_formulas_or_links(hostile_reports: dict[str, Any], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    for n, reports in enumerate(hostile_reports.values()):
        path = tmp_path / f"r{n}.xlsx"
        reports["en"].save(path)  # control characters must not crash openpyxl
        book = load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.hyperlink is None
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
                        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", cell.value)


def test_json_report_is_valid_json_without_nan(hostile_reports: dict[str, Any]) -> None:
    for reports in hostile_reports.values():
        text = reports["zh"].to_json()
        json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_text_is_inert_for_every_payload(payload: str) -> None:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    for template in ("{}", "# title {}", "| {} | x |\n| --- | --- |", "- {}", "1. a {}"):
        html = md.render(template.format(markdown_text(payload)) + "\n")
        _assert_inert_html(html)
        assert "<a" not in html and "<img" not in html and "<h2" not in html
        assert html.count("<table>") <= 1 and html.count("<li>") <= 1


@pytest.mark.parametrize("payload", PAYLOADS)
def test_terminal_spreadsheet_and_csv_cells(payload: str) -> None:
    shown = clean_text(payload)
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shown)
    cell = spreadsheet_cell(payload)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", cell)
    assert not str(csv_cell(payload)).startswith(("=", "+", "-", "@"))


@pytest.mark.parametrize("url", BAD_URLS[:-1])
def test_only_web_addresses_are_links(url: str) -> None:
    assert web_url(url) == ""
    assert web_url("https://www.gov.cn/zhengce/x.htm") == "https://www.gov.cn/zhengce/x.htm"
    assert web_url("HTTP://EXAMPLE.ORG") == "HTTP://EXAMPLE.ORG"


def test_docx_is_written_without_links_to_non_web_addresses(hostile_reports: dict[str, Any], tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    path = tmp_path / "r.docx"
    hostile_reports["all"]["en"].save(path)  # control characters must not crash python-docx
    document = docx.Document(str(path))
    targets = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert all(web_url(t) for t in targets), targets
