"""Distance to the frontier of a benchmark set (METHODS §6), over what is known (§10).

The frontier of a category is taken over the benchmark zones that examined it (state
present or absent); a category the target did not examine (state unknown) is never
ranked: it goes to :meth:`GapAnalysis.unverified`, the "verify first" list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._params import (
    STATUS,
    Bool,
    Instance,
    Int,
    Maybe,
    Options,
    OrderedStrs,
    Real,
    Str,
    Weights,
    check_positive_int,
    check_status,
    fail,
    validate_params,
)
from .._version import __version__
from ..data.codebook import category_weights, is_counted
from ..data.documents import suggest
from ..errors import InputError
from ..similarity.portfolio import counted_categories, portfolio_matrix, scope_matrix
from .evidence import absence_evidence, verification_check
from .scores import (
    EVIDENCE_WEIGHTS,
    exemplars_by_code,
    frontier_scores,
    ranking,
    shrunk_adoption,
    weighted_dtf,
)

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from ..data.model import Zone

__all__ = ["EVIDENCE_WEIGHTS", "GAP_COLUMNS", "UNVERIFIED_COLUMNS", "GapAnalysis", "gap_analysis", "ranking"]

GAP_COLUMNS: dict[str, str] = {
    "code": "category code",
    "domain": "domain code",
    "label_zh": "category label (Chinese)",
    "label_en": "category label (English)",
    "target_state": "the target's state: present, absent, unknown (never ranked) or not-applicable (never ranked)",
    "target": "target's score s(t, c) in [0, 1]; NaN when the state is unknown",
    "frontier": "frontier score f_c over the benchmark zones that examined c (0 when none did)",
    "frontier_holders": "benchmark zones at the frontier, joined by ','",
    "n_examined": "number of benchmark zones whose state of c is known (present or absent)",
    "n_adopted": "how many of them have c (score > 0)",
    "single_exemplar": "True when one benchmark zone alone holds the frontier",
    "gap": "max(0, f_c - s(t, c)); NaN when the target's state is unknown",
    "dtf": "distance-to-frontier score 100 * min(1, s / f), 0-100; NaN when unknown",
    "weight": "category weight (codebook default or override), summing to 1 over the codebook",
    "adoption": "adoption share shrunk toward the base rate: (n_adopted + a r) / (N + a), N the number of benchmark "
    "zones (basis documented) or n_examined (basis examined)",
    "evidence_weight": "evidence weight of the best exemplar (high 1, medium 0.75, low 0.5)",
    "exemplar_confidence": "confidence of the best exemplar measure (high, medium, low; '' when none)",
    "absence_evidence": "what the target's absence rests on: source, search, or none (then not ranked: verify "
    "first); '' when present or unknown",
    "p_lacks": "P(the target lacks it): 1 when present (a depth gap), by the absence's evidence and confidence "
    "(LACK_PROBABILITY) when absent, 0 for an absence without evidence, NaN when unknown",
    "priority": "weight * gap * adoption * evidence_weight * p_lacks; NaN when the target's state is unknown",
    "priority_share": "priority / the sum of the priorities of the ranked categories (0-1); NaN when unknown",
    "strength": "True when the target is above the frontier of benchmark zones whose state is known (n_examined > 0)",
    "rests_on_low_confidence": "True when the frontier, or the target's own score, rests only on low-confidence measures",
    "exemplar": "id of the best exemplar measure in the benchmark set",
}

#: Columns of :meth:`GapAnalysis.unverified`.
UNVERIFIED_COLUMNS: dict[str, str] = {
    "code": "category code",
    "domain": "domain code",
    "label_zh": "category label (Chinese)",
    "label_en": "category label (English)",
    "frontier": "frontier score",
    "frontier_holders": "benchmark zones at the frontier",
    "n_examined": "benchmark zones that examined it",
    "adoption": "share of those with a score > 0",
    "potential_priority": "the priority the category would have if the target turned out not to do it",
    "exemplar_ids": "1-3 exemplar measure ids to check the target against, joined by ','",
    "exemplar_zones": "their zones, joined by ','",
    "reason": "why it is not ranked: unknown (state not decided) or unevidenced (an absence without evidence)",
    "check_sources": "ids of the target's primary sources not yet read for this cell, joined by ','",
    "check_queries": "look-ups to run (not yet run for this cell), joined by ' | '",
    "check_zh": "the check to run, in Chinese (sources by title, queries quoted)",
    "check_en": "the check to run, in English",
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
    params: Mapping[str, Any]
    _table: pd.DataFrame = field(repr=False)
    _portfolio: pd.DataFrame = field(repr=False)
    codebook_version: str = ""
    data_hash: str = ""
    library_version: str = __version__
    #: Tables derived once and handed out as copies (the result is immutable, so are they).
    _memo: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def full_table(self) -> pd.DataFrame:
        """Every category of the codebook with its gap figures (a copy: the result cannot be changed through it)."""
        return self._table.copy()

    @property
    def portfolio(self) -> pd.DataFrame:
        """The portfolio matrix of the target and the benchmark the gaps were computed on (a copy)."""
        return self._portfolio.copy()

    def table(self) -> pd.DataFrame:
        """One row per applicable category (frontier > 0), codebook order; see ``GAP_COLUMNS``."""
        return self._table[self._table["frontier"] > 0].reset_index(drop=True)

    def not_applicable(self) -> list[str]:
        """Codes that no benchmark zone does (frontier 0): left out of scores, never hidden."""
        return self._table.loc[self._table["frontier"] <= 0, "code"].tolist()

    def counts(self) -> dict[str, int]:
        """What the overall DTF covers, defined once for every output.

        ``known``: applicable categories (some benchmark does them) whose state is known for the
        target (the DTF's mean runs over these); ``unknown``: applicable ones whose state is
        unknown (verify first); ``not_applicable``: categories no benchmark does, or that do not
        apply to the target. The three add up to the codebook's categories.
        """
        states = self.table()["target_state"]
        known = int(states.isin(("present", "absent")).sum())
        unknown = int((states == "unknown").sum())
        return {"known": known, "unknown": unknown, "not_applicable": len(self._table) - known - unknown}

    def known_table(self) -> pd.DataFrame:
        """The applicable categories whose state is known for the target (present or absent)."""
        table = self.table()
        return table[table["target_state"].isin(("present", "absent"))].reset_index(drop=True)

    @property
    def overall(self) -> float:
        """Overall DTF: weighted mean of the category DTFs over applicable categories known for the target.

        Categories the target did not examine are left out, so the weights of the others
        are renormalised over what is known.
        """
        table = self.known_table()
        return weighted_dtf(table["dtf"], table["weight"])

    def domain_table(self) -> pd.DataFrame:
        """Per domain: the benchmarked part, and the target's own strength beside it.

        The benchmarked part (target, frontier, dtf, weight, categories, gaps) is over the
        domain's applicable categories known for the target, as the overall DTF is. The
        target's own strength (own_mean, own_max, own_examined) is over every category of the
        domain its coding examined (present or absent), applicable or not, so a reform no
        benchmark zone does still shows; categories it did not examine (unknown) are left out
        of both, never read as 0. A domain with nothing benchmarked has NaN in the benchmarked
        part; a domain with neither part is left out.

        Columns: domain, label_zh, label_en, target and frontier (means), dtf (weighted mean),
        weight, categories (applicable and known), gaps, n_unknown (applicable categories the
        target did not examine), own_mean and own_max (the target's mean and best score over
        the categories it examined), own_examined (how many), n_categories (in the domain).
        """
        table = self.known_table()
        full = self._table
        unknown = self.unverified()["domain"].value_counts()
        rows = []
        for domain in self.dataset.codebook.domain_codes:
            part = table[table["domain"] == domain]
            everything = full[full["domain"] == domain]
            own = everything["target"].dropna()
            if part.empty and own.empty and not unknown.get(domain, 0):
                continue
            label = self.dataset.codebook.domain(domain).label
            nan = float("nan")
            rows.append(
                {
                    "domain": domain,
                    "label_zh": label.zh,
                    "label_en": label.en,
                    "target": float(part["target"].mean()) if len(part) else nan,
                    "frontier": float(part["frontier"].mean()) if len(part) else nan,
                    "dtf": weighted_dtf(part["dtf"], part["weight"]),
                    "weight": float(part["weight"].sum()),
                    "categories": len(part),
                    "gaps": int((part["gap"] > 0).sum()),
                    "n_unknown": int(unknown.get(domain, 0)),
                    "own_mean": float(own.mean()) if len(own) else nan,
                    "own_max": float(own.max()) if len(own) else nan,
                    "own_examined": len(own),
                    "n_categories": len(everything),
                }
            )
        return pd.DataFrame(rows)

    def strengths(self) -> pd.DataFrame:
        """Categories where the target is above the frontier (what the models could learn)."""
        table = self._table
        return table[table["strength"]].reset_index(drop=True)

    @validate_params({"applicable_only": Bool()}, name="GapAnalysis.not_counted")
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

    def unverified(self) -> pd.DataFrame:
        """The "verify first" list: applicable categories whose absence in the target is not evidenced.

        These are the categories the target's coding did not decide (state unknown) and those
        coded absent without any evidence (a 1.x entry with neither a source nor a search
        record). They are never ranked: our data cannot tell a real gap from a gap in coding.
        Each row names the benchmark's exemplars and the concrete check to run on the target
        (its primary sources not yet read for the cell, and the queries to type; see
        :func:`~policybench.gaps.evidence.verification_check`); highest potential priority
        first (ties by code). National duties are left out (presumed met). Columns as in
        ``UNVERIFIED_COLUMNS``.
        """
        if "unverified" not in self._memo:  # read by the report, the domain table and the summary
            self._memo["unverified"] = self._unverified()
        return self._memo["unverified"].copy()

    def _unverified(self) -> pd.DataFrame:
        table = self.table()
        codebook = self.dataset.codebook
        duty = np.array([codebook.category(c).national_duty is not None for c in table["code"]], dtype=bool)
        open_cell = (table["target_state"] == "unknown") | (
            (table["target_state"] == "absent") & (table["absence_evidence"] == "none")
        )
        table = table[open_cell.to_numpy() & ~duty]
        zone = self.dataset.zone(self.target)
        rows = []
        records = table.to_dict("records")
        found = exemplars_by_code(
            self.dataset, self.benchmark, [r["code"] for r in records], self.params["status"], n=3
        )
        for row in records:
            best = found[row["code"]]
            evidence = EVIDENCE_WEIGHTS[best[0][1].confidence] if best else 0.0
            check = verification_check(zone, codebook.category(row["code"]), [m for _z, m in best])
            rows.append(
                {
                    **{k: row[k] for k in ("code", "domain", "label_zh", "label_en", "frontier")},
                    **{k: row[k] for k in ("frontier_holders", "n_examined", "adoption")},
                    "potential_priority": row["weight"] * row["frontier"] * row["adoption"] * evidence,
                    "exemplar_ids": ",".join(m.id for _z, m in best),
                    "exemplar_zones": ",".join(dict.fromkeys(z.id for z, _m in best)),
                    "reason": "unknown" if row["target_state"] == "unknown" else "unevidenced",
                    "check_sources": ",".join(check.sources),
                    "check_queries": " | ".join(check.queries),
                    "check_zh": check.text(zone, "zh"),
                    "check_en": check.text(zone, "en"),
                }
            )
        frame = pd.DataFrame(rows, columns=list(UNVERIFIED_COLUMNS))
        return frame.sort_values(["potential_priority", "code"], ascending=[False, True], kind="mergesort").reset_index(
            drop=True
        )

    def summary(self, lang: str = "en") -> str:
        """A few readable lines in ``lang`` ("en" or "zh"): target, benchmark, overall DTF, biggest gaps.

        Numbers are shown as reports show them: DTF whole, gaps to 2 decimals, priority as its
        share of the total over the ranked categories (:func:`policybench.gaps.summary.summary`).
        """
        from .summary import summary

        return summary(self, lang)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        """Notebook display: the summary, the five highest priorities and the verify-first codes."""
        from .summary import summary_html

        return summary_html(self)


#: The data hash of a :class:`GapAnalysis` before it is first read: :meth:`Dataset.data_hash` then
#: (cached per dataset). Hashing 2,500 zones takes seconds that an assessment need not wait for.
_HASH_WHEN_READ = object()


class _DataHashField:
    """The ``data_hash`` field of :class:`GapAnalysis`: given, or the dataset's, computed when first read."""

    def __get__(self, obj: GapAnalysis | None, owner: type | None = None) -> str:
        if obj is None:
            return ""  # the field's default
        value = obj.__dict__["data_hash"]
        if value is _HASH_WHEN_READ:
            value = obj.dataset.data_hash()
            obj.__dict__["data_hash"] = value
        return str(value)

    def __set__(self, obj: GapAnalysis, value: object) -> None:
        obj.__dict__["data_hash"] = value  # only the dataclass's __init__ sets it (frozen)


GapAnalysis.data_hash = _DataHashField()  # type: ignore[assignment]


@validate_params(
    {
        "dataset": Instance("Dataset"),
        "target": Str(empty=True),
        "against": Maybe(OrderedStrs("zone ids")),
        "peers": Maybe(Int(1)),
        "frontier": Str(),
        "weights": Maybe(Weights()),
        "status": STATUS,
        "secondary_weight": Real(0, 1),
        "adoption_prior": Real(0, 1e6, closed="left"),
        "adoption_basis": Options("documented", "examined"),
    }
)
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
    adoption_prior: float = 2.0,
    adoption_basis: str = "documented",
) -> GapAnalysis:
    """Compare ``target`` with a benchmark set: gap, DTF and priority per category.

    Parameters
    ----------
    dataset : Dataset
        The codebook and zones.
    target : str
        Zone id of the zone assessed.
    against : sequence of str, optional
        Benchmark zone ids. Exclusive with ``peers``. Default (both None): every other zone
        except frames of national directions (kind ``national-policy``), which are never benchmarks.
    peers : int, optional
        Use the ``peers`` zones nearest to the target by the structured similarity estimate
        (:func:`~policybench.similarity.similarity_estimate`: unknown cells imputed, so every zone
        with anything known is a candidate and ``peers`` zones are returned).
    frontier : {"max", "mean"} or zone id
        f_c = max over the benchmark set, the mean, or a named best-practice zone's score.
    weights : mapping code -> weight, optional
        Weights of the categories named, on the scale of the codebook defaults
        (:func:`~policybench.data.codebook.category_weights`, which sum to 1); every other
        category keeps its default, then all are renormalised to sum to 1. Default: the
        codebook's (domains by their weight, categories equal within their domain).
    status : sequence of str
        Statuses counted, for the target and the benchmark alike.
    secondary_weight : float
        Credit for a secondary category in the portfolio (METHODS §1).
    adoption_prior : float
        Strength a of the Beta prior that shrinks each category's adoption share toward the
        base rate r of the benchmark set (the share of all its cells, known or not, that are present,
        over the categories at least one of its zones does):
        adoption = (n_adopted + a r) / (N + a), N as ``adoption_basis`` says. 0 gives the raw
        share; the default 2 keeps a share of 1 of 1 from outranking 4 of 5 (docs/methods.md §6).
    adoption_basis : {"documented", "examined"}
        What the adoption share is a share of. "documented" (default): of all the benchmark
        zones, N = |R|: a zone whose state is unknown counts as not having documented it, since
        coders record what they find far more often than what they searched for and did not
        find. "examined": of the zones whose state is known, N = n_examined (reads unknown
        cells as missing at random, which makes nearly every share 1 on today's data).

    Returns
    -------
    GapAnalysis

    Examples
    --------
    >>> from policybench import load_dataset
    >>> gap = gap_analysis(load_dataset(), "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"])
    >>> round(gap.overall), gap.counts()
    (73, {'known': 28, 'unknown': 3, 'not_applicable': 30})
    """
    statuses = check_status(dataset.codebook, status, "gap_analysis")
    dataset.zone(target)
    benchmark = _benchmark(dataset, target, against, peers, statuses)
    if frontier not in ("max", "mean") and frontier not in benchmark:
        raise InputError(
            f"The 'frontier' parameter of gap_analysis must be 'max', 'mean' or a zone of the benchmark set "
            f"({', '.join(benchmark)}). Got {frontier!r} instead."
        )
    rows = [target, *benchmark]
    portfolio = portfolio_matrix(dataset, status=statuses, secondary_weight=secondary_weight, zones=rows, unknown="nan")
    w = _weights(dataset, weights)
    bench = portfolio.loc[list(benchmark)].to_numpy(dtype=float)
    positive = np.nan_to_num(bench) > 0
    done = positive.any(axis=0)  # categories some benchmark zone does: an empty category changes nothing
    base = float(positive[:, done].mean()) if done.any() else 0.5  # documented adoption, known or not
    prior = (float(adoption_prior), round(base, 12), len(benchmark) if adoption_basis == "documented" else 0)
    table = _gap_table(dataset, portfolio, target, benchmark, frontier, w, statuses, prior, float(secondary_weight))
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
        "adoption_prior": prior[0],
        "adoption_base_rate": prior[1],
        "adoption_basis": adoption_basis,
    }
    return GapAnalysis(
        dataset,
        target,
        benchmark,
        MappingProxyType(params),
        table,
        portfolio,
        dataset.codebook.version,
        _HASH_WHEN_READ,  # type: ignore[arg-type]
    )


def _benchmark(
    dataset: Dataset, target: str, against: Sequence[str] | None, peers: int | None, statuses: tuple[str, ...]
) -> tuple[str, ...]:
    if against is not None and peers is not None:
        raise InputError("gap_analysis takes either 'against' or 'peers', not both")
    if peers is not None:
        return _peer_benchmark(dataset, target, peers, statuses)
    if isinstance(against, str):
        raise fail("gap_analysis", "against", "a sequence of zone ids (a list, not one string)", against)
    frames = {z.id for z in dataset.zones if z.kind == "national-policy"}
    if against is None:
        chosen = [z for z in dataset.zone_ids if z != target and z not in frames]
    else:
        chosen = list(dict.fromkeys(against))
    for zone_id in chosen:
        dataset.zone(zone_id)
        if zone_id in frames:
            raise InputError(
                f"'{zone_id}' is a frame of national directions (kind national-policy), not a zone: it never enters "
                "an adoption share or a frontier; leave it out of 'against'"
            )
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


def _peer_benchmark(dataset: Dataset, target: str, peers: int, statuses: tuple[str, ...]) -> tuple[str, ...]:
    """The ``peers`` zones nearest to the target by the structured similarity estimate."""
    check_positive_int("gap_analysis", "peers", peers)
    from ..similarity.intervals import similarity_estimate

    found = similarity_estimate(dataset, status=statuses, rows=[target]).peers(target, peers)  # the target's pairs only
    if found.empty:
        raise InputError(f"'{target}' has no similarity estimate to any zone: nothing is known about it")
    return tuple(sorted(found["zone_id"]))


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


def _gap_table(
    dataset: Dataset,
    portfolio: pd.DataFrame,
    target: str,
    benchmark: tuple[str, ...],
    rule: str,
    weights: pd.Series,
    statuses: tuple[str, ...],
    prior: tuple[float, float, int],
    secondary_weight: float,
) -> pd.DataFrame:
    codebook = dataset.codebook
    bench = portfolio.loc[list(benchmark)]
    s = portfolio.loc[target].to_numpy(dtype=float)
    states = scope_matrix(dataset, status=statuses, zones=[target]).loc[target]
    f, holders = frontier_scores(bench, rule)
    examined = bench.notna().sum(axis=0).to_numpy()
    adopted = (bench.fillna(0.0) > 0).sum(axis=0).to_numpy()
    low = _low_confidence(dataset, portfolio, target, benchmark, rule, statuses, secondary_weight)
    zone = dataset.zone(target)
    rows = []
    found = exemplars_by_code(dataset, benchmark, list(codebook.codes), statuses, n=1)
    for j, cat in enumerate(codebook.categories):
        best = found[cat.code]
        evidence = EVIDENCE_WEIGHTS[best[0][1].confidence] if best else 0.0
        gap = max(0.0, f[j] - s[j]) if not np.isnan(s[j]) else float("nan")
        adoption = shrunk_adoption(adopted[j], examined[j], *prior)
        never = cat.national_duty is not None or states[cat.code] == "not-applicable"  # never recommended
        lacks, basis = _lack(zone, cat.code, str(states[cat.code]), statuses)
        rows.append(
            {
                "code": cat.code,
                "domain": cat.domain,
                "label_zh": cat.label.zh,
                "label_en": cat.label.en,
                "target_state": str(states[cat.code]),
                "target": float(s[j]),
                "frontier": float(f[j]),
                "frontier_holders": holders[j],
                "n_examined": int(examined[j]),
                "n_adopted": int(adopted[j]),
                "single_exemplar": bool(f[j] > 0 and len(holders[j].split(",")) == 1),
                "gap": float(gap),
                "dtf": float(100.0 * min(1.0, s[j] / f[j])) if f[j] > 0 and not np.isnan(s[j]) else float("nan"),
                "weight": float(weights[cat.code]),
                "adoption": adoption,
                "evidence_weight": evidence,
                "exemplar_confidence": best[0][1].confidence if best else "",
                "absence_evidence": basis,
                "p_lacks": lacks,
                # 15 decimals (12 significant digits at ~1e-3): equal priorities tie exactly, so the
                # order of two categories with the same factors follows the code, not a last-bit rounding
                "priority": 0.0 if never else round(float(weights[cat.code] * gap * adoption * evidence * lacks), 15),
                "priority_share": float("nan"),
                "strength": bool(s[j] > f[j] and examined[j] > 0),  # nobody looked: nothing is known
                "rests_on_low_confidence": cat.code in low,
                "exemplar": best[0][1].id if best else "",
            }
        )
    table = pd.DataFrame(rows, columns=list(GAP_COLUMNS))
    total = float(table["priority"].sum())  # NaN (unknown) skipped; only ranked categories are > 0
    table["priority_share"] = table["priority"] / total if total > 0 else table["priority"] * 0.0
    return table


def _lack(zone: Zone, code: str, state: str, statuses: Sequence[str]) -> tuple[float, str]:
    """P(the target lacks ``code``) and what its absence rests on (see :mod:`.evidence`)."""
    if state == "present":
        return 1.0, ""
    if state != "absent":
        return float("nan"), ""
    found = absence_evidence(zone, code, statuses)
    if found is None:  # cannot happen for a state computed by zone_states; kept total
        return 0.0, "none"
    return found.p_lacks, found.kind


def _low_confidence(
    dataset: Dataset,
    portfolio: pd.DataFrame,
    target: str,
    benchmark: tuple[str, ...],
    rule: str,
    statuses: tuple[str, ...],
    secondary_weight: float,
) -> set[str]:
    """Codes whose frontier or whose target score rests only on low-confidence measures.

    The measures behind a score are the counted measures that set the zone's cell value.
    The frontier's are those of the holders (rule "max"), of the named zone, or of every
    benchmark zone with a positive score (rule "mean").
    """
    top = float(dataset.codebook.max_depth)
    codes = list(dataset.codebook.codes)
    column = {str(c): j for j, c in enumerate(portfolio.columns)}
    columns = np.array([column[c] for c in codes], dtype=np.int64)
    best = portfolio.loc[list(benchmark)].fillna(0.0).max(axis=0).to_numpy()[columns]
    cells = portfolio.to_numpy(dtype=float)[:, columns]  # zones x codes, codebook order
    row = {z: i for i, z in enumerate(portfolio.index)}
    zones = [*benchmark, target]
    parts = [counted_categories(dataset, zone_id, statuses) for zone_id in zones]
    sizes = [len(part.measures) for part in parts]
    if not sum(sizes):
        return set()
    zone_of = np.repeat(np.arange(len(zones)), sizes)  # each counted measure's zone
    carries = np.concatenate([part.carries for part in parts])  # measures x codes
    primary = np.concatenate([part.primary for part in parts])[:, None] == np.arange(len(codes))[None, :]
    depth = np.concatenate([part.depth for part in parts])
    # the measures behind a cell are those whose value (as the portfolio computes it) is the cell's
    cell = cells[np.array([row[z] for z in zones])[zone_of]]
    value = depth[:, None] / top * np.where(primary, 1.0, secondary_weight)
    sets_cell = carries & (cell > 0) & (value == cell)
    on_target = np.array([z == target for z in zones])[zone_of][:, None]
    named = np.array([z == rule for z in zones])[zone_of][:, None]
    in_frontier = (rule == "mean") | ((rule == "max") & (cell == best[None, :])) | named
    behind = sets_cell & (on_target | in_frontier)
    low = (np.concatenate([part.confidence for part in parts]) == "low")[:, None]
    rests_on_low = np.zeros(len(codes), dtype=bool)
    for side in (on_target, ~on_target):  # a score rests only on low-confidence measures
        rests_on_low |= (behind & side).any(axis=0) & ~(behind & side & ~low).any(axis=0)
    return {codes[k] for k in np.flatnonzero(rests_on_low)}
