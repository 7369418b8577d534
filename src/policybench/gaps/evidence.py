"""Both sides of a recommendation: how sure we are that the target lacks it, and what to check.

A recommendation says two things: *the target lacks X* and *a benchmark zone has X*. The
second is weighed by the exemplar's confidence (``EVIDENCE_WEIGHTS`` in the gap analysis, and
the evidence draws of :func:`~policybench.gaps.sensitivity`). This module weighs the first:

- **present** (the target does it, shallower than the frontier): the gap is between two coded
  depths, so P(lacks) = 1; the target's own measures enter the evidence draws as any other;
- **absent** on a source (an ``absent`` entry with basis stated, planned, failed or
  assigned-elsewhere and its evidence, or a measure of the target that the status filter does
  not count: a plan listing it as future work, a report that it ended): P(lacks) by the
  confidence, ``LACK_PROBABILITY["source"]``;
- **absent** on a search record (the sources read and the queries run that would have shown
  it): ``LACK_PROBABILITY["search"]``, lower, as a search can miss what a source states;
- **absent** with no evidence at all (a 1.x entry with neither evidence nor search record):
  not ranked; it goes to "verify first" with the unknown cells;
- **unknown**: not ranked (NaN).

For every cell that goes to "verify first", :func:`verification_check` names the concrete
check to run: the target's own primary sources not yet read for that cell, and the queries to
type (the target's name with the category's keywords and the exemplar's key phrase), minus
those already run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..data.codebook import is_counted
from ..data.model import title_recorded
from ..labels import phrase

if TYPE_CHECKING:
    from ..data.model import Category, Measure, Source, Zone

__all__ = ["LACK_PROBABILITY", "AbsenceEvidence", "absence_evidence", "verification_check"]

#: P(the target lacks the category | its absence rests on this kind of evidence, of this confidence).
#: A source that says so (stated, planned, failed, assigned elsewhere, or an uncounted measure)
#: is worth more than a search that found nothing; a search-based absence is never coded high
#: (coding protocol K5), and is read as medium if it is.
LACK_PROBABILITY: dict[str, dict[str, float]] = {
    "source": {"high": 0.95, "medium": 0.85, "low": 0.7},
    "search": {"high": 0.75, "medium": 0.75, "low": 0.6},
}

#: How many queries and sources a verification check proposes.
CHECK_QUERIES = 3
CHECK_SOURCES = 2


@dataclass(frozen=True)
class AbsenceEvidence:
    """What the target's absence of one category rests on.

    Attributes
    ----------
    kind : str
        "source", "search" or "none" (see the module docstring).
    confidence : str
        The coder's confidence in the absence ("" when kind is "none").
    p_lacks : float
        P(the target lacks it); 0.0 when kind is "none" (not ranked: verify first).
    basis : str
        The absence entry's basis, or "not-counted" for a measure the status filter leaves out.
    """

    kind: str
    confidence: str
    p_lacks: float
    basis: str

    @property
    def evidenced(self) -> bool:
        """Whether the absence rests on a source or a search record."""
        return self.kind != "none"


def absence_evidence(zone: Zone, code: str, statuses: Sequence[str]) -> AbsenceEvidence | None:
    """The evidence of the zone's absence of ``code``; None when no absence is recorded for it.

    An ``absent`` entry comes first (it is what the coder decided); else a measure the status
    filter does not count (the best-evidenced one). The caller decides whether the cell's state
    is absent (see :func:`~policybench.data.states.zone_states`).

    >>> from policybench import load_dataset
    >>> tianjin = load_dataset().zone("tianjin-htz")
    >>> absence_evidence(tianjin, "GOV.FLAT_STRUCTURE", ["implemented", "piloting"])
    AbsenceEvidence(kind='search', confidence='low', p_lacks=0.6, basis='search')
    >>> absence_evidence(tianjin, "MKT.PARTNER_SYSTEM", ["implemented", "piloting"])  # an absent entry, basis stated
    AbsenceEvidence(kind='source', confidence='low', p_lacks=0.7, basis='stated')
    """
    for entry in zone.absent:
        if entry.code != code:
            continue
        confidence = entry.confidence or "low"
        basis = entry.basis or "stated"
        if basis == "search":
            searched = entry.search is not None and bool(entry.search.sources or entry.search.queries)
            if searched:
                return AbsenceEvidence("search", confidence, LACK_PROBABILITY["search"][confidence], basis)
            return AbsenceEvidence("none", "", 0.0, basis)
        if entry.evidence:
            return AbsenceEvidence("source", confidence, LACK_PROBABILITY["source"][confidence], basis)
        return AbsenceEvidence("none", "", 0.0, basis)
    uncounted = [m for m in zone.measures if code in m.categories and m.review != "pending"]
    uncounted = [m for m in uncounted if not is_counted(m, statuses)]
    if not uncounted:
        return None
    best = min(uncounted, key=_confidence_key)
    return AbsenceEvidence("source", best.confidence, LACK_PROBABILITY["source"][best.confidence], "not-counted")


def _confidence_key(m: Measure) -> tuple[int, str]:
    return ({"high": 0, "medium": 1, "low": 2}[m.confidence], m.id)


@dataclass(frozen=True)
class Check:
    """The concrete check that would settle a "verify first" cell."""

    sources: tuple[str, ...]  # ids of the target's primary sources not yet read for this cell
    queries: tuple[str, ...]  # look-ups to run, not yet run for this cell
    searched: int  # queries already run for this cell (from its search record)

    def reading(self, zone: Zone, lang: str) -> str:
        """The sources to read, in words ('' when none is left)."""
        read = [_source_name(s, lang) for s in zone.sources if s.id in set(self.sources)]
        return phrase("check.read", lang, sources=phrase("sep.list", lang).join(read)) if read else ""

    def searching(self, lang: str) -> str:
        """The searches to run, in words, with how many were run already ('' when none is left)."""
        if not self.queries:
            return phrase("check.searched_alone", lang, n=self.searched) if self.searched else ""
        quoted = phrase("sep.list", lang).join(f"“{q}”" for q in self.queries)
        done = phrase("check.searched", lang, n=self.searched) if self.searched else ""
        return phrase("check.search", lang, queries=quoted) + done

    def text(self, zone: Zone, lang: str) -> str:
        """The check in words, in ``lang`` ("zh" or "en"): the sources by their titles, then the searches."""
        parts = [p for p in (self.reading(zone, lang), self.searching(lang)) if p]
        if not self.sources and not self.queries:
            parts.insert(0, phrase("check.exhausted", lang))
        return phrase("sep.clause", lang).join(parts)


def _source_name(source: Source, lang: str) -> str:
    """A source as a reader finds it: its quoted title, or its publisher and date when no title was recorded."""
    if title_recorded(source.title):
        return f"《{source.title}》"  # the title as published, in either language
    date = source.date or ""
    if source.publisher != "unknown":
        return phrase("check.page", lang, publisher=source.publisher, date=date)
    return phrase("check.page_anonymous", lang, date=date)


def verification_check(zone: Zone, category: Category, exemplars: Sequence[Measure]) -> Check:
    """What to read and what to search to decide the zone's state of ``category``.

    Sources: up to ``CHECK_SOURCES`` of the zone's primary sources not already read for this cell
    (by its ``unknown`` or ``absent`` entry's search record), those with a recorded title first,
    then those its measures cite most (the zone's central documents: its statute, plan or reform
    programme). Queries: the zone's Chinese name with each Chinese
    keyword of the category, then with each exemplar's key phrases and title, minus those already run;
    at most ``CHECK_QUERIES``.

    >>> from policybench import load_dataset
    >>> ds = load_dataset()
    >>> check = verification_check(ds.zone("tianjin-htz"), ds.codebook.category("TAL.RECRUITMENT_NETWORK"), [])
    >>> check.queries[0], check.sources
    ('天津滨海高新技术产业开发区 招才局', ('tjbh-2021-07-31', 'cnstock-2025-07-05'))
    """
    code = category.code
    records = [u.search for u in zone.unknown if u.code == code and u.search is not None]
    records += [a.search for a in zone.absent if a.code == code and a.search is not None]
    read = {s for r in records for s in r.sources}
    run = {" ".join(q.split()) for r in records for q in r.queries}
    cited: dict[str, int] = {}
    for m in zone.measures:
        for sid in dict.fromkeys(e.source for e in m.evidence):
            cited[sid] = cited.get(sid, 0) + 1
    unread = [s for s in zone.sources if s.kind == "primary" and s.id not in read]
    unread.sort(key=lambda s: (not title_recorded(s.title), -cited.get(s.id, 0), s.id))  # titled ones first
    sources = tuple(s.id for s in unread[:CHECK_SOURCES])
    name = zone.name.zh
    phrases = list(category.keywords.zh)
    for m in exemplars:
        phrases += [e.key_phrase for e in m.evidence if e.key_phrase] + [m.title.zh]
    queries: list[str] = []
    for words in dict.fromkeys(p.strip() for p in phrases if p.strip()):
        query = f"{name} {words}"
        if query not in run and query not in queries:
            queries.append(query)
        if len(queries) == CHECK_QUERIES:
            break
    return Check(sources, tuple(queries), len(run))
