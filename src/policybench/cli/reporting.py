"""Subcommands that write reports: report and batch."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from typing import Any

import pandas as pd

from .base import Configure, Run, UsageError, add_benchmark, add_data, emit, positive_int, run_assessment
from .table import progress_bar


def _configure_report(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="TARGET")
    add_benchmark(p)
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="date printed on the report (default: today)")
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="report file: .html, .md, .json, .xlsx, .docx or .pdf"
    )
    add_data(p)


def _run_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..report import FORMATS, report

    if Path(args.output).suffix.lower() not in FORMATS:
        raise UsageError(f"unknown report format '{Path(args.output).suffix}': use one of {', '.join(sorted(FORMATS))}")
    assessment = run_assessment(args)
    path = report(assessment, lang=args.lang, generated=args.date).save(args.output)
    print(f"report written: {path.resolve()}")
    return 0


def _configure_batch(p: argparse.ArgumentParser) -> None:
    p.add_argument("jobs_file", metavar="JOBS.yaml")
    p.add_argument("--jobs", type=positive_int, default=1, metavar="N", help="run N jobs in parallel processes")
    p.add_argument("--resume", action="store_true", help="skip jobs whose outputs all exist")


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


def _run_batch(args: argparse.Namespace) -> int:
    from ..batch import run_jobs

    progress = _Progress()
    try:
        results = run_jobs(args.jobs_file, workers=args.jobs, resume=args.resume, progress=progress)
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
