"""Similarity: portfolio matrix, structured metrics, text, alignment, combined comparison."""

from __future__ import annotations

from typing import Any

from .alignment import Alignment, align
from .combined import (
    PEER_COLUMNS,
    Comparison,
    compare,
    nearest_peers,
    similarities_to,
    zone_similarity,
    zone_similarity_estimate,
    zone_similarity_matrix,
)
from .intervals import SimilarityEstimate, reuse_imputations, similarity_estimate
from .portfolio import STATES, portfolio_matrix, scope_matrix
from .structured import (
    METRICS,
    default_min_overlap,
    overlap_matrix,
    pairwise_similarity,
    similarity_matrix,
    undefined_pairs,
)

__all__ = [
    "METRICS",
    "PEER_COLUMNS",
    "SimilarityEstimate",
    "STATES",
    "Alignment",
    "Comparison",
    "TextIndex",
    "align",
    "compare",
    "default_min_overlap",
    "nearest_peers",
    "normalize_text",
    "normalize_texts",
    "overlap_matrix",
    "pairwise_similarity",
    "portfolio_matrix",
    "reuse_imputations",
    "scope_matrix",
    "similarities_to",
    "similarity_estimate",
    "similarity_matrix",
    "undefined_pairs",
    "zone_similarity",
    "zone_similarity_estimate",
    "zone_similarity_matrix",
]


def __getattr__(name: str) -> Any:
    # The text index pulls in scikit-learn: load it on first use only.
    if name in ("TextIndex", "normalize_text", "normalize_texts"):
        from . import text

        return getattr(text, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
