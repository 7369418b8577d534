"""Present, absent, unknown: known answers on a toy with all three states, and properties.

The toy (tests/data/toy-states), codes in codebook order
STAT = GOV.STATUTORY_BODY, CORP = GOV.CORPORATE_MGMT, PART = MKT.PARTNER_SYSTEM,
PLAT = MKT.PLATFORM_COMPANY_REFORM, MIX = MKT.MIXED_OWNERSHIP:

    tee (target)  scope [GOV], absent [PART]; STAT d3 medium
                  -> [1, 0, 0, ?, ?]        states P A A U U
    bee           scope [GOV, MKT]; CORP d2 high, PART d3 low, PLAT d2 (piloting) medium
                  -> [0, 2/3, 1, 2/3, 0]    states A P P P A
    cee           scope [MKT.MIXED_OWNERSHIP]; STAT d2 high (outside scope), MIX d1 medium
                  -> [2/3, ?, ?, ?, 1/3]    states P U U U P

Weights: two equal domains; GOV 1/4 per category, MKT 1/6.
"""

from __future__ import annotations

from math import sqrt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policybench import InputError, load_dataset
from policybench.data.model import Category
from policybench.gaps import gap_analysis, recommend, sensitivity, sensitivity_parameters
from policybench.similarity import (
    portfolio_matrix,
    scope_matrix,
    similarity_matrix,
    undefined_pairs,
    zone_similarity,
)

STATES_TOY = Path(__file__).parent / "data" / "toy-states"
TOY = Path(__file__).parent / "data" / "toy"
STAT, CORP, PART, PLAT, MIX = (
    "GOV.STATUTORY_BODY",
    "GOV.CORPORATE_MGMT",
    "MKT.PARTNER_SYSTEM",
    "MKT.PLATFORM_COMPANY_REFORM",
    "MKT.MIXED_OWNERSHIP",
)
CODES = [STAT, CORP, PART, PLAT, MIX]
NAN = float("nan")


@pytest.fixture(scope="module")
def ds():
    return load_dataset(STATES_TOY)


@pytest.fixture(scope="module")
def gap(ds):
    # raw shares among the zones that examined each category: the 1.x hand numbers (the documented basis,
    # the default since, is computed by hand in test_adoption_is_shrunk_toward_the_base_rate_by_hand)
    return gap_analysis(ds, "tee", against=["bee", "cee"], adoption_prior=0, adoption_basis="examined")


def test_states_and_portfolio_by_hand(ds) -> None:
    states = scope_matrix(ds)
    assert states.loc["tee"].tolist() == ["present", "absent", "absent", "unknown", "unknown"]
    assert states.loc["bee"].tolist() == ["absent", "present", "present", "present", "absent"]
    assert states.loc["cee"].tolist() == ["present", "unknown", "unknown", "unknown", "present"]
    p = portfolio_matrix(ds)
    np.testing.assert_allclose(p.loc["tee"], [1, 0, 0, NAN, NAN])
    np.testing.assert_allclose(p.loc["bee"], [0, 2 / 3, 1, 2 / 3, 0])
    np.testing.assert_allclose(p.loc["cee"], [2 / 3, NAN, NAN, NAN, 1 / 3])
    # unknown="zero" keeps the old reading: nothing coded = not done
    np.testing.assert_allclose(portfolio_matrix(ds, unknown="zero").loc["cee"], [2 / 3, 0, 0, 0, 1 / 3])
    # domain level: the mean of the known categories
    assert portfolio_matrix(ds, level="domain").loc["cee", "GOV"] == pytest.approx(2 / 3)
    assert portfolio_matrix(ds, level="domain").loc["tee", "MKT"] == 0.0
    with pytest.raises(InputError, match="The 'unknown' parameter of portfolio_matrix must be one of"):
        portfolio_matrix(ds, unknown="none")


def test_structured_similarity_over_the_overlap_by_hand(ds) -> None:
    p = portfolio_matrix(ds)
    s = similarity_matrix(p, metric="soft_cosine")  # default minimum overlap: 2 of 5
    # tee-bee overlap {STAT, CORP, PART}: u = [1, 0 | 0], v = [0, 2/3 | 1], sigma 0.3
    # u'Sv = 0.3 (1)(2/3) = 0.2; u'Su = 0.7 + 0.3 = 1; v'Sv = 0.7 (13/9) + 0.3 (4/9 + 1) = 13/9
    assert s.loc["tee", "bee"] == pytest.approx(0.2 / sqrt(13 / 9))
    assert np.isnan(s.loc["tee", "cee"]) and np.isnan(s.loc["bee", "cee"])
    reasons = {
        frozenset((u["zone_a"], u["zone_b"])): (u["overlap"], u["reason"])
        for u in undefined_pairs(p).to_dict("records")
    }
    assert set(reasons) == {frozenset(("tee", "cee")), frozenset(("bee", "cee"))}
    overlap, reason = reasons[frozenset(("tee", "cee"))]
    assert overlap == 1 and "under the minimum overlap of 2" in reason
    overlap, reason = reasons[frozenset(("bee", "cee"))]
    assert overlap == 2 and reason.startswith("bee: no counted measure in the 2 categories both examined")


def test_combined_similarity_reports_the_overlap(ds) -> None:
    c = zone_similarity(ds, "tee", "bee", lang="en")
    assert (c.overlap, c.overlap_share) == (3, 0.6) and c.caveats == ()  # minimum overlap 2 of 5
    # the structured part is the structured estimate (tee's MKT cells are unknown, so imputed)
    assert c.structured == c.estimate["estimate"]
    assert c.score == pytest.approx(0.5 * c.structured + 0.5 * c.alignment_score)
    assert (c.low, c.high) == pytest.approx(
        (0.5 * c.estimate["low"] + 0.5 * c.alignment_score, 0.5 * c.estimate["high"] + 0.5 * c.alignment_score)
    )
    # the alignment only pairs measures carrying a category of the overlap: bee's platform reform is left out
    assert "bee.platform-reform" not in set(c.alignment.pairs["measure_b"]) | set(c.alignment.unmatched_b)
    # tee-cee share one known category (STAT): a number, with the caveat, not a veto
    thin = zone_similarity(ds, "tee", "cee")
    assert thin.defined and thin.overlap == 1 and thin.caveats == ("thin-overlap",) and thin.reason == ""
    # bee-cee: known for both STAT and MIX, where bee is absent and cee has measures: nothing can
    # match, so the alignment is 0 (2 x 0 / (0 + 2)) and the similarity is half the structured estimate
    one_sided = zone_similarity(ds, "bee", "cee")
    assert one_sided.alignment_score == 0.0 and one_sided.alignment.unmatched_b == (
        "cee.statutory-pilot",
        "cee.mixed-ownership",
    )
    assert (one_sided.score, one_sided.low, one_sided.high) == pytest.approx(
        tuple(0.5 * one_sided.estimate[k] for k in ("estimate", "low", "high"))
    )


def test_gap_table_by_hand(gap) -> None:
    t = gap.full_table.set_index("code").loc[CODES]
    assert t["target_state"].tolist() == ["present", "absent", "absent", "unknown", "unknown"]
    np.testing.assert_allclose(t["frontier"], [2 / 3, 2 / 3, 1, 2 / 3, 1 / 3])
    assert t["n_examined"].tolist() == [2, 1, 1, 1, 2]
    assert t["frontier_holders"].tolist() == ["cee", "bee", "bee", "bee", "cee"]
    np.testing.assert_allclose(t["adoption"], [1 / 2, 1, 1, 1, 1 / 2])
    np.testing.assert_allclose(t["gap"], [0, 2 / 3, 1, NAN, NAN])
    # P(lacks): CORP rests on a search record of medium confidence (0.75), PART on a source that says
    # so (basis stated, medium: 0.85)
    np.testing.assert_allclose(t["p_lacks"], [1.0, 0.75, 0.85, NAN, NAN])
    assert t["absence_evidence"].tolist() == ["", "search", "source", "", ""]
    np.testing.assert_allclose(
        t["priority"], [0, (1 / 4) * (2 / 3) * 1 * 1.0 * 0.75, (1 / 6) * 1 * 1 * 0.5 * 0.85, NAN, NAN]
    )
    assert t["rests_on_low_confidence"].tolist() == [False, False, True, False, False]
    # overall DTF over the known applicable categories only: (100 x 1/4 + 0 + 0) / (1/4 + 1/4 + 1/6)
    assert gap.overall == pytest.approx(25 / (2 / 3))


def test_unknown_target_categories_are_never_ranked_but_listed_to_verify(gap) -> None:
    recs = recommend(gap)
    assert recs["code"].tolist() == [CORP, PART]
    assert recs["target_state"].tolist() == ["absent", "absent"]
    assert recs["n_examined"].tolist() == [1, 1]
    assert recs["rests_on_low_confidence"].tolist() == [False, True]
    verify = gap.unverified()
    assert verify["code"].tolist() == [PLAT, MIX]
    np.testing.assert_allclose(
        verify["potential_priority"], [(1 / 6) * (2 / 3) * 1 * 0.75, (1 / 6) * (1 / 3) * 0.5 * 0.75]
    )
    assert verify["exemplar_ids"].tolist() == ["bee.platform-reform", "cee.mixed-ownership"]
    assert "verify first" in gap.summary()


def test_frontier_rules_over_examined_zones(ds) -> None:
    mean = gap_analysis(ds, "tee", against=["bee", "cee"], frontier="mean", adoption_prior=0).full_table.set_index(
        "code"
    )
    np.testing.assert_allclose(mean.loc[CODES, "frontier"], [1 / 3, 2 / 3, 1, 2 / 3, 1 / 6])
    named = gap_analysis(ds, "tee", against=["bee", "cee"], frontier="cee", adoption_prior=0).full_table.set_index(
        "code"
    )
    np.testing.assert_allclose(named.loc[CODES, "frontier"], [2 / 3, 0, 0, 0, 1 / 3])


def test_evidence_draws_by_hand(gap) -> None:
    # CORP leads only while bee's high-confidence measure is kept (0.95) and tee's absence, on a
    # search record of medium confidence, holds (0.75); PART ranks second whenever bee's
    # low-confidence measure is kept (0.5) and tee's stated absence holds (0.85): a tie with STAT
    # (when tee's own measure is dropped) goes to the base order.
    r1 = sensitivity(gap, draws=4000, seed=1, top=1).set_index("code")
    assert r1.loc[CORP, "p_top_evidence"] == pytest.approx(0.95 * 0.75, abs=0.03)
    # weights only: CORP leads PART by a factor 2; with factors X, Y ~ U(0.5, 1.5) it loses when
    # Y > 2X, which has probability integral over x in [0.5, 0.75] of (1.5 - 2x) dx = 1/16
    assert r1.loc[CORP, "p_top_weights"] == pytest.approx(15 / 16, abs=0.015)
    r2 = sensitivity(gap, draws=4000, seed=1, top=2).set_index("code")
    assert r2.loc[PART, "p_top_evidence"] == pytest.approx(0.5 * 0.85, abs=0.03)
    assert list(r2.index) == [CORP, PART] and not r2.attrs
    assert sensitivity_parameters(gap, draws=4000, seed=1, top=2) == {
        "draws": 4000,
        "seed": 1,
        "top": 2,
        "rules": ["max", "mean"],
        "weight_range": [0.5, 1.5],
        "keep_probability": {"high": 0.95, "medium": 0.8, "low": 0.5},
    }


def test_certain_evidence_and_fixed_weights_reproduce_the_base_ranking(gap) -> None:
    r = sensitivity(
        gap, draws=4000, top=1, weight_range=(1.0, 1.0), keep_probability={"high": 1, "medium": 1, "low": 1}
    )
    np.testing.assert_array_equal(r["median_rank_weights"], r["base_rank"])
    assert r["p_top_weights"].tolist() == [1.0, 0.0]
    # every measure kept: what is left to draw is whether tee's absences hold. CORP leads when its
    # absence holds (0.75); else PART does when its absence holds (0.25 x 0.85)
    assert r["p_top_evidence"].tolist() == pytest.approx([0.75, 0.25 * 0.85], abs=0.03)
    with pytest.raises(InputError, match="The 'keep_probability' parameter of sensitivity"):
        sensitivity(gap, keep_probability={"high": 1.2, "medium": 1, "low": 1})


# ---------------------------------------------------------------------------- properties

SCOPE_CHOICES = ["GOV", "MKT", *CODES]


def _with_scopes(ds, scopes: dict[str, list[str]]):
    from _checklist import examined

    return examined(ds, scopes)


scopes = st.fixed_dictionaries(
    {z: st.lists(st.sampled_from(SCOPE_CHOICES), unique=True, max_size=4) for z in ("alpha", "beta", "gamma")}
)


@pytest.fixture(scope="module")
def toy():
    return load_dataset(TOY)


@settings(max_examples=30, deadline=None)
@given(scoped=scopes, target=st.sampled_from(["alpha", "beta", "gamma"]))
def test_an_unexamined_category_changes_no_gap(toy, scoped, target: str) -> None:
    ds = _with_scopes(toy, scoped)
    bench = [z for z in ("alpha", "beta", "gamma") if z != target]
    before = gap_analysis(ds, target, against=bench).full_table.set_index("code")
    # a new domain that no zone's scope names, with one category: unexamined everywhere
    extra = Category.model_validate(
        {**toy.codebook.category(PLAT).model_dump(), "code": "NEW.DIRECTION", "domain": "NEW", "requires": []}
    )
    domain = toy.codebook.domain("MKT").model_copy(update={"code": "NEW"})
    wider = toy.codebook.model_copy(
        update={"categories": [*toy.codebook.categories, extra], "domains": [*toy.codebook.domains, domain]}
    )
    after_ds = type(ds)(wider, ds.zones, ds.files)
    after = gap_analysis(after_ds, target, against=bench).full_table.set_index("code")
    cols = ["target_state", "frontier", "frontier_holders", "n_examined", "gap", "adoption"]
    pd.testing.assert_frame_equal(after.loc[CODES, cols], before.loc[CODES, cols])
    assert after.loc["NEW.DIRECTION", "frontier"] == 0 and after.loc["NEW.DIRECTION", "n_examined"] == 0


@settings(max_examples=30, deadline=None)
@given(scoped=scopes, target=st.sampled_from(["alpha", "beta", "gamma"]), data=st.data())
def test_unexamining_a_target_category_moves_it_to_verify_first(toy, scoped, target: str, data) -> None:
    ds = _with_scopes(toy, {**scoped, target: ["GOV", "MKT"]})
    bench = [z for z in ("alpha", "beta", "gamma") if z != target]
    before = gap_analysis(ds, target, against=bench)
    measured = {c for m in ds.zone(target).measures for c in m.categories}  # a plan or an ended measure shows absence
    absent = [c for c in CODES if scope_matrix(ds).loc[target, c] == "absent" and c not in measured]
    if not absent:
        return
    code = data.draw(st.sampled_from(absent))
    narrowed = _with_scopes(ds, {**scoped, target: [c for c in CODES if c != code]})
    after = gap_analysis(narrowed, target, against=bench)
    assert code not in set(recommend(after, top=10)["code"])
    applicable = before.full_table.set_index("code").loc[code, "frontier"] > 0
    assert (code in set(after.unverified()["code"])) == bool(applicable)
    # nothing else moves: the other categories keep their gaps and their relative order
    others_before = [c for c in recommend(before, top=10)["code"] if c != code]
    assert recommend(after, top=10)["code"].tolist() == others_before


@settings(max_examples=30, deadline=None)
@given(scoped=scopes, seed=st.integers(0, 10_000))
def test_gap_results_do_not_depend_on_zone_order(toy, scoped, seed: int) -> None:
    ds = _with_scopes(toy, scoped)
    rng = np.random.default_rng(seed)
    shuffled = ds.replace_zones([ds.zones[i] for i in rng.permutation(len(ds.zones))])
    a = gap_analysis(ds, "alpha", against=["beta", "gamma"]).full_table
    b = gap_analysis(shuffled, "alpha", against=["gamma", "beta"]).full_table
    pd.testing.assert_frame_equal(a, b)
    sa = scope_matrix(ds).loc[["alpha", "beta", "gamma"]]
    sb = scope_matrix(shuffled).loc[["alpha", "beta", "gamma"]]
    pd.testing.assert_frame_equal(sa, sb)


def test_adoption_is_shrunk_toward_the_base_rate_by_hand(ds) -> None:
    # r = share of all the benchmark's cells (known or not) that are positive: bee 3 of 5 (CORP, PART,
    # PLAT), cee 2 of 5 (STAT, MIX; three unknown): r = 5/10.
    gap = gap_analysis(ds, "tee", against=["bee", "cee"], adoption_basis="examined")  # adoption_prior 2 by default
    assert gap.params["adoption_base_rate"] == pytest.approx(1 / 2)
    t = gap.full_table.set_index("code").loc[CODES]
    # STAT: 1 of 2 known -> (1 + 1) / (2 + 2) = 1/2; CORP: 1 of 1 -> (1 + 1) / (1 + 2) = 2/3
    np.testing.assert_allclose(t["adoption"], [1 / 2, 2 / 3, 2 / 3, 2 / 3, 1 / 2])
    assert t["n_adopted"].tolist() == [1, 1, 1, 1, 1]
    assert t["single_exemplar"].tolist() == [True, True, True, True, True]
    # CORP's priority: w 1/4, gap 2/3, adoption 2/3, evidence 1 (bee's high-confidence measure)
    assert t.loc["GOV.CORPORATE_MGMT", "priority"] == pytest.approx(1 / 4 * 2 / 3 * 2 / 3 * 0.75)  # P(lacks) 0.75
    raw = gap_analysis(ds, "tee", against=["bee", "cee"], adoption_prior=0, adoption_basis="examined")
    assert raw.full_table.set_index("code").loc["GOV.CORPORATE_MGMT", "adoption"] == 1.0
    # the documented basis (default): a share of both benchmark zones, N = 2 whatever is known.
    # Every category has one adopter: (1 + 2 x 1/2) / (2 + 2) = 1/2; raw 1/2
    documented = gap_analysis(ds, "tee", against=["bee", "cee"])
    assert documented.params["adoption_basis"] == "documented"
    np.testing.assert_allclose(documented.full_table.set_index("code").loc[CODES, "adoption"], [1 / 2] * 5)
    raw = gap_analysis(ds, "tee", against=["bee", "cee"], adoption_prior=0).full_table.set_index("code")
    np.testing.assert_allclose(raw.loc[CODES, "adoption"], [1 / 2] * 5)
    assert documented.full_table.set_index("code").loc["GOV.CORPORATE_MGMT", "priority"] == pytest.approx(
        1 / 4 * 2 / 3 * 1 / 2 * 0.75
    )
    with pytest.raises(InputError, match="adoption_basis"):
        gap_analysis(ds, "tee", against=["bee", "cee"], adoption_basis="all")
    with pytest.raises(InputError, match="adoption_prior"):
        gap_analysis(ds, "tee", against=["bee", "cee"], adoption_prior=-1)


def test_dataset_states_are_zone_states_computed_once() -> None:
    from policybench.data.states import zone_states

    data = load_dataset()
    counted = data.codebook.counted_statuses
    first = data.states("tianjin-htz", counted)
    assert first is data.states("tianjin-htz", list(counted))  # one computation per zone and filter
    assert first == zone_states(data.codebook, data.zone("tianjin-htz"), counted)
    assert data.states("tianjin-htz", ("proposed",)) != first  # another filter, another entry
