"""Dataset.filter selects zones, categories and measures by patterns (issue 24, item 4)."""

from __future__ import annotations

import pytest

from policybench import InputError


def test_filter_by_zone_kind_category_and_measure(shipped) -> None:
    htz = shipped.filter(kinds="national-high-tech-zone")
    assert htz.zone_ids and all(shipped.zone(z).kind == "national-high-tech-zone" for z in htz.zone_ids)
    assert "national-policy" not in htz.zone_ids
    gov = shipped.filter(zones=["tianjin-htz", "donghu-*"], categories="GOV.*")
    assert gov.zone_ids == ("donghu-htz", "tianjin-htz")
    assert all(any(c.startswith("GOV.") for c in m.categories) for _z, m in gov.measures())
    assert all(a.code.startswith("GOV.") for z in gov.zones for a in z.absent)
    one = shipped.filter(measures="tianjin-htz.statutory-body")
    assert [m.id for _z, m in one.measures()] == ["tianjin-htz.statutory-body"]
    assert shipped.filter().zone_ids == shipped.zone_ids  # nothing asked: everything kept
    assert gov.codebook is shipped.codebook and gov.data_version == shipped.data_version


@pytest.mark.parametrize("kwargs", [{"zones": []}, {"zones": 3}, {"categories": [""]}, {"kinds": ["x", 1]}])
def test_bad_patterns_are_input_errors(shipped, kwargs) -> None:
    with pytest.raises(InputError, match="parameter of Dataset.filter"):
        shipped.filter(**kwargs)


def test_an_empty_selection_says_so(shipped) -> None:
    with pytest.raises(InputError, match="kept no zone"):
        shipped.filter(zones="no-such-zone*")
