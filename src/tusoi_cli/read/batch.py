"""Rating a whole cell: rows of a sheet (or a folder of member files) scored with one rubric.

A province-scale sheet has 100,000 rows, so a member is kept compact (:class:`BatchMember`: one
value per item and the core numbers); the detailed :class:`MemberResult` of a member is built
only when an output asks for it (:attr:`BatchResult.results` does that lazily, one at a time).
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, overload

from tusoi_cli.engine.scoring import (
    NO_ANSWER_REASON,
    Compiled,
    Core,
    compile_rubric,
    form_index,
    score_member,
    score_values,
)
from tusoi_cli.errors import InputError, Problem
from tusoi_cli.model import (
    STATUS_LABELS,
    Answer,
    DisciplineForm,
    MemberEvaluation,
    MemberInfo,
    MemberResult,
    MemberStatus,
    Rubric,
)
from tusoi_cli.model.values import STATUS_CHOICES, Parsed, ScaleReader, discipline, member_status, readers
from tusoi_cli.read.rubric_loader import match_level
from tusoi_cli.read.sheet.tables import BadCell, Cell, Table, column_letter
from tusoi_cli.text import fold, has_invisible, is_latin, lookalike_latin, nearest, nfkc, strip_invisible

_NA_ANSWER = Answer.model_construct(state="na")


@dataclass(slots=True)
class BatchMember:
    """One scored member, compact: ``values[i]`` is the answered value of item i (None otherwise)."""

    line: int  # sheet row (1-based, as the spreadsheet shows it), or file number in a folder
    core: Core
    values: tuple[float | None, ...]
    na: tuple[int, ...]  # item indices marked not applicable
    invalid: tuple[int, ...]  # item indices with an invalid answer (the member is kept, scored provisionally)
    ho_ten: str
    ma_dang_vien: str | None = None
    chuc_vu: str | None = None
    tu_xep_loai: str | None = None
    chi_bo_xep_loai: str | None = None
    ly_do: str | None = None
    ky_luat: bool = False
    source: str = ""
    evaluation: MemberEvaluation | None = None  # kept when the input had details (YAML files)
    result: MemberResult | None = None  # kept when the caller already had the result
    chi_bo: str | None = None
    ky_danh_gia: str | None = None
    status: MemberStatus = "reviewed"  # final: a member with no answer at all is not_reviewed
    status_reason: str | None = None
    ky_luat_form: DisciplineForm | None = None
    errors: dict[int, str] | None = None  # item index -> what is wrong with its cell (invalid items only)

    @property
    def rated(self) -> bool:
        """Only reviewed members get a level; exempt and not reviewed ones are listed, never rated."""
        return self.status == "reviewed"

    @property
    def complete(self) -> bool:
        """False when an item is unanswered or invalid: the level is provisional ("tạm tính")."""
        return not self.invalid and self.values.count(None) == len(self.na)

    @property
    def unanswered_count(self) -> int:
        return self.values.count(None) - len(self.na) - len(self.invalid)

    def level_id(self, rubric: Rubric) -> str | None:
        return rubric.levels[self.core.rank].id if self.rated else None

    def to_result(self, rubric: Rubric) -> MemberResult:
        """The detailed result (built on demand, not kept)."""
        if self.result is not None:
            return self.result
        evaluation = self.evaluation
        if evaluation is None:
            ids = compile_rubric(rubric).ids
            answers = {ids[i]: Answer.model_construct(state="answered", value=v)
                       for i, v in enumerate(self.values) if v is not None}
            answers.update({ids[i]: _NA_ANSWER for i in self.na})
            errors = self.errors or {}
            answers.update({ids[i]: Answer.model_construct(state="invalid", error=errors.get(i)) for i in self.invalid})
            member = MemberInfo.model_construct(ho_ten=self.ho_ten, ma_dang_vien=self.ma_dang_vien, chi_bo=self.chi_bo,
                                                chuc_vu=self.chuc_vu)
            evaluation = MemberEvaluation.model_construct(
                source=self.source, rubric_id=rubric.id, ky_danh_gia=self.ky_danh_gia, member=member,
                tu_xep_loai=self.tu_xep_loai, ky_luat=self.ky_luat, chi_bo_xep_loai=self.chi_bo_xep_loai,
                ly_do=self.ly_do, answers=answers, ky_luat_form=self.ky_luat_form,
                status=self.status if self.status_reason != NO_ANSWER_REASON else "reviewed",
                status_reason=self.status_reason)
        return score_member(rubric, evaluation)

    @classmethod
    def from_result(cls, rubric: Rubric, result: MemberResult, line: int) -> BatchMember:
        """Wrap an already scored member (folder input, tests) without losing any detail."""
        c = compile_rubric(rubric)
        by_id = {item.id: item for item in result.items}
        values = tuple(by_id[i].value if i in by_id and by_id[i].state == "answered" else None for i in c.ids)
        na = tuple(n for n, i in enumerate(c.ids) if i in by_id and by_id[i].state == "na")
        invalid = tuple(n for n, i in enumerate(c.ids) if i in by_id and by_id[i].state == "invalid")
        return cls(line, score_values(c, values, result.ky_luat, na, form_index(result.ky_luat_form)), values, na,
                   invalid, result.ho_ten, result.ma_dang_vien, result.chuc_vu, result.self_level, result.cell_level,
                   result.cell_reason, result.ky_luat, result.source, result=result, chi_bo=result.chi_bo,
                   ky_danh_gia=result.ky_danh_gia, status=result.status, status_reason=result.status_reason,
                   ky_luat_form=result.ky_luat_form)


class LazyResults(Sequence[MemberResult]):
    """The members' detailed results, each built when read (100,000 of them would not fit in memory)."""

    def __init__(self, batch: BatchResult) -> None:
        self._batch = batch

    def __len__(self) -> int:
        return len(self._batch.members)

    @overload
    def __getitem__(self, index: int) -> MemberResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[MemberResult]: ...
    def __getitem__(self, index: int | slice) -> MemberResult | list[MemberResult]:
        rubric = self._batch.rubric
        if isinstance(index, slice):
            return [m.to_result(rubric) for m in self._batch.members[index]]
        return self._batch.members[index].to_result(rubric)

    def __iter__(self) -> Iterator[MemberResult]:
        rubric = self._batch.rubric
        return (m.to_result(rubric) for m in self._batch.members)


@dataclass
class BatchResult:
    """Everything a batch run produced, in input order.

    Every non-blank input row is either a member or has at least one entry in ``problems`` with
    ``line`` = its row number (and is in ``failed_rows``: rows that could not be tied to a person).
    A member row with problems (a bad cell) stays a member, scored provisionally, and its problems
    carry its row too. ``blank_rows`` counts the skipped empty ones and ``ignored_rows`` the total
    rows, which ``notes`` mention.
    """

    source: str
    sheet: str | None
    rubric: Rubric
    members: list[BatchMember] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed_rows: list[int] = field(default_factory=list)
    blank_rows: int = 0
    headers: dict[int, str] = field(default_factory=dict)  # column number (1-based) -> header text
    ignored_rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things worth saying that are not errors

    @property
    def results(self) -> LazyResults:
        return LazyResults(self)

    @property
    def rows(self) -> list[int]:
        """``rows[i]`` is the sheet row (or file number) of member i."""
        return [m.line for m in self.members]

    @classmethod
    def from_results(cls, source: str, sheet: str | None, rubric: Rubric, results: Sequence[MemberResult],
                     rows: Sequence[int], **kwargs: object) -> BatchResult:
        members = [BatchMember.from_result(rubric, r, line) for r, line in zip(results, rows, strict=True)]
        return cls(source, sheet, rubric, members, **kwargs)  # type: ignore[arg-type]


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
    "ky_luat": ("ky luat", "bi ky luat", "hinh thuc ky luat"),
    "trang_thai": ("trang thai", "tinh trang"),
    "ghi_chu": ("ghi chu",),
    "stt": ("stt", "so thu tu", "tt"),
    "chi_bo": ("chi bo",),  # after chi_bo_xep_loai, which it would otherwise swallow
}
# Labels in the title block above the header ("Chi bộ:" | "Chi bộ 3"), as the sheet template writes them.
_TITLE_LABELS = {"chi bo": "chi_bo", "ky danh gia": "ky_danh_gia", "ky": "ky_danh_gia", "nam": "ky_danh_gia",
                 "bo tieu chi": "bo_tieu_chi"}
# What `template sheet` writes after "Bộ tiêu chí:": "<title> (<id>, phiên bản <version>) — ..."
_TEMPLATE_RUBRIC = re.compile(r"\(([^(),\s]+), phiên bản ([^()]*)\)")


def _title_block(rows: list[list[Cell]]) -> dict[str, str]:
    """Cell and period written in the title rows as a label cell followed by its value."""
    found: dict[str, str] = {}
    for row in rows:
        texts = [_cell_text(v) for v in row]
        for col, text in enumerate(texts):
            key = _TITLE_LABELS.get(fold(text)) if text and text.rstrip().endswith(":") else None
            if key is None or key in found:
                continue
            value = next((t for t in texts[col + 1:] if t), None)
            if value:
                found[key] = value
    return found
_TOTAL_WORDS = ("tong cong", "tong so", "tong", "cong")
HEADER_SCAN_ROWS = 50


def _cell_text(value: Cell) -> str | None:
    """Cell content as the text a person typed; None for blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)  # calamine reads whole numbers as floats
    text = str(value).strip()
    if not text:
        return None
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


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
    # column -> (why it looks like an item id the rubric does not have, hint): never read, reported with data
    suspects: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    unused: dict[int, str] = field(default_factory=dict)  # other headed columns: named once in a note
    cleaned: list[int] = field(default_factory=list)  # header columns that held invisible characters
    skipped: set[int] = field(default_factory=set)  # row indices of repeated header rows


# A header that looks like an item id, loosely: letters of any script with spaces or dots between them,
# then a number ("C T2", "CT02", Cyrillic "СТ2"). Only headers whose letters are an id prefix of the
# rubric count, so "Tổ 3" stays an ordinary column.
_ITEM_LIKE = re.compile(r"^\s*((?:[^\W\d_][\s.]?){1,4}?)[\s.\-]*(\d{1,3})(?!\d)")


def _header_text(value: Cell) -> str:
    """A header cell as text: full-width forms folded, invisible characters removed (NFKC)."""
    text = _cell_text(value)
    return nfkc(text) if text else ""


def _suspect(text: str, ids: dict[str, str], prefixes: set[str], rubric: Rubric) -> tuple[str, str | None] | None:
    """Why ``text`` looks like an item id the rubric does not have, and the id it may mean (or None)."""
    found = _ITEM_LIKE.match(text)
    if found is None:
        return None
    letters = re.sub(r"[\s.]", "", found.group(1))
    latin = lookalike_latin(letters)
    base = latin if latin is not None else letters
    written = found.group(0).strip()
    if not base.isascii() and not all(is_latin(ch) for ch in base):  # letters of another script, not known to
        return (f"tiêu đề '{written}' có chữ không phải chữ Latin",  # look like ours: still not an ordinary column
                "gõ lại tiêu đề bằng chữ Latin (bàn phím tiếng Việt hoặc tiếng Anh), ví dụ CT1")
    if fold(base) not in prefixes:  # "Tổ 3", "X5": ordinary columns; "Đ1" folds to an id prefix: not ordinary
        return None
    meant = ids.get(fold(base + str(int(found.group(2)))))
    if latin is not None:
        foreign = "".join(sorted({ch for ch in letters if not ch.isascii()}))
        reason = f"tiêu đề '{written}' có chữ {_script(foreign)} ({foreign}) trông giống chữ Latin"
        hint = f"gõ lại tiêu đề bằng chữ Latin: {meant}" if meant else None
    elif meant is not None:
        reason = f"tiêu đề '{written}' viết khác mã mục {meant}"
        hint = f"có phải ý bạn là {meant}? Sửa tiêu đề thành '{meant}'"
    else:
        reason = f"bộ tiêu chí '{rubric.id}' không có mục '{written}'"
        guess = nearest(written, list(ids.values()))
        hint = f"có phải ý bạn là {guess}?" if guess else None
    return reason, hint


_SCRIPTS = {"CYRILLIC": "Cyrillic (Nga)", "GREEK": "Hy Lạp", "CHEROKEE": "Cherokee"}


def _script(letters: str) -> str:
    """The script of ``letters`` in words ("Cyrillic (Nga)"), or a general word when they mix scripts."""
    names = {unicodedata.name(ch, "").split(" ")[0] for ch in letters}
    only = names.pop() if len(names) == 1 else ""
    return _SCRIPTS.get(only, "không phải Latin")


def _find_layout(rows: list[list[Cell]], rubric: Rubric) -> _Layout | None:
    ids = {fold(item.id).replace(" ", ""): item.id for _, item in rubric.items()}
    prefixes = {fold(found.group(0)) for item_id in ids.values() if (found := re.match(r"[A-Za-z]+", item_id))}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        items: dict[int, str] = {}
        texts = [_header_text(value) for value in row]
        for col, text in enumerate(texts):
            found = _ITEM_HEADER.match(text) if text else None
            if found:
                item_id = ids.get(fold(found.group(1) + found.group(2)))
                if item_id is not None:
                    items[col] = item_id
        if len(items) >= 3:
            layout = _Layout(index, items, {}, dict(enumerate(texts)))
            layout.cleaned = [col for col, value in enumerate(row)
                              if isinstance(value, str) and has_invisible(value)]
            for col, text in enumerate(texts):
                if col in items or not text:
                    continue
                field_name = _field_of(text)
                if field_name is not None and field_name not in layout.fields:
                    layout.fields[field_name] = col
                elif field_name is None:
                    suspect = _suspect(text, ids, prefixes, rubric)
                    if suspect is not None:
                        layout.suspects[col] = suspect
                    else:
                        layout.unused[col] = text
            return layout
    return None


def _repeated_headers(rows: list[list[Cell]], layout: _Layout) -> set[int]:
    """Rows below the header that repeat it (a header copied between the pages of a printed list)."""
    first = min(layout.items)
    wanted = min(3, len(layout.items))
    found: set[int] = set()
    for index in range(layout.header_row + 1, len(rows)):
        row = rows[index]
        cell = row[first] if first < len(row) else None
        if not isinstance(cell, str) or not cell[:1].isalpha():
            continue
        same = 0
        for col, item_id in layout.items.items():
            text = _header_text(row[col]) if col < len(row) else ""
            match = _ITEM_HEADER.match(text) if text else None
            if match and fold(match.group(1) + match.group(2)) == fold(item_id).replace(" ", ""):
                same += 1
                if same >= wanted:
                    found.add(index)
                    break
    return found


def _template_rubric(rows: list[list[Cell]]) -> tuple[int, int, str, str] | None:
    """(row, column, id, version) of the rubric named in the title block written by `template sheet`."""
    for index, row in enumerate(rows):
        texts = [_cell_text(v) or "" for v in row]
        for col, text in enumerate(texts):
            if text.rstrip().endswith(":") and fold(text) == "bo tieu chi":
                value = next(((c, t) for c, t in enumerate(texts) if c > col and t), None)
                found = _TEMPLATE_RUBRIC.search(value[1]) if value else None
                if value is not None and found is not None:
                    return index + 1, value[0] + 1, found.group(1), found.group(2).strip()
    return None


def _check_columns(result: BatchResult, rows: list[list[Cell]], layout: _Layout, rubric: Rubric) -> None:
    """The sheet-columns rule: data under a blank header or under a header that looks like an item id the
    rubric lacks is one problem per column (never silently ignored); other unused columns, one note."""
    name = result.source
    header_line = layout.header_row + 1
    made_with = _template_rubric(rows[: layout.header_row])
    if made_with is not None and made_with[2] != rubric.id:
        line, col, rid, version = made_with
        result.problems.append(Problem(
            name, f"bảng này được tạo theo bộ tiêu chí '{rid}' (phiên bản {version}) nhưng đang chấm theo "
            f"bộ '{rubric.id}'", line, col,
            f"chấm bằng đúng bộ tiêu chí đã dùng để tạo bảng: thêm -r <tệp hoặc mã của '{rid}'>"))
    elif made_with is not None and made_with[3] != rubric.version:
        result.notes.append(f"bảng được tạo theo bộ tiêu chí '{made_with[2]}' phiên bản {made_with[3]}, đang chấm "
                            f"theo phiên bản {rubric.version}")
    start = layout.header_row + 1
    known = {*layout.items, *layout.fields.values(), *layout.unused, *layout.suspects}
    width = max((len(row) for row in rows[start:]), default=0)
    watched = sorted({*(col for col in range(width) if col not in known), *layout.suspects})
    first: dict[int, int] = {}
    if watched:
        for index in range(start, len(rows)):
            if index in layout.skipped:
                continue
            row = rows[index]
            for col in watched:
                if col not in first and col < len(row) and _cell_text(row[col]):
                    first[col] = index + 1
            if len(first) == len(watched):
                break
    unused = [f"'{text}' (cột {column_letter(col + 1)})" for col, text in sorted(layout.unused.items())]
    for col in watched:
        letter = column_letter(col + 1)
        if col in layout.suspects:
            reason, hint = layout.suspects[col]
            if col not in first:
                unused.append(f"'{layout.headers[col]}' (cột {letter}, trống)")
                continue
            if made_with is not None and made_with[2] != rubric.id:
                hint = f"bảng được tạo theo bộ tiêu chí '{made_with[2]}': chấm lại với -r <tệp của bộ đó>"
            result.problems.append(Problem(
                name, f"cột {letter}: {reason}, nên các câu trả lời ở cột này (từ dòng {first[col]}) không được "
                "chấm", header_line, col + 1, hint))
        elif col in first:
            result.problems.append(Problem(
                name, f"cột {letter} không có tiêu đề nhưng có dữ liệu (từ dòng {first[col]}): không biết là mục "
                "nào nên không chấm", header_line, col + 1,
                "ghi tiêu đề cho cột (mã mục như CT1, hoặc tên như 'Ghi chú'); nếu tiêu đề là ô gộp thì bỏ gộp "
                "và ghi tiêu đề cho từng cột"))
    if unused:
        result.notes.append("các cột không dùng để chấm: " + ", ".join(unused))
    if layout.cleaned:
        result.notes.append(f"dòng {header_line}: đã bỏ ký tự vô hình trong tiêu đề cột "
                            + ", ".join(column_letter(c + 1) for c in layout.cleaned))


def _clean_names(result: BatchResult, rows: list[list[Cell]], layout: _Layout) -> None:
    """Invisible characters (zero-width spaces, soft hyphens, bidi controls) removed from names and member
    codes, so two names that look the same are the same; each row so cleaned is named in a note."""
    columns = [layout.fields[key] for key in ("ho_ten", "ma_dang_vien") if key in layout.fields]
    cleaned: list[int] = []
    for index in range(layout.header_row + 1, len(rows)):
        row = rows[index]
        for col in columns:
            cell = row[col] if col < len(row) else None
            if isinstance(cell, str) and has_invisible(cell):
                row[col] = strip_invisible(cell)
                if not cleaned or cleaned[-1] != index + 1:
                    cleaned.append(index + 1)
    if cleaned:
        shown = ", ".join(map(str, cleaned[:20])) + (f" và {len(cleaned) - 20} dòng khác" if len(cleaned) > 20 else "")
        result.notes.append(f"đã bỏ ký tự vô hình (khoảng trắng rộng 0, gạch nối mềm, ký tự đảo chiều) trong họ tên "
                            f"hoặc mã đảng viên ở dòng {shown}")


Progress = Callable[[int, int], None]


def read_sheet(path: Path, rubric: Rubric, sheet: str | None = None, progress: Progress | None = None,
               strict: bool = False) -> BatchResult:
    """Score every member row of a spreadsheet; rows that cannot be scored are reported, never dropped."""
    from tusoi_cli.read.sheet.tables import read_tables

    name = str(path)
    tables = read_tables(path, sheet, name)
    if not tables:  # a damaged workbook can list no sheet at all
        raise InputError([Problem(name, "bảng tính không có trang tính nào (tệp có thể bị hỏng)",
                                  hint="mở bằng Excel hoặc LibreOffice, kiểm tra rồi lưu lại dạng .xlsx")])
    for table in tables:
        layout = _find_layout(table.rows, rubric)
        if layout is not None:
            result = _score_rows(table, layout, rubric, progress, strict)
            check_duplicates(result, "dòng")
            if not result.members and not result.failed_rows:
                where = f"trang '{table.sheet}'" if table.sheet is not None else "tệp"
                raise InputError([Problem(
                    name, f"{where} chỉ có dòng tiêu đề, chưa có dòng đảng viên nào", layout.header_row + 1, None,
                    "điền mỗi đảng viên một dòng dưới dòng tiêu đề; kiểm tra đã chọn đúng tệp, đúng --sheet chưa")])
            return result
    where = f"trang '{sheet}'" if sheet else ("các trang " + ", ".join(tables[0].sheet_names)
                                            if tables[0].sheet_names else "tệp")
    if not any(_cell_text(value) for table in tables for row in table.rows for value in row):
        raise InputError([Problem(
            name, f"bảng tính trống: {where} không có ô nào có dữ liệu",
            hint="kiểm tra đã chọn đúng tệp chưa; tạo mẫu bằng `tusoi template sheet` rồi điền vào")])
    foreign = _foreign_header(tables, rubric)
    if foreign is not None:
        raise InputError([Problem(
            name, f"không tìm thấy dòng tiêu đề trong {where}: dòng {foreign[0]} có tiêu đề như '{foreign[1]}' viết "
            f"bằng chữ không phải Latin (trông giống '{foreign[2]}')", foreign[0], None,
            "gõ lại các mã mục ở dòng tiêu đề bằng chữ Latin (bàn phím tiếng Việt hoặc tiếng Anh)")])
    raise InputError([Problem(
        name, f"không tìm thấy dòng tiêu đề trong {where}",
        hint="dòng tiêu đề phải có cột 'Họ và tên' và các cột bắt đầu bằng mã mục (CT1, DL1, DB1, D1...); "
        "tạo mẫu bằng `tusoi template sheet`")])


def _foreign_header(tables: list[Table], rubric: Rubric) -> tuple[int, str, str] | None:
    """(row, header, the id it imitates) of a header row whose item ids are typed in another script."""
    ids = {fold(item.id) for _, item in rubric.items()}
    for table in tables:
        for index, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
            found = []
            for value in row:
                text = _header_text(value)
                latin = lookalike_latin(text) if text else None
                match = _ITEM_HEADER.match(latin) if latin else None
                if match and fold(match.group(1) + match.group(2)) in ids:
                    found.append((text, match.group(0).strip()))
            if len(found) >= 3:
                return index + 1, found[0][0], found[0][1]
    return None


def _score_rows(table: Table, layout: _Layout, rubric: Rubric, progress: Progress | None,
                strict: bool = False) -> BatchResult:
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
    compiled = compile_rubric(rubric)
    missing = [item_id for item_id in compiled.ids if item_id not in seen]
    if missing:
        result.notes.append("bảng không có cột cho các mục: " + ", ".join(missing) + " (coi là chưa trả lời)")
    layout.skipped = _repeated_headers(table.rows, layout)
    _check_columns(result, table.rows, layout, rubric)
    _clean_names(result, table.rows, layout)
    for index in sorted(layout.skipped):
        result.notes.append(f"dòng {index + 1}: dòng tiêu đề lặp lại, bỏ qua")
        result.ignored_rows.append(index + 1)
    reader = _RowReader(name, layout, rubric, compiled)
    reader.strict = strict
    reader.title = _title_block(table.rows[: layout.header_row])
    reader.bad_cells = table.bad_cells > 0
    rows = table.rows
    # Millions of cells were just allocated; the cycle collector would rescan them again and again
    # while the members are built (none of which form cycles), so it waits until the sheet is read.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _read_rows(result, rows, layout, reader, progress)
    finally:
        if gc_was_enabled:
            gc.enable()
    result.ignored_rows.sort()  # repeated headers (found first) and total rows, in sheet order
    return result


def _read_rows(result: BatchResult, rows: list[list[Cell]], layout: _Layout, reader: _RowReader,
               progress: Progress | None) -> None:
    total = len(rows)
    stt_col = layout.fields.get("stt")
    name_col = layout.fields["ho_ten"]
    for index in range(layout.header_row + 1, total):
        if progress is not None and index % 1000 == 0:
            progress(index, total)
        row = rows[index]
        rows[index] = []  # free the sheet as it is read: a province's sheet is the largest thing in memory
        line = index + 1
        if index in layout.skipped:  # a repeated header row (noted once)
            continue
        if not any(_cell_text(v) for c, v in enumerate(row) if c != stt_col):
            result.blank_rows += 1
            continue
        name_text = _cell_text(row[name_col]) if name_col < len(row) else None
        stt_text = _cell_text(row[stt_col]) if stt_col is not None and stt_col < len(row) else None
        label_text = name_text or stt_text or ""
        label = fold(label_text) if label_text[:1] in "TtCc" else ""  # only "Tổng...", "Cộng" need folding
        if label in _TOTAL_WORDS or label.startswith(("tong cong", "tong so")):
            result.notes.append(f"dòng {line}: dòng tổng cộng, không chấm")
            result.ignored_rows.append(line)
            continue
        member, problems = reader.read(line, row)
        result.problems.extend(problems)
        if member is None:
            result.failed_rows.append(line)
        else:
            result.members.append(member)


_MISS = object()


class _RowReader:
    """Checks one member row against the rubric; built once per sheet."""

    def __init__(self, name: str, layout: _Layout, rubric: Rubric, compiled: Compiled) -> None:
        self.name, self.layout, self.rubric, self.compiled = name, layout, rubric, compiled
        scale_readers = readers(rubric)
        scale_of = {item.id: scale_readers[section.scale] for section, item in rubric.items()}
        index_of = {item_id: i for i, item_id in enumerate(compiled.ids)}
        # (column, item index, the reader's memo of cells, scale reader) for every item column
        self.columns = [(col, index_of[item_id], scale_of[item_id].cells, scale_of[item_id])
                        for col, item_id in layout.items.items()]
        self.levels: dict[str, str | None] = {}  # memo: a sheet repeats a few level words
        self.title: dict[str, str] = {}  # chi bộ / kỳ from the title block
        # Fast path: per scale, the item columns and a memo cell -> value (None: blank) holding only cells
        # already seen to be plain answers or blanks; a row whose cells are all in it needs no checks.
        groups: dict[int, tuple[list[int], list[int], dict[object, float | None]]] = {}
        for col, index, _, reader in self.columns:
            cols, indices, _memo = groups.setdefault(id(reader), ([], [], {None: None, "": None}))
            cols.append(col)
            indices.append(index)
        # per group: fetch its cells in C (itemgetter), and a slice when its items are consecutive
        self.groups = []
        for cols, indices, memo in groups.values():
            consecutive = indices == list(range(indices[0], indices[0] + len(indices)))
            span = slice(indices[0], indices[0] + len(indices)) if consecutive else None
            self.groups.append((itemgetter(*cols) if len(cols) > 1 else lambda row, c=cols[0]: (row[c],),
                                indices, span, memo))
        self.memo_of = {id(reader): groups[id(reader)][2] for _, _, _, reader in self.columns}
        self.width = max(layout.items) + 1
        self.bad_cells = False  # set when the sheet holds error cells: only then are field cells checked
        self.field_columns = sorted(set(layout.fields.values()) - {layout.fields.get("stt", -1)})
        self.strict = False  # --strict: every unanswered item of a reviewed member is a problem of its row

    def _bad_fields(self, row: list[Cell]) -> tuple[int, ...]:
        """Member-field columns (name, code, level...) of ``row`` holding an error cell."""
        width = len(row)
        return tuple(col for col in self.field_columns if col < width and isinstance(row[col], BadCell))

    def _fast_values(self, row: list[Cell]) -> list[float | None] | None:
        """The row's values when every item cell is a known plain answer or blank, else None."""
        if len(row) < self.width:
            row = [*row, *([None] * (self.width - len(row)))]
        values: list[Any] = [None] * len(self.compiled.ids)
        for fetch, indices, span, memo in self.groups:
            cells = fetch(row)
            found = list(map(memo.get, cells, repeat(_MISS, len(cells))))
            if _MISS in found:
                return None
            if span is not None:
                values[span] = found
            else:
                for index, value in zip(indices, found, strict=True):
                    values[index] = value
        return values

    def _remember(self, reader: ScaleReader, cell: object, value: float | None) -> None:
        memo = self.memo_of[id(reader)]
        if len(memo) < 4096 and not isinstance(cell, bool):  # True == 1 as a dict key
            memo[cell] = value

    def read(self, line: int, row: list[Cell]) -> tuple[BatchMember | None, list[Problem]]:
        """The member of one row and the row's problems.

        A row is only refused (member None) when it cannot be tied to a person (no name). Any other
        problem (a bad cell, an unreadable status or level) is reported with the member's name, and
        the member stays: bad items are marked invalid and the level is provisional.
        """
        layout, fields = self.layout, self.layout.fields
        problems: list[Problem] = []
        who = ""

        def problem(col: int, message: str, hint: str | None = None) -> None:
            header = layout.headers.get(col, "")
            where = f"cột {column_letter(col + 1)}" + (f" ({header})" if header else "")
            problems.append(Problem(self.name, f"{who}{where}: {message}", line, col + 1, hint))

        bad_fields = self._bad_fields(row) if self.bad_cells else ()

        def text_at(key: str) -> str | None:
            col = fields.get(key)
            if col is None or col >= len(row) or col in bad_fields:
                return None
            return _cell_text(row[col])

        name_text = text_at("ho_ten")
        if name_text:
            who = f"{name_text} — "
        for col in bad_fields:
            cell = row[col]
            assert isinstance(cell, BadCell)
            problem(col, cell.describe(), cell.HINT)
        if not name_text and fields["ho_ten"] not in bad_fields:
            problem(fields["ho_ten"], "thiếu họ và tên", "điền họ tên đảng viên, hoặc xóa dòng nếu thừa")
        na: list[int] = []
        invalid: list[int] = []
        errors: dict[int, str] = {}
        fast = self._fast_values(row)
        values: list[float | None] = fast if fast is not None else [None] * len(self.compiled.ids)
        width = len(row)
        slow: list[tuple[int, int, dict[object, Parsed], ScaleReader]] = [] if fast is not None else self.columns
        for col, index, cells, reader in slow:
            cell = row[col] if col < width else None
            parsed = cells.get(cell)
            if parsed is None:
                parsed = reader.read_cell(cell)
            state = parsed.state
            if state == "answered":
                values[index] = parsed.value
                self._remember(reader, cell, parsed.value)
            elif state == "na":
                na.append(index)
            elif state == "invalid":
                invalid.append(index)
                errors[index] = parsed.error or "giá trị không hợp lệ"
                problem(col, parsed.error or "giá trị không hợp lệ", parsed.hint)
        if not name_text:
            return None, problems  # nothing ties this row to a person
        ky_luat, form = False, None
        raw_ky_luat = text_at("ky_luat")
        if raw_ky_luat is not None:
            read = discipline(raw_ky_luat)
            if read is None:
                problem(fields["ky_luat"], f"'{raw_ky_luat}' không phải có/không hay một hình thức kỷ luật",
                        "ghi 'có', 'x', hình thức (khiển trách, cảnh cáo, cách chức, khai trừ) hoặc để trống")
            else:
                ky_luat, form = read
        status: MemberStatus = "reviewed"
        status_reason = None
        raw_status = text_at("trang_thai")
        if raw_status is not None:
            read_status = member_status(raw_status)
            if read_status is None:
                problem(fields["trang_thai"], f"trạng thái '{raw_status}' không đọc được", f"ghi {STATUS_CHOICES}")
            else:
                status, status_reason = read_status
        if status == "reviewed" and values.count(None) == len(values) and not na and not invalid:
            status, status_reason = "not_reviewed", NO_ANSWER_REASON
        if self.strict and status == "reviewed":
            skip = set(na) | set(invalid)
            missing = [i for i, v in enumerate(values) if v is None and i not in skip]
            columns = {index: col for col, index, _, _ in self.columns}
            for i in missing:
                item_id = self.compiled.ids[i]
                item_col = columns.get(i)
                if item_col is None:
                    problems.append(Problem(self.name, f"{who}mục {item_id} chưa được trả lời (bảng không có cột"
                                            " của mục này)", line, None, f"thêm cột {item_id} và điền 0 nếu không có"))
                else:
                    problem(item_col, f"mục {item_id} chưa được trả lời",
                            "ghi 0 nếu không có, hoặc 'na' nếu mục không áp dụng")
        levels: dict[str, str | None] = {}
        for key in ("tu_xep_loai", "chi_bo_xep_loai"):
            raw_level = text_at(key)
            if raw_level and raw_level not in self.levels:
                self.levels[raw_level] = match_level(self.rubric, raw_level)
            levels[key] = self.levels[raw_level] if raw_level else None
            if raw_level and levels[key] is None:
                from tusoi_cli.read.member_reader import level_problem

                problem(fields[key], *level_problem(self.rubric, raw_level))
        frozen = tuple(values)
        return BatchMember(
            line, score_values(self.compiled, frozen, ky_luat, na, form_index(form)), frozen, tuple(na),
            tuple(invalid), name_text, text_at("ma_dang_vien"), text_at("chuc_vu"), levels["tu_xep_loai"],
            levels["chi_bo_xep_loai"], text_at("ly_do"), ky_luat, f"{self.name}:{line}",
            chi_bo=text_at("chi_bo") or self.title.get("chi_bo"), ky_danh_gia=self.title.get("ky_danh_gia"),
            status=status, status_reason=status_reason, ky_luat_form=form, errors=errors or None), problems


def check_duplicates(result: BatchResult, unit: str) -> None:
    """A member code used twice, or a row identical to an earlier one: a problem naming both rows (both
    rows stay in the results: tusoi cannot know which one is right). ``unit`` is "dòng" or "tệp"."""
    codes: dict[str, BatchMember] = {}
    rows: dict[tuple[Any, ...], BatchMember] = {}

    def named(member: BatchMember) -> str:  # "dòng 5", or the file's name in a folder
        return f"dòng {member.line}" if unit == "dòng" else f"tệp {Path(member.source).name}"

    for member in result.members:
        where = member.source.rpartition(":")[0] if unit == "dòng" else member.source
        # identical as typed (the text is already NFC and without invisible characters); no folding, which
        # would cost more than the rest of the check on a province's sheet
        key = (member.ho_ten, member.ma_dang_vien, member.values, member.na, member.invalid, member.tu_xep_loai,
               member.chi_bo_xep_loai, member.ly_do, member.ky_luat, member.chuc_vu)
        same = rows.setdefault(key, member)
        if same is not member:
            result.problems.append(Problem(
                where or result.source, f"{named(member)} giống hệt {named(same)} ({member.ho_ten}): có thể bị nhập "
                "hai lần", member.line if unit == "dòng" else None, None,
                f"xóa một trong hai {unit} nếu trùng; cả hai vẫn được chấm"))
            continue
        code = "".join((member.ma_dang_vien or "").split()).casefold()
        if not code:
            continue
        owner = codes.setdefault(code, member)
        if owner is not member:
            result.problems.append(Problem(
                where or result.source, f"mã đảng viên '{member.ma_dang_vien}' trùng: {named(owner)} "
                f"({owner.ho_ten}) và {named(member)} ({member.ho_ten})", member.line if unit == "dòng" else None,
                None, f"sửa mã đảng viên ở một trong hai {unit}; cả hai vẫn được chấm"))


# --------------------------------------------------------------------------- reading a folder


def read_folder(folder: Path, rubric: Rubric, strict: bool = False) -> BatchResult:
    """Score every member YAML file of a folder (sorted by file name) with one rubric."""
    from tusoi_cli.read.inputs import unreadable
    from tusoi_cli.read.member_reader import read_member

    # every .yaml entry is listed: one that is not a regular file (a directory, a dangling link, a pipe
    # that would wait for a writer) is an error naming what it is, never skipped in silence
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".yaml", ".yml"})
    except OSError as exc:
        raise InputError([Problem(str(folder), f"không đọc được thư mục ({exc.strerror})",
                                  hint="kiểm tra quyền đọc thư mục")]) from None
    result = BatchResult(str(folder), None, rubric)
    if not files:
        raise InputError([Problem(str(folder), "thư mục không có tệp .yaml nào",
                                  hint="đặt các tệp tự đánh giá (.yaml) vào thư mục này")])
    for number, path in enumerate(files, start=1):
        odd = unreadable(path)
        if odd is None and not path.is_file():
            odd = ("đây là một ống dẫn (FIFO), không phải tệp", "thay bằng tệp tự đánh giá thật")
        if odd is not None:
            result.problems.append(Problem(str(path), odd[0], hint=odd[1]))
            result.failed_rows.append(number)
            continue
        try:
            read = read_member(path, rubric=rubric, strict=strict)
        except InputError as exc:
            result.problems.extend(exc.problems)
            result.failed_rows.append(number)
            continue
        result.members.append(BatchMember.from_result(rubric, score_member(rubric, read.evaluation), number))
        result.problems.extend(read.problems)
        result.notes.extend(str(note) for note in read.notes)
    check_duplicates(result, "tệp")
    return result


def read_batch(source: Path, rubric: Rubric, *, sheet: str | None = None, strict: bool = False,
               progress: Progress | None = None) -> BatchResult:
    """A folder of member files or a spreadsheet, scored with ``rubric``."""
    if source.is_dir():
        return read_folder(source, rubric, strict)
    return read_sheet(source, rubric, sheet, progress, strict)


def sort_by_name(batch: BatchResult) -> None:
    """Vietnamese roster order: given name, then family and middle names (a ă â b c d đ ...)."""
    from tusoi_cli.collation import name_key

    batch.members.sort(key=lambda m: name_key(m.ho_ten))


def level_counts(batch: BatchResult, *, decided: bool = False) -> dict[str, int]:
    """Members per level (computed, or as the cell decided), best level first, zeros included.

    Only reviewed members count: exempt and not reviewed ones have no level (see :func:`status_counts`)."""
    levels = batch.rubric.levels
    counts = {level.id: 0 for level in levels}
    for member in batch.members:
        if not member.rated:
            continue
        if decided:
            if member.chi_bo_xep_loai is not None:
                counts[member.chi_bo_xep_loai] += 1
        else:
            counts[levels[member.core.rank].id] += 1
    return counts


def prevalence(batch: BatchResult) -> list[tuple[str, int]]:
    """(item id, rated members flagged), most common first, rubric order among equals; unflagged items left out."""
    c = compile_rubric(batch.rubric)
    counts = [0] * len(c.ids)
    deducting = [c.deducts[s] for s in c.section_of]
    for member in batch.members:
        if not member.rated:
            continue
        for i, value in enumerate(member.values):
            if value and deducting[i]:
                counts[i] += 1
    order = sorted((i for i in range(len(counts)) if counts[i]), key=lambda i: (-counts[i], i))
    return [(c.ids[i], counts[i]) for i in order]


def status_counts(batch: BatchResult) -> dict[str, int]:
    """Members per status (reviewed, exempt, not_reviewed), zeros included."""
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for member in batch.members:
        counts[member.status] += 1
    return counts


def provisional_count(batch: BatchResult) -> int:
    """Rated members whose level is provisional: some item unanswered or invalid."""
    return sum(1 for m in batch.members if m.rated and not m.complete)


def incomplete_counts(batch: BatchResult) -> tuple[int, int]:
    """(rated members with some item unanswered, rated members with some invalid item)."""
    rated = [m for m in batch.members if m.rated]
    return sum(1 for m in rated if m.unanswered_count), sum(1 for m in rated if m.invalid)
