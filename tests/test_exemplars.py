"""exemplars_by_code from per-zone arrays gives the candidates the sort of every candidate gave, in order."""

from __future__ import annotations

from typing import Any

import pytest

from policybench.data.codebook import is_counted
from policybench.gaps.scores import CONFIDENCE_ORDER, _negated_date, best_exemplars, exemplars_by_code


def sorted_exemplars(dataset: Any, zones: list[str], codes: list[str], statuses: Any, n: int) -> dict[str, list]:
    """The rule as written before: every counted candidate of a code, sorted by its key."""
    found: dict[str, list] = {code: [] for code in codes}
    for zone_id in zones:
        zone = dataset.zone(zone_id)
        for m in zone.measures:
            carried = set(codes).intersection(m.categories)
            if carried and is_counted(m, statuses):
                for code in carried:
                    found[code].append((zone, m))

    def key(code: str, item: Any) -> tuple[Any, ...]:
        m = item[1]
        return (-m.depth, m.category != code, CONFIDENCE_ORDER[m.confidence], _negated_date(m.start), m.id)

    return {code: sorted(found[code], key=lambda item, code=code: key(code, item))[:n] for code in codes}


def ids(found: dict[str, list]) -> dict[str, list[tuple[str, str]]]:
    return {code: [(zone.id, m.id) for zone, m in items] for code, items in found.items()}


@pytest.mark.parametrize("n", [1, 3, 50])
def test_every_code_of_the_shipped_data(shipped, n: int) -> None:
    statuses = shipped.codebook.counted_statuses
    zones = [z.id for z in shipped.zones if z.kind != "national-policy"]
    codes = [*shipped.codebook.codes, "NOT.A_CODE"]
    for chosen in (zones, zones[::3], list(reversed(zones[:7])), [zones[0], zones[0]]):
        expected = sorted_exemplars(shipped, chosen, codes, statuses, n)
        assert ids(exemplars_by_code(shipped, chosen, codes, statuses, n=n)) == ids(expected)
    assert sum(len(v) for v in expected.values()) > 0
    every = list(shipped.codebook.status_codes)  # every status: candidates that do not count by default too
    assert ids(exemplars_by_code(shipped, zones, codes, every, n=n)) == ids(
        sorted_exemplars(shipped, zones, codes, every, n)
    )
    code = shipped.codebook.codes[0]
    assert [(z.id, m.id) for z, m in best_exemplars(shipped, zones, code, statuses, n=n)] == ids(
        sorted_exemplars(shipped, zones, [code], statuses, n)
    )[code]
