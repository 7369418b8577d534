"""Errors that help: did-you-mean for codes in any case or by name, every problem of a measure at once,
placeholders of the new-zone skeleton (issue 25, item 4)."""

from __future__ import annotations

from pathlib import Path

from policybench import load_codebook
from policybench.data.checks import suggest_code
from policybench.data.validate import validate

MEASURE = """
  - id: bad-zone.m{n}
    title: {{zh: 法定机构, en: Statutory}}
    summary: {{zh: 摘要, en: summary}}
    category: {category}
    status: implemented
    depth: {depth}
    start: "{start}"
    evidence: [{{source: s1, locator: p1}}]
    confidence: medium
"""


def _zone(tmp_path: Path, *measures: str, title: str = "规划") -> Path:
    text = f"""id: bad-zone
name: {{zh: 坏区, en: Bad}}
kind: national-high-tech-zone
region: {{province: {{zh: 湖北省, en: Hubei}}}}
description: {{zh: 测试。, en: Test.}}
sources:
  - {{id: s1, title: {title}, publisher: x, kind: primary}}
measures:{"".join(measures)}"""
    path = tmp_path / "bad-zone.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _issues(path: Path) -> dict[str, list]:
    out: dict[str, list] = {}
    for issue in validate([path]).issues:
        out.setdefault(issue.path, []).append(issue)
    return out


def test_code_suggestions_for_case_separators_and_names() -> None:
    cb = load_codebook()
    assert suggest_code("gov.statutory_body", cb) == "did you mean 'GOV.STATUTORY_BODY'?"
    assert suggest_code("GOV.STATUTORY-BODY", cb) == "did you mean 'GOV.STATUTORY_BODY'?"
    assert suggest_code("gov statutory body", cb) == "did you mean 'GOV.STATUTORY_BODY'?"
    assert "GOV.STATUTORY_BODY" in suggest_code("Statutory body", cb)
    assert "GOV.STATUTORY_BODY" in suggest_code("法定机构", cb)
    assert suggest_code("完全无关的文字", cb) == ""


def test_every_problem_of_a_measure_at_once(tmp_path: Path) -> None:
    path = _zone(
        tmp_path,
        MEASURE.format(n=1, category="gov.statutory_body", depth=7, start="2024-13-01"),
        MEASURE.format(n=2, category="法定机构", depth=2, start="2020"),
    )
    issues = _issues(path)
    assert [i.code for i in issues["measures[0].category"]] == ["unknown-code"]
    assert issues["measures[0].category"][0].hint == "did you mean 'GOV.STATUTORY_BODY'?"
    assert [i.code for i in issues["measures[0].depth"]] == ["bad-depth"]  # not hidden by the bad date
    assert [i.code for i in issues["measures[0].start"]] == ["bad-date"]
    assert "法定机构 / Statutory body" in issues["measures[1].category"][0].hint
    assert all(i.line > 0 for found in issues.values() for i in found)


def test_skeleton_placeholders_are_errors(tmp_path: Path) -> None:
    path = _zone(tmp_path, MEASURE.format(n=1, category="FILL.IN_A_CODE", depth=1, start="2020"), title="FILL IN title")
    issues = _issues(path)
    assert [i.code for i in issues["sources[0].title"]] == ["placeholder"]
    assert [i.code for i in issues["measures[0].category"]] == ["placeholder"]  # one message per field
    assert not validate([path]).valid
