"""The agreement subcommand: Krippendorff's alpha between two codings of one zone."""

from __future__ import annotations

import argparse
import json

from .base import Configure, Run, emit


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("coding_a", metavar="A.yaml", help="first coding (a zone file)")
    p.add_argument("coding_b", metavar="B.yaml", help="second coding of the same zone or sources")
    p.add_argument("--codebook", metavar="FILE", help="codebook both files follow (default: the shipped one)")
    p.add_argument(
        "--threshold",
        type=float,
        default=0.35,
        help="text similarity needed to match measures without a shared locator (default: %(default)s)",
    )
    p.add_argument(
        "--cells",
        choices=("core", "all"),
        default="core",
        help="cells compared by state and depth: the core checklist or every category (default: %(default)s)",
    )
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: %(default)s)")


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..agreement import agreement
    from ..data.dataset import load_codebook, load_zone
    from .base import UsageError

    for path in (args.coding_a, args.coding_b):
        if not Path(path).is_file():
            raise UsageError(f"no such file: {path}")
    codebook = load_codebook(args.codebook)
    a = load_zone(args.coding_a, codebook=codebook)
    b = load_zone(args.coding_b, codebook=codebook)
    result = agreement(a, b, codebook=codebook, threshold=args.threshold, cells=args.cells)
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(result)
    print()
    emit(result.fields.round(3), "table")
    if result.cell_fields is not None:
        print(f"\ncells ({args.cells} checklist): state of each zone x category cell, depth where both have a measure")
        emit(result.cell_fields.round(3), "table")
    disagreements = result.disagreements()
    print(f"\ndisagreements to reconcile ({len(disagreements)}):")
    if not disagreements.empty:
        emit(disagreements[["field", "code", "measure_a", "measure_b", "value_a", "value_b", "locator"]], "table")
    return 0


COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "agreement": ("agreement (Krippendorff's alpha) between two codings of one zone", _configure, _run),
}
