"""Subcommands that analyse: coverage, compare, similarity, gap."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from .table import step_progress

if TYPE_CHECKING:
    import pandas as pd

    from ..data.dataset import Dataset


def _configure_coverage(p: argparse.ArgumentParser) -> None:
    p.add_argument("--level", choices=("category", "domain"), default="category", help="columns: categories or domains")
    p.add_argument(
        "--status",
        action="append",
        metavar="STATUS",
        help="statuses counted (repeatable; default: implemented, piloting)",
    )
    p.add_argument("--summary", action="store_true", help="print per-zone and per-code counts instead of the matrix")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the names in a terminal table")
    p.add_argument(
        "--states",
        action="store_true",
        help="print the state of each zone x category: present, absent (with evidence), unknown or not applicable, "
        "and each zone's known share of the core checklist",
    )
    add_format(p, ("table", "csv", "json", "md"))
    add_data(p)


_STATE_MARKS = {"present": "P", "absent": "-", "unknown": "?", "not-applicable": "n"}


def _run_states(args: argparse.Namespace) -> int:
    from ..similarity import scope_matrix

    ds = load_data(args)
    states = scope_matrix(ds, status=args.status or ("implemented", "piloting"))
    if args.format != "table":
        emit(states.reset_index(), args.format)
        return 0
    emit(states.replace(_STATE_MARKS).T.reset_index(), "table")
    print()
    print("P present (a counted measure or a national duty)   - absent (with evidence)   ? unknown   n not applicable")
    totals = states.apply(lambda row: row.value_counts(), axis=1).reindex(columns=list(_STATE_MARKS), fill_value=0)
    totals = totals.fillna(0).astype(int)
    core = [c.code for c in ds.codebook.categories if c.core]
    known = states[core].isin(("present", "absent", "not-applicable")).sum(axis=1)
    totals["core_known"] = [f"{k}/{len(core)}" for k in known]
    totals["core_known_share"] = (known / len(core)).round(2) if core else 0.0
    emit(totals.reset_index(), "table")
    return 0


def _run_coverage(args: argparse.Namespace) -> int:
    from ..data.frames import coverage_summary
    from ..labels import cli_label

    if args.states:
        return _run_states(args)
    ds = load_data(args)
    matrix = ds.coverage_table(level=args.level, status=args.status)
    if args.summary or args.format == "table":
        zones, codes = coverage_summary(ds, matrix, args.status)
    if args.summary:
        emit(zones, args.format)
        print()
        emit(codes, args.format)
        return 0
    if args.format == "table":
        # transposed (categories as rows, named) with numbered zone columns: a matrix that fits a terminal
        names = _zone_numbers(ds, args.lang)
        shown = matrix.T.rename(columns=lambda z: names[z][0], index=lambda c: _names(ds, args.lang).category(c))
        emit(shown.reset_index(), "table", headers=[cli_label("category", args.lang), *shown.columns])
        _print_zone_numbers(names, args.lang)
        print()
        zones = zones.assign(zone_id=[" ".join(names[z]) for z in zones["zone_id"]])
        headers = [cli_label("zone" if c == "zone_id" else c, args.lang) for c in zones.columns]
        emit(zones, "table", headers=headers, kinds={"high_confidence": "share"})
        return 0
    emit(matrix.reset_index(), args.format)
    return 0


def _names(ds: Dataset, lang: str) -> Any:
    from ..report.readable import Names

    return Names.from_dataset(ds, lang)


def _short(name: str) -> str:
    """A zone's name without its parenthesised aliases: 武汉东湖新技术开发区（东湖高新区、中国光谷） -> 武汉东湖新技术开发区."""
    for opening in ("（", " ("):
        at = name.find(opening)
        if at > 0:
            name = name[:at]
    return name.strip()


def _zone_numbers(ds: Dataset, lang: str) -> dict[str, tuple[str, str]]:
    """Each zone's number (the column heading of a terminal matrix) and short name."""
    return {z.id: (str(n), _short(z.name.get(lang))) for n, z in enumerate(ds.zones, start=1)}


def _print_zone_numbers(names: dict[str, tuple[str, str]], lang: str) -> None:
    """The legend of the numbered columns, wrapped to the terminal (an entry is never broken)."""
    from ..labels import cli_label, phrase
    from .table import display_width, terminal_width

    width, sep = terminal_width(), phrase("sep.clause", lang)
    line = cli_label("zone_numbers", lang)
    for n, (number, short) in enumerate(names.values()):
        entry = f"{number} {short}" + (sep if n < len(names) - 1 else "")
        if display_width(line + entry.rstrip()) > width and line.strip():
            print(line.rstrip())
            line = "  "
        line += entry
    print(line.rstrip())


def _emit_zone_matrix(matrix: pd.DataFrame, ds: Dataset, lang: str, kind: str | None) -> None:
    """A zone x zone matrix for a terminal: rows 'n short name', columns the numbers (paged when too wide)."""
    from ..labels import cli_label

    names = _zone_numbers(ds, lang)
    shown = matrix.rename(index=lambda z: f"{names[z][0]} {names[z][1]}", columns=lambda z: names[z][0])
    kinds = dict.fromkeys(map(str, shown.columns), kind) if kind else None
    emit(shown.reset_index(), "table", headers=[cli_label("zone", lang), *shown.columns], kinds=kinds)


def _configure_compare(p: argparse.ArgumentParser) -> None:
    p.add_argument("zone_a", metavar="A", help="id of the first zone (policybench list zones)")
    p.add_argument("zone_b", metavar="B", help="id of the second zone")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of texts and labels")
    p.add_argument("--lam", type=float, default=0.5, help="weight of the structured part (default %(default)s)")
    _add_min_overlap(p)
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format (default: %(default)s)")
    add_data(p)


def _add_min_overlap(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--min-overlap",
        type=int,
        default=None,
        metavar="N",
        help="categories known for both under which a pair is flagged 'thin overlap' (a gate only with --level "
        "domain; default: 8, or a third of the codebook)",
    )


def _run_compare(args: argparse.Namespace) -> int:
    from ..similarity import compare

    ds = load_data(args)
    result = compare(ds, args.zone_a, args.zone_b, lam=args.lam, lang=args.lang, min_overlap=args.min_overlap)
    if args.format == "json":
        print(json_text(result.to_dict()))
        return 0
    echo(result)
    if not result.alignment.pairs.empty:
        print()
        from ..labels import cli_label

        columns = ["similarity", "text", "category", "title_a", "title_b"]
        headers = [cli_label(c, args.lang) for c in columns]
        kinds = dict.fromkeys(("similarity", "text", "category"), "similarity")
        emit(result.alignment.pairs[columns], "table", headers=headers, kinds=kinds)
    return 0


def _configure_similarity(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--metric",
        choices=("cosine", "jaccard", "soft_cosine", "heterogeneity"),
        default="soft_cosine",
        help="structured similarity metric (default: %(default)s; docs/methods.md §2)",
    )
    p.add_argument(
        "--level",
        choices=("category", "domain"),
        default="category",
        help="compare categories or domains (default: %(default)s)",
    )
    p.add_argument(
        "--method",
        choices=("structured", "combined", "alignment"),
        default="structured",
        help="structured portfolio only (default), or with measure alignment",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the matrix to FILE (.csv, .xlsx or .parquet; atomic)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the names in a terminal table")
    _add_min_overlap(p)
    add_format(p, ("table", "csv", "json"))
    add_data(p)


def _run_similarity(args: argparse.Namespace) -> int:

    from ..similarity import default_min_overlap, overlap_matrix, portfolio_matrix, similarity_matrix, undefined_pairs

    if args.output and Path(args.output).suffix.lower() not in (".csv", ".xlsx", ".parquet"):
        raise UsageError(f"unknown output format '{Path(args.output).suffix}': use .csv, .xlsx or .parquet")
    ds = load_data(args)
    if args.level == "category":
        return _print_estimates(ds, args)
    portfolio = portfolio_matrix(ds, level=args.level)  # domains: the known-only metric over the overlap
    matrix = similarity_matrix(portfolio, metric=args.metric, min_overlap=args.min_overlap)
    overlap = overlap_matrix(portfolio)
    undefined = undefined_pairs(portfolio, metric=args.metric, min_overlap=args.min_overlap).to_dict("records")
    need = default_min_overlap(portfolio.shape[1]) if args.min_overlap is None else args.min_overlap
    matrix = matrix.round(6)
    if args.output:
        write_frame(matrix, args.output, index=True)
        print(f"wrote {matrix.shape[0]} x {matrix.shape[1]} matrix to {args.output}", file=sys.stderr)
        return 0
    if args.format == "json":
        payload = {
            "similarity": matrix.to_dict(orient="split"),
            "overlap": overlap.to_dict(orient="split"),
            "min_overlap": need,
            "undefined": undefined,
        }
        print(json_text(payload))
        return 0
    if args.format != "table":
        emit(matrix.reset_index(), args.format, kinds=dict.fromkeys(map(str, matrix.columns), "similarity"))
    else:
        from ..labels import cli_label

        _emit_zone_matrix(matrix, ds, args.lang, "similarity")
        print()
        print(cli_label("overlap_line", args.lang))
        _emit_zone_matrix(overlap, ds, args.lang, None)
        print(cli_label("undefined_line", args.lang).format(n=len(undefined), min=need))
    return 0


def _print_estimates(ds: Dataset, args: argparse.Namespace) -> int:
    """Every pair's similarity (structured, combined or alignment) as an estimate with its interval."""
    from ..similarity import zone_similarity_estimate

    n = len(ds.zone_ids)
    with step_progress(n * (n - 1) // 2, "zone pairs") as update:  # shown on a terminal only
        est = zone_similarity_estimate(
            ds, method=args.method, metric=args.metric, min_overlap=args.min_overlap, progress=update
        )
    matrix = est.matrix().round(6)
    if args.output:
        write_frame(matrix, args.output, index=True)
        print(f"wrote {matrix.shape[0]} x {matrix.shape[1]} estimate matrix to {args.output}", file=sys.stderr)
        return 0
    if args.format == "json":
        payload = {name: est.matrix(name).round(6).to_dict(orient="split") for name in ("estimate", "low", "high")}
        payload["known_share"] = est.matrix("known_share").round(6).to_dict(orient="split")
        print(json_text({**payload, "params": dict(est.params)}))
        return 0
    if args.format == "table":
        _emit_zone_matrix(matrix, ds, args.lang, "similarity")
    else:
        emit(matrix.reset_index(), args.format, kinds=dict.fromkeys(map(str, matrix.columns), "similarity"))
    if args.format == "table":
        from ..labels import cli_label

        lang = args.lang
        print()
        print(cli_label("pairs_line", lang).format(level=f"{est.params['level']:.0%}"))
        pairs = est.table()
        pairs["interval"] = [f"{lo:.2f}-{hi:.2f}" for lo, hi in zip(pairs["low"], pairs["high"], strict=True)]
        pairs["known_share"] = [f"{s:.0%}" for s in pairs["known_share"]]
        numbers = _zone_numbers(ds, lang)
        for side in ("zone_a", "zone_b"):
            pairs[side] = [" ".join(numbers[z]) for z in pairs[side]]
        columns = ["zone_a", "zone_b", "estimate", "interval", "known_share"]
        emit(pairs[columns], "table", headers=[cli_label(c, lang) for c in columns], kinds={"estimate": "similarity"})
        print(cli_label("pairs_method", lang))
    return 0


def _configure_gap(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", metavar="TARGET", help="id of the zone assessed (policybench list zones)")
    add_benchmark(p)
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the output (default: %(default)s)")
    add_format(p, ("table", "csv", "json"))
    add_data(p)


def _run_gap(args: argparse.Namespace) -> int:
    from ..labels import cli_label, term
    from ..report.readable import Names

    assessment = run_assessment(args)
    gap = assessment.gap
    recs = assessment.table("recommendations")
    if args.draws == 0:
        from ..gaps import SENSITIVITY_COLUMNS

        recs = recs.drop(columns=list(SENSITIVITY_COLUMNS)[2:])
    if args.format == "json":
        print(json_text(_gap_payload(assessment, recs)))
        return 0
    if args.format == "csv":
        emit(recs.drop(columns=["exemplars"]), "csv")
        return 0
    lang = args.lang
    nc = gap.not_counted()
    mentioned = [*nc["measure_id"], *",".join(gap.unverified().get("exemplar_ids", [])).split(",")]
    names = Names.from_dataset(gap.dataset, lang, [m for m in mentioned if m])
    # a person reads the table: names, not codes or ids (csv and json keep them)
    cols = ["rank", f"label_{lang}", "target_state", "priority_share", "gap", "rests_on"]
    cols += [c for c in ("p_top", "fragile") if c in recs.columns]
    cols += ["dtf", "n_adopted", "n_examined", "single_exemplar", "exemplar_zones", "authority", "already_planned"]
    cols += [c for c in ("p_top_weights", "p_top_evidence") if c in recs.columns]
    low = cli_label("rests_on_low", lang)
    recs = recs.assign(
        rests_on=recs["rests_on_low_confidence"].map(
            {True: cli_label("low_source", lang), False: cli_label("other_sources", lang)}
        ),
        exemplar_zones=recs["exemplar_zones"].map(names.zones_list),
    )

    echo(_realigned(names.prose(gap.summary(lang))))
    print(
        cli_label("benchmark_line", lang).format(
            zones=names.zones_list(gap.benchmark),
            data=gap.data_hash,
            codebook=gap.codebook_version,
        )
    )
    print()
    if recs.empty:
        print(cli_label("no_recommendation", lang))
    else:
        shown = recs[cols].copy()
        for column in ("target_state", "authority", "already_planned", "fragile", "single_exemplar"):
            if column in shown.columns:
                shown[column] = shown[column].map(lambda v: term(_word(v), lang))
        headers = [cli_label("label" if c == f"label_{lang}" else c, lang) for c in cols]
        emit(shown, "table", headers=headers, kinds={c: k for c, k in _GAP_KINDS.items() if c in cols})
        flagged = recs[recs["rests_on_low_confidence"].astype(bool)]
        if not flagged.empty:
            rank = cli_label("rank", lang)
            ranks = "、".join if lang == "zh" else ", ".join
            print(f"{low}: " + ranks(f"{names.category(r.code)} ({rank} {r.rank})" for r in flagged.itertuples()))
    _print_unverified(gap, lang, names)
    if not nc.empty:
        print()
        print(cli_label("not_counted_title", lang))
        nc = nc[["measure_id", "code", "role", "status", "depth"]].copy()
        nc["measure_id"] = nc["measure_id"].map(names.measure)
        nc["code"] = nc["code"].map(names.category)
        for column in ("role", "status"):
            nc[column] = nc[column].map(lambda v: term(str(v), lang))
        headers = [cli_label({"measure_id": "measure", "code": "category"}.get(c, c), lang) for c in nc.columns]
        emit(nc, "table", headers=headers)
    return 0


#: How the gap command shows its numbers (as the reports do).
_GAP_KINDS = {
    "priority_share": "share",
    "gap": "score",
    "dtf": "dtf",
    "p_top": "share",
    "p_top_weights": "share",
    "p_top_evidence": "share",
}


def _print_unverified(gap: Any, lang: str, names: Any) -> None:
    from ..labels import cli_label

    unverified = gap.unverified()
    if unverified.empty:
        return
    print()
    print(cli_label("verify_first_line", lang).format(n=len(unverified), target=names.zone(gap.target)))
    print(cli_label("verify_first_hint", lang))
    cols = [f"label_{lang}", "frontier", "n_examined", "exemplar_ids"]
    shown = unverified[cols].assign(exemplar_ids=unverified["exemplar_ids"].map(names.measures_list))
    headers = [cli_label({f"label_{lang}": "label", "exemplar_ids": "exemplars"}.get(c, c), lang) for c in cols]
    emit(shown, "table", headers=headers, kinds={"frontier": "score"})


def _realigned(text: str) -> str:
    """The summary's indented rows with their first field padded again (names are wider than codes)."""
    from .table import display_width

    rows = [line.strip().split("  ", 1) for line in text.splitlines() if line.startswith("  ")]
    size = max((display_width(r[0]) for r in rows), default=0)
    out = []
    for line in text.splitlines():
        if line.startswith("  ") and "  " in line.strip():
            first, rest = line.strip().split("  ", 1)
            line = f"  {first}{' ' * (size - display_width(first))}  {rest.strip()}"
        out.append(line)
    return "\n".join(out)


def _word(value: Any) -> str:
    """Booleans as 'yes'/'no' (the vocabulary translates them); anything else as text."""
    import pandas as pd

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
        "unverified": gap.unverified().to_dict("records"),
        "not_counted": gap.not_counted().to_dict("records"),
    }


COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "coverage": ("adoption matrix: who does what, at which depth", _configure_coverage, _run_coverage),
    "compare": ("compare two zones: structured + aligned measures, explained", _configure_compare, _run_compare),
    "similarity": ("zone x zone similarity matrix", _configure_similarity, _run_similarity),
    "gap": ("gap analysis and ranked recommendations for a target zone", _configure_gap, _run_gap),
}
