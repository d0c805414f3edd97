"""The Excel report of ``tusoi batch``: sheets Kết quả, Tổng hợp, Chi tiết, Lỗi (only when needed), Thông tin.

Written with XlsxWriter in constant-memory mode (render/excel/xlsxw.py): each row goes out as it is made,
top to bottom, so a province's report keeps one row in memory, and the workbook is saved atomically. Every
piece of text is cleaned of the control characters Excel refuses and is never stored as a formula,
whatever it starts with. Formats are made once; columns whose cells all look alike carry the format
themselves (an empty cell there is no cell at all), and the member × item matrix is coloured by
conditional-formatting rules (one per scale value), so a large cell costs little more than writing its values.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tusoi_cli.model import STATUS_LABELS
from tusoi_cli.model.raters import final_level
from tusoi_cli.render.excel.paper import (
    A4_LONG,
    CHART_HEIGHT_PT,
    LINE_HEIGHT,
    SIDE_MARGIN,
    Column,
    clean_text,
    column_points,
    distinct,
    excel_number,
    level_colors,
    line_count,
    page_height,
)
from tusoi_cli.render.excel.xlsxw import Book, ChartSeries, Sheet, Styles, column_letter
from tusoi_cli.render.labels import MODE_LABELS, previous_text
from tusoi_cli.render.meeting import flags_text

if TYPE_CHECKING:
    from tusoi_cli.errors import Problem
    from tusoi_cli.model import Cap, Item, Level, Scale, Section
    from tusoi_cli.model.batch import BatchMember, BatchResult

Format = Any  # an XlsxWriter cell format

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
    book = Book()
    try:
        report = _Report(book, batch, tool_version, generated_at)
        report.results_sheet(book.sheet(SHEET_RESULTS))
        report.summary_sheet(book.sheet(SHEET_SUMMARY))
        report.matrix_sheet(book.sheet(SHEET_MATRIX))
        if batch.problems:
            report.errors_sheet(book.sheet(SHEET_ERRORS))
        report.info_sheet(book.sheet(SHEET_INFO))
    except BaseException:
        book.discard()
        raise
    book.save(target, title=report.title("Báo cáo tự soi, tự sửa"), tool_version=tool_version,
              generated_at=generated_at)


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _ResultColumn:
    """One column of Kết quả: its header and width, how a member fills it, and whether it prints.

    ``style``: one format for the whole column, or a function giving each member's (a level's fill, a
    score's decimals); ``empty``: the format of such a column's empty cells. The column carries its one or
    empty format, so an empty cell there is no cell at all."""

    header: str
    width: float
    value: Callable[[BatchMember, int], object]  # (member, index in the report) -> cell value
    style: Format | Callable[[BatchMember], Format]
    printed: bool = False
    wrap: bool = False
    empty: Format | None = None

    @property
    def fixed(self) -> Format | None:
        return None if callable(self.style) else self.style

    @property
    def column_format(self) -> Format | None:
        return self.empty if callable(self.style) else self.style

    def named(self, header: str, width: float, *, printed: bool = False) -> _ResultColumn:
        return replace(self, header=header, width=width, printed=printed)


# --------------------------------------------------------------------------- the report


class _Report:
    """The sheets of one report, sharing styles and the batch's context (cell, period)."""

    def __init__(self, book: Book, batch: BatchResult, tool_version: str, generated_at: datetime) -> None:
        self.book = book
        self.batch = batch
        self.rubric = batch.rubric
        self.tool_version = tool_version
        self.generated_at = generated_at
        self.styles = Styles(book, [(level.id, level.color) for level in batch.rubric.levels])
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

    def level_style(self, level_id: str | None, *, bold: bool = False) -> Format:
        table = self.styles.level_bold if bold else self.styles.level
        return table.get(level_id or "", self.styles.text)

    def start(self, sheet: Sheet, heading: str, columns: Sequence[Column] | Sequence[_ResultColumn],
              freeze: str | None = None, formats: Sequence[Format | None] = ()) -> str:
        """Column widths (and the formats of columns whose cells all look alike), frozen panes, title in
        row 1; returns the sheet's title."""
        title = self.title(heading)
        sheet.set_columns([c.width for c in columns], formats)
        if freeze:
            sheet.freeze(freeze)
        sheet.title_row(title, self.styles.title, len(columns))
        return title

    # ----------------------------------------------------------------- Kết quả

    def result_columns(self) -> list[_ResultColumn]:
        """Kết quả's columns, in order: one line each. The printed ones (what the cell meeting reads) come
        first; the others stay in the sheet, right of the print area, for sorting and checking on screen.
        The printed widths leave room for one more column of 12 (a member's status) at 90 % or more."""
        st = self.styles

        def level(get: Callable[[BatchMember], str | None], bold: bool = False) -> _ResultColumn:
            return _ResultColumn("", 0, lambda r, i: self.level_label(get(r)) or None,
                                 lambda r: self.level_style(get(r), bold=bold), empty=st.text)

        def points(index: int, section_id: str, mode: str) -> _ResultColumn:
            return _ResultColumn(f"{MODE_LABELS[mode].capitalize()} {section_id}", 7,
                                 lambda r, i: _section_points(r, index),
                                 lambda r: st.number_or_text(_section_points(r, index)), empty=st.text)

        def rated(value: Callable[[BatchMember, int], object]) -> Callable[[BatchMember, int], object]:
            """Blank for members who are not rated (exempt, not reviewed): their answers give no level."""
            return lambda r, i: value(r, i) if r.status == "reviewed" else None

        columns = [
            _ResultColumn("STT", 5, lambda r, i: i + 1, st.center, printed=True),
            _ResultColumn("Họ và tên", 22, lambda r, i: r.ho_ten, st.wrap, printed=True, wrap=True),
            _ResultColumn("Chức vụ", 14, lambda r, i: r.chuc_vu, st.wrap, printed=True, wrap=True),
            _ResultColumn("Trạng thái", 14, lambda r, i: None if r.status == "reviewed" else _status_text(r),
                          st.note_cell, printed=True, wrap=True),
            _ResultColumn("Điểm", 6, rated(lambda r, i: r.core.score), lambda r: st.number_or_text(r.core.score),
                          printed=True, empty=st.text),
            level(self.level_of, bold=True).named("Xếp loại đề xuất", 11, printed=True),
            level(lambda r: r.tu_xep_loai).named("Tự xếp loại", 9, printed=True),
            _ResultColumn("Giới hạn áp dụng", 34, rated(lambda r, i: self.caps_text(r)), st.wrap,
                          printed=True, wrap=True),
            _ResultColumn("Biểu hiện / vi phạm", 15, rated(lambda r, i: ", ".join(self.flagged_of(r))),
                          st.wrap, printed=True, wrap=True),
            _ResultColumn("Ghi chú", 14, rated(lambda r, i: self.provisional_text(r)), st.note_cell,
                          printed=True, wrap=True),
            _ResultColumn("Mã đảng viên", 11, lambda r, i: r.ma_dang_vien, st.text),
            level(self.score_level_of).named("Mức theo điểm", 10),
            _ResultColumn("So với đề xuất", 9, lambda r, i: COMPARISON.get(self.comparison_of(r) or "", ""),
                          st.center),
            level(lambda r: r.chi_bo_xep_loai).named("Chi bộ xếp loại", 10),
            _ResultColumn("Lý do", 20, lambda r, i: r.ly_do, st.wrap, wrap=True),
            # the previous period's results, only when some member carries them (ky_truoc)
            *([_ResultColumn("Hạn chế kỳ trước: kết quả khắc phục", 30,
                             lambda r, i: previous_text(r.previous) if r.previous is not None else
                             previous_text(r.result.previous_shortcomings) if r.result is not None else None,
                             st.wrap, wrap=True)]
              if any(m.ky_truoc is not None or (m.result is not None and m.result.previous_shortcomings is not None)
                     for m in self.batch.members) else []),
            *(points(index, s.id, s.mode) for index, s in enumerate(self.rubric.sections)),
            _ResultColumn("Chưa trả lời", 8, lambda r, i: r.unanswered_count, st.int),
            _ResultColumn("Không áp dụng", 8, lambda r, i: len(r.na), st.int),
            _ResultColumn("Không hợp lệ", 8, lambda r, i: len(r.invalid), st.int),
            _ResultColumn("Dòng", 6, lambda r, i: r.line, st.center),
        ]
        if any((m.raters and len(m.raters) > 1) or m.flags for m in self.batch.members):  # the meeting's columns
            columns += [level(lambda r: final_level(self.rubric, r.raters)).named("Xếp loại cuối cùng", 11),
                        _ResultColumn("Cần trả lời (biên bản)", 30, lambda r, i: flags_text(r.flags),
                                      lambda r: st.wrap, wrap=True)]
        return columns

    def results_sheet(self, sheet: Sheet) -> None:
        st = self.styles
        columns = self.result_columns()
        title = self.start(sheet, "KẾT QUẢ TỰ SOI, TỰ SỬA", columns, freeze="C3",
                           formats=[c.column_format for c in columns])
        sheet.row([c.header for c in columns], st.header, [c.width for c in columns], min_lines=2)
        fit = [c.width if c.wrap else None for c in columns]
        values = [c.value for c in columns]
        styles = [(index, c.style) for index, c in enumerate(columns) if c.fixed is None]
        formats = [c.fixed for c in columns]
        for index, r in enumerate(self.members):
            for column, style in styles:
                formats[column] = style(r)
            sheet.row([value(r, index) for value in values], formats, fit)
        last = 2 + len(self.members)
        sheet.autofilter(2, last, len(columns))
        letter = {c.header: column_letter(n) for n, c in enumerate(columns, start=1)}
        if self.members:
            book = self.book
            for header, rule in (
                ("Chưa trả lời", {"type": "cell", "criteria": ">", "value": 0,
                                  "format": book.conditional(bg_color="#FFEB9C")}),
                ("Không hợp lệ", {"type": "cell", "criteria": ">", "value": 0,
                                  "format": book.conditional(bg_color="#FFC7CE", bold=True, font_color="#9C0006")}),
                ("So với đề xuất", {"type": "cell", "criteria": "==", "value": f'"{COMPARISON["higher"]}"',
                                    "format": book.conditional(bold=True, font_color="#C65911")}),
            ):
                sheet.conditional(f"{letter[header]}3:{letter[header]}{last}", rule)
        printed = sum(c.printed for c in columns)
        sheet.print_setup(title, title_rows=(2, 2), columns=printed)

    # ----------------------------------------------------------------- Tổng hợp

    def summary_sheet(self, sheet: Sheet) -> None:
        st = self.styles
        members = self.members
        columns = [Column("Mã", 8), Column("Nội dung", 52), Column("", 13), Column("", 12), Column("", 13),
                   Column("", 12)]
        title = self.start(sheet, "TỔNG HỢP", columns)
        sheet.skip()
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
            sheet.row([None, label, value], [None, st.label, st.int], [None, columns[1].width])
        sheet.skip()

        # level distribution
        decided = any(m.chi_bo_xep_loai for m in rated)
        proposed = Counter(self.level_ids[m.core.rank] for m in rated)
        by_cell = Counter(m.chi_bo_xep_loai for m in rated)
        header = ["", "Mức xếp loại", "Đề xuất (tusoi)", "Tỷ lệ"] + (["Chi bộ xếp loại", "Tỷ lệ"] if decided else [])
        sheet.row([None, "Phân bố xếp loại"], [None, st.subtitle])
        dist_header = sheet.row(header, [None] + [st.header] * (len(header) - 1), height=32)
        last_level_row = dist_header
        for level in self.rubric.levels:
            row: list[object] = [None, level.label, proposed[level.id], _share(proposed[level.id], n)]
            styles: list[Format] = [None, self.level_style(level.id, bold=True), st.int, st.pct]
            if decided:
                row += [by_cell[level.id], _share(by_cell[level.id], n)]
                styles += [st.int, st.pct]
            last_level_row = sheet.row(row, styles)
        if decided:
            sheet.row([None, "Chưa xếp loại", None, None, by_cell[None], _share(by_cell[None], n)],
                    [None, st.label, st.int, st.pct, st.int, st.pct])
        total: list[object] = [None, "Cộng", n, _share(n, n)]
        if decided:
            total += [n, _share(n, n)]
        sheet.row(total, [None, st.label, st.int, st.pct, st.int, st.pct])

        # item prevalence
        sheet.skip()
        sheet.row([None, "Mức độ phổ biến của từng biểu hiện, vi phạm trong chi bộ"], [None, st.subtitle])
        prev_header = sheet.row(["Mã", "Nội dung", "Số đảng viên có", "Tỷ lệ trên số được chấm",
                                   "Mức bình quân (của người có)"], st.header, height=47)
        rows, nobody, added = self.prevalence()
        prev_last = prev_header
        for item_id, item_title, count, mean in rows:
            prev_last = sheet.row([item_id, item_title, count, _share(count, n), mean],
                                [st.text, st.wrap, st.int, st.pct, st.number(mean)], [None, columns[1].width])
        sheet.autofilter(prev_header, prev_last, 5)
        notes = []
        if nobody:
            notes.append(f"Không ai tự nhận ở {len(nobody)} mục (không liệt kê ở bảng trên): {', '.join(nobody)}.")
        if added:
            notes.append(f"Phần cộng điểm ({', '.join(added)}) không có trong bảng này.")
        if not n:
            notes.append("Chưa có đảng viên nào được xếp loại.")
        for note in notes:
            sheet.row([None, note], [None, st.note_wrap], [None, columns[1].width])
        # The chart goes below the tables, starting a page of its own when it would not fit on this one.
        sheet.skip()
        anchor = sheet.rows + 1
        if sheet.rows_height(sheet.last_break(), anchor) + CHART_HEIGHT_PT > page_height(landscape=True):
            sheet.break_before_row(anchor)
        self.distribution_chart(sheet, dist_header, last_level_row, decided, f"B{anchor}")
        sheet.print_setup(title, title_rows=None)

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

    def distribution_chart(self, sheet: Sheet, header_row: int, last_row: int, decided: bool, anchor: str) -> None:
        series = [ChartSeries(3, points=[level_colors(level.color)[1] for level in self.rubric.levels])]
        if decided:
            series.append(ChartSeries(5, fill="A6A6A6"))
        members = self.members
        counts = [*Counter(self.level_of(m) for m in members).values(),
                  *Counter(m.chi_bo_xep_loai for m in members if m.chi_bo_xep_loai).values()]
        sheet.count_chart("Phân bố xếp loại", (2, header_row + 1, last_row), series, peak=max(counts, default=0),
                          legend=decided, anchor=anchor)

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

    def matrix_sheet(self, sheet: Sheet) -> None:
        """Members × items. Printed in page-wide blocks (a section per block) with STT and name repeated on
        every page. Only non-zero values and the three marks (unanswered, not applicable, invalid) are cells:
        a zero is an empty cell (the legend says so), about a tenth of the cells of a full matrix, and the
        marks stand out on paper. The item columns carry the grid's format, so empty cells keep their borders."""
        st = self.styles
        pairs = self.rubric.items()
        blocks = self.matrix_blocks()
        firsts = {items[0].id for _, items in blocks}
        item_formats = [st.matrix_first if item.id in firsts else st.matrix for _, item in pairs]
        title = self.title("CHI TIẾT TỰ ĐÁNH GIÁ THEO TỪNG MỤC")
        sheet.set_columns([_STT_WIDTH, _NAME_WIDTH, *([_ITEM_WIDTH] * len(pairs))], [None, None, *item_formats])
        sheet.freeze(f"C{_MATRIX_FIRST_ROW}")
        sheet.title_row(title, st.title, 2 + len(pairs))
        section_row: list[object] = [None, "Phần"]
        section_styles: list[Format] = [None, st.header]
        merges: list[tuple[int, int, str]] = []
        column = 3
        section_lines = 1
        for section, items in blocks:
            text = f"{section.id} — {section.title}"
            section_row += [text, *([None] * (len(items) - 1))]
            section_styles += [st.header_first, *([st.header] * (len(items) - 1))]
            if len(items) > 1:
                merges.append((column, column + len(items) - 1, text))
            section_lines = max(section_lines, line_count(text, _ITEM_WIDTH * len(items) / 1.1))
            column += len(items)
        row = sheet.row(section_row, section_styles, height=LINE_HEIGHT * section_lines + 4)
        for first, last, text in merges:
            sheet.merge(row, first, last, text, st.header_first, others=st.header)
        titles = [_short(item.title, 70) for _, item in pairs]
        sheet.row([None, "Nội dung tóm tắt", *titles],
                  [None, st.note_wrap, *(st.item_title_first if item.id in firsts else st.item_title
                                         for _, item in pairs)],
                  [None, None, *([_ITEM_WIDTH / 1.1] * len(pairs))], line_height=11.5)
        sheet.row(["STT", "Họ và tên", *(item.id for _, item in pairs)],
                  [st.header, st.header, *(st.header_first if item.id in firsts else st.header for _, item in pairs)])
        self.matrix_rows(sheet, item_formats)
        last = _MATRIX_FIRST_ROW - 1 + len(self.members)
        sheet.autofilter(_MATRIX_FIRST_ROW - 1, last, 2 + len(pairs))
        if self.members and pairs:
            self.matrix_rules(sheet, last)
        column, start = 2, 0
        breaks = []
        for count in self.matrix_pages(blocks)[:-1]:
            column += sum(len(items) for _, items in blocks[start:start + count])
            start += count
            breaks.append(column)
        sheet.break_after_columns(breaks)
        # the blocks are cut to the page width; the print area is the data, not the formatted columns below it
        sheet.print_setup(title, title_rows=(2, _MATRIX_FIRST_ROW - 1), title_columns=2, legend=MATRIX_LEGEND,
                          area=True, scale=100)

    def matrix_rows(self, sheet: Sheet, item_formats: list[Format]) -> None:
        """One row per member: STT, name, then only the non-zero values and the marks. The hot loop of a
        province's report (100,000 members), so it writes cells directly rather than through Sheet.row."""
        st = self.styles
        ws, book = sheet.ws, self.book
        write_number, write_string = ws.write_number, ws.write_string
        numbers: dict[float, int | float] = {}
        row = sheet.rows  # 0-based index of the first member row
        for index, m in enumerate(self.members):
            write_number(row, 0, index + 1, st.center)
            name = clean_text(m.ho_ten) if m.ho_ten else ""
            if name:
                write_string(row, 1, name, book.text_format(name, st.wrap))
                lines = line_count(name, _NAME_WIDTH) if len(name) > _NAME_WIDTH else 1
                if lines > 1:
                    sheet.heights[row + 1] = LINE_HEIGHT * lines + 3
                    ws.set_row(row, LINE_HEIGHT * lines + 3)
            else:
                ws.write_blank(row, 1, None, st.wrap)
            for i, value in enumerate(m.values):
                if value is None:
                    write_string(row, 2 + i, UNANSWERED_MARK, item_formats[i])
                elif value:
                    number = numbers.get(value)
                    if number is None:
                        number = numbers[value] = excel_number(value)
                    write_number(row, 2 + i, number, item_formats[i])
            for i in m.na:  # marks override a value, as they do when a member is scored in detail
                write_string(row, 2 + i, NA_MARK, item_formats[i])
            for i in m.invalid:
                write_string(row, 2 + i, INVALID_MARK, item_formats[i])
            row += 1
        sheet.rows = row

    def matrix_rules(self, sheet: Sheet, last: int) -> None:
        """Conditional formats by value, one rule per scale value over all columns using that scale."""
        book = self.book
        ranges: dict[tuple[str, str], list[str]] = {}
        column, top = 3, _MATRIX_FIRST_ROW
        for section in self.rubric.sections:
            if section.items:
                first, end = column_letter(column), column_letter(column + len(section.items) - 1)
                ranges.setdefault((section.scale, section.mode), []).append(f"{first}{top}:{end}{last}")
            column += len(section.items)
        everything = f"C{top}:{column_letter(column - 1)}{last}"
        for (scale_id, mode), refs in ranges.items():
            sqref = " ".join(refs)
            scale = self.rubric.scales[scale_id]
            if scale.values:
                for value, rgb in _value_fills(scale):
                    sheet.conditional(sqref, {"type": "cell", "criteria": "==", "value": _formula_number(value),
                                              "format": book.conditional(bg_color="#" + rgb)})
            else:
                strong = "63BE7B" if mode == "add" else _INTENSITY[-1]
                sheet.conditional(sqref, {"type": "2_color_scale", "min_type": "num", "min_value": scale.min,
                                          "min_color": "#FFFFFF", "max_type": "max", "max_color": "#" + strong})
        for mark, look in ((UNANSWERED_MARK, {"bg_color": "#FFEB9C", "bold": True}),
                           (NA_MARK, {"bg_color": "#EDEDED", "font_color": "#7F7F7F"}),
                           (INVALID_MARK, {"bg_color": "#FFC7CE", "bold": True, "font_color": "#9C0006"})):
            sheet.conditional(everything, {"type": "cell", "criteria": "==", "value": f'"{mark}"',
                                           "format": book.conditional(**look)})

    # ----------------------------------------------------------------- Lỗi

    def errors_sheet(self, sheet: Sheet) -> None:
        st = self.styles
        problems = self.batch.problems
        source_name = Path(self.batch.source).name
        with_file = any(Path(p.file).name != source_name for p in problems)
        columns = [Column("Dòng", 6), Column("Cột", 20), Column("Lỗi", 52), Column("Cách sửa", 44)]
        if with_file:
            columns.append(Column("Tệp", 22))
        title = self.start(sheet, "CÁC DÒNG CHƯA CHẤM ĐƯỢC HOẶC CÓ LỖI", columns, freeze="A3")
        sheet.row([c.header for c in columns], st.header)
        styles = [st.center, st.wrap, st.wrap, st.wrap, st.wrap]
        for problem in problems:
            values: list[object] = [problem.line, self.column_text(problem), problem.message, problem.hint]
            if with_file:
                values.append(problem.file)
            sheet.row(values, styles, [None, *(c.width for c in columns[1:])])
        sheet.autofilter(2, 2 + len(problems), len(columns))
        sheet.print_setup(title, title_rows=(2, 2))

    def column_text(self, problem: Problem) -> str | None:
        """'E — CT3 …' for a sheet column (letter and header text); the plain number for other inputs."""
        if problem.column is None:
            return None
        if not self.is_sheet() or problem.column < 1:
            return str(problem.column)
        letter = column_letter(problem.column)
        header = self.batch.headers.get(problem.column)
        return f"{letter} — {header}" if header else letter

    def is_sheet(self) -> bool:
        return bool(self.batch.headers) or Path(self.batch.source).suffix.lower() in {".xlsx", ".xlsm", ".xls",
                                                                                      ".ods", ".csv"}

    # ----------------------------------------------------------------- Thông tin

    def info_sheet(self, sheet: Sheet) -> None:
        st = self.styles
        rubric = self.rubric
        columns = [Column("", 28), Column("", 44), Column("", 12), Column("", 36), Column("", 8),
                   Column("", 8)]
        title = self.start(sheet, "THÔNG TIN BÁO CÁO", columns)
        fit = [c.width for c in columns]
        sheet.skip()
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
        facts += [("Cảnh báo", warning.message) for warning in self.batch.warnings]  # a document not in force
        for label, value in facts:
            if value is not None:
                sheet.row([label, value], [st.label, st.wrap if label == "Cảnh báo" else st.left], fit)
        sheet.skip()
        sheet.row(["Cách tính điểm (theo bộ tiêu chí)"], [st.subtitle])
        scoring = rubric.scoring
        bounds = [("Điểm khởi đầu", scoring.start), ("Điểm thấp nhất", scoring.min), ("Điểm cao nhất", scoring.max)]
        for label, number in bounds:
            sheet.row([label, excel_number(number) if number is not None else "không giới hạn"],
                    [st.label, st.left])
        sheet.skip()
        sheet.row(["Phần", "Nội dung", "Cách tính", "Thang giá trị", "Hệ số", "Tối đa"], st.header)
        for section in rubric.sections:
            scale = rubric.scales[section.scale]
            sheet.row([section.id, section.title, f"{MODE_LABELS[section.mode]} điểm", _scale_text(scale),
                         excel_number(section.weight), excel_number(section.max) if section.max is not None else None],
                    [st.label, st.wrap, st.text, st.wrap, st.text, st.text], fit)
            own = [f"{item.id} ({item.weight:g})" for item in section.items if item.weight != section.weight]
            if own:
                sheet.row([None, "Mục có hệ số riêng: " + ", ".join(own)], [None, st.note_wrap], fit)
        sheet.row([None, "Mỗi câu trả lời được tính giá trị × hệ số; phần trừ điểm trừ vào điểm khởi đầu, "
                           "phần cộng điểm cộng thêm."], [None, st.note_wrap], fit)
        sheet.skip()
        sheet.row(["Mức xếp loại", "Điều kiện về điểm"], st.header)
        for level in rubric.levels:
            condition = (f"từ {level.min_score:g} điểm trở lên" if level.min_score is not None
                         else "các trường hợp còn lại")
            sheet.row([level.label, condition], [self.level_style(level.id, bold=True), st.wrap], fit)
        sheet.row([None, "Ngưỡng áp dụng cho điểm chưa làm tròn, tính cả bằng (≥)."], [None, st.note_wrap], fit)
        if rubric.caps:
            sheet.skip()
            sheet.row(["Giới hạn mức xếp loại: xét", "Khi", "Tối đa"], st.header)
            for cap in rubric.caps:
                sheet.row([_cap_scope(cap), cap.reason, self.level_label(cap.at_most)],
                        [st.text, st.wrap, self.level_style(cap.at_most, bold=True)], fit)
            sheet.row([None, "Mức đề xuất là mức thấp hơn giữa mức theo điểm và mọi giới hạn áp dụng."],
                    [None, st.note_wrap], fit)
        sheet.skip()
        sheet.row([None, "Điểm và mức xếp loại do tusoi đề xuất theo bộ tiêu chí để chi bộ tham khảo; "
                           "chi bộ biểu quyết mức xếp loại cuối cùng."], [None, st.note_wrap], fit)
        sheet.print_setup(title, title_rows=None)


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
