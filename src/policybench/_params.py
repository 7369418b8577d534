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
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    from .model import Codebook

__all__ = [
    "check_choice",
    "check_int",
    "check_positive_int",
    "check_status",
    "check_unit_interval",
    "fail",
]


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


def check_finite_number(function: str, name: str, value: object) -> float:
    """A finite real number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(float(value)):
        raise fail(function, name, "a finite number", value)
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
