"""similarity_estimate in row blocks (for zone counts whose draws x zones x zones would not fit)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from policybench import InputError
from policybench.similarity import similarity_estimate

intervals = importlib.import_module("policybench.similarity.intervals")


@pytest.mark.parametrize("metric", ["soft_cosine", "cosine", "jaccard", "heterogeneity"])
def test_blocks_match_the_whole_array(shipped, metric: str, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = similarity_estimate(shipped, metric=metric, draws=60, seed=4)
    monkeypatch.setattr(intervals, "ESTIMATE_MEMORY", 60 * 26 * 8 * 2 * 5)  # blocks of 5 rows
    blocked = similarity_estimate(shipped, metric=metric, draws=60, seed=4)
    assert whole.params == blocked.params and whole.zone_ids == blocked.zone_ids
    for name in ("estimate", "low", "high", "known_share"):
        a, b = getattr(whole, name), getattr(blocked, name)
        assert (np.isnan(a) == np.isnan(b)).all(), name
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-12, err_msg=name)
        np.testing.assert_array_equal(b, b.T)
    assert (whole.high - whole.low > 0.01).any()  # some pairs rest on imputed cells


@pytest.mark.parametrize("budget", [None, 60 * 26 * 8 * 2 * 5])
def test_rows_give_the_whole_estimates_pairs(shipped, budget: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = similarity_estimate(shipped, draws=60, seed=2)
    if budget is not None:
        monkeypatch.setattr(intervals, "ESTIMATE_MEMORY", budget)
    rows = similarity_estimate(shipped, draws=60, seed=2, rows=["tianjin-htz", "donghu-htz"])
    wanted = [whole.zone_ids.index(z) for z in ("tianjin-htz", "donghu-htz")]
    for name in ("estimate", "low", "high"):
        a, b = getattr(whole, name), getattr(rows, name)
        if budget is None:  # the whole-array path: exactly the same numbers
            np.testing.assert_array_equal(b[wanted], a[wanted])
        else:
            np.testing.assert_allclose(b[wanted], a[wanted], rtol=0, atol=1e-12)
        np.testing.assert_array_equal(b[:, wanted], b[wanted].T)
        others = np.delete(np.delete(b, wanted, axis=0), wanted, axis=1)
        assert np.isnan(others).all(), name
    np.testing.assert_array_equal(rows.known_share, whole.known_share)
    with pytest.raises(InputError, match="not among the zones"):
        similarity_estimate(shipped, draws=5, rows=["nowhere"])


def test_rows_of_a_large_dataset_take_only_the_wanted_rows(shipped, monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond WHOLE_ARRAY_UP_TO zones a few rows are computed alone: the same numbers to 1e-12."""
    whole = similarity_estimate(shipped, draws=60, seed=4)
    monkeypatch.setattr(intervals, "WHOLE_ARRAY_UP_TO", 0)
    calls: list[int] = []
    blocked = intervals._blocked
    monkeypatch.setattr(intervals, "_blocked", lambda *a, **k: calls.append(1) or blocked(*a, **k))
    rows = similarity_estimate(shipped, draws=60, seed=4, rows=["wuhan-city-partner"])
    assert calls == [1]  # the row path ran
    i = whole.zone_ids.index("wuhan-city-partner")
    for name in ("estimate", "low", "high"):
        np.testing.assert_allclose(getattr(rows, name)[i], getattr(whole, name)[i], rtol=0, atol=1e-12)
