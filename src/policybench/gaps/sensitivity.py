"""How robust the ranking is to the weights, the frontier rule and the evidence (METHODS §8, §10).

Three variants are drawn from the same random numbers:

- **weights**: every category weight times an independent U(low, high) factor, and the
  frontier rule drawn among "max", "mean" (and the named zone, when the analysis used one);
- **evidence**: each counted measure of the target and of the benchmark is kept with the
  probability its confidence gives (``KEEP_PROBABILITY``); a category whose only measures
  are dropped becomes absent where the zone has an absent entry and unknown elsewhere; and
  each of the target's absences holds with the probability P(lacks) its evidence gives
  (:mod:`.evidence`): where it does not, the target turns out to have the category (gap 0);
- **both**: the two together. The main columns (median_rank, rank_p05, rank_p95, p_top,
  fragile) are this variant; the others carry a ``_weights`` or ``_evidence`` suffix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._params import (
    MAX_DRAWS,
    PROGRESS,
    Instance,
    Int,
    Maybe,
    Probabilities,
    Range,
    validate_params,
)
from ..errors import InputError
from ..similarity.portfolio import STATES, counted_categories, state_codes
from .scores import CONFIDENCE_ORDER, EVIDENCE_WEIGHTS, ranking, shrunk_adoption

if TYPE_CHECKING:
    from ..data.model import Measure
    from .analysis import GapAnalysis

__all__ = ["KEEP_PROBABILITY", "SENSITIVITY_COLUMNS", "VARIANTS", "sensitivity", "sensitivity_parameters"]

#: Probability that a counted measure is kept in an evidence draw, by its confidence.
KEEP_PROBABILITY: dict[str, float] = {"high": 0.95, "medium": 0.8, "low": 0.5}

#: Draws ranked at a time; a ``progress`` callback hears after each chunk. Ranks are computed
#: draw by draw, so the chunk size changes no number (a test checks byte identity).
DRAW_CHUNK = 250
#: Bytes of random numbers drawn at a time for the evidence draws (the same numbers in any pieces).
KEPT_CHUNK_BYTES = 4 * 2**20

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


#: The parameters of sensitivity_parameters; sensitivity adds ``progress``.
_PARAMS = {
    "gap": Instance("GapAnalysis"),
    "draws": Int(1, MAX_DRAWS),
    "seed": Int(0),
    "top": Int(1),
    "weight_range": Range(0),
    "keep_probability": Maybe(Probabilities()),
}


@validate_params({**_PARAMS, "progress": PROGRESS})
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
        ``SENSITIVITY_COLUMNS``; values only (the parameters as resolved, with the frontier
        rules drawn: :func:`sensitivity_parameters`).
    """
    low, high = weight_range
    keep = _keep(keep_probability)
    base = ranking(gap)
    if base.empty:
        return pd.DataFrame(columns=list(SENSITIVITY_COLUMNS))
    problem = _Problem.build(gap, base["code"].tolist())
    rules = _rules(gap)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(low, high, size=(draws, len(problem.codes)))
    rule = rng.integers(0, len(rules), size=draws)
    kept = _kept(rng, draws, problem.keep_vector(keep))
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
    return result[list(SENSITIVITY_COLUMNS)]


@validate_params(_PARAMS)
def sensitivity_parameters(
    gap: GapAnalysis,
    *,
    draws: int = 1000,
    seed: int = 0,
    top: int = 5,
    weight_range: tuple[float, float] = (0.5, 1.5),
    keep_probability: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The parameters of :func:`sensitivity` as it resolves them, for a record of the run.

    draws, seed, top, the frontier rules drawn from (max, mean and the analysis' own rule),
    weight_range as a list and keep_probability with its defaults filled in.
    """
    return {
        "draws": draws,
        "seed": seed,
        "top": top,
        "rules": _rules(gap),
        "weight_range": [weight_range[0], weight_range[1]],
        "keep_probability": _keep(keep_probability),
    }


def _kept(rng: np.random.Generator, draws: int, keep: np.ndarray) -> np.ndarray:
    """Draws x measures: ``rng.random((draws, measures)) < keep``, the random numbers drawn a few rows at a time.

    The same numbers as one call (the generator's stream is read in the same order), without a
    draws x measures array of floats (200 MB at 2,500 zones).
    """
    kept = np.empty((draws, len(keep)), dtype=bool)
    rows = max(1, KEPT_CHUNK_BYTES // (8 * max(len(keep), 1)))
    for start in range(0, draws, rows):
        stop = min(draws, start + rows)
        kept[start:stop] = rng.random((stop - start, len(keep))) < keep[None, :]
    return kept


def _rules(gap: GapAnalysis) -> list[str]:
    """The frontier rules a draw picks from: max, mean and the analysis' own rule (e.g. a named zone)."""
    return ["max", "mean"] + ([gap.params["frontier"]] if gap.params["frontier"] not in ("max", "mean") else [])


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
    """Ranks and positivity per variant, draws ranked ``DRAW_CHUNK`` at a time.

    The "both" and "evidence" variants keep the same measures, so their cells are computed
    once per chunk; the "weights" variant keeps every measure, so its cells are computed once.
    """
    draws = len(rule)
    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {v: [] for v in VARIANTS}
    everything = problem.state(np.ones((1, kept.shape[1]), dtype=bool), rules, np.arange(len(rules)))
    for start in range(0, draws, DRAW_CHUNK):
        part = slice(start, min(draws, start + DRAW_CHUNK))
        f, r, k, h = factors[part], rule[part], kept[part], holds[part]
        drawn = problem.state(k, rules, np.unique(np.concatenate([r, base_rule[part]])))
        parts["both"].append(problem.ranks(f, drawn.pick(r), h))
        parts["weights"].append(problem.ranks(f, everything.pick(r), None))
        parts["evidence"].append(problem.ranks(np.ones_like(f), drawn.pick(base_rule[part]), h))
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
class _State:
    """What one chunk of draws leaves: the target's cells, frontiers by rule, adoption, evidence."""

    target: np.ndarray  # draws x codes: the target's score, NaN where unknown
    frontier: dict[int, np.ndarray]  # rule index -> draws x codes
    adoption: np.ndarray  # draws x codes
    evidence: np.ndarray  # draws x codes: evidence weight of the best kept exemplar (0 when none)

    def pick(self, rule: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(target, frontier, adoption, evidence) for draws whose rule index is ``rule``.

        A state of one draw (every measure kept) is repeated for all of them.
        """
        n = len(rule)
        if len(self.target) == n:
            f = np.empty_like(self.target)
            for i, values in self.frontier.items():
                f[rule == i] = values[rule == i]
            return self.target, f, self.adoption, self.evidence
        f = np.stack([self.frontier[i][0] for i in sorted(self.frontier)])[np.searchsorted(sorted(self.frontier), rule)]
        return (
            np.repeat(self.target, n, axis=0),
            f,
            np.repeat(self.adoption, n, axis=0),
            np.repeat(self.evidence, n, axis=0),
        )


@dataclass(frozen=True)
class _Pairs:
    """The (measure, code) pairs of some zones with a score, sorted by code, zone and measure.

    A group is one zone x code cell: its score in a draw is the highest level among its kept
    pairs. Arrays are indexed by pair (P), by group (G) or by code (C).
    """

    measure: np.ndarray  # P: index into _Problem.measures
    level: np.ndarray  # P: 1-based index of the pair's value among _Problem.levels
    rank: np.ndarray  # P: evidence rank of the pair for its code (0 = best exemplar)
    group_start: np.ndarray  # G: first pair of the group
    group_code: np.ndarray  # G: code index
    group_zone: np.ndarray  # G: zone index
    code_group_start: np.ndarray  # one per code with groups: its first group
    code_pair_start: np.ndarray  # the same: its first pair
    with_groups: np.ndarray  # the code indices that have groups, ascending
    # (groups with more than k pairs, their (k+1)-th pair) for k = 1, 2, ...: a group's maximum in steps
    steps: tuple[tuple[np.ndarray, np.ndarray], ...] = ()

    @classmethod
    def build(
        cls, measure: np.ndarray, code: np.ndarray, zone: np.ndarray, level: np.ndarray, rank: np.ndarray
    ) -> _Pairs:
        order = np.lexsort((measure, zone, code))
        measure, code, zone, level, rank = measure[order], code[order], zone[order], level[order], rank[order]
        new_group = np.ones(len(order), dtype=bool)
        new_group[1:] = (code[1:] != code[:-1]) | (zone[1:] != zone[:-1])
        group_start = np.flatnonzero(new_group)
        group_code, group_zone = code[group_start], zone[group_start]
        new_code = np.ones(len(group_start), dtype=bool)
        new_code[1:] = group_code[1:] != group_code[:-1]
        code_group_start = np.flatnonzero(new_code)
        size = np.diff(np.append(group_start, len(order)))
        steps = tuple(
            (groups, group_start[groups] + k)
            for k in range(1, int(size.max(initial=1)))
            for groups in [np.flatnonzero(size > k)]
        )
        return cls(
            measure,
            level,
            rank,
            group_start,
            group_code,
            group_zone,
            code_group_start,
            group_start[code_group_start],
            group_code[code_group_start],
            steps,
        )

    def group_levels(self, kept: np.ndarray) -> np.ndarray:
        """Draws x groups: the highest level among the group's kept pairs (0 when none is kept)."""
        if not len(self.measure):
            return np.zeros((kept.shape[0], 0), dtype=self.level.dtype)
        # (take, not [:, index], gives C-ordered arrays: every later step reads along the rows)
        lv = np.where(kept.take(self.measure, axis=1), self.level[None, :], np.int16(0))
        # the maximum over each group's pairs (as np.maximum.reduceat), pair by pair: most groups have
        # one or two pairs, and reduceat pays for each of 20,000 groups in every draw
        out = lv.take(self.group_start, axis=1)
        for groups, pairs in self.steps:
            out[:, groups] = np.maximum(out.take(groups, axis=1), lv.take(pairs, axis=1))
        return out

    def per_code(self, ufunc: np.ufunc, values: np.ndarray, n_codes: int, empty: float | int) -> np.ndarray:
        """Draws x codes: ``ufunc`` reduced over each code's groups (``empty`` for codes without)."""
        out = np.full((values.shape[0], n_codes), empty, dtype=values.dtype)
        if len(self.with_groups):
            out[:, self.with_groups] = ufunc.reduceat(values, self.code_group_start, axis=1)
        return out


@dataclass(frozen=True)
class _Problem:
    """The arrays of one analysis: candidate codes, zones, counted measures and their cell values."""

    codes: list[str]  # ranked codes first (base order), then the other candidates (codebook order)
    zones: list[str]  # target first, then the benchmark
    measures: list[Measure]
    examined: np.ndarray  # zones x codes: absent with evidence (known to be 0 when no kept measure carries it)
    weights: np.ndarray  # codes
    levels: np.ndarray  # the distinct positive cell values, ascending
    level_values: np.ndarray  # 0.0, then the score of a cell at each level (the steps summed in order)
    target: _Pairs  # the target's pairs
    bench: _Pairs  # the benchmark's pairs (zone indices 1..)
    rank_weight: np.ndarray  # evidence weight by evidence rank; one more 0.0 for "no exemplar kept"
    named: str | None
    prior: tuple[float, float, int]  # adoption shrinkage: strength a, base rate r, |R| (0: basis examined)
    lacks: np.ndarray  # codes: P(the target lacks it) (gap's p_lacks; 1 for a depth gap)

    @classmethod
    def build(cls, gap: GapAnalysis, ranked: list[str]) -> _Problem:
        ds, statuses = gap.dataset, gap.params["status"]
        known = gap.known_table()
        codes = ranked + [c for c in known["code"] if c not in set(ranked)]
        zones = [gap.target, *gap.benchmark]
        top = float(ds.codebook.max_depth)
        secondary = float(gap.params["secondary_weight"])
        position = {c: j for j, c in enumerate(ds.codebook.codes)}
        at = np.array([position[c] for c in codes], dtype=np.int64)  # the codes' positions in the codebook
        parts = [counted_categories(ds, zone_id, statuses) for zone_id in zones]
        counted = [m for part in parts for m in part.measures]  # zone by zone, in file order
        zone_of = np.repeat(np.arange(len(zones), dtype=np.int64), [len(part.measures) for part in parts])
        carries = np.concatenate([part.carries for part in parts])[:, at]  # counted measures x codes
        primary = np.concatenate([part.primary for part in parts])[:, None] == at[None, :]
        depth = np.concatenate([part.depth for part in parts])
        # a cell's value: depth / d_max x (1 for the primary category, the secondary weight otherwise), as
        # gap_analysis computes it; the cells of a measure with a positive value make its pairs
        value = depth[:, None] / top * np.where(primary, 1.0, secondary)
        cell = carries & (value > 0)
        included = np.flatnonzero(cell.any(axis=1))
        measures: list[Measure] = [counted[i] for i in included]
        zone_of = zone_of[included]
        pair_measure, pair_code = np.nonzero(cell[included])  # (measure, code) pairs; _Pairs.build sorts them
        pair_measure, pair_code = pair_measure.astype(np.int64), pair_code.astype(np.int64)
        pair_value = value[included][pair_measure, pair_code]
        examined = state_codes(ds, zones, statuses)[:, at] == STATES.index("absent")
        weights = gap.full_table.set_index("code").loc[codes, "weight"].to_numpy(dtype=float)
        pair_zone = zone_of[pair_measure]
        levels = np.unique(pair_value)
        level_values = np.zeros(len(levels) + 1)
        total = 0.0
        for k, step in enumerate(np.diff(np.concatenate([[0.0], levels]))):
            total += step  # the cell score is the sum of the steps up to its level, in this order
            level_values[k + 1] = total
        pair_level = (np.searchsorted(levels, pair_value) + 1).astype(np.int16)
        # evidence order of an exemplar: deeper first, primary before secondary, then by confidence
        labels, at_label = np.unique(np.concatenate([part.confidence for part in parts])[included], return_inverse=True)
        confidence = np.array([CONFIDENCE_ORDER[str(c)] for c in labels], dtype=np.int64)[at_label.reshape(-1)]
        key = np.empty(
            len(pair_measure), dtype=[("depth", np.int64), ("secondary", np.int64), ("confidence", np.int64)]
        )
        key["depth"] = -depth[included][pair_measure]
        key["secondary"] = ~primary[included][pair_measure, pair_code]
        key["confidence"] = confidence[pair_measure]
        distinct, pair_rank = np.unique(key, return_inverse=True)
        by_confidence = {v: k for k, v in CONFIDENCE_ORDER.items()}
        rank_weight = np.array([EVIDENCE_WEIGHTS[by_confidence[int(c)]] for c in distinct["confidence"]] + [0.0])
        pair_rank = pair_rank.reshape(-1).astype(np.int32)
        target = pair_zone == 0
        named = gap.params["frontier"] if gap.params["frontier"] not in ("max", "mean") else None
        prior = (
            float(gap.params.get("adoption_prior", 0.0)),
            float(gap.params.get("adoption_base_rate", 0.0)),
            len(gap.benchmark) if gap.params.get("adoption_basis") == "documented" else 0,
        )
        lacks = np.nan_to_num(gap.full_table.set_index("code").loc[codes, "p_lacks"].to_numpy(dtype=float), nan=1.0)
        return cls(
            codes,
            zones,
            measures,
            examined,
            weights,
            levels,
            level_values,
            _Pairs.build(*(a[target] for a in (pair_measure, pair_code, pair_zone, pair_level, pair_rank))),
            _Pairs.build(*(a[~target] for a in (pair_measure, pair_code, pair_zone, pair_level, pair_rank))),
            rank_weight,
            named,
            prior,
            lacks,
        )

    def keep_vector(self, keep: Mapping[str, float]) -> np.ndarray:
        return np.array([keep[m.confidence] for m in self.measures])

    def state(self, kept: np.ndarray, rules: list[str], needed: np.ndarray) -> _State:
        """The target's cells, the frontiers of the rules ``needed`` (indices), adoption and evidence.

        Computed from the kept pairs only, without a draws x zones x codes array; every number
        is computed with the same floating-point operations, in the same order, as the
        zones x codes cells of :func:`gap_analysis` would give (sums over zones run in zone order).
        """
        n_codes = len(self.codes)
        benchmark = self.zones[1:]
        target_level = self.target.per_code(np.maximum, self.target.group_levels(kept), n_codes, 0)
        target = np.where((target_level > 0) | self.examined[0][None, :], self.level_values[target_level], np.nan)
        level = self.bench.group_levels(kept)  # draws x groups
        carried = level > 0
        examined = self.examined[1:].sum(axis=0)[None, :]
        unseen = ~self.examined[self.bench.group_zone, self.bench.group_code]  # known only when carried
        n_examined = examined + self.bench.per_code(np.add, (carried & unseen).astype(np.int32), n_codes, 0)
        adopted = self.bench.per_code(np.add, carried.astype(np.int32), n_codes, 0).astype(np.int64)
        frontier: dict[int, np.ndarray] = {}
        for i in needed.tolist():
            frontier[i] = self._frontier(level, rules[i], benchmark, n_examined)
        adoption = shrunk_adoption(adopted, n_examined, *self.prior)
        if len(self.bench.measure):
            none = np.int32(len(self.rank_weight) - 1)
            ranks = np.where(kept.take(self.bench.measure, axis=1), self.bench.rank[None, :], none)
            best = np.full((kept.shape[0], n_codes), none, dtype=np.int32)
            best[:, self.bench.with_groups] = np.minimum.reduceat(ranks, self.bench.code_pair_start, axis=1)
        else:
            best = np.full((kept.shape[0], n_codes), len(self.rank_weight) - 1, dtype=np.int64)
        return _State(target, frontier, adoption, self.rank_weight[best])

    def _frontier(self, level: np.ndarray, rule: str, benchmark: list[str], n_examined: np.ndarray) -> np.ndarray:
        """Draws x codes frontier by ``rule`` (as :func:`frontier_values` on the zones x codes cells)."""
        n_codes = len(self.codes)
        bench = self.bench
        if rule == "max":
            return self.level_values[bench.per_code(np.maximum, level, n_codes, 0)]
        if rule == "mean":
            value = self.level_values[level]
            total = np.zeros((level.shape[0], n_codes))
            bounds = [*bench.code_group_start.tolist(), level.shape[1]]
            for j, a, b in zip(bench.with_groups.tolist(), bounds[:-1], bounds[1:], strict=True):
                # accumulate adds left to right: the zone-by-zone order of the sum over a draws x zones x
                # codes array (zones that do not carry the code add 0.0, which changes no sum)
                total[:, j] = np.add.accumulate(value[:, a:b], axis=1)[:, -1]
            return np.divide(total, n_examined, out=np.zeros(n_examined.shape), where=n_examined > 0)
        named = bench.group_zone == 1 + benchmark.index(rule)  # that zone's score (0 where it has none)
        out = np.zeros((level.shape[0], n_codes))
        out[:, bench.group_code[named]] = self.level_values[level[:, named]]
        return out

    def ranks(
        self,
        factors: np.ndarray,
        state: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
        holds: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ranks (draws x codes) and whether the priority is positive, for one variant.

        ``holds`` (draws x codes, or None for "always"): whether the target's absence holds in
        the draw; where it does not, the target turns out to have the category and its gap is 0.
        In expectation this is the base priority's factor P(lacks).
        """
        target, f, adoption, evidence = state
        gap = np.where(np.isnan(target), 0.0, np.maximum(0.0, f - np.nan_to_num(target)))
        if holds is not None:
            gap = np.where(holds, gap, 0.0)
        w = self.weights[None, :] * factors
        priority = w * gap * adoption * evidence
        priority = np.where(np.isnan(target), -np.inf, priority)  # unknown in this draw: never ranked
        order = np.argsort(-priority, axis=1, kind="stable")  # ties keep the base order
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(1, len(self.codes) + 1)[None, :].repeat(len(factors), axis=0), axis=1)
        return ranks, priority > 0
