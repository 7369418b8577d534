"""The data layer: from a YAML file to a checked :class:`Dataset` and its tidy tables.

The first room of the pipeline. Everything the analysis reads comes through here:

- :mod:`.model` typed, frozen models of the codebook and of zone files (no pandas);
- :mod:`.codebook` relations in the codebook (hierarchy, weights, prerequisites, authority);
- :mod:`.documents` reads a YAML document with the line of every node (bounded, untrusted input);
- :mod:`.io` loads documents into models with located issues, dumps them, writes atomically;
- :mod:`.checks` and :mod:`.protocol` the cross-document checks and the coding protocol's rules;
- :mod:`.validate` runs the checks and returns a :class:`ValidationReport` (never raises);
- :mod:`.dataset` the :class:`Dataset` and the ``load_*`` functions;
- :mod:`.frames` models to tidy DataFrames (column names defined once);
- :mod:`.quality` how well each zone's coding is evidenced;
- :mod:`.schema` the JSON Schemas in ``schemas/``, generated from the models.
"""

from __future__ import annotations

from .dataset import Dataset, load_codebook, load_dataset, load_zone
from .io import dump_zone
from .validate import ValidationReport, validate

__all__ = ["Dataset", "ValidationReport", "dump_zone", "load_codebook", "load_dataset", "load_zone", "validate"]
