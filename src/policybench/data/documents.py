"""Read YAML documents into plain data with the line and column of every node.

``read_document`` reports (never raises) what is wrong with the file itself: missing, not a
regular file, too large, not UTF-8, empty, YAML syntax, nesting too deep, aliases that expand
too far, duplicate keys, unsafe tags, bad content in standard tags, control characters.
Only plain YAML data is ever constructed: a ``!!python/object`` tag is an issue, never code.

Every YAML file policybench reads (zone files, the codebook, weights files, jobs files) goes
through :func:`read_document`, so the limits below hold for all of them:

- size: at most :data:`DEFAULT_MAX_BYTES` (10 MB), checked before anything is read;
  override it with the ``max_bytes`` keyword or the ``POLICYBENCH_MAX_FILE_SIZE``
  environment variable (bytes, or with a KB/MB/GB suffix);
- only regular files are opened (a FIFO, a device such as ``/dev/zero`` or a folder is
  refused after a ``stat``, before any read);
- nesting: at most :data:`MAX_DEPTH` levels of mappings and lists;
- aliases: ``*alias`` references may add at most :data:`MAX_ALIAS_NODES` nodes to the
  document, and an alias may not refer to a node that contains it.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from typing import Any

import yaml

from ..errors import InputError, Issue, Severity

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "Document",
    "PathKey",
    "format_path",
    "max_file_size",
    "parse_bytes",
    "read_bytes",
    "read_document",
    "suggest",
]

PathKey = tuple[str | int, ...]

#: Largest YAML file read by default, in bytes (10 MB; the biggest shipped file is ~100 KB).
DEFAULT_MAX_BYTES = 10_000_000
#: Environment variable that overrides :data:`DEFAULT_MAX_BYTES`.
MAX_BYTES_ENV = "POLICYBENCH_MAX_FILE_SIZE"
#: Deepest nesting of mappings and lists (the zone schema needs 6).
MAX_DEPTH = 100
#: Nodes that ``*alias`` references may add to a document when they are expanded.
MAX_ALIAS_NODES = 10_000

# Tags that construct only plain data. Anything else (python/object, custom tags) is refused.
_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_YAML + n for n in ("str", "int", "float", "bool", "null", "timestamp", "binary"))
_SAFE_TAGS = _SCALAR_TAGS | {_YAML + "map", _YAML + "seq"}
_STR_TAG = _YAML + "str"
_TIMESTAMP_TAG = _YAML + "timestamp"
_SIZE_RE = re.compile(r"^\s*(\d+)\s*([kmg]?)b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}


@dataclass(frozen=True)
class Document:
    """A YAML file read into plain data, with positions and the problems found.

    ``data`` is None when the file could not be read at all. ``positions`` maps a path
    such as ``("measures", 3, "category")`` to its 1-based (line, column).
    """

    file: str
    data: Any
    positions: Mapping[PathKey, tuple[int, int]] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()
    #: True when no text of ``data`` can hold the word FILL (the text has neither 'FILL' nor an escape):
    #: the placeholder check then has nothing to look for.
    placeholder_free: bool = field(default=False, repr=False, compare=False)

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


def max_file_size() -> int:
    """The size limit in bytes: ``POLICYBENCH_MAX_FILE_SIZE`` when set, else 10 MB.

    >>> max_file_size()
    10000000
    """
    raw = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    match = _SIZE_RE.match(raw)
    if match is None or int(match.group(1)) < 1:
        raise InputError(
            f"The {MAX_BYTES_ENV} environment variable must be a positive size in bytes "
            f"(e.g. 20000000 or 20MB). Got {raw!r} instead."
        )
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


class _LimitError(yaml.MarkedYAMLError):
    """A resource limit hit while composing; carries its issue code."""

    def __init__(self, code: str, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)
        self.code = code


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text and bounds nesting while it composes.

    The depth is checked on each event before the (recursive) composer descends, so a
    10,000-level document stops at level ``MAX_DEPTH + 1`` instead of hitting Python's
    recursion limit. Composed nodes are counted for the alias budget.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.composed = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:  # noqa: N803 (PyYAML's name)
        # The scanner reads a whole flow collection ahead (a '[' may start a key), in time
        # quadratic in its nesting: stop at the token, before the composer sees anything.
        if self.flow_level >= MAX_DEPTH:
            raise _LimitError(
                "too-deep",
                f"the document nests mappings and lists more than {MAX_DEPTH} levels deep",
                self.get_mark(),
            )
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if not self.check_event(yaml.AliasEvent):
            self.composed += 1
        if self.depth >= MAX_DEPTH and self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            raise _LimitError(
                "too-deep",
                f"the document nests mappings and lists more than {MAX_DEPTH} levels deep",
                self.peek_event().start_mark,  # type: ignore[no-untyped-call]
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_PlainLoader.yaml_implicit_resolvers = {
    key: [(tag, regex) for tag, regex in resolvers if tag != _TIMESTAMP_TAG]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


#: libyaml's composer (C), when PyYAML was built with it; the same resolvers as _PlainLoader.
_CLoader: Any = getattr(yaml, "CSafeLoader", None)
if _CLoader is not None:
    _CLoader = type("_CPlainLoader", (_CLoader,), {"yaml_implicit_resolvers": _PlainLoader.yaml_implicit_resolvers})


#: How each parser event changes the nesting depth (a scalar is a node at the same depth).
_NESTING: dict[type, int] = {
    yaml.MappingStartEvent: 1,
    yaml.SequenceStartEvent: 1,
    yaml.MappingEndEvent: -1,
    yaml.SequenceEndEvent: -1,
    yaml.ScalarEvent: 0,
}


#: What may open a block collection on a line: indentation, then indicators ('- ', '? ', ': ', '--- ')
#: and node properties (anchors, tags) each followed by blanks.
_LINE_PREFIX = re.compile(r"^[ \t]*(?:(?:---|[-?:]|[!&][^ \t\n]*)[ \t]+)*", re.MULTILINE)
#: The line breaks of YAML besides '\n' (the prefix scan counts lines by '\n' only).
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _shallow(text: str) -> bool:
    """True when ``text`` has no alias and provably nests at most :data:`MAX_DEPTH` levels.

    Then libyaml may compose it without first counting its events (a third of the reading
    time). The bound is cheap and never too low: a block collection nested in another starts
    at a greater column, or at the same column for a sequence in a mapping, so block nesting is
    at most twice (the widest line prefix that can open one + 1); every flow level needs its own
    '[' or '{' not immediately closed (an empty '[]' or '{}' adds one level at most, counted once).
    A '*' anywhere (an alias needs one) or another kind of line break: not shallow, the events
    are counted as before.
    """
    if "*" in text or any(brk in text for brk in _OTHER_BREAKS):
        return False
    flows = text.count("[") + text.count("{") - text.count("[]") - text.count("{}")
    if flows >= MAX_DEPTH:
        return False
    widest = max(map(len, _LINE_PREFIX.findall(text)), default=0)
    return 2 * (widest + 1) + flows + 1 <= MAX_DEPTH


def _fast_compose(text: str) -> tuple[yaml.Node, int | None] | None:
    """The document's node tree composed by libyaml (about 7x faster), with its node count.

    libyaml runs only where it cannot be hurt: its events are counted first (nesting depth,
    nodes), and a document over the limits, with a syntax error, or anything else unusual returns
    None, so that the Python composer (:class:`_PlainLoader`) reads it and says exactly what is
    wrong, where. An empty document also goes to the Python path.
    """
    if _CLoader is None:
        return None
    try:
        composed: int | None = None  # no alias possible: no node count needed (no budget)
        if not _shallow(text):
            # libyaml's parser is a state machine (any depth is safe to parse); only the composer
            # recurses. The events are counted with C-level iteration: deepest nesting, nodes.
            kinds = list(map(type, yaml.parse(text, Loader=_CLoader)))
            if max(accumulate(map(_NESTING.get, kinds, repeat(0))), default=0) > MAX_DEPTH:
                return None
            counts = Counter(kinds)
            composed = sum(counts[kind] for kind, step in _NESTING.items() if step >= 0)
        loader = _CLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except Exception:  # noqa: BLE001 - any problem: the Python composer reports it precisely
        return None
    return (node, composed) if node is not None else None  # composed None: no alias, no budget


def _failed(
    name: str,
    code: str,
    message: str,
    *,
    line: int = 0,
    column: int = 0,
    expected: str = "",
    found: str = "",
    hint: str = "",
) -> Document:
    """A document that could not be read: no data, one issue."""
    return Document(name, None, issues=(Issue(name, line, column, code, "", message, expected, found, hint),))


def read_document(
    path: str | os.PathLike[str], *, display: str | None = None, max_bytes: int | None = None
) -> Document:
    """Read one YAML file; report problems with the file as issues, never raise.

    Parameters
    ----------
    path : path-like
        The file.
    display : str, optional
        How to name the file in issues (defaults to ``str(path)``).
    max_bytes : int, optional
        Refuse larger files (default: :func:`max_file_size`, 10 MB unless overridden).

    Examples
    --------
    >>> read_document("/dev/zero").issues[0].code
    'not-a-file'
    """
    raw = read_bytes(path, display=display, max_bytes=max_bytes)
    return raw if isinstance(raw, Document) else parse_bytes(raw, display or str(path))


def read_bytes(
    path: str | os.PathLike[str], *, display: str | None = None, max_bytes: int | None = None
) -> bytes | Document:
    """The bytes of a regular file within the size limit, or a Document with the one issue that stopped it.

    The first half of :func:`read_document` (the cache of validated files hashes these bytes).
    """
    name = display or str(path)
    return _read_bytes(path, name, max_file_size() if max_bytes is None else max_bytes)


def parse_bytes(raw: bytes, name: str) -> Document:
    """The second half of :func:`read_document`: the bytes of the file ``name`` decoded and read as YAML."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return _failed(
            name,
            "not-utf8",
            "the file is not UTF-8",
            line=line,
            column=column,
            expected="UTF-8 text",
            found=f"byte 0x{raw[exc.start]:02x} at offset {exc.start}",
            hint="re-save the file as UTF-8 (GBK/GB18030 files must be converted)",
        )
    return _parse(text, name)


def _read_bytes(path: str | os.PathLike[str], name: str, limit: int) -> bytes | Document:
    """The file's bytes, after checking (with stat, before opening) that it is a regular file under ``limit``."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return _not_a_file(name, info.st_mode)
        if info.st_size > limit:
            return _too_large(name, info.st_size, limit)
        # O_NONBLOCK: should the path be swapped for a FIFO after the stat, open() cannot hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return _not_a_file(name, info.st_mode)
            with os.fdopen(os.dup(fd), "rb") as handle:
                raw = handle.read(limit + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        return _failed(
            name,
            "file-not-found",
            f"cannot read the file: {exc.strerror or exc.__class__.__name__}",
            expected="a readable YAML file",
            found=str(path),
        )
    if len(raw) > limit:
        return _too_large(name, len(raw), limit)
    return raw


def _not_a_file(name: str, mode: int) -> Document:
    kind = "a folder" if stat.S_ISDIR(mode) else "a pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device or socket"
    return _failed(
        name,
        "not-a-file",
        f"not a regular file: {kind}",
        expected="a YAML file",
        found=kind,
        hint="give the path of a .yaml file"
        + (" (or pass the folder where a folder is accepted)" if "folder" in kind else ""),
    )


def _too_large(name: str, size: int, limit: int) -> Document:
    return _failed(
        name,
        "file-too-large",
        f"the file is larger than the limit of {limit:,} bytes; it was not read",
        expected=f"at most {limit:,} bytes",
        found=f"{size:,} bytes" if size <= limit else f"more than {limit:,} bytes",
        hint=f"raise the limit with {MAX_BYTES_ENV}=<bytes> (or max_bytes=) if the file is trusted",
    )


def _parse(text: str, name: str) -> Document:
    fast = _fast_compose(text)
    if fast is not None:
        return _built(name, *fast, placeholder_free=_placeholder_free(text))
    loader: _PlainLoader | None = None
    try:
        loader = _PlainLoader(text)  # the reader refuses raw control characters here
        node = loader.get_single_node()
    except _LimitError as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        return _failed(
            name,
            exc.code,
            str(exc.problem),
            line=line,
            column=column,
            expected=f"at most {MAX_DEPTH} levels",
            found=_line_at(text, line),
            hint="flatten the structure: zone files need about 6 levels",
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        context = (
            f"{exc.context} (line {exc.context_mark.line + 1})" if exc.context and exc.context_mark else exc.context
        )
        problem = ": ".join(str(p) for p in (context, exc.problem) if p)
        return _failed(
            name,
            "yaml-syntax",
            f"YAML syntax error: {problem}",
            line=line,
            column=column,
            expected="valid YAML",
            found=_line_at(text, line),
        )
    except yaml.reader.ReaderError as exc:  # a raw control character in the text
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return _failed(
            name,
            "control-character",
            f"the file contains the control character U+{exc.character:04X}, which YAML does not allow",
            line=line,
            column=column,
            expected="printable text",
            found=f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character),
            hint="delete the character (it is invisible in most editors)",
        )
    except yaml.YAMLError as exc:
        return _failed(name, "yaml-syntax", f"YAML error: {exc}", expected="valid YAML")
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return _failed(
            name,
            "empty-file",
            "the file holds no YAML document",
            line=1,
            column=1,
            expected="a mapping with the zone or codebook fields",
            found="nothing",
        )
    return _built(name, node, loader.composed if loader else 0, placeholder_free=_placeholder_free(text))


def _placeholder_free(text: str) -> bool:
    """No 'FILL' in the text and no backslash (a double-quoted escape could spell it)."""
    return "FILL" not in text and "\\" not in text


def _built(name: str, node: yaml.Node, composed: int | None, *, placeholder_free: bool = False) -> Document:
    """The plain data of a composed document, within the alias budget (None: no alias, no budget)."""
    builder = _Builder(name, budget=None if composed is None else composed + MAX_ALIAS_NODES)
    data = builder.build(node, ())
    if builder.stopped:  # cut short by a limit: what was built is not the document
        return Document(name, None, issues=tuple(builder.issues))
    if data is None and not builder.issues:  # '~', 'null', a bare anchor: a document with nothing in it
        return _failed(
            name,
            "empty-file",
            "the file's document is empty (a null value)",
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
            expected="a mapping with the zone or codebook fields",
            found=_clip(node.value) or "nothing",
        )
    return Document(name, data, builder.positions, tuple(builder.issues), placeholder_free)


def _line_at(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1].strip()[:80] if 0 < line <= len(lines) else ""


#: Unicode's control characters (category Cc: U+0000-001F and U+007F-009F) but tab and newline,
#: and the surrogates (category Cs), which never belong in text read from a file.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _control_character(text: str) -> str | None:
    """The first control character (other than tab and newline) or lone surrogate in ``text``."""
    found = _CONTROL.search(text)
    return found.group() if found is not None else None


class _Builder:
    """Turn a composed YAML node tree into plain data, recording positions and issues.

    Aliases make the node tree a graph: ``budget`` bounds the nodes built (the composed
    ones plus ``MAX_ALIAS_NODES``), ``_open`` holds the nodes being built, so an alias to
    one of them (a cycle) is an issue rather than endless recursion.
    """

    def __init__(self, file: str, *, budget: int | None) -> None:
        self.file = file
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.issues: list[Issue] = []
        self._scalars = yaml.SafeLoader("")
        self._budget = budget
        self._open: set[int] = set()
        self.stopped = False

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        if self.stopped:
            return None
        if self._budget is not None:
            self._budget -= 1
            if self._budget < 0 or id(node) in self._open:
                self._limit(node, path)
                return None
        if len(path) > MAX_DEPTH:
            self._limit(node, path)
            return None
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
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if node.tag in _SCALAR_TAGS:
            return self._bad_tag(node, path, "a collection")
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return self._sequence(node, path)
        finally:
            self._open.discard(id(node))

    def _sequence(self, node: yaml.Node, path: PathKey) -> list[Any]:
        items = []
        for i, child in enumerate(node.value):
            item: PathKey = (*path, i)
            if self._plain(child, item):
                self.positions[item] = (child.start_mark.line + 1, child.start_mark.column + 1)
                items.append(child.value)
            else:
                items.append(self.build(child, item))
        return items

    def _plain(self, node: yaml.Node, path: PathKey) -> bool:
        """True for plain text that :meth:`build` would return as is, with no issue, no limit, no budget to count.

        The caller then takes ``node.value`` itself (most nodes of a zone file: the saving is a call each).
        """
        return (
            self._budget is None
            and node.tag == _STR_TAG
            and node.__class__ is yaml.ScalarNode
            and len(path) <= MAX_DEPTH
            and not self.stopped
            and not _CONTROL.search(node.value)
        )

    def _limit(self, node: yaml.Node, path: PathKey) -> None:
        """Stop building: an alias cycle, too many alias nodes, or nesting too deep."""
        self.stopped = True
        if id(node) in self._open:
            message, expected = "an alias refers to a node that contains it (a cycle)", "aliases to finished nodes"
        elif len(path) > MAX_DEPTH:
            message, expected = f"aliases nest the document more than {MAX_DEPTH} levels deep", f"at most {MAX_DEPTH}"
        else:
            message = f"aliases expand the document by more than {MAX_ALIAS_NODES:,} nodes (an 'alias bomb')"
            expected = f"at most {MAX_ALIAS_NODES:,} nodes added by aliases"
        self._add(
            node,
            path,
            "alias-limit",
            message,
            expected=expected,
            found="*alias",
            hint="write the data out instead of using anchors and aliases",
        )

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        if node.tag in (_YAML + "map", _YAML + "seq"):
            return self._bad_tag(node, path, "a scalar")
        if node.tag == _STR_TAG:
            bad = _control_character(node.value)
            if bad is not None:
                self._add(
                    node,
                    path,
                    "control-character",
                    f"the text contains the control character U+{ord(bad):04X}",
                    expected="printable text",
                    found=f"U+{ord(bad):04X}",
                    hint="remove the escape sequence (such as \\x1b or \\0) from the quoted text",
                )
                return None
            return node.value
        try:
            return self._scalars.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, KeyError, TypeError, OverflowError, IndexError, AttributeError) as exc:
            kind = node.tag.removeprefix(_YAML)
            self._add(
                node,
                path,
                "wrong-type",
                f"the value is not a valid {kind} ({str(exc).splitlines()[0][:80]})",
                expected=f"a {kind}",
                found=_clip(node.value),
                hint=f"write a valid {kind}, or quote the value to make it text",
            )
            return None

    def _bad_tag(self, node: yaml.Node, path: PathKey, found: str) -> None:
        kind = node.tag.removeprefix(_YAML)
        self._add(
            node,
            path,
            "wrong-type",
            f"the tag '!!{kind}' does not fit {found}",
            expected=f"a {kind}",
            found=found,
            hint=f"remove the '!!{kind}' tag",
        )

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if self.stopped:
                break
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
            if (
                key_node.tag == _STR_TAG
                and key_node.__class__ is yaml.ScalarNode
                and len(path) < MAX_DEPTH
                and not _CONTROL.search(key_node.value)
            ):
                key: Any = key_node.value  # a plain text key (most keys): what build() returns, without its bookkeeping
                if self._budget is not None:
                    self._budget -= 1
                    if self._budget < 0:
                        self._limit(key_node, (*path, "<key>"))
                        break
            else:
                key = self.build(key_node, (*path, "<key>"))
            if not isinstance(key, str | int | float | bool) and key is not None:
                self._add(
                    key_node,
                    path,
                    "wrong-type",
                    "a mapping key must be plain text",
                    expected="text",
                    found=type(key).__name__,
                    hint="write the key as a plain field name",
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
            if self._plain(value_node, child):
                result[key] = value_node.value  # what build() returns for plain text, without its bookkeeping
            else:
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


def _clip(value: object) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
