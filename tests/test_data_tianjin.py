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
from policybench.similarity import scope_matrix

DATA_VERSION = "2.7.0"
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
    # 2.0.0: seven measures added on the 2026-12 audit's evidence (talent, sci-tech finance, market hiring,
    # gazelle evaluation, Haitai as the committee's company)
    assert (len(zone.measures), len(counted)) == (54, 37)
    assert zone.scope is not None and "TAL" not in zone.scope.examined
    stated = {a.code for a in zone.absent if a.basis == "stated"}
    assert stated == {"MKT.PARTNER_SYSTEM", "MKT.MIXED_OWNERSHIP", "MKT.PLATFORM_COMPANY_REFORM"}
    searched = {a.code for a in zone.absent if a.basis == "search"}
    assert all(a.confidence == "low" for a in zone.absent if a.basis == "search")  # migrated: no queries recorded
    # the audit's false absences are present now, never absent
    assert not searched & {"INS.GAZELLE_UNICORN", "MKT.SCI_TECH_FINANCE", "HR.MARKET_HIRING", "TAL.TALENT_FUNDING"}
    states = scope_matrix(ds, zones=["tianjin-htz"]).loc["tianjin-htz"]
    assert states["DEL.PROVINCIAL_POWERS"] == "not-applicable"  # a province-level city
    for code in ("INS.GAZELLE_UNICORN", "MKT.SCI_TECH_FINANCE", "HR.MARKET_HIRING", "TAL.TALENT_FUNDING"):
        assert states[code] == "present", code


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
    # What data 2.1.0 gives (adoption shrunk toward the benchmark's base rate, data 2.0.0's corrections):
    # the national duties (inclusive supervision, online services) are no longer recommended; Tianjin's talent
    # fund and services are known now (statute Arts. 29, 34, depth 1) and are depth gaps to Donghu's and
    # Wuhan's operating schemes; gazelles are present at depth 2 (gap to Donghu's depth 3). Since a
    # recommendation weighs P(Tianjin lacks it) (gaps.evidence), the absences resting on the article's
    # low-confidence proposals count 0.7 and depth gaps 1: the industry fund (depth 2 against Donghu's 3) is
    # 5th, tied with sci-tech finance (same factors; the code decides) and the fiscal system (Tianjin's 2019
    # request, pending) 7th. Platform-company reform, 6th in 1.1.0,
    # is 8th since Donghu's 2011 control transfer was removed (audit 2026-12: not a market reform).
    # Data 2.3.0: talent services lead talent funding since Donghu's digital talent card (depth 3, ported
    # from the blind second coding) joined Wuhan's services at the frontier.
    assert list(top.index) == [
        "TAL.TALENT_SERVICES",
        "TAL.TALENT_FUNDING",
        "MKT.PARTNER_SYSTEM",
        "INS.GAZELLE_UNICORN",
        "MKT.INDUSTRY_FUND",
    ]
    assert top.loc["MKT.PARTNER_SYSTEM", "absence_evidence"] == "source"
    assert top.loc["MKT.PARTNER_SYSTEM", "p_lacks"] == 0.7  # the article's proposal, low confidence
    assert not {"INS.INCLUSIVE_REGULATION", "SVC.ONLINE_SERVICE", "CGV.DISCLOSURE"} & set(top.index)
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
