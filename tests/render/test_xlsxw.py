"""The XlsxWriter layer of the batch report (render/excel/xlsxw.py), written for real and read back."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook  # type: ignore[import-untyped]

from tusoi_cli.render.excel.xlsxw import Book, Styles


def _save(book: Book, tmp_path: Path) -> Path:
    target = tmp_path / "b.xlsx"
    book.save(target, title="Thử", tool_version="1.2", generated_at=datetime(2026, 12, 1, 8, 0))
    return target


def test_text_is_text_widths_are_exact_and_rows_fit_their_text(tmp_path: Path) -> None:
    book = Book()
    sheet = book.sheet("Trang")
    sheet.set_columns([5, 22, 10])
    assert sheet.row(["=SUM(A1)", "#N/A", "a\x0bb"]) == 1
    assert sheet.row([1, "một hai ba bốn năm sáu bảy tám chín mười", 2.5], None, [None, 22]) == 2
    wb = load_workbook(_save(book, tmp_path))
    ws = wb["Trang"]
    assert [(c.value, c.data_type, c.quotePrefix) for c in ws[1]] == [
        ("=SUM(A1)", "s", True), ("#N/A", "s", True), ("ab", "s", False)]  # never a formula nor an error
    assert [c.value for c in ws[2]] == [1, "một hai ba bốn năm sáu bảy tám chín mười", 2.5]
    assert [ws.column_dimensions[c].width for c in "ABC"] == [5, 22, 10]  # as openpyxl stored them
    assert ws.row_dimensions[2].height == 29.25  # two lines of 13 points + 3, in whole pixels
    assert (wb.properties.creator, wb.properties.title) == ("tusoi 1.2", "Thử")


def test_a_column_format_spares_the_empty_cells_but_not_the_title_row(tmp_path: Path) -> None:
    book = Book()
    styles = Styles(book, [("tot", "green")])
    sheet = book.sheet("Trang")
    sheet.set_columns([10, 10, 10], [None, styles.matrix, styles.matrix])
    sheet.title_row("Tiêu đề", styles.title, 3)
    sheet.row([1, None, 2], [styles.center, styles.matrix, styles.matrix])
    sheet.row([2, None, None], [styles.center, styles.level["tot"], None])
    target = _save(book, tmp_path)
    with zipfile.ZipFile(target) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="B2"' not in xml and '<c r="C3"' not in xml  # the column carries their format
    assert '<c r="B3"' in xml  # a level's fill differs from the column's: a cell
    assert '<c r="B1" s=' in xml and '<c r="C1" s=' in xml  # the title row: a plain cell over the grid
    ws = load_workbook(target)["Trang"]
    assert not ws["B1"].border.left.style
    assert ws.column_dimensions["B"].border.left.style == "thin"
    assert ws["B3"].fill.fgColor.rgb[-6:] == "C6EFCE"
