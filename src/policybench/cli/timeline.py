"""The timeline subcommand: who adopted a category first, who followed, and who cited whom."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..labels import cli_label
from .base import Configure, Run, add_data, add_format, emit, load_data


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "codes", nargs="*", metavar="CODE", help="category codes (default: the first adopter of every category)"
    )
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="label language (default: %(default)s)")
    p.add_argument("--secondary", action="store_true", help="count measures that carry a category as a secondary one")
    add_format(p)
    add_data(p)


def lag_text(low: int, high: int, lang: str) -> str:
    """A lag in days as years at one decimal, a range when the dates' precision leaves one.

    >>> lag_text(1583, 1613, "en"), lag_text(0, 0, "zh")
    ('4.3-4.4 y', '—')
    """
    if low == high == 0:
        return "—"
    unit = cli_label("years_unit", lang)
    a, b = f"{low / 365.25:.1f}", f"{high / 365.25:.1f}"
    return f"{a} {unit}" if a == b else f"{a}-{b} {unit}"


def _run(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..diffusion import diffusion
    from ..labels import cli_label

    ds = load_data(args)
    lang = args.lang
    result = diffusion(ds, args.codes or None, secondary=args.secondary)
    if args.format != "table":
        if args.format == "json":
            names = ("adoptions", "first", "national", "edges", "undated")
            payload = {n: json.loads(result.table(n).to_json(orient="records", force_ascii=False)) for n in names}
            print(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            emit(result.adoption_table(), "csv")
        return 0
    name = _namer(ds, lang)
    if not args.codes:
        first = result.first_table()
        frame = pd.DataFrame(
            {
                "category": first["code"].map(name.category),
                "code": first["code"],
                "first": first["zone_id"].map(name.zone),
                "start": first["start"],
                "adopters": first["adopters"],
            }
        )
        emit(frame, "table", headers=[cli_label(k, lang) for k in frame.columns])
        return 0
    for n, code in enumerate(result.codes):
        if n:
            print()
        _print_code(result, code, lang, name)
    return 0


class _Names:
    def __init__(self, ds: Any, lang: str) -> None:
        self.ds, self.lang = ds, lang

    def zone(self, zone_id: str) -> str:
        return str(self.ds.zone(zone_id).name.get(self.lang))

    def category(self, code: str) -> str:
        return str(self.ds.codebook.category(code).label.get(self.lang))


def _namer(ds: Any, lang: str) -> _Names:
    return _Names(ds, lang)


def _print_code(result: Any, code: str, lang: str, name: _Names) -> None:
    import pandas as pd

    from ..labels import cli_label, term

    adoptions = result.adoption_table()
    rows = adoptions[adoptions["code"] == code]
    print(f"{name.category(code)} ({code})")
    if rows.empty:
        print(cli_label("no_adopter", lang))
    else:
        frame = pd.DataFrame(
            {
                "order": rows["order"],
                "zone": rows["zone_id"].map(name.zone),
                "start": rows["start"],
                "lag": [lag_text(a, b, lang) for a, b in zip(rows["lag_min_days"], rows["lag_max_days"], strict=True)],
                "vs_national": rows["vs_national"].map(
                    lambda v: cli_label(f"vs_{v}", lang) if isinstance(v, str) else ""
                ),
                "status": rows["status"].map(lambda v: term(v, lang)),
                "measure_id": rows["measure_id"],
            }
        )
        if not rows["vs_national"].notna().any():
            frame = frame.drop(columns=["vs_national"])
        emit(frame, "table", headers=[cli_label(k, lang) for k in frame.columns])
    national = result.national_table()
    for row in national[national["code"] == code].itertuples():
        counts = {k: len(getattr(row, k)) for k in ("leading", "same_period", "lagging")}
        print(
            cli_label("national_line", lang).format(
                measure=row.measure_id,
                date=row.start,
                lead=counts["leading"],
                same=counts["same_period"],
                lag=counts["lagging"],
            )
        )
    edges = result.edge_table()
    for row in edges[edges["code"] == code].itertuples():
        print(
            cli_label("edge_line", lang).format(
                target=name.zone(row.target_zone),
                source=name.zone(row.source_zone),
                target_measure=row.target_measure,
                source_measure=row.source_measure or "?",
                generation=row.generation,
            )
        )
    undated = result.undated_table()
    undated = undated[undated["code"] == code]
    if not undated.empty:
        print(cli_label("undated_line", lang) + ", ".join(undated["measure_id"]))


COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "timeline": ("who adopted a category first, who followed (diffusion)", _configure, _run),
}
