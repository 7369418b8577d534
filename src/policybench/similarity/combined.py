"""Combined zone similarity (METHODS §5): structured portfolio + measure alignment."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._params import check_choice, check_positive_int, check_status, check_type, check_unit_interval
from ..errors import InputError
from .alignment import Alignment, align, fitted_index
from .portfolio import portfolio_matrix
from .structured import METRICS, similarity_matrix

if TYPE_CHECKING:
    from ..dataset import Dataset
    from .text import TextIndex

__all__ = ["Comparison", "compare", "nearest_peers", "zone_similarity_matrix"]

METHODS = ("combined", "structured", "alignment")


@dataclass(frozen=True)
class Comparison:
    """How alike two zones are, with every component and an explanation."""

    zone_a: str
    zone_b: str
    score: float
    structured: float
    alignment: Alignment = field(repr=False)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def alignment_score(self) -> float:
        """The alignment component (2 x matched similarity / (|A| + |B|))."""
        return self.alignment.score

    def explain(self, *, lang: str = "en") -> str:
        """Shared categories, strongest aligned pairs, what only one side has."""
        return self.alignment.explain(lang=lang)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of scores, parameters and the aligned pairs."""
        al = self.alignment
        return {
            "zone_a": self.zone_a,
            "zone_b": self.zone_b,
            "score": self.score,
            "structured": self.structured,
            "alignment": al.score,
            "coverage_a_by_b": al.coverage_a_by_b,
            "coverage_b_by_a": al.coverage_b_by_a,
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
        head = (
            f"{self.zone_a} vs {self.zone_b}: similarity {self.score:.3f} "
            f"= {lam:g} x structured {self.structured:.3f} + {1 - lam:g} x alignment {self.alignment.score:.3f}"
        )
        return head + "\n" + self.explain(lang=self.params.get("lang", "en"))

    def _repr_html_(self) -> str:
        al = self.alignment
        esc = html.escape
        rows = "".join(
            f"<tr><td>{r.similarity:.2f}</td><td>{esc(r.title_a)}</td><td>{esc(r.title_b)}</td></tr>"
            for r in al.pairs.head(5).itertuples()
        )
        return (
            f"<div><strong>{esc(self.zone_a)} vs {esc(self.zone_b)}</strong>: similarity {self.score:.3f} "
            f"(structured {self.structured:.3f}, alignment {al.score:.3f}; coverage {al.coverage_a_by_b:.0%} / {al.coverage_b_by_a:.0%})"
            f"<br>Shared: {esc(', '.join(al.shared_codes) or 'none')}"
            f"<table><tr><th>sim</th><th>{esc(self.zone_a)}</th><th>{esc(self.zone_b)}</th></tr>{rows}</table></div>"
        )


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
    lang: str = "zh",
    text_index: TextIndex | None = None,
) -> Comparison:
    """Compare two zones: lam x structured similarity + (1 - lam) x alignment score.

    The structured part is ``metric`` on the category portfolios (counted statuses); the
    alignment pairs all measures of both zones (see :func:`align`).

    Examples
    --------
    >>> from policybench import load_dataset
    >>> c = compare(load_dataset(), "tianjin-htz", "wuhan-city-partner")
    >>> 0 <= c.score <= 1
    True
    """
    from ..dataset import Dataset

    check_type("compare", "dataset", dataset, Dataset, "a Dataset (see load_dataset)")
    check_type("compare", "a", a, str, "a zone id (str)")
    check_type("compare", "b", b, str, "a zone id (str)")
    check_unit_interval("compare", "lam", lam)
    check_choice("compare", "metric", metric, METRICS)
    statuses = check_status(dataset.codebook, status, "compare")
    portfolio = portfolio_matrix(dataset, status=statuses, zones=[a, b])
    structured = float(similarity_matrix(portfolio, metric=metric, sigma=sigma).to_numpy()[0, 1])
    alignment = align(
        dataset, a, b, alpha=alpha, threshold=threshold, sigma=sigma, lang=lang, status=statuses, text_index=text_index
    )
    params = {
        "lam": lam,
        "metric": metric,
        "status": list(statuses),
        "alpha": alpha,
        "threshold": threshold,
        "sigma": sigma,
        "lang": lang,
    }
    return Comparison(a, b, lam * structured + (1 - lam) * alignment.score, structured, alignment, params)


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
) -> pd.DataFrame:
    """Zone x zone similarity by ``method``: "structured", "alignment" or "combined".

    Zones with no counted measure are left out of the structured and combined methods
    (their similarity is undefined); pass ``zones`` to choose explicitly.
    """
    from ..dataset import Dataset

    check_type("zone_similarity_matrix", "dataset", dataset, Dataset, "a Dataset (see load_dataset)")
    check_choice("zone_similarity_matrix", "method", method, METHODS)
    statuses = check_status(dataset.codebook, status, "zone_similarity_matrix")
    ids = list(dataset.zone_ids if zones is None else zones)
    if zones is None and method != "alignment":
        counted = portfolio_matrix(dataset, status=statuses, zones=ids)
        ids = [z for z in ids if counted.loc[z].any()]
    if method != "alignment":
        structured = similarity_matrix(
            portfolio_matrix(dataset, status=statuses, zones=ids), metric=metric, sigma=sigma
        ).to_numpy()
        if method == "structured":
            return _frame(structured, ids)
    index = fitted_index(dataset, lang)
    aligned = np.eye(len(ids))
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            aligned[i, j] = aligned[j, i] = align(
                dataset, ids[i], ids[j], lang=lang, sigma=sigma, text_index=index
            ).score
    out = aligned if method == "alignment" else lam * structured + (1 - lam) * aligned
    return _frame(out, ids)


def _target_row(
    dataset: Dataset, target: str, candidates: list[str], method: str, statuses: tuple[str, ...], lang: str
) -> pd.Series:
    """Similarity of ``target`` to each candidate, computing only that row."""
    check_choice("nearest_peers", "method", method, METHODS)
    row = pd.Series(0.0, index=candidates)
    if method != "alignment":
        structured = similarity_matrix(
            portfolio_matrix(dataset, status=statuses, zones=[target, *candidates]), metric="soft_cosine"
        )
        row = structured.loc[target, candidates]
        if method == "structured":
            return row
    index = fitted_index(dataset, lang)
    aligned = pd.Series(
        [align(dataset, target, z, lang=lang, text_index=index).score for z in candidates], index=candidates
    )
    return aligned if method == "alignment" else 0.5 * row + 0.5 * aligned


def _frame(values: np.ndarray, ids: list[str]) -> pd.DataFrame:
    index = pd.Index(ids, name="zone_id")
    return pd.DataFrame(values, index=index, columns=index.copy())


def nearest_peers(
    dataset: Dataset,
    target: str,
    *,
    k: int = 5,
    kind: str | None = None,
    method: str = "combined",
    status: Sequence[str] | str | None = None,
    lang: str = "zh",
) -> pd.DataFrame:
    """The ``k`` zones most similar to ``target`` (optionally of one ``kind``).

    Returns
    -------
    pandas.DataFrame
        Columns rank, zone_id, kind, similarity; highest similarity first (ties by id).
    """
    from ..dataset import Dataset

    check_type("nearest_peers", "dataset", dataset, Dataset, "a Dataset (see load_dataset)")
    check_positive_int("nearest_peers", "k", k)
    statuses = check_status(dataset.codebook, status, "nearest_peers")
    dataset.zone(target)
    counted = portfolio_matrix(dataset, status=statuses)
    if not counted.loc[target].any():
        raise InputError(
            f"zone '{target}' has no counted measure (status filter: {list(statuses)}): no peers can be computed"
        )
    candidates = [
        z
        for z in dataset.zone_ids
        if z != target and counted.loc[z].any() and (kind is None or dataset.zone(z).kind == kind)
    ]
    if not candidates:
        raise InputError(f"no candidate peers for '{target}'" + (f" of kind '{kind}'" if kind else ""))
    sims = _target_row(dataset, target, candidates, method, statuses, lang)
    table = pd.DataFrame(
        {"zone_id": candidates, "kind": [dataset.zone(z).kind for z in candidates], "similarity": sims.to_numpy()}
    )
    table = (
        table.sort_values(["similarity", "zone_id"], ascending=[False, True], kind="mergesort")
        .head(k)
        .reset_index(drop=True)
    )
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table
