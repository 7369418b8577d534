"""Subcommands for your own zones on a plain install: where and new-zone."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import get_args

from .base import Configure, Run, UsageError

SKELETON = """\
$schema: {schema}
# A zone file for policybench. Fill in every field marked FILL IN, then run
#   policybench validate {file}
# until it exits 0, and use it with any command through --data, e.g.
#   policybench report {zone_id} --data {file} --against wuhan-city-partner donghu-htz -o {zone_id}.html
# Field meanings: the JSON Schema above (editors with YAML support autocomplete from it).
id: {zone_id}
name: {{zh: FILL IN 中文名称, en: FILL IN English name}}
# {kinds}
kind: national-high-tech-zone
region:
  province: {{zh: FILL IN 省份, en: FILL IN province}}
# established: "YYYY", "YYYY-MM" or "YYYY-MM-DD"
description:
  zh: FILL IN 用自己的话概述本区及资料所不能确认的内容。
  en: FILL IN our summary of the zone, including what the sources do not establish.
# Facts you searched for and did not find (so that nobody encodes them as fact):
not_found: []
# What this coding read (a record only: silence is never absence). Every core category of the
# codebook (policybench list categories --core) needs a state: a measure (present), an `absent`
# entry with evidence or a search record, an `unknown` entry saying what was searched, or
# `not_applicable` with the reason. `policybench validate --stats` shows how much is known.
scope:
  examined: [FILL]  # FILL IN the domain codes (e.g. GOV, DEL) or category codes your sources cover
  sources: [source-1]  # the sources read in full for this coding
  as_of: "2024"  # the date the coding describes
absent: []  # e.g. - {{code: HR.POST_QUOTA, basis: search, confidence: low,
#                    search: {{date: "2024-05-01", sources: [source-1], queries: ["本区 员额制"]}}}}
#        basis: stated | planned | failed | assigned-elsewhere (these cite evidence) | search
unknown: []  # e.g. - {{code: DEL.FISCAL_SYSTEM, note: {{zh: 检索了……未找到, en: "Searched ...; nothing found"}}}}
sources:  # list the documents first; evidence below cites them by id
  - id: source-1
    title: FILL IN title as published
    publisher: FILL IN publisher, or unknown
    date: "2020"
    # url: https://...
    kind: primary  # primary (official text) | news | research | reprint (then add original: ...)
measures:
  - id: {zone_id}.first-measure  # <zone-id>.<slug>, unique
    title: {{zh: FILL IN 举措标题, en: FILL IN measure title}}
    summary:
      zh: FILL IN 用自己的话概述做了什么。
      en: FILL IN what was done, in your own words.
    category: FILL.IN_A_CODE  # one of: policybench list categories
    secondary: []
    status: implemented  # proposed | piloting | implemented | discontinued
    depth: 1  # 1 on paper, 2 piloted or partial, 3 institutionalised with evidence of operation
    start: "2020"
    evidence:
      - {{source: source-1, locator: FILL IN section or paragraph}}
    confidence: low  # high | medium | low; a measure resting only on reprints is at most medium
"""


def _configure_where(p: argparse.ArgumentParser) -> None:
    del p  # no options


def _run_where(args: argparse.Namespace) -> int:
    from .._cachedir import cache_dir, cache_files
    from .._version import __version__
    from ..data.io import shipped_data_dir, shipped_schema_dir

    data = shipped_data_dir()
    schemas = shipped_schema_dir()
    print(f"policybench {__version__}")
    print(f"package:   {Path(__file__).resolve().parents[1]}")
    version = (data / "VERSION").read_text(encoding="utf-8").strip() if (data / "VERSION").is_file() else "-"
    print(f"data:      {data} (version {version})")
    print(f"codebook:  {data / 'codebook.yaml'}")
    print(f"zones:     {data / 'zones'}")
    print(f"schemas:   {schemas / 'zone.schema.json'}")
    print(f"           {schemas / 'codebook.schema.json'}")
    print(f"           {schemas / 'jobs.schema.json'}")
    print("add your own zone files to any command with --data PATH (they add to the shipped zones)")
    files = cache_files()
    size = sum(f.stat().st_size for f in files if f.exists())
    print(f"cache:     {cache_dir()} ({len(files)} files, {size / 1e6:.1f} MB; rebuilt when needed)")
    print("           remove with 'policybench clear-cache'; POLICYBENCH_NO_CACHE=1 turns it off")
    return 0


def _configure_clear_cache(p: argparse.ArgumentParser) -> None:
    del p  # no options


def _run_clear_cache(args: argparse.Namespace) -> int:
    from .._cachedir import cache_dir, clear_cache

    removed, freed = clear_cache()
    print(f"removed {removed} files ({freed / 1e6:.1f} MB) from {cache_dir()}")
    return 0


def _configure_new_zone(p: argparse.ArgumentParser) -> None:
    p.add_argument("zone_id", metavar="ID", help="zone id: lowercase letters, digits and hyphens, e.g. my-htz")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the zone file to write (.yaml)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


def _run_new_zone(args: argparse.Namespace) -> int:
    from ..data.io import atomic_write, shipped_schema_dir
    from ..data.model import ID_PATTERN, ZoneKind

    if not re.match(ID_PATTERN, args.zone_id):
        raise UsageError(
            f"zone id {args.zone_id!r} is not valid: use lowercase letters and digits joined by '-' or '_', e.g. 'my-htz'"
        )
    target = Path(args.output)
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"the zone file must end in .yaml or .yml: {target}")
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists: choose another name or pass --force to overwrite it")
    schema = (shipped_schema_dir() / "zone.schema.json").resolve().as_uri()
    with atomic_write(target) as handle:
        handle.write(
            SKELETON.format(schema=schema, zone_id=args.zone_id, file=target.name, kinds=" | ".join(get_args(ZoneKind)))
        )
    print(f"wrote {target}: fill in the fields marked FILL IN, then run: policybench validate {target}")
    return 0


COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "where": ("print where the shipped data, JSON Schemas and cache are", _configure_where, _run_where),
    "clear-cache": (
        "remove the cached draft models, validated zone files and text indexes (rebuilt when needed)",
        _configure_clear_cache,
        _run_clear_cache,
    ),
    "new-zone": ("write a commented skeleton zone file to fill in", _configure_new_zone, _run_new_zone),
}
