"""The Excel report of a batch run: written for real, reopened with openpyxl and checked cell by cell."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from tusoi_cli import load_rubric_file, score_file
from tusoi_cli.errors import Problem
from tusoi_cli.model.batch import BatchResult
from tusoi_cli.render.excel.report import write_report
from tusoi_cli.render.excel.styles import level_colors as _colors

from ..conftest import ALL_ITEMS, full_answers, member_yaml, need_tool
from ..read.test_rubrics import ADDING_RUBRIC

RESULT_HEADERS = [  # the first ten print; the others stay in the sheet for the screen
    "STT", "Họ và tên", "Chức vụ", "Trạng thái", "Điểm", "Xếp loại đề xuất", "Tự xếp loại", "Giới hạn áp dụng",
    "Biểu hiện / vi phạm", "Ghi chú", "Mã đảng viên", "Mức theo điểm", "So với đề xuất", "Chi bộ xếp loại", "Lý do",
    "Trừ CT", "Trừ DL", "Trừ DB", "Trừ D", "Chưa trả lời", "Không áp dụng", "Không hợp lệ", "Dòng",
    "Xếp loại cuối cùng", "Cần trả lời (biên bản)",  # the meeting's columns: some member has two slots filled
]
FORMULA_NAME = '=HYPERLINK("x")'
WHEN = datetime(2026, 12, 15, 9, 30, tzinfo=timezone(timedelta(hours=7)))


def _member(tmp_path: Path, name: str, answers: dict[str, object], *, chuc_vu: str | None = None,
            **header: object) -> Path:
    """A member file written with the shared helper; ``chuc_vu`` goes under ``dang_vien``."""
    text = member_yaml(answers, **header)
    if chuc_vu is not None:
        text = text.replace("  chi_bo:", f"  chuc_vu: '{chuc_vu}'\n  chi_bo:")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def batch(tmp_path: Path) -> BatchResult:
    """Four members scored through the library, as if read from rows 5-8 of a sheet, plus two row problems."""
    files = [
        _member(tmp_path, "an.yaml", full_answers(CT5=1, DL6=1), ho_ten="Nguyễn Văn An", tu_xep_loai="tot",
                chi_bo_xep_loai="tot", ly_do="Chi bộ thống nhất"),
        _member(tmp_path, "x.yaml", full_answers(D4=1, DB2=1), ho_ten="'=HYPERLINK(\"x\")'", ky_luat="true",
                chi_bo_xep_loai="trung_binh", ly_do="'-Vi phạm điều cấm'"),
        _member(tmp_path, "cuong.yaml", full_answers(CT5=2, CT1="na"), ho_ten="Lê Quốc Cường", tu_xep_loai="kha"),
        _member(tmp_path, "duc.yaml", {"CT1": 1, "CT2": 7, "CT3": "na"}, ho_ten="Phạm Minh Đức", chuc_vu="@Bí thư"),
    ]
    scored = [score_file(f) for f in files]
    problems = [
        Problem("chibo.xlsx", "ô G9: giá trị '=1+2' không có trong thang", line=9, column=7, hint="dùng 0, 1, 2, 3"),
        Problem("chibo.xlsx", "=thiếu họ và tên\x0b ở dòng 10", line=10, column=None, hint=None),
    ]
    return BatchResult.from_results(source=str(tmp_path / "chibo.xlsx"), sheet="Danh sách", rubric=scored[0].rubric,
                       results=[s.result for s in scored], rows=[5, 6, 7, 8], problems=problems,
                       failed_rows=[9, 10], blank_rows=2, headers={2: "Họ và tên", 7: "CT3 - Coi nhẹ lý luận"})


@pytest.fixture
def report(tmp_path: Path, batch: BatchResult) -> Path:
    target = tmp_path / "out" / "ketqua.xlsx"
    target.parent.mkdir()
    write_report(target, batch, tool_version="9.8.7", generated_at=WHEN)
    return target


def _rows(ws: Any, first: int, last: int, columns: int) -> list[list[Any]]:
    return [[ws.cell(row=r, column=c).value for c in range(1, columns + 1)] for r in range(first, last + 1)]


def test_sheets_in_order_and_nothing_left_beside_the_report(report: Path) -> None:
    wb = load_workbook(report)
    assert wb.sheetnames == ["Kết quả", "Tổng hợp", "Chi tiết", "Lỗi", "Thông tin"]
    assert sorted(p.name for p in report.parent.iterdir()) == ["ketqua.xlsx"]  # no temp file left
    assert wb.properties.creator == "tusoi 9.8.7"


def test_results_sheet_rows_in_input_order(report: Path) -> None:
    ws = load_workbook(report)["Kết quả"]
    assert ws["A1"].value == "KẾT QUẢ TỰ SOI, TỰ SỬA — Chi bộ Thử nghiệm — kỳ đánh giá 2026"
    assert [c.value for c in ws[2]] == RESULT_HEADERS
    rows = _rows(ws, 3, 6, len(RESULT_HEADERS))
    assert [r[:7] for r in rows] == [  # all four are reviewed: the status cell stays blank
        [1, "Nguyễn Văn An", None, None, 96, "Tốt", "Tốt"],
        [2, FORMULA_NAME, None, None, 82, "Trung bình", None],
        [3, "Lê Quốc Cường", None, None, 96, "Tốt", "Khá"],
        [4, "Phạm Minh Đức", "@Bí thư", None, 98, "Tốt", None],
    ]
    assert [r[8:15] for r in rows] == [
        ["CT5, DL6", None, None, "Tốt", "bằng", "Tốt", "Chi bộ thống nhất"],
        ["DB2, D4", None, None, "Khá", None, "Trung bình", "-Vi phạm điều cấm"],
        ["CT5", None, None, "Tốt", "thấp hơn", None, None],
        # Đức answered 3 items, one of them invalid: his level is provisional, and the note says why
        ["CT1", "tạm tính — còn 43 mục chưa trả lời, 1 mục không hợp lệ (CT2)", None, "Tốt", None, None, None],
    ]
    assert [r[15:19] for r in rows] == [[2, 2, 0, 0], [0, 0, 3, 15], [4, 0, 0, 0], [2, 0, 0, 0]]
    caps = rows[1][7].split("\n")
    assert caps == [
        "tối đa Trung bình: Vi phạm ít nhất một điều đảng viên không được làm (QĐ 37-QĐ/TW) (D4)",
        'tối đa Khá: Có biểu hiện "tự diễn biến", "tự chuyển hóa" (mức 1) (DB2)',
        "tối đa Trung bình: Bị kỷ luật trong kỳ đánh giá",
    ]
    assert [r[19:23] for r in rows] == [[0, 0, 0, 5], [0, 0, 0, 6], [0, 1, 0, 7], [43, 1, 1, 8]]
    # final level = the last filled slot (An and the formula name: the cell's; Cường: only his own); no flags
    assert [r[23:] for r in rows] == [["Tốt", None], ["Trung bình", None], ["Khá", None], [None, None]]
    assert rows[0][7] is None  # no cap applied
    assert ws.print_area == "'Kết quả'!$A$1:$J$6"  # what the meeting reads; the rest is for the screen


def test_levels_are_filled_with_their_colour_and_scores_keep_full_precision(report: Path) -> None:
    ws = load_workbook(report)["Kết quả"]
    assert ws["F3"].fill.fgColor.rgb[-6:] == "C6EFCE" and ws["F3"].font.b  # Tốt, green, bold
    assert ws["F4"].fill.fgColor.rgb[-6:] == "FFEB9C"  # Trung bình, yellow
    assert ws["L4"].fill.fgColor.rgb[-6:] == "CCEEF4"  # Khá by score, cyan
    assert ws["E3"].number_format == "0"
    assert (ws["B3"].font.name, ws["B3"].font.sz) == ("Arial", 10)


def test_decimal_scores_show_one_decimal_but_store_the_exact_value(tmp_path: Path) -> None:
    (tmp_path / "khung.yaml").write_text(textwrap.dedent(ADDING_RUBRIC), encoding="utf-8")
    rubric = load_rubric_file(tmp_path / "khung.yaml")
    member = tmp_path / "m.yaml"
    member.write_text("dang_vien: {ho_ten: A}\ndanh_gia: {TC1: 9.5, TC2: '9,75', TC3: 10, KQ1: 61}\n",
                      encoding="utf-8")
    result = score_file(member, rubric=rubric).result
    target = tmp_path / "r.xlsx"
    batch = BatchResult.from_results(source="thu-muc", sheet=None, rubric=rubric, results=[result], rows=[1])
    write_report(target, batch, tool_version="1")
    wb = load_workbook(target)
    ws = wb["Kết quả"]
    assert [c.value for c in ws[2]][15:21] == ["Trừ CT", "Trừ DL", "Trừ DB", "Trừ D", "Cộng TC", "Cộng KQ"]
    assert (ws["E3"].value, ws["E3"].number_format) == (90.25, "0.0")
    assert (ws["T3"].value, ws["T3"].number_format) == (29.25, "0.0")
    assert (ws["U3"].value, ws["U3"].number_format) == (61, "0")
    assert wb.sheetnames == ["Kết quả", "Tổng hợp", "Chi tiết", "Thông tin"]  # no problems, no Lỗi sheet
    matrix = wb["Chi tiết"]
    assert [c.value for c in matrix[4]][-4:] == ["TC1", "TC2", "TC3", "KQ1"]
    assert [c.value for c in matrix[5]][-4:] == [9.5, 9.75, 10, 61]
    scales = [r.type for cf in matrix.conditional_formatting for r in cf.rules]
    assert scales.count("colorScale") == 1  # the points scale is shaded, not split per value
    notes = [c.value for c in wb["Tổng hợp"]["B"] if c.value and "cộng điểm" in str(c.value)]
    assert notes == ["Phần cộng điểm (TC, KQ) không có trong bảng này."]


def test_text_from_inputs_is_never_a_formula(report: Path) -> None:
    wb = load_workbook(report)
    ws = wb["Kết quả"]
    name = ws["B4"]
    assert (name.value, name.data_type, name.quotePrefix) == (FORMULA_NAME, "s", True)
    position = ws["C6"]
    assert (position.value, position.data_type, position.quotePrefix) == ("@Bí thư", "s", True)
    reason = ws["O4"]
    assert (reason.value, reason.data_type, reason.quotePrefix) == ("-Vi phạm điều cấm", "s", True)
    assert ws["B3"].quotePrefix is False  # ordinary names are left alone
    assert wb["Chi tiết"]["B6"].data_type == "s"
    error = wb["Lỗi"]["C4"]
    assert (error.value, error.data_type) == ("=thiếu họ và tên ở dòng 10", "s")  # \x0b dropped, not a formula
    with zipfile.ZipFile(report) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) for n in sheets)


def test_summary_sheet_distribution_prevalence_and_counts(report: Path) -> None:
    ws = load_workbook(report)["Tổng hợp"]
    assert _rows(ws, 3, 10, 3) == [
        [None, "Số đảng viên trong danh sách", 4],
        [None, "Đã kiểm điểm, được xếp loại", 4],
        [None, "Trong đó xếp loại tạm tính (còn mục chưa trả lời)", 1],  # Đức: 43 items unanswered
        [None, "Trong đó xếp loại tạm tính (có câu trả lời không hợp lệ)", 1],  # Đức: CT2
        [None, "Miễn kiểm điểm (không xếp loại)", 0],
        [None, "Chưa kiểm điểm (không xếp loại)", 0],
        [None, "Số dòng không gắn được với đảng viên nào (xem trang Lỗi)", 2],
        [None, "Số dòng trống đã bỏ qua", 2],
    ]
    assert ws["B12"].value == "Phân bố xếp loại"
    assert _rows(ws, 13, 19, 6) == [
        [None, "Mức xếp loại", "Đề xuất (tusoi)", "Tỷ lệ", "Chi bộ xếp loại", "Tỷ lệ"],
        [None, "Tốt", 3, 0.75, 1, 0.25],
        [None, "Khá", 0, 0, 0, 0],
        [None, "Trung bình", 1, 0.25, 1, 0.25],
        [None, "Yếu kém", 0, 0, 0, 0],
        [None, "Chưa xếp loại", None, None, 2, 0.5],
        [None, "Cộng", 4, 1, 4, 1],
    ]
    assert ws["D14"].number_format == "0.0%"
    assert ws["B14"].fill.fgColor.rgb[-6:] == "C6EFCE"
    assert ws["B21"].value == "Mức độ phổ biến của từng biểu hiện, vi phạm trong chi bộ"
    assert _rows(ws, 22, 27, 5) == [
        ["Mã", "Nội dung", "Số đảng viên có", "Tỷ lệ trên số được chấm", "Mức bình quân (của người có)"],
        ["CT5", "Nể nang, né tránh trong tự phê bình và phê bình", 2, 0.5, 1.5],
        ["CT1", "Phai nhạt lý tưởng, lung lay niềm tin", 1, 0.25, 1],
        ["DL6", "Gây thất thoát, lãng phí (chưa đối chiếu)", 1, 0.25, 1],
        ["DB2", "Đòi tam quyền phân lập, xã hội dân sự", 1, 0.25, 1],
        ["D4", "Làm lộ bí mật; phát tán thông tin trái đường lối", 1, 0.25, 1],
    ]
    nobody = [i for i in ALL_ITEMS if i not in {"CT5", "CT1", "DL6", "DB2", "D4"}]
    assert ws["B28"].value == f"Không ai tự nhận ở {len(nobody)} mục (không liệt kê ở bảng trên): {', '.join(nobody)}."
    assert ws.auto_filter.ref == "A22:E27"


def test_summary_chart_uses_written_numbers(report: Path) -> None:
    with zipfile.ZipFile(report) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert charts == ["xl/charts/chart1.xml"]
        # openpyxl serialises with lxml when it is installed (python-docx brings it): "<a/>" there, "<a />" without
        xml = archive.read(charts[0]).decode().replace(" />", "/>")
        drawing_rels = archive.read("xl/worksheets/_rels/sheet2.xml.rels").decode()
    assert "<c:barChart>" in xml and '<c:barDir val="col"/>' in xml
    assert "'Tổng hợp'!$C$14:$C$17" in xml and "'Tổng hợp'!$E$14:$E$17" in xml
    assert "COUNTIF" not in xml
    assert "drawing" in drawing_rels  # the chart is anchored on Tổng hợp


def test_matrix_values_marks_and_rules(report: Path) -> None:
    ws = load_workbook(report)["Chi tiết"]
    assert [c.value for c in ws[4]] == ["STT", "Họ và tên", *ALL_ITEMS]
    assert ws["C2"].value.startswith("CT — ") and ws["AD2"].value.startswith("D — ")
    assert ws["C3"].value == "Phai nhạt lý tưởng, lung lay niềm tin"
    assert ws["C3"].alignment.textRotation == 0 and ws["C3"].font.sz >= 9  # readable item titles, not rotated
    width = 2 + len(ALL_ITEMS)
    rows = _rows(ws, 5, 8, width)
    col = {item: 2 + index for index, item in enumerate(ALL_ITEMS)}
    assert rows[0][:2] == [1, "Nguyễn Văn An"]
    assert [rows[0][col[i]] for i in ("CT1", "CT5", "DL6", "D4")] == [None, 1, 1, None]  # a zero is an empty cell
    # ... in the grid all the same: the item columns carry the cells' style, a block's first with its thick edge
    assert ws.column_dimensions["D"].border.left.style == "thin" and ws.column_dimensions["D"].alignment.horizontal
    assert ws.column_dimensions["L"].border.left.style == "medium"
    assert [ws.cell(row=1, column=c).has_style for c in range(2, width + 1)] == [False] * (width - 1)
    assert ws.print_area == "'Chi tiết'!$A$1:$AV$8"  # the data, not the styled columns below it
    assert "Ô trống: 0" in ws.oddFooter.right.text  # the legend says what an empty cell means
    assert [rows[1][col[i]] for i in ("DB2", "D4", "D5")] == [1, 1, None]
    assert [rows[2][col[i]] for i in ("CT1", "CT5")] == ["KAD", 2]
    assert [rows[3][col[i]] for i in ("CT1", "CT2", "CT3", "CT4", "D19")] == [1, "!", "KAD", "?", "?"]
    assert rows[3][2:].count("?") == 43 and None not in rows[3]
    rules = {str(cf.sqref): [(r.operator, r.formula, r.dxf.fill.bgColor.rgb[-6:]) for r in cf.rules]
             for cf in ws.conditional_formatting}
    assert rules == {  # one rule per scale value over every column using the scale, not per cell
        "C5:K8 L5:T8 U5:AC8": [("equal", ["1"], "FFF2CC"), ("equal", ["2"], "F8CBAD"),
                               ("equal", ["3"], "E9967A")],
        "AD5:AV8": [("equal", ["1"], "E9967A")],
        "C5:AV8": [("equal", ['"?"'], "FFEB9C"), ("equal", ['"KAD"'], "EDEDED"), ("equal", ['"!"'], "FFC7CE")],
    }
    # printed in blocks: CT, DL, DB, then D in two halves (10 + 9 items), STT and name on every page
    assert [b.id for b in ws.col_breaks.brk] == [11, 20, 29, 39]
    assert ws.print_title_cols == "$A:$B" and ws.print_title_rows == "$2:$4"
    assert "chưa trả lời" in ws.oddFooter.right.text and "không áp dụng" in ws.oddFooter.right.text


def test_errors_sheet_rows(report: Path) -> None:
    ws = load_workbook(report)["Lỗi"]
    assert [c.value for c in ws[2]] == ["Dòng", "Cột", "Lỗi", "Cách sửa"]
    assert _rows(ws, 3, 4, 4) == [
        [9, "G — CT3 - Coi nhẹ lý luận", "ô G9: giá trị '=1+2' không có trong thang", "dùng 0, 1, 2, 3"],
        [10, None, "=thiếu họ và tên ở dòng 10", None],
    ]


# The default rubric's caps (SPEC, "Default scoring"): reason -> the highest level still allowed.
CAP_LEVELS = {
    "Vi phạm ít nhất một điều đảng viên không được làm (QĐ 37-QĐ/TW)": "Trung bình",
    "Vi phạm từ hai điều đảng viên không được làm trở lên (QĐ 37-QĐ/TW)": "Yếu kém",
    "Có biểu hiện suy thoái ở mức nghiêm trọng (mức 3)": "Trung bình",
    'Có biểu hiện "tự diễn biến", "tự chuyển hóa" (mức 1)': "Khá",
    'Có biểu hiện "tự diễn biến", "tự chuyển hóa" rõ, lặp lại hoặc nghiêm trọng (mức 2 trở lên)': "Yếu kém",
    "Bị kỷ luật trong kỳ đánh giá": "Trung bình",
}


def test_info_sheet_reads_the_rubric(report: Path, batch: BatchResult) -> None:
    ws = load_workbook(report)["Thông tin"]
    facts = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    assert facts["Bộ tiêu chí (mã)"] == "tusoi-mac-dinh"
    assert facts["Phiên bản bộ tiêu chí"] == "1.0"
    assert facts["Tệp đầu vào"] == batch.source and facts["Trang tính"] == "Danh sách"
    assert facts["Thời điểm tạo báo cáo"] == "15/12/2026 09:30:00 (UTC+07:00)"
    assert facts["Phiên bản tusoi"] == "9.8.7"
    assert facts["Số đảng viên được chấm"] == 4
    assert facts["Điểm khởi đầu"] == 100  # rubrics/tusoi-mac-dinh.yaml, written out by hand (SPEC: default scoring)
    weights = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=5).value for r in range(1, ws.max_row + 1)}
    assert {s: weights[s] for s in ("CT", "DL", "DB", "D")} == {"CT": 2, "DL": 2, "DB": 3, "D": 15}
    conditions = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    assert conditions["Tốt"] == "từ 90 điểm trở lên" and conditions["Yếu kém"] == "các trường hợp còn lại"
    caps = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=3).value for r in range(1, ws.max_row + 1)}
    assert {reason: caps[reason] for reason in CAP_LEVELS} == CAP_LEVELS
    scopes = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)}
    assert scopes["Bị kỷ luật trong kỳ đánh giá"] == "kỷ luật"
    assert facts["Gồm các bộ"] == ('27 biểu hiện suy thoái, "tự diễn biến", "tự chuyển hóa" (Nghị quyết 04-NQ/TW '
                                  "ngày 30/10/2016); "
                                  "19 điều đảng viên không được làm (Quy định 37-QĐ/TW)")
    texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    internal = {c.id for c in batch.rubric.caps} | set(batch.rubric.includes)
    assert not any(i in t for t in texts for i in internal)  # labels, not internal ids


@pytest.mark.parametrize(("sheet", "freeze", "header", "last_col", "last_row"), [
    ("Kết quả", "C3", 2, "Y", 6), ("Chi tiết", "C5", 4, "AV", 8), ("Lỗi", "A3", 2, "D", 4),
])
def test_data_sheets_freeze_filter_and_print(report: Path, sheet: str, freeze: str, header: int, last_col: str,
                                             last_row: int) -> None:
    ws = load_workbook(report)[sheet]
    assert ws.freeze_panes == freeze
    assert ws.auto_filter.ref == f"A{header}:{last_col}{last_row}"
    assert ws.print_title_rows == ("$2:$4" if sheet == "Chi tiết" else "$2:$2")
    _check_print(ws)


@pytest.mark.parametrize("sheet", ["Tổng hợp", "Thông tin"])
def test_other_sheets_print_the_same_way(report: Path, sheet: str) -> None:
    _check_print(load_workbook(report)[sheet])


def _check_print(ws: Any) -> None:
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    # a fixed scale, never "fit to page": 10-point text at 90 % or more prints at 9 points or more
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    assert 90 <= int(ws.page_setup.scale or 100) <= 100  # no scale written: 100 %
    assert ws.oddFooter.center.text == "Trang &P / &N"
    assert "Chi bộ Thử nghiệm" in ws.oddHeader.center.text


def test_empty_batch_still_writes_a_valid_report(tmp_path: Path, batch: BatchResult) -> None:
    empty = BatchResult(source="trong.csv", sheet=None, rubric=batch.rubric, blank_rows=3)
    target = tmp_path / "trong.xlsx"
    write_report(target, empty, tool_version="1")
    wb = load_workbook(target)
    assert wb.sheetnames == ["Kết quả", "Tổng hợp", "Chi tiết", "Thông tin"]
    assert wb["Kết quả"]["A1"].value == "KẾT QUẢ TỰ SOI, TỰ SỬA — trong.csv"
    assert wb["Kết quả"].auto_filter.ref == "A2:W2"
    assert wb["Tổng hợp"]["C14"].value == 0 and wb["Tổng hợp"]["D14"].value is None  # Tốt: 0, no share of 0


def test_many_members_keep_order_and_row_numbers(tmp_path: Path, batch: BatchResult) -> None:
    many = BatchResult.from_results(source=batch.source, sheet=None, rubric=batch.rubric,
                       results=[batch.results[i % 4] for i in range(300)], rows=list(range(2, 302)))
    target = tmp_path / "many.xlsx"
    write_report(target, many, tool_version="1")
    ws = load_workbook(target, read_only=True)["Kết quả"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 300
    assert [r[0] for r in rows] == list(range(1, 301)) and [r[22] for r in rows] == list(range(2, 302))
    assert rows[299][1] == "Phạm Minh Đức" and rows[297][1] == FORMULA_NAME


def test_rubric_colour_names_map_to_light_fills() -> None:
    assert _colors("green") == _colors("bold bright_green") == ("C6EFCE", "70AD47")
    assert _colors("red on white")[0] == "FFC7CE"
    assert _colors("#3366FF") == ("CCD9FF", "3366FF")
    assert _colors("khong-phai-mau") == ("FFFFFF", "BFBFBF")


def test_libreoffice_converts_the_report_to_pdf(report: Path, tmp_path: Path) -> None:
    soffice, pdftotext = need_tool("soffice"), need_tool("pdftotext")
    outdir = tmp_path / "pdf"
    command = [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
               "--convert-to", "pdf", "--outdir", str(outdir), str(report)]
    subprocess.run(command, check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    pdf = outdir / "ketqua.pdf"
    assert pdf.exists() and pdf.stat().st_size > 20_000
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run([pdftotext, str(pdf), "-"], check=True, capture_output=True, timeout=60).stdout
    decoded = text.decode()
    assert "KẾT QUẢ TỰ SOI, TỰ SỬA" in decoded and "Trang 1 / " in decoded
    assert FORMULA_NAME in decoded  # shown as the text it is, not evaluated


def test_the_report_is_written_without_openpyxl() -> None:
    """The batch report goes through XlsxWriter alone (render/excel/xlsxw.py): importing it loads neither
    openpyxl nor, before a report is asked for, anything of XlsxWriter's into the command's start-up."""
    code = ("import sys; import tusoi_cli.cli; before = 'xlsxwriter' in sys.modules; "
            "import tusoi_cli.render.excel.report; "
            "print(before, 'xlsxwriter' in sys.modules, 'openpyxl' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60).stdout
    assert out.split() == ["False", "True", "False"]


def test_an_empty_cell_of_a_formatted_column_is_no_cell(report: Path) -> None:
    """Kết quả's columns carry the format their empty cells show, so a missing level or reason is no cell at
    all (a province's report is mostly such cells), while the cell still shows its border on screen."""
    with zipfile.ZipFile(report) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    # Nguyễn Văn An (row 3) has a reason and a level set by the cell; Lê Quốc Cường (row 5) has neither
    assert '<c r="O3"' in xml and '<c r="N3"' in xml
    assert '<c r="O5"' not in xml and '<c r="N5"' not in xml and '<c r="H5"' not in xml
    ws = load_workbook(report)["Kết quả"]
    assert ws.column_dimensions["O"].border.left.style == "thin"
    assert ws.column_dimensions["N"].border.left.style == "thin"
    assert ws.column_dimensions["N"].fill.fill_type is None  # the plain cell of "no level", not a level's fill
