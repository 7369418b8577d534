"""Every subcommand with bad arguments: exit 1 (data) or 2 (usage, I/O), a message, never a traceback.

Also the edge cases of issue 12: repeated --against, --peers 0, --draws 0, weights files,
a benchmark with no counted measure, and --data adding to the shipped zones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policybench.cli import COMMANDS, main

TIANJIN = "tianjin-htz"
MODELS = ["wuhan-city-partner", "donghu-htz"]


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def bad_invocations(tmp: Path) -> list[tuple[list[str], int]]:
    """(argv, expected exit code) for every subcommand."""
    zero = _write(tmp / "zero.yaml", "\n".join(f"{c}: 0" for c in _applicable_codes()) + "\n")
    words = _write(tmp / "words.yaml", "MKT.PARTNER_SYSTEM: high\n")
    listed = _write(tmp / "list.yaml", "- MKT.PARTNER_SYSTEM\n")
    jobs = _write(tmp / "jobs.yaml", "jobs:\n  - name: a\n    target: tianjin-htz\n    outputs: []\n")
    existing = _write(tmp / "exists.yaml", "id: x\n")
    gap = ["gap", TIANJIN]
    return [
        (["validate", str(tmp / "missing.yaml")], 2),
        (["validate", "--format", "xml"], 2),
        (["list", "nothing"], 2),
        (["list", "measures", "--zone", "tianjin"], 2),  # an unknown zone id is a usage error
        (["coverage", "--level", "province"], 2),
        (["coverage", "--status", "done"], 1),
        (["compare", TIANJIN, "nowhere"], 2),
        (["compare", TIANJIN], 2),
        (["similarity", "-o", str(tmp / "m.txt")], 2),
        (["similarity", "--metric", "euclid"], 2),
        ([*gap[:1], "nowhere"], 2),
        ([*gap, "--peers", "0"], 2),
        ([*gap, "--peers", "two"], 2),
        ([*gap, "--top", "0"], 2),
        ([*gap, "--draws", "-1"], 2),
        ([*gap, "--against", TIANJIN, "donghu-htz"], 1),
        ([*gap, "--against", "national-policy"], 1),
        ([*gap, "--against", "donghu-htz", "--peers", "2"], 2),
        ([*gap, "--against"], 2),
        ([*gap, "--frontier", "best"], 1),
        ([*gap, "--status", "done"], 1),
        ([*gap, "--against", *MODELS, "--weights", zero], 1),
        ([*gap, "--against", *MODELS, "--weights", words], 1),
        ([*gap, "--against", *MODELS, "--weights", listed], 1),
        ([*gap, "--weights", str(tmp / "none.yaml")], 2),
        ([*gap, "--no-shipped"], 2),
        ([*gap, "--data", str(tmp / "missing-zone.yaml")], 2),
        ([*gap, "--data", str(Path(__file__).parent / "data" / "toy-states")], 1),
        (["report", TIANJIN, "-o", str(tmp / "r.doc")], 2),
        (["report", TIANJIN, "--against", "national-policy", "-o", str(tmp / "r.html")], 1),
        (["report", TIANJIN], 2),
        (["batch", str(tmp / "no-jobs.yaml")], 2),
        (["batch", jobs], 1),
        (["batch", jobs, "--jobs", "0"], 2),
        (["where", "extra"], 2),
        (["clear-cache", "extra"], 2),
        (["new-zone", "Bad Id!", "-o", str(tmp / "z.yaml")], 2),
        (["new-zone", "my-zone", "-o", str(tmp / "z.txt")], 2),
        (["new-zone", "my-zone", "-o", existing], 2),
        (["new-zone", "my-zone"], 2),
    ]


def _applicable_codes() -> list[str]:
    from policybench import load_dataset
    from policybench.gaps import gap_analysis

    return gap_analysis(load_dataset(), TIANJIN, against=MODELS).table()["code"].tolist()


def test_every_subcommand_with_bad_arguments_exits_1_or_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = bad_invocations(tmp_path)
    for name in COMMANDS:  # every subcommand, including ones added later: unknown option and no argument
        cases += [([name, "--no-such-option"], 2)]
    assert {argv[0] for argv, _ in cases} >= set(COMMANDS) - {"nothing"}
    failures = []
    for argv, expected in cases:
        code = main(argv)  # an uncaught exception here is a traceback: the test fails on it
        out, err = capsys.readouterr()
        if code != expected or "Traceback" in out + err or not (out + err).strip():
            failures.append(f"{argv}: exit {code} (expected {expected}); stderr {err.strip()[:200]!r}")
    assert not failures, "\n".join(failures)


def test_messages_say_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gap", TIANJIN, "--peers", "0"]) == 2
    assert "--peers: must be at least 1, got 0" in capsys.readouterr().err
    zero = _write(tmp_path / "zero.yaml", "\n".join(f"{c}: 0" for c in _applicable_codes()) + "\n")
    assert main(["gap", TIANJIN, "--against", *MODELS, "--weights", zero]) == 1
    assert "applicable categories weight 0" in capsys.readouterr().err
    assert main(["report", TIANJIN, "--against", "national-policy", "-o", str(tmp_path / "x.html")]) == 1
    err = capsys.readouterr().err
    assert "'national-policy' is a frame of national directions" in err and "leave it out of 'against'" in err
    assert not (tmp_path / "x.html").exists()


def test_a_zone_without_counted_measures_is_compared_with_an_interval(capsys: pytest.CaptureFixture[str]) -> None:
    # the national frame has no counted measure: nothing of Tianjin's matches (alignment 0), a number all the same
    assert main(["compare", TIANJIN, "national-policy", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "similarity 0." in out and "90% interval" in out and "alignment 0.00" in out
    assert main(["compare", TIANJIN, "national-policy", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["alignment"] == 0.0 and payload["reason"] == ""
    assert payload["low"] <= payload["score"] <= payload["high"]
    assert payload["score"] == pytest.approx(0.5 * payload["structured"])


def test_a_dataset_with_its_own_codebook_is_used_alone(capsys: pytest.CaptureFixture[str]) -> None:
    toy = str(Path(__file__).parent / "data" / "toy-states")
    assert main(["list", "zones", "--data", toy]) == 1
    err = capsys.readouterr().err
    assert "own codebook" in err and "--no-shipped" in err
    assert main(["list", "zones", "--data", toy, "--no-shipped", "--format", "json"]) == 0
    assert TIANJIN not in {r["zone_id"] for r in json.loads(capsys.readouterr().out)}


def test_repeated_against_flags_append(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["gap", TIANJIN, "--against", MODELS[0], "--against", MODELS[1], "--format", "json", "--draws", "0"]) == 0
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["benchmark"] == sorted(MODELS)


def test_draws_zero_means_no_robustness(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gap", TIANJIN, "--against", *MODELS, "--format", "json", "--draws", "0"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["recommendations"] and "p_top" not in payload["recommendations"][0]
    assert main(["gap", TIANJIN, "--against", *MODELS, "--format", "json", "--draws", "20"]) == 0
    assert "p_top" in json.loads(capsys.readouterr().out)["recommendations"][0]


def test_weights_file_naming_one_category_keeps_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    weights = _write(tmp_path / "w.yaml", "MKT.PARTNER_SYSTEM: 0.1\n")
    assert main(["gap", TIANJIN, "--against", *MODELS, "--weights", weights, "--format", "json", "--draws", "0"]) == 0
    table = {r["code"]: r["weight"] for r in json.loads(capsys.readouterr().out)["table"]}
    assert all(w > 0 for w in table.values())  # no category silently dropped to 0
    assert table["MKT.PARTNER_SYSTEM"] == pytest.approx(0.1 / (1 + 0.1 - 1 / 70))


def test_data_adds_to_the_shipped_zones_and_no_shipped_leaves_them_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    toy = Path(__file__).parent / "data" / "valid" / "minimal-zone.yaml"
    assert main(["list", "zones", "--data", str(toy), "--format", "json"]) == 0
    ids = {r["zone_id"] for r in json.loads(capsys.readouterr().out)}
    assert {"test-zone", TIANJIN} <= ids
    assert main(["list", "zones", "--data", str(toy), "--no-shipped", "--format", "json"]) == 0
    assert {r["zone_id"] for r in json.loads(capsys.readouterr().out)} == {"test-zone"}
