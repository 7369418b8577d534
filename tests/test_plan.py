"""Action plan: recommendations grouped by authority, prerequisites first, checked by hand."""

from __future__ import annotations

import pandas as pd

from policybench import load_codebook
from policybench.gaps import gap_analysis, recommend
from policybench.gaps.plan import action_plan_table


def _rec(rank: int, code: str, authority: str, prerequisites: str = "", exemplars=None) -> dict:
    return {
        "rank": rank,
        "code": code,
        "label_zh": code,
        "label_en": code,
        "authority": authority,
        "prerequisites_missing": prerequisites,
        "exemplars": exemplars or [],
    }


def test_groups_by_authority_and_puts_prerequisites_first(toy_codebook_path) -> None:
    codebook = load_codebook(toy_codebook_path)
    ex = [
        {"zone": "beta", "measure": "beta.m1", "sources": [{"id": "gov"}, {"id": "doc"}]},
        {"zone": "gamma", "measure": "gamma.m2", "sources": [{"id": "doc"}]},
        {"zone": "beta", "measure": "beta.m3", "sources": [{"id": "gov"}]},
    ]
    recs = pd.DataFrame(
        [
            _rec(1, "MKT.MIXED_OWNERSHIP", "municipal", "MKT.PLATFORM_COMPANY_REFORM", ex),
            _rec(2, "MKT.PARTNER_SYSTEM", "zone"),
            _rec(3, "GOV.STATUTORY_BODY", "national"),
            _rec(4, "MKT.PLATFORM_COMPANY_REFORM", "municipal"),
            _rec(5, "GOV.CORPORATE_MGMT", "zone"),
        ]
    )
    plan = action_plan_table(recs, codebook)
    # zone first (ranks 2, 5), then municipal where rank 4 is the prerequisite of rank 1, then national
    assert plan[["authority", "level", "step", "rank"]].values.tolist() == [
        ["zone", 1, 1, 2],
        ["zone", 1, 2, 5],
        ["municipal", 2, 1, 4],
        ["municipal", 2, 2, 1],
        ["national", 4, 1, 3],
    ]
    mixed = plan.set_index("code").loc["MKT.MIXED_OWNERSHIP"]
    assert mixed["prerequisites"] == "MKT.PLATFORM_COMPANY_REFORM"
    assert mixed["prerequisites_zh"] == codebook.category("MKT.PLATFORM_COMPANY_REFORM").label.zh
    assert mixed["exemplars"] == "beta.m1,gamma.m2,beta.m3" and mixed["exemplar_zones"] == "beta,gamma"
    assert mixed["sources"] == "beta:gov; beta:doc; gamma:doc"  # each once, in exemplar order


def test_empty_recommendations_give_an_empty_plan(toy_codebook_path) -> None:
    plan = action_plan_table(pd.DataFrame(), load_codebook(toy_codebook_path))
    assert plan.empty and "authority" in plan.columns


def test_shipped_plan_covers_every_recommendation_once(shipped) -> None:
    recs = recommend(gap_analysis(shipped, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"]), top=10)
    plan = action_plan_table(recs, shipped.codebook)
    assert sorted(plan["rank"]) == sorted(recs["rank"])
    assert plan["level"].is_monotonic_increasing
    alone = plan[plan["authority"] == "zone"]["code"].tolist()
    assert alone == recs[recs["zone_can_act_alone"]].sort_values("rank")["code"].tolist()
