"""Structured similarity as an estimate with an interval, for every pair (multiple imputation).

Coding is never complete, so a pair of zones shares only part of the codebook as known cells.
Instead of leaving such a pair without a number, each unknown cell is treated as missing data
and imputed many times from a documented model of the category's adoption; the similarity is
computed on every imputed portfolio, and the draws give a point estimate (their mean), an
interval (their central ``level`` share) and, beside it, the share of the comparison that rests
on known cells. Pairs whose cells are all known get the exact similarity and an interval of
zero width.

The imputation model (docs/methods.md, "Similarity under incomplete data"):

- whether a zone does category c: Bernoulli(p_c), with p_c the posterior mean of a
  Beta-binomial model of adoption, p_c = (k_c + a·r) / (n_c + a), where n_c is the number of
  zones whose cell c is known (present or absent), k_c how many of them have it, r the base
  rate of adoption over all known cells and a the prior strength (``prior_strength``);
- how deep, when it does: a value drawn uniformly from the known positive scores of category
  c (from all categories' positive scores when no zone has c yet).

A not-applicable cell is read as 0 (a zone to which a category does not apply does not do it)
and is counted as known. A zone with no known cell at all has no estimate (NaN).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import html
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._params import (
    MAX_DRAWS,
    STATUS,
    ZONES,
    Instance,
    Int,
    Maybe,
    Options,
    Real,
    Str,
    Strs,
    Weights,
    check_choice,
    check_status,
    check_type,
    validate_params,
)
from ..errors import InputError
from ._topk import one_blas_thread
from .portfolio import NOT_APPLICABLE, portfolio_matrix, state_codes
from .structured import METRICS, pairwise_similarity, weight_vector

if TYPE_CHECKING:
    from ..data.dataset import Dataset

__all__ = [
    "ESTIMATE_COLUMNS",
    "ESTIMATE_MEMORY",
    "SimilarityEstimate",
    "adoption_rates",
    "reuse_imputations",
    "similarity_estimate",
]

#: Bytes of draws x zones x zones similarities held at once. Up to it every draw's zone x zone
#: array is kept (the exact path); beyond it (e.g. 200 draws of 2,500 zones: 10 GB) the pairs are
#: taken in row blocks of the upper triangle, whose products differ from the full array's only in
#: the last bits (the estimates are rounded to 12 decimals; a test bounds the difference by 1e-12).
ESTIMATE_MEMORY = 512 * 2**20
#: Bytes of random numbers drawn at a time for the imputation (the draws are the same in any pieces).
CHUNK_BYTES = 4 * 2**20
#: Up to this many zones the estimate computes the whole draws x zones x zones array (cheap there;
#: an estimate of a few rows then has exactly the all-pairs numbers); beyond, row blocks, which are
#: faster (500 synthetic zones, 200 draws: 1.0 s against 4.3 s) and, for a few rows, take only those.
WHOLE_ARRAY_UP_TO = 100

#: Set by :func:`reuse_imputations`: estimates of a few rows keep their imputed draws on the dataset.
_REUSE: contextvars.ContextVar[bool] = contextvars.ContextVar("policybench_reuse_imputations", default=False)


@contextlib.contextmanager
def reuse_imputations() -> Iterator[None]:
    """Within the block, estimates of a few rows (one target) share their imputed draws.

    The draws of an estimate depend on the data and the settings only, never on the rows
    wanted; so when many targets are assessed on one dataset (a batch), the row-block path
    imputes and prepares the draws once, keeps them on the dataset and reads each target's
    row from them: the same numbers, float for float, as computing them afresh. The price
    is memory: draws x zones x (categories + domains) floats (200 draws of 2,500 zones:
    about 280 MB), held as long as the dataset. Off by default: one assessment gains nothing.

    Examples
    --------
    >>> import policybench as pb
    >>> from policybench.similarity import reuse_imputations
    >>> with reuse_imputations():
    ...     a = pb.assess(pb.load_dataset(), "tianjin-htz", draws=50)
    """
    token = _REUSE.set(True)
    try:
        yield
    finally:
        _REUSE.reset(token)


#: Columns of :meth:`SimilarityEstimate.table`.
ESTIMATE_COLUMNS: dict[str, str] = {
    "zone_a": "first zone id",
    "zone_b": "second zone id",
    "estimate": "mean similarity over the imputation draws (exact when every cell of both is known)",
    "low": "lower end of the interval (the (1 - level) / 2 quantile of the draws)",
    "high": "upper end of the interval",
    "known_share": "weighted share of the categories known for both zones (the rest is imputed)",
}


@dataclass(frozen=True)
class SimilarityEstimate:
    """Zone x zone similarity estimates with their intervals and known shares.

    Arrays are read-only; ``params`` records what produced them. ``overlap`` (categories known
    for both zones) is set by :func:`~policybench.similarity.zone_similarity_estimate`.
    """

    zone_ids: tuple[str, ...]
    estimate: np.ndarray = field(repr=False)
    low: np.ndarray = field(repr=False)
    high: np.ndarray = field(repr=False)
    known_share: np.ndarray = field(repr=False)
    params: Mapping[str, Any] = field(default_factory=dict)
    overlap: np.ndarray | None = field(default=None, repr=False)

    def matrix(self, which: str = "estimate") -> pd.DataFrame:
        """One of the four arrays ("estimate", "low", "high", "known_share") as a labelled DataFrame."""
        check_choice("SimilarityEstimate.matrix", "which", which, ("estimate", "low", "high", "known_share"))
        index = pd.Index(list(self.zone_ids), name="zone_id")
        return pd.DataFrame(np.array(getattr(self, which)), index=index, columns=index.copy())

    @validate_params({"a": Str(empty=True), "b": Str(empty=True)}, name="SimilarityEstimate.pair")
    def pair(self, a: str, b: str) -> dict[str, float]:
        """estimate, low, high and known_share of one pair."""
        return self._pair(a, b)

    def _pair(self, a: str, b: str) -> dict[str, float]:
        """:meth:`pair` for zone ids already checked (the combined similarity reads thousands)."""
        i, j = self._position(a), self._position(b)
        return {k: float(getattr(self, k)[i, j]) for k in ("estimate", "low", "high", "known_share")}

    def table(self) -> pd.DataFrame:
        """One row per unordered pair of distinct zones (columns: ``ESTIMATE_COLUMNS``), in zone order."""
        rows = [
            {"zone_a": a, "zone_b": b, **self.pair(a, b)}
            for i, a in enumerate(self.zone_ids)
            for b in self.zone_ids[i + 1 :]
        ]
        return pd.DataFrame(rows, columns=list(ESTIMATE_COLUMNS))

    @validate_params({"target": Str(empty=True), "k": Int(1)}, name="SimilarityEstimate.peers")
    def peers(self, target: str, k: int) -> pd.DataFrame:
        """The ``k`` zones nearest to ``target`` by estimate (ties: zone id), with their intervals.

        Fewer than ``k`` only when fewer zones have an estimate at all.
        """
        i = self._position(target)
        rows = [
            {"zone_id": z, **{c: float(getattr(self, c)[i, j]) for c in ("estimate", "low", "high", "known_share")}}
            for j, z in enumerate(self.zone_ids)
            if z != target and not np.isnan(self.estimate[i, j])
        ]
        frame = pd.DataFrame(rows, columns=["zone_id", "estimate", "low", "high", "known_share"])
        frame = frame.sort_values(["estimate", "zone_id"], ascending=[False, True], kind="mergesort")
        return frame.head(k).reset_index(drop=True)

    def _position(self, zone_id: str) -> int:
        position = self._positions.get(zone_id)
        if position is None:
            raise InputError(f"'{zone_id}' is not one of the zones of this estimate")
        return position

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        """Zone id -> first position (as ``zone_ids.index``), built on first use."""
        positions: dict[str, int] = {}
        for i, zone_id in enumerate(self.zone_ids):
            positions.setdefault(zone_id, i)
        return positions

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(z)}</th>" for z in self.zone_ids)
        body = ""
        for i, a in enumerate(self.zone_ids):
            cells = "".join(
                "<td>—</td>"
                if np.isnan(self.estimate[i, j])
                else f"<td>{self.estimate[i, j]:.2f} [{self.low[i, j]:.2f}–{self.high[i, j]:.2f}]</td>"
                for j in range(len(self.zone_ids))
            )
            body += f"<tr><th>{html.escape(a)}</th>{cells}</tr>"
        return f"<table><tr><th></th>{head}</tr>{body}</table>"


def adoption_rates(values: np.ndarray, known: np.ndarray, *, prior_strength: float) -> tuple[np.ndarray, float]:
    """Posterior-mean adoption p_c per column and the base rate r (the Beta prior's mean).

    ``values`` zones x codes (0 where absent), ``known`` the cells whose state is known.

    >>> v = np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    >>> k = np.array([[True, True], [True, True], [False, True]])
    >>> p, r = adoption_rates(v, k, prior_strength=2.0)
    >>> round(r, 4), [round(float(x), 4) for x in p]  # r = 1/5; p = (1 + 0.4)/(2 + 2), (0 + 0.4)/(3 + 2)
    (0.2, [0.35, 0.08])
    """
    n = known.sum(axis=0).astype(np.float64)
    k = ((values > 0) & known).sum(axis=0).astype(np.float64)
    total = float(n.sum())
    base = float(k.sum()) / total if total > 0 else 0.5
    a = float(prior_strength)
    return (k + a * base) / (n + a), base


@validate_params(
    {
        "dataset": Instance("Dataset"),
        "metric": Options(*METRICS),
        "status": STATUS,
        "secondary_weight": Real(0, 1),
        "sigma": Real(0, 1),
        "weights": Maybe(Weights()),
        "zones": ZONES,
        "draws": Int(1, MAX_DRAWS),
        "level": Real(0, 1, closed="neither"),
        "prior_strength": Real(0, closed="neither"),
        "seed": Int(0),
        "rows": Maybe(Strs("zone ids")),
    }
)
def similarity_estimate(
    dataset: Dataset,
    *,
    metric: str = "soft_cosine",
    status: Sequence[str] | str | None = None,
    secondary_weight: float = 0.5,
    sigma: float = 0.3,
    weights: Mapping[str, float] | None = None,
    zones: Sequence[str] | None = None,
    draws: int = 200,
    level: float = 0.9,
    prior_strength: float = 2.0,
    seed: int = 0,
    rows: Sequence[str] | None = None,
) -> SimilarityEstimate:
    """Structured similarity of every pair of zones, with unknown cells imputed (see the module docstring).

    Parameters
    ----------
    dataset : Dataset
        The codebook and zones.
    metric : {"cosine", "jaccard", "soft_cosine", "heterogeneity"}
        The structured metric (:func:`~policybench.similarity.similarity_matrix`).
    status : sequence of str, optional
        Statuses counted, as :func:`~policybench.similarity.portfolio_matrix`.
    secondary_weight : float
        Credit for a secondary category, as :func:`~policybench.similarity.portfolio_matrix`.
    sigma : float
        Within-domain credit of the soft cosine.
    weights : mapping code -> weight, optional
        Category weights (default all 1); they also weight ``known_share``.
    zones : sequence of str, optional
        Zone ids (default: every zone except frames of national directions).
    draws : int
        Imputation draws (default 200).
    level : float
        Coverage of the interval, in (0, 1) (default 0.9: the 5 % and 95 % quantiles).
    prior_strength : float
        a of the Beta(a·r, a·(1 - r)) prior on each category's adoption (default 2, a weak prior).
    seed : int
        Seed of the random draws: the same inputs and seed give the same numbers.
    rows : sequence of str, optional
        Only the pairs of these zones (with every zone) are wanted; the others are NaN. The
        numbers of those pairs are the ones the whole estimate gives (the same imputations); for
        one target among thousands of zones it costs draws x zones instead of draws x zones².

    Returns
    -------
    SimilarityEstimate

    Examples
    --------
    >>> from policybench import load_dataset
    >>> est = similarity_estimate(load_dataset(), draws=50)
    >>> pair = est.pair("tianjin-htz", "wuhan-city-partner")
    >>> pair["low"] <= pair["estimate"] <= pair["high"] and 0 < pair["known_share"] < 1
    True
    """
    fn = "similarity_estimate"
    ids = [z.id for z in dataset.zones if z.kind != "national-policy"] if zones is None else list(dict.fromkeys(zones))
    if not ids:
        raise InputError(f"{fn}: no zone to compare")
    portfolio = portfolio_matrix(dataset, status=status, secondary_weight=secondary_weight, zones=ids)
    states = state_codes(dataset, ids, check_status(dataset.codebook, status, fn))
    codes = [str(c) for c in portfolio.columns]
    w = weight_vector(codes, weights)
    values = portfolio.to_numpy(dtype=np.float64, copy=True)
    not_applicable = states == NOT_APPLICABLE
    values[not_applicable] = 0.0
    known = ~np.isnan(values)
    observed = known & ~not_applicable
    n = observed.sum(axis=0).astype(np.float64)
    k = ((np.nan_to_num(values) > 0) & observed).sum(axis=0).astype(np.float64)
    _, base = adoption_rates(np.nan_to_num(values), observed, prior_strength=prior_strength)
    filled = np.where(known, values, 0.0)
    unknown_rows, unknown_cols = np.nonzero(~known)
    domains = np.array([c.split(".")[0] for c in codes])
    tail = (1.0 - float(level)) / 2.0
    unknown_flat = np.ravel_multi_index((unknown_rows, unknown_cols), filled.shape)

    @functools.cache
    def random_draws() -> tuple[np.ndarray, _ScoreDraws]:
        """The random part of every draw (drawn on first use: draws kept by reuse_imputations need none)."""
        rng = np.random.default_rng(seed)
        a = float(prior_strength)
        # each draw takes its own adoption rates from the Beta posterior (proper multiple imputation)
        rates = rng.beta(k + a * base, n - k + a * (1.0 - base), size=(draws, len(codes)))
        present = np.empty((draws, len(unknown_rows)), dtype=bool)
        for chunk in _draw_chunks(draws, len(unknown_rows)):  # the stream rng.random((draws, cells)) reads, in pieces
            present[chunk] = rng.random((chunk.stop - chunk.start, len(unknown_rows))) < rates[chunk][:, unknown_cols]
        return present, _ScoreDraws(filled, known, unknown_cols, rng, draws)  # the last draws from rng: row by row

    def imputed(d: int) -> np.ndarray:
        present, depth = random_draws()
        x = filled.copy()
        x.ravel()[unknown_flat] = np.where(present[d], depth.row(d), 0.0)
        return x

    wanted = _wanted(fn, rows, ids)
    keep: _Keep | None = None
    if wanted is not None and _REUSE.get():  # the draws depend on all but ``rows`` and ``level``
        key = (
            "imputed-draws",
            tuple(ids),
            metric,
            tuple(check_status(dataset.codebook, status, fn)),
            float(secondary_weight),
            float(sigma),
            None if weights is None else tuple(sorted((str(k), float(v)) for k, v in weights.items())),
            int(draws),
            float(prior_strength),
            int(seed),
        )

        def keep(make: Callable[[], list[tuple[np.ndarray, ...]]]) -> list[tuple[np.ndarray, ...]]:
            return dataset.derived(key, make)

    estimate, low, high = _statistics(
        imputed, draws, len(ids), metric, w, float(sigma), domains, (tail, 1.0 - tail), wanted, keep
    )
    kw = known * w
    share = (kw @ known.T.astype(np.float64)) / float(w.sum())
    nothing = ~known.any(axis=1)  # nothing known about a zone: no estimate
    for arr in (estimate, low, high):
        arr[nothing, :] = np.nan
        arr[:, nothing] = np.nan
        arr.setflags(write=False)
    share = share.round(12)
    share.setflags(write=False)
    params = {
        "metric": metric,
        "status": list(check_status(dataset.codebook, status, fn)),
        "secondary_weight": float(secondary_weight),
        "sigma": float(sigma),
        "weighted": weights is not None,
        "draws": int(draws),
        "level": float(level),
        "prior_strength": float(prior_strength),
        "base_rate": round(base, 12),
        "seed": int(seed),
    }
    return SimilarityEstimate(tuple(ids), estimate, low, high, share, MappingProxyType(params))


class _ScoreDraws:
    """Draws x unknown-cells scores, each from the known positive scores of its category (or of all).

    One draw's row at a time, the rows read in order (0, 1, ...). The random numbers are drawn a
    piece of draws at a time (:func:`_draw_chunks`) when the first row of the piece is read: the
    same numbers as drawing them all at once, as long as nothing else draws from ``rng`` in
    between (the estimate draws these last), and only a piece is held.
    """

    def __init__(
        self, filled: np.ndarray, known: np.ndarray, columns: np.ndarray, rng: np.random.Generator, draws: int
    ) -> None:
        positive = known & (filled > 0)
        pool_all = np.sort(filled[positive])
        if not len(pool_all):
            pool_all = np.array([1.0])
        # every category's pool (its known positive scores, sorted; all categories' when it has none), end to end
        pools = [np.sort(filled[positive[:, c], c]) for c in range(filled.shape[1])]
        pools = [pool if len(pool) else pool_all for pool in pools]
        sizes = np.array([len(pool) for pool in pools], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        self.joined = np.concatenate(pools) if pools else np.empty(0)
        self.size, self.offset = sizes[columns], offsets[columns]  # per cell
        self.rng, self.cells = rng, len(columns)
        self.chunks = iter(_draw_chunks(draws, len(columns)))
        self.chunk, self.scores = slice(0, 0), np.empty((0, len(columns)))

    def row(self, d: int) -> np.ndarray:
        """The scores of draw ``d`` (draws must be read in order)."""
        while d >= self.chunk.stop:
            self.chunk = next(self.chunks)
            u = self.rng.random((self.chunk.stop - self.chunk.start, self.cells))
            # pool[min(floor(u x |pool|), |pool| - 1)] of each cell's pool, all cells at once
            self.scores = self.joined[self.offset + np.minimum((u * self.size).astype(np.int64), self.size - 1)]
        if d < self.chunk.start:
            raise RuntimeError(f"score draw {d} read after draw {self.chunk.start}")  # pragma: no cover
        return self.scores[d - self.chunk.start]


def _draw_chunks(draws: int, cells: int) -> list[slice]:
    """Runs of draws of about ``CHUNK_BYTES`` of float64 per cell each (temporaries that stay small)."""
    size = max(1, CHUNK_BYTES // (8 * max(cells, 1)))
    return [slice(start, min(start + size, draws)) for start in range(0, draws, size)]


def _statistics(
    imputed: Callable[[int], np.ndarray],
    draws: int,
    n: int,
    metric: str,
    w: np.ndarray,
    sigma: float,
    domains: np.ndarray,
    quantiles: tuple[float, float],
    wanted: np.ndarray | None,
    keep: _Keep | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and quantiles of the similarities over the draws.

    The whole array up to ``WHOLE_ARRAY_UP_TO`` zones (when it fits in ``ESTIMATE_MEMORY``; a few
    wanted rows are then exactly the all-pairs estimate's), else row blocks (only the wanted rows
    when ``wanted`` is given), whose numbers agree with the whole array's to 1e-12 (tests compare
    the two paths).
    """
    if n <= WHOLE_ARRAY_UP_TO and draws * n**2 * 8 <= ESTIMATE_MEMORY:
        sims = np.empty((draws, n, n))
        for d in range(draws):
            sims[d] = pairwise_similarity(imputed(d), metric, weights=w, sigma=sigma, domains=domains)
        estimate = sims.mean(axis=0).round(12)
        low, high = (np.quantile(sims, q, axis=0, method="linear").round(12) for q in quantiles)
        if wanted is not None:  # the same NaN outside the wanted pairs as the row blocks leave
            outside = np.ones(estimate.shape, dtype=bool)
            outside[wanted, :] = outside[:, wanted] = False
            for arr in (estimate, low, high):
                arr[outside] = np.nan
        return estimate, low, high
    # draws x zones x zones would not fit: row blocks (of the upper triangle, or the wanted rows)
    return _blocked(imputed, draws, metric, w, sigma, domains, quantiles, wanted, keep)


#: ``keep(make)``: the prepared draws kept for later estimates (made by ``make()`` the first time).
_Keep = Callable[[Callable[[], list[tuple[np.ndarray, ...]]]], list[tuple[np.ndarray, ...]]]


def _wanted(fn: str, rows: Sequence[str] | None, ids: list[str]) -> np.ndarray | None:
    """Positions of the ``rows`` zones among ``ids`` (None for all pairs); checked."""
    if rows is None:
        return None
    check_type(fn, "rows", rows, (list, tuple), "a list of zone ids or None")
    missing = [z for z in rows if z not in ids]
    if missing:
        raise InputError(f"{fn}: rows {missing} are not among the zones of the estimate")
    return np.array(sorted({ids.index(z) for z in rows}), dtype=np.int64)


def _blocked(
    imputed: Callable[[int], np.ndarray],
    draws: int,
    metric: str,
    w: np.ndarray,
    sigma: float,
    domains: np.ndarray,
    quantiles: tuple[float, float],
    wanted: np.ndarray | None = None,
    keep: _Keep | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and two quantiles over the draws ``imputed(0..draws-1)`` (zones x codes), in row blocks.

    A block holds block rows x the zones from the block's first row on x draws (draws last, so
    that each pair's draws are sorted in place, which makes ``np.quantile`` cheap; it gives the
    same numbers on sorted input). The mean adds the draws in order, as ``mean(axis=0)`` of the
    exact path does. The lower triangle mirrors the upper. With ``wanted`` (row indices) only
    those rows are computed, against every zone; the rest stays NaN. With ``keep``, the prepared
    draws come from (or go to) the store it reads (:func:`reuse_imputations`): the same arrays.
    """
    # many small products: BLAS threads would only wait (and a product's values do not depend on them)
    with one_blas_thread():
        prepare = _Prepare(metric, w, sigma, domains)
        kept = None if keep is None else keep(lambda: [prepare(imputed(d)) for d in range(draws)])
        first_draw = prepare(imputed(0)) if kept is None else kept[0]
        n = first_draw[0].shape[0]
        estimate, low, high = (np.full((n, n), np.nan) for _ in range(3))
        if wanted is not None:
            blocks = [(wanted[i : i + 64], 0) for i in range(0, len(wanted), 64)]
        else:
            blocks, start = [], 0
            while start < n:
                # half the budget for the block: its sorted copy, the running total and the imputed draws share the rest
                size = max(1, min(n - start, ESTIMATE_MEMORY // 2 // (8 * draws * (n - start))))
                blocks.append((np.arange(start, start + size), start))
                start += size
        prepared: Iterable[tuple[np.ndarray, ...]]
        if kept is not None:
            prepared = kept
        elif len(blocks) == 1:  # each draw prepared when its turn comes, and freed
            prepared = itertools.chain([first_draw], (prepare(imputed(d)) for d in range(1, draws)))
        else:  # each draw's x freed, its prepared rows kept for every block
            prepared = [first_draw, *(prepare(imputed(d)) for d in range(1, draws))]
        for rows, first in blocks:
            _block_statistics(prepared, metric, rows, first, draws, quantiles, (estimate, low, high))
    return estimate, low, high


def _block_statistics(
    prepared: Iterable[tuple[np.ndarray, ...]],
    metric: str,
    rows: np.ndarray,
    first: int,
    draws: int,
    quantiles: tuple[float, float],
    out: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Mean and quantiles of the similarities of ``rows`` to the zones ``first:`` over the draws, into ``out``."""
    n = out[0].shape[0]
    block = np.empty((len(rows), n - first, draws))
    total = np.zeros((len(rows), n - first))
    for d, p in enumerate(prepared):
        cross = _cross(p, metric, rows, first)
        block[:, :, d] = cross
        total = cross.copy() if d == 0 else total + cross
    mean = (total / draws).round(12)
    block.sort(axis=-1)
    lo, hi = np.quantile(block, list(quantiles), axis=-1, method="linear", overwrite_input=True).round(12)
    del block
    for whole, part in zip(out, (mean, lo, hi), strict=True):
        whole[rows, first:] = part
        whole[first:, rows] = part.T


def _prepared(x: np.ndarray, metric: str, w: np.ndarray, sigma: float, domains: np.ndarray) -> tuple[np.ndarray, ...]:
    """What :func:`_cross` needs of one imputed portfolio (unit rows for the cosines)."""
    return _Prepare(metric, w, sigma, domains)(x)


class _Prepare:
    """:func:`_prepared` for many draws of one setting: what does not depend on the draw computed once.

    The same floats as computing each draw from scratch: the same operations on the same arrays,
    written into one array instead of stacked.
    """

    def __init__(self, metric: str, w: np.ndarray, sigma: float, domains: np.ndarray) -> None:
        self.metric, self.w, self.sigma = metric, w, sigma
        self.root_w = np.sqrt(w)
        if metric == "soft_cosine":
            labels = np.unique(domains, return_inverse=True)[1]
            self.member = np.zeros((len(domains), int(labels.max()) + 1))
            self.member[np.arange(len(domains)), labels] = 1.0

    def __call__(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        if self.metric not in ("cosine", "soft_cosine"):
            return (x, self.w)
        y = x * self.root_w
        if self.metric == "soft_cosine":
            m = y.shape[1]
            stacked = np.empty((y.shape[0], m + self.member.shape[1]))
            np.multiply(np.sqrt(1.0 - self.sigma), y, out=stacked[:, :m])
            np.multiply(np.sqrt(self.sigma), y @ self.member, out=stacked[:, m:])
            y = stacked
        norms = np.linalg.norm(y, axis=1)
        y /= np.where(norms > 0, norms, 1.0)[:, None]
        return (y,)


def _cross(prepared: tuple[np.ndarray, ...], metric: str, rows: np.ndarray, first: int) -> np.ndarray:
    """Similarities of ``rows`` to the zones ``first:`` (as :func:`pairwise_similarity` computes them)."""
    if metric in ("cosine", "soft_cosine"):
        (unit,) = prepared
        out = unit[rows] @ unit[first:].T
    elif metric == "jaccard":
        x, w = prepared
        levels = np.unique(x[x > 0])
        steps = np.diff(np.concatenate([[0.0], levels]))
        mins = np.zeros((len(rows), x.shape[0] - first))
        for step, level in zip(steps, levels, strict=True):
            layer = (x >= level).astype(np.float64)
            mins += step * (layer[rows] * w) @ layer[first:].T
        totals = x @ w
        maxs = totals[rows, None] + totals[None, first:] - mins
        out = np.divide(mins, maxs, out=np.zeros_like(mins), where=maxs > 0)
    else:
        x, w = prepared
        wd = w / w.sum()
        out = np.zeros((len(rows), x.shape[0] - first))
        for value in np.unique(x):
            onehot = (x == value).astype(np.float64)
            out += (onehot[rows] * wd) @ onehot[first:].T
    np.clip(out, 0.0, 1.0, out=out)
    out[rows[:, None] == np.arange(first, first + out.shape[1])[None, :]] = 1.0  # a zone with itself
    return out
