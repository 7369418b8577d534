"""Gap reports people read: HTML, Markdown, JSON and XLSX, in Chinese or English.

Reports render an :class:`~policybench.assessment.Assessment`; they never compute.

``policybench.report`` is both this package and the function :func:`report`: the package
is callable, so ``pb.report(assessment, lang="en")`` works however it was imported.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from .render import FORMATS, GapReport, report

if TYPE_CHECKING:
    from ..assessment import Assessment

__all__ = ["FORMATS", "GapReport", "report"]


class _CallableModule(types.ModuleType):
    """The report package, callable as :func:`report`."""

    def __call__(self, assessment: Assessment, *args: Any, **kwargs: Any) -> GapReport:
        return report(assessment, *args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
