"""Checks across documents: the codebook's own consistency and every zone against it.

``validate`` never raises for bad input: it returns a :class:`ValidationReport` whose
``issues`` hold every problem found, each located by file, line, column and path.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .codebook import requires_cycle
from .documents import Document, suggest
from .errors import Issue
from .io import codebook_loader, shipped_data_dir, zone_loader
from .model import Codebook, Measure, Zone, date_bounds

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LoadedFiles", "ValidationReport", "check_codebook", "check_zones", "collect", "validate"]

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


# ----------------------------------------------------------------------------- codebook


def check_codebook(codebook: Codebook, document: Document) -> list[Issue]:
    """Consistency of one codebook: unique codes, known domains and requires, no cycle."""
    issues: list[Issue] = []
    issues += _duplicates(document, [d.code for d in codebook.domains], "domains", "code", "domain code")
    issues += _duplicates(document, [c.code for c in codebook.categories], "categories", "code", "category code")
    issues += _duplicates(document, [s.code for s in codebook.statuses], "statuses", "code", "status")
    issues += _duplicates(document, [str(d.depth) for d in codebook.depth_rule], "depth_rule", "depth", "depth")
    domains = set(codebook.domain_codes)
    codes = set(codebook.codes)
    for i, cat in enumerate(codebook.categories):
        if cat.domain not in domains:
            issues.append(
                document.issue(
                    "unknown-code",
                    ("categories", i, "domain"),
                    f"unknown domain '{cat.domain}'",
                    expected="a code listed under domains",
                    found=cat.domain,
                    hint=suggest(cat.domain, domains),
                )
            )
        elif cat.code.split(".")[0] != cat.domain:
            issues.append(
                document.issue(
                    "bad-value",
                    ("categories", i, "code"),
                    f"code '{cat.code}' does not start with its domain '{cat.domain}'",
                    expected=f"{cat.domain}.NAME",
                    found=cat.code,
                )
            )
        for j, req in enumerate(cat.requires):
            if req not in codes:
                issues.append(
                    document.issue(
                        "unknown-code",
                        ("categories", i, "requires", j),
                        f"requires unknown category '{req}'",
                        expected="a category code of this codebook",
                        found=req,
                        hint=suggest(req, codes),
                    )
                )
    cycle = requires_cycle(codebook)
    if cycle:
        index = codebook.codes.index(cycle[0])
        issues.append(
            document.issue(
                "requires-cycle",
                ("categories", index, "requires"),
                "the requires relation has a cycle",
                expected="no cycle",
                found=" -> ".join(cycle),
            )
        )
    return issues


def _duplicates(document: Document, values: list[str], section: str, key: str, what: str) -> list[Issue]:
    first: dict[str, int] = {}
    issues = []
    for i, value in enumerate(values):
        if value in first:
            line = document.position((section, first[value]))[0]
            issues.append(
                document.issue(
                    "duplicate-id",
                    (section, i, key),
                    f"{what} '{value}' is defined twice (first at line {line})",
                    expected=f"a unique {what}",
                    found=value,
                )
            )
        else:
            first[value] = i
    return issues


# ----------------------------------------------------------------------------- zones


def check_zones(
    zones: Sequence[tuple[Zone, Document]], codebook: Codebook, *, external_ids: Iterable[str] = ()
) -> list[Issue]:
    """Check zones against the codebook and against each other.

    ``external_ids`` are zone and measure ids that references may point to besides the
    zones checked (e.g. the shipped dataset when a user's own file is validated alone).
    """
    issues: list[Issue] = []
    zone_seen: dict[str, Document] = {}
    measure_seen: dict[str, tuple[Document, tuple[str | int, ...]]] = {}
    for zone, doc in zones:
        if zone.id in zone_seen:
            other = zone_seen[zone.id]
            issues.append(
                doc.issue(
                    "duplicate-id",
                    ("id",),
                    f"zone id '{zone.id}' is also used by {other.file}:{other.position(('id',))[0]}",
                    expected="a zone id used by one file only",
                    found=zone.id,
                )
            )
        zone_seen.setdefault(zone.id, doc)
        for i, measure in enumerate(zone.measures):
            path = ("measures", i, "id")
            if measure.id in measure_seen:
                odoc, opath = measure_seen[measure.id]
                issues.append(
                    doc.issue(
                        "duplicate-id",
                        path,
                        f"measure id '{measure.id}' is also used at {odoc.file}:{odoc.position(opath)[0]}",
                        expected="a measure id unique across all datasets",
                        found=measure.id,
                    )
                )
            else:
                measure_seen[measure.id] = (doc, path)
    known = set(zone_seen) | set(measure_seen) | set(external_ids)
    for zone, doc in zones:
        issues += _check_zone(zone, doc, codebook, known)
    return issues


def _check_zone(zone: Zone, doc: Document, codebook: Codebook, known: set[str]) -> list[Issue]:
    issues: list[Issue] = []
    issues += _duplicates(doc, [s.id for s in zone.sources], "sources", "id", "source id")
    if zone.parent is not None and zone.parent not in known:
        issues.append(
            doc.issue(
                "dangling-reference",
                ("parent",),
                f"parent '{zone.parent}' is not a known zone",
                expected="a zone id",
                found=zone.parent,
                hint=suggest(zone.parent, known),
            )
        )
    source_kinds = {s.id: s.kind for s in zone.sources}
    for i, measure in enumerate(zone.measures):
        base: tuple[str | int, ...] = ("measures", i)
        if not measure.id.startswith(zone.id + "."):
            issues.append(
                doc.issue(
                    "bad-id",
                    (*base, "id"),
                    f"measure id '{measure.id}' does not start with the zone id",
                    expected=f"{zone.id}.<slug>",
                    found=measure.id,
                    severity="warning",
                )
            )
        issues += _check_codes(measure.category, measure.secondary, base, doc, codebook)
        issues += _check_measure_refs(measure, base, doc, codebook, known, source_kinds)
    return issues


def _check_codes(
    primary: str, secondary: list[str], base: tuple[str | int, ...], doc: Document, codebook: Codebook
) -> list[Issue]:
    issues = []
    codes = set(codebook.codes)
    for path, code in [
        ((*base, "category"), primary),
        *[((*base, "secondary", j), c) for j, c in enumerate(secondary)],
    ]:
        if code not in codes:
            issues.append(
                doc.issue(
                    "unknown-code",
                    path,
                    f"unknown category code '{code}'",
                    expected="a category code of the codebook",
                    found=code,
                    hint=suggest(code, codes),
                )
            )
    for j, code in enumerate(secondary):
        if code == primary:
            issues.append(
                doc.issue(
                    "secondary-repeats-primary",
                    (*base, "secondary", j),
                    "a secondary category repeats the primary category",
                    expected="another category",
                    found=code,
                    severity="warning",
                )
            )
    return issues


def _check_measure_refs(
    measure: Measure,
    base: tuple[str | int, ...],
    doc: Document,
    codebook: Codebook,
    known: set[str],
    source_kinds: Mapping[str, str],
) -> list[Issue]:
    issues = []
    if measure.status not in codebook.status_codes:
        issues.append(
            doc.issue(
                "unknown-status",
                (*base, "status"),
                f"unknown status '{measure.status}'",
                expected=" | ".join(codebook.status_codes),
                found=measure.status,
                hint=suggest(measure.status, codebook.status_codes),
            )
        )
    if measure.depth not in codebook.depths:
        issues.append(
            doc.issue(
                "bad-depth",
                (*base, "depth"),
                f"depth {measure.depth} is not defined by the codebook's depth rule",
                expected=" | ".join(map(str, codebook.depths)),
                found=str(measure.depth),
            )
        )
    if measure.start and measure.end and date_bounds(measure.end)[1] < date_bounds(measure.start)[0]:
        issues.append(
            doc.issue(
                "end-before-start",
                (*base, "end"),
                f"the measure ends ({measure.end}) before it starts ({measure.start})",
                expected=f"an end on or after {measure.start}",
                found=measure.end,
            )
        )
    if measure.inspired_by is not None and measure.inspired_by not in known:
        issues.append(
            doc.issue(
                "dangling-reference",
                (*base, "inspired_by"),
                f"inspired_by '{measure.inspired_by}' is not a known zone or measure id",
                expected="a zone id or measure id",
                found=measure.inspired_by,
                hint=suggest(measure.inspired_by, known),
            )
        )
    cited = [((*base, "evidence", j, "source"), e.source) for j, e in enumerate(measure.evidence)]
    cited += [((*base, "indicators", j, "source"), ind.source) for j, ind in enumerate(measure.indicators)]
    for path, source_id in cited:
        if source_id not in source_kinds:
            issues.append(
                doc.issue(
                    "unknown-source",
                    path,
                    f"source '{source_id}' is not listed under sources",
                    expected="an id from this file's sources",
                    found=source_id,
                    hint=suggest(source_id, set(source_kinds)),
                )
            )
    kinds = {source_kinds.get(e.source) for e in measure.evidence}
    if measure.confidence == "high" and kinds == {"reprint"}:
        issues.append(
            doc.issue(
                "reprint-only-high",
                (*base, "confidence"),
                "confidence 'high' rests only on reprints",
                expected="medium or low, or a primary/news source",
                found="high",
            )
        )
    return issues


def check_raw_codes(doc: Document, codebook: Codebook) -> list[Issue]:
    """Unknown category codes and statuses in a zone document that did not pass the schema.

    Reads the plain data, so that one structural error does not hide the code errors of
    the same file: every problem is reported in one run.
    """
    measures = doc.data.get("measures") if isinstance(doc.data, dict) else None
    if not isinstance(measures, list):
        return []
    issues: list[Issue] = []
    for i, raw in enumerate(measures):
        if not isinstance(raw, dict):
            continue
        base: tuple[str | int, ...] = ("measures", i)
        primary = raw.get("category")
        secondary = raw.get("secondary")
        if isinstance(primary, str):
            issues += _check_codes(
                primary,
                [c for c in secondary if isinstance(c, str)] if isinstance(secondary, list) else [],
                base,
                doc,
                codebook,
            )
        status = raw.get("status")
        if isinstance(status, str) and status not in codebook.status_codes:
            issues.append(
                doc.issue(
                    "unknown-status",
                    (*base, "status"),
                    f"unknown status '{status}'",
                    expected=" | ".join(codebook.status_codes),
                    found=status,
                    hint=suggest(status, codebook.status_codes),
                )
            )
    return [i for i in issues if i.code != "secondary-repeats-primary"]


# ----------------------------------------------------------------------------- files


@dataclass
class LoadedFiles:
    """What ``collect`` read: the codebook, the zones that parsed, and every issue."""

    codebook: Codebook | None
    codebook_file: str
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
    paths: Sequence[str | os.PathLike[str]] | None = None, *, codebook_path: str | os.PathLike[str] | None = None
) -> LoadedFiles:
    """Read and check a set of files (None = the shipped dataset). Never raises for bad input."""
    found_codebook, zone_paths, issues = _expand([shipped_data_dir()] if paths is None else list(paths))
    cb_path = Path(codebook_path) if codebook_path else (found_codebook or shipped_data_dir() / "codebook.yaml")
    codebook, cb_doc, cb_issues = codebook_loader(cb_path, _display(cb_path))
    loaded = LoadedFiles(codebook, cb_doc.file, files=[cb_doc.file], issues=issues + cb_issues)
    if codebook is not None:
        loaded.issues += check_codebook(codebook, cb_doc)
    for path in dict.fromkeys(zone_paths):
        zone, doc, zone_issues = zone_loader(path, _display(path))
        loaded.files.append(doc.file)
        loaded.issues += zone_issues
        if zone is not None:
            loaded.zones.append((zone, doc))
        elif codebook is not None:  # still report unknown codes of a file that failed the schema
            reported = {i.path for i in zone_issues}
            loaded.issues += [i for i in check_raw_codes(doc, codebook) if i.path not in reported]
    if codebook is not None:
        external = _shipped_ids() if paths is not None else set()
        loaded.issues += check_zones(loaded.zones, codebook, external_ids=external)
    loaded.issues.sort(key=lambda i: (i.file, i.line, i.column, i.code))
    return loaded


def _shipped_ids() -> set[str]:
    """Zone and measure ids of the shipped data (empty when it is not installed)."""
    try:
        shipped = shipped_data_dir()
    except FileNotFoundError:
        return set()
    files = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted((shipped / "zones").glob("*.yaml")))
    return set(_ids_of(files))


@functools.lru_cache(maxsize=4)
def _ids_of(files: tuple[tuple[str, int, int], ...]) -> frozenset[str]:
    """Ids in these files; cached on (path, mtime, size) so a changed file is read again."""
    ids: set[str] = set()
    for path, _mtime, _size in files:
        zone, _doc, _issues = zone_loader(path)
        if zone is not None:
            ids.add(zone.id)
            ids.update(m.id for m in zone.measures)
    return frozenset(ids)


def _display(path: Path) -> str:
    """Name a file relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def validate(
    paths: Sequence[str | os.PathLike[str]] | None = None, *, codebook: str | os.PathLike[str] | None = None
) -> ValidationReport:
    """Validate zone files and folders (None = the shipped dataset) against a codebook.

    Parameters
    ----------
    paths : sequence of path-like, optional
        Zone files and dataset folders (a folder with ``codebook.yaml`` and ``zones/``, or a
        folder of zone files). None validates the shipped data.
    codebook : path-like, optional
        The codebook to check against; default: the one in a given folder, else the shipped one.

    Returns
    -------
    ValidationReport

    Examples
    --------
    >>> report = validate()
    >>> report.valid
    True
    """
    loaded = collect(paths, codebook_path=codebook)
    return ValidationReport(tuple(loaded.issues), tuple(loaded.files))
