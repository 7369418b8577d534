"""The data subcommands: validate and list."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..errors import IO_ISSUE_CODES, PolicyBenchError
from .base import Configure, Run, add_data, add_format, echo, emit, json_text, load_data

# ----------------------------------------------------------------------------- validate


def _configure_validate(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="zone files or dataset folders (default: the shipped data)")
    p.add_argument("--codebook", metavar="FILE", help="codebook to check against")
    p.add_argument("--stats", action="store_true", help="add per-zone evidence and confidence statistics")
    add_format(p, ("text", "json"))


def _jobs_issues(paths: list[str]) -> tuple[list[str], list[Any], list[str]]:
    """Split off the jobs files of ``batch`` and check each as a jobs file.

    A jobs file is a YAML mapping with a top-level ``jobs`` (and no zone ``id``). Returns the
    other paths, the jobs files' issues and the jobs files.
    """
    from pathlib import Path

    from ..batch import load_jobs
    from ..data.documents import read_document
    from ..errors import DataValidationError

    rest, issues, files = [], [], []
    for path in paths:
        candidate = Path(path)
        if candidate.suffix.lower() in (".yaml", ".yml") and candidate.is_file():
            doc = read_document(candidate)
            if isinstance(doc.data, dict) and "jobs" in doc.data and "id" not in doc.data:
                files.append(doc.file)
                try:
                    load_jobs(candidate)
                except DataValidationError as exc:
                    issues += exc.issues
                continue
        rest.append(path)
    return rest, issues, files


def _run_validate(args: argparse.Namespace) -> int:
    from ..data.validate import ValidationReport, collect

    paths, jobs_issues, jobs_files = _jobs_issues(list(args.paths or []))
    if args.paths and not paths:  # jobs files only
        report = ValidationReport(tuple(jobs_issues), tuple(jobs_files))
        if args.format == "json":
            print(json_text(json.loads(report.to_json())))
        else:
            echo(report.format_text())
        return 2 if any(i.code in IO_ISSUE_CODES for i in report.errors) else (0 if report.valid else 1)
    loaded = collect(paths or None, codebook_path=args.codebook, protocol=True)
    issues = sorted(loaded.issues + jobs_issues, key=lambda i: (i.file, i.line, i.column, i.code))
    report = ValidationReport(tuple(issues), tuple(loaded.files + jobs_files))
    stats = reprints = None
    if args.stats and loaded.codebook is not None and loaded.zones:
        from ..data.dataset import Dataset
        from ..data.quality import quality_table, reprint_only_table

        dataset = Dataset(loaded.codebook, tuple(z for z, _ in loaded.zones))
        stats, reprints = quality_table(dataset), reprint_only_table(dataset)
    if args.format == "json":
        payload = json.loads(report.to_json())
        if stats is not None and reprints is not None:
            payload["stats"] = json.loads(stats.to_json(orient="records", force_ascii=False))
            payload["reprint_only"] = json.loads(reprints.to_json(orient="records", force_ascii=False))
        print(json_text(payload))
    else:
        echo(report.format_text())
        if stats is not None and reprints is not None:
            print()
            named = {"high": "high %", "medium": "medium %", "low": "low %", "core_known": "core known %"}
            print("confidence of the measures as shares (high/medium/low %); core known %: of the core checklist")
            emit(stats.rename(columns=named), "table", kinds={v: "share" for k, v in named.items() if k in stats})
            print(f"\nmeasures whose only evidence is a reprint ({len(reprints)}; confidence at most medium):")
            emit(reprints, "table")
    if any(i.code in IO_ISSUE_CODES for i in report.errors):
        return 2  # a file that is missing or cannot be read is an I/O error, as documented
    return 0 if report.valid else 1


# ----------------------------------------------------------------------------- list


def _configure_list(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=("zones", "categories", "domains", "measures", "sources"), help="what to list")
    p.add_argument("--zone", metavar="ID", help="only this zone (measures, sources)")
    p.add_argument("--core", action="store_true", help="only the core checklist (categories)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="label language (default: %(default)s)")
    add_format(p)
    add_data(p)


def _run_list(args: argparse.Namespace) -> int:
    import pandas as pd

    ds = load_data(args)
    lang = args.lang
    if args.what == "zones":
        frame = ds.zones_table()[
            ["zone_id", f"name_{lang}", "kind", "province", "established", "n_measures", "n_counted", "n_sources"]
        ]
    elif args.what in ("categories", "domains"):
        from ..data.codebook import codebook_table

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
            if args.core:
                table = table[table["core"]]
            frame = table[["code", f"label_{lang}", "authority", "weight", "requires", "core", "national_duty"]]
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
    emit(_readable(frame.reset_index(drop=True), lang, ds) if args.format == "table" else frame, args.format)
    return 0


#: Columns whose values are vocabulary words (translated in zh tables; csv and json keep them).
_WORD_COLUMNS = ("kind", "authority", "status", "confidence", "core")


def _readable(frame: Any, lang: str, ds: Any) -> Any:
    """A list table for a person reading ``lang``: in zh, vocabulary and headings in Chinese (ids stay)."""
    if lang != "zh":
        return frame
    from ..labels import COLUMNS_ZH, term

    out = frame.copy()
    if "province" in out.columns and "zone_id" in out.columns:
        out["province"] = [ds.zone(z).region.province.zh for z in out["zone_id"]]
    for column in _WORD_COLUMNS:
        if column in out.columns:
            out[column] = [term(str(v).lower() if isinstance(v, bool) else str(v), "zh") for v in out[column]]
    return out.rename(columns=lambda c: COLUMNS_ZH.get(str(c), str(c)))


COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "validate": (
        "check zone files and the codebook; exit 0 valid, 1 problems, 2 usage/I-O error",
        _configure_validate,
        _run_validate,
    ),
    "list": ("list zones, domains, categories, measures or sources", _configure_list, _run_list),
}
