"""Progress reporting: library functions are silent by default and report through a callback;
chunking the robustness draws for progress changes no number; the command line shows a bar only
on a terminal."""

from __future__ import annotations

import importlib
import io

import pandas as pd
import pytest

from policybench.gaps import gap_analysis, sensitivity

sensitivity_module = importlib.import_module("policybench.gaps.sensitivity")  # the module, not the function

MODELS = ["wuhan-city-partner", "donghu-htz"]


@pytest.fixture(scope="module")
def gap(shipped):
    return gap_analysis(shipped, "tianjin-htz", against=MODELS)


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_chunked_draws_give_byte_identical_results(gap, monkeypatch, chunk: int) -> None:
    monkeypatch.setattr(sensitivity_module, "DRAW_CHUNK", 10**9)  # one chunk: the unchunked run
    whole = sensitivity(gap, draws=300, seed=11)
    monkeypatch.setattr(sensitivity_module, "DRAW_CHUNK", chunk)
    calls: list[tuple[int, int]] = []
    chunked = sensitivity(gap, draws=300, seed=11, progress=lambda done, total: calls.append((done, total)))
    pd.testing.assert_frame_equal(whole, chunked, check_exact=True)
    assert whole.to_json() == chunked.to_json()
    assert calls[-1] == (300, 300) and len(calls) == -(-300 // chunk)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_sensitivity_is_silent_without_a_callback(gap, capsys) -> None:
    sensitivity(gap, draws=50)
    assert capsys.readouterr() == ("", "")


def test_progress_must_be_callable(gap) -> None:
    from policybench import InputError

    with pytest.raises(InputError, match="The 'progress' parameter of sensitivity must be a callable"):
        sensitivity(gap, draws=10, progress="yes")


def test_assess_passes_progress_and_the_numbers_do_not_change(shipped) -> None:
    from policybench.assessment import assess

    seen: list[int] = []
    with_bar = assess(shipped, "tianjin-htz", against=MODELS, draws=200, progress=lambda d, t: seen.append(d))
    without = assess(shipped, "tianjin-htz", against=MODELS, draws=200)
    assert seen and seen[-1] == 200
    pd.testing.assert_frame_equal(with_bar.table("recommendations"), without.table("recommendations"))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_progress_only_on_a_terminal_or_when_forced() -> None:
    from policybench.cli.table import step_progress

    piped = io.StringIO()
    with step_progress(10, "draws", file=piped, delay=0) as update:
        for done in range(1, 11):
            update(done, 10)
    assert piped.getvalue() == ""
    terminal = _Terminal()
    with step_progress(10, "draws", file=terminal, delay=0) as update:
        for done in range(1, 11):
            update(done, 10)
    shown = terminal.getvalue()
    assert "draws" in shown and "10/10" in shown
    forced = io.StringIO()
    with step_progress(4, "pairs", file=forced, delay=0, force=True) as update:
        update(4, 4)
    assert "4/4" in forced.getvalue()


def test_cli_gap_output_has_no_progress_when_captured(capsys) -> None:
    from policybench.cli import main

    assert main(["gap", "tianjin-htz", "--against", *MODELS, "--draws", "2000", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert "ETA" not in out + err and "draws" not in err
    assert "share of priority" in out


def test_zone_similarity_matrix_reports_each_pair_and_changes_nothing(shipped) -> None:
    from policybench.similarity import zone_similarity_matrix

    zones = ["tianjin-htz", "donghu-htz", "wuhan-city-partner", "tianjin-teda"]
    calls: list[tuple[int, int]] = []
    with_calls = zone_similarity_matrix(shipped, zones=zones, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(d, 6) for d in range(1, 7)]
    pd.testing.assert_frame_equal(with_calls, zone_similarity_matrix(shipped, zones=zones), check_exact=True)
