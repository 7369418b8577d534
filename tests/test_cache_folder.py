"""The cache folder: what policybench lists and removes there is only what it wrote."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policybench._cachedir import cache_files, clear_cache
from policybench.cli import main


def _own_and_foreign(root: Path) -> tuple[set[Path], set[Path]]:
    (root / "zones").mkdir(parents=True)
    (root / "shipped-ids").mkdir()
    own = {
        root / ("a" * 24 + ".json"),
        root / ("a" * 24 + ".npz"),
        root / "tmpk3x_9q.tmp",
        root / "zones" / ("0123456789abcdef" * 2 + "01234567.json"),
        root / "zones" / (".0123456789abcdef0123456789abcdef01234567.json.ab_12.tmp"),
        root / "shipped-ids" / ("f" * 40 + ".json"),
    }
    foreign = {
        root / "notes.json",  # a user's file in a folder they pointed POLICYBENCH_CACHE_DIR at
        root / ("A" * 24 + ".json"),
        root / "zones" / "my-zone.yaml",
        root / "other" / ("a" * 24 + ".json"),
    }
    for path in own | foreign:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 10)
    return own, foreign


def test_only_the_files_policybench_wrote_are_listed_and_removed(tmp_path: Path) -> None:
    own, foreign = _own_and_foreign(tmp_path)
    assert set(cache_files(tmp_path)) == own
    assert clear_cache(tmp_path) == (len(own), 10 * len(own))
    assert all(not p.exists() for p in own) and all(p.exists() for p in foreign)
    assert clear_cache(tmp_path) == (0, 0)
    assert clear_cache(tmp_path / "missing") == (0, 0)


def test_symbolic_links_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / ("b" * 40 + ".json")
    victim.write_text("keep", encoding="utf-8")
    root = tmp_path / "cache"
    root.mkdir()
    try:
        (root / "zones").symlink_to(outside, target_is_directory=True)
        (root / ("c" * 24 + ".json")).symlink_to(victim)
    except OSError:  # pragma: no cover - no symlinks on this file system
        pytest.skip("symbolic links not available")
    assert cache_files(root) == []
    clear_cache(root)
    assert victim.read_text(encoding="utf-8") == "keep"


def test_where_names_the_cache_and_clear_cache_empties_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POLICYBENCH_CACHE_DIR", str(tmp_path))
    own, foreign = _own_and_foreign(tmp_path)
    assert main(["where"]) == 0
    assert f"cache:     {tmp_path} ({len(own)} files" in capsys.readouterr().out
    assert main(["clear-cache"]) == 0
    assert f"removed {len(own)} files" in capsys.readouterr().out
    assert not any(p.exists() for p in own) and all(p.exists() for p in foreign)
    assert os.environ["POLICYBENCH_CACHE_DIR"] == str(tmp_path)
