"""Many reports at once: a YAML jobs file, run in order or in parallel processes.

A jobs file comes from someone else, so it is checked before anything runs:

- output names may use only the placeholders ``{target}`` and ``{lang}`` (see
  :data:`PLACEHOLDERS`); they are not Python format strings;
- every output must resolve inside the jobs file's folder (or ``out_dir``): absolute paths
  and ``..`` are refused unless ``allow_outside=True``;
- two jobs may not write the same file;
- ``draws`` is at most :data:`MAX_DRAWS`, the number of worker processes at most
  :data:`MAX_WORKERS`.

Parallel jobs run in their own processes, which die with the batch (``kill -9`` of the batch
leaves no orphan). A worker that is killed (e.g. by the out-of-memory killer) fails its job;
the other jobs and the summary go on. ``resume=True`` first removes the hidden temporary
files an interrupted run left beside the outputs, then skips a job only when all its outputs
exist and the sidecar written beside them records the same job parameters, data hash and
library version; otherwise the job runs again. Sidecars live in ``.policybench-batch/`` next to
the outputs, one per job.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Literal

from ._longlived import freeze_long_lived
from ._params import MAX_DRAWS, MAX_WORKERS, Bool, FilePath, Maybe, validate_params
from ._version import __version__
from .data.documents import Document
from .data.io import atomic_write, load_model
from .data.jobs import PLACEHOLDERS, BatchFile, Job, expand_output, placeholder_problem
from .errors import DataValidationError, Issue, PolicyBenchError

__all__ = [
    "MAX_DRAWS",
    "MAX_WORKERS",
    "PLACEHOLDERS",
    "SIDECAR_DIR",
    "BatchFile",
    "Job",
    "JobResult",
    "expand_output",
    "job_record",
    "load_jobs",
    "run_job",
    "run_jobs",
    "sidecar_path",
]

#: Folder, beside the outputs, of the sidecars that record how each job's outputs were made.
SIDECAR_DIR = ".policybench-batch"


@dataclass(frozen=True)
class JobResult:
    """What happened to one job."""

    name: str
    status: Literal["ok", "failed", "skipped"]
    outputs: tuple[str, ...]
    seconds: float
    error: str = ""


@validate_params({"path": FilePath(), "out_dir": Maybe(FilePath()), "allow_outside": Bool()})
def load_jobs(
    path: str | os.PathLike[str], *, out_dir: str | os.PathLike[str] | None = None, allow_outside: bool = False
) -> BatchFile:
    """Read and check a jobs file; every problem is a located issue (file, line, path).

    Besides the schema: job names unique, output names with known placeholders only,
    outputs inside the jobs file's folder (or ``out_dir``) unless ``allow_outside``, and no
    output written by two jobs. Nothing runs when any of this fails.
    """
    batch, doc, issues = load_model(path, BatchFile)
    if issues or batch is None:  # the schema failed: still check names and output names on the plain data
        reported = {i.path for i in issues}
        raise DataValidationError(issues + [i for i in _raw_checks(doc) if i.path not in reported])
    base = Path(out_dir) if out_dir is not None else Path(path).resolve().parent
    issues = _check_names(batch, doc) + _check_outputs(batch, doc, base, allow_outside)
    if issues:
        raise DataValidationError(issues)
    return batch


def _raw_checks(doc: Document) -> list[Issue]:
    """Duplicate job names and bad output placeholders in a jobs file that failed the schema.

    Read from the plain data, so that one structural error does not hide these: every problem
    of the file is reported in one run.
    """
    jobs = doc.data.get("jobs") if isinstance(doc.data, dict) else None
    if not isinstance(jobs, list):
        return []
    issues: list[Issue] = []
    first: dict[str, int] = {}
    for i, job in enumerate(jobs):
        if not isinstance(job, dict):
            continue
        name = job.get("name")
        if isinstance(name, str):
            if name in first:
                issues.append(
                    doc.issue(
                        "duplicate-id",
                        ("jobs", i, "name"),
                        f"job name '{name}' is also used by jobs[{first[name]}]",
                        expected="a name unique in the file",
                        found=name,
                        hint="rename one of the jobs",
                    )
                )
            first.setdefault(name, i)
        outputs = job.get("outputs")
        for k, template in enumerate(outputs if isinstance(outputs, list) else []):
            bad = placeholder_problem(template) if isinstance(template, str) else ""
            if bad:
                where = ("jobs", i, "outputs", k)
                issues.append(_output_issue(doc, where, "bad-output", bad, template, "use only {target} and {lang}"))
    return issues


def _check_names(batch: BatchFile, doc: Document) -> list[Issue]:
    first: dict[str, int] = {}
    issues: list[Issue] = []
    for i, job in enumerate(batch.jobs):
        if job.name in first:
            issues.append(
                doc.issue(
                    "duplicate-id",
                    ("jobs", i, "name"),
                    f"job name '{job.name}' is also used by jobs[{first[job.name]}]",
                    expected="a name unique in the file",
                    found=job.name,
                    hint="rename one of the jobs",
                )
            )
        first.setdefault(job.name, i)
    return issues


def _check_outputs(batch: BatchFile, doc: Document, base: Path, allow_outside: bool) -> list[Issue]:
    """Placeholders, folder confinement and duplicates of every output of every job."""
    root = base.resolve()
    seen: dict[Path, str] = {}
    issues: list[Issue] = []
    for i, job in enumerate(batch.jobs):
        for k, template in enumerate(job.outputs):
            where = ("jobs", i, "outputs", k)
            bad = placeholder_problem(template)
            if bad:
                issues.append(_output_issue(doc, where, "bad-output", bad, template, "use only {target} and {lang}"))
                continue
            for lang in job.lang:
                name = expand_output(template, target=job.target, lang=lang)
                target = (root / name).resolve()
                outside = Path(name).is_absolute() or ".." in Path(name).parts or not target.is_relative_to(root)
                if outside and not allow_outside:
                    issues.append(
                        _output_issue(
                            doc,
                            where,
                            "output-outside",
                            f"the output '{name}' is outside the folder {root}",
                            template,
                            "write a path relative to the jobs file's folder without '..', "
                            "or pass --allow-outside (allow_outside=True) if you trust this file",
                        )
                    )
                    break
                if target in seen:
                    issues.append(
                        _output_issue(
                            doc,
                            where,
                            "duplicate-output",
                            f"the output '{name}' is also written by {seen[target]}",
                            template,
                            "give each job its own output names (use {target} or {lang})",
                        )
                    )
                    break
                seen[target] = f"job '{job.name}'"
    return issues


def _output_issue(doc: Document, where: tuple[str | int, ...], code: str, message: str, found: str, hint: str) -> Issue:
    return doc.issue(code, where, message, expected="a file name inside the folder", found=found, hint=hint)


def sidecar_path(base: Path, job: Job) -> Path:
    """Where the sidecar of ``job`` lives (a file name made safe from the job's name)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", job.name).strip("._") or "job"
    digest = hashlib.sha256(job.name.encode("utf-8")).hexdigest()[:8]
    return base / SIDECAR_DIR / f"{slug[:60]}-{digest}.json"


def job_record(job: Job, data_hash: str) -> dict[str, object]:
    """What a sidecar records: the job's parameters, the data hash and the library version."""
    return {"job": job.model_dump(mode="json"), "data_hash": data_hash, "library_version": __version__}


def _up_to_date(job: Job, base: Path, paths: list[tuple[str, Path]], data_hash: str) -> bool:
    if not all(p.exists() for _lang, p in paths):
        return False
    try:
        recorded = json.loads(sidecar_path(base, job).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(recorded == job_record(job, data_hash))


#: The datasets this process loaded, by their files' fingerprint: the jobs of one batch (or the tasks
#: one Dask worker runs) load and validate the data once, and again only when a file changed.
_LOADED: dict[tuple[object, ...], Any] = {}


def _fingerprint(data: list[str] | None, shipped: bool) -> tuple[object, ...]:
    """Every data file's path, size and modification time (cheap: no file is read)."""
    from .data.io import shipped_data_dir

    roots = [Path(p) for p in (data or [])] + ([shipped_data_dir()] if shipped or not data else [])
    files: list[tuple[str, int, int]] = []
    for root in roots:
        found = sorted(root.rglob("*")) if root.is_dir() else [root]
        for f in found:
            try:
                st = f.stat()
            except OSError:
                continue
            if f.is_file():
                files.append((str(f.resolve()), st.st_size, st.st_mtime_ns))
    return (tuple(data or ()), shipped, tuple(files))


def _dataset(data: list[str] | None, shipped: bool) -> Any:
    """The dataset of a job, loaded once per process while its files are unchanged."""
    from .data.dataset import load_dataset

    key = _fingerprint(data, shipped)
    if key not in _LOADED:
        _LOADED.clear()  # one dataset at a time: a batch reads one
        _LOADED[key] = load_dataset(data, include_shipped=shipped) if data else load_dataset()
        if multiprocessing.parent_process() is not None:  # a worker process (ours, or Dask's): it serves every job
            freeze_long_lived()  # out of the GC's walks (never in the caller's own process: workers=1)
    return _LOADED[key]


def run_job(job: Job, base: str, data: list[str] | None, resume: bool, shipped: bool = True) -> JobResult:
    """Run one job; write all its outputs and its sidecar, or none. Never raises for a job's own failure."""
    from .assessment import assess
    from .report import FORMATS, GapReport, report
    from .similarity import reuse_imputations

    started = time.perf_counter()
    paths = job.paths(Path(base))
    sidecar = sidecar_path(Path(base), job)
    written: list[Path] = []
    try:
        bad = [str(p) for _l, p in paths if p.suffix.lower() not in FORMATS]
        if bad:
            raise PolicyBenchError(f"unknown output format: {', '.join(bad)}")
        ds = _dataset(data, shipped)
        if resume and _up_to_date(job, Path(base), paths, ds.data_hash()):
            return JobResult(job.name, "skipped", tuple(str(p) for _l, p in paths), time.perf_counter() - started)
        with reuse_imputations():  # the jobs of a worker share the dataset, so the similarity draws too
            assessment = assess(
                ds,
                job.target,
                against=job.against,
                peers=job.peers,
                frontier=job.frontier,
                weights=job.weights,
                status=job.status,
                top=job.top,
                draws=job.draws,
            )
        rendered: dict[str, GapReport] = {
            lang: report(assessment, lang=lang, generated=job.generated) for lang in job.lang
        }
        sidecar.unlink(missing_ok=True)  # outputs about to be replaced are no longer described by it
        for lang, path in paths:  # everything is computed; now write, undoing on failure
            rendered[lang].save(path)
            written.append(path)
        with atomic_write(sidecar) as handle:
            handle.write(json.dumps(job_record(job, assessment.data_hash), ensure_ascii=False, indent=2) + "\n")
    except Exception as exc:  # a failing job must not stop the batch
        for path in written:
            path.unlink(missing_ok=True)
        return JobResult(job.name, "failed", (), time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
    return JobResult(job.name, "ok", tuple(str(p) for p in written), time.perf_counter() - started)


def run_jobs(
    path: str | os.PathLike[str],
    *,
    workers: int = 1,
    resume: bool = False,
    progress: Callable[[int, int, JobResult], None] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    allow_outside: bool = False,
    executor: Any = None,
) -> list[JobResult]:
    """Run every job of a jobs file, continuing past failures; results in file order.

    Parameters
    ----------
    path : path-like
        The jobs file.
    workers : int
        Jobs run at once, on that many worker processes, each loading the data once and running
        job after job (1 = in this process). At most
        :data:`MAX_WORKERS`.
    resume : bool
        Skip jobs whose outputs all exist; remove stale temporary files first.
    progress : callable, optional
        Called with (done, total, result) after each job.
    out_dir : path-like, optional
        Folder the outputs are relative to (default: the jobs file's folder).
    allow_outside : bool
        Allow outputs outside that folder (absolute paths, '..').
    executor : optional
        Anything with ``submit(fn, *args)`` returning a future with ``result()`` (a
        ``concurrent.futures`` executor, a ``dask.distributed.Client``): the jobs are then
        submitted to it and ``workers`` is ignored. A job whose task fails without a result
        (a lost worker) fails alone.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise PolicyBenchError(
            f"The 'workers' parameter of run_jobs must be an int in [1, {MAX_WORKERS}]. Got {workers!r} instead."
        )
    batch = load_jobs(path, out_dir=out_dir, allow_outside=allow_outside)
    folder = Path(path).resolve().parent
    base = Path(out_dir).resolve() if out_dir is not None else folder
    data = batch.data_paths(folder)
    if data is None and not batch.shipped:
        raise PolicyBenchError(f"{path}: 'shipped: false' leaves no zones: list the zones to use under 'data'")
    shipped = batch.shipped
    if resume:
        remove_stale_temporaries(batch, base)
    done: list[JobResult] = []

    def report(result: JobResult) -> None:
        done.append(result)
        if progress:
            progress(len(done), len(batch.jobs), result)

    if workers == 1 and executor is None:
        for job in batch.jobs:
            report(run_job(job, str(base), data, resume, shipped))
        return done
    todo = list(batch.jobs)  # resume is decided in the job (it needs the data hash)
    if executor is not None:
        _run_on_executor(executor, todo, str(base), data, resume, shipped, report)
    else:
        _run_in_processes(todo, str(base), data, resume, shipped, workers, report)
    by_name = {r.name: r for r in done}
    return [by_name[job.name] for job in batch.jobs]


def _run_on_executor(
    executor: Any,
    jobs: list[Job],
    base: str,
    data: list[str] | None,
    resume: bool,
    shipped: bool,
    report: Callable[[JobResult], None],
) -> None:
    """Submit every job to ``executor``; report results in submission order."""
    started = time.perf_counter()
    futures = [(job, executor.submit(run_job, job, base, data, resume, shipped)) for job in jobs]
    for job, future in futures:
        try:
            result = future.result()
        except Exception as exc:  # a lost worker or a cancelled task fails this job only
            result = JobResult(job.name, "failed", (), time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
        report(result)


def remove_stale_temporaries(batch: BatchFile, base: Path) -> list[Path]:
    """Delete the hidden temporary files (``.<name>.<random>.tmp``) a killed run left beside outputs.

    Only names that :func:`policybench.data.io.atomic_write` makes for this batch's outputs are
    touched; returns what was removed.
    """
    removed: list[Path] = []
    for job in batch.jobs:
        for _lang, output in job.paths(base):
            pattern = re.compile(
                rf"^\.{re.escape(output.name)}\.[A-Za-z0-9_]{{8}}(?:\.tmp|{re.escape(output.suffix)})$"
            )
            if not output.parent.is_dir():
                continue
            for candidate in output.parent.iterdir():
                if pattern.match(candidate.name) and candidate.is_file() and not candidate.is_symlink():
                    candidate.unlink(missing_ok=True)
                    removed.append(candidate)
    return removed


def _run_in_processes(
    jobs: list[Job],
    base: str,
    data: list[str] | None,
    resume: bool,
    shipped: bool,
    workers: int,
    report: Callable[[JobResult], None],
) -> list[JobResult]:
    """The jobs on at most ``workers`` spawned worker processes, each running job after job.

    A worker loads the data once (:func:`run_job` keeps it per process) and takes the next job
    when it sends back a result. A worker that dies without a result (killed by a signal, e.g.
    the OOM killer) fails only the job it was running; a new worker takes over the jobs left.
    The workers die with this process (see :func:`_die_with_parent`).
    """
    context = multiprocessing.get_context("spawn")  # clean workers: no forked BLAS or logging state
    pending = list(jobs)
    idle: list[tuple[Connection, Any]] = []
    busy: dict[Connection, tuple[Job, Any, float]] = {}
    results: list[JobResult] = []
    try:
        while pending or busy:
            while pending and len(busy) < workers:
                connection, process = idle.pop() if idle else _start_worker(context, base, data, resume, shipped)
                job = pending.pop(0)
                try:
                    connection.send(job)
                except OSError:  # the worker died while idle: it ran no job; start another
                    connection.close()
                    process.join(10)
                    pending.insert(0, job)
                    continue
                busy[connection] = (job, process, time.perf_counter())
            for ready in wait(list(busy)):
                assert isinstance(ready, Connection)
                job, process, started = busy.pop(ready)
                result, alive = _receive(ready, job, process, started)
                results.append(result)
                report(result)
                if alive:
                    idle.append((ready, process))
        for connection, _process in idle:
            connection.send(None)  # no more jobs: the worker returns
    finally:
        for connection, (_job, process, _started) in busy.items():  # interrupted: stop their jobs now
            process.kill()
            process.join(5)
            connection.close()
        for connection, process in idle:
            connection.close()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
    return results


def _start_worker(
    context: Any, base: str, data: list[str] | None, resume: bool, shipped: bool
) -> tuple[Connection, Any]:
    """A new worker process and this side of its two-way pipe."""
    here, there = context.Pipe(duplex=True)
    process = context.Process(target=_worker, args=(there, os.getpid(), base, data, resume, shipped), daemon=True)
    process.start()
    there.close()  # the worker holds the only other end: EOF here when it dies
    return here, process


def _receive(connection: Connection, job: Job, process: Any, started: float) -> tuple[JobResult, bool]:
    """The worker's result and True, or a failed result naming how it died and False."""
    try:
        result: JobResult = connection.recv()
        return result, True
    except (EOFError, OSError):
        connection.close()
        process.join(10)
        code = process.exitcode
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        hint = " (out of memory?)" if code == -signal.SIGKILL else ""
        return JobResult(job.name, "failed", (), time.perf_counter() - started, f"the worker died: {how}{hint}"), False


def _worker(
    connection: Connection, parent: int, base: str, data: list[str] | None, resume: bool, shipped: bool
) -> None:
    """Body of a worker process: run the jobs it is sent, one at a time, until it is sent None."""
    _die_with_parent(parent)
    try:
        while (job := connection.recv()) is not None:
            connection.send(run_job(job, base, data, resume, shipped))
    except (EOFError, OSError):  # the batch closed the pipe: nothing more to do
        pass
    finally:
        connection.close()


def _die_with_parent(parent: int) -> None:
    """Make this worker exit when the batch process dies, even by ``kill -9``.

    On Linux the kernel delivers SIGKILL to us when the parent dies (``PR_SET_PDEATHSIG``);
    elsewhere, and as a backstop, a daemon thread watches the parent id.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="policybench-parent-watch").start()
