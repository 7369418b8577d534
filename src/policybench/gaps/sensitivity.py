"""How robust the ranking is to the weights and the frontier rule (METHODS §8)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._params import MAX_DRAWS, check_positive_int, check_type, fail
from .analysis import frontier_scores, ranking

if TYPE_CHECKING:
    from .analysis import GapAnalysis

__all__ = ["SENSITIVITY_COLUMNS", "sensitivity"]

SENSITIVITY_COLUMNS: dict[str, str] = {
    "code": "category code",
    "base_rank": "rank in the analysis as computed",
    "median_rank": "median rank over the draws",
    "rank_p05": "5th percentile of the rank",
    "rank_p95": "95th percentile of the rank",
    "p_top": "probability of ranking within the top k",
    "fragile": "True for a base top-k recommendation whose p_top is under 0.5",
}


def sensitivity(
    gap: GapAnalysis,
    *,
    draws: int = 1000,
    seed: int = 0,
    top: int = 5,
    weight_range: tuple[float, float] = (0.5, 1.5),
    include_uncoded_domains: bool = False,
) -> pd.DataFrame:
    """Monte-Carlo over category weights and the frontier rule; rank statistics per category.

    Each draw multiplies every category weight by an independent U(low, high) factor
    (renormalised) and picks the frontier rule uniformly among "max", "mean" (and the named
    zone, when the analysis used one). Priorities and ranks are computed for all draws at
    once as draws x categories arrays. Ties rank by codebook order, as in :func:`recommend`.

    Returns
    -------
    pandas.DataFrame
        One row per ranked category (base ranking order); columns as in ``SENSITIVITY_COLUMNS``.
        ``attrs`` records draws, seed, top and the rules.
    """
    from .analysis import GapAnalysis

    check_type("sensitivity", "gap", gap, GapAnalysis, "a GapAnalysis (see gap_analysis)")
    check_positive_int("sensitivity", "draws", draws)
    check_positive_int("sensitivity", "top", top)
    if draws > MAX_DRAWS:  # draws x categories floats: beyond this the arrays outgrow memory
        raise fail("sensitivity", "draws", f"at most {MAX_DRAWS}", draws)
    low, high = weight_range
    if not 0 <= low <= high:
        raise fail("sensitivity", "weight_range", "a pair (low, high) with 0 <= low <= high", weight_range)
    base = ranking(gap, include_uncoded_domains=include_uncoded_domains)
    if base.empty:
        return pd.DataFrame(columns=list(SENSITIVITY_COLUMNS))
    codes = base["code"].tolist()
    rules = ["max", "mean"] + ([gap.params["frontier"]] if gap.params["frontier"] not in ("max", "mean") else [])
    gaps = _gaps_by_rule(gap, codes, rules)  # rules x categories
    weights = base["weight"].to_numpy()
    fixed = (base["adoption"] * base["evidence_weight"]).to_numpy()
    rng = np.random.default_rng(seed)
    w = weights[None, :] * rng.uniform(low, high, size=(draws, len(codes)))
    w /= w.sum(axis=1, keepdims=True)
    rule = rng.integers(0, len(rules), size=draws)
    priority = w * gaps[rule] * fixed[None, :]
    order = np.argsort(-priority, axis=1, kind="stable")  # ties keep base (priority, code) order
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, len(codes) + 1)[None, :].repeat(draws, axis=0), axis=1)
    result = pd.DataFrame(
        {
            "code": codes,
            "base_rank": np.arange(1, len(codes) + 1),
            "median_rank": np.median(ranks, axis=0),
            "rank_p05": np.percentile(ranks, 5, axis=0),
            "rank_p95": np.percentile(ranks, 95, axis=0),
            "p_top": (ranks <= top).mean(axis=0),
        }
    )
    result["fragile"] = (result["base_rank"] <= top) & (result["p_top"] < 0.5)
    result.attrs = {"draws": draws, "seed": seed, "top": top, "rules": rules, "weight_range": [low, high]}
    return result


def _gaps_by_rule(gap: GapAnalysis, codes: list[str], rules: list[str]) -> np.ndarray:
    bench = gap.portfolio.loc[list(gap.benchmark), codes]
    target = gap.portfolio.loc[gap.target, codes].to_numpy()
    return np.stack([np.maximum(0.0, frontier_scores(bench, rule)[0] - target) for rule in rules])
