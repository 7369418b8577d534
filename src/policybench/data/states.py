"""The state of every zone x category cell: one definition, read by every analysis.

A cell is

- **present**: a measure with a counted status carries the category (primary or secondary),
  or the category is a national duty in force at the zone's date and no evidence says the
  zone does not meet it;
- **absent**: an ``absent`` entry shows it is not done (a source that says so, or a search
  record), or a measure of the zone that the status filter does not count carries it (a
  proposed measure is a plan that lists it as future work, a discontinued one a report that
  it ended: coding protocol K4), and no counted measure carries it;
- **not-applicable**: the codebook marks the category not applicable to zones of this kind or
  place (``not_applicable_to``), or the zone file lists it under ``not_applicable``;
- **unknown**: everything else. Silence is never absence: ``scope.examined`` records what was
  read, and since data format 2.0 it no longer turns silence into absence.

The core checklist (codebook categories with ``core: true``) is what every coding must decide;
:func:`core_coverage` counts how much of it a zone file decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .codebook import is_counted
from .model import Category, Codebook, Zone, date_bounds

__all__ = [
    "CELL_STATES",
    "KNOWN_STATES",
    "PROVINCE_LEVEL_CITIES",
    "CoreCoverage",
    "ZoneStates",
    "applicability_tags",
    "core_coverage",
    "duty_in_force",
    "zone_states",
]

#: The four states of a zone x category cell, in display order.
CELL_STATES: tuple[str, ...] = ("present", "absent", "unknown", "not-applicable")
#: States that count as known on the checklist.
KNOWN_STATES: frozenset[str] = frozenset({"present", "absent", "not-applicable"})
#: Province-level cities (直辖市): a zone there has no provincial level above its city.
PROVINCE_LEVEL_CITIES: frozenset[str] = frozenset(
    {"北京市", "天津市", "上海市", "重庆市", "北京", "天津", "上海", "重庆"}
)


@dataclass(frozen=True)
class ZoneStates:
    """The states of one zone's cells and why each known one is known.

    Attributes
    ----------
    states : dict
        Category code -> one of :data:`CELL_STATES`, for every codebook category.
    by_duty : frozenset of str
        Codes present only because a national duty is in force (no counted measure carries them).
    not_applicable_by : dict
        Code -> "codebook" (the codebook's rule) or "zone" (the zone file's ``not_applicable``).
    """

    states: dict[str, str]
    by_duty: frozenset[str]
    not_applicable_by: dict[str, str]


@dataclass(frozen=True)
class CoreCoverage:
    """How much of the core checklist one zone file decides."""

    zone_id: str
    present: int
    absent: int
    unknown: int
    not_applicable: int
    silent: tuple[str, ...]  # core codes with no state given at all (unknown without a note)

    @property
    def total(self) -> int:
        """Core categories in the codebook."""
        return self.present + self.absent + self.unknown + self.not_applicable

    @property
    def known(self) -> int:
        """Core cells known: present, absent or not applicable."""
        return self.present + self.absent + self.not_applicable

    @property
    def known_share(self) -> float:
        """Share of the core cells known (0 when the codebook has no core category)."""
        return self.known / self.total if self.total else 0.0


def applicability_tags(zone: Zone) -> frozenset[str]:
    """The tags a codebook's ``not_applicable_to`` is matched against: the zone's kind and its place.

    >>> from policybench import load_dataset
    >>> sorted(applicability_tags(load_dataset().zone("tianjin-htz")))
    ['national-high-tech-zone', 'province-level-city']
    """
    tags: set[str] = {zone.kind}
    if zone.region.province.zh.strip() in PROVINCE_LEVEL_CITIES:
        tags.add("province-level-city")
    return frozenset(tags)


def duty_in_force(category: Category, as_of: str | None) -> bool:
    """Whether the category's national duty binds at ``as_of`` (a partial date; None: now in the data).

    A duty binds from the first day of its date; a partial ``as_of`` stands for its last day,
    so a duty of 2020-01-01 binds a zone coded "as of 2020".

    >>> from policybench import load_codebook
    >>> cat = load_codebook().category("INS.INCLUSIVE_REGULATION")
    >>> duty_in_force(cat, "2019-06"), duty_in_force(cat, "2020")
    (False, True)
    """
    duty = category.national_duty
    if duty is None:
        return False
    if as_of is None:
        return True
    return date_bounds(duty.since)[0] <= date_bounds(as_of)[1]


def zone_states(codebook: Codebook, zone: Zone, statuses: Iterable[str], *, as_of: str | None = None) -> ZoneStates:
    """The state of each of the zone's cells (see the module docstring for the rules).

    ``as_of`` dates the duties (default: the zone's ``scope.as_of``, else in force). The
    order of precedence is: a counted measure (present); an ``absent`` entry (absent); not
    applicable; a national duty in force (present); a measure the filter does not count
    (absent); else unknown. A machine draft awaiting review (``review: pending``) is no evidence either way.
    """
    counted = tuple(statuses)
    carried = {code for m in zone.measures if is_counted(m, counted) for code in m.categories}
    uncounted = {code for m in zone.measures if m.review != "pending" for code in m.categories} - carried
    absent = {a.code for a in zone.absent}
    listed_na = {n.code for n in zone.not_applicable}
    tags = applicability_tags(zone)
    when = as_of if as_of is not None else (zone.scope.as_of if zone.scope is not None else None)
    states: dict[str, str] = {}
    by_duty: set[str] = set()
    na_by: dict[str, str] = {}
    for cat in codebook.categories:
        code = cat.code
        if code in carried:
            states[code] = "present"
        elif code in absent:
            states[code] = "absent"
        elif tags.intersection(cat.not_applicable_to) or code in listed_na:
            states[code] = "not-applicable"
            na_by[code] = "codebook" if tags.intersection(cat.not_applicable_to) else "zone"
        elif duty_in_force(cat, when):  # a plan to do more is no evidence that the duty is not met
            states[code] = "present"
            by_duty.add(code)
        elif code in uncounted:
            states[code] = "absent"
        else:
            states[code] = "unknown"
    return ZoneStates(states, frozenset(by_duty), na_by)


def core_coverage(codebook: Codebook, zone: Zone, statuses: Iterable[str]) -> CoreCoverage:
    """Count the zone's core cells by state; ``silent`` lists core codes left without any state or note."""
    found = zone_states(codebook, zone, statuses)
    noted = {u.code for u in zone.unknown}
    core = [c.code for c in codebook.categories if c.core]
    counts = {s: sum(found.states[c] == s for c in core) for s in CELL_STATES}
    silent = tuple(c for c in core if found.states[c] == "unknown" and c not in noted)
    return CoreCoverage(
        zone.id, counts["present"], counts["absent"], counts["unknown"], counts["not-applicable"], silent
    )
