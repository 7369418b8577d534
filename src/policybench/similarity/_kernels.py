"""Compiled kernels of the neighbour search (private; imported only when the numba engine runs).

Importing this module imports numba; the kernels compile on their first call, or load from
numba's on-disk cache (``cache=True``) when an earlier run compiled them. Nothing is compiled
when :mod:`policybench` or :mod:`policybench.similarity` is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

__all__ = ["block_kernel", "merge_kernel", "numba", "tile_postings_kernel"]

F = TypeVar("F", bound=Callable[..., Any])
CSRArrays = tuple[np.ndarray, np.ndarray, np.ndarray]

#: Similarities are rounded to this many decimal places (as in :mod:`._topk`).
DECIMALS = 12
_SCALE = 10.0**DECIMALS
#: A raw value this far below the k-th best may still tie with it once rounded.
_MARGIN = 2.0 / _SCALE


def _jit(**options: Any) -> Callable[[F], F]:
    """``numba.njit(cache=True, nogil=True, **options)``."""

    def decorate(function: F) -> F:
        return cast(F, numba.njit(cache=True, nogil=True, **options)(function))

    return decorate


@_jit()
def lower_bound_kernel(values: np.ndarray, lo: int, hi: int, target: int) -> int:
    """First position in ``values[lo:hi]`` (sorted) holding ``target`` or more; ``hi`` if none."""
    while lo < hi:
        middle = (lo + hi) >> 1
        if values[middle] < target:
            lo = middle + 1
        else:
            hi = middle
    return lo


@_jit()
def tile_postings_kernel(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    first: int,
    last: int,
    t_indptr: np.ndarray,
    t_rows: np.ndarray,
    t_data: np.ndarray,
) -> None:
    """The postings of rows ``first:last`` of a CSR matrix, written into the given arrays.

    A counting sort by column: ``t_indptr`` (n_columns + 1) gets where each column's postings
    start, ``t_rows`` the rows holding it (less ``first``, ascending) and ``t_data`` their
    values. The arrays are reused from tile to tile; ``t_rows`` and ``t_data`` must hold the
    tile's entries.
    """
    n_columns = t_indptr.size - 1
    t_indptr[:] = 0
    for p in range(indptr[first], indptr[last]):
        t_indptr[indices[p] + 1] += 1
    for c in range(n_columns):
        t_indptr[c + 1] += t_indptr[c]
    for i in range(first, last):  # rows ascending, so each column's rows come out sorted
        for p in range(indptr[i], indptr[i + 1]):
            at = t_indptr[indices[p]]
            t_rows[at] = i - first
            t_data[at] = data[p]
            t_indptr[indices[p]] = at + 1
    for c in range(n_columns, 0, -1):  # each start moved to the next column's: shift back
        t_indptr[c] = t_indptr[c - 1]
    t_indptr[0] = 0


@_jit()
def sparse_row_kernel(query: CSRArrays, tile: CSRArrays, i: int, lowest: int, buffer: np.ndarray) -> None:
    """Sum query row ``i``'s products with the tile's rows ``lowest`` and after into ``buffer[row]``.

    ``tile`` holds the postings of the tile's rows (numbered from 0, see
    :func:`tile_postings_kernel`). Terms are added column by column, the order the scipy
    engine uses.
    """
    q_indptr, q_indices, q_data = query
    t_indptr, t_rows, t_data = tile
    for p in range(q_indptr[i], q_indptr[i + 1]):
        begin, end = t_indptr[q_indices[p]], t_indptr[q_indices[p] + 1]
        if lowest > 0 and begin < end and t_rows[begin] < lowest:
            begin = lower_bound_kernel(t_rows, begin, end, lowest)
        value = q_data[p]
        for q in range(begin, end):
            buffer[t_rows[q]] += value * t_data[q]


@_jit()
def insert_kernel(
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
def block_kernel(
    scores: np.ndarray,
    query: CSRArrays,
    tile: CSRArrays,
    start: int,
    first: int,
    begin: int,
    symmetric: bool,
    skip: int,
    k: int,
    buffer: np.ndarray,
    index: np.ndarray,
    value: np.ndarray,
    floor: np.ndarray,
) -> None:
    """Finish and rank a block: query rows ``start ...`` x corpus rows ``begin ...`` of a tile.

    ``tile`` holds the postings of the tile's rows, ``first ...`` (see
    :func:`sparse_row_kernel`); ``scores`` the dense part of rows ``begin ...`` (``begin >=
    first``). With ``symmetric`` only pairs (i, j), j > i, are scored, and each is offered to
    the lists of both i and j. Otherwise corpus row ``i + skip`` is not offered to query row
    ``i`` (the query rows are corpus rows ``skip ...``).
    """
    n_rows, width = scores.shape
    end = begin + width
    for r in range(n_rows):
        i = start + r
        lo = max(begin, i + 1) if symmetric else begin
        if lo >= end:
            continue
        sparse_row_kernel(query, tile, i, lo - first, buffer)
        for j in range(lo, end):
            raw = scores[r, j - begin] + buffer[j - first]
            buffer[j - first] = 0.0
            if j == i + skip:
                continue
            if raw >= floor[i] or (symmetric and raw >= floor[j]):
                rounded = np.rint(raw * _SCALE) / _SCALE
                insert_kernel(index, value, floor, i, rounded, j, k)
                if symmetric:
                    insert_kernel(index, value, floor, j, rounded, i, k)


@_jit()
def merge_kernel(
    index: np.ndarray, value: np.ndarray, floor: np.ndarray, other_index: np.ndarray, other_value: np.ndarray, k: int
) -> None:
    """Merge the lists ``other_*`` into ``index, value`` (they share no pair)."""
    for item in range(index.shape[0]):
        for t in range(k):
            if other_index[item, t] >= 0:
                insert_kernel(index, value, floor, item, other_value[item, t], other_index[item, t], k)
