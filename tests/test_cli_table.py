"""Terminal tables on rich: CJK widths, narrow terminals, plain text only (no markup, no escapes)."""

from __future__ import annotations

import io

import pytest

from policybench.cli.table import clean_text, display_width, progress_bar, render_table


def test_cjk_cells_align_by_display_width() -> None:
    out = render_table(["区域", "n"], [["天津滨海高新区", 1], ["ab", 22]], numeric=[False, True], width=60)
    lines = out.splitlines()
    assert lines[0].startswith("区域")
    # the numbers end in the same terminal column although the names differ in characters
    ends = {display_width(line) for line in lines[2:]}
    assert ends == {display_width(lines[2])} and "天津滨海高新区" in out


def test_long_text_wraps_and_identifiers_stay_whole_within_the_width() -> None:
    ident = "tianjin-htz.all-staff-competitive-appointment"
    text = "一个很长的中文标题" * 6
    out = render_table(["measure_id", "title"], [[ident, text]], protect=[0], width=80)
    assert max(display_width(line) for line in out.splitlines()) <= 80
    assert ident in out  # never broken
    assert "".join(line[len(ident) :].strip() for line in out.splitlines()[2:]) == text  # wrapped, nothing lost


def test_a_terminal_too_narrow_for_columns_gets_one_block_per_row() -> None:
    ident = "tianjin-htz.all-staff-competitive-appointment"
    out = render_table(
        ["measure_id", "code", "title"], [[ident, "GOV.STATUTORY_BODY", "法定机构"]], protect=[0, 1], width=40
    )
    assert out.splitlines() == [f"measure_id  {ident}", "code        GOV.STATUTORY_BODY", "title       法定机构"]


def test_data_is_plain_text_markup_and_escape_sequences_do_nothing() -> None:
    hostile = "[bold red]x[/bold red]\x1b[2J\x1b]8;;http://evil\x07link\x1b]8;;\x07\r\u202eevil"
    out = render_table(["t"], [[hostile]], width=80)
    assert "[bold red]x[/bold red]" in out  # printed as typed, not interpreted
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out and "\x07" not in out
    assert clean_text("a\x00b\x9b31mc\x7f\nd") == "abc d"
    assert clean_text("a\r\nb\tc", keep_newlines=True) == "a\nb c"


def test_progress_off_a_terminal_logs_one_line_per_step() -> None:
    stream = io.StringIO()
    with progress_bar(2, description="jobs", file=stream) as advance:
        advance("a: ok")
        advance("b\x1b[31m: failed")
    lines = stream.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == ["jobs 1/2 a: ok", "jobs 2/2 b: failed"]


def test_a_matrix_too_wide_for_the_terminal_is_paged_by_columns_not_printed_one_block_per_row() -> None:
    header = ["code"] + [f"zone-{n:02d}" for n in range(30)]
    rows = [[f"CAT.CODE_{r}"] + [str((r * n) % 4) for n in range(30)] for r in range(5)]
    out = render_table(header, rows, width=120, numeric=[False] + [True] * 30)
    lines = out.splitlines()
    assert all(display_width(line) <= 120 for line in lines)
    pages = out.split("\n\n")
    assert 2 <= len(pages) <= 4, len(pages)  # a few pages of columns, not 5 blocks of 31 lines
    for page in pages:
        assert sum(line.startswith("CAT.CODE_") for line in page.splitlines()) == 5  # every row on every page
    assert all(f"zone-{n:02d}" in out for n in range(30))
    assert not any(line.startswith("zone-00") for line in lines)  # no 'header: value' blocks


@pytest.mark.parametrize("command", [["coverage"], ["similarity"]])
def test_coverage_and_similarity_print_numbered_matrices_at_120_columns(
    command: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from policybench.cli import main

    monkeypatch.setenv("COLUMNS", "120")
    assert main(command) == 0
    out = capsys.readouterr().out
    assert max(display_width(line) for line in out.splitlines()) <= 120
    matrix = out.split("\n\n")[0 if command == ["coverage"] else slice(0, 2)]
    pages = [matrix] if isinstance(matrix, str) else matrix
    assert 1 <= len(pages) <= 2
    head = pages[0].splitlines()[0].split()
    assert head[0] in ("类别", "区域") and head[1:6] == ["1", "2", "3", "4", "5"]  # numbered zone columns
    rows = pages[0].splitlines()[2:]
    assert len(rows) >= 20 and all(len(r.split()) >= 10 for r in rows)  # rows of numbers, not one-cell blocks
