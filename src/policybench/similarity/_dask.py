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
from ._topk import Split, choose_engine, postings, top_k

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["Corpus", "rank_block", "top_k_on_cluster"]

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
    if queries is None:
        split = corpus.split
        block = Split(np.ascontiguousarray(split.dense[start:stop]), split.sparse[start:stop])
        return top_k(block, split, k, exclude_self=True, offset=start, engine=engine, corpus_postings=corpus.postings)
    return top_k(queries, corpus.split, k, exclude_self=False, engine=engine, corpus_postings=corpus.postings)


def top_k_on_cluster(
    client: Any, queries: Split | None, corpus: Split, k: int, *, engine: str, block_rows: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`top_k` with the blocks of query rows run as tasks on ``client``'s cluster.

    ``queries`` None means the corpus against itself (each row less itself).
    """
    _check_client(client)
    n_queries = corpus.n_rows if queries is None else queries.n_rows
    if n_queries == 0 or k == 0:
        return np.zeros((n_queries, k), dtype=np.int64), np.zeros((n_queries, k))
    workers = max(1, sum(client.nthreads().values()))
    rows = block_rows or max(MIN_BLOCK_ROWS, -(-n_queries // (4 * workers)))
    if engine == "auto":  # decided once here, so that every task runs the same engine
        engine = choose_engine(corpus if queries is None else queries, corpus, False)
    # The numba engine builds the postings of one tile at a time itself: only scipy's are shipped.
    [shared] = client.scatter([Corpus(corpus, postings(corpus) if engine == "scipy" else None)], broadcast=True)
    futures = []
    for start in range(0, n_queries, rows):
        stop = min(start + rows, n_queries)
        block = None if queries is None else queries.rows(np.arange(start, stop))
        futures.append(client.submit(rank_block, shared, block, start, stop, k, engine, pure=False))
    parts = client.gather(futures)
    return np.concatenate([part[0] for part in parts]), np.concatenate([part[1] for part in parts])


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
