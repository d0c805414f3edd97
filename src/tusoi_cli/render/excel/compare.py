"""The Excel report of ``tusoi compare``: one sheet per view, coloured by outcome, ready to print.

Sheets: Tổng hợp (the cell: shortcomings fixed, level distribution then and now, persistent items,
rubric changes), Theo đảng viên (one row per matched member), Chi tiết (one row per member and
item), Theo mục (each item across the cell), Quá hạn (overdue plans, and passed deadlines to
check), Chưa ghép được (unmatched and ambiguous members), Lỗi (only when an input had problems),
Thông tin (inputs, rubrics, date, and what every outcome means).

Imports openpyxl (through the batch report, whose helpers it reuses: text that can never become
a formula, styles, print setup), so it is imported only when an .xlsx is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from openpyxl.chart import Reference  # type: ignore[import-untyped]
from openpyxl.formatting.rule import CellIsRule  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.pagebreak import Break  # type: ignore[import-untyped]

from tusoi_cli.model import Rubric
from tusoi_cli.model.compare import (
    LEVEL_CHANGE_LABELS,
    MATCH_LABELS,
    NO_DEADLINES_NOTE,
    NO_LEVEL_CHANGE_LABEL,
    NOT_IN_RUBRIC,
    OVERDUE_HELP,
    OVERDUE_LABEL,
    REASON_LABELS,
    SIDE_LABELS,
    STATE_TEXT,
    STATUS_COLORS,
    STATUS_HELP,
    STATUS_LABELS,
    STATUSES,
    UNCLEAR_HELP,
    UNCLEAR_LABEL,
    Comparison,
    ItemChange,
    Record,
    Unclear,
)
from tusoi_cli.render.excel.fast_rows import FastRows
from tusoi_cli.render.excel.periods_sheets import (
    PeriodsSheets,
    period_styles,
    rubric_change_rows,
    rubrics_text,
    source_text,
)
from tusoi_cli.render.excel.styles import (
    CHART_HEIGHT_PT,
    Column,
    append_row,
    cell_font,
    count_chart,
    distinct,
    excel_number,
    finish_count_chart,
    last_break,
    level_colors,
    new_workbook,
    page_height,
    print_setup,
    rows_height,
    save_workbook,
    solid_fill,
)

Worksheet = Any
StyleArray = Any

SHEET_SUMMARY = "Tổng hợp"
SHEET_MEMBERS = "Theo đảng viên"
SHEET_DETAIL = "Chi tiết"
SHEET_ITEMS = "Theo mục"
SHEET_OVERDUE = "Quá hạn"
SHEET_UNMATCHED = "Chưa ghép được"
SHEET_ERRORS = "Lỗi"
SHEET_INFO = "Thông tin"

CHECK_LABEL = "đã qua hạn, cần xác minh"
PERSISTENT_MARK = "có"
_UNCLEAR_FILL = "EDEDED"
_OVERDUE_FILL = "FFC7CE"
_OVERDUE_FONT = "9C0006"
_NAME_MATCH_FILL = "FFEB9C"
_DATE_FORMAT = "DD/MM/YYYY"
_MEMBER_COUNTS = (*STATUSES, "overdue", "not_comparable")
_LARGE = 2000  # matched members past which the package is compressed fast rather than small (save_workbook)


def write_comparison_report(target: Path, comparison: Comparison, *, tool_version: str,
                            generated_at: datetime | None = None, fallback_rubric: Rubric | None = None) -> None:
    """Build the comparison workbook and write it to ``target`` atomically.

    ``fallback_rubric`` styles the levels when nobody could be read in either period (an empty report)."""
    generated_at = generated_at or datetime.now().astimezone()
    # Streaming (openpyxl's write-only mode): each row is written out as it is made, so two provinces'
    # comparison never keeps its millions of cell objects (20,000 members a period: 1.3 GB in normal mode).
    workbook = new_workbook(streaming=True)
    first = workbook.create_sheet(SHEET_SUMMARY)
    report = _CompareReport(first, comparison, tool_version, generated_at, fallback_rubric)
    report.summary_sheet(first)
    report.members_sheet(workbook.create_sheet(SHEET_MEMBERS))
    report.detail_sheet(workbook.create_sheet(SHEET_DETAIL))
    report.items_sheet(workbook.create_sheet(SHEET_ITEMS))
    if comparison.old.has_deadlines:  # a sheet has no deadlines: no page that could only say so
        report.overdue_sheet(workbook.create_sheet(SHEET_OVERDUE))
    report.unmatched_sheet(workbook.create_sheet(SHEET_UNMATCHED))
    if comparison.problems:
        report.errors_sheet(workbook.create_sheet(SHEET_ERRORS))
    report.info_sheet(workbook.create_sheet(SHEET_INFO))
    save_workbook(workbook, target, title=report.title("So sánh hai kỳ tự soi, tự sửa"), tool_version=tool_version,
                  generated_at=generated_at, compresslevel=1 if len(comparison.members) > _LARGE else None)


def _value(state: str | None, value: float | None) -> object:
    """A value as a number; a state without one as its words."""
    if state is None:
        return NOT_IN_RUBRIC
    if state == "answered":
        return excel_number(value) if value is not None else None
    return STATE_TEXT[state]


class _CompareReport(PeriodsSheets):
    def __init__(self, first: Worksheet, c: Comparison, tool_version: str, generated_at: datetime,
                 fallback_rubric: Rubric | None = None) -> None:
        self.c = c
        self.tool_version = tool_version
        self.generated_at = generated_at
        st = self.styles = period_styles(first, [*c.new.rubrics(), *c.old.rubrics()], fallback_rubric,
                                         "comparison")
        top = Alignment(vertical="top", wrap_text=True)
        fills = {s: solid_fill(level_colors(STATUS_COLORS[s])[0]) for s in STATUSES}
        centered = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.status: dict[str, StyleArray] = {s: st.make(border=st.grid, fill=fills[s], alignment=top)
                                              for s in STATUSES}
        self.status_header: dict[str, StyleArray] = {
            s: st.make(border=st.grid, fill=fills[s], font=cell_font(bold=True), alignment=centered) for s in STATUSES}
        self.unclear = st.make(border=st.grid, fill=solid_fill(_UNCLEAR_FILL), font=cell_font(italic=True),
                               alignment=top)
        self.overdue = st.make(border=st.grid, fill=solid_fill(_OVERDUE_FILL),
                               font=cell_font(bold=True, color=_OVERDUE_FONT), alignment=top)
        self.check = st.make(border=st.grid, fill=solid_fill(_NAME_MATCH_FILL), font=cell_font(bold=True),
                             alignment=top)
        self.by_name = st.make(border=st.grid, fill=solid_fill(_NAME_MATCH_FILL), alignment=top)
        self.date = st.make(border=st.grid, alignment=Alignment(horizontal="center", vertical="top"),
                            number_format=_DATE_FORMAT)
        self.cells = distinct([*c.new.cells(), *c.old.cells()])
        # Columns that would stay empty are left out: overdue counts when the old period has no deadlines (a
        # sheet), the plan columns when nobody wrote a plan (sheets have none).
        self.keys: tuple[str, ...] = tuple(k for k in _MEMBER_COUNTS if k != "overdue" or c.old.has_deadlines)
        self.has_plans = any(e.old_plan or e.new_plan for m in c.members for e in m.changes) or any(
            e.old_plan or e.new_plan for m in c.members for e in m.unclear)
        self.periods = " → ".join(", ".join(p.periods()) or "?" for p in (c.old, c.new))

    # ----------------------------------------------------------------- shared bits

    def title(self, heading: str) -> str:
        parts = [heading]
        if len(self.cells) == 1:
            parts.append(self.cells[0])
        elif self.cells:
            parts.append(", ".join(self.cells[:3]) + ("…" if len(self.cells) > 3 else ""))
        if self.periods != "? → ?":
            parts.append(f"kỳ {self.periods}")
        return " — ".join(parts)

    def level_cell(self, record: Record, bold: bool = False) -> tuple[str, StyleArray]:
        table = self.styles.level_bold if bold else self.styles.level
        return record.level_label(), table.get(record.level, self.styles.text)

    def outcome(self, entry: ItemChange | Unclear) -> tuple[str, StyleArray]:
        if isinstance(entry, ItemChange):
            return STATUS_LABELS[entry.status], self.status[entry.status]
        return f"{UNCLEAR_LABEL}: {REASON_LABELS[entry.reason]}", self.unclear

    def deadline_state(self, entry: ItemChange | Unclear) -> tuple[str | None, StyleArray]:
        if isinstance(entry, ItemChange):
            return (OVERDUE_LABEL, self.overdue) if entry.overdue else (None, self.styles.text)
        return (CHECK_LABEL, self.check) if entry.deadline_passed else (None, self.styles.text)

    def count_rules(self, ws: Worksheet, first_col: int, first_row: int, last_row: int,
                    keys: Sequence[str]) -> None:
        """Colour count cells above zero by their outcome."""
        if last_row < first_row:
            return
        for offset, key in enumerate(keys):
            letter = get_column_letter(first_col + offset)
            if key in STATUS_COLORS:
                rule = CellIsRule(operator="greaterThan", formula=["0"],
                                  fill=solid_fill(level_colors(STATUS_COLORS[key])[0]))
            elif key == "overdue":
                rule = CellIsRule(operator="greaterThan", formula=["0"], fill=solid_fill(_OVERDUE_FILL),
                                  font=Font(bold=True, color=_OVERDUE_FONT))
            else:
                rule = CellIsRule(operator="greaterThan", formula=["0"], fill=solid_fill(_UNCLEAR_FILL))
            ws.conditional_formatting.add(f"{letter}{first_row}:{letter}{last_row}", rule)

    def count_headers(self, keys: Sequence[str]) -> list[StyleArray]:
        st = self.styles
        return [self.status_header.get(k, st.header) for k in keys]

    # ----------------------------------------------------------------- Tổng hợp

    def summary_sheet(self, ws: Worksheet) -> None:
        st, c = self.styles, self.c
        columns = [Column("", 52), Column("", 16), Column("", 10), Column("", 16), Column("", 10)]
        title = self.start(ws, "SO SÁNH HAI KỲ TỰ SOI, TỰ SỬA", columns)
        fit = [c.width for c in columns]
        append_row(ws, [])
        append_row(ws, ["", "Kỳ cũ", "", "Kỳ mới"], [None, st.header, None, st.header])
        for label, old, new in (
            ("Tệp đầu vào", Path(c.old.source).name, Path(c.new.source).name),
            ("Chi bộ", ", ".join(c.old.cells()) or None, ", ".join(c.new.cells()) or None),
            ("Kỳ đánh giá", ", ".join(c.old.periods()) or None, ", ".join(c.new.periods()) or None),
            ("Bộ tiêu chí", rubrics_text(c.old), rubrics_text(c.new)),
            ("Số đảng viên được chấm", len(c.old.records), len(c.new.records)),
            ("Số dòng, tệp có lỗi chưa chấm được", len(c.old.failed), len(c.new.failed)),
        ):
            append_row(ws, [label, old, None, new], [st.label, st.left, None, st.left], fit)
        append_row(ws, [])

        totals = c.totals()
        matched = c.matched_by()
        by_name = matched["name"] + matched["name_unaccented"]
        followed = "Kết quả theo dõi"
        if c.old.has_deadlines:
            followed += f" — ngày đối chiếu hạn khắc phục {c.today.strftime('%d/%m/%Y')}"
        append_row(ws, [followed], [st.subtitle])
        append_row(ws, ["", "Số lượng", "Tỷ lệ"], [None, st.header, st.header])
        old_total = totals["old_shortcomings"]
        rows: list[tuple[str, int, float | None, StyleArray]] = [
            ("Số đảng viên ghép được giữa hai kỳ", len(c.members), None, st.label),
            ("   trong đó ghép theo họ tên (cần kiểm tra)", by_name, None, self.by_name if by_name else st.label),
            ("Số đảng viên chưa ghép được (xem trang Chưa ghép được)",
             len(c.unmatched) + sum(len(a.old) + len(a.new) for a in c.ambiguous), None, st.label),
            ("Hạn chế của kỳ cũ (mục có biểu hiện, vi phạm)", old_total, None, st.label),
            *((f"   {STATUS_LABELS[s]}", totals[s], totals[s] / old_total if old_total else None, self.status[s])
              for s in ("fixed", "improved", "unchanged", "worse")),
            (f"   {UNCLEAR_LABEL}", totals["not_comparable"],
             totals["not_comparable"] / old_total if old_total else None, self.unclear),
            (STATUS_LABELS["new"].capitalize(), totals["new"], None, self.status["new"]),
            *((("Biện pháp khắc phục quá hạn (xem trang Quá hạn)", totals["overdue"], None,
                self.overdue if totals["overdue"] else st.label),) if c.old.has_deadlines else ()),
        ]
        for label, number, share, style in rows:
            append_row(ws, [label, number, share], [style, st.int, st.pct], fit)
        append_row(ws, [])

        append_row(ws, ["Phân bố xếp loại (mọi đảng viên được chấm của mỗi kỳ)"], [st.subtitle])
        header = append_row(ws, ["Mức xếp loại", c.old.label("Kỳ cũ"), "Tỷ lệ", c.new.label("Kỳ mới"), "Tỷ lệ"],
                         st.header, fit)
        n_old, n_new = len(c.old.records), len(c.new.records)
        last = header
        for level in c.levels:
            last = append_row(ws, [level.label, level.old, level.old / n_old if n_old else None, level.new,
                                level.new / n_new if n_new else None],
                           [st.level_bold.get(level.id, st.label), st.int, st.pct, st.int, st.pct])
        append_row(ws, ["Cộng", n_old, 1 if n_old else None, n_new, 1 if n_new else None],
                [st.label, st.int, st.pct, st.int, st.pct])
        append_row(ws, [])

        append_row(ws, [f"Hạn chế kéo dài ở đa số đảng viên (còn ở hơn {c.persistent_share:.0%} số người ghép được)"],
                [st.subtitle])
        persistent = c.persistent_items
        if persistent:
            append_row(ws, ["Mục", "Số người còn", "Tỷ lệ"], st.header)
            for s in persistent:
                append_row(ws, [f"{s.id} — {s.title}", s.persisting, s.persisting / len(c.members)],
                        [st.wrap, st.int, st.pct], fit)
        else:
            self.note(ws, "Không có mục nào.", columns)
        for change in c.rubric_changes:
            append_row(ws, [])
            append_row(ws, ["Bộ tiêu chí thay đổi giữa hai kỳ"], [st.subtitle])
            for label, value in rubric_change_rows(change, "Kỳ cũ → kỳ mới"):
                if value:
                    append_row(ws, [label, value], [st.label, st.left], [None, sum(fit[1:])])
        self.notes(ws, c.notes, columns)
        if c.levels:  # below the tables, on a page of its own when it would not fit on this one
            anchor = append_row(ws, [])  # the chart starts on this blank row, as it did before streaming
            if rows_height(ws, last_break(ws), anchor) + CHART_HEIGHT_PT > page_height(landscape=True):
                ws.row_breaks.append(Break(id=anchor - 1))
            self.levels_chart(ws, header, last, f"A{anchor}")
        print_setup(ws, title, title_rows=None)

    def levels_chart(self, ws: Worksheet, header_row: int, last_row: int, anchor: str) -> None:
        chart = count_chart("Phân bố xếp loại: kỳ cũ và kỳ mới")
        for column in (2, 4):
            chart.add_data(Reference(ws, min_col=column, min_row=header_row, max_row=last_row), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
        for series, color in zip(chart.series, ("A6A6A6", "4472C4"), strict=True):
            series.graphicalProperties.solidFill = color
            series.graphicalProperties.line.solidFill = "595959"
        finish_count_chart(chart, max((max(lv.old, lv.new) for lv in self.c.levels), default=0))
        ws.add_chart(chart, anchor)

    # ----------------------------------------------------------------- Theo đảng viên

    def members_sheet(self, ws: Worksheet) -> None:
        st, c = self.styles, self.c
        keys = self.keys
        columns = [  # printed: up to the counts; the code and the sources stay in the sheet, right of them
            Column("STT", 5), Column("Họ và tên", 20), Column("Ghép theo", 17),
            Column("Điểm kỳ cũ", 7), Column("Điểm kỳ mới", 7), Column("Chênh lệch", 8),
            Column("Xếp loại kỳ cũ", 10), Column("Xếp loại kỳ mới", 10), Column("Thay đổi", 9),
            *(Column(_count_header(k), 8) for k in keys),
            Column("Mã đảng viên", 11), Column("Kỳ cũ: tệp, dòng", 22), Column("Kỳ mới: tệp, dòng", 22),
        ]
        printed = len(columns) - 3
        title = self.start(ws, "THEO ĐẢNG VIÊN", columns, freeze="C3")
        header = self.header(ws, columns, [*([st.header] * 9), *self.count_headers(keys), *([st.header] * 3)])
        fit = [c.width if c.header in {"Họ và tên", "Ghép theo"} else None for c in columns]
        with FastRows(ws) as rows:
            for index, m in enumerate(c.members, start=1):
                counts = m.counts()
                old_level, old_style = self.level_cell(m.old)
                new_level, new_style = self.level_cell(m.new, bold=True)
                change = m.level_change
                values: list[object] = [
                    index, m.ho_ten, MATCH_LABELS[m.matched_by], m.old.score, m.new.score,
                    m.score_change, old_level, new_level,
                    LEVEL_CHANGE_LABELS[change] if change else NO_LEVEL_CHANGE_LABEL,
                    *(counts[k] for k in keys), m.ma_dang_vien, m.old.source, m.new.source,
                ]
                styles = [
                    st.center, st.wrap, self.by_name if m.matched_by.startswith("name") else st.wrap,
                    st.number(m.old.score), st.number(m.new.score), st.number(m.score_change), old_style, new_style,
                    st.text, *([st.int] * len(keys)), st.text, st.wrap, st.wrap,
                ]
                rows.append(values, styles, fit)
        last = header + len(c.members)
        self.finish(ws, header, last, len(columns))
        if c.members:
            self.count_rules(ws, 10, header + 1, last, keys)
            first, end = header + 1, last
            score = f"F{first}:F{end}"
            ws.conditional_formatting.add(score, CellIsRule(operator="greaterThan", formula=["0"],
                                                            font=Font(bold=True, color="375623")))
            ws.conditional_formatting.add(score, CellIsRule(operator="lessThan", formula=["0"],
                                                            font=Font(bold=True, color=_OVERDUE_FONT)))
            level = f"I{first}:I{end}"
            for change_id, color in (("up", "375623"), ("down", _OVERDUE_FONT)):
                rule = CellIsRule(operator="equal", formula=[f'"{LEVEL_CHANGE_LABELS[change_id]}"'],
                                  font=Font(bold=True, color=color))
                ws.conditional_formatting.add(level, rule)
        else:
            self.note(ws, "Không có đảng viên nào ghép được giữa hai kỳ.", columns, 2, 9)
        print_setup(ws, title, title_rows=f"{header}:{header}", columns=printed)

    # ----------------------------------------------------------------- Chi tiết

    def detail_sheet(self, ws: Worksheet) -> None:
        st, c = self.styles, self.c
        deadlines, plans = c.old.has_deadlines, self.has_plans
        # (column, printed, kept): plan and deadline columns only when the inputs can have them
        layout = [
            (Column("STT", 5), True, True), (Column("Họ và tên", 20), True, True), (Column("Mục", 6), True, True),
            (Column("Nội dung", 24 if plans else 36), True, True), (Column("Kỳ cũ", 7), True, True),
            (Column("Kỳ mới", 7), True, True), (Column("Kết quả", 15), True, True),
            (Column("Quá hạn", 10), True, deadlines), (Column("Biểu hiện (kỳ cũ)", 20), True, plans),
            (Column("Biện pháp khắc phục (kỳ cũ)", 20), True, plans), (Column("Hạn (kỳ cũ)", 10), True, plans),
            (Column("Mã đảng viên", 11), False, True), (Column("Biện pháp khắc phục (kỳ mới)", 24), False, plans),
            (Column("Hạn (kỳ mới)", 10), False, plans),
        ]
        kept = [kept for _, _, kept in layout]
        columns = [col for col, _, keep in layout if keep]
        printed = sum(1 for _, shown, keep in layout if keep and shown)
        title = self.start(ws, "CHI TIẾT TỪNG MỤC CỦA TỪNG ĐẢNG VIÊN", columns, freeze="E3")
        header = self.header(ws, columns)
        wrapped = {"Họ và tên", "Nội dung", "Kết quả", "Biểu hiện (kỳ cũ)", "Biện pháp khắc phục (kỳ cũ)",
                   "Biện pháp khắc phục (kỳ mới)"}
        fit = [c.width if c.header in wrapped else None for c in columns]
        pick = itemgetter(*(n for n, keep in enumerate(kept) if keep))  # the kept columns of a full row
        whole = len(columns) == len(layout)
        # a sheet's province has 280,000 rows here: what repeats is looked up once (outcomes, numbers)
        changed = {s: (STATUS_LABELS[s], self.status[s]) for s in STATUSES}
        numbers: dict[float, object] = {}
        last = header
        with FastRows(ws) as rows:
            for index, m in enumerate(c.members, start=1):
                name, code = m.ho_ten, m.ma_dang_vien
                entries: list[ItemChange | Unclear] = [*m.changes, *m.unclear]
                for entry in entries:
                    old_value: object
                    new_value: object
                    if isinstance(entry, ItemChange):
                        outcome, outcome_style = changed[entry.status]
                        old_value = numbers.get(entry.old_value)
                        if old_value is None:
                            old_value = numbers[entry.old_value] = excel_number(entry.old_value)
                        new_value = numbers.get(entry.new_value)
                        if new_value is None:
                            new_value = numbers[entry.new_value] = excel_number(entry.new_value)
                        if not (deadlines or plans):  # a sheet's comparison: no plan nor deadline columns
                            last = rows.append((index, name, entry.id, entry.title, old_value, new_value, outcome,
                                                code),
                                               (st.center, st.wrap, st.text, st.wrap, st.center, st.center,
                                                outcome_style, st.text), fit)
                            continue
                    else:
                        outcome, outcome_style = self.outcome(entry)
                        old_value = _value(entry.old_state, entry.old_value)
                        new_value = _value(entry.new_state, entry.new_value)
                    deadline, deadline_style = self.deadline_state(entry)
                    old_plan, new_plan = entry.old_plan, entry.new_plan
                    values = (index, name, entry.id, entry.title, old_value, new_value, outcome, deadline,
                              old_plan.bieu_hien if old_plan else None, old_plan.khac_phuc if old_plan else None,
                              old_plan.han_khac_phuc if old_plan else None, code,
                              new_plan.khac_phuc if new_plan else None, new_plan.han_khac_phuc if new_plan else None)
                    styles = (st.center, st.wrap, st.text, st.wrap, st.center, st.center, outcome_style,
                              deadline_style, st.wrap, st.wrap, self.date, st.text, st.wrap, self.date)
                    last = rows.append(values if whole else pick(values), styles if whole else pick(styles), fit)
        self.finish(ws, header, last, len(columns))
        if last == header:
            self.note(ws, "Không có biểu hiện, vi phạm nào ở cả hai kỳ của các đảng viên ghép được.", columns, 2, 7)
        else:
            self.note(ws, "Kỳ cũ, Kỳ mới: mức đã trả lời (0 là không có). Các mục không có ở cả hai kỳ không được "
                          "liệt kê.", columns, 2, 7)
        print_setup(ws, title, title_rows=f"{header}:{header}", columns=printed)

    # ----------------------------------------------------------------- Theo mục

    def items_sheet(self, ws: Worksheet) -> None:
        st, c = self.styles, self.c
        keys = self.keys
        columns = [Column("Mã", 7), Column("Nội dung", 36), Column("Có ở kỳ cũ", 8), Column("Có ở kỳ mới", 8),
                   *(Column(_count_header(k), 8) for k in keys), Column("Tỷ lệ khắc phục", 9),
                   Column("Kéo dài ở đa số", 9)]
        title = self.start(ws, "THEO MỤC (CÁC ĐẢNG VIÊN GHÉP ĐƯỢC)", columns, freeze="C3")
        header = self.header(ws, columns, [*([st.header] * 4), *self.count_headers(keys), st.header, st.header])
        fit = [None, columns[1].width]
        for s in c.items:
            append_row(ws, [s.id, s.title, s.old, s.new, *(s.counts[k] for k in keys),
                         s.counts["fixed"] / s.old if s.old else None, PERSISTENT_MARK if s.persistent else None],
                    [st.text, st.wrap, st.int, st.int, *([st.int] * len(keys)), st.pct,
                     self.overdue if s.persistent else st.center], fit)
        last = header + len(c.items)
        self.finish(ws, header, last, len(columns))
        self.count_rules(ws, 5, header + 1, last, keys)
        if not c.items:
            self.note(ws, "Không có biểu hiện, vi phạm nào ở cả hai kỳ.", columns, 2)
        self.note(ws, f"Kéo dài ở đa số: còn (tiến bộ, không đổi hoặc nặng hơn) ở hơn {c.persistent_share:.0%} số "
                      f"đảng viên ghép được ({len(c.members)} người).", columns, 2)
        print_setup(ws, title, title_rows=f"{header}:{header}")

    # ----------------------------------------------------------------- Quá hạn

    def overdue_sheet(self, ws: Worksheet) -> None:
        st, c = self.styles, self.c
        columns = [
            Column("STT", 5), Column("Họ và tên", 20), Column("Mã đảng viên", 10), Column("Mục", 6),
            Column("Nội dung", 24), Column("Biện pháp khắc phục (kỳ cũ)", 26), Column("Hạn khắc phục", 11),
            Column("Quá hạn (ngày)", 8), Column("Kỳ cũ", 7), Column("Kỳ mới", 7), Column("Tình trạng", 22),
        ]
        title = self.start(ws, "BIỆN PHÁP KHẮC PHỤC QUÁ HẠN", columns, freeze="C4")
        self.note(ws, f"Ngày đối chiếu: {c.today.strftime('%d/%m/%Y')}. {OVERDUE_HELP[:1].upper()}{OVERDUE_HELP[1:]}.",
                  columns)
        header = self.header(ws, columns)
        fit = [col.width if col.header in {"Họ và tên", "Nội dung", "Biện pháp khắc phục (kỳ cũ)", "Tình trạng"}
               else None for col in columns]
        number = {id(m): n for n, m in enumerate(c.members, start=1)}
        rows = c.overdue()
        for m, entry in rows:
            plan = entry.old_plan
            deadline = plan.han_khac_phuc if plan else None
            days = (c.today - deadline).days if deadline else None
            if isinstance(entry, ItemChange):
                state = f"{OVERDUE_LABEL}: {STATUS_LABELS[entry.status]}"
                values: list[object] = [excel_number(entry.old_value), excel_number(entry.new_value)]
                style = self.overdue
            else:
                state = f"{CHECK_LABEL}: {REASON_LABELS[entry.reason]}"
                values = [_value(entry.old_state, entry.old_value), _value(entry.new_state, entry.new_value)]
                style = self.check
            append_row(ws, [number[id(m)], m.ho_ten, m.ma_dang_vien, entry.id, entry.title,
                         plan.khac_phuc if plan else None, deadline, days, *values, state],
                    [st.center, st.wrap, st.text, st.text, st.wrap, st.wrap, self.date, st.int, st.center, st.center,
                     style], fit)
        last = header + len(rows)
        self.finish(ws, header, last, len(columns))
        if not c.old.has_deadlines:
            self.note(ws, NO_DEADLINES_NOTE[:1].upper() + NO_DEADLINES_NOTE[1:] + ".", columns, 2)
        elif not rows:
            self.note(ws, f"Không có biện pháp khắc phục nào quá hạn tính đến ngày {c.today.strftime('%d/%m/%Y')}.",
                      columns, 2)
        print_setup(ws, title, title_rows=f"{header}:{header}")

    # ----------------------------------------------------------------- Chưa ghép được

    def unmatched_sheet(self, ws: Worksheet) -> None:
        st, c = self.styles, self.c
        columns = [Column("Kỳ", 7), Column("Họ và tên", 22), Column("Mã đảng viên", 11),
                   Column("Tệp, dòng", 26), Column("Lý do", 34), Column("Ghi chú", 36)]
        title = self.start(ws, "ĐẢNG VIÊN CHƯA GHÉP ĐƯỢC GIỮA HAI KỲ", columns, freeze="C3")
        header = self.header(ws, columns)
        fit = [None, columns[1].width, None, columns[3].width, columns[4].width, columns[5].width]
        styles = [st.text, st.wrap, st.text, st.wrap, st.wrap, st.wrap]
        last = header
        for u in c.unmatched:
            other = u.other
            note = (f"{other.ho_ten} (mã {other.ma_dang_vien}), {other.source}" if other is not None else None)
            last = append_row(ws, [SIDE_LABELS[u.side], u.record.ho_ten, u.record.ma_dang_vien, u.record.source,
                                   u.label, note], styles, fit)
        for a in c.ambiguous:
            group = [*(("old", r) for r in a.old), *(("new", r) for r in a.new)]
            for side, record in group:
                others = "; ".join(f"{SIDE_LABELS[s]}: {r.ho_ten}" + (f" ({r.ma_dang_vien})" if r.ma_dang_vien else "")
                                   + f", {r.source}" for s, r in group if r is not record)
                last = append_row(ws, [SIDE_LABELS[side], record.ho_ten, record.ma_dang_vien, record.source, a.label,
                                    f"cùng nhóm với {others}" if others else None], styles, fit)
        self.finish(ws, header, last, len(columns))
        if last == header:
            self.note(ws, "Mọi đảng viên đều ghép được giữa hai kỳ.", columns, 2)
        else:
            self.note(ws, "Những người này không có trong phần so sánh: kiểm tra họ tên, mã đảng viên ở hai bảng "
                          "rồi chạy lại. Người trùng mã hoặc trùng họ tên (không có mã) không được tự ghép để tránh "
                          "ghép nhầm.", columns, 2)
        print_setup(ws, title, title_rows=f"{header}:{header}")

    # ----------------------------------------------------------------- Lỗi

    def errors_sheet(self, ws: Worksheet) -> None:
        st, c = self.styles, self.c
        columns = [Column("Kỳ", 7), Column("Tệp", 26), Column("Dòng", 6), Column("Cột", 6), Column("Lỗi", 50),
                   Column("Cách sửa", 40)]
        title = self.start(ws, "DỮ LIỆU ĐẦU VÀO CÓ LỖI", columns, freeze="A3")
        header = self.header(ws, columns)
        fit = [None, columns[1].width, None, None, columns[4].width, columns[5].width]
        rows = [("old", p) for p in c.old.problems] + [("new", p) for p in c.new.problems]
        for side, problem in rows:
            append_row(ws, [SIDE_LABELS[side], problem.file, problem.line, problem.column, problem.message,
                            problem.hint],
                    [st.text, st.wrap, st.center, st.center, st.wrap, st.wrap], fit)
        self.finish(ws, header, header + len(rows), len(columns))
        print_setup(ws, title, title_rows=f"{header}:{header}")

    # ----------------------------------------------------------------- Thông tin

    def info_sheet(self, ws: Worksheet) -> None:
        st, c = self.styles, self.c
        columns = [Column("", 30), Column("", 80)]
        title = self.start(ws, "THÔNG TIN BÁO CÁO", columns)
        fit = [None, columns[1].width]
        append_row(ws, [])
        when = self.generated_at.strftime("%d/%m/%Y %H:%M:%S")
        facts: list[tuple[str, object]] = [
            ("Ngày đối chiếu hạn khắc phục", c.today.strftime("%d/%m/%Y")),
            ("Kỳ cũ: đầu vào", source_text(c.old)),
            ("Kỳ cũ: bộ tiêu chí", rubrics_text(c.old)),
            ("Kỳ mới: đầu vào", source_text(c.new)),
            ("Kỳ mới: bộ tiêu chí", rubrics_text(c.new)),
            ("Thời điểm tạo báo cáo", when),
            ("Phiên bản tusoi", self.tool_version),
        ]
        for label, value in facts:
            append_row(ws, [label, value], [st.label, st.left], fit)
        append_row(ws, [])
        append_row(ws, ["Cách đọc kết quả", "Ý nghĩa"], st.header)
        for status in STATUSES:
            append_row(ws, [STATUS_LABELS[status], STATUS_HELP[status]], [self.status[status], st.wrap], fit)
        append_row(ws, [UNCLEAR_LABEL, UNCLEAR_HELP], [self.unclear, st.wrap], fit)
        append_row(ws, [OVERDUE_LABEL, OVERDUE_HELP], [self.overdue, st.wrap], fit)
        append_row(ws, [CHECK_LABEL, "chưa so được mà hạn khắc phục ghi ở kỳ cũ đã qua: chi bộ cần hỏi lại đảng viên"],
                [self.check, st.wrap], fit)
        append_row(ws, [MATCH_LABELS["name"], "hai kỳ không cùng có mã đảng viên, ghép theo họ tên (không phân biệt "
                                           "hoa thường, khoảng trắng): chi bộ kiểm tra lại có đúng một người không"],
                [self.by_name, st.wrap], fit)
        append_row(ws, [MATCH_LABELS["name_unaccented"], "một kỳ ghi họ tên không dấu (Nguyen Van An), kỳ kia có dấu: "
                                                      "cần kiểm tra như trên"], [self.by_name, st.wrap], fit)
        append_row(ws, [])
        self.note(ws, "Chỉ so các mục của phần trừ điểm (biểu hiện, vi phạm). Một mục không có ở cả hai kỳ không "
                      "được liệt kê. Điểm và mức xếp loại do tusoi đề xuất theo bộ tiêu chí để chi bộ tham khảo; "
                      "chi bộ biểu quyết mức xếp loại cuối cùng.", columns)
        print_setup(ws, title, title_rows=None)


def _count_header(key: str) -> str:
    if key == "overdue":
        return "Quá hạn"
    if key == "not_comparable":
        return UNCLEAR_LABEL.capitalize()
    return STATUS_LABELS[key].capitalize()
