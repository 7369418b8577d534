"""Word and PDF reports: the DOCX is reopened and read back; the PDF's first pages are rendered to images."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policybench.assessment import assess
from policybench.errors import PolicyBenchError
from policybench.report import report

DATE = "2026-11-27"


@pytest.fixture(scope="module")
def zh(shipped):
    assessment = assess(shipped, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=50)
    return report(assessment, lang="zh", generated=DATE)


def test_docx_has_headings_native_tables_and_named_chinese_fonts(tmp_path: Path, zh) -> None:
    import docx
    from docx.oxml.ns import qn

    path = zh.save(tmp_path / "r.docx")
    document = docx.Document(str(path))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", "天津滨海高新技术产业开发区管理体制改革对标分析报告")
    level1 = [text for style, text in headings if style == "Heading 1"]
    assert level1[:3] == ["摘要", "分领域：本区与前沿", "分类别差距"] and "建议采纳的举措" in level1
    assert any(style == "Heading 2" and text.startswith("3. 合伙人制度 — ") for style, text in headings)  # no code
    assert "行动计划（按所需权限）" in level1
    assert ("Heading 2", "园区可自行推进") in headings and ("Heading 2", "需市级授权或配合") in headings
    tables = document.tables
    assert len(tables) >= 5
    header = [
        "领域",
        "本区",
        "前沿",
        "DTF",
        "差距类别 / 适用类别",
        "本区全部考察类别：平均 / 最高",
        "已考察 / 类别总数",
    ]
    assert [c.text for c in tables[0].rows[0].cells] == header
    domains = zh.content["domains"]
    assert [r.cells[0].text for r in tables[0].rows[1:]] == [d["label_zh"] for d in domains]
    assert tables[0].rows[1].cells[4].text == f"{domains[0]['gaps']}/{domains[0]['categories']}"
    # the target's own strength beside the benchmarked part, rounded as in every format
    gov = domains[0]
    assert tables[0].rows[1].cells[5].text == f"{gov['own_mean']:.2f} / {gov['own_max']:.2f}"
    assert tables[0].rows[1].cells[6].text == f"{gov['own_examined']}/{gov['n_categories']}"
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
    assert document.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "SimHei"


def test_pdf_first_pages_render_with_chinese_text(tmp_path: Path, zh) -> None:
    from PIL import Image

    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "install poppler-utils (see README)"
    path = zh.save(tmp_path / "r.pdf")
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "2", "-png", str(path), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == 2
    for page in pages:
        gray = Image.open(page).convert("L")
        histogram = gray.histogram()  # 256 bins of grey levels
        dark = sum(histogram[:128]) / (gray.width * gray.height)
        assert dark > 0.01, f"{page.name} is (nearly) blank"
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "天津滨海高新技术产业开发区" in text and "摘要" in text and "1 / " in text  # page numbers
    # the rendered pages show names, not codes or ids, and no English outside quoted titles
    from test_report_language import _given_names, _ids, leaks

    shown = subprocess.run(
        ["pdftotext", "-raw", "-f", "1", "-l", "2", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    from policybench import load_dataset

    data = load_dataset()  # the report of record is on the shipped data
    assert not leaks(shown, "zh", _given_names(data, "zh"), _ids(data), squeeze=True)


def test_a_small_zone_gives_a_pdf_of_a_few_pages(tmp_path: Path, capsys) -> None:
    """README's example zone (three measures, two domains examined) against two benchmarks: a few pages, not twenty.

    Seven since the similarity to both benchmarks is a number (data 2.2.0): the aligned measures appear.
    """
    import re

    from policybench.cli import main

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "id: my-htz" in b)
    (tmp_path / "my-htz.yaml").write_text(block, encoding="utf-8")
    path = tmp_path / "small.pdf"
    argv = ["report", "my-htz", "--data", str(tmp_path / "my-htz.yaml"), "--against", "wuhan-city-partner"]
    assert main([*argv, "donghu-htz", "--draws", "50", "--date", DATE, "-o", str(path)]) == 0
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages <= 7, pages


def test_pdf_without_a_cjk_font_is_refused_with_the_install_hint(tmp_path: Path, zh, monkeypatch) -> None:
    from policybench.report import pdf

    monkeypatch.setattr(pdf, "cjk_fonts", lambda: [])
    with pytest.raises(PolicyBenchError, match="fonts-noto-cjk"):
        zh.save(tmp_path / "r.pdf")
    assert not list(tmp_path.iterdir())


def test_missing_packages_are_named_with_the_install_command(tmp_path: Path, zh, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(PolicyBenchError, match=r"pip install 'policybench\[pdf\]'"):
        zh.save(tmp_path / "r.pdf")
    with pytest.raises(PolicyBenchError, match=r"pip install 'policybench\[docx\]'"):
        zh.save(tmp_path / "r.docx")
    assert not list(tmp_path.iterdir())


def test_citation_file_and_every_report_say_how_to_cite(zh, tmp_path: Path) -> None:
    import docx
    import yaml

    import policybench

    cff = yaml.safe_load((Path(__file__).parents[1] / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == policybench.__version__ and cff["cff-version"] == "1.2.0"
    meta = zh.content["meta"]
    expected = [policybench.__version__, meta["codebook_version"], meta["data_hash"], DATE]
    for text in (zh.to_html(), zh.to_markdown()):
        block = text[text.index("引用方式") :]
        assert all(part in block for part in expected)
    document = docx.Document(str(zh.save(tmp_path / "r.docx")))
    paragraphs = [p.text for p in document.paragraphs]
    cite = paragraphs[paragraphs.index("引用方式") + 1]
    assert all(part in cite for part in expected)


def _pictures(document) -> list[tuple[int, int, int]]:
    """(index of the paragraph holding it, width px, height px) of each picture, in document order."""
    import io

    from PIL import Image

    found = []
    for i, paragraph in enumerate(document.paragraphs):
        for blip in paragraph._p.xpath(".//a:blip"):
            part = document.part.related_parts[blip.get(qn_embed())]
            image = Image.open(io.BytesIO(part.blob))
            assert image.format == "PNG"
            found.append((i, image.width, image.height))
    return found


def qn_embed() -> str:
    from docx.oxml.ns import qn

    return qn("r:embed")


def test_docx_charts_are_print_resolution_pictures_under_their_headings(tmp_path: Path, zh) -> None:
    import docx

    from policybench.report.images import DPI, WIDTH_INCHES

    document = docx.Document(str(zh.save(tmp_path / "r.docx")))
    pictures = _pictures(document)
    texts = [p.text for p in document.paragraphs]
    headings = {texts.index(h): h for h in ("分领域：本区与前沿", "分类别差距", "谁先做、谁跟进：建议类别的采纳时间线")}
    assert len(pictures) == 3, pictures
    for (at, width, height), (heading_at, heading) in zip(pictures, sorted(headings.items()), strict=True):
        assert heading_at < at <= heading_at + 2, f"the picture of {heading} is not under its heading"
        assert width >= 0.8 * WIDTH_INCHES * DPI and height > 300, (heading, width, height)
    assert all(shape.width > 0 for shape in document.inline_shapes)


def test_charts_fall_back_to_codes_with_a_warning_when_no_cjk_font(monkeypatch) -> None:
    from policybench import PolicyBenchWarning
    from policybench.report import images

    labels, codes = ["管理体制", "人事与激励"], ["GOV", "HR"]
    assert images.chart_labels(labels, codes, "/some/font.ttc") == labels
    assert images.chart_labels(["Governance"], ["GOV"], None) == ["Governance"]  # no CJK needed
    with pytest.warns(PolicyBenchWarning, match="fonts-noto-cjk"):
        assert images.chart_labels(labels, codes, None) == codes
    monkeypatch.setattr(images, "cjk_font", lambda: None)
    chart = {"rows": [{"label": "管理体制", "tooltip": "GOV", "target": 0.5, "frontier": 1.0}]}
    with pytest.warns(PolicyBenchWarning):
        png = images.bar_chart_png(chart, target_label="本区", frontier_label="前沿")
    assert png.startswith(b"\x89PNG")


def test_a_cjk_font_is_found_on_this_machine() -> None:
    from policybench.report.images import cjk_font

    # README and .ci/run install fonts-noto-cjk; without it the zh charts would show codes
    assert cjk_font() is not None


def test_cli_docx_without_a_cjk_font_warns_and_still_writes_the_pictures(tmp_path: Path, monkeypatch, capsys) -> None:
    import docx

    from policybench import PolicyBenchWarning
    from policybench.cli import main
    from policybench.report import images

    monkeypatch.setattr(images, "cjk_font", lambda: None)
    out = tmp_path / "r.docx"
    argv = ["report", "tianjin-htz", "--against", "wuhan-city-partner", "donghu-htz", "--draws", "0", "-o", str(out)]
    with pytest.warns(PolicyBenchWarning, match="labelled with codes instead of Chinese names"):
        assert main(argv) == 0
    assert "报告已写入" in capsys.readouterr().out  # the default language is zh
    assert len(_pictures(docx.Document(str(out)))) == 3
