"""Keep a loaded dataset out of the cyclic garbage collector's way, in processes that own it.

A national dataset is millions of long-lived objects (2,500 zones: about 800 MB of models); a full
collection walks them all, and at that scale the walks cost seconds per assessment. A process that
keeps its dataset for its whole life (a batch worker, one command of the command line) calls
:func:`freeze_long_lived` once after loading: one collection (so that no garbage is kept), then
:func:`gc.freeze`, which moves the survivors to a permanent generation the collector skips. They
are still freed by reference counting. Library functions never call it: a notebook's process is
the user's.
"""

from __future__ import annotations

import gc

__all__ = ["freeze_long_lived"]


def freeze_long_lived() -> None:
    """Collect once, then exempt every object alive now from later collections (see the module)."""
    gc.collect()
    gc.freeze()
