"""Many reports at once: a YAML jobs file, run in order or in parallel processes."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import DataValidationError, PolicyBenchError
from .io import atomic_write, load_model

__all__ = ["BatchFile", "Job", "JobResult", "load_jobs", "run_job", "run_jobs"]


Language = Literal["zh", "en"]


class Job(BaseModel):
    """One report job."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, description="Name shown in progress and summary.")
    target: str = Field(description="Zone id of the target.")
    against: list[str] | None = Field(default=None, description="Benchmark zone ids (exclusive with peers).")
    peers: int | None = Field(default=None, ge=1, description="Use the k nearest zones as the benchmark.")
    frontier: str = Field(default="max", description="max | mean | a benchmark zone id.")
    weights: dict[str, float] | None = Field(default=None, description="Category code -> weight.")
    status: list[str] | None = Field(
        default=None, description="Statuses counted (default: the codebook's counted statuses)."
    )
    top: int = Field(default=10, ge=1, description="Number of recommendations.")
    draws: int = Field(default=1000, ge=0, description="Monte-Carlo draws of the robustness check (0: none).")
    lang: list[Language] = Field(default_factory=lambda: list[Language](["zh"]), description="Report languages.")
    outputs: list[str] = Field(
        min_length=1, description="Output paths (.html, .md, .json, .xlsx); use {lang} with several languages."
    )
    generated: str | None = Field(default=None, description="Date printed on the reports.")

    @model_validator(mode="after")
    def _check(self) -> Job:
        if self.against is not None and self.peers is not None:
            raise ValueError("give either 'against' or 'peers', not both")
        if len(self.lang) > 1 and not all("{lang}" in p for p in self.outputs):
            raise ValueError("with several languages every output path must contain {lang}")
        return self

    def paths(self, base: Path) -> list[tuple[str, Path]]:
        """(language, output path) for every output of the job, relative paths under ``base``."""
        return [(lang, base / out.format(lang=lang)) for lang in self.lang for out in self.outputs]


class BatchFile(BaseModel):
    """A jobs file: ``jobs`` and optionally ``data`` (dataset folder, relative to the file)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data: str | None = Field(default=None, description="Dataset folder or zone files; default: the shipped data.")
    jobs: list[Job] = Field(min_length=1, description="The jobs.")


@dataclass(frozen=True)
class JobResult:
    """What happened to one job."""

    name: str
    status: Literal["ok", "failed", "skipped"]
    outputs: tuple[str, ...]
    seconds: float
    error: str = ""


def load_jobs(path: str | os.PathLike[str]) -> BatchFile:
    """Read and check a jobs file; located issues (file, line, path) on error."""
    batch, _doc, issues = load_model(path, BatchFile)
    if issues or batch is None:
        raise DataValidationError(issues)
    names = [j.name for j in batch.jobs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise PolicyBenchError(f"{path}: duplicate job names: {', '.join(dup)}")
    return batch


def run_job(job: Job, base: str, data: str | None, resume: bool) -> JobResult:
    """Run one job; write all its outputs or none. Never raises for a job's own failure."""
    from .assessment import assess
    from .dataset import load_dataset
    from .report import FORMATS, GapReport, report

    started = time.perf_counter()
    paths = job.paths(Path(base))
    if resume and all(p.exists() for _lang, p in paths):
        return JobResult(job.name, "skipped", tuple(str(p) for _l, p in paths), 0.0)
    written: list[Path] = []
    try:
        bad = [str(p) for _l, p in paths if p.suffix.lower() not in FORMATS]
        if bad:
            raise PolicyBenchError(f"unknown output format: {', '.join(bad)}")
        ds = load_dataset(data)
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
        for lang, path in paths:  # everything is computed; now write, undoing on failure
            rendered[lang].save(path)
            written.append(path)
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
) -> list[JobResult]:
    """Run every job of a jobs file, continuing past failures; results in file order."""
    batch = load_jobs(path)
    base = Path(path).resolve().parent
    data = str(base / batch.data) if batch.data else None
    results: list[JobResult] = []
    total = len(batch.jobs)
    if workers <= 1:
        for job in batch.jobs:
            results.append(run_job(job, str(base), data, resume))
            if progress:
                progress(len(results), total, results[-1])
        return results
    # spawn: workers start clean (no forked BLAS or logging state), on every platform alike.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(run_job, job, str(base), data, resume) for job in batch.jobs]
        for future in futures:
            results.append(future.result())
            if progress:
                progress(len(results), total, results[-1])
    return results


def write_summary(results: list[JobResult], path: str | os.PathLike[str]) -> None:
    """Write the summary of a batch run as CSV (atomic)."""
    with atomic_write(path) as handle:
        handle.write("name,status,seconds,outputs,error\n")
        for r in results:
            error = r.error.replace('"', "'")
            handle.write(f'{r.name},{r.status},{r.seconds:.2f},"{";".join(r.outputs)}","{error}"\n')
