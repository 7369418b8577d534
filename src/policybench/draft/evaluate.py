"""Scoring a draft against a hand coding of the same text (used by benchmarks/bench_draft.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..data.model import Zone

__all__ = ["DraftScore", "score_draft"]


@dataclass(frozen=True)
class DraftScore:
    """Agreement of a draft with a hand coding of the same source.

    Attributes
    ----------
    pair_precision, pair_recall : float
        Over (locator, primary category) pairs: share of the draft's pairs in the hand coding,
        and of the hand coding's pairs in the draft.
    zone_precision, zone_recall : float
        The same over the sets of primary categories of the whole zone.
    status_accuracy, depth_agreement : float
        Over the pairs both have: share with the same status, the same depth (NaN if none).
    matched, drafted, coded : int
        Pairs in both, in the draft, in the hand coding.
    """

    pair_precision: float
    pair_recall: float
    zone_precision: float
    zone_recall: float
    status_accuracy: float
    depth_agreement: float
    matched: int
    drafted: int
    coded: int


def _ratio(a: int, b: int) -> float:
    return a / b if b else math.nan


def _pairs(zone: Zone, source: str) -> dict[tuple[str, str], tuple[str, int]]:
    """(locator, category) -> (status, depth) of the measures citing ``source``, first measure wins."""
    out: dict[tuple[str, str], tuple[str, int]] = {}
    for measure in zone.measures:
        for evidence in measure.evidence:
            if evidence.source == source:
                out.setdefault((evidence.locator, measure.category), (measure.status, measure.depth))
    return out


def score_draft(draft: Zone, coded: Zone, *, draft_source: str, coded_source: str) -> DraftScore:
    """Compare a draft with a hand coding of the same text, on the measures citing that text.

    Parameters
    ----------
    draft, coded : Zone
        The draft and the hand coding.
    draft_source, coded_source : str
        The id of the text's source in each file; only measures citing it are compared.

    Returns
    -------
    DraftScore

    Examples
    --------
    >>> from policybench.data.model import Zone
    >>> def zone(items):
    ...     return Zone.model_validate({
    ...         "id": "z", "name": {"zh": "z", "en": "z"}, "kind": "other",
    ...         "region": {"province": {"zh": "x", "en": "x"}}, "description": {"zh": "x", "en": "x"},
    ...         "sources": [{"id": "s", "title": "t", "publisher": "p", "kind": "news"}],
    ...         "measures": [
    ...             {"id": f"z.m{i}", "title": {"zh": "x", "en": "x"}, "summary": {"zh": "x", "en": "x"},
    ...              "category": code, "status": status, "depth": depth, "confidence": "low",
    ...              "evidence": [{"source": "s", "locator": loc}]}
    ...             for i, (loc, code, status, depth) in enumerate(items)]})
    >>> hand = zone([("p1", "GOV.STATUTORY_BODY", "implemented", 3), ("p2", "MKT.PARTNER_SYSTEM", "proposed", 1)])
    >>> mine = zone([("p1", "GOV.STATUTORY_BODY", "implemented", 2), ("p1", "MKT.PARTNER_SYSTEM", "proposed", 1)])
    >>> s = score_draft(mine, hand, draft_source="s", coded_source="s")
    >>> s.pair_precision, s.pair_recall, s.zone_precision, s.zone_recall, s.status_accuracy, s.depth_agreement
    (0.5, 0.5, 1.0, 1.0, 1.0, 0.0)
    """
    drafted = _pairs(draft, draft_source)
    gold = _pairs(coded, coded_source)
    both = sorted(set(drafted) & set(gold))
    zone_drafted = {code for _loc, code in drafted}
    zone_gold = {code for _loc, code in gold}
    shared_codes = zone_drafted & zone_gold
    return DraftScore(
        pair_precision=_ratio(len(both), len(drafted)),
        pair_recall=_ratio(len(both), len(gold)),
        zone_precision=_ratio(len(shared_codes), len(zone_drafted)),
        zone_recall=_ratio(len(shared_codes), len(zone_gold)),
        status_accuracy=_ratio(sum(drafted[k][0] == gold[k][0] for k in both), len(both)),
        depth_agreement=_ratio(sum(drafted[k][1] == gold[k][1] for k in both), len(both)),
        matched=len(both),
        drafted=len(drafted),
        coded=len(gold),
    )
