"""Similarity: portfolio matrix, structured metrics, text, alignment, combined comparison."""

from __future__ import annotations

from .portfolio import portfolio_matrix
from .structured import METRICS, pairwise_similarity, similarity_matrix

__all__ = ["METRICS", "pairwise_similarity", "portfolio_matrix", "similarity_matrix"]
