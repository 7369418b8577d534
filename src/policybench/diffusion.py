"""Diffusion of reform measures: who adopted a category first, who followed, and who cited whom.

Dates in the data have a precision (``2019``, ``2019-07`` or ``2019-07-15``), so each date is an
interval of days (:func:`policybench.data.model.date_bounds`). Nothing here guesses a day inside
that interval:

- zone A *certainly precedes* zone B when A's interval ends before B's begins;
- the adoption ``order`` of a zone is 1 + the number of adopters that certainly precede it,
  so zones whose dates overlap share a rank (``2019`` and ``2019-07`` are tied);
- a lag is the range of day differences both dates allow: ``lag_min_days`` =
  start(B) - end(first), ``lag_max_days`` = end(B) - start(first);
- a zone *leads* a national direction when its adoption certainly precedes the direction's
  date, *lags* it when it certainly follows, and is ``same-period`` otherwise;
- measures without a start date are listed by :meth:`Diffusion.undated_table`, never placed.

Adopters are the zones of every kind except ``national-policy``, whose measures are the
national directions. A zone adopts a category with its earliest dated measure carrying it
(primary category, or secondary ones too with ``secondary=True``) whose status is in
``status`` (default: every status except ``proposed``; a discontinued measure was adopted
before it ended).
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._params import STATUS, Bool, Instance, Maybe, Str, StrOrStrs, check_status, validate_params
from .data.codebook import is_counted
from .data.model import date_bounds
from .errors import InputError, UnknownIdError

if TYPE_CHECKING:
    import pandas as pd

    from .data.dataset import Dataset
    from .data.model import Measure, Zone

__all__ = ["Diffusion", "diffusion", "precision"]

NATIONAL_KIND = "national-policy"
TABLES = ("adoptions", "first", "national", "edges", "undated")

ADOPTION_COLUMNS = [
    "code",
    "order",
    "zone_id",
    "zone_kind",
    "measure_id",
    "status",
    "start",
    "precision",
    "earliest",
    "latest",
    "lag_min_days",
    "lag_max_days",
    "vs_national",
]


@validate_params({"date": Str()})
def precision(date: str) -> str:
    """The precision of a partial date: ``"year"``, ``"month"`` or ``"day"``.

    >>> precision("2019"), precision("2019-07"), precision("2019-07-15")
    ('year', 'month', 'day')
    """
    return ("year", "month", "day")[date.count("-")]


def _relation(a: tuple[_dt.date, _dt.date], b: tuple[_dt.date, _dt.date]) -> str:
    """'lead' when interval a certainly precedes b, 'lag' when it certainly follows, else 'same-period'."""
    if a[1] < b[0]:
        return "lead"
    if a[0] > b[1]:
        return "lag"
    return "same-period"


@dataclass(frozen=True)
class Diffusion:
    """Adoption order, national directions and ``inspired_by`` links of some categories.

    Build it with :func:`diffusion`. Every table is a DataFrame; :meth:`table` picks one by name.
    """

    codes: tuple[str, ...]
    params: dict[str, Any]
    _adoptions: list[dict[str, Any]] = field(repr=False)
    _national: list[dict[str, Any]] = field(repr=False)
    _edges: list[dict[str, Any]] = field(repr=False)
    _undated: list[dict[str, Any]] = field(repr=False)

    def adoption_table(self) -> pd.DataFrame:
        """One row per (category, adopting zone), in adoption order.

        Columns: code, order (1 + adopters that certainly came earlier; ties share it),
        zone_id, zone_kind, measure_id (the zone's earliest dated measure in the category),
        status, start (as recorded), precision, earliest and latest (the day interval, ISO),
        lag_min_days and lag_max_days (against the first adopter; 0 for it), vs_national
        ('lead', 'lag', 'same-period', or None when no national direction names the category).
        """
        import pandas as pd

        return pd.DataFrame(self._adoptions, columns=ADOPTION_COLUMNS)

    def first_table(self) -> pd.DataFrame:
        """The first adopters of each category (several when their dates tie).

        Columns: code, zone_id, measure_id, start, precision, adopters (number of zones).
        """
        import pandas as pd

        adoptions = self.adoption_table()
        counts = adoptions.groupby("code")["zone_id"].count()
        first = adoptions[adoptions["order"] == 1][["code", "zone_id", "measure_id", "start", "precision"]].copy()
        first["adopters"] = first["code"].map(counts).astype("int64")
        columns = ["code", "zone_id", "measure_id", "start", "precision", "adopters"]
        return pd.DataFrame(first, columns=columns).reset_index(drop=True)

    def national_table(self) -> pd.DataFrame:
        """National directions of the categories, dated against the zones' adoptions.

        Columns: code, measure_id, status, start, precision, leading (zones that adopted
        certainly before the direction), same_period, lagging (certainly after); the three
        are lists of zone ids.
        """
        import pandas as pd

        columns = ["code", "measure_id", "status", "start", "precision", "leading", "same_period", "lagging"]
        return pd.DataFrame(self._national, columns=columns)

    def edge_table(self) -> pd.DataFrame:
        """The ``inspired_by`` links as edges of a graph (follower -> model), any status.

        Columns: code (the follower's category), source_zone, source_measure (the cited
        measure, or the source zone's earliest dated measure in ``code`` when a zone is cited,
        else None), source_start, target_zone, target_measure, target_status, target_start,
        generation (1 for a link to a measure that follows nobody; n + 1 for one that
        follows a link of generation n).
        """
        import pandas as pd

        columns = [
            "code",
            "source_zone",
            "source_measure",
            "source_start",
            "target_zone",
            "target_measure",
            "target_status",
            "target_start",
            "generation",
        ]
        return pd.DataFrame(self._edges, columns=columns)

    def undated_table(self) -> pd.DataFrame:
        """Measures of the categories that have no start date (listed, not placed in any order).

        Columns: code, zone_id, measure_id, status.
        """
        import pandas as pd

        return pd.DataFrame(self._undated, columns=["code", "zone_id", "measure_id", "status"])

    @validate_params({"name": Str()}, name="Diffusion.table")
    def table(self, name: str) -> pd.DataFrame:
        """One of the tables by name: adoptions, first, national, edges or undated."""
        getters = {
            "adoptions": self.adoption_table,
            "first": self.first_table,
            "national": self.national_table,
            "edges": self.edge_table,
            "undated": self.undated_table,
        }
        if name not in getters:
            raise InputError(
                f"The 'name' parameter of Diffusion.table must be one of {set(TABLES)}. Got {name!r} instead."
            )
        return getters[name]()

    def __repr__(self) -> str:
        zones = len({(r["code"], r["zone_id"]) for r in self._adoptions})
        return (
            f"<Diffusion: {len(self.codes)} categories, {zones} adoptions, {len(self._national)} national directions, "
            f"{len(self._edges)} links, {len(self._undated)} undated>"
        )


def _check(dataset: Dataset, codes: Sequence[str] | None, status: Sequence[str] | None) -> tuple[tuple[str, ...], ...]:
    known = dataset.codebook.codes
    if codes is None:
        chosen = tuple(known)
    else:
        if isinstance(codes, str):
            codes = [codes]
        unknown = [c for c in codes if c not in known]
        if unknown:
            from .data.documents import suggest

            hint = suggest(unknown[0], known)
            raise UnknownIdError(f"unknown category code '{unknown[0]}'" + (f" ({hint})" if hint else ""))
        chosen = tuple(dict.fromkeys(codes))
    if status is None:  # adoption history: what was piloted, implemented or later discontinued
        return chosen, tuple(s for s in dataset.codebook.status_codes if s != "proposed")
    return chosen, check_status(dataset.codebook, status, "diffusion")


def _carries(measure: Measure, code: str, secondary: bool) -> bool:
    return measure.category == code or (secondary and code in measure.secondary)


@validate_params(
    {
        "dataset": Instance("Dataset"),
        "codes": Maybe(StrOrStrs("category or domain codes")),
        "status": STATUS,
        "secondary": Bool(),
    }
)
def diffusion(
    dataset: Dataset,
    codes: Sequence[str] | str | None = None,
    *,
    status: Sequence[str] | None = None,
    secondary: bool = False,
) -> Diffusion:
    """Who adopted each category first, the order and lags, national directions and links.

    Parameters
    ----------
    dataset : Dataset
        The zones and their measures.
    codes : str or sequence of str, optional
        Category codes (default: every category of the codebook).
    status : sequence of str, optional
        Statuses that count as an adoption (default: every status except ``proposed``).
    secondary : bool
        Count measures that carry the category as a secondary one too (default False).

    Returns
    -------
    Diffusion

    Examples
    --------
    >>> from policybench import load_dataset
    >>> d = diffusion(load_dataset(), "HR.COMPETITIVE_APPOINTMENT")
    >>> d.adoption_table()[["order", "zone_id", "start"]].head(4).values.tolist()  # the first adopters
    [[1, 'donghu-htz', '2015-03-01'], [2, 'jinan-htz', '2016'], [3, 'tianjin-htz', '2019-07'], [3, 'tianjin-teda', '2019-07']]
    """
    chosen, statuses = _check(dataset, codes, status)
    adoptions: list[dict[str, Any]] = []
    national: list[dict[str, Any]] = []
    undated: list[dict[str, Any]] = []
    for code in chosen:
        ordered, led, missing = _of_code(dataset, code, statuses, secondary)
        adoptions += [dict(row) for row in ordered]  # copies: the cached rows stay as computed
        national += [dict(row) for row in led]
        undated += [dict(row) for row in missing]
    edges = _edges(dataset, set(chosen), secondary)
    params = {"codes": list(chosen), "status": list(statuses), "secondary": secondary}
    return Diffusion(chosen, params, adoptions, national, edges, undated)


def _of_code(
    dataset: Dataset, code: str, statuses: tuple[str, ...], secondary: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """One code's adoption order, national-direction rows and undated measures, once per dataset (a batch rereads them)."""

    def make() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        firsts, missing = _earliest_by_zone(dataset, code, statuses, secondary)
        directions = _directions(dataset, code, secondary)
        return _order(code, firsts, directions), _national_rows(code, directions, firsts), missing

    return dataset.derived(("diffusion.code", code, statuses, secondary), make)


def _earliest_by_zone(
    dataset: Dataset, code: str, statuses: tuple[str, ...], secondary: bool
) -> tuple[dict[str, tuple[Zone, Measure]], list[dict[str, Any]]]:
    """Per adopting zone, its earliest dated measure in ``code``; and the undated measures."""
    firsts: dict[str, tuple[Zone, Measure]] = {}
    undated: list[dict[str, Any]] = []
    for zone, measure in _carriers(dataset, secondary).get(code, ()):
        if zone.kind == NATIONAL_KIND or not is_counted(measure, statuses):
            continue
        if measure.start is None:
            undated.append({"code": code, "zone_id": zone.id, "measure_id": measure.id, "status": measure.status})
            continue
        held = firsts.get(zone.id)
        if held is None or _key(measure) < _key(held[1]):
            firsts[zone.id] = (zone, measure)
    return firsts, undated


def _carriers(dataset: Dataset, secondary: bool) -> dict[str, list[tuple[Zone, Measure]]]:
    """Per category code, the (zone, measure) pairs carrying it, in dataset order (built once per dataset)."""

    def make() -> dict[str, list[tuple[Zone, Measure]]]:
        found: dict[str, list[tuple[Zone, Measure]]] = {}
        for zone, measure in dataset.measures():
            codes = [measure.category, *(measure.secondary if secondary else ())]
            for code in dict.fromkeys(codes):
                found.setdefault(code, []).append((zone, measure))
        return found

    return dataset.derived(("diffusion.carriers", secondary), make)


def _key(measure: Measure) -> tuple[_dt.date, _dt.date, str]:
    assert measure.start is not None
    lo, hi = date_bounds(measure.start)
    return lo, hi, measure.id


def _directions(dataset: Dataset, code: str, secondary: bool) -> list[Measure]:
    """National directions naming ``code``, dated ones only, earliest first."""
    found = [
        m for z, m in _carriers(dataset, secondary).get(code, ()) if z.kind == NATIONAL_KIND and m.start is not None
    ]
    return sorted(found, key=_key)


def _order(code: str, firsts: dict[str, tuple[Zone, Measure]], directions: list[Measure]) -> list[dict[str, Any]]:
    spans = {z: date_bounds(m.start or "") for z, (_, m) in firsts.items()}
    ends = sorted(span[1] for span in spans.values())  # order = 1 + how many zones had surely adopted before
    order = {z: 1 + bisect.bisect_left(ends, span[0]) for z, span in spans.items()}
    ranked = sorted(firsts, key=lambda z: (order[z], spans[z][0], spans[z][1], z))
    if not ranked:
        return []
    first = spans[ranked[0]]
    national = date_bounds(directions[0].start or "") if directions else None
    rows = []
    for zone_id in ranked:
        zone, measure = firsts[zone_id]
        lo, hi = spans[zone_id]
        is_first = zone_id == ranked[0]
        rows.append(
            {
                "code": code,
                "order": order[zone_id],
                "zone_id": zone_id,
                "zone_kind": zone.kind,
                "measure_id": measure.id,
                "status": measure.status,
                "start": measure.start,
                "precision": precision(measure.start or ""),
                "earliest": lo.isoformat(),
                "latest": hi.isoformat(),
                "lag_min_days": 0 if is_first else (lo - first[1]).days,
                "lag_max_days": 0 if is_first else (hi - first[0]).days,
                "vs_national": _relation((lo, hi), national) if national else None,
            }
        )
    return rows


def _national_rows(
    code: str, directions: list[Measure], firsts: dict[str, tuple[Zone, Measure]]
) -> list[dict[str, Any]]:
    rows = []
    for direction in directions:
        span = date_bounds(direction.start or "")
        groups: dict[str, list[str]] = {"lead": [], "same-period": [], "lag": []}
        for zone_id in sorted(firsts):
            groups[_relation(date_bounds(firsts[zone_id][1].start or ""), span)].append(zone_id)
        rows.append(
            {
                "code": code,
                "measure_id": direction.id,
                "status": direction.status,
                "start": direction.start,
                "precision": precision(direction.start or ""),
                "leading": groups["lead"],
                "same_period": groups["same-period"],
                "lagging": groups["lag"],
            }
        )
    return rows


def _edges(dataset: Dataset, codes: set[str], secondary: bool) -> list[dict[str, Any]]:
    """``inspired_by`` links whose follower carries one of ``codes``, with their generation."""
    rows = []
    for zone, measure in dataset.measures():
        if measure.inspired_by is None or not any(_carries(measure, c, secondary) for c in codes):
            continue
        measures = _by_id(dataset)
        resolved = _source(dataset, measure, measures)
        if resolved is None:  # a dangling link is a validation issue; it has no place in the graph
            continue
        source_zone, source = resolved
        rows.append(
            {
                "code": measure.category,
                "source_zone": source_zone,
                "source_measure": source.id if source else None,
                "source_start": source.start if source else None,
                "target_zone": zone.id,
                "target_measure": measure.id,
                "target_status": measure.status,
                "target_start": measure.start,
                "generation": _generation(dataset, measure, measures),
            }
        )
    return sorted(rows, key=lambda r: (r["code"], r["generation"], r["target_measure"]))


def _by_id(dataset: Dataset) -> dict[str, tuple[Zone, Measure]]:
    """Every measure by id, with its zone (the last of a repeated id), built once per dataset."""
    return dataset.derived("measures-by-id", lambda: {m.id: (z, m) for z, m in dataset.measures()})


def _source(
    dataset: Dataset, measure: Measure, measures: dict[str, tuple[Zone, Measure]]
) -> tuple[str, Measure | None] | None:
    """The zone and measure an ``inspired_by`` link points to.

    A link to a zone resolves to that zone's earliest dated measure in the follower's primary
    category (None when it has none); a dangling link resolves to None.
    """
    link = measure.inspired_by
    if link is None:
        return None
    if link in measures:
        return measures[link][0].id, measures[link][1]
    if link in dataset.zone_ids:
        dated = [m for m in dataset.zone(link).measures if m.category == measure.category and m.start is not None]
        return link, (min(dated, key=_key) if dated else None)
    return None


def _generation(dataset: Dataset, measure: Measure, measures: dict[str, tuple[Zone, Measure]]) -> int:
    """1 + the number of ``inspired_by`` links behind the source (a cycle stops the count)."""
    seen = {measure.id}
    n = 1
    resolved = _source(dataset, measure, measures)
    while resolved is not None and resolved[1] is not None and resolved[1].id not in seen:
        source = resolved[1]
        seen.add(source.id)
        resolved = _source(dataset, source, measures)
        if resolved is None:
            break
        n += 1
    return n
