"""The per-zone rows that portfolios, scopes, counted measures and carried codes are built from (cached per dataset)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from policybench.data.codebook import is_counted
from policybench.similarity.portfolio import (
    STATES,
    carried_codes,
    counted_measures,
    portfolio_matrix,
    scope_matrix,
    state_codes,
)


def test_rows_are_the_rules_applied_zone_by_zone(shipped) -> None:
    statuses = shipped.codebook.counted_statuses
    codes = list(shipped.codebook.codes)
    zones = list(reversed(shipped.zone_ids))  # any order of rows
    states = state_codes(shipped, zones, statuses)
    carried = carried_codes(shipped, zones, statuses)
    top = float(shipped.codebook.max_depth)
    for i, zone_id in enumerate(zones):
        found = shipped.states(zone_id, statuses)
        assert [STATES[k] for k in states[i]] == [found.states[c] for c in codes]
        counted = [m for m in shipped.zone(zone_id).measures if is_counted(m, statuses)]
        assert counted_measures(shipped, zone_id, statuses) == tuple(counted)
        assert carried[i].tolist() == [float(any(c in m.categories for m in counted)) for c in codes]
        expected = np.zeros(len(codes))  # the portfolio's definition, written out
        for c in found.by_duty:
            expected[codes.index(c)] = 1.0 / top
        for m in counted:
            for role, c in [(1.0, m.category), *[(0.5, s) for s in m.secondary]]:
                expected[codes.index(c)] = max(expected[codes.index(c)], m.depth / top * role)
        expected[[found.states[c] in ("unknown", "not-applicable") for c in codes]] = np.nan
        np.testing.assert_array_equal(portfolio_matrix(shipped, zones=[zone_id]).to_numpy()[0], expected)
    frame = scope_matrix(shipped, zones=zones)
    assert frame.to_numpy().tolist() == [[STATES[k] for k in row] for row in states]
    assert list(frame.index) == zones and list(frame.columns) == codes


def test_results_do_not_share_the_cached_rows(shipped) -> None:
    first = portfolio_matrix(shipped, zones=["tianjin-htz"])
    first.iloc[0, :] = 0.5  # a caller may write into its own result
    again = portfolio_matrix(shipped, zones=["tianjin-htz"])
    assert not (again.fillna(0.0).to_numpy() == 0.5).all()
    empty = scope_matrix(shipped, zones=[])
    assert empty.shape == (0, len(shipped.codebook.codes)) and isinstance(empty, pd.DataFrame)


def test_the_data_hash_of_an_analysis_is_computed_when_read(toy_codebook_path) -> None:
    import dataclasses

    from policybench import load_dataset
    from policybench.gaps import gap_analysis

    ds = load_dataset(toy_codebook_path.parent)
    gap = gap_analysis(ds, "alpha")
    assert "data_hash" not in ds._derived  # an assessment does not wait for the hash
    assert gap.data_hash == ds.data_hash() and len(gap.data_hash) == 16
    assert f"data_hash='{gap.data_hash}'" in repr(gap)
    assert dataclasses.replace(gap, target="beta").data_hash == gap.data_hash
    assert dataclasses.replace(gap, data_hash="given").data_hash == "given"
