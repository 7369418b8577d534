"""The action plan: recommendations grouped by the authority that must act, prerequisites first.

Who must act decides what a zone administration can do with a recommendation: the zone can
act alone, or it must ask the municipality, the province or the state. The plan regroups the
ranked recommendations by that authority (lowest first); within a group, a category another
one requires comes first (the codebook's ``requires`` relation), otherwise the rank order is
kept. Nothing is scored here: the plan is a view of :func:`policybench.gaps.recommend`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..data.codebook import prerequisite_order

if TYPE_CHECKING:
    from ..data.model import Codebook

__all__ = ["AUTHORITY_LEVELS", "PLAN_COLUMNS", "action_plan_table"]

#: Authorities from the zone itself up to the state, in the order the plan lists them.
AUTHORITY_LEVELS = ("zone", "municipal", "provincial", "national")

PLAN_COLUMNS = {
    "authority": "who must act: zone (alone), municipal, provincial or national",
    "level": "1 zone, 2 municipal, 3 provincial, 4 national",
    "step": "order within the authority group: prerequisites first, then by rank",
    "rank": "the recommendation's rank by priority",
    "code": "category code",
    "label_zh": "category name in Chinese",
    "label_en": "category name in English",
    "prerequisites": "categories the target lacks that this one requires, prerequisites first (comma-separated)",
    "prerequisites_zh": "the same categories by their Chinese names (、-separated)",
    "prerequisites_en": "the same categories by their English names (comma-separated)",
    "exemplars": "the exemplar measures to follow (measure ids, best first)",
    "exemplar_zones": "the zones of the exemplars",
    "sources": "what to cite: zone:source-id of each exemplar's sources, each once, in exemplar order",
}


def action_plan_table(recommendations: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Recommendations grouped by the authority that must act; columns in ``PLAN_COLUMNS``.

    Parameters
    ----------
    recommendations : DataFrame
        From :func:`policybench.gaps.recommend` (needs rank, code, label_zh, label_en,
        authority, prerequisites_missing, exemplars).
    codebook : Codebook
        For the ``requires`` relation that orders steps within a group.

    Returns
    -------
    DataFrame
        One row per recommendation; zone first, then municipal, provincial, national.
        An authority outside ``AUTHORITY_LEVELS`` goes last, under its own name.
    """
    rows: list[dict[str, Any]] = []
    if recommendations.empty:
        return pd.DataFrame(columns=list(PLAN_COLUMNS))
    ranked = recommendations.sort_values("rank", kind="mergesort")
    extra = sorted(set(ranked["authority"]) - set(AUTHORITY_LEVELS))
    for level, authority in enumerate((*AUTHORITY_LEVELS, *extra), start=1):
        group = ranked[ranked["authority"] == authority]
        if group.empty:
            continue
        by_code = {r.code: r for r in group.itertuples(index=False)}
        for step, code in enumerate(prerequisite_order(codebook, by_code), start=1):
            rec = by_code[code]
            rows.append(_row(rec, authority, level, step, codebook))
    return pd.DataFrame(rows, columns=list(PLAN_COLUMNS))


def _row(rec: Any, authority: str, level: int, step: int, codebook: Codebook) -> dict[str, Any]:
    needed = [c for c in (rec.prerequisites_missing or "").split(",") if c]
    exemplars = list(rec.exemplars or [])
    sources = list(dict.fromkeys(f"{e['zone']}:{s['id']}" for e in exemplars for s in e.get("sources", [])))
    return {
        "authority": authority,
        "level": level,
        "step": step,
        "rank": int(rec.rank),
        "code": rec.code,
        "label_zh": rec.label_zh,
        "label_en": rec.label_en,
        "prerequisites": ",".join(needed),
        "prerequisites_zh": "、".join(codebook.category(c).label.get("zh") for c in needed),
        "prerequisites_en": ", ".join(codebook.category(c).label.get("en") for c in needed),
        "exemplars": ",".join(e["measure"] for e in exemplars),
        "exemplar_zones": ",".join(dict.fromkeys(e["zone"] for e in exemplars)),
        "sources": "; ".join(sources),
    }
