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
    assert "Hide and recover:" in out and "| absent | 4 (+0) | ours |" in out
    assert "Typology (typology-management-models.yaml): 23 classified zones" in out


def test_auc_and_typology_by_hand() -> None:
    module = sys.modules.get("bench_validity") or _load()
    import numpy as np

    # 3 same-type pairs scored 0.9, 0.5, 0.2 against 2 different-type pairs at 0.5 and 0.1:
    # wins 2 + 1.5 (tie at 0.5: a half win each) + 1 = 4.5 of 6 -> 0.75
    scores = np.array([0.9, 0.5, 0.2, 0.5, 0.1])
    positive = np.array([True, True, True, False, False])
    assert module.auc(scores, positive) == 0.75


def test_typology_file_errors_are_input_errors(tmp_path) -> None:
    import pytest

    from policybench import InputError

    module = sys.modules.get("bench_validity") or _load()
    bad = tmp_path / "t.yaml"
    bad.write_text("types: {a: {zh: 甲, en: A}}\nzones: {tianjin-htz: {type: b}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="zones.tianjin-htz.type must be one of a"):
        module.read_typology(bad)
    bad.write_text("types: [a]\n", encoding="utf-8")
    with pytest.raises(InputError, match="non-empty mapping 'types'"):
        module.read_typology(bad)


def _load():
    spec = importlib.util.spec_from_file_location("bench_validity", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_validity"] = module
    spec.loader.exec_module(module)
    return module


def test_the_reports_track_record_is_the_results_file() -> None:
    """The methods appendix quotes the temporal backtest: it must say what results-validity.json says."""
    import json

    from policybench.labels import METHOD_TEXT

    result = json.loads((BENCH.parent / "results-validity.json").read_text(encoding="utf-8"))
    ours = result["methods"]["ours"]["precision_at_k"]
    popularity = result["methods"]["popularity"]["precision_at_k"]
    chance = result["methods"]["random"]["precision_at_k"]
    first, last = result["years"][0], result["years"][-1]
    en = next(t for t in METHOD_TEXT["en"] if t.startswith("Track record"))
    zh = next(t for t in METHOD_TEXT["zh"] if t.startswith("建议的历史检验"))
    for number in (f"{ours:.2f}", f"{popularity:.2f}", f"{chance:.2f}"):
        assert number in en and number in zh, number
    assert f"{first}-{last}" in en and f"{first}—{last}" in zh
    assert f"top {result['k']}" in en and f"{result['horizon']}" in zh or "五年" in zh
