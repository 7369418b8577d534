"""Diffusion: adoption order, lags, national lead/lag and inspired_by links, computed by hand on a toy."""

from __future__ import annotations

import pytest

from policybench import Dataset, Zone, load_codebook
from policybench.cli import main
from policybench.diffusion import diffusion
from policybench.errors import InputError, UnknownIdError
from policybench.report import report

CODE = "GOV.STATUTORY_BODY"


def _zone(zone_id: str, measures: list[dict], kind: str = "national-high-tech-zone") -> Zone:
    return Zone.model_validate(
        {
            "id": zone_id,
            "name": {"zh": zone_id, "en": zone_id},
            "kind": kind,
            "region": {"province": {"zh": "测试省", "en": "Test"}},
            "description": {"zh": "玩具", "en": "toy"},
            "sources": [{"id": "doc", "title": "t", "publisher": "p", "kind": "primary"}],
            "measures": [
                {
                    "id": f"{zone_id}.{slug}",
                    "title": {"zh": slug, "en": slug},
                    "summary": {"zh": slug, "en": slug},
                    "category": CODE,
                    "status": status,
                    "depth": 2,
                    "evidence": [{"source": "doc", "locator": "p1"}],
                    "confidence": "high",
                    **extra,
                }
                for slug, status, extra in measures
            ],
        }
    )


@pytest.fixture(scope="module")
def toy(toy_codebook_path) -> Dataset:
    zones = [
        _zone("a", [("m", "implemented", {"start": "2019"})]),
        _zone("b", [("m", "implemented", {"start": "2019-07", "inspired_by": "c.m"})]),
        _zone("c", [("m", "piloting", {"start": "2018-03-15"})]),
        _zone("d", [("m", "proposed", {"start": "2021", "inspired_by": "a"})]),
        _zone("e", [("m", "implemented", {})]),
        _zone(
            "f",
            [
                ("late", "implemented", {"start": "2022"}),
                ("early", "discontinued", {"start": "2020-02", "end": "2021", "inspired_by": "b"}),
            ],
        ),
        _zone("nat", [("direction", "proposed", {"start": "2019-10-01"})], kind="national-policy"),
    ]
    return Dataset(load_codebook(toy_codebook_path), tuple(zones))


def test_order_ties_overlapping_dates_and_skips_proposed(toy) -> None:
    table = diffusion(toy, CODE).adoption_table()
    # c 2018-03-15 certainly precedes a (2019) and b (2019-07), which overlap: tied at 2;
    # f (2020-02, its earliest measure) follows c, a and b: 1 + 3 = 4. d is only proposed.
    assert table[["zone_id", "order"]].values.tolist() == [["c", 1], ["a", 2], ["b", 2], ["f", 4]]
    assert table.set_index("zone_id").loc["f", "measure_id"] == "f.early"
    assert table["precision"].tolist() == ["day", "year", "month", "month"]


def test_lags_are_the_ranges_both_precisions_allow(toy) -> None:
    table = diffusion(toy, CODE).adoption_table().set_index("zone_id")
    # against c = 2018-03-15: a in [2019-01-01, 2019-12-31] -> 292..656 days
    # b in [2019-07-01, 2019-07-31] -> 473..503; f in [2020-02-01, 2020-02-29] (leap) -> 688..716
    assert table.loc["c", ["lag_min_days", "lag_max_days"]].tolist() == [0, 0]
    assert table.loc["a", ["lag_min_days", "lag_max_days"]].tolist() == [292, 656]
    assert table.loc["b", ["lag_min_days", "lag_max_days"]].tolist() == [473, 503]
    assert table.loc["f", ["lag_min_days", "lag_max_days"]].tolist() == [688, 716]


def test_first_adopter_and_national_lead_lag(toy) -> None:
    d = diffusion(toy, CODE)
    first = d.first_table()
    assert first[["zone_id", "start", "precision", "adopters"]].values.tolist() == [["c", "2018-03-15", "day", 4]]
    # direction 2019-10-01: c and b (ends 2019-07-31) lead, a (all of 2019) is same-period, f lags
    assert d.adoption_table().set_index("zone_id")["vs_national"].to_dict() == {
        "c": "lead",
        "a": "same-period",
        "b": "lead",
        "f": "lag",
    }
    row = d.national_table().iloc[0]
    assert (row["measure_id"], row["leading"], row["same_period"], row["lagging"]) == (
        "nat.direction",
        ["b", "c"],
        ["a"],
        ["f"],
    )


def test_inspired_by_edges_resolve_zones_and_count_generations(toy) -> None:
    edges = diffusion(toy, CODE).edge_table()
    got = edges[["source_measure", "target_measure", "target_status", "generation"]].values.tolist()
    # b follows c (nobody before c): 1; d follows zone a -> a.m (follows nobody): 1;
    # f.early follows zone b -> b.m, which follows c.m: 2
    assert got == [
        ["c.m", "b.m", "implemented", 1],
        ["a.m", "d.m", "proposed", 1],
        ["b.m", "f.early", "discontinued", 2],
    ]


def test_undated_measures_are_listed_not_placed(toy) -> None:
    d = diffusion(toy, CODE)
    assert d.undated_table()["measure_id"].tolist() == ["e.m"]
    assert "e" not in d.adoption_table()["zone_id"].tolist()


def test_parameters_are_checked(toy) -> None:
    with pytest.raises(UnknownIdError, match="GOV.STATUTORY_BODY"):
        diffusion(toy, "GOV.STATUTORY_BOD")
    with pytest.raises(InputError, match="The 'status' parameter of diffusion"):
        diffusion(toy, CODE, status=["done"])
    with pytest.raises(InputError, match="The 'name' parameter of Diffusion.table"):
        diffusion(toy, CODE).table("nodes")


def test_timeline_command_prints_adopters_in_date_order(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["timeline", "HR.COMPETITIVE_APPOINTMENT", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.index("donghu-htz.all-") < out.index("tianjin-htz.all-") < out.index("tianjin-teda.comp")
    assert "2015-03-01" in out and "2019-07" in out


def test_timeline_command_rejects_an_unknown_code(capsys) -> None:
    assert main(["timeline", "HR.COMPETITIVE_APPOINTMEN"]) == 2  # an unknown code on the command line is a usage error
    assert "HR.COMPETITIVE_APPOINTMENT" in capsys.readouterr().err


def test_timeline_chart_spans_the_dates_precision() -> None:
    from policybench.report.charts import BAR_WIDTH, LABEL_WIDTH, timeline

    chart = timeline(
        [("甲", "X.A", [("z1", "2010", "2010-01-01", "2010-12-31"), ("z2", "2012-07", "2012-07-01", "2012-07-31")])]
    )
    # axis 2010..2013: 3 years over BAR_WIDTH px; a year-precise date is a bar one year wide
    per_year = BAR_WIDTH / 3
    first, second = chart["rows"][0]["marks"]
    assert first["x"] == LABEL_WIDTH and first["w"] == pytest.approx(per_year, abs=1)
    assert second["x"] == pytest.approx(LABEL_WIDTH + 2.5 * per_year, abs=0.5)
    assert second["w"] == pytest.approx(per_year * 31 / 365.25, abs=1)
    assert (first["first"], second["first"]) == (True, False)
    assert [t["text"] for t in chart["ticks"]] == ["2010", "2011", "2012", "2013"]


def test_report_shows_who_did_it_first_for_the_recommended_categories(shipped) -> None:
    from policybench.assessment import assess

    a = assess(shipped, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=20)
    page = report(a, lang="zh", generated="2026-11-27").to_html()
    section = page[page.index('id="timeline"') : page.index('id="plan"')]
    assert "<title>武汉“城市合伙人”计划: 2015-07-20</title>" in section  # first adopter of MKT.PARTNER_SYSTEM
    assert section.index("武汉“城市合伙人”计划: 2015-07-20") < section.index("中关村（含海淀核心区中关村科学城）: 2018")


def test_adoption_order_counts_the_zones_surely_earlier_as_the_pairwise_definition() -> None:
    """order = 1 + the zones whose latest possible date precedes this zone's earliest (ties share an order)."""
    import random

    from policybench.data.asof import date_bounds
    from policybench.diffusion import _order

    rng = random.Random(3)
    starts = [f"{rng.randint(2008, 2012)}" + rng.choice(["", f"-{rng.randint(1, 12):02d}"]) for _ in range(60)]
    zone = type("Z", (), {"kind": "national-high-tech-zone"})()
    firsts = {
        f"z{i:02d}": (zone, type("M", (), {"start": s, "id": f"z{i:02d}.m", "status": "implemented"})())
        for i, s in enumerate(starts)
    }
    rows = _order("GOV.X", firsts, [])  # type: ignore[arg-type]
    spans = {z: date_bounds(s) for z, s in zip(firsts, starts, strict=True)}
    for row in rows:
        lo = spans[row["zone_id"]][0]
        assert row["order"] == 1 + sum(hi < lo for _lo, hi in spans.values())
    assert [r["order"] for r in rows] == sorted(r["order"] for r in rows)


def test_rows_kept_per_code_are_handed_out_as_copies(shipped) -> None:
    code = "HR.COMPETITIVE_APPOINTMENT"
    first = diffusion(shipped, code)
    first._adoptions[0]["zone_id"] = "tampered"  # a caller changing what it was given
    again = diffusion(shipped, [code, "HR.PERFORMANCE_PAY"])  # the per-code rows are kept on the dataset
    assert again.adoption_table().query("code == @code")["zone_id"].iloc[0] == "donghu-htz"
    assert again.adoption_table().equals(diffusion(shipped, [code, "HR.PERFORMANCE_PAY"]).adoption_table())
