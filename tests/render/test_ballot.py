"""`tusoi template phieu`: the printable ballot (A4 portrait, one row per member, one column per level), and
the same form, counted and filled in, read back by `tusoi bieu-quyet --phieu`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from ..conftest import need_tool

Invoke = Callable[..., Any]
CELL = ("Họ và tên,CT1,CT2,CT3,Trạng thái\nNguyễn Văn An,0,0,0,\nTrần Thị Bình,0,1,0,\n"
        "Hoàng Văn Em,,,,Miễn: nghỉ sinh hoạt\nLê Văn Cường,,,,\n")


def test_ballot_lists_reviewed_members_and_reads_back_once_counted(invoke: Invoke, tmp_path: Path) -> None:
    cell = tmp_path / "chibo.csv"
    cell.write_text(CELL, encoding="utf-8")
    form = tmp_path / "phieu.xlsx"
    made = invoke("template", "phieu", "--members", str(cell), "-o", str(form), "--chi-bo", "Chi bộ 3", "--ky", "2026")
    assert made.exit_code == 0 and "bỏ ra 2 người miễn hoặc chưa kiểm điểm" in made.stderr
    wb = load_workbook(form)
    ws = wb["Phiếu biểu quyết"]
    assert ws["A1"].value == "PHIẾU BIỂU QUYẾT XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN"
    assert (ws["A3"].value, ws["C3"].value, ws["C4"].value) == ("Chi bộ:", "Chi bộ 3", "2026")
    assert ws["A5"].value == "Số đảng viên có mặt và biểu quyết:" and ws["C5"].value is None
    assert [c.value for c in ws[8]] == ["STT", "Họ và tên", "Tốt", "Khá", "Trung bình", "Yếu kém"]
    assert [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in (9, 10)] == [(1, "Nguyễn Văn An"), (2, "Trần Thị Bình")]
    assert ws.cell(11, 2).value is None  # Em (exempt) and Cường (answered nothing) are not on the ballot
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9
    assert int(ws.page_setup.scale) >= 90 and ws.print_title_rows == "$8:$8"
    # counted: 7 present; An Tốt 4 (> 3.5), Bình Tốt 1 + Khá 2 + Trung bình 1 = 4 -> Trung bình
    ws["C5"] = 7
    for col, value in zip("CDEF", (4, 2, 1, None), strict=True):
        ws[f"{col}9"] = value
    for col, value in zip("CDEF", ("x", 2, 1, 3), strict=True):
        ws[f"{col}10"] = value
    filled = tmp_path / "phieu-da-kiem.xlsx"
    wb.save(filled)
    result = invoke("bieu-quyet", str(cell), "--phieu", str(filled), "-o", "-")
    doc = json.loads(result.stdout)
    votes = {m["ho_ten"]: m["vote"] for m in doc["members"]}
    assert votes["Nguyễn Văn An"]["level"] == "tot" and votes["Nguyễn Văn An"]["present"] == 7
    assert votes["Trần Thị Bình"]["counts"] == {"tot": 1, "kha": 2, "trung_binh": 1, "yeu_kem": 3}
    assert votes["Trần Thị Bình"]["level"] == "trung_binh"
    assert votes["Hoàng Văn Em"] is None and doc["missing"]["vote"] == []


def test_ballot_from_a_name_list_with_the_exceptional_line_of_a_quota_rubric(invoke: Invoke, tmp_path: Path) -> None:
    names = tmp_path / "ds.txt"
    names.write_text("1. Nguyễn Văn An\n2. Trần Thị Bình\n# ghi chú\n", encoding="utf-8")
    form = tmp_path / "phieu.xlsx"
    example = str(Path(__file__).resolve().parents[2] / "rubrics" / "examples" / "xep-loai-hoan-thanh.yaml")
    assert invoke("template", "phieu", "--members", str(names), "-o", str(form), "-r", example).exit_code == 0
    ws = load_workbook(form).active
    assert ws["A6"].value == "Đơn vị đặc biệt (có/không):"
    assert [c.value for c in ws[8]][2:] == ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
                                            "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"]
    refused = invoke("template", "phieu", "--members", str(names), "-o", str(form), "-r", example)
    assert refused.exit_code == 2  # never overwritten without --force


def test_ballot_prints_on_one_a4_page(tmp_path: Path) -> None:
    soffice = need_tool("soffice")
    need_tool("pdftotext")
    names = tmp_path / "ds.txt"
    names.write_text("\n".join(f"Đảng Viên Số {n}" for n in range(1, 21)) + "\n", encoding="utf-8")
    form = tmp_path / "phieu.xlsx"
    subprocess.run([sys.executable, "-m", "tusoi_cli", "template", "phieu", "--members", str(names), "-o", str(form)],
                   check=True, capture_output=True)
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(form)], check=True,
                   capture_output=True, timeout=180)
    info = subprocess.run(["pdfinfo", str(tmp_path / "phieu.pdf")], capture_output=True, text=True).stdout \
        if shutil.which("pdfinfo") else ""
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "phieu.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Đảng Viên Số 20" in text and text.count("\f") <= 1  # one page
    if info:
        assert "595" in info and "841" in info  # A4 portrait (points)
