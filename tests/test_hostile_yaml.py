"""Hostile YAML: resource limits and bad content, each a located issue, never a traceback.

The documents are written by hand here (not copied from a run), so each test states what it
feeds in; the expected lines and paths were read off the texts below.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from policybench import DataValidationError, load_zone, validate
from policybench.cli import main
from policybench.data.documents import DEFAULT_MAX_BYTES, MAX_DEPTH, max_file_size, read_document
from policybench.errors import ISSUE_CODES

VALID = Path(__file__).parent / "data" / "valid" / "minimal-zone.yaml"
TOY_CODEBOOK = Path(__file__).parent / "data" / "toy" / "codebook.yaml"


def _bomb(levels: int = 7, width: int = 9) -> str:
    """The billion-laughs document: each level is a list of ``width`` aliases to the previous one."""
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def _timed(path: Path, **kwargs: int) -> tuple[float, list[str]]:
    started = time.perf_counter()
    document = read_document(path, **kwargs)
    elapsed = time.perf_counter() - started
    return elapsed, [i.code for i in document.issues]


def test_alias_bomb_is_refused_fast_and_located(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb())
    elapsed, codes = _timed(path)
    assert codes == ["alias-limit"]
    assert elapsed < 1.0
    issue = read_document(path).issues[0]
    assert issue.line >= 1 and issue.column >= 1 and issue.hint


def test_small_alias_use_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("a: &x {k: 1}\nb: *x\nc: [*x, *x]\n")
    document = read_document(path)
    assert document.issues == ()
    assert document.data == {"a": {"k": 1}, "b": {"k": 1}, "c": [{"k": 1}, {"k": 1}]}


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "&a {x: *a}\n", "a: &a [1, {b: *a}]\n"])
def test_self_referencing_alias_is_an_issue(tmp_path: Path, text: str) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(text)
    elapsed, codes = _timed(path)
    assert codes == ["alias-limit"]
    assert "cycle" in read_document(path).issues[0].message
    assert elapsed < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000 + "\n",
        "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
        "- " * 10_000 + "x\n",
    ],
    ids=["flow-seq", "flow-map", "block-seq"],
)
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    elapsed, codes = _timed(path)
    assert codes == ["too-deep"]
    assert elapsed < 1.0
    issue = read_document(path).issues[0]
    assert issue.line == 1 and issue.column > MAX_DEPTH  # the column where level 101 starts


def test_nesting_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n")
    assert read_document(path).issues == ()


def test_aliases_cannot_nest_past_the_depth_limit(tmp_path: Path) -> None:
    half = MAX_DEPTH // 2 + 10
    path = tmp_path / "deep-alias.yaml"
    path.write_text("a: &x " + "[" * half + "]" * half + "\nb: " + "[" * half + "*x" + "]" * half + "\n")
    assert [i.code for i in read_document(path).issues] == ["alias-limit"]


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:  # sparse: 50 MB on paper, nothing to read
        handle.truncate(50 * 1024 * 1024)
    elapsed, codes = _timed(path)
    assert codes == ["file-too-large"]
    assert elapsed < 1.0
    assert "POLICYBENCH_MAX_FILE_SIZE" in read_document(path).issues[0].hint


def test_size_limit_keyword_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("id: x\n" + "# padding\n" * 20)
    assert [i.code for i in read_document(path, max_bytes=50).issues] == ["file-too-large"]
    assert read_document(path, max_bytes=10_000).issues == ()
    assert max_file_size() == DEFAULT_MAX_BYTES == 10_000_000
    monkeypatch.setenv("POLICYBENCH_MAX_FILE_SIZE", "50")
    assert max_file_size() == 50
    assert [i.code for i in read_document(path).issues] == ["file-too-large"]
    monkeypatch.setenv("POLICYBENCH_MAX_FILE_SIZE", "20MB")
    assert max_file_size() == 20_000_000
    monkeypatch.setenv("POLICYBENCH_MAX_FILE_SIZE", "lots")
    with pytest.raises(ValueError, match="must be a positive size"):
        max_file_size()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_special_files_are_refused_before_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "zone.yaml"
    os.mkfifo(fifo)  # opening it for reading would block until a writer comes
    cases = {fifo: "FIFO", tmp_path: "folder"}
    if Path("/dev/zero").exists():
        cases[Path("/dev/zero")] = "device"
    for path, word in cases.items():
        elapsed, codes = _timed(path)
        assert codes == ["not-a-file"], path
        assert elapsed < 1.0
        assert word in read_document(path).issues[0].message


def test_limits_apply_to_weights_and_jobs_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "weights.yaml"
    bomb.write_text(_bomb())
    assert main(["gap", "tianjin-htz", "--weights", str(bomb), "--draws", "0"]) == 1
    assert "[alias-limit]" in capsys.readouterr().err
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text("[" * 10_000 + "]" * 10_000 + "\n")
    assert main(["batch", str(jobs)]) == 1
    err = capsys.readouterr().err
    assert "[too-deep]" in err and "Traceback" not in err


def test_limits_apply_to_the_codebook(tmp_path: Path) -> None:
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(_bomb())
    report = validate([VALID], codebook=codebook)
    assert [i.code for i in report.errors] == ["alias-limit"]


# ------------------------------------------------------------------ bad content, never a traceback

# (replacement of 'depth: 3' or another line of the minimal zone, code, line, path); lines hand-checked.
CONTENT_CASES = [
    ("depth: !!int abc", "wrong-type", 23, "measures[0].depth"),
    ("depth: !!float x", "wrong-type", 23, "measures[0].depth"),
    ("depth: !!bool maybe", "wrong-type", 23, "measures[0].depth"),
    ("depth: !!timestamp 2019-02-30", "wrong-type", 23, "measures[0].depth"),
    ("depth: !!binary '!!!'", "wrong-type", 23, "measures[0].depth"),
    ("depth: !!map x", "wrong-type", 23, "measures[0].depth"),
    ("depth: !!seq x", "wrong-type", 23, "measures[0].depth"),
    ("depth: !!str [1]", "wrong-type", 23, "measures[0].depth"),
    ("depth: " + "9" * 5000, "wrong-type", 23, "measures[0].depth"),
    ("depth: yes", "wrong-type", 23, "measures[0].depth"),
    ("depth: .nan", "wrong-type", 23, "measures[0].depth"),
    ("depth: 1e400", "wrong-type", 23, "measures[0].depth"),
    ('depth: 3\n    end: "10000-12"', "bad-date", 24, "measures[0].end"),
    ('depth: 3\n    end: "٢٠١٩"', "bad-date", 24, "measures[0].end"),
    ('depth: 3\n    end: "２０１９-１２"', "bad-date", 24, "measures[0].end"),
    ('depth: 3\n    note: "bell \\a"', "control-character", 24, "measures[0].note"),
    ('depth: 3\n    note: "esc \\e[31m red"', "control-character", 24, "measures[0].note"),
    ('depth: 3\n    note: "nul \\0"', "control-character", 24, "measures[0].note"),
    ('depth: 3\n    note: "cr \\r# heading"', "control-character", 24, "measures[0].note"),
    ('depth: 3\n    note: "\\ud800"', "control-character", 24, "measures[0].note"),
    ("depth: 3\n    note: raw \x07 bell", "control-character", 24, ""),
    ("value: 433", None, 0, ""),  # placeholder replaced below
]
CONTENT_CASES[-1] = ("value: .nan", "wrong-type", 27, "measures[0].indicators[0].value")
CONTENT_CASES += [
    ("value: -.inf", "wrong-type", 27, "measures[0].indicators[0].value"),
    ("kind: national-high-tech-zone\nparent: test-zone", "parent-cycle", 5, "parent"),
]


def _mutate(replacement: str) -> str:
    text = VALID.read_text(encoding="utf-8")
    key = replacement.split(":", 1)[0]
    anchor = {"depth": "depth: 3", "value": "value: 433", "kind": "kind: national-high-tech-zone"}[key]
    assert anchor in text
    return text.replace(anchor, replacement, 1)


@pytest.mark.parametrize(("replacement", "code", "line", "path"), CONTENT_CASES, ids=[c[0][:30] for c in CONTENT_CASES])
def test_bad_content_is_a_located_issue(tmp_path: Path, replacement: str, code: str, line: int, path: str) -> None:
    file = tmp_path / "zone.yaml"
    file.write_text(_mutate(replacement), encoding="utf-8")
    report = validate([file], codebook=TOY_CODEBOOK)
    matching = [i for i in report.errors if i.code == code]
    assert matching, [str(i) for i in report.errors]
    issue = matching[0]
    assert issue.file.endswith("zone.yaml")
    assert (issue.line, issue.path) == (line, path)
    assert issue.hint, str(issue)
    assert code in ISSUE_CODES
    with pytest.raises(DataValidationError) as caught:
        load_zone(file, codebook=None)
    assert any(i.code == code for i in caught.value.issues)


def test_year_9999_is_a_real_date(tmp_path: Path) -> None:
    file = tmp_path / "zone.yaml"
    file.write_text(_mutate('depth: 3\n    end: "9999-12"'), encoding="utf-8")
    assert validate([file], codebook=TOY_CODEBOOK).valid


def test_zones_that_are_each_others_parent(tmp_path: Path) -> None:
    text = VALID.read_text(encoding="utf-8")
    for me, other in (("zone-a", "zone-b"), ("zone-b", "zone-a")):
        body = text.replace("id: test-zone\n", f"id: {me}\nparent: {other}\n").replace("test-zone.", f"{me}.")
        (tmp_path / f"{me}.yaml").write_text(body, encoding="utf-8")
    report = validate([tmp_path], codebook=TOY_CODEBOOK)
    cycles = [i for i in report.errors if i.code == "parent-cycle"]
    assert [(Path(i.file).name, i.line) for i in cycles] == [("zone-a.yaml", 3), ("zone-b.yaml", 3)]
    assert "zone-a -> zone-b -> zone-a" in cycles[0].message


def test_cli_validate_reports_limits_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_bomb())
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 10_000 + "]" * 10_000)
    rc = main(["validate", "--codebook", str(TOY_CODEBOOK), str(bomb), str(deep)])
    out, err = capsys.readouterr()
    assert rc == 1
    assert "[alias-limit]" in out and "[too-deep]" in out
    assert "Traceback" not in out + err


def test_timestamp_tag_on_a_key_is_an_issue(tmp_path: Path) -> None:
    """Found by the fuzzer: PyYAML's timestamp constructor raised AttributeError on a non-date."""
    path = tmp_path / "zone.yaml"
    path.write_text("!!timestamp name:\n  zh: x\n")
    issues = read_document(path).issues
    assert [(i.code, i.line) for i in issues] == [("wrong-type", 1)]


@pytest.mark.parametrize("text", ["~", "null", "&a ", "--- ", "--- ~\n"])
def test_a_document_that_is_only_a_null_value_is_an_error_not_an_empty_zone(tmp_path: Path, text: str) -> None:
    path = tmp_path / "zone.yaml"
    path.write_text(text, encoding="utf-8")
    issues = [i for i in validate([path]).issues if i.file == str(path)]
    assert [(i.code, i.severity) for i in issues] == [("empty-file", "error")]
    with pytest.raises(DataValidationError, match="empty"):
        load_zone(path)
