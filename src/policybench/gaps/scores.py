"""The numbers of a gap analysis that other steps share: evidence weights, frontiers, adoption, exemplars.

Pure functions over arrays and the data model (METHODS §6): :mod:`.analysis` builds the gap
table with them, :mod:`.sensitivity` redraws them, :mod:`.recommend` picks exemplars.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..similarity.portfolio import counted_categories

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from ..data.model import Measure, Zone
    from .analysis import GapAnalysis

__all__ = [
    "CONFIDENCE_ORDER",
    "EVIDENCE_WEIGHTS",
    "best_exemplars",
    "exemplars_by_code",
    "frontier_scores",
    "frontier_values",
    "ranking",
    "shrunk_adoption",
    "weighted_dtf",
]

#: Evidence weight of the best exemplar, by its confidence (METHODS §6).
EVIDENCE_WEIGHTS: dict[str, float] = {"high": 1.0, "medium": 0.75, "low": 0.5}
#: Sort order of confidences, best first.
CONFIDENCE_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}

#: Columns of :meth:`GapAnalysis.table`.


def weighted_dtf(dtf: pd.Series | np.ndarray, weights: pd.Series | np.ndarray) -> float:
    """Weighted mean of DTF scores, rounded to 10 decimals so that 100 stays 100."""
    values = np.asarray(dtf, dtype=float)
    if not len(values) or float(np.sum(weights)) <= 0:
        return float("nan")
    return round(float(np.average(values, weights=np.asarray(weights, dtype=float))), 10)


def shrunk_adoption(adopted: Any, examined: Any, strength: float, base: float, zones: int = 0) -> Any:
    """The adoption share shrunk toward the base rate r (arrays too).

    ``zones`` = 0, basis "examined": (adopted + a r) / (examined + a), the share among the
    zones whose state is known. ``zones`` = |R| > 0, basis "documented": (adopted + a r) / (|R| + a),
    the share of all benchmark zones with a documented adoption (an unknown cell counts as not
    documented). 0 where nothing is known and a = 0. With a = 2 and r = 0.3, 1 of 1 examined
    gives 1.6 / 3 = 0.533 and 4 of 5 gives 4.6 / 7 = 0.657; documented among 10 zones, 1.6 / 12
    and 4.6 / 12:

    >>> round(shrunk_adoption(1, 1, 2.0, 0.3), 4), round(shrunk_adoption(4, 5, 2.0, 0.3), 4)
    (0.5333, 0.6571)
    >>> round(shrunk_adoption(1, 1, 2.0, 0.3, zones=10), 4), round(shrunk_adoption(4, 5, 2.0, 0.3, zones=10), 4)
    (0.1333, 0.3833)
    """
    num = np.asarray(adopted, dtype=float) + strength * base
    over = np.asarray(examined, dtype=float) if zones <= 0 else np.full(np.shape(examined), float(zones))
    den = over + strength
    out = np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den > 0)
    return float(out) if out.ndim == 0 else out


def frontier_values(values: np.ndarray, rule: str, benchmark: Sequence[str]) -> np.ndarray:
    """Frontier per column of benchmark rows ``values`` (NaN = not examined), by ``rule``.

    "max": the largest score among the zones that examined the category; "mean": their mean;
    a zone id of ``benchmark``: that zone's score. 0 where nobody (or the named zone did not)
    examined the category, which makes the category not applicable. ``values`` is zones x
    codes, or draws x zones x codes (the zones are always the second-to-last axis).
    """
    known = ~np.isnan(values)
    filled = np.where(known, values, 0.0)
    if rule == "max":
        return filled.max(axis=-2)
    if rule == "mean":
        n = known.sum(axis=-2)
        return np.divide(filled.sum(axis=-2), n, out=np.zeros(n.shape), where=n > 0)
    return filled[..., list(benchmark).index(rule), :]


def frontier_scores(bench: pd.DataFrame, rule: str) -> tuple[np.ndarray, list[str]]:
    """Frontier per column of the benchmark rows, and the holders (examined zones at the max)."""
    values = bench.to_numpy(dtype=float)
    best = frontier_values(values, "max", list(bench.index))
    holders = [",".join(bench.index[(values[:, j] == best[j]) & (best[j] > 0)]) for j in range(values.shape[1])]
    if rule == "max":
        return best, holders
    frontier = frontier_values(values, rule, list(bench.index))
    if rule == "mean":
        return frontier, holders
    return frontier, [rule if v > 0 else "" for v in frontier]


def best_exemplars(
    dataset: Dataset, zones: Sequence[str], code: str, statuses: Sequence[str], *, n: int = 3
) -> list[tuple[Zone, Measure]]:
    """Up to ``n`` counted measures of ``zones`` carrying ``code``: deepest, best evidenced, most recent.

    A measure whose primary category is ``code`` ranks before one that has it as secondary
    at the same depth; ties end on the measure id so the order is deterministic.
    """
    return exemplars_by_code(dataset, zones, [code], statuses, n=n)[code]


def exemplars_by_code(
    dataset: Dataset, zones: Sequence[str], codes: Sequence[str], statuses: Sequence[str], *, n: int = 3
) -> dict[str, list[tuple[Zone, Measure]]]:
    """:func:`best_exemplars` of each of ``codes``, with one pass over the zones' measures.

    The counted measures of every zone are arrays built once per dataset and status filter
    (:func:`_candidates`); each code's candidates among ``zones`` are ordered by the key (-depth,
    secondary, confidence, negated date, id) with a stable lexsort whose last key is the
    candidate's place in ``zones`` and in its file, so candidates with equal keys keep zone and
    file order, as a stable sort of them would. A zone named twice contributes its measures
    twice (the arrays are then built for that list).
    """
    owners = [dataset.zone(zone_id) for zone_id in zones]  # unknown ids raise here
    if len(set(zones)) == len(zones):
        found = _candidates(dataset, tuple(statuses))
        place = {zone_id: k for k, zone_id in enumerate(zones)}
        zone_rank = np.array([place.get(zone.id, -1) for zone in found.owners], dtype=np.int64)[found.zone_of]
        chosen = zone_rank >= 0
        order_key = zone_rank * (int(found.within.max(initial=0)) + 1) + found.within
    else:
        found = _Candidates.of(dataset, owners, tuple(statuses))
        chosen = np.ones(len(found.measures), dtype=bool)
        order_key = np.arange(len(found.measures))
    if not chosen.any():
        return {code: [] for code in codes}
    column = {code: j for j, code in enumerate(dataset.codebook.codes)}

    def ranked(code: str) -> list[tuple[Zone, Measure]]:
        j = column.get(code)
        if j is None:
            return []
        at = np.flatnonzero(found.carries[:, j] & chosen)
        # the last key sorts first: deeper, primary before secondary, confidence, more recent, id, then place
        keys = (order_key[at], found.ids[at], found.date[at], found.confidence[at], found.primary[at] != j)
        order = np.lexsort((*keys, -found.depth[at]))
        return [(found.owners[found.zone_of[i]], found.measures[i]) for i in at[order[:n]]]

    return {code: ranked(code) for code in codes}


@dataclass(frozen=True)
class _Candidates:
    """The counted measures of some zones, one row each, with what the exemplar key reads."""

    owners: tuple[Zone, ...]
    measures: tuple[Measure, ...]
    zone_of: np.ndarray  # index into owners
    within: np.ndarray  # place among its zone's counted measures
    carries: np.ndarray  # measures x codebook codes
    primary: np.ndarray
    depth: np.ndarray
    confidence: np.ndarray  # CONFIDENCE_ORDER
    date: np.ndarray  # rank of the negated start date
    ids: np.ndarray  # rank of the id

    @classmethod
    def of(cls, dataset: Dataset, owners: Sequence[Zone], statuses: tuple[str, ...]) -> _Candidates:
        parts = [counted_categories(dataset, zone.id, statuses) for zone in owners]
        measures = tuple(m for part in parts for m in part.measures)  # zone by zone, in file order
        sizes = [len(part.measures) for part in parts]
        codes = len(dataset.codebook.codes)
        confidence = np.array([CONFIDENCE_ORDER[m.confidence] for m in measures], dtype=np.int64)
        return cls(
            tuple(owners),
            measures,
            np.repeat(np.arange(len(owners)), sizes),
            np.concatenate([np.arange(size) for size in sizes]) if sizes else np.zeros(0, dtype=np.int64),
            np.concatenate([part.carries for part in parts]) if parts else np.zeros((0, codes), dtype=bool),
            np.concatenate([part.primary for part in parts]) if parts else np.zeros(0, dtype=np.int64),
            np.concatenate([part.depth for part in parts]) if parts else np.zeros(0, dtype=np.int64),
            confidence,
            _ranks([_negated_date(m.start) for m in measures]),
            _ranks([m.id for m in measures]),
        )


def _candidates(dataset: Dataset, statuses: tuple[str, ...]) -> _Candidates:
    """:class:`_Candidates` of every zone of the dataset, in its order, built once per dataset and status filter.

    Ranks of dates and ids among all candidates order any subset as ranks among the subset would.
    """
    return dataset.derived(("exemplar-candidates", statuses), lambda: _Candidates.of(dataset, dataset.zones, statuses))


def _ranks(values: Sequence[Any]) -> np.ndarray:
    """Each value's position among the distinct values, sorted as Python sorts them (equal values, equal ranks)."""
    position = {value: k for k, value in enumerate(sorted(set(values)))}
    return np.array([position[value] for value in values], dtype=np.int64)


@functools.lru_cache(maxsize=4096)  # a few hundred distinct dates, read for every exemplar candidate
def _negated_date(start: str | None) -> tuple[int, ...]:
    """Sort key that puts recent dates first and unknown dates last."""
    if not start:
        return (1, 0, 0, 0)
    parts = [int(p) for p in start.split("-")] + [0, 0]
    return (0, -parts[0], -parts[1], -parts[2])


def ranking(gap: GapAnalysis) -> pd.DataFrame:
    """Applicable categories known for the target with a positive priority, highest first (ties: code)."""
    table = gap.known_table()
    table = table[table["priority"] > 0]
    return table.sort_values(["priority", "code"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
