"""Geometry of the report charts; the SVG markup itself is in the templates (text stays text)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .readable import short_name

__all__ = ["paired_bars", "timeline"]

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


def _year(iso: str) -> float:
    """An ISO day as a fractional year (2019-07-01 -> about 2019.5)."""
    year, month, day = (int(p) for p in iso.split("-"))
    return year + (month - 1) / 12 + (day - 1) / 365.25


def timeline(rows: Sequence[tuple[str, str, Sequence[tuple[str, str, str, str]]]]) -> dict[str, Any]:
    """A diffusion timeline: one line per category, one mark per adopting zone.

    Each row is (label, tooltip, adoptions) with adoptions as (zone name, start as recorded,
    earliest ISO day, latest ISO day). A mark spans the interval the date's precision allows
    (a year-precise date is a bar over that year), so nothing is placed more exactly than
    the data say. Returns the geometry for the template.
    """
    spans = [(_year(lo), _year(hi) + 1 / 365.25) for _, _, adoptions in rows for _, _, lo, hi in adoptions]
    if not spans:
        return {"rows": [], "width": 0, "height": 0, "ticks": []}
    first = int(min(lo for lo, _ in spans))
    last = int(max(hi for _, hi in spans)) + 1
    step = max(1, -(-(last - first) // 6))  # at most about six year labels: they must not overlap in print

    def x(value: float) -> float:
        return round(LABEL_WIDTH + BAR_WIDTH * (value - first) / max(last - first, 1), 2)

    items = []
    for i, (label, tip, adoptions) in enumerate(rows):
        y = PAD + i * ROW
        marks = [
            {
                "zone": zone,
                "start": start,
                "x": x(_year(lo)),
                "w": max(4.0, round(x(_year(hi) + 1 / 365.25) - x(_year(lo)), 2)),
                "first": n == 0,
                "short": short_name(zone),
            }
            for n, (zone, start, lo, hi) in enumerate(adoptions)
        ]
        items.append({"label": label, "tooltip": tip, "y": y, "text_y": y + ROW / 2 + 4, "marks": marks})
    height = PAD * 2 + len(rows) * ROW + 24
    ticks = [{"x": x(year), "text": str(year)} for year in range(first, last + 1, step)]
    return {
        "width": LABEL_WIDTH + BAR_WIDTH + 2 * PAD + 20,
        "height": height,
        "label_width": LABEL_WIDTH,
        "bar_width": BAR_WIDTH,
        "axis_y": height - 20,
        "ticks": ticks,
        "rows": items,
    }
