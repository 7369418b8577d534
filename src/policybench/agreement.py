"""Coder agreement: two codings of the same zone, matched measure to measure, with Krippendorff's alpha.

Two coders read the same sources and each write a zone file. :func:`agreement` pairs their
measures one to one (first by a shared evidence locator, then by text similarity, with the
library's :class:`~policybench.similarity.TextIndex` and Hungarian assignment), then measures
how far they agree on each coded field of the matched pairs: Krippendorff's alpha (nominal
for the primary category, its domain and the status; ordinal for depth) from the
``krippendorff`` package, and raw agreement (share of pairs with equal values). Measures
left without a counterpart are listed: they are disagreements about *what* is a measure.

Beside the measures, the two codings are compared cell by cell on the checklist: the state
of each zone x category cell (present, absent, unknown, not applicable; one definition,
:func:`policybench.data.states.zone_states`) with nominal alpha, and the depth of the cells both
codings find present through a measure (the highest depth of the counted measures carrying the
category) with ordinal alpha. ``cells="core"`` (default) takes the core checklist, "all" every
codebook category.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ._json import json_safe
from ._params import Instance, ListLike, Maybe, Options, Real, validate_params
from .errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from .data.model import Codebook, Measure, Zone

__all__ = ["FIELDS", "PAIR_COLUMNS", "Agreement", "agreement", "krippendorff_alpha"]

#: Fields compared, with their level of measurement.
FIELDS: tuple[tuple[str, Literal["nominal", "ordinal"]], ...] = (
    ("category", "nominal"),
    ("domain", "nominal"),
    ("status", "nominal"),
    ("depth", "ordinal"),
)
#: Columns of :attr:`Agreement.pairs`.
PAIR_COLUMNS = [
    "measure_a",
    "measure_b",
    "basis",
    "text_similarity",
    "locator",
    *(f"{name}_{side}" for name, _level in FIELDS for side in ("a", "b")),
    "title_a",
    "title_b",
]
#: Columns of :attr:`Agreement.fields`.
FIELD_COLUMNS = ["field", "level", "alpha", "agreement", "pairs", "disagreements"]
#: Columns of :meth:`Agreement.disagreements`.
DISAGREEMENT_COLUMNS = [
    "field",
    "measure_a",
    "measure_b",
    "value_a",
    "value_b",
    "locator",
    "title_a",
    "title_b",
    "code",
]
#: Cell fields compared (rows of :attr:`Agreement.cell_fields`), with their level of measurement.
CELL_FIELDS: tuple[tuple[str, Literal["nominal", "ordinal"]], ...] = (
    ("cell_state", "nominal"),
    ("cell_depth", "ordinal"),
)
#: Columns of :attr:`Agreement.cells`.
CELL_COLUMNS = ["code", "core", "state_a", "state_b", "depth_a", "depth_b"]


@dataclass(frozen=True)
class Agreement:
    """How far two codings of one zone agree.

    Attributes
    ----------
    zone_a, zone_b : str
        Zone ids of the two codings (usually equal).
    pairs : pandas.DataFrame
        Matched measures: measure_a, measure_b, basis ("locator" or "text"), text_similarity,
        locator (the shared one, else A's first), category_a/_b, domain_a/_b, status_a/_b,
        depth_a/_b, title_a, title_b.
    fields : pandas.DataFrame
        One row per field: field, level, alpha (NaN when undefined: fewer than two distinct
        values among the pairs), agreement (raw share of equal values), pairs, disagreements.
    unmatched_a, unmatched_b : tuple of str
        Measures of one coding without a counterpart in the other.
    params : dict
        The parameters of :func:`agreement`.
    cells : pandas.DataFrame
        One row per cell compared: code, core, state_a, state_b, depth_a, depth_b (the highest
        depth of the counted measures carrying the code; NaN when no measure does).
    cell_fields : pandas.DataFrame
        Rows "cell_state" (nominal alpha over the cells) and "cell_depth" (ordinal alpha over the
        cells both codings find present through a measure), columns as ``fields``.
    """

    zone_a: str
    zone_b: str
    pairs: pd.DataFrame = field(repr=False)
    fields: pd.DataFrame = field(repr=False)
    unmatched_a: tuple[str, ...]
    unmatched_b: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)
    cells: pd.DataFrame | None = field(default=None, repr=False)
    cell_fields: pd.DataFrame | None = field(default=None, repr=False)

    @validate_params({"name": Options(*(n for n, _level in (*FIELDS, *CELL_FIELDS)))}, name="Agreement.alpha")
    def alpha(self, name: str) -> float:
        """Krippendorff's alpha of one field ('category', 'domain', 'status', 'depth', 'cell_state', 'cell_depth')."""
        table = self.fields if name in dict(FIELDS) else self.cell_fields
        if table is None:
            return math.nan
        return float(table.set_index("field").loc[name, "alpha"])

    def disagreements(self) -> pd.DataFrame:
        """Every matched pair and field where the codings differ, then every unmatched measure.

        Returns
        -------
        pandas.DataFrame
            field ("category", "domain", "status", "depth", or "match" for a measure only one
            coding has), measure_a, measure_b, value_a, value_b, locator, title_a, title_b.
        """
        import pandas as pd

        rows = []
        for pair in self.pairs.to_dict("records"):
            for name, _level in FIELDS:
                if pair[f"{name}_a"] != pair[f"{name}_b"]:
                    rows.append(
                        {
                            "field": name,
                            "measure_a": pair["measure_a"],
                            "measure_b": pair["measure_b"],
                            "value_a": str(pair[f"{name}_a"]),
                            "value_b": str(pair[f"{name}_b"]),
                            "locator": pair["locator"],
                            "title_a": pair["title_a"],
                            "title_b": pair["title_b"],
                            "code": "",
                        }
                    )
        for side, ids in (("a", self.unmatched_a), ("b", self.unmatched_b)):
            for measure_id in ids:
                rows.append(
                    {
                        "field": "match",
                        "measure_a": measure_id if side == "a" else "",
                        "measure_b": measure_id if side == "b" else "",
                        "value_a": "coded" if side == "a" else "absent",
                        "value_b": "coded" if side == "b" else "absent",
                        "locator": "",
                        "title_a": "",
                        "title_b": "",
                        "code": "",
                    }
                )
        cells = self.cells.to_dict("records") if self.cells is not None else []
        for cell in cells:
            for name, a, b in (
                ("cell_state", cell["state_a"], cell["state_b"]),
                ("cell_depth", cell["depth_a"], cell["depth_b"]),
            ):
                if name == "cell_depth" and (a != a or b != b):  # NaN: not present through a measure in both
                    continue
                if a != b:
                    rows.append(
                        {
                            "field": name,
                            "measure_a": "",
                            "measure_b": "",
                            "value_a": str(a if name == "cell_state" else int(a)),
                            "value_b": str(b if name == "cell_state" else int(b)),
                            "locator": "",
                            "title_a": "",
                            "title_b": "",
                            "code": cell["code"],
                        }
                    )
        return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready): fields, pairs, unmatched measures, disagreements, params."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out = frame.astype(object).where(frame.notna(), None).to_dict("records")
            return [json_safe(row) for row in out]

        return {
            "zone_a": self.zone_a,
            "zone_b": self.zone_b,
            "fields": records(self.fields),
            "pairs": records(self.pairs),
            "unmatched_a": list(self.unmatched_a),
            "unmatched_b": list(self.unmatched_b),
            "disagreements": records(self.disagreements()),
            "cells": records(self.cells) if self.cells is not None else [],
            "cell_fields": records(self.cell_fields) if self.cell_fields is not None else [],
            "params": self.params,
        }

    def __str__(self) -> str:
        lines = [
            f"Agreement of two codings ({self.zone_a} vs {self.zone_b}): {len(self.pairs)} matched measures, "
            f"{len(self.unmatched_a)} only in A, {len(self.unmatched_b)} only in B"
        ]
        tables = [(self.fields, "pairs")]
        if self.cell_fields is not None:
            tables.append((self.cell_fields, "cells"))
        for table, unit in tables:
            for row in table.to_dict("records"):
                value = float(row["alpha"])
                alpha = "undefined" if math.isnan(value) else f"{value:.3f}"
                raw = float(row["agreement"])
                lines.append(
                    f"  {row['field']:<10} ({row['level']:<7}) alpha {alpha:>9}  raw agreement "
                    f"{'undefined' if math.isnan(raw) else f'{raw:.3f}'}"
                    f"  ({row['disagreements']} of {row['pairs']} {unit} differ)"
                )
        return "\n".join(lines)


@validate_params({"values_a": ListLike(), "values_b": ListLike(), "level": Options("nominal", "ordinal")})
def krippendorff_alpha(
    values_a: Sequence[object], values_b: Sequence[object], *, level: Literal["nominal", "ordinal"]
) -> float:
    """Krippendorff's alpha of two coders over the same units (``krippendorff`` package).

    Parameters
    ----------
    values_a, values_b : sequence
        One value per unit for each coder (same length; None for a unit a coder left out).
    level : {"nominal", "ordinal"}
        Level of measurement. Ordinal values must be numbers (their order is used).

    Returns
    -------
    float
        Alpha; NaN when it is undefined (fewer than two distinct values among the units both
        coders coded, so that the expected disagreement is zero).

    Examples
    --------
    >>> round(krippendorff_alpha(["x", "x", "y", "y"], ["x", "y", "y", "y"], level="nominal"), 4)
    0.5333
    """
    import krippendorff
    import numpy as np

    if len(values_a) != len(values_b):
        raise InputError(
            "The 'values_b' parameter of krippendorff_alpha must have as many values as 'values_a'. "
            f"Got {len(values_b)} and {len(values_a)} instead."
        )
    both = [(a, b) for a, b in zip(values_a, values_b, strict=True) if a is not None and b is not None]
    if level == "ordinal" and not all(Real().ok(v) for pair in both for v in pair):
        raise InputError(
            "The 'values_a' and 'values_b' parameters of krippendorff_alpha must hold finite numbers (or None) "
            f"for level='ordinal'. Got {list(values_a)!r} and {list(values_b)!r} instead."
        )
    distinct = sorted({v for pair in both for v in pair}, key=str if level == "nominal" else float)  # type: ignore[arg-type]
    if len(distinct) < 2:
        return math.nan
    if level == "nominal":
        code = {value: i for i, value in enumerate(distinct)}
        data = np.array([[code[a] for a, _b in both], [code[b] for _a, b in both]], dtype=float)
        domain: list[float] = [float(i) for i in range(len(distinct))]
    else:
        data = np.array([[float(a) for a, _b in both], [float(b) for _a, b in both]])  # type: ignore[arg-type]
        domain = [float(v) for v in distinct]  # type: ignore[arg-type]
    return float(krippendorff.alpha(reliability_data=data, value_domain=domain, level_of_measurement=level))


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split()).lstrip("§")


def _evidence_keys(zone: Zone, measure: Measure) -> list[tuple[str, str]]:
    """(source title, locator) of each evidence item, folded: source ids may differ between coders."""
    titles = {s.id: s.title for s in zone.sources}
    return [(_fold(titles.get(ev.source, ev.source)), _fold(ev.locator)) for ev in measure.evidence]


def _measure_text(measure: Measure, lang: str) -> str:
    phrases = " ".join(ev.key_phrase or "" for ev in measure.evidence)
    return f"{measure.title.get(lang)} {measure.summary.get(lang)} {phrases}"


@validate_params(
    {
        "a": Instance("Zone"),
        "b": Instance("Zone"),
        "codebook": Maybe(Instance("Codebook")),
        "threshold": Real(0, 1),
        "locator_threshold": Real(0, 1),
        "lang": Options("zh", "en"),
        "cells": Options("core", "all"),
    }
)
def agreement(
    a: Zone,
    b: Zone,
    *,
    codebook: Codebook | None = None,
    threshold: float = 0.35,
    locator_threshold: float = 0.1,
    lang: str = "zh",
    cells: str = "core",
) -> Agreement:
    """Match two codings of one zone measure to measure and measure their agreement per field.

    A pair (a, b) may match when the two measures cite the same locator of the same source
    (same title, locator compared after NFKC, case and white-space folding) and their texts
    are at least ``locator_threshold`` similar, or, failing a shared locator, when their
    texts are at least ``threshold`` similar. The text of a measure is its title, summary and
    evidence key phrases; similarity is the TF-IDF cosine of character n-grams
    (:class:`~policybench.similarity.TextIndex`). Among eligible pairs the Hungarian method
    maximises the total of text similarity + 1 for a shared locator, so a shared locator
    wins and text decides among the measures of one paragraph.

    Parameters
    ----------
    a, b : Zone
        The two codings (load them with :func:`policybench.load_zone`).
    codebook : Codebook, optional
        Maps categories to their domains (default: the shipped codebook).
    threshold : float
        Text similarity needed for a match without a shared locator, in [0, 1].
    locator_threshold : float
        Text similarity needed for a match with a shared locator, in [0, 1].
    lang : {"zh", "en"}
        Language of the texts compared.
    cells : {"core", "all"}
        Cells compared by state and depth: the core checklist (default) or every category.

    Returns
    -------
    Agreement

    Examples
    --------
    >>> from policybench import load_zone
    >>> from policybench.data.io import shipped_data_dir
    >>> zone = load_zone(shipped_data_dir() / "zones" / "wuhan-city-partner.yaml")
    >>> result = agreement(zone, zone)
    >>> result.unmatched_a, result.alpha("category")
    ((), 1.0)
    """
    from .data.dataset import load_codebook

    for name, zone in (("a", a), ("b", b)):
        if not zone.measures:
            raise InputError(
                f"The '{name}' parameter of agreement must be a zone with measures. Got zone '{zone.id}' with none."
            )
    cb = codebook if codebook is not None else load_codebook()
    domains = {c.code: c.domain for c in cb.categories}
    pairs, unmatched_a, unmatched_b = _match(a, b, domains, threshold, locator_threshold, lang)
    cell_table = _cells(cb, a, b, cells)
    return Agreement(
        zone_a=a.id,
        zone_b=b.id,
        pairs=pairs,
        fields=_field_table(pairs),
        unmatched_a=unmatched_a,
        unmatched_b=unmatched_b,
        params={
            "threshold": threshold,
            "locator_threshold": locator_threshold,
            "lang": lang,
            "codebook": cb.version,
            "cells": cells,
        },
        cells=cell_table,
        cell_fields=_cell_field_table(cell_table),
    )


def _cells(codebook: Codebook, a: Zone, b: Zone, which: str) -> pd.DataFrame:
    """State and measure depth of each compared cell in both codings (one definition of a state: zone_states)."""
    import pandas as pd

    from .data.codebook import is_counted
    from .data.states import zone_states

    statuses = codebook.counted_statuses
    found = {side: zone_states(codebook, zone, statuses).states for side, zone in (("a", a), ("b", b))}
    depth: dict[str, dict[str, int]] = {"a": {}, "b": {}}
    for side, zone in (("a", a), ("b", b)):
        for m in zone.measures:
            if is_counted(m, statuses):
                for code in m.categories:
                    depth[side][code] = max(depth[side].get(code, 0), int(m.depth))
    rows = [
        {
            "code": c.code,
            "core": bool(c.core),
            "state_a": found["a"][c.code],
            "state_b": found["b"][c.code],
            "depth_a": float(depth["a"].get(c.code, math.nan)),
            "depth_b": float(depth["b"].get(c.code, math.nan)),
        }
        for c in codebook.categories
        if which == "all" or c.core
    ]
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


def _cell_field_table(cells: pd.DataFrame) -> pd.DataFrame:
    """Alpha and raw agreement on the cells' state (all compared cells) and depth (present by a measure in both)."""
    import pandas as pd

    both = cells[cells["depth_a"].notna() & cells["depth_b"].notna()]
    units = {
        "cell_state": (cells["state_a"].tolist(), cells["state_b"].tolist()),
        "cell_depth": (both["depth_a"].tolist(), both["depth_b"].tolist()),
    }
    rows = []
    for name, level in CELL_FIELDS:
        xs, ys = units[name]
        equal = sum(x == y for x, y in zip(xs, ys, strict=True))
        defined = len(set(xs) | set(ys)) > 1
        rows.append(
            {
                "field": name,
                "level": level,
                "alpha": krippendorff_alpha(xs, ys, level=level) if defined else math.nan,
                "agreement": equal / len(xs) if xs else math.nan,
                "pairs": len(xs),
                "disagreements": len(xs) - equal,
            }
        )
    return pd.DataFrame(rows, columns=FIELD_COLUMNS)


def _match(
    a: Zone, b: Zone, domains: dict[str, str], threshold: float, locator_threshold: float, lang: str
) -> tuple[pd.DataFrame, tuple[str, ...], tuple[str, ...]]:
    import numpy as np
    import pandas as pd

    from .similarity.alignment import assign_pairs
    from .similarity.text import TextIndex

    ids_a = [f"a{i}" for i in range(len(a.measures))]
    ids_b = [f"b{j}" for j in range(len(b.measures))]
    texts = [_measure_text(m, lang) for m in (*a.measures, *b.measures)]
    index = TextIndex(lang=lang, segmenter=None).fit(texts, ids_a + ids_b)
    text = index.similarity(ids_a, ids_b).to_numpy()
    keys_a = [_evidence_keys(a, m) for m in a.measures]
    keys_b = [set(_evidence_keys(b, m)) for m in b.measures]
    shared = np.array([[any(k in kb for k in ka) for kb in keys_b] for ka in keys_a], dtype=bool)
    shared = shared.reshape(len(ids_a), len(ids_b))
    eligible = (shared & (text >= locator_threshold)) | (text >= threshold)
    rows, cols = assign_pairs(text + shared, eligible)
    records = []
    for i, j in zip(rows, cols, strict=True):
        ma, mb = a.measures[i], b.measures[j]
        first_shared = next((n for n, key in enumerate(keys_a[i]) if key in keys_b[j]), 0)
        records.append(
            {
                "measure_a": ma.id,
                "measure_b": mb.id,
                "basis": "locator" if shared[i, j] else "text",
                "text_similarity": float(text[i, j]),
                "locator": ma.evidence[first_shared].locator,
                **{
                    f"{name}_{side}": _value(m, name, domains)
                    for name, _level in FIELDS
                    for side, m in (("a", ma), ("b", mb))
                },
                "title_a": ma.title.get(lang),
                "title_b": mb.title.get(lang),
            }
        )
    pairs = pd.DataFrame(records, columns=PAIR_COLUMNS)
    matched_a, matched_b = set(rows.tolist()), set(cols.tolist())
    unmatched_a = tuple(m.id for i, m in enumerate(a.measures) if i not in matched_a)
    unmatched_b = tuple(m.id for j, m in enumerate(b.measures) if j not in matched_b)
    return pairs, unmatched_a, unmatched_b


def _value(measure: Measure, name: str, domains: dict[str, str]) -> object:
    if name == "domain":
        return domains.get(measure.category, measure.category.split(".")[0])
    return getattr(measure, name)


def _field_table(pairs: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for name, level in FIELDS:
        values_a, values_b = pairs[f"{name}_a"].tolist(), pairs[f"{name}_b"].tolist()
        equal = sum(x == y for x, y in zip(values_a, values_b, strict=True))
        rows.append(
            {
                "field": name,
                "level": level,
                "alpha": krippendorff_alpha(values_a, values_b, level=level) if len(pairs) else math.nan,
                "agreement": equal / len(pairs) if len(pairs) else math.nan,
                "pairs": len(pairs),
                "disagreements": len(pairs) - equal,
            }
        )
    return pd.DataFrame(rows, columns=FIELD_COLUMNS)
