"""Neighbours and queries on a dask.distributed LocalCluster equal the local results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from policybench.batch import run_jobs
from policybench.cli import main
from policybench.errors import InputError
from policybench.similarity.text import TextIndex

distributed = pytest.importorskip("distributed")

TERMS = ["法定机构", "全员聘任", "创新券", "管委会", "公司化", "承诺制", "审批", "人才", "飞地", "孵化器", "科技金融"]


def texts(n: int) -> list[str]:
    return ["".join(TERMS[(i * 7 + j * 3) % len(TERMS)] for j in range(2 + i % 5)) + f"第{i % 13}条" for i in range(n)]


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=50
    )
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


@pytest.mark.parametrize("engine", ["scipy", "numba", "auto"])
def test_neighbours_on_cluster_equal_local(client: object, engine: str) -> None:
    index = TextIndex(segmenter=None, engine=engine).fit(texts(700), [f"m{i}" for i in range(700)])
    local = index.neighbours(k=5)
    with distributed.get_task_stream(client) as stream:
        on_cluster = index.neighbours(k=5, client=client)
    pd.testing.assert_frame_equal(on_cluster, local, check_exact=True)
    tasks = {str(task["key"]).split("-")[0].strip("('") for task in stream.data}
    # numba: ranges of rows, each pair scored once; scipy: blocks against the whole corpus
    assert tasks == ({"rank_part"} if engine != "scipy" else {"rank_block"})


def test_query_on_cluster_equals_local(client: object) -> None:
    index = TextIndex(segmenter=None).fit(texts(400), [f"m{i}" for i in range(400)])
    queries = texts(600)[350:] + ["法定机构改革", "无关的文字"]
    local = index.query(queries, k=4)
    pd.testing.assert_frame_equal(index.query(queries, k=4, client=client), local, check_exact=True)


def test_client_must_be_a_client() -> None:
    index = TextIndex(segmenter=None).fit(texts(20), [f"m{i}" for i in range(20)])
    with pytest.raises(InputError, match="The 'client' parameter must be a dask.distributed.Client"):
        index.neighbours(k=2, client="tcp://127.0.0.1:8786")


# --- batch runs as Dask tasks ----------------------------------------------------------------

BATCH = Path(__file__).parent / "data" / "batch"
# Small jobs (few draws) so that the cluster runs stay quick; one job fails on purpose.
JOBS = """jobs:
  - name: tianjin
    target: tianjin-htz
    against: [wuhan-city-partner, donghu-htz]
    lang: [zh, en]
    draws: 20
    generated: "2026-11-27"
    outputs: ["out/tianjin.{lang}.html", "out/tianjin.{lang}.md"]
  - name: broken-target
    target: tianjin-hightech
    against: [donghu-htz]
    outputs: ["out/broken.html"]
  - name: donghu
    target: donghu-htz
    against: [shenzhen-qianhai, tianjin-htz]
    lang: [en]
    draws: 20
    generated: "2026-11-27"
    outputs: ["out/donghu.json"]
"""


def write_jobs(folder: Path) -> Path:
    (folder / "jobs.yaml").write_text(JOBS, encoding="utf-8")
    return folder / "jobs.yaml"


def outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted((folder / "out").iterdir())}


@pytest.fixture(scope="module")
def serial_batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("serial")
    assert [r.status for r in run_jobs(write_jobs(folder))] == ["ok", "failed", "ok"]
    written = outputs(folder)
    assert sorted(written) == ["donghu.json", "tianjin.en.html", "tianjin.en.md", "tianjin.zh.html", "tianjin.zh.md"]
    return written


def test_batch_on_a_client_gives_byte_identical_reports(
    client: object, serial_batch: dict[str, bytes], tmp_path: Path
) -> None:
    jobs = write_jobs(tmp_path)
    seen: list[tuple[int, str]] = []
    results = run_jobs(jobs, executor=client, progress=lambda done, _total, r: seen.append((done, r.name)))
    assert [r.status for r in results] == ["ok", "failed", "ok"]
    assert seen == [(1, "tianjin"), (2, "broken-target"), (3, "donghu")]
    assert outputs(tmp_path) == serial_batch
    again = run_jobs(jobs, executor=client, resume=True)
    assert [r.status for r in again] == ["skipped", "failed", "skipped"]


def test_batch_cli_on_a_local_dask_cluster(
    serial_batch: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["batch", str(write_jobs(tmp_path)), "--dask-local", "2"])
    out, err = capsys.readouterr()
    assert code == 1  # the broken job fails, as in the local run
    assert "broken-target" in err and "3/3" in err
    assert outputs(tmp_path) == serial_batch


def test_batch_cli_rejects_both_dask_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", str(BATCH / "jobs.yaml"), "--dask-local", "2", "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert main(["batch", str(BATCH / "jobs.yaml"), "--dask-local", "0"]) == 2
    assert "--dask-local must be between 1 and" in capsys.readouterr().err
