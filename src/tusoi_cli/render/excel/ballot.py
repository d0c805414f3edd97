"""The printable ballot of the cell's vote (`tusoi template phieu`): one row per member, one column per level,
"mark one box" per row, a line for the number present — A4 portrait, printed at 9 points or more.

The same form, once the ballots are counted into it (the number of ballots per level in each box, the number
present written on its line), is what `tusoi bieu-quyet --phieu` reads back (read/ballots.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Border, Side  # type: ignore[import-untyped]

from tusoi_cli.model import Rubric
from tusoi_cli.model.people import Person
from tusoi_cli.render.excel.styles import (
    Styles,
    append_row,
    cell_font,
    new_workbook,
    print_setup,
    save_workbook,
    sheet_head,
)

SHEET_BALLOT = "Phiếu biểu quyết"
TITLE = "PHIẾU BIỂU QUYẾT XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN"
HEADER_ROW = 8  # the row `bieu-quyet` finds by its "Họ và tên" and level columns
NAME_WIDTH = 28
LEVEL_WIDTH = 11
ROW_HEIGHT = 22  # points: room to tick a box by hand


def write_ballot(target: Path, rubric: Rubric, people: Sequence[Person], *, chi_bo: str | None, ky: str | None,
                 tool_version: str, generated_at: datetime | None = None) -> None:
    generated_at = generated_at or datetime.now().astimezone()
    workbook = new_workbook()
    ws = workbook.active
    ws.title = SHEET_BALLOT
    st = Styles(ws, rubric)
    widths = [5, NAME_WIDTH, *([LEVEL_WIDTH] * len(rubric.levels))]
    sheet_head(ws, widths)
    last = len(widths)
    big = st.make(font=cell_font(bold=True, size=12), alignment=Alignment(horizontal="center"))
    label = st.make(font=cell_font(bold=True))
    dotted = Side(style="dotted", color="808080")  # a line to write on
    line = st.make(alignment=Alignment(horizontal="left"), border=Border(bottom=dotted))
    append_row(ws, [TITLE], big)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    append_row(ws, [])
    _field(ws, "Chi bộ:", chi_bo, label, line, last)
    _field(ws, "Kỳ đánh giá:", ky, label, line, last)
    _field(ws, "Số đảng viên có mặt và biểu quyết:", None, label, line, last)
    if rubric.quota is not None and rubric.quota.exceptional_share is not None:
        _field(ws, "Đơn vị đặc biệt (có/không):", None, label, line, last)
    else:
        append_row(ws, [])
    note = ("Cách ghi: ở mỗi dòng, đánh dấu X vào MỘT ô — mức đồng chí đề nghị xếp loại cho đảng viên đó. "
            "Kiểm phiếu: ghi vào mỗi ô tổng số phiếu của mức đó và số đảng viên có mặt ở dòng trên, rồi chạy "
            "`tusoi bieu-quyet <bảng chi bộ> --phieu <tệp này>`.")
    append_row(ws, [note], st.note_wrap, height=3 * 13 + 3)
    ws.merge_cells(start_row=7, start_column=1, end_row=7, end_column=last)
    append_row(ws, ["STT", "Họ và tên", *(level.label for level in rubric.levels)], st.header, min_lines=3)
    for number, person in enumerate(people, start=1):
        append_row(ws, [number, person.ho_ten, *([None] * len(rubric.levels))],
                   [st.center, st.wrap, *([st.center] * len(rubric.levels))], height=ROW_HEIGHT)
    append_row(ws, [])
    append_row(ws, [None, "Người kiểm phiếu (ký, ghi rõ họ tên)"], label)
    print_setup(ws, f"{TITLE} — {chi_bo}" if chi_bo else TITLE, title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
                landscape=False)
    save_workbook(workbook, target, title=TITLE, tool_version=tool_version, generated_at=generated_at)


def _field(ws: Any, text: str, value: str | None, label: Any, line: Any, last: int) -> None:
    row = append_row(ws, [text, None, value, *([None] * (last - 3))], [label, None, *([line] * (last - 2))])
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=last)
