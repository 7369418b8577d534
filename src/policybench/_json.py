"""The one converter of results to plain JSON-ready data (used by every ``to_dict``, the CLI and reports)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["json_safe"]


def json_safe(value: Any) -> Any:
    """``value`` as plain data: mappings with str keys, lists, numpy scalars unwrapped, NaN/inf/NA as None.

    >>> json_safe({"a": float("nan"), "b": [1.5, float("inf")], 3: (1, 2)})
    {'a': None, 'b': [1.5, None], '3': [1, 2]}
    """
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            value = value.item()
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is not None and type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value
