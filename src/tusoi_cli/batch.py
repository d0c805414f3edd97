"""Rating a whole cell: rows of a sheet (or a folder of member files) scored with one rubric."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from .answers import readers, yes_no
from .errors import InputError, Problem
from .models import Answer, MemberEvaluation, MemberInfo, MemberResult, Rubric
from .rubric_loader import match_level
from .scoring import score_member
from .sheet_reader import Cell, Table
from .text import fold


@dataclass
class BatchResult:
    """Everything a batch run produced, in input order.

    ``rows[i]`` is the sheet row (1-based, as the spreadsheet shows it) or file of ``results[i]``.
    Every non-blank input row is either in ``results`` or has at least one entry in ``problems``
    with ``line`` = its row number; ``blank_rows`` counts the skipped empty ones.
    """

    source: str
    sheet: str | None
    rubric: Rubric
    results: list[MemberResult] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed_rows: list[int] = field(default_factory=list)
    blank_rows: int = 0
    headers: dict[int, str] = field(default_factory=dict)  # column number (1-based) -> header text
    ignored_rows: list[int] = field(default_factory=list)  # total rows and the like, listed in notes
    notes: list[str] = field(default_factory=list)  # things worth saying that are not errors


# --------------------------------------------------------------------------- reading a sheet

_ITEM_HEADER = re.compile(r"^\s*([A-Za-z]{1,4})\s*(\d{1,3})(?!\d)")
_FIELDS: dict[str, tuple[str, ...]] = {
    # folded header text -> field; a header matches when it equals or starts with one of these
    "ho_ten": ("ho va ten", "ho ten", "ho va ten dang vien", "ho ten dang vien", "ten dang vien"),
    "ma_dang_vien": ("ma dang vien", "so the dang vien", "so the dang", "so the", "ma dv"),
    "chuc_vu": ("chuc vu",),
    "tu_xep_loai": ("tu xep loai", "tu danh gia xep loai", "muc tu xep loai"),
    "chi_bo_xep_loai": ("chi bo xep loai", "xep loai cua chi bo"),
    "ly_do": ("ly do",),
    "ky_luat": ("ky luat", "bi ky luat"),
    "ghi_chu": ("ghi chu",),
    "stt": ("stt", "so thu tu", "tt"),
}
_TOTAL_WORDS = ("tong cong", "tong so", "tong", "cong")
HEADER_SCAN_ROWS = 50


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_text(value: Cell) -> str | None:
    """Cell content as the text a person typed; None for blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)
    return str(value).strip() or None


def _field_of(header: str) -> str | None:
    key = fold(header)
    for field_name, names in _FIELDS.items():
        for known in names:
            if key == known or key.startswith(known + " ") or key.startswith(known + "("):
                return field_name
    return None


@dataclass
class _Layout:
    header_row: int  # 0-based index into rows
    items: dict[int, str]  # column index -> item id
    fields: dict[str, int]  # field -> column index
    headers: dict[int, str]


def _find_layout(rows: list[list[Cell]], rubric: Rubric) -> _Layout | None:
    ids = {fold(item.id).replace(" ", ""): item.id for _, item in rubric.items()}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        items: dict[int, str] = {}
        for col, value in enumerate(row):
            text = _cell_text(value)
            found = _ITEM_HEADER.match(text) if text else None
            if found:
                item_id = ids.get(fold(found.group(1) + found.group(2)))
                if item_id is not None:
                    items[col] = item_id
        if len(items) >= 3:
            fields: dict[str, int] = {}
            headers = {col: (_cell_text(v) or "") for col, v in enumerate(row)}
            for col, text in headers.items():
                if col in items or not text:
                    continue
                field_name = _field_of(text)
                if field_name is not None and field_name not in fields:
                    fields[field_name] = col
            return _Layout(index, items, fields, headers)
    return None


Progress = Callable[[int, int], None]


def read_sheet(path: Path, rubric: Rubric, sheet: str | None = None, progress: Progress | None = None) -> BatchResult:
    """Score every member row of a spreadsheet; rows that cannot be scored are reported, never dropped."""
    from .sheet_reader import read_tables

    name = str(path)
    tables = read_tables(path, sheet, name)
    for table in tables:
        layout = _find_layout(table.rows, rubric)
        if layout is not None:
            return _score_rows(table, layout, rubric, progress)
    where = f"trang '{sheet}'" if sheet else ("các trang " + ", ".join(tables[0].sheet_names)
                                            if tables[0].sheet_names else "tệp")
    raise InputError([Problem(
        name, f"không tìm thấy dòng tiêu đề trong {where}",
        hint="dòng tiêu đề phải có cột 'Họ và tên' và các cột bắt đầu bằng mã mục (CT1, DL1, DB1, D1...); "
        "tạo mẫu bằng `tusoi template sheet`")])


def _score_rows(table: Table, layout: _Layout, rubric: Rubric, progress: Progress | None) -> BatchResult:
    name = table.name
    result = BatchResult(name, table.sheet, rubric,
                         headers={col + 1: text for col, text in layout.headers.items() if text})
    header_line = layout.header_row + 1
    if "ho_ten" not in layout.fields:
        raise InputError([Problem(name, "dòng tiêu đề không có cột 'Họ và tên'", header_line, None,
                                  "thêm cột có tiêu đề 'Họ và tên'")])
    seen: dict[str, int] = {}
    duplicate_problems = []
    for col, item_id in layout.items.items():
        if item_id in seen:
            duplicate_problems.append(Problem(
                name, f"mục {item_id} có hai cột ({column_letter(seen[item_id] + 1)} và {column_letter(col + 1)})",
                header_line, col + 1, "xóa hoặc đổi tên một cột"))
        seen[item_id] = col
    if duplicate_problems:
        raise InputError(duplicate_problems)
    missing = [item.id for _, item in rubric.items() if item.id not in seen]
    if missing:
        result.notes.append("bảng không có cột cho các mục: " + ", ".join(missing) + " (coi là chưa trả lời)")

    total = len(table.rows)
    for index in range(layout.header_row + 1, total):
        if progress is not None and index % 1000 == 0:
            progress(index, total)
        row = table.rows[index]
        line = index + 1
        texts = [_cell_text(v) for v in row]
        name_text = _at(texts, layout.fields["ho_ten"])
        stt_col = layout.fields.get("stt")
        others = [t for c, t in enumerate(texts) if c != stt_col and t]
        if not others:
            result.blank_rows += 1
            continue
        label = fold(name_text or others[0])
        if label in _TOTAL_WORDS or label.startswith(("tong cong", "tong so")):
            result.notes.append(f"dòng {line}: dòng tổng cộng, không chấm")
            result.ignored_rows.append(line)
            continue
        evaluation, problems = _read_row(name, line, row, texts, layout, rubric)
        if evaluation is None:
            result.problems.extend(problems)
            result.failed_rows.append(line)
            continue
        result.results.append(score_member(rubric, evaluation))
        result.rows.append(line)
    return result


def _at(texts: list[str | None], col: int | None) -> str | None:
    return texts[col] if col is not None and col < len(texts) else None


def _read_row(name: str, line: int, row: list[Cell], texts: list[str | None], layout: _Layout,
              rubric: Rubric) -> tuple[MemberEvaluation | None, list[Problem]]:
    """One member row checked against the rubric: the evaluation, or every problem of the row."""
    problems: list[Problem] = []
    fields = layout.fields

    def problem(col: int, message: str, hint: str | None = None) -> None:
        header = layout.headers.get(col, "")
        where = f"cột {column_letter(col + 1)}" + (f" ({header})" if header else "")
        problems.append(Problem(name, f"{where}: {message}", line, col + 1, hint))

    name_text = _at(texts, fields["ho_ten"])
    if not name_text:
        problem(fields["ho_ten"], "thiếu họ và tên", "điền họ tên đảng viên, hoặc xóa dòng nếu thừa")
    scale_readers = readers(rubric)
    section_of = {item.id: section for section, item in rubric.items()}
    answers: dict[str, Answer] = {}
    for col, item_id in layout.items.items():
        raw_cell = row[col] if col < len(row) else None
        if isinstance(raw_cell, (date, datetime, time, timedelta)):
            problem(col, f"ô chứa ngày giờ ({raw_cell}) ở chỗ cần mức độ",
                    "ghi số hoặc nhãn của thang, ví dụ 0, 1, 'Không'")
            continue
        raw = texts[col] if col < len(texts) else None
        parsed = scale_readers[section_of[item_id].scale].parse(raw)
        if parsed.state == "invalid":
            problem(col, parsed.error or "giá trị không hợp lệ", parsed.hint)
        elif parsed.state != "unanswered":
            answers[item_id] = Answer.model_construct(state=parsed.state, value=parsed.value, raw=raw)
    ky_luat = False
    raw_ky_luat = _at(texts, fields.get("ky_luat"))
    if raw_ky_luat is not None:
        answer = yes_no(raw_ky_luat)
        if answer is None:
            problem(fields["ky_luat"], f"'{raw_ky_luat}' không phải có/không", "ghi 'có', 'x' hoặc để trống")
        ky_luat = bool(answer)
    levels: dict[str, str | None] = {}
    for key in ("tu_xep_loai", "chi_bo_xep_loai"):
        raw_level = _at(texts, fields.get(key))
        levels[key] = match_level(rubric, raw_level) if raw_level else None
        if raw_level and levels[key] is None:
            choices = ", ".join(lv.label for lv in rubric.levels)
            problem(fields[key], f"mức xếp loại '{raw_level}' không có trong bộ tiêu chí", f"dùng một trong: {choices}")
    if problems:
        return None, problems
    member = MemberInfo.model_construct(ho_ten=name_text or "", ma_dang_vien=_at(texts, fields.get("ma_dang_vien")),
                                        chi_bo=None, chuc_vu=_at(texts, fields.get("chuc_vu")))
    return MemberEvaluation.model_construct(
        source=f"{name}:{line}", rubric_id=rubric.id, ky_danh_gia=None, member=member,
        tu_xep_loai=levels["tu_xep_loai"], ky_luat=ky_luat, chi_bo_xep_loai=levels["chi_bo_xep_loai"],
        ly_do=_at(texts, fields.get("ly_do")), answers=answers), []


# --------------------------------------------------------------------------- reading a folder


def read_folder(folder: Path, rubric: Rubric, strict: bool = False) -> BatchResult:
    """Score every member YAML file of a folder (sorted by file name) with one rubric."""
    from .member_reader import read_member

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".yaml", ".yml"} and p.is_file())
    result = BatchResult(str(folder), None, rubric)
    if not files:
        raise InputError([Problem(str(folder), "thư mục không có tệp .yaml nào",
                                  hint="đặt các tệp tự đánh giá (.yaml) vào thư mục này")])
    for number, path in enumerate(files, start=1):
        try:
            read = read_member(path, rubric=rubric, strict=strict)
        except InputError as exc:
            result.problems.extend(exc.problems)
            result.failed_rows.append(number)
            continue
        result.results.append(score_member(rubric, read.evaluation))
        result.rows.append(number)
        if read.problems:
            result.problems.extend(read.problems)
    return result


def read_batch(source: Path, rubric: Rubric, *, sheet: str | None = None, strict: bool = False,
               progress: Progress | None = None) -> BatchResult:
    """A folder of member files or a spreadsheet, scored with ``rubric``."""
    if source.is_dir():
        return read_folder(source, rubric, strict)
    return read_sheet(source, rubric, sheet, progress)


def sort_by_name(batch: BatchResult) -> None:
    """Vietnamese roster order: given name, then family and middle names (a ă â b c d đ ...)."""
    from .collation import name_key

    order = sorted(range(len(batch.results)), key=lambda i: name_key(batch.results[i].ho_ten))
    batch.results = [batch.results[i] for i in order]
    batch.rows = [batch.rows[i] for i in order]


def level_counts(batch: BatchResult, *, decided: bool = False) -> dict[str, int]:
    """Members per level (computed, or as the cell decided), best level first, zeros included."""
    counts = {level.id: 0 for level in batch.rubric.levels}
    for result in batch.results:
        level = result.cell_level if decided else result.level
        if level is not None:
            counts[level] += 1
    return counts


def prevalence(batch: BatchResult) -> list[tuple[str, int]]:
    """(item id, members flagged), most common first, rubric order among equals; unflagged items left out."""
    counts: dict[str, int] = {}
    for result in batch.results:
        for item_id in result.flagged:
            counts[item_id] = counts.get(item_id, 0) + 1
    order = {item.id: i for i, (_, item) in enumerate(batch.rubric.items())}
    return sorted(counts.items(), key=lambda pair: (-pair[1], order[pair[0]]))
