"""Assemble what a gap report says, as plain data (what every format shows; JSON rounds its floats).

Computation happens once, in :func:`policybench.assess`; this module only arranges the
tables of the resulting :class:`~policybench.assessment.Assessment`.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._json import json_safe
from ..labels import METHOD_TEXT, label

if TYPE_CHECKING:
    from ..assessment import Assessment

__all__ = ["build_content", "rounded"]

#: Decimals of the floats in the JSON and XLSX outputs (:func:`rounded`); the content itself keeps every
#: float as computed, so that the human formats round once, from the exact value (rounding a value already
#: rounded to 4 decimals can show 0.48 for 0.48504).
_DIGITS = 4


_PLAIN = (str, int, bool, type(None))


def _plain(value: Any) -> Any:
    """JSON-ready values: numpy scalars unwrapped, NaN as None, floats as computed."""
    kind = type(value)
    if kind in _PLAIN or kind is float:  # the common cases first (a report at 2,500 zones has ~400,000 values)
        return None if kind is float and value != value else value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float):
        return None if value != value else value
    if value is pd.NA:
        return None
    return value


def rounded(value: Any) -> Any:
    """A copy of plain content with every float rounded to :data:`_DIGITS` decimals (JSON and XLSX: stable floats)."""
    kind = type(value)
    if kind is float:
        return round(value, _DIGITS)
    if kind is dict:
        return {k: rounded(v) for k, v in value.items()}
    if kind is list:
        return [rounded(v) for v in value]
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``[_plain(r) for r in frame.to_dict("records")]``, a column at a time (the same values, faster)."""
    if not frame.columns.is_unique:  # repeated column names: to_dict's own rule
        return [_plain(r) for r in frame.to_dict("records")]
    names = list(frame.columns)
    columns = []
    for i in range(frame.shape[1]):
        column = frame.iloc[:, i]
        values = column.tolist()  # Python scalars, as to_dict gives them
        if isinstance(column.dtype, np.dtype) and column.dtype.kind == "f":
            columns.append([None if v != v else v for v in values])
        else:
            columns.append([_plain(v) for v in values])
    if not columns:
        return [{} for _ in range(len(frame))]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def report_date(generated: str | None) -> str:
    """The report date: as given, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    if generated:
        return generated
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).date().isoformat()
    return _dt.date.today().isoformat()


def build_content(assessment: Assessment, *, lang: str = "zh", generated: str | None = None) -> dict[str, Any]:
    """Everything a report shows, arranged from an :class:`Assessment` as JSON-ready data.

    Nothing is computed here: every number comes from the assessment's tables.
    """
    a = assessment
    ds = a.dataset
    target = ds.zone(a.target)
    gaps = a.table("gaps")
    similarity = a.table("similarity")
    scored = similarity[similarity["reason"] == ""]
    content = {
        "meta": {
            "title": label("title", lang).format(target=target.name.get(lang)),
            "lang": lang,
            "target": a.target,
            "target_name": target.name.get(lang),
            "benchmark": [{"id": z, "name": ds.zone(z).name.get(lang), "kind": ds.zone(z).kind} for z in a.benchmark],
            "generated": report_date(generated),
            "library_version": a.library_version,
            "codebook_version": a.codebook_version,
            "data_hash": a.data_hash,
            "data_version": a.data_version or "unversioned",
            "params": json_safe(a.gap.params),
            "sensitivity": a.params["sensitivity"],
            "top": a.params["top"],
        },
        "summary": {
            "overall_dtf": a.overall,
            "applicable": a.gap.counts()["known"],
            "unknown": a.gap.counts()["unknown"],
            "not_applicable": a.gap.counts()["not_applicable"],
        },
        "domains": _records(a.table("domains")),
        "gaps": _records(gaps.sort_values(["gap", "code"], ascending=[False, True], kind="mergesort")),
        "not_applicable": a.gap.not_applicable(),
        "left_out": _left_out(a),
        **_unverified(a, lang),
        "recommendations": _records(a.table("recommendations")),
        "plan": _records(a.table("plan")),
        "diffusion": _records(a.table("diffusion")),
        "strengths": _records(a.table("strengths")),
        "not_counted": _records(a.table("not_counted")),
        "similarity": [
            {
                "zone": r["zone_id"],
                "name": r[f"name_{lang}"],
                "score": r["similarity"],
                "structured": r["structured"],
                "alignment": r["alignment"],
                "overlap": r["overlap"],
                "overlap_share": r["overlap_share"],
                "coverage_target_by_zone": r["coverage_target_by_zone"],
                "coverage_zone_by_target": r["coverage_zone_by_target"],
                "shared": [c for c in r["shared_codes"].split(",") if c],
                **_estimate(r, lang),
            }
            for r in _records(scored)
        ],
        "similarity_undefined": [
            {
                "zone": r["zone_id"],
                "name": r[f"name_{lang}"],
                "overlap": r["overlap"],
                "reason": r["reason"],
                **_estimate(r, lang),
            }
            for r in _records(similarity[similarity["reason"] != ""])
        ],
        "similarity_imputed": [
            r[f"name_{lang}"]
            for r in _records(scored)
            if {"alignment-imputed", "structure-only"} & set(r["caveats"].split(","))
        ],
        "alignment": _alignment(a, lang),
        "sources": _records(a.table("sources")),
        "methodology": METHOD_TEXT[lang],
    }
    content["names"] = _names(a, lang, content)
    return _plain(content)


def _unverified(a: Assessment, lang: str) -> dict[str, Any]:
    """The verify-first rows; when every row names the same sources to read, they are said once.

    ``unverified_reading`` is then that sentence, and each row's check keeps only its searches.
    """
    from ..gaps.evidence import Check

    rows = _records(a.table("unverified"))
    common = {str(r.get("check_sources") or "") for r in rows}
    if len(rows) < 2 or len(common) != 1 or common == {""}:
        return {"unverified": rows, "unverified_reading": ""}
    zone = a.dataset.zone(a.target)
    reading = Check(tuple(common.pop().split(",")), (), 0).reading(zone, lang)
    for r in rows:
        queries = tuple(q for q in str(r.get("check_queries") or "").split(" | ") if q)
        r[f"check_{lang}"] = Check((), queries, 0).searching(lang)
    return {"unverified": rows, "unverified_reading": reading}


def _left_out(a: Assessment) -> dict[str, list[str]]:
    """Categories some benchmark zone does that are never recommended, by why.

    National duties (presumed met by every zone) and those that do not apply to the target.
    """
    table = a.gap.table()
    codebook = a.dataset.codebook
    duties = [c for c in table["code"] if codebook.category(c).national_duty is not None]
    target_na = table.loc[table["target_state"] == "not-applicable", "code"].tolist()
    return {"duties": duties, "not_applicable_to_target": [c for c in target_na if c not in duties]}


_MEASURE_ID = re.compile(r"[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9._-]*[a-z0-9]")


def _names(a: Assessment, lang: str, content: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Names in ``lang`` of every zone, domain and category, and of the measures the report mentions.

    The human formats show these in place of ids and codes (:mod:`policybench.report.readable`).
    """
    ds = a.dataset
    mentioned: set[str] = set()
    for r in content["recommendations"]:
        for key in ("planned_measures", "not_counted", "exemplar_ids"):
            mentioned.update(_MEASURE_ID.findall(str(r.get(key) or "")))
    for u in content["unverified"]:
        mentioned.update(_MEASURE_ID.findall(str(u.get("exemplar_ids") or "")))
    mentioned.update(str(m["measure_id"]) for m in content["not_counted"])
    measures = {}
    for measure_id in sorted(mentioned):
        try:
            measures[measure_id] = ds.measure(measure_id).title.get(lang)
        except (KeyError, LookupError, ValueError):
            continue
    return {
        "zones": {z.id: z.name.get(lang) for z in ds.zones},
        "domains": {d.code: d.label.get(lang) for d in ds.codebook.domains},
        "categories": {c.code: c.label.get(lang) for c in ds.codebook.categories},
        "measures": measures,
    }


def _alignment(a: Assessment, lang: str) -> dict[str, Any] | None:
    if a.closest is None:
        return None
    comparison = a.comparisons[0]
    pairs = a.table("alignment")
    pairs["title_a"], pairs["title_b"] = pairs[f"title_a_{lang}"], pairs[f"title_b_{lang}"]
    al = comparison.alignment
    return {
        "peer": a.closest,
        "pairs": _records(pairs[["measure_a", "measure_b", "similarity", "text", "category", "title_a", "title_b"]]),
        "unmatched_target": list(al.unmatched_a),
        "unmatched_peer": list(al.unmatched_b),
        "coverage_target_by_peer": al.coverage_a_by_b,
        "coverage_peer_by_target": al.coverage_b_by_a,
    }


def _estimate(row: dict[str, Any], lang: str) -> dict[str, Any]:
    """The interval of one similarity row, the share known for both and its caveats in the report's words."""
    keys = [k for k in str(row["caveats"]).split(",") if k]
    return {
        "low": row["similarity_low"],
        "high": row["similarity_high"],
        "known_share": row["known_share"],
        "caveats": label("list_sep", lang).join(label(f"caveat_{k}", lang) for k in keys),
    }
