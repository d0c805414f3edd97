"""The roll-up as a workbook (``tusoi tong-hop -o tong-hop.xlsx``): the count form per unit, in the form's order,
print-ready on A4 at 9 points or more, then final levels, reasons, last period, shortcomings, errors and facts.

No member is named: the roll-up holds counts only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment  # type: ignore[import-untyped]

from tusoi_cli.model import REASON_LABELS, STATUS_LABELS, Rubric
from tusoi_cli.model.rollup import KIND_LABELS, Rollup, Scheme, Tally, Unit, change
from tusoi_cli.render.excel.styles import (
    Column,
    Styles,
    Worksheet,
    append_row,
    cell_font,
    new_workbook,
    print_setup,
    save_workbook,
    sheet_head,
)

SHEET_COUNTS = "Tổng hợp"
SHEET_FINAL = "Xếp loại cuối cùng"
SHEET_REASONS = "Lý do"
SHEET_PREVIOUS = "Kỳ trước"
SHEET_ITEMS = "Hạn chế chung"
SHEET_MEMBERS = "Đảng viên"
SHEET_ERRORS = "Lỗi"
SHEET_INFO = "Thông tin"
TITLE = "Tổng hợp tự soi, tự sửa"
REASONS_NOTE = "Một đảng viên có thể có nhiều lý do, nên tổng các lý do có thể lớn hơn số người ở mức thấp nhất."


def write_rollup(target: Path, rollup: Rollup, rubric: Rubric, *, tool_version: str,
                 generated_at: datetime | None = None) -> None:
    """Write the roll-up workbook atomically."""
    when = generated_at or datetime.now().astimezone()
    workbook = new_workbook(streaming=True)  # rows go out as they are made (a province's --ten list is long)
    first = workbook.create_sheet(SHEET_COUNTS)
    book = _Book(rollup, rubric, first)
    book.counts_sheet(first)
    book.final_sheet(workbook.create_sheet(SHEET_FINAL))
    book.reasons_sheet(workbook.create_sheet(SHEET_REASONS))
    if rollup.with_previous:
        book.previous_sheet(workbook.create_sheet(SHEET_PREVIOUS))
    book.items_sheet(workbook.create_sheet(SHEET_ITEMS))
    if rollup.members is not None:
        book.members_sheet(workbook.create_sheet(SHEET_MEMBERS))
    if rollup.problems:
        book.errors_sheet(workbook.create_sheet(SHEET_ERRORS))
    book.info_sheet(workbook.create_sheet(SHEET_INFO), when, tool_version)
    save_workbook(workbook, target, title=f"{TITLE}: {rollup.root.name}", tool_version=tool_version,
                  generated_at=when)


def _tally_of(unit: Unit, scheme: Scheme) -> Tally | None:
    return next((t for t in unit.tallies if t.scheme == scheme), None)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class _Book:
    def __init__(self, rollup: Rollup, rubric: Rubric, ws: Worksheet) -> None:
        self.rollup = rollup
        self.st = Styles(ws, rubric)
        self.rows = rollup.root.walk()
        self.names: dict[tuple[int, bool], Any] = {}

    def name_style(self, depth: int, bold: bool) -> Any:
        """The unit's name, indented by its depth in the tree; party units in bold."""
        key = (min(depth, 15), bold)
        style = self.names.get(key)
        if style is None:
            style = self.names[key] = self.st.make(
                border=self.st.grid, font=cell_font(bold=bold),
                alignment=Alignment(vertical="top", wrap_text=True, indent=key[0]))
        return style

    def start(self, ws: Worksheet, heading: str, columns: Sequence[Column], lines: Sequence[str] = (),
              freeze: str | None = None) -> str:
        """Widths and frozen panes (a streaming sheet writes them with its first row), the title, notes."""
        title = f"{heading} — {self.rollup.root.name}"
        sheet_head(ws, [c.width for c in columns], freeze=freeze)
        append_row(ws, [title], [self.st.title], height=20)
        for line in lines:
            append_row(ws, [line], [self.st.note])
        return title

    def unit_cells(self, number: int, depth: int, unit: Unit) -> tuple[list[object], list[Any]]:
        bold = unit.kind == "party_unit"
        return ([number, unit.name, KIND_LABELS[unit.kind]],
                [self.st.center, self.name_style(depth, bold), self.st.text])

    def tallied(self, scheme: Scheme) -> Iterator[tuple[Tally, list[object], list[Any]]]:
        """The units with a tally of ``scheme``, numbered from 1: the tally and the row's first cells."""
        number = 0
        for depth, unit in self.rows:
            tally = _tally_of(unit, scheme)
            if tally is None:
                continue
            number += 1
            values, styles = self.unit_cells(number, depth, unit)
            yield tally, values, styles

    # ----------------------------------------------------------------- the count form

    def counts_sheet(self, ws: Worksheet) -> None:
        """The count form: (1) = (2) + (3) + (4) per unit, then tusoi's levels. Cells scored with rubrics of
        different levels make one block per group, each with the members of the group ("Của nhóm")."""
        st = self.st
        root = self.rollup.root
        schemes = [t.scheme for t in root.tallies] or [()]
        mixed = len(schemes) > 1
        levels = max(len(s) for s in schemes)
        columns = [Column("STT", 5), Column("Đơn vị", 30), Column("Cấp", 8), Column("(1) Có mặt", 7.5),
                   Column("(2) Miễn kiểm điểm", 8.5), Column("(3) Chưa kiểm điểm", 8.5),
                   Column("(4) Đã kiểm điểm", 8.5), *([Column("Của nhóm này", 8.5)] if mixed else []),
                   *[Column("", 6.5), Column("", 7.5)] * levels]
        fixed = 8 if mixed else 7
        title = self.start(ws, "TỔNG HỢP KẾT QUẢ TỰ SOI, TỰ SỬA", columns, [
            f"Bộ tiêu chí: {self.rollup.rubric} · (1) = (2) + (3) + (4) ở mọi đơn vị · mức do tusoi đề xuất; "
            + ("% tính trên số đã kiểm điểm của nhóm" if mixed else "% tính trên số đã kiểm điểm (4)")],
            freeze=f"C{5 if mixed else 4}")  # below the first header row
        header_rows = []
        for index, scheme in enumerate(schemes):
            if mixed:
                append_row(ws, [f"Nhóm {index + 1}: chấm theo {', '.join(root.tallies[index].rubrics)} (các nhóm "
                                "mức khác nhau được tính riêng)"], [st.subtitle])
            heads = [c.header for c in columns[:fixed]]
            for _, label in scheme:
                heads += [f"{label}: số người", f"{label}: %"]
            header_rows.append(append_row(ws, heads, st.header, [c.width for c in columns], line_height=13))
            number = 0
            for depth, unit in self.rows:
                tally = _tally_of(unit, scheme)
                if tally is None and unit.reviewed:
                    continue  # counted in another group
                number += 1
                rated = tally.reviewed if tally else 0
                values, styles = self.unit_cells(number, depth, unit)
                values += [unit.present, unit.exempt, unit.not_reviewed, unit.reviewed, *([rated] if mixed else [])]
                styles += [st.int] * (fixed - 3)
                for level_id, _ in scheme:
                    count = tally.levels.get(level_id, 0) if tally else 0
                    values += [count, _share(count, rated)]
                    styles += [st.level.get(level_id, st.int), st.pct]
                append_row(ws, values, styles, [None, 30])
            append_row(ws, [])
        print_setup(ws, title, title_rows=f"{header_rows[0]}:{header_rows[0]}")

    def final_sheet(self, ws: Worksheet) -> None:
        st = self.st
        schemes = [t.scheme for t in self.rollup.root.tallies] or [()]
        levels = max(len(s) for s in schemes)
        columns = [Column("STT", 5), Column("Đơn vị", 30), Column("Cấp", 8), Column("Đã ghi mức cuối cùng", 9),
                   *[Column("", 6.5), Column("", 7.5)] * levels, Column("Khác mức tusoi đề xuất", 9)]
        title = self.start(ws, "XẾP LOẠI CUỐI CÙNG", columns, [
            "Mức cuối cùng: mức được ghi sau cùng (chi bộ xếp loại); % tính trên số đã ghi mức cuối cùng"])
        first = 0
        for scheme in schemes:
            heads = [c.header for c in columns[:4]]
            for _, label in scheme:
                heads += [f"{label}: số người", f"{label}: %"]
            heads.append(columns[-1].header)
            row = append_row(ws, heads, st.header, [c.width for c in columns], line_height=13)
            first = first or row
            for tally, values, styles in self.tallied(scheme):
                recorded = tally.final_recorded
                values.append(recorded)
                styles.append(st.int)
                for level_id, _ in scheme:
                    count = tally.final_levels.get(level_id, 0)
                    values += [count, _share(count, recorded)]
                    styles += [st.level.get(level_id, st.int), st.pct]
                values.append(tally.differ)
                styles.append(st.int)
                append_row(ws, values, styles, [None, 30])
            append_row(ws, [])
        print_setup(ws, title, title_rows=f"{first}:{first}" if first else None)

    def reasons_sheet(self, ws: Worksheet) -> None:
        st = self.st
        columns = [Column("STT", 5), Column("Đơn vị", 30), Column("Cấp", 8), Column("Ở mức thấp nhất", 10)] + \
            [Column(label, 16) for label in REASON_LABELS.values()]
        title = self.start(ws, "MỨC THẤP NHẤT THEO LÝ DO", columns, [REASONS_NOTE])
        first = 0
        for tally_root in self.rollup.root.tallies:
            scheme = tally_root.scheme
            lowest = scheme[-1][1] if scheme else ""
            heads = [c.header for c in columns]
            heads[3] = f"Ở mức thấp nhất ({lowest})"
            row = append_row(ws, heads, st.header, [c.width for c in columns], line_height=13)
            first = first or row
            for tally, values, styles in self.tallied(scheme):
                values += [tally.lowest, *(tally.reasons.get(code, 0) for code in REASON_LABELS)]
                styles += [st.int] * (1 + len(REASON_LABELS))
                append_row(ws, values, styles, [None, 30])
            append_row(ws, [])
        append_row(ws, ["Lý do lấy từ nhóm của các giới hạn (caps) đã áp dụng cho đảng viên; người ở mức thấp nhất "
                        "chỉ vì điểm (không giới hạn nào) tính là 'Lý do khác'."], [st.note])
        reasons = self.rollup.root.exempt_reasons
        if reasons:
            append_row(ws, [])
            append_row(ws, [f"Lý do miễn kiểm điểm ({self.rollup.root.exempt} người)"], [st.subtitle])
            append_row(ws, ["STT", "Lý do", "", "Số người"], st.header)
            for number, (reason, count) in enumerate(sorted(reasons.items(), key=lambda p: -p[1]), start=1):
                append_row(ws, [number, reason, "", count], [st.center, st.wrap, st.text, st.int], [None, 30])
        print_setup(ws, title, title_rows=f"{first}:{first}" if first else None)

    # ----------------------------------------------------------------- last period

    def previous_sheet(self, ws: Worksheet) -> None:
        st = self.st
        columns = [Column("STT", 5), Column("Đơn vị", 30), Column("Chỉ tiêu", 30), Column("Kỳ này", 9),
                   Column("Kỳ trước", 9), Column("Kỳ này / kỳ trước (%)", 11)]
        title = self.start(ws, "SO VỚI KỲ TRƯỚC", columns, [
            "% = kỳ này / kỳ trước × 100; để trống khi kỳ trước là 0. Đơn vị ghép theo tên (không phân biệt hoa "
            "thường, dấu)."])
        header = append_row(ws, [c.header for c in columns], st.header, [c.width for c in columns], line_height=13)
        ratio = st.make(border=st.grid, alignment=Alignment(vertical="top"), number_format="0.0")
        for number, (depth, unit) in enumerate(self.rows, start=1):
            last = unit.previous
            figures: list[tuple[str, int, int | None]] = [
                ("(1) Có mặt", unit.present, last.present if last else None),
                ("(2) Miễn kiểm điểm", unit.exempt, last.exempt if last else None),
                ("(3) Chưa kiểm điểm", unit.not_reviewed, last.not_reviewed if last else None),
                ("(4) Đã kiểm điểm", unit.reviewed, last.reviewed if last else None)]
            now, then = unit.tally, last.tally if last else None
            if now is not None:
                for level_id, label in now.scheme:
                    same = then is not None and then.scheme == now.scheme
                    figures.append((f"Mức {label}", now.levels.get(level_id, 0),
                                    then.levels.get(level_id, 0) if same and then else None))
            head, head_styles = self.unit_cells(number, depth, unit)
            for index, (label, this, before) in enumerate(figures):
                values: list[object] = [*head[:2], label, this, before if before is not None else "—",
                                        change(this, before)]
                styles = [*head_styles[:2], st.text, st.int, st.int if before is not None else st.center, ratio]
                if index:
                    values[:2] = ["", ""]
                append_row(ws, values, styles, [None, 30, 30])
        append_row(ws, [])
        unmatched = [*(f"Kỳ này: {u}" for u in self.rollup.unmatched_current),
                     *(f"Kỳ trước: {u}" for u in self.rollup.unmatched_previous)]
        if unmatched:
            append_row(ws, ["Đơn vị không ghép được theo tên"], [st.subtitle])
            for line in unmatched:
                append_row(ws, ["", line], [None, st.note])
        print_setup(ws, title, title_rows=f"{header}:{header}")

    # ----------------------------------------------------------------- collective shortcomings

    def items_sheet(self, ws: Worksheet) -> None:
        st = self.st
        titles = self.rollup.item_titles
        columns = [Column("Mục", 7), Column("Nội dung", 56), Column("Số người", 9), Column("% số đã kiểm điểm", 10),
                   Column("Đơn vị", 30)]
        title = self.start(ws, "HẠN CHẾ CHUNG", columns, [
            "Mỗi mục: số đảng viên đã kiểm điểm tự nhận có biểu hiện, vi phạm (giá trị khác 0), chung và theo "
            "từng đơn vị"])
        header = 0
        for root_tally in self.rollup.root.tallies:
            scheme = root_tally.scheme
            append_row(ws, [f"Chung: {self.rollup.root.name} ({root_tally.reviewed} người đã kiểm điểm)"],
                       [st.subtitle])
            row = append_row(ws, [c.header for c in columns[:4]], st.header, [c.width for c in columns],
                             line_height=13)
            header = header or row
            for item_id, count in sorted(root_tally.items.items(), key=lambda p: (-p[1], p[0])):
                append_row(ws, [item_id, titles.get(item_id, ""), count, _share(count, root_tally.reviewed)],
                           [st.text, st.wrap, st.int, st.pct], [None, 56])
            if not root_tally.items:
                append_row(ws, ["", "Không ai tự nhận biểu hiện hay vi phạm nào."], [None, st.note])
            append_row(ws, [])
            append_row(ws, ["Theo đơn vị"], [st.subtitle])
            append_row(ws, ["Mục", "Nội dung", "Số người", "% số đã kiểm điểm", "Đơn vị"], st.header,
                       [c.width for c in columns], line_height=13)
            for depth, unit in self.rows:
                tally = _tally_of(unit, scheme)
                if tally is None or unit is self.rollup.root:
                    continue
                for item_id, count in sorted(tally.items.items(), key=lambda p: (-p[1], p[0])):
                    append_row(ws, [item_id, titles.get(item_id, ""), count, _share(count, tally.reviewed),
                                    unit.name],
                               [st.text, st.wrap, st.int, st.pct, self.name_style(depth, unit.kind == "party_unit")],
                               [None, 56, None, None, 30])
            append_row(ws, [])
        print_setup(ws, title, title_rows=f"{header}:{header}" if header else None)

    # ----------------------------------------------------------------- the members (--ten, internal use)

    def members_sheet(self, ws: Worksheet) -> None:
        st = self.st
        labels = self.rollup.level_labels
        members = self.rollup.members or []
        columns = [Column("STT", 6), Column("Chi bộ", 24), Column("Họ và tên", 26), Column("Mã đảng viên", 12),
                   Column("Trạng thái", 16), Column("Mức tusoi đề xuất", 12), Column("Mức cuối cùng", 12),
                   Column("Dòng / tệp số", 8)]
        title = self.start(ws, "DANH SÁCH ĐẢNG VIÊN (CHỈ DÙNG NỘI BỘ)", columns, [
            "Có do chạy với --ten; không gửi trang này lên cấp trên."], freeze="A4")
        header = append_row(ws, [c.header for c in columns], st.header, [c.width for c in columns], line_height=13)
        for number, m in enumerate(members, start=1):
            status = STATUS_LABELS[m.status] + (f": {m.status_reason}" if m.status_reason else "")
            append_row(ws, [number, m.unit, m.ho_ten, m.ma_dang_vien, status, labels.get(m.level or "", m.level),
                            labels.get(m.final_level or "", m.final_level), m.line],
                       [st.center, st.wrap, st.wrap, st.text, st.wrap,
                        st.level.get(m.level or "", st.text), st.level.get(m.final_level or "", st.text), st.center],
                       [None, 24, 26, None, 16])
        ws.auto_filter.ref = f"A{header}:H{header + len(members)}"
        print_setup(ws, title, title_rows=f"{header}:{header}")

    # ----------------------------------------------------------------- errors and facts

    def errors_sheet(self, ws: Worksheet) -> None:
        st = self.st
        columns = [Column("Tệp", 40), Column("Dòng", 6), Column("Cột", 5), Column("Lỗi", 50), Column("Cách sửa", 40)]
        title = self.start(ws, "TỆP VÀ DÒNG CHƯA ĐỌC ĐƯỢC HOẶC CÓ LỖI", columns, [
            "Không nêu tên đảng viên. Các chi bộ, các dòng khác vẫn được tính."])
        header = append_row(ws, [c.header for c in columns], st.header)
        for problem in self.rollup.problems:
            append_row(ws, [problem.file, problem.line, problem.column, problem.message, problem.hint],
                       [st.wrap, st.center, st.center, st.wrap, st.wrap], [40, None, None, 50, 40])
        ws.auto_filter.ref = f"A{header}:E{header + len(self.rollup.problems)}"
        print_setup(ws, title, title_rows=f"{header}:{header}")

    def info_sheet(self, ws: Worksheet, when: datetime, tool_version: str) -> None:
        st = self.st
        rollup = self.rollup
        columns = [Column("", 30), Column("", 60), Column("", 40)]
        title = self.start(ws, "THÔNG TIN BÁO CÁO", columns)
        fit = [30, 60, 40]
        cells = sum(1 for _, u in self.rows if u.kind == "cell")
        facts: list[tuple[str, object]] = [
            ("Đầu vào", "; ".join(rollup.inputs)),
            ("Kỳ trước", "; ".join(rollup.previous_inputs) or "không có"),
            ("Bộ tiêu chí", rollup.rubric),
            ("Số chi bộ", cells),
            ("Số đảng viên có mặt", rollup.root.present),
            ("Thời điểm tạo báo cáo", when.strftime("%d/%m/%Y %H:%M:%S")),
            ("Phiên bản tusoi", tool_version),
            ("Tệp, dòng có lỗi", len(rollup.problems)),
            ("Ẩn danh", "báo cáo không nêu tên đảng viên nào" if rollup.members is None else
             "KHÔNG: có trang Đảng viên (--ten), chỉ dùng nội bộ"),
        ]
        if rollup.from_json:
            facts.append(("Bảng tổng hợp (JSON) làm đầu vào", "có: số liệu lấy từ bảng tổng hợp cấp dưới"))
        facts += [("Cảnh báo", warning.message) for warning in rollup.warnings]  # a document not in force
        for label, value in facts:
            append_row(ws, [label, value], [st.label, st.wrap if label == "Cảnh báo" else st.left], fit)
        if rollup.skipped:
            append_row(ws, [])
            append_row(ws, ["Tệp, thư mục không tính"], [st.subtitle])
            append_row(ws, ["Tệp", "Lý do"], st.header)
            for skipped in rollup.skipped:
                append_row(ws, [skipped.path, skipped.reason], [st.wrap, st.wrap], fit)
        if rollup.notes:
            append_row(ws, [])
            append_row(ws, ["Lưu ý"], [st.subtitle])
            for note in rollup.notes:
                append_row(ws, [note], [st.note_wrap], [130])
        print_setup(ws, title, title_rows=None)
