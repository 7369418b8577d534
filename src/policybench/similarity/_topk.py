"""Exact top-k cosine neighbours over L2-normalised sparse rows, block by block (private).

The columns of the matrix are ordered by document frequency, most frequent first, and split
(:class:`Split`): the first ``n_dense`` columns as a dense block, multiplied with BLAS, and the
sparse rest, multiplied by scatter-accumulating each query row's terms over the corpus's
postings (the transposed rest). Only a block of scores is held at a time, so memory grows
with ``n * k`` and the block, never with ``n ** 2``.

Two engines give the same neighbours:

- numba: the corpus is walked in tiles of :data:`TILE` rows; the postings of one tile are
  built at a time (so the sparse part is held once, plus one tile's postings) and blocks of
  query rows are shared out to one worker thread per core: a single-threaded GEMM, then a
  compiled kernel that releases the GIL and keeps running top-k lists. For a corpus against
  itself each pair is scored once (row ``i`` against the rows after it) and offered to the
  lists of both its members, which halves the work.
- scipy: a sparse product per chunk of query rows and a partial sort
  (:func:`numpy.partition`); the chunks are shared out to one worker thread per core (scipy's
  sparse routines and numpy's partition release the GIL), each running single-threaded
  products (see :func:`one_blas_thread`). A corpus against itself whose scores fit in
  :data:`CHUNK_BYTES` is scored whole, each pair's sparse sum computed once.

Both add the sparse terms of a pair in the same order (column ascending) and add that sum
once to the dense score. Similarities are rounded to :data:`DECIMALS` places before ranking:
values that are equal in exact arithmetic (duplicate texts, a text with itself) then compare
equal, and ties are broken by the lower neighbour index. Rounding moves a value by at most
5e-13, far below any meaningful difference between two cosines.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import importlib
import importlib.util
import os
import queue
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._memory import release_free_memory

if TYPE_CHECKING:
    from scipy import sparse

__all__ = [
    "BLOCK_ROWS",
    "CHUNK_BYTES",
    "DECIMALS",
    "NUMBA_STARTUP",
    "TILE",
    "WARM_FROM",
    "WARM_UP_TO",
    "balanced_parts",
    "merge_parts",
    "top_k_part",
    "Split",
    "choose_engine",
    "has_numba",
    "one_blas_thread",
    "postings",
    "round_similarity",
    "split_columns",
    "top_k",
    "warm_in_background",
]

#: Similarities are rounded to this many decimal places.
DECIMALS = 12
_SCALE = 10.0**DECIMALS
#: A raw value this far below the k-th best may still tie with it once rounded.
_MARGIN = 2.0 / _SCALE
#: Bytes of scores held at once by the scipy engine (all its threads) when the caller does not
#: fix the chunk size.
CHUNK_BYTES = 64 * 2**20
#: The scipy engine splits the query rows into about this many chunks per thread (so that a
#: thread slowed by other work on the machine leaves the rest to the others) ...
_CHUNKS_PER_THREAD = 4
#: ... of at least this many rows.
_MIN_CHUNK_ROWS = 64
#: Bytes of a chunk's sparse scores made dense at a time, to be added to its dense scores.
_ADD_BYTES = 4 * 2**20
#: Query rows per block of the numba engine (at most; fewer for small corpora). A worker holds
#: one block x tile of scores: 16 MiB.
BLOCK_ROWS = 128
#: Corpus rows per tile of the numba engine. A worker holds one block x tile of scores (4 MiB);
#: the postings of one tile are held at a time.
TILE = 4096
#: Corpora of at least this many texts start loading numba and its kernels in a background
#: thread while they are vectorised (the cost model sends corpora of this size to numba) ...
WARM_FROM = 5000
#: ... and below this many: for larger ones the second it saves is lost in the search, and numba
#: (about 115 MB) would be loaded while the fit holds its largest arrays.
WARM_UP_TO = 50_000
#: Seconds to import numba and load its cached kernels, in the cost model of :func:`choose_engine`.
NUMBA_STARTUP = 1.0
# Rates of the cost model (operations per second on one core), measured on a 2-core VM.
_GEMM_RATE, _SPGEMM_RATE, _SCATTER_RATE = 2e10, 1e8, 5e8
_SELECT_RATE, _CHECK_RATE = 1e8, 5e8
_NO_SKIP = -(2**62)

Lists = tuple[np.ndarray, np.ndarray, np.ndarray]


def has_numba() -> bool:
    """Whether the compiled engine is available (numba installed; not imported here)."""
    return importlib.util.find_spec("numba") is not None


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


def split_columns(matrix: sparse.csr_matrix, n_dense: int, *, consume: bool = False) -> Split:
    """Split ``matrix`` (columns most frequent first, indices sorted) after its first ``n_dense`` columns.

    The rows are taken in runs of :data:`~._chartfidf.ENTRY_CHUNK` entries, so that the
    temporary arrays stay small. With ``consume`` the sparse block is written into the arrays
    of ``matrix`` (each row's dense entries are a prefix of the row, so the rest moves left),
    which are then cut to size (numpy gives the tail back when nothing else refers to them;
    otherwise the kept part is copied): ``matrix``, and any view of its arrays, must not be
    used afterwards, and memory holds the matrix once rather than twice.
    """
    from scipy import sparse

    n_rows, n_columns = matrix.shape
    n_dense = min(n_dense, n_columns)
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    dense, in_dense = _dense_part(indptr, indices, data, n_dense)
    kept = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.diff(indptr) - in_dense, out=kept[1:])
    size = int(kept[-1])
    out_data = data if consume else np.empty(size, dtype=data.dtype)
    out_indices = indices if consume else np.empty(size, dtype=indices.dtype)
    _move_sparse_part(indptr, indices, data, kept, n_dense, out_indices, out_data)
    if consume:
        data_owner, indices_owner = _owner(data), _owner(indices)
        matrix.data, matrix.indices = data[:0].copy(), indices[:0].copy()  # no view of the buffers is left
        del data, indices, out_data, out_indices
        # numpy cuts a buffer in place (giving the tail back) only when nothing else refers to
        # it; otherwise ValueError, and the kept part is copied.
        try:
            data_owner.resize(size)
            out_data = data_owner
        except ValueError:
            out_data = data_owner[:size].copy()
        try:
            indices_owner.resize(size)
            out_indices = indices_owner
        except ValueError:
            out_indices = indices_owner[:size].copy()
    shape = (n_rows, n_columns - n_dense)
    sparse_rest = sparse.csr_matrix((out_data, out_indices, kept), shape=shape)
    sparse_rest.has_sorted_indices = True
    return Split(dense, sparse_rest)


def _dense_part(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_dense: int
) -> tuple[np.ndarray, np.ndarray]:
    """The entries of the first ``n_dense`` columns as a dense array, and how many each row has.

    No view of the arrays outlives the call (and a matrix without rows is handled).
    """
    from ._chartfidf import row_runs

    n_rows = indptr.size - 1
    dense = np.zeros((n_rows, n_dense))
    in_dense = np.zeros(n_rows, dtype=np.int64)
    for first, last in row_runs(indptr):
        begin, end = int(indptr[first]), int(indptr[last])
        rows = np.repeat(np.arange(first, last), np.diff(indptr[first : last + 1]))
        columns = indices[begin:end]
        mask = columns < n_dense
        dense[rows[mask], columns[mask]] = data[begin:end][mask]
        in_dense[first:last] = np.bincount(rows[mask] - first, minlength=last - first)
    return dense, in_dense


def _move_sparse_part(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    kept: np.ndarray,
    n_dense: int,
    out_indices: np.ndarray,
    out_data: np.ndarray,
) -> None:
    """Write the entries of columns ``n_dense`` on (relabelled from 0) at ``kept`` of each row.

    ``out_indices`` and ``out_data`` may be ``indices`` and ``data``: each run's entries are
    copied out before they are written (rows only move left). No view of the arrays outlives
    the call (and a matrix without rows is handled).
    """
    from ._chartfidf import row_runs

    for first, last in row_runs(indptr):
        begin, end = int(indptr[first]), int(indptr[last])
        columns = indices[begin:end]
        mask = columns >= n_dense
        values, rest = data[begin:end][mask], columns[mask] - n_dense  # copies: safe to write over
        out_data[kept[first] : kept[last]] = values
        out_indices[kept[first] : kept[last]] = rest


def _owner(array: np.ndarray) -> np.ndarray:
    """The array that owns the buffer of ``array`` (scipy keeps views), if it is all of it; else ``array``."""
    owner = array
    while isinstance(owner.base, np.ndarray):
        owner = owner.base
    same = (
        owner.flags.owndata
        and owner.dtype == array.dtype
        and owner.shape == array.shape
        and owner.__array_interface__["data"][0] == array.__array_interface__["data"][0]
    )
    return owner if same else array


def row_range(matrix: sparse.csr_matrix, first: int, last: int) -> sparse.csr_matrix:
    """Rows ``first:last`` of a CSR matrix, on views of its data and indices (scipy's slicing copies them)."""
    from scipy import sparse

    begin, end = int(matrix.indptr[first]), int(matrix.indptr[last])
    rows = sparse.csr_matrix(
        (matrix.data[begin:end], matrix.indices[begin:end], matrix.indptr[first : last + 1] - begin),
        shape=(last - first, matrix.shape[1]),
        copy=False,
    )
    rows.has_sorted_indices = matrix.has_sorted_indices
    return rows


def one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """A context in which numpy's BLAS runs each product on the calling thread only.

    Both engines share the work out to their own threads, each running single-threaded
    products. A product on several BLAS threads would also leave BLAS's workers spinning
    while they wait for more work, taking the CPU time that the sparse steps after it need:
    on 2 cores, 1,000 prose texts took 0.14 s to search on one thread with BLAS on 2, 0.075 s
    with BLAS on one. A product's values do not depend on its number of threads.

    With numpy's own OpenBLAS (the wheels' ``scipy_openblas``) the thread count is set
    through it directly (:func:`_numpy_openblas`); otherwise with threadpoolctl, whose scan
    of the loaded libraries costs about 7 ms in a fresh process, a tenth of a search of
    1,000 texts. Searches that overlap in one process (threads of a Dask worker) share the
    setting: the first sets it, the last gives the count back.
    """
    return _BLAS_LIMIT.hold()


class _BlasLimit:
    """BLAS on one thread while any holder is inside :meth:`hold` (counted under a lock)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._limit: contextlib.ExitStack | None = None

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        """Limit BLAS to one thread for the duration (the first holder sets it, the last restores it)."""
        with self._lock:
            if self._holders == 0:
                limit = contextlib.ExitStack()
                limit.enter_context(_limit_blas())
                self._limit = limit
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0 and self._limit is not None:
                    self._limit.close()
                    self._limit = None


def _limit_blas() -> contextlib.AbstractContextManager[object]:
    openblas = _numpy_openblas()
    if openblas is None:
        threadpool_limits = importlib.import_module("threadpoolctl").threadpool_limits
        limits: contextlib.AbstractContextManager[object] = threadpool_limits(limits=1, user_api="blas")
        return limits
    return _openblas_threads(*openblas, 1)


@contextlib.contextmanager
def _openblas_threads(get: Any, set_: Any, threads: int) -> Iterator[None]:
    before = int(get())
    set_(threads)
    try:
        yield
    finally:
        set_(before)


_BLAS_LIMIT = _BlasLimit()


@functools.cache
def _numpy_openblas() -> tuple[Any, Any] | None:
    """The get and set functions of the thread count of the OpenBLAS numpy is linked with, or None.

    Looked up through numpy's compiled core (the dynamic linker searches the libraries it
    depends on), under the names OpenBLAS builds use (threadpoolctl tries the same ones).
    """
    try:
        core = ctypes.CDLL(importlib.import_module("numpy._core._multiarray_umath").__file__)
    except (ImportError, OSError, AttributeError, TypeError):
        return None
    for prefix in ("scipy_", ""):
        for suffix in ("64_", "", "_64"):
            get = getattr(core, f"{prefix}openblas_get_num_threads{suffix}", None)
            set_ = getattr(core, f"{prefix}openblas_set_num_threads{suffix}", None)
            if get is not None and set_ is not None:
                get.restype, get.argtypes = ctypes.c_int, []
                set_.restype, set_.argtypes = None, [ctypes.c_int]
                return get, set_
    return None


def postings(corpus: Split) -> sparse.csr_matrix:
    """The sparse columns transposed: for each column, the rows holding it, ascending."""
    return _transposed(corpus.sparse)


def top_k(
    queries: Split,
    corpus: Split,
    k: int,
    *,
    exclude_self: bool,
    offset: int = 0,
    chunk_size: int | None = None,
    engine: str = "auto",
    corpus_postings: sparse.csr_matrix | None = None,
    n_threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar corpus rows for every query row.

    Parameters
    ----------
    queries, corpus : Split
        Query and corpus rows split alike.
    k : int
        Neighbours per query; at most the number of candidates (corpus rows, less one with
        ``exclude_self``).
    exclude_self : bool
        The queries are corpus rows ``offset, offset + 1, ...``; none is its own neighbour.
        When the queries are the corpus itself (``offset`` 0, same object) each pair is
        scored once.
    offset : int
        See ``exclude_self``.
    chunk_size : int, optional
        Query rows scored at a time by each thread. By default, :data:`CHUNK_BYTES` of
        scores shared among the threads of the scipy engine (all rows at once for a corpus
        against itself that fits), and up to :data:`BLOCK_ROWS` rows (by :data:`TILE` corpus
        rows) per thread for the numba engine.
    engine : {"auto", "numba", "scipy"}
        "auto" picks by :func:`choose_engine`; "numba" needs numba installed.
    corpus_postings : scipy.sparse.csr_matrix, optional
        ``postings(corpus)``, when the caller has it already (the scipy engine reads it; the
        numba engine builds the postings of one tile of corpus rows at a time).
    n_threads : int, optional
        At most this many threads (default: numba's thread count for the numba engine, the
        number of cores for the scipy engine).

    Returns
    -------
    index, similarity : numpy.ndarray
        (n_queries, k) arrays: neighbour row numbers and rounded similarities, best first,
        ties in ascending neighbour index.
    """
    n_queries = queries.n_rows
    if k == 0 or n_queries == 0:
        return np.zeros((n_queries, k), dtype=np.int64), np.zeros((n_queries, k))
    symmetric = exclude_self and offset == 0 and queries is corpus
    if engine == "auto":
        engine = choose_engine(queries, corpus, symmetric)
    if engine == "numba":
        skip = offset if exclude_self else _NO_SKIP
        return _top_k_numba(queries, corpus, k, symmetric, skip, chunk_size, n_threads=n_threads)
    threads = max(1, min(n_threads or os.cpu_count() or 1, n_queries))
    if symmetric and chunk_size is None and 8 * n_queries * n_queries <= CHUNK_BYTES and _sparsetools() is not None:
        return _top_k_scipy_symmetric(corpus, k, threads)
    chunk = chunk_size or max(1, CHUNK_BYTES // (8 * corpus.n_rows * threads))
    chunk = min(chunk, max(_MIN_CHUNK_ROWS, -(-n_queries // (_CHUNKS_PER_THREAD * threads))), n_queries)
    transposed = postings(corpus) if corpus_postings is None else corpus_postings
    return _top_k_scipy(queries, corpus, transposed, k, offset if exclude_self else None, chunk, threads)


def choose_engine(queries: Split, corpus: Split, symmetric: bool) -> str:
    """The engine expected to finish first: "numba" (if installed) or "scipy".

    A cost model from the sizes and the column frequencies: both engines multiply the dense
    block with BLAS and add the sparse products, pair by shared column, on every core; scipy
    then selects from a full block of scores, numba keeps running lists (and scores each
    pair once for a corpus against itself). numba costs :data:`NUMBA_STARTUP` seconds more
    in a process that has not loaded it yet, so small corpora go to scipy.
    """
    if not has_numba():
        return "scipy"
    pairs = float(queries.n_rows) * corpus.n_rows
    from ._chartfidf import column_counts  # in runs: np.bincount would copy all the indices to int64

    frequency = column_counts(queries.sparse.indices, queries.sparse.shape[1])
    other = frequency if symmetric else column_counts(corpus.sparse.indices, corpus.sparse.shape[1])
    # In integers (at most nnz x rows, far from overflow): a float dot product would be BLAS's,
    # on several threads, whose workers then spin through the search that follows.
    shared = float(frequency @ other)
    dense = 2.0 * pairs * corpus.dense.shape[1] / _GEMM_RATE
    scipy_seconds = dense + shared / _SPGEMM_RATE + pairs / _SELECT_RATE
    threads = max(1, os.cpu_count() or 1)
    scipy_seconds /= threads
    numba_seconds = (dense + shared / _SCATTER_RATE + pairs / _CHECK_RATE) / threads / (2.0 if symmetric else 1.0)
    startup = 0.0 if "numba" in sys.modules else NUMBA_STARTUP
    return "scipy" if scipy_seconds <= startup + numba_seconds else "numba"


def warm_in_background() -> threading.Thread | None:
    """Import numba and load the compiled kernels in a daemon thread (None without numba).

    Loading them costs about a second in a fresh process (numba's registries, scipy.linalg
    for its BLAS check, the cached machine code); started before the vectorising, that time
    overlaps it. The kernels run on a tiny corpus, with the argument types of the real runs,
    outside any BLAS thread limit; a failure here is left for the real run to report.
    """
    if not has_numba():
        return None
    thread = threading.Thread(target=_warm, name="policybench-warm-numba", daemon=True)
    thread.start()
    return thread


def _warm() -> None:
    from scipy import sparse

    try:
        from . import _kernels

        matrix = sparse.csr_matrix(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0]]))
        split = split_columns(matrix, 1)
        lists, other = _new_lists(3, 1), _new_lists(3, 1)
        tile = _Tile.for_corpus(split, 3)
        tile.build(split, 0, 3)
        _Engine(split, split, 1, True, 0).run(0, 3, 0, 3, tile, np.empty(9), np.zeros(3), lists)
        _kernels.merge_kernel(*lists, other[0], other[1], 1)
    except Exception:  # noqa: BLE001 - best effort: the real run loads the kernels again and reports
        return


def _top_k_scipy(
    queries: Split,
    corpus: Split,
    transposed: sparse.csr_matrix,
    k: int,
    offset: int | None,
    chunk: int,
    threads: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Chunks of ``chunk`` query rows, each scored and ranked whole, shared out to ``threads`` worker threads.

    A chunk's rows are ranked from their own scores only, so the result does not depend on
    the chunks or on which thread takes which. Each worker keeps its arrays (the chunk's
    scores, the sparse product's) from chunk to chunk.
    """
    n_queries, n_corpus = queries.n_rows, corpus.n_rows
    index, similarity = np.zeros((n_queries, k), dtype=np.int64), np.zeros((n_queries, k))
    starts = list(range(0, n_queries, chunk))
    threads = min(threads, len(starts))
    tools = _sparsetools()
    arrays = (queries.sparse.indptr, queries.sparse.indices, transposed.indptr, transposed.indices)
    index_dtype = np.result_type(*arrays, np.int32 if chunk * n_corpus < 2**31 else np.int64)
    scratch: queue.SimpleQueue[_Scratch] = queue.SimpleQueue()
    for _ in range(threads):
        scratch.put(_Scratch.for_chunk(chunk, n_corpus, index_dtype if tools is not None else None))

    def work(start: int) -> None:
        stop = min(start + chunk, n_queries)
        mine = scratch.get()
        try:
            scores = mine.scores[: stop - start]
            np.matmul(queries.dense[start:stop], corpus.dense.T, out=scores)
            mine.add_product(scores, row_range(queries.sparse, start, stop), transposed, tools)
            if offset is not None:
                scores[np.arange(stop - start), np.arange(start, stop) + offset] = -1.0
            _select(scores, k, index[start:stop], similarity[start:stop])
        finally:
            scratch.put(mine)

    with one_blas_thread():
        if threads == 1:
            for start in starts:
                work(start)
        else:
            with ThreadPoolExecutor(threads) as pool:
                for future in [pool.submit(work, start) for start in starts]:
                    future.result()
    return index, similarity


def _top_k_scipy_symmetric(corpus: Split, k: int, threads: int) -> tuple[np.ndarray, np.ndarray]:
    """``_top_k_scipy`` of a corpus against itself whose scores fit in :data:`CHUNK_BYTES` at once, each pair's sparse sum computed once.

    The dense part is one product of all rows with themselves (numpy computes it as a
    symmetric rank-k update, about half a general product's work), the product the general
    path makes of one chunk of all rows. The sparse part goes by parts of rows ``a:b``:
    the rows from ``a`` on times the part's postings give the sparse sums of the pairs
    (j, i), j >= a, i in ``a:b``, added at (j, i) and, for j >= b, at (i, j). A pair's sparse
    sum is the same from either side (the same products, added column by column) and a pair
    without one adds 0.0: the scores, and so the result, are the general path's bit for bit.
    The parts write to disjoint places, so they run on ``threads`` threads, as does the
    ranking after them.
    """
    tools = _sparsetools()
    n, matrix = corpus.n_rows, corpus.sparse
    scores = np.empty((n, n))
    size = max(_MIN_CHUNK_ROWS, -(-n // (_CHUNKS_PER_THREAD * threads)))
    parts = [(a, min(a + size, n)) for a in range(0, n, size)]
    index_dtype = np.result_type(matrix.indptr, matrix.indices, np.int32 if n * n < 2**31 else np.int64)
    dense_done = threading.Event()

    def dense() -> None:
        try:
            np.matmul(corpus.dense, corpus.dense.T, out=scores)
        finally:
            dense_done.set()

    def part(first: int, last: int) -> None:
        rows, width = n - first, last - first
        later = row_range(matrix, first, n)
        transposed = _transposed(row_range(matrix, first, last))
        indptr = np.empty(rows + 1, dtype=index_dtype)
        indices, data = np.empty(rows * width, dtype=index_dtype), np.empty(rows * width)
        tools.csr_matmat(
            rows, width, later.indptr, later.indices, later.data,
            transposed.indptr, transposed.indices, transposed.data, indptr, indices, data,
        )  # fmt: skip
        block = np.zeros((rows, width))
        tools.csr_todense(rows, width, indptr, indices, data, block)
        dense_done.wait()
        scores[first:, first:last] += block
        scores[first:last, last:] += block[width:].T

    index, similarity = np.zeros((n, k), dtype=np.int64), np.zeros((n, k))

    def select(first: int, last: int) -> None:
        chunk = scores[first:last]
        chunk[np.arange(last - first), np.arange(first, last)] = -1.0
        _select(chunk, k, index[first:last], similarity[first:last])

    with one_blas_thread():
        if threads == 1:
            dense()
            for first, last in parts:
                part(first, last)
            for first, last in parts:
                select(first, last)
        else:
            with ThreadPoolExecutor(threads) as pool:
                futures = [pool.submit(dense)] + [pool.submit(part, first, last) for first, last in parts]
                for future in futures:
                    future.result()
                for future in [pool.submit(select, first, last) for first, last in parts]:
                    future.result()
    return index, similarity


def _transposed(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """``matrix`` transposed, as CSR with sorted indices (scipy's conversion to CSC, read as CSR)."""
    from scipy import sparse

    transposed = matrix.tocsc()
    shape = (matrix.shape[1], matrix.shape[0])
    return sparse.csr_matrix((transposed.data, transposed.indices, transposed.indptr), shape=shape)


def _sparsetools() -> Any:
    """The compiled CSR routines of scipy (``scipy.sparse._sparsetools``, private), or None where they are not found.

    ``csr_matmat`` writes a product into arrays the caller gives (scipy's ``@`` first runs a
    whole pass, ``csr_matmat_maxnnz``, only to size them: a third of the product's time on
    texts, where almost every pair shares an n-gram); ``csr_todense`` adds a CSR matrix into
    a dense array. Both release the GIL. The engine falls back on scipy's public operations
    (the same sums) without them.
    """
    try:
        module = importlib.import_module("scipy.sparse._sparsetools")
    except ImportError:
        return None
    return module if hasattr(module, "csr_matmat") and hasattr(module, "csr_todense") else None


@dataclass(frozen=True)
class _Scratch:
    """One worker's arrays in the scipy engine: a chunk's scores, and room for its sparse product."""

    scores: np.ndarray
    product: tuple[np.ndarray, np.ndarray, np.ndarray] | None

    @classmethod
    def for_chunk(cls, rows: int, n_corpus: int, index_dtype: Any) -> _Scratch:
        """Scores of ``rows`` x ``n_corpus``; a product of up to as many entries, with indices of ``index_dtype`` (None: no product arrays).

        The product arrays are as large as the scores could ever need (every pair); only the
        pages a product writes are ever given memory.
        """
        product = None
        if index_dtype is not None:
            size = rows * n_corpus
            product = (np.empty(rows + 1, dtype=index_dtype), np.empty(size, dtype=index_dtype), np.empty(size))
        return cls(np.empty((rows, n_corpus)), product)

    def add_product(
        self, scores: np.ndarray, rows: sparse.csr_matrix, transposed: sparse.csr_matrix, tools: Any
    ) -> None:
        """``scores += rows @ transposed``: each score gets its pair's sparse sum (terms added column by column) in one addition."""
        if self.product is None:
            _add_sparse(scores, rows @ transposed)
            return
        n_rows, n_columns = scores.shape
        indptr, indices, data = self.product
        tools.csr_matmat(
            n_rows, n_columns, rows.indptr, rows.indices, rows.data,
            transposed.indptr, transposed.indices, transposed.data,
            indptr[: n_rows + 1], indices, data,
        )  # fmt: skip
        tools.csr_todense(n_rows, n_columns, indptr[: n_rows + 1], indices, data, scores)


def _add_sparse(scores: np.ndarray, product: sparse.csr_matrix) -> None:
    """Add each entry of ``product`` to ``scores`` where it belongs (the public-API way of :meth:`_Scratch.add_product`).

    The product is made dense a few rows at a time (:data:`_ADD_BYTES`) and added: an entry
    the product lacks adds 0.0, which changes no score, so each score gets the same one
    addition as by indexing with the entries' rows and columns, about four times faster.
    """
    n_rows, n_columns = product.shape
    step = max(1, _ADD_BYTES // (8 * max(1, n_columns)))
    for first in range(0, n_rows, step):
        last = min(first + step, n_rows)
        scores[first:last] += row_range(product, first, last).toarray()


def _select(scores: np.ndarray, k: int, index: np.ndarray, similarity: np.ndarray) -> None:
    """Top ``k`` of each row by (rounded value descending, column ascending)."""
    n_rows, n_cols = scores.shape
    kth = np.partition(scores, n_cols - k, axis=1)[:, n_cols - k]  # the k-th largest of each row
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
    queries: Split,
    corpus: Split,
    k: int,
    symmetric: bool,
    skip: int,
    block: int | None,
    *,
    part: tuple[int, int] | None = None,
    n_threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The corpus walked in tiles of :data:`TILE` rows; blocks of query rows shared out to worker threads.

    For each tile its postings are built once (:class:`_Tile`), then the workers take the
    blocks of query rows: for each, one single-threaded GEMM and the kernel, which releases
    the GIL. For the corpus against itself only the blocks before the tile's end are
    visited and every pair is offered to both its members. Each worker keeps its own
    lists (the pairs they hold are disjoint); they are merged at the end. ``part`` limits
    the query rows to ``part[0]:part[1]`` (see :func:`top_k_part`); ``n_threads`` the threads.
    """
    from . import _kernels

    low, high = part or (0, queries.n_rows)
    n_workers = max(1, min(int(_kernels.numba.get_num_threads()), n_threads or 2**31))
    rows = min(block or max(16, min(BLOCK_ROWS, -(-(high - low) // (4 * n_workers)))), high - low)
    starts = list(range(low, high, rows))
    n_workers = max(1, min(n_workers, len(starts)))
    lists = [_new_lists(queries.n_rows if not symmetric else corpus.n_rows, k) for _ in range(n_workers)]
    if starts:
        _walk_tiles(_Engine(queries, corpus, k, symmetric, skip), starts, rows, lists, high)
    for other in lists[1:]:
        _kernels.merge_kernel(*lists[0], other[0], other[1], k)
    index, similarity = lists[0][0], lists[0][1]
    del lists
    release_free_memory()  # the workers' lists and scratch, the tiles' postings: before the caller's next step
    return index, similarity


def top_k_part(corpus: Split, k: int, first: int, last: int, *, n_threads: int | None = None) -> Lists:
    """A part of ``top_k(corpus, corpus, k, exclude_self=True)`` (numba engine): the pairs (i, j), j > i, of rows ``i`` in ``first:last``.

    Each pair is offered to the lists of both its members, so the lists cover every corpus
    row (slots no pair filled hold index -1). The parts of consecutive ranges that cover all
    rows, merged with :func:`merge_parts`, are the whole result: each pair is scored in
    exactly one part, and the order of merging does not matter.
    """
    index, similarity = _top_k_numba(corpus, corpus, k, True, 0, None, part=(first, last), n_threads=n_threads)
    return index, similarity, np.full(index.shape[0], -np.inf)


def merge_parts(parts: list[Lists], k: int) -> tuple[np.ndarray, np.ndarray]:
    """The lists of :func:`top_k_part` for consecutive ranges merged into one result."""
    from . import _kernels

    index, similarity, floor = (array.copy() for array in parts[0])
    for other in parts[1:]:
        _kernels.merge_kernel(index, similarity, floor, other[0], other[1], k)
    return index, similarity


def balanced_parts(n_rows: int, n_parts: int) -> list[tuple[int, int]]:
    """Consecutive row ranges with about the same number of pairs (i, j), j > i, each (row i has n - 1 - i)."""
    done = np.cumsum(np.arange(n_rows - 1, -1, -1, dtype=np.float64))  # pairs of rows 0..i
    total = float(done[-1]) if n_rows else 0.0
    cuts = [0] + [int(np.searchsorted(done, total * p / n_parts)) + 1 for p in range(1, n_parts)] + [n_rows]
    cuts = sorted(set(min(cut, n_rows) for cut in cuts))
    return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


def _walk_tiles(engine: _Engine, starts: list[int], rows: int, lists: list[Lists], high: int) -> None:
    """Rank the blocks of query rows at ``starts`` (up to ``high``) tile by tile, one worker thread per item of ``lists``."""
    corpus, symmetric = engine.corpus, engine.symmetric
    scratch = [(np.empty(rows * TILE), np.zeros(TILE)) for _ in lists]
    tile = _Tile.for_corpus(corpus, TILE)
    lock = threading.Lock()

    def work(worker: int, tasks: list[int], first: int, last: int) -> None:
        scores, buffer = scratch[worker]
        while True:
            with lock:
                if not tasks:
                    return
                start = tasks.pop(0)
            engine.run(start, min(start + rows, high), first, last, tile, scores, buffer, lists[worker])

    with one_blas_thread(), ThreadPoolExecutor(len(lists)) as pool:
        # For the corpus against itself, the tiles before the first query row hold no partner.
        for first in range((starts[0] // TILE) * TILE if symmetric else 0, corpus.n_rows, TILE):
            last = min(first + TILE, corpus.n_rows)
            tile.build(corpus, first, last)
            # For the corpus against itself, rows from last - 1 on have no partner in this tile.
            tasks = [start for start in starts if not symmetric or start < last - 1]
            futures = [pool.submit(work, worker, tasks, first, last) for worker in range(len(lists))]
            for future in futures:
                future.result()


@dataclass(frozen=True)
class _Tile:
    """The postings of one tile of corpus rows, in arrays reused from tile to tile."""

    indptr: np.ndarray
    rows: np.ndarray
    data: np.ndarray

    @classmethod
    def for_corpus(cls, corpus: Split, tile: int) -> _Tile:
        """Arrays that hold the postings of any ``tile`` consecutive rows of ``corpus``."""
        indptr = corpus.sparse.indptr
        most = int(np.max(indptr[tile:] - indptr[:-tile])) if indptr.size > tile else int(indptr[-1])
        return cls(
            np.zeros(corpus.sparse.shape[1] + 1, dtype=np.int64),
            np.empty(most, dtype=np.int32),
            np.empty(most, dtype=corpus.sparse.data.dtype),
        )

    def build(self, corpus: Split, first: int, last: int) -> None:
        """The postings of corpus rows ``first:last`` (rows numbered from 0)."""
        from . import _kernels

        matrix = corpus.sparse
        _kernels.tile_postings_kernel(
            matrix.indptr, matrix.indices, matrix.data, first, last, self.indptr, self.rows, self.data
        )


@dataclass(frozen=True)
class _Engine:
    """What the numba kernels read, gathered once."""

    queries: Split
    corpus: Split
    k: int
    symmetric: bool
    skip: int

    def run(
        self,
        start: int,
        stop: int,
        first: int,
        last: int,
        tile: _Tile,
        scores: np.ndarray,
        buffer: np.ndarray,
        lists: Lists,
    ) -> None:
        """Rank query rows ``start:stop`` against corpus rows ``first:last``, whose postings ``tile`` holds.

        With ``symmetric``, each query row against the rows after it only.
        """
        from . import _kernels

        query = (self.queries.sparse.indptr, self.queries.sparse.indices, self.queries.sparse.data)
        begin = (
            max(first, start) if self.symmetric else first
        )  # for the corpus against itself: rows after the block's first
        block = scores[: (stop - start) * (last - begin)].reshape(stop - start, last - begin)
        np.matmul(self.queries.dense[start:stop], self.corpus.dense[begin:last].T, out=block)
        _kernels.block_kernel(
            block,
            query,
            (tile.indptr, tile.rows, tile.data),
            start,
            first,
            begin,
            self.symmetric,
            self.skip,
            self.k,
            buffer,
            *lists,
        )
