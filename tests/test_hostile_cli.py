"""Command-line behaviour with hostile or broken input: exit codes, pipes, escapes, JSON, CSV."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from policybench.cli import EXIT_CODES, build_parser, main
from policybench.cli.base import emit, json_text

README = Path(__file__).parents[1] / "README.md"


def test_readme_and_help_state_the_same_exit_codes() -> None:
    readme = " ".join(README.read_text(encoding="utf-8").split())
    helptext = " ".join(build_parser().format_help().split())
    assert EXIT_CODES in readme
    assert EXIT_CODES in helptext


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "no/such/zone.yaml"],
        ["list", "zones", "--data", "no/such/folder"],
        ["gap", "tianjin-htz", "--weights", "no/such/weights.yaml", "--draws", "0"],
        ["batch", "no/such/jobs.yaml"],
        ["validate", "/dev/zero"],
    ],
    ids=["validate", "list", "weights", "batch", "device"],
)
def test_missing_or_unreadable_file_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "zone.yaml"
    path.write_text("id: x\n")
    path.chmod(0)
    assert main(["validate", str(path)]) == 2


def test_broken_pipe_exits_quietly() -> None:
    code = "import sys; from policybench.cli import main; sys.exit(main(['list', 'measures']))"
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        fcntl = pytest.importorskip("fcntl")
        if hasattr(fcntl, "F_SETPIPE_SZ"):  # a one-page pipe: the output cannot all fit before we close
            fcntl.fcntl(proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, 4096)
        proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 141
    assert err == ""


def test_terminal_tables_strip_escape_sequences(capsys: pytest.CaptureFixture[str]) -> None:
    frame = pd.DataFrame({"zone_id": ["a\x1b[2J\x1b]0;pwn\x07"], "title\x1b[31m": ["x\r\ny\u202ez\x00"]})
    emit(frame, "table")
    out = capsys.readouterr().out
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out)
    assert "a" in out and "xyz" in out.replace(" ", "")


def test_csv_output_neutralises_formulas(capsys: pytest.CaptureFixture[str]) -> None:
    frame = pd.DataFrame({"title": ["=1+1", "+x", "@SUM(A1)", "-cmd", "ok"], "value": [-1.5, 2, 3, 4, 5]})
    emit(frame, "csv")
    rows = capsys.readouterr().out.splitlines()
    assert rows[1:] == ["'=1+1,-1.5", "'+x,2.0", "'@SUM(A1),3.0", "'-cmd,4.0", "ok,5.0"]


def test_json_never_prints_nan() -> None:
    text = json_text({"a": float("nan"), "b": [float("inf"), 1.0], "c": pd.NA})
    assert json.loads(text) == {"a": None, "b": [None, 1.0], "c": None}
    assert "NaN" not in text and "Infinity" not in text


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", "tianjin-htz", "donghu-htz", "--format", "json"],
        ["gap", "tianjin-htz", "--against", "donghu-htz", "--format", "json", "--draws", "20"],
        ["validate", "--format", "json", "--stats"],
    ],
    ids=["compare", "gap", "validate"],
)
def test_cli_json_is_strict(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in --format json output"))
