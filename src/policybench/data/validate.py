"""Validate a set of files: read them, run the checks of :mod:`policybench.data.checks`, report.

``validate`` never raises for bad input: it returns a :class:`ValidationReport` whose
``issues`` hold every problem found, each located by file, line, column and path.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .._params import check_path, check_paths, check_type
from ..errors import Issue
from .checks import check_codebook, check_placeholders, check_raw_codes, check_zone_alone, check_zones
from .documents import Document, parse_bytes, read_bytes
from .io import codebook_loader, document_model, shipped_data_dir, zone_loader
from .model import Codebook, Zone
from .protocol import check_protocol
from .zonecache import ZoneCache, cache_enabled, ids_key, lazy_document, store_ids, stored_ids

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LoadedFiles", "ValidationReport", "collect", "shipped_ids", "validate"]

ISSUE_COLUMNS = ["file", "line", "column", "severity", "code", "path", "message", "expected", "found", "hint"]


@dataclass(frozen=True)
class ValidationReport:
    """The result of a validation: every issue found, as data.

    Attributes
    ----------
    issues : tuple of Issue
        Sorted by file, line, column.
    files : tuple of str
        The files that were read.
    """

    issues: tuple[Issue, ...]
    files: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """True when no issue is an error (warnings allowed)."""
        return not self.errors

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The issues of severity 'error'."""
        return tuple(i for i in self.issues if i.severity == "error")

    def to_frame(self) -> pd.DataFrame:
        """Issues as a DataFrame.

        Columns: file, line, column, severity, code, path, message, expected, found, hint.
        """
        import pandas as pd

        return pd.DataFrame([{c: getattr(i, c) for c in ISSUE_COLUMNS} for i in self.issues], columns=ISSUE_COLUMNS)

    def to_json(self) -> str:
        """The report as JSON: ``{"valid", "files", "issues": [...]}``."""
        payload = {
            "valid": self.valid,
            "files": list(self.files),
            "issues": [{c: getattr(i, c) for c in ISSUE_COLUMNS} for i in self.issues],
        }
        return json.dumps(payload, ensure_ascii=False, indent=2)

    def format_text(self) -> str:
        """Issues grouped by file, one line each, then a one-line summary."""
        lines: list[str] = []
        current = None
        for issue in self.issues:
            if issue.file != current:
                current = issue.file
                lines.append(f"{issue.file}")
            where = f"{issue.line}:{issue.column}" if issue.line else "-"
            text = f"  {where} {issue.path or '<root>'}: {issue.severity} [{issue.code}] {issue.message}"
            if issue.expected or issue.found:
                text += f"\n      expected: {issue.expected or '-'}\n      found:    {issue.found or '-'}"
            if issue.hint:
                text += f"\n      hint:     {issue.hint}"
            lines.append(text)
        n_err = len(self.errors)
        n_warn = len(self.issues) - n_err
        verdict = "valid" if self.valid else "INVALID"
        lines.append(f"{verdict}: {len(self.files)} file(s) read, {n_err} error(s), {n_warn} warning(s)")
        return "\n".join(lines)


# ----------------------------------------------------------------------------- files


@dataclass
class LoadedFiles:
    """What ``collect`` read: the codebook, the zones that parsed, and every issue.

    The Document beside each zone has no data; its positions are read again from the file when
    an issue asks for one (:func:`policybench.data.zonecache.lazy_document`).
    """

    codebook: Codebook | None
    zones: list[tuple[Zone, Document]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _expand(paths: Sequence[str | os.PathLike[str]]) -> tuple[Path | None, list[Path], list[Issue]]:
    """Split the given paths into a codebook file and zone files."""
    codebook: Path | None = None
    zones: list[Path] = []
    issues: list[Issue] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            if (path / "codebook.yaml").is_file():
                codebook = path / "codebook.yaml"
            folder = path / "zones" if (path / "zones").is_dir() else path
            found = sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"} and p.name != "codebook.yaml")
            if not found:
                issues.append(
                    Issue(
                        str(path),
                        0,
                        0,
                        "no-zones",
                        "",
                        "no zone files (*.yaml) in this folder",
                        expected="one or more zone files",
                        found="none",
                    )
                )
            zones += found
        elif path.name == "codebook.yaml":
            codebook = path
        elif not path.exists():
            issues.append(
                Issue(
                    str(path),
                    0,
                    0,
                    "file-not-found",
                    "",
                    "no such file or folder",
                    expected="a zone file or a dataset folder",
                    found=str(path),
                )
            )
        else:
            zones.append(path)
    return codebook, zones, issues


def collect(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    codebook_path: str | os.PathLike[str] | None = None,
    protocol: bool = False,
    cache: bool = True,
) -> LoadedFiles:
    """Read and check a set of files (None = the shipped dataset). Never raises for bad input.

    ``protocol=True`` adds the coding protocol's checks (:mod:`policybench.data.protocol`), which
    ``validate`` runs and loading does not. Python's cyclic garbage collector is paused meanwhile:
    reading builds millions of small acyclic objects, and its passes over the growing heap made
    reading time grow faster than the number of files (500 synthetic zones: 16.6 s with it, 6.5 s
    without); it runs again as soon as the files are read.

    ``cache=True``: a zone file read before with the same bytes and codebook, and found free of
    errors then, is taken from the cache of validated files (:mod:`policybench.data.zonecache`)
    with the issues its own checks found; a file read afresh and free of errors is stored there.
    The Documents of the zones that were read have no data: their positions are read again from
    the file if an issue needs one, so that a large set of files is not held twice in memory.
    """
    with _collector_paused():
        return _collect(paths, codebook_path, protocol, cache)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) for the block; restore it after, whatever happens."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def _collect(
    paths: Sequence[str | os.PathLike[str]] | None,
    codebook_path: str | os.PathLike[str] | None,
    protocol: bool,
    cache: bool,
) -> LoadedFiles:
    found_codebook, zone_paths, issues = _expand([shipped_data_dir()] if paths is None else list(paths))
    cb_path = Path(codebook_path) if codebook_path else (found_codebook or shipped_data_dir() / "codebook.yaml")
    codebook, cb_doc, cb_issues = codebook_loader(cb_path, _display(cb_path))
    loaded = LoadedFiles(codebook, files=[cb_doc.file], issues=issues + cb_issues)
    if codebook is not None:
        loaded.issues += check_codebook(codebook, cb_doc)
    store = ZoneCache.open(codebook, cache=cache) if codebook is not None else None
    alone: list[list[Issue]] = []  # each zone's checks against the codebook alone (check_zone_alone)
    by_protocol: list[list[Issue]] = []  # each zone's protocol issues
    held: set[tuple[str, str]] = set()  # (file, path) of the skeleton placeholders left in place
    cwd = Path.cwd().resolve()
    for path, resolved in _unique_files(zone_paths):
        display = _display(path, resolved, cwd)
        raw = read_bytes(path, display=display)
        digest = hashlib.sha256(raw).hexdigest() if store is not None and isinstance(raw, bytes) else ""
        entry = store.get(digest) if store is not None and digest else None
        if entry is not None:
            loaded.files.append(display)
            loaded.issues += entry.issues("read", display)
            loaded.zones.append((entry.zone, lazy_document(path, display)))
            alone.append(entry.issues("checks", display))
            by_protocol.append(entry.issues("protocol", display) if protocol else [])
            continue
        doc = raw if isinstance(raw, Document) else parse_bytes(raw, display)
        zone, zone_issues = document_model(doc, Zone)
        loaded.files.append(doc.file)
        placeholders = check_placeholders(doc)
        held.update((doc.file, i.path) for i in placeholders)
        if zone is None and codebook is not None:
            # a file that failed the schema: still report its unknown codes, statuses and depths, in
            # the codebook's words (with a did-you-mean) rather than the schema's pattern
            by_codes = check_raw_codes(doc, codebook)
            replaced = {i.path for i in by_codes}
            zone_issues = [i for i in zone_issues if i.path not in replaced] + by_codes
        loaded.issues += zone_issues + placeholders
        if zone is not None:
            own = check_zone_alone(zone, doc, codebook) if codebook is not None else []
            rules = check_protocol(zone, doc) if protocol or store is not None else []
            alone.append(own)
            by_protocol.append(rules)
            if store is not None and digest:
                store.put(digest, zone, zone_issues + placeholders, own, rules)
            # what is left to check (across files) needs a position only for an error: the file is read
            # again then, and its plain data and positions (three times the zone's memory) are let go now
            loaded.zones.append((zone, lazy_document(path, display)))
    if codebook is not None:
        external = shipped_ids(cache=cache) if paths is not None and loaded.zones else set()  # no zone: no lookups
        loaded.issues += check_zones(loaded.zones, codebook, external_ids=external, alone=alone)
    if protocol:
        loaded.issues += [issue for rules in by_protocol for issue in rules]
    # a placeholder left in place is the one thing to say about its field
    loaded.issues = [i for i in loaded.issues if (i.file, i.path) not in held or i.code == "placeholder"]
    loaded.issues.sort(key=lambda i: (i.file, i.line, i.column, i.code))
    return loaded


def _unique_files(paths: list[Path]) -> list[tuple[Path, Path]]:
    """``paths`` without repeats of the same file (compared resolved), first occurrence kept; each with its resolved path."""
    seen: dict[Path, Path] = {}
    for path in paths:
        seen.setdefault(path.resolve(), path)
    return [(path, resolved) for resolved, path in seen.items()]


def shipped_ids(*, cache: bool = True) -> set[str]:
    """Zone and measure ids of the shipped data (empty when it is not installed).

    ``cache=True``: kept in the cache folder too, under a hash of the files' names and bytes
    (:func:`policybench.data.zonecache.stored_ids`), so a new process does not read them again.
    """
    try:
        shipped = shipped_data_dir()
    except FileNotFoundError:
        return set()
    files = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted((shipped / "zones").glob("*.yaml")))
    return set(_ids_of(files, cache_enabled(cache)))


@functools.lru_cache(maxsize=4)
def _ids_of(files: tuple[tuple[str, int, int], ...], cache: bool) -> frozenset[str]:
    """Ids in these files; cached on (path, mtime, size) so a changed file is read again.

    The shipped files are composed by libyaml when it is there (ten times faster than the checked,
    line-tracking loader; ``validate`` of one file waits for this); a file it cannot read that
    way goes through the full loader.
    """
    key = ids_key([Path(path) for path, _mtime, _size in files]) if cache else None
    stored = stored_ids(key) if key else None
    if stored is not None:
        return stored
    ids: set[str] = set()
    for path, _mtime, _size in files:
        found = _quick_ids(path)
        if found is None:
            zone, _doc, _issues = zone_loader(path)
            found = {zone.id, *(m.id for m in zone.measures)} if zone is not None else set()
        ids.update(found)
    if key:
        store_ids(key, ids)
    return frozenset(ids)


def _quick_ids(path: str) -> set[str] | None:
    """The zone id and measure ids of a shipped file, from libyaml's node tree; None when that fails."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    try:
        with open(path, "rb") as handle:
            node = yaml.compose(handle, Loader=loader)
        if node is None:
            return None
        top = {key.value: value for key, value in node.value}
        ids = [top["id"].value]
        for item in top["measures"].value if "measures" in top else []:
            ids += [value.value for key, value in item.value if key.value == "id"]
    except Exception:  # anything unexpected: the full loader reads it
        return None
    return set(ids) if all(isinstance(i, str) for i in ids) else None


def _display(path: Path, resolved: Path | None = None, cwd: Path | None = None) -> str:
    """Name a file relative to the working directory when it is below it.

    ``resolved`` and ``cwd``: ``path.resolve()`` and ``Path.cwd().resolve()`` when known already
    (thousands of files: each resolve is a few system calls).
    """
    try:
        return str((resolved or path.resolve()).relative_to(cwd or Path.cwd().resolve()))
    except ValueError:
        return str(path)


def validate(
    paths: Sequence[str | os.PathLike[str]] | None = None,
    *,
    codebook: str | os.PathLike[str] | None = None,
    cache: bool = True,
) -> ValidationReport:
    """Validate zone files and folders (None = the shipped dataset) against a codebook.

    Besides the schema and cross-file checks that loading also runs, ``validate`` applies
    the coding protocol's checkable rules (:mod:`policybench.data.protocol`,
    docs/coding-protocol.md): a loadable file may still break the protocol.

    Parameters
    ----------
    paths : sequence of path-like, optional
        Zone files and dataset folders (a folder with ``codebook.yaml`` and ``zones/``, or a
        folder of zone files). None validates the shipped data.
    codebook : path-like, optional
        The codebook to check against; default: the one in a given folder, else the shipped one.
    cache : bool, default True
        Take files validated before (same bytes, same codebook, no error then) from the cache of
        validated files, and store the ones read afresh (:mod:`policybench.data.zonecache`);
        the report is the same either way. ``POLICYBENCH_NO_CACHE=1`` also turns it off.

    Returns
    -------
    ValidationReport

    Examples
    --------
    >>> report = validate()
    >>> report.valid
    True
    """
    if paths is not None:
        check_paths("validate", "paths", paths)
    if codebook is not None:
        check_path("validate", "codebook", codebook)
    check_type("validate", "cache", cache, bool, "a bool")
    loaded = collect(paths, codebook_path=codebook, protocol=True, cache=cache)
    return ValidationReport(tuple(loaded.issues), tuple(loaded.files))
