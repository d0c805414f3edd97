"""Rows written as sheet XML (render/excel/fast_rows.py, the big sheets of the comparison report) are the rows
append_row writes: same values, types, styles and heights, read back by openpyxl and python-calamine."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, PatternFill
from python_calamine import CalamineWorkbook

from tusoi_cli import load_rubric
from tusoi_cli.render.excel.fast_rows import FastRows, _XmlRows
from tusoi_cli.render.excel.styles import Styles, append_row, new_workbook, save_workbook, sheet_head

LONG = "x" * 40_000

# (values, which style) per row: every kind of value the reports write, and the text a spreadsheet would take
# for a formula or an error value.
ROWS: list[list[object]] = [
    [1, "Nguyễn Văn An", "=HYPERLINK(\"x\")", 2.5, -1, None, date(2026, 6, 30)],
    [2, "#N/A", "  lề trái", "A & B <c> \"d\"", 0, True, None],
    [3, "Rất dài " * 30, "+84 912", "@me", 1e-7, 86.25, datetime(2026, 3, 1, 8, 30)],
    [4, "soft\x0bbreak", "-", LONG, 123456789012, False, "đã khắc phục"],
]
WIDTHS = [5.0, 20.0, 12.0, 24.0, 7.0, 7.0, 11.0]


def styles_of(st: Styles, date_style: Any, index: int) -> list[Any]:
    return [st.center, st.wrap, st.text, st.wrap, st.dec if index % 2 else st.int, st.label, date_style]


def write(path: Path, fast: bool) -> None:
    workbook = new_workbook(streaming=True)
    ws = workbook.create_sheet("Chi tiết")
    st = Styles(ws, load_rubric())
    date_style = st.make(border=st.grid, alignment=Alignment(horizontal="center"), number_format="DD/MM/YYYY")
    filled = st.make(fill=PatternFill(fill_type="solid", start_color="C6EFCE", end_color="C6EFCE"))
    sheet_head(ws, WIDTHS, freeze="C3")
    append_row(ws, ["TIÊU ĐỀ"], [st.title], height=20)
    append_row(ws, ["STT", "Họ và tên", "Mục", "Nội dung", "Cũ", "Mới", "Ngày"], st.header, height=32)
    fit = [None, 20.0, None, 24.0, None, None, None]
    if fast:
        with FastRows(ws) as rows:
            for index, values in enumerate(ROWS):
                assert rows.append(values, styles_of(st, date_style, index), fit) == index + 3
            rows.append([None, None, "ô tô màu"], [filled, None, filled], height=40)
    else:
        for index, values in enumerate(ROWS):
            append_row(ws, values, styles_of(st, date_style, index), fit)
        append_row(ws, [None, None, "ô tô màu"], [filled, None, filled], height=40)
    append_row(ws, ["ghi chú cuối, đủ dài để xuống dòng trong cột hẹp này"], [st.note], [12.0])  # append_row's
    append_row(ws, [])  # rows may follow, with their heights, and blank rows
    ws.auto_filter.ref = "A2:G7"
    # the fast one as a province's comparison saves it: the package deflated at level 1
    save_workbook(workbook, path, title="thử", tool_version="0", generated_at=datetime(2026, 3, 1),
                  compresslevel=1 if fast else None)


def cells(path: Path) -> list[list[tuple[Any, ...]]]:
    ws = openpyxl.load_workbook(path)["Chi tiết"]
    return [[(c.coordinate, c.value, c.data_type, c.number_format, c.font.b, c.font.sz, c.fill.fgColor.rgb,
              c.alignment.wrap_text, c.alignment.horizontal, c.quotePrefix, c.border.left.style) for c in row]
            for row in ws.iter_rows()]


def test_fast_rows_are_the_rows_append_row_writes(tmp_path: Path) -> None:
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    write(fast, True)
    write(slow, False)
    assert cells(fast) == cells(slow)
    ws = openpyxl.load_workbook(fast)["Chi tiết"]
    heights = {n: ws.row_dimensions[n].height for n in range(1, 10)}
    slow_ws = openpyxl.load_workbook(slow)["Chi tiết"]
    assert heights == {n: slow_ws.row_dimensions[n].height for n in range(1, 10)}
    assert heights[8] == 13 * 5 + 3  # the note after the fast rows keeps its height
    assert heights[5] is not None and heights[5] > 13 * 5  # 240 characters wrapped in a column of 20
    assert heights[7] == 40 and heights[4] is None
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref == "A2:G7"
    # text is text: a formula-like or error-like entry is stored as a string with the quote prefix
    assert (ws["C3"].value, ws["C3"].data_type, ws["C3"].quotePrefix) == ('=HYPERLINK("x")', "s", True)
    assert (ws["B4"].value, ws["B4"].data_type, ws["B4"].quotePrefix) == ("#N/A", "s", True)
    assert ws["D4"].value == 'A & B <c> "d"' and ws["C4"].value == "  lề trái"
    assert ws["B6"].value == "softbreak" and len(ws["D6"].value) == 32767  # Excel's limits, as openpyxl's
    assert ws["G3"].value == datetime(2026, 6, 30) and ws["G3"].number_format == "DD/MM/YYYY"
    assert ws["G5"].value == datetime(2026, 3, 1, 8, 30) and ws["E5"].value == 1e-7
    assert (ws["F4"].value, ws["F6"].value, ws["E6"].value) == (True, False, 123456789012)
    assert ws["A8"].value.startswith("ghi chú cuối")
    props = openpyxl.load_workbook(fast).properties
    assert (props.title, props.creator, props.modified) == ("thử", "tusoi 0", datetime(2026, 3, 1))
    rows = CalamineWorkbook.from_path(str(fast)).get_sheet_by_name("Chi tiết").to_python()
    assert rows[2][:5] == [1, "Nguyễn Văn An", '=HYPERLINK("x")', 2.5, -1]
    assert rows[6][2] == "ô tô màu" and rows[7][0].startswith("ghi chú cuối")


def _parsed(xml: str) -> list[tuple[str | None, str | None, str | None, str | None]]:
    """(r, s, t, text) of each cell of some rows' XML; an empty cell's type is left out (openpyxl says "n")."""
    root = ET.fromstring(f"<d>{xml}</d>")
    found = []
    for c in root.iter("c"):
        text = "".join(c.itertext()) or None
        found.append((c.get("r"), c.get("s"), c.get("t") if text is not None else None, text))
    return found


def test_rows_go_through_openpyxls_own_writer_when_the_stream_is_not_et_xmlfile(tmp_path: Path) -> None:
    """With lxml installed openpyxl streams through lxml, whose writer takes no raw text: the rows then go
    cell by cell through openpyxl's own writer, and come out the same."""
    from et_xmlfile import xmlfile

    workbook = new_workbook(streaming=True)
    ws = workbook.create_sheet("Chi tiết")
    st = Styles(ws, load_rubric())
    date_style = st.make(number_format="DD/MM/YYYY")
    sheet_head(ws, WIDTHS)
    append_row(ws, ["TIÊU ĐỀ"], [st.title])
    maker = FastRows(ws)
    for index, values in enumerate(ROWS):
        maker.append(values, styles_of(st, date_style, index), [None, 20.0])
    chunk = _XmlRows("".join(maker._xml), maker._rows)
    write_row = ws._writer.write_row  # the hook FastRows put in place

    class NoRawText:  # what lxml's incremental writer offers: elements and escaped text only
        def __init__(self, xf: Any) -> None:
            self.element, self.write = xf.element, xf.write

    out = io.BytesIO()
    with xmlfile(out) as xf, xf.element("sheetData"):
        write_row(NoRawText(xf), chunk, 0)
    through_openpyxl = out.getvalue().decode()
    through_openpyxl = through_openpyxl[through_openpyxl.index("<row"):through_openpyxl.rindex("</sheetData>")]
    assert _parsed(through_openpyxl) == _parsed(chunk.xml)
    assert len(_parsed(chunk.xml)) >= 20
    maker.flush()  # the sheet is finished and saved as any other
    save_workbook(workbook, tmp_path / "r.xlsx", title="thử", tool_version="0", generated_at=datetime(2026, 3, 1))
    assert CalamineWorkbook.from_path(str(tmp_path / "r.xlsx")).get_sheet_by_name("Chi tiết").to_python()[1][0] == 1


def test_rows_in_many_chunks_come_out_in_order_between_append_rows(tmp_path: Path) -> None:
    """Rows go to openpyxl's stream 256 at a time: 600 rows, an append_row's row after them, all in place."""
    workbook = new_workbook(streaming=True)
    ws = workbook.create_sheet("Theo đảng viên")
    st = Styles(ws, load_rubric())
    sheet_head(ws, [6.0, 20.0, 8.0])
    append_row(ws, ["STT", "Họ và tên", "Điểm"], st.header)
    with FastRows(ws) as rows:
        for n in range(1, 601):
            rows.append([n, f"Đảng viên {n}", 100 - n / 8], [st.center, st.wrap, st.dec])
    append_row(ws, ["Cộng", None, 600], [st.label, None, st.int])
    assert ws.max_row == 602
    path = tmp_path / "r.xlsx"
    save_workbook(workbook, path, title="thử", tool_version="0", generated_at=datetime(2026, 3, 1), compresslevel=1)
    read = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Theo đảng viên").to_python()
    assert len(read) == 602
    with zipfile.ZipFile(path) as archive:  # each row numbered as its cells, in order (Excel repairs it otherwise)
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', xml)]
    assert numbers == list(range(1, 603))
    assert all(re.fullmatch(r"[A-Z]+" + row, ref) for row, cells in re.findall(r'<row r="(\d+)"[^>]*>(.*?)</row>', xml)
               for ref in re.findall(r'<c r="([A-Z]+\d+)"', cells))
    assert [r[0] for r in read[1:601]] == list(range(1, 601))
    assert read[300] == [300, "Đảng viên 300", 62.5] and read[601] == ["Cộng", "", 600]


def test_a_fresh_process_writes_openpyxl_workbooks_without_lxml() -> None:
    """lxml comes with python-docx; openpyxl's lxml stream would send the comparison's rows the slow way round."""
    import subprocess
    import sys

    code = ("import tusoi_cli.render.excel.compare, openpyxl.xml, lxml; "
            "print(openpyxl.xml.LXML)")
    env = {k: v for k, v in __import__("os").environ.items() if k != "OPENPYXL_LXML"}
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert shown.stdout.strip() == "False"
