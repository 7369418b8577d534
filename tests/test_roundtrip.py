"""YAML -> model -> YAML round trips, for every shipped zone and for generated text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policybench import Zone, load_dataset
from policybench.data.documents import _parse, read_document
from policybench.data.io import check_model, dump_model, dump_zone, shipped_data_dir

ZONES = sorted((shipped_data_dir() / "zones").glob("*.yaml"))


@pytest.mark.parametrize("path", ZONES, ids=[p.stem for p in ZONES])
def test_shipped_zone_round_trips(path: Path, tmp_path: Path) -> None:
    zone, issues = check_model(read_document(path), Zone)
    assert zone is not None and not issues
    out = tmp_path / path.name
    dump_zone(zone, out)
    again, issues = check_model(read_document(out), Zone)
    assert not issues and again == zone
    assert dump_model(again) == out.read_text(encoding="utf-8")  # stable text


text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s
)


TOY_ALPHA = load_dataset(Path(__file__).parent / "data" / "toy").zone("alpha")


@settings(max_examples=60, deadline=None)
@given(title_zh=text, title_en=text)
def test_generated_text_round_trips(title_zh: str, title_en: str) -> None:
    zone = TOY_ALPHA
    measure = zone.measures[0].model_copy(
        update={"title": zone.measures[0].title.model_copy(update={"zh": title_zh, "en": title_en})}
    )
    edited = zone.model_copy(update={"measures": [measure, *zone.measures[1:]]})
    again, issues = check_model(_parse(dump_model(edited), "generated.yaml"), Zone)
    assert not issues and again == edited
