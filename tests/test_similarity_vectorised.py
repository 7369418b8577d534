"""zone_similarity_matrix, nearest_peers and zone_similarity computed as arrays give the loop's results.

``_combined_loop`` is a verbatim copy of similarity/combined.py before the pairs were
vectorised (one pandas lookup and one scan of ``attrs["undefined"]`` per pair).
"""

from __future__ import annotations

import math

import _combined_loop as loop
import pandas as pd
import pytest

from policybench.similarity import nearest_peers, zone_similarity, zone_similarity_matrix


def _same_frames(new: pd.DataFrame, old: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    assert new.attrs == old.attrs


@pytest.mark.parametrize("data", ["shipped", "shipped_examined"])
def test_structured_matrix_identical(data: str, request: pytest.FixtureRequest) -> None:
    ds = request.getfixturevalue(data)
    for kwargs in ({}, {"metric": "jaccard", "min_overlap": 3}, {"metric": "heterogeneity", "zones": ds.zone_ids[::2]}):
        _same_frames(
            zone_similarity_matrix(ds, method="structured", **kwargs),
            loop.zone_similarity_matrix(ds, method="structured", **kwargs),
        )


@pytest.mark.parametrize("method", ["combined", "alignment"])
def test_aligned_matrix_identical(shipped_examined, method: str) -> None:
    zones = ["national-policy", *shipped_examined.zone_ids[:7]]
    _same_frames(
        zone_similarity_matrix(shipped_examined, method=method, zones=zones),
        loop.zone_similarity_matrix(shipped_examined, method=method, zones=zones),
    )


def test_shipped_combined_matrix_with_undefined_pairs_identical(shipped) -> None:
    zones = ["national-policy", *shipped.zone_ids[:8]]
    new = zone_similarity_matrix(shipped, zones=zones, min_overlap=12)
    _same_frames(new, loop.zone_similarity_matrix(shipped, zones=zones, min_overlap=12))
    assert new.attrs["undefined"]  # the test covers pairs without a number


@pytest.mark.parametrize("method", ["structured", "combined"])
def test_nearest_peers_identical(shipped, shipped_examined, method: str) -> None:
    for ds, target, kwargs in (
        (shipped_examined, "tianjin-htz", {"k": 30}),
        (shipped, "tianjin-htz", {"k": 4, "min_overlap": 2}),
        (shipped, "donghu-htz", {"k": 30, "kind": "national-high-tech-zone"}),
    ):
        new = nearest_peers(ds, target, method=method, **kwargs)
        old = loop.nearest_peers(ds, target, method=method, **kwargs)
        _same_frames(new, old)


def test_zone_similarity_identical(shipped) -> None:
    for a, b in (("tianjin-htz", "tianjin-teda"), ("national-policy", "tianjin-htz"), ("donghu-htz", "donghu-htz")):
        new, old = zone_similarity(shipped, a, b), loop.zone_similarity(shipped, a, b)
        for name in ("zone_a", "zone_b", "structured", "score", "overlap", "overlap_share", "reason", "params"):
            x, y = getattr(new, name), getattr(old, name)
            assert x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y)), (name, x, y)
        assert new.alignment_score == old.alignment_score or math.isnan(old.alignment_score)
        assert dict(new.estimate) == dict(old.estimate) or new.reason
