"""Exact top-k cosine neighbours over L2-normalised sparse rows, in row chunks (private).

The rows of a TF-IDF matrix whose columns are ordered by document frequency (most frequent
first) are split in two: the first ``n_dense`` columns as a dense block, multiplied with BLAS
(one GEMM per chunk of query rows), and the sparse rest, multiplied by scatter-accumulating
each query row's terms over the corpus's postings (the transposed rest). Only a chunk of
scores is ever held, so memory grows with ``n * k`` and the chunk, never ``n ** 2``.

Two engines compute the same numbers, bit for bit: a numba kernel (parallel over rows, with
the selection of the k best inside the kernel) when numba is installed, and scipy's sparse
product with :func:`numpy.argpartition` otherwise. Both add every sparse term in the same
order (query column ascending, then corpus row ascending) and add the sparse sum to the dense
score once, so their results are identical.

Similarities are rounded to 12 decimal places before ranking: values that are equal in exact
arithmetic (duplicate texts, a text and itself) then compare equal, and ties are broken by the
lower neighbour index. Rounding moves a value by at most 5e-13, far below any meaningful
difference between two cosines.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["Corpus", "build_corpus", "dense_block", "has_numba", "round_similarity", "top_k"]

#: Similarities are rounded to this many decimal places.
DECIMALS = 12
_SCALE = 10.0**DECIMALS
#: A raw value within this margin below the k-th largest may still tie with it after rounding.
_MARGIN = 2.0 / _SCALE
#: Bytes of scores held per chunk when the caller does not fix the chunk size.
CHUNK_BYTES = 64 * 2**20


def _import_numba() -> Any:
    try:
        with warnings.catch_warnings():
            # numba's import may warn about its optional dependencies (e.g. an old tbb); none
            # of that concerns us, and the test suite turns warnings into errors.
            warnings.simplefilter("ignore", category=ImportWarning)
            return importlib.import_module("numba")
    except ImportError:
        return None


numba: Any = _import_numba()


F = TypeVar("F", bound=Callable[..., Any])


def _jit(**options: Any) -> Callable[[F], F]:
    """``numba.njit(cache=True, nogil=True, **options)`` when numba is installed, else nothing."""

    def decorate(function: F) -> F:
        if numba is None:
            return function
        return cast(F, numba.njit(cache=True, nogil=True, **options)(function))

    return decorate


def has_numba() -> bool:
    """Whether the compiled engine is available."""
    return numba is not None


def round_similarity(values: np.ndarray) -> np.ndarray:
    """Round to :data:`DECIMALS` places, exactly as the numba kernel does."""
    return np.rint(values * _SCALE) / _SCALE


@dataclass(frozen=True)
class Corpus:
    """The corpus side of a neighbour search.

    Attributes
    ----------
    rows : scipy.sparse.csr_matrix
        The full matrix (n, n_features), rows L2-normalised, indices sorted.
    dense : numpy.ndarray
        Its first ``n_dense`` columns as a C-contiguous float64 array (n, n_dense).
    postings : scipy.sparse.csr_matrix
        The other columns transposed, (n_features - n_dense, n): for each column, the rows
        that hold it, in ascending order.
    """

    rows: sparse.csr_matrix
    dense: np.ndarray
    postings: sparse.csr_matrix

    @property
    def n_dense(self) -> int:
        """Number of columns in the dense block."""
        return int(self.dense.shape[1])


def dense_block(matrix: sparse.csr_matrix, n_dense: int, *, use_numba: bool) -> np.ndarray:
    """The first ``n_dense`` columns of ``matrix`` (indices sorted) as a C-contiguous array."""
    n_dense = min(n_dense, matrix.shape[1])
    if not (use_numba and numba is not None) or n_dense == 0:
        return np.ascontiguousarray(matrix[:, :n_dense].toarray(), dtype=np.float64)
    out = np.zeros((matrix.shape[0], n_dense))
    _dense_kernel(matrix.indptr, matrix.indices, matrix.data, n_dense, out)
    return out


def build_corpus(matrix: sparse.csr_matrix, n_dense: int, *, use_numba: bool) -> Corpus:
    """Split ``matrix`` (columns most frequent first, indices sorted) into dense block and postings."""
    from scipy import sparse

    n_dense = min(n_dense, matrix.shape[1])
    n_rest, n_rows = matrix.shape[1] - n_dense, matrix.shape[0]
    if use_numba and numba is not None:
        indptr, indices, data = _transpose_kernel(matrix.indptr, matrix.indices, matrix.data, n_dense, n_rest)
    else:
        rest = matrix[:, n_dense:].tocsc()
        indptr, indices, data = rest.indptr, rest.indices, rest.data
    postings = sparse.csr_matrix((data, indices, indptr), shape=(n_rest, n_rows))
    return Corpus(matrix, dense_block(matrix, n_dense, use_numba=use_numba), postings)


def top_k(
    queries: sparse.csr_matrix,
    corpus: Corpus,
    k: int,
    *,
    exclude_self: bool,
    chunk_size: int | None = None,
    use_numba: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar corpus rows for every query row.

    Parameters
    ----------
    queries : scipy.sparse.csr_matrix
        Query rows in the corpus's column order, L2-normalised, indices sorted.
    corpus : Corpus
        From :func:`build_corpus`.
    k : int
        Neighbours per query; at most the number of candidates (corpus rows, less one with
        ``exclude_self``).
    exclude_self : bool
        The queries are the corpus rows themselves; row ``i`` is not its own neighbour.
    chunk_size : int, optional
        Query rows per chunk; by default as many as fit in :data:`CHUNK_BYTES` of scores.
    use_numba : bool
        Use the compiled kernel when numba is installed.

    Returns
    -------
    index, similarity : numpy.ndarray
        (n_queries, k) arrays: neighbour row numbers and rounded similarities, best first,
        ties in ascending neighbour index.
    """
    n_queries, n_corpus = queries.shape[0], corpus.rows.shape[0]
    index = np.zeros((n_queries, k), dtype=np.int64)
    similarity = np.zeros((n_queries, k))
    if k == 0 or n_queries == 0:
        return index, similarity
    chunk = min(chunk_size or max(1, CHUNK_BYTES // (8 * n_corpus)), n_queries)
    compiled = use_numba and numba is not None
    query_dense = dense_block(queries, corpus.n_dense, use_numba=compiled)
    buffer = np.empty((chunk, n_corpus))
    for start in range(0, n_queries, chunk):
        stop = min(start + chunk, n_queries)
        scores = buffer[: stop - start]
        np.matmul(query_dense[start:stop], corpus.dense.T, out=scores)
        chunk_top_k = _chunk_numba if compiled else _chunk_scipy
        chunk_top_k(scores, queries, corpus, start, exclude_self, k, index[start:stop], similarity[start:stop])
    return index, similarity


def _chunk_numba(
    scores: np.ndarray,
    queries: sparse.csr_matrix,
    corpus: Corpus,
    start: int,
    exclude_self: bool,
    k: int,
    index: np.ndarray,
    similarity: np.ndarray,
) -> None:
    post = corpus.postings
    n_blocks = min(int(numba.get_num_threads()), scores.shape[0])
    self_start = start if exclude_self else -1
    _chunk_kernel(
        scores,
        (queries.indptr, queries.indices, queries.data),
        (post.indptr, post.indices, post.data),
        corpus.n_dense,
        start,
        self_start,
        k,
        n_blocks,
        index,
        similarity,
    )


def _chunk_scipy(
    scores: np.ndarray,
    queries: sparse.csr_matrix,
    corpus: Corpus,
    start: int,
    exclude_self: bool,
    k: int,
    index: np.ndarray,
    similarity: np.ndarray,
) -> None:
    n_rows = scores.shape[0]
    rest = queries[start : start + n_rows, corpus.n_dense :]
    product = rest @ corpus.postings
    rows = np.repeat(np.arange(n_rows), np.diff(product.indptr))
    scores[rows, product.indices] += product.data
    if exclude_self:
        scores[np.arange(n_rows), np.arange(start, start + n_rows)] = -1.0
    _select(scores, k, index, similarity)


def _select(scores: np.ndarray, k: int, index: np.ndarray, similarity: np.ndarray) -> None:
    """Top ``k`` of each row by (rounded value descending, column ascending)."""
    n_rows, n_cols = scores.shape
    best = np.argpartition(scores, n_cols - k, axis=1)[:, n_cols - k :]
    kth = np.take_along_axis(scores, best, axis=1).min(axis=1)
    rows, cols = np.nonzero(scores >= (kth - _MARGIN)[:, None])
    values = round_similarity(scores[rows, cols])
    keep = values >= round_similarity(kth)[rows]
    rows, cols, values = rows[keep], cols[keep], values[keep]
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    first = np.searchsorted(rows, np.arange(n_rows))
    rank = np.arange(rows.size) - first[rows]
    take = rank < k
    index[rows[take], rank[take]] = cols[take]
    similarity[rows[take], rank[take]] = values[take]


# --- numba kernels -------------------------------------------------------------------------
# Compiled on first call when numba is installed; without numba they stay plain (unused) Python,
# so that this module imports and type-checks either way.


@_jit()
def _dense_kernel(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_dense: int, out: np.ndarray) -> None:
    for row in range(out.shape[0]):
        for p in range(indptr[row], indptr[row + 1]):
            if indices[p] >= n_dense:
                break
            out[row, indices[p]] = data[p]


@_jit()
def _transpose_kernel(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_dense: int, n_rest: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    counts = np.zeros(n_rest + 1, dtype=np.int64)
    for p in range(indices.size):
        if indices[p] >= n_dense:
            counts[indices[p] - n_dense + 1] += 1
    out_indptr = np.cumsum(counts)
    fill = out_indptr[:-1].copy()
    out_indices = np.empty(out_indptr[-1], dtype=indices.dtype)
    out_data = np.empty(out_indptr[-1], dtype=data.dtype)
    for row in range(indptr.size - 1):
        for p in range(indptr[row], indptr[row + 1]):
            column = indices[p] - n_dense
            if column >= 0:
                out_indices[fill[column]] = row
                out_data[fill[column]] = data[p]
                fill[column] += 1
    return out_indptr.astype(indices.dtype), out_indices, out_data


CSRArrays = tuple[np.ndarray, np.ndarray, np.ndarray]


@_jit()
def _accumulate_kernel(
    row: np.ndarray,
    query: CSRArrays,
    postings: CSRArrays,
    n_dense: int,
    i: int,
    buffer: np.ndarray,
    touched: np.ndarray,
) -> None:
    """Add the sparse products of query row ``i`` to ``row``: summed apart, then added once."""
    q_indptr, q_indices, q_data = query
    c_indptr, c_indices, c_data = postings
    n_touched = 0
    for p in range(q_indptr[i], q_indptr[i + 1]):
        column = q_indices[p] - n_dense
        if column < 0:
            continue
        value = q_data[p]
        for q in range(c_indptr[column], c_indptr[column + 1]):
            target = c_indices[q]
            if buffer[target] == 0.0:
                touched[n_touched] = target
                n_touched += 1
            buffer[target] += value * c_data[q]
    for t in range(n_touched):
        target = touched[t]
        row[target] += buffer[target]
        buffer[target] = 0.0


@_jit()
def _select_kernel(
    row: np.ndarray,
    k: int,
    top: np.ndarray,
    candidates: np.ndarray,
    values: np.ndarray,
    index: np.ndarray,
    sim: np.ndarray,
) -> None:
    """Top ``k`` of ``row`` by (rounded value descending, column ascending)."""
    top[:] = -np.inf
    lowest, slot = -np.inf, 0
    for column in range(row.size):
        if row[column] > lowest:
            top[slot] = row[column]
            lowest, slot = top[0], 0
            for t in range(1, k):
                if top[t] < lowest:
                    lowest, slot = top[t], t
    floor, kth = lowest - _MARGIN, np.rint(lowest * _SCALE) / _SCALE
    n = 0
    for column in range(row.size):
        if row[column] >= floor:
            value = np.rint(row[column] * _SCALE) / _SCALE
            if value >= kth:
                candidates[n] = column
                values[n] = value
                n += 1
    order = np.argsort(-values[:n], kind="mergesort")
    for t in range(k):
        index[t] = candidates[order[t]]
        sim[t] = values[order[t]]


@_jit(parallel=True)
def _chunk_kernel(
    scores: np.ndarray,
    query: CSRArrays,
    postings: CSRArrays,
    n_dense: int,
    start: int,
    self_start: int,
    k: int,
    n_blocks: int,
    index: np.ndarray,
    sim: np.ndarray,
) -> None:
    """Scores of rows ``start ...`` of ``query`` hold their dense part; add the rest and select."""
    n_rows, n_corpus = scores.shape
    for block in numba.prange(n_blocks):
        buffer = np.zeros(n_corpus)
        touched = np.empty(n_corpus, dtype=np.int64)
        candidates = np.empty(n_corpus, dtype=np.int64)
        values = np.empty(n_corpus)
        top = np.empty(k)
        for r in range(block * n_rows // n_blocks, (block + 1) * n_rows // n_blocks):
            row = scores[r]
            _accumulate_kernel(row, query, postings, n_dense, start + r, buffer, touched)
            if self_start >= 0:
                row[self_start + r] = -1.0
            _select_kernel(row, k, top, candidates, values, index[r], sim[r])
