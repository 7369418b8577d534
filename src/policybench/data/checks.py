"""The cross-document checks: the codebook's own consistency, and zones against it and each other.

Each ``check_*`` returns a list of located issues and never raises; :func:`policybench.data.validate`
runs them over a set of files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from ..errors import Issue
from .cells import check_cells
from .codebook import expand_codes, is_counted, requires_cycle
from .documents import Document, suggest
from .model import Codebook, Measure, Scope, Zone, date_bounds

__all__ = [
    "check_codebook",
    "check_placeholders",
    "check_raw_codes",
    "check_scope",
    "check_zone_alone",
    "check_zones",
    "suggest_code",
]


# ----------------------------------------------------------------------------- codebook


def check_codebook(codebook: Codebook, document: Document) -> list[Issue]:
    """Consistency of one codebook: unique codes, known domains and requires, no cycle."""
    issues: list[Issue] = []
    issues += _duplicates(document, [d.code for d in codebook.domains], "domains", "code", "domain code")
    issues += _duplicates(document, [c.code for c in codebook.categories], "categories", "code", "category code")
    issues += _duplicates(document, [s.code for s in codebook.statuses], "statuses", "code", "status")
    issues += _duplicates(document, [str(d.depth) for d in codebook.depth_rule], "depth_rule", "depth", "depth")
    domains = set(codebook.domain_codes)
    codes = set(codebook.codes)
    for i, cat in enumerate(codebook.categories):
        if cat.domain not in domains:
            issues.append(
                document.issue(
                    "unknown-code",
                    ("categories", i, "domain"),
                    f"unknown domain '{cat.domain}'",
                    expected="a code listed under domains",
                    found=cat.domain,
                    hint=suggest(cat.domain, domains),
                )
            )
        elif cat.code.split(".")[0] != cat.domain:
            issues.append(
                document.issue(
                    "bad-value",
                    ("categories", i, "code"),
                    f"code '{cat.code}' does not start with its domain '{cat.domain}'",
                    expected=f"{cat.domain}.NAME",
                    found=cat.code,
                )
            )
        for j, req in enumerate(cat.requires):
            if req not in codes:
                issues.append(
                    document.issue(
                        "unknown-code",
                        ("categories", i, "requires", j),
                        f"requires unknown category '{req}'",
                        expected="a category code of this codebook",
                        found=req,
                        hint=suggest(req, codes),
                    )
                )
    cycle = requires_cycle(codebook)
    if cycle:
        index = codebook.codes.index(cycle[0])
        issues.append(
            document.issue(
                "requires-cycle",
                ("categories", index, "requires"),
                "the requires relation has a cycle",
                expected="no cycle",
                found=" -> ".join(cycle),
            )
        )
    return issues


def _duplicates(document: Document, values: list[str], section: str, key: str, what: str) -> list[Issue]:
    first: dict[str, int] = {}
    issues = []
    for i, value in enumerate(values):
        if value in first:
            line = document.position((section, first[value]))[0]
            issues.append(
                document.issue(
                    "duplicate-id",
                    (section, i, key),
                    f"{what} '{value}' is defined twice (first at line {line})",
                    expected=f"a unique {what}",
                    found=value,
                )
            )
        else:
            first[value] = i
    return issues


# ----------------------------------------------------------------------------- zones


def check_zones(
    zones: Sequence[tuple[Zone, Document]],
    codebook: Codebook,
    *,
    external_ids: Iterable[str] = (),
    alone: Sequence[Sequence[Issue]] | None = None,
) -> list[Issue]:
    """Check zones against the codebook and against each other.

    ``external_ids`` are zone and measure ids that references may point to besides the
    zones checked (e.g. the shipped dataset when a user's own file is validated alone).
    ``alone``, when given, holds each zone's :func:`check_zone_alone` issues, already found
    (read from the cache of validated files): only the checks across files run again.
    """
    issues: list[Issue] = []
    zone_seen: dict[str, Document] = {}
    measure_seen: dict[str, tuple[Document, tuple[str | int, ...]]] = {}
    for zone, doc in zones:
        if zone.id in zone_seen:
            other = zone_seen[zone.id]
            issues.append(
                doc.issue(
                    "duplicate-id",
                    ("id",),
                    f"zone id '{zone.id}' is also used by {other.file}:{other.position(('id',))[0]}",
                    expected="a zone id used by one file only",
                    found=zone.id,
                )
            )
        zone_seen.setdefault(zone.id, doc)
        for i, measure in enumerate(zone.measures):
            path = ("measures", i, "id")
            if measure.id in measure_seen:
                odoc, opath = measure_seen[measure.id]
                issues.append(
                    doc.issue(
                        "duplicate-id",
                        path,
                        f"measure id '{measure.id}' is also used at {odoc.file}:{odoc.position(opath)[0]}",
                        expected="a measure id unique across all datasets",
                        found=measure.id,
                    )
                )
            else:
                measure_seen[measure.id] = (doc, path)
    known = set(zone_seen) | set(measure_seen) | set(external_ids)
    for n, (zone, doc) in enumerate(zones):
        issues += check_zone_alone(zone, doc, codebook) if alone is None else alone[n]
        issues += _check_references(zone, doc, known)
    issues += _parent_cycles(zones)
    return issues


def _parent_cycles(zones: Sequence[tuple[Zone, Document]]) -> list[Issue]:
    """Zones that are their own parent, directly or through other zones."""
    parents = {zone.id: zone.parent for zone, _doc in zones}
    issues: list[Issue] = []
    for zone, doc in zones:
        chain = [zone.id]
        current = zone.parent
        while current is not None and current in parents and current not in chain:
            chain.append(current)
            current = parents[current]
        if current == zone.id:
            loop = " -> ".join([*chain, zone.id])
            issues.append(
                doc.issue(
                    "parent-cycle",
                    ("parent",),
                    f"the zone is its own parent ({loop})",
                    expected="a parent that is another zone, or no parent",
                    found=zone.parent or "",
                    hint="remove 'parent' or name the programme the zone belongs to",
                )
            )
    return issues


def _check_references(zone: Zone, doc: Document, known: set[str]) -> list[Issue]:
    """The zone's references to other zones and measures (``parent``, ``inspired_by``) against ``known``."""
    issues: list[Issue] = []
    if zone.parent is not None and zone.parent not in known:
        issues.append(
            doc.issue(
                "dangling-reference",
                ("parent",),
                f"parent '{zone.parent}' is not a known zone",
                expected="a zone id",
                found=zone.parent,
                hint=suggest(zone.parent, known),
            )
        )
    for i, measure in enumerate(zone.measures):
        if measure.inspired_by is not None and measure.inspired_by not in known:
            issues.append(
                doc.issue(
                    "dangling-reference",
                    ("measures", i, "inspired_by"),
                    f"inspired_by '{measure.inspired_by}' is not a known zone or measure id",
                    expected="a zone id or measure id",
                    found=measure.inspired_by,
                    hint=suggest(measure.inspired_by, known),
                )
            )
    return issues


def check_zone_alone(zone: Zone, doc: Document, codebook: Codebook) -> list[Issue]:
    """The checks of one zone that need the codebook and no other file (everything but its references).

    What it finds depends on the zone file and the codebook alone, so it is stored with a
    validated file in the cache (:mod:`policybench.data.zonecache`).
    """
    issues: list[Issue] = []
    issues += _duplicates(doc, [s.id for s in zone.sources], "sources", "id", "source id")
    source_kinds = {s.id: s.kind for s in zone.sources}
    for i, measure in enumerate(zone.measures):
        base: tuple[str | int, ...] = ("measures", i)
        if not measure.id.startswith(zone.id + "."):
            issues.append(
                doc.issue(
                    "bad-id",
                    (*base, "id"),
                    f"measure id '{measure.id}' does not start with the zone id",
                    expected=f"{zone.id}.<slug>",
                    found=measure.id,
                    severity="warning",
                )
            )
        issues += _check_codes(measure.category, measure.secondary, base, doc, codebook)
        issues += _check_measure_refs(measure, base, doc, codebook, source_kinds)
        if measure.review == "pending":
            issues.append(
                doc.issue(
                    "review-pending",
                    (*base, "review"),
                    f"measure '{measure.id}' is a machine draft awaiting review: not counted anywhere",
                    expected="a reviewed measure (no 'review' field, or 'review: accepted')",
                    found="review: pending",
                    hint="check it against the source (policybench review FILE), correct it, then delete the field",
                    severity="warning",
                )
            )
    issues += check_scope(zone, doc, codebook)
    return issues


# ----------------------------------------------------------------------------- scope


def check_scope(zone: Zone, doc: Document, codebook: Codebook) -> list[Issue]:
    """The zone's ``scope`` and cell entries against the codebook, its sources and its measures.

    Unknown codes and sources are errors; an ``absent`` entry for a category that a counted
    measure carries is an error; a measure outside the declared scope and a file with no
    scope at all are warnings. The entries' own rules (evidence of absence, search records,
    one state per category, the core checklist) are :func:`policybench.data.cells.check_cells`.
    """
    issues: list[Issue] = []
    sources = {s.id for s in zone.sources}
    if zone.scope is None:
        issues.append(
            doc.issue(
                "no-scope",
                ("id",),
                f"zone '{zone.id}' declares no scope: every category without a counted measure is unknown",
                expected="scope: {examined: [domain or category codes], sources: [...], as_of: ...}",
                found="no scope",
                severity="warning",
            )
        )
    else:
        issues += _check_scope_codes(
            doc,
            [("scope", "examined", i) for i in range(len(zone.scope.examined))],
            zone.scope.examined,
            codebook,
            domains_allowed=True,
        )
        for i, source_id in enumerate(zone.scope.sources):
            issues += _unknown_source(doc, ("scope", "sources", i), source_id, sources)
        issues += _repeated(doc, ("scope", "examined"), zone.scope.examined, "code")
        issues += _repeated(doc, ("scope", "sources"), zone.scope.sources, "source")
        issues += _check_outside_scope(zone, zone.scope, doc, codebook)
    issues += _check_scope_codes(
        doc,
        [("absent", i, "code") for i in range(len(zone.absent))],
        [a.code for a in zone.absent],
        codebook,
        domains_allowed=False,
    )
    counted = set(codebook.counted_statuses)
    carried: dict[str, str] = {}
    for measure in zone.measures:
        if is_counted(measure, counted):
            for code in measure.categories:
                carried.setdefault(code, measure.id)
    for i, absence in enumerate(zone.absent):
        if absence.code in carried:
            issues.append(
                doc.issue(
                    "absent-contradicts-measure",
                    ("absent", i, "code"),
                    f"'{absence.code}' is listed as absent but the counted measure '{carried[absence.code]}' carries it",
                    expected="a category no counted measure of this zone carries",
                    found=absence.code,
                    hint="remove the absent entry, or change the measure's status or category",
                )
            )
    return issues + check_cells(zone, doc, codebook)


def _check_scope_codes(
    doc: Document,
    paths: list[tuple[str | int, ...]],
    values: list[str],
    codebook: Codebook,
    *,
    domains_allowed: bool,
) -> list[Issue]:
    choices = set(codebook.codes) | (set(codebook.domain_codes) if domains_allowed else set())
    what = "a domain or category code of the codebook" if domains_allowed else "a category code of the codebook"
    return [
        doc.issue(
            "unknown-code",
            path,
            f"unknown {'domain or category' if domains_allowed else 'category'} code '{value}'",
            expected=what,
            found=value,
            hint=suggest(value, choices),
        )
        for path, value in zip(paths, values, strict=True)
        if value not in choices
    ]


def _repeated(doc: Document, path: tuple[str, ...], values: list[str], what: str) -> list[Issue]:
    """A warning for each entry of a scope list that repeats an earlier one (harmless, but a sign of a slip)."""
    first: dict[str, int] = {}
    issues = []
    for i, value in enumerate(values):
        if value in first:
            issues.append(
                doc.issue(
                    "repeated-entry",
                    (*path, i),
                    f"{what} '{value}' is listed twice in {'.'.join(path)} (first as item {first[value]})",
                    expected=f"each {what} once",
                    found=value,
                    hint="delete the repeated entry",
                    severity="warning",
                )
            )
        else:
            first[value] = i
    return issues


def _unknown_source(doc: Document, path: tuple[str | int, ...], source_id: str, sources: set[str]) -> list[Issue]:
    if source_id in sources:
        return []
    return [
        doc.issue(
            "unknown-source",
            path,
            f"source '{source_id}' is not listed under sources",
            expected="an id from this file's sources",
            found=source_id,
            hint=suggest(source_id, sources),
        )
    ]


def _check_outside_scope(zone: Zone, scope: Scope, doc: Document, codebook: Codebook) -> list[Issue]:
    inside = expand_codes(codebook, scope.examined) | {a.code for a in zone.absent}
    known = set(codebook.codes)
    issues = []
    for i, measure in enumerate(zone.measures):
        roles: list[tuple[tuple[str | int, ...], str]] = [(("measures", i, "category"), measure.category)]
        roles += [(("measures", i, "secondary", j), c) for j, c in enumerate(measure.secondary)]
        for path, code in roles:
            if code in known and code not in inside:
                issues.append(
                    doc.issue(
                        "measure-outside-scope",
                        path,
                        f"measure '{measure.id}' is coded in '{code}', outside the declared scope",
                        expected="a category inside scope.examined",
                        found=code,
                        hint=f"add '{code.split('.')[0]}' or '{code}' to scope.examined",
                        severity="warning",
                    )
                )
    return issues


def _check_codes(
    primary: str, secondary: list[str], base: tuple[str | int, ...], doc: Document, codebook: Codebook
) -> list[Issue]:
    issues = []
    codes = set(codebook.codes)
    for path, code in [
        ((*base, "category"), primary),
        *[((*base, "secondary", j), c) for j, c in enumerate(secondary)],
    ]:
        if code not in codes:
            issues.append(
                doc.issue(
                    "unknown-code",
                    path,
                    f"unknown category code '{code}'",
                    expected="a category code of the codebook (DOMAIN.NAME in capitals, e.g. GOV.STATUTORY_BODY)",
                    found=code,
                    hint=suggest_code(code, codebook),
                )
            )
    for j, code in enumerate(secondary):
        if code == primary:
            issues.append(
                doc.issue(
                    "secondary-repeats-primary",
                    (*base, "secondary", j),
                    "a secondary category repeats the primary category",
                    expected="another category",
                    found=code,
                    severity="warning",
                )
            )
    return issues


def _check_measure_refs(
    measure: Measure,
    base: tuple[str | int, ...],
    doc: Document,
    codebook: Codebook,
    source_kinds: Mapping[str, str],
) -> list[Issue]:
    issues = []
    if measure.status not in codebook.status_codes:
        issues.append(
            doc.issue(
                "unknown-status",
                (*base, "status"),
                f"unknown status '{measure.status}'",
                expected=" | ".join(codebook.status_codes),
                found=measure.status,
                hint=suggest(measure.status, codebook.status_codes),
            )
        )
    if measure.depth not in codebook.depths:
        issues.append(
            doc.issue(
                "bad-depth",
                (*base, "depth"),
                f"depth {measure.depth} is not defined by the codebook's depth rule",
                expected=" | ".join(map(str, codebook.depths)),
                found=str(measure.depth),
            )
        )
    if measure.start and measure.end and date_bounds(measure.end)[1] < date_bounds(measure.start)[0]:
        issues.append(
            doc.issue(
                "end-before-start",
                (*base, "end"),
                f"the measure ends ({measure.end}) before it starts ({measure.start})",
                expected=f"an end on or after {measure.start}",
                found=measure.end,
            )
        )
    cited = [((*base, "evidence", j, "source"), e.source) for j, e in enumerate(measure.evidence)]
    cited += [((*base, "indicators", j, "source"), ind.source) for j, ind in enumerate(measure.indicators)]
    for path, source_id in cited:
        if source_id not in source_kinds:
            issues.append(
                doc.issue(
                    "unknown-source",
                    path,
                    f"source '{source_id}' is not listed under sources",
                    expected="an id from this file's sources",
                    found=source_id,
                    hint=suggest(source_id, set(source_kinds)),
                )
            )
    kinds = {source_kinds.get(e.source) for e in measure.evidence}
    if measure.confidence == "high" and kinds == {"reprint"}:
        issues.append(
            doc.issue(
                "reprint-only-high",
                (*base, "confidence"),
                "confidence 'high' rests only on reprints",
                expected="medium or low, or a primary/news source",
                found="high",
            )
        )
    return issues


def suggest_code(value: str, codebook: Codebook) -> str:
    """A 'did you mean' hint for a category code written another way, or '' when nothing is close.

    Another case or other separators ("gov.statutory_body"), or the category's Chinese or English
    label or one of its keywords ("法定机构").

    >>> from policybench import load_codebook
    >>> cb = load_codebook()
    >>> suggest_code("gov.statutory_body", cb)
    "did you mean 'GOV.STATUTORY_BODY'?"
    >>> suggest_code("法定机构", cb)
    "did you mean 'GOV.STATUTORY_BODY' (法定机构 / Statutory body)?"
    """
    codes = list(codebook.codes)
    text = str(value).strip()
    canonical = re.sub(r"[\s\-]+", "_", text.upper()).replace("_.", ".").replace("._", ".")
    if canonical in codes:
        return f"did you mean '{canonical}'?"
    folded = text.casefold()
    by_label = [c for c in codebook.categories if folded in (c.label.zh.casefold(), c.label.en.casefold())]
    by_label = by_label or [c for c in codebook.categories if folded and folded in c.label.zh.casefold()]
    by_label = by_label or [
        c for c in codebook.categories if folded in {k.casefold() for k in (*c.keywords.zh, *c.keywords.en)}
    ]
    if by_label:
        c = by_label[0]
        return f"did you mean '{c.code}' ({c.label.zh} / {c.label.en})?"
    return suggest(canonical, codes)


_PLACEHOLDER = re.compile(r"\bFILL\b")


def check_placeholders(doc: Document) -> list[Issue]:
    """Every string of the plain data still holding the new-zone skeleton's placeholder.

    The placeholder is the word FILL in capitals, as in "FILL IN ..." or "FILL.IN_A_CODE".
    """
    issues: list[Issue] = []
    if doc.placeholder_free:  # the text has no FILL to find (checked while reading)
        return issues

    def walk(value: object, path: tuple[str | int, ...]) -> None:
        if isinstance(value, str):
            if _PLACEHOLDER.search(value):
                issues.append(
                    doc.issue(
                        "placeholder",
                        path,
                        "the new-zone skeleton's placeholder was left in place",
                        expected="your own text or value (see the comment above the field)",
                        found=value if len(value) <= 60 else value[:57] + "...",
                        hint="replace every FILL IN of the skeleton, or delete the entry it belongs to",
                    )
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, str(key)))
        elif isinstance(value, list):
            for j, item in enumerate(value):
                walk(item, (*path, j))

    walk(doc.data, ())
    return issues


def check_raw_codes(doc: Document, codebook: Codebook) -> list[Issue]:
    """Unknown category codes, statuses and depths in a zone document that did not pass the schema.

    Reads the plain data, so that one structural error does not hide the code errors of
    the same file: every problem is reported in one run.
    """
    if not isinstance(doc.data, dict):
        return []
    issues = _raw_scope_codes(doc, codebook)
    measures = doc.data.get("measures")
    if not isinstance(measures, list):
        return issues
    for i, raw in enumerate(measures):
        if not isinstance(raw, dict):
            continue
        base: tuple[str | int, ...] = ("measures", i)
        primary = raw.get("category")
        secondary = raw.get("secondary")
        if isinstance(primary, str):
            issues += _check_codes(
                primary,
                [c for c in secondary if isinstance(c, str)] if isinstance(secondary, list) else [],
                base,
                doc,
                codebook,
            )
        depth = raw.get("depth")
        if isinstance(depth, int) and not isinstance(depth, bool) and depth not in codebook.depths:
            issues.append(
                doc.issue(
                    "bad-depth",
                    (*base, "depth"),
                    f"depth {depth} is not defined by the codebook's depth rule",
                    expected=" | ".join(map(str, codebook.depths)),
                    found=str(depth),
                )
            )
        status = raw.get("status")
        if isinstance(status, str) and status not in codebook.status_codes:
            issues.append(
                doc.issue(
                    "unknown-status",
                    (*base, "status"),
                    f"unknown status '{status}'",
                    expected=" | ".join(codebook.status_codes),
                    found=status,
                    hint=suggest(status, codebook.status_codes),
                )
            )
    return [i for i in issues if i.code != "secondary-repeats-primary"]


def _raw_scope_codes(doc: Document, codebook: Codebook) -> list[Issue]:
    """Unknown codes in the plain ``scope.examined`` and ``absent[*].code`` of a document."""
    data = doc.data if isinstance(doc.data, dict) else {}
    scope, absent = data.get("scope"), data.get("absent")
    examined = scope.get("examined") if isinstance(scope, dict) else None
    issues: list[Issue] = []
    pairs: list[tuple[tuple[str | int, ...], str]]
    if isinstance(examined, list):
        pairs = [(("scope", "examined", i), v) for i, v in enumerate(examined) if isinstance(v, str)]
        issues += _check_scope_codes(doc, [p for p, _ in pairs], [v for _, v in pairs], codebook, domains_allowed=True)
    if isinstance(absent, list):
        pairs = [
            (("absent", i, "code"), a["code"])
            for i, a in enumerate(absent)
            if isinstance(a, dict) and isinstance(a.get("code"), str)
        ]
        issues += _check_scope_codes(doc, [p for p, _ in pairs], [v for _, v in pairs], codebook, domains_allowed=False)
    return issues
