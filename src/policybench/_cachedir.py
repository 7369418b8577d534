"""Where policybench keeps what it can rebuild: the trained draft model, the validated zone files, text indexes."""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["cache_dir", "cache_files", "clear_cache"]

#: What policybench writes there, by subfolder: draft models (``<24 hex>.json`` + ``.npz``), validated
#: zone files (``zones/<40 hex>.json``), the shipped ids (``shipped-ids/<40 hex>.json``), the text
#: indexes of large datasets (``text-index/<24 hex>.npz``), and the temporary files of interrupted writes.
#: Nothing else in the folder is ever listed or removed.
_TMP = r"(?:tmp|\.[0-9a-f]{24,40}\.(?:json|npz)\.)[A-Za-z0-9_]*\.tmp"
_OWN = {
    "": re.compile(rf"^(?:[0-9a-f]{{24}}\.(?:json|npz)|{_TMP})$"),
    "zones": re.compile(rf"^(?:[0-9a-f]{{40}}\.json|{_TMP})$"),
    "shipped-ids": re.compile(rf"^(?:[0-9a-f]{{40}}\.json|{_TMP})$"),
    "text-index": re.compile(rf"^(?:[0-9a-f]{{24}}\.npz|{_TMP})$"),
}


def cache_dir() -> Path:
    """``$POLICYBENCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/policybench``, else ``~/.cache/policybench``."""
    if os.environ.get("POLICYBENCH_CACHE_DIR"):
        return Path(os.environ["POLICYBENCH_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policybench"


def cache_files(folder: Path | None = None) -> list[Path]:
    """The files policybench wrote in its cache folder (regular files only; symbolic links are never followed)."""
    root = cache_dir() if folder is None else folder
    found: list[Path] = []
    for sub, pattern in _OWN.items():
        where = root / sub if sub else root
        if where.is_symlink() or not where.is_dir():
            continue
        try:
            entries = sorted(os.scandir(where), key=lambda e: e.name)
        except OSError:
            continue
        found += [Path(e.path) for e in entries if pattern.match(e.name) and e.is_file(follow_symlinks=False)]
    return found


def clear_cache(folder: Path | None = None) -> tuple[int, int]:
    """Remove :func:`cache_files` (everything there is rebuilt when needed); (files removed, bytes freed)."""
    removed = freed = 0
    for path in cache_files(folder):
        try:
            size = path.stat(follow_symlinks=False).st_size
            path.unlink()
        except OSError:
            continue
        removed += 1
        freed += size
    return removed, freed
