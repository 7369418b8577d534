"""The command line: formats, exit codes, atomic outputs, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from policybench.cli import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_list_zones_and_measures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["list", "zones", "--lang", "en"], capsys)
    assert code == 0 and "tianjin-htz" in out and "Tianjin" in out
    code, out, _ = run(["list", "measures", "--zone", "tianjin-htz", "--format", "csv"], capsys)
    frame = pd.read_csv(pd.io.common.StringIO(out))
    assert code == 0 and len(frame) >= 30 and set(frame["measure_id"].str.split(".").str[0]) == {"tianjin-htz"}
    code, _, err = run(["list", "measures", "--zone", "tianjin"], capsys)
    assert code == 2 and "unknown zone id 'tianjin'" in err  # a usage error, as every other


def test_validate_stats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", "--stats"], capsys)
    assert code == 0 and "valid:" in out and "measures whose only evidence is a reprint" in out
    assert "tianjin-htz.information-disclosure" in out  # rests on the article alone, a reprint
    assert "high/medium/low %" in out and "core known %" in out and "%  " in out  # shares say they are shares
    code, out, _ = run(["validate", "--stats", "--format", "json"], capsys)
    payload = json.loads(out)
    assert payload["valid"] and {row["zone_id"] for row in payload["stats"]} >= {"tianjin-htz", "donghu-htz"}
    assert all(row["confidence"] != "high" for row in payload["reprint_only"])


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
def test_coverage_formats(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["coverage", "--level", "domain", "--format", fmt], capsys)
    assert code == 0 and "tianjin-htz" in out and "GOV" in out


def test_coverage_table_fits_the_terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run(["coverage"], capsys)
    assert code == 0
    from policybench import load_dataset
    from policybench.cli.table import display_width

    assert max(display_width(line) for line in out.splitlines()) <= 80
    # nothing is cut or dropped: every zone's short name appears whole, numbered (the matrix's column headings)
    zones = load_dataset().zones
    assert all(
        f"{n} {z.name.zh.split('（')[0]}" in out for n, z in enumerate(zones, start=1) if z.kind != "national-policy"
    )


def test_similarity_outputs_are_written_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "m.csv"
    code, _, err = run(["similarity", "--metric", "jaccard", "-o", str(target)], capsys)
    assert code == 0 and "wrote" in err
    matrix = pd.read_csv(target, index_col=0)
    diagonal = matrix.values.diagonal()
    assert matrix.shape[0] == matrix.shape[1] and ((diagonal == 1) | pd.isna(diagonal)).all()
    code, _, _ = run(["similarity", "-o", str(tmp_path / "m.xlsx")], capsys)
    assert code == 0 and (tmp_path / "m.xlsx").stat().st_size > 0
    code, _, err = run(["similarity", "-o", str(tmp_path / "m.txt")], capsys)
    assert code == 2 and "unknown output format" in err and not (tmp_path / "m.txt").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left


def test_gap_json_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["gap", "tianjin-htz", "--against", "wuhan-city-partner", "donghu-htz", "--format", "json", "--draws", "200"],
        capsys,
    )
    payload = json.loads(out)
    assert code == 0 and payload["target"] == "tianjin-htz" and payload["recommendations"]
    assert payload["data_hash"] and payload["codebook_version"] == "2.0.0"
    code, _, err = run(["gap", "tianjin-htz", "--against", "tianjin-htz"], capsys)
    assert code == 1 and "also in the benchmark set" in err
    code, _, err = run(["gap", "tianjin-htz", "--against", "x", "--peers", "2"], capsys)
    assert code == 2


def test_gap_weights_file_errors_are_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    weights = tmp_path / "w.yaml"
    weights.write_text("MKT.PARTNER_SYSTEM: 2\nMKT.PARTNER_SYSTEM: 3\n", encoding="utf-8")
    code, _, err = run(["gap", "tianjin-htz", "--against", "donghu-htz", "--weights", str(weights)], capsys)
    assert code == 1 and "duplicate-key" in err and "w.yaml:2" in err


STATES_TOY = str(Path(__file__).parent / "data" / "toy-states")


def test_three_states_in_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["coverage", "--states", "--data", STATES_TOY, "--no-shipped"], capsys)
    assert code == 0 and "? unknown" in out and "- absent (with evidence)" in out
    code, out, _ = run(["coverage", "--states", "--format", "csv", "--data", STATES_TOY, "--no-shipped"], capsys)
    assert code == 0 and "tee,present,absent,absent,unknown,unknown" in out
    code, out, _ = run(["similarity", "--lang", "en", "--data", STATES_TOY, "--no-shipped"], capsys)  # all estimated
    assert code == 0 and "90% interval and the share of categories known for both" in out and "nan" not in out
    code, out, _ = run(
        ["similarity", "--lang", "en", "--method", "combined", "--min-overlap", "2", "--data", STATES_TOY]
        + ["--no-shipped"],
        capsys,
    )  # the combined similarity: every pair a number with its interval; min-overlap only flags
    assert code == 0 and "90% interval" in out and "nan" not in out
    code, out, _ = run(
        ["similarity", "--lang", "en", "--level", "domain", "--min-overlap", "3", "--data", STATES_TOY]
        + ["--no-shipped"],
        capsys,
    )  # domains: the known-only matrix, gated
    assert code == 0 and "overlap (categories both zones examined)" in out
    assert "pair(s) without a similarity" in out
    code, out, _ = run(["compare", "tee", "cee", "--lang", "en", "--data", STATES_TOY, "--no-shipped"], capsys)
    assert code == 0 and "similarity 0." in out and "90% interval" in out and "Overlap: 1 categories" in out
    assert "Caveat: only 1 categories are known for both (fewer than 2)" in out
    code, out, _ = run(["gap", "tee", "--lang", "en", "--draws", "200", "--data", STATES_TOY, "--no-shipped"], capsys)
    assert code == 0 and "verify first: 2 categories" in out and "low-confidence" in out
    code, out, _ = run(
        ["gap", "tee", "--format", "json", "--draws", "200", "--data", STATES_TOY, "--no-shipped"], capsys
    )
    payload = json.loads(out)
    first = payload["recommendations"][0]
    assert first["target_state"] == "absent" and first["n_examined"] == 1
    assert {"p_top", "p_top_weights", "p_top_evidence", "median_rank_evidence"} <= set(first)
    assert [u["code"] for u in payload["unverified"]] == ["MKT.PLATFORM_COMPANY_REFORM", "MKT.MIXED_OWNERSHIP"]
    assert all(row["target_state"] in ("present", "absent", "unknown") for row in payload["table"])
