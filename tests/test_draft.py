"""Drafting a coding from a policy text: reader errors, locators, rules, pending review never counted."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest

from policybench import InputError, load_dataset, load_zone, validate
from policybench.cli import main
from policybench.data.io import shipped_data_dir
from policybench.draft import draft, read_policy_text
from policybench.draft.rules import find_indicators, guess_depth, key_phrase, measure_clauses
from policybench.draft.segment import split_paragraphs
from policybench.draft.tense import guess_status

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "data" / "draft" / "example-plan.txt"
TIANJIN_TEXT = ROOT / "benchmarks" / "texts" / "tianjin-htz-reform-2020.txt"


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture(scope="module", autouse=True)
def model_cache(tmp_path_factory: pytest.TempPathFactory):
    """Cached draft models go to a temporary folder, never to the user's cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICYBENCH_CACHE_DIR", str(tmp_path_factory.mktemp("model-cache")))
        yield


@pytest.fixture(scope="module")
def example():
    return draft(read_policy_text(EXAMPLE), zone_id="example-plan", source_path=str(EXAMPLE), source_kind="primary")


# ----------------------------------------------------------------------------- reading


def test_reader_refuses_pdf_binary_empty_and_other_types(tmp_path: Path) -> None:
    cases = {
        "plan.pdf": (b"%PDF-1.7\n...", "a PDF cannot be drafted from directly"),
        "renamed.txt": (b"%PDF-1.4 binary", "a PDF"),
        "blob.txt": (b"\x00\x01\x02abc", "binary file"),
        "empty.txt": ("  \n\u3000\n".encode(), "holds no text"),
        "gbk.txt": (b"plan\n" + "推行改革".encode("gb18030"), "not valid UTF-8"),
        "plan.rtf": (b"{\\rtf1 hello}", "unsupported file type '.rtf'"),
        "broken.docx": (b"PK\x03\x04 not really a zip", "not a readable .docx"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError, match=message) as info:
            read_policy_text(path)
        assert name in str(info.value)
    assert "gbk.txt:2" in _message(read_policy_text, tmp_path / "gbk.txt")  # the line of the bad byte


def _message(function, *args) -> str:
    try:
        function(*args)
    except InputError as exc:
        return str(exc)
    raise AssertionError("no error")


def test_reader_reads_docx_and_markdown(tmp_path: Path) -> None:
    docx = tmp_path / "plan.docx"
    body = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        "<w:p><w:r><w:t>一、主要任务</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>全面推行</w:t></w:r><w:r><w:t>法定机构改革。</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", body)
    assert read_policy_text(docx) == "一、主要任务\n全面推行法定机构改革。"
    markdown = tmp_path / "plan.md"
    markdown.write_text("# 一、主要任务\r\n\ufeff推行改革。\r\n", encoding="utf-8-sig")
    paragraphs = split_paragraphs(read_policy_text(markdown))
    assert [(p.locator, p.text) for p in paragraphs] == [("§一 para 1", "推行改革。")]


def test_cli_draft_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    kind = ["--source-kind", "primary"]
    code, _, err = run(["draft", str(pdf), *kind], capsys)
    assert code == 1 and "plan.pdf" in err and "PDF" in err
    code, _, err = run(["draft", str(empty), *kind], capsys)
    assert code == 1 and "holds no text" in err
    code, _, err = run(["draft", str(tmp_path / "missing.txt"), *kind], capsys)
    assert code == 2 and "missing.txt" in err
    code, _, err = run(["draft", str(EXAMPLE), "--exclude-zone", "tianjin", *kind], capsys)
    assert code == 2 and "tianjin" in err  # an unknown zone id is a usage error
    code, _, err = run(["draft", str(EXAMPLE)], capsys)  # the kind of source is asked, never guessed
    assert code == 2 and "--source-kind" in err
    code, _, err = run(["draft", str(EXAMPLE), "--no-shipped", *kind], capsys)
    assert code == 2 and "--no-shipped" in err


# ----------------------------------------------------------------------------- splitting


def test_every_hand_coded_locator_points_to_the_paragraph_with_its_key_phrase() -> None:
    paragraphs = {p.locator: p.text for p in split_paragraphs(read_policy_text(TIANJIN_TEXT))}
    zone = load_zone(shipped_data_dir() / "zones" / "tianjin-htz.yaml")
    checked = 0
    for measure in zone.measures:
        for ev in measure.evidence:
            if ev.source == "article-2020":
                assert ev.locator in paragraphs, (measure.id, ev.locator)
                assert fold(ev.key_phrase or "") in fold(paragraphs[ev.locator]), (measure.id, ev.locator)
                checked += 1
    assert checked >= 40


def test_headings_items_and_numbering() -> None:
    text = "序言。\n一、总体\n段一。\n(二)任务\n段二。\n段三。\n1.设立基金，支持企业。\n2、推行审批。\n二、保障\n段四。"
    got = [(p.locator, p.headings[-1] if p.headings else "") for p in split_paragraphs(text)]
    assert got == [
        ("para 1", ""),
        ("§一 para 1", "总体"),
        ("§一(二) para 1", "任务"),
        ("§一(二) para 2", "任务"),
        ("§一(二)1 para 1", "设立基金，支持企业。"),
        ("§一(二)2 para 1", "推行审批。"),
        ("§二 para 1", "保障"),
    ]


# ----------------------------------------------------------------------------- rules


def test_status_rules() -> None:
    assert guess_status("在三个片区开展试点。", ())[0] == "piloting"
    assert guess_status("已累计承接185项事项。", ("方向",))[0] == "implemented"  # wording beats section
    assert guess_status("将设立产业基金。", ("经验",))[0] == "proposed"
    assert guess_status("全面推动法定机构改革。", ("经验:打破制度障碍",))[0] == "implemented"
    assert guess_status("推进平台公司改革。", ("方向:推进体制改革",))[0] == "proposed"
    status, reason = guess_status("设立特殊贡献奖。", ())
    assert status == "proposed" and "cautious" in reason


def test_indicators_depth_and_key_phrase() -> None:
    found = find_indicators("承接185项市级权力事项,办理4842件,规模10亿元,服务1.5万人。")
    assert [(i.value, i.unit, i.unit_en) for i in found] == [
        (185.0, "项", "items"),
        (4842.0, "件", "cases"),
        (10.0, "亿元", "CNY 100m"),
        (1.5, "万人", "10k people"),
    ]
    assert guess_depth("proposed", "全面推行。", found)[0] == 1
    assert guess_depth("piloting", "全面推行。", found)[0] == 2
    assert guess_depth("implemented", "全面承接185项。", found)[0] == 3
    assert guess_depth("implemented", "承接185项。", found)[0] == 3  # an operating count is the evidence
    assert guess_depth("implemented", "全面推行。", [])[0] == 2  # no figure
    assert guess_depth("implemented", "增长15%。", find_indicators("增长15%。"))[0] == 2  # a rate is no count
    long = "在人员设置方面,全面取消行政事业在编人员身份并持法定机构工作人员身份统一签订聘任合同实现能者上庸者下。"
    phrase = key_phrase(long)
    assert len(phrase) == 30 and phrase in long and phrase.startswith("全面取消")
    assert measure_clauses("伴随改革深入,推出多项合一审批模式,支持一址多照,审批机制。") == [
        "推出多项合一审批模式",
        "支持一址多照",
    ]


# ----------------------------------------------------------------------------- the draft


def test_draft_validates_pending_low_and_points_to_real_paragraphs(example, tmp_path: Path) -> None:
    zone = example.zone
    assert len(zone.measures) >= 8
    assert all(m.confidence == "low" and m.review == "pending" for m in zone.measures)
    paragraphs = {p.locator: p.text for p in split_paragraphs(read_policy_text(EXAMPLE))}
    for m in zone.measures:
        (ev,) = m.evidence
        assert ev.locator in paragraphs and ev.key_phrase and len(ev.key_phrase) <= 30
        assert ev.key_phrase in paragraphs[ev.locator]
    table = example.table().set_index("locator")

    def at(locator: str, column: str) -> set[object]:  # a paragraph may hold several proposals
        return set(table.loc[[locator], column])

    assert "DEL.MUNICIPAL_POWERS" in at("§二(二) para 1", "code")
    assert "implemented" in at("§二(二) para 1", "status")  # 已累计
    assert "piloting" in at("§二(三) para 1", "status")  # 试点
    assert "proposed" in at("§二(二) para 2", "status")  # 拟
    assert table["candidates"].str.count(";").eq(2).all()  # three candidates
    municipal = next(m for m in zone.measures if m.evidence[0].locator == "§二(二) para 1")
    assert [(i.value, i.unit, i.as_of) for i in municipal.indicators][:1] == [(68.0, "items", "2024-03-15")]
    assert {m.evidence[0].locator for m in zone.measures} >= {"§二(三)1 para 1", "§二(三)2 para 1"}  # numbered items
    out = tmp_path / "example.yaml"
    example.save(out)
    report = validate([out])
    assert report.valid
    pending = [i for i in report.issues if i.code == "review-pending"]
    assert len(pending) == len(zone.measures) and all(i.severity == "warning" and i.line > 0 for i in pending)
    assert pending[0].path == "measures[0].review"


def test_pending_measures_are_not_counted(example) -> None:
    from policybench.similarity import portfolio_matrix

    shipped = load_dataset()
    implemented = [m.model_copy(update={"status": "implemented", "depth": 2}) for m in example.zone.measures]
    pending_zone = example.zone.model_copy(update={"measures": implemented})
    dataset = shipped.replace_zones([*shipped.zones, pending_zone])
    duties = [c.code for c in dataset.codebook.categories if c.national_duty is not None]
    row = portfolio_matrix(dataset).loc["example-plan"]
    assert row.drop(duties).fillna(0).sum() == 0  # only the national duties are present (presumed, depth 1)
    assert (
        portfolio_matrix(dataset.replace_zones([*shipped.zones, pending_zone.model_copy(update={"measures": []})]))
        .loc["example-plan"]
        .equals(row)
    )  # pending drafts are no evidence either way: the same row as with no measure at all
    zones = dataset.zones_table().set_index("zone_id")
    assert zones.loc["example-plan", "n_counted"] == 0
    assert not dataset.measures_table().query("zone_id == 'example-plan'")["counted"].any()
    accepted = [m.model_copy(update={"review": "accepted"}) for m in implemented]
    cleared = dataset.replace_zones([*shipped.zones, pending_zone.model_copy(update={"measures": accepted})])
    assert portfolio_matrix(cleared).loc["example-plan"].sum() > 0
    assert cleared.zones_table().set_index("zone_id").loc["example-plan", "n_counted"] == len(accepted)


def test_draft_parameters_are_checked() -> None:
    with pytest.raises(InputError, match="'text' parameter of draft"):
        draft("  \n")
    with pytest.raises(InputError, match="'zone_id' parameter of draft"):
        draft("推行改革。", zone_id="Bad Id")
    with pytest.raises(InputError, match="'top' parameter of draft must be a positive int. Got 0"):
        draft("推行改革。", top=0)


def test_policybench_draft_is_the_function() -> None:
    import importlib

    package = importlib.import_module("policybench")
    importlib.import_module("policybench.draft.classify")  # importing submodules must not shadow the function
    assert package.draft is draft and callable(package.draft)
    assert package.agreement.__module__ == "policybench.agreement"


def test_cli_draft_then_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "draft.yaml"
    code, _, err = run(
        ["draft", str(EXAMPLE), "--zone-id", "example-plan", "-o", str(out), "--source-kind", "primary"], capsys
    )
    assert code == 0 and "policybench review" in err and out.is_file()
    code, text, _ = run(["review", str(out)], capsys)
    assert code == 0 and "pending review" in text
    assert "paragraph: 已累计承接市级审批权限68项" in text  # the source text found from the draft's note
    code, sheet, _ = run(["review", str(out), "--format", "md", "--text", str(EXAMPLE)], capsys)
    assert code == 0 and sheet.startswith("# Review sheet: example-plan") and "| measure_id |" in sheet
    code, report, _ = run(["validate", str(out)], capsys)
    assert code == 0 and "review-pending" in report and "not counted" in report
    code, _, err = run(["review", str(tmp_path / "none.yaml")], capsys)
    assert code == 2 and "none.yaml" in err
