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
from policybench.similarity import METRICS, pairwise_similarity, portfolio_matrix, similarity_matrix

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
    assert sorted(portfolio.attrs["status"]) == ["implemented", "piloting"]


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


def test_empty_zone_gets_nan_and_a_reason_naming_the_filter(toy) -> None:
    p = portfolio_matrix(toy, status="proposed")
    s = similarity_matrix(p, metric="cosine")
    assert sorted(s.attrs["undefined"]) == ["beta", "gamma"]
    assert "proposed" in s.attrs["undefined"]["beta"]
    assert s.loc[["beta", "gamma"]].isna().all().all() and s[["beta", "gamma"]].isna().all().all()
    assert s.loc["alpha", "alpha"] == 1.0
    assert similarity_matrix(p, metric="heterogeneity").loc["beta", "gamma"] == 1.0


def test_parameter_errors_name_the_parameter(portfolio: pd.DataFrame, toy) -> None:
    with pytest.raises(
        InputError, match=r"The 'metric' parameter of similarity_matrix must be one of .*Got 'cosin' instead"
    ):
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
