"""The validity benchmark runs (its --quick mode) and its numbers are well-formed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).parents[1] / "benchmarks" / "bench_validity.py"


def test_quick_backtest_runs_and_reports_all_methods(capsys) -> None:
    spec = importlib.util.spec_from_file_location("bench_validity", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_validity"] = module
    spec.loader.exec_module(module)
    assert module.main(["--quick"]) == 0
    out = capsys.readouterr().out
    for method in ("ours", "popularity", "random"):
        assert f"| {method} |" in out
    assert "Temporal backtest:" in out and " 0 cases" not in out
