"""The print-ready Excel report of ``tusoi compare`` over three or more periods (``-o so-sanh.xlsx``).

Sheets: Tổng hợp (the periods, the share fixed step by step, the levels by period with a chart), Theo
đảng viên (levels path, trend, persistent items, relapses), Chi tiết (each member's items, one column
per period), Theo mục (members flagged per period), Lỗi (only when some input could not be read),
Thông tin (inputs and the legend). A4 landscape, Arial 10 printed at 90-100 %. Two periods keep
:mod:`tusoi_cli.render.excel.compare`; openpyxl is imported only when an .xlsx is written.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl.chart import Reference  # type: ignore[import-untyped]
from openpyxl.styles import Alignment  # type: ignore[import-untyped]
from openpyxl.worksheet.pagebreak import Break  # type: ignore[import-untyped]

from tusoi_cli.model import Rubric
from tusoi_cli.model.compare import MATCH_LABELS, STATUS_COLORS, STATUS_LABELS, UNCLEAR_LABEL, Record
from tusoi_cli.model.periods import (
    MARK_HELP,
    MARK_TEXT,
    PATH_ARROW,
    PERSISTENT_HELP,
    PERSISTENT_LABEL,
    RELAPSE_HELP,
    RELAPSE_LABEL,
    TREND_HELP,
    TREND_LABELS,
    FollowUp,
    Step,
)
from tusoi_cli.render.excel.periods_sheets import (
    PeriodsSheets,
    merge,
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
    solid_fill,
)

Worksheet = Any
StyleArray = Any

SHEET_SUMMARY = "Tổng hợp"
SHEET_MEMBERS = "Theo đảng viên"
SHEET_DETAIL = "Chi tiết"
SHEET_ITEMS = "Theo mục"
SHEET_ERRORS = "Lỗi"
SHEET_INFO = "Thông tin"

_FLAGGED_FILL = "FFC7CE"
_CLEAR_FILL = level_colors(STATUS_COLORS["fixed"])[0]
_MARK_FILL = "EDEDED"
_TREND_COLORS = {"up": "green", "down": "red", "mixed": "yellow"}


def write_follow_up_report(target: Path, follow_up: FollowUp, *, tool_version: str,
                           generated_at: datetime | None = None, fallback_rubric: Rubric | None = None) -> None:
    """Build the several-period workbook and write it to ``target`` atomically.

    ``fallback_rubric`` styles the levels when nobody could be read in any period (an empty report)."""
    from tusoi_cli.render.excel.styles import save_workbook

    generated_at = generated_at or datetime.now().astimezone()
    workbook = new_workbook(streaming=True)  # rows go out as they are made: a province's report stays small
    first = workbook.create_sheet(SHEET_SUMMARY)
    report = _FollowUpReport(first, follow_up, tool_version, generated_at, fallback_rubric)
    report.summary_sheet(first)
    report.members_sheet(workbook.create_sheet(SHEET_MEMBERS))
    report.detail_sheet(workbook.create_sheet(SHEET_DETAIL))
    report.items_sheet(workbook.create_sheet(SHEET_ITEMS))
    if follow_up.problems:
        report.errors_sheet(workbook.create_sheet(SHEET_ERRORS))
    report.info_sheet(workbook.create_sheet(SHEET_INFO))
    save_workbook(workbook, target, title=report.title(f"Theo dõi {len(follow_up.periods)} kỳ tự soi, tự sửa"),
                  tool_version=tool_version, generated_at=generated_at)


class _FollowUpReport(PeriodsSheets):
    def __init__(self, first: Worksheet, f: FollowUp, tool_version: str, generated_at: datetime,
                 fallback_rubric: Rubric | None) -> None:
        self.f = f
        self.tool_version = tool_version
        self.generated_at = generated_at
        st = self.styles = period_styles(first, [r for p in reversed(f.periods) for r in p.rubrics()],
                                         fallback_rubric, "follow-up")
        center = Alignment(horizontal="center", vertical="top")
        self.flagged = st.make(border=st.grid, fill=solid_fill(_FLAGGED_FILL), font=cell_font(bold=True),
                               alignment=center)
        self.clear = st.make(border=st.grid, fill=solid_fill(_CLEAR_FILL), alignment=center)
        self.mark = st.make(border=st.grid, fill=solid_fill(_MARK_FILL), font=cell_font(italic=True),
                            alignment=center)
        self.absent = st.make(border=st.grid, font=cell_font(italic=True, color="808080"), alignment=center)
        self.persistent = st.make(border=st.grid, fill=solid_fill(_FLAGGED_FILL), font=cell_font(bold=True),
                                  alignment=Alignment(vertical="top", wrap_text=True))
        self.relapse = st.make(border=st.grid, fill=solid_fill(level_colors("magenta")[0]),
                               alignment=Alignment(vertical="top", wrap_text=True))
        self.trend = {k: st.make(border=st.grid, fill=solid_fill(level_colors(color)[0]),
                                 alignment=Alignment(vertical="top")) for k, color in _TREND_COLORS.items()}
        self.cells = distinct(c for p in reversed(f.periods) for c in p.cells())
        self.span = f.names[0] + PATH_ARROW + f.names[-1]

    # ----------------------------------------------------------------- shared bits

    def title(self, heading: str) -> str:
        parts = [heading]
        if self.cells:
            parts.append(", ".join(self.cells[:3]) + ("…" if len(self.cells) > 3 else ""))
        parts.append(f"kỳ {self.span}")
        return " — ".join(parts)

    def level_cell(self, record: Record | None) -> tuple[str, StyleArray]:
        if record is None:
            return MARK_TEXT["absent"], self.absent
        return record.level_label() or "—", self.styles.level.get(record.level, self.styles.text)

    def step_cell(self, step: Step) -> tuple[object, StyleArray]:
        if step.value is None:
            return MARK_TEXT[step.state], self.absent if step.state == "absent" else self.mark
        return excel_number(step.value), self.flagged if step.flagged else self.clear

    # ----------------------------------------------------------------- Tổng hợp

    def summary_sheet(self, ws: Worksheet) -> None:
        st, f = self.styles, self.f
        n = len(f.periods)
        width = max(12.0, min(16.0, 90 / n))
        columns = [Column("", 46), *(Column("", width) for _ in range(n))]
        title = self.start(ws, f"THEO DÕI {n} KỲ TỰ SOI, TỰ SỬA", columns)
        fit = [c.width for c in columns]
        append_row(ws, [])
        append_row(ws, ["Các kỳ (từ cũ đến mới)"], [st.subtitle])
        append_row(ws, ["", *f.names], [None, *[st.header] * n], fit)
        for label, values in (
            ("Tệp, thư mục đầu vào", [Path(p.source).name + (f" (trang {p.sheet})" if p.sheet else "")
                                      for p in f.periods]),
            ("Chi bộ", [", ".join(p.cells()) or None for p in f.periods]),
            ("Kỳ đánh giá", [", ".join(p.periods()) or None for p in f.periods]),
            ("Bộ tiêu chí", [rubrics_text(p) for p in f.periods]),
            ("Số đảng viên được chấm", [len(p.records) for p in f.periods]),
            ("Số dòng, tệp có lỗi chưa chấm được", [len(p.failed) for p in f.periods]),
        ):
            append_row(ws, [label, *values], [st.label, *[st.left] * n], fit)
        append_row(ws, [])

        followed = "Khắc phục qua từng kỳ (người ghép được giữa hai kỳ liền nhau)"
        append_row(ws, [followed], [st.subtitle])
        append_row(ws, ["", *(f.step_name(k) for k in range(n - 1))], [None, *[st.header] * (n - 1)], fit)
        totals = [s.totals() for s in f.steps]
        rows: list[tuple[str, list[object], StyleArray, StyleArray]] = [
            ("Số đảng viên ghép được", [len(s.members) for s in f.steps], st.label, st.int),
            ("Số đảng viên chưa ghép được", [len(s.unmatched) + sum(len(a.old) + len(a.new) for a in s.ambiguous)
                                             for s in f.steps], st.label, st.int),
            ("Hạn chế của kỳ trước (mục có biểu hiện, vi phạm)", [t["old_shortcomings"] for t in totals], st.label,
             st.int),
            ("   " + STATUS_LABELS["fixed"], [t["fixed"] for t in totals], st.label, st.int),
            ("   tỷ lệ đã khắc phục", [s.fixed_share for s in f.steps], st.label, st.pct),
            ("   còn (tiến bộ, không đổi hoặc nặng hơn)", [t["improved"] + t["unchanged"] + t["worse"]
                                                            for t in totals], st.label, st.int),
            ("   " + UNCLEAR_LABEL, [t["not_comparable"] for t in totals], st.label, st.int),
            (STATUS_LABELS["new"].capitalize(), [t["new"] for t in totals], st.label, st.int),
            ("Biện pháp khắc phục quá hạn", [t["overdue"] if s.old.has_deadlines else None
                                              for s, t in zip(f.steps, totals, strict=True)], st.label, st.int),
        ]
        for label, numbers, label_style, style in rows:
            append_row(ws, [label, *numbers], [label_style, *[style] * (n - 1)], fit)
        append_row(ws, [])

        append_row(ws, ["Xếp loại theo kỳ (mọi đảng viên được chấm của mỗi kỳ)"], [st.subtitle])
        header = append_row(ws, ["Mức xếp loại", *f.names], [st.header] * (n + 1), fit)
        last = header
        for level in f.levels:
            last = append_row(ws, [level.label, *level.counts], [st.level_bold.get(level.id, st.label),
                                                                 *[st.int] * n])
        append_row(ws, ["Cộng", *(len(p.records) for p in f.periods)], [st.label, *[st.int] * n])
        append_row(ws, [])

        every = [m for m in f.members if m.present == n]
        append_row(ws, ["Hạn chế kéo dài, tái phạm, xu hướng xếp loại"], [st.subtitle])
        for label, value in (
            ("Số đảng viên theo dõi được", len(f.members)),
            ("   trong đó có mặt ở mọi kỳ", len(every)),
            (f"Hạn chế {PERSISTENT_LABEL} (có ở mọi kỳ), số mục × người", sum(len(m.persistent) for m in f.members)),
            (f"Hạn chế {RELAPSE_LABEL}, số mục × người", sum(len(m.relapsed) for m in f.members)),
            *((f"Số người xếp loại {TREND_LABELS[k]}", sum(1 for m in f.members if m.trend == k))
              for k in TREND_LABELS),
        ):
            append_row(ws, [label, value], [st.label, st.int], fit)
        for k, step in enumerate(f.steps):
            for change in step.rubric_changes:
                append_row(ws, [])
                append_row(ws, [f"Bộ tiêu chí thay đổi ({f.step_name(k)})"], [st.subtitle])
                for label, text in rubric_change_rows(change, "Kỳ trước → kỳ sau"):
                    if text:
                        append_row(ws, [label, text], [st.label, st.left], [None, sum(fit[1:])])
                        if n > 1:
                            merge(ws, ws.max_row, 2, n + 1)
        self.notes(ws, f.notes, columns)
        if f.levels:  # below the tables, on a page of its own when it would not fit on this one
            append_row(ws, [])
            anchor = ws.max_row + 1
            if rows_height(ws, last_break(ws), anchor) + CHART_HEIGHT_PT > page_height(landscape=True):
                ws.row_breaks.append(Break(id=anchor - 1))
            self.levels_chart(ws, header, last, f"A{anchor}")
        print_setup(ws, title, title_rows=None)

    def levels_chart(self, ws: Worksheet, header_row: int, last_row: int, anchor: str) -> None:
        """Members per level, one group of columns per period, one colour per level."""
        f = self.f
        chart = count_chart("Xếp loại theo kỳ")
        chart.add_data(Reference(ws, min_col=1, max_col=len(f.periods) + 1, min_row=header_row + 1, max_row=last_row),
                       titles_from_data=True, from_rows=True)
        chart.set_categories(Reference(ws, min_col=2, max_col=len(f.periods) + 1, min_row=header_row,
                                       max_row=header_row))
        for series, level in zip(chart.series, f.levels, strict=True):
            color = level_colors(level.color)[1]
            series.graphicalProperties.solidFill = color if color != "FFFFFF" else "A6A6A6"
            series.graphicalProperties.line.solidFill = "595959"
        finish_count_chart(chart, max((max(lv.counts) for lv in f.levels), default=0))
        chart.width = 22  # one group per period: wider than the two-period chart
        ws.add_chart(chart, anchor)

    # ----------------------------------------------------------------- Theo đảng viên

    def members_sheet(self, ws: Worksheet) -> None:
        st, f = self.styles, self.f
        n = len(f.periods)
        columns = [Column("STT", 5), Column("Họ và tên", 22),
                   *(Column(f"Xếp loại {name}", 11) for name in f.names),
                   Column("Xu hướng", 10), Column(PERSISTENT_LABEL.capitalize(), 14),
                   Column(RELAPSE_LABEL.capitalize(), 14), Column("Số kỳ có mặt", 7),
                   Column("Mã đảng viên", 11), Column("Ghép giữa các kỳ", 60)]
        printed = len(columns) - 2
        title = self.start(ws, "THEO ĐẢNG VIÊN", columns, freeze="C3")
        header = self.header(ws, columns)
        fit = [None, 22, *[None] * n, None, 14, 14]
        row = header
        for index, m in enumerate(f.members, start=1):
            levels = [self.level_cell(r) for r in m.records]
            trend = TREND_LABELS[m.trend] if m.trend else None
            how = "; ".join(f"{f.step_name(k)}: {MATCH_LABELS[h]}" for k, h in enumerate(m.matched_by) if h)
            persistent = ", ".join(i.id for i in m.persistent)
            relapsed = ", ".join(i.id for i in m.relapsed)
            row = append_row(ws, [index, m.ho_ten, *(text for text, _ in levels), trend, persistent or None,
                                  relapsed or None, m.present, m.ma_dang_vien, how or None],
                             [st.int, st.wrap, *(style for _, style in levels),
                              self.trend.get(m.trend or "", st.text), self.persistent if persistent else st.wrap,
                              self.relapse if relapsed else st.wrap, st.int, st.text, st.text], fit)
        self.finish(ws, header, row, len(columns))
        print_setup(ws, title, title_rows=f"{header}:{header}", columns=printed)

    # ----------------------------------------------------------------- Chi tiết

    def detail_sheet(self, ws: Worksheet) -> None:
        st, f = self.styles, self.f
        n = len(f.periods)
        columns = [Column("STT", 5), Column("Họ và tên", 20), Column("Mã mục", 7), Column("Nội dung", 44),
                   *(Column(name, 8) for name in f.names), Column(PERSISTENT_LABEL.capitalize(), 8),
                   Column(RELAPSE_LABEL.capitalize(), 8)]
        title = self.start(ws, "CHI TIẾT TỪNG MỤC QUA CÁC KỲ", columns, freeze="A3")
        header = self.header(ws, columns)
        fit = [None, 20, None, 44]
        row = header
        for index, m in enumerate(f.members, start=1):
            for item in m.items:
                cells = [self.step_cell(s) for s in item.steps]
                row = append_row(ws, [index, m.ho_ten, item.id, item.title, *(v for v, _ in cells),
                                      "có" if item.persistent else None, item.relapses or None],
                                 [st.int, st.wrap, st.text, st.wrap, *(s for _, s in cells),
                                  self.persistent if item.persistent else st.center,
                                  self.relapse if item.relapses else st.center], fit)
        self.finish(ws, header, row, len(columns))
        if row == header:
            self.note(ws, f"Không đảng viên nào có biểu hiện, vi phạm ở {n} kỳ.", columns)
        append_row(ws, [])
        self.note(ws, "Mỗi ô là mức của kỳ đó (tô đỏ: có; tô xanh: 0, không có); " + "; ".join(
            f"{mark} = {MARK_HELP[state]}" for state, mark in MARK_TEXT.items()) + ".", columns)
        print_setup(ws, title, title_rows=f"{header}:{header}")

    # ----------------------------------------------------------------- Theo mục

    def items_sheet(self, ws: Worksheet) -> None:
        st, f = self.styles, self.f
        n = len(f.periods)
        columns = [Column("Mã mục", 7), Column("Nội dung", 44), *(Column(f"Số người có {name}", 10)
                                                                   for name in f.names),
                   Column(f"{PERSISTENT_LABEL.capitalize()} (số người)", 11),
                   Column(f"{RELAPSE_LABEL.capitalize()} (số người)", 11)]
        title = self.start(ws, "THEO MỤC: SỐ NGƯỜI CÓ BIỂU HIỆN, VI PHẠM Ở TỪNG KỲ", columns, freeze="A3")
        header = self.header(ws, columns)
        fit = [None, 44]
        row = header
        for t in f.items:
            row = append_row(ws, [t.id, t.title, *t.flagged, t.persistent, t.relapsed],
                             [st.text, st.wrap, *[st.int] * n, self.persistent if t.persistent else st.int,
                              self.relapse if t.relapsed else st.int], fit)
        self.finish(ws, header, row, len(columns))
        print_setup(ws, title, title_rows=f"{header}:{header}")

    # ----------------------------------------------------------------- Lỗi

    def errors_sheet(self, ws: Worksheet) -> None:
        st, f = self.styles, self.f
        columns = [Column("Kỳ", 9), Column("Tệp", 26), Column("Dòng", 6), Column("Cột", 6), Column("Lỗi", 48),
                   Column("Cách sửa", 40)]
        title = self.start(ws, "DỮ LIỆU ĐẦU VÀO CÓ LỖI", columns, freeze="A3")
        header = self.header(ws, columns)
        fit = [9, 26, None, None, 48, 40]
        row = header
        for name, period in zip(f.names, f.periods, strict=True):
            for problem in period.problems:
                row = append_row(ws, [name, problem.file, problem.line, problem.column, problem.message, problem.hint],
                                 [st.wrap, st.wrap, st.center, st.center, st.wrap, st.wrap], fit)
        self.finish(ws, header, row, len(columns))
        print_setup(ws, title, title_rows=f"{header}:{header}")

    # ----------------------------------------------------------------- Thông tin

    def info_sheet(self, ws: Worksheet) -> None:
        st, f = self.styles, self.f
        columns = [Column("", 30), Column("", 80)]
        title = self.start(ws, "THÔNG TIN BÁO CÁO", columns)
        fit = [None, columns[1].width]
        append_row(ws, [])
        facts: list[tuple[str, object]] = [("Ngày đối chiếu hạn khắc phục", f.today.strftime("%d/%m/%Y"))]
        for name, period in zip(f.names, f.periods, strict=True):
            facts.append((f"Kỳ {name}: đầu vào", source_text(period)))
            facts.append((f"Kỳ {name}: bộ tiêu chí", rubrics_text(period)))
        facts += [("Thời điểm tạo báo cáo", self.generated_at.strftime("%d/%m/%Y %H:%M:%S")),
                  ("Phiên bản tusoi", self.tool_version)]
        for label, value in facts:
            append_row(ws, [label, value], [st.label, st.left], fit)
        append_row(ws, [])
        append_row(ws, ["Cách đọc", "Ý nghĩa"], st.header)
        legend: list[tuple[str, str, StyleArray]] = [
            ("1, 2, 3 (tô đỏ)", "mức của biểu hiện, vi phạm ở kỳ đó", self.flagged),
            ("0 (tô xanh)", "kỳ đó trả lời là không có", self.clear),
            *((mark, MARK_HELP[state], self.absent if state == "absent" else self.mark)
              for state, mark in MARK_TEXT.items()),
            (PERSISTENT_LABEL, PERSISTENT_HELP, self.persistent),
            (RELAPSE_LABEL, RELAPSE_HELP, self.relapse),
            *((TREND_LABELS[k], TREND_HELP[k], self.trend.get(k, st.text)) for k in TREND_LABELS),
        ]
        for label, meaning, style in legend:
            append_row(ws, [label, meaning], [style, st.wrap], fit)
        append_row(ws, [])
        self.note(ws, "Hai kỳ liền nhau được so đúng như khi so hai kỳ (tusoi compare CŨ MỚI): chỉ so các mục của "
                      "phần trừ điểm; mục bỏ trống, không áp dụng, không hợp lệ không bao giờ được tính là đã khắc "
                      "phục. Một đảng viên vắng một kỳ được ghép lại ở kỳ sau theo mã đảng viên hoặc họ tên. Điểm "
                      "và mức xếp loại do tusoi đề xuất để chi bộ tham khảo; chi bộ biểu quyết mức cuối cùng.", columns)
        print_setup(ws, title, title_rows=None)
