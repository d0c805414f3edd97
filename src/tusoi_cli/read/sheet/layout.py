"""The layout of a member sheet: which row is the header, which column holds which field or item.

Headers are matched loosely (no diacritics, spaces, case) and item ids also when typed in a look-alike
script; the title block above the header gives the cell and the period."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from tusoi_cli.model import (
    Rubric,
)
from tusoi_cli.model.cells import Cell
from tusoi_cli.read.sheet.tables import Table
from tusoi_cli.text import fold, has_invisible, is_latin, lookalike_latin, nearest, nfkc

# --------------------------------------------------------------------------- reading a sheet


ITEM_HEADER = re.compile(r"^\s*([A-Za-z]{1,4})\s*(\d{1,3})(?!\d)")


FIELDS: dict[str, tuple[str, ...]] = {
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
    "han_che_ky_truoc": ("han che ky truoc", "han che, khuyet diem ky truoc", "han che khuyet diem ky truoc"),
    "ket_qua_khac_phuc": ("ket qua khac phuc",),
    "stt": ("stt", "so thu tu", "tt"),
    "chi_bo": ("chi bo",),  # after chi_bo_xep_loai, which it would otherwise swallow
}


# Labels in the title block above the header ("Chi bộ:" | "Chi bộ 3"), as the sheet template writes them.
_TITLE_LABELS = {"chi bo": "chi_bo", "ky danh gia": "ky_danh_gia", "ky": "ky_danh_gia", "nam": "ky_danh_gia",
                 "bo tieu chi": "bo_tieu_chi"}


# What `template sheet` writes after "Bộ tiêu chí:": "<title> (<id>, phiên bản <version>) — ..."
TEMPLATE_RUBRIC = re.compile(r"\(([^(),\s]+), phiên bản ([^()]*)\)")


def title_block(rows: list[list[Cell]]) -> dict[str, str]:
    """Cell and period written in the title rows as a label cell followed by its value."""
    found: dict[str, str] = {}
    for row in rows:
        texts = [cell_text(v) for v in row]
        for col, text in enumerate(texts):
            key = _TITLE_LABELS.get(fold(text)) if text and text.rstrip().endswith(":") else None
            if key is None or key in found:
                continue
            value = next((t for t in texts[col + 1:] if t), None)
            if value:
                found[key] = value
    return found


TOTAL_WORDS = ("tong cong", "tong so", "tong", "cong")


HEADER_SCAN_ROWS = 50


def cell_text(value: Cell) -> str | None:
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


def rater_fields(rubric: Rubric) -> dict[str, tuple[str, ...]]:
    """The columns of the rubric's rater slots: slot field -> folded headers (its label and aliases)."""
    return {slot.field: (fold(slot.label), *(fold(alias) for alias in slot.aliases)) for slot in rubric.raters}


def field_of(header: str, extra: dict[str, tuple[str, ...]] | None = None) -> str | None:
    key = fold(header)
    for field_name, names in (*(extra or {}).items(), *FIELDS.items()):
        for known in names:
            if key == known or key.startswith(known + " ") or key.startswith(known + "("):
                return field_name
    return None


@dataclass
class Layout:
    header_row: int  # 0-based index into rows
    items: dict[int, str]  # column index -> item id
    fields: dict[str, int]  # field -> column index
    headers: dict[int, str]
    # column -> (why it looks like an item id the rubric does not have, hint): never read, reported with data
    suspects: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    unused: dict[int, str] = field(default_factory=dict)  # other headed columns: named once in a note
    cleaned: list[int] = field(default_factory=list)  # header columns that held invisible characters
    skipped: set[int] = field(default_factory=set)  # row indices of repeated header rows
    votes: dict[int, str] = field(default_factory=dict)  # vote columns (headed by a level): read by bieu-quyet


# A header that looks like an item id, loosely: letters of any script with spaces or dots between them,
# then a number ("C T2", "CT02", Cyrillic "СТ2"). Only headers whose letters are an id prefix of the
# rubric count, so "Tổ 3" stays an ordinary column.
_ITEM_LIKE = re.compile(r"^\s*((?:[^\W\d_][\s.]?){1,4}?)[\s.\-]*(\d{1,3})(?!\d)")


def header_text(value: Cell) -> str:
    """A header cell as text: full-width forms folded, invisible characters removed (NFKC)."""
    text = cell_text(value)
    return nfkc(text) if text else ""


def suspect_header(text: str, ids: dict[str, str], prefixes: set[str], rubric: Rubric) -> tuple[str, str | None] | None:
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
        reason = f"tiêu đề '{written}' có chữ {script_name(foreign)} ({foreign}) trông giống chữ Latin"
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


def script_name(letters: str) -> str:
    """The script of ``letters`` in words ("Cyrillic (Nga)"), or a general word when they mix scripts."""
    names = {unicodedata.name(ch, "").split(" ")[0] for ch in letters}
    only = names.pop() if len(names) == 1 else ""
    return _SCRIPTS.get(only, "không phải Latin")


def find_layout(rows: list[list[Cell]], rubric: Rubric) -> Layout | None:
    ids = {fold(item.id).replace(" ", ""): item.id for _, item in rubric.items()}
    prefixes = {fold(found.group(0)) for item_id in ids.values() if (found := re.match(r"[A-Za-z]+", item_id))}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        items: dict[int, str] = {}
        texts = [header_text(value) for value in row]
        for col, text in enumerate(texts):
            found = ITEM_HEADER.match(text) if text else None
            if found:
                item_id = ids.get(fold(found.group(1) + found.group(2)))
                if item_id is not None:
                    items[col] = item_id
        if len(items) >= 3:
            extra = rater_fields(rubric)
            layout = Layout(index, items, {}, dict(enumerate(texts)))
            layout.cleaned = [col for col, value in enumerate(row)
                              if isinstance(value, str) and has_invisible(value)]
            for col, text in enumerate(texts):
                if col in items or not text:
                    continue
                field_name = field_of(text, extra)
                if field_name is not None and field_name not in layout.fields:
                    layout.fields[field_name] = col
                elif field_name is None:
                    suspect = suspect_header(text, ids, prefixes, rubric)
                    level = _level_header(rubric, text) if suspect is None else None
                    if suspect is not None:
                        layout.suspects[col] = suspect
                    elif level is not None and level not in layout.votes.values():
                        layout.votes[col] = level
                    else:
                        layout.unused[col] = text
            return layout
    return None


def _level_header(rubric: Rubric, text: str) -> str | None:
    """The level a header names by its label or id (a vote column: the ballots for that level), if it is one."""
    key = fold(text)
    return next((lv.id for lv in rubric.levels if key in (fold(lv.label), fold(lv.id))), None)


def repeated_headers(rows: list[list[Cell]], layout: Layout) -> set[int]:
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
            text = header_text(row[col]) if col < len(row) else ""
            match = ITEM_HEADER.match(text) if text else None
            if match and fold(match.group(1) + match.group(2)) == fold(item_id).replace(" ", ""):
                same += 1
                if same >= wanted:
                    found.add(index)
                    break
    return found


def template_rubric(rows: list[list[Cell]]) -> tuple[int, int, str, str] | None:
    """(row, column, id, version) of the rubric named in the title block written by `template sheet`."""
    for index, row in enumerate(rows):
        texts = [cell_text(v) or "" for v in row]
        for col, text in enumerate(texts):
            if text.rstrip().endswith(":") and fold(text) == "bo tieu chi":
                value = next(((c, t) for c, t in enumerate(texts) if c > col and t), None)
                found = TEMPLATE_RUBRIC.search(value[1]) if value else None
                if value is not None and found is not None:
                    return index + 1, value[0] + 1, found.group(1), found.group(2).strip()
    return None


def foreign_header(tables: list[Table], rubric: Rubric) -> tuple[int, str, str] | None:
    """(row, header, the id it imitates) of a header row whose item ids are typed in another script."""
    ids = {fold(item.id) for _, item in rubric.items()}
    for table in tables:
        for index, row in enumerate(table.rows[:HEADER_SCAN_ROWS]):
            found = []
            for value in row:
                text = header_text(value)
                latin = lookalike_latin(text) if text else None
                match = ITEM_HEADER.match(latin) if latin else None
                if match and fold(match.group(1) + match.group(2)) in ids:
                    found.append((text, match.group(0).strip()))
            if len(found) >= 3:
                return index + 1, found[0][0], found[0][1]
    return None
