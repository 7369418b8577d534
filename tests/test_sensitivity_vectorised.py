"""The vectorised robustness draws give the numbers of the loop they replaced, for the same seed.

``_sensitivity_loop`` is a verbatim copy of gaps/sensitivity.py before the draws were
vectorised (a loop per zone and per category); every comparison is exact (``DataFrame.equals``).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from _sensitivity_loop import sensitivity as loop_sensitivity

from policybench import load_dataset
from policybench.gaps import gap_analysis, sensitivity, sensitivity_parameters

TOY = Path(__file__).parent / "data" / "toy"


def _same(gap, **kwargs) -> None:
    new = sensitivity(gap, **kwargs)
    old = loop_sensitivity(gap, **kwargs)
    assert new.equals(old), new.compare(old)
    assert not new.attrs  # values only (the loop's record of its parameters is sensitivity_parameters')
    if old.empty:  # nothing to rank (no known gap): the loop returned a bare empty frame, without a record
        return
    assert sensitivity_parameters(gap, **{k: v for k, v in kwargs.items() if k != "progress"}) == old.attrs


def _zones(ds) -> list[str]:
    return [z.id for z in ds.zones if z.kind != "national-policy"]


@pytest.mark.parametrize("frontier", ["max", "mean", "gamma"])
@pytest.mark.parametrize("seed", [0, 3])
def test_toy_identical_to_the_loop(frontier: str, seed: int) -> None:
    toy = load_dataset(TOY)
    for prior in (0, 2):
        gap = gap_analysis(toy, "alpha", against=["beta", "gamma"], frontier=frontier, adoption_prior=prior)
        _same(gap, draws=400, seed=seed, top=2)
        _same(gap, draws=7, seed=seed, top=1, keep_probability={"high": 0.3, "medium": 0.6, "low": 0.1})


def test_shipped_identical_to_the_loop(shipped) -> None:
    ids = _zones(shipped)
    cases = [
        (ids[0], "max", {}),
        (ids[3], "mean", {"seed": 5, "top": 3}),
        ("chengdu-htz", "changsha-htz", {"seed": 2}),  # a named frontier zone with a non-empty ranking
        (ids[-1], "mean", {"keep_probability": {"high": 0.5, "medium": 0.3, "low": 0.9}, "weight_range": (0.0, 2.0)}),
    ]
    for target, frontier, kwargs in cases:
        gap = gap_analysis(shipped, target, against=[i for i in ids if i != target], frontier=frontier)
        assert len(gap.known_table()) > 1
        _same(gap, draws=1000, **kwargs)


def test_shipped_every_target_identical_to_the_loop(shipped) -> None:
    ids = _zones(shipped)
    for k, target in enumerate(ids):
        gap = gap_analysis(shipped, target, against=[i for i in ids if i != target], frontier=("max", "mean")[k % 2])
        _same(gap, draws=300, seed=k)


def _copies(ds, zone_id: str, n: int) -> list:
    zone = ds.zone(zone_id)
    return [
        zone.model_copy(
            update={
                "id": f"{zone_id}{i}",
                "measures": [
                    m.model_copy(update={"id": m.id.replace(zone_id, f"{zone_id}{i}", 1)}) for m in zone.measures
                ],
            }
        )
        for i in range(n)
    ]


def test_single_candidate_code_identical_to_the_loop() -> None:
    """One candidate code (the loop summed its mean frontier pairwise, a single column)."""
    toy = load_dataset(TOY)
    alpha = toy.zone("alpha")
    lone = alpha.model_copy(
        update={"measures": [m for m in alpha.measures if m.id == "alpha.partner-plan"], "absent": []}
    )
    bench = _copies(toy, "beta", 9) + _copies(toy, "gamma", 8)
    ds = toy.replace_zones([lone, *bench])
    gap = gap_analysis(ds, "alpha", against=[z.id for z in bench], frontier="mean", adoption_prior=0)
    assert len(gap.known_table()) == 1
    for seed in range(4):
        _same(gap, draws=300, seed=seed, keep_probability={"high": 0.7, "medium": 0.6, "low": 0.5})


def test_chunks_change_nothing(shipped, monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module("policybench.gaps.sensitivity")

    ids = _zones(shipped)
    gap = gap_analysis(shipped, ids[2], against=ids[3:], frontier="mean")
    whole = sensitivity(gap, draws=600, seed=9)
    monkeypatch.setattr(module, "DRAW_CHUNK", 7)
    assert sensitivity(gap, draws=600, seed=9).equals(whole)


def test_evidence_draws_in_pieces_are_the_draws_at_once(shipped, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept-measure draws read a row of random numbers at a time: the loop's numbers all the same."""
    module = importlib.import_module("policybench.gaps.sensitivity")
    monkeypatch.setattr(module, "KEPT_CHUNK_BYTES", 1)  # one draw a piece
    ids = _zones(shipped)
    gap = gap_analysis(shipped, ids[1], against=[i for i in ids if i != ids[1]])
    _same(gap, draws=300, seed=4)
