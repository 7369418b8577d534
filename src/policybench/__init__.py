"""policybench: comparative benchmarking of reform policy in China's national high-tech zones.

Nothing heavy runs on import: pandas, scikit-learn and scipy load when first needed.
"""

from __future__ import annotations

from .codebook import category_weights, codebook_table, prerequisite_order
from .dataset import Dataset, load_codebook, load_dataset, load_zone
from .errors import DataValidationError, InputError, Issue, PolicyBenchError, PolicyBenchWarning, UnknownIdError
from .model import Category, Codebook, Evidence, Indicator, Measure, Source, Zone
from .reliability import Agreement, agreement
from .validate import ValidationReport, validate

__version__ = "0.1.0"

__all__ = [
    "Agreement",
    "Category",
    "Codebook",
    "DataValidationError",
    "Dataset",
    "Evidence",
    "Indicator",
    "InputError",
    "Issue",
    "Measure",
    "PolicyBenchError",
    "PolicyBenchWarning",
    "Source",
    "UnknownIdError",
    "ValidationReport",
    "Zone",
    "__version__",
    "agreement",
    "category_weights",
    "codebook_table",
    "load_codebook",
    "load_dataset",
    "load_zone",
    "prerequisite_order",
    "validate",
]
