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


def _depth(data: object) -> int:
    if isinstance(data, dict):
        return 1 + max(map(_depth, data.values()), default=0)
    if isinstance(data, list):
        return 1 + max(map(_depth, data), default=0)
    return 0


def _block(levels: int, newline: str = "\n") -> str:
    """Mappings nested ``levels`` deep in block style, two more spaces a level."""
    return newline.join(f"{'  ' * i}k{i}:" for i in range(levels - 1)) + f"{newline}{'  ' * (levels - 1)}k: v{newline}"


DEEP_SHAPES = {
    "block": _block(150),
    "block-cr": _block(150, "\r"),
    "block-crlf": _block(150, "\r\n"),
    "compact": "- " * 150 + "x\n",
    "mixed": "- " * 40 + "a:\n" + " " * 82 + "- " * 30 + "[" * 40 + "1" + "]" * 40 + "\n",
    "seq-in-map": "".join(f"{' ' * i}k{i}:\n{' ' * i}- " + "\n" for i in range(0, 120, 2)),
    "anchor-prefix": "- &a " * 120 + "x\n",
}


@pytest.mark.parametrize("text", list(DEEP_SHAPES.values()), ids=list(DEEP_SHAPES))
def test_the_shallow_bound_never_lets_a_deep_document_skip_the_count(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document libyaml composes without counting its events nests at most MAX_DEPTH levels.

    The bound may say 'not shallow' for a shallow document (it then counts as before), never
    'shallow' for a deep one; and the deep document's issue is the same as the Python composer's.
    """
    fast, slow = _both(text, monkeypatch)
    assert [str(i) for i in fast.issues] == [str(i) for i in slow.issues]
    if documents._shallow(text):
        assert fast.data is not None and _depth(fast.data) <= documents.MAX_DEPTH
    else:
        assert fast.data is None or _depth(fast.data) > 60  # the bound is conservative, not wild


def test_files_written_by_policybench_are_shallow_and_a_file_near_the_limit_is_read_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Block-style files (as ``dump_zone`` writes them) skip the count; hand-written flow mappings may not."""
    from policybench import load_dataset
    from policybench.data.io import dump_model

    assert all(documents._shallow(dump_model(zone)) for zone in load_dataset().zones)
    text = _block(30)
    assert documents._shallow(text) is False or _depth(documents._parse(text, "f.yaml").data) <= 30
    fast, slow = _both(_block(40), monkeypatch)
    assert (fast.data, fast.positions) == (slow.data, slow.positions)


@pytest.mark.parametrize(
    ("text", "free"),
    [
        ("a: FILL IN the name\n", False),
        ('a: "\\x46ILL IN"\n', False),  # an escape could spell the placeholder
        ("a: filled in\nb: [x, y]\n", True),
    ],
)
def test_the_placeholder_check_is_skipped_only_when_the_text_cannot_hold_one(text: str, free: bool) -> None:
    from policybench.data.checks import check_placeholders

    doc = documents._parse(text, "f.yaml")
    assert doc.placeholder_free is free
    found = [i.path for i in check_placeholders(doc)]
    assert found == ([] if free else ["a"])


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
