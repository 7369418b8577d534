"""Structured similarity between zones' portfolios (METHODS §2), all pairs at once.

Every metric reads "higher = more alike", lies in [0, 1], is symmetric with 1 on the
diagonal. Weighted Jaccard and the heterogeneity index are computed exactly with a
layer-cake decomposition over the distinct values of the matrix (depth scores take few
values), so all pairs reduce to a handful of BLAS matrix products, in row blocks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._params import Instance, Int, Maybe, Options, Real, Weights, check_choice, validate_params
from ..errors import InputError

__all__ = [
    "METRICS",
    "default_min_overlap",
    "overlap_matrix",
    "overlap_similarity",
    "pairwise_similarity",
    "similarity_matrix",
    "undefined_pairs",
    "weight_vector",
]

METRICS: tuple[str, ...] = ("cosine", "jaccard", "soft_cosine", "heterogeneity")
_MAX_LEVELS = 64  # above this many distinct values, min/max sums use blocked broadcasting


#: The parameters of similarity_matrix and undefined_pairs (the same call, two views of it).
_MATRIX_PARAMS = {
    "portfolio": Instance("DataFrame"),
    "metric": Options(*METRICS),
    "weights": Maybe(Weights()),
    "sigma": Real(0, 1),
    "min_overlap": Maybe(Int(1)),
}


@validate_params({"n_codes": Int(0, 10**9)})
def default_min_overlap(n_codes: int) -> int:
    """The default minimum overlap: 8 categories, or a third of the codes when that is fewer.

    >>> default_min_overlap(61), default_min_overlap(5)
    (8, 2)
    """
    return max(1, min(8, math.ceil(n_codes / 3)))


@validate_params(_MATRIX_PARAMS)
def similarity_matrix(
    portfolio: pd.DataFrame,
    *,
    metric: str = "soft_cosine",
    weights: Mapping[str, float] | None = None,
    sigma: float = 0.3,
    min_overlap: int | None = None,
) -> pd.DataFrame:
    """Zone x zone similarity of a portfolio matrix, over the categories both zones examined.

    Unknown cells (NaN, see :func:`portfolio_matrix`) are left out pair by pair: the
    similarity of two zones is computed over their overlap O, the codes known for both.
    A pair gets NaN (the reason: :func:`undefined_pairs`) when |O| is under
    ``min_overlap``, or (all metrics but heterogeneity) when one of the two zones has no
    counted measure in O: no misleading number is given.

    Parameters
    ----------
    portfolio : pandas.DataFrame
        Zones x codes in [0, 1] with NaN for unknown, as from :func:`portfolio_matrix`.
    metric : {"cosine", "jaccard", "soft_cosine", "heterogeneity"}
        cosine: u.v / (|u||v|) on u * sqrt(w). jaccard: weighted Ruzicka
        sum w min(u, v) / sum w max(u, v). soft_cosine: u'Sv / sqrt(u'Su v'Sv) with
        S = (1 - sigma) I + sigma B, B ones within each domain. heterogeneity: 1 - the
        weighted share of categories on which the two zones differ (OECD STRI style).
        Every sum runs over the overlap O of the pair. Default soft_cosine, as in every other
        function of the package (one default for the structured metric).
    weights : mapping code -> weight, optional
        Non-negative category weights (default: all 1).
    sigma : float
        Within-domain credit of the soft cosine, in [0, 1]; 0 gives the cosine.
    min_overlap : int, optional
        The smallest overlap |O| that gets a number; default :func:`default_min_overlap`
        of the number of codes (8 for the shipped codebook).

    Returns
    -------
    pandas.DataFrame
        Symmetric, labelled by the portfolio's zone ids; 1 on the diagonal where defined; values
        only (which pairs are NaN and why: :func:`undefined_pairs` with the same arguments).

    Examples
    --------
    >>> p = pd.DataFrame([[1, 0], [1, 1]], index=["a", "b"], columns=["GOV.X", "GOV.Y"])
    >>> similarity_matrix(p, metric="jaccard", min_overlap=2).loc["a", "b"]
    np.float64(0.5)
    """
    return _similarity_and_reasons(portfolio, metric, weights, sigma, min_overlap, "similarity_matrix")[0]


@validate_params(_MATRIX_PARAMS)
def undefined_pairs(
    portfolio: pd.DataFrame,
    *,
    metric: str = "soft_cosine",
    weights: Mapping[str, float] | None = None,
    sigma: float = 0.3,
    min_overlap: int | None = None,
) -> pd.DataFrame:
    """The pairs :func:`similarity_matrix` leaves undefined (NaN) with the same arguments, and why.

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair (zone_a before zone_b in the portfolio's order): zone_a,
        zone_b, overlap (categories known for both) and reason (too small an overlap, or a zone
        with no counted measure in it).

    Examples
    --------
    >>> p = pd.DataFrame([[1, 0], [1, 1]], index=["a", "b"], columns=["GOV.X", "GOV.Y"])
    >>> undefined_pairs(p, metric="jaccard", min_overlap=3)[["zone_a", "zone_b", "overlap"]].to_dict("records")
    [{'zone_a': 'a', 'zone_b': 'b', 'overlap': 2}]
    """
    undefined = _similarity_and_reasons(portfolio, metric, weights, sigma, min_overlap, "undefined_pairs")[1]
    return pd.DataFrame(undefined, columns=["zone_a", "zone_b", "overlap", "reason"])


def _similarity_and_reasons(
    portfolio: pd.DataFrame,
    metric: str,
    weights: Mapping[str, float] | None,
    sigma: float,
    min_overlap: int | None,
    fn: str,
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """similarity_matrix and undefined_pairs: the values and the NaN pairs with their reasons (checked by the callers)."""
    codes = [str(c) for c in portfolio.columns]
    need = default_min_overlap(len(codes)) if min_overlap is None else min_overlap
    values = portfolio.to_numpy(dtype=np.float64)
    w = weight_vector(codes, weights)
    domains = np.array([c.split(".")[0] for c in codes])
    result, overlap, counted = overlap_similarity(values, metric, weights=w, sigma=float(sigma), domains=domains)
    ids = [str(z) for z in portfolio.index]
    undefined = []
    for i, j in zip(*np.nonzero(np.isnan(result) | (overlap < need)), strict=True):
        reason = _reason(ids[i], ids[j], int(overlap[i, j]), need, counted[i, j], counted[j, i], metric)
        result[i, j] = np.nan
        if i < j:
            undefined.append({"zone_a": ids[i], "zone_b": ids[j], "overlap": int(overlap[i, j]), "reason": reason})
    frame = pd.DataFrame(result, index=portfolio.index.copy(), columns=portfolio.index.copy())
    frame.columns.name = portfolio.index.name
    return frame, undefined


@validate_params({"portfolio": Instance("DataFrame")})
def overlap_matrix(portfolio: pd.DataFrame) -> pd.DataFrame:
    """Zone x zone count of the codes known (not NaN) for both zones: the overlap |O|.

    >>> p = pd.DataFrame([[1, None], [0, 1]], index=["a", "b"], columns=["GOV.X", "GOV.Y"])
    >>> overlap_matrix(p).loc["a", "b"]
    np.int64(1)
    """
    known = (~np.isnan(portfolio.to_numpy(dtype=np.float64))).astype(np.int64)
    frame = pd.DataFrame(known @ known.T, index=portfolio.index.copy(), columns=portfolio.index.copy())
    frame.columns.name = portfolio.index.name
    return frame


def _reason(a: str, b: str, overlap: int, need: int, counted_a: bool, counted_b: bool, metric: str) -> str:
    if overlap < need:
        return f"{a} and {b} were both examined in {overlap} categories, under the minimum overlap of {need}"
    empty = [z for z, ok in ((a, counted_a), (b, counted_b)) if not ok]
    return f"{' and '.join(dict.fromkeys(empty))}: no counted measure in the {overlap} categories both examined ({metric} undefined)"


def overlap_similarity(
    values: np.ndarray,
    metric: str,
    *,
    weights: np.ndarray | None = None,
    sigma: float = 0.3,
    domains: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All-pairs similarity over each pair's overlap of known (non-NaN) columns.

    Returns the n x n similarity (NaN where a zone has nothing counted in the overlap, for
    all metrics but heterogeneity, and where the overlap is empty), the n x n overlap
    counts, and an n x n boolean array ``counted[i, j]``: zone i has a positive value in
    the overlap with zone j. Without NaN in ``values`` the result equals
    :func:`pairwise_similarity` wherever both rows have a counted measure.
    """
    check_choice("overlap_similarity", "metric", metric, METRICS)
    known = ~np.isnan(values)
    k = known.astype(np.float64)
    x = np.where(known, values, 0.0)
    w = np.ones(x.shape[1]) if weights is None else np.asarray(weights, dtype=np.float64)
    overlap = (k @ k.T).round().astype(np.int64)
    counted = ((x > 0).astype(np.float64) @ k.T) > 0
    if not known.all():
        out = _overlap_metric(x, k, w, metric, sigma, domains)
    else:
        out = pairwise_similarity(x, metric, weights=w, sigma=sigma, domains=domains)
    if metric != "heterogeneity":
        out = np.where(counted & counted.T, out, np.nan)
    out = np.where(overlap > 0, out, np.nan)
    np.clip(out, 0.0, 1.0, out=out)
    defined = ~np.isnan(np.diag(out))
    out[np.diag_indices_from(out)] = np.where(defined, 1.0, np.nan)
    return out, overlap, counted


def weight_vector(codes: list[str], weights: Mapping[str, float] | None) -> np.ndarray:
    """Category weights in the order of ``codes`` (all 1 when None); checked: finite, >= 0, not all 0."""
    if weights is None:
        return np.ones(len(codes))
    unknown = sorted(set(weights) - set(codes))
    if unknown:
        raise InputError(f"weights name codes that are not columns of the portfolio: {', '.join(unknown)}")
    w = np.array([float(weights.get(c, 0.0)) for c in codes])
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise InputError("weights must be finite, non-negative and not all zero")
    return w


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.full_like(num, np.nan), where=den > 0)


def _overlap_metric(
    x: np.ndarray, k: np.ndarray, w: np.ndarray, metric: str, sigma: float, domains: np.ndarray | None
) -> np.ndarray:
    """The metrics with every sum restricted to the pair's overlap, as matrix products."""
    if metric == "jaccard":
        mins = _jaccard_mins(x, w)
        sums = (x * w) @ k.T  # sums[i, j] = sum over the columns j knows of w x_i
        return _ratio(mins, sums + sums.T - mins)
    if metric == "heterogeneity":
        agree = np.zeros((x.shape[0], x.shape[0]))
        for value in np.unique(x[k > 0]):
            onehot = ((x == value) & (k > 0)).astype(np.float64)
            agree += (onehot * w) @ onehot.T
        return _ratio(agree, (k * w) @ k.T)
    y = x * np.sqrt(w)
    if metric == "cosine":
        norms = (y * y) @ k.T
        return _ratio(y @ y.T, np.sqrt(norms * norms.T))
    labels = np.arange(x.shape[1]) if domains is None else np.unique(domains, return_inverse=True)[1]
    left, right = np.nonzero(labels[:, None] == labels[None, :])  # pairs (c, c') in one domain
    cross = (y[:, left] * k[:, right]) @ (k[:, left] * y[:, right]).T
    num = (1.0 - sigma) * (y @ y.T) + sigma * cross
    norms = (1.0 - sigma) * ((y * y) @ k.T) + sigma * ((y[:, left] * y[:, right]) @ (k[:, left] * k[:, right]).T)
    return _ratio(num, np.sqrt(norms * norms.T))


def _jaccard_mins(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Sum w min(u, v) by layers (unknown cells are 0 in ``x``, so they add nothing)."""
    levels = _levels(x)
    steps = np.diff(np.concatenate([[0.0], levels]))
    mins = np.zeros((x.shape[0], x.shape[0]))
    for step, level in zip(steps, levels, strict=True):
        layer = (x >= level).astype(np.float64)
        mins += step * (layer * w) @ layer.T
    return mins


@validate_params(
    {
        "values": Instance("ndarray"),
        "metric": Options(*METRICS),
        "weights": Maybe(Instance("ndarray")),
        "sigma": Real(0, 1),
        "domains": Maybe(Instance("ndarray")),
        "dtype": Options(np.float32, np.float64),
        "block_rows": Int(1),
    }
)
def pairwise_similarity(
    values: np.ndarray,
    metric: str,
    *,
    weights: np.ndarray | None = None,
    sigma: float = 0.3,
    domains: np.ndarray | None = None,
    dtype: type[np.floating] = np.float64,
    block_rows: int = 2048,
) -> np.ndarray:
    """All-pairs similarity of the rows of ``values`` (n x m, non-negative) as an n x n array.

    The array engine behind :func:`similarity_matrix`; see it for the metrics. Rows that are
    all zero get 0 similarity to others (1 to themselves). ``dtype`` float32 halves memory
    for very large n. ``domains`` (length m) groups columns for the soft cosine (default:
    each column its own domain).
    """
    x = np.asarray(values, dtype=np.float64)
    w = np.ones(x.shape[1]) if weights is None else np.asarray(weights, dtype=np.float64)
    if metric == "cosine":
        out = _cosine(x * np.sqrt(w), dtype)
    elif metric == "soft_cosine":
        out = _soft_cosine(x * np.sqrt(w), sigma, domains, dtype)
    elif metric == "jaccard":
        out = _jaccard(x, w, dtype, block_rows)
    else:
        out = _agreement(x, w, dtype, block_rows)
    _finish(out, symmetric=metric in ("cosine", "soft_cosine"))  # SYRK output is exactly symmetric
    return out


_BLOCK = 1024
_MIRROR_BLOCK = 256  # 512 KiB of float64: a block and its mirror stay in cache


def _finish(out: np.ndarray, *, symmetric: bool) -> None:
    """Symmetrise (average of the triangles), clip to [0, 1], diagonal 1; in place. ``symmetric``: done already."""
    if symmetric:  # _cosine mirrors and clips block by block
        return
    n = out.shape[0]
    for i in range(0, n, _BLOCK):
        for j in range(i, n, _BLOCK):
            upper = out[i : i + _BLOCK, j : j + _BLOCK]
            mean = (upper + out[j : j + _BLOCK, i : i + _BLOCK].T) * 0.5
            out[i : i + _BLOCK, j : j + _BLOCK] = mean
            out[j : j + _BLOCK, i : i + _BLOCK] = mean.T
    np.clip(out, 0.0, 1.0, out=out)
    np.fill_diagonal(out, 1.0)


def _cosine(x: np.ndarray, dtype: type[np.floating]) -> np.ndarray:
    """Gram matrix of the unit rows: one BLAS SYRK (half the work of a GEMM), mirrored and clipped in blocks.

    The upper triangle is clipped to [0, 1] and copied to the lower one block by block, in
    blocks small enough to stay in cache while they are read and written.
    """
    from scipy.linalg import blas

    norms = np.linalg.norm(x, axis=1)
    unit = (x / np.where(norms > 0, norms, 1.0)[:, None]).astype(dtype)
    syrk = blas.ssyrk if unit.dtype == np.float32 else blas.dsyrk
    gram = syrk(1.0, unit.T, trans=1)  # upper triangle of unit @ unit.T, Fortran order
    n = gram.shape[0]
    for i in range(0, n, _MIRROR_BLOCK):
        diag = gram[i : i + _MIRROR_BLOCK, i : i + _MIRROR_BLOCK]
        diag[:] = np.triu(diag) + np.triu(diag, 1).T
        np.clip(diag, 0.0, 1.0, out=diag)
        for j in range(i + _MIRROR_BLOCK, n, _MIRROR_BLOCK):
            upper = gram[i : i + _MIRROR_BLOCK, j : j + _MIRROR_BLOCK]
            np.clip(upper, 0.0, 1.0, out=upper)
            gram[j : j + _MIRROR_BLOCK, i : i + _MIRROR_BLOCK] = upper.T
    np.fill_diagonal(gram, 1.0)
    return gram


def _soft_cosine(x: np.ndarray, sigma: float, domains: np.ndarray | None, dtype: type[np.floating]) -> np.ndarray:
    """Soft cosine: u'Sv with S = (1 - sigma) I + sigma M M' (M: column -> domain membership), normalised."""
    return _cosine(soft_cosine_features(x, sigma, domains), dtype)


def soft_cosine_features(x: np.ndarray, sigma: float, domains: np.ndarray | None) -> np.ndarray:
    """Rows whose dot products are the soft cosine's bilinear form: [sqrt(1 - sigma) X, sqrt(sigma) X M].

    Row i depends on row i of ``x`` alone (for the category vectors of measures, whose
    entries are 0, 1/2 or 1, the sums X M are exact in any order), so the rows of a subset of
    ``x`` are the same floats as the subset of the rows: computed once, they serve every pair.
    The soft cosine of two sets of rows is :func:`cosine_block` of their features.
    """
    labels = np.arange(x.shape[1]) if domains is None else np.unique(domains, return_inverse=True)[1]
    member = np.zeros((x.shape[1], int(labels.max()) + 1))
    member[np.arange(x.shape[1]), labels] = 1.0
    rolled = x @ member
    # Stack the two parts so one GEMM gives (1 - sigma) X X' + sigma (XM)(XM)'.
    return np.hstack([np.sqrt(1.0 - sigma) * x, np.sqrt(sigma) * rolled])


def cosine_block(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The cosines of ``rows`` (n x m) with ``columns`` (k x m), clipped to [0, 1], as n x k.

    Exactly the off-diagonal block of :func:`pairwise_similarity` of the rows stacked on the
    columns (the same floats: the same BLAS call on the same matrix).
    """
    stacked = np.vstack([rows, columns])
    if len(stacked) > _MIRROR_BLOCK:
        full = _cosine(stacked, np.float64)
        return full[: len(rows), len(rows) :]
    # One mirror block: _cosine's steps on the block asked for. In the upper triangle, where the block
    # lies, mirroring adds 0.0 (the strict lower triangle, zero, transposed); the diagonal is not in it.
    from scipy.linalg import blas

    norms = np.linalg.norm(stacked, axis=1)
    unit = (stacked / np.where(norms > 0, norms, 1.0)[:, None]).astype(np.float64)
    gram = blas.dsyrk(1.0, unit.T, trans=1)  # upper triangle of unit @ unit.T, Fortran order
    block = gram[: len(rows), len(rows) :] + 0.0
    np.minimum(np.maximum(block, 0.0, out=block), 1.0, out=block)  # np.clip's steps (no NaN here)
    return block


def _levels(x: np.ndarray) -> np.ndarray:
    return np.unique(x[x > 0])


def _jaccard(x: np.ndarray, w: np.ndarray, dtype: type[np.floating], block_rows: int) -> np.ndarray:
    """Weighted Ruzicka similarity: sum w min / sum w max, with sum max = sum u + sum v - sum min."""
    n = x.shape[0]
    totals = x @ w
    out = np.empty((n, n), dtype=dtype)
    levels = _levels(x)
    steps = np.diff(np.concatenate([[0.0], levels]))
    layers = [(x >= t).astype(dtype) for t in levels] if len(levels) <= _MAX_LEVELS else []
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        if layers:
            mins = np.zeros((stop - start, n), dtype=dtype)
            for step, layer in zip(steps, layers, strict=True):
                mins += dtype(step) * (layer[start:stop] * w.astype(dtype)) @ layer.T
        else:
            mins = np.stack([np.minimum(x[i], x) @ w for i in range(start, stop)]).astype(dtype)
        maxs = totals[start:stop, None] + totals[None, :] - mins
        out[start:stop] = np.divide(mins, maxs, out=np.zeros_like(mins), where=maxs > 0)
    return out


def _agreement(x: np.ndarray, w: np.ndarray, dtype: type[np.floating], block_rows: int) -> np.ndarray:
    """1 - weighted share of columns where two rows differ = sum over values l of [u = l][v = l] w."""
    n = x.shape[0]
    values = np.unique(x)
    out = np.zeros((n, n), dtype=dtype)
    wd = (w / w.sum()).astype(dtype)
    if len(values) > _MAX_LEVELS:
        for i in range(n):
            out[i] = ((x[i] == x) * wd).sum(axis=1)
        return out
    for value in values:
        onehot = (x == value).astype(dtype)
        for start in range(0, n, block_rows):
            stop = min(start + block_rows, n)
            out[start:stop] += (onehot[start:stop] * wd) @ onehot.T
    return out
