"""Gap analysis known answers on the toy dataset (computed by hand) and properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policybench import InputError, UnknownIdError, load_dataset
from policybench.gaps import compare_gaps, gap_analysis, recommend, sensitivity, simulate

TOY = Path(__file__).parent / "data" / "toy"

# s(alpha) = [1, 1/2, 0, 0, 0]; benchmark beta = [2/3, 0, 1, 0, 0], gamma = [0, 1, 0, 2/3, 1/3]
# codes: GOV.STATUTORY_BODY, GOV.CORPORATE_MGMT, MKT.PARTNER_SYSTEM, MKT.PLATFORM_COMPANY_REFORM, MKT.MIXED_OWNERSHIP
# weights: two equal domains; GOV has 2 categories (1/4 each), MKT 3 (1/6 each)
CODES = [
    "GOV.STATUTORY_BODY",
    "GOV.CORPORATE_MGMT",
    "MKT.PARTNER_SYSTEM",
    "MKT.PLATFORM_COMPANY_REFORM",
    "MKT.MIXED_OWNERSHIP",
]


@pytest.fixture(scope="module")
def toy():
    return load_dataset(TOY)


@pytest.fixture(scope="module")
def gap(toy):
    return gap_analysis(toy, "alpha", against=["beta", "gamma"], adoption_prior=0)  # raw shares


def col(gap, name):
    return gap.table().set_index("code").loc[CODES, name].to_numpy()


def test_frontier_gap_dtf_by_hand(gap) -> None:
    np.testing.assert_allclose(col(gap, "frontier"), [2 / 3, 1, 1, 2 / 3, 1 / 3])
    np.testing.assert_allclose(col(gap, "gap"), [0, 0.5, 1, 2 / 3, 1 / 3])
    np.testing.assert_allclose(col(gap, "dtf"), [100, 50, 0, 0, 0])
    np.testing.assert_allclose(col(gap, "weight"), [1 / 4, 1 / 4, 1 / 6, 1 / 6, 1 / 6])
    assert gap.overall == pytest.approx((100 * 0.25 + 50 * 0.25) / 1.0)
    assert gap.strengths()["code"].tolist() == ["GOV.STATUTORY_BODY"]
    assert gap.table().set_index("code").loc["GOV.STATUTORY_BODY", "frontier_holders"] == "beta"


def test_priority_by_hand(gap) -> None:
    # priority = w * gap * adoption * evidence (high 1, medium 0.75, low 0.5) * P(lacks)
    # alpha does the GOV pair (present: P = 1) and has the three MKT codes absent on a search
    # record of medium confidence (P = 0.75)
    expected = [
        0,
        0.25 * 0.5 * 0.5 * 0.75 * 1.0,
        (1 / 6) * 1 * 0.5 * 1.0 * 0.75,
        (1 / 6) * (2 / 3) * 0.5 * 0.5 * 0.75,
        (1 / 6) * (1 / 3) * 0.5 * 0.75 * 0.75,
    ]
    np.testing.assert_allclose(col(gap, "priority"), expected)
    np.testing.assert_allclose(col(gap, "adoption"), [0.5] * 5)
    np.testing.assert_allclose(col(gap, "evidence_weight"), [1.0, 0.75, 1.0, 0.5, 0.75])
    np.testing.assert_allclose(col(gap, "p_lacks"), [1.0, 1.0, 0.75, 0.75, 0.75])
    assert col(gap, "absence_evidence").tolist() == ["", "", "search", "search", "search"]


def test_frontier_rules_by_hand(toy) -> None:
    mean = gap_analysis(toy, "alpha", against=["beta", "gamma"], frontier="mean", adoption_prior=0)
    np.testing.assert_allclose(col(mean, "frontier"), [1 / 3, 0.5, 0.5, 1 / 3, 1 / 6])
    assert mean.overall == pytest.approx(50.0)
    named = gap_analysis(toy, "alpha", against=["beta", "gamma"], frontier="beta", adoption_prior=0)
    assert named.table()["code"].tolist() == ["GOV.STATUTORY_BODY", "MKT.PARTNER_SYSTEM"]
    assert named.overall == pytest.approx(100 * 0.25 / (0.25 + 1 / 6))
    assert set(named.not_applicable()) == {"GOV.CORPORATE_MGMT", "MKT.PLATFORM_COMPANY_REFORM", "MKT.MIXED_OWNERSHIP"}


def test_recommendations_by_hand(gap) -> None:
    recs = recommend(gap, top=10).set_index("code")
    assert recs.index.tolist() == [
        "MKT.PARTNER_SYSTEM",
        "GOV.CORPORATE_MGMT",
        "MKT.PLATFORM_COMPANY_REFORM",
        "MKT.MIXED_OWNERSHIP",
    ]
    partner = recs.loc["MKT.PARTNER_SYSTEM"]
    assert partner["exemplar_ids"] == "beta.city-partner"
    assert partner["already_planned"] and partner["planned_measures"] == "alpha.partner-plan"
    # reaching depth 3: DTF 0 -> 100 on a weight of 1/6
    assert partner["uplift"] == pytest.approx(100 / 6)
    mixed = recs.loc["MKT.MIXED_OWNERSHIP"]
    assert mixed["prerequisites_missing"] == "MKT.PLATFORM_COMPANY_REFORM"
    assert mixed["not_counted"] == "alpha.mixed-ownership-attempt (discontinued)"
    assert mixed["authority"] == "municipal" and not mixed["zone_can_act_alone"]
    assert recs.loc["MKT.PLATFORM_COMPANY_REFORM", "zone_can_act_alone"]
    assert "甲区" in partner["rationale_zh"] and "Alpha Zone" in partner["rationale_en"]
    assert partner["exemplars"][0]["sources"][0]["kind"] == "primary"


def test_not_counted_measures_are_reported(gap) -> None:
    nc = gap.not_counted()
    assert set(nc["measure_id"]) == {"alpha.partner-plan", "alpha.mixed-ownership-attempt"}


def test_errors_name_the_ids(toy) -> None:
    with pytest.raises(UnknownIdError, match="'omega'"):
        gap_analysis(toy, "omega")
    with pytest.raises(UnknownIdError, match="did you mean 'beta'"):
        gap_analysis(toy, "alpha", against=["betta"])
    with pytest.raises(InputError, match="target 'alpha' is also in the benchmark"):
        gap_analysis(toy, "alpha", against=["alpha", "beta"])
    with pytest.raises(InputError, match="empty"):
        gap_analysis(toy, "alpha", against=[])
    with pytest.raises(InputError, match="not both"):
        gap_analysis(toy, "alpha", against=["beta"], peers=1)
    with pytest.raises(InputError, match="'frontier' parameter"):
        gap_analysis(toy, "alpha", against=["beta"], frontier="gamma")


def test_result_records_parameters_version_and_hash(gap, toy) -> None:
    assert gap.params["frontier"] == "max" and gap.params["status"] == list(gap.dataset.codebook.counted_statuses)
    assert gap.codebook_version == "0.0.1"
    assert gap.data_hash == toy.data_hash() and len(gap.data_hash) == 16


def test_sensitivity_is_seeded_and_vectorised(gap) -> None:
    first = sensitivity(gap, draws=500, seed=3, top=2)
    second = sensitivity(gap, draws=500, seed=3, top=2)
    assert first.equals(second)
    assert first["code"].tolist()[0] == "MKT.PARTNER_SYSTEM"
    assert ((first["p_top"] >= 0) & (first["p_top"] <= 1)).all()
    assert (first["rank_p05"] <= first["median_rank"]).all() and (first["median_rank"] <= first["rank_p95"]).all()
    # partner leads by a factor of 1.8 over the next; weights vary at most 3x: it stays in the top 2 mostly
    assert first.set_index("code").loc["MKT.PARTNER_SYSTEM", "p_top_weights"] > 0.9


def test_simulate_leaves_the_original_untouched(toy, gap) -> None:
    after_ds = simulate(toy, "alpha", add=[("MKT.PARTNER_SYSTEM", 3)], remove=["alpha.partner-plan"])
    assert len(toy.zone("alpha").measures) == 3
    after = gap_analysis(after_ds, "alpha", against=["beta", "gamma"], adoption_prior=0)
    diff = compare_gaps(gap, after).set_index("code")
    assert diff.loc["MKT.PARTNER_SYSTEM", "dtf_after"] == 100
    assert after.overall - gap.overall == pytest.approx(100 / 6)
    assert not diff.attrs  # values only: each side's overall DTF is on its analysis
    with pytest.raises(InputError, match="unknown category"):
        simulate(toy, "alpha", add=[("MKT.NOPE", 2)])


# ---------------------------------------------------------------------------- properties

zone_choice = st.sampled_from(["alpha", "beta", "gamma"])


@settings(max_examples=25, deadline=None)
@given(target=zone_choice, frontier=st.sampled_from(["max", "mean"]), code=st.sampled_from(CODES))
def test_properties(toy, target: str, frontier: str, code: str) -> None:
    bench = [z for z in ["alpha", "beta", "gamma"] if z != target]
    gap = gap_analysis(toy, target, against=bench, frontier=frontier)
    dtf = gap.table()["dtf"]
    assert ((dtf >= 0) & (dtf <= 100)).all() and 0 <= gap.overall <= 100
    # order of the benchmark set does not matter
    again = gap_analysis(toy, target, against=bench[::-1], frontier=frontier)
    assert again.full_table.equals(gap.full_table)
    # adopting the exemplar at the frontier depth closes the gap and never lowers the overall DTF
    row = gap.table().set_index("code")
    if code in row.index and row.loc[code, "gap"] > 0 and frontier == "max":
        depth = round(row.loc[code, "frontier"] * 3)
        after = gap_analysis(simulate(toy, target, add=[(code, depth)]), target, against=bench, frontier=frontier)
        assert after.table().set_index("code").loc[code, "gap"] == pytest.approx(0)
        assert after.overall >= gap.overall - 1e-9


def test_zone_compared_with_itself_has_no_gaps(toy) -> None:
    twin = toy.zone("gamma").model_copy(update={"id": "gamma-twin", "measures": []})
    measures = [m.model_copy(update={"id": m.id.replace("gamma.", "gamma-twin.")}) for m in toy.zone("gamma").measures]
    ds = toy.replace_zones([*toy.zones, twin.model_copy(update={"measures": measures})])
    gap = gap_analysis(ds, "gamma", against=["gamma-twin"])
    assert (gap.table()["gap"] == 0).all() and gap.overall == 100
    assert recommend(gap).empty


def test_the_verify_first_table_is_built_once_and_handed_out_as_copies(shipped) -> None:
    from policybench.gaps import gap_analysis

    gap = gap_analysis(shipped, "tianjin-htz")
    first = gap.unverified()
    assert len(first) > 0
    first.loc[0, "code"] = "tampered"
    again = gap.unverified()
    assert again.loc[0, "code"] != "tampered" and again is not gap.unverified()
    assert gap.domain_table()["n_unknown"].sum() == len(again)  # the domain table reads the same table
