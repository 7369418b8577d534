"""Geometry of the report charts; the SVG markup itself is in the templates (text stays text)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["paired_bars"]

ROW = 22
LABEL_WIDTH = 260
BAR_WIDTH = 360
PAD = 8


def paired_bars(rows: Sequence[tuple[str, float, float, str]], *, scale: float = 1.0) -> dict[str, Any]:
    """Horizontal paired bars (target, frontier) for values in [0, ``scale``].

    Each row is (label, target, frontier, tooltip): the label is drawn, the tooltip (e.g. the
    category code) is shown on hover. Returns a dict with the SVG ``width``, ``height``, the
    axis ticks and, per row, the label, the two bar lengths and the y position; the template
    draws it.
    """
    items = []
    for i, (text, target, frontier, tip) in enumerate(rows):
        y = PAD + i * ROW
        items.append(
            {
                "label": text,
                "tooltip": tip,
                "y": y,
                "text_y": y + ROW / 2 + 4,
                "target": round(target, 4),
                "frontier": round(frontier, 4),
                "target_w": round(BAR_WIDTH * min(target, scale) / scale, 2),
                "frontier_w": round(BAR_WIDTH * min(frontier, scale) / scale, 2),
            }
        )
    height = PAD * 2 + len(rows) * ROW + 24
    ticks = [{"x": round(LABEL_WIDTH + BAR_WIDTH * t / 4, 2), "text": f"{scale * t / 4:g}"} for t in range(5)]
    return {
        "width": LABEL_WIDTH + BAR_WIDTH + 2 * PAD + 60,
        "height": height,
        "label_width": LABEL_WIDTH,
        "bar_width": BAR_WIDTH,
        "axis_y": height - 20,
        "ticks": ticks,
        "rows": items,
    }
