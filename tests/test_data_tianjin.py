"""Data tests for Tianjin, pinned to the data version (datasets/VERSION, datasets/CHANGES.md).

These assert what the shipped data gives, not what a method must give: when the data
changes, its version is bumped and these expectations are re-read against the new data
(and reported in CHANGES.md), never tuned to keep a conclusion alive.
"""

from __future__ import annotations

import pytest

from policybench import load_dataset, validate
from policybench.data.protocol import PROTOCOL_RULES
from policybench.gaps import gap_analysis, recommend

DATA_VERSION = "1.1.0"
MODELS = ["wuhan-city-partner", "donghu-htz"]

#: Categories the 1.1.0 re-audit found Tianjin to have, with the source that shows it.
VERIFIED = {
    "GOV.ZONE_LEGISLATION": "tianjin-htz.zone-statute-2020",  # statute in force 2020-07-01
    "GOV.STATUTORY_BODY": "tianjin-htz.statutory-body",  # statute Art. 7; 2019 launch
    "TER.MULTI_PARK": "tianjin-htz.multi-park",  # statute Art. 2; 2018 sub-park policy
    "INS.PILOT_REPLICATION": "tianjin-htz.demonstration-zone-pilot",  # 2014 designation
    "DEL.MUNICIPAL_POWERS": "tianjin-htz.municipal-powers",
    "SVC.SERVICE_VOUCHER": "tianjin-htz.innovation-voucher",
}


@pytest.fixture(scope="module")
def ds():
    data = load_dataset()
    assert data.data_version == DATA_VERSION, "data changed: re-read these expectations, then bump DATA_VERSION"
    return data


@pytest.fixture(scope="module")
def models_top(ds):
    return recommend(gap_analysis(ds, "tianjin-htz", against=MODELS), top=5)


def test_tianjin_files_break_no_protocol_rule() -> None:
    report = validate()
    mine = [i for i in report.issues if i.file.endswith(("tianjin-htz.yaml", "tianjin-teda.yaml"))]
    assert [str(i) for i in mine if i.code in PROTOCOL_RULES or i.severity == "error"] == []


def test_tianjin_counts_and_scope(ds) -> None:
    zone = ds.zone("tianjin-htz")
    counted = [m for m in zone.measures if m.status in ("implemented", "piloting")]
    assert (len(zone.measures), len(counted)) == (47, 30)
    assert zone.scope is not None and "TAL" not in zone.scope.examined
    assert {a.code for a in zone.absent} == {
        "MKT.PARTNER_SYSTEM",
        "MKT.MIXED_OWNERSHIP",
        "MKT.PLATFORM_COMPANY_REFORM",
    }


def test_verified_categories_are_coded(ds) -> None:
    for code, measure_id in VERIFIED.items():
        measure = ds.measure(measure_id)
        assert measure.category == code and measure.status == "implemented", measure_id


def test_dates_follow_the_sources(ds) -> None:
    powers = ds.measure("tianjin-htz.municipal-powers")
    cases = next(i for i in powers.indicators if i.unit == "cases")
    assert (cases.value, cases.as_of) == (4842, "2020-02")  # cumulative since the takeover, reported Feb 2020
    haitai = ds.measure("tianjin-htz.haitai-mixed-ownership-attempt")
    assert (haitai.status, haitai.end) == ("discontinued", "2019-01-16")  # the announced intent to withdraw
    assert "announced" in haitai.summary.en
    statute = ds.measure("tianjin-htz.zone-statute-2020")
    assert (statute.start, statute.depth) == ("2020-07-01", 1)


def test_article_conclusions_against_the_two_models(ds, models_top) -> None:
    # The article's two directions (partner system; platform-company reform) are both ranked against
    # Wuhan + Donghu, and both are flagged as already proposed for Tianjin.
    top = models_top.set_index("code")
    assert bool(top.loc["MKT.PARTNER_SYSTEM", "already_planned"])
    # With the 金融服务 secondary code, sci-tech finance is also flagged as already proposed.
    assert bool(top.loc["MKT.SCI_TECH_FINANCE", "already_planned"])
    # What data 1.1.0 gives (Donghu re-audited: statute depth 1, gazelle programme depth 3, the nine
    # market-access measures depth 2, remote verification of registrations depth 3): the top five.
    # Platform-company reform, 4th before the zonesA re-audit of Donghu, is 6th: a conclusion that moved.
    assert list(top.index) == [
        "INS.GAZELLE_UNICORN",
        "MKT.PARTNER_SYSTEM",
        "INS.INCLUSIVE_REGULATION",
        "SVC.ONLINE_SERVICE",
        "MKT.SCI_TECH_FINANCE",
    ]
    six = recommend(gap_analysis(ds, "tianjin-htz", against=MODELS), top=6).set_index("code")
    assert list(six.index)[5] == "MKT.PLATFORM_COMPANY_REFORM"
    assert bool(six.loc["MKT.PLATFORM_COMPANY_REFORM", "already_planned"])
    # Zone legislation, 4th in data 1.0.0 although Tianjin has its own statute, is no longer a gap.
    assert "GOV.ZONE_LEGISLATION" not in top.index


def test_gap_against_all_zones_ranks_nothing_tianjin_verifiably_has(ds) -> None:
    table = recommend(gap_analysis(ds, "tianjin-htz"), top=10)
    zone = ds.zone("tianjin-htz")
    counted = {
        code: max(m.depth for m in zone.measures if m.status in ("implemented", "piloting") and code in m.categories)
        for code in {c for m in zone.measures if m.status in ("implemented", "piloting") for c in m.categories}
    }
    for _, row in table.iterrows():
        # a ranked category is one Tianjin lacks, or holds below the frontier: never one at the frontier
        assert row["gap"] > 0
        if row["code"] in VERIFIED:
            assert row["target"] > 0 and row["code"] in counted, row["code"]
        if "target_state" in table.columns:  # once gap analysis knows the scope (issue 9)
            assert row["target_state"] in {"present", "absent"}, row["code"]
