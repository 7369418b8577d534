"""The package installs non-editable with its data, and the committed schemas match the models."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from policybench.data.schema import SCHEMAS, render_schema

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schemas_match_the_models() -> None:
    for name, (model, title) in SCHEMAS.items():
        committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert committed == render_schema(model, title, name), (
            f"schemas/{name} drifted: run python -m policybench.data.schema"
        )


def test_every_schema_field_has_a_description() -> None:
    import json

    def walk(node: object, path: str) -> list[str]:
        missing = []
        if isinstance(node, dict):
            for key, prop in (node.get("properties") or {}).items():
                if "description" not in prop:
                    missing.append(f"{path}.{key}")
            for key, value in node.items():
                missing += walk(value, f"{path}.{key}")
        return missing

    for name in SCHEMAS:
        schema = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
        assert walk(schema, name) == []


def test_wheel_carries_the_data_and_works_from_another_folder(tmp_path: Path) -> None:
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheel_dir),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = wheel_dir.glob("policybench-*.whl")
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"policybench/draft/nonmeasures.tsv", "policybench/draft/examples.tsv"} <= names  # the draft's data
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True
    )
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import policybench; "
        "assert policybench.__file__.startswith(sys.argv[1]), policybench.__file__; "
        "print(policybench.load_dataset().measures_table().shape)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(target)], cwd=tmp_path, check=True, capture_output=True, text=True
    )
    rows, cols = eval(out.stdout.strip())  # a printed tuple
    assert rows > 30 and cols == 20
