"""Measure alignment and combined comparison: hand-derived pairs, explanations, reproducibility."""

from __future__ import annotations

from math import sqrt
from pathlib import Path

import pytest

from policybench import InputError, load_dataset
from policybench.assessment import assess
from policybench.report import report
from policybench.similarity import align, compare, nearest_peers, zone_similarity, zone_similarity_matrix

TOY = Path(__file__).parent / "data" / "toy"


@pytest.fixture(scope="module")
def toy():
    return load_dataset(TOY)


def test_alignment_pairs_by_hand(toy) -> None:
    # alpha: statutory body (+ corporate mgmt), partner plan, mixed-ownership attempt
    # beta:  statutory pilot, city partner
    # every status (the plan and the attempt are not counted statuses; the default leaves them out)
    al = align(toy, "alpha", "beta", status=list(toy.codebook.status_codes))
    counted = align(toy, "alpha", "beta")
    assert "alpha.partner-plan" not in set(counted.pairs["measure_a"]) | set(counted.unmatched_a)
    pairs = dict(zip(al.pairs["measure_a"], al.pairs["measure_b"], strict=True))
    assert pairs == {"alpha.statutory-body": "beta.statutory-pilot", "alpha.partner-plan": "beta.city-partner"}
    assert al.unmatched_a == ("alpha.mixed-ownership-attempt",) and al.unmatched_b == ()
    assert al.coverage_a_by_b == pytest.approx(2 / 3) and al.coverage_b_by_a == 1.0
    # category part of the statutory pair: u = [1, .5, 0, 0, 0], v = [1, 0, 0, 0, 0], sigma 0.3
    statutory = al.pairs.set_index("measure_a").loc["alpha.statutory-body"]
    assert statutory["category"] == pytest.approx((0.7 * 1 + 0.3 * 1.5) / sqrt(0.7 * 1.25 + 0.3 * 2.25))
    assert statutory["similarity"] == pytest.approx(0.5 * statutory["text"] + 0.5 * statutory["category"])
    assert al.score == pytest.approx(2 * al.pairs["similarity"].sum() / 5)
    assert al.shared_codes == ("GOV.STATUTORY_BODY", "MKT.PARTNER_SYSTEM")
    assert "MKT.MIXED_OWNERSHIP" in al.only_a_codes


def test_threshold_and_alpha(toy) -> None:
    assert align(toy, "alpha", "beta", threshold=1.01).pairs.empty
    category_only = align(toy, "alpha", "beta", alpha=0.0)
    assert (category_only.pairs["similarity"] == category_only.pairs["category"]).all()
    with pytest.raises(InputError, match="'alpha' parameter"):
        align(toy, "alpha", "beta", alpha=2)


def test_compare_components_and_explanation(toy) -> None:
    c = compare(toy, "alpha", "gamma", lang="en")
    assert c.score == pytest.approx(0.5 * c.structured + 0.5 * c.alignment_score)
    text = str(c)
    assert "alpha vs gamma" in text and "Shared categories" in text
    assert "<table>" in c._repr_html_()


def test_shipped_comparisons_are_explained_and_reproducible(shipped_examined) -> None:
    shipped = shipped_examined
    for other in ("wuhan-city-partner", "donghu-htz"):
        first = compare(shipped, "tianjin-htz", other, lang="en")
        second = compare(shipped, "tianjin-htz", other, lang="en")
        assert first.alignment.shared_codes, other  # non-trivial: shared categories named
        assert any(code in first.explain() for code in first.alignment.shared_codes)
        assert (first.score, first.structured, first.alignment_score) == (
            second.score,
            second.structured,
            second.alignment_score,
        )
    donghu = compare(shipped, "tianjin-htz", "donghu-htz")
    assert "DEL.MUNICIPAL_POWERS" in donghu.alignment.shared_codes


def test_zone_similarity_and_peers(shipped_examined) -> None:
    shipped = shipped_examined
    matrix = zone_similarity_matrix(shipped, method="structured")
    assert "national-policy" not in matrix.index  # a frame of national directions is not a zone to compare
    assert not matrix.isna().any().any() and not matrix.attrs  # values only: metadata lives in result objects
    peers = nearest_peers(shipped, "tianjin-htz", k=3)
    assert list(peers["rank"]) == [1, 2, 3] and peers["similarity"].is_monotonic_decreasing
    assert ((peers["low"] <= peers["similarity"]) & (peers["similarity"] <= peers["high"])).all()
    assert "tianjin-htz" not in set(peers["zone_id"]) and "national-policy" not in set(peers["zone_id"])
    kinds = nearest_peers(shipped, "tianjin-htz", k=2, kind="national-high-tech-zone", method="structured")
    assert set(kinds["kind"]) == {"national-high-tech-zone"} and len(kinds) == 2
    with pytest.raises(InputError, match="no candidate peers"):
        nearest_peers(shipped, "tianjin-htz", kind="no-such-kind")


def test_one_definition_of_combined_similarity(shipped_examined) -> None:
    ds = shipped_examined
    pair = zone_similarity(ds, "tianjin-htz", "tianjin-teda")
    assert pair.defined and pair.overlap == len(ds.codebook.codes) and pair.overlap_share == 1.0
    via_compare = compare(ds, "tianjin-htz", "tianjin-teda")
    zones = ["tianjin-htz", "tianjin-teda", "wuhan-city-partner", "donghu-htz"]
    matrix = zone_similarity_matrix(ds, zones=zones)
    peers = nearest_peers(ds, "tianjin-htz", k=20).set_index("zone_id")
    assessment = assess(ds, "tianjin-htz", against=["tianjin-teda", "donghu-htz"], draws=0)
    in_report = {s["zone"]: s["score"] for s in report(assessment, lang="en").content["similarity"]}
    assert in_report["tianjin-teda"] == pytest.approx(pair.score, abs=1e-4)  # reports round to 4 decimals
    for value in (
        via_compare.score,
        matrix.loc["tianjin-htz", "tianjin-teda"],
        peers.loc["tianjin-teda", "similarity"],
        assessment.table("similarity").set_index("zone_id").loc["tianjin-teda", "similarity"],
    ):
        assert value == pytest.approx(pair.score, abs=1e-12)
    assert pair.score == pytest.approx(0.5 * pair.structured + 0.5 * pair.alignment_score)


def test_overlap_restricts_both_components(toy) -> None:
    # beta examined only GOV: the overlap with alpha is the 2 GOV categories
    from _checklist import examined

    narrowed = examined(toy, {"alpha": ["GOV", "MKT"], "beta": ["GOV"], "gamma": ["GOV", "MKT"]})
    c = zone_similarity(narrowed, "alpha", "beta", min_overlap=2)
    # beta's city partner is counted, so MKT.PARTNER_SYSTEM is known (present) although beta has
    # no absence in MKT: the overlap is GOV.STATUTORY_BODY, GOV.CORPORATE_MGMT, MKT.PARTNER_SYSTEM
    assert (c.overlap, c.overlap_share) == (3, 3 / 5)
    # structured over it: alpha [1, .5 | 0], beta [2/3, 0 | 1]; soft cosine, sigma .3
    u, v = [1, 0.5, 0], [2 / 3, 0, 1]

    def sc(x: list[float], y: list[float]) -> float:
        dot = sum(a * b for a, b in zip(x, y, strict=True))
        return 0.7 * dot + 0.3 * ((x[0] + x[1]) * (y[0] + y[1]) + x[2] * y[2])

    from policybench.similarity import portfolio_matrix, similarity_matrix

    known_only = similarity_matrix(portfolio_matrix(narrowed), metric="soft_cosine", min_overlap=2).loc["alpha", "beta"]
    assert known_only == pytest.approx(sc(u, v) / sqrt(sc(u, u) * sc(v, v)))
    # the combined's structured part is the estimate: beta's unknown MKT cells imputed
    assert c.structured == c.estimate["estimate"]
    assert set(c.alignment.pairs["measure_a"]) <= {"alpha.statutory-body"}
    tight = zone_similarity(narrowed, "alpha", "beta", min_overlap=4)
    # an overlap under min_overlap is a caveat, not a veto: the same number, flagged
    assert tight.defined and tight.caveats == ("thin-overlap",) and tight.score == c.score
    assert zone_similarity(narrowed, "alpha", "gamma").overlap == 5
    assert "Overlap: 3 categories" in tight.explain(lang="en") and "少于 4 个" in str(tight)  # zh by default
    # the structured part is the estimate, with its interval and the share known for both
    e = tight.estimate
    assert e["low"] <= e["estimate"] <= e["high"] and e["known_share"] == pytest.approx(3 / 5)
    assert f"结构估计 {e['estimate']:.2f}" in str(tight)
    assert tight.to_dict()["score"] == tight.score and tight.to_dict()["caveats"] == ["thin-overlap"]


def test_gap_analysis_with_nearest_peers(shipped_examined) -> None:
    from policybench.gaps import gap_analysis

    shipped = shipped_examined
    from policybench.similarity import similarity_estimate

    gap = gap_analysis(shipped, "tianjin-htz", peers=3)
    assert gap.benchmark == tuple(sorted(similarity_estimate(shipped).peers("tianjin-htz", 3)["zone_id"]))
    assert len(gap_analysis(load_dataset(), "tianjin-htz", peers=3).benchmark) == 3  # K peers on the real data
    assert gap.params["peers"] == 3


@pytest.mark.parametrize(("a", "b"), [("tianjin-htz", "donghu-htz"), ("suzhou-industrial-park", "nanjing-htz")])
def test_pairs_come_sorted_by_similarity_then_measure(a: str, b: str) -> None:
    """The pairs table is built in its final order: highest similarity first, ties by measure_a; score as summed."""
    import pandas as pd

    ds = load_dataset()
    pairs = align(ds, a, b).pairs
    assert len(pairs) > 3
    resorted = pairs.sort_values(["similarity", "measure_a"], ascending=[False, True], kind="mergesort")
    pd.testing.assert_frame_equal(pairs, resorted.reset_index(drop=True))
    result = align(ds, a, b)
    n = len(result.pairs) + len(result.unmatched_a) + len(result.pairs) + len(result.unmatched_b)
    assert result.score == pytest.approx(2 * result.pairs["similarity"].sum() / n, abs=1e-12)
