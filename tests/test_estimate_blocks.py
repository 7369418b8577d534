"""similarity_estimate in row blocks (for zone counts whose draws x zones x zones would not fit)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

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
