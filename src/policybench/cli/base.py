"""Shared pieces of the subcommands: output formats, dataset options, atomic file output."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import PolicyBenchError
from .table import render_table

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
) -> None:
    """Print a DataFrame as an aligned table, CSV, JSON or Markdown.

    ``headers`` replace the column names in a terminal table (e.g. Chinese headings in zh
    mode); CSV and JSON keep the column names, which scripts rely on. ``title`` heads a table.
    """
    if index:
        frame = frame.reset_index()
    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, indent=2) + "\n")
    elif fmt == "md":
        sys.stdout.write(markdown_table(frame) + "\n")
    else:
        numeric = [
            pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) for c in frame.columns
        ]
        print(
            render_table(
                [str(c) for c in (headers or frame.columns)],
                [["" if _missing(v) else v for v in row] for row in frame.itertuples(index=False, name=None)],
                numeric=numeric,
                protect=[i for i, c in enumerate(frame.columns) if c in IDENTIFIER_COLUMNS],
                title=title,
            )
        )


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values, not missing
        return False


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (pipes in cells escaped)."""

    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

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
    """Add --data and --codebook (default: the shipped dataset)."""
    parser.add_argument(
        "--data",
        metavar="PATH",
        action="append",
        help="dataset folder or zone file (repeatable; default: the shipped data)",
    )
    parser.add_argument(
        "--codebook", metavar="FILE", help="codebook file (default: the dataset's, else the shipped one)"
    )


def load_data(args: argparse.Namespace) -> Any:
    """The dataset selected by --data/--codebook."""
    from ..dataset import load_dataset

    return load_dataset(args.data, codebook=args.codebook)


def add_benchmark(parser: argparse.ArgumentParser) -> None:
    """Add the benchmark-set options of gap and report: --against | --peers, --frontier, --weights."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--against", nargs="+", metavar="ID", help="benchmark zone ids (default: every other zone)")
    group.add_argument("--peers", type=int, metavar="K", help="use the K nearest zones as the benchmark")
    parser.add_argument("--frontier", default="max", help="max | mean | a benchmark zone id (default %(default)s)")
    parser.add_argument("--weights", metavar="FILE", help="YAML or JSON mapping of category code -> weight")


def write_frame(frame: pd.DataFrame, path: str, *, index: bool = False) -> None:
    """Write ``frame`` to ``path`` atomically; the format follows the suffix (.csv, .xlsx, .parquet, .json, .md)."""
    from ..io import atomic_write, write_with

    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        with atomic_write(path) as handle:
            handle.write(frame.to_csv(index=index, lineterminator="\n"))
    elif suffix in (".json", ".md"):
        with atomic_write(path) as handle:
            handle.write(
                frame.to_json(orient="split", force_ascii=False, indent=2)
                if suffix == ".json"
                else markdown_table(frame.reset_index() if index else frame)
            )
    elif suffix == ".xlsx":
        write_with(path, lambda tmp: frame.to_excel(tmp, index=index, engine="openpyxl"))
    elif suffix == ".parquet":
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:
            raise PolicyBenchError("writing .parquet needs pyarrow: pip install 'policybench[parquet]'")
        write_with(path, lambda tmp: frame.to_parquet(tmp, index=index))
    else:
        raise UsageError(f"unknown output format '{suffix}' for {path}")
