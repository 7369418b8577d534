"""Every benchmark script runs in its --quick mode, so that none of them rots (issue 23, item 5).

Each runs as a fresh process (as a user would run it) with a small input; what is checked is
that it finishes, and what it prints. bench_validity.py has its own test (test_bench_validity.py);
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[1] / "benchmarks"


def _run(script: str, *args: str, timeout: int = 300) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[1] / "src"), *sys.path])}
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=timeout, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_every_benchmark_script_has_a_quick_mode() -> None:
    for script in sorted(BENCH.glob("bench_*.py")):
        assert "--quick" in script.read_text(encoding="utf-8"), script.name


def test_bench_draft_quick(tmp_path: Path) -> None:
    before = os.environ.get("POLICYBENCH_CACHE_DIR")
    os.environ["POLICYBENCH_CACHE_DIR"] = str(tmp_path)  # a fresh model cache: the first draft trains
    try:
        out = _run("bench_draft.py", "--quick")
    finally:
        if before is None:
            os.environ.pop("POLICYBENCH_CACHE_DIR", None)
        else:
            os.environ["POLICYBENCH_CACHE_DIR"] = before
    assert "## Draft quality" in out and "pooled: dev" in out


def test_bench_draft_tables_in_the_readme_come_from_its_results_files() -> None:
    spec = importlib.util.spec_from_file_location("bench_draft_for_test", BENCH / "bench_draft.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    sys.path.insert(0, str(BENCH))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
        sys.modules.pop(spec.name, None)
    results = json.loads((BENCH / "results-draft.json").read_text(encoding="utf-8"))
    block = module.readme_block(results, module.past_rounds(results))
    readme = (BENCH / "README.md").read_text(encoding="utf-8")
    assert block in readme  # regenerate with: bench_draft.py --json benchmarks/results-draft.json --readme ...
    gold = [t for t, split in results["texts"].items() if split != "lozo"]  # held-out is empty between rounds
    assert gold and all((BENCH / "texts" / f"{t}.gold.tsv").is_file() for t in gold)
    assert "held-out" in module.past_rounds(results)["results-draft-rounds/round3-session9.json"]["pooled"]


def test_bench_gaps_quick_peers_are_identical() -> None:
    out = _run("bench_gaps.py", "--quick")
    assert out.count("identical: True") == 2 and "sensitivity 200 draws" in out


def test_bench_dataset_quick() -> None:
    out = _run("bench_dataset.py", "--quick")
    assert "| 300 |" in out


def test_bench_scale_quick(tmp_path: Path) -> None:
    results = tmp_path / "scale.json"
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n", encoding="utf-8")
    _run("bench_scale.py", "--quick", "--json", str(results))
    data = json.loads(results.read_text(encoding="utf-8"))
    steps = {r["step"] for r in data["rows"]}
    assert {
        "load",
        "validate",
        "matrices",
        "similarity",
        "assess",
        "assess (text index kept)",
        "assess (another target, same process)",
        "batch (2 processes)",
    } <= steps, data["rows"]
    assert all("error" not in r for r in data["rows"]), data["rows"]
    assert all(r["peak_mb"] > 0 and r["threads"] >= 1 for r in data["rows"])
    assert any(r["step"] == "validate" and r["check"] == "valid=True" for r in data["rows"])
    assert {t["target"] for t in data["targets"]} >= {"load+validate", "similarity", "assess"}
    assert data["meta"]["load_before"] >= 0 and "bench_scale.py --quick" in data["meta"]["command"]
    _run("bench_scale.py", "--table", "--json", str(results), "--readme", str(readme))
    text = readme.read_text(encoding="utf-8")
    assert "<!-- bench_scale:start -->" in text and "| assess |" in text
    assert f"{data['rows'][0]['seconds']:.2f} s" in text  # the table is made from the results file


def test_bench_dask_quick() -> None:
    if importlib.util.find_spec("distributed") is None:
        pytest.skip("dask.distributed is an optional extra")
    out = _run("bench_dask.py", "--quick")
    rows = json.loads(out[out.index('{\n "meta"') :])["rows"]
    assert all(r["same"] for r in rows) and all(r["threads"] >= 1 for r in rows)


def test_bench_similarity_quick(tmp_path: Path) -> None:
    out = tmp_path / "similarity.json"
    _run("bench_similarity.py", "--quick", "--json", str(out), timeout=600)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["rows"] and all("threads" in r for r in data["rows"])
