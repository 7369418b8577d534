"""Load documents into typed models with located issues; dump them; write files atomically.

Reading a YAML file into plain data with positions is :mod:`policybench.data.documents`; this
module adds the structural check against :mod:`policybench.data.model` (pydantic errors become
our stable issue codes with expected, found and a hint), YAML dumps, the shipped-data paths
and atomic writes.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .._params import FilePath, Instance, validate_params
from ..errors import Issue
from .documents import Document, format_path, read_document, suggest
from .model import Codebook, Zone

__all__ = [
    "atomic_write",
    "check_model",
    "codebook_loader",
    "document_model",
    "dump_model",
    "dump_zone",
    "load_model",
    "shipped_data_dir",
    "shipped_schema_dir",
    "write_with",
    "zone_loader",
]

ModelT = TypeVar("ModelT", bound=BaseModel)

# --------------------------------------------------------------------------- models

_PYDANTIC_CODES = {
    "missing": "missing-field",
    "extra_forbidden": "unknown-field",
    "literal_error": "bad-value",
    "enum": "bad-value",
    "greater_than": "bad-value",
    "greater_than_equal": "bad-value",
    "less_than_equal": "bad-value",
    "too_short": "bad-value",
    "string_too_short": "missing-field",
    "string_too_long": "too-long",
    "string_pattern_mismatch": "bad-id",
    "value_error": "bad-date",
}


def check_model(document: Document, model: type[ModelT]) -> tuple[ModelT | None, list[Issue]]:
    """Validate ``document.data`` against ``model``; return the object or the issues."""
    if document.data is None:
        return None, []
    if not isinstance(document.data, dict):
        return None, [
            document.issue(
                "wrong-type",
                (),
                "the document must be a mapping of fields",
                expected="a YAML mapping",
                found=type(document.data).__name__,
            )
        ]
    try:
        return model.model_validate(document.data), []
    except ValidationError as exc:
        return None, [_translate(document, model, err) for err in exc.errors(include_url=False)]


_DATE_FIELDS = frozenset({"start", "end", "date", "accessed", "as_of", "established"})
_CODE_FIELDS = frozenset({"category", "secondary", "requires", "examined"})
_TYPE_NAMES = {
    "int": "an integer",
    "float": "a number",
    "string": "text",
    "bool": "true or false",
    "list": "a list",
    "dict": "a mapping",
    "model": "a mapping of fields",
}


def _classify(kind: str, loc: tuple[Any, ...]) -> str:
    """The issue code for a pydantic error type at ``loc``."""
    named = [p for p in loc if isinstance(p, str)]
    last = named[-1] if named else ""
    if last == "unit" and "indicators" in named and kind in {"missing", "string_too_short"}:
        return "indicator-without-unit"
    if kind == "string_pattern_mismatch" and last in _DATE_FIELDS:
        return "bad-date"
    if kind == "string_pattern_mismatch" and (last in _CODE_FIELDS or (last == "code" and "absent" in named)):
        return "unknown-code"
    return _PYDANTIC_CODES.get(kind, "wrong-type")


def _translate(document: Document, model: type[BaseModel], err: Any) -> Issue:
    loc = _clean_loc(document, err["loc"])
    kind = str(err["type"])
    code = _classify(kind, loc)
    message = str(err["msg"]).removeprefix("Value error, ")
    expected, found, hint = _expected(err, code), _short(err.get("input")), ""
    if kind == "missing":
        message, expected, found = f"required field '{loc[-1]}' is missing", f"a value for '{loc[-1]}'", "nothing"
    elif kind == "extra_forbidden":
        message, expected = f"unknown field '{loc[-1]}'", "a field of the schema"
        hint = suggest(loc[-1], _field_names(model, loc[:-1]))
    elif kind == "literal_error":
        allowed = str(err.get("ctx", {}).get("expected", "")).replace(" or ", ",").split(",")
        hint = suggest(err.get("input"), [a.strip(" '") for a in allowed if a.strip(" '")])
    elif code == "bad-id":
        message = "not a valid id: use lower-case letters, digits and '-' (measure ids: '<zone-id>.<slug>')"
    line, column = document.position(loc)
    return Issue(
        document.file, line, column, code, format_path(loc), message, expected, found, hint or _hint(kind, code)
    )


def _hint(kind: str, code: str) -> str:
    """A generic way to fix an issue, when the error itself suggests nothing better."""
    if kind == "finite_number":
        return "write a finite number (NaN and infinity are not data)"
    if code == "bad-date":
        return "write the date as YYYY, YYYY-MM or YYYY-MM-DD in ASCII digits, e.g. '2019-07'"
    if kind.endswith("_type") and kind.startswith(("int", "float", "bool")):
        return "write a plain number or true/false without quotes (yes/no and 1/0 are not accepted)"
    if kind == "invalid_key":
        return "write the key as a field name of the schema"
    if kind.endswith("_type"):
        return "see the schema (schemas/*.schema.json) for the type of this field"
    return ""


# Steps pydantic adds to an error location that are not in the document (validator names).
_INTERNAL_STEP = re.compile(r"^(?:[a-z]+(?:-[a-z]+)*\[.*\]|function-before|str|int)$")


def _clean_loc(document: Document, raw: tuple[Any, ...]) -> tuple[Any, ...]:
    """The error location as a document path: pydantic's internal steps dropped, user keys kept."""
    loc: tuple[Any, ...] = ()
    for part in raw:
        if isinstance(part, str) and (*loc, part) not in document.positions and _INTERNAL_STEP.match(part):
            continue
        loc += (part,)
    return loc


def _expected(err: Any, code: str) -> str:
    if code == "bad-date":
        return "YYYY, YYYY-MM or YYYY-MM-DD (a real date)"
    ctx = err.get("ctx") or {}
    if "expected" in ctx:
        return str(ctx["expected"])
    if "pattern" in ctx:
        return f"text matching {ctx['pattern']}"
    labels = {
        "ge": "at least",
        "gt": "more than",
        "le": "at most",
        "min_length": "length at least",
        "max_length": "length at most",
    }
    for key, label in labels.items():
        if key in ctx:
            return f"{label} {ctx[key]}"
    kind = str(err["type"])
    for prefix, name in _TYPE_NAMES.items():
        if kind.startswith(prefix):
            return name
    return ""


def _short(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the (nested) model at ``loc``, aliases included."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
    fields = getattr(current, "model_fields", {})
    return [f.alias or name for name, f in fields.items()]


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def load_model(
    path: str | os.PathLike[str], model: type[ModelT], *, display: str | None = None
) -> tuple[ModelT | None, Document, list[Issue]]:
    """Read ``path`` and check it against ``model``: (object or None, document, all issues)."""
    document = read_document(path, display=display)
    obj, all_issues = document_model(document, model)
    return obj, document, all_issues


def document_model(document: Document, model: type[ModelT]) -> tuple[ModelT | None, list[Issue]]:
    """A document read already, checked against ``model``: (object or None, the document's issues and the model's)."""
    obj, issues = check_model(document, model)
    reported = {i.path for i in document.issues}
    all_issues = [*document.issues, *(i for i in issues if i.path not in reported)]
    if any(i.severity == "error" for i in document.issues):
        obj = None
    return obj, all_issues


def zone_loader(path: str | os.PathLike[str], display: str | None = None) -> tuple[Zone | None, Document, list[Issue]]:
    """``load_model`` for a zone file."""
    return load_model(path, Zone, display=display)


def codebook_loader(
    path: str | os.PathLike[str], display: str | None = None
) -> tuple[Codebook | None, Document, list[Issue]]:
    """``load_model`` for a codebook file."""
    return load_model(path, Codebook, display=display)


def dump_model(obj: BaseModel) -> str:
    """YAML text of a zone or codebook, which ``read_document`` + ``check_model`` read back equal.

    UTF-8 with Chinese kept as is, fields in schema order, unset optional fields left out.
    """
    data = obj.model_dump(mode="json", by_alias=True, exclude_none=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


@validate_params({"zone": Instance("Zone"), "path": FilePath()})
def dump_zone(zone: Zone, path: str | os.PathLike[str]) -> None:
    """Write a zone as a YAML file (atomic)."""
    with atomic_write(path) as handle:
        handle.write(dump_model(zone))


# --------------------------------------------------------------------------- files


def shipped_data_dir() -> Path:
    """The folder of the shipped codebook and zones (package data, or the source tree)."""
    here = Path(__file__).resolve().parents[1]  # the package folder (this module is in data/)
    packaged = here / "_data" / "datasets"
    if (packaged / "codebook.yaml").is_file():
        return packaged
    source_tree = here.parents[1] / "datasets"
    if (source_tree / "codebook.yaml").is_file():
        return source_tree
    raise FileNotFoundError(
        f"the shipped datasets are missing (looked in {packaged} and {source_tree}); reinstall policybench"
    )


def shipped_schema_dir() -> Path:
    """The folder of the generated JSON Schemas (package data, or the source tree)."""
    here = Path(__file__).resolve().parents[1]  # the package folder
    for candidate in (here / "_data" / "schemas", here.parents[1] / "schemas"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the shipped JSON Schemas are missing; reinstall policybench")


@functools.lru_cache(maxsize=1)
def _umask_mode() -> int:
    """The mode a new file gets under the process umask (mkstemp would give 0600); read once."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_write(path: str | os.PathLike[str], *, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_with(path: str | os.PathLike[str], writer: Callable[[Path], None]) -> None:
    """Atomic write for libraries that want a path (pandas' to_excel, to_parquet)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        writer(Path(tmp))
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
