"""The roll-up workbook as committee staff print it: LibreOffice to PDF, every page at 9 points or more."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..rollup_tree import NAMES, add_reports, make_previous, make_tree
from .test_print_layout import check_legible, print_to_pdf, sheet_pages

Invoke = Callable[..., Any]


def test_rollup_report_prints_on_a4_at_9_points_without_names(invoke: Invoke, tmp_path: Path) -> None:
    tree = make_tree(tmp_path)
    add_reports(tree)
    report = tmp_path / "tong-hop.xlsx"
    result = invoke("tong-hop", str(tree), "--ky-truoc", str(make_previous(tmp_path)), "-o", str(report))
    assert result.exit_code == 1, result.stderr  # the tree holds a broken file and a bad row on purpose
    pages = print_to_pdf(report, tmp_path)
    check_legible(pages)
    counts = sheet_pages(pages, "TỔNG HỢP KẾT QUẢ")
    assert len(counts) == 1  # the count form of 8 units on one page
    words = counts[0].text
    assert "(1) Có mặt" in words and "(4) Đã kiểm điểm" in words and "Chi bộ Bốn" in words
    assert len(sheet_pages(pages, "MỨC THẤP NHẤT")) == 1
    assert "tổng các lý do có thể lớn hơn" in sheet_pages(pages, "MỨC THẤP NHẤT")[0].text
    everything = " ".join(p.text for p in pages)
    assert not [name for name in NAMES if name in everything]
