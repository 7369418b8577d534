"""The combined similarity as an estimate for every pair: one definition, re-derived from the public API.

zone_similarity is the definition; zone_similarity_estimate, zone_similarity_matrix and nearest_peers
must give the same numbers pair by pair, and the imputed alignment of a pair with nothing to align
must be the mean of both zones' alignments with every other zone (recomputed here by hand).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from policybench.similarity import (
    nearest_peers,
    similarities_to,
    similarity_estimate,
    zone_similarity,
    zone_similarity_estimate,
    zone_similarity_matrix,
)
from policybench.similarity.combined import pair_estimate_zones


def _pairs(zones: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(zones) for b in zones[i + 1 :]]


def test_matrix_and_peers_are_zone_similarity_pair_by_pair(shipped) -> None:
    zones = ["tianjin-htz", "wuhan-city-partner", "donghu-htz", "nanjing-jiangning", "hefei-etdz", "xixian-new-area"]
    est = zone_similarity_estimate(shipped, zones=zones)
    structured = similarity_estimate(shipped, zones=pair_estimate_zones(shipped, *zones))
    matrix = zone_similarity_matrix(shipped, zones=zones)
    seen = set()
    for a, b in _pairs(zones):
        c = zone_similarity(shipped, a, b, estimates=structured)
        i, j = zones.index(a), zones.index(b)
        for got, want in ((est.estimate, c.score), (est.low, c.low), (est.high, c.high)):
            assert got[i, j] == pytest.approx(want, abs=1e-12) and got[j, i] == got[i, j]
        assert matrix.loc[a, b] == est.estimate[i, j] and est.overlap[i, j] == c.overlap
        seen.update(c.caveats)
    assert {"thin-overlap", "alignment-imputed"} <= seen  # the pairs cover the caveats
    together = similarities_to(shipped, "wuhan-city-partner", zones, estimates=structured)
    assert [c.zone_b for c in together] == [z for z in zones if z != "wuhan-city-partner"]
    for c in together:
        alone = zone_similarity(shipped, "wuhan-city-partner", c.zone_b, estimates=structured)
        assert (c.score, c.low, c.high) == pytest.approx((alone.score, alone.low, alone.high), abs=1e-12)
        assert c.caveats == alone.caveats
    peers = nearest_peers(shipped, "wuhan-city-partner", k=40).set_index("zone_id")
    for z in zones[:1] + zones[2:]:
        c = zone_similarity(shipped, "wuhan-city-partner", z, estimates=structured)
        assert peers.loc[z, "similarity"] == pytest.approx(c.score, abs=1e-12)
        assert (peers.loc[z, "low"], peers.loc[z, "high"]) == pytest.approx((c.low, c.high), abs=1e-12)


def test_an_imputed_alignment_is_the_mean_of_both_zones_alignments(shipped) -> None:
    a = "wuhan-city-partner"  # a programme entry: many pairs with nothing to align
    imputed = [c.zone_b for c in similarities_to(shipped, a) if "alignment-imputed" in c.caveats]
    assert imputed, "the shipped data no longer has a pair with nothing to align: pick another case"
    b = imputed[0]
    structured = similarity_estimate(shipped, zones=pair_estimate_zones(shipped, a, b))
    c = zone_similarity(shipped, a, b, estimates=structured)
    assert "alignment-imputed" in c.caveats and math.isnan(c.alignment_score)
    assert "neither zone has a counted measure" in c.alignment_note
    pool = []
    for x in (a, b):
        for other in pair_estimate_zones(shipped, x):
            if other != x:
                score = zone_similarity(shipped, x, other, estimates=structured).alignment_score
                if not math.isnan(score):
                    pool.append(score)
    mean = sum(pool) / len(pool)
    q_low, q_high = np.quantile(pool, [0.05, 0.95])
    e = c.estimate
    assert c.score == pytest.approx(0.5 * e["estimate"] + 0.5 * mean, abs=1e-12)
    assert (c.low, c.high) == pytest.approx((0.5 * e["low"] + 0.5 * q_low, 0.5 * e["high"] + 0.5 * q_high), abs=1e-12)
    assert c.high - c.low > 0.5 * (e["high"] - e["low"])  # the imputed alignment widens the interval


def test_every_shipped_pair_has_an_interval_and_peers_come_k_at_a_time(shipped) -> None:
    est = zone_similarity_estimate(shipped)
    assert "national-policy" not in est.zone_ids
    assert not np.isnan(est.estimate).any()
    assert (est.low <= est.estimate + 1e-12).all() and (est.estimate <= est.high + 1e-12).all()
    for target in ("tianjin-htz", "wuhan-city-partner", "xixian-new-area"):
        for k in (1, 3, 10):
            assert len(nearest_peers(shipped, target, k=k)) == k
    assert est.params["method"] == "combined" and est.params["lam"] == 0.5


def test_lam_weights_the_two_parts(shipped) -> None:
    structured_only = zone_similarity(shipped, "tianjin-htz", "donghu-htz", lam=1.0)
    alignment_only = zone_similarity(shipped, "tianjin-htz", "donghu-htz", lam=0.0)
    assert structured_only.score == structured_only.estimate["estimate"]
    assert (structured_only.low, structured_only.high) == (
        structured_only.estimate["low"],
        structured_only.estimate["high"],
    )
    assert alignment_only.score == alignment_only.low == alignment_only.high == alignment_only.alignment_score


def test_every_caveat_has_the_reports_words_in_both_languages() -> None:
    from policybench.labels import LABELS
    from policybench.similarity.combined import CAVEATS

    for caveat in CAVEATS:
        words = LABELS[f"caveat_{caveat}"]
        assert words["zh"] and words["en"] and words["zh"] != words["en"], caveat
