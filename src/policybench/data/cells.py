"""Checks of a zone file's cell entries: ``absent``, ``unknown`` and ``not_applicable``, and the core checklist.

Coding protocol K4-K7 (docs/coding-protocol.md §6): an absence needs evidence (a source that
says so) or a search record; an unknown cell carries what was searched; a category has at
most one stated state; every core category of the codebook gets a state. Each check returns
located issues and never raises.
"""

from __future__ import annotations

from ..errors import Issue
from .codebook import expand_codes, is_counted
from .documents import Document, suggest
from .model import Absence, Codebook, SearchRecord, Zone
from .states import core_coverage

__all__ = ["check_cells"]

#: How many silent core codes a core-undecided message names (the rest are counted).
SHOWN = 4
#: How a 1.x ``absent`` entry (no basis, no confidence) is read.
LEGACY_BASIS, LEGACY_CONFIDENCE = "stated", "medium"


def check_cells(zone: Zone, doc: Document, codebook: Codebook) -> list[Issue]:
    """Every cell entry of the zone against the codebook, its sources, its measures and each other."""
    sources = {s.id for s in zone.sources}
    issues = _check_codes(zone, doc, codebook)
    issues += _check_absences(zone, doc, sources)
    for i, cell in enumerate(zone.unknown):
        if cell.search is not None:
            issues += _check_search(doc, ("unknown", i, "search"), cell.search, sources)
    issues += _check_conflicts(zone, doc, codebook)
    if zone.kind != "national-policy":
        issues += _check_core(zone, doc, codebook)
    return issues


def _entries(zone: Zone) -> list[tuple[str, int, str]]:
    """(field, index, code) of every cell entry, in file order of the three lists."""
    out = [("absent", i, a.code) for i, a in enumerate(zone.absent)]
    out += [("unknown", i, u.code) for i, u in enumerate(zone.unknown)]
    out += [("not_applicable", i, n.code) for i, n in enumerate(zone.not_applicable)]
    return out


def _check_codes(zone: Zone, doc: Document, codebook: Codebook) -> list[Issue]:
    known = set(codebook.codes)
    return [
        doc.issue(
            "unknown-code",
            (field, i, "code"),
            f"unknown category code '{code}'",
            expected="a category code of the codebook",
            found=code,
            hint=suggest(code, known),
        )
        for field, i, code in _entries(zone)
        if field != "absent" and code not in known  # absent codes: checked with the scope (check_scope)
    ]


def _check_absences(zone: Zone, doc: Document, sources: set[str]) -> list[Issue]:
    issues: list[Issue] = []
    for i, absence in enumerate(zone.absent):
        base: tuple[str | int, ...] = ("absent", i)
        if absence.basis is None or absence.confidence is None:
            missing = " and ".join(f for f in ("basis", "confidence") if getattr(absence, f) is None)
            issues.append(
                doc.issue(
                    "absent-format-1",
                    base,
                    f"absent entry for '{absence.code}' has no {missing} (data format 1.x): read as "
                    f"basis '{absence.basis or LEGACY_BASIS}', confidence '{absence.confidence or LEGACY_CONFIDENCE}'",
                    expected="basis: stated | planned | failed | assigned-elsewhere | search, and confidence",
                    found=f"no {missing}",
                    hint="add them (coding protocol K4); datasets/CHANGES.md, data 2.0.0, says how the shipped files moved",
                    severity="warning",
                )
            )
        basis = absence.basis or LEGACY_BASIS
        if basis != "search" and not absence.evidence:
            issues.append(
                doc.issue(
                    "absent-without-evidence",
                    (*base, "evidence"),
                    f"absent entry for '{absence.code}' on basis '{basis}' cites no source",
                    expected="at least one {source, locator} where a source shows it is not done",
                    found="no evidence",
                    hint="cite the source, or use basis: search with a search record",
                )
            )
        if basis == "search":
            issues += _check_search_basis(zone, doc, base, absence)
        for j, evidence in enumerate(absence.evidence):
            if evidence.source not in sources:
                issues.append(_unknown_source(doc, (*base, "evidence", j, "source"), evidence.source, sources))
        if absence.search is not None:
            issues += _check_search(doc, (*base, "search"), absence.search, sources)
    return issues


def _check_search_basis(zone: Zone, doc: Document, base: tuple[str | int, ...], absence: Absence) -> list[Issue]:
    """K5: an absence on basis 'search' has a search record of sources read in full, and is never high."""
    issues: list[Issue] = []
    if absence.search is None:
        issues.append(
            doc.issue(
                "absent-without-search",
                base,
                f"absent entry for '{absence.code}' on basis 'search' has no search record",
                expected="search: {date, sources: [read in full], queries: [...]}",
                found="no search",
                hint="record the sources read and the queries run, or mark the cell unknown",
            )
        )
    if absence.confidence == "high":
        issues.append(
            doc.issue(
                "search-absence-high",
                (*base, "confidence"),
                f"absent entry for '{absence.code}' rests on a search but is rated high",
                expected="medium (an official comprehensive source read in full) or low",
                found="high",
                hint="a search that found nothing is never high confidence (coding protocol K5)",
            )
        )
    unread = _not_read_in_full(zone, absence.search)
    if unread and not absence.evidence:
        issues.append(
            doc.issue(
                "search-source-not-read",
                (*base, "search", "sources"),
                f"absent entry for '{absence.code}' rests on a search of sources the file does not list as "
                f"read in full: {', '.join(unread)}",
                expected="search.sources among scope.sources (read in full and covering the matter), or "
                "evidence of an arrangement that rules the category out",
                found=", ".join(unread),
                hint="list the source under scope.sources if it was read in full, cite the passage as "
                "evidence, or mark the cell unknown (coding protocol K5)",
                severity="warning",
            )
        )
    return issues


def _not_read_in_full(zone: Zone, search: SearchRecord | None) -> list[str]:
    """The listed sources of a search record that ``scope.sources`` (read in full) does not name."""
    if search is None:
        return []
    read = set(zone.scope.sources) if zone.scope is not None else set()
    listed = {s.id for s in zone.sources}
    return [s for s in search.sources if s in listed and s not in read]


def _check_search(doc: Document, base: tuple[str | int, ...], search: SearchRecord, sources: set[str]) -> list[Issue]:
    issues = [
        _unknown_source(doc, (*base, "sources", j), source_id, sources)
        for j, source_id in enumerate(search.sources)
        if source_id not in sources
    ]
    if not search.sources and not search.queries:
        issues.append(
            doc.issue(
                "empty-search",
                base,
                "a search record with no source read and no query run",
                expected="sources: [ids read in full] and/or queries: [look-ups run]",
                found="both empty",
            )
        )
    return issues


def _unknown_source(doc: Document, path: tuple[str | int, ...], source_id: str, sources: set[str]) -> Issue:
    return doc.issue(
        "unknown-source",
        path,
        f"source '{source_id}' is not listed under sources",
        expected="an id from this file's sources",
        found=source_id,
        hint=suggest(source_id, sources),
    )


def _check_conflicts(zone: Zone, doc: Document, codebook: Codebook) -> list[Issue]:
    """A code stated twice (two lists, or twice in one), or unknown / not applicable beside a counted measure."""
    counted = set(codebook.counted_statuses)
    carried: dict[str, str] = {}
    for measure in zone.measures:
        if is_counted(measure, counted):
            for code in measure.categories:
                carried.setdefault(code, measure.id)
    shown = {c: m.id for m in zone.measures if m.review != "pending" for c in m.categories if c not in carried}
    issues: list[Issue] = []
    first: dict[str, str] = {}
    for field, i, code in _entries(zone):
        where = f"{field}[{i}]"
        if code in first:
            issues.append(
                doc.issue(
                    "state-conflict",
                    (field, i, "code"),
                    f"'{code}' is given a state twice: {first[code]} and {where}",
                    expected="one entry per category",
                    found=code,
                    hint="keep the entry the evidence supports and delete the other",
                )
            )
            continue
        first[code] = where
        if field != "absent" and code in carried:  # absent vs measure: absent-contradicts-measure
            issues.append(
                doc.issue(
                    "state-conflict",
                    (field, i, "code"),
                    f"'{code}' is listed under {field} but the counted measure '{carried[code]}' carries it",
                    expected="a category no counted measure of this zone carries",
                    found=code,
                    hint=f"remove the {field} entry, or change the measure's status or category",
                )
            )
        elif field != "absent" and code in shown:
            issues.append(
                doc.issue(
                    "state-conflict",
                    (field, i, "code"),
                    f"'{code}' is listed under {field} but the measure '{shown[code]}' (not counted: a plan or an ended "
                    "measure) already shows it absent",
                    expected="a category no measure of this zone carries",
                    found=code,
                    hint=f"remove the {field} entry: the measure is the evidence (coding protocol K4)",
                )
            )
    return issues


def _check_core(zone: Zone, doc: Document, codebook: Codebook) -> list[Issue]:
    coverage = core_coverage(codebook, zone, codebook.counted_statuses)
    if not coverage.silent:
        return []
    read = expand_codes(codebook, zone.scope.examined) if zone.scope is not None else set()
    covered = sum(code in read for code in coverage.silent)
    was = (
        f" ({covered} of them inside scope.examined: data 1.x read that silence as absent, 2.0 reads it as unknown)"
        if covered
        else ""
    )
    return [
        doc.issue(
            "core-undecided",
            ("id",),
            f"zone '{zone.id}' leaves {len(coverage.silent)} of {coverage.total} core categories without a state{was}: "
            + ", ".join(coverage.silent[:SHOWN])
            + (f" and {len(coverage.silent) - SHOWN} more" if len(coverage.silent) > SHOWN else ""),
            expected="each core category present (a measure), absent (with evidence), unknown (with a note) or "
            "not applicable",
            found=f"{len(coverage.silent)} silent",
            hint="policybench list categories --core; coding protocol K6",
            severity="warning",
        )
    ]
