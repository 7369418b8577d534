"""Wrong types at the public API: InputError "The 'k' parameter of f must be X. Got Y instead."."""

from __future__ import annotations

import pytest

import policybench as pb
from policybench.gaps import gap_analysis, recommend, sensitivity
from policybench.report import report
from policybench.similarity import compare, nearest_peers, portfolio_matrix, similarity_matrix, zone_similarity_matrix


@pytest.fixture(scope="module")
def gap(shipped):
    return gap_analysis(shipped, "tianjin-htz", against=["donghu-htz"])


CALLS = {
    "load_dataset(int)": (lambda ds, gap: pb.load_dataset(123), "path", "load_dataset"),
    "load_zone(None)": (lambda ds, gap: pb.load_zone(None), "path", "load_zone"),
    "load_codebook(int)": (lambda ds, gap: pb.load_codebook(3), "path", "load_codebook"),
    "validate(int)": (lambda ds, gap: pb.validate(3), "paths", "validate"),
    "gap_analysis(dict)": (lambda ds, gap: gap_analysis({}, "tianjin-htz"), "dataset", "gap_analysis"),
    "gap_analysis(target=int)": (lambda ds, gap: gap_analysis(ds, 3), "target", "gap_analysis"),
    "gap_analysis(against=str)": (
        lambda ds, gap: gap_analysis(ds, "tianjin-htz", against="donghu-htz"),
        "against",
        "gap_analysis",
    ),
    "gap_analysis(weights=list)": (
        lambda ds, gap: gap_analysis(ds, "tianjin-htz", weights=[1, 2]),
        "weights",
        "gap_analysis",
    ),
    "gap_analysis(weights=nan)": (
        lambda ds, gap: gap_analysis(ds, "tianjin-htz", weights={"GOV.STATUTORY_BODY": float("nan")}),
        "weights",
        "gap_analysis",
    ),
    "gap_analysis(status=int)": (lambda ds, gap: gap_analysis(ds, "tianjin-htz", status=3), "status", "gap_analysis"),
    "portfolio_matrix(dict)": (lambda ds, gap: portfolio_matrix({}), "dataset", "portfolio_matrix"),
    "similarity_matrix(dict)": (lambda ds, gap: similarity_matrix({}), "portfolio", "similarity_matrix"),
    "compare(dict)": (lambda ds, gap: compare({}, "a", "b"), "dataset", "compare"),
    "compare(lam=str)": (lambda ds, gap: compare(ds, "tianjin-htz", "donghu-htz", lam="x"), "lam", "compare"),
    "zone_similarity_matrix(dict)": (lambda ds, gap: zone_similarity_matrix({}), "dataset", "zone_similarity_matrix"),
    "nearest_peers(dict)": (lambda ds, gap: nearest_peers({}, "x"), "dataset", "nearest_peers"),
    "recommend(dict)": (lambda ds, gap: recommend({}), "gap", "recommend"),
    "sensitivity(draws=10**12)": (lambda ds, gap: sensitivity(gap, draws=10**12), "draws", "sensitivity"),
    "report(dict)": (lambda ds, gap: report({}), "assessment", "report"),
    "Dataset(dict)": (lambda ds, gap: pb.Dataset({}, ()), "codebook", "Dataset"),
}


@pytest.mark.parametrize("case", list(CALLS))
def test_wrong_types_raise_input_error_naming_the_parameter(case: str, shipped, gap) -> None:
    call, name, function = CALLS[case]
    with pytest.raises(pb.InputError) as caught:
        call(shipped, gap)
    message = str(caught.value)
    assert f"The '{name}' parameter of {function} must be" in message
    assert "Got " in message and message.endswith("instead.")
