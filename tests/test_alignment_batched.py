"""One zone aligned with many at once (Aligner) gives align's alignments, float for float; pairs tables are lazy.

The reference is the pair-by-pair computation align made before the batched path existed
(a pairs DataFrame per pair, the text block sliced from the index, the category soft cosine
of the pair's category vectors), written out here with public functions.
"""

from __future__ import annotations

import copy
import math
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from policybench import InputError, load_dataset
from policybench.similarity import align, similarities_to, similarity_estimate, zone_similarity
from policybench.similarity.alignment import (
    PAIR_COLUMNS,
    Aligner,
    Alignment,
    assign_pairs,
    category_vectors,
    fitted_index,
)
from policybench.similarity.combined import pair_estimate_zones
from policybench.similarity.portfolio import portfolio_matrix
from policybench.similarity.structured import pairwise_similarity

TOY = Path(__file__).parent / "data" / "toy"
FIELDS = (
    "zone_a",
    "zone_b",
    "unmatched_a",
    "unmatched_b",
    "coverage_a_by_b",
    "coverage_b_by_a",
    "score",
    "shared_codes",
    "only_a_codes",
    "only_b_codes",
    "params",
)


def reference_pairs(ds: Any, zone_a: str, zone_b: str, codes: list[str] | None, lang: str = "zh") -> pd.DataFrame:
    """The pairs table as align built it pair by pair (default settings, counted statuses)."""
    statuses = ds.codebook.counted_statuses
    kept = set(ds.codebook.codes) if codes is None else set(codes)

    def chosen(zone: str) -> list[Any]:
        return [
            m
            for m in ds.zone(zone).measures
            if m.status in statuses and m.review != "pending" and any(c in kept for c in m.categories)
        ]

    a, b = chosen(zone_a), chosen(zone_b)
    index = fitted_index(ds, lang)
    text = index.similarity_array([m.id for m in a], [m.id for m in b])
    vectors = category_vectors(ds, [*a, *b], secondary_weight=0.5)
    domains = np.array([c.split(".")[0] for c in ds.codebook.codes])
    cat = pairwise_similarity(vectors, "soft_cosine", sigma=0.3, domains=domains)[: len(a), len(a) :]
    sim = 0.5 * text + 0.5 * cat
    rows, cols = assign_pairs(sim, sim >= 0.35)
    ranked = np.lexsort((np.array([a[i].id for i in rows], dtype=str), -sim[rows, cols]))
    rows, cols = rows[ranked], cols[ranked]
    return pd.DataFrame(
        {
            "measure_a": [a[i].id for i in rows],
            "measure_b": [b[j].id for j in cols],
            "similarity": sim[rows, cols],
            "text": text[rows, cols],
            "category": cat[rows, cols],
            "title_a": [a[i].title.get(lang) for i in rows],
            "title_b": [b[j].title.get(lang) for j in cols],
        },
        columns=PAIR_COLUMNS,
    )


def assert_same(batched: Alignment, single: Alignment) -> None:
    for name in FIELDS:
        assert getattr(batched, name) == getattr(single, name), name
    pd.testing.assert_frame_equal(batched.pairs, single.pairs, check_exact=True)


def aligner(ds: Any, zone: str) -> Aligner:
    return Aligner(
        ds,
        zone,
        alpha=0.5,
        threshold=0.35,
        sigma=0.3,
        lang="zh",
        statuses=ds.codebook.counted_statuses,
        secondary_weight=0.5,
        text_index=None,
    )


def known_both(ds: Any) -> dict[tuple[str, str], list[str]]:
    """The codes known for both zones of every pair (the codes the combined similarity aligns on)."""
    portfolio = portfolio_matrix(ds, status=ds.codebook.counted_statuses, zones=[z.id for z in ds.zones])
    known = portfolio.notna().to_numpy()
    codes = [str(c) for c in portfolio.columns]
    ids = [str(z) for z in portfolio.index]
    return {
        (a, b): [c for c, ok in zip(codes, known[i] & known[j], strict=True) if ok]
        for i, a in enumerate(ids)
        for j, b in enumerate(ids)
        if a != b
    }


def outcome(call: Any, *args: Any) -> Alignment | str:
    try:
        return call(*args)  # type: ignore[no-any-return]
    except InputError as exc:
        return f"InputError: {exc}"


def check_all_pairs(ds: Any) -> int:
    """Every ordered pair, on the codes known for both and on every code: batched == single == reference."""
    compared = 0
    overlap = known_both(ds)
    for target in ds.zone_ids:
        batch = aligner(ds, target)
        for other in ds.zone_ids:
            if other == target:
                continue
            for codes in (overlap[target, other], list(ds.codebook.codes)):
                single = outcome(lambda *args: align(*args[:3], codes=args[3]), ds, target, other, codes)
                batched = outcome(batch.align, other, codes)
                if isinstance(single, str):
                    assert batched == single  # the same InputError, the same message
                    continue
                assert isinstance(batched, Alignment)
                assert_same(batched, single)
                pd.testing.assert_frame_equal(single.pairs, reference_pairs(ds, target, other, codes), check_exact=True)
                compared += 1
    return compared


def test_batched_alignments_equal_align_on_every_shipped_pair(shipped) -> None:
    compared = check_all_pairs(shipped)
    n = len(shipped.zone_ids)
    assert compared > n * (n - 1)  # most pairs have measures to align, on both code sets


def _measure(template: Any, zone: str, name: str, **update: Any) -> Any:
    return template.model_copy(update={"id": f"{zone}.{name}", **update})


@pytest.fixture(scope="module")
def synthetic() -> Any:
    """The toy data plus zones built for the edge cases: ties, no measure, none counted, none in the codes."""
    toy = load_dataset(TOY)
    alpha, beta, gamma = toy.zones
    body = alpha.measures[0]  # statutory body, secondary corporate management
    partner = beta.measures[1]  # city partner (implemented)
    twins = beta.model_copy(
        update={
            "id": "twins",
            "measures": [
                _measure(body, "twins", "x1"),
                _measure(body, "twins", "x2"),  # the same text and categories: exact ties
                _measure(partner, "twins", "p1"),
                _measure(partner, "twins", "p2"),
                _measure(partner, "twins", "p3", secondary=["GOV.STATUTORY_BODY"]),
            ],
        }
    )
    empty = beta.model_copy(update={"id": "empty", "measures": []})
    uncounted = beta.model_copy(
        update={"id": "uncounted", "measures": [_measure(body, "uncounted", "u1", status="proposed")]}
    )
    elsewhere = beta.model_copy(  # only a category nobody else carries as primary
        update={
            "id": "elsewhere",
            "measures": [_measure(partner, "elsewhere", "e1", category="MKT.MIXED_OWNERSHIP", secondary=[])],
        }
    )
    return toy.replace_zones([alpha, beta, gamma, twins, empty, uncounted, elsewhere])


def test_batched_alignments_equal_align_on_synthetic_edge_cases(synthetic) -> None:
    assert check_all_pairs(synthetic) > 0
    errors = [
        outcome(aligner(synthetic, "twins").align, zone, list(synthetic.codebook.codes))
        for zone in ("empty", "uncounted")
    ]
    assert all(isinstance(e, str) and "has no measure to align" in e for e in errors)


def test_ties_are_broken_alike(synthetic) -> None:
    al = aligner(synthetic, "beta").align("twins", list(synthetic.codebook.codes))
    assert len(al.pairs) == 2 and al.pairs["similarity"].is_monotonic_decreasing
    assert_same(al, align(synthetic, "beta", "twins", codes=list(synthetic.codebook.codes)))


def comparison_state(c: Any) -> tuple[Any, ...]:
    al = c.alignment
    scalars = (c.score, c.low, c.high, c.structured, al.score, al.coverage_a_by_b, al.coverage_b_by_a)
    return (
        c.zone_a,
        c.zone_b,
        tuple("nan" if math.isnan(x) else x for x in scalars),
        c.overlap,
        c.reason,
        c.caveats,
        c.alignment_note,
        al.unmatched_a,
        al.unmatched_b,
        al.shared_codes,
        al.pairs.to_dict("list"),
    )


@pytest.mark.parametrize("data", ["shipped", "synthetic"])
def test_similarities_to_equals_one_call_per_pair(data, request) -> None:
    ds = request.getfixturevalue(data)
    targets = ds.zone_ids[:3] if data == "shipped" else ("twins", "empty", "elsewhere")
    for target in targets:
        ids = [z for z in ds.zone_ids if z != target]
        estimates = similarity_estimate(ds, zones=pair_estimate_zones(ds, target, *ids), rows=[target])
        together = similarities_to(ds, target, ids, estimates=estimates)
        one_by_one = [zone_similarity(ds, target, z, estimates=estimates) for z in ids]
        assert [comparison_state(c) for c in together] == [comparison_state(c) for c in one_by_one]


def test_pairs_table_is_lazy_and_pickles_as_a_table(shipped) -> None:
    al = aligner(shipped, "tianjin-htz").align("donghu-htz", list(shipped.codebook.codes))
    assert not isinstance(al.__dict__["pairs"], pd.DataFrame)  # not built yet
    copied = pickle.loads(pickle.dumps(al))
    assert isinstance(copied.__dict__["pairs"], pd.DataFrame)  # the pickle holds the table
    pd.testing.assert_frame_equal(copied.pairs, al.pairs, check_exact=True)
    assert al.pairs is al.pairs  # built once
    deep = copy.deepcopy(al)
    pd.testing.assert_frame_equal(deep.pairs, al.pairs, check_exact=True)
    assert "pairs" not in repr(al)
    assert al == al
    with pytest.raises(ValueError, match="ambiguous"):  # as before: two tables are not compared
        _ = al == copied
    with pytest.raises(AttributeError):
        al.pairs = al.pairs  # type: ignore[misc]


def test_category_features_with_a_repeated_measure_id() -> None:
    """Data built in code may repeat a measure id with other categories: each measure keeps its own vector."""
    from policybench.similarity.alignment import _category_similarity

    toy = load_dataset(TOY)
    alpha, beta, gamma = toy.zones
    twin = beta.measures[0].model_copy(update={"id": alpha.measures[0].id, "category": "MKT.MIXED_OWNERSHIP"})
    ds = toy.replace_zones([alpha, beta.model_copy(update={"measures": [twin, *beta.measures[1:]]}), gamma])
    a, b = list(ds.zone("alpha").measures), list(ds.zone("beta").measures)
    vectors = category_vectors(ds, [*a, *b], secondary_weight=0.5)
    domains = np.array([c.split(".")[0] for c in ds.codebook.codes])
    expected = pairwise_similarity(vectors, "soft_cosine", sigma=0.3, domains=domains)[: len(a), len(a) :]
    np.testing.assert_array_equal(_category_similarity(ds, a, b, 0.3, 0.5), expected)
