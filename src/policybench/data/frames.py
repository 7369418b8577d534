"""Models -> tidy DataFrames. Column names are defined once, here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from .._params import check_choice, check_status
from .codebook import is_counted
from .model import Measure, Zone, date_bounds

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["MEASURE_COLUMNS", "SOURCE_COLUMNS", "ZONE_COLUMNS", "measures_table", "sources_table", "zones_table"]

#: Columns of :func:`measures_table`, with their meaning.
MEASURE_COLUMNS: dict[str, str] = {
    "zone_id": "id of the zone",
    "measure_id": "id of the measure",
    "code": "category code (one row per category of the measure)",
    "domain": "domain code of that category",
    "role": "'primary' or 'secondary'",
    "status": "proposed | piloting | implemented | discontinued (codebook vocabulary)",
    "counted": "True when the status is counted by default (codebook)",
    "depth": "depth 1-3 by the codebook's depth rule",
    "start": "start as coded (YYYY, YYYY-MM or YYYY-MM-DD), '' when unknown",
    "start_year": "year of start (nullable integer)",
    "end": "end as coded, '' when none",
    "confidence": "high | medium | low",
    "authority": "authority needed: the measure's override, else the category default",
    "title_zh": "title in Chinese",
    "title_en": "title in English",
    "n_evidence": "number of evidence items",
    "n_indicators": "number of indicators",
    "source_ids": "ids of the cited sources, joined by ','",
    "reprint_only": "True when every cited source is a reprint",
    "inspired_by": "zone or measure id it follows, '' when none",
}

#: Columns of :func:`zones_table`.
ZONE_COLUMNS: dict[str, str] = {
    "zone_id": "id of the zone",
    "name_zh": "name in Chinese",
    "name_en": "name in English",
    "kind": "national-high-tech-zone | development-zone | city-programme | company | national-policy | other",
    "province": "province (English)",
    "city": "city (English), '' when none",
    "established": "as coded, '' when unknown",
    "parent": "parent zone id, '' when none",
    "n_measures": "number of measures",
    "n_counted": "measures with a status counted by default",
    "n_sources": "number of sources",
    "file": "file the zone was read from",
}

#: Columns of :func:`sources_table`.
SOURCE_COLUMNS: dict[str, str] = {
    "zone_id": "id of the zone that lists the source",
    "source_id": "id of the source within its zone",
    "title": "title as published",
    "publisher": "publisher or outlet",
    "date": "publication date as coded",
    "kind": "primary | news | research | reprint",
    "url": "address, '' when none",
    "original": "for reprints: the original outlet named",
    "n_citing": "number of measures citing it",
}


def measures_table(dataset: Dataset) -> pd.DataFrame:
    """Tidy table of measures: one row per measure x category.

    Returns
    -------
    pandas.DataFrame
        Columns as in ``MEASURE_COLUMNS`` (zone_id, measure_id, code, domain, role, status,
        counted, depth, start, start_year, end, confidence, authority, title_zh, title_en,
        n_evidence, n_indicators, source_ids, reprint_only, inspired_by), in dataset order.

    Examples
    --------
    >>> from policybench import load_dataset
    >>> table = load_dataset().measures_table()
    >>> sorted(table["role"].unique())
    ['primary', 'secondary']
    """
    codebook = dataset.codebook
    counted = set(codebook.counted_statuses)
    rows: list[dict[str, object]] = []
    for zone, measure in dataset.measures():
        common = _measure_fields(zone, measure)
        for role, code in [("primary", measure.category), *[("secondary", c) for c in measure.secondary]]:
            authority = measure.authority or codebook.category(code).authority
            rows.append(
                {
                    **common,
                    "code": code,
                    "domain": code.split(".")[0],
                    "role": role,
                    "counted": is_counted(measure, counted),
                    "authority": authority,
                }
            )
    frame = pd.DataFrame(rows, columns=list(MEASURE_COLUMNS))
    frame["start_year"] = frame["start_year"].astype("Int64")
    frame["depth"] = frame["depth"].astype("int64")
    return frame


def _measure_fields(zone: Zone, measure: Measure) -> dict[str, object]:
    kinds = {s.id: s.kind for s in zone.sources}
    cited = list(dict.fromkeys([e.source for e in measure.evidence] + [i.source for i in measure.indicators]))
    return {
        "zone_id": zone.id,
        "measure_id": measure.id,
        "status": measure.status,
        "depth": measure.depth,
        "start": measure.start or "",
        "start_year": date_bounds(measure.start)[0].year if measure.start else None,
        "end": measure.end or "",
        "confidence": measure.confidence,
        "title_zh": measure.title.zh,
        "title_en": measure.title.en,
        "n_evidence": len(measure.evidence),
        "n_indicators": len(measure.indicators),
        "source_ids": ",".join(cited),
        "reprint_only": all(kinds.get(e.source) == "reprint" for e in measure.evidence),
        "inspired_by": measure.inspired_by or "",
    }


def zones_table(dataset: Dataset) -> pd.DataFrame:
    """One row per zone.

    Returns
    -------
    pandas.DataFrame
        Columns as in ``ZONE_COLUMNS``: zone_id, name_zh, name_en, kind, province, city,
        established, parent, n_measures, n_counted, n_sources, file.
    """
    counted = set(dataset.codebook.counted_statuses)
    rows = [
        {
            "zone_id": z.id,
            "name_zh": z.name.zh,
            "name_en": z.name.en,
            "kind": z.kind,
            "province": z.region.province.en,
            "city": z.region.city.en if z.region.city else "",
            "established": z.established or "",
            "parent": z.parent or "",
            "n_measures": len(z.measures),
            "n_counted": sum(is_counted(m, counted) for m in z.measures),
            "n_sources": len(z.sources),
            "file": dataset.files.get(z.id, ""),
        }
        for z in dataset.zones
    ]
    return pd.DataFrame(rows, columns=list(ZONE_COLUMNS))


def sources_table(dataset: Dataset) -> pd.DataFrame:
    """One row per source of every zone; columns as in ``SOURCE_COLUMNS``."""
    rows = []
    for zone in dataset.zones:
        citing: dict[str, int] = {}
        for m in zone.measures:
            for sid in {e.source for e in m.evidence} | {i.source for i in m.indicators}:
                citing[sid] = citing.get(sid, 0) + 1
        for s in zone.sources:
            rows.append(
                {
                    "zone_id": zone.id,
                    "source_id": s.id,
                    "title": s.title,
                    "publisher": s.publisher,
                    "date": s.date or "",
                    "kind": s.kind,
                    "url": s.url or "",
                    "original": s.original or "",
                    "n_citing": citing.get(s.id, 0),
                }
            )
    return pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))


def coverage_table(
    dataset: Dataset,
    *,
    level: str = "category",
    status: Sequence[str] | str | None = None,
    roles: Sequence[str] = ("primary", "secondary"),
) -> pd.DataFrame:
    """The adoption matrix: zones x codes, cell = highest depth coded there (0 = none).

    Parameters
    ----------
    dataset : Dataset
        The data.
    level : {"category", "domain"}
        Columns are categories, or domains (the highest depth over their categories).
    status : sequence of str, optional
        Statuses counted (default: the codebook's counted statuses, implemented and piloting).
    roles : sequence of {"primary", "secondary"}
        Which category roles count.

    Returns
    -------
    pandas.DataFrame
        Integer depths; index zone_id (dataset order), columns every code (codebook order).
    """
    check_choice("coverage_table", "level", level, ("category", "domain"))
    statuses = check_status(dataset.codebook, status, "coverage_table")
    table = measures_table(dataset)
    kept = {m.id for _z, m in dataset.measures() if is_counted(m, statuses)}
    table = table[table["measure_id"].isin(kept) & table["role"].isin(roles)]
    column = "code" if level == "category" else "domain"
    codes = list(dataset.codebook.codes if level == "category" else dataset.codebook.domain_codes)
    matrix = table.pivot_table(index="zone_id", columns=column, values="depth", aggfunc="max", fill_value=0)
    matrix = matrix.reindex(index=list(dataset.zone_ids), columns=codes, fill_value=0).fillna(0).astype("int64")
    matrix.index.name, matrix.columns.name = "zone_id", column
    return matrix


def coverage_summary(
    dataset: Dataset, coverage: pd.DataFrame, status: Sequence[str] | str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-zone and per-code counts for a coverage matrix made with the status filter ``status``.

    ``status`` is the filter the matrix was made with (None: the codebook's counted statuses);
    it decides which measures the ``counted`` column counts.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Zones: zone_id, measures (all statuses), counted (measures with a counted status),
        high_confidence (share of all measures), codes_covered (cells > 0).
        Codes: code, zones (how many zones have it), max_depth, reserved (codebook flag;
        False at domain level).
    """
    counted = set(check_status(dataset.codebook, status, "coverage_summary"))
    zone_rows = []
    for zone in dataset.zones:
        n = len(zone.measures)
        zone_rows.append(
            {
                "zone_id": zone.id,
                "measures": n,
                "counted": sum(is_counted(m, counted) for m in zone.measures),
                "high_confidence": round(sum(m.confidence == "high" for m in zone.measures) / n, 2) if n else 0.0,
                "codes_covered": int((coverage.loc[zone.id] > 0).sum()),
            }
        )
    reserved = {c.code: c.reserved for c in dataset.codebook.categories}
    code_rows = [
        {
            "code": code,
            "zones": int((coverage[code] > 0).sum()),
            "max_depth": int(coverage[code].max()),
            "reserved": reserved.get(str(code), False),
        }
        for code in coverage.columns
    ]
    return pd.DataFrame(zone_rows), pd.DataFrame(code_rows)
