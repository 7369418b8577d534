"""Structured similarity between zones' portfolios (METHODS §2), all pairs at once.

Every metric reads "higher = more alike", lies in [0, 1], is symmetric with 1 on the
diagonal. Weighted Jaccard and the heterogeneity index are computed exactly with a
layer-cake decomposition over the distinct values of the matrix (depth scores take few
values), so all pairs reduce to a handful of BLAS matrix products, in row blocks.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._params import check_choice, check_type
from ..errors import InputError

__all__ = ["METRICS", "pairwise_similarity", "similarity_matrix"]

METRICS: tuple[str, ...] = ("cosine", "jaccard", "soft_cosine", "heterogeneity")
_MAX_LEVELS = 64  # above this many distinct values, min/max sums use blocked broadcasting


def similarity_matrix(
    portfolio: pd.DataFrame,
    *,
    metric: str = "cosine",
    weights: Mapping[str, float] | None = None,
    sigma: float = 0.3,
) -> pd.DataFrame:
    """Zone x zone similarity of a portfolio matrix.

    Parameters
    ----------
    portfolio : pandas.DataFrame
        Zones x codes in [0, 1], as from :func:`portfolio_matrix`.
    metric : {"cosine", "jaccard", "soft_cosine", "heterogeneity"}
        cosine: u.v / (|u||v|) on u * sqrt(w). jaccard: weighted Ruzicka
        sum w min(u, v) / sum w max(u, v). soft_cosine: u'Sv / sqrt(u'Su v'Sv) with
        S = (1 - sigma) I + sigma B, B ones within each domain. heterogeneity: 1 - the
        weighted share of categories on which the two zones differ (OECD STRI style).
    weights : mapping code -> weight, optional
        Non-negative category weights (default: all 1).
    sigma : float
        Within-domain credit of the soft cosine, in [0, 1]; 0 gives the cosine.

    Returns
    -------
    pandas.DataFrame
        Symmetric, labelled by the portfolio's zone ids, diagonal 1. A zone with no counted
        measure (an all-zero row) has no similarity for any metric but heterogeneity (where
        agreement on absence is defined): its row and column are NaN, and
        ``attrs["undefined"]`` maps it to the reason.

    Examples
    --------
    >>> p = pd.DataFrame([[1, 0], [1, 1]], index=["a", "b"], columns=["GOV.X", "GOV.Y"])
    >>> similarity_matrix(p, metric="jaccard").loc["a", "b"]
    np.float64(0.5)
    """
    check_type("similarity_matrix", "portfolio", portfolio, pd.DataFrame, "a DataFrame (see portfolio_matrix)")
    fn = "similarity_matrix"
    check_choice(fn, "metric", metric, METRICS)
    if not 0.0 <= float(sigma) <= 1.0:
        raise InputError(f"The 'sigma' parameter of {fn} must be in [0, 1]. Got {sigma!r} instead.")
    values = portfolio.to_numpy(dtype=np.float64)
    undefined: dict[str, str] = {}
    empty: np.ndarray = np.zeros(len(values), dtype=bool)
    if metric != "heterogeneity":
        empty = np.asarray(~values.any(axis=1), dtype=bool)
        status = portfolio.attrs.get("status", "the status filter")
        undefined = {
            str(z): f"no counted measure (status filter: {status}): no {metric} similarity is defined"
            for z in portfolio.index[empty]
        }
    codes = [str(c) for c in portfolio.columns]
    w = _weights(codes, weights)
    domains = np.array([c.split(".")[0] for c in codes])
    result = pairwise_similarity(values, metric, weights=w, sigma=float(sigma), domains=domains)
    result[empty, :] = np.nan
    result[:, empty] = np.nan
    frame = pd.DataFrame(result, index=portfolio.index.copy(), columns=portfolio.index.copy())
    frame.columns.name = portfolio.index.name
    frame.attrs = {
        **portfolio.attrs,
        "metric": metric,
        "sigma": float(sigma),
        "weighted": weights is not None,
        "undefined": undefined,
    }
    return frame


def _weights(codes: list[str], weights: Mapping[str, float] | None) -> np.ndarray:
    if weights is None:
        return np.ones(len(codes))
    unknown = sorted(set(weights) - set(codes))
    if unknown:
        raise InputError(f"weights name codes that are not columns of the portfolio: {', '.join(unknown)}")
    w = np.array([float(weights.get(c, 0.0)) for c in codes])
    if (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise InputError("weights must be finite, non-negative and not all zero")
    return w


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
    check_choice("pairwise_similarity", "metric", metric, METRICS)
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


def _finish(out: np.ndarray, *, symmetric: bool) -> None:
    """Symmetrise unless ``symmetric`` (average of the triangles), clip to [0, 1], diagonal 1; in place."""
    n = 0 if symmetric else out.shape[0]
    for i in range(0, n, _BLOCK):
        for j in range(i, n, _BLOCK):
            upper = out[i : i + _BLOCK, j : j + _BLOCK]
            mean = (upper + out[j : j + _BLOCK, i : i + _BLOCK].T) * 0.5
            out[i : i + _BLOCK, j : j + _BLOCK] = mean
            out[j : j + _BLOCK, i : i + _BLOCK] = mean.T
    np.clip(out, 0.0, 1.0, out=out)
    np.fill_diagonal(out, 1.0)


def _cosine(x: np.ndarray, dtype: type[np.floating]) -> np.ndarray:
    """Gram matrix of the unit rows: one BLAS SYRK (half the work of a GEMM), mirrored in blocks."""
    from scipy.linalg import blas

    norms = np.linalg.norm(x, axis=1)
    unit = (x / np.where(norms > 0, norms, 1.0)[:, None]).astype(dtype)
    syrk = blas.ssyrk if unit.dtype == np.float32 else blas.dsyrk
    gram = syrk(1.0, unit.T, trans=1)  # upper triangle of unit @ unit.T, Fortran order
    n = gram.shape[0]
    for i in range(0, n, _BLOCK):
        for j in range(i + _BLOCK, n, _BLOCK):
            gram[j : j + _BLOCK, i : i + _BLOCK] = gram[i : i + _BLOCK, j : j + _BLOCK].T
        diag = gram[i : i + _BLOCK, i : i + _BLOCK]
        diag[:] = np.triu(diag) + np.triu(diag, 1).T
    return gram


def _soft_cosine(x: np.ndarray, sigma: float, domains: np.ndarray | None, dtype: type[np.floating]) -> np.ndarray:
    """Soft cosine: u'Sv with S = (1 - sigma) I + sigma M M' (M: column -> domain membership), normalised."""
    labels = np.arange(x.shape[1]) if domains is None else np.unique(domains, return_inverse=True)[1]
    member = np.zeros((x.shape[1], int(labels.max()) + 1))
    member[np.arange(x.shape[1]), labels] = 1.0
    rolled = x @ member
    # Stack the two parts so one GEMM gives (1 - sigma) X X' + sigma (XM)(XM)'.
    stacked = np.hstack([np.sqrt(1.0 - sigma) * x, np.sqrt(sigma) * rolled])
    return _cosine(stacked, dtype)


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
