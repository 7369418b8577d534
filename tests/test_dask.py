"""Neighbours and queries on a dask.distributed LocalCluster equal the local results."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from policybench.errors import InputError
from policybench.similarity.text import TextIndex

distributed = pytest.importorskip("distributed")

TERMS = ["法定机构", "全员聘任", "创新券", "管委会", "公司化", "承诺制", "审批", "人才", "飞地", "孵化器", "科技金融"]


def texts(n: int) -> list[str]:
    return ["".join(TERMS[(i * 7 + j * 3) % len(TERMS)] for j in range(2 + i % 5)) + f"第{i % 13}条" for i in range(n)]


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    )
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


@pytest.mark.parametrize("engine", ["scipy", "numba", "auto"])
def test_neighbours_on_cluster_equal_local(client: object, engine: str) -> None:
    index = TextIndex(segmenter=None, engine=engine).fit(texts(700), [f"m{i}" for i in range(700)])
    local = index.neighbours(k=5)
    pd.testing.assert_frame_equal(index.neighbours(k=5, client=client), local, check_exact=True)


def test_query_on_cluster_equals_local(client: object) -> None:
    index = TextIndex(segmenter=None).fit(texts(400), [f"m{i}" for i in range(400)])
    queries = texts(600)[350:] + ["法定机构改革", "无关的文字"]
    local = index.query(queries, k=4)
    pd.testing.assert_frame_equal(index.query(queries, k=4, client=client), local, check_exact=True)


def test_client_must_be_a_client() -> None:
    index = TextIndex(segmenter=None).fit(texts(20), [f"m{i}" for i in range(20)])
    with pytest.raises(InputError, match="The 'client' parameter must be a dask.distributed.Client"):
        index.neighbours(k=2, client="tcp://127.0.0.1:8786")
