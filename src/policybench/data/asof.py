"""The data as it stood at a date: every zone's state before a reform, for as-of analyses and backtests.

Rules (docs/methods.md §12), applied to each zone file:

- a measure whose ``start`` could have fallen on or before the date (the first day its
  precision allows is not after the date's last day) is in place; a later one is left out;
- a measure without a ``start`` is left out: nothing says it was in place at an earlier date;
- a measure that has ended by the date (``end`` on or before it) is discontinued then; a
  discontinued measure whose end is after the date was still running: it counts as implemented;
- ``absent``, ``unknown`` and ``not_applicable`` entries are kept (a reform not done at the
  coding date was not done earlier either); ``scope.as_of`` becomes the date, so national
  duties apply only from their own dates;
- a zone established after the date is left out of the dataset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError
from .model import Measure, Scope, Zone, coerce_partial_date, date_bounds

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["dataset_as_of", "measure_as_of", "zone_as_of"]


def _checked(date: object) -> str:
    try:
        value = coerce_partial_date(date)
    except ValueError as exc:
        raise InputError(
            f"The 'as_of' date must be YYYY, YYYY-MM or YYYY-MM-DD ({exc}). Got {date!r} instead."
        ) from None
    if not isinstance(value, str):
        raise InputError(f"The 'as_of' date must be YYYY, YYYY-MM or YYYY-MM-DD. Got {date!r} instead.")
    return value


def measure_as_of(measure: Measure, date: str) -> Measure | None:
    """The measure as it stood at ``date`` (None when it was not yet in place or has no start).

    >>> from policybench import load_dataset
    >>> m = load_dataset().measure("tianjin-htz.haitai-mixed-ownership-attempt")
    >>> (m.status, measure_as_of(m, "2018-06").status, measure_as_of(m, "2016") is None)
    ('discontinued', 'implemented', True)
    """
    last = date_bounds(date)[1]
    if measure.start is None or date_bounds(measure.start)[0] > last:
        return None
    if measure.end is not None and date_bounds(measure.end)[0] <= last:
        return measure if measure.status == "discontinued" else measure.model_copy(update={"status": "discontinued"})
    if measure.status == "discontinued":
        return measure.model_copy(update={"status": "implemented"})
    return measure


def zone_as_of(zone: Zone, date: str) -> Zone | None:
    """The zone as it stood at ``date`` (None when it was established later)."""
    day = _checked(date)
    if zone.established is not None and date_bounds(zone.established)[0] > date_bounds(day)[1]:
        return None
    measures = [m for m in (measure_as_of(m, day) for m in zone.measures) if m is not None]
    scope = zone.scope.model_copy(update={"as_of": day}) if zone.scope is not None else Scope(as_of=day)
    return zone.model_copy(update={"measures": measures, "scope": scope})


def dataset_as_of(dataset: Dataset, date: str) -> Dataset:
    """The dataset as it stood at ``date``: every zone by :func:`zone_as_of`, later zones left out."""
    day = _checked(date)
    zones = [z for z in (zone_as_of(zone, day) for zone in dataset.zones) if z is not None]
    if not zones:
        raise InputError(f"no zone of the dataset existed by {day}")
    return dataset.replace_zones(zones)
