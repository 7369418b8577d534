"""One invalid file per failure mode: each asserts the code, file, line and path of the issue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policybench import DataValidationError, load_zone, validate
from policybench.cli import main

INVALID = Path(__file__).parent / "data" / "invalid"
TOY_CODEBOOK = Path(__file__).parent / "data" / "toy" / "codebook.yaml"

# file, issue code, line, path (all hand-checked against the files)
CASES = [
    ("yaml-syntax.yaml", "yaml-syntax", 24, ""),
    ("unsafe-tag.yaml", "unsafe-tag", 23, "measures[0].depth"),
    ("duplicate-key.yaml", "duplicate-key", 24, "measures[0].status"),
    ("wrong-type.yaml", "wrong-type", 23, "measures[0].depth"),
    ("wrong-type-title.yaml", "wrong-type", 18, "measures[0].title"),
    ("missing-field.yaml", "missing-field", 17, "measures[0].confidence"),
    ("unknown-field.yaml", "unknown-field", 19, "measures[0].sumary"),
    ("bad-confidence.yaml", "bad-value", 33, "measures[0].confidence"),
    ("bad-kind.yaml", "bad-value", 4, "kind"),
    ("bad-date-month.yaml", "bad-date", 24, "measures[0].start"),
    ("bad-date-format.yaml", "bad-date", 24, "measures[0].start"),
    ("bad-measure-id.yaml", "bad-id", 17, "measures[0].id"),
    ("key-phrase-too-long.yaml", "too-long", 32, "measures[0].evidence[0].key_phrase"),
    ("unknown-code.yaml", "unknown-code", 20, "measures[0].category"),
    ("unknown-secondary-code.yaml", "unknown-code", 21, "measures[0].secondary[1]"),
    ("unknown-status.yaml", "unknown-status", 22, "measures[0].status"),
    ("bad-depth.yaml", "bad-depth", 23, "measures[0].depth"),
    ("depth-zero.yaml", "bad-depth", 23, "measures[0].depth"),  # in the codebook's words, not the schema's
    ("unknown-source.yaml", "unknown-source", 32, "measures[0].evidence[0].source"),
    ("dangling-inspired-by.yaml", "dangling-reference", 34, "measures[0].inspired_by"),
    ("end-before-start.yaml", "end-before-start", 25, "measures[0].end"),
    ("indicator-without-unit.yaml", "indicator-without-unit", 26, "measures[0].indicators[0].unit"),
    ("indicator-empty-unit.yaml", "indicator-without-unit", 28, "measures[0].indicators[0].unit"),
    ("reprint-only-high.yaml", "reprint-only-high", 33, "measures[0].confidence"),
    ("no-evidence.yaml", "bad-value", 31, "measures[0].evidence"),
    ("duplicate-measure-id.yaml", "duplicate-id", 34, "measures[1].id"),
    ("not-utf8.yaml", "not-utf8", 3, ""),
    ("empty-file.yaml", "empty-file", 1, ""),
    ("not-a-mapping.yaml", "wrong-type", 1, ""),
    ("scope-unknown-code.yaml", "unknown-code", 11, "scope.examined[1]"),
    ("scope-unknown-domain.yaml", "unknown-code", 11, "scope.examined[1]"),
    ("scope-bad-code.yaml", "unknown-code", 11, "scope.examined[1]"),
    ("scope-unknown-source.yaml", "unknown-source", 12, "scope.sources[1]"),
    ("absent-unknown-code.yaml", "unknown-code", 16, "absent[0].code"),
    ("absent-unknown-source.yaml", "unknown-source", 19, "absent[0].evidence[1].source"),
    ("absent-without-evidence.yaml", "absent-without-evidence", 17, "absent[0].evidence"),
    ("absent-contradicts-measure.yaml", "absent-contradicts-measure", 19, "absent[1].code"),
]

# Files that are valid but warned about: file, issue code, line, path.
WARNING_CASES = [
    ("measure-outside-scope.yaml", "measure-outside-scope", 26, "measures[0].secondary[0]"),
    ("no-scope.yaml", "no-scope", 2, "id"),
]


def _issues(path: Path):
    report = validate([path], codebook=TOY_CODEBOOK)
    assert not report.valid
    return report.errors


@pytest.mark.parametrize(("name", "code", "line", "path"), CASES, ids=[c[0] for c in CASES])
def test_invalid_file_reports_code_file_line_and_path(name: str, code: str, line: int, path: str) -> None:
    errors = _issues(INVALID / name)
    matching = [e for e in errors if e.code == code]
    assert matching, f"no {code} issue in {[str(e) for e in errors]}"
    issue = matching[0]
    assert issue.file.endswith(f"tests/data/invalid/{name}")
    assert issue.line == line
    assert issue.path == path
    assert issue.message


@pytest.mark.parametrize(("name", "code", "line", "path"), CASES, ids=[c[0] for c in CASES])
def test_cli_exits_1_without_traceback(
    name: str, code: str, line: int, path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["validate", "--codebook", str(TOY_CODEBOOK), str(INVALID / name)])
    out, err = capsys.readouterr()
    assert rc == 1
    assert "Traceback" not in out + err
    assert f"[{code}]" in out
    assert f"{line}:" in out


@pytest.mark.parametrize(("name", "code", "line", "path"), WARNING_CASES, ids=[c[0] for c in WARNING_CASES])
def test_warning_file_is_valid_and_located(name: str, code: str, line: int, path: str) -> None:
    report = validate([INVALID / name], codebook=TOY_CODEBOOK)
    assert report.valid, report.format_text()
    (issue,) = [i for i in report.issues if i.code == code]
    assert issue.severity == "warning"
    assert issue.file.endswith(f"tests/data/invalid/{name}")
    assert (issue.line, issue.path) == (line, path)
    assert issue.message


def test_only_the_counted_measure_contradicts_an_absence() -> None:
    issues = validate([INVALID / "absent-contradicts-measure.yaml"], codebook=TOY_CODEBOOK).issues
    assert [(i.code, i.path) for i in issues if i.severity == "error"] == [
        ("absent-contradicts-measure", "absent[1].code")
    ]
    assert "test-zone.statutory-body" in [i for i in issues if i.severity == "error"][0].message


def test_a_proposed_measure_does_not_contradict_an_absence(tmp_path: Path) -> None:
    text = (INVALID / "absent-contradicts-measure.yaml").read_text(encoding="utf-8")
    path = tmp_path / "proposed.yaml"
    # a proposal is depth 1 (coding protocol D1), so the depth changes with the status
    text = text.replace("status: implemented", "status: proposed").replace("depth: 3", "depth: 1")
    path.write_text(text, encoding="utf-8")
    report = validate([path], codebook=TOY_CODEBOOK)
    assert report.valid, report.format_text()


def test_unknown_scope_codes_are_reported_when_the_schema_fails(tmp_path: Path) -> None:
    text = (INVALID / "scope-unknown-code.yaml").read_text(encoding="utf-8").replace("depth: 3", "depth: three")
    path = tmp_path / "two-problems.yaml"
    path.write_text(text, encoding="utf-8")
    found = {(e.code, e.path) for e in validate([path], codebook=TOY_CODEBOOK).errors}
    assert found == {("wrong-type", "measures[0].depth"), ("unknown-code", "scope.examined[1]")}


def test_duplicate_zone_id_across_files_names_both_files() -> None:
    errors = _issues(INVALID / "duplicate-zone-id")
    dup = [e for e in errors if e.code == "duplicate-id"]
    assert len(dup) == 1
    assert dup[0].file.endswith("duplicate-zone-id/b.yaml")
    assert dup[0].line == 2 and dup[0].path == "id"
    assert "duplicate-zone-id/a.yaml:2" in dup[0].message


def test_hints_suggest_the_closest_code_and_field() -> None:
    (issue,) = [e for e in _issues(INVALID / "unknown-secondary-code.yaml") if e.code == "unknown-code"]
    assert issue.hint == "did you mean 'MKT.PARTNER_SYSTEM'?"
    (issue,) = [e for e in _issues(INVALID / "unknown-field.yaml") if e.code == "unknown-field"]
    assert issue.hint == "did you mean 'summary'?"
    (issue,) = _issues(INVALID / "unknown-status.yaml")
    assert issue.hint == "did you mean 'implemented'?"
    assert issue.expected == "proposed | piloting | implemented | discontinued"


def test_unsafe_tag_never_runs_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.yaml"
    evil.write_text(f'id: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    report = validate([evil], codebook=TOY_CODEBOOK)
    assert "unsafe-tag" in {e.code for e in report.errors}
    assert not marker.exists()


def test_all_problems_are_collected_not_only_the_first(tmp_path: Path) -> None:
    text = (INVALID / "unknown-code.yaml").read_text(encoding="utf-8")
    text = text.replace("status: implemented", "status: implemeted").replace(
        "source: doc-2020, locator", "source: doc-x, locator"
    )
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    codes = {e.code for e in validate([path], codebook=TOY_CODEBOOK).errors}
    assert {"unknown-code", "unknown-status", "unknown-source"} <= codes


def test_missing_file_and_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--codebook", str(TOY_CODEBOOK), str(tmp_path / "nope.yaml")]) == 2  # I/O error
    out, _ = capsys.readouterr()
    assert "[file-not-found]" in out
    assert main(["validate", "--format", "xml"]) == 2
    assert main(["no-such-command"]) == 2
    _, err = capsys.readouterr()
    assert "Traceback" not in err


def test_json_report_is_machine_readable(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["validate", "--format", "json", "--codebook", str(TOY_CODEBOOK), str(INVALID / "unknown-code.yaml")])
    payload = json.loads(capsys.readouterr().out)
    assert rc == 1 and payload["valid"] is False
    (error,) = [i for i in payload["issues"] if i["severity"] == "error"]
    assert (error["code"], error["line"]) == ("unknown-code", 20)


def test_load_zone_raises_with_every_issue() -> None:
    from policybench import load_codebook

    with pytest.raises(DataValidationError) as info:
        load_zone(INVALID / "unknown-code.yaml", codebook=load_codebook(TOY_CODEBOOK))
    assert [i.code for i in info.value.issues if i.severity == "error"] == ["unknown-code"]
    assert isinstance(info.value, ValueError)
    assert "unknown-code.yaml:20:5 measures[0].category" in str(info.value)


def test_valid_minimal_zone_is_valid() -> None:
    report = validate([INVALID.parent / "valid" / "minimal-zone.yaml"], codebook=TOY_CODEBOOK)
    assert report.valid, report.format_text()


def test_a_structural_error_does_not_hide_unknown_codes(tmp_path: Path) -> None:
    text = (
        (INVALID / "missing-field.yaml")
        .read_text(encoding="utf-8")
        .replace("category: GOV.STATUTORY_BODY", "category: GOV.STATUTORY")
    )
    path = tmp_path / "two-problems.yaml"
    path.write_text(text, encoding="utf-8")
    found = {(e.code, e.line, e.path) for e in validate([path], codebook=TOY_CODEBOOK).errors}
    assert found == {("missing-field", 17, "measures[0].confidence"), ("unknown-code", 20, "measures[0].category")}
