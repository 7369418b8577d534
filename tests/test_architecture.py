"""The import graph of src/policybench, built with ast (issue 24, item 5).

Function-level imports count as edges (a cycle through a function-level import is still a
cycle: it only moves the failure from import time to call time); imports under
``if TYPE_CHECKING:`` do not (they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "src" / "policybench"


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                skip.update(id(sub) for stmt in node.body for sub in ast.walk(stmt))
    return skip


def _imports(module: str, path: Path) -> list[tuple[ast.ImportFrom | ast.Import, str]]:
    """(node, absolute module it names) for every import that runs, at any level of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    out: list[tuple[ast.ImportFrom | ast.Import, str]] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.append((node, name))
        elif isinstance(node, ast.Import):
            out += [(node, alias.name) for alias in node.names]
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for node, name in _imports(module, path):
            if isinstance(node, ast.ImportFrom):
                subs = [f"{name}.{a.name}" for a in node.names if f"{name}.{a.name}" in modules]
                targets = subs if len(subs) == len(node.names) else [name, *subs]  # `from . import x` names x only
            else:
                targets = [name]
            graph[module].update(t for t in targets if t in modules and t != module)
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module reachable from ``start`` by one or more imports."""
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += graph.get(node, set())
    return seen


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (each sorted; sorted by first)."""
    reach = {m: _reachable(graph, m) for m in graph}
    groups = {tuple(sorted({m} | {n for n in reach[m] if m in reach[n]})) for m in graph if m in reach[m]}
    return sorted(list(g) for g in groups)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_even_through_function_level_imports() -> None:
    graph = _graph()
    assert len(graph) > 60 and "policybench.assessment" in graph
    assert _cycles(graph) == []


def test_no_module_imports_another_modules_private_name() -> None:
    modules = _modules()
    leaks = []
    for module, path in modules.items():
        for node, name in _imports(module, path):
            if not isinstance(node, ast.ImportFrom) or not name.startswith("policybench"):
                continue
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if private and f"{name}.{alias.name}" not in modules:  # a private module is fine: its names are not
                    leaks.append(f"{module} imports {name}.{alias.name}")
    assert not leaks, leaks


def test_version_comes_from_its_own_module() -> None:
    modules = _modules()
    offenders = [
        module
        for module, path in modules.items()
        for node, name in _imports(module, path)
        if isinstance(node, ast.ImportFrom)
        and name == "policybench"
        and any(a.name == "__version__" for a in node.names)
    ]
    assert not offenders, offenders


#: Modules over 450 lines, each with the one thing it does (README's Development section lists them).
#: A module that grows past 450 lines must be split or named here with its one job; one that
#: shrinks below must leave the list, so the list stays true.
LARGE_MODULES: dict[str, str] = {
    "similarity/_indexfile.py": "checking every array and field of a saved TextIndex file",
    "gaps/sensitivity.py": "the vectorised robustness draws",
    "report/render.py": "turning report content into HTML, Markdown, JSON and XLSX",
    "assessment.py": "the Assessment result object and assess()",
    "data/model.py": "the pydantic models of the codebook and zone files (the schema)",
    "labels.py": "every word the package shows, in Chinese and English (tables of words, no logic)",
    "batch.py": "the batch runner (jobs file, processes, Dask, resume)",
    "similarity/text.py": "the TextIndex class (fit, query, save, load)",
    "data/documents.py": "the bounded YAML reader with positions",
    "gaps/analysis.py": "the gap table and its views (GapAnalysis, gap_analysis)",
    "similarity/_topk.py": "the exact top-k kernels (numba and scipy engines)",
    "data/checks.py": "the validation rules of codebook and zone files",
    "similarity/combined.py": "combined zone similarity: one pair's estimate and interval, and the same for many pairs",
    "agreement.py": "coder agreement: measures matched one to one and checklist cells, with Krippendorff's alpha",
    "similarity/intervals.py": "the similarity estimate by multiple imputation (whole array and row blocks)",
    "similarity/alignment.py": "measure alignment: one pair (align) and one zone against many (Aligner), the same floats",
    "_params.py": "the declared constraints of the public parameters and the one checker of them",
    "cli/analysis.py": "the analysis subcommands (coverage, compare, similarity, gap) and their printing",
}


def test_every_long_module_is_named_with_its_one_job() -> None:
    long = {
        str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
        for p in ROOT.rglob("*.py")
        if len(p.read_text(encoding="utf-8").splitlines()) > 450
    }
    assert set(long) == set(LARGE_MODULES), {
        "split or name": set(long) - set(LARGE_MODULES),
        "drop": set(LARGE_MODULES) - set(long),
    }


#: Modules whose Chinese string literals are not presentation: patterns that read Chinese texts
#: (draft), texts written into data files (migration notes, the new-zone skeleton, a draft's
#: header), schema descriptions and the province-level city names (data).
_CHINESE_NOT_PRESENTATION = ("draft/", "data/", "cli/workflow.py")


def _chinese_literals(path: Path) -> list[int]:
    """Lines of the Chinese string constants of ``path`` that are not docstrings."""
    import re

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    cjk = re.compile(r"[\u4e00-\u9fff]")
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and cjk.search(node.value)
    )


def test_the_chinese_literal_finder_finds_one(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text('"""文档。"""\nX = "差距"\n\n\ndef f():\n    """说明。"""\n    return f"{X}：总体"\n', "utf-8")
    assert _chinese_literals(sample) == [2, 7]


def test_words_live_in_labels_only() -> None:
    """Computation, CLI and report code take every Chinese word from policybench.labels (issue 24, item 2)."""
    offenders = {
        str(p.relative_to(ROOT)): lines
        for p in sorted(ROOT.rglob("*.py"))
        if p.name != "labels.py"
        and not str(p.relative_to(ROOT)).startswith(_CHINESE_NOT_PRESENTATION)
        and (lines := _chinese_literals(p))
    }
    assert not offenders, offenders


def test_words_and_number_formats_import_nothing_from_the_package() -> None:
    """Any module may take its words and formats from these two without making a cycle."""
    graph = _graph()
    assert graph["policybench.labels"] == set() and graph["policybench.numbers"] == set()
