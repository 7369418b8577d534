"""The report charts as PNG images at print resolution, for the Word document (matplotlib).

Rendering only: the charts draw the geometry :mod:`policybench.report.charts` computed for
the HTML report (the same rows, values and ticks), so the pictures and the SVG agree. Nothing
touches matplotlib's global state: no pyplot, the font is passed to each text.

Chinese labels need a CJK font. :func:`cjk_font` looks for one through matplotlib's font
manager and the system's font files; when there is none, a :class:`~policybench.errors.PolicyBenchWarning` says how to
install one and the charts are labelled with category and domain codes instead of boxes of
missing glyphs ("tofu").
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import PolicyBenchWarning

__all__ = ["CJK_FONT_NAMES", "DPI", "bar_chart_png", "chart_labels", "cjk_font", "timeline_png"]

#: Resolution of the pictures (dots per inch): print quality.
DPI = 300
#: Width of a picture on the page, in inches (an A4 text column is about 6.3 in).
WIDTH_INCHES = 6.3
#: CJK font families to look for, best first.
CJK_FONT_NAMES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "SimSun",
)
#: Font files that hold Chinese glyphs when the font manager's list does not name them.
_CJK_FILES = re.compile(r"(NotoSansCJK|SourceHanSans|wqy|msyh|simhei|PingFang|NotoSerifCJK|simsun)", re.I)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_TARGET, _FRONTIER, _FIRST, _LATER, _AXIS = "#2b5797", "#b8c4d6", "#2b5797", "#8fa6c9", "#667085"
CJK_FONT_HINT = (
    "install a CJK font, e.g. apt-get install fonts-noto-cjk (Debian/Ubuntu) or "
    "dnf install google-noto-sans-cjk-fonts (Fedora)"
)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Path of a font file with Chinese glyphs, or None when the system has none.

    matplotlib's font manager is asked first (by family name, ``CJK_FONT_NAMES`` order); its
    list can predate fonts installed later, so the system's font files are searched next.
    """
    from matplotlib import font_manager

    by_name = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    for name in CJK_FONT_NAMES:
        if name in by_name:
            return str(by_name[name])
    files = sorted(f for f in font_manager.findSystemFonts() if _CJK_FILES.search(Path(f).name))
    regular = [f for f in files if "Regular" in Path(f).name or "Bold" not in Path(f).name]
    candidates = regular or files
    return candidates[0] if candidates else None


def chart_labels(labels: Sequence[str], codes: Sequence[str], font: str | None) -> list[str]:
    """The labels to draw: as given, or the codes when a label needs a CJK font and there is none (with a warning)."""
    if font is not None or not any(_CJK.search(text) for text in labels):
        return list(labels)
    warnings.warn(
        f"no CJK font found, so the Word report's charts are labelled with codes instead of Chinese names: {CJK_FONT_HINT}",
        PolicyBenchWarning,
        stacklevel=3,
    )
    return list(codes)


def _figure(rows: int) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, 0.6 + 0.28 * max(rows, 1)), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def _font(font: str | None, size: float) -> Any:
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=font, size=size) if font else FontProperties(size=size)


def bar_chart_png(chart: dict[str, Any], *, target_label: str, frontier_label: str) -> bytes:
    """Paired horizontal bars (frontier above, target below) from :func:`~policybench.report.charts.paired_bars`."""
    rows = chart["rows"]
    font = cjk_font()
    labels = chart_labels([r["label"] for r in rows], [r["tooltip"] for r in rows], font)
    legend = chart_labels([target_label, frontier_label], ["target", "frontier"], font)
    figure, axes = _figure(len(rows))
    positions = list(range(len(rows)))[::-1]  # first row on top, as in the HTML
    frontier = [r["frontier"] for r in rows]
    axes.barh([p + 0.2 for p in positions], frontier, height=0.38, color=_FRONTIER, label=legend[1])
    axes.barh([p - 0.2 for p in positions], [r["target"] for r in rows], height=0.38, color=_TARGET, label=legend[0])
    axes.set_yticks(positions, labels)
    for text in axes.get_yticklabels():
        text.set_fontproperties(_font(font, 8))
    axes.set_xlim(0, 1)
    axes.set_xticks([i / 4 for i in range(5)], [f"{i / 4:g}" for i in range(5)])
    handles, names = axes.get_legend_handles_labels()
    axes.legend(
        handles[::-1],
        names[::-1],
        prop=_font(font, 8),
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=2,
        frameon=False,
    )
    return _png(figure)


def timeline_png(chart: dict[str, Any], *, first_label: str = "", later_label: str = "") -> bytes:
    """The diffusion timeline from :func:`~policybench.report.charts.timeline`: one mark per adopting zone.

    The first adopter of each category is named beside its mark; ``first_label`` and
    ``later_label`` head the legend of the two colours.
    """
    rows = chart["rows"]
    font = cjk_font()
    labels = chart_labels([r["label"] for r in rows], [r["tooltip"] for r in rows], font)
    figure, axes = _figure(len(rows))
    left = chart["label_width"]
    positions = list(range(len(rows)))[::-1]
    for position, row in zip(positions, rows, strict=True):
        spans = [(m["x"], m["w"]) for m in row["marks"]]
        colours = [_FIRST if m["first"] else _LATER for m in row["marks"]]
        axes.broken_barh(spans, (position - 0.3, 0.6), facecolors=colours, alpha=0.85)
        first = row["marks"][0]
        name = chart_labels([first["short"]], [""], font)[0]
        if name:
            axes.text(
                first["x"] + first["w"] + 1.5,
                position,
                name,
                va="center",
                fontproperties=_font(font, 6.5),
                color=_FIRST,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.5},
            )
    axes.set_yticks(positions, labels)
    for text in axes.get_yticklabels():
        text.set_fontproperties(_font(font, 8))
    axes.set_xlim(left, left + chart["bar_width"])
    axes.set_xticks([t["x"] for t in chart["ticks"]], [t["text"] for t in chart["ticks"]])
    axes.tick_params(axis="x", labelsize=8, colors=_AXIS)
    if first_label and later_label:
        from matplotlib.patches import Patch

        legend = chart_labels([first_label, later_label], ["first", "later"], font)
        axes.legend(
            [Patch(color=_FIRST), Patch(color=_LATER)],
            legend,
            prop=_font(font, 8),
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=2,
            frameon=False,
        )
    return _png(figure)
