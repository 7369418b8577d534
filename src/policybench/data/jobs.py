"""The jobs file of ``policybench batch`` as data: its models (the schema) and its output names.

A jobs file is an input file like a zone file (``schemas/jobs.schema.json`` is made from these
models); running the jobs is :mod:`policybench.batch`'s.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._params import MAX_DRAWS, Str, validate_params
from ..errors import PolicyBenchError

__all__ = ["PLACEHOLDERS", "BatchFile", "Job", "Language", "expand_output", "placeholder_problem"]

#: The placeholders an output name may use, and what they stand for.
PLACEHOLDERS = {"target": "the job's target zone id", "lang": "the report language (zh or en)"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


Language = Literal["zh", "en"]


class Job(BaseModel):
    """One report job."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, description="Name shown in progress and summary.")
    target: str = Field(description="Zone id of the target.")
    against: list[str] | None = Field(default=None, description="Benchmark zone ids (exclusive with peers).")
    peers: int | None = Field(default=None, ge=1, description="Use the k nearest zones as the benchmark.")
    frontier: str = Field(default="max", description="max | mean | a benchmark zone id.")
    weights: dict[str, float] | None = Field(default=None, description="Category code -> weight.")
    status: list[str] | None = Field(
        default=None, description="Statuses counted (default: the codebook's counted statuses)."
    )
    top: int = Field(default=10, ge=1, description="Number of recommendations.")
    draws: int = Field(
        default=1000, ge=0, le=MAX_DRAWS, description="Monte-Carlo draws of the robustness check (0: none)."
    )
    lang: list[Language] = Field(default_factory=lambda: list[Language](["zh"]), description="Report languages.")
    outputs: list[str] = Field(
        min_length=1,
        description="Output paths (.html, .md, .json, .xlsx) inside the jobs file's folder; placeholders "
        "{target} and {lang} only; use {lang} with several languages.",
    )
    generated: str | None = Field(default=None, description="Date printed on the reports.")

    @model_validator(mode="after")
    def _check(self) -> Job:
        if self.against is not None and self.peers is not None:
            raise ValueError("give either 'against' or 'peers', not both")
        if len(self.lang) > 1 and not all("{lang}" in p for p in self.outputs):
            raise ValueError("with several languages every output path must contain {lang}")
        return self

    def paths(self, base: Path) -> list[tuple[str, Path]]:
        """(language, output path) for every output of the job, relative paths under ``base``."""
        return [
            (lang, base / expand_output(out, target=self.target, lang=lang))
            for lang in self.lang
            for out in self.outputs
        ]


class BatchFile(BaseModel):
    """A jobs file: ``jobs``, and optionally ``data`` added to the shipped zones."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_ref: str | None = Field(default=None, alias="$schema", description="JSON Schema for editors.")
    data: str | list[str] | None = Field(
        default=None,
        description="Zone files or dataset folders, relative to the jobs file, added to the shipped zones.",
    )
    shipped: bool = Field(default=True, description="Include the shipped zones (false: only those under 'data').")
    jobs: list[Job] = Field(min_length=1, description="The jobs.")

    def data_paths(self, base: Path) -> list[str] | None:
        """The ``data`` entries as paths under ``base`` (None when there are none)."""
        if self.data is None:
            return None
        entries = [self.data] if isinstance(self.data, str) else self.data
        return [str(base / entry) for entry in entries]


@validate_params({"template": Str(empty=True), "target": Str(empty=True), "lang": Str(empty=True)})
def expand_output(template: str, *, target: str, lang: str) -> str:
    """Fill ``{target}`` and ``{lang}`` in an output name; any other brace is an error.

    >>> expand_output("out/{target}.{lang}.html", target="tianjin-htz", lang="en")
    'out/tianjin-htz.en.html'
    """
    values = {"target": target, "lang": lang}
    bad = placeholder_problem(template)
    if bad:
        raise PolicyBenchError(f"output name {template!r}: {bad}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def placeholder_problem(template: str) -> str:
    """Why ``template`` is not a valid output name, or ''."""
    for match in _PLACEHOLDER.finditer(template):
        if match.group(1) not in PLACEHOLDERS:
            return f"unknown placeholder {match.group(0)!r} (allowed: {{target}}, {{lang}})"
    if "{" in _PLACEHOLDER.sub("", template) or "}" in _PLACEHOLDER.sub("", template):
        return "unbalanced '{' or '}' (allowed placeholders: {target}, {lang})"
    return ""
