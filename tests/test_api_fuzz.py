"""The public API is total: every parameter, fed a hostile value, succeeds or raises PolicyBenchError.

The test enumerates the public API (``policybench.__all__`` and the ``__all__`` of the public
subpackages), and for every public function and every public method of the result classes
builds valid base arguments on small data (the toy dataset, one zone file, a short text), then
substitutes, one parameter at a time, every value of a list of hostile values: wrong types,
``None``, bools, NaN and infinities, negative and huge numbers, empty and one-element
sequences, unknown ids and codes, a Measure of an unknown category. Each call must return
or raise :class:`~policybench.errors.PolicyBenchError` (``InputError`` and its subclasses);
a builtin exception (TypeError, ValueError, KeyError, AttributeError, IndexError,
ZeroDivisionError ...) is a leak and fails the test, listing every leak of that function.

``test_every_public_callable_is_fuzzed`` keeps the list complete: a new public name fails it
until it is given base arguments here (or a reason in ``NOT_FUZZED``).
"""

from __future__ import annotations

import importlib
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import policybench as pb
from policybench.errors import PolicyBenchError

DATA = Path(__file__).parent / "data"
TOY = DATA / "toy"
ZONE_FILE = TOY / "zones" / "alpha.yaml"

PUBLIC_MODULES = (
    "policybench",
    "policybench.similarity",
    "policybench.gaps",
    "policybench.data",
    "policybench.report",
    "policybench.draft",
    "policybench.diffusion",
    "policybench.agreement",
    "policybench.batch",
    "policybench.assessment",
)


class _Odd:
    """An object of no expected type."""

    def __repr__(self) -> str:
        return "<odd>"


#: Hostile values tried for every parameter.
HOSTILE: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    10**12,
    1.5,
    -0.5,
    math.nan,
    math.inf,
    -math.inf,
    "",
    "x",
    "nope-unknown-id",
    [],
    ["x"],
    (1,),
    ("x", "y", "z"),
    {},
    {"x": 1},
    _Odd(),
)


def _unknown_measure() -> Any:
    measure = pb.load_zone(ZONE_FILE).measures[0]
    return measure.model_copy(update={"category": "MKT.NOPE", "id": "alpha.nope"})


@dataclass
class Ctx:
    """Valid objects to build base arguments from (built once per module)."""

    toy: Any
    codebook: Any
    zone: Any
    zone_b: Any
    gap: Any
    assessment: Any
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def ctx() -> Ctx:
    from policybench.gaps import gap_analysis

    toy = pb.load_dataset(TOY / "zones", codebook=TOY / "codebook.yaml")
    gap = gap_analysis(toy, "alpha", against=["beta", "gamma"])
    assessment = pb.assess(toy, "alpha", against=["beta", "gamma"], draws=20)
    return Ctx(
        toy=toy,
        codebook=toy.codebook,
        zone=toy.zone("alpha"),
        zone_b=toy.zone("beta"),
        gap=gap,
        assessment=assessment,
    )


@dataclass
class Case:
    """A callable and its valid base arguments: ``build(ctx) -> (callable, args, kwargs)``."""

    build: Callable[[Ctx], tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]]
    #: Extra hostile values per parameter (on top of HOSTILE).
    extra: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    #: Parameters not fuzzed, by design (the reason in a comment where the case is declared).
    skip: tuple[str, ...] = ()
    #: Documented builtin exceptions this callable may raise (besides PolicyBenchError).
    allowed: tuple[type[BaseException], ...] = ()


def _f(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[Ctx], Any]:
    return lambda c: (func, args, kwargs)


UNKNOWN_MEASURE = "__unknown_measure__"  # replaced by a Measure of category MKT.NOPE when the test runs


def _cases() -> dict[str, Case]:
    sim = importlib.import_module("policybench.similarity")
    gaps = importlib.import_module("policybench.gaps")
    data = importlib.import_module("policybench.data")
    rep = importlib.import_module("policybench.report")
    dr = importlib.import_module("policybench.draft")
    dif = importlib.import_module("policybench.diffusion")
    agr = importlib.import_module("policybench.agreement")
    bat = importlib.import_module("policybench.batch")
    text = "第一条 推行法定机构改革，实行企业化管理。第二条 推行合伙人制度。"

    def portfolio(c: Ctx) -> Any:
        return sim.portfolio_matrix(c.toy)

    cases: dict[str, Case] = {
        # ------------------------------------------------------------ policybench
        "agreement": Case(lambda c: (agr.agreement, (c.zone, c.zone_b), {"codebook": c.codebook})),
        "assess": Case(
            lambda c: (pb.assess, (c.toy, "alpha"), {"against": ["beta", "gamma"], "draws": 20}),
            extra={"as_of": ("2021-13", "1999"), "weights": ({"GOV.STATUTORY_BODY": math.nan},)},
        ),
        "category_weights": Case(lambda c: (pb.category_weights, (c.codebook,), {"codes": ["GOV.STATUTORY_BODY"]})),
        "codebook_table": Case(lambda c: (pb.codebook_table, (c.codebook,), {})),
        "compare": Case(lambda c: (pb.compare, (c.toy, "alpha", "beta"), {})),
        "draft": Case(
            lambda c: (pb.draft, (text,), {"dataset": c.toy}),
            extra={"date": ("2021-13", "yesterday"), "segmenter": ("nope",)},
        ),
        "is_counted": Case(lambda c: (pb.is_counted, (c.zone.measures[0], ("implemented",)), {})),
        "load_codebook": Case(_f(pb.load_codebook, TOY / "codebook.yaml")),
        "load_dataset": Case(_f(pb.load_dataset, TOY / "zones", codebook=TOY / "codebook.yaml")),
        "load_zone": Case(lambda c: (pb.load_zone, (ZONE_FILE,), {"codebook": c.codebook})),
        "portfolio_matrix": Case(lambda c: (pb.portfolio_matrix, (c.toy,), {})),
        "prerequisite_order": Case(lambda c: (pb.prerequisite_order, (c.codebook, ["GOV.STATUTORY_BODY"]), {})),
        "report": Case(lambda c: (rep.report, (c.assessment,), {})),
        "similarity_matrix": Case(lambda c: (pb.similarity_matrix, (portfolio(c),), {})),
        "undefined_pairs": Case(lambda c: (sim.undefined_pairs, (portfolio(c),), {})),
        "validate": Case(_f(pb.validate, [ZONE_FILE], codebook=TOY / "codebook.yaml")),
        # ------------------------------------------------------------ similarity
        "align": Case(lambda c: (sim.align, (c.toy, "alpha", "beta"), {})),
        "default_min_overlap": Case(_f(sim.default_min_overlap, 5)),
        "nearest_peers": Case(lambda c: (sim.nearest_peers, (c.toy, "alpha"), {"k": 2})),
        "normalize_text": Case(_f(sim.normalize_text, text)),
        "normalize_texts": Case(_f(sim.normalize_texts, [text])),
        "overlap_matrix": Case(lambda c: (sim.overlap_matrix, (portfolio(c),), {})),
        "pairwise_similarity": Case(
            lambda c: (sim.pairwise_similarity, (portfolio(c).fillna(0).to_numpy(), "cosine"), {}),
            extra={"dtype": (int, str)},
        ),
        "scope_matrix": Case(lambda c: (sim.scope_matrix, (c.toy,), {})),
        "similarity_estimate": Case(lambda c: (sim.similarity_estimate, (c.toy,), {"draws": 10})),
        "zone_similarity": Case(lambda c: (sim.zone_similarity, (c.toy, "alpha", "beta"), {})),
        "zone_similarity_matrix": Case(lambda c: (sim.zone_similarity_matrix, (c.toy,), {})),
        "zone_similarity_estimate": Case(lambda c: (sim.zone_similarity_estimate, (c.toy,), {})),
        "similarities_to": Case(lambda c: (sim.similarities_to, (c.toy, "alpha"), {"zones": ["beta", "gamma"]})),
        # ------------------------------------------------------------ gaps
        "compare_gaps": Case(lambda c: (gaps.compare_gaps, (c.gap, c.gap), {})),
        "gap_analysis": Case(lambda c: (gaps.gap_analysis, (c.toy, "alpha"), {"against": ["beta", "gamma"]})),
        "recommend": Case(lambda c: (gaps.recommend, (c.gap,), {})),
        "sensitivity_parameters": Case(lambda c: (gaps.sensitivity_parameters, (c.gap,), {})),
        "sensitivity": Case(
            lambda c: (gaps.sensitivity, (c.gap,), {"draws": 20}),
            extra={"weight_range": ((1.5, 0.5), (-1, 2), ("a", "b")), "keep_probability": ({"x": 2.0},)},
        ),
        "simulate": Case(
            lambda c: (gaps.simulate, (c.toy, "alpha"), {"add": [("MKT.PARTNER_SYSTEM", 2)]}),
            extra={
                "add": (
                    [UNKNOWN_MEASURE],
                    [("MKT.NOPE", 2)],
                    [{"category": "MKT.NOPE"}],
                    [("MKT.PARTNER_SYSTEM",)],
                    [{"depth": 2}],
                    ["MKT.PARTNER_SYSTEM"],
                    [None],
                    [3],
                ),
                "remove": (["nope"], [3], [None]),
            },
        ),
        # ------------------------------------------------------------ data
        "dump_zone": Case(lambda c: (data.dump_zone, (c.zone, "zone-out.yaml"), {})),
        # ------------------------------------------------------------ draft
        # documented: FileNotFoundError for a missing file (the command line exits 2 on it)
        "read_policy_text": Case(
            _f(dr.read_policy_text, DATA / "draft" / "example-plan.txt"), allowed=(FileNotFoundError,)
        ),
        # ------------------------------------------------------------ diffusion
        "diffusion": Case(lambda c: (dif.diffusion, (c.toy,), {})),
        "precision": Case(_f(dif.precision, "2021-03")),
        # ------------------------------------------------------------ agreement
        "krippendorff_alpha": Case(_f(agr.krippendorff_alpha, [1, 2, 3], [1, 2, 2], level="ordinal")),
        # ------------------------------------------------------------ batch
        "expand_output": Case(_f(bat.expand_output, "out/{target}.{lang}.html", target="alpha", lang="en")),
        "load_jobs": Case(_f(bat.load_jobs, DATA / "batch" / "jobs.yaml")),
    }
    return cases


def _methods() -> dict[str, Case]:  # noqa: C901 - one small builder per result class
    """Public methods of the result classes, each on a valid instance."""
    sim = importlib.import_module("policybench.similarity")
    dif = importlib.import_module("policybench.diffusion")
    rep = importlib.import_module("policybench.report")

    def m(get: Callable[[Ctx], Any], name: str, *args: Any, **kwargs: Any) -> Callable[[Ctx], Any]:
        def build(c: Ctx) -> Any:
            key = f"{id(get)}"
            if key not in c.extra:
                c.extra[key] = get(c)
            return getattr(c.extra[key], name), args, kwargs

        return build

    def estimate(c: Ctx) -> Any:
        return sim.similarity_estimate(c.toy, draws=10)

    def index(c: Ctx) -> Any:
        return sim.TextIndex(lang="zh").fit(["法定机构改革", "合伙人制度改革", "企业化管理"], ["a", "b", "c"])

    def comparison(c: Ctx) -> Any:
        return sim.compare(c.toy, "alpha", "beta")

    def gap_report(c: Ctx) -> Any:
        return rep.report(c.assessment, lang="en")

    def agreement(c: Ctx) -> Any:
        return pb.agreement(c.zone, c.zone_b, codebook=c.codebook)

    def draft(c: Ctx) -> Any:
        return pb.draft("第一条 推行法定机构改革。", dataset=c.toy)

    def diffusion(c: Ctx) -> Any:
        return dif.diffusion(c.toy)

    def toy(c: Ctx) -> Any:
        return c.toy

    def gap(c: Ctx) -> Any:
        return c.gap

    def assessment(c: Ctx) -> Any:
        return c.assessment

    def codebook(c: Ctx) -> Any:
        return c.codebook

    def zone(c: Ctx) -> Any:
        return c.zone

    return {
        "Agreement.alpha": Case(m(agreement, "alpha", "status")),
        "Assessment.table": Case(m(assessment, "table", "gaps")),
        "Assessment.summary_lines": Case(m(assessment, "summary_lines")),
        "Codebook.category": Case(m(codebook, "category", "GOV.STATUTORY_BODY")),
        "Codebook.domain": Case(m(codebook, "domain", "GOV")),
        "Codebook.status": Case(m(codebook, "status", "implemented")),
        "Dataset.zone": Case(m(toy, "zone", "alpha")),
        "Dataset.measure": Case(m(toy, "measure", "alpha.statutory-body")),
        "Dataset.as_of": Case(m(toy, "as_of", "2021"), extra={"date": ("2021-13", "2021-02-30")}),
        "Dataset.replace_zones": Case(lambda c: (c.toy.replace_zones, ([c.zone],), {})),
        "Dataset.coverage_table": Case(m(toy, "coverage_table")),
        "Zone.source": Case(m(zone, "source", "doc")),
        "Draft.save": Case(m(draft, "save", "draft-out.yaml")),
        "Diffusion.table": Case(m(diffusion, "table", "adoption")),
        "GapAnalysis.not_counted": Case(m(gap, "not_counted")),
        "GapAnalysis.summary": Case(m(gap, "summary")),
        "GapReport.to_excel": Case(m(gap_report, "to_excel", "report-out.xlsx")),
        "GapReport.save": Case(m(gap_report, "save", "report-out.md")),
        "SimilarityEstimate.matrix": Case(m(estimate, "matrix")),
        "SimilarityEstimate.pair": Case(m(estimate, "pair", "alpha", "beta")),
        "SimilarityEstimate.peers": Case(m(estimate, "peers", "alpha", 2)),
        "Alignment.explain": Case(lambda c: (comparison(c).alignment.explain, (), {})),
        "Comparison.explain": Case(m(comparison, "explain")),
        "TextIndex": Case(_f(sim.TextIndex, lang="zh"), extra={"ngram_range": ((3, 1), (0, 2), (1, 10**6))}),
        "TextIndex.fit": Case(m(index, "fit", ["甲乙", "丙丁"], ["a", "b"]), extra={"ids": (["a", "a"], ["a"])}),
        "TextIndex.from_dataset": Case(lambda c: (sim.TextIndex.from_dataset, (c.toy,), {})),
        "TextIndex.neighbours": Case(m(index, "neighbours", 2)),
        "TextIndex.similarity": Case(m(index, "similarity", ["a"], ["b"])),
        "TextIndex.query": Case(m(index, "query", ["法定机构"], 2)),
        "TextIndex.save": Case(m(index, "save", "index-out")),
        "TextIndex.load": Case(_f(sim.TextIndex.load, "no-such-index")),
    }


#: Public callables not fuzzed, and why (each is covered elsewhere or has no parameters to fuzz).
NOT_FUZZED = {
    # run a whole jobs file (several assessments and reports each): too slow for this test; their
    # parameters are checked by tests/test_hostile_batch.py
    "run_jobs": "slow",
    "run_job": "slow",
    "job_record": "internal record of a Job built by load_jobs",
    "sidecar_path": "internal path of a Job built by load_jobs",
    # a context manager without parameters: nothing to fuzz (tests/test_estimate_blocks.py checks its numbers)
    "reuse_imputations": "no parameters",
}

#: Classes whose constructors are not part of the API (results are built by the functions).
RESULT_CLASSES = {
    "Agreement",
    "Assessment",
    "Category",
    "Codebook",
    "Draft",
    "Dataset",
    "Evidence",
    "Indicator",
    "Measure",
    "Source",
    "Zone",
    "ValidationReport",
    "SimilarityEstimate",
    "Alignment",
    "Comparison",
    "GapAnalysis",
    "Diffusion",
    "GapReport",
    "BatchFile",
    "Job",
    "JobResult",
    "Issue",
}


def _public_callables() -> set[str]:
    names: set[str] = set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, BaseException | Warning):
                continue
            if inspect.isclass(obj) and name in RESULT_CLASSES:
                continue
            if callable(obj) and not name.startswith("_"):
                names.add(name)
    return names


CASES = {**_cases(), **_methods()}


def test_every_public_callable_is_fuzzed() -> None:
    missing = sorted(_public_callables() - set(CASES) - set(NOT_FUZZED))
    assert not missing, f"public callables with no fuzz case: {missing}"


def _leaks(case_name: str, ctx: Ctx) -> tuple[list[str], int]:
    case = CASES[case_name]
    func, args, kwargs = case.build(ctx)
    signature = inspect.signature(func)
    bound = signature.bind(*args, **kwargs)
    leaks: list[str] = []
    tried = 0
    for name, parameter in signature.parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD) or name in case.skip:
            continue
        for value in (*HOSTILE, *case.extra.get(name, ())):
            if isinstance(value, list) and UNKNOWN_MEASURE in value:
                value = [_unknown_measure()]
            arguments = dict(bound.arguments)
            arguments[name] = value
            call = signature.bind(**arguments) if _keywordable(signature) else None
            tried += 1
            try:
                if call is not None:
                    func(*call.args, **call.kwargs)
                else:
                    func(**arguments)
            except PolicyBenchError:
                pass
            except case.allowed:
                pass
            except Exception as error:  # noqa: BLE001 - the leak this test looks for
                leaks.append(f"{case_name}({name}={value!r}): {type(error).__name__}: {str(error)[:120]}")
    return leaks, tried


def _keywordable(signature: inspect.Signature) -> bool:
    return all(p.kind is not p.POSITIONAL_ONLY for p in signature.parameters.values())


@pytest.mark.parametrize("case_name", sorted(CASES))
def test_hostile_values_raise_policybench_errors_only(
    case_name: str, ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # paths like "x" are written here, never in the repository
    leaks, tried = _leaks(case_name, ctx)
    assert tried > 0
    assert not leaks, "\n".join(leaks)


def test_validate_params_checks_given_arguments_in_one_voice() -> None:
    from policybench._params import STATUS, Int, Maybe, Real, validate_params

    @validate_params({"k": Int(1), "alpha": Real(0, 1), "level": Real(0, 1, closed="neither"), "status": STATUS})
    def f(k: int, *, alpha: float = 0.5, level: float = 0.9, status: object = None, other: object = None) -> int:
        return k

    assert f(3, other=object()) == 3  # undeclared parameters are left to the function
    assert f(1, alpha=0, status=["implemented"]) == 1  # closed bounds hold their ends
    with pytest.raises(
        pb.InputError, match=r"^The 'k' parameter of f must be a positive int\. Got 0 \(int\) instead\.$"
    ):
        f(0)
    with pytest.raises(pb.InputError, match=r"'alpha' parameter of f must be a number in \[0, 1\]\. Got nan"):
        f(1, alpha=math.nan)
    with pytest.raises(pb.InputError, match=r"'level' parameter of f must be a number in \(0, 1\)\. Got 1 "):
        f(1, level=1)
    with pytest.raises(pb.InputError, match="'status' parameter of f must be a str or a non-empty list"):
        f(1, status=[])
    with pytest.raises(pb.InputError, match="f: missing a required argument"):
        f()  # type: ignore[call-arg]
    with pytest.raises(AssertionError, match="no parameter"):
        validate_params({"nope": Maybe(Int())})(f)


def test_a_class_among_the_options_is_accepted() -> None:
    import numpy as np

    from policybench.similarity.structured import pairwise_similarity

    for dtype in (np.float32, np.float64):  # valid choices that are classes, as the benchmarks pass them
        assert pairwise_similarity(np.eye(3), "cosine", dtype=dtype).dtype == dtype


def test_parameters_are_checked_once_at_the_boundary() -> None:
    """A decorated function called by another runs unchecked; the flag is per call, reset even on error."""
    from policybench._params import Int, validate_params
    from policybench.errors import InputError as Refused

    @validate_params({"k": Int(1)})
    def inner(k: int) -> int:
        return k

    @validate_params({"k": Int(1)})
    def outer(k: int, bad: int) -> int:
        return inner(k=bad)  # nested: not checked again

    assert outer(k=1, bad=-5) == -5
    with pytest.raises(Refused, match="'k' parameter of inner"):
        inner(k=-5)  # at the boundary: checked

    @validate_params({"k": Int(1)})
    def failing(k: int) -> int:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        failing(k=1)
    with pytest.raises(Refused):
        inner(k=0)  # the flag was reset by the failure


def test_one_table_of_defaults() -> None:
    """A parameter shared by several public functions has one default, the one in _params.DEFAULTS."""
    from policybench._params import DEFAULTS, OTHER_MEANINGS

    modules = ["policybench", "policybench.similarity", "policybench.gaps", "policybench.data", "policybench.report"]
    modules += ["policybench.draft", "policybench.diffusion", "policybench.agreement", "policybench.batch"]
    found: dict[str, set[str]] = {}
    wrong = []
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            func = getattr(module, name)
            if not callable(func) or inspect.isclass(func):
                continue
            for parameter in inspect.signature(func).parameters.values():
                if parameter.default is inspect.Parameter.empty:
                    continue
                found.setdefault(parameter.name, set()).add(repr(parameter.default))
                if parameter.name in DEFAULTS and parameter.default != DEFAULTS[parameter.name]:
                    wrong.append(f"{module_name}.{name}({parameter.name}={parameter.default!r})")
    assert not wrong, wrong
    several = {n for n, defaults in found.items() if len(defaults) > 1}
    assert several == set(OTHER_MEANINGS), several  # a new conflict must be resolved or named there
    assert set(DEFAULTS) <= set(found)  # the table names no parameter that does not exist
