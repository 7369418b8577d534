"""Validated zone files on disk: a file read and checked once is read back in under 2 ms.

Reading a zone file costs about 11 ms (YAML with the line of every field, the schema, the
checks); at national scale (2,500 files, 195 MB) that is most of a load (2,500 synthetic zones
on 2 cores: load 28 s afresh, 4.5 s from the cache). After a file has been
read and found free of errors, its validated content is kept in the cache folder with what the
checks of that file alone found (warnings, located), under a key made of

- the SHA-256 of the file's bytes,
- the policybench version and a hash of the source of the modules that decide what is valid
  (so a changed rule never reuses an old verdict, even between releases) and of the versions of
  PyYAML and pydantic,
- a hash of the codebook's validated content, and :data:`FORMAT`.

A later read of the same bytes against the same codebook takes the zone from the entry instead.
The checks that look across files (duplicate ids, references to other zones, parent cycles)
always run again. A file with an error is never stored, so its errors are found afresh each time.

The entry is JSON and plain text, never pickle: a first line (the key, the SHA-256 of the rest,
the issues) and the zone as pydantic JSON, which is validated again by the model (in pydantic's
Rust core, faster than building the models in Python), so even an entry that was tampered with
cannot produce a zone the schema refuses; an entry whose key or hash does not match, or that
cannot be read, is ignored and written anew. Entries are written to a temporary file and renamed.

The folder is ``<cache folder>/zones`` (the cache folder: ``$POLICYBENCH_CACHE_DIR``, else
``$XDG_CACHE_HOME/policybench``, else ``~/.cache/policybench``); a folder that cannot be created
or written is simply not used. ``load_dataset(..., cache=False)``, ``validate(..., cache=False)``
or ``POLICYBENCH_NO_CACHE=1`` read every file afresh.

Positions: a zone taken from the cache has a :class:`~policybench.data.documents.Document`
without data whose positions are read again from the file the first time an issue needs one
(only a check across files can ask, and then only for an error).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._cachedir import cache_dir
from .._version import __version__
from ..errors import Issue
from .documents import Document, PathKey, max_file_size, read_document
from .model import Codebook, Zone

__all__ = [
    "DISABLE_ENV",
    "FORMAT",
    "Entry",
    "ZoneCache",
    "cache_enabled",
    "ids_key",
    "lazy_document",
    "store_ids",
    "stored_ids",
]

#: Layout of an entry; raise it when the layout or the meaning of its content changes.
FORMAT = 1
#: Environment variable that turns the cache off (any value but '' and '0').
DISABLE_ENV = "POLICYBENCH_NO_CACHE"
#: The modules whose rules decide what a valid zone file is and what its checks find.
_RULE_MODULES = ("documents", "io", "model", "checks", "cells", "codebook", "protocol", "validate", "zonecache")
_SEVERITIES = frozenset({"error", "warning"})
_STAGES = ("read", "checks", "protocol")


def cache_enabled(cache: bool = True) -> bool:
    """``cache``, unless ``POLICYBENCH_NO_CACHE`` is set (to anything but '' or '0').

    >>> cache_enabled(False)
    False
    """
    return cache and os.environ.get(DISABLE_ENV, "").strip() in ("", "0")


@functools.lru_cache(maxsize=1)
def _rules_fingerprint() -> str:
    """SHA-256 of the rules' source and of the versions of PyYAML and pydantic ('' when a source cannot be read)."""
    import pydantic
    import yaml

    digest = hashlib.sha256(f"pyyaml {yaml.__version__} pydantic {pydantic.VERSION}\0".encode())
    here = Path(__file__).resolve().parent
    try:
        for name in _RULE_MODULES:
            digest.update(name.encode() + b"\0" + (here / f"{name}.py").read_bytes() + b"\0")
    except OSError:
        return ""
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    """A zone read from the cache, with the issues its file's own checks found (files named '').

    ``read``: what reading found (warnings only: a file with an error is never stored);
    ``checks``: :func:`~policybench.data.checks.check_zone_alone`; ``protocol``:
    :func:`~policybench.data.protocol.check_protocol`.
    """

    zone: Zone
    read: tuple[Issue, ...]
    checks: tuple[Issue, ...]
    protocol: tuple[Issue, ...]

    def issues(self, stage: str, file: str) -> list[Issue]:
        """The issues of ``stage`` ('read', 'checks' or 'protocol'), in ``file``."""
        return [_in_file(i, file) for i in getattr(self, stage)]


def _in_file(issue: Issue, file: str) -> Issue:
    return Issue(
        file,
        issue.line,
        issue.column,
        issue.code,
        issue.path,
        issue.message,
        issue.expected,
        issue.found,
        issue.hint,
        issue.severity,
    )


class ZoneCache:
    """The cache entries of zone files checked against one codebook (see the module docstring)."""

    def __init__(self, folder: Path, codebook: Codebook) -> None:
        self.folder = folder
        self.codebook = hashlib.sha256(codebook.model_dump_json(by_alias=True).encode()).hexdigest()
        self._writable = True

    @classmethod
    def open(cls, codebook: Codebook, *, cache: bool = True) -> ZoneCache | None:
        """The cache for ``codebook``, or None when it is turned off."""
        if not cache_enabled(cache):
            return None
        return cls(cache_dir() / "zones", codebook)

    def key(self, digest: str) -> dict[str, Any]:
        """What an entry for a file with SHA-256 ``digest`` must have been made from."""
        return {
            "format": FORMAT,
            "version": __version__,
            "rules": _rules_fingerprint(),
            "codebook": self.codebook,
            "file": digest,
        }

    def path(self, digest: str) -> Path:
        """The entry's file."""
        name = hashlib.sha256(json.dumps(self.key(digest), sort_keys=True).encode()).hexdigest()[:40]
        return self.folder / f"{name}.json"

    def get(self, digest: str) -> Entry | None:
        """The entry for a file whose bytes hash to ``digest``; None when missing, unreadable or not matching."""
        try:
            with self.path(digest).open("rb") as handle:
                raw = handle.read(_max_entry_bytes() + 1)
        except OSError:
            return None
        if len(raw) > _max_entry_bytes():  # not an entry of ours: never read whole
            return None
        head, newline, body = raw.partition(b"\n")
        try:
            header = json.loads(head)
            if not newline or not isinstance(header, dict) or header.get("key") != self.key(digest):
                return None
            if header.get("body") != hashlib.sha256(body).hexdigest():
                return None
            stages = [tuple(_issue(item) for item in header["issues"][stage]) for stage in _STAGES]
            if any(i.severity == "error" for stage in stages for i in stage):
                return None  # never stored by put(): not an entry of ours
            zone = Zone.model_validate_json(body)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):  # bad JSON, a wrong shape, ...
            return None  # ... or a zone the schema refuses
        return Entry(zone, *stages)

    def put(self, digest: str, zone: Zone, read: list[Issue], checks: list[Issue], protocol: list[Issue]) -> bool:
        """Store a validated zone; nothing is stored when any issue is an error or the folder cannot be written."""
        if not self._writable or any(i.severity == "error" for i in (*read, *checks, *protocol)):
            return False
        body = zone.model_dump_json(by_alias=True, exclude_unset=True).encode("utf-8")
        header = {
            "key": self.key(digest),
            "body": hashlib.sha256(body).hexdigest(),
            "issues": {
                stage: [_record(i) for i in items]
                for stage, items in zip(_STAGES, (read, checks, protocol), strict=True)
            },
        }
        blob = json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n" + body
        target = self.path(digest)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(blob)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            self._writable = False  # a read-only or full folder: stop trying for this load
            return False
        return True


def _max_entry_bytes() -> int:
    """The largest entry read: twice the largest zone file read, and 1 MB for its issues."""
    return 2 * max_file_size() + 1_000_000


def _record(issue: Issue) -> list[Any]:
    return [
        issue.line,
        issue.column,
        issue.code,
        issue.path,
        issue.message,
        issue.expected,
        issue.found,
        issue.hint,
        issue.severity,
    ]


def _issue(item: Any) -> Issue:
    """An issue of an entry's header (file ''); ValueError for anything but the exact shape."""
    if not isinstance(item, list) or len(item) != 9:
        raise ValueError("not an issue record")
    line, column, *texts = item
    if type(line) is not int or type(column) is not int or not all(isinstance(t, str) for t in texts):
        raise ValueError("not an issue record")
    code, path, message, expected, found, hint, severity = texts
    if severity not in _SEVERITIES:
        raise ValueError("not a severity")
    return Issue(
        "", line, column, code, path, message, expected, found, hint, "error" if severity == "error" else "warning"
    )


class _Reread(Mapping[PathKey, tuple[int, int]]):
    """Positions of a file whose zone came from the cache: the file is read again when one is first asked for.

    A read-only mapping: ``get``, ``in``, ``keys`` and the rest come from :class:`~collections.abc.Mapping`
    through the three methods below, each of which reads the file first.
    """

    def __init__(self, path: Path, display: str) -> None:
        self._source = (path, display)
        self._positions: Mapping[PathKey, tuple[int, int]] | None = None

    def _read(self) -> Mapping[PathKey, tuple[int, int]]:
        if self._positions is None:
            path, display = self._source
            self._positions = read_document(path, display=display).positions
        return self._positions

    def __getitem__(self, key: PathKey) -> tuple[int, int]:
        return self._read()[key]

    def __iter__(self) -> Iterator[PathKey]:
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())


def lazy_document(path: Path, display: str) -> Document:
    """The Document of a zone file read already (or taken from the cache): no data, positions read again on demand."""
    return Document(display, None, _Reread(path, display), (), placeholder_free=True)


# ----------------------------------------------------------------------------- ids of the shipped zones


def ids_key(files: list[Path]) -> str | None:
    """Hash of the names and bytes of ``files`` (with :data:`FORMAT` and the version); None when one cannot be read."""
    digest = hashlib.sha256(f"ids {FORMAT} {__version__}".encode())
    try:
        for file in files:
            digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()


def _ids_path(key: str) -> Path:
    return cache_dir() / "shipped-ids" / f"{key[:40]}.json"


def stored_ids(key: str) -> frozenset[str] | None:
    """The zone and measure ids stored under ``key`` (by :func:`store_ids`); None when missing or not matching."""
    try:
        with _ids_path(key).open("rb") as handle:
            raw = handle.read(_max_entry_bytes() + 1)
        if len(raw) > _max_entry_bytes():
            return None
        data = json.loads(raw)
        ids = data["ids"]
        if data["key"] != key or not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return None
        if data["hash"] != hashlib.sha256("\n".join(ids).encode()).hexdigest():
            return None
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None
    return frozenset(ids)


def store_ids(key: str, ids: set[str] | frozenset[str]) -> None:
    """Keep ``ids`` under ``key`` (atomic; a folder that cannot be written is skipped)."""
    listed = sorted(ids)
    blob = json.dumps({"key": key, "hash": hashlib.sha256("\n".join(listed).encode()).hexdigest(), "ids": listed})
    target = _ids_path(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(blob)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return
