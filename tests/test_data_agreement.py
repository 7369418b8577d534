"""Data test: the coder-agreement figures printed in docs/coding-protocol.md §9 are the ones the
agreement command computes on the two shipped Tianjin codings (pinned to the data version)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policybench import agreement, load_dataset, load_zone

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "coding-protocol.md"


def _documented_rows() -> dict[str, tuple[float, float, int, int]]:
    section = DOC.read_text(encoding="utf-8").split("## 9. Coder agreement", 1)[1]
    rows = re.findall(r"^\| (\w+) \| (?:nominal|ordinal) \| ([\d.]+) \| ([\d.]+) \| (\d+) \| (\d+) \|$", section, re.M)
    return {field: (float(a), float(r), int(n), int(d)) for field, a, r, n, d in rows}


def test_protocol_reports_the_alpha_that_the_command_computes() -> None:
    assert load_dataset().data_version == "2.7.0", "data changed: rerun the agreement and update §9"
    shipped = load_zone(ROOT / "datasets" / "zones" / "tianjin-htz.yaml")
    blind = load_zone(ROOT / "datasets" / "qa" / "tianjin-htz.second-coding.yaml")
    result = agreement(shipped, blind)
    documented = _documented_rows()
    assert set(documented) == {"category", "domain", "status", "depth"}
    for row in result.fields.itertuples():
        alpha, raw, pairs, differ = documented[row.field]
        assert row.alpha == pytest.approx(alpha, abs=5e-4)
        assert row.agreement == pytest.approx(raw, abs=5e-4)
        assert (row.pairs, row.disagreements) == (pairs, differ)


def test_protocol_reports_the_cell_state_alphas_of_the_blind_second_codings() -> None:
    section = DOC.read_text(encoding="utf-8").split("**Agreement on cell states", 1)[1]
    rows = re.findall(r"^\| ([a-z-]+) \| ([\d.]+) \| ([\d.]+) \| (\d+) of 34 \| ([\d.]+) \| (\d+) \|$", section, re.M)
    assert {r[0] for r in rows} == {"donghu-htz", "hefei-htz", "guangzhou-htz"}
    qa = ROOT / "datasets" / "qa"
    for zone, state, raw, differ, depth, depth_cells in rows:
        # the first coding as it stood when the blind coding was made (data 2.2.0), against the blind coding
        result = agreement(load_zone(qa / f"{zone}.first-coding.yaml"), load_zone(qa / f"{zone}.second-coding.yaml"))
        cells = result.cell_fields.set_index("field")
        assert result.alpha("cell_state") == pytest.approx(float(state), abs=5e-4), zone
        assert cells.loc["cell_state", "agreement"] == pytest.approx(float(raw), abs=5e-4), zone
        assert cells.loc["cell_state", "disagreements"] == int(differ), zone
        assert result.alpha("cell_depth") == pytest.approx(float(depth), abs=5e-4), zone
        assert cells.loc["cell_depth", "pairs"] == int(depth_cells), zone


def _check_rows(rows: list[tuple[str, ...]], coding: str) -> None:
    """Each documented row (zone, against, state alpha, raw, cells differing, depth alpha, depth cells), recomputed."""
    qa = ROOT / "datasets" / "qa"
    for zone, against, state, raw, differ, depth, depth_cells in rows:
        other = {
            "shipped 2.5.0": qa / f"{zone}.shipped-2.5.0.yaml",  # the shipped file when the third coding was made
            "shipped 2.6.0": qa / f"{zone}.shipped-2.6.0.yaml",  # kept when data 2.7.0 changed the shipped files
            "second coding": qa / f"{zone}.second-coding.yaml",
            "third coding": qa / f"{zone}.third-coding.yaml",
        }[against]
        result = agreement(load_zone(other), load_zone(qa / f"{zone}.{coding}-coding.yaml"))
        cells = result.cell_fields.set_index("field")
        assert result.alpha("cell_state") == pytest.approx(float(state), abs=5e-4), (zone, against)
        assert cells.loc["cell_state", "agreement"] == pytest.approx(float(raw), abs=5e-4), (zone, against)
        assert cells.loc["cell_state", "disagreements"] == int(differ), (zone, against)
        assert result.alpha("cell_depth") == pytest.approx(float(depth), abs=5e-4), (zone, against)
        assert cells.loc["cell_depth", "pairs"] == int(depth_cells), (zone, against)


_ROW = r"^\| ([a-z-]+) \| (shipped 2\.[56]\.0|second coding|third coding) \| ([\d.]+) \| ([\d.]+) \| (\d+) of 34 \| ([\d.]+) \| (\d+) \|$"


def test_protocol_reports_the_cell_state_alphas_of_the_third_blind_codings() -> None:
    text = DOC.read_text(encoding="utf-8").split("**A third blind coding", 1)[1]
    rows = re.findall(_ROW, text.split("**A fourth blind coding", 1)[0], re.M)
    assert len(rows) == 6 and {r[0] for r in rows} == {"donghu-htz", "hefei-htz"}
    _check_rows(rows, "third")


def test_protocol_reports_the_cell_state_alphas_of_the_fourth_blind_coding() -> None:
    section = DOC.read_text(encoding="utf-8").split("**A fourth blind coding", 1)[1].split("**What the numbers", 1)[0]
    rows = re.findall(_ROW, section, re.M)
    assert len(rows) == 3 and {r[0] for r in rows} == {"donghu-htz"}
    _check_rows(rows, "fourth")
