"""Benchmark: a Dataset of many zones: construction, Dataset.zone lookups and portfolio_matrix.

Run from the repository root (not part of the test suite)::

    python benchmarks/bench_dataset.py                 # 10,000 zones, best of 3
    python benchmarks/bench_dataset.py --zones 1000 10000 --repeat 5
    python benchmarks/bench_dataset.py --quick         # smoke run (the test suite runs it)

The zones are copies of the shipped ones under new ids (z00000, z00001, ...), so every
zone has real measures, scopes and absences. Target (issue 15): the portfolio of 10,000
zones in under 1 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

try:
    import policybench  # noqa: F401
except ImportError:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def best_of(step: Any, repeat: int) -> float:
    """Best wall time of ``repeat`` runs of ``step()``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> None:
    from policybench import load_dataset
    from policybench.data.dataset import Dataset
    from policybench.similarity.portfolio import portfolio_matrix

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zones", type=int, nargs="*", default=[10_000], help="zone counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the best is reported")
    parser.add_argument("--quick", action="store_true", help="smoke run: 300 zones, one repeat")
    args = parser.parse_args(argv)
    if args.quick:
        args.zones, args.repeat = [300], 1
    shipped = load_dataset()
    print(f"load average {os.getloadavg()[0]:.2f} at start; {os.cpu_count()} cores")
    print(
        "| zones | construct (s) | 10,000 zone() lookups (s) | portfolio_matrix (s) | portfolio, unknown='zero' (s) |"
    )
    print("|---:|---:|---:|---:|---:|")
    verdicts = []
    for n in args.zones:
        zones = tuple(shipped.zones[i % len(shipped.zones)].model_copy(update={"id": f"z{i:05d}"}) for i in range(n))
        construct = best_of(lambda zones=zones: Dataset(shipped.codebook, zones), args.repeat)
        big = Dataset(shipped.codebook, zones)
        ids = [f"z{i % n:05d}" for i in range(10_000)]
        lookups = best_of(lambda big=big, ids=ids: [big.zone(zone_id) for zone_id in ids], args.repeat)
        portfolio = best_of(lambda big=big: portfolio_matrix(big), args.repeat)
        zero = best_of(lambda big=big: portfolio_matrix(big, unknown="zero"), args.repeat)
        print(f"| {n:,} | {construct:.3f} | {lookups:.3f} | {portfolio:.3f} | {zero:.3f} |")
        if n == 10_000:
            verdicts.append(
                f"portfolio of 10,000 zones {portfolio:.2f} s; target < 1 s {'met' if portfolio < 1 else 'NOT met'}"
            )
    for line in verdicts:
        print("target:", line)


if __name__ == "__main__":
    main()
