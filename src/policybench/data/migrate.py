"""Move a zone file from data format 1.x to 2.0 (one checklist; absence only with evidence).

What changes (datasets/CHANGES.md, data 2.0.0; coding protocol §6):

1. An ``absent`` entry without ``basis`` and ``confidence`` gets basis "stated" (1.x rule K4
   asked for a source that says it is not done) and confidence "medium" when one of its
   sources is primary, "low" otherwise.
2. Silence inside ``scope.examined`` was read as absent in 1.x; in 2.0 it is unknown. Where the
   coding named the category itself (rules K2 and K2b: a source on that measure, or a proposal
   that frames it as not yet done) and read sources in full, the reading is kept as a search
   record: ``absent`` with basis "search", confidence "low", the scope's sources and no query.
   Where only a whole domain was named, the category becomes ``unknown`` with a note: a claim
   on a whole domain is no evidence of absence in any one category.
3. Core categories still without a state become ``unknown`` with a note saying they were not
   searched.

Nothing is deleted and no measure changes. The result validates; a person should still read the
new entries and replace the notes with real searches (``policybench validate --stats``).
"""

from __future__ import annotations

from .model import Absence, Codebook, LocalText, SearchRecord, UnknownCell, Zone
from .states import zone_states

__all__ = ["migrate_zone"]

_DOMAIN_NOTE = LocalText(
    zh="数据格式1.x按整个领域“已审查”，该类别无措施即视为未开展；2.0不再把整个领域的审查当作某一类别未开展的证据，"
    "故记为未知，待按类别检索。",
    en="Data format 1.x declared the whole domain examined, which read this category as absent; 2.0 takes no claim "
    "on a whole domain as evidence of absence in one category, so it is unknown until searched category by category.",
)
_SEARCH_NOTE = LocalText(
    zh="由数据格式1.x迁移：编码者按类别审查并通读了所列资料，未见此项措施；未记录检索词，故可信度为低。",
    en="Migrated from data format 1.x: the coders examined this category by name and read the listed sources in "
    "full without finding it; no queries were recorded, so confidence is low.",
)
_CORE_NOTE = LocalText(
    zh="核心检查项：数据格式1.x的编码未审查此类别，尚未检索。",
    en="Core checklist: the 1.x coding did not examine this category, and it has not been searched yet.",
)


def migrate_zone(zone: Zone, codebook: Codebook, *, searched: str) -> tuple[Zone, list[str]]:
    """The zone in data format 2.0, and one line per change made.

    Parameters
    ----------
    zone : Zone
        A zone loaded from a 1.x file (a 2.0 file comes back unchanged).
    codebook : Codebook
        The codebook the zone is coded with (2.0: with the core checklist).
    searched : str
        The date to put on migrated search records: when the 1.x coding read its sources.
    """
    changes: list[str] = []
    kinds = {s.id: s.kind for s in zone.sources}
    absent = []
    for entry in zone.absent:
        if entry.basis is None or entry.confidence is None:
            primary = any(kinds.get(e.source) == "primary" for e in entry.evidence)
            entry = entry.model_copy(
                update={
                    "basis": entry.basis or "stated",
                    "confidence": entry.confidence or ("medium" if primary else "low"),
                }
            )
            changes.append(f"absent {entry.code}: basis {entry.basis}, confidence {entry.confidence}")
        absent.append(entry)
    unknown = list(zone.unknown)
    states = zone_states(codebook, zone.model_copy(update={"absent": absent}), codebook.counted_statuses).states
    entered = {a.code for a in absent} | {u.code for u in unknown}
    named = set(zone.scope.examined) if zone.scope is not None else set()
    by_domain = {c.domain for c in codebook.categories if c.domain in named}
    read = list(zone.scope.sources) if zone.scope is not None else []
    for cat in codebook.categories:
        code = cat.code
        if states[code] != "unknown" or code in entered:
            continue
        if code in named and read:
            absent.append(
                Absence(
                    code=code,
                    basis="search",
                    confidence="low",
                    search=SearchRecord(date=searched, sources=read),
                    note=_SEARCH_NOTE,
                )
            )
            changes.append(f"absent {code}: kept as a search record (category examined by name)")
        elif cat.domain in by_domain:
            unknown.append(UnknownCell(code=code, note=_DOMAIN_NOTE))
            changes.append(f"unknown {code}: domain {cat.domain} was examined as a whole")
        elif cat.core and zone.kind != "national-policy":
            unknown.append(UnknownCell(code=code, note=_CORE_NOTE))
            changes.append(f"unknown {code}: core category not examined")
    migrated = zone.model_copy(update={"absent": absent, "unknown": unknown})
    return Zone.model_validate(migrated.model_dump(by_alias=True, exclude_none=True)), changes
