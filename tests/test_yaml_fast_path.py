"""The libyaml fast path of the YAML reader gives what the Python composer gives (issue 23: load speed).

Same plain data, same positions, same issues, on every YAML file of the repository; and the
hostile shapes the Python composer bounds (deep nesting, empty documents, syntax errors) are
handed to it, so their messages do not change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policybench.data import documents

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(
    p for pattern in ("datasets/**/*.yaml", "tests/data/**/*.yaml") for p in ROOT.glob(pattern) if p.is_file()
)


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[documents.Document, documents.Document]:
    fast = documents._parse(text, "f.yaml")
    with monkeypatch.context() as m:
        m.setattr(documents, "_CLoader", None)
        slow = documents._parse(text, "f.yaml")
    return fast, slow


@pytest.mark.skipif(documents._CLoader is None, reason="PyYAML built without libyaml: only the Python path exists")
def test_fast_path_equals_the_python_composer_on_every_file(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(FILES) > 40
    used = 0
    for path in FILES:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        used += documents._fast_compose(text) is not None
        fast, slow = _both(text, monkeypatch)
        assert (fast.data, fast.positions) == (slow.data, slow.positions), path
        assert [str(i) for i in fast.issues] == [str(i) for i in slow.issues], path
    assert used > 30  # the shipped files do take the fast path


@pytest.mark.parametrize(
    "text",
    ["[" * 200 + "]" * 200, "a: [1, 2\n", "", "a: &x [1]\nb: *x\n", "a: 2024-01-01\nb: 1.5\nc: yes\n"],
    ids=["deep", "syntax", "empty", "alias", "scalars"],
)
def test_hostile_and_plain_shapes_read_the_same(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _both(text, monkeypatch)
    assert (fast.data, fast.positions) == (slow.data, slow.positions)
    assert [str(i) for i in fast.issues] == [str(i) for i in slow.issues]


def test_reading_pauses_the_garbage_collector_and_restores_it() -> None:
    import gc
    import importlib

    validate_module = importlib.import_module("policybench.data.validate")

    seen: list[bool] = []
    real = validate_module._collect

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    validate_module._collect = spy
    try:
        assert gc.isenabled()
        validate_module.collect()
        assert seen == [False] and gc.isenabled()
        gc.disable()  # a caller who had it off keeps it off
        validate_module.collect()
        assert not gc.isenabled()
    finally:
        gc.enable()
        validate_module._collect = real
