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


@pytest.mark.parametrize("whole_up_to", [100, 0])
def test_draws_in_pieces_are_the_draws_at_once(shipped, whole_up_to: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The random numbers drawn in pieces (CHUNK_BYTES) and the prepared draws: the same numbers, bit for bit."""
    monkeypatch.setattr(intervals, "WHOLE_ARRAY_UP_TO", whole_up_to)
    monkeypatch.setattr(intervals, "CHUNK_BYTES", 2**40)  # one piece
    at_once = similarity_estimate(shipped, draws=40, seed=7, rows=["tianjin-htz"])
    monkeypatch.setattr(intervals, "CHUNK_BYTES", 1)  # one draw a piece
    in_pieces = similarity_estimate(shipped, draws=40, seed=7, rows=["tianjin-htz"])
    assert len(intervals._draw_chunks(40, 1000)) == 40
    for name in ("estimate", "low", "high", "known_share"):
        np.testing.assert_array_equal(getattr(in_pieces, name), getattr(at_once, name), err_msg=name)


@pytest.mark.parametrize("metric", ["soft_cosine", "cosine", "jaccard"])
def test_prepared_draws_are_computed_as_before(metric: str) -> None:
    """_Prepare gives the unit rows the stacked formula gave (the same floats)."""
    rng = np.random.default_rng(3)
    x = np.where(rng.random((40, 9)) < 0.4, rng.random((40, 9)), 0.0)
    x[5] = 0.0  # a row with nothing: norm 0
    w = rng.random(9) + 0.5
    domains = np.array(["A", "A", "B", "C", "C", "C", "B", "A", "D"])
    got = intervals._prepared(x, metric, w, 0.3, domains)
    if metric == "jaccard":
        assert got[0] is x and got[1] is w
        return
    y = x * np.sqrt(w)
    if metric == "soft_cosine":
        labels = np.unique(domains, return_inverse=True)[1]
        member = np.zeros((9, int(labels.max()) + 1))
        member[np.arange(9), labels] = 1.0
        y = np.hstack([np.sqrt(0.7) * y, np.sqrt(0.3) * (y @ member)])
    norms = np.linalg.norm(y, axis=1)
    np.testing.assert_array_equal(got[0], y / np.where(norms > 0, norms, 1.0)[:, None])


def test_score_draws_row_by_row_are_the_draws_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each unknown cell's depth: pool[min(floor(u |pool|), |pool| - 1)] of its category's pool, u drawn at once."""
    rng = np.random.default_rng(11)
    filled = np.where(rng.random((30, 6)) < 0.5, rng.integers(1, 5, (30, 6)) / 4, 0.0)
    known = rng.random((30, 6)) < 0.7
    known[:, 5] = False  # a category nobody is known for: the pool of all scores
    filled[~known] = 0.0
    columns = np.nonzero(~known)[1]
    u = np.random.default_rng(5).random((25, len(columns)))
    positive = known & (filled > 0)
    expected = np.empty(u.shape)
    for k, c in enumerate(columns):
        pool = np.sort(filled[positive[:, c], c])
        pool = pool if len(pool) else np.sort(filled[positive])
        expected[:, k] = pool[np.minimum((u[:, k] * len(pool)).astype(np.int64), len(pool) - 1)]
    for chunk_bytes in (1, 2**40):
        monkeypatch.setattr(intervals, "CHUNK_BYTES", chunk_bytes)
        draws = intervals._ScoreDraws(filled, known, columns, np.random.default_rng(5), 25)
        np.testing.assert_array_equal(np.array([draws.row(d) for d in range(25)]), expected)


@pytest.mark.parametrize("metric", ["soft_cosine", "jaccard"])
def test_reused_imputations_give_the_same_rows_bit_for_bit(shipped, metric: str, monkeypatch) -> None:
    """reuse_imputations (a batch): each target's row from draws kept on the dataset, the same floats as afresh."""
    from policybench import Dataset
    from policybench.similarity import reuse_imputations

    monkeypatch.setattr(intervals, "WHOLE_ARRAY_UP_TO", 0)  # the row-block path, as beyond 100 zones
    fresh = {z: similarity_estimate(shipped, metric=metric, draws=30, seed=5, rows=[z]) for z in shipped.zone_ids[:4]}
    data = Dataset(shipped.codebook, shipped.zones)  # nothing derived yet
    made: list[int] = []
    prepare = intervals._Prepare.__call__
    monkeypatch.setattr(intervals._Prepare, "__call__", lambda self, x: made.append(1) or prepare(self, x))
    with reuse_imputations():
        kept = {z: similarity_estimate(data, metric=metric, draws=30, seed=5, rows=[z]) for z in fresh}
        other_seed = similarity_estimate(data, metric=metric, draws=30, seed=6, rows=[shipped.zone_ids[0]])
    assert len(made) == 30 + 30  # each setting's draws prepared once, for every target after the first too
    for z in fresh:
        for name in ("estimate", "low", "high", "known_share"):
            np.testing.assert_array_equal(getattr(kept[z], name), getattr(fresh[z], name), err_msg=f"{z} {name}")
    assert not np.array_equal(other_seed.estimate[0], kept[shipped.zone_ids[0]].estimate[0], equal_nan=True)
    made.clear()
    similarity_estimate(data, metric=metric, draws=30, seed=5, rows=[shipped.zone_ids[0]])
    assert len(made) == 30  # outside the block: afresh again
