"""The list of members a sheet template is made for: a text file (one name a line) or a table."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from tusoi_cli.errors import InputError, Problem
from tusoi_cli.model.people import Person

_NUMBERING = re.compile(r"^\s*\d{1,4}\s*[.)\-–]\s+")
_TEXT_SUFFIXES = {".txt", ".text", ".lst", ""}


def read_people(path: Path) -> list[Person]:
    """Members from a text file (one name a line; '#' comments and '1. ' numbering ignored) or a table
    (.csv, .xlsx, .xls, .ods) with a 'Họ và tên' column (and optionally 'Mã đảng viên', 'Chức vụ')."""
    name = str(path)
    if path.suffix.lower() in _TEXT_SUFFIXES:
        from tusoi_cli.read.yaml_reader import read_text

        people = []
        for line in read_text(path, name).splitlines():
            text = _NUMBERING.sub("", unicodedata.normalize("NFC", line)).strip()
            if text and not text.startswith("#"):
                people.append(Person(text))
    else:
        people = _people_from_table(path, name)
    if not people:
        raise InputError([Problem(name, "danh sách không có tên đảng viên nào",
                                  hint="mỗi dòng một họ tên, hoặc một bảng có cột 'Họ và tên'")])
    return people


def _people_from_table(path: Path, name: str) -> list[Person]:
    from tusoi_cli.read.sheet.layout import cell_text, field_of
    from tusoi_cli.read.sheet.tables import read_tables

    tables = read_tables(path, None, name)
    for table in tables:
        rows = table.rows
        for index, row in enumerate(rows[:20]):
            fields: dict[str, int] = {}
            for col, value in enumerate(row):
                text = cell_text(value)
                field = field_of(text) if text else None
                if field is not None and field not in fields:
                    fields[field] = col
            if "ho_ten" in fields:
                return [person for row in rows[index + 1:] if (person := _person(row, fields)) is not None]
    rows = [row for row in tables[0].rows if any(cell_text(v) for v in row)]
    if rows and all(sum(1 for v in row if cell_text(v)) == 1 for row in rows):
        return [Person(next(t for v in row if (t := cell_text(v)))) for row in rows]
    raise InputError([Problem(name, "không thấy cột 'Họ và tên' trong danh sách",
                              hint="thêm dòng tiêu đề có cột 'Họ và tên' (và nếu muốn: 'Mã đảng viên', 'Chức vụ'), "
                                   "hoặc dùng tệp .txt mỗi dòng một họ tên")])


def _person(row: list[object], fields: dict[str, int]) -> Person | None:
    from tusoi_cli.read.sheet.layout import cell_text

    def at(key: str) -> str | None:
        col = fields.get(key)
        return cell_text(row[col]) if col is not None and col < len(row) else None  # type: ignore[arg-type]

    ho_ten = at("ho_ten")
    return Person(ho_ten, at("ma_dang_vien"), at("chuc_vu")) if ho_ten else None
