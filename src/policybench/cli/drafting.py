"""The draft and review subcommands: a machine draft of a policy text, then a person's review."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from .base import Configure, Run, UsageError, add_data, emit


def _configure_draft(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", metavar="TEXT", help="policy text: UTF-8 .txt or .md, or .docx")
    p.add_argument("--zone-id", default=None, help="id of the drafted zone (default: from the file name)")
    p.add_argument("--name-zh", help="Chinese name of the zone (default: the document's title)")
    p.add_argument("--name-en", help="English name of the zone")
    p.add_argument("--date", help="date of the text, YYYY[-MM[-DD]] (default: read from the text, if stated)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the draft zone YAML here (default: print it)")
    p.add_argument("--top", type=int, default=3, help="candidate categories listed per measure (default: %(default)s)")
    p.add_argument(
        "--min-score", type=float, default=0.65, help="calibrated score needed to propose (default: %(default)s)"
    )
    p.add_argument(
        "--exclude-zone",
        action="append",
        default=[],
        metavar="ID",
        help="leave this coded zone out of the training data (repeatable; for evaluation)",
    )
    p.add_argument(
        "--source-kind",
        required=True,
        choices=("primary", "news", "research", "reprint"),
        help="what the text is: primary (an official text), news, research or reprint (asked, never guessed)",
    )
    add_data(p)


def _zone_id(args: argparse.Namespace) -> str:
    if args.zone_id:
        return str(args.zone_id)
    slug = re.sub(r"[^a-z0-9]+", "-", Path(args.text).stem.lower()).strip("-")
    return slug or "draft-zone"


def _run_draft(args: argparse.Namespace) -> int:
    import sys

    from ..draft import draft, read_policy_text
    from .base import load_data

    text = read_policy_text(args.text)
    custom = args.data or args.codebook or args.no_shipped
    dataset = load_data(args) if custom else None  # None: the shipped data, from the model cache
    result = draft(
        text,
        dataset=dataset,
        zone_id=_zone_id(args),
        name_zh=args.name_zh,
        name_en=args.name_en,
        date=args.date,
        source_path=args.text,
        source_kind=args.source_kind,
        exclude_zones=args.exclude_zone,
        top=args.top,
        min_score=args.min_score,
    )
    if args.output:
        result.save(args.output)
        print(
            f"{len(result.zone.measures)} measures drafted to {args.output}, all 'review: pending' and confidence low; "
            f"next: policybench review {args.output}",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(result.to_yaml())
    return 0


def _configure_review(p: argparse.ArgumentParser) -> None:
    p.add_argument("zone_file", metavar="DRAFT.yaml", help="a drafted zone file")
    p.add_argument("--text", metavar="FILE", help="the source text (default: the path noted in the draft's source)")
    p.add_argument("--format", choices=("text", "md"), default="text", help="output format (default: %(default)s)")


def _source_text(args: argparse.Namespace, zone: Any) -> str | None:
    from ..draft import read_policy_text

    if args.text:
        return read_policy_text(args.text)
    for source in zone.sources:
        match = re.match(r"drafted from: (.+)$", source.note or "")
        if match:
            for base in (Path.cwd(), Path(args.zone_file).resolve().parent):
                candidate = base / match.group(1)
                if candidate.is_file():
                    return read_policy_text(candidate)
    return None


def _run_review(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..data.dataset import load_zone
    from ..draft.segment import split_paragraphs

    if not Path(args.zone_file).is_file():
        raise UsageError(f"no such file: {args.zone_file}")
    zone = load_zone(args.zone_file)
    text = _source_text(args, zone)
    paragraphs = {p.locator: p.text for p in split_paragraphs(text)} if text else {}
    pending = [m for m in zone.measures if m.review == "pending"]
    if args.format == "md":
        rows = [
            {
                "measure_id": m.id,
                "category": m.category,
                "status": m.status,
                "depth": m.depth,
                "start": m.start or "",
                "locator": m.evidence[0].locator,
                "key_phrase": m.evidence[0].key_phrase or "",
                "paragraph": paragraphs.get(m.evidence[0].locator, ""),
                "decision": "[ ] accept  [ ] correct  [ ] delete",
            }
            for m in pending
        ]
        print(f"# Review sheet: {zone.id} ({len(pending)} pending of {len(zone.measures)})\n")
        emit(pd.DataFrame(rows), "md")
        return 0
    print(f"{zone.id}: {len(pending)} of {len(zone.measures)} measures pending review")
    if text is None:
        print("(source text not found: pass --text FILE to show each paragraph)")
    for n, m in enumerate(pending, start=1):
        ev = m.evidence[0]
        start = f"  start {m.start}" if m.start else ""
        print(f"\n[{n}/{len(pending)}] {m.id}  {m.category}  status {m.status}  depth {m.depth}{start}")
        print(f"  {ev.locator}: {ev.key_phrase or ''}")
        if m.note:
            print(f"  {m.note}")
        if ev.locator in paragraphs:
            print(f"  paragraph: {paragraphs[ev.locator]}")
    print(
        "\nTo accept a measure, edit the file: correct category/status/depth, write the title and summary "
        "in your own words, then delete its 'review: pending' line (or set 'review: accepted'); delete "
        "measures that are not measures. 'policybench validate FILE' lists what is still pending."
    )
    return 0


COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "draft": ("draft a zone coding from a policy text (every measure pending review)", _configure_draft, _run_draft),
    "review": ("show the pending measures of a drafted zone with their paragraphs", _configure_review, _run_review),
}
