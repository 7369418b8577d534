"""Type checks of public parameters, in one voice: "The 'k' parameter of f must be X. Got Y instead".

Public functions call these first, so a wrong type (a str where a list is expected, a dict
where a Dataset is) raises :class:`policybench.InputError` naming the parameter, never a
KeyError, TypeError or AttributeError from deep inside.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

from .errors import InputError

__all__ = ["MAX_DRAWS", "check_names", "check_path", "check_paths", "check_type", "check_weights"]


#: Most Monte-Carlo draws of the robustness check (API, command line and jobs files alike).
MAX_DRAWS = 100_000


def _fail(function: str, name: str, expected: str, value: Any) -> InputError:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return InputError(
        f"The '{name}' parameter of {function} must be {expected}. Got {shown} ({type(value).__name__}) instead."
    )


def check_type(function: str, name: str, value: Any, types: type | tuple[type, ...], expected: str) -> None:
    """``value`` is an instance of ``types`` (described as ``expected``).

    >>> check_type("gap_analysis", "dataset", {}, list, "a Dataset")
    Traceback (most recent call last):
    ...
    policybench.errors.InputError: The 'dataset' parameter of gap_analysis must be a Dataset. Got {} (dict) instead.
    """
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
        raise _fail(function, name, expected, value)


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def check_path(function: str, name: str, value: Any) -> None:
    """``value`` is a path (str or os.PathLike)."""
    if not isinstance(value, str | os.PathLike):
        raise _fail(function, name, "a path (str or pathlib.Path)", value)


def check_paths(function: str, name: str, value: Any) -> None:
    """``value`` is a path or a list/tuple of paths."""
    if isinstance(value, str | os.PathLike):
        return
    if not isinstance(value, list | tuple) or not all(isinstance(v, str | os.PathLike) for v in value):
        raise _fail(function, name, "a path or a list of paths", value)


def check_names(function: str, name: str, value: Any, *, what: str = "ids") -> None:
    """``value`` is a list or tuple of str (a single str is refused: it is not a list of ids)."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _fail(function, name, f"a list of {what} (str)", value)


def check_weights(function: str, name: str, value: Any) -> None:
    """``value`` maps category codes (str) to finite numbers."""
    ok = isinstance(value, Mapping) and all(
        isinstance(k, str)
        and isinstance(v, int | float)
        and not isinstance(v, bool)
        and math.isfinite(v)  # NaN or infinity would poison every score
        for k, v in value.items()
    )
    if not ok:
        raise _fail(function, name, "a mapping of category code (str) -> finite number", value)
