"""policybench: comparative benchmarking of reform policy in China's national high-tech zones.

The common path, in five names::

    import policybench as pb

    ds = pb.load_dataset()
    a = pb.assess(ds, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"])
    pb.report(a, lang="en").save("tianjin.en.html")

Nothing heavy runs on import: ``assess``, ``compare``, ``similarity_matrix``,
``portfolio_matrix`` and ``report`` are loaded on first use (with pandas, scipy and
scikit-learn behind them).
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import DataValidationError, InputError, Issue, PolicyBenchError, PolicyBenchWarning, UnknownIdError

if TYPE_CHECKING:
    from .agreement import Agreement, agreement
    from .assessment import Assessment, assess
    from .data.codebook import category_weights, codebook_table, is_counted, prerequisite_order
    from .data.dataset import Dataset, load_codebook, load_dataset, load_zone
    from .data.model import Category, Codebook, Evidence, Indicator, Measure, Source, Zone
    from .data.validate import ValidationReport, validate
    from .draft import Draft, draft
    from .report import report
    from .similarity import compare, portfolio_matrix, similarity_matrix


#: Names loaded on first use, and the module each comes from: importing policybench (and so
#: starting the command line) loads neither pydantic nor pandas.
_LAZY = {
    **dict.fromkeys(("Agreement", "agreement"), "policybench.agreement"),
    **dict.fromkeys(("Assessment", "assess"), "policybench.assessment"),
    **dict.fromkeys(
        ("category_weights", "codebook_table", "is_counted", "prerequisite_order"), "policybench.data.codebook"
    ),
    **dict.fromkeys(("Dataset", "load_codebook", "load_dataset", "load_zone"), "policybench.data.dataset"),
    **dict.fromkeys(
        ("Category", "Codebook", "Evidence", "Indicator", "Measure", "Source", "Zone"), "policybench.data.model"
    ),
    **dict.fromkeys(("ValidationReport", "validate"), "policybench.data.validate"),
    **dict.fromkeys(("Draft", "draft"), "policybench.draft"),
    **dict.fromkeys(("compare", "portfolio_matrix", "similarity_matrix"), "policybench.similarity"),
}


class _Package(types.ModuleType):
    """The package's module type: ``agreement`` and ``draft`` are functions named like submodules.

    Importing the submodule ``policybench.agreement`` (or ``policybench.draft``) sets the
    package's attribute of that name to the submodule; these properties keep the function in
    its place, as the eager ``from .agreement import agreement`` used to.
    """

    @property
    def agreement(self) -> Any:
        from .agreement import agreement

        return agreement

    @agreement.setter
    def agreement(self, value: Any) -> None:  # the import system's submodule: sys.modules keeps it
        pass

    @property
    def draft(self) -> Any:
        from .draft import draft

        return draft

    @draft.setter
    def draft(self, value: Any) -> None:
        pass


sys.modules[__name__].__class__ = _Package

__all__ = [
    "Agreement",
    "Assessment",
    "Category",
    "Codebook",
    "DataValidationError",
    "Draft",
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
    "assess",
    "category_weights",
    "codebook_table",
    "compare",
    "draft",
    "is_counted",
    "load_codebook",
    "load_dataset",
    "load_zone",
    "portfolio_matrix",
    "prerequisite_order",
    "report",
    "similarity_matrix",
    "validate",
]


def __getattr__(name: str) -> Any:
    import importlib

    if name == "report":  # the subpackage, callable as its function report()
        return importlib.import_module("policybench.report")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
