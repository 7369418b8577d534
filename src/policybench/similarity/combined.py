"""Combined zone similarity (METHODS §5, §10 and §11), defined once, in :func:`zone_similarity`.

similarity(a, b) = lam x structured + (1 - lam) x alignment, where

- structured is the structured similarity *estimate* of the pair (:func:`similarity_estimate`):
  the ``metric`` of the two category portfolios, with every unknown cell imputed from the
  category's adoption model; a pair known on every category gets the exact value;
- alignment is the alignment score of the counted measures that carry a category known for
  both zones (the overlap O), whatever the size of O.

The interval is the structured estimate's, shifted and scaled by the same weights (the
alignment is computed on known measures only and is not imputed). When the alignment has
nothing to pair (O is empty, or one zone has no counted measure in O), the similarity is the
structured estimate alone and a caveat says so; an overlap under ``min_overlap`` is reported as
a caveat ("thin overlap"), never a veto. NaN only when nothing at all is known about one zone.
:func:`compare`, :func:`zone_similarity_matrix`, :func:`zone_similarity_estimate`,
:func:`nearest_peers` and the Assessment all compute a pair through :func:`_pair`.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._json import json_safe
from .._params import (
    DEFAULTS,
    PROGRESS,
    STATUS,
    ZONES,
    Instance,
    Int,
    Maybe,
    Options,
    Real,
    Str,
    check_status,
    fail,
    validate_params,
)
from ..errors import InputError
from ..labels import phrase
from ..numbers import shown
from .alignment import PAIR_COLUMNS, Aligner, Alignment, align, fitted_index
from .intervals import SimilarityEstimate, similarity_estimate
from .portfolio import carried_codes, counted_measures, portfolio_matrix
from .structured import METRICS, default_min_overlap

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from .text import TextIndex

__all__ = [
    "PEER_COLUMNS",
    "Comparison",
    "compare",
    "nearest_peers",
    "similarities_to",
    "zone_similarity",
    "zone_similarity_estimate",
    "zone_similarity_matrix",
]

METHODS = ("combined", "structured", "alignment")

#: Columns of :func:`nearest_peers`.
PEER_COLUMNS: dict[str, str] = {
    "rank": "1 = most similar",
    "zone_id": "id of the peer",
    "kind": "kind of the peer zone",
    "similarity": "the combined similarity estimate (or the component chosen by 'method')",
    "low": "lower end of its interval (the structured estimate's level, default 90 %)",
    "high": "upper end of its interval",
    "structured": "structured similarity estimate (unknown cells imputed)",
    "alignment": "alignment score over the categories known for both (NaN when there is nothing to pair)",
    "overlap": "number of categories known for both zones",
    "overlap_share": "overlap / number of codebook categories",
    "known_share": "weighted share of the categories known for both (the rest of the structured part is imputed)",
}

#: The caveats a comparison can carry (keys of :attr:`Comparison.caveats`).
CAVEATS = ("thin-overlap", "alignment-imputed", "structure-only")


@dataclass(frozen=True)
class Comparison:
    """How alike two zones are: the estimate, its interval, every component, the overlap behind them.

    ``score`` is NaN only when nothing is known about one of the two zones; ``reason`` then says
    why. ``caveats`` lists what weakens a number: "thin-overlap" (fewer categories known for both
    than ``min_overlap``), "alignment-imputed" (no measures to align, ``alignment_note`` says why:
    the alignment part is imputed from both zones' alignments with every other zone, their mean
    and central range) and "structure-only" (nothing to impute it from either: the score is the
    structured estimate alone).
    """

    zone_a: str
    zone_b: str
    score: float
    structured: float
    alignment: Alignment = field(repr=False)
    overlap: int = 0
    overlap_share: float = 0.0
    reason: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    estimate: Mapping[str, float] = field(default_factory=dict)
    low: float = math.nan
    high: float = math.nan
    caveats: tuple[str, ...] = ()
    alignment_note: str = ""

    @property
    def alignment_score(self) -> float:
        """The alignment component (2 x matched similarity / (|A| + |B|)), NaN when undefined."""
        return self.alignment.score

    @property
    def defined(self) -> bool:
        """True when the pair has a number (something is known about both zones)."""
        return not math.isnan(self.score)

    @property
    def level(self) -> float:
        """Coverage of the interval (the structured estimate's level)."""
        return float(self.estimate.get("level", 0.9))

    @validate_params({"lang": Options("zh", "en")}, name="Comparison.explain")
    def explain(self, *, lang: str = "en") -> str:
        """Overlap, caveats, the structured estimate, strongest aligned pairs, what only one side has."""
        head = phrase("comparison.overlap", lang, overlap=self.overlap, share=shown(self.overlap_share, "share"))
        if self.reason:
            head += phrase("comparison.undefined_reason", lang, reason=self.reason)
        head += self._estimate_line(lang)
        for caveat in self.caveats:
            head += "\n" + phrase(
                f"comparison.{caveat}",
                lang,
                overlap=self.overlap,
                need=self.params.get("min_overlap", 0),
                note=self.alignment_note,
            )
        body = "" if math.isnan(self.alignment.score) else self.alignment.explain(lang=lang)
        return head + ("\n" + body if body else "")

    def _estimate_line(self, lang: str) -> str:
        """The structured estimate with its interval and known share, '' without one."""
        e = self.estimate
        if not e or math.isnan(e["estimate"]):
            return ""
        return "\n" + phrase(
            "comparison.estimate",
            lang,
            estimate=shown(e["estimate"], "similarity"),
            level=shown(self.level, "share"),
            low=shown(e["low"], "similarity"),
            high=shown(e["high"], "similarity"),
            known=shown(e["known_share"], "share"),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of scores, interval, overlap, caveats, parameters and the aligned pairs (NaN as None)."""
        al = self.alignment
        return {
            "zone_a": self.zone_a,
            "zone_b": self.zone_b,
            "score": json_safe(self.score),
            "low": json_safe(self.low),
            "high": json_safe(self.high),
            "structured": json_safe(self.structured),
            "alignment": json_safe(al.score),
            "overlap": self.overlap,
            "overlap_share": self.overlap_share,
            "reason": self.reason,
            "caveats": list(self.caveats),
            "alignment_note": self.alignment_note,
            "estimate": {k: json_safe(v) for k, v in self.estimate.items()},
            "coverage_a_by_b": json_safe(al.coverage_a_by_b),
            "coverage_b_by_a": json_safe(al.coverage_b_by_a),
            "shared_codes": list(al.shared_codes),
            "only_a_codes": list(al.only_a_codes),
            "only_b_codes": list(al.only_b_codes),
            "pairs": al.pairs.to_dict("records"),
            "unmatched_a": list(al.unmatched_a),
            "unmatched_b": list(al.unmatched_b),
            "params": dict(self.params),
        }

    def __str__(self) -> str:
        lam = self.params.get("lam", 0.5)
        lang = self.params.get("lang", "en")
        names = {"a": self.zone_a, "b": self.zone_b}
        if not self.defined:
            return phrase("comparison.head_undefined", lang, **names) + "\n" + self.explain(lang=lang)
        score = shown(self.score, "similarity")
        interval = phrase(
            "comparison.interval",
            lang,
            level=shown(self.level, "share"),
            low=shown(self.low, "similarity"),
            high=shown(self.high, "similarity"),
        )
        how = next((c for c in ("alignment-imputed", "structure-only") if c in self.caveats), None)
        if how is not None:
            how_text = phrase(f"comparison.how.{how}", lang)
            head = phrase("comparison.head_caveat", lang, **names, score=score, interval=interval, how=how_text)
        elif math.isnan(self.alignment.score):
            head = phrase("comparison.head_structured", lang, **names, score=score, interval=interval)
        else:
            head = phrase(
                "comparison.head",
                lang,
                **names,
                score=score,
                interval=interval,
                lam=format(lam, "g"),
                rest=format(1 - lam, "g"),
                structured=shown(self.structured, "similarity"),
                alignment=shown(self.alignment.score, "similarity"),
            )
        return head + "\n" + self.explain(lang=lang)

    def _repr_html_(self) -> str:
        al = self.alignment
        esc = html.escape
        rows = "".join(
            f"<tr><td>{r.similarity:.2f}</td><td>{esc(r.title_a)}</td><td>{esc(r.title_b)}</td></tr>"
            for r in al.pairs.head(5).itertuples()
        )
        score = (
            f"{self.score:.2f} [{self.low:.2f}–{self.high:.2f}]" if self.defined else f"undefined ({esc(self.reason)})"
        )
        alignment = "—" if math.isnan(al.score) else f"{al.score:.2f}"
        caveats = f"<br>Caveats: {esc(', '.join(self.caveats))}" if self.caveats else ""
        return (
            f"<div><strong>{esc(self.zone_a)} vs {esc(self.zone_b)}</strong>: similarity {score} "
            f"(structured estimate {self.structured:.2f}, alignment {alignment}; "
            f"overlap {self.overlap} categories, {self.overlap_share:.0%}){caveats}"
            f"<br>Shared: {esc(', '.join(al.shared_codes) or 'none')}"
            f"<table><tr><th>sim</th><th>{esc(self.zone_a)}</th><th>{esc(self.zone_b)}</th></tr>{rows}</table></div>"
        )


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
    """The settings of one call, declared and checked by the public function (the statuses resolved here).

    A setting the function does not take as a parameter has its default from ``DEFAULTS``.
    """
    kw = {**{k: DEFAULTS[k] for k in ("alpha", "threshold", "sigma", "secondary_weight")}, **kw}
    statuses = check_status(dataset.codebook, kw["status"], function)
    return _Settings(
        float(kw["lam"]),
        kw["metric"],
        statuses,
        kw["alpha"],
        kw["threshold"],
        kw["sigma"],
        kw["secondary_weight"],
        kw["min_overlap"],
        kw["lang"],
    )


@dataclass(frozen=True)
class _Facts:
    """What every pair of some rows x all zones needs before alignment, computed as arrays.

    ``overlap[r, j]`` is the number of codes known for both ``rows[r]`` and zone j; ``notes``
    maps (r, j) to why the pair has no measures to align (neither side has a counted measure in
    the overlap); ``one_sided`` the pairs where only one side has (their alignment is 0: nothing
    can match); ``known`` is zones x codes.
    """

    rows: np.ndarray
    codes: list[str]
    known: np.ndarray
    overlap: np.ndarray  # rows x zones
    need: int
    notes: dict[tuple[int, int], str]
    one_sided: dict[tuple[int, int], str]  # (r, j) -> the only zone with a counted measure in the overlap


def _facts(
    dataset: Dataset, portfolio: pd.DataFrame, cfg: _Settings, rows: Sequence[int], *, with_alignment: bool
) -> _Facts:
    """Overlap of every pair (rows x all zones of ``portfolio``) and why a pair has nothing to align, at once."""
    rows_ = np.asarray(rows, dtype=np.int64)
    known = portfolio.notna().to_numpy()
    k = known.astype(np.float64)
    overlap = (k[rows_] @ k.T).round().astype(np.int64)
    ids = [str(z) for z in portfolio.index]
    need = cfg.min_overlap if cfg.min_overlap is not None else default_min_overlap(known.shape[1])
    notes: dict[tuple[int, int], str] = {}
    one_sided: dict[tuple[int, int], str] = {}
    if with_alignment:
        # the portfolio's columns are the codebook's codes, in its order
        carried = carried_codes(dataset, ids, cfg.statuses)  # zone has a counted measure carrying the code
        ck = carried * k
        # has_out[r, j] (has_in[r, j]): a counted measure of rows[r] (of j) carries a code known for both;
        # integer counts, exact in any order of summation
        if 2 * len(rows_) < len(ids):
            has_out, has_in = ck[rows_] @ k.T > 0, (ck @ k[rows_].T > 0).T
        else:
            has = ck @ k.T > 0
            has_out, has_in = has[rows_], has.T[rows_]
        for r, j in zip(*np.nonzero(~(has_out & has_in)), strict=True):
            a, b = ids[rows_[r]], ids[j]
            if has_out[r, j] or has_in[r, j]:  # one side only: nothing matches, the alignment is 0
                one_sided[int(r), int(j)] = a if has_out[r, j] else b
            elif overlap[r, j] == 0:
                notes[int(r), int(j)] = f"{a} and {b} have no category known for both"
            else:
                notes[int(r), int(j)] = (
                    f"neither zone has a counted measure in the {overlap[r, j]} categories known for both"
                )
    return _Facts(rows_, [str(c) for c in portfolio.columns], known, overlap, int(need), notes, one_sided)


def _pair(
    dataset: Dataset,
    facts: _Facts,
    r: int,
    j: int,
    ids: Sequence[str],
    cfg: _Settings,
    index: TextIndex | None,
    estimate: Mapping[str, float],
    *,
    method: str = "combined",
    imputer: _AlignmentImputer | None = None,
    aligner: Aligner | None = None,
) -> Comparison:
    """One pair (row ``r`` of ``facts``, zone ``j``) by ``method``: the one definition of the combined similarity.

    ``estimate`` is the pair's structured estimate (estimate, low, high, known_share, level).
    ``aligner``, when given, aligns zone ``rows[r]`` with the others (the same alignments as :func:`align`).
    """
    ia = int(facts.rows[r])
    a, b = ids[ia], ids[j]
    n_codes = facts.known.shape[1]
    overlap = int(facts.overlap[r, j])
    note = facts.notes.get((r, j), "")
    both = facts.known[ia] & facts.known[j]
    codes = [c for c, ok in zip(facts.codes, both, strict=True) if ok]
    if method == "structured" or (note and (r, j) not in facts.one_sided):
        alignment = _empty_alignment(a, b)
    elif (r, j) in facts.one_sided:
        alignment = _one_sided_alignment(dataset, a, b, facts.one_sided[r, j], codes, cfg.statuses)
    elif aligner is not None:
        alignment = aligner.align(b, codes)
    else:
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
            codes=codes,
        )
    e, lo, hi = (float(estimate[k]) for k in ("estimate", "low", "high"))
    al = float(alignment.score)
    caveats = ["thin-overlap"] if overlap < facts.need else []
    if method == "structured":
        score, low, high = e, lo, hi
    elif method == "alignment":
        score = low = high = al
    elif math.isnan(al):
        pool = imputer.pool(a, b) if imputer is not None and not math.isnan(e) else np.empty(0)
        if len(pool):
            tail = (1.0 - float(estimate.get("level", 0.9))) / 2.0
            mean = float(pool.mean())
            q_low, q_high = (float(q) for q in np.quantile(pool, [tail, 1.0 - tail]))
            w = cfg.lam
            score, low, high = w * e + (1 - w) * mean, w * lo + (1 - w) * q_low, w * hi + (1 - w) * q_high
            caveats.append("alignment-imputed")
        else:
            score, low, high = e, lo, hi
            caveats.append("structure-only")
    else:
        w = cfg.lam
        score, low, high = w * e + (1 - w) * al, w * lo + (1 - w) * al, w * hi + (1 - w) * al
    reason = ""
    if math.isnan(score):
        nothing = [z for z, row in ((a, ia), (b, j)) if not facts.known[row].any()]
        reason = (
            note
            if method == "alignment"
            else f"nothing is known about {' and '.join(dict.fromkeys(nothing)) or 'either zone'}"
        )
        caveats = []
    return Comparison(
        a,
        b,
        score,
        e,
        alignment,
        overlap,
        overlap / n_codes,
        reason,
        MappingProxyType({**cfg.params(facts.need), "method": method}),
        MappingProxyType(dict(estimate)),
        low,
        high,
        tuple(caveats),
        note if method != "structured" else "",
    )


#: The parameters of one pair's comparison, declared once for zone_similarity and compare (its alias).
_PAIR_PARAMS = {
    "dataset": Instance("Dataset"),
    "a": Str(empty=True),
    "b": Str(empty=True),
    "lam": Real(0, 1),
    "metric": Options(*METRICS),
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
    return Alignment(a, b, _NO_PAIRS.copy(), (), (), nan, nan, nan)


#: The pairs table of an alignment with nothing to pair (copied for each: results own their frames).
_NO_PAIRS = pd.DataFrame(columns=PAIR_COLUMNS)


#: Most zones a zone's alignment row is computed against when it serves to impute a missing
#: alignment (the first ones in a fixed pseudo-random order of their ids): the whole row up to
#: this size, a bounded cost beyond it (national scale).
IMPUTATION_ROW = 60


def _row_order(zone_id: str) -> bytes:
    return hashlib.blake2b(zone_id.encode("utf-8"), digest_size=8).digest()


class _AlignmentImputer:
    """Alignment scores of zones with other zones, to impute a pair that has no measures to align.

    The pool of a pair (a, b) is every defined alignment score of a, and of b, with the zones of
    :func:`pair_estimate_zones` (the zones the structured estimate imputes against; at most
    ``IMPUTATION_ROW`` of them per zone, in a fixed pseudo-random order of their ids); rows are
    computed on first use and kept.
    """

    def __init__(self, dataset: Dataset, cfg: _Settings, index: TextIndex | None) -> None:
        self.dataset, self.cfg, self.index = dataset, cfg, index
        self.rows: dict[str, np.ndarray] = {}
        self.scores: dict[tuple[str, str], float] = {}

    def pool(self, a: str, b: str) -> np.ndarray:
        return np.concatenate([self.row(a), self.row(b)])

    def row(self, x: str) -> np.ndarray:
        if x not in self.rows:
            others = sorted((z for z in pair_estimate_zones(self.dataset) if z != x), key=_row_order)
            ids = [x, *others[:IMPUTATION_ROW]]
            cfg = self.cfg
            portfolio = portfolio_matrix(
                self.dataset, status=cfg.statuses, secondary_weight=cfg.secondary_weight, zones=ids
            )
            facts = _facts(self.dataset, portfolio, cfg, [0], with_alignment=True)
            nan = {"estimate": math.nan, "low": math.nan, "high": math.nan, "known_share": math.nan}
            found = []
            aligner: Aligner | None = None
            for j, other in enumerate(ids):
                if other == x or (0, j) in facts.notes:
                    continue
                key = (min(x, other), max(x, other))
                if key not in self.scores:
                    if aligner is None:  # the row's alignments together (align's, float for float)
                        aligner = _aligner(self.dataset, x, cfg, self.index)
                    pair = _pair(
                        self.dataset, facts, 0, j, ids, cfg, self.index, nan, method="alignment", aligner=aligner
                    )
                    self.scores[key] = pair.alignment_score
                found.append(self.scores[key])
            self.rows[x] = np.array(sorted(found), dtype=np.float64)
        return self.rows[x]


def _one_sided_alignment(
    dataset: Dataset, a: str, b: str, side: str, codes: list[str], statuses: tuple[str, ...]
) -> Alignment:
    """The alignment when only ``side`` has counted measures in the overlap: none matches, score 0."""
    kept = set(codes)
    ids = tuple(m.id for m in counted_measures(dataset, side, statuses) if any(c in kept for c in m.categories))
    nan = float("nan")
    pairs = pd.DataFrame(columns=PAIR_COLUMNS)
    if side == a:
        return Alignment(a, b, pairs, ids, (), 0.0, nan, 0.0)
    return Alignment(a, b, pairs, (), ids, nan, 0.0, 0.0)


def pair_estimate_zones(dataset: Dataset, *zones: str) -> list[str]:
    """The zones an estimate for ``zones`` imputes against: every zone but national frames, plus ``zones``."""
    return list(dict.fromkeys([*(z.id for z in dataset.zones if z.kind != "national-policy"), *zones]))


def _estimate_of(
    dataset: Dataset, ids: Sequence[str], cfg: _Settings, rows: Sequence[str] | None = None
) -> SimilarityEstimate:
    """The structured estimate the combined similarity of ``ids`` rests on (imputed against every zone)."""
    return similarity_estimate(
        dataset,
        metric=cfg.metric,
        status=cfg.statuses,
        secondary_weight=cfg.secondary_weight,
        sigma=cfg.sigma,
        zones=pair_estimate_zones(dataset, *ids),
        rows=rows,  # e.g. the pairs of one zone only: the same numbers, draws x zones of work
    )


def _default_zones(dataset: Dataset) -> list[str]:
    """Every zone but frames of national directions (kind "national-policy"), as similarity_estimate."""
    return [z.id for z in dataset.zones if z.kind != "national-policy"]


def _pair_of(estimates: SimilarityEstimate, a: str, b: str) -> Mapping[str, float]:
    return MappingProxyType({**estimates._pair(a, b), "level": float(estimates.params["level"])})


@validate_params({**_PAIR_PARAMS, "estimates": Maybe(Instance("SimilarityEstimate"))})
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
    """The combined similarity of two zones, with its interval, its components and the overlap behind it.

    score = lam x structured + (1 - lam) x alignment, where structured is the structured
    similarity estimate (``metric`` on the two portfolios, unknown cells imputed;
    :func:`similarity_estimate`) and alignment is the alignment score (:func:`align`) of the
    counted measures that carry a category known for both (the overlap O). The interval is the
    estimate's, scaled by ``lam`` and shifted by the alignment term. When there are no measures to
    align the score is the structured estimate alone (caveat "structure-only"); an overlap under
    ``min_overlap`` is reported as the caveat "thin-overlap". NaN only when nothing is known about
    one of the zones.

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
        Overlap under which the caveat "thin-overlap" is raised; default 8 categories, or a third
        of the codebook when that is fewer (:func:`default_min_overlap`). Not a gate.
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
        ``score`` with ``low`` and ``high``, ``structured`` (the estimate), ``alignment`` (an
        :class:`Alignment`; ``alignment_score`` its score), ``overlap``, ``overlap_share``,
        ``caveats``, ``reason`` ('' when defined), ``estimate`` (the structured estimate's details), ``params``.

    Examples
    --------
    >>> from policybench import load_dataset
    >>> c = zone_similarity(load_dataset(), "tianjin-htz", "tianjin-teda")
    >>> c.low <= c.score <= c.high and c.score == 0.5 * c.structured + 0.5 * c.alignment_score
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
    portfolio = portfolio_matrix(dataset, status=cfg.statuses, secondary_weight=cfg.secondary_weight, zones=ids)
    index = text_index if text_index is not None else fitted_index(dataset, lang)
    facts = _facts(dataset, portfolio, cfg, [0], with_alignment=True)
    if estimates is None:
        estimates = _estimate_of(dataset, [a, b], cfg, rows=[a])
    imputer = _AlignmentImputer(dataset, cfg, index)
    return _pair(dataset, facts, 0, ids.index(b), ids, cfg, index, _pair_of(estimates, a, b), imputer=imputer)


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
    >>> c.overlap, c.caveats, round(c.score, 2), round(c.low, 2), round(c.high, 2)
    (7, ('thin-overlap',), 0.46, 0.43, 0.49)
    """
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


_MATRIX_PARAMS = {
    "dataset": Instance("Dataset"),
    "method": Options(*METHODS),
    "metric": Options(*METRICS),
    "lam": Real(0, 1),
    "status": STATUS,
    "zones": ZONES,
    "lang": Options("zh", "en"),
    "sigma": Real(0, 1),
    "min_overlap": Maybe(Int(1)),
    "progress": PROGRESS,
}


@validate_params(_MATRIX_PARAMS)
def zone_similarity_estimate(
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
) -> SimilarityEstimate:
    """Every pair's similarity by ``method``, with its interval, as a :class:`SimilarityEstimate`.

    ``zones`` defaults to every zone but frames of national directions (as :func:`similarity_estimate`).

    "combined" is :func:`zone_similarity` for every pair (the same numbers as calling it with
    ``estimates=`` the structured estimate of these zones), "structured" the structured estimate
    alone, "alignment" the alignment score (no interval: ``low`` = ``high`` = the score; NaN where
    there is nothing to align). ``overlap`` holds the categories known for both. The diagonal is the
    structured estimate's (1 for a zone with anything known). ``progress``, when given, is called as
    ``progress(done, pairs)`` after each pair aligned (once, at the end, for "structured").

    Examples
    --------
    >>> from policybench import load_dataset
    >>> est = zone_similarity_estimate(load_dataset(), zones=["tianjin-htz", "wuhan-city-partner", "donghu-htz"])
    >>> bool((est.low <= est.estimate).all() and (est.estimate <= est.high).all())
    True
    """
    fn = "zone_similarity_estimate"
    cfg = _settings(
        dataset,
        fn,
        lam=lam,
        metric=metric,
        status=status,
        sigma=sigma,
        min_overlap=min_overlap,
        lang=lang,
    )
    if progress is not None and not callable(progress):
        raise fail(fn, "progress", "a callable progress(done, total) or None", progress)
    ids = list(dict.fromkeys(_default_zones(dataset) if zones is None else zones))
    for z in ids:
        dataset.zone(z)
    portfolio = portfolio_matrix(dataset, status=cfg.statuses, secondary_weight=cfg.secondary_weight, zones=ids)
    structured = _estimate_of(dataset, ids, cfg)
    at = np.array([structured.zone_ids.index(z) for z in ids], dtype=np.int64)
    grid = np.ix_(at, at)
    arrays = {k: np.array(getattr(structured, k)[grid]) for k in ("estimate", "low", "high", "known_share")}
    aligned = method != "structured"
    index = fitted_index(dataset, lang) if aligned else None
    facts = _facts(dataset, portfolio, cfg, range(len(ids)), with_alignment=aligned)
    imputer = _AlignmentImputer(dataset, cfg, index)
    pairs = len(ids) * (len(ids) - 1) // 2
    done = 0
    level = float(structured.params["level"])
    for i in range(len(ids)):
        aligner = _aligner(dataset, ids[i], cfg, index) if aligned and i + 1 < len(ids) else None
        for j in range(i + 1, len(ids)):
            if not aligned:
                continue
            est = {k: float(v[i, j]) for k, v in arrays.items()} | {"level": level}
            pair = _pair(dataset, facts, i, j, ids, cfg, index, est, method=method, imputer=imputer, aligner=aligner)
            for name, value in (("estimate", pair.score), ("low", pair.low), ("high", pair.high)):
                arrays[name][i, j] = arrays[name][j, i] = value
            done += 1
            if progress is not None:
                progress(done, pairs)
    if progress is not None and not aligned:
        progress(pairs, pairs)
    for arr in arrays.values():
        arr.setflags(write=False)
    overlap = facts.overlap.copy()
    overlap.setflags(write=False)
    params = {**dict(structured.params), **cfg.params(facts.need), "method": method}
    return SimilarityEstimate(
        tuple(ids),
        arrays["estimate"],
        arrays["low"],
        arrays["high"],
        arrays["known_share"],
        MappingProxyType(params),
        overlap,
    )


@validate_params(_MATRIX_PARAMS)
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
    """Zone x zone similarity by ``method`` (:func:`zone_similarity_estimate`'s point values) as a DataFrame.

    Every zone is kept; a pair is NaN only when nothing is known about one zone (or, for
    "alignment", when there is nothing to align). The values only, with no metadata: the
    intervals, overlaps and parameters are in :func:`zone_similarity_estimate`'s result, the
    reasons and caveats of a pair in :func:`zone_similarity`'s.
    """
    est = zone_similarity_estimate(
        dataset,
        method=method,
        metric=metric,
        lam=lam,
        status=status,
        zones=zones,
        lang=lang,
        sigma=sigma,
        min_overlap=min_overlap,
        progress=progress,
    )
    return est.matrix()


def _similarities(
    dataset: Dataset,
    target: str,
    zones: Sequence[str],
    cfg: _Settings,
    method: str,
    index: TextIndex | None,
    estimates: SimilarityEstimate | None,
) -> tuple[Comparison, ...]:
    """The target against each zone: the facts of all pairs at once, one imputer, one estimate."""
    ids = list(dict.fromkeys([target, *zones]))
    portfolio = portfolio_matrix(dataset, status=cfg.statuses, secondary_weight=cfg.secondary_weight, zones=ids)
    aligned = method != "structured"
    if aligned and index is None:
        index = fitted_index(dataset, cfg.lang)
    facts = _facts(dataset, portfolio, cfg, [0], with_alignment=aligned)
    structured = estimates if estimates is not None else _estimate_of(dataset, ids, cfg, rows=[target])
    imputer = _AlignmentImputer(dataset, cfg, index)
    aligner = _aligner(dataset, target, cfg, index) if aligned else None
    return tuple(
        _pair(
            dataset,
            facts,
            0,
            j,
            ids,
            cfg,
            index,
            _pair_of(structured, target, ids[j]),
            method=method,
            imputer=imputer,
            aligner=aligner,
        )
        for j in range(1, len(ids))
    )


def _aligner(dataset: Dataset, zone: str, cfg: _Settings, index: TextIndex | None) -> Aligner:
    """The alignments of ``zone`` with many others under ``cfg`` (:func:`align`'s, computed together)."""
    return Aligner(
        dataset,
        zone,
        alpha=cfg.alpha,
        threshold=cfg.threshold,
        sigma=cfg.sigma,
        lang=cfg.lang,
        statuses=cfg.statuses,
        secondary_weight=cfg.secondary_weight,
        text_index=index,
    )


@validate_params(
    {
        "dataset": Instance("Dataset"),
        "target": Str(empty=True),
        "zones": ZONES,
        "method": Options(*METHODS),
        "metric": Options(*METRICS),
        "lam": Real(0, 1),
        "status": STATUS,
        "lang": Options("zh", "en"),
        "min_overlap": Maybe(Int(1)),
        "text_index": Maybe(Instance("TextIndex")),
        "estimates": Maybe(Instance("SimilarityEstimate")),
    }
)
def similarities_to(
    dataset: Dataset,
    target: str,
    zones: Sequence[str] | None = None,
    *,
    method: str = "combined",
    lam: float = 0.5,
    metric: str = "soft_cosine",
    status: Sequence[str] | str | None = None,
    lang: str = "zh",
    min_overlap: int | None = None,
    text_index: TextIndex | None = None,
    estimates: SimilarityEstimate | None = None,
) -> tuple[Comparison, ...]:
    """:func:`zone_similarity` of ``target`` with each of ``zones``, computed together (in the order given).

    The same numbers as one call per pair with the same ``estimates`` (default: the structured
    estimate of these zones, the target's pairs only); the overlaps of all pairs are one matrix
    product and the alignments missing for several pairs are imputed from rows computed once.
    ``zones`` defaults to every other zone but frames of national directions.

    Examples
    --------
    >>> from policybench import load_dataset
    >>> found = similarities_to(load_dataset(), "tianjin-htz", ["donghu-htz", "wuhan-city-partner"])
    >>> [c.zone_b for c in found], all(c.low <= c.score <= c.high for c in found)
    (['donghu-htz', 'wuhan-city-partner'], True)
    """
    fn = "similarities_to"
    cfg = _settings(
        dataset,
        fn,
        lam=lam,
        metric=metric,
        status=status,
        min_overlap=min_overlap,
        lang=lang,
    )
    dataset.zone(target)
    others = [z for z in (_default_zones(dataset) if zones is None else zones) if z != target]
    for z in others:
        dataset.zone(z)
    return _similarities(dataset, target, others, cfg, method, text_index, estimates)


@validate_params(
    {
        "dataset": Instance("Dataset"),
        "target": Str(empty=True),
        "k": Int(1),
        "kind": Maybe(Str()),
        "method": Options(*METHODS),
        "metric": Options(*METRICS),
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

    Candidates: every other zone of ``kind`` (default: every other zone but frames of national directions).

    Ranked by the estimate (ties by id), each with its interval; ``k`` peers unless fewer
    candidates have a number (a candidate about which nothing is known has none; :func:`zone_similarity`
    says why). The table holds no metadata: the parameters are the call's, each pair's details
    are in :func:`similarities_to`'s comparisons.

    Returns
    -------
    pandas.DataFrame
        Columns as in ``PEER_COLUMNS`` (rank, zone_id, kind, similarity, low, high, structured,
        alignment, overlap, overlap_share, known_share); highest similarity first.
    """
    cfg = _settings(
        dataset,
        "nearest_peers",
        lam=lam,
        metric=metric,
        status=status,
        min_overlap=min_overlap,
        lang=lang,
    )
    dataset.zone(target)
    candidates = [
        z.id
        for z in dataset.zones
        if z.id != target and (z.kind == kind if kind is not None else z.kind != "national-policy")
    ]
    if not candidates:
        raise InputError(f"no candidate peers for '{target}'" + (f" of kind '{kind}'" if kind else ""))
    pairs = _similarities(dataset, target, candidates, cfg, method, None, None)
    defined = [p for p in pairs if p.defined]
    if not defined:
        reasons = "; ".join(f"{p.zone_b}: {p.reason}" for p in pairs if not p.defined)
        raise InputError(f"no peer of '{target}' has a defined similarity ({reasons})")
    table = pd.DataFrame(
        {
            "zone_id": [p.zone_b for p in defined],
            "kind": [dataset.zone(p.zone_b).kind for p in defined],
            "similarity": [p.score for p in defined],
            "low": [p.low for p in defined],
            "high": [p.high for p in defined],
            "structured": [p.structured for p in defined],
            "alignment": [p.alignment_score for p in defined],
            "overlap": [p.overlap for p in defined],
            "overlap_share": [p.overlap_share for p in defined],
            "known_share": [float(p.estimate["known_share"]) for p in defined],
        }
    )
    table = (
        table.sort_values(["similarity", "zone_id"], ascending=[False, True], kind="mergesort")
        .head(k)
        .reset_index(drop=True)
    )
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table
