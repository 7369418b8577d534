"""Coder agreement: matching two codings and Krippendorff's alpha, checked against hand computation."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from policybench import InputError, agreement, load_codebook, load_zone
from policybench.agreement import krippendorff_alpha
from policybench.cli import main
from policybench.data.io import shipped_data_dir

DATA = Path(__file__).parent / "data" / "agreement"


@pytest.fixture(scope="module")
def codings():
    codebook = load_codebook()
    return load_zone(DATA / "coder-a.yaml", codebook=codebook), load_zone(DATA / "coder-b.yaml", codebook=codebook)


@pytest.fixture(scope="module")
def toy(codings):
    return agreement(*codings)


def test_alpha_nominal_by_hand() -> None:
    # units (x,x) (x,y) (y,y) (y,y): n_x = 3, n_y = 5, n = 8, one disagreeing unit.
    # alpha = 1 - (n - 1) * (o_xy + o_yx) / (2 n_x n_y) = 1 - 7 * 2 / 30 = 8/15
    assert krippendorff_alpha(["x", "x", "y", "y"], ["x", "y", "y", "y"], level="nominal") == pytest.approx(8 / 15)


def test_alpha_ordinal_by_hand() -> None:
    # values 1,1 | 2,3 | 3,3: n1 = 2, n2 = 1, n3 = 3, n = 6.
    # ordinal delta(c, k) = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2: d12 = 2.25, d23 = 4, d13 = 12.25
    # D_o = (o23 + o32) d23 / n = 8/6; D_e = 2 (2*1*2.25 + 2*3*12.25 + 1*3*4) / (6*5) = 6; alpha = 1 - (4/3)/6 = 7/9
    assert krippendorff_alpha([1, 2, 3], [1, 3, 3], level="ordinal") == pytest.approx(7 / 9)
    # the same data read as nominal weighs the disagreement differently
    assert krippendorff_alpha([1, 2, 3], [1, 3, 3], level="nominal") != pytest.approx(7 / 9)


def test_alpha_undefined_and_bad_input() -> None:
    assert math.isnan(krippendorff_alpha(["x", "x"], ["x", "x"], level="nominal"))  # no variation
    assert math.isnan(krippendorff_alpha(["x", None], [None, "y"], level="nominal"))  # nothing pairable
    with pytest.raises(InputError, match="'level' parameter of krippendorff_alpha"):
        krippendorff_alpha(["x"], ["x"], level="interval")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="as many values"):
        krippendorff_alpha(["x"], ["x", "y"], level="nominal")


def test_toy_codings_are_matched_by_locator_then_text(toy) -> None:
    pairs = {row.measure_a: (row.measure_b, row.basis) for row in toy.pairs.itertuples()}
    assert pairs == {
        # same source title under another id, locator written with and without '§' and spaces
        "agree-toy.statutory-body": ("agree-toy.statutory-reform", "locator"),
        "agree-toy.partner": ("agree-toy.park-partner", "locator"),
        # B's title "法定机构企业化运作" is closer to A's statutory-body measure than A's own title is,
        # but the shared locator para 5 decides
        "agree-toy.corporate": ("agree-toy.corporate-operation", "locator"),
        # no shared locator: matched on text
        "agree-toy.mixed-ownership": ("agree-toy.mixed-ownership-attempt", "text"),
    }
    assert toy.unmatched_a == ("agree-toy.voucher",) and toy.unmatched_b == ("agree-toy.approval",)


def test_toy_alpha_per_field_by_hand(toy) -> None:
    fields = toy.fields.set_index("field")
    # category: (S,S) (P,P) (C,S) (M,M); n_S = 3, n_P = 2, n_C = 1, n_M = 2, n = 8
    # D_o = 2/8; D_e = (64 - 9 - 4 - 1 - 4) / 56 = 46/56; alpha = 1 - 14/46 = 16/23
    assert toy.alpha("category") == pytest.approx(16 / 23)
    assert toy.alpha("domain") == pytest.approx(1.0)  # GOV,GOV | MKT,MKT | GOV,GOV | MKT,MKT
    # status: impl 5, proposed 2, discontinued 1; D_e = (64 - 25 - 4 - 1) / 56; alpha = 1 - 14/34 = 10/17
    assert toy.alpha("status") == pytest.approx(10 / 17)
    # depth (ordinal): (3,2) (1,1) (2,2) (2,3); n1 = 2, n2 = 4, n3 = 2; d12 = d23 = 9, d13 = 36
    # D_o = 4 * 9 / 8 = 4.5; D_e = 2 (8*9 + 4*36 + 8*9) / 56 = 576/56; alpha = 1 - 252/576 = 9/16
    assert toy.alpha("depth") == pytest.approx(9 / 16)
    assert list(fields["agreement"]) == [0.75, 1.0, 0.75, 0.5]
    assert list(fields["disagreements"]) == [1, 0, 1, 2]


def test_cell_states_and_depth_by_hand(toy) -> None:
    cells = toy.cells.set_index("code")
    assert len(cells) == 34 and cells["core"].all()  # the core checklist
    # states (A, B) that are not (unknown, unknown): STAT (P, P) with depth 3 vs 2; CORP (P, U) and
    # VOUCHER (P, U): B coded no measure there; COMMIT (U, P); three national duties (P, P) in both.
    differ = {c for c in cells.index if cells.loc[c, "state_a"] != cells.loc[c, "state_b"]}
    assert differ == {"GOV.CORPORATE_MGMT", "SVC.SERVICE_VOUCHER", "APR.COMMITMENT_APPROVAL"}
    # nominal alpha over 34 units: n_P = 4 x 2 + 3 = 11, n_U = 27 x 2 + 3 = 57, n = 68; 3 units
    # disagree, o_PU + o_UP = 6: alpha = 1 - (n - 1) 6 / (2 n_P n_U) = 1 - 402/1254 = 142/209
    assert toy.alpha("cell_state") == pytest.approx(142 / 209)
    table = toy.cell_fields.set_index("field")
    assert (table.loc["cell_state", "pairs"], table.loc["cell_state", "disagreements"]) == (34, 3)
    assert table.loc["cell_state", "agreement"] == pytest.approx(31 / 34)
    # depth: the one cell both find present through a measure (STAT 3 vs 2)
    assert (table.loc["cell_depth", "pairs"], table.loc["cell_depth", "disagreements"]) == (1, 1)
    rows = toy.disagreements()
    cell_rows = rows[rows["field"].str.startswith("cell_")]
    assert set(zip(cell_rows["field"], cell_rows["code"], cell_rows["value_a"], cell_rows["value_b"], strict=True)) == {
        ("cell_state", "GOV.CORPORATE_MGMT", "present", "unknown"),
        ("cell_state", "SVC.SERVICE_VOUCHER", "present", "unknown"),
        ("cell_state", "APR.COMMITMENT_APPROVAL", "unknown", "present"),
        ("cell_depth", "GOV.STATUTORY_BODY", "3", "2"),
    }


def test_every_category_can_be_compared(codings) -> None:
    result = agreement(*codings, cells="all")
    assert len(result.cells) == 61 and not result.cells["core"].all()
    with pytest.raises(InputError, match="'cells' parameter"):
        agreement(*codings, cells="some")


def test_disagreements_table_lists_fields_and_unmatched(toy) -> None:
    table = toy.disagreements()
    table = table[~table["field"].str.startswith("cell_")]
    rows = set(zip(table["field"], table["measure_a"], table["value_a"], table["value_b"], strict=True))
    assert rows == {
        ("depth", "agree-toy.statutory-body", "3", "2"),
        ("category", "agree-toy.corporate", "GOV.CORPORATE_MGMT", "GOV.STATUTORY_BODY"),
        ("status", "agree-toy.mixed-ownership", "discontinued", "implemented"),
        ("depth", "agree-toy.mixed-ownership", "2", "3"),
        ("match", "agree-toy.voucher", "coded", "absent"),
        ("match", "", "absent", "coded"),
    }
    assert table.loc[table["field"] == "category", "locator"].item() == "§二(一) para 5"


def test_a_coding_agrees_with_itself() -> None:
    zone = load_zone(shipped_data_dir() / "zones" / "tianjin-htz.yaml")
    result = agreement(zone, zone)
    assert len(result.pairs) == len(zone.measures) and not result.unmatched_a
    assert (result.pairs["measure_a"] == result.pairs["measure_b"]).all()
    assert all(result.alpha(name) == pytest.approx(1.0) for name in ("category", "domain", "status", "depth"))
    assert result.disagreements().empty


def test_parameters_are_checked(toy, codings) -> None:
    a, b = codings
    with pytest.raises(InputError, match="'threshold' parameter of agreement must be a number in"):
        agreement(a, a, threshold=1.5)
    with pytest.raises(InputError, match="'lang' parameter of agreement"):
        agreement(a, a, lang="fr")
    with pytest.raises(InputError, match="'name' parameter of Agreement.alpha"):
        toy.alpha("confidence")
    # a higher bar for text-only matches leaves the mixed-ownership pair unmatched
    strict = agreement(a, b, threshold=0.99)
    assert "agree-toy.mixed-ownership" in strict.unmatched_a


def test_cli_agreement(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a, b = str(DATA / "coder-a.yaml"), str(DATA / "coder-b.yaml")
    assert main(["agreement", a, b]) == 0
    out, _ = capsys.readouterr()
    assert "alpha     0.696" in out and "disagreements to reconcile (10)" in out  # 6 on measures, 4 on cells
    assert "cell_state (nominal) alpha     0.679" in out
    assert main(["agreement", a, b, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr()[0])
    assert {row["field"]: row["alpha"] for row in payload["fields"]}["status"] == pytest.approx(10 / 17)
    assert len(payload["disagreements"]) == 10 and payload["unmatched_b"] == ["agree-toy.approval"]
    assert {row["field"]: row["alpha"] for row in payload["cell_fields"]}["cell_state"] == pytest.approx(142 / 209)
    assert main(["agreement", a, str(tmp_path / "missing.yaml")]) == 2
    _, err = capsys.readouterr()
    assert "missing.yaml" in err and "Traceback" not in err
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (DATA / "coder-b.yaml").read_text(encoding="utf-8").replace("depth: 3", "depth: 7"), encoding="utf-8"
    )
    assert main(["agreement", a, str(bad)]) == 1
    _, err = capsys.readouterr()
    assert "bad.yaml" in err and "depth" in err and "Traceback" not in err
