"""Parameter checks, in one place and one voice.

Every message reads like scikit-learn's: "The 'k' parameter of nearest_peers must be a
positive int. Got 0 instead." Each check raises :class:`~policybench.errors.InputError`
and returns the value (normalised where that helps), so a call site stays one line.

>>> check_positive_int("nearest_peers", "k", 0)
Traceback (most recent call last):
...
policybench.errors.InputError: The 'k' parameter of nearest_peers must be a positive int. Got 0 instead.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    from .data.model import Codebook

__all__ = [
    "MAX_DRAWS",
    "MAX_WORKERS",
    "check_choice",
    "check_int",
    "check_names",
    "check_path",
    "check_paths",
    "check_positive_int",
    "check_status",
    "check_type",
    "check_unit_interval",
    "check_weights",
    "fail",
]

#: Most Monte-Carlo draws of the robustness check (API, command line and jobs files alike).
MAX_DRAWS = 100_000
#: Most worker processes of a batch (here, not in batch.py, so that the command line's help loads no batch code).
MAX_WORKERS = 64


def fail(function: str, name: str, expected: str, got: object) -> InputError:
    """The error for parameter ``name`` of ``function``: ``expected`` in words, ``got`` as found."""
    return InputError(f"The '{name}' parameter of {function} must be {expected}. Got {got!r} instead.")


def check_choice(function: str, name: str, value: object, choices: Sequence[object]) -> None:
    """Raise when ``value`` is not one of ``choices``."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise fail(function, name, f"one of {{{options}}}", value)


def check_int(function: str, name: str, value: object, *, minimum: int = 0) -> int:
    """An int (not a bool) at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        expected = "a non-negative int" if minimum == 0 else f"an int >= {minimum}"
        raise fail(function, name, expected, value)
    return value


def check_positive_int(function: str, name: str, value: object) -> int:
    """An int >= 1 (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise fail(function, name, "a positive int", value)
    return value


def check_unit_interval(function: str, name: str, value: object) -> float:
    """A real number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
        raise fail(function, name, "a number in [0, 1]", value)
    return float(value)


def check_status(codebook: Codebook, status: Sequence[str] | str | None, function: str) -> tuple[str, ...]:
    """The status filter as a tuple; ``None`` means the codebook's counted statuses.

    Every status is checked against the codebook's vocabulary; the counted statuses come
    from the codebook only (``counted: true``), never from a list in the code.
    """
    if status is None:
        return codebook.counted_statuses
    statuses = (status,) if isinstance(status, str) else tuple(status)
    if not statuses:
        raise fail(function, "status", "a non-empty selection of statuses", list(statuses))
    known = codebook.status_codes
    for item in statuses:
        check_choice(function, "status", item, known)
    return statuses


# ----------------------------------------------------------------------------- types of public parameters


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
