"""The portfolio matrix and the state of each cell (METHODS §1 and §10).

A zone x category cell is **present** (a counted measure carries the category, or a national
duty is in force), **absent** (an ``absent`` entry with evidence or a search record),
**not-applicable** or **unknown**; the rules are defined once, in
:mod:`policybench.data.states`. Unknown and not-applicable cells are never read as zero unless
the caller asks for it (``unknown="zero"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .._params import (
    STATUS,
    ZONES,
    Instance,
    Options,
    Real,
    check_status,
    validate_params,
)
from ..data.codebook import is_counted
from ..data.states import CELL_STATES

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from ..data.model import Measure

__all__ = ["STATES", "portfolio_matrix", "scope_matrix"]

#: The states of a zone x category cell (defined in policybench.data.states).
STATES: tuple[str, ...] = CELL_STATES
#: Positions of two states in :data:`STATES` (the values of :func:`state_codes`).
UNKNOWN, NOT_APPLICABLE = CELL_STATES.index("unknown"), CELL_STATES.index("not-applicable")


@validate_params({"dataset": Instance("Dataset"), "status": STATUS, "zones": ZONES})
def scope_matrix(
    dataset: Dataset,
    *,
    status: Sequence[str] | str | None = None,
    zones: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Zones x categories matrix of states: "present", "absent", "unknown" or "not-applicable".

    present: a measure with a status in ``status`` carries the category (primary or
    secondary), or the category is a national duty in force at the zone's date and no
    ``absent`` entry says otherwise. absent: an ``absent`` entry (evidence or a search
    record). not-applicable: by the codebook's ``not_applicable_to`` or the zone's
    ``not_applicable``. unknown: everything else; ``scope.examined`` no longer makes silence
    absent (data format 2.0). See :mod:`policybench.data.states`.

    Parameters
    ----------
    dataset : Dataset
        The codebook and zones.
    status : sequence of str
        Statuses counted (default None: the codebook's counted statuses).
    zones : sequence of str, optional
        Zone ids (rows) in this order; default: every zone of the dataset.

    Returns
    -------
    pandas.DataFrame
        Index ``zone_id``, columns every category code (codebook order), values in
        ``STATES``.

    Examples
    --------
    >>> from policybench import load_dataset
    >>> states = scope_matrix(load_dataset())
    >>> states.loc["tianjin-htz", "DEL.PROVINCIAL_POWERS"]  # a province-level city
    'not-applicable'
    >>> states.loc["tianjin-htz", "GOV.STATUTORY_BODY"]
    'present'
    """
    statuses = check_status(dataset.codebook, status, "scope_matrix")
    zone_ids = list(dataset.zone_ids if zones is None else zones)
    codes = list(dataset.codebook.codes)
    names = np.array(CELL_STATES, dtype=object)
    values = names[state_codes(dataset, zone_ids, statuses)] if zone_ids else np.empty((0, len(codes)), dtype=object)
    rows = values.tolist()
    frame = pd.DataFrame(rows, index=pd.Index(zone_ids, name="zone_id"), columns=pd.Index(codes, name="code"))
    return frame


def state_codes(dataset: Dataset, zone_ids: Sequence[str], statuses: Sequence[str]) -> np.ndarray:
    """Zones x codebook codes: the position in :data:`CELL_STATES` of each cell's state (int8).

    Each zone's row is computed once per dataset and status filter (from :meth:`Dataset.states`).
    The zones must exist (checked by the caller).
    """
    statuses = tuple(statuses)
    if not zone_ids:
        return np.zeros((0, len(dataset.codebook.codes)), dtype=np.int8)
    return np.vstack([_state_row(dataset, zone_id, statuses) for zone_id in zone_ids])


def _state_row(dataset: Dataset, zone_id: str, statuses: tuple[str, ...]) -> np.ndarray:
    def make() -> np.ndarray:
        found = dataset.states(zone_id, statuses).states
        position = {state: k for k, state in enumerate(CELL_STATES)}
        row = np.array([position[found[c]] for c in dataset.codebook.codes], dtype=np.int8)
        row.setflags(write=False)
        return row

    return dataset.derived(("state-codes", zone_id, statuses), make)


def counted_measures(dataset: Dataset, zone_id: str, statuses: Sequence[str]) -> tuple[Measure, ...]:
    """The measures of a zone that count (:func:`~policybench.data.codebook.is_counted`), in file order.

    Computed once per dataset, zone and status filter: every module that walks the counted
    measures of many zones (portfolios, alignments, frontiers, robustness draws) reads this.
    """
    statuses = tuple(statuses)

    def make() -> tuple[Measure, ...]:
        return tuple(m for m in dataset.zone(zone_id).measures if is_counted(m, statuses))

    return dataset.derived(("counted-measures", zone_id, statuses), make)


@dataclass(frozen=True)
class CountedCategories:
    """The counted measures of one zone as arrays over the codebook's codes (read-only).

    Attributes
    ----------
    measures : tuple of Measure
        :func:`counted_measures` of the zone, in file order.
    carries : numpy.ndarray
        measures x codes, True where the measure carries the code (primary or secondary).
    primary : numpy.ndarray
        Position of each measure's primary category among the codes.
    carried : numpy.ndarray
        codes: 1.0 where some counted measure carries the code, else 0.0.
    depth, confidence : numpy.ndarray
        Each measure's depth (int) and confidence (str).
    """

    measures: tuple[Measure, ...]
    carries: np.ndarray
    primary: np.ndarray
    carried: np.ndarray
    depth: np.ndarray
    confidence: np.ndarray


def counted_categories(dataset: Dataset, zone_id: str, statuses: Sequence[str]) -> CountedCategories:
    """:class:`CountedCategories` of a zone, computed once per dataset and status filter."""
    statuses = tuple(statuses)

    def make() -> CountedCategories:
        measures = counted_measures(dataset, zone_id, statuses)
        column = _code_columns(dataset)
        rows: list[int] = []
        cols: list[int] = []
        for i, m in enumerate(measures):
            for c in m.categories:
                if c in column:
                    rows.append(i)
                    cols.append(column[c])
        carries = np.zeros((len(measures), len(column)), dtype=bool)
        carries[rows, cols] = True
        primary = np.array([column.get(m.category, -1) for m in measures], dtype=np.int64)
        carried = np.array(carries.any(axis=0), dtype=np.float64)
        depth = np.array([m.depth for m in measures], dtype=np.int64)
        confidence = np.array([m.confidence for m in measures], dtype=str)
        for array in (carries, primary, carried, depth, confidence):
            array.setflags(write=False)
        return CountedCategories(measures, carries, primary, carried, depth, confidence)

    return dataset.derived(("counted-categories", zone_id, statuses), make)


def _code_columns(dataset: Dataset) -> dict[str, int]:
    """Codebook code -> its position (once per dataset; do not change the dict)."""
    return dataset.derived("code-columns", lambda: {code: j for j, code in enumerate(dataset.codebook.codes)})


def carried_codes(dataset: Dataset, zone_ids: Sequence[str], statuses: Sequence[str]) -> np.ndarray:
    """Zones x codebook codes, 1.0 where a counted measure of the zone carries the code (primary or secondary).

    Each zone's row is computed once per dataset and status filter.
    """
    if not zone_ids:
        return np.zeros((0, len(dataset.codebook.codes)))
    return np.vstack([counted_categories(dataset, zone_id, statuses).carried for zone_id in zone_ids])


def _portfolio_row(dataset: Dataset, zone_id: str, statuses: tuple[str, ...], secondary_weight: float) -> np.ndarray:
    """One zone's row of :func:`portfolio_matrix` before unknown cells are set to NaN (computed once, read-only)."""

    def make() -> np.ndarray:
        column = _code_columns(dataset)
        row = np.zeros(len(column))
        top = float(dataset.codebook.max_depth)
        duty = 1.0 / top  # a national duty in force: depth 1 (on paper, binding) unless a measure says more
        for code in dataset.states(zone_id, statuses).by_duty:
            row[column[code]] = duty
        for measure in counted_measures(dataset, zone_id, statuses):
            for role, code in [(1.0, measure.category), *[(float(secondary_weight), c) for c in measure.secondary]]:
                j = column[code]
                row[j] = max(row[j], measure.depth / top * role)
        row.setflags(write=False)
        return row

    return dataset.derived(("portfolio-row", zone_id, statuses, float(secondary_weight)), make)


@validate_params(
    {
        "dataset": Instance("Dataset"),
        "level": Options("category", "domain"),
        "status": STATUS,
        "secondary_weight": Real(0, 1),
        "domain_rollup": Options("mean", "max"),
        "zones": ZONES,
        "unknown": Options("nan", "zero"),
    }
)
def portfolio_matrix(
    dataset: Dataset,
    *,
    level: Literal["category", "domain"] = "category",
    status: Sequence[str] | str | None = None,
    secondary_weight: float = 0.5,
    domain_rollup: Literal["mean", "max"] = "mean",
    zones: Sequence[str] | None = None,
    unknown: Literal["nan", "zero"] = "nan",
) -> pd.DataFrame:
    """Zones x codes matrix of how far each zone has gone, in [0, 1]; NaN where unknown.

    s(z, c) = max over the zone's measures m counted by ``status`` that carry c of
    d(m) / d_max x r(m, c), with r = 1 for the primary category and ``secondary_weight``
    for a secondary one; 1 / d_max (depth 1) for a national duty in force that no measure
    carries; 0 where the state is absent; NaN where it is unknown or not applicable (see
    :func:`scope_matrix`). At domain level, the mean (or max) of the domain's known
    categories (NaN when all are unknown).

    Parameters
    ----------
    dataset : Dataset
        The codebook and zones.
    level : {"category", "domain"}
        Columns are categories, or domains (rolled up).
    status : sequence of str
        Statuses counted (default None: the codebook's counted statuses).
    secondary_weight : float
        Credit for a secondary category, in [0, 1].
    domain_rollup : {"mean", "max"}
        How a domain's score is made from its categories' scores.
    zones : sequence of str, optional
        Zone ids (rows) in this order; default: every zone of the dataset.
    unknown : {"nan", "zero"}
        "nan" (default) leaves unknown and not-applicable cells NaN. "zero" reads every cell
        without a counted measure (or duty) as 0, as versions before 0.2 did: it treats
        "nobody looked" as "not done".

    Returns
    -------
    pandas.DataFrame
        Index ``zone_id`` (dataset order), columns every codebook code (codebook order) at
        that level.

    Examples
    --------
    >>> from policybench import load_dataset
    >>> p = portfolio_matrix(load_dataset())
    >>> float(p.loc["tianjin-htz", "DEL.MUNICIPAL_POWERS"])
    1.0
    """
    statuses = check_status(dataset.codebook, status, "portfolio_matrix")
    zone_ids = list(dataset.zone_ids if zones is None else zones)
    for zone_id in zone_ids:
        dataset.zone(zone_id)  # raises UnknownIdError with a suggestion
    codes = list(dataset.codebook.codes)
    values = np.zeros((len(zone_ids), len(codes)))
    for i, zone_id in enumerate(zone_ids):  # each zone's row computed once per dataset and setting
        values[i] = _portfolio_row(dataset, zone_id, statuses, secondary_weight)
    if unknown == "nan":
        states = state_codes(dataset, zone_ids, statuses)
        values[(states == UNKNOWN) | (states == NOT_APPLICABLE)] = np.nan
    frame = pd.DataFrame(values, index=pd.Index(zone_ids, name="zone_id"), columns=pd.Index(codes, name="code"))
    if level == "domain":
        domains = [c.split(".")[0] for c in codes]
        grouped = frame.T.groupby(domains, sort=False)
        frame = (grouped.mean() if domain_rollup == "mean" else grouped.max()).T
        frame = frame[list(dataset.codebook.domain_codes)]
        frame.columns.name = "domain"
    return frame
