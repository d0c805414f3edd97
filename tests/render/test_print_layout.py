"""The reports as a secretary prints them: converted to PDF by LibreOffice, measured page by page.

A 9-point font measures about 11.7 points in ``pdftotext -bbox`` word boxes (ascenders and descenders
included), so a page whose median word height is 11 or more prints at about 9 points or more; today's
reports printed at 46 % measured 6.6. One LibreOffice conversion per report keeps this quick.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ..conftest import ALL_ITEMS, need_tool

Invoke = Callable[..., Any]
MIN_WORD_HEIGHT = 11.0  # points, as measured by pdftotext: about 9 points of printed text
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Quốc", "Minh", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hương", "Lan", "Tâm", "Yến", "Phương Thảo"]
POSITIONS = ["", "Bí thư chi bộ", "Phó bí thư", "Đảng viên", "Chi ủy viên, trưởng ban công tác mặt trận khu phố"]


def answers_of(number: int, period: int) -> list[int]:
    """Answers as a cell fills them: mostly 0, some 1 and 2, a few 3, rarely an article (fixed, not random)."""
    values = []
    for index, item in enumerate(ALL_ITEMS):
        key = (number * 7 + index * 13 + period * 5) % 61
        if item.startswith("D") and not item.startswith(("DL", "DB")):
            values.append(1 if key == 0 and period == 0 else 0)
        else:
            values.append(0 if key < 55 else 1 if key < 59 else 2 if key < 60 else 3 - period)
    return values


def write_cell_sheet(path: Path, members: int, period: str, shift: int = 0) -> Path:
    """A cell's sheet with the title block the sheet template writes (Chi bộ:, Kỳ đánh giá:)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Danh sách"
    ws.append(["BẢNG TỰ ĐÁNH GIÁ TỰ SOI, TỰ SỬA"])
    ws.append([None, "Chi bộ:", "Chi bộ Khu phố 3"])
    ws.append([None, "Kỳ đánh giá:", period])
    ws.append([])
    ws.append(["STT", "Họ và tên", "Mã đảng viên", "Chức vụ", "Tự xếp loại", *ALL_ITEMS])
    for n in range(members):
        name = f"{FAMILY[n % 7]} {MIDDLE[n % 5]} {GIVEN[n % 9]}"
        ws.append([n + 1, name, f"DV{n + 1:03d}", POSITIONS[n % 5], ["Tốt", "Khá", ""][n % 3],
                   *answers_of(n, shift)])
    wb.save(path)
    return path


@dataclass
class Page:
    key: str  # the first words of the page header: which sheet the page belongs to
    text: str
    word_height: float  # median, in points


def print_to_pdf(report: Path, tmp_path: Path) -> list[Page]:
    """Convert ``report`` with LibreOffice (its own profile, so parallel runs never clash) and measure each page."""
    outdir = tmp_path / f"pdf-{report.stem}"
    profile = tmp_path / f"lo-profile-{report.stem}"
    command = [need_tool("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
               "--outdir", str(outdir), str(report)]
    subprocess.run(command, check=True, capture_output=True, timeout=240, env={**os.environ, "HOME": str(tmp_path)})
    pdf = outdir / f"{report.stem}.pdf"
    bbox = subprocess.run([need_tool("pdftotext"), "-bbox", str(pdf), "-"], check=True, capture_output=True,
                          timeout=120).stdout
    pages: list[Page] = []
    words: list[tuple[float, str]] = []

    def close() -> None:
        if pages:
            page = pages[-1]
            page.word_height = statistics.median(h for h, _ in words) if words else 0.0
            page.text = " ".join(w for _, w in words)
            page.key = " ".join(w for _, w in words[:2])

    for line in bbox.decode("utf-8").splitlines():
        if "<page " in line:
            close()
            pages.append(Page("", "", 0.0))
            words = []
        found = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*)</word>', line)
        if found:
            words.append((float(found.group(2)) - float(found.group(1)), found.group(3)))
    close()
    return pages


def sheet_pages(pages: list[Page], heading: str) -> list[Page]:
    return [p for p in pages if p.key == " ".join(heading.split()[:2])]


def check_legible(pages: list[Page]) -> None:
    small = [(index, p.key, round(p.word_height, 1)) for index, p in enumerate(pages, 1)
             if p.word_height < MIN_WORD_HEIGHT]
    assert not small, f"pages printed below 9 points: {small}"
    assert all(re.search(rf"Trang {i} / {len(pages)}", p.text) for i, p in enumerate(pages, 1))


def chart_row(report: Path, drawing: str) -> int:
    """The (0-based) row the chart of ``drawing`` is anchored at."""
    with zipfile.ZipFile(report) as archive:
        xml = archive.read(f"xl/drawings/{drawing}").decode()
    found = re.search(r"<(?:xdr:)?from>.*?<(?:xdr:)?row>(\d+)</", xml, re.S)
    assert found, xml[:300]
    return int(found.group(1))


@pytest.mark.parametrize(("members", "result_pages"), [(25, 5), (70, 14)])
def test_batch_report_prints_at_9_points_on_every_page(invoke: Invoke, tmp_path: Path, members: int,
                                                       result_pages: int) -> None:
    sheet = write_cell_sheet(tmp_path / f"chibo{members}.xlsx", members, "2026")
    report = tmp_path / f"ketqua{members}.xlsx"
    result = invoke("batch", str(sheet), "-o", str(report))
    assert result.exit_code == 0, result.stderr
    pages = print_to_pdf(report, tmp_path)
    check_legible(pages)

    results = sheet_pages(pages, "KẾT QUẢ")
    assert 2 <= len(results) <= result_pages  # readable, yet not a page per member
    for page in results:  # the header repeats; the screen-only columns stay off paper
        words = page.text.split()
        assert {"STT", "Điểm", "Giới", "Biểu"} <= set(words)
        assert "Mã" not in words and "Dòng" not in words
    names = " ".join(p.text for p in results)
    assert all(f"DV{n:03d}" not in names for n in range(1, members + 1))
    assert "Chi bộ Khu phố 3" in results[0].text and "2026" in results[0].text  # from the title block

    matrix = sheet_pages(pages, "CHI TIẾT")
    assert len(matrix) % 5 == 0  # blocks CT, DL, DB, D1-D10, D11-D19, each over the same number of pages
    per_block = len(matrix) // 5
    for index, first in enumerate(("CT1", "DL1", "DB1", "D1", "D11")):
        block = matrix[index * per_block:(index + 1) * per_block]
        assert block
        for page in block:  # the block's item ids, the name column and the legend on every page
            assert first in page.text.split() and "Họ và tên" in page.text and "chưa trả lời" in page.text
    assert "Phai nhạt lý tưởng" in matrix[0].text  # item titles printed flat, readable

    summary = sheet_pages(pages, "TỔNG HỢP")
    assert len(summary) <= 4
    ws = openpyxl.load_workbook(report)["Tổng hợp"]
    last_text_row = max(c.row for row in ws.iter_rows() for c in row if c.value is not None)
    assert chart_row(report, "drawing1.xml") + 1 > last_text_row  # the chart is below the tables
    assert len(sheet_pages(pages, "THÔNG TIN")) <= 3


def test_compare_report_prints_at_9_points_without_empty_deadline_pages(invoke: Invoke, tmp_path: Path) -> None:
    old = write_cell_sheet(tmp_path / "2025.xlsx", 25, "2025")
    new = write_cell_sheet(tmp_path / "2026.xlsx", 25, "2026", shift=1)
    report = tmp_path / "so-sanh.xlsx"
    result = invoke("compare", str(old), str(new), "-o", str(report), "--today", "01/03/2026")
    assert result.exit_code == 0, result.stderr
    pages = print_to_pdf(report, tmp_path)
    check_legible(pages)
    assert len(pages) <= 16
    assert not sheet_pages(pages, "BIỆN PHÁP KHẮC PHỤC QUÁ HẠN")  # sheets have no deadlines: no such page
    assert all("Biện pháp khắc phục" not in p.text and "Hạn (kỳ cũ)" not in p.text for p in pages)
    members = sheet_pages(pages, "THEO ĐẢNG VIÊN")
    assert members and all("Ghép" in p.text and "Chênh" in p.text and "DV0" not in p.text for p in members)
    first = pages[0].text
    assert "Chi bộ Khu phố 3" in first and "kỳ 2025 → 2026" in first  # cell and periods from the title blocks
    summary = " ".join(p.text for p in sheet_pages(pages, "SO SÁNH"))
    # the table's header and the chart legend (read from it) name the periods
    assert summary.count("Kỳ cũ (2025)") == 2 and summary.count("Kỳ mới (2026)") == 2
    ws = openpyxl.load_workbook(report)["Tổng hợp"]
    last_text_row = max(c.row for row in ws.iter_rows() for c in row if c.value is not None)
    assert chart_row(report, "drawing1.xml") + 1 > last_text_row


def test_compare_reads_cell_and_period_from_the_title_blocks(invoke: Invoke, tmp_path: Path) -> None:
    old = write_cell_sheet(tmp_path / "2025.xlsx", 3, "2025")
    new = write_cell_sheet(tmp_path / "2026.xlsx", 3, "2026", shift=1)
    result = invoke("compare", str(old), str(new), "-f", "json", "--today", "01/03/2026")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["old"]["periods"], data["new"]["periods"]) == (["2025"], ["2026"])
    assert data["old"]["cells"] == data["new"]["cells"] == ["Chi bộ Khu phố 3"]
    member = data["members"][0]
    assert (member["old"]["ky_danh_gia"], member["new"]["ky_danh_gia"]) == ("2025", "2026")
    assert member["old"]["chi_bo"] == member["new"]["chi_bo"] == "Chi bộ Khu phố 3"
    table = invoke("compare", str(old), str(new), "--today", "01/03/2026")
    assert "Chi bộ Khu phố 3 — kỳ 2025" in table.stdout and "kỳ 2026" in table.stdout
    target = tmp_path / "r.xlsx"
    assert invoke("compare", str(old), str(new), "-o", str(target), "--today", "01/03/2026").exit_code == 0
    ws = openpyxl.load_workbook(target)["Tổng hợp"]
    assert ws["A1"].value == "SO SÁNH HAI KỲ TỰ SOI, TỰ SỬA — Chi bộ Khu phố 3 — kỳ 2025 → 2026"
    facts = {r[0]: r[1:4] for r in ws.iter_rows(values_only=True) if r[0]}
    assert facts["Chi bộ"] == ("Chi bộ Khu phố 3", None, "Chi bộ Khu phố 3")
    assert facts["Kỳ đánh giá"] == ("2025", None, "2026")
    assert "Kỳ cũ (2025)" in facts["Mức xếp loại"] and "Kỳ mới (2026)" in facts["Mức xếp loại"]


def test_a_member_without_a_level_leaves_the_level_cells_empty(tmp_path: Path) -> None:
    """Members not rated (status not reviewed or exempt, another branch) come with level None: the row is
    written, its level cells empty, and nothing else breaks."""
    from tusoi_cli import load_rubric
    from tusoi_cli.api import read_batch
    from tusoi_cli.render.excel.report import write_report

    batch = read_batch(write_cell_sheet(tmp_path / "c.xlsx", 2, "2026"), load_rubric())
    results = list(batch.results)
    # the report derives the level from the member's status (only reviewed members are rated), so the
    # unrated member is an exempt one, as the model makes it
    unrated = results[1].model_copy(update={"level": None, "level_label": None, "score_level": None,
                                            "status": "exempt", "status_label": "miễn kiểm điểm",
                                            "status_reason": "nghỉ sinh hoạt"})
    target = tmp_path / "r.xlsx"
    rebuilt = type(batch).from_results(source=batch.source, sheet=batch.sheet, rubric=batch.rubric,
                                       results=[results[0], unrated], rows=batch.rows)
    write_report(target, rebuilt, tool_version="1")
    ws = openpyxl.load_workbook(target)["Kết quả"]
    header = [c.value for c in ws[2]]
    row = dict(zip(header, [c.value for c in ws[4]], strict=True))
    assert row["Họ và tên"] == results[1].ho_ten
    assert row["Xếp loại đề xuất"] is None and row["Mức theo điểm"] is None
    assert dict(zip(header, [c.value for c in ws[3]], strict=True))["Xếp loại đề xuất"] is not None
