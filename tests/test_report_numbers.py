"""The domain table's own-strength columns, and numbers shown to what the data support.

Known answers on the toy with three states (tests/data/toy-states; see test_scope_methods):

    tee (target)  GOV: STAT 1 (present), CORP 0 (absent); MKT: PART 0 (absent), PLAT ?, MIX ?
    bee           GOV: STAT 0, CORP 2/3;  MKT: PART 1, PLAT 2/3, MIX 0

Against bee alone, STAT and MIX are not applicable (bee examined them and scores 0): the
benchmarked part of GOV is CORP only (target 0), while tee's own strength in GOV, over
every category it examined, is mean (1 + 0) / 2 = 0.5 and max 1.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from policybench import load_dataset
from policybench.gaps import gap_analysis
from policybench.report import report

STATES_TOY = Path(__file__).parent / "data" / "toy-states"


@pytest.fixture(scope="module")
def toy():
    return load_dataset(STATES_TOY)


def test_domain_table_shows_the_targets_own_strength_beside_the_benchmarked_part(toy) -> None:
    domains = gap_analysis(toy, "tee", against=["bee"]).domain_table().set_index("domain")
    gov, mkt = domains.loc["GOV"], domains.loc["MKT"]
    # benchmarked part: applicable categories known for the target
    assert (gov["target"], gov["frontier"], gov["categories"], gov["gaps"]) == (0.0, pytest.approx(2 / 3), 1, 1)
    # own strength: every category of the domain the target examined, applicable or not
    assert (gov["own_mean"], gov["own_max"], gov["own_examined"], gov["n_categories"]) == (0.5, 1.0, 2, 2)
    # MKT: PLAT and MIX are unknown for tee: left out of its own strength (not read as 0)
    assert (mkt["own_mean"], mkt["own_max"], mkt["own_examined"], mkt["n_categories"]) == (0.0, 0.0, 1, 3)
    assert mkt["n_unknown"] == 1  # PLAT is applicable and unknown; MIX is not applicable


def test_a_domain_with_nothing_benchmarked_still_shows_the_targets_own_strength(shipped) -> None:
    # Tianjin's territorial domain against Wuhan alone: territory does not apply to a city programme, so
    # nothing is benchmarked there, while Tianjin does all four categories
    gap = gap_analysis(shipped, "tianjin-htz", against=["wuhan-city-partner"])
    ter = gap.domain_table().set_index("domain").loc["TER"]
    assert ter["categories"] == 0 and math.isnan(ter["target"]) and math.isnan(ter["dtf"])
    own = gap.full_table[gap.full_table["domain"] == "TER"]["target"]
    assert ter["own_max"] == own.max() == 1.0 and ter["own_mean"] == pytest.approx(own.mean())
    assert ter["own_examined"] == ter["n_categories"] == 4
    # the overall DTF ignores it, as before
    assert gap.overall == pytest.approx(gap.domain_table().dropna(subset=["dtf"]).pipe(_weighted))


def _weighted(frame) -> float:
    return float((frame["dtf"] * frame["weight"]).sum() / frame["weight"].sum())


def test_priority_share_is_the_priority_over_the_sum_of_the_ranked_priorities(toy) -> None:
    from policybench.gaps import recommend

    # tee against bee and cee, with P(lacks) (search medium 0.75, stated medium 0.85):
    # CORP p = 1/4 x 2/3 x 1 x 1 x 0.75 = 1/8; PART p = 1/6 x 1 x 1 x 0.5 x 0.85 = 0.85/12
    gap = gap_analysis(toy, "tee", against=["bee", "cee"], adoption_prior=0)
    table = gap.full_table.set_index("code")
    corp, part = 1 / 8, 0.85 / 12
    assert table.loc["GOV.CORPORATE_MGMT", "priority_share"] == pytest.approx(corp / (corp + part))
    assert table.loc["MKT.PARTNER_SYSTEM", "priority_share"] == pytest.approx(part / (corp + part))
    assert table.loc["GOV.STATUTORY_BODY", "priority_share"] == 0.0  # a strength: no gap
    assert math.isnan(table.loc["MKT.PLATFORM_COMPANY_REFORM", "priority_share"])  # unknown: never ranked
    recs = recommend(gap)
    assert recs["priority_share"].tolist() == pytest.approx([corp / (corp + part), part / (corp + part)])


@pytest.fixture(scope="module")
def tianjin(shipped):
    from policybench.assessment import assess

    return assess(shipped, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=50)


def test_xlsx_keeps_raw_values_and_shows_them_rounded(tianjin, tmp_path: Path) -> None:
    import openpyxl

    for lang, sheet_name, dtf_header in (("en", "gaps", "dtf"), ("zh", "分类别差距", "前沿距离得分")):
        path = report(tianjin, lang=lang, generated="2026-01-01").save(tmp_path / f"r.{lang}.xlsx")
        sheet = openpyxl.load_workbook(path)[sheet_name]
        header = [c.value for c in sheet[1]]
        rows = {r[header.index("code" if lang == "en" else "类别代码")].value: r for r in sheet.iter_rows(min_row=2)}
        online = rows["TAL.TALENT_SERVICES"]  # Tianjin 1/3 (statute Art. 34) against a frontier of 1: DTF 33.33...
        dtf = online[header.index(dtf_header)]
        assert dtf.value == pytest.approx(100 / 3, abs=1e-4) and dtf.number_format == "0"
        share = online[header.index("priority_share" if lang == "en" else "优先度占比")]
        assert 0 < share.value < 1 and share.number_format == "0%"
        target = online[header.index("target" if lang == "en" else "本区得分")]
        assert target.value == pytest.approx(1 / 3, abs=1e-4) and target.number_format == "0.00"
    recs = openpyxl.load_workbook(tmp_path / "r.en.xlsx")["recommendations"]
    header = [c.value for c in recs[1]]
    first = next(recs.iter_rows(min_row=2))
    assert first[header.index("rank_p95")].number_format == "0"  # a percentile of ranks, shown whole
    assert first[header.index("p_top")].number_format == "0%" and 0 <= first[header.index("p_top")].value <= 1


def test_every_format_shows_the_same_rounded_numbers(tianjin) -> None:
    gaps = tianjin.table("gaps").set_index("code")
    online = gaps.loc["TAL.TALENT_SERVICES"]
    assert online["dtf"] == pytest.approx(100 / 3)
    share = f"{online['priority_share']:.0%}"
    for lang in ("zh", "en"):
        rendered = report(tianjin, lang=lang, generated="2026-01-01")
        markdown, html = rendered.to_markdown(), rendered.to_html()
        row = next(line for line in markdown.splitlines() if line.startswith(f"| {online['label_' + lang]} |"))
        assert row.endswith(f"| 0.33 | 1.00 | 0.67 | 33 | {share} |"), row
        overall = f"{tianjin.overall:.0f}"
        assert f"{overall}**" in markdown and f"{overall}</strong>" in html
        similarity = tianjin.table("similarity").dropna(subset=["similarity"]).iloc[0]
        shown = (
            f"{similarity['similarity']:.2f} ({similarity['similarity_low']:.2f}–{similarity['similarity_high']:.2f})"
        )
        assert f"| {shown} | {similarity['structured']:.2f} |" in markdown
        assert f"{similarity['similarity']:.3f}" not in markdown
        # no DTF with a decimal, no share with a decimal, anywhere in the report's tables
        assert not re.search(r"\| \d+\.\d% \|", markdown)
        assert "33.3" not in markdown and "33.3" not in html


def test_numbers_are_rounded_once_for_display() -> None:
    """The report keeps each float as computed and rounds it once to show it; only JSON and XLSX round to 4 decimals.

    (Rounding 0.48504 to 0.485 and then to two decimals shows 0.48; the table says 0.49.)
    """
    import json

    from policybench import assess, load_dataset
    from policybench.report import report

    a = assess(load_dataset(), "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=0)
    table = a.table("similarity").set_index("zone_id")
    r = report(a, lang="en", generated="2026-01-01")
    written = {row["zone"]: row for row in json.loads(r.to_json())["similarity"]}
    for row in r.content["similarity"]:
        exact = table.loc[row["zone"]]
        assert (row["score"], row["low"], row["high"]) == (
            exact["similarity"],
            exact["similarity_low"],
            exact["similarity_high"],
        )
        shown = f"{exact['similarity']:.2f} ({exact['similarity_low']:.2f}–{exact['similarity_high']:.2f})"
        assert f"| {row['name']} | {shown} |" in r.to_markdown()
        assert written[row["zone"]]["high"] == round(exact["similarity_high"], 4)
    assert r.tables()["similarity"]["high"].tolist() == [written[z["zone"]]["high"] for z in r.content["similarity"]]
