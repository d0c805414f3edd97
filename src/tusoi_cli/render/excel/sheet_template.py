"""The blank sheet of a cell (``tusoi template sheet``): an .xlsx to hand out, fill in and feed to ``tusoi batch``.

Sheets:
- **Tự đánh giá**: title block, a band naming the sections, the header row (``id. short title``, the
  item's full description as a cell note) and one row per member; every answer cell has a dropdown.
- **Hướng dẫn**: how to fill it in, the scales, how levels are decided, and every item with its
  description and source.
- **DanhMuc** (hidden): the dropdown lists, one column each, reached through defined names. Excel
  refuses an inline list longer than 255 characters; a range on a sheet has no such limit, so every
  list goes there, whatever its length.

Dropdowns use the "warning" error style: tusoi reads more than a list can hold (labels in any case,
with or without diacritics, aliases such as "x" or "có", "0,5" with a decimal comma, "KAD"), so a
value typed by hand is questioned but can be kept; ``tusoi batch`` is the judge and reports any
value it cannot read with its row and column. A "stop" style would refuse answers tusoi accepts.

The form sheet is protected without a password (a guard against editing the header by accident,
which would break the round trip, not a security measure): the header and the title texts are
locked; member rows and the cell/period fields are not. Rows may be inserted, deleted and resized.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.workbook.defined_name import DefinedName  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from tusoi_cli.errors import UsageError
from tusoi_cli.model import DISCIPLINE_LABELS, Item, Rubric, Scale, Section
from tusoi_cli.model.people import Person
from tusoi_cli.model.previous import (
    CARRIED_HEADER,
    NOTHING_CARRIED,
    RESULT_WORDS,
    RESULTS_HEADER,
    carried_cell,
    results_cell,
)
from tusoi_cli.model.values import fmt
from tusoi_cli.output import write_atomic
from tusoi_cli.render.excel.styles import (
    LINE_HEIGHT,
    clean_text,
    line_count,
    print_setup,
    set_style,
    store_text,
)
from tusoi_cli.render.templates import level_rules, scale_choices, section_note
from tusoi_cli.text import fold, thousands

Worksheet = Any

SHEET_FORM = "Tự đánh giá"
SHEET_GUIDE = "Hướng dẫn"
SHEET_LISTS = "DanhMuc"
NA_LABEL = "Không áp dụng"
YES, NO = "Có", "Không"
# The "Trạng thái" dropdown: every entry is read back by answers.member_status.
STATUS_ENTRIES = ("Đã kiểm điểm", "Miễn: nghỉ sinh hoạt", "Miễn: đình chỉ sinh hoạt", "Miễn: mới kết nạp dưới 6 tháng",
                  "Chưa kiểm điểm")

# Excel's limits on data validation texts, in UTF-16 code units of the NFC text.
PROMPT_TITLE_MAX = 32
PROMPT_MAX = 255
INLINE_LIST_MAX = 255

FIRST_DATA_ROW = 8  # rows 1-5: title block, 6: sections, 7: header
HEADER_ROW = 7
BAND_ROW = 6
MAX_ROWS = 10_000

_ITEM_HEADER = re.compile(r"^\s*([A-Za-z]{1,4})\s*(\d{1,3})(?!\d)")  # as tusoi batch finds item columns
GRID = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=GRID, right=GRID, top=GRID, bottom=GRID)
HEADER_FILL = PatternFill(fill_type="solid", start_color="DDE5F0", end_color="DDE5F0")
_BAND_FILL = PatternFill(fill_type="solid", start_color="EEF2F8", end_color="EEF2F8")
_INPUT_FILL = PatternFill(fill_type="solid", start_color="FFFDF0", end_color="FFFDF0")
_UNLOCKED = Protection(locked=False)


# --------------------------------------------------------------------------- Excel's limits


def utf16_len(text: str) -> int:
    """Length as Excel counts it: UTF-16 code units of the NFC text."""
    return len(unicodedata.normalize("NFC", text).encode("utf-16-le")) // 2


def fit(text: str, limit: int) -> str:
    """``text`` (NFC, one line) cut with '…' so that it is at most ``limit`` UTF-16 units long."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if utf16_len(text) <= limit:
        return text
    while text and utf16_len(text + "…") > limit:
        text = text[:-1]
    return text.rstrip(" ,;.:-") + "…"


# --------------------------------------------------------------------------- entry points


def check_sheet_rubric(rubric: Rubric) -> None:
    """Refuse a rubric whose sheet could not be read back by ``tusoi batch``."""
    if not rubric.levels:
        raise UsageError(f"bộ tiêu chí '{rubric.id}' không có mức xếp loại nên không chấm điểm được — dùng "
                         "tusoi-mac-dinh hoặc một bộ tiêu chí có `levels`")
    items = [item for _, item in rubric.items()]
    bad = [item.id for item in items if not header_readable(item.id)]
    if bad:
        raise UsageError("mã mục " + ", ".join(f"'{b}'" for b in bad) + " không dùng làm tiêu đề cột được: "
                         "`tusoi batch` nhận cột theo mã dạng chữ rồi số (1–4 chữ cái, 1–3 chữ số, ví dụ CT1, "
                         "D19) — đổi mã mục trong bộ tiêu chí hoặc dùng tệp YAML (`tusoi template member`)")
    if len(items) < 3:
        raise UsageError("bộ tiêu chí cần ít nhất 3 mục để `tusoi batch` nhận ra dòng tiêu đề của bảng tính")


def header_readable(item_id: str) -> bool:
    found = _ITEM_HEADER.match(item_id)
    return found is not None and fold(found.group(1) + found.group(2)) == fold(item_id).replace(" ", "")


def write_sheet_template(target: Path, rubric: Rubric, *, people: Sequence[Person] = (), blank_rows: int = 0,
                         chi_bo: str | None = None, ky: str | None = None, tool_version: str = "",
                         carry: bool = False) -> None:
    """Build the blank sheet for ``rubric`` and write it to ``target`` atomically; ``carry`` adds the previous
    period's two columns (each person's ``ky_truoc``)."""
    workbook = build_sheet_template(rubric, people=people, blank_rows=blank_rows, chi_bo=chi_bo, ky=ky,
                                    tool_version=tool_version, carry=carry)
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(target, buffer.getvalue())


def build_sheet_template(rubric: Rubric, *, people: Sequence[Person] = (), blank_rows: int = 0,
                         chi_bo: str | None = None, ky: str | None = None, tool_version: str = "",
                         carry: bool = False) -> Any:
    check_sheet_rubric(rubric)
    rows = len(people) + blank_rows
    if rows < 1:
        raise UsageError("bảng cần ít nhất một dòng: cho danh sách đảng viên (--members) hoặc số dòng trống (--rows)")
    if rows > MAX_ROWS:
        raise UsageError(f"tối đa {thousands(MAX_ROWS)} dòng một bảng — chia thành nhiều bảng theo chi bộ")
    workbook = Workbook()
    form = workbook.active
    form.title = SHEET_FORM
    guide = workbook.create_sheet(SHEET_GUIDE)
    lists = workbook.create_sheet(SHEET_LISTS)
    names = _write_lists(workbook, lists, rubric)
    _Form(form, rubric, names, carry).write(people, rows, chi_bo, ky)
    _write_guide(guide, rubric, carry)
    workbook.active = 0
    props = workbook.properties
    props.creator = props.lastModifiedBy = f"tusoi {tool_version}".strip()
    props.title = clean_text(f"Bảng tự đánh giá — {rubric.title}")
    return workbook


# --------------------------------------------------------------------------- cells


def _put(ws: Worksheet, row: int, col: int, value: object, *, font: Any = None, fill: Any = None,
         border: Any = None, alignment: Any = None, unlocked: bool = False) -> Any:
    """Write one cell; text is cleaned and always stored as text, never as a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        store_text(cell, clean_text(unicodedata.normalize("NFC", value)))
    elif value is not None:
        cell.value = value
    set_style(cell, font=font, fill=fill, border=border, alignment=alignment)
    if unlocked:
        cell.protection = _UNLOCKED
    return cell


def excel_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _note(text: str, width: int = 340) -> Any:
    lines = sum(line_count(paragraph, width / 6.5) for paragraph in text.split("\n"))
    comment = Comment(clean_text(text), "tusoi")
    comment.width = width
    comment.height = min(600, 20 + 15 * lines)
    return comment


# --------------------------------------------------------------------------- the hidden lists


@dataclass(frozen=True)
class _Names:
    scales: dict[str, str]  # scale id -> defined name (discrete scales only)
    levels: str
    yes_no: str
    status: str = ""


def _defined_name(key: str, used: set[str]) -> str:
    """A workbook name for a list: letters, digits and '_' only, not like a cell reference, unique."""
    base = "DS_" + (re.sub(r"[^A-Za-z0-9_]", "_", fold(key).replace(" ", "_")) or "ds")
    name, number = base, 2
    while name.lower() in used:
        name, number = f"{base}_{number}", number + 1
    used.add(name.lower())
    return name


def _write_lists(workbook: Any, ws: Worksheet, rubric: Rubric) -> _Names:
    used: set[str] = set()
    columns: list[tuple[str, str, list[object]]] = []  # (defined name, heading, entries)
    scales: dict[str, str] = {}
    for section in rubric.sections:
        scale = rubric.scales[section.scale]
        if scale.values is None or section.scale in scales:
            continue
        name = _defined_name(section.scale, used)
        scales[section.scale] = name
        entries: list[object] = [excel_number(v.value) for v in scale.values]
        entries += [v.label for v in scale.values] + [NA_LABEL]
        columns.append((name, f"Thang: {scale.title}", entries))
    levels = _defined_name("xep_loai", used)
    columns.append((levels, "Mức xếp loại", [lv.label for lv in rubric.levels]))
    yes_no = _defined_name("ky_luat", used)
    columns.append((yes_no, "Kỷ luật", [NO, YES, *DISCIPLINE_LABELS.values()]))
    status = _defined_name("trang_thai", used)
    columns.append((status, "Trạng thái", list(STATUS_ENTRIES)))
    for col, (name, heading, entries) in enumerate(columns, start=1):
        letter = get_column_letter(col)
        _put(ws, 1, col, heading, font=Font(bold=True))
        for row, entry in enumerate(entries, start=2):
            _put(ws, row, col, entry)
        ref = f"{_sheet_ref(SHEET_LISTS)}!${letter}$2:${letter}${len(entries) + 1}"
        workbook.defined_names[name] = DefinedName(name, attr_text=ref)
        ws.column_dimensions[letter].width = 34
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    return _Names(scales, levels, yes_no, status)


def _sheet_ref(title: str) -> str:
    return title if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) else "'" + title.replace("'", "''") + "'"


# --------------------------------------------------------------------------- the form


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str  # stt, ho_ten, ma, chuc_vu, item, trang_thai, level (a rater slot), ky_luat, ly_do, ghi_chu
    note: str
    item: tuple[Section, Item] | None = None


class _Form:
    def __init__(self, ws: Worksheet, rubric: Rubric, names: _Names, carry: bool = False) -> None:
        self.ws, self.rubric, self.names = ws, rubric, names
        levels = ", ".join(lv.label for lv in rubric.levels)
        self.columns = [
            Column("STT", 5, "stt", "Số thứ tự (không bắt buộc)."),
            Column("Họ và tên", 24, "ho_ten", "Bắt buộc. Mỗi đảng viên một dòng."),
            Column("Mã đảng viên", 12, "ma", "Mã đảng viên hoặc số thẻ đảng, nếu có."),
            Column("Chức vụ", 15, "chuc_vu", "Chức vụ, nếu có."),
            *(Column(f"{item.id}. {_short(item.title)}", 5.7, "item", self.item_note(section, item),
                      (section, item)) for section, item in rubric.items()),
            Column("Trạng thái", 14, "trang_thai", "Để trống hoặc 'Đã kiểm điểm': được xếp loại. 'Miễn: <lý do>' "
                    "(nghỉ sinh hoạt, đình chỉ sinh hoạt, mới kết nạp...): có tên trong danh sách, không xếp loại. "
                    "'Chưa kiểm điểm': không xếp loại. Dòng chưa trả lời mục nào cũng là chưa kiểm điểm."),
            *self.slot_columns(levels),
            Column("Ghi chú", 22, "ghi_chu", "Ghi chú thêm (không dùng để chấm điểm)."),
            *(_carry_columns() if carry else []),
        ]
        self.last_col = len(self.columns)
        self.first_item_col = 5

    def slot_columns(self, levels: str) -> list[Column]:
        """The rubric's rater slots, in order, each with a level dropdown; Kỷ luật after the member's own, the
        cell's reason after the cell's level (as the form had them before the other slots)."""
        from tusoi_cli.model import CELL_SLOT, SELF_SLOT

        notes = {SELF_SLOT: f"Mức đồng chí tự đề xuất: {levels}.",
                 CELL_SLOT: f"Mức chi bộ biểu quyết sau cuộc họp (bí thư điền): {levels}. tusoi hiển thị mức này "
                            "bên cạnh mức đề xuất, không thay thế."}
        columns: list[Column] = []
        for slot in self.rubric.raters:
            header = f"{slot.label} (sau họp)" if slot.id == CELL_SLOT else slot.label
            columns.append(Column(header, 12, "level", notes.get(slot.id, f"Mức {slot.label.lower()}: {levels}.")))
            if slot.id == SELF_SLOT:
                columns.append(Column("Kỷ luật (có/không)", 9, "ky_luat",
                                      "Ghi 'Có' hoặc hình thức (khiển trách, cảnh cáo, cách chức, khai trừ) nếu bị kỷ"
                                      " luật trong kỳ đánh giá; để trống là không."))
            if slot.id == CELL_SLOT:
                columns.append(Column("Lý do (của chi bộ)", 22, "ly_do", "Lý do chi bộ xếp loại, nếu khác mức đề"
                                      " xuất."))
        if not any(c.kind == "ky_luat" for c in columns):
            columns.insert(0, Column("Kỷ luật (có/không)", 9, "ky_luat", "Ghi 'Có' hoặc hình thức kỷ luật nếu bị kỷ"
                                     " luật trong kỳ đánh giá; để trống là không."))
        return columns

    def item_note(self, section: Section, item: Item) -> str:
        scale = self.rubric.scales[section.scale]
        parts = [f"{item.id}. {item.title}"]
        if item.description:
            parts.append(" ".join(item.description.split()))
        if item.source:
            parts.append(f"Nguồn: {item.source}")
        parts.append(f"Cách ghi: {scale_choices(scale, item.max)}; để trống nếu chưa trả lời; "
                     f"'{NA_LABEL}' nếu mục không áp dụng.")
        return "\n\n".join(parts)

    def write(self, people: Sequence[Person], rows: int, chi_bo: str | None, ky: str | None) -> None:
        ws = self.ws
        for index, column in enumerate(self.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        self.title_block(chi_bo, ky)
        self.band()
        self.header()
        last_row = FIRST_DATA_ROW + rows - 1
        for offset in range(rows):
            person = people[offset] if offset < len(people) else None
            self.member_row(FIRST_DATA_ROW + offset, offset + 1, person)
        self.validations(last_row)
        ws.freeze_panes = f"C{FIRST_DATA_ROW}"
        print_setup(ws, f"Bảng tự đánh giá — {chi_bo}" if chi_bo else "Bảng tự đánh giá",
                     title_rows=f"{BAND_ROW}:{HEADER_ROW}")
        protection = ws.protection
        protection.sheet = True
        # False = allowed on the protected sheet: sizing, inserting and deleting member rows
        protection.formatColumns = protection.formatRows = False
        protection.insertRows = protection.deleteRows = False

    def title_block(self, chi_bo: str | None, ky: str | None) -> None:
        ws, last = self.ws, get_column_letter(self.last_col)
        _put(ws, 1, 1, "BẢNG TỰ ĐÁNH GIÁ \"TỰ SOI, TỰ SỬA\" CỦA ĐẢNG VIÊN", font=Font(bold=True, size=14),
             alignment=Alignment(horizontal="center", vertical="center"))
        ws.merge_cells(f"A1:{last}1")
        ws.row_dimensions[1].height = 24
        value_end = get_column_letter(min(self.last_col, self.first_item_col + 8))
        right = Alignment(horizontal="right", vertical="center")
        for row, label, value in ((2, "Chi bộ:", chi_bo), (3, "Kỳ đánh giá:", ky)):
            _put(ws, row, 2, label, font=Font(bold=True), alignment=right)
            _put(ws, row, 3, value or "", font=Font(bold=True), fill=_INPUT_FILL, unlocked=True,
                 alignment=Alignment(horizontal="left", vertical="center"))
            ws.merge_cells(f"C{row}:{value_end}{row}")
        rubric = self.rubric
        _put(ws, 4, 2, "Bộ tiêu chí:", font=Font(bold=True), alignment=right)
        _put(ws, 4, 3, f"{rubric.title} ({rubric.id}, phiên bản {rubric.version}) — xếp loại theo điểm: "
             f"{level_rules(rubric)}", alignment=Alignment(vertical="center"))
        ws.merge_cells(f"C4:{last}4")
        how = ("Cách ghi: mỗi ô mục chọn trong danh sách (số hoặc nhãn của thang; 0 là không có); để trống là chưa "
               f"trả lời; '{NA_LABEL}' nếu mục không liên quan đến đồng chí. Di chuột vào tiêu đề cột để xem nội dung "
               "từng mục; xem trang Hướng dẫn. Không sửa dòng tiêu đề: tusoi đọc bảng theo dòng này.")
        _put(ws, 5, 1, how, font=Font(italic=True, color="404040"),
             alignment=Alignment(wrap_text=True, vertical="top"))
        ws.merge_cells(f"A5:{last}5")
        ws.row_dimensions[5].height = 34

    def band(self) -> None:
        ws = self.ws
        style = {"font": Font(bold=True, size=9), "fill": _BAND_FILL, "border": _BORDER,
                 "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True)}
        spans: list[tuple[int, int, str]] = [(1, 4, "Đảng viên")]
        col = self.first_item_col
        for section in self.rubric.sections:
            if section.items:
                spans.append((col, col + len(section.items) - 1, f"{section.id}. {section.title} "
                                                                   f"({section_note(section)})"))
                col += len(section.items)
        spans.append((col, self.last_col, "Xếp loại, ghi chú"))
        for start, end, text in spans:
            for c in range(start, end + 1):
                _put(ws, BAND_ROW, c, text if c == start else None, **style)
            if end > start:
                ws.merge_cells(start_row=BAND_ROW, start_column=start, end_row=BAND_ROW, end_column=end)
        ws.row_dimensions[BAND_ROW].height = 42

    def header(self) -> None:
        ws = self.ws
        plain = Alignment(horizontal="center", vertical="center", wrap_text=True)
        rotated = Alignment(horizontal="center", vertical="bottom", text_rotation=90, wrap_text=True)
        for index, column in enumerate(self.columns, start=1):
            cell = _put(ws, HEADER_ROW, index, column.header, font=Font(bold=True, size=9 if column.item else 10),
                        fill=HEADER_FILL, border=_BORDER, alignment=rotated if column.item else plain)
            cell.comment = _note(column.note)
        ws.row_dimensions[HEADER_ROW].height = 170

    def member_row(self, row: int, number: int, person: Person | None) -> None:
        ws = self.ws
        center = Alignment(horizontal="center", vertical="center")
        left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        values: dict[str, object] = {"stt": number}
        if person is not None:
            values.update(ho_ten=person.ho_ten, ma=person.ma_dang_vien, chuc_vu=person.chuc_vu)
            if person.ky_truoc is not None:
                carried = list(person.ky_truoc)
                listed = carried_cell(carried, {item.id: item.title for _, item in self.rubric.items()})
                values.update(han_che_ky_truoc=listed, ket_qua_khac_phuc=results_cell(carried) or None)
                ws.row_dimensions[row].height = LINE_HEIGHT * line_count(listed, 40) + 4
        for index, column in enumerate(self.columns, start=1):
            wide = column.kind in {"ho_ten", "chuc_vu", "ly_do", "ghi_chu", "han_che_ky_truoc", "ket_qua_khac_phuc"}
            _put(ws, row, index, values.get(column.kind), border=_BORDER, alignment=left if wide else center,
                 unlocked=True)

    def validations(self, last_row: int) -> None:
        ws = self.ws
        keep = ("Vẫn giữ? tusoi nhận cả cách viết khác (không dấu, chữ thường, 'x', 'có'...); giá trị không đọc "
                "được sẽ được báo kèm dòng, cột khi chấm.")
        for index, column in enumerate(self.columns, start=1):
            letter = get_column_letter(index)
            ref = f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}"
            if column.item is not None:
                section, item = column.item
                scale = self.rubric.scales[section.scale]
                choices = scale_choices(scale, item.max)
                dv = self.item_validation(scale, item, section.scale)
                dv.promptTitle = fit(f"{item.id}. {item.title}", PROMPT_TITLE_MAX)
                dv.prompt = fit(f"{choices}. Để trống: chưa trả lời.", PROMPT_MAX)
                dv.errorTitle = fit(f"{item.id}: giá trị ngoài danh sách", PROMPT_TITLE_MAX)
                dv.error = fit(f"{item.id} nhận: {choices}; hoặc '{NA_LABEL}'. {keep}", PROMPT_MAX)
            elif column.kind in {"level", "ky_luat", "trang_thai"}:
                name = {"ky_luat": self.names.yes_no, "trang_thai": self.names.status}.get(column.kind,
                                                                                           self.names.levels)
                dv = _list_validation(name)
                dv.promptTitle = fit(column.header, PROMPT_TITLE_MAX)
                dv.prompt = fit(column.note, PROMPT_MAX)
                dv.errorTitle = fit("Giá trị ngoài danh sách", PROMPT_TITLE_MAX)
                dv.error = fit(f"{column.note} {keep}", PROMPT_MAX)
            else:
                continue
            dv.add(ref)
            ws.add_data_validation(dv)

    def item_validation(self, scale: Scale, item: Item, scale_id: str) -> Any:
        if scale.values is not None:
            return _list_validation(self.names.scales[scale_id])
        top = item.max if item.max is not None else scale.max
        dv = DataValidation(type="decimal", operator="between" if top is not None else "greaterThanOrEqual",
                            formula1=fmt(scale.min), formula2=fmt(top) if top is not None else None,
                            allow_blank=True)
        _show(dv)
        return dv


def _carry_columns() -> list[Column]:
    """The previous period's two columns (template sheet --ky-truoc), read back by `tusoi batch`."""
    return [
        Column(CARRIED_HEADER, 40, "han_che_ky_truoc",
               "Các hạn chế, khuyết điểm kỳ trước còn phải khắc phục, mỗi dòng một hạn chế bắt đầu bằng mã mục (lời"
               f" của kỳ trước; không sửa). '{NOTHING_CARRIED}': kỳ trước không có hạn chế nào."),
        Column(RESULTS_HEADER, 24, "ket_qua_khac_phuc",
               f"Ghi kết quả sau mỗi mã mục, ví dụ 'CT5: đã; DL6: đang'. Chấp nhận: {RESULT_WORDS}; có dấu hay"
               " không, hoa hay thường. Để trống sau dấu ':' là chưa đánh giá."),
    ]


def _list_validation(name: str) -> Any:
    dv = DataValidation(type="list", formula1=name, allow_blank=True)
    _show(dv)
    return dv


def _show(dv: Any) -> None:
    dv.showDropDown = False  # True would *hide* the arrow (the OOXML attribute means "suppress")
    dv.showInputMessage = dv.showErrorMessage = True
    dv.errorStyle = "warning"


def _short(title: str, limit: int = 70) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- Hướng dẫn


def _write_guide(ws: Worksheet, rubric: Rubric, carry: bool = False) -> None:
    widths = [8, 7, 34, 70, 28, 34]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    total = sum(widths)
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1

    def line(text: str, *, font: Any = None) -> None:
        nonlocal row
        _put(ws, row, 1, text, font=font, alignment=wrap)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
        lines = line_count(text, total)
        if lines > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2
        row += 1

    line("HƯỚNG DẪN ĐIỀN BẢNG TỰ ĐÁNH GIÁ \"TỰ SOI, TỰ SỬA\"", font=Font(bold=True, size=14))
    line(f"Bộ tiêu chí: {rubric.title} ({rubric.id}, phiên bản {rubric.version})"
         + (f". Căn cứ: {rubric.source}" if rubric.source else ""), font=Font(italic=True))
    row += 1
    steps = [
        "1. Trang \"Tự đánh giá\": mỗi đảng viên một dòng; ghi họ và tên (bắt buộc), mã đảng viên và chức vụ nếu có.",
        "2. Ở mỗi cột mục, chọn trong danh sách thả xuống: số hoặc nhãn của thang. 0 (hoặc nhãn tương ứng) là "
        f"không có. Để trống là chưa trả lời. Chọn '{NA_LABEL}' nếu mục không liên quan đến đồng chí (ví dụ "
        "mục về chức vụ khi không giữ chức vụ).",
        "3. Có thể gõ tay: tusoi nhận nhãn không phân biệt hoa thường, có dấu hay không dấu, và các cách viết khác "
        "của thang (ví dụ 'x' hay 'có' cho một điều vi phạm). Excel sẽ hỏi lại; chọn giữ nếu đúng ý.",
        "4. Cột \"Trạng thái\": để trống nếu đồng chí kiểm điểm; 'Miễn: <lý do>' hoặc 'Chưa kiểm điểm' thì có tên "
        "trong báo cáo nhưng không xếp loại (dòng chưa trả lời mục nào cũng vậy). \"Tự xếp loại\": mức đồng chí "
        "tự đề xuất. \"Kỷ luật\": ghi Có hoặc hình thức kỷ luật nếu bị kỷ luật trong kỳ. "
        "\"Chi bộ xếp loại\" và \"Lý do\" do bí thư điền sau cuộc họp.",
        "5. Không sửa, không xóa dòng tiêu đề (dòng có mã mục) và không đổi thứ tự các cột; có thể chèn thêm dòng "
        "cho đảng viên. Trang tính được khóa để tránh sửa nhầm tiêu đề, không có mật khẩu "
        "(Xem lại → Bỏ bảo vệ trang tính).",
        "6. Chấm cả chi bộ: tusoi batch <tệp này>.xlsx -o ketqua.xlsx — mọi dòng hoặc được chấm, hoặc được báo "
        "lỗi kèm dòng, cột và cách sửa.",
    ]
    if carry:
        steps.append(
            f"7. Hai cột \"{CARRIED_HEADER}\" và \"{RESULTS_HEADER}\": cột đầu liệt kê các hạn chế kỳ trước còn phải "
            "khắc phục (mỗi dòng một hạn chế, bắt đầu bằng mã mục; không sửa). Ở cột sau, ghi kết quả sau từng mã "
            f"mục, ví dụ \"CT5: đã; DL6: đang\". Các từ được chấp nhận: {RESULT_WORDS} — có dấu hay không dấu, hoa "
            "hay thường đều được. Để trống sau dấu ':' là chưa đánh giá; mã mục không có ở cột đầu hoặc từ không đọc "
            "được sẽ được báo kèm dòng, cột khi chấm.")
    for step in steps:
        line(step)
    row += 1
    line("Thang giá trị", font=Font(bold=True, size=12))
    seen: set[str] = set()
    for section in rubric.sections:
        if section.scale in seen:
            continue
        seen.add(section.scale)
        scale = rubric.scales[section.scale]
        parts = ", ".join(s.id for s in rubric.sections if s.scale == section.scale)
        line(f"• {scale.title} (phần {parts}): {scale_choices(scale)}")
    row += 1
    line("Cách tính điểm và xếp loại", font=Font(bold=True, size=12))
    scoring = rubric.scoring
    line(f"• Điểm khởi đầu {fmt(scoring.start)}"
         + (f", thấp nhất {fmt(scoring.min)}" if scoring.min is not None else "")
         + (f", cao nhất {fmt(scoring.max)}" if scoring.max is not None else "") + ".")
    for section in rubric.sections:
        line(f"• Phần {section.id} ({section.title}): {section_note(section)}.")
    line(f"• Xếp loại theo điểm: {level_rules(rubric)}. Ngưỡng tính cả bằng.")
    for cap in rubric.caps:
        line(f"• Tối đa {rubric.level(cap.at_most).label}: {cap.reason}.")
    line("• Mức đề xuất là mức thấp hơn giữa mức theo điểm và mọi giới hạn áp dụng; chi bộ biểu quyết mức cuối cùng.")
    row += 1
    headers = ["Mã", "Phần", "Nội dung tóm tắt", "Mô tả", "Nguồn", "Cách ghi"]
    header_row = row
    for col, text in enumerate(headers, start=1):
        _put(ws, row, col, text, font=Font(bold=True), fill=HEADER_FILL, border=_BORDER,
             alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    row += 1
    for section, item in rubric.items():
        scale = rubric.scales[section.scale]
        values = [item.id, section.id, item.title, " ".join(item.description.split()), item.source,
                  scale_choices(scale, item.max, sep="\n")]
        lines = 1
        for col, value in enumerate(values, start=1):
            _put(ws, row, col, value, border=_BORDER, alignment=wrap)
            lines = max(lines, line_count(value, widths[col - 1]))
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 2
        row += 1
    ws.freeze_panes = f"A{header_row + 1}"
    print_setup(ws, f"Hướng dẫn — {rubric.title}", title_rows=f"{header_row}:{header_row}")
