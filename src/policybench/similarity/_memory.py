"""Give freed heap memory back to the operating system (private).

Fitting a large index frees many mid-sized blocks (the normalised texts, the chunks'
temporary arrays). glibc's allocator keeps such blocks for reuse rather than returning them,
and raises its threshold for mmap-ed blocks after large frees, so the process's resident
memory stays near its peak although the memory is free. :func:`release_free_memory` asks the
allocator to return what it can (``malloc_trim``); elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
from typing import Any

__all__ = ["release_free_memory"]


@functools.cache
def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None  # glibc only (not musl)
    except OSError:
        return None


def release_free_memory() -> bool:
    """Return freed heap memory to the operating system where the C library allows it (glibc).

    Returns
    -------
    bool
        Whether memory was returned.
    """
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
