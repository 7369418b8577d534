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

__all__ = ["block_kernel", "cursor_kernel", "from_postings_kernel", "merge_kernel", "numba", "to_postings_kernel"]

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
def cursor_kernel(
    query: CSRArrays, postings: CSRArrays, start: int, stop: int, symmetric: bool, in_place: bool
) -> tuple[np.ndarray, np.ndarray]:
    """For each entry of query rows ``start:stop``: where its column's postings reach the targets, and end.

    Targets are every corpus row, or with ``symmetric`` the rows after the query row. With
    ``in_place`` (see :func:`to_postings_kernel`) the query is the corpus itself and its
    indices are the entries' own places in the postings.
    """
    q_indptr, q_indices, _ = query
    c_indptr, c_indices, _ = postings
    base = q_indptr[start]
    cursor = np.zeros(q_indptr[stop] - base, dtype=np.int64)
    ends = np.zeros(q_indptr[stop] - base, dtype=np.int64)
    for i in range(start, stop):
        for p in range(q_indptr[i], q_indptr[i + 1]):
            if in_place:
                at = q_indices[p]  # row i's own posting: the rows after i follow it
                column = lower_bound_kernel(c_indptr, 0, c_indptr.size, at + 1) - 1
                cursor[p - base], ends[p - base] = at + 1, c_indptr[column + 1]
                continue
            lo, hi = c_indptr[q_indices[p]], c_indptr[q_indices[p] + 1]
            cursor[p - base] = lower_bound_kernel(c_indices, lo, hi, i + 1) if symmetric else lo
            ends[p - base] = hi
    return cursor, ends


@_jit()
def to_postings_kernel(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, starts: np.ndarray, rows: np.ndarray, state: np.ndarray
) -> None:
    """Turn a CSR matrix into its postings in place, but for the rows (a counting sort by column).

    ``starts`` (the postings' indptr less its last item, a copy) is used up; ``rows`` gets,
    column by column, the rows holding it, ascending. ``data`` is reordered in place to the
    postings' order, and ``indices[p]`` becomes the place of entry ``p`` in the postings, so
    that row ``i``'s values are still found from ``indptr``: the sparse part is held once
    plus the rows. :func:`from_postings_kernel` undoes it exactly. ``state[0]`` is set to 1
    at the end (the kernel runs through before Python handles a signal, so ``state`` tells
    whether the arrays are in postings order).
    """
    for i in range(indptr.size - 1):
        for p in range(indptr[i], indptr[i + 1]):
            at = starts[indices[p]]
            starts[indices[p]] = at + 1
            rows[at] = i
            indices[p] = at
    for first in range(data.size):  # data[indices[p]] = old data[p], cycle by cycle; ~at marks done
        if indices[first] < 0:
            continue
        current, carried = first, data[first]
        while True:
            target = indices[current]
            indices[current] = ~target
            if target == first:
                data[first] = carried
                break
            data[target], carried = carried, data[target]
            current = target
    for p in range(indices.size):
        indices[p] = ~indices[p]
    state[0] = 1


@_jit()
def from_postings_kernel(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, c_indptr: np.ndarray, state: np.ndarray
) -> None:
    """Undo :func:`to_postings_kernel`: the values back in row order, ``indices`` back to columns; ``state[0] = 0``."""
    for first in range(data.size):  # data[p] = postings data[indices[p]], cycle by cycle
        if indices[first] < 0:
            continue
        current, kept = first, data[first]
        while True:
            source = indices[current]
            indices[current] = ~source
            if source == first:
                data[current] = kept
                break
            data[current] = data[source]
            current = source
    for i in range(indptr.size - 1):
        lo = 0
        for p in range(indptr[i], indptr[i + 1]):
            at = ~indices[p]
            column = lower_bound_kernel(c_indptr, lo, c_indptr.size, at + 1) - 1
            indices[p] = column
            lo = column
    state[0] = 0


@_jit()
def sparse_row_kernel(
    query: CSRArrays,
    postings: CSRArrays,
    in_place: bool,
    i: int,
    stop: int,
    offset: int,
    cursor: np.ndarray,
    ends: np.ndarray,
    base: int,
    buffer: np.ndarray,
) -> None:
    """Sum query row ``i``'s products with targets up to ``stop`` into ``buffer[target - offset]``.

    ``cursor[p - base]`` is where entry ``p``'s postings resume; it moves past the targets
    done; ``ends[p - base]`` is where they end. Terms are added column by column, the order
    the scipy engine uses. With ``in_place`` the value of entry ``p`` is read from the
    postings (see :func:`to_postings_kernel`); it is the same value.
    """
    q_indptr, q_indices, q_data = query
    _, c_indices, c_data = postings
    for p in range(q_indptr[i], q_indptr[i + 1]):
        begin, end = cursor[p - base], ends[p - base]
        value = c_data[q_indices[p]] if in_place else q_data[p]
        if begin < end and c_indices[end - 1] >= stop:
            end = lower_bound_kernel(c_indices, begin, end, stop)
        for q in range(begin, end):
            buffer[c_indices[q] - offset] += value * c_data[q]
        cursor[p - base] = end


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
    postings: CSRArrays,
    in_place: bool,
    start: int,
    first: int,
    symmetric: bool,
    skip: int,
    k: int,
    cursor: np.ndarray,
    ends: np.ndarray,
    buffer: np.ndarray,
    index: np.ndarray,
    value: np.ndarray,
    floor: np.ndarray,
) -> None:
    """Finish and rank a block: query rows ``start ...`` x corpus rows ``first ...``.

    ``scores`` holds the dense part; ``in_place``, ``cursor`` and ``ends`` are as in
    :func:`sparse_row_kernel`. With ``symmetric`` only pairs (i, j), j > i, are scored,
    and each is offered to the lists of both i and j. Otherwise corpus row ``i + skip`` is
    not offered to query row ``i`` (the query rows are corpus rows ``skip ...``).
    """
    n_rows, width = scores.shape
    base = query[0][start]
    for r in range(n_rows):
        i = start + r
        lo = max(first, i + 1) if symmetric else first
        if lo >= first + width:
            continue
        sparse_row_kernel(query, postings, in_place, i, first + width, first, cursor, ends, base, buffer)
        for t in range(lo - first, width):
            raw = scores[r, t] + buffer[t]
            buffer[t] = 0.0
            if first + t == i + skip:
                continue
            if raw >= floor[i] or (symmetric and raw >= floor[first + t]):
                rounded = np.rint(raw * _SCALE) / _SCALE
                insert_kernel(index, value, floor, i, rounded, first + t, k)
                if symmetric:
                    insert_kernel(index, value, floor, first + t, rounded, i, k)


@_jit()
def merge_kernel(
    index: np.ndarray, value: np.ndarray, floor: np.ndarray, other_index: np.ndarray, other_value: np.ndarray, k: int
) -> None:
    """Merge the lists ``other_*`` into ``index, value`` (they share no pair)."""
    for item in range(index.shape[0]):
        for t in range(k):
            if other_index[item, t] >= 0:
                insert_kernel(index, value, floor, item, other_value[item, t], other_index[item, t], k)
