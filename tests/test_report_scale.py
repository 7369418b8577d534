"""Reports against a benchmark of many zones: the human formats list the first zones, JSON and XLSX all."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policybench import assess, load_dataset
from policybench.report import report
from policybench.report.render import SHOWN_ZONES


def _copy(zone: Any, new_id: str) -> Any:
    measures = [m.model_copy(update={"id": f"{new_id}.{m.id.split('.', 1)[1]}"}) for m in zone.measures]
    return zone.model_copy(update={"id": new_id, "measures": measures})


@pytest.fixture(scope="module")
def many() -> Any:
    """The shipped zones and copies of them: more benchmark zones than a report lists."""
    ds = load_dataset()
    copies = [_copy(z, f"{z.id}-copy{i}") for i in range(2) for z in ds.zones if z.kind != "national-policy"]
    return ds.replace_zones([*ds.zones, *copies])


def test_a_large_benchmark_is_listed_in_part_and_counted(many: Any) -> None:
    a = assess(many, "tianjin-htz", draws=20)
    n = len(a.benchmark)
    assert n > SHOWN_ZONES + 10
    scored = a.table("similarity")
    scored = scored[scored["reason"] == ""]
    for lang, more in (("en", f"{len(scored) - SHOWN_ZONES} more zones not listed here"), ("zh", "另有")):
        r = report(a, lang=lang, generated="2026-01-01")
        md = r.to_markdown()
        section = md.split("\n## ")[
            [s.split("\n")[0] for s in md.split("\n## ")].index(r._context()["L"]["similarity"])
        ]
        rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]
        assert len(rows) == SHOWN_ZONES  # the most similar first
        assert more in section
        assert more in r.to_html()
        shown_names = [row.split(" | ")[0].lstrip("| ") for row in rows]
        top = scored.head(SHOWN_ZONES)[f"name_{lang}"].tolist()
        assert shown_names == top
        content = json.loads(r.to_json())
        assert len(content["similarity"]) == len(scored)  # JSON keeps every zone
        assert len(content["meta"]["benchmark"]) == n
        assert len(r.tables()["similarity"]) == len(scored)  # so does XLSX
    en = report(a, lang="en", generated="2026-01-01")._context()["benchmark_text"]
    assert en.endswith(f"and {n - SHOWN_ZONES} more ({n} zones in all)")
    zh = report(a, lang="zh", generated="2026-01-01")._context()["benchmark_text"]
    assert zh.endswith(f"等，共{n}个园区")


def test_a_small_benchmark_is_listed_in_full(many: Any) -> None:
    a = assess(many, "tianjin-htz", against=["wuhan-city-partner", "donghu-htz"], draws=20)
    r = report(a, lang="en", generated="2026-01-01")
    assert "more zones not listed" not in r.to_markdown()
    assert "in all)" not in r._context()["benchmark_text"]
