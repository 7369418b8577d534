"""Data-quality statistics: the scope columns counted by hand on the toy codebook."""

from __future__ import annotations

import shutil
from pathlib import Path

from policybench import load_dataset
from policybench.data.quality import quality_table

SCOPE = """scope:
  examined: [MKT, GOV.STATUTORY_BODY]
  sources: [doc]
  as_of: "2021-03"
absent:
  - code: MKT.PLATFORM_COMPANY_REFORM
    basis: stated
    confidence: high
    evidence:
      - {source: gov, locator: para 2}
sources:
"""


def test_scope_columns_are_counted_by_hand(tmp_path: Path, data_dir: Path) -> None:
    toy = tmp_path / "toy"
    shutil.copytree(data_dir / "toy", toy)
    for zone in (toy / "zones").glob("*.yaml"):  # the toy zones examine everything: start without scopes
        lines = zone.read_text(encoding="utf-8").splitlines(keepends=True)
        for key in ("scope:\n", "absent:\n"):
            start = lines.index(key)
            end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  "))
            lines = lines[:start] + lines[end:]
        zone.write_text("".join(lines), encoding="utf-8")
    alpha = toy / "zones" / "alpha.yaml"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("sources:\n", SCOPE, 1), encoding="utf-8")
    table = quality_table(load_dataset(toy)).set_index("zone_id")
    # alpha examines the whole MKT domain (3 categories) and one GOV category out of 2:
    # one domain complete, 4 categories, 1 absent entry. beta and gamma declare no scope.
    assert table.loc["alpha", ["domains_examined", "categories_examined", "absent"]].tolist() == [1, 4, 1]
    assert table.loc["beta", ["domains_examined", "categories_examined", "absent"]].tolist() == [0, 0, 0]
