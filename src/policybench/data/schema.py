"""Generate the JSON Schemas in ``schemas/`` from the models.

Run ``python -m policybench.data.schema [OUT_DIR]`` after changing :mod:`policybench.data.model`;
a test fails when the committed files drift from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .io import atomic_write
from .jobs import BatchFile
from .model import Codebook, Zone

__all__ = ["SCHEMAS", "render_schema", "write_schemas"]

#: File name -> (model, title).
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "zone.schema.json": (Zone, "policybench zone file"),
    "codebook.schema.json": (Codebook, "policybench codebook"),
    "jobs.schema.json": (BatchFile, "policybench batch jobs file"),
}


def render_schema(model: type[BaseModel], title: str, name: str) -> str:
    """The JSON Schema of ``model`` as text (stable key order, trailing newline)."""
    schema: dict[str, Any] = model.model_json_schema(by_alias=True)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": title,
    }
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_schemas(out_dir: str | Path) -> list[Path]:
    """Write every schema into ``out_dir`` (atomic writes); return the paths."""
    written = []
    for name, (model, title) in SCHEMAS.items():
        target = Path(out_dir) / name
        with atomic_write(target) as handle:
            handle.write(render_schema(model, title, name))
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover - developer tool
    for path in write_schemas(sys.argv[1] if len(sys.argv) > 1 else "schemas"):
        print(path)
