"""Shared pieces of the subcommands: output formats, dataset options, atomic file output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._params import MAX_DRAWS
from ..errors import PolicyBenchError
from .table import clean_text, render_table, step_progress

if TYPE_CHECKING:  # pandas and the report's escaping load when a command prints a table
    import pandas as pd

Configure = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]


class UsageError(PolicyBenchError):
    """Wrong command-line usage (exit code 2)."""


def emit(
    frame: pd.DataFrame,
    fmt: str,
    *,
    index: bool = False,
    headers: Sequence[str] | None = None,
    title: str | None = None,
    kinds: Mapping[str, str] | None = None,
) -> None:
    """Print a DataFrame as an aligned table, CSV, JSON or Markdown (data text made safe for each).

    ``kinds`` maps columns to a kind of number (``policybench.numbers.NUMBER_FORMATS``):
    a terminal table shows them as the reports do (e.g. DTF whole, shares in percent); CSV and
    JSON keep the values.

    ``headers`` replace the column names in a terminal table (e.g. Chinese headings in zh
    mode); CSV and JSON keep the column names, which scripts rely on. ``title`` heads a table.
    CSV cells that a spreadsheet would run as formulas are neutralised; terminal tables go
    through :func:`policybench.cli.table.clean_text`.
    """
    import pandas as pd

    from ..report.escaping import csv_cell

    if index:
        frame = frame.reset_index()
    if fmt == "csv":
        sys.stdout.write(map_text(frame, csv_cell).to_csv(index=False, lineterminator="\n"))
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, indent=2) + "\n")  # NaN -> null
    elif fmt == "md":
        sys.stdout.write(markdown_table(frame) + "\n")
    else:
        from ..numbers import shown

        kinds = kinds or {}
        numeric = [
            c in kinds or (pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]))
            for c in frame.columns
        ]
        formats = [kinds.get(str(c)) for c in frame.columns]
        print(
            render_table(
                [str(c) for c in (headers or frame.columns)],
                [
                    ["" if _missing(v) else shown(v, k) if k else v for v, k in zip(row, formats, strict=True)]
                    for row in frame.itertuples(index=False, name=None)
                ],
                numeric=numeric,
                protect=[i for i, c in enumerate(frame.columns) if c in IDENTIFIER_COLUMNS],
                title=title,
            )
        )


def _missing(value: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values, not missing
        return False


def map_text(frame: pd.DataFrame, clean: Callable[[Any], Any]) -> pd.DataFrame:
    """A copy of ``frame`` with ``clean`` applied to every text cell (numbers untouched)."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: clean(v) if isinstance(v, str) else v).astype(object)
    return out


def echo(text: object = "", *, err: bool = False) -> None:
    """Print text that may hold data: escape sequences and control characters removed per line."""
    print(clean_text(text, keep_newlines=True), file=sys.stderr if err else sys.stdout)


def json_text(payload: Any) -> str:
    """JSON for the terminal: NaN and infinities as null (strict JSON), numpy scalars unwrapped."""
    from ..report.escaping import json_safe

    return json.dumps(json_safe(payload), ensure_ascii=False, indent=2, allow_nan=False, default=str)


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (every cell escaped for CommonMark)."""
    from ..report.escaping import markdown_text

    def cell(value: Any) -> str:
        return markdown_text(value)

    head = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join(" --- " for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False, name=None)]
    return "\n".join([head, rule, *body])


#: Columns never clipped in terminal tables: they are what users copy into the next command.
IDENTIFIER_COLUMNS = frozenset({"code", "zone_id", "measure_id", "domain", "source_id"})


def add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "csv", "json")) -> None:
    """Add --format with ``choices`` (the first is the default)."""
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format (default: %(default)s)")


def add_data(parser: argparse.ArgumentParser) -> None:
    """Add --data, --no-shipped and --codebook (default: the shipped dataset)."""
    parser.add_argument(
        "--data",
        metavar="PATH",
        action="append",
        help="zone file or dataset folder to ADD to the shipped data (repeatable)",
    )
    parser.add_argument(
        "--no-shipped",
        action="store_true",
        help="leave the shipped zones out: use only the --data files and folders",
    )
    parser.add_argument(
        "--codebook", metavar="FILE", help="codebook file (default: the dataset's, else the shipped one)"
    )


def load_data(args: argparse.Namespace) -> Any:
    """The dataset selected by --data/--no-shipped/--codebook: the shipped zones plus --data."""
    from .._longlived import freeze_long_lived
    from ..data.dataset import load_dataset

    if args.no_shipped and not args.data:
        raise UsageError("--no-shipped leaves no zones: give the zones to use with --data PATH")
    dataset = load_dataset(args.data, codebook=args.codebook, include_shipped=not args.no_shipped)
    freeze_long_lived()  # the command's dataset lives until it exits: out of the GC's walks
    return dataset


def iso_date(text: str) -> str:
    """Argparse type: a real calendar date YYYY-MM-DD (a usage error otherwise, exit 2)."""
    import datetime as _dt

    try:
        if len(text) != 10:
            raise ValueError(text)
        return _dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a real date YYYY-MM-DD, got {text!r}") from None


#: Report formats that need an optional extra, and how to install it.
EXTRAS: dict[str, tuple[tuple[str, ...], str]] = {
    ".docx": (("docx", "matplotlib"), "pip install 'policybench[docx]'"),
    ".pdf": (("weasyprint",), "pip install 'policybench[pdf]' and, on Debian/Ubuntu, libpango-1.0-0 libpangoft2-1.0-0"),
}


def require_extras(suffix: str) -> None:
    """A usage error, before any work, when the extra a report format needs is not installed."""
    modules, install = EXTRAS.get(suffix, ((), ""))
    for module in modules:
        try:
            __import__(module)
        except ImportError:
            raise UsageError(
                f"writing {suffix} needs the Python module '{module}', which is not installed: {install}"
            ) from None
        except OSError as exc:  # WeasyPrint is there but Pango (a C library) is not
            raise UsageError(
                f"writing {suffix} needs a system library that '{module}' could not load ({exc}): {install}"
            ) from None


def add_output_folder_flag(parser: argparse.ArgumentParser) -> None:
    """Add --mkdir to a command that writes ``-o FILE``."""
    if any(action.dest == "output" for action in parser._actions):
        parser.add_argument("--mkdir", action="store_true", help="create the output file's folder if it does not exist")


def check_output_folder(args: argparse.Namespace) -> None:
    """A usage error when ``-o``'s folder does not exist and ``--mkdir`` was not given (exit 2, before any work)."""
    output = getattr(args, "output", None)
    if not output:
        return
    folder = Path(output).expanduser().parent
    if folder.is_dir():
        return
    if folder.exists():
        raise UsageError(f"-o {output}: {folder} is not a folder")
    if not getattr(args, "mkdir", False):
        raise UsageError(f"-o {output}: the folder {folder} does not exist; create it first or add --mkdir")
    folder.mkdir(parents=True, exist_ok=True)


def positive_int(text: str) -> int:
    """Argparse type: an int >= 1 (a usage error otherwise, exit 2)."""
    return _int_at_least(text, 1)


def non_negative_int(text: str) -> int:
    """Argparse type: an int >= 0 (a usage error otherwise, exit 2)."""
    return _int_at_least(text, 0)


def _int_at_least(text: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
    return value


def add_benchmark(parser: argparse.ArgumentParser) -> None:
    """Add the options of gap and report: --against | --peers, --frontier, --weights, --top, --draws, --status."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--against",
        nargs="+",
        action="extend",
        metavar="ID",
        help="benchmark zone ids (repeatable, the lists add up; default: every other zone)",
    )
    group.add_argument("--peers", type=positive_int, metavar="K", help="use the K most similar zones as the benchmark")
    parser.add_argument("--frontier", default="max", help="max | mean | a benchmark zone id (default %(default)s)")
    parser.add_argument(
        "--weights",
        metavar="FILE",
        help="YAML or JSON mapping of category code -> weight; categories not named keep the codebook default",
    )
    parser.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="statuses counted (repeatable; default: the codebook's counted statuses)",
    )
    parser.add_argument("--top", type=positive_int, default=10, help="number of recommendations (default %(default)s)")
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="assess the data as it stood at DATE (YYYY, YYYY-MM or YYYY-MM-DD): later and undated measures left out",
    )
    parser.add_argument(
        "--draws",
        type=non_negative_int,
        default=1000,
        help="Monte-Carlo draws of the robustness check; 0 = no robustness (default %(default)s)",
    )


def run_assessment(args: argparse.Namespace) -> Any:
    """The :class:`~policybench.assessment.Assessment` that the options of :func:`add_benchmark` ask for."""
    from ..assessment import assess

    check_draws(args.draws, zero_skips=True)
    dataset = load_data(args)
    weights = read_weights(args.weights) if args.weights else None
    from ..labels import cli_label

    label = cli_label("robustness_draws", getattr(args, "lang", "en"))
    with step_progress(args.draws, label) as update:  # shown on a terminal only
        return assess(
            dataset,
            args.target,
            against=args.against,
            peers=args.peers,
            frontier=args.frontier,
            weights=weights,
            status=args.status,
            top=args.top,
            draws=args.draws,
            progress=update,
            as_of=args.as_of,
        )


def read_weights(path: str) -> dict[str, float]:
    """A code -> weight mapping from a YAML or JSON file, with located errors."""
    from ..data.documents import read_document
    from ..errors import DataValidationError, InputError

    doc = read_document(path)
    if doc.issues:
        raise DataValidationError(list(doc.issues))
    data = doc.data
    if not isinstance(data, dict):
        issue = doc.issue("wrong-type", (), "a weights file maps category codes to numbers", found=type(data).__name__)
        raise InputError(str(issue))
    issues = [
        doc.issue("wrong-type", (k,), "a weight must be a number >= 0", expected="a number >= 0", found=repr(v))
        for k, v in data.items()
        if isinstance(v, bool) or not isinstance(v, int | float) or not v >= 0
    ]
    if issues:
        raise InputError("\n".join(str(i) for i in issues))
    return {str(k): float(v) for k, v in data.items()}


def check_draws(draws: int, *, zero_skips: bool = False) -> None:
    """A usage error unless ``draws`` is within 1 (0 with ``zero_skips``) and ``MAX_DRAWS``."""
    low = 0 if zero_skips else 1
    if not low <= draws <= MAX_DRAWS:
        raise UsageError(f"--draws must be between {low} and {MAX_DRAWS}. Got {draws} instead.")


def write_frame(frame: pd.DataFrame, path: str, *, index: bool = False) -> None:
    """Write ``frame`` to ``path`` atomically; the format follows the suffix (.csv, .xlsx, .parquet, .json, .md)."""
    from ..data.io import atomic_write, write_with
    from ..report.escaping import csv_cell, spreadsheet_cell

    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        with atomic_write(path) as handle:
            handle.write(map_text(frame, csv_cell).to_csv(index=index, lineterminator="\n"))
    elif suffix in (".json", ".md"):
        with atomic_write(path) as handle:
            handle.write(
                frame.to_json(orient="split", force_ascii=False, indent=2)
                if suffix == ".json"
                else markdown_table(frame.reset_index() if index else frame)
            )
    elif suffix == ".xlsx":
        cleaned = map_text(frame, spreadsheet_cell)
        write_with(path, lambda tmp: cleaned.to_excel(tmp, index=index, engine="openpyxl"))
    elif suffix == ".parquet":
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:
            raise PolicyBenchError("writing .parquet needs pyarrow: pip install 'policybench[parquet]'")
        write_with(path, lambda tmp: frame.to_parquet(tmp, index=index))
    else:
        raise UsageError(f"unknown output format '{suffix}' for {path}")
