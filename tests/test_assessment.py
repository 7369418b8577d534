"""The Assessment: one immutable result, its tables, its display, and reports that only render it."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

import policybench as pb
from policybench.assessment import TABLES, Assessment, assess
from policybench.cli import main
from policybench.data.codebook import category_weights
from policybench.errors import InputError
from policybench.gaps import gap_analysis, recommend
from policybench.report import report
from policybench.similarity import compare

MODELS = ["wuhan-city-partner", "donghu-htz"]
DATE = "2026-11-27"


@pytest.fixture(scope="module")
def assessment(shipped) -> Assessment:
    return assess(shipped, "tianjin-htz", against=MODELS, draws=200, seed=3)


def test_every_documented_table_is_a_dataframe_and_a_copy(assessment: Assessment) -> None:
    for name in TABLES:
        frame = assessment.table(name)
        assert hasattr(frame, "columns"), name
    recs = assessment.table("recommendations")
    recs.loc[:, "priority"] = -1.0
    assert (assessment.table("recommendations")["priority"] > 0).all()
    with pytest.raises(InputError, match=r"The 'name' parameter of Assessment.table must be one of \{.*\}. Got 'gap'"):
        assessment.table("gap")
    with pytest.raises(dataclasses.FrozenInstanceError):
        assessment.params = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        assessment.params["top"] = 3  # type: ignore[index]


def test_tables_equal_the_building_blocks(shipped, assessment: Assessment) -> None:
    gap = gap_analysis(shipped, "tianjin-htz", against=MODELS)
    assert assessment.overall == gap.overall
    expected = recommend(gap, top=10)
    recs = assessment.table("recommendations")
    assert recs["code"].tolist() == expected["code"].tolist()
    assert recs["priority"].tolist() == expected["priority"].tolist()
    robust = assessment.table("robustness")
    assert recs["p_top"].tolist() == robust.set_index("code").loc[recs["code"], "p_top"].tolist()
    assert assessment.params["draws"] == 200 and assessment.params["seed"] == 3


def test_similarity_is_the_number_compare_gives(shipped, assessment: Assessment) -> None:
    table = assessment.table("similarity").set_index("zone_id")
    for zone in MODELS:
        c = compare(shipped, "tianjin-htz", zone)
        assert table.loc[zone, "similarity"] == pytest.approx(c.score, abs=1e-12, nan_ok=True)
        assert table.loc[zone, "similarity_low"] == pytest.approx(c.low, abs=1e-12)
        assert table.loc[zone, "similarity_high"] == pytest.approx(c.high, abs=1e-12)
        assert table.loc[zone, "overlap"] == c.overlap and table.loc[zone, "reason"] == c.reason == ""
    assert assessment.closest == table.index[0]


def test_display_is_compact_and_names_the_target(assessment: Assessment) -> None:
    text = repr(assessment)
    assert (
        text.startswith("<Assessment")
        and "tianjin-htz" in text
        and f"overall DTF {assessment.overall:.0f} over" in text
    )
    assert len(text.splitlines()) < 12
    html = assessment._repr_html_()
    assert "<table>" in html and "tianjin-htz" in html and len(html) < 5000


def test_to_dict_is_json_with_every_table(assessment: Assessment) -> None:
    payload = assessment.to_dict()
    text = json.dumps(payload, allow_nan=False)
    assert set(payload["tables"]) == set(TABLES)
    assert json.loads(text)["data_hash"] == assessment.data_hash


def test_report_equals_the_cli_report_byte_for_byte(
    tmp_path: Path, shipped, capsys: pytest.CaptureFixture[str]
) -> None:
    a = pb.assess(shipped, "tianjin-htz", against=MODELS)
    for suffix in ("json", "md"):
        out = tmp_path / f"r.{suffix}"
        args = ["report", "tianjin-htz", "--against", *MODELS, "--lang", "en", "--date", DATE, "-o", str(out)]
        assert main(args) == 0
        rendered = report(a, lang="en", generated=DATE)
        expected = rendered.to_json() if suffix == "json" else rendered.to_markdown()
        assert out.read_text(encoding="utf-8") == expected
    capsys.readouterr()


def test_report_renders_only_an_assessment(shipped) -> None:
    gap = gap_analysis(shipped, "tianjin-htz", against=MODELS)
    with pytest.raises(InputError, match=r"must be an Assessment .*Got GapAnalysis instead"):
        pb.report(gap)  # type: ignore[arg-type]


def test_report_module_source_has_no_computation() -> None:
    import policybench.report.content as content

    source = Path(content.__file__).read_text(encoding="utf-8")
    for name in ("gap_analysis", "recommend(", "sensitivity(", "compare(", "fitted_index", "TextIndex"):
        assert name not in source, name


def test_draws_zero_means_no_robustness(shipped) -> None:
    a = assess(shipped, "tianjin-htz", against=MODELS, draws=0)
    assert a.table("robustness").empty
    assert a.table("recommendations")["p_top"].isna().all()
    md = report(a, lang="en", generated=DATE).to_markdown()
    assert "- Robustness:" not in md
    assert "- Robustness:" in report(assess(shipped, "tianjin-htz", against=MODELS, draws=10), lang="en").to_markdown()


def _without_counted_measures(shipped):
    """The shipped data plus a benchmark zone whose measures are all proposed (none counted)."""
    frame = shipped.zone("national-policy")
    measures = [m.model_copy(update={"id": "plans-only." + m.id.split(".", 1)[1]}) for m in frame.measures]
    zone = frame.model_copy(update={"id": "plans-only", "kind": "development-zone", "measures": measures})
    return shipped.replace_zones([*shipped.zones, zone])


def test_a_benchmark_zone_without_counted_measures_matches_nothing(shipped) -> None:
    # its cells are known (absences), so it has a structured estimate; none of the target's measures
    # has a counterpart in it, so the alignment is 0 (2 x 0 / (|A| + 0)), not undefined
    data = _without_counted_measures(shipped)
    a = assess(data, "tianjin-htz", against=["donghu-htz", "plans-only"], draws=0)
    row = a.table("similarity").set_index("zone_id").loc["plans-only"]
    assert row["alignment"] == 0.0 and row["reason"] == ""
    assert row["similarity"] == pytest.approx(0.5 * row["structured"], abs=1e-12)
    assert row["similarity_low"] <= row["similarity"] <= row["similarity_high"]


def test_a_benchmark_zone_known_only_by_national_duties_gets_a_wider_interval(shipped) -> None:
    # nothing coded: only the three national duties are known (presumed present), the rest is imputed
    blank = shipped.zone("donghu-htz").model_copy(
        update={"id": "blank", "measures": [], "absent": [], "unknown": [], "not_applicable": [], "kind": "other"}
    )
    data = shipped.replace_zones([*shipped.zones, blank])
    a = assess(data, "tianjin-htz", against=["donghu-htz", "blank"], draws=0)
    table = a.table("similarity").set_index("zone_id")
    width = table["similarity_high"] - table["similarity_low"]
    assert width["blank"] > width["donghu-htz"]
    assert "thin-overlap" in table.loc["blank", "caveats"] and table.loc["blank", "reason"] == ""
    content = json.loads(report(a, lang="en", generated=DATE).to_json())
    assert [s["zone"] for s in content["similarity"]] == ["donghu-htz", "blank"]
    assert content["similarity_undefined"] == []


def test_a_benchmark_with_no_counted_measure_is_a_clear_error(shipped) -> None:
    with pytest.raises(InputError, match=r"no zone of the benchmark set \(plans-only\) has a counted measure"):
        assess(_without_counted_measures(shipped), "tianjin-htz", against=["plans-only"])


def test_a_frame_of_national_directions_is_never_a_benchmark(shipped) -> None:
    with pytest.raises(InputError, match=r"'national-policy' is a frame of national directions"):
        assess(shipped, "tianjin-htz", against=["donghu-htz", "national-policy"])
    a = assess(shipped, "tianjin-htz", draws=0)
    assert "national-policy" not in a.gap.benchmark
    assert len(a.gap.benchmark) == len(shipped.zones) - 2


def test_weights_override_only_the_categories_they_name(shipped) -> None:
    defaults = category_weights(shipped.codebook)
    code = "MKT.PARTNER_SYSTEM"
    w0 = defaults[code]
    gap = gap_analysis(shipped, "tianjin-htz", against=MODELS, weights={code: 3 * w0})
    weights = gap.full_table.set_index("code")["weight"]
    # named: 3 w0 / (1 + 2 w0); every other category keeps its default, renormalised by the same factor
    assert weights[code] == pytest.approx(3 * w0 / (1 + 2 * w0))
    other = "GOV.ZONE_LEGISLATION"
    assert weights[other] == pytest.approx(defaults[other] / (1 + 2 * w0))
    assert weights.sum() == pytest.approx(1.0)


def test_weights_that_zero_every_applicable_category_are_a_clear_error(shipped) -> None:
    gap = gap_analysis(shipped, "tianjin-htz", against=MODELS)
    zero = dict.fromkeys(gap.table()["code"], 0.0)
    with pytest.raises(InputError, match=r"the weights give all \d+ applicable categories weight 0"):
        gap_analysis(shipped, "tianjin-htz", against=MODELS, weights=zero)
    with pytest.raises(InputError, match=r"'MKT.PARTNER' \(did you mean 'MKT.PARTNER_SYSTEM'\?\)"):
        gap_analysis(shipped, "tianjin-htz", against=MODELS, weights={"MKT.PARTNER": 1.0})


def test_import_stays_light() -> None:
    code = (
        "import sys, policybench as pb\n"
        "heavy = [m for m in ('pandas', 'numpy', 'scipy', 'sklearn', 'jinja2', 'matplotlib') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert callable(pb.assess) and callable(pb.report) and callable(pb.similarity_matrix)\n"
        "import policybench.report.render\n"
        "assert callable(pb.report) and callable(pb.compare) and callable(pb.portfolio_matrix)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_dataset_displays_in_a_notebook(shipped) -> None:
    html = shipped._repr_html_()
    assert f"{len(shipped.zones)} zones" in html and html.count("<tr>") == len(shipped.zones) + 1
    assert "<td><code>tianjin-htz</code></td>" in html


def test_gap_analysis_displays_in_a_notebook(assessment: Assessment) -> None:
    gap = assessment.gap
    html = gap._repr_html_()
    ranked = assessment.table("recommendations").head(5)
    assert html.count("<tr>") == len(ranked) + 1 and "GapAnalysis" in html
    for code in ranked["code"]:
        assert f"<td><code>{code}</code></td>" in html
    for code in gap.unverified()["code"]:
        assert code in html.split("Verify first")[1]


def test_results_cannot_be_changed_behind_their_back(shipped) -> None:
    a = assess(shipped, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=0)
    overall, first = a.overall, a.table("recommendations")["code"].tolist()
    table, portfolio, gaps = a.gap.full_table, a.gap.portfolio, a.table("gaps")
    table.loc[:, "dtf"] = 100.0  # copies: the result keeps its numbers
    portfolio.loc[:, :] = 0.0
    gaps.loc[:, "dtf"] = 100.0
    assert a.overall == overall and a.table("recommendations")["code"].tolist() == first
    with pytest.raises(TypeError):
        a.gap.params["frontier"] = "mean"  # type: ignore[index]
    with pytest.raises(TypeError):
        a.params["top"] = 1  # type: ignore[index]
    assert "100.0" not in report(a, lang="en", generated=DATE).to_markdown().split("## Summary", 1)[1][:300]


def test_from_dict_round_trips_through_json_and_refuses_what_does_not_come_back(shipped) -> None:
    a = assess(shipped, "tianjin-htz", peers=3, draws=30, seed=4, top=5)
    recorded = json.loads(json.dumps(a.to_dict(), ensure_ascii=False))
    again = Assessment.from_dict(recorded, dataset=shipped)
    assert again.to_dict() == a.to_dict() and again.benchmark == a.benchmark
    before = assess(shipped, "tianjin-htz", against=["donghu-htz"], draws=0, as_of="2018-12")
    assert Assessment.from_dict(before.to_dict(), dataset=shipped).to_dict() == before.to_dict()
    tampered = json.loads(json.dumps(recorded))
    tampered["tables"]["recommendations"][0]["priority"] = 0.5
    with pytest.raises(InputError, match="'tables' does not come back identical"):
        Assessment.from_dict(tampered, dataset=shipped)
    other = shipped.replace_zones([z for z in shipped.zones if z.id != "xian-htz"])
    with pytest.raises(InputError, match="made on data"):
        Assessment.from_dict(recorded, dataset=other)
    with pytest.raises(InputError, match="lacks"):
        Assessment.from_dict({"target": "tianjin-htz"}, dataset=shipped)
