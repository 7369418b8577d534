"""Read YAML documents into plain data with the line and column of every node.

``read_document`` reports (never raises) what is wrong with the file itself: missing, not
UTF-8, empty, YAML syntax, duplicate keys, unsafe tags. Only plain YAML data is ever
constructed: a ``!!python/object`` tag is an issue, never code.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Issue, Severity

__all__ = ["Document", "PathKey", "format_path", "read_document", "suggest"]

PathKey = tuple[str | int, ...]

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
