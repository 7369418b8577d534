"""Distance to the frontier of a benchmark set (METHODS §6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import __version__
from .._params import check_names, check_positive_int, check_status, check_type, check_weights, fail
from ..codebook import category_weights, is_counted
from ..documents import suggest
from ..errors import InputError
from ..similarity.portfolio import portfolio_matrix

if TYPE_CHECKING:
    from ..dataset import Dataset
    from ..model import Measure, Zone

__all__ = ["EVIDENCE_WEIGHTS", "GAP_COLUMNS", "GapAnalysis", "gap_analysis", "ranking"]

#: Evidence weight of the best exemplar, by its confidence (METHODS §6).
EVIDENCE_WEIGHTS: dict[str, float] = {"high": 1.0, "medium": 0.75, "low": 0.5}
_CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}

#: Columns of :meth:`GapAnalysis.table`.
GAP_COLUMNS: dict[str, str] = {
    "code": "category code",
    "domain": "domain code",
    "label_zh": "category label (Chinese)",
    "label_en": "category label (English)",
    "target": "target's score s(t, c) in [0, 1]",
    "frontier": "frontier score f_c",
    "frontier_holders": "benchmark zones at the frontier, joined by ','",
    "gap": "max(0, f_c - s(t, c))",
    "dtf": "distance-to-frontier score 100 * min(1, s / f), 0-100",
    "weight": "category weight (codebook default or override), summing to 1 over the codebook",
    "adoption": "share of the benchmark zones with a score > 0",
    "evidence_weight": "evidence weight of the best exemplar (high 1, medium 0.75, low 0.5)",
    "priority": "weight * gap * adoption * evidence_weight",
    "strength": "True when the target is above the frontier",
    "target_coded_domain": "False when the target has no measure of any status in this domain",
    "exemplar": "id of the best exemplar measure in the benchmark set",
}


@dataclass(frozen=True)
class GapAnalysis:
    """The result of :func:`gap_analysis`: gap figures per category and their context.

    Everything needed to regenerate it is recorded: ``params``, ``codebook_version``,
    ``data_hash`` and ``library_version``.
    """

    dataset: Dataset = field(repr=False)
    target: str
    benchmark: tuple[str, ...]
    params: dict[str, Any]
    full_table: pd.DataFrame = field(repr=False)
    portfolio: pd.DataFrame = field(repr=False)
    codebook_version: str = ""
    data_hash: str = ""
    library_version: str = __version__

    def table(self) -> pd.DataFrame:
        """One row per applicable category (frontier > 0), codebook order; see ``GAP_COLUMNS``."""
        return self.full_table[self.full_table["frontier"] > 0].reset_index(drop=True)

    def not_applicable(self) -> list[str]:
        """Codes that no benchmark zone does (frontier 0): left out of scores, never hidden."""
        return self.full_table.loc[self.full_table["frontier"] <= 0, "code"].tolist()

    @property
    def overall(self) -> float:
        """Overall DTF: weighted mean of the category DTFs over applicable categories."""
        table = self.table()
        return weighted_dtf(table["dtf"], table["weight"])

    def domain_table(self) -> pd.DataFrame:
        """Per domain: target and frontier means, DTF (weighted mean), weight, categories."""
        table = self.table()
        rows = []
        for domain in self.dataset.codebook.domain_codes:
            part = table[table["domain"] == domain]
            if part.empty:
                continue
            label = self.dataset.codebook.domain(domain).label
            rows.append(
                {
                    "domain": domain,
                    "label_zh": label.zh,
                    "label_en": label.en,
                    "target": float(part["target"].mean()),
                    "frontier": float(part["frontier"].mean()),
                    "dtf": weighted_dtf(part["dtf"], part["weight"]),
                    "weight": float(part["weight"].sum()),
                    "categories": len(part),
                    "gaps": int((part["gap"] > 0).sum()),
                }
            )
        return pd.DataFrame(rows)

    def strengths(self) -> pd.DataFrame:
        """Categories where the target is above the frontier (what the models could learn)."""
        table = self.full_table
        return table[table["strength"]].reset_index(drop=True)

    def not_counted(self, *, applicable_only: bool = True) -> pd.DataFrame:
        """The target's measures left out by the status filter (e.g. discontinued), not ignored.

        By default only those in applicable categories (where the benchmark does something).
        Columns: measure_id, code, role, status, depth, title_zh, title_en.
        """
        table = self.dataset.measures_table()
        left_out = {m.id for m in self.dataset.zone(self.target).measures if not is_counted(m, self.params["status"])}
        mask = table["measure_id"].isin(left_out)
        if applicable_only:
            mask &= table["code"].isin(self.table()["code"])
        cols = ["measure_id", "code", "role", "status", "depth", "title_zh", "title_en"]
        return table.loc[mask, cols].reset_index(drop=True)

    def uncoded_gaps(self) -> pd.DataFrame:
        """Gaps in domains where the target has no coded measure: maybe a gap in our data."""
        table = self.table()
        return table[(table["gap"] > 0) & ~table["target_coded_domain"]].reset_index(drop=True)

    def summary(self) -> str:
        """A few readable lines: target, benchmark, overall DTF, biggest gaps."""
        lines = [
            f"Gap analysis of {self.target} against {', '.join(self.benchmark)}",
            f"overall DTF {self.overall:.1f} over {len(self.table())} applicable categories "
            f"({len(self.not_applicable())} not applicable); frontier rule {self.params['frontier']}",
        ]
        lines += [
            f"  {r.code:<32} gap {r.gap:.2f}  priority {r.priority:.4f}" for r in ranking(self).head(5).itertuples()
        ]
        uncoded = self.uncoded_gaps()
        if len(uncoded):
            lines.append(f"not ranked (no coded measure of {self.target} in the domain): {', '.join(uncoded['code'])}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def ranking(gap: GapAnalysis, *, include_uncoded_domains: bool = False) -> pd.DataFrame:
    """Applicable categories with a positive priority, highest first (ties: codebook code)."""
    table = gap.table()
    table = table[table["priority"] > 0]
    if not include_uncoded_domains:
        table = table[table["target_coded_domain"]]
    return table.sort_values(["priority", "code"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def weighted_dtf(dtf: pd.Series | np.ndarray, weights: pd.Series | np.ndarray) -> float:
    """Weighted mean of DTF scores, rounded to 10 decimals so that 100 stays 100."""
    values = np.asarray(dtf, dtype=float)
    if not len(values):
        return float("nan")
    return round(float(np.average(values, weights=np.asarray(weights, dtype=float))), 10)


def gap_analysis(
    dataset: Dataset,
    target: str,
    *,
    against: Sequence[str] | None = None,
    peers: int | None = None,
    frontier: str = "max",
    weights: Mapping[str, float] | None = None,
    status: Sequence[str] | str | None = None,
    secondary_weight: float = 0.5,
) -> GapAnalysis:
    """Compare ``target`` with a benchmark set: gap, DTF and priority per category.

    Parameters
    ----------
    dataset : Dataset
        The codebook and zones.
    target : str
        Zone id of the zone assessed.
    against : sequence of str, optional
        Benchmark zone ids. Exclusive with ``peers``. Default (both None): every other zone.
    peers : int, optional
        Use the ``peers`` zones nearest to the target by the combined similarity.
    frontier : {"max", "mean"} or zone id
        f_c = max over the benchmark set, the mean, or a named best-practice zone's score.
    weights : mapping code -> weight, optional
        Weights of the categories named, on the scale of the codebook defaults
        (:func:`~policybench.codebook.category_weights`, which sum to 1); every other
        category keeps its default, then all are renormalised to sum to 1. Default: the
        codebook's (domains by their weight, categories equal within their domain).
    status : sequence of str
        Statuses counted, for the target and the benchmark alike.
    secondary_weight : float
        Credit for a secondary category in the portfolio (METHODS §1).

    Returns
    -------
    GapAnalysis

    Examples
    --------
    >>> from policybench import load_dataset
    >>> gap = gap_analysis(load_dataset(), "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"])
    >>> 0 <= gap.overall <= 100
    True
    """
    from ..dataset import Dataset

    check_type("gap_analysis", "dataset", dataset, Dataset, "a Dataset (see load_dataset)")
    check_type("gap_analysis", "target", target, str, "a zone id (str)")
    if against is not None:
        check_names("gap_analysis", "against", against, what="zone ids")
    if weights is not None:
        check_weights("gap_analysis", "weights", weights)
    if status is not None and not isinstance(status, str):
        check_names("gap_analysis", "status", status, what="statuses")
    statuses = check_status(dataset.codebook, status, "gap_analysis")
    dataset.zone(target)
    benchmark = _benchmark(dataset, target, against, peers, statuses)
    if frontier not in ("max", "mean") and frontier not in benchmark:
        raise InputError(
            f"The 'frontier' parameter of gap_analysis must be 'max', 'mean' or a zone of the benchmark set "
            f"({', '.join(benchmark)}). Got {frontier!r} instead."
        )
    rows = [target, *benchmark]
    portfolio = portfolio_matrix(dataset, status=statuses, secondary_weight=secondary_weight, zones=rows)
    w = _weights(dataset, weights)
    table = _gap_table(dataset, portfolio, target, benchmark, frontier, w, statuses)
    applicable = table[table["frontier"] > 0]
    if not applicable.empty and applicable["weight"].sum() <= 0:
        raise InputError(
            f"the weights give all {len(applicable)} applicable categories weight 0 "
            f"({', '.join(applicable['code'])}): no overall score can be computed; "
            "give at least one of them a positive weight"
        )
    params = {
        "against": list(against) if against is not None else None,
        "peers": peers,
        "frontier": frontier,
        "weights": dict(weights) if weights is not None else None,
        "status": list(statuses),
        "secondary_weight": float(secondary_weight),
    }
    return GapAnalysis(
        dataset, target, benchmark, params, table, portfolio, dataset.codebook.version, dataset.data_hash()
    )


def _benchmark(
    dataset: Dataset, target: str, against: Sequence[str] | None, peers: int | None, statuses: tuple[str, ...]
) -> tuple[str, ...]:
    if against is not None and peers is not None:
        raise InputError("gap_analysis takes either 'against' or 'peers', not both")
    if peers is not None:
        check_positive_int("gap_analysis", "peers", peers)
        from ..similarity.combined import nearest_peers

        return tuple(sorted(nearest_peers(dataset, target, k=peers, status=statuses)["zone_id"]))
    if isinstance(against, str):
        raise fail("gap_analysis", "against", "a sequence of zone ids (a list, not one string)", against)
    chosen = [z for z in dataset.zone_ids if z != target] if against is None else list(dict.fromkeys(against))
    for zone_id in chosen:
        dataset.zone(zone_id)
    if target in chosen:
        raise InputError(f"the target '{target}' is also in the benchmark set; leave it out of 'against'")
    if not chosen:
        raise InputError(f"the benchmark set for '{target}' is empty: name at least one other zone in 'against'")
    if not any(is_counted(m, statuses) for z in chosen for m in dataset.zone(z).measures):
        raise InputError(
            f"no zone of the benchmark set ({', '.join(chosen)}) has a counted measure "
            f"(statuses counted: {', '.join(statuses)}): no frontier, so no gap can be computed; "
            "add zones with implemented or piloted measures, or widen the status filter"
        )
    return tuple(sorted(chosen))


def _weights(dataset: Dataset, weights: Mapping[str, float] | None) -> pd.Series:
    """Codebook default weights, with those named in ``weights`` overridden; sums to 1."""
    codes = list(dataset.codebook.codes)
    raw = pd.Series(category_weights(dataset.codebook), index=codes)
    if weights is None:
        return raw
    unknown = sorted(set(weights) - set(codes))
    if unknown:
        hints = [f"'{c}'" + (f" ({suggest(c, codes)})" if suggest(c, codes) else "") for c in unknown]
        raise InputError(f"weights name unknown category codes: {', '.join(hints)}")
    for code, value in weights.items():
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else float("nan")
        if not np.isfinite(number) or number < 0:
            raise InputError(f"weights: the weight of '{code}' must be a finite number >= 0. Got {value!r} instead.")
        raw[code] = float(number)
    if raw.sum() <= 0:
        raise InputError("weights: every category has weight 0; give at least one a positive weight")
    return raw / raw.sum()


def frontier_scores(bench: pd.DataFrame, rule: str) -> tuple[np.ndarray, list[str]]:
    """Frontier per column of the benchmark rows, and the holders (zones at the max)."""
    values = bench.to_numpy()
    best = values.max(axis=0)
    holders = [",".join(bench.index[(values[:, j] == best[j]) & (best[j] > 0)]) for j in range(values.shape[1])]
    if rule == "max":
        return best, holders
    if rule == "mean":
        return values.mean(axis=0), holders
    named = bench.loc[rule].to_numpy()
    return named, [rule if v > 0 else "" for v in named]


def _gap_table(
    dataset: Dataset,
    portfolio: pd.DataFrame,
    target: str,
    benchmark: tuple[str, ...],
    rule: str,
    weights: pd.Series,
    statuses: tuple[str, ...],
) -> pd.DataFrame:
    codebook = dataset.codebook
    bench = portfolio.loc[list(benchmark)]
    s = portfolio.loc[target].to_numpy()
    f, holders = frontier_scores(bench, rule)
    exemplars = {code: best_exemplars(dataset, benchmark, code, statuses, n=1) for code in codebook.codes}
    coded_domains = {m.category.split(".")[0] for m in dataset.zone(target).measures}
    coded_domains |= {c.split(".")[0] for m in dataset.zone(target).measures for c in m.secondary}
    rows = []
    for j, cat in enumerate(codebook.categories):
        best = exemplars[cat.code]
        evidence = EVIDENCE_WEIGHTS[best[0][1].confidence] if best else 0.0
        gap = max(0.0, f[j] - s[j])
        adoption = float((bench.iloc[:, j] > 0).mean())
        rows.append(
            {
                "code": cat.code,
                "domain": cat.domain,
                "label_zh": cat.label.zh,
                "label_en": cat.label.en,
                "target": float(s[j]),
                "frontier": float(f[j]),
                "frontier_holders": holders[j],
                "gap": float(gap),
                "dtf": float(100.0 * min(1.0, s[j] / f[j])) if f[j] > 0 else float("nan"),
                "weight": float(weights[cat.code]),
                "adoption": adoption,
                "evidence_weight": evidence,
                "priority": float(weights[cat.code] * gap * adoption * evidence),
                "strength": bool(s[j] > f[j]),
                "target_coded_domain": cat.domain in coded_domains,
                "exemplar": best[0][1].id if best else "",
            }
        )
    return pd.DataFrame(rows, columns=list(GAP_COLUMNS))


def best_exemplars(
    dataset: Dataset, zones: Sequence[str], code: str, statuses: Sequence[str], *, n: int = 3
) -> list[tuple[Zone, Measure]]:
    """Up to ``n`` counted measures of ``zones`` carrying ``code``: deepest, best evidenced, most recent.

    A measure whose primary category is ``code`` ranks before one that has it as secondary
    at the same depth; ties end on the measure id so the order is deterministic.
    """
    found = []
    for zone_id in zones:
        zone = dataset.zone(zone_id)
        for m in zone.measures:
            if is_counted(m, statuses) and code in m.categories:
                found.append((zone, m))

    def key(item: tuple[Zone, Measure]) -> tuple[Any, ...]:
        m = item[1]
        return (-m.depth, m.category != code, _CONFIDENCE_ORDER[m.confidence], _negated_date(m.start), m.id)

    return sorted(found, key=key)[:n]


def _negated_date(start: str | None) -> tuple[int, ...]:
    """Sort key that puts recent dates first and unknown dates last."""
    if not start:
        return (1, 0, 0, 0)
    parts = [int(p) for p in start.split("-")] + [0, 0]
    return (0, -parts[0], -parts[1], -parts[2])
