"""Exact top-k neighbours on a dask.distributed cluster (private; dask is an optional extra).

The corpus (its split rows, and for the scipy engine its postings) is scattered to the workers
once; each task ranks one
block of query rows against the whole corpus with the local engine and returns that block's
lists; the blocks are gathered in order. Every block is ranked against every corpus row, so
the lists are those of :func:`policybench.similarity._topk.top_k` for the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ._topk import Lists, Split, balanced_parts, choose_engine, merge_parts, postings, top_k, top_k_part

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["Corpus", "block_parts", "rank_block", "rank_part", "top_k_on_cluster"]

#: Query rows per task at least (fewer tasks mean less scheduling overhead).
MIN_BLOCK_ROWS = 256


@dataclass(frozen=True)
class Corpus:
    """What a task reads: the corpus rows and, for the scipy engine, their postings (scattered once)."""

    split: Split
    postings: sparse.csr_matrix | None


def rank_block(
    corpus: Corpus, queries: Split | None, start: int, stop: int, k: int, engine: str
) -> tuple[np.ndarray, np.ndarray]:
    """Top ``k`` for one block: ``queries``, or (``queries`` None) corpus rows ``start:stop`` less themselves."""
    threads = _worker_threads()
    if queries is None:
        split = corpus.split
        block = Split(np.ascontiguousarray(split.dense[start:stop]), split.sparse[start:stop])
        return top_k(
            block,
            split,
            k,
            exclude_self=True,
            offset=start,
            engine=engine,
            corpus_postings=corpus.postings,
            n_threads=threads,
        )
    return top_k(
        queries, corpus.split, k, exclude_self=False, engine=engine, corpus_postings=corpus.postings, n_threads=threads
    )


def rank_part(corpus: Corpus, first: int, last: int, k: int) -> Lists:
    """The pairs (i, j), j > i, of corpus rows ``i`` in ``first:last``, in lists for every row (numba engine)."""
    return top_k_part(corpus.split, k, first, last, n_threads=_worker_threads())


def top_k_on_cluster(
    client: Any, queries: Split | None, corpus: Split, k: int, *, engine: str, block_rows: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`top_k` with the blocks of query rows run as tasks on ``client``'s cluster.

    ``queries`` None means the corpus against itself (each row less itself). With the numba
    engine each task then takes a range of rows and scores each of their pairs with the rows
    after them once, for both members, as the local engine does (ranges of equal pair counts);
    the tasks' lists are merged. Otherwise each task ranks a block of rows against every
    corpus row.
    """
    _check_client(client)
    n_queries = corpus.n_rows if queries is None else queries.n_rows
    if n_queries == 0 or k == 0:
        return np.zeros((n_queries, k), dtype=np.int64), np.zeros((n_queries, k))
    workers = max(1, sum(client.nthreads().values()))
    if engine == "auto":  # decided once here, so that every task runs the same engine
        engine = choose_engine(corpus if queries is None else queries, corpus, queries is None)
    # The numba engine builds the postings of one tile at a time itself: only scipy's are shipped.
    [shared] = client.scatter([Corpus(corpus, postings(corpus) if engine == "scipy" else None)], broadcast=True)
    if queries is None and engine == "numba":
        ranges = balanced_parts(n_queries, block_parts(n_queries, workers, block_rows))
        parts = client.gather([client.submit(rank_part, shared, a, b, k, pure=False) for a, b in ranges])
        return merge_parts(parts, k)
    rows = block_rows or max(MIN_BLOCK_ROWS, -(-n_queries // (4 * workers)))
    futures = []
    for start in range(0, n_queries, rows):
        stop = min(start + rows, n_queries)
        block = None if queries is None else queries.rows(np.arange(start, stop))
        futures.append(client.submit(rank_block, shared, block, start, stop, k, engine, pure=False))
    found = client.gather(futures)
    return np.concatenate([part[0] for part in found]), np.concatenate([part[1] for part in found])


def block_parts(n_rows: int, workers: int, block_rows: int | None) -> int:
    """How many tasks share the pairs of ``n_rows`` rows: two per worker thread (or one per ``block_rows`` rows)."""
    wanted = -(-n_rows // block_rows) if block_rows else 2 * workers
    return max(1, min(wanted, -(-n_rows // MIN_BLOCK_ROWS)))


def _worker_threads() -> int | None:
    """Threads of the Dask worker running this task (None outside a worker): the engine uses no more."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return None
    state = getattr(worker, "state", worker)
    threads = int(getattr(state, "nthreads", 0) or 0)
    return threads or None


def _check_client(client: Any) -> None:
    try:
        from distributed import Client
    except ImportError as exc:
        raise InputError(
            "A 'client' was given but dask.distributed is not installed (pip install 'policybench[dask]')."
        ) from exc
    if not isinstance(client, Client):
        raise InputError(
            f"The 'client' parameter must be a dask.distributed.Client or None. Got {type(client).__name__} instead."
        )
