"""Ranked recommendations with exemplars, prerequisites, authority and uplift (METHODS §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .._params import check_positive_int, check_type
from ..data.codebook import is_counted, prerequisites
from .scores import exemplars_by_code, ranking, weighted_dtf

if TYPE_CHECKING:
    from ..data.model import Measure, Zone
    from .analysis import GapAnalysis

__all__ = ["RECOMMENDATION_COLUMNS", "recommend"]

RECOMMENDATION_COLUMNS: dict[str, str] = {
    "rank": "1 = adopt first (by priority)",
    "code": "category code",
    "target_state": "present or absent (an unknown category is never ranked: see GapAnalysis.unverified)",
    "domain": "domain code",
    "label_zh": "category label (Chinese)",
    "label_en": "category label (English)",
    "priority": "weight * gap * adoption * evidence_weight * p_lacks",
    "priority_share": "priority / the sum of the priorities of every ranked category (0-1)",
    "target": "target's score",
    "frontier": "frontier score",
    "gap": "frontier - target",
    "dtf": "category DTF (0-100)",
    "adoption": "adoption share shrunk toward the benchmark's base rate (gap_analysis adoption_prior)",
    "n_examined": "number of benchmark zones whose state of it is known",
    "n_adopted": "how many of them have it",
    "single_exemplar": "True when one benchmark zone alone holds the frontier: read the exemplar with care",
    "rests_on_low_confidence": "True when the frontier or the target's score rests only on low-confidence measures",
    "p_lacks": "P(the target lacks it): 1 for a depth gap, else by what its absence rests on (gaps.LACK_PROBABILITY)",
    "absence_evidence": "what the target's absence rests on: source or search ('' for a depth gap)",
    "exemplar_confidence": "confidence of the best exemplar measure",
    "exemplar_ids": "1-3 exemplar measure ids (deepest, best evidenced, most recent), joined by ','",
    "exemplar_zones": "their zones, joined by ','",
    "exemplars": "list of dicts: zone, measure, title, depth, status, confidence, start, sources",
    "prerequisites_missing": "codes the target lacks that this category requires (prerequisites first)",
    "authority": "lowest level that can adopt it alone (codebook default; each exemplar shows its own)",
    "zone_can_act_alone": "True when the authority needed is the zone itself",
    "uplift": "overall DTF gain if the target reached the best exemplar's depth here",
    "already_planned": "True when the target has a proposed measure here",
    "planned_measures": "the target's proposed measures here, joined by ','",
    "not_counted": "the target's measures here neither counted nor planned (e.g. discontinued), as 'id (status)'",
    "rationale_zh": "why, in Chinese",
    "rationale_en": "why, in English",
}


def recommend(gap: GapAnalysis, *, top: int = 10) -> pd.DataFrame:
    """The categories the target should adopt first, with what it needs to know to act.

    Categories with a gap are ranked by priority (ties by code). A category the target's
    coding did not examine (state unknown) is never ranked: our data cannot tell a real gap
    from a gap in coding. Those are listed by :meth:`GapAnalysis.unverified` ("verify first").

    Parameters
    ----------
    gap : GapAnalysis
        From :func:`gap_analysis`.
    top : int
        How many recommendations (at most).

    Returns
    -------
    pandas.DataFrame
        Columns as in ``RECOMMENDATION_COLUMNS``.
    """
    from .analysis import GapAnalysis

    check_type("recommend", "gap", gap, GapAnalysis, "a GapAnalysis (see gap_analysis)")
    check_positive_int("recommend", "top", top)
    ranked = ranking(gap).head(top).to_dict("records")
    found = exemplars_by_code(gap.dataset, gap.benchmark, [r["code"] for r in ranked], gap.params["status"], n=3)
    rows = [_row(gap, rank, row, found[row["code"]]) for rank, row in enumerate(ranked, start=1)]
    return pd.DataFrame(rows, columns=list(RECOMMENDATION_COLUMNS))


def _row(gap: GapAnalysis, rank: int, row: dict[str, Any], exemplars: list[tuple[Zone, Measure]]) -> dict[str, Any]:
    dataset = gap.dataset
    code = row["code"]
    statuses = gap.params["status"]
    target_zone = dataset.zone(gap.target)
    own = [m for m in target_zone.measures if code in m.categories]
    planned = [m.id for m in own if m.status == "proposed"]
    not_counted = [f"{m.id} ({m.status})" for m in own if not is_counted(m, statuses) and m.status != "proposed"]
    scores = dict(zip(gap.portfolio.columns, gap.portfolio.loc[gap.target].to_numpy(dtype=float), strict=True))
    missing = [c for c in prerequisites(dataset.codebook, code) if not scores[c] > 0]
    authority = dataset.codebook.category(code).authority
    cells = {
        "rank": rank,
        **{
            k: row[k]
            for k in (
                "code",
                "domain",
                "label_zh",
                "label_en",
                "priority",
                "priority_share",
                "target",
                "frontier",
                "gap",
                "dtf",
                "adoption",
                "n_examined",
                "n_adopted",
                "single_exemplar",
                "rests_on_low_confidence",
                "p_lacks",
                "absence_evidence",
                "exemplar_confidence",
                "target_state",
            )
        },
        "exemplar_ids": ",".join(m.id for _z, m in exemplars),
        "exemplar_zones": ",".join(dict.fromkeys(z.id for z, _m in exemplars)),
        "exemplars": [_exemplar(z, m) for z, m in exemplars],
        "prerequisites_missing": ",".join(missing),
        "authority": authority,
        "zone_can_act_alone": authority == "zone",
        "uplift": uplift(gap, code, exemplars[0][1].depth if exemplars else 0),
        "already_planned": bool(planned),
        "planned_measures": ",".join(planned),
        "not_counted": ",".join(not_counted),
    }
    cells["rationale_zh"], cells["rationale_en"] = _rationale(gap, cells)
    return cells


def _exemplar(zone: Zone, measure: Measure) -> dict[str, Any]:
    sources = [zone.source(sid).record() for sid in dict.fromkeys(e.source for e in measure.evidence)]
    return {
        "zone": zone.id,
        "zone_name_zh": zone.name.zh,
        "zone_name_en": zone.name.en,
        "measure": measure.id,
        "title_zh": measure.title.zh,
        "title_en": measure.title.en,
        "depth": measure.depth,
        "status": measure.status,
        "confidence": measure.confidence,
        "start": measure.start or "",
        "authority": measure.authority or "",
        "locators": [f"{e.source}: {e.locator}" for e in measure.evidence],
        "sources": sources,
    }


def uplift(gap: GapAnalysis, code: str, depth: int) -> float:
    """Overall DTF gain if the target's score in ``code`` rose to ``depth`` (as a primary measure)."""
    table = gap.known_table()
    if depth <= 0 or code not in set(table["code"]):
        return 0.0
    new_score = depth / gap.dataset.codebook.max_depth
    row = table["code"] == code
    dtf = table["dtf"].to_numpy().copy()
    current = float(table.loc[row, "target"].iloc[0])
    frontier = float(table.loc[row, "frontier"].iloc[0])
    dtf[row.to_numpy()] = 100.0 * min(1.0, max(new_score, current) / frontier)
    return round(weighted_dtf(dtf, table["weight"]) - gap.overall, 10)


def _rationale(gap: GapAnalysis, cells: dict[str, Any]) -> tuple[str, str]:
    from .rationale import rationale

    return rationale(gap, cells)
