"""Similarity as an estimate with an interval: the imputation model computed by hand on a toy."""

from __future__ import annotations

from math import sqrt

import numpy as np
import pytest

from policybench import InputError, load_codebook, load_dataset
from policybench.data.dataset import Dataset
from policybench.data.model import Zone
from policybench.report import report
from policybench.similarity import similarity_estimate
from policybench.similarity.intervals import adoption_rates

CODES = [
    "GOV.STATUTORY_BODY",
    "GOV.CORPORATE_MGMT",
    "MKT.PARTNER_SYSTEM",
    "MKT.PLATFORM_COMPANY_REFORM",
    "MKT.MIXED_OWNERSHIP",
]


def _zone(zone_id: str, present: list[str], unknown: list[str]) -> Zone:
    search = {"date": "2021", "queries": ["toy"]}
    return Zone.model_validate(
        {
            "id": zone_id,
            "name": {"zh": zone_id, "en": zone_id},
            "kind": "national-high-tech-zone",
            "region": {"province": {"zh": "测试省", "en": "Test"}},
            "description": {"zh": "玩具。", "en": "Toy."},
            "sources": [{"id": "doc", "title": "T", "publisher": "P", "kind": "primary"}],
            "absent": [
                {"code": c, "basis": "search", "confidence": "medium", "search": search}
                for c in CODES
                if c not in present and c not in unknown
            ],
            "measures": [
                {
                    "id": f"{zone_id}.m{i}",
                    "title": {"zh": "举措", "en": "m"},
                    "summary": {"zh": "举措。", "en": "m."},
                    "category": c,
                    "status": "implemented",
                    "depth": 3,
                    "evidence": [{"source": "doc", "locator": "p1"}],
                    "confidence": "high",
                }
                for i, c in enumerate(present)
            ],
        }
    )


@pytest.fixture(scope="module")
def toy(data_dir) -> Dataset:
    codebook = load_codebook(data_dir / "toy-states" / "codebook.yaml")
    x = _zone("x", ["GOV.STATUTORY_BODY"], [])
    y = _zone("y", ["GOV.STATUTORY_BODY", "GOV.CORPORATE_MGMT"], [])
    z = _zone("z", ["GOV.STATUTORY_BODY"], ["GOV.CORPORATE_MGMT"])
    nothing = _zone("w", [], CODES)
    return Dataset(codebook, (x, y, z, nothing))


def test_adoption_posterior_by_hand() -> None:
    # known cells: column 0 present 2 of 2, column 1 present 0 of 3: r = 2/5, a = 2
    values = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 0.0]])
    known = np.array([[True, True], [True, True], [False, True]])
    p, r = adoption_rates(values, known, prior_strength=2.0)
    assert r == pytest.approx(2 / 5)
    assert p.tolist() == pytest.approx([(2 + 0.8) / (2 + 2), (0 + 0.8) / (3 + 2)])


def test_one_imputed_cell_by_hand(toy) -> None:
    est = similarity_estimate(toy, metric="cosine", draws=4000, seed=1, zones=["x", "y", "z", "w"])
    # adoption of GOV.CORPORATE_MGMT: known for x (absent) and y (present): k = 1, n = 2; base rate over all
    # known cells r = 4/14 (statutory 3 of 3, corporate 1 of 2, the others 0 of 9); posterior mean with a = 2:
    # (1 + 2r) / (2 + 2) = 11/28. When z does it, its score is y's, 1.0 (the only known positive score).
    p = 11 / 28
    with_it, without = 1 / sqrt(2), 1.0  # cosine of z to x: [1, 1, 0, 0, 0] vs [1, 0, 0, 0, 0], or equal
    zx = est.pair("z", "x")
    assert zx["estimate"] == pytest.approx(p * with_it + (1 - p) * without, abs=0.01)
    assert (zx["low"], zx["high"]) == pytest.approx((with_it, without))  # 5 % and 95 % quantiles
    assert zx["known_share"] == pytest.approx(4 / 5)
    zy = est.pair("z", "y")
    assert zy["estimate"] == pytest.approx(p * 1.0 + (1 - p) * with_it, abs=0.01)


def test_known_pairs_are_exact_with_no_width(toy) -> None:
    est = similarity_estimate(toy, metric="cosine", draws=50, zones=["x", "y", "z", "w"])
    xy = est.pair("x", "y")
    assert xy["estimate"] == pytest.approx(1 / sqrt(2)) and xy["low"] == xy["high"] == xy["estimate"]
    assert xy["known_share"] == 1.0


def test_nothing_known_is_the_only_nan(toy) -> None:
    est = similarity_estimate(toy, draws=20, zones=["x", "y", "z", "w"])
    m = est.matrix()
    assert m.loc["w"].isna().all() and m["w"].isna().all()
    assert not m.drop(index="w", columns="w").isna().any().any()
    assert est.peers("z", 5)["zone_id"].tolist()[:2] == sorted(["x", "y"], key=lambda z: -est.pair("z", z)["estimate"])
    with pytest.raises(InputError, match="draws"):
        similarity_estimate(toy, draws=0)
    with pytest.raises(InputError, match="level"):
        similarity_estimate(toy, level=1.5)


def test_every_shipped_pair_has_an_estimate_and_is_reproducible() -> None:
    ds = load_dataset()
    first, second = similarity_estimate(ds, draws=40), similarity_estimate(ds, draws=40)
    assert "national-policy" not in first.zone_ids  # a frame of directions, not a zone
    assert not first.matrix().isna().any().any()
    for name in ("estimate", "low", "high", "known_share"):
        assert first.matrix(name).to_numpy().tobytes() == second.matrix(name).to_numpy().tobytes()
    table = first.table()
    assert (table["low"] <= table["estimate"] + 1e-12).all() and (table["estimate"] <= table["high"] + 1e-12).all()
    assert len(first.peers("tianjin-htz", 3)) == 3
    with pytest.raises(ValueError):
        first.estimate[0, 0] = 0.5  # read-only


def test_the_assessment_and_its_report_show_every_estimate() -> None:
    from policybench import assess

    a = assess(load_dataset(), "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=0)
    table = a.table("similarity").set_index("zone_id")
    assert not table[["similarity", "similarity_low", "similarity_high", "known_share"]].isna().any().any()
    wuhan = table.loc["wuhan-city-partner"]
    assert wuhan["reason"] == "" and "thin-overlap" in wuhan["caveats"]  # 7 categories known for both, under 8
    assert wuhan["similarity_low"] <= wuhan["similarity"] <= wuhan["similarity_high"]
    from policybench.similarity import zone_similarity

    alone = zone_similarity(load_dataset(), "tianjin-htz", "wuhan-city-partner")  # one estimate for all
    assert (wuhan["structured"], wuhan["known_share"]) == (alone.estimate["estimate"], alone.estimate["known_share"])
    shown = f"{wuhan['similarity']:.2f} ({wuhan['similarity_low']:.2f}–{wuhan['similarity_high']:.2f})"
    for lang in ("en", "zh"):
        assert shown in report(a, lang=lang, generated="2026-12-07").to_markdown()
