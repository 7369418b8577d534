"""Where policybench keeps what it can rebuild: the trained draft model, the validated zone files."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir() -> Path:
    """``$POLICYBENCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/policybench``, else ``~/.cache/policybench``."""
    if os.environ.get("POLICYBENCH_CACHE_DIR"):
        return Path(os.environ["POLICYBENCH_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policybench"
