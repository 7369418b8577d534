"""Similarity: portfolio matrix, structured metrics, text, alignment, combined comparison."""

from __future__ import annotations

from typing import Any

from .alignment import Alignment, align
from .combined import Comparison, compare, nearest_peers, zone_similarity_matrix
from .portfolio import portfolio_matrix
from .structured import METRICS, pairwise_similarity, similarity_matrix

__all__ = [
    "METRICS",
    "Alignment",
    "Comparison",
    "TextIndex",
    "align",
    "compare",
    "nearest_peers",
    "normalize_text",
    "pairwise_similarity",
    "portfolio_matrix",
    "similarity_matrix",
    "zone_similarity_matrix",
]


def __getattr__(name: str) -> Any:
    # The text index pulls in scikit-learn: load it on first use only.
    if name in ("TextIndex", "normalize_text"):
        from . import text

        return getattr(text, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
