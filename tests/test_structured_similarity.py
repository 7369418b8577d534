"""Known answers on the 3-zone, 5-category toy (computed by hand) and properties."""

from __future__ import annotations

from math import sqrt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from policybench import InputError, load_dataset
from policybench.similarity import (
    METRICS,
    default_min_overlap,
    overlap_matrix,
    pairwise_similarity,
    portfolio_matrix,
    similarity_matrix,
    undefined_pairs,
)

TOY = Path(__file__).parent / "data" / "toy"

# alpha = [1, 1/2, 0, 0, 0]   (statutory body d3; corporate mgmt as secondary: 3/3 x 0.5)
# beta  = [2/3, 0, 1, 0, 0]   (statutory pilot d2; city partner d3)
# gamma = [0, 1, 0, 2/3, 1/3] (corporate mgmt d3; platform d2; mixed ownership d1)
# alpha's partner plan (proposed) and mixed-ownership attempt (discontinued) are not counted.
A = [1, 0.5, 0, 0, 0]
B = [2 / 3, 0, 1, 0, 0]
G = [0, 1, 0, 2 / 3, 1 / 3]


@pytest.fixture(scope="module")
def toy():
    return load_dataset(TOY)


@pytest.fixture(scope="module")
def portfolio(toy):
    return portfolio_matrix(toy)


def test_portfolio_by_hand(portfolio: pd.DataFrame) -> None:
    assert list(portfolio.index) == ["alpha", "beta", "gamma"]
    np.testing.assert_allclose(portfolio.to_numpy(), [A, B, G])
    assert not portfolio.attrs  # values only


def test_portfolio_status_filter_and_secondary_weight(toy) -> None:
    p = portfolio_matrix(toy, status=("implemented", "piloting", "proposed", "discontinued"), secondary_weight=1.0)
    assert p.loc["alpha", "MKT.PARTNER_SYSTEM"] == pytest.approx(1 / 3)
    assert p.loc["alpha", "MKT.MIXED_OWNERSHIP"] == pytest.approx(2 / 3)
    assert p.loc["alpha", "GOV.CORPORATE_MGMT"] == pytest.approx(1.0)


def test_portfolio_domain_level(toy) -> None:
    mean = portfolio_matrix(toy, level="domain")
    assert list(mean.columns) == ["GOV", "MKT"]
    assert mean.loc["alpha", "GOV"] == pytest.approx(0.75)
    assert mean.loc["gamma", "MKT"] == pytest.approx((0 + 2 / 3 + 1 / 3) / 3)
    assert portfolio_matrix(toy, level="domain", domain_rollup="max").loc["gamma", "MKT"] == pytest.approx(2 / 3)


def test_cosine_by_hand(portfolio: pd.DataFrame) -> None:
    s = similarity_matrix(portfolio, metric="cosine")
    assert s.loc["alpha", "beta"] == pytest.approx((2 / 3) / (sqrt(5 / 4) * sqrt(13 / 9)))
    assert s.loc["alpha", "gamma"] == pytest.approx(0.5 / (sqrt(5 / 4) * sqrt(14 / 9)))
    assert s.loc["beta", "gamma"] == 0.0


def test_jaccard_by_hand(portfolio: pd.DataFrame) -> None:
    s = similarity_matrix(portfolio, metric="jaccard")
    assert s.loc["alpha", "beta"] == pytest.approx((2 / 3) / 2.5)  # min sum 2/3, max sum 1 + 1/2 + 1
    assert s.loc["alpha", "gamma"] == pytest.approx(0.5 / 3)
    assert s.loc["beta", "gamma"] == 0.0


def test_heterogeneity_by_hand(portfolio: pd.DataFrame) -> None:
    s = similarity_matrix(portfolio, metric="heterogeneity")
    assert s.loc["alpha", "beta"] == pytest.approx(2 / 5)  # agree on the two MKT zeros
    assert s.loc["alpha", "gamma"] == pytest.approx(1 / 5)  # agree only on MKT.PARTNER_SYSTEM = 0
    assert s.loc["beta", "gamma"] == 0.0


def test_soft_cosine_by_hand(portfolio: pd.DataFrame) -> None:
    # u'Sv = 0.7 u.v + 0.3 (GOV sums product + MKT sums product)
    asa, bsb, gsg = 0.7 * 1.25 + 0.3 * 1.5**2, 13 / 9, 0.7 * 14 / 9 + 0.3 * 2
    s = similarity_matrix(portfolio, metric="soft_cosine", sigma=0.3)
    assert s.loc["alpha", "beta"] == pytest.approx((0.7 * 2 / 3 + 0.3 * 1.0) / sqrt(asa * bsb))
    assert s.loc["alpha", "gamma"] == pytest.approx((0.7 * 0.5 + 0.3 * 1.5) / sqrt(asa * gsg))
    assert s.loc["beta", "gamma"] == pytest.approx(0.3 * (2 / 3 + 1) / sqrt(bsb * gsg))


def test_weighted_cosine_and_jaccard(portfolio: pd.DataFrame) -> None:
    w = {"GOV.STATUTORY_BODY": 2.0, "GOV.CORPORATE_MGMT": 1.0, "MKT.PARTNER_SYSTEM": 1.0}
    s = similarity_matrix(portfolio, metric="jaccard", weights=w)
    assert s.loc["alpha", "beta"] == pytest.approx((2 * 2 / 3) / (2 * 1 + 0.5 + 1))
    c = similarity_matrix(portfolio, metric="cosine", weights=w)
    assert c.loc["alpha", "beta"] == pytest.approx((2 * 2 / 3) / (sqrt(2 + 0.25) * sqrt(2 * 4 / 9 + 1)))


def test_zone_without_counted_measure_gets_nan_and_a_reason(toy) -> None:
    p = portfolio_matrix(toy, status="proposed")  # only alpha has a proposed measure
    s = similarity_matrix(p, metric="cosine")
    assert np.isnan(s.loc["alpha", "beta"]) and np.isnan(s.loc["beta", "gamma"]) and np.isnan(s.loc["beta", "beta"])
    assert s.loc["alpha", "alpha"] == 1.0
    reasons = {(u["zone_a"], u["zone_b"]): u["reason"] for u in undefined_pairs(p, metric="cosine").to_dict("records")}
    assert set(reasons) == {("alpha", "beta"), ("alpha", "gamma"), ("beta", "gamma")}
    assert reasons[("alpha", "beta")].startswith("beta: no counted measure in the 5 categories")
    assert reasons[("beta", "gamma")].startswith("beta and gamma: no counted measure")
    assert similarity_matrix(p, metric="heterogeneity").loc["beta", "gamma"] == 1.0


def test_parameter_errors_name_the_parameter(portfolio: pd.DataFrame, toy) -> None:
    with pytest.raises(InputError, match=r"The 'metric' parameter of similarity_matrix must be one of .*Got 'cosin'"):
        similarity_matrix(portfolio, metric="cosin")
    with pytest.raises(InputError, match="'status' parameter"):
        portfolio_matrix(toy, status=("implemeted",))
    with pytest.raises(InputError, match="sigma"):
        similarity_matrix(portfolio, metric="soft_cosine", sigma=1.5)
    with pytest.raises(InputError, match="not columns"):
        similarity_matrix(portfolio, weights={"GOV.NOPE": 1.0})


def test_soft_cosine_with_sigma_zero_equals_cosine(portfolio: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        similarity_matrix(portfolio, metric="soft_cosine", sigma=0.0),
        similarity_matrix(portfolio, metric="cosine"),
        check_exact=False,
        atol=1e-12,
    )


depth_values = st.sampled_from([0.0, 0.0, 0.0, 1 / 6, 1 / 3, 0.5, 2 / 3, 1.0])


@st.composite
def portfolios(draw):
    n = draw(st.integers(2, 7))
    m = draw(st.integers(2, 8))
    values = draw(arrays(np.float64, (n, m), elements=depth_values))
    values[:, 0] = np.maximum(values[:, 0], 1 / 3)  # no empty zone
    codes = [f"{'AB'[j % 2]}D.C{j}" for j in range(m)]
    return pd.DataFrame(values, index=[f"z{i}" for i in range(n)], columns=codes)


@settings(max_examples=60, deadline=None)
@given(p=portfolios(), metric=st.sampled_from(METRICS), seed=st.integers(0, 1000))
def test_properties_symmetric_bounded_diagonal_and_order_invariant(p: pd.DataFrame, metric: str, seed: int) -> None:
    s = similarity_matrix(p, metric=metric)
    values = s.to_numpy()
    assert np.array_equal(values, values.T)
    assert (values >= 0).all() and (values <= 1).all()
    assert (np.diag(values) == 1).all()
    rng = np.random.default_rng(seed)
    shuffled = p.iloc[rng.permutation(len(p)), rng.permutation(p.shape[1])]
    again = similarity_matrix(shuffled, metric=metric).loc[p.index, p.index]
    np.testing.assert_allclose(again.to_numpy(), values, atol=1e-12)


@st.composite
def portfolios_with_unknowns(draw):
    p = draw(portfolios())
    mask = draw(arrays(np.bool_, p.shape, elements=st.booleans()))
    mask[:, 0] = False  # every zone keeps its counted first code
    return p.mask(mask)


@settings(max_examples=60, deadline=None)
@given(p=portfolios_with_unknowns(), metric=st.sampled_from(METRICS))
def test_overlap_similarity_equals_the_metric_on_the_overlap(p: pd.DataFrame, metric: str) -> None:
    s = similarity_matrix(p, metric=metric, min_overlap=1).to_numpy()
    x = p.to_numpy()
    domains = np.array([c.split(".")[0] for c in p.columns])
    for i in range(len(x)):
        for j in range(len(x)):
            both = ~np.isnan(x[i]) & ~np.isnan(x[j])
            pair = np.vstack([x[i, both], x[j, both]])
            empty = metric != "heterogeneity" and not (pair[0].any() and pair[1].any())
            if i == j:
                assert s[i, j] == 1.0
            elif empty:
                assert np.isnan(s[i, j])
            else:
                direct = pairwise_similarity(pair, metric, domains=domains[both])[0, 1]
                assert s[i, j] == pytest.approx(direct, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(p=portfolios_with_unknowns(), metric=st.sampled_from(METRICS), seed=st.integers(0, 1000))
def test_properties_with_unknowns(p: pd.DataFrame, metric: str, seed: int) -> None:
    s = similarity_matrix(p, metric=metric, min_overlap=2)
    values = s.to_numpy()
    np.testing.assert_array_equal(np.isnan(values), np.isnan(values.T))
    defined = values[~np.isnan(values)]
    assert ((defined >= 0) & (defined <= 1)).all()
    rng = np.random.default_rng(seed)
    shuffled = p.iloc[rng.permutation(len(p)), rng.permutation(p.shape[1])]
    again = similarity_matrix(shuffled, metric=metric, min_overlap=2).loc[p.index, p.index]
    np.testing.assert_allclose(again.to_numpy(), values, atol=1e-12)
    overlap = overlap_matrix(p).to_numpy()
    assert np.isnan(values[overlap < 2]).all()


@settings(max_examples=60, deadline=None)
@given(p=portfolios(), metric=st.sampled_from(METRICS), extra=st.integers(1, 4))
def test_a_copy_with_extra_unknown_categories_is_identical(p: pd.DataFrame, metric: str, extra: int) -> None:
    wider = p.copy()
    for k in range(extra):
        wider[f"XD.NEW{k}"] = np.nan
    copy = wider.iloc[[0]].rename(index={p.index[0]: "copy"})
    copy.iloc[0, : p.shape[1]] = p.iloc[0].to_numpy()
    both = pd.concat([wider.iloc[[0]].fillna(0.5), copy])  # the original examined the extra codes
    s = similarity_matrix(both, metric=metric, min_overlap=p.shape[1])
    assert s.iloc[0, 1] == pytest.approx(1.0, abs=1e-12)


def test_min_overlap_rule(toy) -> None:
    p = portfolio_matrix(toy)
    assert default_min_overlap(len(p.columns)) == 2
    q = p.copy()
    q.loc["gamma", ["GOV.STATUTORY_BODY", "GOV.CORPORATE_MGMT", "MKT.PARTNER_SYSTEM"]] = np.nan
    s = similarity_matrix(q, metric="jaccard", min_overlap=3)
    # alpha-beta keeps all 5 codes: min sum 2/3, max sum 1 + .5 + 1
    assert np.isnan(s.loc["alpha", "gamma"]) and s.loc["alpha", "beta"] == pytest.approx((2 / 3) / 2.5)
    (entry,) = [
        u
        for u in undefined_pairs(q, metric="jaccard", min_overlap=3).to_dict("records")
        if u["zone_b"] == "gamma" and u["zone_a"] == "alpha"
    ]
    assert entry["overlap"] == 2 and "under the minimum overlap of 3" in entry["reason"]
    # over the overlap {platform, mixed}: alpha [0, 0] has nothing counted there
    assert np.isnan(similarity_matrix(q, metric="jaccard", min_overlap=2).loc["alpha", "gamma"])
    with pytest.raises(InputError, match="The 'min_overlap' parameter of similarity_matrix must be a positive int"):
        similarity_matrix(p, min_overlap=0)


@settings(max_examples=40, deadline=None)
@given(p=portfolios())
def test_layer_cake_jaccard_equals_direct_formula(p: pd.DataFrame) -> None:
    x = p.to_numpy()
    fast = pairwise_similarity(x, "jaccard")
    direct = np.array([[np.minimum(a, b).sum() / np.maximum(a, b).sum() for b in x] for a in x])
    np.fill_diagonal(direct, 1.0)
    np.testing.assert_allclose(fast, direct, atol=1e-12)


def test_blocked_and_many_level_paths_agree() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, (40, 12))
    x[x < 0.4] = 0
    x[:, 0] += 0.1
    reference = pairwise_similarity(np.round(x, 1), "jaccard", block_rows=7)
    np.testing.assert_allclose(reference, pairwise_similarity(np.round(x, 1), "jaccard"), atol=1e-12)
    many = pairwise_similarity(x, "jaccard")  # > 64 distinct values: direct path
    direct = np.array([[np.minimum(a, b).sum() / np.maximum(a, b).sum() for b in x] for a in x])
    np.fill_diagonal(direct, 1.0)
    np.testing.assert_allclose(many, direct, atol=1e-12)


@pytest.mark.parametrize("n", [1, 255, 256, 257, 700])
@pytest.mark.parametrize("metric", ["cosine", "soft_cosine"])
def test_cosine_mirrored_in_blocks_equals_the_full_product(n: int, metric: str) -> None:
    rng = np.random.default_rng(n)
    values = rng.random((n, 12)) * (rng.random((n, 12)) < 0.4)
    values[0] = 0.0  # a row of zeros: similarity 0 to the others, 1 to itself
    got = pairwise_similarity(values, metric, sigma=0.3, domains=np.arange(12) // 4)
    x = values
    if metric == "soft_cosine":  # u'Sv with S = 0.7 I + 0.3 M M'
        member = np.zeros((12, 3))
        member[np.arange(12), np.arange(12) // 4] = 1.0
        x = np.hstack([np.sqrt(0.7) * values, np.sqrt(0.3) * (values @ member)])
    norms = np.linalg.norm(x, axis=1)
    unit = x / np.where(norms > 0, norms, 1.0)[:, None]
    expected = np.clip(unit @ unit.T, 0.0, 1.0)
    np.fill_diagonal(expected, 1.0)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert np.array_equal(got, got.T)  # exactly symmetric
    assert got.max() <= 1.0 and got.min() >= 0.0
