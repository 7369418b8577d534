"""Measure alignment between two zones (METHODS §4): which measure is whose counterpart."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._params import STATUS, Instance, Int, Maybe, Options, Real, Str, Strs, check_status, validate_params
from ..data.codebook import is_counted
from ..errors import InputError
from ..labels import phrase
from ..numbers import shown
from ._topk import round_similarity
from .portfolio import counted_categories
from .structured import cosine_block, soft_cosine_features

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from ..data.model import Measure
    from .text import TextIndex

__all__ = ["Alignment", "align", "assign_pairs", "category_vectors"]

PAIR_COLUMNS = ["measure_a", "measure_b", "similarity", "text", "category", "title_a", "title_b"]


@dataclass(frozen=True)
class Alignment:
    """One-to-one correspondence between the measures of two zones.

    Attributes
    ----------
    pairs : pandas.DataFrame
        Matched pairs, strongest first: measure_a, measure_b, similarity (combined), text,
        category, title_a, title_b (in the language of the alignment).
    unmatched_a, unmatched_b : tuple of str
        Measure ids of each side left without a counterpart above the threshold.
    coverage_a_by_b, coverage_b_by_a : float
        Share of A's (B's) measures that have a counterpart: asymmetric on purpose.
    score : float
        2 x sum of matched similarities / (|A| + |B|).
    """

    zone_a: str
    zone_b: str
    pairs: pd.DataFrame = field(repr=False)
    unmatched_a: tuple[str, ...]
    unmatched_b: tuple[str, ...]
    coverage_a_by_b: float
    coverage_b_by_a: float
    score: float
    shared_codes: tuple[str, ...] = ()
    only_a_codes: tuple[str, ...] = ()
    only_b_codes: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    @validate_params({"top": Int(1), "lang": Options("zh", "en")}, name="Alignment.explain")
    def explain(self, *, top: int = 3, lang: str = "en") -> str:
        """Readable explanation: shared categories, strongest pairs, what only one side has."""
        none = phrase("alignment.none", lang)
        lines = [
            phrase(
                "alignment.head",
                lang,
                a=self.zone_a,
                b=self.zone_b,
                score=shown(self.score, "similarity"),
                a_by_b=shown(self.coverage_a_by_b, "share"),
                b_by_a=shown(self.coverage_b_by_a, "share"),
            ),
            phrase("alignment.shared", lang, codes=", ".join(self.shared_codes) or none),
        ]
        for row in self.pairs.head(top).itertuples():
            lines.append(f"  {shown(row.similarity, 'similarity')}  {row.title_a}  <->  {row.title_b}")
        lines.append(phrase("alignment.only", lang, zone=self.zone_a, codes=", ".join(self.only_a_codes) or "-"))
        lines.append(phrase("alignment.only", lang, zone=self.zone_b, codes=", ".join(self.only_b_codes) or "-"))
        return "\n".join(lines)

    def __getstate__(self) -> dict[str, Any]:
        """The fields, with the pairs table built: a pickle holds what it held before tables were lazy."""
        self.pairs  # noqa: B018 (builds the table)
        return dict(self.__dict__)


class _LazyPairs:
    """What :func:`align` needs to build an alignment's pairs table, kept until the table is first read.

    Most alignments (one zone against every other, in an assessment) are read only for their
    scores and coverages: building a DataFrame for each cost more than aligning.
    """

    __slots__ = ("a", "b", "cat", "cols", "lang", "rows", "sim", "text")

    def __init__(
        self,
        a: Sequence[Measure],
        b: Sequence[Measure],
        rows: np.ndarray,
        cols: np.ndarray,
        scores: tuple[np.ndarray, np.ndarray, np.ndarray],
        lang: str,
    ) -> None:
        self.a, self.b, self.rows, self.cols, self.lang = a, b, rows, cols, lang
        self.sim, self.text, self.cat = scores

    def build(self) -> pd.DataFrame:
        a, b, rows, cols, lang = self.a, self.b, self.rows, self.cols, self.lang
        return pd.DataFrame(
            {
                "measure_a": [a[i].id for i in rows],
                "measure_b": [b[j].id for j in cols],
                "similarity": self.sim[rows, cols],
                "text": self.text[rows, cols],
                "category": self.cat[rows, cols],
                "title_a": [a[i].title.get(lang) for i in rows],
                "title_b": [b[j].title.get(lang) for j in cols],
            },
            columns=PAIR_COLUMNS,
        )


class _PairsField:
    """The ``pairs`` field of :class:`Alignment`: the table, built from a :class:`_LazyPairs` on first access.

    A data descriptor, so the instance dict keeps the field under its own name (``pairs``):
    equality, pickling (see ``__getstate__``), ``dataclasses.replace`` and ``repr`` see a DataFrame as before.
    """

    def __get__(self, obj: Alignment | None, owner: type | None = None) -> pd.DataFrame:
        if obj is None:
            raise AttributeError("pairs")  # a field without a default
        value = obj.__dict__["pairs"]
        if isinstance(value, _LazyPairs):
            value = value.build()
            obj.__dict__["pairs"] = value
        return value

    def __set__(self, obj: Alignment, value: pd.DataFrame | _LazyPairs) -> None:
        obj.__dict__["pairs"] = value  # only the dataclass's __init__ sets it (frozen)


Alignment.pairs = _PairsField()  # type: ignore[assignment]


def category_vectors(dataset: Dataset, measures: Sequence[Measure], *, secondary_weight: float = 0.5) -> np.ndarray:
    """Measures x codebook codes: 1 for the primary category, ``secondary_weight`` for secondary ones."""
    index = {code: j for j, code in enumerate(dataset.codebook.codes)}
    out = np.zeros((len(measures), len(index)))
    for i, m in enumerate(measures):
        for code in m.secondary:
            out[i, index[code]] = max(out[i, index[code]], secondary_weight)
        out[i, index[m.category]] = 1.0
    return out


def _category_features(dataset: Dataset, sigma: float, secondary_weight: float) -> _CategoryFeatures:
    """The soft-cosine features of every measure's category vector, computed once per dataset and setting."""
    key = ("alignment-category-features", float(sigma), float(secondary_weight))
    return dataset.derived(key, lambda: _CategoryFeatures(dataset, sigma, secondary_weight))


class _CategoryFeatures:
    """Rows whose cosines are the category soft cosine of two measures (one row per category signature).

    A measure's category vector depends only on its primary category and the set of its
    secondary ones, so the features are computed per distinct signature; the category
    similarity of two lists of measures is :func:`cosine_block` of their rows, the same floats
    whether the rows are gathered for one pair or for many.
    """

    def __init__(self, dataset: Dataset, sigma: float, secondary_weight: float) -> None:
        signature: dict[tuple[str, frozenset[str]], int] = {}
        representatives: list[Measure] = []
        of_measure: dict[str, int] = {}
        self.by_id = True  # measure ids name one signature each (always, in validated data)
        for _zone, m in dataset.measures():
            key = (m.category, frozenset(m.secondary))
            if key not in signature:
                signature[key] = len(representatives)
                representatives.append(m)
            if of_measure.setdefault(m.id, signature[key]) != signature[key]:
                self.by_id = False  # a repeated id with other categories (data built in code)
        vectors = category_vectors(dataset, representatives, secondary_weight=secondary_weight)
        domains = np.array([c.split(".")[0] for c in dataset.codebook.codes])
        self.rows = soft_cosine_features(np.asarray(vectors, dtype=np.float64), float(sigma), domains)
        self.of_measure, self.signature = of_measure, signature

    def of(self, measures: Sequence[Measure]) -> np.ndarray:
        """The features of ``measures``, one row each."""
        if self.by_id:
            return self.rows[[self.of_measure[m.id] for m in measures]]
        return self.rows[[self.signature[(m.category, frozenset(m.secondary))] for m in measures]]


def _category_similarity(
    dataset: Dataset, a: Sequence[Measure], b: Sequence[Measure], sigma: float, secondary_weight: float
) -> np.ndarray:
    """Soft cosine of the category vectors of ``a`` (rows) and ``b`` (columns).

    Equal, float for float, to the cross block of ``pairwise_similarity(category_vectors(a + b),
    "soft_cosine")`` (the computation it replaced).
    """
    features = _category_features(dataset, sigma, secondary_weight)
    return cosine_block(features.of(a), features.of(b))


@validate_params(
    {
        "dataset": Instance("Dataset"),
        "zone_a": Str(empty=True),
        "zone_b": Str(empty=True),
        "alpha": Real(0, 1),
        "threshold": Real(),
        "sigma": Real(0, 1),
        "lang": Options("zh", "en"),
        "status": STATUS,
        "secondary_weight": Real(0, 1),
        "text_index": Maybe(Instance("TextIndex")),
        "codes": Maybe(Strs("category codes")),
    }
)
def align(
    dataset: Dataset,
    zone_a: str,
    zone_b: str,
    *,
    alpha: float = 0.5,
    threshold: float = 0.35,
    sigma: float = 0.3,
    lang: str = "zh",
    status: Sequence[str] | str | None = None,
    secondary_weight: float = 0.5,
    text_index: TextIndex | None = None,
    codes: Collection[str] | None = None,
) -> Alignment:
    """Pair the measures of two zones one to one by maximum total similarity.

    sim(a, b) = alpha x text(a, b) + (1 - alpha) x cat(a, b), with text the TF-IDF cosine of
    title + summary and cat the soft cosine of the category vectors. The Hungarian method
    (scipy's linear_sum_assignment) maximises the total over pairs at or above ``threshold``.

    Parameters
    ----------
    dataset : Dataset
        The data.
    zone_a, zone_b : str
        Zone ids.
    alpha : float
        Weight of text similarity, in [0, 1].
    threshold : float
        Pairs under it are left unmatched.
    sigma : float
        Within-domain credit of the category soft cosine.
    lang : {"zh", "en"}
        Language of the texts compared.
    status : sequence of str, optional
        Only measures with these statuses (default None: the codebook's counted statuses, as
        everywhere else; pass the codebook's status codes for all; drafts under review never count).
    secondary_weight : float
        Weight of a secondary category in a measure's category vector.
    text_index : TextIndex, optional
        A fitted index to reuse (it must contain both zones' measures); default: fitted on
        the whole dataset in ``lang``.
    codes : collection of str, optional
        Only measures that carry one of these categories, as primary or secondary (e.g. the
        categories both zones examined); default: every category.

    Returns
    -------
    Alignment
    """
    if not 0.0 <= alpha <= 1.0:
        raise InputError(f"The 'alpha' parameter of align must be in [0, 1]. Got {alpha!r} instead.")
    statuses = check_status(dataset.codebook, status, "align")
    kept = set(dataset.codebook.codes) if codes is None else set(codes)
    a = [m for m in dataset.zone(zone_a).measures if _selected(m, statuses, kept)]
    b = [m for m in dataset.zone(zone_b).measures if _selected(m, statuses, kept)]
    if not a or not b:
        empty = zone_a if not a else zone_b
        where = "" if codes is None else f" in the {len(kept)} categories selected"
        raise InputError(f"zone '{empty}' has no measure to align{where} (status filter: {list(statuses)})")
    index = text_index if text_index is not None else fitted_index(dataset, lang)
    text = index.similarity_array([m.id for m in a], [m.id for m in b])
    cat = _category_similarity(dataset, a, b, sigma, secondary_weight)
    params = {
        "alpha": alpha,
        "threshold": threshold,
        "sigma": sigma,
        "lang": lang,
        "status": list(statuses),
        "secondary_weight": secondary_weight,
        "codes": None if codes is None else sorted(kept),
    }
    return _aligned(dataset, zone_a, zone_b, a, b, text, cat, params)


def _aligned(
    dataset: Dataset,
    zone_a: str,
    zone_b: str,
    a: Sequence[Measure],
    b: Sequence[Measure],
    text: np.ndarray,
    cat: np.ndarray,
    params: dict[str, Any],
    codes: tuple[tuple[str, ...], tuple[str, ...], dict[str, int]] | None = None,
) -> Alignment:
    """The alignment of ``a`` and ``b`` from their text and category similarities: the one definition.

    :func:`align` and :class:`Aligner` (one zone against many) both end here.
    """
    alpha = params["alpha"]
    sim = alpha * text + (1 - alpha) * cat
    rows, cols = assign_pairs(sim, sim >= params["threshold"])
    total = sim[rows, cols].sum()  # in the assignment's order, before the table's
    # highest similarity first, ties by measure_a (unique: one-to-one pairs), sorted before the table is built
    ranked = np.lexsort((np.array([a[i].id for i in rows], dtype=str), -sim[rows, cols]))
    rows, cols = rows[ranked], cols[ranked]
    if codes is None:  # the codes each side carries, and the codebook's order
        codes = (
            tuple({c for m in a for c in m.categories}),
            tuple({c for m in b for c in m.categories}),
            {c: i for i, c in enumerate(dataset.codebook.codes)},
        )
    codes_a, codes_b, order = set(codes[0]), set(codes[1]), codes[2]
    matched_a, matched_b = set(rows.tolist()), set(cols.tolist())
    return Alignment(
        zone_a=zone_a,
        zone_b=zone_b,
        pairs=_LazyPairs(a, b, rows, cols, (sim, text, cat), params["lang"]),  # type: ignore[arg-type]
        unmatched_a=tuple(a[i].id for i in range(len(a)) if i not in matched_a),
        unmatched_b=tuple(b[j].id for j in range(len(b)) if j not in matched_b),
        coverage_a_by_b=len(rows) / len(a),
        coverage_b_by_a=len(cols) / len(b),
        score=float(2 * total / (len(a) + len(b))),
        shared_codes=tuple(sorted(codes_a & codes_b, key=order.__getitem__)),
        only_a_codes=tuple(sorted(codes_a - codes_b, key=order.__getitem__)),
        only_b_codes=tuple(sorted(codes_b - codes_a, key=order.__getitem__)),
        params=params,
    )


class Aligner:
    """:func:`align` of one zone (A) with many others, the same alignments (float for float), at a fraction of the cost.

    The sparse part of the text cosines of A's counted measures with every measure of the
    index is one sparse product, computed on first use; per zone only its columns are read,
    the dense part (a small GEMM) and the category block are computed as :func:`align`
    computes them, and the pairs table is built only if read. The settings are the caller's,
    already checked (``statuses`` resolved).

    Why the floats are those of :func:`align`: the text score of a pair is the dense product
    plus the sparse one, rounded; the dense product is the same BLAS call on the same rows; a
    sparse product accumulates each entry over the terms the two measures share, in ascending
    term order, whichever side is the row (scipy's SMMP), so reading the entry off a larger
    product changes nothing (an entry absent from it adds 0.0, as the scatter-add does
    nothing); the category block is :func:`cosine_block` of the same rows.
    """

    def __init__(
        self,
        dataset: Dataset,
        zone_a: str,
        *,
        alpha: float,
        threshold: float,
        sigma: float,
        lang: str,
        statuses: Sequence[str],
        secondary_weight: float,
        text_index: TextIndex | None,
    ) -> None:
        self.dataset, self.zone_a = dataset, zone_a
        self.statuses = tuple(statuses)
        self.sigma, self.secondary_weight = sigma, secondary_weight
        self.params: dict[str, Any] = {
            "alpha": alpha,
            "threshold": threshold,
            "sigma": sigma,
            "lang": lang,
            "status": list(self.statuses),
            "secondary_weight": secondary_weight,
        }
        self.index = text_index if text_index is not None else fitted_index(dataset, lang)
        self.counted_a = _with_categories(dataset, zone_a, self.statuses)
        self.codes = tuple(dataset.codebook.codes)
        self.order = {c: i for i, c in enumerate(self.codes)}
        self._sparse: np.ndarray | None = None  # index measures x A's counted measures (those in the index)
        self._column: dict[str, int] = {}

    def align(self, zone_b: str, codes: Collection[str]) -> Alignment:
        """``align(dataset, zone_a, zone_b, codes=codes, ...)`` with this aligner's settings."""
        kept = set(codes)
        mask = np.zeros(len(self.order), dtype=bool)
        mask[[self.order[c] for c in kept if c in self.order]] = True
        a, carried_a = _carrying(self.counted_a, mask)
        b, carried_b = _carrying(_with_categories(self.dataset, zone_b, self.statuses), mask)
        if not a or not b:
            empty = self.zone_a if not a else zone_b
            raise InputError(
                f"zone '{empty}' has no measure to align in the {len(kept)} categories selected "
                f"(status filter: {list(self.statuses)})"
            )
        index = self.index
        positions_a, positions_b = self._positions(index, "ids_a", a), self._positions(index, "ids_b", b)
        sparse = self._sparse_scores()
        split = index._fitted_split()
        scores = np.ascontiguousarray(split.dense[positions_a]) @ np.ascontiguousarray(split.dense[positions_b]).T
        scores += sparse[positions_b][:, [self._column[m.id] for m in a]].T
        text = round_similarity(scores)
        cat = _category_similarity(self.dataset, a, b, self.sigma, self.secondary_weight)
        params = {**self.params, "codes": sorted(kept)}
        codes_a, codes_b = (tuple(self.codes[k] for k in np.flatnonzero(m)) for m in (carried_a, carried_b))
        return _aligned(self.dataset, self.zone_a, zone_b, a, b, text, cat, params, (codes_a, codes_b, self.order))

    @staticmethod
    def _positions(index: TextIndex, name: str, measures: list[Measure]) -> np.ndarray:
        """Index positions of ``measures`` (unknown ids raise as :meth:`TextIndex.similarity_array` does)."""
        known = index._positions
        try:
            return np.array([known[m.id] for m in measures], dtype=np.int64)
        except KeyError:
            return index._lookup(name, [m.id for m in measures])

    def _sparse_scores(self) -> np.ndarray:
        """The sparse part of the text cosines: every measure of the index (rows) x A's counted measures."""
        if self._sparse is None:
            positions = self.index._positions
            known = [m.id for m in self.counted_a[0] if m.id in positions]
            self._column = {measure_id: k for k, measure_id in enumerate(known)}
            rest = self.index._fitted_split().sparse
            mine = rest[np.array([positions[i] for i in known], dtype=np.int64)]
            self._sparse = (rest @ mine.T).toarray()
        return self._sparse


def _with_categories(
    dataset: Dataset, zone_id: str, statuses: tuple[str, ...]
) -> tuple[tuple[Measure, ...], np.ndarray]:
    """The counted measures of a zone and which codebook codes each carries (measures x codes), once per dataset."""
    found = counted_categories(dataset, zone_id, statuses)
    return found.measures, found.carries


def _carrying(counted: tuple[tuple[Measure, ...], np.ndarray], codes: np.ndarray) -> tuple[list[Measure], np.ndarray]:
    """The measures of ``counted`` carrying one of the codes marked in ``codes`` (in their order).

    With them, every code they carry (a mask over the codebook's codes).
    """
    measures, carries = counted
    chosen = np.flatnonzero(carries[:, codes].any(axis=1))
    return [measures[i] for i in chosen], np.asarray(carries[chosen].any(axis=0), dtype=bool)


def _selected(measure: Measure, statuses: Sequence[str], codes: set[str]) -> bool:
    return is_counted(measure, statuses) and any(c in codes for c in measure.categories)


def assign_pairs(score: np.ndarray, eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one pairs (rows, columns) maximising the total ``score`` over ``eligible`` cells.

    The Hungarian method (scipy's ``linear_sum_assignment``) on ``score`` with ineligible
    cells zeroed *before* the assignment; pairs with a zero or ineligible cell are dropped.
    Scores must be non-negative.

    Examples
    --------
    >>> import numpy as np
    >>> score = np.array([[0.9, 0.8], [0.85, 0.1]])
    >>> rows, cols = assign_pairs(score, score >= 0.5)
    >>> [(int(r), int(c)) for r, c in zip(rows, cols)]
    [(0, 1), (1, 0)]
    """
    from scipy.optimize import linear_sum_assignment

    masked = np.where(eligible, score, 0.0)
    rows, cols = linear_sum_assignment(masked, maximize=True)
    keep = masked[rows, cols] > 0
    return rows[keep], cols[keep]


def fitted_index(dataset: Dataset, lang: str) -> TextIndex:
    """A TextIndex fitted on every measure of ``dataset`` in ``lang``.

    Character n-grams only (``segmenter=None``), so that scores do not depend on whether
    jieba happens to be installed; pass your own ``text_index`` to use word segmentation.
    Fitted once per dataset and language (:meth:`Dataset.derived`); do not refit the index returned.
    """
    from .indexcache import dataset_index

    # from_dataset(dataset, lang=lang, segmenter=None); for a large dataset kept on disk (indexcache)
    return dataset.derived(("text-index", lang), lambda: dataset_index(dataset, lang))
