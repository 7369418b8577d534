"""Is the advice right? A temporal backtest of the recommendations on the shipped data.

Not a timing benchmark: it measures validity. For every zone z and cut-off year T, the data is
taken as it stood at the end of T (``Dataset.as_of``: later and undated measures left out), the
gap analysis recommends the top k categories z lacks then, and the hits are the categories z
adopted in the next ``horizon`` years (a counted measure whose start falls in (T, T + horizon]
in a category z had no counted measure in at T). Compared, on the same (z, T) cases:

- policybench: the gap analysis at T (every other zone as benchmark) ranks the categories z
  lacks by priority: the ranked recommendations (absent at T) and the "verify first" list
  (unknown at T, by the priority they would have if z does not do them) on one scale, since an
  analyst acts on both; categories with no priority (no benchmark does them) come last;
- popularity: the k categories most zones do at T, among those z lacks (ties by code);
- random: the expected precision of k categories drawn at random among those z lacks
  (= adopted / candidates), and its recall (= k / candidates, capped at 1).

Only cases with at least one later adoption and at least k candidates count. Precision@k =
hits / k; recall@k = hits / adoptions; both averaged over cases.

Second part, **hide and recover**: for every zone z and every counted measure m of z whose
primary category c no other counted measure of z carries (and that is no national duty), m is
removed and the cell made either *absent* (an absence entry on a low-confidence search record)
or *unknown* (nothing recorded); the gap analysis of z against every other zone then ranks z's
candidates as in the backtest, and we record the rank of c. Compared with popularity (c's rank
by the number of other zones doing it) and random (expected hit@k = k / candidates, expected
reciprocal rank = H(n) / n). Reported: hit@k (c within the top k), mean reciprocal rank and
median rank. Cases where no other zone does c (nothing could recover it) are counted apart.

Third part, **typology**: a classification of the shipped zones' management models built from
published sources (benchmarks/typology-management-models.yaml, each zone's type with its source;
``--typology FILE`` takes any other classification in the same format). Reported: how well the
structured similarity estimate (``similarity_estimate``) separates pairs of the same type from
pairs of different types (AUC, with a permutation p-value: the labels shuffled over the zones),
and how often a zone's nearest peer among the classified zones shares its type (with the rate
expected by chance and its permutation p-value).

Results JSON and Markdown tables: ``python benchmarks/bench_validity.py [--k 5] [--horizon 5]
[--out results-validity.json]``; ``--quick`` runs two cut-off years, four hidden measures of
one zone and 99 permutations, results to stdout only (the test suite runs it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from policybench import InputError, load_dataset
from policybench.data.codebook import is_counted
from policybench.data.documents import read_document
from policybench.data.model import Absence, SearchRecord, date_bounds
from policybench.gaps import gap_analysis, recommend
from policybench.similarity import portfolio_matrix, similarity_estimate, zone_similarity_estimate

HERE = Path(__file__).parent


def adopted_between(zone, start_year: int, end_year: int, counted) -> set[str]:
    """Categories the zone's counted measures start in (start_year, end_year], by the earliest possible date."""
    out = set()
    for m in zone.measures:
        if m.start is None or not is_counted(m, counted):
            continue
        year = date_bounds(m.start)[0].year
        if start_year < year <= end_year:
            out.update(m.categories)
    return out


def case(ds, zone_id: str, year: int, k: int, horizon: int) -> dict[str, Any] | None:
    """One (zone, cut-off) case, or None when it does not count."""
    counted = ds.codebook.counted_statuses
    then = ds.as_of(f"{year}-12")
    if zone_id not in then.zone_ids or len(then.zones) < 3:
        return None
    portfolio = portfolio_matrix(then).fillna(0.0)
    held = set(portfolio.columns[portfolio.loc[zone_id] > 0])
    duties = {c.code for c in ds.codebook.categories if c.national_duty is not None}
    candidates = [c for c in ds.codebook.codes if c not in held and c not in duties]
    future = adopted_between(ds.zone(zone_id), year, year + horizon, counted) & set(candidates)
    if not future or len(candidates) < k:
        return None
    benchmark = [z for z in then.zone_ids if z != zone_id and then.zone(z).kind != "national-policy"]
    try:
        ours = _ranked_candidates(then, zone_id, candidates, benchmark)[:k]
    except InputError:  # a benchmark set without any counted measure at T: no advice then
        ours = []
    others = portfolio.drop(index=zone_id)
    popularity = sorted(candidates, key=lambda c: (-(others[c] > 0).sum(), c))[:k]
    return {
        "zone": zone_id,
        "year": year,
        "adopted": sorted(future),
        "candidates": len(candidates),
        "ours": ours,
        "popularity": popularity,
        "hits_ours": len(set(ours) & future),
        "hits_popularity": len(set(popularity) & future),
    }


def _ranked_candidates(ds, zone_id: str, candidates: list[str], benchmark: list[str]) -> list[str]:
    """The candidates in our order: ranked recommendations and verify-first on one scale (see the docstring)."""
    gap = gap_analysis(ds, zone_id, against=benchmark)
    ranked = recommend(gap, top=len(candidates))
    score = dict(zip(ranked["code"], ranked["priority"], strict=True))
    unverified = gap.unverified()
    score.update(zip(unverified["code"], unverified["potential_priority"], strict=True))
    return sorted(candidates, key=lambda c: (-score.get(c, 0.0), c))


def hidden_cases(ds, zone_id: str, variant: str, limit: int | None = None) -> list[dict[str, Any]]:
    """Hide each hideable measure of the zone in turn (cell ``variant``: absent or unknown); rank its category."""
    counted = ds.codebook.counted_statuses
    zone = ds.zone(zone_id)
    duties = {c.code for c in ds.codebook.categories if c.national_duty is not None}
    benchmark = [z.id for z in ds.zones if z.id != zone_id and z.kind != "national-policy"]
    others = portfolio_matrix(ds, zones=benchmark).fillna(0.0)
    out: list[dict[str, Any]] = []
    for m in zone.measures:
        if limit is not None and len(out) >= limit:
            break
        code = m.category
        if not is_counted(m, counted) or code in duties:
            continue
        if any(code in o.categories for o in zone.measures if o.id != m.id and is_counted(o, counted)):
            continue  # another measure keeps the cell present: hiding m hides nothing
        kept = [o for o in zone.measures if o.id != m.id]
        absent = [a for a in zone.absent if a.code != code]
        unknown = [u for u in zone.unknown if u.code != code]
        if variant == "absent":
            record = SearchRecord(date="2026-12", queries=["hidden by the validity benchmark"])
            absent.append(Absence(code=code, basis="search", confidence="low", search=record))
        hidden = zone.model_copy(update={"measures": kept, "absent": absent, "unknown": unknown})
        then = ds.replace_zones([hidden if z.id == zone_id else z for z in ds.zones])
        portfolio = portfolio_matrix(then, zones=[zone_id]).fillna(0.0)
        held = set(portfolio.columns[portfolio.loc[zone_id] > 0])
        candidates = [c for c in ds.codebook.codes if c not in held and c not in duties]
        if code not in candidates:  # a secondary category of another measure still carries it
            continue
        done_by_others = bool((others[code] > 0).any())
        try:
            ours = _ranked_candidates(then, zone_id, candidates, benchmark)
        except InputError:
            continue
        popularity = sorted(candidates, key=lambda c: (-(others[c] > 0).sum(), c))
        out.append(
            {
                "zone": zone_id,
                "measure": m.id,
                "code": code,
                "variant": variant,
                "candidates": len(candidates),
                "recoverable": done_by_others,
                "rank_ours": ours.index(code) + 1,
                "rank_popularity": popularity.index(code) + 1,
            }
        )
    return out


def summarise_hidden(cases: list[dict[str, Any]], k: int) -> dict[str, Any]:
    """hit@k, mean reciprocal rank and median rank per method and variant, over the recoverable cases."""
    out: dict[str, Any] = {}
    for variant in ("absent", "unknown"):
        part = [c for c in cases if c["variant"] == variant and c["recoverable"]]
        rows: dict[str, Any] = {
            "cases": len(part),
            "unrecoverable": sum(1 for c in cases if c["variant"] == variant and not c["recoverable"]),
        }
        for name in ("ours", "popularity"):
            ranks = np.array([c[f"rank_{name}"] for c in part], dtype=float)
            rows[name] = {
                "hit_at_k": round(float(np.mean(ranks <= k)), 4) if len(ranks) else float("nan"),
                "mrr": round(float(np.mean(1.0 / ranks)), 4) if len(ranks) else float("nan"),
                "median_rank": float(np.median(ranks)) if len(ranks) else float("nan"),
            }
        n = np.array([c["candidates"] for c in part], dtype=float)
        harmonic = np.array([np.sum(1.0 / np.arange(1, int(v) + 1)) for v in n])
        rows["random"] = {
            "hit_at_k": round(float(np.mean(np.minimum(1.0, k / n))), 4) if len(n) else float("nan"),
            "mrr": round(float(np.mean(harmonic / n)), 4) if len(n) else float("nan"),
            "median_rank": float(np.median((n + 1) / 2)) if len(n) else float("nan"),
        }
        out[variant] = rows
    return out


def read_typology(path: str | Path) -> tuple[dict[str, str], dict[str, Any]]:
    """The zone -> type mapping of a typology file, and the file's data (an InputError for a bad file)."""
    doc = read_document(path)
    errors = [i for i in doc.issues if i.severity == "error"]
    if doc.data is None or errors:
        raise InputError(f"{path}: cannot read the typology: {errors[0].message if errors else 'empty file'}")
    data = doc.data
    types, zones = data.get("types") if isinstance(data, dict) else None, None
    if isinstance(data, dict):
        zones = data.get("zones")
    if not isinstance(types, dict) or not types or not isinstance(zones, dict) or not zones:
        raise InputError(f"{path}: a typology needs a non-empty mapping 'types' and a non-empty mapping 'zones'")
    out = {}
    for zone_id, entry in zones.items():
        kind = entry.get("type") if isinstance(entry, dict) else None
        if kind not in types:
            raise InputError(
                f"{path}: zones.{zone_id}.type must be one of {', '.join(map(str, types))}; found {kind!r}"
            )
        out[str(zone_id)] = str(kind)
    return out, data


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve of ``scores`` for the ``positive`` class (Mann-Whitney; ties count 1/2).

    >>> auc(np.array([0.9, 0.8, 0.1, 0.3]), np.array([True, True, False, False]))
    1.0
    >>> auc(np.array([0.5, 0.5]), np.array([True, False]))
    0.5
    """
    from scipy.stats import rankdata

    n1, n0 = int(positive.sum()), int((~positive).sum())
    if not n1 or not n0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def typology_scores(
    ds, types: dict[str, str], *, permutations: int = 999, seed: int = 0, method: str = "structured"
) -> dict[str, Any]:
    """AUC of same-type pairs by similarity estimate and nearest-peer agreement, with permutation p-values.

    ``method`` "structured": the structured similarity estimate; "combined": the combined similarity
    (structured estimate and measure alignment, ``zone_similarity_estimate``).
    """
    zones = [z for z in ds.zone_ids if z in types]
    missing = sorted(set(types) - set(ds.zone_ids))
    if method == "combined":
        matrix = zone_similarity_estimate(ds, zones=zones).matrix()
    else:
        matrix = similarity_estimate(ds, zones=zones).matrix()
    est = matrix.loc[zones, zones].to_numpy()
    labels = np.array([types[z] for z in zones])
    iu = np.triu_indices(len(zones), k=1)
    finite = np.isfinite(est[iu])
    rows, cols = iu[0][finite], iu[1][finite]
    scores = est[rows, cols]

    def pair_auc(lab: np.ndarray) -> float:
        return auc(scores, lab[rows] == lab[cols])

    masked = np.where(np.eye(len(zones), dtype=bool) | ~np.isfinite(est), -np.inf, est)
    nearest = np.argmax(masked, axis=1)  # ties: the first zone in dataset order

    def peer_rate(lab: np.ndarray) -> float:
        return float(np.mean(lab[nearest] == lab))

    observed_auc, observed_peer = pair_auc(labels), peer_rate(labels)
    rng = np.random.default_rng(seed)
    shuffled = [rng.permutation(labels) for _ in range(permutations)]
    perm_auc = np.array([pair_auc(lab) for lab in shuffled])
    perm_peer = np.array([peer_rate(lab) for lab in shuffled])
    counts = {t: int((labels == t).sum()) for t in sorted(set(labels))}
    chance = float(np.mean([(counts[t] - 1) / (len(zones) - 1) for t in labels]))
    return {
        "zones": len(zones),
        "types": counts,
        "not_in_data": missing,
        "pairs": int(finite.sum()),
        "same_type_pairs": int((labels[rows] == labels[cols]).sum()),
        "auc": round(observed_auc, 4),
        "auc_p_value": round(float((1 + np.sum(perm_auc >= observed_auc)) / (1 + permutations)), 4),
        "nearest_peer_same_type": round(observed_peer, 4),
        "nearest_peer_chance": round(chance, 4),
        "nearest_peer_p_value": round(float((1 + np.sum(perm_peer >= observed_peer)) / (1 + permutations)), 4),
        "permutations": permutations,
        "nearest_peer": {z: zones[int(j)] for z, j in zip(zones, nearest, strict=True)},
    }


def summarise(cases: list[dict[str, Any]], k: int) -> dict[str, Any]:
    def mean(values: list[float]) -> float:
        return round(float(np.mean(values)), 4) if values else float("nan")

    rows = {}
    for name in ("ours", "popularity"):
        rows[name] = {
            "precision_at_k": mean([c[f"hits_{name}"] / k for c in cases]),
            "recall_at_k": mean([c[f"hits_{name}"] / len(c["adopted"]) for c in cases]),
        }
    rows["random"] = {
        "precision_at_k": mean([len(c["adopted"]) / c["candidates"] for c in cases]),
        "recall_at_k": mean([min(1.0, k / c["candidates"]) for c in cases]),
    }
    return rows


def markdown(result: dict[str, Any]) -> str:
    k = result["k"]
    lines = [
        f"Temporal backtest: {result['cases']} cases (zone x cut-off year {result['years'][0]}-{result['years'][-1]}), "
        f"top {k}, horizon {result['horizon']} years, data {result['data_version']}.",
        "",
        f"| method | precision@{k} | recall@{k} |",
        "| --- | ---: | ---: |",
    ]
    for name, row in result["methods"].items():
        lines.append(f"| {name} | {row['precision_at_k']:.3f} | {row['recall_at_k']:.3f} |")
    hidden = result.get("hide_and_recover")
    if hidden:
        lines += [
            "",
            f"Hide and recover: one counted measure hidden at a time, its cell made absent or unknown "
            f"({hidden['zones']} zones).",
            "",
            f"| cell made | cases (+ unrecoverable) | method | hit@{k} | MRR | median rank |",
            "| --- | ---: | --- | ---: | ---: | ---: |",
        ]
        for variant in ("absent", "unknown"):
            rows = hidden["methods"][variant]
            for name in ("ours", "popularity", "random"):
                row = rows[name]
                lines.append(
                    f"| {variant} | {rows['cases']} (+{rows['unrecoverable']}) | {name} | {row['hit_at_k']:.3f} | "
                    f"{row['mrr']:.3f} | {row['median_rank']:g} |"
                )
    typ = result.get("typology")
    if typ:
        lines += [
            "",
            f"Typology ({typ['file']}): {typ['zones']} classified zones, {typ['pairs']} pairs "
            f"({typ['same_type_pairs']} of the same type); {typ['permutations']} label permutations.",
            "",
            "| measure | value | chance | permutation p |",
            "| --- | ---: | ---: | ---: |",
            f"| AUC of the similarity estimate for same-type pairs | {typ['auc']:.3f} | 0.500 | {typ['auc_p_value']:.3f} |",
            f"| nearest peer of the same type | {typ['nearest_peer_same_type']:.3f} | {typ['nearest_peer_chance']:.3f} | "
            f"{typ['nearest_peer_p_value']:.3f} |",
        ]
        combined = typ.get("combined")
        if combined:
            lines += [
                f"| AUC of the combined similarity for same-type pairs | {combined['auc']:.3f} | 0.500 | "
                f"{combined['auc_p_value']:.3f} |",
                f"| nearest peer of the same type, by the combined similarity | "
                f"{combined['nearest_peer_same_type']:.3f} | {typ['nearest_peer_chance']:.3f} | "
                f"{combined['nearest_peer_p_value']:.3f} |",
            ]
    return "\n".join(lines) + "\n"


README = HERE / "README.md"
START, END = "<!-- bench_validity:start -->", "<!-- bench_validity:end -->"


def write_readme(result: dict[str, Any], readme: Path = README) -> None:
    """Replace the tables between the bench_validity markers of ``readme`` with those of ``result``."""
    text = readme.read_text(encoding="utf-8")
    head, found, rest = text.partition(START)
    _old, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise InputError(f"{readme}: the markers {START} and {END} are missing")
    body = f"{START}\n<!-- generated from results-validity.json by bench_validity.py --readme; do not edit -->\n"
    readme.write_text(head + body + markdown(result) + END + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--horizon", type=int, default=5)
    parser.add_argument("--first", type=int, default=2012)
    parser.add_argument("--last", type=int, default=2020)
    parser.add_argument("--out", default=str(HERE / "results-validity.json"))
    parser.add_argument("--quick", action="store_true", help="two cut-off years, results to stdout only")
    parser.add_argument(
        "--readme",
        metavar="RESULTS.json",
        help="only rewrite the tables of benchmarks/README.md from this results file (no run)",
    )
    parser.add_argument(
        "--typology",
        default=str(HERE / "typology-management-models.yaml"),
        help="a classification of the zones (default: the shipped management-model typology)",
    )
    args = parser.parse_args(argv)
    if args.readme:
        write_readme(json.loads(Path(args.readme).read_text(encoding="utf-8")))
        return 0
    ds = load_dataset()
    years = [2016, 2018] if args.quick else list(range(args.first, args.last + 1))
    cases = [
        c
        for year in years
        for zone in ds.zones
        if zone.kind != "national-policy"
        for c in [case(ds, zone.id, year, args.k, args.horizon)]
        if c is not None
    ]
    zones = [z.id for z in ds.zones if z.kind != "national-policy"]
    limit = None
    if args.quick:
        zones, limit = ["tianjin-htz"], 4
    hidden = [
        c for zone_id in zones for variant in ("absent", "unknown") for c in hidden_cases(ds, zone_id, variant, limit)
    ]
    types, typology_data = read_typology(args.typology)
    typology = {
        "file": Path(args.typology).name,
        **typology_scores(ds, types, permutations=99 if args.quick else 999),
        "combined": {
            k: v
            for k, v in typology_scores(ds, types, permutations=99 if args.quick else 999, method="combined").items()
            if k in ("auc", "auc_p_value", "nearest_peer_same_type", "nearest_peer_p_value")
        },
        "framework": typology_data.get("framework", []),
    }
    result = {
        "typology": typology,
        "k": args.k,
        "horizon": args.horizon,
        "years": years,
        "cases": len(cases),
        "data_version": ds.data_version,
        "methods": summarise(cases, args.k),
        "hide_and_recover": {"zones": len(zones), "methods": summarise_hidden(hidden, args.k), "per_case": hidden},
        "per_case": cases,
    }
    print(markdown(result), end="")
    if not args.quick:
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        write_readme(result)
        print(f"wrote {args.out} and the tables of {README}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
