"""The Excel report of ``tusoi batch``: sheets Kết quả, Tổng hợp, Chi tiết, Lỗi (only when needed), Thông tin.

Built with openpyxl in write-only (streaming) mode, each row written out as it is made, and saved
atomically. Every piece of text is cleaned of the
control characters Excel refuses and is never stored as a formula, whatever it starts with.
Styles are prepared once as style arrays and copied into cells as they are created, and the
member × item matrix is coloured by conditional-formatting rules (one per scale value), so a
large cell costs little more than writing its values.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.chart import Reference  # type: ignore[import-untyped]
from openpyxl.chart.marker import DataPoint  # type: ignore[import-untyped]
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.cell_range import CellRange  # type: ignore[import-untyped]
from openpyxl.worksheet.pagebreak import Break  # type: ignore[import-untyped]

from tusoi_cli.model import STATUS_LABELS
from tusoi_cli.render.excel.styles import (
    A4_LONG,
    CHART_HEIGHT_PT,
    LINE_HEIGHT,
    SIDE_MARGIN,
    Column,
    Styles,
    append_row,
    column_points,
    count_chart,
    distinct,
    excel_number,
    finish_count_chart,
    last_break,
    level_colors,
    line_count,
    new_workbook,
    page_height,
    print_setup,
    rows_height,
    save_workbook,
    sheet_head,
    solid_fill,
)
from tusoi_cli.render.labels import MODE_LABELS, previous_text

if TYPE_CHECKING:
    from tusoi_cli.errors import Problem
    from tusoi_cli.model import Cap, Item, Level, Scale, Section
    from tusoi_cli.model.batch import BatchMember, BatchResult

Worksheet = Any  # openpyxl ships no type information
StyleArray = Any

SHEET_RESULTS = "Kết quả"
SHEET_SUMMARY = "Tổng hợp"
SHEET_MATRIX = "Chi tiết"
SHEET_ERRORS = "Lỗi"
SHEET_INFO = "Thông tin"

NA_MARK = "KAD"
INVALID_MARK = "!"
UNANSWERED_MARK = "?"
MATRIX_LEGEND = (f"Ô trống: 0 (không có) · {UNANSWERED_MARK}: chưa trả lời · {NA_MARK}: không áp dụng · "
                 f"{INVALID_MARK}: không hợp lệ")
_STT_WIDTH, _NAME_WIDTH, _ITEM_WIDTH = 5, 24, 10
_MATRIX_FIRST_ROW = 5  # Chi tiết: title, section names, item titles, ids, then the members
EXCEL_ROWS = 1_048_576  # the last row of a sheet in Excel and LibreOffice
MAX_MEMBERS = EXCEL_ROWS - (_MATRIX_FIRST_ROW - 1)  # one row per member on Kết quả and Chi tiết
COMPARISON = {"higher": "cao hơn", "same": "bằng", "lower": "thấp hơn"}


# Matrix fills by how far a value is up its scale: light, medium, strong.
_INTENSITY = ("FFF2CC", "F8CBAD", "E9967A")


# --------------------------------------------------------------------------- public entry point


def write_report(target: Path, batch: BatchResult, *, tool_version: str, generated_at: datetime | None = None) -> None:
    """Build the report workbook for ``batch`` and write it to ``target`` atomically."""
    generated_at = generated_at or datetime.now().astimezone()
    workbook = new_workbook(streaming=True)  # rows go out as they are made: a province's report stays small
    first = workbook.create_sheet(SHEET_RESULTS)
    report = _Report(first, batch, tool_version, generated_at)
    report.results_sheet(first)
    report.summary_sheet(workbook.create_sheet(SHEET_SUMMARY))
    report.matrix_sheet(workbook.create_sheet(SHEET_MATRIX))
    if batch.problems:
        report.errors_sheet(workbook.create_sheet(SHEET_ERRORS))
    report.info_sheet(workbook.create_sheet(SHEET_INFO))
    save_workbook(workbook, target, title=report.title("Báo cáo tự soi, tự sửa"), tool_version=tool_version,
                  generated_at=generated_at)


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _ResultColumn:
    """One column of Kết quả: its header and width, how a member fills it, and whether it prints."""

    header: str
    width: float
    value: Callable[[BatchMember, int], object]  # (member, index in the report) -> cell value
    style: Callable[[BatchMember], StyleArray]
    printed: bool = False
    wrap: bool = False

    def named(self, header: str, width: float, *, printed: bool = False) -> _ResultColumn:
        return replace(self, header=header, width=width, printed=printed)


# --------------------------------------------------------------------------- the report


class _Report:
    """The sheets of one report, sharing styles and the batch's context (cell, period)."""

    def __init__(self, first: Worksheet, batch: BatchResult, tool_version: str, generated_at: datetime) -> None:
        self.batch = batch
        self.rubric = batch.rubric
        self.tool_version = tool_version
        self.generated_at = generated_at
        self.styles = Styles(first, batch.rubric)
        self.levels: dict[str, Level] = {level.id: level for level in self.rubric.levels}
        # Rows come from the compact members (values, na, invalid, core), never a detailed result per
        # member: 100,000 of those cost 6.9 GB and 38 s. Rubric facts are looked up once, by index.
        self.members: list[BatchMember] = batch.members
        pairs = self.rubric.items()
        self.ids: list[str] = [item.id for _, item in pairs]
        self.deducting: list[bool] = [section.mode == "deduct" for section, _ in pairs]
        self.level_ids: list[str] = [level.id for level in self.rubric.levels]
        self.cap_labels: list[tuple[str, str]] = [(self.level_label(cap.at_most), cap.reason)
                                                  for cap in self.rubric.caps]
        self.cells = distinct(m.chi_bo for m in self.members)
        self.periods = distinct(m.ky_danh_gia for m in self.members)

    # ----------------------------------------------------------------- one member, from its compact form

    def level_of(self, m: BatchMember) -> str | None:
        """tusoi's proposed level (id); None for members who are not rated."""
        return self.level_ids[m.core.rank] if m.status == "reviewed" else None

    def score_level_of(self, m: BatchMember) -> str | None:
        return self.level_ids[m.core.score_rank] if m.status == "reviewed" else None

    def comparison_of(self, m: BatchMember) -> str | None:
        """How the member's own level compares with tusoi's ("higher": the member rated themselves higher)."""
        if m.tu_xep_loai is None or m.status != "reviewed":
            return None
        self_rank, rank = self.rubric.level_rank(m.tu_xep_loai), m.core.rank
        return "higher" if self_rank < rank else "lower" if self_rank > rank else "same"

    def flagged_of(self, m: BatchMember) -> list[str]:
        """Ids of the deducting items the member marked (non-zero), in rubric order."""
        deducting, ids = self.deducting, self.ids
        return [ids[i] for i, v in enumerate(m.values) if v and deducting[i]] if any(m.values) else []

    def invalid_of(self, m: BatchMember) -> list[str]:
        return [self.ids[i] for i in sorted(m.invalid)]

    def caps_text(self, m: BatchMember) -> str:
        ids, labels = self.ids, self.cap_labels
        return "\n".join(_cap_text(*labels[index], [ids[i] for i in matched]) for index, matched in m.core.caps)

    def provisional_text(self, m: BatchMember) -> str | None:
        text = provisional_text(m.unanswered_count, self.invalid_of(m), m.complete)
        # provisional only because a rule on the previous period could not be checked (field: ky_truoc)
        return "tạm tính — chưa kiểm tra được quy tắc về kỳ trước" if text == "tạm tính" and m.core.open_cap else text

    # ----------------------------------------------------------------- shared bits

    def subject(self) -> str:
        """'Chi bộ X — kỳ đánh giá 2026', from what the members wrote; empty when they wrote nothing."""
        parts = []
        if len(self.cells) == 1:
            parts.append(self.cells[0])
        elif len(self.cells) > 1:
            parts.append(", ".join(self.cells) if len(self.cells) <= 3 else f"{len(self.cells)} chi bộ")
        if self.periods:
            parts.append("kỳ đánh giá " + ", ".join(self.periods[:3]) + ("…" if len(self.periods) > 3 else ""))
        return " — ".join(parts)

    def title(self, heading: str) -> str:
        subject = self.subject()
        return f"{heading} — {subject}" if subject else f"{heading} — {Path(self.batch.source).name}"

    def level_label(self, level_id: str | None) -> str:
        if level_id is None:
            return ""
        level = self.levels.get(level_id)
        return level.label if level else level_id

    def level_style(self, level_id: str | None, *, bold: bool = False) -> StyleArray:
        table = self.styles.level_bold if bold else self.styles.level
        return table.get(level_id or "", self.styles.text)

    def start(self, ws: Worksheet, heading: str, columns: Sequence[Column] | Sequence[_ResultColumn],
              freeze: str | None = None) -> str:
        """Column widths, frozen panes, title in row 1; returns the sheet's title. Widths and panes come
        first: a streaming sheet writes them out with its first row."""
        title = self.title(heading)
        sheet_head(ws, [c.width for c in columns], freeze=freeze)
        append_row(ws, [title], [self.styles.title], height=20)
        return title

    def finish_table(self, ws: Worksheet, header_row: int, last_row: int, ncols: int) -> None:
        """Autofilter over header and data (the header was frozen by :meth:`start`)."""
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ncols)}{max(last_row, header_row)}"

    # ----------------------------------------------------------------- Kết quả

    def result_columns(self) -> list[_ResultColumn]:
        """Kết quả's columns, in order: one line each. The printed ones (what the cell meeting reads) come
        first; the others stay in the sheet, right of the print area, for sorting and checking on screen.
        The printed widths leave room for one more column of 12 (a member's status) at 90 % or more."""
        st = self.styles

        def level(get: Callable[[BatchMember], str | None], bold: bool = False) -> _ResultColumn:
            return _ResultColumn("", 0, lambda r, i: self.level_label(get(r)) or None,
                                 lambda r: self.level_style(get(r), bold=bold))

        def points(index: int, section_id: str, mode: str) -> _ResultColumn:
            return _ResultColumn(f"{MODE_LABELS[mode].capitalize()} {section_id}", 7,
                                 lambda r, i: _section_points(r, index),
                                 lambda r: st.number_or_text(_section_points(r, index)))

        def rated(value: Callable[[BatchMember, int], object]) -> Callable[[BatchMember, int], object]:
            """Blank for members who are not rated (exempt, not reviewed): their answers give no level."""
            return lambda r, i: value(r, i) if r.status == "reviewed" else None

        columns = [
            _ResultColumn("STT", 5, lambda r, i: i + 1, lambda r: st.center, printed=True),
            _ResultColumn("Họ và tên", 22, lambda r, i: r.ho_ten, lambda r: st.wrap, printed=True, wrap=True),
            _ResultColumn("Chức vụ", 14, lambda r, i: r.chuc_vu, lambda r: st.wrap, printed=True, wrap=True),
            _ResultColumn("Trạng thái", 14, lambda r, i: None if r.status == "reviewed" else _status_text(r),
                          lambda r: st.note_cell, printed=True, wrap=True),
            _ResultColumn("Điểm", 6, rated(lambda r, i: r.core.score), lambda r: st.number_or_text(r.core.score),
                          printed=True),
            level(self.level_of, bold=True).named("Xếp loại đề xuất", 11, printed=True),
            level(lambda r: r.tu_xep_loai).named("Tự xếp loại", 9, printed=True),
            _ResultColumn("Giới hạn áp dụng", 34, rated(lambda r, i: self.caps_text(r)), lambda r: st.wrap,
                          printed=True, wrap=True),
            _ResultColumn("Biểu hiện / vi phạm", 15, rated(lambda r, i: ", ".join(self.flagged_of(r))),
                          lambda r: st.wrap, printed=True, wrap=True),
            _ResultColumn("Ghi chú", 14, rated(lambda r, i: self.provisional_text(r)), lambda r: st.note_cell,
                          printed=True, wrap=True),
            _ResultColumn("Mã đảng viên", 11, lambda r, i: r.ma_dang_vien, lambda r: st.text),
            level(self.score_level_of).named("Mức theo điểm", 10),
            _ResultColumn("So với đề xuất", 9, lambda r, i: COMPARISON.get(self.comparison_of(r) or "", ""),
                          lambda r: st.center),
            level(lambda r: r.chi_bo_xep_loai).named("Chi bộ xếp loại", 10),
            _ResultColumn("Lý do", 20, lambda r, i: r.ly_do, lambda r: st.wrap, wrap=True),
            # the previous period's results, only when some member carries them (ky_truoc)
            *([_ResultColumn("Hạn chế kỳ trước: kết quả khắc phục", 30,
                             lambda r, i: previous_text(r.previous) if r.previous is not None else
                             previous_text(r.result.previous_shortcomings) if r.result is not None else None,
                             lambda r: st.wrap, wrap=True)]
              if any(m.ky_truoc is not None or (m.result is not None and m.result.previous_shortcomings is not None)
                     for m in self.batch.members) else []),
            *(points(index, s.id, s.mode) for index, s in enumerate(self.rubric.sections)),
            _ResultColumn("Chưa trả lời", 8, lambda r, i: r.unanswered_count, lambda r: st.int),
            _ResultColumn("Không áp dụng", 8, lambda r, i: len(r.na), lambda r: st.int),
            _ResultColumn("Không hợp lệ", 8, lambda r, i: len(r.invalid), lambda r: st.int),
            _ResultColumn("Dòng", 6, lambda r, i: r.line, lambda r: st.center),
        ]
        return columns

    def results_sheet(self, ws: Worksheet) -> None:
        st = self.styles
        columns = self.result_columns()
        title = self.start(ws, "KẾT QUẢ TỰ SOI, TỰ SỬA", columns, freeze="C3")
        append_row(ws, [c.header for c in columns], st.header, [c.width for c in columns], min_lines=2)
        fit = [c.width if c.wrap else None for c in columns]
        for index, r in enumerate(self.members):
            append_row(ws, [c.value(r, index) for c in columns], [c.style(r) for c in columns], fit)
        last = 2 + len(self.members)
        self.finish_table(ws, 2, last, len(columns))
        letter = {c.header: get_column_letter(n) for n, c in enumerate(columns, start=1)}
        if self.members:
            invalid_font = Font(bold=True, color="9C0006")
            for header, rule in (
                ("Chưa trả lời", CellIsRule(operator="greaterThan", formula=["0"], fill=solid_fill("FFEB9C"))),
                ("Không hợp lệ", CellIsRule(operator="greaterThan", formula=["0"], fill=solid_fill("FFC7CE"),
                                            font=invalid_font)),
                ("So với đề xuất", CellIsRule(operator="equal", formula=[f'"{COMPARISON["higher"]}"'],
                                              font=Font(bold=True, color="C65911"))),
            ):
                ws.conditional_formatting.add(f"{letter[header]}3:{letter[header]}{last}", rule)
        printed = sum(c.printed for c in columns)
        print_setup(ws, title, title_rows="2:2", columns=printed)

    # ----------------------------------------------------------------- Tổng hợp

    def summary_sheet(self, ws: Worksheet) -> None:
        st = self.styles
        members = self.members
        columns = [Column("Mã", 8), Column("Nội dung", 52), Column("", 13), Column("", 12), Column("", 13),
                   Column("", 12)]
        title = self.start(ws, "TỔNG HỢP", columns)
        append_row(ws, [])
        statuses = Counter(m.status for m in members)
        rated = [m for m in members if m.status == "reviewed"]
        n = len(rated)  # levels, shares and prevalence are over rated members only
        facts: list[tuple[str, int]] = [
            ("Số đảng viên trong danh sách", len(members)),
            ("Đã kiểm điểm, được xếp loại", n),
            ("Trong đó xếp loại tạm tính (còn mục chưa trả lời)", sum(m.unanswered_count > 0 for m in rated)),
            ("Trong đó xếp loại tạm tính (có câu trả lời không hợp lệ)", sum(bool(m.invalid) for m in rated)),
            ("Miễn kiểm điểm (không xếp loại)", statuses["exempt"]),
            ("Chưa kiểm điểm (không xếp loại)", statuses["not_reviewed"]),
            ("Số dòng không gắn được với đảng viên nào (xem trang Lỗi)", len(self.batch.failed_rows)),
            ("Số dòng trống đã bỏ qua", self.batch.blank_rows),
        ]
        for label, value in facts:
            append_row(ws, [None, label, value], [None, st.label, st.int], [None, columns[1].width])
        append_row(ws, [])

        # level distribution
        decided = any(m.chi_bo_xep_loai for m in rated)
        proposed = Counter(self.level_ids[m.core.rank] for m in rated)
        by_cell = Counter(m.chi_bo_xep_loai for m in rated)
        header = ["", "Mức xếp loại", "Đề xuất (tusoi)", "Tỷ lệ"] + (["Chi bộ xếp loại", "Tỷ lệ"] if decided else [])
        append_row(ws, [None, "Phân bố xếp loại"], [None, st.subtitle])
        dist_header = append_row(ws, header, [None] + [st.header] * (len(header) - 1), height=32)
        last_level_row = dist_header
        for level in self.rubric.levels:
            row: list[object] = [None, level.label, proposed[level.id], _share(proposed[level.id], n)]
            styles = [None, self.level_style(level.id, bold=True), st.int, st.pct]
            if decided:
                row += [by_cell[level.id], _share(by_cell[level.id], n)]
                styles += [st.int, st.pct]
            last_level_row = append_row(ws, row, styles)
        if decided:
            append_row(ws, [None, "Chưa xếp loại", None, None, by_cell[None], _share(by_cell[None], n)],
                    [None, st.label, st.int, st.pct, st.int, st.pct])
        total: list[object] = [None, "Cộng", n, _share(n, n)]
        if decided:
            total += [n, _share(n, n)]
        append_row(ws, total, [None, st.label, st.int, st.pct, st.int, st.pct])

        # item prevalence
        append_row(ws, [])
        append_row(ws, [None, "Mức độ phổ biến của từng biểu hiện, vi phạm trong chi bộ"], [None, st.subtitle])
        prev_header = append_row(ws, ["Mã", "Nội dung", "Số đảng viên có", "Tỷ lệ trên số được chấm",
                                   "Mức bình quân (của người có)"], st.header, height=47)
        rows, nobody, added = self.prevalence()
        prev_last = prev_header
        for item_id, item_title, count, mean in rows:
            prev_last = append_row(ws, [item_id, item_title, count, _share(count, n), mean],
                                [st.text, st.wrap, st.int, st.pct, st.number(mean)], [None, columns[1].width])
        ws.auto_filter.ref = f"A{prev_header}:E{prev_last}"
        notes = []
        if nobody:
            notes.append(f"Không ai tự nhận ở {len(nobody)} mục (không liệt kê ở bảng trên): {', '.join(nobody)}.")
        if added:
            notes.append(f"Phần cộng điểm ({', '.join(added)}) không có trong bảng này.")
        if not n:
            notes.append("Chưa có đảng viên nào được xếp loại.")
        for note in notes:
            append_row(ws, [None, note], [None, st.note_wrap], [None, columns[1].width])
        # The chart goes below the tables, starting a page of its own when it would not fit on this one.
        append_row(ws, [])
        anchor = ws.max_row + 1
        if rows_height(ws, last_break(ws), anchor) + CHART_HEIGHT_PT > page_height(landscape=True):
            ws.row_breaks.append(Break(id=anchor - 1))
        self.distribution_chart(ws, dist_header, last_level_row, decided, f"B{anchor}")
        print_setup(ws, title, title_rows=None)

    def prevalence(self) -> tuple[list[tuple[str, str, int, float]], list[str], list[str]]:
        """Flagged items, most common first (ties in rubric order); ids nobody flagged; add-mode section ids."""
        order = [item.id for section, item in self.rubric.items() if section.mode == "deduct"]
        titles = {item.id: item.title for _, item in self.rubric.items()}
        deducting = self.deducting
        index_counts = [0] * len(deducting)
        index_sums = [0.0] * len(deducting)
        for m in self.members:
            if m.status != "reviewed" or not any(m.values):
                continue
            for i, value in enumerate(m.values):
                if value and deducting[i]:  # flagged: a non-zero answer in a deducting section
                    index_counts[i] += 1
                    index_sums[i] += value
        counts: Counter[str] = Counter({self.ids[i]: c for i, c in enumerate(index_counts) if c})
        sums: dict[str, float] = {self.ids[i]: index_sums[i] for i in range(len(deducting))}
        position = {item_id: index for index, item_id in enumerate(order)}
        flagged = sorted((i for i in order if counts[i]), key=lambda i: (-counts[i], position[i]))
        rows = [(i, titles[i], counts[i], sums[i] / counts[i]) for i in flagged]
        nobody = [i for i in order if not counts[i]]
        added = [s.id for s in self.rubric.sections if s.mode == "add"]
        return rows, nobody, added

    def distribution_chart(self, ws: Worksheet, header_row: int, last_row: int, decided: bool, anchor: str) -> None:
        chart = count_chart("Phân bố xếp loại")
        for column in (3, 5) if decided else (3,):
            chart.add_data(Reference(ws, min_col=column, min_row=header_row, max_row=last_row), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=header_row + 1, max_row=last_row))
        for index, level in enumerate(self.rubric.levels):
            point = DataPoint(idx=index)
            point.graphicalProperties.solidFill = level_colors(level.color)[1]
            point.graphicalProperties.line.solidFill = "595959"
            chart.series[0].dPt.append(point)
        if decided:
            chart.series[1].graphicalProperties.solidFill = "A6A6A6"
            chart.series[1].graphicalProperties.line.solidFill = "595959"
        else:
            chart.legend = None
        members = self.members
        counts = [*Counter(self.level_of(m) for m in members).values(),
                  *Counter(m.chi_bo_xep_loai for m in members if m.chi_bo_xep_loai).values()]
        finish_count_chart(chart, max(counts, default=0))
        ws.add_chart(chart, anchor)

    # ----------------------------------------------------------------- Chi tiết

    def matrix_blocks(self) -> list[tuple[Section, list[Item]]]:
        """Chi tiết's page-wide blocks: one per section, a long section split evenly over as few pages as
        its items need at a readable width."""
        per_page = self.items_per_page()
        blocks: list[tuple[Section, list[Item]]] = []
        for section in self.rubric.sections:
            items = section.items
            if not items:
                continue
            parts = math.ceil(len(items) / per_page)
            size = math.ceil(len(items) / parts)
            blocks.extend((section, items[start:start + size]) for start in range(0, len(items), size))
        return blocks

    def matrix_pages(self, blocks: list[tuple[Section, list[Item]]]) -> list[int]:
        """How many blocks go side by side on each page: consecutive blocks that fit together share one."""
        per_page = self.items_per_page()
        pages: list[int] = []
        used = per_page
        for _, items in blocks:
            if used + len(items) > per_page:
                pages.append(0)
                used = 0
            pages[-1] += 1
            used += len(items)
        return pages

    def items_per_page(self) -> int:
        room = (A4_LONG - 2 * 72 * SIDE_MARGIN) - sum(column_points(w) for w in (_STT_WIDTH, _NAME_WIDTH))
        return max(1, int(room // column_points(_ITEM_WIDTH)))

    def matrix_sheet(self, ws: Worksheet) -> None:
        """Members × items. Printed in page-wide blocks (a section per block) with STT and name repeated on
        every page; zeros are stored but not shown, so the marks stand out on paper."""
        st = self.styles
        pairs = self.rubric.items()
        blocks = self.matrix_blocks()
        title = self.title("CHI TIẾT TỰ ĐÁNH GIÁ THEO TỪNG MỤC")
        sheet_head(ws, [_STT_WIDTH, _NAME_WIDTH, *([_ITEM_WIDTH] * len(pairs))], freeze=f"C{_MATRIX_FIRST_ROW}")
        append_row(ws, [title], [st.title], height=20)
        firsts = {items[0].id for _, items in blocks}
        section_row: list[object] = [None, "Phần"]
        section_styles: list[StyleArray] = [None, st.header]
        column = 3
        section_lines = 1
        for section, items in blocks:
            section_row += [f"{section.id} — {section.title}", *([None] * (len(items) - 1))]
            section_styles += [st.header_first, *([st.header] * (len(items) - 1))]
            if len(items) > 1:  # merged by reference: a streaming sheet has no merge_cells()
                ws.merged_cells.add(CellRange(min_row=2, min_col=column, max_row=2, max_col=column + len(items) - 1))
            section_lines = max(section_lines, line_count(f"{section.id} — {section.title}",
                                                           _ITEM_WIDTH * len(items) / 1.1))
            column += len(items)
        append_row(ws, section_row, section_styles, height=LINE_HEIGHT * section_lines + 4)
        titles = [_short(item.title, 70) for _, item in pairs]
        append_row(ws, [None, "Nội dung tóm tắt", *titles],
                [None, st.note_wrap, *(st.item_title_first if item.id in firsts else st.item_title
                                       for _, item in pairs)],
                [None, None, *([_ITEM_WIDTH / 1.1] * len(pairs))], line_height=11.5)
        append_row(ws, ["STT", "Họ và tên", *(item.id for _, item in pairs)],
                [st.header, st.header, *(st.header_first if item.id in firsts else st.header for _, item in pairs)])
        cell_styles = [st.center, st.wrap, *(st.matrix_first if item.id in firsts else st.matrix for _, item in pairs)]
        name_fit = [None, _NAME_WIDTH]
        numbers: dict[float, int | float] = {}
        for index, m in enumerate(self.members):
            values: list[object] = [index + 1, m.ho_ten]
            for value in m.values:
                if value is None:
                    values.append(UNANSWERED_MARK)
                else:
                    number = numbers.get(value)
                    if number is None:
                        number = numbers[value] = excel_number(value)
                    values.append(number)
            for i in m.na:  # marks override a value, as they do when a member is scored in detail
                values[2 + i] = NA_MARK
            for i in m.invalid:
                values[2 + i] = INVALID_MARK
            append_row(ws, values, cell_styles, name_fit)
        last = _MATRIX_FIRST_ROW - 1 + len(self.members)
        self.finish_table(ws, _MATRIX_FIRST_ROW - 1, last, 2 + len(pairs))
        if self.members and pairs:
            self.matrix_rules(ws, last)
        column, start = 2, 0
        for count in self.matrix_pages(blocks)[:-1]:
            column += sum(len(items) for _, items in blocks[start:start + count])
            start += count
            ws.col_breaks.append(Break(id=column))
        print_setup(ws, title, title_rows=f"2:{_MATRIX_FIRST_ROW - 1}", title_cols="A:B", legend=MATRIX_LEGEND)
        ws.page_setup.scale = 100  # the blocks are cut to the page width

    def matrix_rules(self, ws: Worksheet, last: int) -> None:
        """Conditional formats by value, one rule per scale value over all columns using that scale."""
        ranges: dict[tuple[str, str], list[str]] = {}
        column, top = 3, _MATRIX_FIRST_ROW
        for section in self.rubric.sections:
            if section.items:
                first, end = get_column_letter(column), get_column_letter(column + len(section.items) - 1)
                ranges.setdefault((section.scale, section.mode), []).append(f"{first}{top}:{end}{last}")
            column += len(section.items)
        everything = f"C{top}:{get_column_letter(column - 1)}{last}"
        for (scale_id, mode), refs in ranges.items():
            sqref = " ".join(refs)
            scale = self.rubric.scales[scale_id]
            if scale.values:
                for value, rgb in _value_fills(scale):
                    ws.conditional_formatting.add(sqref, CellIsRule(operator="equal", formula=[_formula_number(value)],
                                                                    fill=solid_fill(rgb)))
            else:
                strong = "63BE7B" if mode == "add" else _INTENSITY[-1]
                ws.conditional_formatting.add(sqref, ColorScaleRule(start_type="num", start_value=scale.min,
                                                                    start_color="FFFFFF", end_type="max",
                                                                    end_color=strong))
        ws.conditional_formatting.add(everything, CellIsRule(operator="equal", formula=[f'"{UNANSWERED_MARK}"'],
                                                             fill=solid_fill("FFEB9C"), font=Font(bold=True)))
        ws.conditional_formatting.add(everything, CellIsRule(operator="equal", formula=[f'"{NA_MARK}"'],
                                                             fill=solid_fill("EDEDED"), font=Font(color="7F7F7F")))
        ws.conditional_formatting.add(everything, CellIsRule(operator="equal", formula=[f'"{INVALID_MARK}"'],
                                                             fill=solid_fill("FFC7CE"), font=Font(bold=True,
                                                                                             color="9C0006")))

    # ----------------------------------------------------------------- Lỗi

    def errors_sheet(self, ws: Worksheet) -> None:
        st = self.styles
        problems = self.batch.problems
        source_name = Path(self.batch.source).name
        with_file = any(Path(p.file).name != source_name for p in problems)
        columns = [Column("Dòng", 6), Column("Cột", 20), Column("Lỗi", 52), Column("Cách sửa", 44)]
        if with_file:
            columns.append(Column("Tệp", 22))
        title = self.start(ws, "CÁC DÒNG CHƯA CHẤM ĐƯỢC HOẶC CÓ LỖI", columns, freeze="A3")
        append_row(ws, [c.header for c in columns], st.header)
        styles = [st.center, st.wrap, st.wrap, st.wrap, st.wrap]
        for problem in problems:
            values: list[object] = [problem.line, self.column_text(problem), problem.message, problem.hint]
            if with_file:
                values.append(problem.file)
            append_row(ws, values, styles, [None, *(c.width for c in columns[1:])])
        self.finish_table(ws, 2, 2 + len(problems), len(columns))
        print_setup(ws, title, title_rows="2:2")

    def column_text(self, problem: Problem) -> str | None:
        """'E — CT3 …' for a sheet column (letter and header text); the plain number for other inputs."""
        if problem.column is None:
            return None
        if not self.is_sheet() or problem.column < 1:
            return str(problem.column)
        letter = get_column_letter(problem.column)
        header = self.batch.headers.get(problem.column)
        return f"{letter} — {header}" if header else letter

    def is_sheet(self) -> bool:
        return bool(self.batch.headers) or Path(self.batch.source).suffix.lower() in {".xlsx", ".xlsm", ".xls",
                                                                                      ".ods", ".csv"}

    # ----------------------------------------------------------------- Thông tin

    def info_sheet(self, ws: Worksheet) -> None:
        st = self.styles
        rubric = self.rubric
        columns = [Column("", 28), Column("", 44), Column("", 12), Column("", 36), Column("", 8),
                   Column("", 8)]
        title = self.start(ws, "THÔNG TIN BÁO CÁO", columns)
        fit = [c.width for c in columns]
        append_row(ws, [])
        when = self.generated_at.strftime("%d/%m/%Y %H:%M:%S")
        if self.generated_at.utcoffset() is not None:
            when += " (UTC" + self.generated_at.strftime("%z")[:3] + ":" + self.generated_at.strftime("%z")[3:] + ")"
        facts: list[tuple[str, object]] = [
            ("Bộ tiêu chí (mã)", rubric.id),
            ("Tên bộ tiêu chí", rubric.title),
            ("Phiên bản bộ tiêu chí", rubric.version),
            ("Nguồn", rubric.source or None),
            ("Gồm các bộ", "; ".join(rubric.included_titles()) or None),
            ("Tệp đầu vào", self.batch.source),
            ("Trang tính", self.batch.sheet),
            ("Chi bộ", ", ".join(self.cells) or None),
            ("Kỳ đánh giá", ", ".join(self.periods) or None),
            ("Thời điểm tạo báo cáo", when),
            ("Phiên bản tusoi", self.tool_version),
            ("Số đảng viên được chấm", len(self.members)),
            ("Số dòng có lỗi, chưa chấm được", len(self.batch.failed_rows)),
            ("Số dòng trống đã bỏ qua", self.batch.blank_rows),
        ]
        for label, value in facts:
            if value is not None:
                append_row(ws, [label, value], [st.label, st.left], fit)
        append_row(ws, [])
        append_row(ws, ["Cách tính điểm (theo bộ tiêu chí)"], [st.subtitle])
        scoring = rubric.scoring
        bounds = [("Điểm khởi đầu", scoring.start), ("Điểm thấp nhất", scoring.min), ("Điểm cao nhất", scoring.max)]
        for label, number in bounds:
            append_row(ws, [label, excel_number(number) if number is not None else "không giới hạn"],
                    [st.label, st.left])
        append_row(ws, [])
        append_row(ws, ["Phần", "Nội dung", "Cách tính", "Thang giá trị", "Hệ số", "Tối đa"], st.header)
        for section in rubric.sections:
            scale = rubric.scales[section.scale]
            append_row(ws, [section.id, section.title, f"{MODE_LABELS[section.mode]} điểm", _scale_text(scale),
                         excel_number(section.weight), excel_number(section.max) if section.max is not None else None],
                    [st.label, st.wrap, st.text, st.wrap, st.text, st.text], fit)
            own = [f"{item.id} ({item.weight:g})" for item in section.items if item.weight != section.weight]
            if own:
                append_row(ws, [None, "Mục có hệ số riêng: " + ", ".join(own)], [None, st.note_wrap], fit)
        append_row(ws, [None, "Mỗi câu trả lời được tính giá trị × hệ số; phần trừ điểm trừ vào điểm khởi đầu, "
                           "phần cộng điểm cộng thêm."], [None, st.note_wrap], fit)
        append_row(ws, [])
        append_row(ws, ["Mức xếp loại", "Điều kiện về điểm"], st.header)
        for level in rubric.levels:
            condition = (f"từ {level.min_score:g} điểm trở lên" if level.min_score is not None
                         else "các trường hợp còn lại")
            append_row(ws, [level.label, condition], [self.level_style(level.id, bold=True), st.wrap], fit)
        append_row(ws, [None, "Ngưỡng áp dụng cho điểm chưa làm tròn, tính cả bằng (≥)."], [None, st.note_wrap], fit)
        if rubric.caps:
            append_row(ws, [])
            append_row(ws, ["Giới hạn mức xếp loại: xét", "Khi", "Tối đa"], st.header)
            for cap in rubric.caps:
                append_row(ws, [_cap_scope(cap), cap.reason, self.level_label(cap.at_most)],
                        [st.text, st.wrap, self.level_style(cap.at_most, bold=True)], fit)
            append_row(ws, [None, "Mức đề xuất là mức thấp hơn giữa mức theo điểm và mọi giới hạn áp dụng."],
                    [None, st.note_wrap], fit)
        append_row(ws, [])
        append_row(ws, [None, "Điểm và mức xếp loại do tusoi đề xuất theo bộ tiêu chí để chi bộ tham khảo; "
                           "chi bộ biểu quyết mức xếp loại cuối cùng."], [None, st.note_wrap], fit)
        print_setup(ws, title, title_rows=None)


# --------------------------------------------------------------------------- small formatters


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _cap_text(at_most_label: str, reason: str, items: list[str]) -> str:
    return f"tối đa {at_most_label}: {reason}" + (f" ({', '.join(items)})" if items else "")


def _status_text(member: BatchMember) -> str:
    """"chưa kiểm điểm (chưa trả lời mục nào)", "miễn kiểm điểm (nghỉ sinh hoạt)"."""
    return STATUS_LABELS[member.status] + (f" ({member.status_reason})" if member.status_reason else "")


def _cap_scope(cap: Cap) -> str:
    """What a cap looks at, in words ('phần D, từ 2 mục'; 'kỷ luật'), rather than its internal id."""
    if cap.field == "ky_luat":
        return "kỷ luật" if cap.equals else "không bị kỷ luật"
    parts = []
    if cap.sections:
        parts.append("phần " + ", ".join(cap.sections))
    if cap.items:
        parts.append("mục " + ", ".join(cap.items))
    if cap.min_value is not None:
        parts.append(f"mức từ {cap.min_value:g}" + (f" đến {cap.max_value:g}" if cap.max_value is not None else ""))
    elif cap.max_value is not None:
        parts.append(f"mức đến {cap.max_value:g}")
    if cap.min_count > 1:
        parts.append(f"từ {cap.min_count} mục")
    return ", ".join(parts) or "mọi mục"


def _section_points(member: BatchMember, index: int) -> float | None:
    points = member.core.section_points
    return points[index] if index < len(points) else None


def provisional_text(unanswered: int, invalid: Sequence[str], complete: bool) -> str | None:
    """Why a level is not final yet: 'tạm tính — còn 2 mục chưa trả lời, 1 mục không hợp lệ (CT2)'."""
    parts = []
    if unanswered:
        parts.append(f"còn {unanswered} mục chưa trả lời")
    if invalid:
        parts.append(f"{len(invalid)} mục không hợp lệ ({', '.join(invalid)})")
    text = ", ".join(parts)
    if not complete:
        return f"tạm tính — {text}" if text else "tạm tính"
    return text or None


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _formula_number(value: float) -> str:
    return str(excel_number(value))


def _value_fills(scale: Scale) -> list[tuple[float, str]]:
    """(value, fill) for each positive value of a discrete scale: light, medium or strong by its share of the top."""
    values = sorted({v.value for v in scale.values or [] if v.value > 0})
    if not values:
        return []
    top = values[-1]
    result = []
    for value in values:
        bucket = min(len(_INTENSITY) - 1, max(0, math.ceil(value / top * len(_INTENSITY)) - 1))
        result.append((value, _INTENSITY[bucket]))
    return result


def _scale_text(scale: Scale) -> str:
    if scale.values:
        return f"{scale.title}: " + "; ".join(f"{excel_number(v.value)} = {v.label}" for v in scale.values)
    text = f"{scale.title}: từ {scale.min:g}"
    if scale.max is not None:
        text += f" đến {scale.max:g}"
    if scale.step:
        text += f", bước {scale.step:g}"
    return text
