"""A recommendation needs evidence on both sides: P(the target lacks it) and the exemplar's confidence.

Known answers on the toy with three states (tests/data/toy-states; see test_scope_methods.py):
tee (target) does STAT (d3), is absent in CORP (search, medium) and PART (stated, medium), and
unknown in PLAT and MIX; the benchmark bee and cee. Weights GOV 1/4, MKT 1/6; raw shares
(adoption_prior 0) so that the numbers can be computed by hand: each category has one adopter among
the two benchmark zones, adoption 1/2 (basis documented).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policybench import load_dataset
from policybench.data.model import Absence, Evidence, SearchRecord, Source
from policybench.gaps import LACK_PROBABILITY, gap_analysis, recommend, sensitivity
from policybench.gaps.evidence import absence_evidence, verification_check

STATES_TOY = Path(__file__).parent / "data" / "toy-states"
STAT, CORP, PART, PLAT, MIX = (
    "GOV.STATUTORY_BODY",
    "GOV.CORPORATE_MGMT",
    "MKT.PARTNER_SYSTEM",
    "MKT.PLATFORM_COMPANY_REFORM",
    "MKT.MIXED_OWNERSHIP",
)
STATUSES = ("implemented", "piloting")


@pytest.fixture(scope="module")
def ds():
    return load_dataset(STATES_TOY)


def _with_absent(ds, *entries):
    """The toy with tee's absent entries replaced by ``entries``."""
    tee = ds.zone("tee")
    sources = [*tee.sources, Source(id="gov", title="管委会工作报告", publisher="测试管委会", kind="primary")]
    zones = [
        z.model_copy(update={"absent": list(entries), "sources": sources}) if z.id == "tee" else z for z in ds.zones
    ]
    return ds.replace_zones(zones)


def _search(conf, sources=("doc",), queries=()):
    record = SearchRecord(date="2021", sources=list(sources), queries=list(queries))
    return Absence(code=CORP, basis="search", confidence=conf, search=record)


def test_lack_probability_table_by_hand(ds) -> None:
    tee = ds.zone("tee")
    # a source that says it is not done, medium confidence: 0.85; a search record, medium: 0.75
    assert absence_evidence(tee, PART, STATUSES).p_lacks == 0.85
    assert absence_evidence(tee, CORP, STATUSES).p_lacks == 0.75
    assert absence_evidence(tee, STAT, STATUSES) is None  # tee does it: no absence recorded
    stated_high = Absence(code=CORP, basis="failed", confidence="high", evidence=[Evidence(source="doc", locator="p")])
    assert absence_evidence(_with_absent(ds, stated_high).zone("tee"), CORP, STATUSES).p_lacks == 0.95
    low = absence_evidence(_with_absent(ds, _search("low")).zone("tee"), CORP, STATUSES)
    assert (low.kind, low.p_lacks) == ("search", 0.6)
    # a search record with nothing read and nothing run is no evidence: not ranked
    empty = Absence(code=CORP, basis="search", confidence="low", search=SearchRecord(date="2021"))
    none = absence_evidence(_with_absent(ds, empty).zone("tee"), CORP, STATUSES)
    assert (none.kind, none.p_lacks, none.evidenced) == ("none", 0.0, False)
    assert LACK_PROBABILITY["source"]["medium"] > LACK_PROBABILITY["search"]["medium"]


def test_priority_weighs_both_sides_by_hand(ds) -> None:
    gap = gap_analysis(ds, "tee", against=["bee", "cee"], adoption_prior=0)
    t = gap.full_table.set_index("code")
    # CORP: w 1/4, gap 2/3, adoption 1/2, exemplar bee's high-confidence measure (1.0), P(lacks) 0.75
    assert t.loc[CORP, "priority"] == pytest.approx(1 / 4 * 2 / 3 * 1 / 2 * 1.0 * 0.75)
    assert t.loc[CORP, "exemplar_confidence"] == "high"
    # PART: w 1/6, gap 1, adoption 1/2, exemplar bee's low-confidence measure (0.5), P(lacks) 0.85
    assert t.loc[PART, "priority"] == pytest.approx(1 / 6 * 1 * 1 / 2 * 0.5 * 0.85)
    assert t.loc[PART, "exemplar_confidence"] == "low"
    recs = recommend(gap).set_index("code")
    assert recs.loc[CORP, "p_lacks"] == 0.75 and recs.loc[PART, "absence_evidence"] == "source"
    # a stronger absence outranks: with CORP on a low-confidence search record (0.6) the priority falls by 0.6/0.75
    weaker = gap_analysis(_with_absent(ds, _search("low"), *ds.zone("tee").absent[:1]), "tee", against=["bee", "cee"])
    stronger = gap_analysis(ds, "tee", against=["bee", "cee"])
    ratio = (
        weaker.full_table.set_index("code").loc[CORP, "priority"]
        / stronger.full_table.set_index("code").loc[CORP, "priority"]
    )
    assert ratio == pytest.approx(0.6 / 0.75)


def test_unevidenced_absence_goes_to_verify_first_with_the_check(ds) -> None:
    empty = Absence(code=CORP, basis="search", confidence="low", search=SearchRecord(date="2021"))
    toy = _with_absent(ds, empty, *ds.zone("tee").absent[:1])
    gap = gap_analysis(toy, "tee", against=["bee", "cee"], adoption_prior=0)
    t = gap.full_table.set_index("code")
    assert t.loc[CORP, "target_state"] == "absent" and t.loc[CORP, "absence_evidence"] == "none"
    assert t.loc[CORP, "priority"] == 0.0
    assert CORP not in set(recommend(gap)["code"])
    verify = gap.unverified().set_index("code")
    assert verify.loc[CORP, "reason"] == "unevidenced"
    assert verify.loc[PLAT, "reason"] == verify.loc[MIX, "reason"] == "unknown"
    # the check: tee's primary source 'gov' (doc is news), and queries from tee's name and the keywords
    keywords = toy.codebook.category(CORP).keywords.zh
    assert verify.loc[CORP, "check_sources"] == "gov"
    assert verify.loc[CORP, "check_queries"].split(" | ")[0] == f"丁区 {keywords[0]}"
    assert "《管委会工作报告》" in verify.loc[CORP, "check_zh"] and "《管委会工作报告》" in verify.loc[CORP, "check_en"]


def test_check_leaves_out_what_was_already_read_and_run(ds) -> None:
    keywords = ds.codebook.category(CORP).keywords.zh
    done = _search("low", sources=("gov",), queries=(f"丁区  {keywords[0]}",))  # spacing normalised
    zone = _with_absent(ds, done).zone("tee")
    check = verification_check(zone, ds.codebook.category(CORP), [ds.measure("bee.corporate-management")])
    assert check.sources == ()  # 'gov' was read; 'doc' is not primary
    assert f"丁区 {keywords[0]}" not in check.queries and check.searched == 1
    # the only keyword was run, and bee's exemplar has no key phrase and the same title: nothing left to type
    assert keywords == ["企业化管理"] and check.queries == ()
    other = verification_check(zone, ds.codebook.category(PART), [ds.measure("bee.city-partner")])
    assert other.queries[-1] == "丁区 城市合伙人计划"  # the exemplar's title
    assert check.text(zone, "zh").endswith("已检索1次")


def test_robustness_draws_weigh_both_sides_by_hand(ds) -> None:
    # Evidence variant, top 1 (weights fixed). CORP ranks first iff tee's absence holds (P 0.75) and bee's
    # high-confidence exemplar is kept (0.95): then its priority 1/4 x 2/3 x 1/2 x 1 = 1/12 beats PART's at most
    # 1/6 x 1 x 1/2 x 0.5 = 1/24; tee's own STAT measure, if dropped, makes STAT unknown, never ranked.
    # PART ranks first iff CORP's priority is 0 (1 - 0.7125), PART's absence holds (0.85) and bee's
    # low-confidence exemplar is kept (0.5).
    gap = gap_analysis(ds, "tee", against=["bee", "cee"], adoption_prior=0)
    s = sensitivity(gap, draws=20000, seed=1, top=1).set_index("code")
    corp = 0.75 * 0.95
    part = (1 - corp) * 0.85 * 0.5
    # 20,000 draws: standard errors 0.0032 and 0.0023; the bounds are 4 of them
    assert s.loc[CORP, "p_top_evidence"] == pytest.approx(corp, abs=0.013)
    assert s.loc[PART, "p_top_evidence"] == pytest.approx(part, abs=0.01)
    # the weights variant draws no evidence: CORP is first whenever its weight factor keeps it above PART
    assert s.loc[CORP, "p_top_weights"] > s.loc[CORP, "p_top_evidence"]
