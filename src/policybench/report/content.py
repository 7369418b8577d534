"""Assemble what a gap report says, as plain data (the JSON twin of every format).

Computation stays in :mod:`policybench.gaps` and :mod:`policybench.similarity`; this module
only calls them once and arranges their results.
"""

from __future__ import annotations

import datetime as _dt
import os
from typing import TYPE_CHECKING, Any

import pandas as pd

from .labels import METHOD_TEXT, label

if TYPE_CHECKING:
    from ..gaps import GapAnalysis

__all__ = ["build_content"]

_DIGITS = 4


def _clean(value: Any) -> Any:
    """JSON-ready values: floats rounded, numpy scalars unwrapped, NaN as None."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float):
        return None if value != value else round(value, _DIGITS)
    if value is pd.NA:
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [_clean(r) for r in frame.to_dict("records")]


def report_date(generated: str | None) -> str:
    """The report date: as given, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    if generated:
        return generated
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).date().isoformat()
    return _dt.date.today().isoformat()


def build_content(
    gap: GapAnalysis, *, lang: str = "zh", top: int = 10, draws: int = 1000, seed: int = 0, generated: str | None = None
) -> dict[str, Any]:
    """Everything a report shows, computed once, as JSON-ready data."""
    from ..gaps import recommend, sensitivity
    from ..gaps.plan import action_plan_table
    from ..similarity import compare
    from ..similarity.alignment import fitted_index

    ds = gap.dataset
    target = ds.zone(gap.target)
    recs = recommend(gap, top=top)
    robust = sensitivity(gap, draws=draws, seed=seed, top=min(5, top)) if not recs.empty else pd.DataFrame()
    if not robust.empty:
        recs = recs.merge(robust.drop(columns=["base_rank"]), on="code", how="left")
    index = fitted_index(ds, lang)
    every = {
        z: compare(ds, gap.target, z, lang=lang, text_index=index, status=gap.params["status"]) for z in gap.benchmark
    }
    comparisons = {z: c for z, c in every.items() if c.defined}
    similarity = sorted(
        ({"zone": z, "name": ds.zone(z).name.get(lang), **_scores(c)} for z, c in comparisons.items()),
        key=lambda r: (-r["score"], r["zone"]),
    )
    undefined = [
        {"zone": z, "name": ds.zone(z).name.get(lang), "overlap": c.overlap, "reason": c.reason}
        for z, c in every.items()
        if not c.defined
    ]
    closest = similarity[0]["zone"] if similarity else None
    content = {
        "meta": {
            "title": label("title", lang).format(target=target.name.get(lang)),
            "lang": lang,
            "target": gap.target,
            "target_name": target.name.get(lang),
            "benchmark": [{"id": z, "name": ds.zone(z).name.get(lang), "kind": ds.zone(z).kind} for z in gap.benchmark],
            "generated": report_date(generated),
            "library_version": gap.library_version,
            "codebook_version": gap.codebook_version,
            "data_hash": gap.data_hash,
            "data_version": ds.data_version or "unversioned",
            "params": gap.params,
            "sensitivity": robust.attrs if not robust.empty else {},
            "top": top,
        },
        "summary": {
            "overall_dtf": gap.overall,
            "applicable": len(gap.table()),
            "not_applicable": len(gap.not_applicable()),
        },
        "domains": _records(gap.domain_table()),
        "gaps": _records(gap.known_table().sort_values(["gap", "code"], ascending=[False, True], kind="mergesort")),
        "not_applicable": gap.not_applicable(),
        "unverified": _records(gap.unverified()),
        "recommendations": _records(recs),
        "plan": _records(action_plan_table(recs, ds.codebook)),
        "diffusion": _adoptions(ds, list(recs["code"])) if not recs.empty else [],
        "strengths": _records(gap.strengths()),
        "not_counted": _records(gap.not_counted()),
        "similarity": _clean(similarity),
        "similarity_undefined": _clean(undefined),
        "alignment": _alignment(comparisons[closest]) if closest else None,
        "sources": _sources(gap, recs),
        "methodology": METHOD_TEXT[lang],
    }
    return _clean(content)


def _adoptions(ds: Any, codes: list[str]) -> list[dict[str, Any]]:
    """Who adopted the recommended categories, in order, with the zones' names (see policybench.diffusion)."""
    from ..diffusion import diffusion

    table = diffusion(ds, codes).adoption_table()
    for lang in ("zh", "en"):
        table[f"zone_name_{lang}"] = table["zone_id"].map(lambda z, lang=lang: ds.zone(z).name.get(lang))
    return _records(table)


def _scores(c: Any) -> dict[str, Any]:
    al = c.alignment
    return {
        "score": c.score,
        "structured": c.structured,
        "alignment": al.score,
        "overlap": c.overlap,
        "overlap_share": c.overlap_share,
        "coverage_target_by_zone": al.coverage_a_by_b,
        "coverage_zone_by_target": al.coverage_b_by_a,
        "shared": list(al.shared_codes),
    }


def _alignment(c: Any) -> dict[str, Any]:
    al = c.alignment
    return {
        "peer": c.zone_b,
        "pairs": _records(al.pairs),
        "unmatched_target": list(al.unmatched_a),
        "unmatched_peer": list(al.unmatched_b),
        "coverage_target_by_peer": al.coverage_a_by_b,
        "coverage_peer_by_target": al.coverage_b_by_a,
    }


def _sources(gap: GapAnalysis, recs: pd.DataFrame) -> list[dict[str, Any]]:
    """Sources of the exemplars and of the target's own measures, each once."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for exemplars in recs.get("exemplars", []):
        for ex in exemplars:
            for src in ex["sources"]:
                seen.setdefault((ex["zone"], src["id"]), {"zone": ex["zone"], **src})
    target = gap.dataset.zone(gap.target)
    cited = {e.source for m in target.measures for e in m.evidence}
    for src in target.sources:
        if src.id in cited:
            seen.setdefault((target.id, src.id), {"zone": target.id, **src.record()})
    return [seen[k] for k in sorted(seen)]
