"""Subcommands that analyse: coverage, compare, similarity, gap."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from .base import (
    Configure,
    Run,
    UsageError,
    add_benchmark,
    add_data,
    add_format,
    echo,
    emit,
    json_text,
    load_data,
    run_assessment,
    write_frame,
)


def _configure_coverage(p: argparse.ArgumentParser) -> None:
    p.add_argument("--level", choices=("category", "domain"), default="category", help="columns: categories or domains")
    p.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="statuses counted (repeatable; default: implemented, piloting)",
    )
    p.add_argument("--summary", action="store_true", help="print per-zone and per-code counts instead of the matrix")
    add_format(p, ("table", "csv", "json", "md"))
    add_data(p)


def _run_coverage(args: argparse.Namespace) -> int:
    from ..frames import coverage_summary

    ds = load_data(args)
    matrix = ds.coverage_table(level=args.level, status=args.status)
    if args.summary or args.format == "table":
        zones, codes = coverage_summary(ds, matrix)
    if args.summary:
        emit(zones, args.format)
        print()
        emit(codes, args.format)
        return 0
    if args.format == "table":
        # Codes are long: print the matrix transposed (codes as rows) so it fits a terminal.
        emit(matrix.T.reset_index(), "table")
        print()
        emit(zones, "table")
        return 0
    emit(matrix.reset_index(), args.format)
    return 0


def _configure_compare(p: argparse.ArgumentParser) -> None:
    p.add_argument("zone_a", metavar="A")
    p.add_argument("zone_b", metavar="B")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of texts and labels")
    p.add_argument("--lam", type=float, default=0.5, help="weight of the structured part (default %(default)s)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    add_data(p)


def _run_compare(args: argparse.Namespace) -> int:
    from ..similarity import compare

    ds = load_data(args)
    result = compare(ds, args.zone_a, args.zone_b, lam=args.lam, lang=args.lang)
    if args.format == "json":
        print(json_text(result.to_dict()))
        return 0
    echo(result)
    if not result.alignment.pairs.empty:
        print()
        from ..report.labels import cli_label

        columns = ["similarity", "text", "category", "title_a", "title_b"]
        emit(result.alignment.pairs[columns].round(3), "table", headers=[cli_label(c, args.lang) for c in columns])
    return 0


def _configure_similarity(p: argparse.ArgumentParser) -> None:
    p.add_argument("--metric", choices=("cosine", "jaccard", "soft_cosine", "heterogeneity"), default="soft_cosine")
    p.add_argument("--level", choices=("category", "domain"), default="category")
    p.add_argument(
        "--method",
        choices=("structured", "combined", "alignment"),
        default="structured",
        help="structured portfolio only (default), or with measure alignment",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the matrix to FILE (.csv, .xlsx or .parquet; atomic)")
    add_format(p, ("table", "csv", "json"))
    add_data(p)


def _run_similarity(args: argparse.Namespace) -> int:
    from ..similarity import portfolio_matrix, similarity_matrix, zone_similarity_matrix

    if args.output and Path(args.output).suffix.lower() not in (".csv", ".xlsx", ".parquet"):
        raise UsageError(f"unknown output format '{Path(args.output).suffix}': use .csv, .xlsx or .parquet")
    ds = load_data(args)
    if args.method == "structured":
        matrix = similarity_matrix(portfolio_matrix(ds, level=args.level), metric=args.metric)
        for zone_id, reason in matrix.attrs.get("undefined", {}).items():
            print(f"note: {zone_id}: NaN, {reason}", file=sys.stderr)
    else:
        matrix = zone_similarity_matrix(ds, method=args.method, metric=args.metric)
    matrix = matrix.round(6)
    if args.output:
        write_frame(matrix, args.output, index=True)
        print(f"wrote {matrix.shape[0]} x {matrix.shape[1]} matrix to {args.output}", file=sys.stderr)
        return 0
    emit(matrix.reset_index(), args.format)
    return 0


def _configure_gap(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="TARGET")
    add_benchmark(p)
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    add_format(p, ("table", "csv", "json"))
    add_data(p)


def _run_gap(args: argparse.Namespace) -> int:
    assessment = run_assessment(args)
    gap = assessment.gap
    recs = assessment.table("recommendations")
    if args.draws == 0:
        recs = recs.drop(columns=_ROBUST_COLUMNS)
    if args.format == "json":
        print(json_text(_gap_payload(assessment, recs)))
        return 0
    if args.format == "csv":
        emit(recs.drop(columns=["exemplars"]), "csv")
        return 0
    lang = args.lang
    cols = ["rank", "code", f"label_{lang}", "priority", "gap", "dtf", "exemplar_zones", "authority", "already_planned"]
    cols += [c for c in ("p_top", "fragile") if c in recs.columns]
    from ..report.labels import cli_label, term

    echo(gap.summary())
    print(
        cli_label("benchmark_line", lang).format(
            zones=", ".join(gap.benchmark), data=gap.data_hash, codebook=gap.codebook_version
        )
    )
    print()
    if recs.empty:
        print("no recommendation: the target is at or above the frontier wherever it is ranked")
    else:
        shown = recs[cols].round(4)
        for column in ("authority", "already_planned", "fragile"):
            if column in shown.columns:
                shown[column] = shown[column].map(lambda v: term(_word(v), lang))
        emit(shown, "table", headers=[cli_label("label" if c == f"label_{lang}" else c, lang) for c in cols])
    nc = gap.not_counted()
    if not nc.empty:
        print()
        print(cli_label("not_counted_title", lang))
        nc = nc[["measure_id", "code", "role", "status", "depth"]].copy()
        for column in ("role", "status"):
            nc[column] = nc[column].map(lambda v: term(str(v), lang))
        emit(nc, "table", headers=[cli_label(c, lang) for c in nc.columns])
    return 0


_ROBUST_COLUMNS = ["median_rank", "rank_p05", "rank_p95", "p_top", "fragile"]


def _word(value: Any) -> str:
    """Booleans as 'yes'/'no' (the vocabulary translates them); anything else as text."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    return "" if value is None or value is pd.NA else str(value)


def _gap_payload(assessment: Any, recs: pd.DataFrame) -> dict[str, Any]:
    gap = assessment.gap
    return {
        "target": gap.target,
        "benchmark": list(gap.benchmark),
        "overall_dtf": gap.overall,
        "params": dict(assessment.params),
        "codebook_version": gap.codebook_version,
        "data_hash": gap.data_hash,
        "library_version": gap.library_version,
        "recommendations": recs.to_dict("records"),
        "table": gap.table().to_dict("records"),
        "not_applicable": gap.not_applicable(),
        "not_counted": gap.not_counted().to_dict("records"),
    }


COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "coverage": ("adoption matrix: who does what, at which depth", _configure_coverage, _run_coverage),
    "compare": ("compare two zones: structured + aligned measures, explained", _configure_compare, _run_compare),
    "similarity": ("zone x zone similarity matrix", _configure_similarity, _run_similarity),
    "gap": ("gap analysis and ranked recommendations for a target zone", _configure_gap, _run_gap),
}
