"""Time the gap analysis, the 1000-draw sensitivity and the report for one target.

Not part of the test suite. Run: python benchmarks/bench_gaps.py [--repeat 5]

Peers in the same run: the sensitivity is timed against a like-for-like plain Python loop
over draws: the same inputs, draws and statistics, one priority ranking per draw (the way one
would write it without vectorising); the script checks that both give the same statistics.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

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


def loop_sensitivity(gap, draws: int = 1000, seed: int = 0, top: int = 5, low: float = 0.5, high: float = 1.5):
    """The like-for-like peer: sensitivity's own steps and statistics, with one Python-level ranking per draw.

    Same inputs built the same way (ranking, gaps per frontier rule), the same random draws in
    the same order, the same rank statistics; only the draws x categories arrays are replaced
    by a loop over draws. Its result is checked against ours.
    """
    from policybench.gaps.recommend import ranking
    from policybench.gaps.sensitivity import _gaps_by_rule  # the same inputs as ours

    base = ranking(gap)
    codes = base["code"].tolist()
    rules = ["max", "mean"] + ([gap.params["frontier"]] if gap.params["frontier"] not in ("max", "mean") else [])
    gaps = _gaps_by_rule(gap, codes, rules)
    weights = base["weight"].to_numpy()
    fixed = (base["adoption"] * base["evidence_weight"]).to_numpy()
    rng = np.random.default_rng(seed)
    factors = rng.uniform(low, high, size=(draws, len(codes)))
    rule = rng.integers(0, len(rules), size=draws)
    ranks = np.empty((draws, len(codes)), dtype=np.int64)
    for d in range(draws):
        w = [weights[c] * factors[d, c] for c in range(len(codes))]
        total = sum(w)
        priority = [w[c] / total * gaps[rule[d], c] * fixed[c] for c in range(len(codes))]
        order = sorted(range(len(codes)), key=lambda c: -priority[c])  # stable: ties keep base order
        for position, c in enumerate(order, start=1):
            ranks[d, c] = position
    return {
        "median_rank": np.median(ranks, axis=0),
        "p_top": (ranks <= top).mean(axis=0),
    }


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
    mine, theirs = sensitivity(gap, draws=1000), loop_sensitivity(gap)
    same = np.allclose(mine["median_rank"], theirs["median_rank"]) and np.allclose(mine["p_top"], theirs["p_top"])
    rows += [
        ("gap_analysis vs all shipped zones", t_gap, ""),
        (
            "sensitivity 1000 draws (vectorised)",
            t_sens,
            f"{t_loop / t_sens:.1f}x faster than a loop per draw ({t_loop:.3f} s); same statistics: {same}",
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
