"""National scale: synthetic datasets of 100, 500 and 2,500 zones, the steps an analyst waits for (issue 23).

Run:
    python benchmarks/bench_scale.py                      # 100, 500, 2,500 zones -> benchmarks/results-scale.json
    python benchmarks/bench_scale.py --zones 100 --json /tmp/s.json
    python benchmarks/bench_scale.py --quick --json /tmp/q.json   # smoke run (the test suite runs it)
    python benchmarks/bench_scale.py --table                      # only regenerate the README table

Each dataset is written as YAML files (a codebook and one file per zone) and every step runs in
a fresh process, so that each step's peak memory (``peak_mb``, the process's maximum resident
set) is its own and no two timings overlap. The zones are synthetic but made of real parts: each
takes the scope, absences and kind of a shipped zone (round robin) and 15-25 measures drawn from
all shipped measures, with their sources, categories, depths and confidences; the Chinese summaries
are recombined (the first half of one shipped summary, the second half of another).

Steps and the targets on the 2-core machine at 2,500 zones:

- ``load``: ``load_dataset(folder, cache=False)`` (schema and cross-file checks, every file read
  afresh), and ``validate``: the same files with the coding protocol's checks; target load +
  validate < 10 s;
- ``load-write``: the first load with the cache of validated files (reads every file, writes the
  entries to a fresh cache folder beside the dataset); ``load-warm`` and ``validate-warm``: the
  same in new processes, which take every file from the cache (run after ``load-write``, which a
  warm step adds when it was not asked for); target load-warm + validate-warm < 10 s (the other
  steps run with ``POLICYBENCH_NO_CACHE=1``);
- ``matrices``: ``portfolio_matrix`` and ``scope_matrix`` of every zone;
- ``similarity``: the known-only structured matrix (``similarity_matrix`` over each pair's overlap) and ``similarity_estimate``
  (200 imputation draws, 90 % intervals) for all pairs; target < 30 s and < 2 GB;
- ``assess``: one target assessed against every other zone with 1,000 robustness draws; < 2 s;
  ``assess-again``: the same for a second target in the process that assessed a first (a notebook's
  case: the one-off work, such as the text index, done; no target of the issue, reported beside it);
- ``batch``: every zone assessed (``run_jobs``, Markdown reports) with 2 local processes and on a
  Dask LocalCluster of 1 and 2 workers; target < 10 min locally, and 2 workers faster than 1.
  ``--batch-jobs N`` times the first N and 2N zones and extrapolates the line through them to all (marked
  ``extrapolated``: the workers' one-off loading counted once).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import pickle
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results-scale.json"
README = HERE / "README.md"
START, END = "<!-- bench_scale:start -->", "<!-- bench_scale:end -->"

#: Targets at 2,500 zones: step -> (seconds, peak MB or None).
TARGETS: dict[str, tuple[float, float | None]] = {
    "load+validate": (10.0, None),
    "load-warm+validate-warm": (10.0, None),
    "similarity": (30.0, 2048.0),
    "assess": (2.0, None),
    "assess (text index kept)": (2.0, None),
    "batch (2 processes)": (600.0, None),
}


# ----------------------------------------------------------------------------- data


def synthetic(n: int, seed: int = 0) -> Any:
    """A Dataset of ``n`` synthetic zones (plus the shipped frame of national directions)."""
    import numpy as np

    from policybench import load_dataset

    shipped = load_dataset(cache=False)  # the benchmark leaves the user's cache alone
    templates = [z for z in shipped.zones if z.kind != "national-policy"]
    pool = [(z, m) for z in templates for m in z.measures]
    rng = np.random.default_rng(seed)
    zones = [z for z in shipped.zones if z.kind == "national-policy"]
    for i in range(n):
        template = templates[i % len(templates)]
        zone_id = f"syn-{i:05d}"
        sources: dict[str, Any] = {s.id: s for s in template.sources}  # the scope's and absences' sources

        def source(origin: Any, source_id: str, sources: dict[str, Any] = sources) -> str:
            new = f"{origin.id}-{source_id}"
            sources.setdefault(new, origin.source(source_id).model_copy(update={"id": new}))
            return new

        measures = []
        for k, p in enumerate(rng.choice(len(pool), size=int(rng.integers(15, 26)), replace=False)):
            origin, m = pool[int(p)]
            _, other = pool[int(rng.integers(len(pool)))]
            a, b = m.summary.zh, other.summary.zh
            summary = m.summary.model_copy(update={"zh": a[: len(a) // 2] + b[len(b) // 2 :]})
            evidence = [e.model_copy(update={"source": source(origin, e.source)}) for e in m.evidence]
            indicators = [
                x.model_copy(update={"source": source(origin, x.source)}) if getattr(x, "source", None) else x
                for x in m.indicators
            ]
            measures.append(
                m.model_copy(
                    update={
                        "id": f"{zone_id}.m{k:02d}",
                        "summary": summary,
                        "evidence": evidence,
                        "inspired_by": None,
                        "indicators": indicators,
                    }
                )
            )
        carried = {c for m in measures for c in m.categories}
        scope = template.scope
        if scope is not None:  # the drawn measures' domains were read too
            examined = list(dict.fromkeys([*scope.examined, *sorted({c.split(".")[0] for c in carried})]))
            scope = scope.model_copy(update={"examined": examined})
        update = {
            "id": zone_id,
            "scope": scope,
            "parent": None,
            "measures": measures,
            "sources": list(sources.values()),
            "absent": [a for a in template.absent if a.code not in carried],
            "unknown": [u for u in template.unknown if u.code not in carried],
            "not_applicable": [x for x in template.not_applicable if x.code not in carried],
        }
        zones.append(template.model_copy(update=update))
    return shipped.replace_zones(zones)


def write_dataset(n: int, folder: Path, seed: int = 0, *, files: bool = True) -> None:
    """The YAML files of ``n`` synthetic zones, and the loaded Dataset pickled beside them for the steps.

    ``files=False``: only the pickle of the Dataset built in memory (the load and validate steps
    then cannot run; the others can).
    """
    from policybench import load_dataset
    from policybench.data.io import dump_zone, shipped_data_dir

    ds = synthetic(n, seed)
    if not files:
        with (folder.parent / f"{folder.name}.pickle").open("wb") as handle:
            pickle.dump(ds, handle, protocol=pickle.HIGHEST_PROTOCOL)
        return
    (folder / "zones").mkdir(parents=True, exist_ok=True)
    shutil.copy(shipped_data_dir() / "codebook.yaml", folder / "codebook.yaml")
    for zone in ds.zones:
        dump_zone(zone, folder / "zones" / f"{zone.id}.yaml")
    with (folder.parent / f"{folder.name}.pickle").open("wb") as handle:
        pickle.dump(load_dataset(folder, cache=False), handle, protocol=pickle.HIGHEST_PROTOCOL)  # no cache warmed


# ----------------------------------------------------------------------------- steps (one per process)


def _threads() -> int:
    try:
        from threadpoolctl import threadpool_info

        return max((int(p["num_threads"]) for p in threadpool_info() if p.get("user_api") == "blas"), default=1)
    except ImportError:
        return os.cpu_count() or 1


def run_step(step: str, folder: Path, draws: int, batch_jobs: int | None) -> list[dict[str, Any]]:
    """Time one step in this process; rows without zones/peak (the parent adds them)."""
    from policybench import load_dataset

    if step in ("load", "load-write", "load-warm"):
        with _cache_folder(folder, step):
            start = time.perf_counter()
            load_dataset(folder, cache=step != "load")
            return [{"step": step, "seconds": time.perf_counter() - start, "threads": 1}]
    if step in ("validate", "validate-warm"):
        from policybench import validate

        with _cache_folder(folder, step):
            start = time.perf_counter()
            report = validate([folder], cache=step != "validate")
            seconds = time.perf_counter() - start
        return [{"step": step, "seconds": seconds, "threads": 1, "check": f"valid={report.valid}"}]
    cache = folder.parent / f"{folder.name}.pickle"  # written by the parent: the steps below do not time loading
    if cache.exists():
        with cache.open("rb") as handle:
            ds = pickle.load(handle)
    else:
        ds = load_dataset(folder)
    input_mb = peak_mb()  # the dataset in memory: what the step adds is peak_mb - input_mb
    ids = [z.id for z in ds.zones if z.kind != "national-policy"]
    return [{**r, "input_mb": input_mb} for r in _timed_step(step, folder, ds, ids, draws, batch_jobs)]


#: Steps that use the cache folder (validated zone files; the text index an earlier run kept); the others
#: read every file afresh, or none.
CACHED_STEPS = ("load-write", "load-warm", "validate-warm", "assess-warm")


def cache_folder(folder: Path) -> Path:
    """The cache folder of the cached steps: beside the dataset, fresh for each dataset."""
    return folder.parent / f"{folder.name}-cache"


@contextlib.contextmanager
def _cache_folder(folder: Path, step: str) -> Iterator[None]:
    """For a cached step, POLICYBENCH_CACHE_DIR set to the dataset's cache folder (restored after)."""
    if step not in CACHED_STEPS:
        yield
        return
    saved = {k: os.environ.get(k) for k in ("POLICYBENCH_CACHE_DIR", "POLICYBENCH_NO_CACHE")}
    os.environ["POLICYBENCH_CACHE_DIR"] = str(cache_folder(folder))
    os.environ.pop("POLICYBENCH_NO_CACHE", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _timed_step(
    step: str, folder: Path, ds: Any, ids: list[str], draws: int, batch_jobs: int | None
) -> list[dict[str, Any]]:
    """The steps that work on a dataset already in memory."""
    if step == "matrices":
        from policybench.similarity import portfolio_matrix, scope_matrix

        start = time.perf_counter()
        portfolio_matrix(ds)
        scope_matrix(ds)
        return [{"step": "matrices", "seconds": time.perf_counter() - start, "threads": 1}]
    if step == "similarity":
        import numpy as np

        from policybench.similarity import portfolio_matrix, similarity_estimate, similarity_matrix

        start = time.perf_counter()
        matrix = similarity_matrix(portfolio_matrix(ds, zones=ids), metric="soft_cosine")
        middle = time.perf_counter()
        estimate = similarity_estimate(ds, zones=ids)
        end = time.perf_counter()
        check = f"defined pairs {int(np.isfinite(matrix.to_numpy()).sum())}, estimated {int(np.isfinite(estimate.estimate).sum())}"
        return [
            {"step": "similarity", "seconds": end - start, "threads": _threads(), "check": check},
            {"step": "similarity: structured matrix", "seconds": middle - start, "threads": _threads()},
            {"step": "similarity: estimate with intervals", "seconds": end - middle, "threads": _threads()},
        ]
    if step == "assess":
        from policybench import assess

        start = time.perf_counter()
        result = assess(ds, ids[0], draws=draws)
        seconds = time.perf_counter() - start
        return [
            {
                "step": "assess",
                "seconds": seconds,
                "threads": _threads(),
                "check": f"benchmark {len(result.gap.benchmark)}",
            }
        ]
    if step == "assess-again":  # the notebook's case: a second target, in the process that assessed a first one
        from policybench import assess

        assess(ds, ids[0], draws=draws)  # not timed: the one-off work (text index, per-zone arrays) is done
        start = time.perf_counter()
        result = assess(ds, ids[1], draws=draws)
        seconds = time.perf_counter() - start
        check = f"benchmark {len(result.gap.benchmark)}"
        return [
            {"step": "assess (another target, same process)", "seconds": seconds, "threads": _threads(), "check": check}
        ]
    if step == "assess-warm":  # a new process whose earlier run kept the text index (similarity.indexcache)
        from policybench import Dataset, assess
        from policybench.similarity.indexcache import dataset_index

        with _cache_folder(folder, step):
            dataset_index(Dataset(ds.codebook, ds.zones), "zh")  # not timed: what the earlier run left
            start = time.perf_counter()
            result = assess(ds, ids[0], draws=draws)
            seconds = time.perf_counter() - start
        check = f"benchmark {len(result.gap.benchmark)}"
        return [{"step": "assess (text index kept)", "seconds": seconds, "threads": _threads(), "check": check}]
    if step.startswith("batch"):
        return _batch(step, folder, ids, draws, batch_jobs)
    raise SystemExit(f"unknown step {step}")


def _batch(step: str, folder: Path, ids: list[str], draws: int, batch_jobs: int | None) -> list[dict[str, Any]]:
    """Every zone assessed in batch; with ``batch_jobs`` k, k and 2k jobs are timed and the rest extrapolated.

    Each worker loads the dataset once (its one-off cost), then assesses job after job: a straight
    line through the two timings, seconds = fixed + per_job x jobs, counts the loading once instead of
    multiplying it with the jobs.
    """
    if batch_jobs is None or 2 * batch_jobs >= len(ids):
        seconds, label, threads = _batch_run(step, folder, ids, draws)
        return [{"step": label, "seconds": seconds, "threads": threads, "jobs": len(ids), "check": "ok"}]
    small, label, threads = _batch_run(step, folder, ids[:batch_jobs], draws)
    large, _label, _threads = _batch_run(step, folder, ids[: 2 * batch_jobs], draws)
    per_job = max(large - small, 0.0) / batch_jobs
    fixed = max(small - per_job * batch_jobs, 0.0)
    return [
        {
            "step": label,
            "seconds": fixed + per_job * len(ids),
            "threads": threads,
            "jobs": 2 * batch_jobs,
            "check": "ok",
            "measured_seconds": {str(batch_jobs): round(small, 3), str(2 * batch_jobs): round(large, 3)},
            "fixed_seconds": round(fixed, 3),
            "seconds_per_job": round(per_job, 3),
            "extrapolated": True,
        }
    ]


def _batch_run(step: str, folder: Path, chosen: list[str], draws: int) -> tuple[float, str, int]:
    """Seconds to run the jobs of ``chosen`` (failures raise: a timing of failed jobs means nothing)."""
    from policybench.batch import run_jobs

    with tempfile.TemporaryDirectory() as out:
        jobs = Path(out) / "jobs.yaml"
        lines = [f"data: {json.dumps(str(folder))}", "shipped: false", "jobs:"]
        lines += [f"  - {{name: {z}, target: {z}, draws: {draws}, lang: [en], outputs: [{z}.md]}}" for z in chosen]
        jobs.write_text("\n".join(lines) + "\n", encoding="utf-8")
        if step == "batch-processes":
            start = time.perf_counter()
            results = run_jobs(jobs, workers=2)
            seconds, label, threads = time.perf_counter() - start, "batch (2 processes)", 2
        else:
            import distributed

            workers = int(step.rsplit("-", 1)[1])
            with (
                distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
                ) as cluster,
                distributed.Client(cluster) as client,
            ):
                start = time.perf_counter()  # cluster start-up not timed
                results = run_jobs(jobs, executor=client)
                seconds = time.perf_counter() - start
            label, threads = f"batch (Dask, {workers} worker{'s' if workers > 1 else ''})", workers
    failed = [r for r in results if r.status != "ok"]
    if failed:
        raise SystemExit(f"{label}: {len(failed)} of {len(results)} jobs failed: {failed[0].message}")
    return seconds, label, threads


def peak_mb() -> float:
    """This process's peak resident memory in MB.

    Linux's VmHWM starts afresh at exec; ``ru_maxrss`` does not (a child started by a parent that
    holds a large dataset would report the parent's size), so it is only the fallback.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(args: argparse.Namespace) -> None:
    rows = run_step(args.step, Path(args.folder), args.draws, args.batch_jobs)
    print(json.dumps([{**r, "peak_mb": peak_mb()} for r in rows]))


def measure(step: str, folder: Path, n: int, args: argparse.Namespace) -> list[dict[str, Any]]:
    command = [sys.executable, __file__, "--child", "--step", step, "--folder", str(folder), "--draws", str(args.draws)]
    if args.batch_jobs is not None:
        command += ["--batch-jobs", str(args.batch_jobs)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return [{"step": step, "zones": n, "error": done.stderr.strip().splitlines()[-1:]}]
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    return [{"zones": n, **r} for r in rows]


def quick(step: str, folder: Path, n: int, args: argparse.Namespace) -> list[dict[str, Any]]:
    """--quick: the step in this process (no fresh process; peak_mb is this process's so far)."""
    rows = run_step(step, folder, args.draws, args.batch_jobs)
    return [{"zones": n, **r, "peak_mb": peak_mb()} for r in rows]


# ----------------------------------------------------------------------------- results and table


def verdicts(rows: list[dict[str, Any]], largest: int) -> list[dict[str, Any]]:
    """Targets at the largest zone count: met or not, from the rows."""
    by_step = {r["step"]: r for r in rows if r.get("zones") == largest and "seconds" in r}
    out = []
    for step, (seconds, peak) in TARGETS.items():
        parts = [by_step.get(s) for s in step.split("+")] if "+" in step else [by_step.get(step)]
        if any(p is None for p in parts):
            entry = {"target": step, "zones": largest, "met": None, "why": "not measured"}
            smaller = [r for r in rows if r["step"] in step.split("+") and "seconds" in r and r["zones"] < largest]
            if smaller:  # the largest count at which it was measured, for the record (no verdict)
                n = max(r["zones"] for r in smaller)
                entry["measured_at"] = {
                    "zones": n,
                    "seconds": round(sum(r["seconds"] for r in smaller if r["zones"] == n), 3),
                }
            out.append(entry)
            continue
        took = sum(p["seconds"] for p in parts if p)
        top = max(p["peak_mb"] for p in parts if p)
        met = took < seconds and (peak is None or top < peak)
        entry = {"target": step, "zones": largest, "seconds": round(took, 3), "limit_seconds": seconds, "met": met}
        if peak is not None:
            entry.update(peak_mb=top, limit_mb=peak)
        if any(p.get("extrapolated") for p in parts if p):
            entry["extrapolated"] = True
        out.append(entry)
    dask = {(r["step"], r["zones"]): r for r in rows if r["step"].startswith("batch (Dask") and "seconds" in r}
    both = [n for (step, n) in dask if step.endswith("1 worker)") and ("batch (Dask, 2 workers)", n) in dask]
    entry: dict[str, Any] = {
        "target": "Dask: 2 workers faster than 1",
        "zones": max(both, default=largest),
        "met": None,
    }
    if both:
        one, two = dask["batch (Dask, 1 worker)", max(both)], dask["batch (Dask, 2 workers)", max(both)]
        entry.update(met=two["seconds"] < one["seconds"], seconds_1=one["seconds"], seconds_2=two["seconds"])
    out.append(entry)
    return out


def table(results: dict[str, Any]) -> str:
    """The README table, generated from a results file."""
    rows = [r for r in results["rows"] if "seconds" in r]
    sizes = sorted({r["zones"] for r in rows})
    steps = list(dict.fromkeys(r["step"] for r in rows))
    cell = {(r["step"], r["zones"]): r for r in rows}
    head = "| step | " + " | ".join(f"{n:,} zones" for n in sizes) + " |"
    lines = [head, "|---|" + "---:|" * len(sizes)]
    for step in steps:
        values = []
        for n in sizes:
            r = cell.get((step, n))
            if r is None:
                values.append("")
                continue
            mark = " (extrapolated)" if r.get("extrapolated") else ""
            held = f" (data {r['input_mb']:,.0f})" if "input_mb" in r else ""
            values.append(f"{r['seconds']:.2f} s, {r['peak_mb']:,.0f} MB{held}{mark}")
        lines.append(f"| {step} | " + " | ".join(values) + " |")
    lines.append("")
    lines.append(
        "Memory is each step's process peak (Linux VmHWM, fresh in each step's process); '(data N)' is the peak "
        "once the dataset was in memory, before the step ran."
    )
    lines.append("")
    lines += [_verdict_line(v) for v in results.get("targets", [])]
    meta = results["meta"]
    lines.append("")
    lines.append(
        f"Run {meta['when']} on {meta['machine']}; load average {meta['load_before']} before, {meta['load_after']} after."
    )
    lines.append(f"Command: `{meta['command']}`")
    if meta.get("note"):
        lines.append(f"Note: {meta['note']}")
    for e in meta.get("earlier_runs", []):
        lines.append(
            f"Rows of an earlier run merged in ({e['when']}, load {e['load_before']} / {e['load_after']}): `{e['command']}`"
        )
        if e.get("note"):
            lines.append(f"Note: {e['note']}")
    return "\n".join(lines)


def _verdict_line(v: dict[str, Any]) -> str:
    state = {True: "met", False: "NOT met", None: f"not measured at {v['zones']:,} zones"}[v["met"]]
    if "measured_at" in v:
        state += f" (at {v['measured_at']['zones']:,} zones: {v['measured_at']['seconds']} s)"
    detail = ""
    if "seconds_1" in v:
        detail = f" (1 worker {v['seconds_1']:.1f} s, 2 workers {v['seconds_2']:.1f} s)"
    elif "seconds" in v:
        detail = f" ({v['seconds']} s" + (f", {v['peak_mb']:,.0f} MB" if "peak_mb" in v else "") + ")"
    where = "" if v["met"] is None else f" at {v['zones']:,} zones"
    return f"- {v['target']}{where}: {state}{detail}"


def write_table(results_path: Path, readme: Path) -> None:
    results = json.loads(results_path.read_text(encoding="utf-8"))
    text = readme.read_text(encoding="utf-8")
    block = f"{START}\n{table(results)}\n{END}"
    if START in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## National scale (bench_scale.py)\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def ordered_steps(asked: list[str]) -> list[str]:
    """The steps to run: ``load-write`` added before the first warm step when it was not asked for before it.

    >>> ordered_steps(["load", "validate-warm"])
    ['load', 'load-write', 'validate-warm']
    """
    steps = list(asked)
    warm = [s for s in steps if s in ("load-warm", "validate-warm")]
    if warm and "load-write" not in steps[: steps.index(warm[0])]:
        steps.insert(steps.index(warm[0]), "load-write")
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zones", type=int, nargs="*", default=[100, 500, 2_500], help="zone counts")
    parser.add_argument(
        "--steps",
        nargs="*",
        default=[
            "load",
            "validate",
            "load-write",
            "load-warm",
            "validate-warm",
            "matrices",
            "similarity",
            "assess",
            "assess-warm",
            "assess-again",
            "batch-processes",
            "batch-dask-1",
            "batch-dask-2",
        ],
    )
    parser.add_argument("--draws", type=int, default=1000, help="robustness draws of the assessments")
    parser.add_argument("--batch-jobs", type=int, help="time this many batch jobs and extrapolate to all zones")
    parser.add_argument("--batch-up-to", type=int, help="run the batch steps only up to this many zones")
    parser.add_argument(
        "--files-up-to", type=int, help="above this many zones build the data in memory: no load or validate step"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 4 zones, 20 draws, 1 batch job, no Dask, in this process"
    )
    parser.add_argument("--json", type=Path, default=RESULTS, help="results file (default: %(default)s)")
    parser.add_argument("--readme", type=Path, default=README, help="README whose table is regenerated")
    parser.add_argument("--table", action="store_true", help="only regenerate the README table from --json")
    parser.add_argument("--merge", type=Path, nargs="*", default=[], help="results files of earlier runs to add")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.table:
        write_table(args.json, args.readme)
        return
    # Only the cached steps use a cache (their own folder): the batch workers read the files afresh, as
    # before the cache existed, and nothing is written to the user's cache folder.
    os.environ["POLICYBENCH_NO_CACHE"] = "1"
    if args.quick:
        args.zones, args.draws, args.batch_jobs = [4], 20, 1
        args.steps = [s for s in args.steps if not s.startswith("batch-dask")]
    load_before = round(os.getloadavg()[0], 2)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as work:
        for n in args.zones:
            folder = Path(work) / f"zones-{n}"
            start = time.perf_counter()
            files = args.files_up_to is None or n <= args.files_up_to
            write_dataset(n, folder, files=files)
            print(f"{n} zones written in {time.perf_counter() - start:.1f} s", flush=True)
            for step in ordered_steps(args.steps):
                if step.startswith("batch") and args.batch_up_to is not None and n > args.batch_up_to:
                    continue
                if not files and step.startswith(("load", "validate", "batch")):
                    continue
                got = quick(step, folder, n, args) if args.quick else measure(step, folder, n, args)
                rows += got
                for r in got:
                    print(json.dumps(r, ensure_ascii=False), flush=True)
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(cache_folder(folder), ignore_errors=True)
    earlier = [json.loads(path.read_text(encoding="utf-8")) for path in args.merge]
    rows = [r for e in earlier for r in e["rows"]] + rows
    largest = max([*args.zones, *(r["zones"] for r in rows)])
    results = {
        "meta": {
            "when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "load_before": load_before,
            "load_after": round(os.getloadavg()[0], 2),
            "command": "python benchmarks/bench_scale.py " + " ".join(sys.argv[1:]),
            "draws": args.draws,
            "earlier_runs": [e["meta"] for e in earlier],
        },
        "rows": rows,
        "targets": verdicts(rows, largest),
    }
    args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    if not args.quick and args.json == RESULTS:
        write_table(args.json, args.readme)


if __name__ == "__main__":
    main()
