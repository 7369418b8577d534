"""Combined zone similarity (METHODS §5 and §10), defined once, in :func:`zone_similarity`.

similarity(a, b) = lam x structured + (1 - lam) x alignment, both over the overlap O of
the two zones: the categories both examined (known, present or absent, for both).

- structured: ``metric`` (default soft cosine) of the two portfolios restricted to O;
- alignment: the alignment score of the counted measures that carry a category of O.

A pair whose overlap is under ``min_overlap`` categories, or in which one zone has no
counted measure in O, gets NaN and a reason instead of a number. :func:`compare`,
:func:`zone_similarity_matrix`, :func:`nearest_peers` (and so ``gap_analysis(peers=k)``)
all compute it through the same two functions of this module.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._params import (
    PROGRESS,
    STATUS,
    ZONES,
    Instance,
    Int,
    Maybe,
    Options,
    Real,
    Str,
    check_choice,
    check_positive_int,
    check_status,
    check_type,
    check_unit_interval,
    fail,
    validate_params,
)
from ..data.codebook import is_counted
from ..errors import InputError
from .alignment import PAIR_COLUMNS, Alignment, align, fitted_index
from .intervals import SimilarityEstimate
from .portfolio import portfolio_matrix
from .structured import METRICS, similarity_matrix

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from .text import TextIndex

__all__ = [
    "PEER_COLUMNS",
    "Comparison",
    "compare",
    "nearest_peers",
    "zone_similarity",
    "zone_similarity_matrix",
]

METHODS = ("combined", "structured", "alignment")

#: Columns of :func:`nearest_peers`.
PEER_COLUMNS: dict[str, str] = {
    "rank": "1 = most similar",
    "zone_id": "id of the peer",
    "kind": "kind of the peer zone",
    "similarity": "the combined similarity (or the component chosen by 'method')",
    "structured": "structured similarity over the overlap",
    "alignment": "alignment score over the overlap",
    "overlap": "number of categories both zones examined",
    "overlap_share": "overlap / number of codebook categories",
}


@dataclass(frozen=True)
class Comparison:
    """How alike two zones are: the total, every component, the overlap behind them.

    ``score`` is NaN when the pair has no defined similarity; ``reason`` then says why.
    """

    zone_a: str
    zone_b: str
    score: float
    structured: float
    alignment: Alignment = field(repr=False)
    overlap: int = 0
    overlap_share: float = 0.0
    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    estimate: Mapping[str, float] = field(default_factory=dict)

    @property
    def alignment_score(self) -> float:
        """The alignment component (2 x matched similarity / (|A| + |B|)), NaN when undefined."""
        return self.alignment.score

    @property
    def defined(self) -> bool:
        """True when the pair has a number (overlap large enough, counted measures on both sides)."""
        return not math.isnan(self.score)

    @validate_params({"lang": Options("zh", "en")}, name="Comparison.explain")
    def explain(self, *, lang: str = "en") -> str:
        """Overlap, shared categories, strongest aligned pairs, what only one side has."""
        zh = lang == "zh"
        head = (
            f"共同考察的类别 {self.overlap} 个（占编码本 {self.overlap_share:.0%}）"
            if zh
            else f"Overlap: {self.overlap} categories examined by both ({self.overlap_share:.0%} of the codebook)"
        )
        if self.reason:
            head += ("；无法计算：" if zh else "; undefined: ") + self.reason
        head += self._estimate_line(zh)
        body = "" if self.reason else self.alignment.explain(lang=lang)
        return head + ("\n" + body if body else "")

    def _estimate_line(self, zh: bool) -> str:
        """The structured estimate with its interval and known share (similarity_estimate), '' without one."""
        e = self.estimate
        if not e or math.isnan(e["estimate"]):
            return ""
        level = float(e.get("level", 0.9))
        if zh:
            return (
                f"\n结构相似度估计 {e['estimate']:.2f}（{level:.0%}区间 {e['low']:.2f}–{e['high']:.2f}；"
                f"两区均已知的类别占 {e['known_share']:.0%}，其余按采用率模型插补）"
            )
        return (
            f"\nStructured estimate {e['estimate']:.2f} ({level:.0%} interval {e['low']:.2f}-{e['high']:.2f}; "
            f"{e['known_share']:.0%} of the categories known for both, the rest imputed)"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of scores, overlap, parameters and the aligned pairs (NaN as None)."""
        al = self.alignment
        return {
            "zone_a": self.zone_a,
            "zone_b": self.zone_b,
            "score": _json_float(self.score),
            "structured": _json_float(self.structured),
            "alignment": _json_float(al.score),
            "overlap": self.overlap,
            "overlap_share": self.overlap_share,
            "reason": self.reason,
            "estimate": {k: _json_float(v) for k, v in self.estimate.items()},
            "coverage_a_by_b": _json_float(al.coverage_a_by_b),
            "coverage_b_by_a": _json_float(al.coverage_b_by_a),
            "shared_codes": list(al.shared_codes),
            "only_a_codes": list(al.only_a_codes),
            "only_b_codes": list(al.only_b_codes),
            "pairs": al.pairs.to_dict("records"),
            "unmatched_a": list(al.unmatched_a),
            "unmatched_b": list(al.unmatched_b),
            "params": self.params,
        }

    def __str__(self) -> str:
        lam = self.params.get("lam", 0.5)
        zh = self.params.get("lang", "en") == "zh"
        if self.defined:
            parts = (self.zone_a, self.zone_b, self.score, lam, self.structured, 1 - lam, self.alignment.score)
            head = (
                "{}与{}：综合相似度 {:.2f} = {:g} × 结构 {:.2f} + {:g} × 举措对齐 {:.2f}"
                if zh
                else "{} vs {}: similarity {:.2f} = {:g} x structured {:.2f} + {:g} x alignment {:.2f}"
            ).format(*parts)
        elif self.estimate and not math.isnan(self.estimate["estimate"]):
            e = self.estimate
            head = (
                f"{self.zone_a}与{self.zone_b}：结构相似度估计 {e['estimate']:.2f}"
                f"（区间 {e['low']:.2f}–{e['high']:.2f}）；综合相似度无法计算"
                if zh
                else f"{self.zone_a} vs {self.zone_b}: structured estimate {e['estimate']:.2f} "
                f"(interval {e['low']:.2f}-{e['high']:.2f}); combined similarity undefined"
            )
        else:
            head = (
                f"{self.zone_a}与{self.zone_b}：无法计算相似度"
                if zh
                else f"{self.zone_a} vs {self.zone_b}: similarity undefined"
            )
        return head + "\n" + self.explain(lang=self.params.get("lang", "en"))

    def _repr_html_(self) -> str:
        al = self.alignment
        esc = html.escape
        rows = "".join(
            f"<tr><td>{r.similarity:.2f}</td><td>{esc(r.title_a)}</td><td>{esc(r.title_b)}</td></tr>"
            for r in al.pairs.head(5).itertuples()
        )
        score = f"{self.score:.2f}" if self.defined else f"undefined ({esc(self.reason)})"
        return (
            f"<div><strong>{esc(self.zone_a)} vs {esc(self.zone_b)}</strong>: similarity {score} "
            f"(structured {self.structured:.2f}, alignment {al.score:.2f}; "
            f"overlap {self.overlap} categories, {self.overlap_share:.0%})"
            f"<br>Shared: {esc(', '.join(al.shared_codes) or 'none')}"
            f"<table><tr><th>sim</th><th>{esc(self.zone_a)}</th><th>{esc(self.zone_b)}</th></tr>{rows}</table></div>"
        )


def _json_float(value: float) -> float | None:
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class _Settings:
    """The parameters of the combined similarity, checked once."""

    lam: float
    metric: str
    statuses: tuple[str, ...]
    alpha: float
    threshold: float
    sigma: float
    secondary_weight: float
    min_overlap: int | None
    lang: str

    def params(self, min_overlap: int) -> dict[str, Any]:
        return {
            "lam": self.lam,
            "metric": self.metric,
            "status": list(self.statuses),
            "alpha": self.alpha,
            "threshold": self.threshold,
            "sigma": self.sigma,
            "secondary_weight": self.secondary_weight,
            "min_overlap": min_overlap,
            "lang": self.lang,
        }


def _settings(dataset: Dataset, function: str, **kw: Any) -> _Settings:
    lam = check_unit_interval(function, "lam", kw["lam"])
    check_choice(function, "metric", kw["metric"], METRICS)
    check_choice(function, "lang", kw["lang"], ("zh", "en"))
    statuses = check_status(dataset.codebook, kw["status"], function)
    return _Settings(
        float(lam),
        kw["metric"],
        statuses,
        kw["alpha"],
        kw["threshold"],
        kw["sigma"],
        kw["secondary_weight"],
        kw["min_overlap"],
        kw["lang"],
    )


def _structured(dataset: Dataset, zone_ids: list[str], cfg: _Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Structured similarity over overlaps, and the portfolio it was computed on."""
    portfolio = portfolio_matrix(dataset, status=cfg.statuses, secondary_weight=cfg.secondary_weight, zones=zone_ids)
    matrix = similarity_matrix(portfolio, metric=cfg.metric, sigma=cfg.sigma, min_overlap=cfg.min_overlap)
    return matrix, portfolio


@dataclass(frozen=True)
class _Facts:
    """What every pair of some rows x all zones needs before alignment, computed as arrays.

    ``overlap[r, j]`` is the number of codes known for both ``rows[r]`` and zone j; ``reason``
    maps (r, j) to why the pair has no number ('' pairs are absent); ``known`` is zones x codes.
    """

    rows: np.ndarray
    codes: list[str]
    known: np.ndarray
    structured: np.ndarray  # rows x zones
    overlap: np.ndarray  # rows x zones
    reason: dict[tuple[int, int], str]


def _facts(
    dataset: Dataset,
    structured: pd.DataFrame,
    portfolio: pd.DataFrame,
    cfg: _Settings,
    rows: Sequence[int],
    *,
    with_alignment: bool,
) -> _Facts:
    """Overlap, structured value and reason of every pair (rows x all zones of ``portfolio``), at once."""
    rows_ = np.asarray(rows, dtype=np.int64)
    known = portfolio.notna().to_numpy()
    k = known.astype(np.float64)
    overlap = (k[rows_] @ k.T).round().astype(np.int64)
    values = structured.to_numpy()[rows_]
    ids = [str(z) for z in portfolio.index]
    reasons: dict[frozenset[str], str] = {}
    for u in structured.attrs["undefined"]:
        reasons.setdefault(frozenset((u["zone_a"], u["zone_b"])), u["reason"])
    reason: dict[tuple[int, int], str] = {}
    for r, j in zip(*np.nonzero(np.isnan(values)), strict=True):
        reason[int(r), int(j)] = reasons.get(frozenset((ids[rows_[r]], ids[j])), "no counted measure")
    if with_alignment:
        columns = {str(c): i for i, c in enumerate(portfolio.columns)}
        carried = np.zeros(known.shape)  # zone has a counted measure carrying the code
        for z, zone_id in enumerate(ids):
            for m in dataset.zone(zone_id).measures:
                if is_counted(m, cfg.statuses):
                    carried[z, [columns[c] for c in m.categories if c in columns]] = 1.0
        has = (carried * k) @ k.T > 0  # has[a, b]: a counted measure of a carries a code known for both
        for r, j in zip(*np.nonzero(~(has[rows_] & has.T[rows_])), strict=True):
            key = (int(r), int(j))
            if key not in reason:  # a portfolio of national duties alone: nothing to align
                a, b = ids[rows_[r]], ids[j]
                empty = [z for z, ok in ((a, has[rows_[r], j]), (b, has[j, rows_[r]])) if not ok]
                reason[key] = (
                    f"{' and '.join(empty)}: no counted measure in the {overlap[key]} categories both examined"
                )
    return _Facts(rows_, [str(c) for c in portfolio.columns], known, values, overlap, reason)


def _pair(
    dataset: Dataset,
    facts: _Facts,
    r: int,
    j: int,
    ids: Sequence[str],
    cfg: _Settings,
    index: TextIndex | None,
    need: int,
    *,
    with_alignment: bool = True,
) -> Comparison:
    """The combined similarity of one pair (row ``r`` of ``facts``, zone ``j``): the one definition."""
    a, b = ids[int(facts.rows[r])], ids[j]
    n_codes = facts.known.shape[1]
    overlap = int(facts.overlap[r, j])
    value = float(facts.structured[r, j])
    reason = facts.reason.get((r, j), "")
    alignment = _empty_alignment(a, b)
    if with_alignment and not reason:
        both = facts.known[facts.rows[r]] & facts.known[j]
        alignment = align(
            dataset,
            a,
            b,
            alpha=cfg.alpha,
            threshold=cfg.threshold,
            sigma=cfg.sigma,
            lang=cfg.lang,
            status=cfg.statuses,
            secondary_weight=cfg.secondary_weight,
            text_index=index,
            codes=[c for c, ok in zip(facts.codes, both, strict=True) if ok],
        )
    score = float("nan") if reason else cfg.lam * value + (1 - cfg.lam) * alignment.score
    if not with_alignment:
        score = value
    return Comparison(a, b, score, value, alignment, overlap, overlap / n_codes, reason, cfg.params(need))


#: The parameters of one pair's comparison, declared once for zone_similarity and compare (its alias).
_PAIR_PARAMS = {
    "dataset": Instance("Dataset"),
    "a": Str(empty=True),
    "b": Str(empty=True),
    "lam": Real(0, 1),
    "status": STATUS,
    "alpha": Real(0, 1),
    "threshold": Real(),
    "sigma": Real(0, 1),
    "secondary_weight": Real(0, 1),
    "min_overlap": Maybe(Int(1)),
    "lang": Options("zh", "en"),
    "text_index": Maybe(Instance("TextIndex")),
}


def _empty_alignment(a: str, b: str) -> Alignment:
    nan = float("nan")
    return Alignment(a, b, pd.DataFrame(columns=PAIR_COLUMNS), (), (), nan, nan, nan)


@validate_params(_PAIR_PARAMS)
def zone_similarity(
    dataset: Dataset,
    a: str,
    b: str,
    *,
    lam: float = 0.5,
    metric: str = "soft_cosine",
    status: Sequence[str] | str | None = None,
    alpha: float = 0.5,
    threshold: float = 0.35,
    sigma: float = 0.3,
    secondary_weight: float = 0.5,
    min_overlap: int | None = None,
    lang: str = "zh",
    text_index: TextIndex | None = None,
    estimates: SimilarityEstimate | None = None,
) -> Comparison:
    """The combined similarity of two zones, with its components and the overlap behind it.

    score = lam x structured + (1 - lam) x alignment, where structured is ``metric`` on the
    two category portfolios over the overlap O (categories both zones examined) and
    alignment is the alignment score (:func:`align`) of the counted measures that carry a
    category of O. NaN with a ``reason`` when |O| < ``min_overlap`` or one zone has no
    counted measure in O.

    Parameters
    ----------
    dataset : Dataset
        The data.
    a, b : str
        Zone ids.
    lam : float
        Weight of the structured component, in [0, 1].
    metric : {"cosine", "jaccard", "soft_cosine", "heterogeneity"}
        Structured metric (see :func:`similarity_matrix`).
    status : sequence of str
        Statuses counted (default None: the codebook's counted statuses), for both components.
    alpha, threshold : float
        Alignment: weight of text similarity, and the pair threshold.
    sigma : float
        Within-domain credit of the soft cosine (structured and alignment).
    secondary_weight : float
        Credit for a secondary category.
    min_overlap : int, optional
        Smallest overlap with a number; default 8 categories, or a third of the codebook
        when that is fewer (:func:`default_min_overlap`).
    lang : {"zh", "en"}
        Language of the texts aligned and of the explanation.
    text_index : TextIndex, optional
        A fitted index to reuse.
    estimates : SimilarityEstimate, optional
        A :func:`~policybench.similarity.similarity_estimate` of this dataset holding both zones, to reuse
        across calls (computed here when None); it must have been made with the same metric, status,
        sigma and secondary weight.

    Returns
    -------
    Comparison
        ``score``, ``structured``, ``alignment`` (an :class:`Alignment`; ``alignment_score``
        its score), ``overlap``, ``overlap_share``, ``reason`` ('' when defined), ``params``.

    Examples
    --------
    >>> from policybench import load_dataset
    >>> c = zone_similarity(load_dataset(), "tianjin-htz", "tianjin-teda")
    >>> c.defined == (c.reason == "")
    True
    """
    cfg = _settings(
        dataset,
        "zone_similarity",
        lam=lam,
        metric=metric,
        status=status,
        alpha=alpha,
        threshold=threshold,
        sigma=sigma,
        secondary_weight=secondary_weight,
        min_overlap=min_overlap,
        lang=lang,
    )
    ids = list(dict.fromkeys([a, b]))
    structured, portfolio = _structured(dataset, ids, cfg)
    index = text_index if text_index is not None else fitted_index(dataset, lang)
    facts = _facts(dataset, structured, portfolio, cfg, [0], with_alignment=True)
    pair = _pair(dataset, facts, 0, ids.index(b), ids, cfg, index, int(structured.attrs["min_overlap"]))
    if estimates is not None:
        check_type("zone_similarity", "estimates", estimates, SimilarityEstimate, "a SimilarityEstimate or None")
        found = MappingProxyType({**estimates.pair(a, b), "level": float(estimates.params["level"])})
        return replace(pair, estimate=found)
    return replace(pair, estimate=_pair_estimate(dataset, a, b, cfg))


def pair_estimate_zones(dataset: Dataset, *zones: str) -> list[str]:
    """The zones an estimate for ``zones`` imputes against: every zone but national frames, plus ``zones``."""
    return list(dict.fromkeys([*(z.id for z in dataset.zones if z.kind != "national-policy"), *zones]))


def _pair_estimate(dataset: Dataset, a: str, b: str, cfg: _Settings) -> Mapping[str, float]:
    """The structured similarity estimate of one pair, imputed against every zone of the dataset."""
    from .intervals import similarity_estimate

    ids = pair_estimate_zones(dataset, a, b)
    est = similarity_estimate(
        dataset,
        metric=cfg.metric,
        status=cfg.statuses,
        secondary_weight=cfg.secondary_weight,
        sigma=cfg.sigma,
        zones=ids,
        rows=[a],  # the pairs of a only: the same numbers, draws x zones of work instead of draws x zones²
    )
    return MappingProxyType({**est.pair(a, b), "level": float(est.params["level"])})


@validate_params(_PAIR_PARAMS)
def compare(
    dataset: Dataset,
    a: str,
    b: str,
    *,
    lam: float = 0.5,
    metric: str = "soft_cosine",
    status: Sequence[str] | str | None = None,
    alpha: float = 0.5,
    threshold: float = 0.35,
    sigma: float = 0.3,
    secondary_weight: float = 0.5,
    min_overlap: int | None = None,
    lang: str = "zh",
    text_index: TextIndex | None = None,
) -> Comparison:
    """Compare two zones: the same number as :func:`zone_similarity` (it calls it).

    Examples
    --------
    >>> from policybench import load_dataset
    >>> c = compare(load_dataset(), "tianjin-htz", "wuhan-city-partner")
    >>> c.overlap, round(c.estimate["estimate"], 2), round(c.estimate["low"], 2), round(c.estimate["high"], 2)
    (7, 0.65, 0.59, 0.7)
    """
    from ..data.dataset import Dataset

    check_type("compare", "dataset", dataset, Dataset, "a Dataset (see load_dataset)")
    check_type("compare", "a", a, str, "a zone id (str)")
    check_type("compare", "b", b, str, "a zone id (str)")
    check_unit_interval("compare", "lam", lam)
    return zone_similarity(
        dataset,
        a,
        b,
        lam=lam,
        metric=metric,
        status=status,
        alpha=alpha,
        threshold=threshold,
        sigma=sigma,
        secondary_weight=secondary_weight,
        min_overlap=min_overlap,
        lang=lang,
        text_index=text_index,
    )


@validate_params(
    {
        "dataset": Instance("Dataset"),
        "lam": Real(0, 1),
        "status": STATUS,
        "zones": ZONES,
        "lang": Options("zh", "en"),
        "sigma": Real(0, 1),
        "min_overlap": Maybe(Int(1)),
        "progress": PROGRESS,
    }
)
def zone_similarity_matrix(
    dataset: Dataset,
    *,
    method: str = "combined",
    metric: str = "soft_cosine",
    lam: float = 0.5,
    status: Sequence[str] | str | None = None,
    zones: Sequence[str] | None = None,
    lang: str = "zh",
    sigma: float = 0.3,
    min_overlap: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Zone x zone similarity by ``method``: "combined" (:func:`zone_similarity`), "structured" or "alignment".

    Every zone is kept; a pair without a defined similarity is NaN, and
    ``attrs["undefined"]`` lists {zone_a, zone_b, overlap, reason}. ``attrs["overlap"]``
    holds the overlap counts as a nested list in the order of the index. ``progress``, when
    given, is called as ``progress(done, pairs)`` after each pair of zones aligned (silent
    otherwise); the "structured" method has no loop over pairs and calls it once, at the end.

    Overlaps, structured values and the reasons of undefined pairs are computed as zone x zone
    arrays (no loop over pairs); only the alignment of "combined" and "alignment" runs pair by pair.
    """
    from ..data.dataset import Dataset

    check_type("zone_similarity_matrix", "dataset", dataset, Dataset, "a Dataset (see load_dataset)")
    check_choice("zone_similarity_matrix", "method", method, METHODS)
    cfg = _settings(
        dataset,
        "zone_similarity_matrix",
        lam=lam,
        metric=metric,
        status=status,
        alpha=0.5,
        threshold=0.35,
        sigma=sigma,
        secondary_weight=0.5,
        min_overlap=min_overlap,
        lang=lang,
    )
    if progress is not None and not callable(progress):
        raise fail("zone_similarity_matrix", "progress", "a callable progress(done, total) or None", progress)
    ids = list(dataset.zone_ids if zones is None else zones)
    structured, portfolio = _structured(dataset, ids, cfg)
    need = int(structured.attrs["min_overlap"])
    pairs = len(ids) * (len(ids) - 1) // 2
    aligned = method != "structured"
    index = fitted_index(dataset, lang) if aligned else None
    facts = _facts(dataset, structured, portfolio, cfg, range(len(ids)), with_alignment=aligned)
    overlap = facts.overlap
    values = facts.structured.copy()  # the diagonal as structured; every pair below
    upper = np.triu(np.ones(values.shape, dtype=bool), k=1)
    undefined = [
        {"zone_a": ids[i], "zone_b": ids[j], "overlap": int(overlap[i, j]), "reason": text}
        for (i, j), text in sorted(facts.reason.items())
        if i < j
    ]
    if not aligned:  # no alignment: the structured matrix with the undefined pairs blanked, no loop
        blank = np.zeros(values.shape, dtype=bool)
        for i, j in facts.reason:
            blank[i, j] = True
        values = np.where(upper & blank, np.nan, values)
        values = np.where(upper.T, values.T, values)  # a pair's number is its (i < j) entry, on both sides
        if progress is not None:
            progress(pairs, pairs)
    else:
        done = 0
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                pair = _pair(dataset, facts, i, j, ids, cfg, index, need)
                value = pair.score if method == "combined" else pair.alignment_score
                values[i, j] = values[j, i] = np.nan if pair.reason else value
                done += 1
                if progress is not None:
                    progress(done, pairs)
    frame = _frame(values, ids)
    attrs: dict[str, Any] = cfg.params(need)
    frame.attrs.update({**attrs, "method": method, "undefined": undefined, "overlap": overlap.tolist()})
    return frame


def _frame(values: np.ndarray, ids: list[str]) -> pd.DataFrame:
    index = pd.Index(ids, name="zone_id")
    return pd.DataFrame(values, index=index, columns=index.copy())


@validate_params(
    {
        "dataset": Instance("Dataset"),
        "target": Str(empty=True),
        "k": Int(1),
        "kind": Maybe(Str()),
        "status": STATUS,
        "lang": Options("zh", "en"),
        "lam": Real(0, 1),
        "min_overlap": Maybe(Int(1)),
    }
)
def nearest_peers(
    dataset: Dataset,
    target: str,
    *,
    k: int = 5,
    kind: str | None = None,
    method: str = "combined",
    status: Sequence[str] | str | None = None,
    lang: str = "zh",
    lam: float = 0.5,
    metric: str = "soft_cosine",
    min_overlap: int | None = None,
) -> pd.DataFrame:
    """The ``k`` zones most similar to ``target`` by :func:`zone_similarity` (optionally of one ``kind``).

    Candidates whose similarity to the target is undefined (overlap too small, no counted
    measure in it) are not ranked; they are listed in ``attrs["undefined"]`` with the reason.

    Returns
    -------
    pandas.DataFrame
        Columns as in ``PEER_COLUMNS`` (rank, zone_id, kind, similarity, structured,
        alignment, overlap, overlap_share); highest similarity first (ties by id).
    """
    from ..data.dataset import Dataset

    check_type("nearest_peers", "dataset", dataset, Dataset, "a Dataset (see load_dataset)")
    check_positive_int("nearest_peers", "k", k)
    check_choice("nearest_peers", "method", method, METHODS)
    cfg = _settings(
        dataset,
        "nearest_peers",
        lam=lam,
        metric=metric,
        status=status,
        alpha=0.5,
        threshold=0.35,
        sigma=0.3,
        secondary_weight=0.5,
        min_overlap=min_overlap,
        lang=lang,
    )
    dataset.zone(target)
    candidates = [z for z in dataset.zone_ids if z != target and (kind is None or dataset.zone(z).kind == kind)]
    if not candidates:
        raise InputError(f"no candidate peers for '{target}'" + (f" of kind '{kind}'" if kind else ""))
    ids = [target, *candidates]
    structured, portfolio = _structured(dataset, ids, cfg)
    need = int(structured.attrs["min_overlap"])
    aligned = method != "structured"
    index = fitted_index(dataset, lang) if aligned else None
    facts = _facts(dataset, structured, portfolio, cfg, [0], with_alignment=aligned)
    pairs = [_pair(dataset, facts, 0, j, ids, cfg, index, need, with_alignment=aligned) for j in range(1, len(ids))]
    defined = [p for p in pairs if not p.reason]
    undefined = [{"zone_id": p.zone_b, "overlap": p.overlap, "reason": p.reason} for p in pairs if p.reason]
    if not defined:
        reasons = "; ".join(f"{u['zone_id']}: {u['reason']}" for u in undefined[:5])
        raise InputError(f"no peer of '{target}' has a defined similarity ({reasons})")
    pick = {"combined": "score", "structured": "structured", "alignment": "alignment_score"}[method]
    table = pd.DataFrame(
        {
            "zone_id": [p.zone_b for p in defined],
            "kind": [dataset.zone(p.zone_b).kind for p in defined],
            "similarity": [float(getattr(p, pick)) for p in defined],
            "structured": [p.structured for p in defined],
            "alignment": [p.alignment_score for p in defined],
            "overlap": [p.overlap for p in defined],
            "overlap_share": [p.overlap_share for p in defined],
        }
    )
    table = (
        table.sort_values(["similarity", "zone_id"], ascending=[False, True], kind="mergesort")
        .head(k)
        .reset_index(drop=True)
    )
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table.attrs = {**cfg.params(need), "method": method, "undefined": undefined}
    return table
