"""batch --resume skips a job only when its outputs exist AND its sidecar records the same parameters and data."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import yaml

from policybench.batch import load_jobs, run_jobs, sidecar_path

ROOT = Path(__file__).resolve().parents[1]
ZONE = ROOT / "tests" / "data" / "valid" / "minimal-zone.yaml"

JOBS = """\
jobs:
  - name: tianjin
    target: tianjin-htz
    against: [wuhan-city-partner, donghu-htz]
    lang: [en]
    draws: {draws}
    generated: "2026-11-27"
    outputs: ["out/tianjin.json"]
"""


def _statuses(path: Path, **kwargs: object) -> list[str]:
    return [r.status for r in run_jobs(path, **kwargs)]  # type: ignore[arg-type]


def test_resume_needs_outputs_and_a_matching_sidecar(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text(JOBS.format(draws=0), encoding="utf-8")
    assert _statuses(jobs) == ["ok"]
    job = load_jobs(jobs).jobs[0]
    sidecar = sidecar_path(tmp_path, job)
    record = json.loads(sidecar.read_text(encoding="utf-8"))
    assert record["job"]["draws"] == 0 and len(record["data_hash"]) == 16
    output = tmp_path / "out" / "tianjin.json"
    made = output.stat().st_mtime_ns

    assert _statuses(jobs, resume=True) == ["skipped"]  # same parameters, same data
    assert output.stat().st_mtime_ns == made
    assert _statuses(jobs) == ["ok"]  # without --resume every job runs

    jobs.write_text(JOBS.format(draws=5), encoding="utf-8")  # a parameter changed
    assert _statuses(jobs, resume=True) == ["ok"]
    assert _statuses(jobs, resume=True) == ["skipped"]

    sidecar.unlink()  # outputs without a sidecar: not known to be current
    assert _statuses(jobs, resume=True) == ["ok"] and sidecar.is_file()

    output.unlink()  # a sidecar without its outputs
    assert _statuses(jobs, resume=True) == ["ok"] and output.is_file()


def test_resume_reruns_when_the_data_changed(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.yaml"
    zone = tmp_path / "extra.yaml"
    shutil.copy(ZONE, zone)
    jobs.write_text(JOBS.format(draws=0) + "data: [extra.yaml]\n", encoding="utf-8")
    assert _statuses(jobs) == ["ok"]
    assert _statuses(jobs, resume=True) == ["skipped"]
    zone.write_text(zone.read_text(encoding="utf-8").replace("depth: 3", "depth: 2"), encoding="utf-8")
    assert _statuses(jobs, resume=True) == ["ok"]  # same parameters, other data hash


def test_jobs_file_of_the_readme_follows_the_committed_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "jobs.schema.json").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if b.startswith("# file: jobs.yaml")]
    jsonschema.validate(yaml.safe_load(block), schema)
    bad = {"jobs": [{"name": "x", "target": "t", "outputs": ["a.html"], "draw": 3}]}
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError as exc:
        assert "draw" in str(exc)
    else:
        raise AssertionError("the schema accepted an unknown field")


def test_the_jobs_of_a_batch_load_the_data_once_until_a_file_changes(tmp_path: Path, monkeypatch) -> None:
    import policybench.batch as batch
    import policybench.data.dataset as dataset

    calls: list[object] = []
    real = dataset.load_dataset

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dataset, "load_dataset", counting)
    monkeypatch.setattr(batch, "_LOADED", {})
    zone = tmp_path / "extra.yaml"
    shutil.copy(ZONE, zone)
    second = JOBS.format(draws=0).split("jobs:\n", 1)[1].replace("tianjin\n", "again\n", 1)
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text(
        JOBS.format(draws=0) + second.replace("out/tianjin.json", "out/again.json") + "data: [extra.yaml]\n",
        encoding="utf-8",
    )
    assert _statuses(jobs) == ["ok", "ok"] and len(calls) == 1  # two jobs, one load
    assert _statuses(jobs) == ["ok", "ok"] and len(calls) == 1  # the same files: still loaded
    zone.write_text(zone.read_text(encoding="utf-8").replace("depth: 3", "depth: 2"), encoding="utf-8")
    assert _statuses(jobs) == ["ok", "ok"] and len(calls) == 2  # a file changed: loaded again, once
