"""Many reports at once: a YAML jobs file, run in order or in parallel processes.

With ``resume``, a job is skipped only when all its outputs exist and the sidecar written
beside them records the same job parameters, data hash and library version; otherwise it
runs again. Sidecars live in ``.policybench-batch/`` next to the jobs file, one per job.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from . import __version__
from .errors import DataValidationError, PolicyBenchError
from .io import atomic_write, load_model

__all__ = [
    "SIDECAR_DIR",
    "BatchFile",
    "Job",
    "JobResult",
    "job_record",
    "load_jobs",
    "run_job",
    "run_jobs",
    "sidecar_path",
]

#: Folder, next to the jobs file, of the sidecars that record how each job's outputs were made.
SIDECAR_DIR = ".policybench-batch"


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
    """A jobs file: ``jobs``, and optionally ``data`` added to the shipped zones."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_ref: str | None = Field(default=None, alias="$schema", description="JSON Schema for editors.")
    data: str | list[str] | None = Field(
        default=None,
        description="Zone files or dataset folders, relative to the jobs file, added to the shipped zones.",
    )
    shipped: bool = Field(default=True, description="Include the shipped zones (false: only those under 'data').")
    jobs: list[Job] = Field(min_length=1, description="The jobs.")

    def data_paths(self, base: Path) -> list[str] | None:
        """The ``data`` entries as paths under ``base`` (None when there are none)."""
        if self.data is None:
            return None
        entries = [self.data] if isinstance(self.data, str) else self.data
        return [str(base / entry) for entry in entries]


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


def run_job(job: Job, base: str, data: list[str] | None, resume: bool, shipped: bool = True) -> JobResult:
    """Run one job; write all its outputs and its sidecar, or none. Never raises for a job's own failure."""
    from .assessment import assess
    from .dataset import load_dataset
    from .report import FORMATS, GapReport, report

    started = time.perf_counter()
    paths = job.paths(Path(base))
    sidecar = sidecar_path(Path(base), job)
    written: list[Path] = []
    try:
        bad = [str(p) for _l, p in paths if p.suffix.lower() not in FORMATS]
        if bad:
            raise PolicyBenchError(f"unknown output format: {', '.join(bad)}")
        ds = load_dataset(data, include_shipped=shipped) if data else load_dataset()
        if resume and _up_to_date(job, Path(base), paths, ds.data_hash()):
            return JobResult(job.name, "skipped", tuple(str(p) for _l, p in paths), time.perf_counter() - started)
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
) -> list[JobResult]:
    """Run every job of a jobs file, continuing past failures; results in file order."""
    batch = load_jobs(path)
    base = Path(path).resolve().parent
    data = batch.data_paths(base)
    if data is None and not batch.shipped:
        raise PolicyBenchError(f"{path}: 'shipped: false' leaves no zones: list the zones to use under 'data'")
    results: list[JobResult] = []
    total = len(batch.jobs)
    if workers <= 1:
        for job in batch.jobs:
            results.append(run_job(job, str(base), data, resume, batch.shipped))
            if progress:
                progress(len(results), total, results[-1])
        return results
    # spawn: workers start clean (no forked BLAS or logging state), on every platform alike.
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(run_job, job, str(base), data, resume, batch.shipped) for job in batch.jobs]
        for future in futures:
            results.append(future.result())
            if progress:
                progress(len(results), total, results[-1])
    return results
