"""Structure-aware fuzzing of zone files: a located issue or a clean load, nothing else, fast.

Each example takes a shipped zone file, keeps a few of its sources and measures (small
documents keep the run short), applies one to four mutations to the data (replace a value
with a hostile one, delete or add a key, duplicate a list item, turn a mapping into a list),
dumps it as YAML and may then damage the text (YAML syntax, anchors and aliases, tags,
stray bytes, truncation). ``load_zone`` must then return a Zone or raise
``DataValidationError`` whose issues all have a known code, the file and a line; never any
other exception, never more than 2 seconds of CPU time (wall time on a busy CI machine
measures the neighbours too).

The default run (CI) tries 2,000 derandomised examples; ``pytest --fuzz-long[=N]`` tries N
(default 50,000) random ones.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policybench import DataValidationError, Zone, load_zone
from policybench.data.io import shipped_data_dir
from policybench.errors import ISSUE_CODES

ZONES = sorted((shipped_data_dir() / "zones").glob("*.yaml"))
BASES = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in ZONES]


def _small(base: dict[str, Any]) -> dict[str, Any]:
    """The zone with its first four measures and only the sources still cited: small documents,
    fast examples, and still a valid zone before any mutation (every reference resolves)."""
    base["measures"] = base.get("measures", [])[:4]
    for key in ("absent", "unknown", "not_applicable"):  # a few cell entries, their search records by query only
        base[key] = base.get(key, [])[:2]
        for entry in base[key]:
            if entry.get("search"):
                entry["search"] = {**entry["search"], "sources": [], "queries": entry["search"].get("queries") or ["q"]}
    return _cited_only(base)


def _cited_only(base: dict[str, Any]) -> dict[str, Any]:
    """Keep only the sources something in the zone still cites (every reference resolves)."""
    cited = {e["source"] for m in base["measures"] for e in [*m.get("evidence", []), *m.get("indicators", [])]}
    cited |= {e["source"] for a in base.get("absent", []) for e in a.get("evidence", [])}
    cited |= set((base.get("scope") or {}).get("sources", []))
    base["sources"] = [s for s in base.get("sources", []) if s["id"] in cited]
    return base


BASES = [_small(b) for b in BASES]
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
HUGE = "HUGE_INTEGER_MARKER"  # becomes a 5,000-digit integer in the text (too long for repr on Python 3.11)
FILE_LEVEL = {"file-not-found", "not-a-file", "file-too-large", "no-zones"}

TRICKY = [
    "",
    " ",
    "9999-12",
    "10000-01",
    "0000",
    "2019-02-30",
    "2019-13",
    "٢٠١٩",
    "２０１９",
    "yes",
    "~",
    ".nan",
    "-.inf",
    "0x1F",
    "1_000",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "=HYPERLINK(1)",
    "\x1b[31m",
    "a\x00b",
    "LONE_SURROGATE_MARKER",
    "GOV.STATUTORY_BODY",
    "GOV.",
    "tianjin-htz",
    "tianjin-htz.x",
    "national-high-tech-zone",
    "implemented",
    "high",
    "{lang}",
    "x" * 5000,
]
SCALARS = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=12),
    st.integers(),
    st.integers(min_value=10**18, max_value=10**300),
    st.just(HUGE),
    st.floats(),
    st.booleans(),
    st.none(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
SNIPPETS = [
    "&a ",
    "*a",
    "*undefined",
    "!!python/object/apply:os.system ['true'] ",
    "!!binary ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!timestamp ",
    "!!map ",
    "!!seq ",
    "!foo ",
    "{",
    "}",
    "[",
    "]",
    ":",
    ": ",
    "- ",
    "\t",
    "'",
    '"',
    "\\",
    "%YAML 1.1\n---\n",
    "---\n",
    "...\n",
    "? ",
    "<<: *a\n",
    "\ufeff",
    "\x00",
    "\x1b",
    "\r",
    "#",
    "&a [*a]",
    "[" * 200,
]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into the data (mapping keys and list indexes)."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _mutate_data(draw: st.DrawFn, base: dict[str, Any]) -> None:
    """One structural mutation of the data, in place."""
    path = draw(st.sampled_from([p for p in _paths(base) if p]))
    parent, last = _parent(base, path), path[-1]
    action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add", "duplicate", "listify"]))
    if action == "replace":
        parent[last] = draw(VALUES)
    elif action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["extra", "parent", "scope", "end", "note", "id"]))] = draw(VALUES)
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    elif action == "listify" and isinstance(parent[last], dict):
        parent[last] = list(parent[last].items())


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    base = copy.deepcopy(draw(st.sampled_from(BASES)))
    measures = base.get("measures") or []  # small documents: fast examples
    start = draw(st.integers(0, max(0, len(measures) - 2)))
    base["measures"] = measures[start : start + 2]
    if draw(st.booleans()):
        _cited_only(base)  # a document whose every reference resolves before it is mutated
    else:
        sources = base.get("sources") or []  # or any three sources: dangling references are fair game
        first = draw(st.integers(0, max(0, len(sources) - 3)))
        base["sources"] = sources[first : first + 3]
    for _ in range(draw(st.integers(1, 4))):
        _mutate_data(draw, base)
    text = yaml.dump(base, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100).replace(HUGE, "9" * 5000)
    text = text.replace("LONE_SURROGATE_MARKER", '"\\ud800"')  # a YAML escape: the dumper cannot write one
    for _ in range(draw(st.integers(0, 2))):
        offset = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "insert", "cut", "truncate"]))
        if kind == "insert":
            text = text[:offset] + draw(st.sampled_from(SNIPPETS)) + text[offset:]
        elif kind == "cut":
            text = text[:offset] + text[offset + draw(st.integers(1, 40)) :]
        else:
            text = text[:offset]
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:  # now and then a stray byte (not UTF-8)
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + bytes([draw(st.integers(0x80, 0xFF))]) + raw[at:]
    return raw


def _check(path: Path, codebook: Any) -> None:
    started = time.process_time()  # CPU time: on a shared CI machine wall time measures the neighbours
    try:
        zone = load_zone(path, codebook=codebook)
    except DataValidationError as exc:
        assert exc.issues, "an error without issues"
        for issue in exc.issues:
            assert issue.code in ISSUE_CODES, str(issue)
            assert issue.file == str(path), str(issue)
            assert issue.line >= 1 or issue.code in FILE_LEVEL, f"issue without a line: {issue}"
            assert issue.message, str(issue)
    else:
        assert isinstance(zone, Zone)
    assert time.process_time() - started < 2.0


def _fuzz(tmp_path: Path, codebook: Any, examples: int, derandomize: bool) -> None:
    path = tmp_path / "fuzzed.yaml"
    load_zone(ZONES[0], codebook=codebook)  # warm the cache of shipped ids: not part of any example

    @settings(
        max_examples=examples,
        derandomize=derandomize,
        deadline=None,  # measured in _check as CPU time
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(documents())
    def run(raw: bytes) -> None:
        path.write_bytes(raw)
        _check(path, codebook)

    run()


def test_fuzzed_zone_files_give_located_issues_or_load(tmp_path: Path, shipped, request) -> None:
    long = request.config.getoption("--fuzz-long")
    _fuzz(tmp_path, shipped.codebook, long or 2000, derandomize=not long)


def test_every_base_document_loads_cleanly_before_mutation(tmp_path: Path, shipped) -> None:
    """The mutations start from valid zones, so a clean load is one mutation away, not luck."""
    for number, base in enumerate(BASES):
        path = tmp_path / f"base-{number}.yaml"
        path.write_text(yaml.dump(base, Dumper=_DUMPER, allow_unicode=True), encoding="utf-8")
        assert isinstance(load_zone(path, codebook=shipped.codebook), Zone), ZONES[number].name


def test_the_fuzzer_reaches_clean_loads_and_many_codes(tmp_path: Path, shipped) -> None:
    """The mutations are not all fatal: a fixed sample has clean loads and a spread of codes."""
    seen: set[str] = set()
    clean = 0
    path = tmp_path / "sample.yaml"

    @settings(max_examples=300, derandomize=True, database=None, deadline=None)
    @given(documents())
    def sample(raw: bytes) -> None:
        nonlocal clean
        path.write_bytes(raw)
        try:
            load_zone(path, codebook=shipped.codebook)
            clean += 1
        except DataValidationError as exc:
            seen.update(i.code for i in exc.issues)

    sample()
    assert clean >= 1  # some mutations leave a valid zone
    assert {"yaml-syntax", "wrong-type", "missing-field"} <= seen
    assert len(seen) >= 10, seen
