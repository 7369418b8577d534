"""Gap analysis: distance to frontier, recommendations, sensitivity, what-if."""

from __future__ import annotations

from .analysis import GAP_COLUMNS, GapAnalysis, gap_analysis
from .evidence import LACK_PROBABILITY
from .recommend import RECOMMENDATION_COLUMNS, recommend
from .sensitivity import SENSITIVITY_COLUMNS, sensitivity, sensitivity_parameters
from .whatif import compare_gaps, simulate

__all__ = [
    "GAP_COLUMNS",
    "LACK_PROBABILITY",
    "RECOMMENDATION_COLUMNS",
    "SENSITIVITY_COLUMNS",
    "GapAnalysis",
    "compare_gaps",
    "gap_analysis",
    "recommend",
    "sensitivity",
    "sensitivity_parameters",
    "simulate",
]
