"""One assessment of a target zone: every number a report shows, computed once.

:func:`assess` runs the building blocks (:func:`~policybench.gaps.gap_analysis`,
:func:`~policybench.gaps.recommend`, :func:`~policybench.gaps.sensitivity`, the combined
similarity of the target to each benchmark zone, and the measure alignment with the closest
one) and returns an immutable :class:`Assessment`. Reports only render an Assessment.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from ._json import json_safe
from ._params import (
    MAX_DRAWS,
    PROGRESS,
    STATUS,
    Instance,
    Int,
    Maybe,
    Options,
    OrderedStrs,
    Str,
    Weights,
    check_choice,
    check_status,
    check_type,
    validate_params,
)
from ._version import __version__
from .errors import InputError
from .labels import phrase
from .numbers import shown

if TYPE_CHECKING:
    from .data.dataset import Dataset
    from .gaps import GapAnalysis
    from .similarity import Comparison

__all__ = ["SIMILARITY_COLUMNS", "TABLES", "Assessment", "assess"]

#: The tables of an assessment, by name (:meth:`Assessment.table`), and what each holds.
TABLES: dict[str, str] = {
    "gaps": "one row per applicable category known for the target (see policybench.gaps.GAP_COLUMNS)",
    "domains": "per domain: target and frontier means, DTF, weight, categories, gaps, and the target's own "
    "strength over every category it examined (own_mean, own_max, own_examined, n_categories)",
    "recommendations": "ranked categories to adopt (RECOMMENDATION_COLUMNS), with the robustness columns "
    "of policybench.gaps.SENSITIVITY_COLUMNS after base_rank (NaN when draws=0)",
    "plan": "the recommendations grouped by the authority that must act, prerequisites first "
    "(see policybench.gaps.plan.PLAN_COLUMNS)",
    "diffusion": "who adopted each recommended category and when, in adoption order "
    "(policybench.diffusion adoption table) with the adopting zones' names (zone_name_zh, zone_name_en)",
    "robustness": "rank statistics per ranked category (SENSITIVITY_COLUMNS); empty when draws=0",
    "strengths": "categories where the target is above the frontier",
    "not_counted": "the target's measures left out by the status filter, in applicable categories",
    "unverified": "verify first: applicable categories the target's coding did not examine (never ranked; "
    "see policybench.gaps.UNVERIFIED_COLUMNS)",
    "similarity": "one row per benchmark zone (SIMILARITY_COLUMNS), most similar first, undefined last",
    "alignment": "aligned measure pairs of the target and its most similar benchmark zone: measure_a, "
    "measure_b, similarity, text, category, title_a_zh, title_a_en, title_b_zh, title_b_en",
    "sources": "sources of the exemplars and of the target's own cited measures: zone, id and the source fields",
}


#: Columns of ``Assessment.table("similarity")``.
SIMILARITY_COLUMNS: dict[str, str] = {
    "zone_id": "benchmark zone",
    "name_zh": "its name (Chinese)",
    "name_en": "its name (English)",
    "kind": "its kind",
    "similarity": "combined similarity estimate to the target (policybench.similarity.zone_similarity); "
    "NaN only when nothing is known about the zone",
    "similarity_low": "lower end of its interval (90 % by default)",
    "similarity_high": "upper end of its interval",
    "structured": "structured component: the structured similarity estimate (unknown cells imputed)",
    "alignment": "alignment component, over the categories known for both (NaN when nothing to align)",
    "overlap": "categories known for both zones",
    "overlap_share": "overlap / codebook categories",
    "coverage_target_by_zone": "share of the target's measures matched in the zone",
    "coverage_zone_by_target": "share of the zone's measures matched in the target",
    "shared_codes": "categories both have (comma-separated)",
    "reason": "why the similarity is undefined, else ''",
    "caveats": "what weakens the number (comma-separated): thin-overlap, alignment-imputed, structure-only",
    "known_share": "share of the categories known for both zones (the rest of the structured part imputed)",
}


@dataclass(frozen=True)
class Assessment:
    """The assessment of one target zone against a benchmark set (see :func:`assess`).

    Immutable: tables are returned as copies. Everything needed to regenerate it is
    recorded in ``params``, ``codebook_version``, ``data_hash`` and ``library_version``.

    Attributes
    ----------
    gap : GapAnalysis
        Gap figures per category (a building block, kept whole).
    params : mapping (read-only)
        Every option of :func:`assess`, resolved (e.g. the statuses counted).
    """

    #: Table names and what each holds (the same as the module's ``TABLES``).
    TABLES: ClassVar[dict[str, str]] = TABLES

    gap: GapAnalysis = field(repr=False)
    params: Mapping[str, Any] = field(repr=False)
    _recommendations: pd.DataFrame = field(repr=False)
    _robustness: pd.DataFrame = field(repr=False)
    _comparisons: tuple[Comparison, ...] = field(repr=False)
    _similarity: pd.DataFrame = field(repr=False)
    library_version: str = __version__

    @property
    def dataset(self) -> Dataset:
        """The dataset assessed."""
        return self.gap.dataset

    @property
    def target(self) -> str:
        """Zone id of the target."""
        return self.gap.target

    @property
    def benchmark(self) -> tuple[str, ...]:
        """Zone ids of the benchmark set (sorted)."""
        return self.gap.benchmark

    @property
    def overall(self) -> float:
        """Overall DTF (0-100) over the applicable categories."""
        return self.gap.overall

    @property
    def codebook_version(self) -> str:
        """Version of the codebook the data were coded with."""
        return self.gap.codebook_version

    @property
    def data_hash(self) -> str:
        """16-hex SHA-256 of the codebook and zones (see :meth:`Dataset.data_hash`)."""
        return self.gap.data_hash

    @property
    def data_version(self) -> str:
        """Version of the data (``datasets/VERSION``), '' when the files carry none."""
        return self.dataset.data_version

    @property
    def closest(self) -> str | None:
        """The benchmark zone most similar to the target (None when no similarity is defined)."""
        return self._comparisons[0].zone_b if self._comparisons else None

    @property
    def comparisons(self) -> tuple[Comparison, ...]:
        """The target compared with each benchmark zone that has a similarity, most similar first."""
        return self._comparisons

    @validate_params({"name": Options(*TABLES)}, name="Assessment.table")
    def table(self, name: str) -> pd.DataFrame:
        """One table of the assessment as a DataFrame (a copy); ``TABLES`` lists the names.

        Examples
        --------
        >>> import policybench as pb
        >>> a = pb.assess(pb.load_dataset(), "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=100)
        >>> a.table("recommendations")[["rank", "code"]].head(2).shape
        (2, 2)
        """
        return _TABLE_MAKERS[name](self).copy()

    def to_dict(self) -> dict[str, Any]:
        """Every table as records plus the metadata: JSON-ready (NaN as None)."""
        return json_safe(
            {
                "target": self.target,
                "benchmark": list(self.benchmark),
                "overall_dtf": self.overall,
                "params": self.params,
                "codebook_version": self.codebook_version,
                "data_hash": self.data_hash,
                "data_version": self.data_version,
                "library_version": self.library_version,
                "not_applicable": self.gap.not_applicable(),
                "tables": {name: self.table(name).to_dict("records") for name in TABLES},
            }
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, dataset: Dataset | None = None) -> Assessment:
        """The assessment a :meth:`to_dict` records, rebuilt by replaying it on ``dataset``.

        An assessment is determined by its data, its parameters and its seed, so the dict is
        rebuilt by running :func:`assess` again with the recorded parameters (``dataset``
        defaults to the shipped data) and checking that every recorded number and table comes
        back identical. A dict made on other data or by another library version that gives
        other numbers is refused (InputError naming the first field that differs).

        Examples
        --------
        >>> import policybench as pb
        >>> a = pb.assess(pb.load_dataset(), "tianjin-htz", against=["donghu-htz"], draws=20)
        >>> Assessment.from_dict(a.to_dict()).to_dict() == a.to_dict()
        True
        """
        if not isinstance(data, Mapping):
            raise InputError(f"Assessment.from_dict needs a dict made by Assessment.to_dict; got {type(data).__name__}")
        missing = [k for k in ("target", "params", "data_hash", "tables") if k not in data]
        if missing:
            raise InputError(f"Assessment.from_dict: the dict lacks {', '.join(missing)} (not made by to_dict?)")
        params = data["params"]
        if not isinstance(params, Mapping):
            raise InputError("Assessment.from_dict: 'params' must be a mapping")
        from .data.dataset import Dataset, load_dataset

        ds = load_dataset() if dataset is None else dataset
        check_type("Assessment.from_dict", "dataset", ds, Dataset, "a Dataset (see load_dataset)")
        try:
            again = assess(
                ds,
                str(data["target"]),
                against=params.get("against"),
                peers=params.get("peers"),
                frontier=params.get("frontier", "max"),
                weights=params.get("weights"),
                status=params.get("status"),
                top=int(params.get("top", 10)),
                draws=int(params.get("draws", 1000)),
                seed=int(params.get("seed", 0)),
                text_lang=str(params.get("text_lang", "zh")),
                as_of=params.get("as_of"),
            )
        except (TypeError, ValueError) as exc:
            raise InputError(f"Assessment.from_dict: the recorded parameters cannot be replayed ({exc})") from None
        rebuilt = again.to_dict()
        if rebuilt["data_hash"] != data["data_hash"]:
            raise InputError(
                f"Assessment.from_dict: the assessment was made on data {data['data_hash']}, this dataset is "
                f"{rebuilt['data_hash']}: pass the dataset it was made on"
            )
        for key in sorted(set(rebuilt) | set(data)):
            if key == "library_version":
                continue
            if rebuilt.get(key) != data.get(key):
                raise InputError(
                    f"Assessment.from_dict: '{key}' does not come back identical (made by policybench "
                    f"{data.get('library_version', '?')}, this is {__version__})"
                )
        return again

    def summary_lines(self, lang: str = "en") -> list[str]:
        """A few readable lines in ``lang`` ("en" or "zh"): target, benchmark, overall DTF, top recommendations, closest peer.

        Numbers as the reports show them: DTF whole, priority as a share of the total, P(top) in percent.
        """
        check_choice("Assessment.summary_lines", "lang", lang, ("en", "zh"))
        recs = self._recommendations
        counts = self.gap.counts()
        dtf = phrase("assessment.undefined", lang) if _missing(self.overall) else shown(self.overall, "dtf")
        lines = [
            phrase(
                "assessment.head", lang, target=self.target, benchmark=phrase("sep.list", lang).join(self.benchmark)
            ),
            phrase(
                "assessment.overall",
                lang,
                dtf=dtf,
                known=counts["known"],
                unknown=counts["unknown"],
                data=self.data_hash,
                codebook=self.codebook_version,
            ),
        ]
        for r in recs.head(5).itertuples():
            robust = (
                ""
                if _missing(r.p_top)
                else phrase("assessment.robust", lang, k=self.params["robust_top"], p=shown(r.p_top, "share"))
            )
            share = shown(r.priority_share, "share")
            lines.append(phrase("assessment.row", lang, rank=r.rank, code=r.code, share=share) + robust)
        if self.closest is not None:
            score = shown(self._comparisons[0].score, "similarity")
            lines.append(phrase("assessment.closest", lang, zone=self.closest, score=score))
        return lines

    def __repr__(self) -> str:
        return "<Assessment\n  " + "\n  ".join(self.summary_lines()) + "\n>"

    def _repr_html_(self) -> str:
        esc = html.escape
        recs = self._recommendations.head(5)
        rows = "".join(
            f"<tr><td>{r.rank}</td><td><code>{esc(r.code)}</code></td><td>{esc(str(r.label_en))}</td>"
            f"<td>{shown(r.priority_share, 'share')}</td><td>{shown(r.gap, 'score')}</td>"
            f"<td>{esc(str(r.exemplar_zones))}</td><td>{'' if _missing(r.p_top) else shown(r.p_top, 'share')}</td></tr>"
            for r in recs.itertuples()
        )
        closest = (
            f"<br>Most similar: <code>{esc(self.closest)}</code> ({shown(self._comparisons[0].score, 'similarity')})"
            if self.closest
            else ""
        )
        return (
            f"<div><strong>Assessment of <code>{esc(self.target)}</code></strong> against "
            f"{esc(', '.join(self.benchmark))}<br>Overall DTF <strong>{shown(self.overall, 'dtf')}</strong> over "
            f"{self.gap.counts()['known']} applicable categories known for the target "
            f"({self.gap.counts()['unknown']} unknown, to verify first); data <code>{esc(self.data_hash)}</code>, "
            f"codebook {esc(self.codebook_version)}{closest}"
            f"<table><tr><th>#</th><th>code</th><th>category</th><th>share of priority</th><th>gap</th>"
            f"<th>exemplars</th><th>P(top {self.params['robust_top']})</th></tr>{rows}</table>"
            f"<small>Tables: {esc(', '.join(TABLES))} (use .table(name))</small></div>"
        )


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# ----------------------------------------------------------------------------- tables


def _plan_table(a: Assessment) -> pd.DataFrame:
    from .gaps.plan import action_plan_table

    return action_plan_table(a._recommendations, a.dataset.codebook)


def _similarity_table(a: Assessment) -> pd.DataFrame:
    return a._similarity


def _alignment_table(a: Assessment) -> pd.DataFrame:
    columns = ["measure_a", "measure_b", "similarity", "text", "category"]
    titles = ["title_a_zh", "title_a_en", "title_b_zh", "title_b_en"]
    if not a._comparisons:
        return pd.DataFrame(columns=columns + titles)
    pairs = a._comparisons[0].alignment.pairs[columns].copy()
    ds = a.dataset
    for side in ("a", "b"):
        measures = [ds.measure(m) for m in pairs[f"measure_{side}"]]
        pairs[f"title_{side}_zh"] = [m.title.zh for m in measures]
        pairs[f"title_{side}_en"] = [m.title.en for m in measures]
    return pairs.reset_index(drop=True)


def _sources_table(a: Assessment) -> pd.DataFrame:
    """Sources of the exemplars and of the target's own cited measures, each once."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for exemplars in a._recommendations.get("exemplars", []):
        for ex in exemplars:
            for src in ex["sources"]:
                seen.setdefault((ex["zone"], src["id"]), {"zone": ex["zone"], **src})
    target = a.dataset.zone(a.target)
    cited = {e.source for m in target.measures for e in m.evidence}
    for src in target.sources:
        if src.id in cited:
            seen.setdefault((target.id, src.id), {"zone": target.id, **src.record()})
    return pd.DataFrame([seen[k] for k in sorted(seen)])


def _diffusion_table(a: Assessment) -> pd.DataFrame:
    """The adoption order of the recommended categories, with the adopting zones' names."""
    from .diffusion import diffusion

    codes = list(a._recommendations["code"]) if not a._recommendations.empty else []
    if not codes:
        return pd.DataFrame()
    table = diffusion(a.dataset, codes).adoption_table()
    for lang in ("zh", "en"):
        table[f"zone_name_{lang}"] = [a.dataset.zone(z).name.get(lang) for z in table["zone_id"]]
    return table


_TABLE_MAKERS = {
    "gaps": lambda a: a.gap.known_table(),
    "domains": lambda a: a.gap.domain_table(),
    "recommendations": lambda a: a._recommendations,
    "plan": _plan_table,
    "diffusion": _diffusion_table,
    "robustness": lambda a: a._robustness,
    "strengths": lambda a: a.gap.strengths(),
    "not_counted": lambda a: a.gap.not_counted(),
    "unverified": lambda a: a.gap.unverified(),
    "similarity": _similarity_table,
    "alignment": _alignment_table,
    "sources": _sources_table,
}


# ----------------------------------------------------------------------------- assess


@validate_params(
    {
        "dataset": Instance("Dataset"),
        "target": Str(empty=True),
        "against": Maybe(OrderedStrs("zone ids")),
        "peers": Maybe(Int(1)),
        "frontier": Str(),
        "weights": Maybe(Weights()),
        "status": STATUS,
        "top": Int(1),
        "draws": Int(0, MAX_DRAWS),
        "seed": Int(0),
        "text_lang": Options("zh", "en"),
        "progress": PROGRESS,
        "as_of": Maybe(Str()),
    }
)
def assess(
    dataset: Dataset,
    target: str,
    *,
    against: Sequence[str] | None = None,
    peers: int | None = None,
    frontier: str = "max",
    weights: Mapping[str, float] | None = None,
    status: Sequence[str] | str | None = None,
    top: int = 10,
    draws: int = 1000,
    seed: int = 0,
    text_lang: str = "zh",
    progress: Callable[[int, int], None] | None = None,
    as_of: str | None = None,
) -> Assessment:
    """Assess ``target`` against a benchmark set: gaps, recommendations, robustness, similarity.

    Parameters
    ----------
    dataset : Dataset
        The codebook and zones.
    target : str
        Zone id of the zone assessed.
    against : sequence of str, optional
        Benchmark zone ids; exclusive with ``peers``. Default (both None): every other zone.
    peers : int, optional
        Use the ``peers`` zones most similar to the target.
    frontier : {"max", "mean"} or zone id
        Frontier rule (see :func:`~policybench.gaps.gap_analysis`).
    weights : mapping code -> weight, optional
        Category weights for the codes named; the codebook defaults stay for the rest.
    status : sequence of str, optional
        Statuses counted; default the codebook's counted statuses.
    top : int
        Number of recommendations.
    draws : int
        Monte-Carlo draws of the robustness check; 0 means no robustness.
    seed : int
        Seed of the robustness check.
    text_lang : {"zh", "en"}
        Language of the measure texts used by the similarity and the alignment (the same
        numbers whatever the language of a report).
    progress : callable, optional
        ``progress(done, draws)`` after each chunk of robustness draws (see
        :func:`~policybench.gaps.sensitivity`); silent when None. The numbers do not depend on it.
    as_of : str, optional
        Assess the data as it stood at this date (YYYY, YYYY-MM or YYYY-MM-DD): measures not yet
        started are left out, ended ones count as discontinued, undated ones are left out
        (:meth:`~policybench.data.Dataset.as_of`). Default: the data as coded.

    Returns
    -------
    Assessment

    Examples
    --------
    >>> import policybench as pb
    >>> a = pb.assess(pb.load_dataset(), "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=100)
    >>> 0 <= a.overall <= 100, a.closest in a.benchmark
    (True, True)
    """
    from .gaps import gap_analysis, recommend, sensitivity, sensitivity_parameters

    statuses = check_status(dataset.codebook, status, "assess")
    if as_of is not None:
        dataset = dataset.as_of(as_of)
    gap = gap_analysis(
        dataset, target, against=against, peers=peers, frontier=frontier, weights=weights, status=statuses
    )
    recs = recommend(gap, top=top)
    robust_top = min(5, top)
    if draws > 0 and not recs.empty:
        robust = sensitivity(gap, draws=draws, seed=seed, top=robust_top, progress=progress)
        recs = recs.merge(robust.drop(columns=["base_rank"]), on="code", how="left")
    else:
        from .gaps import SENSITIVITY_COLUMNS

        robust = pd.DataFrame(columns=list(SENSITIVITY_COLUMNS))
        for column in list(SENSITIVITY_COLUMNS)[2:]:
            recs[column] = float("nan")
    comparisons, similarity = _peer_similarity(dataset, gap.target, gap.benchmark, statuses, text_lang)
    params = {
        **gap.params,
        "top": top,
        "draws": draws,
        "seed": seed,
        "robust_top": robust_top,
        "text_lang": text_lang,
        "as_of": as_of,
        "sensitivity": sensitivity_parameters(gap, draws=draws, seed=seed, top=robust_top) if len(robust) else {},
    }
    return Assessment(gap, MappingProxyType(params), recs, robust, comparisons, similarity)


def _peer_similarity(
    dataset: Dataset, target: str, benchmark: Sequence[str], statuses: tuple[str, ...], text_lang: str
) -> tuple[tuple[Comparison, ...], pd.DataFrame]:
    """The combined similarity of the target to each benchmark zone, most similar first.

    One definition (:func:`~policybench.similarity.zone_similarity`): an estimate with its
    interval for every zone about which anything is known; otherwise NaN and the reason.
    """
    from .similarity import similarities_to

    every = similarities_to(dataset, target, list(benchmark), status=statuses, lang=text_lang)
    rows = []
    for c in every:
        zone = dataset.zone(c.zone_b)
        al = c.alignment
        rows.append(
            {
                "zone_id": c.zone_b,
                "name_zh": zone.name.zh,
                "name_en": zone.name.en,
                "kind": zone.kind,
                "similarity": c.score,
                "similarity_low": c.low,
                "similarity_high": c.high,
                "structured": c.structured,
                "alignment": al.score,
                "overlap": c.overlap,
                "overlap_share": c.overlap_share,
                "coverage_target_by_zone": al.coverage_a_by_b,
                "coverage_zone_by_target": al.coverage_b_by_a,
                "shared_codes": ",".join(al.shared_codes),
                "reason": c.reason,
                "caveats": ",".join(c.caveats),
                "known_share": c.estimate.get("known_share", float("nan")),
            }
        )
    table = pd.DataFrame(rows, columns=list(SIMILARITY_COLUMNS))
    table = table.sort_values(["similarity", "zone_id"], ascending=[False, True], na_position="last", kind="mergesort")
    comparisons = sorted((c for c in every if c.defined), key=lambda c: (-c.score, c.zone_b))
    return tuple(comparisons), table.reset_index(drop=True)
