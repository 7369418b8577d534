"""Terminal output on rich: tables that fit the terminal (CJK is two columns wide) and a progress bar.

Every value reaches the terminal through :func:`clean_text` as a plain ``rich.text.Text``: no
markup is interpreted (``[bold]`` prints as typed) and control and escape sequences from the
data cannot move the cursor, recolour the terminal or rewrite a line.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["clean_text", "display_width", "progress_bar", "render_table", "step_progress", "terminal_width"]

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC (ESC ] ... BEL or ST), and
# two-character escapes; then the 8-bit CSI/OSC forms.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x9c]*[\x07\x9c]?"
)
# C0 and C1 controls, DEL, and the bidirectional overrides and isolates that reorder what is shown.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_MAX_WORD = 12  # a longer word may be broken across lines
_MIN_TEXT = 8  # a text column narrower than this reads badly: show records instead


def clean_text(value: object, *, keep_newlines: bool = False) -> str:
    r"""``value`` as text safe for a terminal: escape sequences and control characters removed.

    Tabs and line breaks become spaces unless ``keep_newlines`` (then ``\n`` stays and ``\r\n``
    becomes ``\n``). One function for every command's output, so that there is one definition
    of what is safe.

    >>> clean_text("ok\x1b[2J\x1b]0;title\x07 [bold]x[/bold]\u202e\tend")
    'ok [bold]x[/bold] end'
    """
    text = "" if value is None else str(value)
    text = _ESCAPES.sub("", text).replace("\r\n", "\n")
    if keep_newlines:
        text = text.replace("\t", " ").replace("\r", "")
    else:
        text = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return _CONTROLS.sub("", text.replace("\x1b", ""))


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (East Asian wide characters take 2)."""
    from rich.cells import cell_len

    return cell_len(text)


def terminal_width(default: int = 100) -> int:
    """The terminal's width in columns (``COLUMNS`` or the tty), ``default`` otherwise; at least 20."""
    return max(20, shutil.get_terminal_size((default, 24)).columns)


def _console(width: int, file: TextIO | None = None) -> Console:
    from rich.console import Console

    return Console(
        file=file or io.StringIO(),
        width=width,
        color_system=None,
        force_terminal=False,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )


def render_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    width: int | None = None,
    numeric: Sequence[bool] | None = None,
    protect: Sequence[int] = (),
    title: str | None = None,
) -> str:
    """Rows as an aligned text table that fits ``width`` columns, nothing cut off.

    Long cells wrap inside their column; ``protect`` columns (identifiers people copy into
    the next command) are never broken. When even that cannot fit, each row is printed as a
    block of ``header: value`` lines instead, so a narrow terminal loses nothing.
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    width = width or terminal_width()
    numeric = list(numeric) if numeric is not None else [False] * len(header)
    heads = [clean_text(h) for h in header]
    cells = [[clean_text(v) for v in row] for row in rows]
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        title=clean_text(title) if title else None,
    )
    natural, minimum = [], []
    for i, head in enumerate(heads):
        content = max([display_width(r[i]) for r in cells], default=0)
        natural.append(max(content, display_width(head), 1))
        # identifiers and numbers are never broken (their header may wrap); text wraps
        whole = i in protect or numeric[i]
        word = max((display_width(w) for r in cells for w in r[i].split()), default=0)
        short = min(natural[-1], max(_MIN_TEXT, min(word, _MAX_WORD)))  # dates and short words stay whole
        head_word = max((display_width(w) for w in head.split()), default=0)  # an id as header stays whole
        minimum.append(max(content, min(head_word, _MAX_WORD), 1) if whole else short)
    widths = _fit(natural, minimum, width - 2 * (len(heads) - 1))  # right padding + blank rule
    if widths is None:
        pages = _pages(minimum, width)
        if len(heads) > 2 and pages is not None:  # a wide matrix: pages of columns, the first column on each
            return "\n\n".join(
                render_table(
                    [header[i] for i in page],
                    [[row[i] for i in page] for row in rows],
                    width=width,
                    numeric=[numeric[i] for i in page],
                    protect=[n for n, i in enumerate(page) if i in protect],
                    title=title if not k else None,
                )
                for k, page in enumerate(pages)
            )
        return _records(heads, cells, title)
    for i, head in enumerate(heads):
        table.add_column(Text(head), justify="right" if numeric[i] else "left", width=widths[i], overflow="fold")
    for row in cells:
        table.add_row(*(Text(c) for c in row))
    console = _console(width)
    console.print(table)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in out.rstrip("\n").split("\n"))


def _pages(minimum: list[int], width: int) -> list[list[int]] | None:
    """Groups of columns that each fit ``width`` beside the first column; None when one column cannot."""
    pages: list[list[int]] = []
    for i in range(1, len(minimum)):
        if minimum[0] + minimum[i] + 2 > width:
            return None
        if pages and sum(minimum[k] + 2 for k in pages[-1]) + minimum[i] + 2 <= width:
            pages[-1].append(i)
        else:
            pages.append([0, i])
    return pages


def _fit(natural: list[int], minimum: list[int], room: int) -> list[int] | None:
    """Column widths within ``room``: the widest shrinkable column gives way first; None if impossible."""
    if sum(minimum) > room:
        return None
    widths = list(natural)
    while sum(widths) > room:
        i = max(range(len(widths)), key=lambda k: (widths[k] - minimum[k], widths[k]))
        widths[i] -= 1
    return widths


def _records(header: list[str], rows: list[list[str]], title: str | None) -> str:
    """The table as blocks of 'header: value' lines (for terminals too narrow for columns)."""
    size = max((display_width(h) for h in header), default=0)
    lines = [clean_text(title)] if title else []
    for n, row in enumerate(rows):
        if n or title:
            lines.append("")
        lines += [f"{h}{' ' * (size - display_width(h))}  {v}".rstrip() for h, v in zip(header, row, strict=True)]
    return "\n".join(lines)


@contextmanager
def progress_bar(total: int, *, description: str = "", file: TextIO | None = None) -> Iterator[Any]:
    """A progress bar with counts, elapsed time and ETA on stderr; yields ``advance(label)``.

    On a terminal the bar redraws in place; elsewhere (a log, a pipe) one line per step is
    written, so logs show what happened and nothing is overwritten.
    """
    stream = file or sys.stderr
    if not stream.isatty():
        start = time.monotonic()
        done = 0

        def step(label: str = "") -> None:
            nonlocal done
            done += 1
            print(
                f"{clean_text(description)} {done}/{total} {clean_text(label)} ({time.monotonic() - start:.1f} s)".strip(),
                file=stream,
                flush=True,
            )

        yield step
        return
    from rich.console import Console
    from rich.progress import Progress, TextColumn

    console = Console(file=stream, markup=False, highlight=False, emoji=False)
    columns = (*_progress_columns(), TextColumn("{task.fields[label]}", markup=False))
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(clean_text(description), total=total, label="")

        def advance(label: str = "") -> None:
            progress.update(task, advance=1, label=clean_text(label))

        yield advance


def _progress_columns() -> tuple[Any, ...]:
    """The columns every progress bar shows: what, bar, n/m, elapsed, ETA."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    return (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )


@contextmanager
def step_progress(
    total: int, description: str, *, file: TextIO | None = None, delay: float = 1.0, force: bool = False
) -> Iterator[Callable[[int, int], None]]:
    """A progress bar (counts, elapsed, ETA) for one long step; yields ``update(done, total)``.

    Shown on stderr only when it is a terminal (or ``force``), and only once the step has
    run ``delay`` seconds, so quick runs, pipes, logs and captured output stay clean. The
    bar is removed when the step ends.
    """
    stream = file or sys.stderr
    if not (force or stream.isatty()):
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import Progress

    console = Console(file=stream, markup=False, highlight=False, emoji=False, force_terminal=stream.isatty())
    progress = Progress(*_progress_columns(), console=console, transient=stream.isatty())
    task = progress.add_task(clean_text(description), total=total)
    start = time.monotonic()
    shown = False

    def update(done: int, size: int) -> None:
        nonlocal shown
        if not shown and time.monotonic() - start >= delay:
            progress.start()
            shown = True
        progress.update(task, completed=done, total=size)
        if shown and not stream.isatty():
            progress.refresh()

    try:
        yield update
    finally:
        if shown:
            progress.stop()
