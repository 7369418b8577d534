"""_low_confidence from per-zone arrays gives the codes the measure-by-measure rule gave."""

from __future__ import annotations

import pytest

from policybench.data.codebook import is_counted
from policybench.gaps import gap_analysis
from policybench.gaps.analysis import _low_confidence


def loop_low_confidence(dataset, portfolio, target, benchmark, rule, statuses, secondary_weight) -> set[str]:
    """The rule as it was written before: every counted measure, every category it carries."""
    top = float(dataset.codebook.max_depth)
    best = portfolio.loc[list(benchmark)].fillna(0.0).max(axis=0)
    cells = portfolio.to_numpy(dtype=float)
    row = {z: i for i, z in enumerate(portfolio.index)}
    col = {c: j for j, c in enumerate(portfolio.columns)}
    behind: dict[tuple[str, str], set[str]] = {}
    for zone_id in (*benchmark, target):
        side = "target" if zone_id == target else "frontier"
        for m in dataset.zone(zone_id).measures:
            if not is_counted(m, statuses):
                continue
            for code in m.categories:
                cell = float(cells[row[zone_id], col[code]])
                sets_cell = cell > 0 and m.depth / top * (1.0 if code == m.category else secondary_weight) == cell
                in_frontier = rule == "mean" or (rule == "max" and cell == best[code]) or rule == zone_id
                if sets_cell and (side == "target" or in_frontier):
                    behind.setdefault((side, code), set()).add(m.confidence)
    return {code for (_side, code), confidences in behind.items() if confidences == {"low"}}


@pytest.mark.parametrize("secondary_weight", [0.5, 1.0])
def test_every_shipped_target_and_rule(shipped, secondary_weight: float) -> None:
    ids = [z.id for z in shipped.zones if z.kind != "national-policy"]
    statuses = shipped.codebook.counted_statuses
    found = 0
    for k, target in enumerate(ids):
        others = [i for i in ids if i != target]
        for rule in ("max", "mean", others[k % len(others)]):
            gap = gap_analysis(shipped, target, frontier=rule, secondary_weight=secondary_weight)
            args = (shipped, gap.portfolio, target, gap.benchmark, rule, statuses, secondary_weight)
            expected = loop_low_confidence(*args)
            assert _low_confidence(*args) == expected, (target, rule)
            found += len(expected)
    assert found > 0  # some scores do rest on low-confidence measures only
