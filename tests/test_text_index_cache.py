"""The text index of a large dataset kept on disk: loaded instead of fitted, the same numbers, rebuilt when bad."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from policybench import Dataset
from policybench._cachedir import cache_files, clear_cache
from policybench.similarity import TextIndex
from policybench.similarity.alignment import fitted_index

indexcache = importlib.import_module("policybench.similarity.indexcache")


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLICYBENCH_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("POLICYBENCH_NO_CACHE", raising=False)
    monkeypatch.setattr(indexcache, "DISK_FROM_MEASURES", 1)  # the shipped data counts as large
    return tmp_path


def _fresh(shipped: Any) -> Any:
    return Dataset(shipped.codebook, shipped.zones)  # nothing derived yet: as in a new process


def test_a_kept_index_is_read_back_with_the_same_numbers(shipped, folder: Path, monkeypatch) -> None:
    first = fitted_index(_fresh(shipped), "zh")
    kept = list((folder / "text-index").glob("*.npz"))
    assert len(kept) == 1 and kept[0] in cache_files(folder)
    fit = TextIndex.fit
    monkeypatch.setattr(TextIndex, "fit", lambda *a, **k: pytest.fail("fitted again instead of read"))
    again = fitted_index(_fresh(shipped), "zh")
    monkeypatch.setattr(TextIndex, "fit", fit)
    reference = TextIndex.from_dataset(shipped, lang="zh", segmenter=None)  # what fitted_index fitted before
    ids = list(first.ids_)
    np.testing.assert_array_equal(again.similarity_array(ids[:40], ids), reference.similarity_array(ids[:40], ids))
    assert again.ids_ == first.ids_ and again.get_params() == first.get_params()


def test_the_key_follows_the_texts_and_language(shipped, folder: Path) -> None:
    fitted_index(_fresh(shipped), "zh")
    fitted_index(_fresh(shipped), "en")
    zone = shipped.zones[0]
    measure = zone.measures[0]
    changed = measure.model_copy(update={"summary": measure.summary.model_copy(update={"zh": "改过的摘要。"})})
    other = shipped.replace_zones(
        [zone.model_copy(update={"measures": [changed, *zone.measures[1:]]}), *shipped.zones[1:]]
    )
    fitted_index(other, "zh")
    assert len(list((folder / "text-index").glob("*.npz"))) == 3


def test_a_bad_file_is_fitted_again_and_replaced(shipped, folder: Path) -> None:
    fitted = fitted_index(_fresh(shipped), "zh")
    (path,) = (folder / "text-index").glob("*.npz")
    path.write_bytes(b"not an index")
    again = fitted_index(_fresh(shipped), "zh")
    ids = list(fitted.ids_)
    np.testing.assert_array_equal(again.similarity_array(ids[:5], ids), fitted.similarity_array(ids[:5], ids))
    assert path.read_bytes()[:2] == b"PK"  # rewritten as an index
    assert clear_cache(folder)[0] >= 1 and not list((folder / "text-index").glob("*.npz"))


def test_small_data_and_no_cache_write_nothing(shipped, folder: Path, monkeypatch) -> None:
    monkeypatch.setenv("POLICYBENCH_NO_CACHE", "1")
    fitted_index(_fresh(shipped), "zh")
    monkeypatch.delenv("POLICYBENCH_NO_CACHE")
    monkeypatch.setattr(indexcache, "DISK_FROM_MEASURES", 10**9)
    fitted_index(_fresh(shipped), "zh")
    assert not (folder / "text-index").exists()
