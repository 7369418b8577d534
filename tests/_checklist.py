"""Test helper: turn a 1.x-style list of examined codes into explicit 2.0 absent entries.

Method tests were written against "a category examined and not counted is absent"; since data
format 2.0 an absence needs its own entry. This helper writes those entries (basis search) so
that the hand-computed answers keep their meaning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from policybench.data.codebook import expand_codes, is_counted
from policybench.data.model import Absence, Scope, SearchRecord


def examined(ds, scopes: Mapping[str, Iterable[str]]):
    """The dataset with each zone's absences set to the codes of ``scopes[zone]`` no counted measure carries."""
    counted = ds.codebook.counted_statuses
    zones = []
    for z in ds.zones:
        codes = list(scopes.get(z.id, ()))
        carried = {c for m in z.measures if is_counted(m, counted) for c in m.categories}
        record = SearchRecord(date="2021", queries=["examined in the test"])
        absent = [
            Absence(code=c, basis="search", confidence="medium", search=record)
            for c in ds.codebook.codes
            if c in expand_codes(ds.codebook, codes) and c not in carried
        ]
        zones.append(z.model_copy(update={"scope": Scope(examined=codes), "absent": absent, "unknown": []}))
    return ds.replace_zones(zones)
