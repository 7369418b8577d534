"""Dataset.zone looks zones up by dictionary; duplicate ids are still refused."""

from __future__ import annotations

import time

import numpy as np
import pytest

from policybench import load_dataset
from policybench.data.dataset import Dataset
from policybench.errors import InputError, UnknownIdError
from policybench.similarity.portfolio import portfolio_matrix


def test_zone_lookup_by_id_on_a_large_portfolio() -> None:
    shipped = load_dataset()
    zones = tuple(shipped.zones[i % len(shipped.zones)].model_copy(update={"id": f"z{i:05d}"}) for i in range(10_000))
    started = time.perf_counter()
    big = Dataset(shipped.codebook, zones)
    found = [big.zone(f"z{i:05d}") for i in range(10_000)]
    assert time.perf_counter() - started < 5  # a scan per lookup took minutes here
    assert all(zone is original for zone, original in zip(found, zones, strict=True))
    with pytest.raises(UnknownIdError, match="z99999"):
        big.zone("z99999")
    started = time.perf_counter()
    portfolio = portfolio_matrix(big)
    assert time.perf_counter() - started < 10  # 0.5 s here on a quiet machine; it took 193 s with a scan per zone
    assert portfolio.shape == (10_000, len(shipped.codebook.codes))
    first = portfolio_matrix(shipped).loc[shipped.zones[0].id]
    again = portfolio.loc[f"z{len(shipped.zones):05d}"]  # the same zone, copied under another id
    np.testing.assert_array_equal(again.to_numpy(), first.to_numpy())


def test_duplicate_zone_ids_are_named() -> None:
    shipped = load_dataset()
    zone = shipped.zones[0]
    with pytest.raises(InputError, match=f"duplicate zone ids in the dataset: {zone.id}"):
        Dataset(shipped.codebook, (zone, shipped.zones[1], zone))


def test_measure_lookup_by_id_keeps_the_first_of_a_repeated_id() -> None:
    shipped = load_dataset()
    zone = shipped.zones[0]
    first, second = zone.measures[0], zone.measures[1]
    twin = second.model_copy(update={"id": first.id})  # data built in code may repeat an id
    copy = zone.model_copy(update={"measures": [first, twin, *zone.measures[2:]]})
    ds = shipped.replace_zones([copy, *shipped.zones[1:]])
    assert ds.measure(first.id) is first  # the first, as the scan it replaced returned
    assert ds.measure(shipped.zones[1].measures[0].id) is shipped.zones[1].measures[0]
    with pytest.raises(UnknownIdError, match="unknown measure id 'no-such-measure'"):
        ds.measure("no-such-measure")
