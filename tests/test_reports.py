"""Reports: numbers equal the analysis, byte-identical output, golden Markdown, safe XLSX, batch."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from policybench.assessment import assess
from policybench.batch import load_jobs, run_jobs
from policybench.cli import main
from policybench.errors import DataValidationError, InputError
from policybench.gaps import recommend
from policybench.report import report

GOLDEN = Path(__file__).parent / "golden"
BATCH = Path(__file__).parent / "data" / "batch"
DATE = "2026-11-27"


@pytest.fixture(scope="module")
def assessment(shipped):
    return assess(shipped, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"])


@pytest.fixture(scope="module")
def gap(assessment):
    return assessment.gap


@pytest.fixture(scope="module")
def zh(assessment):
    return report(assessment, lang="zh", generated=DATE)


@pytest.fixture(scope="module")
def en(assessment):
    return report(assessment, lang="en", generated=DATE)


def test_report_numbers_equal_the_analysis(gap, zh) -> None:
    content = json.loads(zh.to_json())
    assert content["summary"]["overall_dtf"] == pytest.approx(gap.overall, abs=1e-4)
    recs = recommend(gap, top=10)
    assert [r["code"] for r in content["recommendations"]] == recs["code"].tolist()
    for row, expected in zip(content["recommendations"], recs.itertuples(), strict=True):
        assert row["priority"] == pytest.approx(expected.priority, abs=1e-4)
        assert row["gap"] == pytest.approx(expected.gap, abs=1e-4)
    table = gap.table().set_index("code")
    for row in content["gaps"]:
        assert row["dtf"] == pytest.approx(table.loc[row["code"], "dtf"], abs=1e-4)
    html = zh.to_html()
    # shown as a whole number (a DTF is no more precise than the three-level depth scale)
    assert f"总体前沿距离得分（DTF）: {gap.overall:.0f}</strong>" in html and gap.data_hash in html


def test_same_inputs_give_byte_identical_json_and_markdown(shipped, zh) -> None:
    again = report(
        assess(shipped, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"]), lang="zh", generated=DATE
    )
    assert again.to_json() == zh.to_json()
    assert again.to_markdown() == zh.to_markdown()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markdown_matches_the_reviewed_golden_file(lang: str, zh, en) -> None:
    text = (zh if lang == "zh" else en).to_markdown()
    golden = GOLDEN / f"tianjin-vs-models.{lang}.md"
    if os.environ.get("POLICYBENCH_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        "report changed: review, then rerun with POLICYBENCH_UPDATE_GOLDEN=1"
    )


def test_html_is_self_contained_and_escaped(zh) -> None:
    html = zh.to_html()
    assert html.startswith("<!DOCTYPE html>") and 'charset="utf-8"' in html
    assert "<svg" in html and "<text" in html  # charts with text as text
    assert "<script" not in html and 'http-equiv="Content-Security-Policy"' in html
    assert "天津" in html and "对标" in html


def test_report_shows_states_overlap_and_exemplar_sources(zh, en) -> None:
    # No rank of the article's conclusions is asserted here: that is a data test, pinned to
    # the data's version. This checks what every report must carry, whatever the data.
    content = json.loads(en.to_json())
    for rec in content["recommendations"]:
        assert rec["target_state"] in ("present", "absent")
        assert rec["exemplars"] and all(e["sources"] for e in rec["exemplars"])
    assert {row["code"] for row in content["unverified"]}.isdisjoint(r["code"] for r in content["recommendations"])
    assert all("overlap" in row for row in content["similarity"])
    markdown = en.to_markdown()
    if content["unverified"]:
        assert "Verify first (not ranked)" in markdown


def test_save_picks_the_format_from_the_suffix_and_is_atomic(tmp_path: Path, en) -> None:
    for suffix in (".html", ".md", ".json", ".xlsx"):
        path = en.save(tmp_path / f"r{suffix}")
        assert path.stat().st_size > 1000
    with pytest.raises(InputError, match="unknown report format"):
        en.save(tmp_path / "r.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.json", "r.md", "r.xlsx"]


def test_xlsx_neutralises_formula_cells(tmp_path: Path, shipped) -> None:
    from policybench.gaps import simulate

    formula = '=HYPERLINK("http://x")'
    evil = simulate(
        shipped,
        "tianjin-htz",
        add=[{"category": "MKT.PARTNER_SYSTEM", "depth": 1, "status": "proposed", "title": formula}],
    )
    rep = report(assess(evil, "tianjin-htz", against=["wuhan-city-partner"], draws=50), lang="en", generated=DATE)
    path = rep.save(tmp_path / "r.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    cells = [str(v) for frame in sheets.values() for v in frame.to_numpy().ravel()]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c.startswith("=") for c in cells)


def test_batch_continues_past_a_broken_job(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(BATCH / "jobs.yaml", tmp_path / "jobs.yaml")
    code = main(["batch", str(tmp_path / "jobs.yaml")])
    out, err = capsys.readouterr()
    assert code == 1
    assert "broken-target" in err and "failed" in out
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["donghu.json", "tianjin.en.html", "tianjin.en.md", "tianjin.zh.html", "tianjin.zh.md"]
    # --resume skips what is complete and still reports the broken job
    results = run_jobs(tmp_path / "jobs.yaml", resume=True)
    assert [r.status for r in results] == ["skipped", "failed", "skipped"]


def test_batch_in_parallel_processes_gives_the_same_files(tmp_path: Path) -> None:
    shutil.copy(BATCH / "jobs.yaml", tmp_path / "jobs.yaml")
    results = run_jobs(tmp_path / "jobs.yaml", workers=2)
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    serial = tmp_path / "serial"
    serial.mkdir()
    shutil.copy(BATCH / "jobs.yaml", serial / "jobs.yaml")
    run_jobs(serial / "jobs.yaml")
    assert (tmp_path / "out" / "donghu.json").read_bytes() == (serial / "out" / "donghu.json").read_bytes()


def test_malformed_jobs_file_gets_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "jobs.yaml"
    bad.write_text("jobs:\n  - name: a\n    target: tianjin-htz\n    outptus: [x.html]\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_jobs(bad)
    codes = {(i.code, i.line, i.path) for i in info.value.issues}
    assert ("unknown-field", 4, "jobs[0].outptus") in codes
    assert ("missing-field", 2, "jobs[0].outputs") in codes


def test_report_cli_prints_where_the_report_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.html"
    code = main(
        [
            "report",
            "tianjin-htz",
            "--against",
            "wuhan-city-partner",
            "donghu-htz",
            "--lang",
            "en",
            "--draws",
            "100",
            "-o",
            str(target),
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 0 and str(target.resolve()) in out and target.exists()
    assert main(["report", "tianjin-htz", "-o", str(tmp_path / "x.txt")]) == 2


def test_an_undefined_number_renders_as_a_dash_and_an_empty_frontier_is_an_error(shipped) -> None:
    from policybench.report.render import format_number

    assert format_number(None, ".1f") == "—" and format_number(float("nan"), ".1f") == "—"
    assert format_number(37.5, ".1f") == "37.5" and format_number(12.0, ".0f", "%") == "12%"
    # a benchmark without a counted measure gives no frontier: a clear error, not a "nan" report
    frame = shipped.zone("national-policy")  # the frame's proposals as a zone: no counted measure
    plans = frame.model_copy(
        update={
            "id": "plans-only",
            "kind": "development-zone",
            "measures": [m.model_copy(update={"id": "plans-only." + m.id.split(".", 1)[1]}) for m in frame.measures],
        }
    )
    with pytest.raises(InputError, match="no zone of the benchmark set .*plans-only.* has a counted measure"):
        assess(shipped.replace_zones([*shipped.zones, plans]), "tianjin-htz", against=["plans-only"], draws=10)
