"""Data format 2.0: cell states, the checklist's checks, national duties, and the migration from 1.x."""

from __future__ import annotations

from pathlib import Path

from policybench import load_dataset, load_zone, validate
from policybench.data.migrate import migrate_zone
from policybench.data.states import applicability_tags, core_coverage, zone_states
from policybench.report import report

SHIPPED_CODEBOOK = Path(__file__).parents[1] / "datasets" / "codebook.yaml"

HEAD = """id: test-zone
name: {zh: 测试高新区, en: Test Zone}
kind: national-high-tech-zone
region:
  province: {zh: 测试省, en: Test Province}
description: {zh: 测试。, en: Test.}
"""
SOURCES = """sources:
  - {id: plan, title: 规划, publisher: 测试政府, date: "2021", kind: primary}
measures:
  - id: test-zone.statute
    title: {zh: 条例, en: Statute}
    summary: {zh: 条例。, en: A statute.}
    category: GOV.ZONE_LEGISLATION
    status: implemented
    depth: 1
    evidence: [{source: plan, locator: art 1}]
    confidence: high
  - id: test-zone.fund-plan
    title: {zh: 拟设基金, en: Planned fund}
    summary: {zh: 拟设基金。, en: A planned fund.}
    category: MKT.INDUSTRY_FUND
    status: proposed
    depth: 1
    evidence: [{source: plan, locator: art 2}]
    confidence: high
"""


def _issues(tmp_path: Path, body: str) -> list[tuple[str, str, int, str]]:
    path = tmp_path / "test-zone.yaml"
    path.write_text(HEAD + body + SOURCES, encoding="utf-8")
    report = validate([path], codebook=SHIPPED_CODEBOOK)
    return [(i.code, i.path, i.line, i.severity) for i in report.issues]


def test_absence_rules_are_located(tmp_path: Path) -> None:
    body = """absent:
  - {code: HR.POST_QUOTA, basis: search, confidence: high, search: {date: "2026", queries: [q]}}
  - {code: HR.MARKET_HIRING, basis: stated, confidence: low}
  - {code: DEL.FISCAL_SYSTEM, basis: search, confidence: low}
  - {code: TER.MULTI_PARK, basis: search, confidence: low, search: {date: "2026"}}
  - {code: GOV.STATUTORY_BODY, evidence: [{source: plan, locator: p}]}
unknown:
  - {code: HR.POST_QUOTA, note: {zh: 重复, en: twice}}
  - {code: GOV.ZONE_LEGISLATION, note: {zh: 有措施, en: measured}}
  - {code: MKT.INDUSTRY_FUND, note: {zh: 有计划, en: planned}}
"""
    found = _issues(tmp_path, body)
    assert ("search-absence-high", "absent[0].confidence", 8, "error") in found
    assert ("absent-without-evidence", "absent[1].evidence", 9, "error") in found
    assert ("absent-without-search", "absent[2]", 10, "error") in found
    assert ("empty-search", "absent[3].search", 11, "error") in found
    assert ("absent-format-1", "absent[4]", 12, "warning") in found
    conflicts = [(c, p) for c, p, _, _ in found if c == "state-conflict"]
    assert conflicts == [
        ("state-conflict", "unknown[0].code"),
        ("state-conflict", "unknown[1].code"),
        ("state-conflict", "unknown[2].code"),
    ]
    core = [i for i in found if i[0] == "core-undecided"]
    assert core and core[0][3] == "warning"


def test_a_search_absence_rests_on_sources_read_in_full(tmp_path: Path) -> None:
    """K5: the sources of a search-based absence are those scope.sources lists as read in full, or it cites evidence."""
    body = """scope:
  examined: [HR]
  sources: [plan]
absent:
  - {code: HR.POST_QUOTA, basis: search, confidence: low, search: {date: "2026", sources: [plan, news]}}
  - {code: HR.MARKET_HIRING, basis: search, confidence: low, search: {date: "2026", sources: [plan]}}
  - {code: HR.PERFORMANCE_PAY, basis: search, confidence: low, search: {date: "2026", sources: [news]},
     evidence: [{source: news, locator: para 2, key_phrase: 按编制管理}]}
"""
    path = tmp_path / "test-zone.yaml"
    text = (
        HEAD
        + body
        + SOURCES.replace(
            "sources:\n", "sources:\n  - {id: news, title: 报道, publisher: 某报, date: '2022', kind: news}\n", 1
        )
    )
    path.write_text(text, encoding="utf-8")
    issues = [i for i in validate([path], codebook=SHIPPED_CODEBOOK).issues if i.code == "search-source-not-read"]
    assert [(i.path, i.line, i.severity) for i in issues] == [("absent[0].search.sources", 11, "warning")]
    assert "news" in issues[0].message and "plan" not in issues[0].found


def test_states_duties_and_what_does_not_apply(tmp_path: Path) -> None:
    path = tmp_path / "test-zone.yaml"
    path.write_text(
        HEAD.replace("测试省", "天津市")
        + "scope: {examined: [GOV], as_of: '2019-06'}\n"
        + "absent:\n  - {code: CGV.DISCLOSURE, basis: stated, confidence: high, evidence: [{source: plan, locator: p}]}\n"
        + SOURCES,
        encoding="utf-8",
    )
    zone = load_zone(path)
    codebook = load_dataset().codebook
    states = zone_states(codebook, zone, codebook.counted_statuses)
    assert applicability_tags(zone) == {"national-high-tech-zone", "province-level-city"}
    assert states.states["GOV.ZONE_LEGISLATION"] == "present"
    assert states.states["MKT.INDUSTRY_FUND"] == "absent"  # a plan lists it as future work (K4)
    assert states.states["GOV.BUREAU_MERGER"] == "unknown"  # inside scope.examined, but silent: unknown
    assert states.states["DEL.PROVINCIAL_POWERS"] == "not-applicable"  # a province-level city
    assert states.states["SVC.ONLINE_SERVICE"] == "present" and "SVC.ONLINE_SERVICE" in states.by_duty  # 2019-04-26
    assert states.states["INS.INCLUSIVE_REGULATION"] == "unknown"  # in force 2020-01-01, after the coding's 2019-06
    assert states.states["CGV.DISCLOSURE"] == "absent"  # evidence beats the presumption
    later = zone_states(codebook, zone, codebook.counted_statuses, as_of="2020")
    assert later.states["INS.INCLUSIVE_REGULATION"] == "present"
    coverage = core_coverage(codebook, zone, codebook.counted_statuses)
    assert coverage.total == 34 and coverage.known == coverage.present + coverage.absent + coverage.not_applicable
    assert coverage.present == 2 and coverage.not_applicable == 1 and coverage.absent == 2  # fund plan, disclosure


def test_migration_from_format_1(tmp_path: Path) -> None:
    path = tmp_path / "test-zone.yaml"
    path.write_text(
        HEAD
        + "scope: {examined: [HR, MKT.PARTNER_SYSTEM], sources: [plan], as_of: '2021'}\n"
        + "absent:\n  - {code: MKT.MIXED_OWNERSHIP, evidence: [{source: plan, locator: p}]}\n"
        + SOURCES,
        encoding="utf-8",
    )
    zone = load_zone(path)
    codebook = load_dataset().codebook
    new, changes = migrate_zone(zone, codebook, searched="2026-11-28")
    by_code = {a.code: a for a in new.absent}
    assert (by_code["MKT.MIXED_OWNERSHIP"].basis, by_code["MKT.MIXED_OWNERSHIP"].confidence) == ("stated", "medium")
    partner = by_code["MKT.PARTNER_SYSTEM"]  # examined by name, sources read in full: a low search record
    assert (partner.basis, partner.confidence, partner.search.sources) == ("search", "low", ["plan"])
    unknown = {u.code for u in new.unknown}
    assert "HR.POST_QUOTA" in unknown and "HR.POST_QUOTA" not in by_code  # a whole domain is no evidence
    assert "TAL.TALENT_FUNDING" in unknown  # core, never examined
    assert core_coverage(codebook, new, codebook.counted_statuses).silent == ()
    assert any(c.startswith("absent MKT.PARTNER_SYSTEM") for c in changes)
    again, more = migrate_zone(new, codebook, searched="2026-11-28")
    assert again == new and more == []  # a 2.0 file comes back unchanged


def test_the_shipped_data_keeps_the_checklist() -> None:
    ds = load_dataset()
    report = validate()
    assert report.valid and not [i for i in report.issues if i.code == "core-undecided"]
    tianjin = core_coverage(ds.codebook, ds.zone("tianjin-htz"), ds.codebook.counted_statuses)
    assert tianjin.known_share >= 0.8


def test_strengths_only_where_someone_looked() -> None:
    from policybench.gaps import gap_analysis

    ds = load_dataset()
    gap = gap_analysis(ds, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"])
    strengths = gap.strengths()
    assert not strengths.empty and (strengths["n_examined"] > 0).all()
    full = gap.full_table
    unseen = full[(full["n_examined"] == 0) & (full["target"] > 0)]
    assert not unseen.empty and not unseen["strength"].any()  # nobody looked: never a strength


def test_one_headline_count_everywhere() -> None:
    from policybench import assess

    ds = load_dataset()
    a = assess(ds, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=0)
    counts = a.gap.counts()
    assert sum(counts.values()) == len(ds.codebook.codes)
    assert counts["known"] == len(a.gap.known_table())
    md = report(a, lang="en", generated="2026-12-07").to_markdown()
    assert f"over the {counts['known']} applicable categories whose state is known" in md
    assert f"({counts['unknown']} more applicable ones are unknown" in md
    assert f"over {counts['known']} applicable categories known for the target" in a.gap.summary("en")
    assert f"over {counts['known']} applicable categories known for the target" in a._repr_html_()


def test_a_code_or_source_listed_twice_in_the_scope_is_a_located_warning(tmp_path: Path) -> None:
    path = tmp_path / "test-zone.yaml"
    path.write_text(
        HEAD + "scope:\n  examined: [HR, GOV.STATUTORY_BODY, HR]\n  sources: [plan, plan]\n" + SOURCES, encoding="utf-8"
    )
    issues = [i for i in validate([path], codebook=SHIPPED_CODEBOOK).issues if i.code == "repeated-entry"]
    assert [(i.path, i.line, i.severity, i.found) for i in issues] == [
        ("scope.examined[2]", 2 + HEAD.count("\n"), "warning", "HR"),
        ("scope.sources[1]", 3 + HEAD.count("\n"), "warning", "plan"),
    ]
    assert "first as item 0" in issues[0].message
