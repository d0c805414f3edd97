"""Text from a sheet reaches the reports as the same text: never an Excel error value or formula, and a
title line that happens to mention an item id is not taken for the header row."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ..read.test_batch import TITLE, member_row, write_csv

Invoke = Callable[..., Any]

# Every error value Excel knows: typed into a cell they are errors, but a name or a note can hold them.
ERROR_TEXTS = ["#N/A", "#DIV/0!", "#REF!", "#NAME?", "#NULL!", "#NUM!", "#VALUE!"]


def _cells_typed_as_errors(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [f"{info.filename}: {match}" for info in archive.infolist() if info.filename.startswith("xl/worksheets/")
                for match in re.findall(rb'<c [^>]*t="e"[^>]*>', archive.read(info))]


def test_error_value_text_is_written_as_text_in_the_report(invoke: Invoke, tmp_path: Path) -> None:
    rows = [member_row(n, text, ghi_chu=text) for n, text in enumerate(ERROR_TEXTS, start=1)]
    sheet = write_csv(tmp_path / "chibo.csv", rows)
    report = tmp_path / "ketqua.xlsx"
    result = invoke("batch", str(sheet), "-o", str(report))
    assert result.exit_code == 0, result.stderr
    assert _cells_typed_as_errors(report) == []
    ws = openpyxl.load_workbook(report)["Kết quả"]
    found = {cell.value: cell.data_type for row in ws.iter_rows() for cell in row if cell.value in ERROR_TEXTS}
    assert found == dict.fromkeys(ERROR_TEXTS, "s")


def test_error_value_text_is_written_as_text_in_the_compare_report(invoke: Invoke, tmp_path: Path) -> None:
    old = write_csv(tmp_path / "2025.csv", [member_row(n, t, {"CT1": 1}) for n, t in enumerate(ERROR_TEXTS, 1)])
    new = write_csv(tmp_path / "2026.csv", [member_row(n, t) for n, t in enumerate(ERROR_TEXTS, start=1)])
    report = tmp_path / "so-sanh.xlsx"
    result = invoke("compare", str(old), str(new), "-o", str(report))
    assert result.exit_code == 0, result.stderr
    assert _cells_typed_as_errors(report) == []


def test_a_title_line_naming_one_item_is_not_the_header(invoke: Invoke, tmp_path: Path) -> None:
    """The header is the first row with several item ids; a note above it naming D18 is a title line."""
    sheet = tmp_path / "chibo.csv"
    write_csv(sheet, [member_row(1, "Nguyễn Văn An", {"CT5": 1}), member_row(2, "Trần Thị Bình", {"D18": "KAD"})])
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    lines.insert(len(TITLE), "Lưu ý:,D18 chỉ áp dụng với đảng viên còn trong độ tuổi sinh đẻ,,")
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    out = tmp_path / "kq.json"
    result = invoke("batch", str(sheet), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [(m["ho_ten"], m["score"]) for m in data["members"]] == [("Nguyễn Văn An", 98), ("Trần Thị Bình", 100)]


def test_more_members_than_an_excel_sheet_holds_is_a_clear_usage_error(invoke: Invoke, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Kết quả and Chi tiết give each member a row: past Excel's last row the report cannot be complete, so it
    is refused with the way out (.csv, .json, or one sheet per cell), and nothing is written. The limit is
    lowered here to 2 members so a 3-member sheet stands for a 1,048,573-member one."""
    from tusoi_cli.render.excel import report as excel_report

    monkeypatch.setattr(excel_report, "MAX_MEMBERS", 2)
    sheet = write_csv(tmp_path / "tinh.csv", [member_row(n, f"Đảng viên {n}") for n in (1, 2, 3)])
    target = tmp_path / "ketqua.xlsx"
    result = invoke("batch", str(sheet), "-o", str(target))
    assert result.exit_code == 2
    assert "báo cáo Excel có tối đa 2 đảng viên" in result.stderr and "bảng này có 3 người" in result.stderr
    assert "ghi ra .csv hoặc .json" in result.stderr
    assert not target.exists()
    monkeypatch.undo()
    assert excel_report.MAX_MEMBERS == 1_048_572  # 1,048,576 rows less Chi tiết's four heading rows
    assert invoke("batch", str(sheet), "-o", str(target)).exit_code == 0
