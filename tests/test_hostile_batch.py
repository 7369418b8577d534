"""Batch jobs files from others: confinement, placeholders, duplicates, bounds, kill -9 and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policybench.batch import expand_output, load_jobs, run_jobs
from policybench.cli import main
from policybench.errors import DataValidationError, PolicyBenchError

JOB = """  - name: {name}
    target: {target}
    against: [donghu-htz]
    draws: 10
    generated: "2026-11-28"
    outputs: [{outputs}]
"""


def _jobs(folder: Path, *jobs: tuple[str, str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "jobs.yaml"
    path.write_text("jobs:\n" + "".join(JOB.format(name=n, target=t, outputs=o) for n, t, o in jobs), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("output", "code"),
    [
        ('"../../x.html"', "output-outside"),
        ('"/tmp/policybench-abs.html"', "output-outside"),
        ('"out/../../x.html"', "output-outside"),
        ('"out/{0.__class__.__mro__}.html"', "bad-output"),
        ('"out/{lang!r}.html"', "bad-output"),
        ('"out/{target.upper}.html"', "bad-output"),
        ('"out/{.html"', "bad-output"),
    ],
)
def test_bad_outputs_exit_1_before_anything_runs(
    tmp_path: Path, output: str, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs = _jobs(tmp_path / "a" / "b", ("ok", "tianjin-htz", '"ok.json"'), ("bad", "tianjin-htz", output))
    started = time.perf_counter()
    assert main(["batch", str(jobs)]) == 1
    err = capsys.readouterr().err
    assert f"[{code}]" in err and "jobs.yaml:13:" in err  # line 13: the bad job's outputs
    assert time.perf_counter() - started < 5  # refused before any job ran
    assert not (tmp_path / "a" / "b" / "ok.json").exists()
    assert not (tmp_path / "x.html").exists()


def test_symlinked_folder_pointing_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    inside = tmp_path / "jobs"
    inside.mkdir()
    (inside / "link").symlink_to(outside)
    jobs = _jobs(inside, ("a", "tianjin-htz", '"link/r.json"'))
    with pytest.raises(DataValidationError) as caught:
        load_jobs(jobs)
    assert [i.code for i in caught.value.issues] == ["output-outside"]


def test_allow_outside_and_out_dir(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path / "jobs", ("a", "tianjin-htz", '"../r.json"'))
    assert load_jobs(jobs, allow_outside=True).jobs[0].name == "a"
    jobs = _jobs(tmp_path / "jobs", ("a", "tianjin-htz", '"r-{target}.json"'))
    results = run_jobs(jobs, out_dir=tmp_path / "reports")
    assert [r.status for r in results] == ["ok"]
    assert (tmp_path / "reports" / "r-tianjin-htz.json").is_file()


def test_duplicate_outputs_are_an_error_before_running(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, ("a", "tianjin-htz", '"r.json"'), ("b", "wuhan-city-partner", '"./r.json"'))
    with pytest.raises(DataValidationError) as caught:
        load_jobs(jobs)
    issue = caught.value.issues[0]
    assert (issue.code, issue.line, issue.path) == ("duplicate-output", 13, "jobs[1].outputs[0]")
    assert "job 'a'" in issue.message


def test_placeholders_are_only_target_and_lang() -> None:
    assert expand_output("{target}/{lang}.md", target="t", lang="zh") == "t/zh.md"
    with pytest.raises(PolicyBenchError, match="unknown placeholder"):
        expand_output("{name}.md", target="t", lang="zh")


@pytest.mark.parametrize(
    "argv",
    [
        ["batch", "JOBS", "--jobs", "0"],
        ["batch", "JOBS", "--jobs", "100000"],
        ["gap", "tianjin-htz", "--draws", "1000000000"],
        ["gap", "tianjin-htz", "--draws", "-1"],
        ["report", "tianjin-htz", "--draws", "100001", "-o", "r.json"],
    ],
)
def test_draws_and_jobs_are_bounded(tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    jobs = _jobs(tmp_path, ("a", "tianjin-htz", '"r.json"'))
    assert main([str(jobs) if a == "JOBS" else a for a in argv]) == 2
    err = capsys.readouterr().err
    assert "must be between" in err or "must be at least" in err, err
    assert not (tmp_path / "r.json").exists()


def test_jobs_file_draws_are_bounded(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, ("a", "tianjin-htz", '"r.json"'))
    jobs.write_text(jobs.read_text().replace("draws: 10", "draws: 1000000000"))
    with pytest.raises(DataValidationError) as caught:
        load_jobs(jobs)
    assert caught.value.issues[0].path == "jobs[0].draws"


# ------------------------------------------------------------------ real processes, real kill -9


def _children(pid: int) -> dict[int, str]:
    """Child processes of ``pid`` -> their command line (Linux /proc)."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found


def _workers(pid: int, n: int, timeout: float = 120) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = sorted(
            p for p, cmd in _children(pid).items() if "spawn_main" in cmd and "resource_tracker" not in cmd
        )
        if len(workers) >= n:
            return workers
        time.sleep(0.05)
    raise AssertionError(f"{n} workers did not start")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _batch(jobs: Path, *extra: str) -> subprocess.Popen[str]:
    code = "import sys; from policybench.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, "batch", str(jobs), "--jobs", "2", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_kill_9_oom_and_resume(tmp_path: Path) -> None:
    jobs = _jobs(
        tmp_path,
        ("one", "tianjin-htz", '"out/{target}.json"'),
        ("two", "wuhan-city-partner", '"out/{target}.json"'),
        ("three", "shenzhen-qianhai", '"out/{target}.md"'),
    )
    out = tmp_path / "out"

    # 1. A worker killed like the OOM killer does: its job fails, the others and the summary go on.
    with _batch(jobs) as proc:
        first = _workers(proc.pid, 2)[0]
        os.kill(first, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stdout + stderr
    assert stdout.count(" ok ") == 2 and stdout.count(" failed ") == 1, stdout
    assert "SIGKILL" in stdout

    # 2. kill -9 of the batch itself (resuming: only the failed job runs): no worker outlives it.
    with _batch(jobs, "--resume") as proc:
        workers = _workers(proc.pid, 1)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "orphan workers after kill -9"

    # 3. --resume: stale temporary files of an interrupted write are removed, the rest completes.
    stale = [out / ".tianjin-htz.json.ab12cd34.tmp", out / ".shenzhen-qianhai.md.zz_99xy0.tmp"]
    for file in stale:
        file.write_text("partial")
    keep = out / ".notes.txt"
    keep.write_text("not ours")
    with _batch(jobs, "--resume") as proc:
        stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stdout + stderr
    assert stdout.count(" skipped ") == 2, stdout
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".notes.txt"]
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {
        "tianjin-htz.json",
        "wuhan-city-partner.json",
        "shenzhen-qianhai.md",
    }


def test_workers_run_job_after_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four jobs on two workers start two worker processes (each loads the data once), not four."""
    import importlib

    batch = importlib.import_module("policybench.batch")
    started: list[int] = []
    real = batch._start_worker

    def counted(*args, **kwargs):
        started.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "_start_worker", counted)
    jobs = _jobs(
        tmp_path,
        ("one", "tianjin-htz", '"out/{target}.md"'),
        ("two", "wuhan-city-partner", '"out/{target}.md"'),
        ("three", "shenzhen-qianhai", '"out/{target}.md"'),
        ("four", "changsha-htz", '"out/{target}.md"'),
    )
    results = batch.run_jobs(jobs, workers=2)
    assert [r.status for r in results] == ["ok"] * 4, [r.error for r in results]
    assert [r.name for r in results] == ["one", "two", "three", "four"]
    assert len(started) == 2
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "tianjin-htz.md",
        "wuhan-city-partner.md",
        "shenzhen-qianhai.md",
        "changsha-htz.md",
    }
