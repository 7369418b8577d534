"""The coding protocol's checkable rules (docs/coding-protocol.md): one toy file per rule.

Each case writes a zone with exactly one rule broken and asserts the code, severity, line
and path of the issue, and that the same zone with the rule kept raises nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policybench import validate
from policybench.data.protocol import PROTOCOL_RULES
from policybench.errors import ISSUE_CODES

TOY_CODEBOOK = Path(__file__).parent / "data" / "toy" / "codebook.yaml"

HEAD = """\
id: test-zone
name: {zh: 测试高新区, en: Test High-tech Zone}
kind: national-high-tech-zone
region:
  province: {zh: 测试省, en: Test Province}
description: {zh: 测试。, en: A test.}
scope: {examined: [GOV], sources: [gazette]}
sources:
  - {id: gazette, title: 条例, publisher: 人大常委会, date: "2020-05-18", kind: primary}
  - {id: news-a, title: 报道甲, publisher: 甲报, date: "2020-07-06", kind: news}
  - {id: news-b, title: 报道乙, publisher: 乙报, date: "2019-07-19", kind: news}
  - {id: mirror, title: 转载, publisher: unknown, date: "2020-02-26", kind: reprint}
measures:
  - id: test-zone.m
    title: {zh: 措施, en: A measure}
    summary: {zh: 措施。, en: A measure.}
    category: GOV.STATUTORY_BODY
"""  # the measure's fields follow on line 18


def _zone(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "zone.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _protocol_issues(tmp_path: Path, body: str):
    report = validate([_zone(tmp_path, body)], codebook=TOY_CODEBOOK)
    others = [i for i in report.issues if i.code not in PROTOCOL_RULES]
    assert not others, [str(i) for i in others]
    return [i for i in report.issues if i.code in PROTOCOL_RULES]


EVIDENCE_NEWS = "    evidence: [{source: news-a, locator: para 1}]\n"
CASES = [
    # name, measure body (from line 18), code, line, path
    (
        "proposed-depth",
        "    status: proposed\n    depth: 2\n" + EVIDENCE_NEWS + "    confidence: medium\n",
        "proposed-depth",
        19,
        "measures[0].depth",
    ),
    (
        "piloting-depth",
        "    status: piloting\n    depth: 3\n"
        "    indicators: [{name: {zh: 办件, en: cases}, value: 5, unit: cases, as_of: '2020', source: news-a}]\n"
        + EVIDENCE_NEWS
        + "    confidence: medium\n",
        "piloting-depth",
        19,
        "measures[0].depth",
    ),
    (
        "discontinued-without-end",
        "    status: discontinued\n    depth: 2\n    start: '2017'\n" + EVIDENCE_NEWS + "    confidence: medium\n",
        "discontinued-without-end",
        18,
        "measures[0].status",
    ),
    (
        "depth3-without-indicator",
        "    status: implemented\n    depth: 3\n" + EVIDENCE_NEWS + "    confidence: medium\n",
        "depth3-without-indicator",
        19,
        "measures[0].depth",
    ),
    (
        "depth3-structural-only",
        "    status: implemented\n    depth: 3\n"
        "    indicators:\n"
        "      - {name: {zh: 员额, en: posts}, value: 433, unit: posts, as_of: '2019-07', source: news-b}\n"
        "      - {name: {zh: 部门, en: departments}, value: 28, unit: Departments, as_of: '2019-07', source: news-b}\n"
        + EVIDENCE_NEWS
        + "    confidence: medium\n",
        "depth3-structural-only",
        19,
        "measures[0].depth",
    ),
    (
        "high-on-one-news-item",
        "    status: implemented\n    depth: 2\n" + EVIDENCE_NEWS + "    confidence: high\n",
        "high-without-support",
        21,
        "measures[0].confidence",
    ),
    (
        "high-on-news-and-reprint",
        "    status: implemented\n    depth: 2\n"
        "    evidence: [{source: news-a, locator: p1}, {source: mirror, locator: p2}, {source: news-a, locator: p3}]\n"
        "    confidence: high\n",
        "high-without-support",
        21,
        "measures[0].confidence",
    ),
    (
        "single-reprint-medium",
        "    status: implemented\n    depth: 2\n    evidence: [{source: mirror, locator: para 1}]\n    confidence: medium\n",
        "single-reprint-above-low",
        21,
        "measures[0].confidence",
    ),
    (
        "indicator-after-source",
        "    status: implemented\n    depth: 3\n"
        "    indicators: [{name: {zh: 办件, en: cases}, value: 9, unit: cases, as_of: '2019-08', source: news-b}]\n"
        + EVIDENCE_NEWS
        + "    confidence: medium\n",
        "indicator-after-source",
        20,
        "measures[0].indicators[0].as_of",
    ),
]


@pytest.mark.parametrize(("name", "body", "code", "line", "path"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_reports_code_severity_line_and_path(
    tmp_path: Path, name: str, body: str, code: str, line: int, path: str
) -> None:
    issues = _protocol_issues(tmp_path, body)
    assert [i.code for i in issues] == [code], [str(i) for i in issues]
    issue = issues[0]
    assert (issue.line, issue.path, issue.severity) == (line, path, PROTOCOL_RULES[code][1])
    rule = PROTOCOL_RULES[code][0]
    assert f"rule {rule}" in issue.message and rule in issue.hint


KEPT = [
    # the same shapes with the rule kept: no protocol issue
    "    status: proposed\n    depth: 1\n" + EVIDENCE_NEWS + "    confidence: medium\n",
    "    status: discontinued\n    depth: 2\n    start: '2017'\n    end: '2019-01-16'\n"
    + EVIDENCE_NEWS
    + "    confidence: medium\n",
    # depth 3 with one operating count among design counts
    "    status: implemented\n    depth: 3\n"
    "    indicators:\n"
    "      - {name: {zh: 员额, en: posts}, value: 433, unit: posts, as_of: '2019-07', source: news-b}\n"
    "      - {name: {zh: 办件, en: cases}, value: 4842, unit: cases, as_of: '2020-02', source: mirror}\n"
    + EVIDENCE_NEWS
    + "    confidence: medium\n",
    # high on a primary text; high on two distinct news sources
    "    status: implemented\n    depth: 1\n    evidence: [{source: gazette, locator: 第二章}]\n    confidence: high\n",
    "    status: implemented\n    depth: 2\n"
    "    evidence: [{source: news-a, locator: p1}, {source: news-b, locator: p2}]\n    confidence: high\n",
    # a single reprint at low; a reprint plus a news report at medium
    "    status: implemented\n    depth: 2\n    evidence: [{source: mirror, locator: p1}]\n    confidence: low\n",
    "    status: implemented\n    depth: 2\n"
    "    evidence: [{source: mirror, locator: p1}, {source: news-b, locator: p2}]\n    confidence: medium\n",
    # a figure dated in the source's own month (partial dates overlap)
    "    status: implemented\n    depth: 3\n"
    "    indicators: [{name: {zh: 办件, en: cases}, value: 9, unit: cases, as_of: '2019-07', source: news-b}]\n"
    + EVIDENCE_NEWS
    + "    confidence: medium\n",
]


@pytest.mark.parametrize("body", KEPT, ids=[f"kept-{i}" for i in range(len(KEPT))])
def test_rule_kept_raises_nothing(tmp_path: Path, body: str) -> None:
    assert _protocol_issues(tmp_path, body) == []


def test_every_rule_is_documented_and_listed() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "coding-protocol.md").read_text(encoding="utf-8")
    for code, (rule, severity, _meaning) in PROTOCOL_RULES.items():
        assert code in ISSUE_CODES
        assert f"| `{code}` | {rule} | {severity} |" in doc, code


def test_shipped_data_breaks_no_protocol_error() -> None:
    errors = [i for i in validate().errors if i.code in PROTOCOL_RULES]
    assert errors == [], [str(i) for i in errors]


def test_cli_validate_reports_protocol_errors_with_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from policybench.cli import main

    zone = _zone(tmp_path, "    status: proposed\n    depth: 2\n" + EVIDENCE_NEWS + "    confidence: medium\n")
    assert main(["validate", str(zone), "--codebook", str(TOY_CODEBOOK)]) == 1
    out = capsys.readouterr().out
    assert "[proposed-depth]" in out and "rule D1" in out and "Traceback" not in out


def test_loading_does_not_apply_the_protocol(tmp_path: Path) -> None:
    from policybench import load_codebook, load_zone

    zone = _zone(tmp_path, "    status: proposed\n    depth: 2\n" + EVIDENCE_NEWS + "    confidence: medium\n")
    assert load_zone(zone, codebook=load_codebook(TOY_CODEBOOK)).measures[0].depth == 2
