"""The :class:`Dataset` (a codebook plus zones) and the ``load_*`` functions."""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .._params import (
    STATUS,
    Bool,
    Date,
    FilePath,
    FilePaths,
    Instances,
    Maybe,
    Str,
    check_path,
    check_type,
    validate_params,
)
from ..errors import DataValidationError, InputError, Issue, UnknownIdError
from .checks import check_codebook, check_zones
from .documents import suggest
from .io import codebook_loader, shipped_data_dir, zone_loader
from .model import Codebook, Measure, Zone
from .states import ZoneStates, zone_states
from .validate import collect

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Dataset", "load_codebook", "load_dataset", "load_zone"]

T = TypeVar("T")


@dataclass(frozen=True)
class Dataset:
    """A codebook and the zones coded with it. Immutable: what-if changes make a copy.

    Attributes
    ----------
    codebook : Codebook
    zones : tuple of Zone
        In file-name order (the order never changes a result).
    files : dict
        Zone id -> the file it was read from ('' for zones built in code).
    data_version : str
        Version of the data (``datasets/VERSION`` of the folder read; see datasets/CHANGES.md),
        '' when the files carry none (zone files given one by one, zones built in code).
    """

    codebook: Codebook
    zones: tuple[Zone, ...]
    files: dict[str, str] = field(default_factory=dict, compare=False)
    data_version: str = field(default="", compare=False)

    _by_id: dict[str, Zone] = field(init=False, repr=False, compare=False)
    _derived: dict[Any, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_type("Dataset", "codebook", self.codebook, Codebook, "a Codebook (see load_codebook)")
        if not isinstance(self.zones, tuple | list) or not all(isinstance(z, Zone) for z in self.zones):
            raise InputError(
                f"The 'zones' parameter of Dataset must be a tuple of Zone. Got {type(self.zones).__name__} instead."
            )
        by_id = {z.id: z for z in self.zones}  # zone() looks up by dictionary
        if len(by_id) != len(self.zones):
            counts = Counter(z.id for z in self.zones)
            dup = sorted(i for i, n in counts.items() if n > 1)
            raise InputError(f"duplicate zone ids in the dataset: {', '.join(dup)}")
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_derived", {})

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, computed once per dataset and ``key`` (the dataset is immutable, so is the result).

        For results that depend on the data alone and are read many times (the data hash, a text
        index fitted on every measure); a what-if copy is a new dataset with nothing derived yet.
        """
        if key not in self._derived:
            self._derived[key] = make()
        return cast(T, self._derived[key])

    def __repr__(self) -> str:
        n = sum(len(z.measures) for z in self.zones)
        return f"<Dataset: {len(self.zones)} zones, {n} measures, codebook {self.codebook.version}>"

    def _repr_html_(self) -> str:
        import html

        from .codebook import is_counted

        counted = self.codebook.counted_statuses
        rows = "".join(
            f"<tr><td><code>{html.escape(z.id)}</code></td><td>{html.escape(z.name.zh)}</td>"
            f"<td>{html.escape(z.name.en)}</td><td>{len(z.measures)}</td>"
            f"<td>{sum(is_counted(m, counted) for m in z.measures)}</td></tr>"
            for z in self.zones
        )
        n = sum(len(z.measures) for z in self.zones)
        return (
            f"<div><strong>Dataset</strong>: {len(self.zones)} zones, {n} measures, codebook "
            f"{html.escape(self.codebook.version)}<table><tr><th>zone_id</th><th>name (zh)</th><th>name (en)</th>"
            f"<th>measures</th><th>counted</th></tr>{rows}</table></div>"
        )

    @property
    def zone_ids(self) -> tuple[str, ...]:
        """Zone ids in dataset order."""
        return tuple(z.id for z in self.zones)

    @validate_params({"zone_id": Str(empty=True)}, name="Dataset.zone")
    def zone(self, zone_id: str) -> Zone:
        """The zone with this id; :class:`UnknownIdError` names the close matches."""
        zone = self._by_id.get(zone_id)
        if zone is not None:
            return zone
        hint = suggest(zone_id, self.zone_ids)
        raise UnknownIdError(
            f"unknown zone id '{zone_id}'" + (f" ({hint})" if hint else f"; known: {', '.join(self.zone_ids)}")
        )

    def measures(self) -> Iterator[tuple[Zone, Measure]]:
        """Every (zone, measure) pair."""
        for zone in self.zones:
            for measure in zone.measures:
                yield zone, measure

    @validate_params({"measure_id": Str(empty=True)}, name="Dataset.measure")
    def measure(self, measure_id: str) -> Measure:
        """The measure with this id (the first, should ids repeat; :class:`UnknownIdError` if absent).

        Looked up in a map of every measure by id, built once per dataset.
        """
        found = self.derived("measure-by-id", self._first_by_id).get(measure_id)
        if found is None:
            raise UnknownIdError(f"unknown measure id '{measure_id}'")
        return found

    def _first_by_id(self) -> dict[str, Measure]:
        first: dict[str, Measure] = {}
        for _zone, measure in self.measures():
            first.setdefault(measure.id, measure)
        return first

    @validate_params({"date": Date()}, name="Dataset.as_of")
    def as_of(self, date: str) -> Dataset:
        """The data as it stood at ``date`` (YYYY, YYYY-MM or YYYY-MM-DD); rules in :mod:`policybench.data.asof`."""
        from .asof import dataset_as_of

        return dataset_as_of(self, date)

    @validate_params({"zones": Instances("Zone")}, name="Dataset.replace_zones")
    def replace_zones(self, zones: Sequence[Zone]) -> Dataset:
        """A copy with ``zones`` in place of the current ones (same codebook)."""
        return Dataset(self.codebook, tuple(zones), {z.id: self.files.get(z.id, "") for z in zones}, self.data_version)

    def filter(
        self,
        *,
        zones: str | Sequence[str] | None = None,
        kinds: str | Sequence[str] | None = None,
        categories: str | Sequence[str] | None = None,
        measures: str | Sequence[str] | None = None,
    ) -> Dataset:
        """A copy with the zones, categories and measures that match, in the manner of pyam's filter.

        Each argument is a pattern or a list of patterns (``fnmatch``: ``*`` and ``?``), matched
        against zone ids, zone kinds, category codes or measure ids; None keeps everything. A zone
        stays when its id and kind match; in it, a measure stays when its id matches and it carries
        a matching category, and the zone's absent, unknown and not-applicable entries keep the
        matching categories. The codebook is unchanged, so a category left out becomes unknown for
        every zone. A selection that keeps no zone is an error (nothing to analyse).

        >>> from policybench import load_dataset
        >>> ds = load_dataset().filter(zones="tianjin-*", categories="GOV.*")
        >>> ds.zone_ids, sorted({m.category for _z, m in ds.measures()})[:2]
        (('tianjin-htz', 'tianjin-teda'), ['GOV.BUREAU_MERGER', 'GOV.COMMITTEE_PLUS_COMPANY'])
        """
        from fnmatch import fnmatchcase

        def patterns(name: str, value: str | Sequence[str] | None) -> tuple[str, ...] | None:
            if value is None:
                return None
            items = (value,) if isinstance(value, str) else value
            if not isinstance(items, list | tuple) or not items or not all(isinstance(v, str) and v for v in items):
                raise InputError(
                    f"The '{name}' parameter of Dataset.filter must be a pattern (str) or a non-empty list of "
                    f"patterns. Got {value!r} instead."
                )
            return tuple(items)

        def matches(value: str, pats: tuple[str, ...] | None) -> bool:
            return pats is None or any(fnmatchcase(value, p) for p in pats)

        zone_p, kind_p = patterns("zones", zones), patterns("kinds", kinds)
        code_p, measure_p = patterns("categories", categories), patterns("measures", measures)
        kept = []
        for zone in self.zones:
            if not (matches(zone.id, zone_p) and matches(zone.kind, kind_p)):
                continue
            if code_p is None and measure_p is None:
                kept.append(zone)
                continue
            chosen = [
                m for m in zone.measures if matches(m.id, measure_p) and any(matches(c, code_p) for c in m.categories)
            ]
            cells = {
                key: [e for e in getattr(zone, key) if matches(e.code, code_p)]
                for key in ("absent", "unknown", "not_applicable")
            }
            kept.append(zone.model_copy(update={"measures": chosen, **cells}))
        if not kept:
            asked = {k: v for k, v in {"zones": zones, "kinds": kinds}.items() if v is not None}
            raise InputError(
                f"Dataset.filter kept no zone: nothing matches {asked}; known zones: {', '.join(self.zone_ids)}"
            )
        return self.replace_zones(kept)

    def states(self, zone_id: str, statuses: Sequence[str]) -> ZoneStates:
        """:func:`~policybench.data.states.zone_states` of one zone under a status filter, computed once per dataset.

        Read-only: the result is shared by every later call (matrices, robustness draws, batch jobs).
        """
        zone = self.zone(zone_id)
        return self.derived(("states", zone_id, tuple(statuses)), lambda: zone_states(self.codebook, zone, statuses))

    def data_hash(self) -> str:
        """SHA-256 (first 16 hex digits) of the codebook and zones as canonical JSON.

        It identifies the data a result was computed on; file order does not change it. Computed
        once per dataset.
        """
        return self.derived("data_hash", self._data_hash)

    def _data_hash(self) -> str:
        payload = {
            "codebook": self.codebook.model_dump(mode="json", by_alias=True),
            "zones": sorted((z.model_dump(mode="json", by_alias=True) for z in self.zones), key=lambda d: d["id"]),
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    def measures_table(self) -> pd.DataFrame:
        """One row per measure x category; see :func:`policybench.data.frames.measures_table`.

        Built once per dataset (a batch reads it for every job); each call returns a copy.
        """
        from .frames import measures_table

        return self.derived("measures_table", lambda: measures_table(self)).copy()

    def zones_table(self) -> pd.DataFrame:
        """One row per zone; see :func:`policybench.data.frames.zones_table`."""
        from .frames import zones_table

        return zones_table(self)

    @validate_params({"status": STATUS}, name="Dataset.coverage_table")
    def coverage_table(self, *, level: str = "category", status: Sequence[str] | str | None = None) -> pd.DataFrame:
        """Zones x codes adoption matrix of depth; see :func:`policybench.data.frames.coverage_table`."""
        from .frames import coverage_table

        return coverage_table(self, level=level, status=status)

    def sources_table(self) -> pd.DataFrame:
        """One row per source; see :func:`policybench.data.frames.sources_table`."""
        from .frames import sources_table

        return sources_table(self)


def load_codebook(path: str | os.PathLike[str] | None = None) -> Codebook:
    """Load and check a codebook (None = the shipped one).

    Raises
    ------
    DataValidationError
        With every problem found, located by file, line and path.

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.version, len(cb.domains), len(cb.categories)
    ('2.0.0', 10, 61)
    """
    if path is not None:
        check_path("load_codebook", "path", path)
    target = Path(path) if path is not None else shipped_data_dir() / "codebook.yaml"
    codebook, doc, issues = codebook_loader(target)
    if codebook is not None:
        issues += check_codebook(codebook, doc)
    _raise_on_errors(issues)
    assert codebook is not None
    return codebook


def load_zone(path: str | os.PathLike[str], *, codebook: Codebook | None = None) -> Zone:
    """Load one zone file and check it against the codebook (None = the shipped one).

    References to zones and measures (``inspired_by``, ``parent``) may point to the shipped
    dataset or to the file itself.

    Examples
    --------
    >>> from policybench.data.io import shipped_data_dir
    >>> zone = load_zone(shipped_data_dir() / "zones" / "tianjin-htz.yaml")
    >>> zone.id
    'tianjin-htz'
    """
    check_path("load_zone", "path", path)
    if codebook is not None:
        check_type("load_zone", "codebook", codebook, Codebook, "a Codebook (see load_codebook)")
    from .validate import shipped_ids

    zone, doc, issues = zone_loader(Path(path))
    if zone is not None:
        cb = codebook if codebook is not None else load_codebook()
        issues += check_zones([(zone, doc)], cb, external_ids=shipped_ids())
    _raise_on_errors(issues)
    assert zone is not None
    return zone


@validate_params(
    {"path": Maybe(FilePaths()), "codebook": Maybe(FilePath()), "include_shipped": Bool(), "cache": Bool()}
)
def load_dataset(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    *,
    codebook: str | os.PathLike[str] | None = None,
    include_shipped: bool = False,
    cache: bool = True,
) -> Dataset:
    """Load a dataset: a folder, zone files, or None for the data shipped with policybench.

    A folder holds ``codebook.yaml`` and ``zones/`` (or just zone files, checked against the
    shipped codebook). With ``include_shipped=True`` the given files and folders are added to
    the shipped zones (a file given twice, or a shipped file given again, is read once) and the
    data version is the shipped one with ``+local``.

    ``cache=True`` (the default) takes zone files read before with the same bytes and codebook,
    and valid then, from the cache of validated files instead of reading them again, and stores
    the files read afresh (:mod:`policybench.data.zonecache`); the dataset and every issue are
    the same either way. ``POLICYBENCH_NO_CACHE=1`` also turns it off.

    Raises
    ------
    DataValidationError
        When any file has an error; ``.issues`` lists all of them.

    Examples
    --------
    >>> ds = load_dataset()
    >>> "tianjin-htz" in ds.zone_ids
    True
    """
    paths: list[str | os.PathLike[str]] | None
    if path is None:
        paths = None
    elif isinstance(path, str | os.PathLike):
        paths = [path]
    else:
        paths = list(path)
    added = include_shipped and paths is not None
    if added:
        _check_addable(paths or [])
        paths = [shipped_data_dir(), *(paths or [])]
    loaded = collect(paths, codebook_path=codebook, cache=cache)
    _raise_on_errors(loaded.issues)
    if not loaded.zones:
        raise InputError(f"no zones to load from {path!r}")
    assert loaded.codebook is not None
    zones = sorted(loaded.zones, key=lambda item: item[1].file)
    version = _data_version([shipped_data_dir()] if paths is None or added else [Path(p) for p in paths])
    if added and version:
        version += "+local"  # the shipped data plus the user's files (the data hash tells them apart)
    return Dataset(loaded.codebook, tuple(z for z, _ in zones), {z.id: d.file for z, d in zones}, version)


def _check_addable(paths: Sequence[str | os.PathLike[str]]) -> None:
    """A folder with its own codebook is a complete dataset: it cannot join the shipped zones."""
    shipped = (shipped_data_dir() / "codebook.yaml").resolve()
    for raw in paths:
        own = Path(raw) / "codebook.yaml" if Path(raw).is_dir() else Path(raw)
        if own.name == "codebook.yaml" and own.is_file() and own.resolve() != shipped:
            raise InputError(
                f"{raw}: a dataset with its own codebook ({own}) cannot be added to the shipped zones, "
                "which are coded with the shipped codebook; use it alone (command line: --no-shipped; "
                "Python: include_shipped=False)"
            )


def _data_version(paths: Sequence[Path]) -> str:
    """The ``VERSION`` of the one dataset folder read ('' for files or several folders).

    >>> _data_version([shipped_data_dir()]) == (shipped_data_dir() / "VERSION").read_text().strip()
    True
    """
    if len(paths) != 1 or not paths[0].is_dir():
        return ""
    file = paths[0] / "VERSION"
    return file.read_text(encoding="utf-8").strip() if file.is_file() else ""


def _raise_on_errors(issues: list[Issue]) -> None:
    if any(i.severity == "error" for i in issues):
        raise DataValidationError(sorted(issues, key=lambda i: (i.file, i.line, i.column)))
