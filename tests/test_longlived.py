"""Long-lived datasets leave the cyclic GC's walks only in processes that own them."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from policybench import batch
from policybench._longlived import freeze_long_lived


class _Node:
    pass


def test_freeze_exempts_what_is_alive_and_reference_counting_still_frees_it() -> None:
    before = gc.get_freeze_count()
    try:
        node = _Node()
        gone: list[bool] = []
        ref = weakref.ref(node, lambda _r: gone.append(True))
        freeze_long_lived()
        assert gc.get_freeze_count() > before
        del node  # frozen objects are not collected by the GC, but freed when the last reference goes
        assert ref() is None and gone == [True]
    finally:
        gc.unfreeze()


def test_a_batch_run_in_the_callers_process_does_not_freeze_its_objects(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(batch, "_LOADED", {})
    before = gc.get_freeze_count()
    batch._dataset(None, True)  # workers=1: the caller's own process (a notebook's)
    assert gc.get_freeze_count() == before


def test_a_worker_process_freezes_its_dataset_once_loaded(monkeypatch) -> None:
    monkeypatch.setattr(batch, "_LOADED", {})
    calls: list[bool] = []
    monkeypatch.setattr(batch, "freeze_long_lived", lambda: calls.append(True))
    monkeypatch.setattr(batch.multiprocessing, "parent_process", lambda: object())  # as in a spawned worker
    first = batch._dataset(None, True)
    assert batch._dataset(None, True) is first  # loaded (and frozen) once per process
    assert calls == [True]
