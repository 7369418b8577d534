"""The subcommands: each a (help, configure(parser), run(args) -> exit code) triple."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..errors import PolicyBenchError
from .table import render_table

Configure = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]


class UsageError(PolicyBenchError):
    """Wrong command-line usage (exit code 2)."""


def emit(frame: pd.DataFrame, fmt: str, *, index: bool = False) -> None:
    """Print a DataFrame as an aligned table, CSV or JSON."""
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
        text, notices = render_table(
            [str(c) for c in frame.columns], list(frame.itertuples(index=False, name=None)), numeric=numeric
        )
        print(text)
        for notice in notices:
            print(f"note: {notice}", file=sys.stderr)


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (pipes in cells escaped)."""

    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    head = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join(" --- " for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False, name=None)]
    return "\n".join([head, rule, *body])


def _add_format(parser: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "csv", "json")) -> None:
    parser.add_argument("--format", choices=choices, default=choices[0], help="output format (default: %(default)s)")


def _add_data(parser: argparse.ArgumentParser) -> None:
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


# ----------------------------------------------------------------------------- validate


def _configure_validate(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="zone files or dataset folders (default: the shipped data)")
    p.add_argument("--codebook", metavar="FILE", help="codebook to check against")
    p.add_argument("--stats", action="store_true", help="add per-zone evidence and confidence statistics")
    _add_format(p, ("text", "json"))


def _run_validate(args: argparse.Namespace) -> int:
    from ..validate import collect

    loaded = collect(args.paths or None, codebook_path=args.codebook)
    from ..validate import ValidationReport

    report = ValidationReport(tuple(loaded.issues), tuple(loaded.files))
    stats = None
    if args.stats and loaded.codebook is not None and loaded.zones:
        from ..dataset import Dataset
        from ..quality import quality_table

        stats = quality_table(Dataset(loaded.codebook, tuple(z for z, _ in loaded.zones)))
    if args.format == "json":
        payload = json.loads(report.to_json())
        if stats is not None:
            payload["stats"] = json.loads(stats.to_json(orient="records", force_ascii=False))
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(report.format_text())
        if stats is not None:
            print()
            emit(stats, "table")
    return 0 if report.valid else 1


# ----------------------------------------------------------------------------- list


def _configure_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=("zones", "categories", "domains", "measures", "sources"), help="what to list")
    p.add_argument("--zone", metavar="ID", help="only this zone (measures, sources)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="label language (default: %(default)s)")
    _add_format(p)
    _add_data(p)


def _run_list(args: argparse.Namespace) -> int:
    ds = load_data(args)
    lang = args.lang
    if args.what == "zones":
        frame = ds.zones_table()[
            ["zone_id", f"name_{lang}", "kind", "province", "established", "n_measures", "n_counted", "n_sources"]
        ]
    elif args.what in ("categories", "domains"):
        from ..codebook import codebook_table

        table = codebook_table(ds.codebook)
        if args.what == "domains":
            frame = pd.DataFrame(
                [
                    {
                        "domain": d.code,
                        "label": d.label.get(lang),
                        "weight": d.weight,
                        "categories": int((table["domain"] == d.code).sum()),
                    }
                    for d in ds.codebook.domains
                ]
            )
        else:
            frame = table[["code", f"label_{lang}", "authority", "weight", "requires"]]
    elif args.what == "measures":
        if args.zone:
            ds.zone(args.zone)
        table = ds.measures_table()
        table = table[table["role"] == "primary"]
        if args.zone:
            table = table[table["zone_id"] == args.zone]
        frame = table[["measure_id", "code", "status", "depth", "start", "confidence", f"title_{lang}"]]
    else:
        if args.zone:
            ds.zone(args.zone)
        table = ds.sources_table()
        frame = table[table["zone_id"] == args.zone] if args.zone else table
        frame = frame[["zone_id", "source_id", "kind", "date", "publisher", "n_citing", "title"]]
    if frame.empty:
        raise PolicyBenchError(f"nothing to list: no {args.what} match the selection")
    emit(frame.reset_index(drop=True), args.format)
    return 0


COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "validate": (
        "check zone files and the codebook; exit 0 valid, 1 problems, 2 usage/I-O error",
        _configure_validate,
        _run_validate,
    ),
    "list": ("list zones, domains, categories, measures or sources", _configure_list, _run_list),
}
