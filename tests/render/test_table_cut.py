from __future__ import annotations

from rich.table import Table

from tusoi_cli.render import compare_terminal, periods_terminal


def test_two_periods_and_more_cut_their_tables_alike() -> None:
    assert compare_terminal.cut_rows is periods_terminal.cut_rows
    assert compare_terminal.TABLE_ROWS == periods_terminal.TABLE_ROWS == 200
    table = Table()
    compare_terminal.cut_rows(table, 200)
    assert table.caption is None
    compare_terminal.cut_rows(table, 205)
    assert table.caption == "… và 5 dòng nữa: xem đủ trong báo cáo -o so-sanh.xlsx hoặc --format json"
    assert table.caption_justify == "left"
