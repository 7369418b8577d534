"""Subcommands that write reports: report and batch."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from typing import Any

from .._params import MAX_WORKERS
from ..labels import cli_label
from .base import (
    Configure,
    Run,
    UsageError,
    add_benchmark,
    add_data,
    emit,
    iso_date,
    positive_int,
    require_extras,
    run_assessment,
)
from .table import progress_bar


def _configure_report(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="TARGET", help="id of the zone assessed (policybench list zones)")
    add_benchmark(p)
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the report (default: %(default)s)")
    p.add_argument("--date", metavar="YYYY-MM-DD", type=iso_date, help="date printed on the report (default: today)")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="report file: .html, .md, .json, .xlsx, .docx or .pdf"
    )
    add_data(p)


def _run_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..report import FORMATS, report

    if Path(args.output).suffix.lower() not in FORMATS:
        raise UsageError(f"unknown report format '{Path(args.output).suffix}': use one of {', '.join(sorted(FORMATS))}")
    require_extras(Path(args.output).suffix.lower())  # before any work: a missing extra is known now
    assessment = run_assessment(args)
    path = report(assessment, lang=args.lang, generated=args.date).save(args.output)
    print(f"{cli_label('report_written', args.lang)}: {path.resolve()}")
    return 0


def _configure_batch(p: argparse.ArgumentParser) -> None:
    p.add_argument("jobs_file", metavar="JOBS.yaml", help="the jobs file (check it first with policybench validate)")
    p.add_argument(
        "--jobs", type=positive_int, default=1, metavar="N", help=f"run N jobs in parallel processes (1-{MAX_WORKERS})"
    )
    p.add_argument("--resume", action="store_true", help="skip jobs whose outputs all exist")
    p.add_argument("--out-dir", metavar="DIR", help="folder the outputs are relative to (default: the jobs file's)")
    p.add_argument(
        "--allow-outside",
        action="store_true",
        help="allow outputs outside that folder (absolute paths, '..'); only for jobs files you trust",
    )
    dask = p.add_mutually_exclusive_group()
    dask.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run the jobs as tasks on this Dask scheduler")
    dask.add_argument("--dask-local", type=int, metavar="N", help="run the jobs on a local Dask cluster of N workers")


class _Progress:
    """The batch progress callback: a bar with counts and ETA, opened at the first finished job."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._advance: Any = None

    def __call__(self, done: int, total: int, result: object) -> None:
        if self._advance is None:
            self._advance = self._stack.enter_context(progress_bar(total, description="jobs"))
        self._advance(f"{getattr(result, 'name', '')}: {getattr(result, 'status', '')}")

    def close(self) -> None:
        self._stack.close()


def _run_on_executor(args: argparse.Namespace, progress: Any) -> list[Any]:
    """The batch run in processes here, or as Dask tasks (--scheduler / --dask-local)."""
    from ..batch import run_jobs
    from ..cluster import DaskUnavailableError, dask_client

    if args.scheduler is None and args.dask_local is None:
        return run_jobs(
            args.jobs_file,
            workers=args.jobs,
            resume=args.resume,
            progress=progress,
            out_dir=args.out_dir,
            allow_outside=args.allow_outside,
        )
    if args.dask_local is not None and not 1 <= args.dask_local <= MAX_WORKERS:
        raise UsageError(f"--dask-local must be between 1 and {MAX_WORKERS}. Got {args.dask_local} instead.")
    try:
        with dask_client(args.scheduler, local_workers=args.dask_local) as client:
            return run_jobs(
                args.jobs_file,
                resume=args.resume,
                progress=progress,
                out_dir=args.out_dir,
                allow_outside=args.allow_outside,
                executor=client,
            )
    except DaskUnavailableError as exc:
        raise UsageError(str(exc)) from exc


def _run_batch(args: argparse.Namespace) -> int:
    import pandas as pd

    if not 1 <= args.jobs <= MAX_WORKERS:
        raise UsageError(f"--jobs must be between 1 and {MAX_WORKERS}. Got {args.jobs} instead.")
    progress = _Progress()
    try:
        results = _run_on_executor(args, progress)
    finally:
        progress.close()
    summary = pd.DataFrame(
        [
            {
                "job": r.name,
                "status": r.status,
                "seconds": round(r.seconds, 2),
                "outputs": len(r.outputs),
                "error": r.error,
            }
            for r in results
        ]
    )
    emit(summary, "table")
    failed = [r.name for r in results if r.status == "failed"]
    if failed:
        print(f"{len(failed)} job(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "report": ("write a gap report (HTML, Markdown, JSON, XLSX, Word or PDF)", _configure_report, _run_report),
    "batch": ("run many report jobs from a YAML file", _configure_batch, _run_batch),
}
