"""Reference copy of gaps/sensitivity.py before its draws were vectorised (commit 1fb9193).

Kept verbatim (imports made absolute) so that tests/test_sensitivity_vectorised.py can check
that the vectorised code gives identical results for the same seed. Do not edit, except to
carry a new kind of draw into both (the one edit since: the draws of P(the target lacks it),
``holds``, marked "added with the draws of P(lacks)"; and the adoption basis, a third element of ``prior``).

How robust the ranking is to the weights, the frontier rule and the evidence (METHODS §8, §10).

Three variants are drawn from the same random numbers:

- **weights**: every category weight times an independent U(low, high) factor, and the
  frontier rule drawn among "max", "mean" (and the named zone, when the analysis used one);
- **evidence**: each counted measure of the target and of the benchmark is kept with the
  probability its confidence gives (``KEEP_PROBABILITY``); a category whose only measures
  are dropped becomes absent where the zone has an absent entry and unknown elsewhere;
- **both**: the two together. The main columns (median_rank, rank_p05, rank_p95, p_top,
  fragile) are this variant; the others carry a ``_weights`` or ``_evidence`` suffix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from policybench._params import MAX_DRAWS, check_positive_int, check_type, fail
from policybench.data.codebook import is_counted
from policybench.data.states import zone_states
from policybench.errors import InputError
from policybench.gaps.scores import CONFIDENCE_ORDER, EVIDENCE_WEIGHTS, frontier_values, ranking, shrunk_adoption

if TYPE_CHECKING:
    from policybench.data.model import Measure
    from policybench.gaps.analysis import GapAnalysis

__all__ = ["KEEP_PROBABILITY", "SENSITIVITY_COLUMNS", "VARIANTS", "sensitivity"]

#: Probability that a counted measure is kept in an evidence draw, by its confidence.
KEEP_PROBABILITY: dict[str, float] = {"high": 0.95, "medium": 0.8, "low": 0.5}

#: Draws ranked at a time; a ``progress`` callback hears after each chunk. Ranks are computed
#: draw by draw, so the chunk size changes no number (a test checks byte identity).
DRAW_CHUNK = 250

#: The variants, in the order of the columns.
VARIANTS: tuple[str, ...] = ("both", "weights", "evidence")

_STATS = {
    "median_rank": "median rank over the draws",
    "rank_p05": "5th percentile of the rank",
    "rank_p95": "95th percentile of the rank",
    "p_top": "probability of ranking within the top k (with a positive priority)",
}

SENSITIVITY_COLUMNS: dict[str, str] = {
    "code": "category code",
    "base_rank": "rank in the analysis as computed",
    **{k: v + " (weights, rule and evidence drawn)" for k, v in _STATS.items()},
    "fragile": "True for a base top-k recommendation whose p_top is under 0.5",
    **{f"{k}_weights": v + " (weights and rule drawn)" for k, v in _STATS.items()},
    **{f"{k}_evidence": v + " (evidence drawn)" for k, v in _STATS.items()},
}


def sensitivity(
    gap: GapAnalysis,
    *,
    draws: int = 1000,
    seed: int = 0,
    top: int = 5,
    weight_range: tuple[float, float] = (0.5, 1.5),
    keep_probability: Mapping[str, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Monte-Carlo over weights, frontier rule and evidence; rank statistics per category.

    Every applicable category known for the target takes part in each draw (a category
    with no gap in the analysis can enter the ranking when the target's measure is
    dropped); the rows are the categories the analysis ranks, in its order. Ranks are
    computed for all draws at once as draws x categories arrays; ties rank as in
    :func:`recommend`. A category ranks within the top k only with a positive priority.

    Parameters
    ----------
    gap : GapAnalysis
        From :func:`gap_analysis`.
    draws : int
        Number of draws (shared by the three variants).
    seed : int
        Seed of the random generator.
    top : int
        k of P(top k).
    weight_range : (float, float)
        Range of the uniform weight factor.
    keep_probability : mapping confidence -> probability, optional
        Probability of keeping a measure of that confidence in an evidence draw; default
        ``KEEP_PROBABILITY`` (high 0.95, medium 0.8, low 0.5).
    progress : callable, optional
        Called as ``progress(done, draws)`` after each chunk of draws (e.g. to drive a progress
        bar); silent when None. The random numbers are drawn at once and the draws ranked in
        chunks, so the results do not depend on it.

    Returns
    -------
    pandas.DataFrame
        One row per ranked category (base ranking order); columns as in
        ``SENSITIVITY_COLUMNS``. ``attrs`` records draws, seed, top, rules, weight_range
        and keep_probability.
    """
    from policybench.gaps.analysis import GapAnalysis

    check_type("sensitivity", "gap", gap, GapAnalysis, "a GapAnalysis (see gap_analysis)")
    check_positive_int("sensitivity", "draws", draws)
    check_positive_int("sensitivity", "top", top)
    if progress is not None and not callable(progress):
        raise fail("sensitivity", "progress", "a callable progress(done, total) or None", progress)
    if draws > MAX_DRAWS:  # draws x categories floats: beyond this the arrays outgrow memory
        raise fail("sensitivity", "draws", f"at most {MAX_DRAWS}", draws)
    low, high = weight_range
    if not 0 <= low <= high:
        raise fail("sensitivity", "weight_range", "a pair (low, high) with 0 <= low <= high", weight_range)
    keep = _keep(keep_probability)
    base = ranking(gap)
    if base.empty:
        return pd.DataFrame(columns=list(SENSITIVITY_COLUMNS))
    problem = _Problem.build(gap, base["code"].tolist())
    rules = ["max", "mean"] + ([gap.params["frontier"]] if gap.params["frontier"] not in ("max", "mean") else [])
    rng = np.random.default_rng(seed)
    factors = rng.uniform(low, high, size=(draws, len(problem.codes)))
    rule = rng.integers(0, len(rules), size=draws)
    kept = rng.random((draws, len(problem.measures))) < problem.keep_vector(keep)[None, :]
    holds = rng.random((draws, len(problem.codes))) < problem.lacks[None, :]  # drawn last: other streams unchanged
    base_rule = np.full(draws, rules.index(gap.params["frontier"]) if gap.params["frontier"] in rules else 0)
    variants = _ranked(problem, factors, rule, kept, holds, base_rule, rules, progress)
    n = len(base)
    result = pd.DataFrame({"code": problem.codes[:n], "base_rank": np.arange(1, n + 1)})
    for variant in VARIANTS:
        ranks, positive = variants[variant]
        suffix = "" if variant == "both" else f"_{variant}"
        result[f"median_rank{suffix}"] = np.median(ranks[:, :n], axis=0)
        result[f"rank_p05{suffix}"] = np.percentile(ranks[:, :n], 5, axis=0)
        result[f"rank_p95{suffix}"] = np.percentile(ranks[:, :n], 95, axis=0)
        result[f"p_top{suffix}"] = ((ranks[:, :n] <= top) & positive[:, :n]).mean(axis=0)
        if variant == "both":
            result["fragile"] = (result["base_rank"] <= top) & (result["p_top"] < 0.5)
    result = result[list(SENSITIVITY_COLUMNS)]
    result.attrs = {
        "draws": draws,
        "seed": seed,
        "top": top,
        "rules": rules,
        "weight_range": [low, high],
        "keep_probability": keep,
    }
    return result


def _ranked(
    problem: _Problem,
    factors: np.ndarray,
    rule: np.ndarray,
    kept: np.ndarray,
    holds: np.ndarray,
    base_rule: np.ndarray,
    rules: list[str],
    progress: Callable[[int, int], None] | None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Ranks and positivity per variant, draws ranked ``DRAW_CHUNK`` at a time."""
    draws = len(rule)
    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {v: [] for v in VARIANTS}
    for start in range(0, draws, DRAW_CHUNK):
        part = slice(start, min(draws, start + DRAW_CHUNK))
        f, r, k, h = factors[part], rule[part], kept[part], holds[part]
        parts["both"].append(problem.ranks(f, r, k, rules, h))
        parts["weights"].append(problem.ranks(f, r, np.ones_like(k), rules, np.ones_like(h)))
        parts["evidence"].append(problem.ranks(np.ones_like(f), base_rule[part], k, rules, h))
        if progress is not None:
            progress(part.stop, draws)
    return {
        v: (np.concatenate([a for a, _ in chunks]), np.concatenate([b for _, b in chunks]))
        for v, chunks in parts.items()
    }


def _keep(keep_probability: Mapping[str, float] | None) -> dict[str, float]:
    keep = dict(KEEP_PROBABILITY if keep_probability is None else keep_probability)
    if set(keep) != set(KEEP_PROBABILITY) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and 0.0 <= v <= 1.0 for v in keep.values()
    ):
        raise InputError(
            "The 'keep_probability' parameter of sensitivity must map each of 'high', 'medium' and 'low' "
            f"to a probability in [0, 1]. Got {keep_probability!r} instead."
        )
    return {k: float(keep[k]) for k in KEEP_PROBABILITY}


@dataclass(frozen=True)
class _Problem:
    """The arrays of one analysis: candidate codes, zones, counted measures and their cell values."""

    codes: list[str]  # ranked codes first (base order), then the other candidates (codebook order)
    zones: list[str]  # target first, then the benchmark
    measures: list[Measure]
    zone_of: np.ndarray  # measure -> zone index
    values: np.ndarray  # measures x codes: depth / top x role where the measure carries the code
    examined: np.ndarray  # zones x codes: absent with evidence (known to be 0 when no kept measure carries it)
    weights: np.ndarray  # codes
    evidence_order: list[np.ndarray]  # per code: benchmark measure indices, best exemplar first
    named: str | None
    prior: tuple[float, float, int]  # adoption shrinkage: strength a, base rate r, |R| (0: basis examined)
    lacks: np.ndarray  # codes: P(the target lacks it) (gap's p_lacks; 1 for a depth gap)

    @classmethod
    def build(cls, gap: GapAnalysis, ranked: list[str]) -> _Problem:
        ds, statuses = gap.dataset, gap.params["status"]
        known = gap.known_table()
        codes = ranked + [c for c in known["code"] if c not in set(ranked)]
        column = {c: j for j, c in enumerate(codes)}
        zones = [gap.target, *gap.benchmark]
        top = float(ds.codebook.max_depth)
        secondary = float(gap.params["secondary_weight"])
        measures, zone_of, rows = [], [], []
        for z, zone_id in enumerate(zones):
            for m in ds.zone(zone_id).measures:
                row = np.zeros(len(codes))
                for code in m.categories:
                    if code in column:
                        row[column[code]] = max(
                            row[column[code]], m.depth / top * (1.0 if code == m.category else secondary)
                        )
                if is_counted(m, statuses) and row.any():
                    measures.append(m)
                    zone_of.append(z)
                    rows.append(row)
        examined = np.zeros((len(zones), len(codes)), dtype=bool)
        for z, zone_id in enumerate(zones):
            zone = ds.zone(zone_id)
            found = zone_states(ds.codebook, zone, statuses).states
            examined[z] = [found[c] == "absent" for c in codes]
        weights = gap.full_table.set_index("code").loc[codes, "weight"].to_numpy(dtype=float)
        values = np.array(rows).reshape(len(rows), len(codes))
        order = []
        for j, code in enumerate(codes):
            idx = [i for i in range(len(measures)) if zone_of[i] > 0 and values[i, j] > 0]
            idx.sort(
                key=lambda i: (
                    -measures[i].depth,
                    measures[i].category != code,
                    CONFIDENCE_ORDER[measures[i].confidence],
                )
            )
            order.append(np.array(idx, dtype=int))
        named = gap.params["frontier"] if gap.params["frontier"] not in ("max", "mean") else None
        prior = (
            float(gap.params.get("adoption_prior", 0.0)),
            float(gap.params.get("adoption_base_rate", 0.0)),
            len(gap.benchmark) if gap.params.get("adoption_basis") == "documented" else 0,
        )
        lacks = np.nan_to_num(gap.full_table.set_index("code").loc[codes, "p_lacks"].to_numpy(dtype=float), nan=1.0)
        return cls(
            codes, zones, measures, np.array(zone_of, dtype=int), values, examined, weights, order, named, prior, lacks
        )

    def keep_vector(self, keep: Mapping[str, float]) -> np.ndarray:
        return np.array([keep[m.confidence] for m in self.measures])

    def cells(self, kept: np.ndarray) -> np.ndarray:
        """Draws x zones x codes scores with the kept measures (NaN where unknown)."""
        draws = kept.shape[0]
        out = np.zeros((draws, len(self.zones), len(self.codes)))
        carried = np.zeros_like(out, dtype=bool)
        levels = np.unique(self.values[self.values > 0])
        steps = np.diff(np.concatenate([[0.0], levels]))
        k = kept.astype(np.float64)
        for z in range(len(self.zones)):
            rows = self.zone_of == z
            if not rows.any():
                continue
            kz, vz = k[:, rows], self.values[rows]
            carried[:, z] = (kz @ (vz > 0)) > 0
            for step, level in zip(steps, levels, strict=True):
                out[:, z] += step * ((kz @ (vz >= level)) > 0)
        known = carried | self.examined[None, :, :]
        return np.where(known, out, np.nan)

    def ranks(
        self, factors: np.ndarray, rule: np.ndarray, kept: np.ndarray, rules: list[str], holds: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ranks (draws x codes) and whether the priority is positive, for one variant."""
        cells = self.cells(kept)
        target, bench = cells[:, 0], cells[:, 1:]
        benchmark = self.zones[1:]
        frontier = np.stack([frontier_values(bench, r, benchmark) for r in rules])  # rules x draws x codes
        f = frontier[rule, np.arange(len(rule))]
        n_examined = (~np.isnan(bench)).sum(axis=1)
        adopted = (np.nan_to_num(bench) > 0).sum(axis=1)
        adoption = shrunk_adoption(adopted, n_examined, *self.prior)
        gap = np.where(np.isnan(target), 0.0, np.maximum(0.0, f - np.nan_to_num(target)))
        gap = np.where(holds, gap, 0.0)  # added with the draws of P(lacks)
        w = self.weights[None, :] * factors
        priority = w * gap * adoption * self._evidence(kept)
        priority = np.where(np.isnan(target), -np.inf, priority)  # unknown in this draw: never ranked
        order = np.argsort(-priority, axis=1, kind="stable")  # ties keep the base order
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(1, len(self.codes) + 1)[None, :].repeat(len(rule), axis=0), axis=1)
        return ranks, priority > 0

    def _evidence(self, kept: np.ndarray) -> np.ndarray:
        """Draws x codes evidence weight of the best kept exemplar (0 when none is kept)."""
        out = np.zeros((kept.shape[0], len(self.codes)))
        for j, idx in enumerate(self.evidence_order):
            if not len(idx):
                continue
            sub = kept[:, idx]
            first = sub.argmax(axis=1)
            weights = np.array([EVIDENCE_WEIGHTS[self.measures[i].confidence] for i in idx])
            out[:, j] = np.where(sub.any(axis=1), weights[first], 0.0)
        return out
