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

import functools
import inspect
import math
import os
import threading
from collections.abc import Callable, Iterator, KeysView, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from .errors import InputError

if TYPE_CHECKING:
    from .data.model import Codebook

__all__ = [
    "MAX_DRAWS",
    "MAX_WORKERS",
    "check_choice",
    "check_int",
    "check_path",
    "check_paths",
    "check_positive_int",
    "check_status",
    "check_type",
    "fail",
    "validate_params",
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


def check_status(codebook: Codebook, status: Sequence[str] | str | None, function: str) -> tuple[str, ...]:
    """The status filter as a tuple; ``None`` means the codebook's counted statuses.

    Every status is checked against the codebook's vocabulary; the counted statuses come
    from the codebook only (``counted: true``), never from a list in the code.
    """
    if status is None:
        return codebook.counted_statuses
    if not isinstance(status, str | list | tuple):
        raise _fail(function, "status", "a status code (str) or a list of them", status)
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
    FilePath()(function, name, value)


def check_paths(function: str, name: str, value: Any) -> None:
    """``value`` is a path or a list/tuple of paths."""
    FilePaths()(function, name, value)


# ----------------------------------------------------------------------------- declared parameters
#
# In the manner of scikit-learn's ``validate_params``: a public function declares each
# parameter's constraint once, next to its signature, and one mechanism checks them all in
# one voice before the body runs::
#
#     @validate_params({"dataset": Instance("Dataset"), "alpha": Real(0, 1), "status": STATUS})
#     def align(dataset, zone_a, zone_b, *, alpha=0.5, status=None): ...
#
# A constraint is a callable ``(function, name, value) -> None`` raising InputError. Value
# checks that need the data (unknown ids, codes, statuses) stay in the body.

#: Classes named by :class:`Instance`, imported on first use (no import cycles, light start).
_CLASSES = {
    "CategoryClassifier": "policybench.draft.classify",
    "Dataset": "policybench.data.dataset",
    "Codebook": "policybench.data.model",
    "Zone": "policybench.data.model",
    "Measure": "policybench.data.model",
    "GapAnalysis": "policybench.gaps.analysis",
    "Assessment": "policybench.assessment",
    "TextIndex": "policybench.similarity.text",
    "SimilarityEstimate": "policybench.similarity.intervals",
    "DataFrame": "pandas",
    "ndarray": "numpy",
}

_ARTICLE = {"Assessment": "an", "ndarray": "a numpy"}


def _resolve(name: str) -> type:
    import importlib

    return getattr(importlib.import_module(_CLASSES[name]), name)


class Constraint:
    """A parameter's constraint: ``constraint(function, name, value)`` raises InputError when unmet."""

    expected = "valid"

    def ok(self, value: Any) -> bool:  # pragma: no cover - every constraint overrides it
        return True

    def __call__(self, function: str, name: str, value: Any) -> None:
        if not self.ok(value):
            raise _fail(function, name, self.expected, value)


class Instance(Constraint):
    """An instance of a policybench (or pandas/numpy) class, named as in ``_CLASSES``."""

    def __init__(self, cls: str) -> None:
        self.cls = cls
        self.expected = f"{_ARTICLE.get(cls, 'a')} {cls}"

    def ok(self, value: Any) -> bool:
        return isinstance(value, _resolve(self.cls))


class Real(Constraint):
    """A finite real number (not a bool) in [low, high] (an open bound where ``closed`` says so)."""

    def __init__(self, low: float | None = None, high: float | None = None, *, closed: str = "both") -> None:
        self.low, self.high, self.closed = low, high, closed
        left = "[" if closed in ("both", "left") else "("
        right = "]" if closed in ("both", "right") else ")"
        if low is None and high is None:
            self.expected = "a finite number"
        elif high is None:
            self.expected = f"a number {'>=' if left == '[' else '>'} {low}"
        elif low is None:
            self.expected = f"a number {'<=' if right == ']' else '<'} {high}"
        else:
            self.expected = f"a number in {left}{low}, {high}{right}"

    def ok(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return False
        x = float(value)
        if self.low is not None and (x < self.low or (x == self.low and self.closed in ("right", "neither"))):
            return False
        return self.high is None or not (x > self.high or (x == self.high and self.closed in ("left", "neither")))


class Int(Constraint):
    """An int (not a bool) in [low, high]."""

    def __init__(self, low: int | None = None, high: int | None = None) -> None:
        self.low, self.high = low, high
        if low is None and high is None:
            self.expected = "an int"
        elif high is None:
            self.expected = "a positive int" if low == 1 else ("a non-negative int" if low == 0 else f"an int >= {low}")
        else:
            self.expected = f"an int in [{low if low is not None else '-inf'}, {high}]"

    def ok(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


class Str(Constraint):
    """A str (non-empty unless ``empty``)."""

    def __init__(self, *, empty: bool = False) -> None:
        self.empty = empty
        self.expected = "a str" if empty else "a non-empty str"

    def ok(self, value: Any) -> bool:
        return isinstance(value, str) and (self.empty or bool(value))


class Bool(Constraint):
    """True or False."""

    expected = "a bool"

    def ok(self, value: Any) -> bool:
        return isinstance(value, bool)


class Options(Constraint):
    """One of a fixed set of values."""

    def __init__(self, *choices: object) -> None:
        self.choices = choices
        self.expected = "one of {" + ", ".join(repr(c) for c in choices) + "}"

    def ok(self, value: Any) -> bool:
        if isinstance(value, type):  # a class among the choices (e.g. numpy.float64): by identity
            return any(value is choice for choice in self.choices)
        return isinstance(value, str | int | float | type(None)) and value in self.choices


class Strs(Constraint):
    """A collection of str: list, tuple, set (a single str is refused), non-empty unless ``empty``.

    An iterator (a generator) passes unread: reading it here would use it up.
    """

    def __init__(self, what: str = "ids", *, empty: bool = True, keys: bool = False) -> None:
        self.empty, self.keys = empty, keys
        self.expected = f"a {'' if empty else 'non-empty '}list of {what} (str)"

    def ok(self, value: Any) -> bool:
        if isinstance(value, Iterator):
            return True
        if self.keys and isinstance(value, Mapping):  # an iterable of its keys, where the parameter is Iterable[str]
            value = value.keys()
        return (
            isinstance(value, list | tuple | set | frozenset | KeysView)
            and all(isinstance(v, str) for v in value)
            and (self.empty or bool(value))
        )


class OrderedStrs(Constraint):
    """A list or tuple of str, in the order given (a set or a single str is refused: the order matters)."""

    def __init__(self, what: str = "ids") -> None:
        self.expected = f"a list of {what} (str)"

    def ok(self, value: Any) -> bool:
        return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


class StrOrStrs(Constraint):
    """A str or a non-empty list/tuple of str (statuses, codes)."""

    def __init__(self, what: str = "codes") -> None:
        self.expected = f"a str or a non-empty list of {what} (str)"

    def ok(self, value: Any) -> bool:
        if isinstance(value, str):
            return True
        return (
            isinstance(value, list | tuple | set | frozenset) and bool(value) and all(isinstance(v, str) for v in value)
        )


class FilePath(Constraint):
    """A path: str (non-empty) or os.PathLike."""

    expected = "a path (str or pathlib.Path)"

    def ok(self, value: Any) -> bool:
        return (isinstance(value, str) and bool(value)) or isinstance(value, os.PathLike)


class FilePaths(Constraint):
    """A path or a list/tuple of paths."""

    expected = "a path or a list of paths"

    def ok(self, value: Any) -> bool:
        if FilePath().ok(value):
            return True
        return isinstance(value, list | tuple) and all(FilePath().ok(v) for v in value)


class Weights(Constraint):
    """A mapping of category code (str) to a finite number."""

    expected = "a mapping of category code (str) -> finite number"

    def ok(self, value: Any) -> bool:
        return isinstance(value, Mapping) and all(isinstance(k, str) and Real().ok(v) for k, v in value.items())


class ListLike(Constraint):
    """A list or tuple."""

    expected = "a list or tuple"

    def ok(self, value: Any) -> bool:
        return isinstance(value, list | tuple)


class Instances(Constraint):
    """A list or tuple of instances of one class (named as in ``_CLASSES``)."""

    def __init__(self, cls: str) -> None:
        self.cls = cls
        self.expected = f"a list of {cls} objects"

    def ok(self, value: Any) -> bool:
        return isinstance(value, list | tuple) and all(isinstance(v, _resolve(self.cls)) for v in value)


class Range(Constraint):
    """A pair (low, high) of finite numbers with ``minimum <= low <= high``."""

    def __init__(self, minimum: float = 0.0) -> None:
        self.minimum = minimum
        self.expected = f"a pair (low, high) of numbers with {minimum:g} <= low <= high"

    def ok(self, value: Any) -> bool:
        if not isinstance(value, list | tuple) or len(value) != 2 or not all(Real().ok(v) for v in value):
            return False
        return bool(self.minimum <= value[0] <= value[1])


class Probabilities(Constraint):
    """A mapping of str to a probability in [0, 1]."""

    expected = "a mapping of str -> number in [0, 1]"

    def ok(self, value: Any) -> bool:
        return isinstance(value, Mapping) and all(isinstance(k, str) and Real(0, 1).ok(v) for k, v in value.items())


class Date(Constraint):
    """A partial date as a str: YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date."""

    expected = "a date as YYYY, YYYY-MM or YYYY-MM-DD"

    def ok(self, value: Any) -> bool:
        from .data.model import coerce_partial_date

        if not isinstance(value, str):
            return False
        try:
            coerce_partial_date(value)
        except ValueError:
            return False
        return True


class Function(Constraint):
    """A callable."""

    expected = "a callable"

    def ok(self, value: Any) -> bool:
        return callable(value)


class Maybe(Constraint):
    """``None`` or the constraint ``inner``."""

    def __init__(self, inner: Constraint) -> None:
        self.inner = inner
        self.expected = f"{inner.expected} or None"

    def ok(self, value: Any) -> bool:
        return value is None or self.inner.ok(value)


#: The status filter: None (the codebook's counted statuses), a status code or a list of them.
STATUS = Maybe(StrOrStrs("status codes"))
#: A list of zone ids, or None (every zone).
ZONES = Maybe(Strs("zone ids"))
#: A progress callback, or None.
PROGRESS = Maybe(Function())


_P = ParamSpec("_P")
_R = TypeVar("_R")


#: The one table of defaults of the parameters that several public functions share: a parameter
#: of this name means the same everywhere and has this default (tests/test_api_fuzz.py holds every
#: public signature to it). Names used with another meaning are in ``OTHER_MEANINGS``.
DEFAULTS: dict[str, object] = {
    "metric": "soft_cosine",  # structured similarity
    "sigma": 0.3,  # within-domain credit of the soft cosine
    "lam": 0.5,  # weight of the structured part of the combined similarity
    "alpha": 0.5,  # weight of text in a measure pair's similarity
    "threshold": 0.35,  # least similarity of an aligned pair
    "secondary_weight": 0.5,  # weight of a secondary category
    "method": "combined",  # zone similarity: combined, structured or alignment
    "min_overlap": None,  # default_min_overlap of the codebook
    "status": None,  # the codebook's counted statuses
    "frontier": "max",
    "adoption_prior": 2.0,
    "adoption_basis": "documented",
    "prior_strength": 2.0,
    "weight_range": (0.5, 1.5),
    "seed": 0,
    "lang": "zh",  # language of the measure texts compared
    "text_lang": "zh",
    "k": 5,  # nearest peers
    "min_score": 0.65,  # a draft's least calibrated score (highest recall at precision >= 0.7 on the gold texts)
}
#: Parameter names that mean different things in different functions, so have different defaults.
OTHER_MEANINGS: dict[str, str] = {
    "draws": "robustness draws (1,000) in assess and sensitivity; imputation draws (200) in similarity_estimate",
    "level": "'category' or 'domain' in the matrices; the interval's coverage (0.9) in similarity_estimate",
    "top": "recommendations (10) in assess and recommend; P(top k) (5) in sensitivity; candidates (3) in draft",
}

#: Per thread: True while a decorated function runs (its nested calls are not checked again).
_BOUNDARY = threading.local()


def validate_params(
    constraints: Mapping[str, Constraint], *, name: str | None = None
) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Check the declared parameters of the decorated function before it runs.

    Each argument named in ``constraints`` (given or defaulted) is checked by its
    constraint; the first unmet one raises InputError "The 'x' parameter of f must be ...
    Got ... instead.". Parameters not declared are left to the function.

    Checked once, at the boundary: a decorated function called while another decorated one runs
    (in the same thread) is not checked again, as scikit-learn skips nested validation; the outer
    function declares what it passes on (the API fuzz test holds every public function to that).
    At national scale the nested checks cost more than the work (70,000 calls in one assessment).
    """

    def decorate(func: Callable[_P, _R]) -> Callable[_P, _R]:
        signature = inspect.signature(func)
        unknown = set(constraints) - set(signature.parameters)
        if unknown:  # a typo in a declaration is a programming error, found at import
            raise AssertionError(f"validate_params: {func.__qualname__} has no parameter(s) {sorted(unknown)}")
        label = name or func.__name__

        @functools.wraps(func)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            if getattr(_BOUNDARY, "inside", False):
                return func(*args, **kwargs)
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as error:
                raise InputError(f"{label}: {error}") from None
            given = bound.arguments
            for key, constraint in constraints.items():
                if key in given:
                    constraint(label, key, given[key])
            _BOUNDARY.inside = True
            try:
                return func(*args, **kwargs)
            finally:
                _BOUNDARY.inside = False

        wrapper.__signature__ = signature  # type: ignore[attr-defined]
        wrapper.__wrapped_constraints__ = dict(constraints)  # type: ignore[attr-defined]
        return wrapper

    return decorate
