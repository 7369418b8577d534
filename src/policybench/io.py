"""Read YAML documents with positions, and load them into typed models.

``read_document`` turns a file into plain data plus a map from each node's path to its
line and column, and reports (never raises) what is wrong with the file itself: missing,
not UTF-8, empty, YAML syntax, duplicate keys, unsafe tags. ``load_zone`` and
``load_codebook`` add the structural check against :mod:`policybench.model`.
Only plain YAML data is ever constructed: a ``!!python/object`` tag is an issue, never code.
"""

from __future__ import annotations

import difflib
import functools
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Issue, Severity
from .model import Codebook, Zone

__all__ = [
    "Document",
    "atomic_write",
    "dump_model",
    "dump_zone",
    "format_path",
    "read_document",
    "shipped_data_dir",
]

PathKey = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)

# Tags that construct only plain data. Anything else (python/object, custom tags) is refused.
_SAFE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")
)
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True)
class Document:
    """A YAML file read into plain data, with positions and the problems found.

    ``data`` is None when the file could not be read at all. ``positions`` maps a path
    such as ``("measures", 3, "category")`` to its 1-based (line, column).
    """

    file: str
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()

    def position(self, path: PathKey) -> tuple[int, int]:
        """Position of ``path``, or of its nearest ancestor that has one."""
        key = tuple(path)
        while key not in self.positions and key:
            key = key[:-1]
        return self.positions.get(key, (0, 0))

    def issue(
        self,
        code: str,
        path: PathKey,
        message: str,
        *,
        expected: str = "",
        found: str = "",
        hint: str = "",
        severity: Severity = "error",
    ) -> Issue:
        """An issue located at ``path`` in this document."""
        line, column = self.position(path)
        return Issue(self.file, line, column, code, format_path(path), message, expected, found, hint, severity)


def format_path(path: PathKey) -> str:
    """``("measures", 3, "secondary", 0)`` -> ``measures[3].secondary[0]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def suggest(value: object, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    """A 'did you mean ...?' hint, or '' when nothing is close."""
    close = difflib.get_close_matches(str(value), sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so '2019-07' and '2019-07-01' keep their precision."""


_PlainLoader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != _TIMESTAMP_TAG]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _failed(name: str, issue: Issue) -> Document:
    """A document that could not be read: no data, one issue."""
    return Document(name, None, issues=(issue,))


def read_document(path: str | os.PathLike[str], *, display: str | None = None) -> Document:
    """Read one YAML file; report problems with the file as issues, never raise.

    Parameters
    ----------
    path : path-like
        The file.
    display : str, optional
        How to name the file in issues (defaults to ``str(path)``).
    """
    name = display or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return _failed(
            name,
            Issue(
                name,
                0,
                0,
                "file-not-found",
                "",
                f"cannot read the file: {reason}",
                expected="a readable YAML file",
                found=str(path),
            ),
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return _failed(
            name,
            Issue(
                name,
                line,
                column,
                "not-utf8",
                "",
                "the file is not UTF-8",
                expected="UTF-8 text",
                found=f"byte 0x{raw[exc.start]:02x} at offset {exc.start}",
                hint="re-save the file as UTF-8 (GBK/GB18030 files must be converted)",
            ),
        )
    return _parse(text, name)


def _parse(text: str, name: str) -> Document:
    loader = _PlainLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        context = (
            f"{exc.context} (line {exc.context_mark.line + 1})" if exc.context and exc.context_mark else exc.context
        )
        problem = ": ".join(str(p) for p in (context, exc.problem) if p)
        return _failed(
            name,
            Issue(
                name,
                line,
                column,
                "yaml-syntax",
                "",
                f"YAML syntax error: {problem}",
                expected="valid YAML",
                found=_line_at(text, line),
            ),
        )
    except yaml.YAMLError as exc:
        return Document(name, None, issues=(Issue(name, 0, 0, "yaml-syntax", "", f"YAML error: {exc}"),))
    finally:
        loader.dispose()
    if node is None:
        return _failed(
            name,
            Issue(
                name,
                1,
                1,
                "empty-file",
                "",
                "the file holds no YAML document",
                expected="a mapping with the zone or codebook fields",
                found="nothing",
            ),
        )
    builder = _Builder(name)
    data = builder.build(node, ())
    return Document(name, data, builder.positions, tuple(builder.issues))


def _line_at(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1].strip()[:80] if 0 < line <= len(lines) else ""


class _Builder:
    """Turn a composed YAML node tree into plain data, recording positions and issues."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.issues: list[Issue] = []
        self._scalars = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _SAFE_TAGS:
            self._add(
                node,
                path,
                "unsafe-tag",
                f"the YAML tag '{node.tag}' is not allowed: only plain data is read",
                expected="plain YAML data (no tags)",
                found=node.tag,
                hint="remove the tag",
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        if node.tag == _STR_TAG:
            return node.value
        return self._scalars.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._add(
                    key_node,
                    path,
                    "unsafe-tag",
                    "YAML merge keys ('<<') are not supported",
                    expected="explicit keys",
                    found="<<",
                )
                continue
            key = self.build(key_node, (*path, "<key>"))
            if not isinstance(key, str | int | float | bool) and key is not None:
                self._add(
                    key_node,
                    path,
                    "wrong-type",
                    "a mapping key must be plain text",
                    expected="text",
                    found=type(key).__name__,
                )
                continue
            if key in first:
                seen = first[key].start_mark.line + 1
                self._add(
                    key_node,
                    (*path, str(key)),
                    "duplicate-key",
                    f"the key '{key}' appears twice in this mapping (first at line {seen}); YAML would silently keep only the last",
                    expected="each key once",
                    found=f"'{key}' again",
                    hint=f"merge the two '{key}' entries",
                )
                continue
            first[key] = key_node
            child: PathKey = (*path, str(key))
            result[key] = self.build(value_node, child)
            self.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        self.positions.pop((*path, "<key>"), None)
        return result

    def _add(
        self,
        node: yaml.Node,
        path: PathKey,
        code: str,
        message: str,
        *,
        expected: str = "",
        found: str = "",
        hint: str = "",
    ) -> None:
        mark = node.start_mark
        self.issues.append(
            Issue(self.file, mark.line + 1, mark.column + 1, code, format_path(path), message, expected, found, hint)
        )


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
_CODE_FIELDS = frozenset({"category", "secondary", "requires"})
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
    if kind == "string_pattern_mismatch" and last in _CODE_FIELDS:
        return "unknown-code"
    return _PYDANTIC_CODES.get(kind, "wrong-type")


def _translate(document: Document, model: type[BaseModel], err: Any) -> Issue:
    loc = tuple(
        p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p in {"function-before", "str", "int"}))
    )
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
    return Issue(document.file, line, column, code, format_path(loc), message, expected, found, hint)


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
    obj, issues = check_model(document, model)
    reported = {i.path for i in document.issues}
    all_issues = [*document.issues, *(i for i in issues if i.path not in reported)]
    if any(i.severity == "error" for i in document.issues):
        obj = None
    return obj, document, all_issues


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


def dump_zone(zone: Zone, path: str | os.PathLike[str]) -> None:
    """Write a zone as a YAML file (atomic)."""
    with atomic_write(path) as handle:
        handle.write(dump_model(zone))


# --------------------------------------------------------------------------- files


def shipped_data_dir() -> Path:
    """The folder of the shipped codebook and zones (package data, or the source tree)."""
    here = Path(__file__).resolve().parent
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
    here = Path(__file__).resolve().parent
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
