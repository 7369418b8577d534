"""Data-quality statistics: how well each zone's coding is evidenced."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["QUALITY_COLUMNS", "quality_table", "reprint_only_table"]

QUALITY_COLUMNS: dict[str, str] = {
    "zone_id": "id of the zone",
    "measures": "number of measures",
    "evidence": "evidence items in all",
    "per_measure": "evidence items per measure",
    "indicators": "indicators in all",
    "high": "share of measures with confidence high",
    "medium": "share with confidence medium",
    "low": "share with confidence low",
    "sources": "sources listed",
    "primary": "sources of kind primary",
    "reprint_only": "measures whose every evidence item cites a reprint",
    "domains_examined": "codebook domains whose every category the scope declares examined",
    "categories_examined": "categories the scope declares examined (a domain counts all its categories)",
    "absent": "categories listed as found absent, with evidence or a search record",
    "core_present": "core checklist categories present (a counted measure, or a national duty in force)",
    "core_absent": "core categories absent, with evidence or a search record",
    "core_not_applicable": "core categories not applicable to this zone",
    "core_unknown": "core categories unknown (with a note, or silent)",
    "core_known": "share of the core categories known (present, absent or not applicable), 0-1",
}


def quality_table(dataset: Dataset) -> pd.DataFrame:
    """Evidence and confidence statistics per zone.

    Returns
    -------
    pandas.DataFrame
        Columns as in ``QUALITY_COLUMNS``; shares rounded to 2 decimals.
    """
    from .codebook import expand_codes
    from .states import core_coverage

    codebook = dataset.codebook
    by_domain: dict[str, set[str]] = {}
    for category in codebook.categories:
        by_domain.setdefault(category.domain, set()).add(category.code)
    rows = []
    for zone in dataset.zones:
        examined = expand_codes(codebook, zone.scope.examined) if zone.scope is not None else set()
        kinds = {s.id: s.kind for s in zone.sources}
        n = len(zone.measures)
        conf = pd.Series([m.confidence for m in zone.measures], dtype="object")
        core = core_coverage(codebook, zone, codebook.counted_statuses)
        rows.append(
            {
                "zone_id": zone.id,
                "measures": n,
                "evidence": sum(len(m.evidence) for m in zone.measures),
                "per_measure": round(sum(len(m.evidence) for m in zone.measures) / n, 2) if n else 0.0,
                "indicators": sum(len(m.indicators) for m in zone.measures),
                **{level: round(float((conf == level).mean()), 2) if n else 0.0 for level in ("high", "medium", "low")},
                "sources": len(zone.sources),
                "primary": sum(k == "primary" for k in kinds.values()),
                "reprint_only": sum(all(kinds.get(e.source) == "reprint" for e in m.evidence) for m in zone.measures),
                "domains_examined": sum(codes <= examined for codes in by_domain.values()),
                "categories_examined": len(examined),
                "absent": len(zone.absent),
                "core_present": core.present,
                "core_absent": core.absent,
                "core_not_applicable": core.not_applicable,
                "core_unknown": core.unknown,
                "core_known": round(core.known_share, 2),
            }
        )
    return pd.DataFrame(rows, columns=list(QUALITY_COLUMNS))


def reprint_only_table(dataset: Dataset) -> pd.DataFrame:
    """The measures whose only evidence is reprints: zone_id, measure_id, confidence, sources."""
    table = dataset.measures_table()
    table = table[(table["role"] == "primary") & table["reprint_only"]]
    return table[["zone_id", "measure_id", "confidence", "source_ids"]].reset_index(drop=True)
