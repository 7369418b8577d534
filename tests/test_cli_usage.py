"""Usage errors are refused before any work, with exit code 2 (issue 25, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from policybench.cli import main
from policybench.cli.base import EXTRAS


def test_invalid_date_is_refused(capsys) -> None:
    assert main(["report", "tianjin-htz", "--date", "2024-13-01", "-o", "r.html"]) == 2
    assert "expected a real date YYYY-MM-DD, got '2024-13-01'" in capsys.readouterr().err


def test_missing_output_folder_is_an_error_unless_asked_for(tmp_path: Path, capsys) -> None:
    target = tmp_path / "new" / "deeper" / "r.md"
    assert main(["report", "tianjin-htz", "--against", "wuhan-city-partner", "-o", str(target)]) == 2
    assert "does not exist; create it first or add --mkdir" in capsys.readouterr().err
    assert not target.parent.exists()  # nothing created
    assert main(["report", "tianjin-htz", "--against", "wuhan-city-partner", "-o", str(target), "--mkdir"]) == 0
    assert target.is_file()


def test_unknown_zone_id_is_a_usage_error(tmp_path: Path, capsys) -> None:
    assert main(["report", "no-such-zone", "-o", str(tmp_path / "r.html")]) == 2
    assert "unknown zone id 'no-such-zone'" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", sorted(EXTRAS))
def test_missing_extra_is_reported_before_the_analysis(suffix: str, tmp_path: Path, monkeypatch, capsys) -> None:
    import builtins

    real_import = builtins.__import__
    missing = EXTRAS[suffix][0][0]

    def fake_import(name, *args, **kwargs):
        if name == missing:
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    def no_analysis(*_args, **_kwargs):  # the check must come first
        raise AssertionError("the analysis ran before the extra was checked")

    monkeypatch.setattr(builtins, "__import__", fake_import)
    monkeypatch.setattr("policybench.cli.reporting.run_assessment", no_analysis)
    assert main(["report", "tianjin-htz", "-o", str(tmp_path / f"r{suffix}")]) == 2
    err = capsys.readouterr().err
    assert f"needs the Python module '{missing}'" in err and "pip install 'policybench[" in err


def test_validate_checks_a_jobs_file_as_a_jobs_file(tmp_path: Path, capsys) -> None:
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text(
        "jobs:\n"
        "  - {name: a, target: tianjin-htz, outputs: ['a.html', 'a.html']}\n"
        "  - {name: a, target: tianjin-htz, outputs: ['b/{nope}.md']}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(jobs)]) == 1
    out = capsys.readouterr().out
    assert "unknown field 'id'" not in out and "required field 'region'" not in out  # not read as a zone file
    assert "duplicate-id" in out and "unknown placeholder" in out  # every problem at once, with the jobs codes
    assert "INVALID: 1 file(s) read" in out
    jobs.write_text(
        "jobs:\n  - {name: a, target: tianjin-htz, outputs: ['a.html'], lang: [fr]}\n"
        "  - {name: a, target: tianjin-htz, outputs: ['{nope}.md']}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(jobs)]) == 1
    out = capsys.readouterr().out  # a schema error does not hide the names and outputs
    assert "jobs[0].lang[0]: error [bad-value]" in out
    assert "jobs[1].name: error [duplicate-id]" in out and "jobs[1].outputs[0]: error [bad-output]" in out


def test_every_argument_of_every_command_has_help_text() -> None:
    import argparse

    from policybench.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [
        f"{name} {action.dest}"
        for name, command in sub.choices.items()
        for action in command._actions
        if not action.help and not isinstance(action, argparse._HelpAction)
    ]
    assert not missing, missing
