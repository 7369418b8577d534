"""Time the gap analysis, the 1000-draw sensitivity and the report for one target.

Run: python benchmarks/bench_gaps.py [--repeat 5]; ``--quick`` (run by the test suite): one
repeat, 200 draws, no reports.

Peers in the same run, each timed alone (never overlapping): the same code ranking one draw at a
time (a loop over draws), and the loop per zone, level and category that the vectorised draws
replaced (tests/_sensitivity_loop.py); the script checks that all three give identical statistics.
"""

from __future__ import annotations

import argparse
import importlib
import resource
import sys
import tempfile
import time
from pathlib import Path

from policybench import assess, load_dataset
from policybench.gaps import gap_analysis, sensitivity
from policybench.report import report


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def one_draw_at_a_time(gap, draws: int):
    """The like-for-like peer: the same code ranking one draw at a time (``DRAW_CHUNK = 1``), as a loop over draws would.

    Same inputs, the same random draws in the same order, the same statistics (a test checks that
    the chunk size changes no number; the script checks it again here).
    """
    module = importlib.import_module("policybench.gaps.sensitivity")
    chunk = module.DRAW_CHUNK
    module.DRAW_CHUNK = 1
    try:
        return sensitivity(gap, draws=draws)
    finally:
        module.DRAW_CHUNK = chunk


def replaced_loop(gap, draws: int):
    """The code the vectorised draws replaced (a loop per zone, level and category), kept in tests/."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from _sensitivity_loop import sensitivity as loop

    return loop(gap, draws=draws)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="one repeat, 200 draws, no reports")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.draws = 1, 200
    ds = load_dataset()
    others = [z.id for z in ds.zones if z.id != "tianjin-htz" and z.kind != "national-policy"]
    rows = []
    t_gap = best_of(lambda: gap_analysis(ds, "tianjin-htz", against=others), args.repeat)
    gap = gap_analysis(ds, "tianjin-htz", against=others)
    t_sens = best_of(lambda: sensitivity(gap, draws=args.draws), args.repeat)
    t_one = best_of(lambda: one_draw_at_a_time(gap, args.draws), args.repeat)
    t_loop = best_of(lambda: replaced_loop(gap, args.draws), args.repeat)
    mine = sensitivity(gap, draws=args.draws)
    same_one = mine.equals(one_draw_at_a_time(gap, args.draws))
    same_loop = mine.equals(replaced_loop(gap, args.draws))
    rows += [
        (f"gap_analysis vs {len(others)} shipped zones", t_gap, ""),
        (f"sensitivity {args.draws} draws (vectorised)", t_sens, "1 thread (numpy reductions, no BLAS)"),
        (
            "  peer: same code, one draw at a time",
            t_one,
            f"{t_one / t_sens:.1f}x ours, 1 thread; identical: {same_one}",
        ),
        (
            "  peer: the loop it replaced",
            t_loop,
            f"{t_loop / t_sens:.1f}x ours, small BLAS products (up to 2 threads); identical: {same_loop}",
        ),
    ]
    if args.quick:
        _print(rows, ds, args.repeat)
        return 0 if same_one and same_loop else 1
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("zh", "en"):
            path = Path(tmp) / f"r.{lang}.html"
            t_rep = best_of(
                lambda lang=lang, path=path: report(assess(ds, "tianjin-htz", against=others), lang=lang).save(path),
                args.repeat,
            )
            rows.append(
                (
                    f"report {lang} html vs all shipped zones (incl. analysis, charts)",
                    t_rep,
                    f"{path.stat().st_size / 1024:.0f} KiB",
                )
            )
    _print(rows, ds, args.repeat)
    return 0 if same_one and same_loop else 1


def _print(rows: list[tuple[str, float, str]], ds, repeat: int) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'step':<62} {'best s':>8}  note")
    for name, seconds, note in rows:
        print(f"{name:<62} {seconds:>8.3f}  {note}")
    print(f"peak memory (ru_maxrss) {peak:.0f} MB; {len(ds.zones)} zones, best of {repeat}")


if __name__ == "__main__":
    raise SystemExit(main())
