"""Time the gap analysis, the 1000-draw sensitivity and the report for one target.

Not part of the test suite. Run: python benchmarks/bench_gaps.py [--repeat 5]

Peers in the same run: the sensitivity is timed against a plain Python loop over draws
(one priority ranking per draw), the way one would write it without vectorising.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from policybench import assess, load_dataset
from policybench.gaps import gap_analysis, recommend, sensitivity
from policybench.report import report


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def loop_sensitivity(gap, draws: int = 1000, seed: int = 0) -> None:
    """The naive peer: one Python-level ranking per draw."""
    table = recommend(gap, top=100)
    base = gap.table().set_index("code").loc[table["code"]]
    rng = np.random.default_rng(seed)
    for _ in range(draws):
        w = base["weight"].to_numpy() * rng.uniform(0.5, 1.5, len(base))
        w = w / w.sum()
        p = w * base["gap"].to_numpy() * base["adoption"].to_numpy() * base["evidence_weight"].to_numpy()
        sorted(zip(-p, base.index, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ds = load_dataset()
    others = [z for z in ds.zone_ids if z != "tianjin-htz"]
    rows = []
    t_gap = best_of(lambda: gap_analysis(ds, "tianjin-htz", against=others), args.repeat)
    gap = gap_analysis(ds, "tianjin-htz", against=others)
    t_sens = best_of(lambda: sensitivity(gap, draws=1000), args.repeat)
    t_loop = best_of(lambda: loop_sensitivity(gap), args.repeat)
    rows += [
        ("gap_analysis vs all shipped zones", t_gap, ""),
        (
            "sensitivity 1000 draws (vectorised)",
            t_sens,
            f"{t_loop / t_sens:.1f}x faster than a loop per draw ({t_loop:.3f} s)",
        ),
    ]
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'step':<62} {'best s':>8}  note")
    for name, seconds, note in rows:
        print(f"{name:<62} {seconds:>8.3f}  {note}")
    print(f"peak memory (ru_maxrss) {peak:.0f} MB; {len(ds.zones)} zones, best of {args.repeat}")


if __name__ == "__main__":
    main()
