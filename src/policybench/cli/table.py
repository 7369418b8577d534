"""Plain-text tables that respect the terminal width and the width of CJK characters."""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Sequence

__all__ = ["display_width", "render_table", "terminal_width"]


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and full-width characters take 2."""
    return sum(
        2 if unicodedata.east_asian_width(ch) in "WF" else (0 if unicodedata.combining(ch) else 1) for ch in text
    )


def _clip(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` columns, marking the cut with '…'."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def terminal_width(default: int = 100) -> int:
    """The terminal's width in columns (``COLUMNS`` or the tty), ``default`` otherwise."""
    return max(40, shutil.get_terminal_size((default, 24)).columns)


def render_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    width: int | None = None,
    numeric: Sequence[bool] | None = None,
    max_cell: int = 60,
    protect: Sequence[int] = (),
) -> tuple[str, list[str]]:
    """Render rows as an aligned text table that fits ``width`` columns.

    Cells longer than ``max_cell`` are clipped with '…'. When the columns still do not fit,
    the widest text columns not in ``protect`` (identifiers) are clipped further, and
    trailing columns are dropped only as a last resort. Returns the table and notices (what was clipped or dropped) for the caller
    to print, so nothing is mangled silently.
    """
    width = width or terminal_width()
    numeric = list(numeric) if numeric is not None else [False] * len(header)
    cells = [[str(c) for c in header]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(header))]
    notices: list[str] = []
    if any(w > max_cell for w in widths):
        widths = [min(w, max_cell) for w in widths]
        notices.append(f"cells longer than {max_cell} columns are cut short (marked …)")
    shown = len(header)
    while sum(widths[:shown]) + 2 * (shown - 1) > width:
        text_cols = [i for i in range(shown) if not numeric[i] and widths[i] > 12 and i not in protect]
        if text_cols:
            widest = max(text_cols, key=lambda i: widths[i])
            widths[widest] -= 1
            continue
        shown -= 1
    if shown < len(header):
        notices.append(
            f"{len(header) - shown} column(s) not shown for lack of width ({', '.join(header[shown:])}); use --format csv or widen the terminal"
        )
    lines = []
    for n, row in enumerate(cells):
        parts = [_pad(_clip(row[i], widths[i]), widths[i], numeric[i]) for i in range(shown)]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * widths[i] for i in range(shown)))
    return "\n".join(lines), notices
