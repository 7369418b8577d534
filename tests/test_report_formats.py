"""Every format carries every section, and the same report written twice is the same file.

The sections are found by their headings (sheet names in XLSX), so a section a format drops
fails here; the byte-identity test writes each format twice, more than the zip clock's two
seconds apart.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from policybench.assessment import assess
from policybench.labels import LABELS, SHEETS_ZH
from policybench.report import report

DATE = "2026-11-27"
FORMATS = ("html", "md", "docx", "pdf", "xlsx")
#: Section -> the label of its heading (the sheet of the same name in XLSX).
SECTIONS = {
    "summary": "summary",
    "domains": "domains",
    "gaps": "gaps",
    "recommendations": "recommendations",
    "unverified": "unverified",
    "not_counted": "not_counted",
    "timeline": "timeline",
    "plan": "plan",
    "strengths": "strengths",
    "similarity": "similarity",
    "similarity_undefined": "similarity_undefined",
    "alignment": "alignment",
    "sources": "sources",
    "methodology": "methodology",
    "parameters": "parameters",
    "not_applicable": "not_applicable",
    "cite": "cite",
}


@pytest.fixture(scope="module")
def assessment(shipped):
    return assess(shipped, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=50)


def _expected(content: dict) -> set[str]:
    """The sections this report has: the optional ones only when there is something to show."""
    optional = {
        "unverified": content["unverified"],
        "not_counted": content["not_counted"],
        "timeline": content["diffusion"],
        "plan": content["plan"],
        "similarity_undefined": content["similarity_undefined"],
        "alignment": content["alignment"],
    }
    return {key for key in SECTIONS if key not in optional or optional[key]}


def _text(path: Path) -> str:
    kind = path.suffix[1:]
    if kind == "html":
        page = re.sub(r"<(style|head)>.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
        return html.unescape(re.sub(r"<[^>]+>", " ", page))
    if kind == "md":
        return path.read_text(encoding="utf-8")
    if kind == "docx":
        import docx

        document = docx.Document(str(path))
        return "\n".join(p.text for p in document.paragraphs)
    if kind == "pdf":
        return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    raise AssertionError(kind)


def _sections(path: Path, lang: str) -> set[str]:
    if path.suffix == ".xlsx":
        import openpyxl

        sheets = set(openpyxl.load_workbook(path, read_only=True).sheetnames)
        return {key for key in SECTIONS if (SHEETS_ZH.get(key, key) if lang == "zh" else key) in sheets}
    text = re.sub(r"\s+", "", _text(path))  # a heading laid out on a page may break across lines
    return {key for key, label in SECTIONS.items() if re.sub(r"\s+", "", LABELS[label][lang]) in text}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_format_has_every_section(assessment, tmp_path: Path, lang: str) -> None:
    rep = report(assessment, lang=lang, generated=DATE)
    expected = _expected(rep.content)
    assert {"unverified", "not_counted", "timeline", "plan", "alignment"} <= expected  # the report of record has them
    for kind in FORMATS:
        found = _sections(rep.save(tmp_path / f"r.{kind}"), lang)
        assert found >= expected, f"{lang} {kind} lacks {sorted(expected - found)}"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_the_docx_opened_with_python_docx_has_every_section_as_a_heading(assessment, tmp_path: Path) -> None:
    import docx

    rep = report(assessment, lang="zh", generated=DATE)
    document = docx.Document(str(rep.save(tmp_path / "r.docx")))
    headings = "\n".join(p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title")))
    for key in ("summary", "domains", "gaps", "recommendations", "unverified", "not_counted", "timeline", "plan"):
        assert LABELS[key]["zh"] in headings, key
    for key in ("strengths", "similarity", "alignment", "sources", "methodology", "cite"):
        assert LABELS[key]["zh"] in headings, key


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_identical_runs_give_identical_bytes_in_every_format(assessment, tmp_path: Path, lang: str) -> None:
    kinds = [k for k in (*FORMATS, "json") if k != "pdf" or shutil.which("pdftotext")]
    first = {k: report(assessment, lang=lang, generated=DATE).save(tmp_path / f"a.{k}").read_bytes() for k in kinds}
    time.sleep(2.1)  # zip entries keep time to two seconds
    for kind in kinds:
        again = report(assessment, lang=lang, generated=DATE).save(tmp_path / f"b.{kind}").read_bytes()
        assert again == first[kind], f"{lang} {kind} differs between identical runs"


def test_office_files_carry_the_report_date_not_the_time_they_were_written(assessment, tmp_path: Path) -> None:
    import zipfile

    rep = report(assessment, lang="zh", generated=DATE)
    for kind in ("docx", "xlsx"):
        with zipfile.ZipFile(rep.save(tmp_path / f"r.{kind}")) as book:
            assert {info.date_time for info in book.infolist()} == {(2026, 11, 27, 0, 0, 0)}
            core = book.read("docProps/core.xml").decode()
            assert core.count(f"{DATE}T00:00:00Z") == 2, core
