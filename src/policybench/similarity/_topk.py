"""Exact top-k cosine neighbours over L2-normalised sparse rows, block by block (private).

The columns of the matrix are ordered by document frequency, most frequent first, and split
(:class:`Split`): the first ``n_dense`` columns as a dense block, multiplied with BLAS, and the
sparse rest, multiplied by scatter-accumulating each query row's terms over the corpus's
postings (the transposed rest). Only a block of scores is held at a time, so memory grows
with ``n * k`` and the block, never with ``n ** 2``.

Two engines give the same neighbours:

- numba (optional): blocks of query rows shared out to one worker thread per core. A worker
  walks the corpus in tiles: a single-threaded GEMM, then a compiled kernel that releases the
  GIL and keeps running top-k lists. For a corpus against itself each pair is scored once
  (row ``i`` against the rows after it) and offered to the lists of both its members, which
  halves the work.
- scipy: a sparse product per chunk of rows and a partial sort (:func:`numpy.argpartition`).

Both add the sparse terms of a pair in the same order (column ascending) and add that sum
once to the dense score. Similarities are rounded to :data:`DECIMALS` places before ranking:
values that are equal in exact arithmetic (duplicate texts, a text with itself) then compare
equal, and ties are broken by the lower neighbour index. Rounding moves a value by at most
5e-13, far below any meaningful difference between two cosines.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

__all__ = [
    "BLOCK_ROWS",
    "CHUNK_BYTES",
    "DECIMALS",
    "TILE",
    "Split",
    "has_numba",
    "postings",
    "round_similarity",
    "split_columns",
    "top_k",
]

#: Similarities are rounded to this many decimal places.
DECIMALS = 12
_SCALE = 10.0**DECIMALS
#: A raw value this far below the k-th best may still tie with it once rounded.
_MARGIN = 2.0 / _SCALE
#: Bytes of scores held per chunk by the scipy engine when the caller does not fix the chunk size.
CHUNK_BYTES = 64 * 2**20
#: Query rows per block of the numba engine (at most; fewer for small corpora). A worker holds
#: one block x tile of scores: 16 MiB.
BLOCK_ROWS = 128
#: Corpus rows per tile of the numba engine.
TILE = 16384

F = TypeVar("F", bound=Callable[..., Any])
CSRArrays = tuple[np.ndarray, np.ndarray, np.ndarray]
Lists = tuple[np.ndarray, np.ndarray, np.ndarray]


def _import_numba() -> Any:
    try:
        return importlib.import_module("numba")
    except ImportError:
        return None


numba: Any = _import_numba()


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
    """Round to :data:`DECIMALS` places, exactly as the numba kernels do."""
    return np.rint(values * _SCALE) / _SCALE


@dataclass(frozen=True)
class Split:
    """Rows of an L2-normalised matrix, split by columns (most frequent first).

    Attributes
    ----------
    dense : numpy.ndarray
        The first columns, C-contiguous float64 (n, n_dense).
    sparse : scipy.sparse.csr_matrix
        The other columns (n, n_features - n_dense), indices sorted.
    """

    dense: np.ndarray
    sparse: sparse.csr_matrix

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return int(self.dense.shape[0])

    def rows(self, positions: np.ndarray) -> Split:
        """The rows at ``positions``."""
        return Split(np.ascontiguousarray(self.dense[positions]), self.sparse[positions])

    def dot(self, other: Split) -> np.ndarray:
        """All cosines between the rows of ``self`` and of ``other``, rounded, as a dense array.

        Dense part plus sparse part, added in the order the neighbour engines use.
        """
        scores = self.dense @ other.dense.T
        product = (self.sparse @ other.sparse.T).tocoo()
        scores[product.row, product.col] += product.data
        return round_similarity(scores)


def split_columns(matrix: sparse.csr_matrix, n_dense: int) -> Split:
    """Split ``matrix`` (columns most frequent first) after its first ``n_dense`` columns."""
    from scipy import sparse

    n_dense = min(n_dense, matrix.shape[1])
    rest = sparse.csr_matrix(matrix[:, n_dense:])
    rest.sort_indices()
    return Split(np.ascontiguousarray(matrix[:, :n_dense].toarray(), dtype=np.float64), rest)


def postings(corpus: Split) -> sparse.csr_matrix:
    """The sparse columns transposed: for each column, the rows holding it, ascending."""
    from scipy import sparse

    transposed = corpus.sparse.tocsc()
    shape = (corpus.sparse.shape[1], corpus.sparse.shape[0])
    return sparse.csr_matrix((transposed.data, transposed.indices, transposed.indptr), shape=shape)


def top_k(
    queries: Split,
    corpus: Split,
    k: int,
    *,
    exclude_self: bool,
    chunk_size: int | None = None,
    use_numba: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar corpus rows for every query row.

    Parameters
    ----------
    queries, corpus : Split
        Query and corpus rows split alike. With ``exclude_self`` the queries must be the
        corpus itself.
    k : int
        Neighbours per query; at most the number of candidates (corpus rows, less one with
        ``exclude_self``).
    exclude_self : bool
        The queries are the corpus; row ``i`` is not its own neighbour.
    chunk_size : int, optional
        Query rows scored at a time. By default, :data:`CHUNK_BYTES` of scores for the scipy
        engine and up to :data:`BLOCK_ROWS` rows (by :data:`TILE` corpus rows) per thread
        for the numba engine.
    use_numba : bool
        Use the compiled kernels when numba is installed.

    Returns
    -------
    index, similarity : numpy.ndarray
        (n_queries, k) arrays: neighbour row numbers and rounded similarities, best first,
        ties in ascending neighbour index.
    """
    n_queries = queries.n_rows
    if k == 0 or n_queries == 0:
        return np.zeros((n_queries, k), dtype=np.int64), np.zeros((n_queries, k))
    if use_numba and numba is not None:
        return _top_k_numba(queries, corpus, k, exclude_self, chunk_size)
    chunk = min(chunk_size or max(1, CHUNK_BYTES // (8 * corpus.n_rows)), n_queries)
    return _top_k_scipy(queries, corpus, k, exclude_self, chunk)


def _top_k_scipy(
    queries: Split, corpus: Split, k: int, exclude_self: bool, chunk: int
) -> tuple[np.ndarray, np.ndarray]:
    n_queries = queries.n_rows
    index, similarity = np.zeros((n_queries, k), dtype=np.int64), np.zeros((n_queries, k))
    buffer, transposed = np.empty((chunk, corpus.n_rows)), postings(corpus)
    for start in range(0, n_queries, chunk):
        stop = min(start + chunk, n_queries)
        scores = buffer[: stop - start]
        np.matmul(queries.dense[start:stop], corpus.dense.T, out=scores)
        product = queries.sparse[start:stop] @ transposed
        rows = np.repeat(np.arange(stop - start), np.diff(product.indptr))
        scores[rows, product.indices] += product.data
        if exclude_self:
            scores[np.arange(stop - start), np.arange(start, stop)] = -1.0
        _select(scores, k, index[start:stop], similarity[start:stop])
    return index, similarity


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
    rank = np.arange(rows.size) - np.searchsorted(rows, np.arange(n_rows))[rows]
    take = rank < k
    index[rows[take], rank[take]] = cols[take]
    similarity[rows[take], rank[take]] = values[take]


def _new_lists(n: int, k: int) -> Lists:
    """Empty running top-k lists: neighbour index, rounded value (best first), raw-value floor."""
    return np.full((n, k), -1, dtype=np.int64), np.full((n, k), -np.inf), np.full(n, -np.inf)


def _top_k_numba(
    queries: Split, corpus: Split, k: int, exclude_self: bool, block: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Blocks of query rows shared out to worker threads; each worker keeps its own lists.

    A worker takes a block of rows and walks the corpus in tiles of :data:`TILE` rows: one
    single-threaded GEMM, then the kernel, which releases the GIL. For the corpus against
    itself only the tiles after the block's start are visited and every pair is offered to
    both its members. The workers' lists are merged at the end.
    """
    threadpool_limits = importlib.import_module("threadpoolctl").threadpool_limits  # a scikit-learn dependency
    n_queries = queries.n_rows
    n_workers = max(1, int(numba.get_num_threads()))
    rows = min(block or max(16, min(BLOCK_ROWS, -(-n_queries // (4 * n_workers)))), n_queries)
    tasks = list(range(0, n_queries, rows))
    n_workers = min(n_workers, len(tasks))
    lists = [_new_lists(n_queries, k) for _ in range(n_workers)]
    engine = _Engine(queries, corpus, postings(corpus), k, exclude_self)
    lock = threading.Lock()

    def work(worker: int) -> None:
        scores, buffer = np.empty(rows * TILE), np.zeros(TILE)
        while True:
            with lock:
                if not tasks:
                    return
                start = tasks.pop(0)
            engine.run(start, min(start + rows, n_queries), scores, buffer, lists[worker])

    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(n_workers) as pool:
        list(pool.map(work, range(n_workers)))
    for other in lists[1:]:
        _merge_kernel(*lists[0], other[0], other[1], k)
    return lists[0][0], lists[0][1]


@dataclass(frozen=True)
class _Engine:
    """What the numba kernels read, gathered once."""

    queries: Split
    corpus: Split
    postings: sparse.csr_matrix
    k: int
    symmetric: bool

    def run(self, start: int, stop: int, scores: np.ndarray, buffer: np.ndarray, lists: Lists) -> None:
        """Rank query rows ``start:stop`` against the corpus (the rows after each, if symmetric)."""
        query = (self.queries.sparse.indptr, self.queries.sparse.indices, self.queries.sparse.data)
        postings = (self.postings.indptr, self.postings.indices, self.postings.data)
        cursor = _cursor_kernel(query, postings, start, stop, self.symmetric)
        for first in range(start if self.symmetric else 0, self.corpus.n_rows, TILE):
            last = min(first + TILE, self.corpus.n_rows)
            block = scores[: (stop - start) * (last - first)].reshape(stop - start, last - first)
            np.matmul(self.queries.dense[start:stop], self.corpus.dense[first:last].T, out=block)
            _block_kernel(block, query, postings, start, first, self.symmetric, self.k, cursor, buffer, *lists)


# --- numba kernels -------------------------------------------------------------------------
# Compiled on first call when numba is installed; without numba they stay plain (unused)
# Python, so that this module imports and type-checks either way.


@_jit()
def _lower_bound_kernel(values: np.ndarray, lo: int, hi: int, target: int) -> int:
    """First position in ``values[lo:hi]`` (sorted) holding ``target`` or more; ``hi`` if none."""
    while lo < hi:
        middle = (lo + hi) >> 1
        if values[middle] < target:
            lo = middle + 1
        else:
            hi = middle
    return lo


@_jit()
def _cursor_kernel(query: CSRArrays, postings: CSRArrays, start: int, stop: int, symmetric: bool) -> np.ndarray:
    """For each entry of query rows ``start:stop``: where its column's postings reach the targets.

    Targets are every corpus row, or with ``symmetric`` the rows after the query row.
    """
    q_indptr, q_indices, _ = query
    c_indptr, c_indices, _ = postings
    base = q_indptr[start]
    cursor = np.zeros(q_indptr[stop] - base, dtype=np.int64)
    for i in range(start, stop):
        for p in range(q_indptr[i], q_indptr[i + 1]):
            lo, hi = c_indptr[q_indices[p]], c_indptr[q_indices[p] + 1]
            cursor[p - base] = _lower_bound_kernel(c_indices, lo, hi, i + 1) if symmetric else lo
    return cursor


@_jit()
def _sparse_row_kernel(
    query: CSRArrays,
    postings: CSRArrays,
    i: int,
    stop: int,
    offset: int,
    cursor: np.ndarray,
    base: int,
    buffer: np.ndarray,
) -> None:
    """Sum query row ``i``'s products with targets up to ``stop`` into ``buffer[target - offset]``.

    ``cursor[p - base]`` is where entry ``p``'s postings resume; it moves past the targets
    done. Terms are added column by column, the order the scipy engine uses.
    """
    q_indptr, q_indices, q_data = query
    c_indptr, c_indices, c_data = postings
    for p in range(q_indptr[i], q_indptr[i + 1]):
        begin, end, value = cursor[p - base], c_indptr[q_indices[p] + 1], q_data[p]
        if begin < end and c_indices[end - 1] >= stop:
            end = _lower_bound_kernel(c_indices, begin, end, stop)
        for q in range(begin, end):
            buffer[c_indices[q] - offset] += value * c_data[q]
        cursor[p - base] = end


@_jit()
def _insert_kernel(
    index: np.ndarray, value: np.ndarray, floor: np.ndarray, item: int, rounded: float, candidate: int, k: int
) -> None:
    """Put neighbour ``candidate`` (rounded similarity) in the top-k list of ``item`` if it belongs."""
    row_index, row_value = index[item], value[item]
    if rounded < row_value[k - 1] or (rounded == row_value[k - 1] and candidate > row_index[k - 1]):
        return
    slot = k - 1
    while slot > 0 and (
        rounded > row_value[slot - 1] or (rounded == row_value[slot - 1] and candidate < row_index[slot - 1])
    ):
        row_index[slot], row_value[slot] = row_index[slot - 1], row_value[slot - 1]
        slot -= 1
    row_index[slot], row_value[slot] = candidate, rounded
    floor[item] = row_value[k - 1] - _MARGIN


@_jit()
def _block_kernel(
    scores: np.ndarray,
    query: CSRArrays,
    postings: CSRArrays,
    start: int,
    first: int,
    symmetric: bool,
    k: int,
    cursor: np.ndarray,
    buffer: np.ndarray,
    index: np.ndarray,
    value: np.ndarray,
    floor: np.ndarray,
) -> None:
    """Finish and rank a block: query rows ``start ...`` x corpus rows ``first ...``.

    ``scores`` holds the dense part. With ``symmetric`` only pairs (i, j), j > i, are scored,
    and each is offered to the lists of both i and j.
    """
    n_rows, width = scores.shape
    base = query[0][start]
    for r in range(n_rows):
        i = start + r
        lo = max(first, i + 1) if symmetric else first
        if lo >= first + width:
            continue
        _sparse_row_kernel(query, postings, i, first + width, first, cursor, base, buffer)
        for t in range(lo - first, width):
            raw = scores[r, t] + buffer[t]
            buffer[t] = 0.0
            if raw >= floor[i] or (symmetric and raw >= floor[first + t]):
                rounded = np.rint(raw * _SCALE) / _SCALE
                _insert_kernel(index, value, floor, i, rounded, first + t, k)
                if symmetric:
                    _insert_kernel(index, value, floor, first + t, rounded, i, k)


@_jit()
def _merge_kernel(
    index: np.ndarray, value: np.ndarray, floor: np.ndarray, other_index: np.ndarray, other_value: np.ndarray, k: int
) -> None:
    """Merge the lists ``other_*`` into ``index, value`` (they share no pair)."""
    for item in range(index.shape[0]):
        for t in range(k):
            if other_index[item, t] >= 0:
                _insert_kernel(index, value, floor, item, other_value[item, t], other_index[item, t], k)
