"""The command line starts light: each command imports what it needs (issue 23, item 3).

Not timed (timings on a shared machine are flaky); what is checked is which modules load.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

TOY_ZONE = Path(__file__).parent / "data" / "toy" / "zones" / "beta.yaml"
HEAVY = ("pandas", "numpy", "scipy", "sklearn", "jinja2", "matplotlib", "pyarrow", "numba", "rich")


def _loaded(code: str) -> list[str]:
    probe = (
        code
        + f"\nimport json, sys\nprint(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r} + ('pydantic',))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_module() -> None:
    assert _loaded("import policybench.cli") == []


def test_help_builds_every_subcommand_without_heavy_modules() -> None:
    code = "from policybench.cli import build_parser\nhelp = build_parser().format_help()\nassert 'validate' in help"
    assert _loaded(code) == []


def test_validate_of_one_file_loads_no_pandas_or_numpy() -> None:
    code = (
        "import contextlib, io\n"
        "from policybench.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()):\n    rc = main(['validate', {str(TOY_ZONE)!r}])\n"
        "assert rc in (0, 1), rc\n"
    )
    loaded = _loaded(code)
    assert not set(loaded) & set(HEAVY), loaded  # pydantic it needs


def test_functions_named_like_submodules_stay_functions() -> None:
    code = (
        "import policybench as pb, policybench.agreement, policybench.draft.core\n"
        "import importlib\n"
        "assert callable(pb.agreement) and callable(pb.draft), (pb.agreement, pb.draft)\n"
        "assert pb.agreement.__module__ == 'policybench.agreement' and pb.draft.__module__ == 'policybench.draft.core'\n"
        "assert importlib.import_module('policybench.agreement').__name__ == 'policybench.agreement'\n"
        "from policybench import Zone, load_dataset, validate, Draft, Agreement\n"
        "assert Zone.__name__ == 'Zone' and callable(load_dataset) and callable(validate)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_public_name_resolves() -> None:
    import policybench as pb

    for name in pb.__all__:
        assert getattr(pb, name) is not None, name


def test_quick_shipped_ids_equal_the_full_loader() -> None:
    from policybench.data.io import shipped_data_dir, zone_loader

    module = importlib.import_module("policybench.data.validate")
    for path in sorted((shipped_data_dir() / "zones").glob("*.yaml")):
        zone, _doc, _issues = zone_loader(path)
        assert zone is not None
        assert module._quick_ids(str(path)) == {zone.id, *(m.id for m in zone.measures)}


def test_quick_shipped_ids_fall_back_on_odd_files(tmp_path: Path) -> None:
    module = importlib.import_module("policybench.data.validate")
    for text in ("- a\n- b\n", "id: [1, 2]\n", "", "id: x\nmeasures: 3\n", "{{{"):
        path = tmp_path / "odd.yaml"
        path.write_text(text, encoding="utf-8")
        assert module._quick_ids(str(path)) is None, text
