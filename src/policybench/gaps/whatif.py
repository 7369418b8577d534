"""What-if copies of a dataset and before/after comparison of gap analyses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._params import Instance, Str, fail, validate_params
from ..data.model import Evidence, LocalText, Measure, Source
from ..errors import InputError
from ..labels import phrase
from .scores import ranking

if TYPE_CHECKING:
    from ..data.dataset import Dataset
    from ..data.model import Codebook
    from .analysis import GapAnalysis

__all__ = ["compare_gaps", "simulate"]

WHATIF_SOURCE = Source(
    id="what-if",
    title="policybench what-if scenario (not a real source)",
    publisher="policybench",
    kind="research",
    note="Added by simulate(): hypothetical measures for scenario analysis.",
)

Addition = Measure | Mapping[str, Any] | tuple[str, int]


@validate_params({"dataset": Instance("Dataset"), "target": Str(empty=True)})
def simulate(dataset: Dataset, target: str, *, add: Iterable[Addition] = (), remove: Iterable[str] = ()) -> Dataset:
    """A what-if copy of ``dataset`` in which ``target`` has measures added or removed.

    The original dataset is untouched. ``add`` takes Measure objects, ``(code, depth)``
    pairs or mappings with ``category`` and ``depth`` (and optionally ``status``,
    ``secondary``, ``title``); hypothetical measures cite a 'what-if' source and get ids
    ``<target>.what-if-<n>``. ``remove`` takes measure ids or category codes (every measure
    of the target whose primary category is that code).

    Examples
    --------
    >>> from policybench import load_dataset
    >>> ds = load_dataset()
    >>> after = simulate(ds, "tianjin-htz", add=[("MKT.PARTNER_SYSTEM", 2)])
    >>> len(after.zone("tianjin-htz").measures) == len(ds.zone("tianjin-htz").measures) + 1
    True
    """
    zone = dataset.zone(target)
    if isinstance(add, str | bytes | Mapping) or not isinstance(add, Iterable):
        raise fail("simulate", "add", "a list of Measure objects, (code, depth) pairs or mappings", add)
    if isinstance(remove, str | bytes | Mapping) or not isinstance(remove, Iterable):
        raise fail("simulate", "remove", "a list of measure ids or category codes (str)", remove)
    remove = list(remove)
    for item in remove:
        if not isinstance(item, str):
            raise fail("simulate", "remove", "a list of measure ids or category codes (str)", remove)
    measures = list(zone.measures)
    for item in remove:
        kept = [m for m in measures if m.id != item and m.category != item]
        if len(kept) == len(measures):
            raise InputError(
                f"remove: '{item}' is neither a measure id nor the primary category of a measure of {target}"
            )
        measures = kept
    added = [_as_measure(dataset, target, item, n) for n, item in enumerate(add, start=1)]
    ids = {m.id for _z, m in dataset.measures()}
    clash = [m.id for m in added if m.id in ids]
    if clash:
        raise InputError(f"add: measure id(s) already in the dataset: {', '.join(clash)}")
    sources = list(zone.sources)
    if added and all(s.id != WHATIF_SOURCE.id for s in sources):
        sources.append(WHATIF_SOURCE)
    new_zone = zone.model_copy(update={"measures": measures + added, "sources": sources})
    return dataset.replace_zones([new_zone if z.id == target else z for z in dataset.zones])


def _checked_measure(codebook: Codebook, item: Measure) -> Measure:
    """A Measure given as is, once its codes and status are known to the codebook."""
    unknown = [c for c in (item.category, *item.secondary) if c not in codebook.codes]
    if unknown:
        raise fail("simulate", "add", "measures of categories in the codebook", f"{item.id}: {', '.join(unknown)}")
    if item.status not in codebook.status_codes:
        raise fail("simulate", "add", f"measures of a status in {list(codebook.status_codes)}", item.status)
    return item


def _as_measure(dataset: Dataset, target: str, item: Addition, n: int) -> Measure:
    codebook = dataset.codebook
    if isinstance(item, Measure):
        return _checked_measure(codebook, item)
    if isinstance(item, Mapping):
        spec: dict[str, Any] = dict(item)
    elif isinstance(item, tuple | list) and len(item) == 2:
        spec = {"category": item[0], "depth": item[1]}
    else:
        raise fail("simulate", "add", "a list of Measure objects, (code, depth) pairs or mappings", item)
    code = spec.get("category")
    if not isinstance(code, str) or code not in codebook.codes:
        raise InputError(f"add: unknown category code {code!r}")
    secondary = spec.get("secondary", [])
    if not isinstance(secondary, list | tuple) or any(c not in codebook.codes for c in secondary):
        raise fail("simulate", "add", "mappings whose 'secondary' lists category codes", secondary)
    if spec.get("status", "implemented") not in codebook.status_codes:
        raise fail(
            "simulate", "add", f"mappings whose 'status' is one of {list(codebook.status_codes)}", spec["status"]
        )
    depth = spec.get("depth")
    if isinstance(depth, bool) or not isinstance(depth, int) or depth not in codebook.depths:
        raise fail("simulate", "add", f"mappings whose 'depth' is one of {list(codebook.depths)}", depth)
    label = codebook.category(code).label
    title = spec.get("title") or phrase("whatif.title", "en", label=label.en)
    if not isinstance(title, str):
        raise fail("simulate", "add", "mappings whose 'title' is a str", title)
    return Measure(
        id=f"{target}.what-if-{n}",
        title=LocalText(zh=phrase("whatif.title", "zh", label=label.zh), en=str(title)),
        summary=LocalText(
            zh=phrase("whatif.summary", "zh", label=label.zh), en=phrase("whatif.summary", "en", label=label.en)
        ),
        category=code,
        secondary=list(spec.get("secondary", [])),
        status=spec.get("status", "implemented"),
        depth=int(depth),
        evidence=[Evidence(source=WHATIF_SOURCE.id, locator="scenario")],
        confidence="low",
        tags=["what-if"],
    )


@validate_params({"before": Instance("GapAnalysis"), "after": Instance("GapAnalysis")})
def compare_gaps(before: GapAnalysis, after: GapAnalysis) -> pd.DataFrame:
    """Category by category, before and after: target score, DTF, gap, priority and rank.

    Returns
    -------
    pandas.DataFrame
        Columns code, target_before, target_after, dtf_before, dtf_after, gap_before,
        gap_after, priority_before, priority_after, rank_before, rank_after (the overall DTF
        of each side is ``before.overall`` and ``after.overall``).
    """
    if before.target != after.target or before.benchmark != after.benchmark:
        raise InputError("compare_gaps needs two analyses of the same target against the same benchmark set")
    cols = ["code", "target", "dtf", "gap", "priority"]
    merged = before.full_table[cols].merge(after.full_table[cols], on="code", suffixes=("_before", "_after"))
    for side, gap in (("before", before), ("after", after)):
        order = {code: i for i, code in enumerate(ranking(gap)["code"], start=1)}
        merged[f"rank_{side}"] = merged["code"].map(order).astype("Int64")
    changed = ~np.isclose(merged["target_before"], merged["target_after"]) | (
        merged["rank_before"].fillna(-1) != merged["rank_after"].fillna(-1)
    )
    return merged[changed.to_numpy()].reset_index(drop=True)
