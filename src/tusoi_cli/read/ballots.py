"""Reading the cell's ballots: the filled form of `tusoi template phieu`, a file of one row per ballot, or the
vote columns of the cell sheet itself.

- Tally form: a header row with "Họ và tên" and one column per level, headed by the level's label (or id or
  alias); each cell holds that level's ballots ("x" counts one, blank none); an optional "Tổng số phiếu"
  column is checked against the row's sum.
- One row per ballot: a header row with "Họ và tên" and a "Phiếu" (or "Mức", "Biểu quyết") column holding
  the level on that ballot; a member's ballots are the rows with their name.
- Above the header, the title block gives "Số đảng viên có mặt: N" (members present and voting) and may say
  "Đơn vị đặc biệt: có".

Every problem names the file, row and column and the fix; the file is only read.
"""

from __future__ import annotations

import re
from pathlib import Path

from tusoi_cli.errors import InputError, Problem
from tusoi_cli.model import Rubric
from tusoi_cli.model.cells import BadCell, Cell
from tusoi_cli.model.meeting import BallotRow, Ballots
from tusoi_cli.model.words import yes_no
from tusoi_cli.read.rubric_loader import match_level
from tusoi_cli.read.sheet.layout import HEADER_SCAN_ROWS, TOTAL_WORDS, cell_text, field_of, header_text
from tusoi_cli.read.sheet.tables import column_letter
from tusoi_cli.text import fold

_BALLOT_HEADERS = ("phieu", "phieu bieu quyet", "muc", "muc bieu quyet", "bieu quyet", "muc xep loai")
_TOTAL_HEADERS = ("tong so phieu", "tong phieu", "so phieu", "tong so", "tong cong", "tong", "cong")
_PRESENT_LABELS = ("so dang vien co mat", "so co mat", "co mat", "so dang vien du hop", "so nguoi bieu quyet")
_EXCEPTIONAL_LABELS = ("don vi dac biet",)
_MARKS = {"x", "v", "✓", "✔", "☒", "☑"}
_NUMBER = re.compile(r"^\s*(\d+)\s*$")


def read_ballots(path: Path, rubric: Rubric, sheet: str | None = None, *, required: bool = True) -> Ballots | None:
    """The ballots of ``path``. When ``required`` is False (the cell sheet itself), a sheet without ballot columns
    gives no rows, only what its title block says. Raises :class:`InputError` when a required ballot file has
    no header row."""
    from tusoi_cli.read.sheet.tables import read_tables

    name = str(path)
    tables = read_tables(path, sheet, name)
    for table in tables:
        # in the cell sheet only a level's own label (or id) heads a vote column: a short alias ("T", "K")
        # could be any column there; a ballot file may use the aliases too ("HTXSNV")
        found = _header(table.rows, rubric, aliases=required)
        if found is not None:
            return _read(name, table.rows, found, rubric)
    if not required:
        # a cell sheet without vote columns: only its title block ("Đơn vị đặc biệt:", "Số đảng viên có mặt:")
        if not tables:
            return None
        rows = tables[0].rows
        end = next((i for i, row in enumerate(rows[:HEADER_SCAN_ROWS])
                    if any(field_of(header_text(v)) == "ho_ten" for v in row if not isinstance(v, BadCell))), 0)
        title = Ballots(name, "tally", None)
        _title(title, rows[:end])
        return title
    labels = ", ".join(f"'{lv.label}'" for lv in rubric.levels)
    raise InputError([Problem(name, "không tìm thấy dòng tiêu đề của phiếu biểu quyết", None, None,
                              f"dòng tiêu đề cần cột 'Họ và tên' và một cột cho mỗi mức ({labels}), hoặc cột 'Phiếu'"
                              " ghi mức của từng phiếu; tạo mẫu bằng `tusoi template phieu`")])


class _Found:
    def __init__(self, row: int, name: int, code: int | None, levels: dict[int, str], ballot: int | None,
                 total: int | None) -> None:
        self.row, self.name, self.code, self.levels, self.ballot, self.total = row, name, code, levels, ballot, total


def level_header(rubric: Rubric, text: str, *, aliases: bool = True) -> str | None:
    """The level a column header names: its label or id, and with ``aliases`` its other spellings."""
    if aliases:
        return match_level(rubric, text)
    key = fold(text)
    return next((lv.id for lv in rubric.levels if key in (fold(lv.label), fold(lv.id))), None)


def _header(rows: list[list[Cell]], rubric: Rubric, *, aliases: bool) -> _Found | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        texts = [header_text(value) for value in row]
        name = code = ballot = total = None
        levels: dict[int, str] = {}
        for col, text in enumerate(texts):
            if not text:
                continue
            key = fold(text)
            level = level_header(rubric, text, aliases=aliases)
            if level is not None and level not in levels.values():
                levels[col] = level
            elif key in _BALLOT_HEADERS and ballot is None:
                ballot = col
            elif key in _TOTAL_HEADERS and total is None:
                total = col
            else:
                field = field_of(text)
                if field == "ho_ten" and name is None:
                    name = col
                elif field == "ma_dang_vien" and code is None:
                    code = col
        if name is not None and (len(levels) >= 2 or ballot is not None):
            return _Found(index, name, code, levels if len(levels) >= 2 else {}, ballot if len(levels) < 2 else None,
                          total)
    return None


def _read(name: str, rows: list[list[Cell]], found: _Found, rubric: Rubric) -> Ballots:
    ballots = Ballots(name, "tally" if found.levels else "ballot", None)
    _title(ballots, rows[: found.row])
    by_member: dict[str, BallotRow] = {}
    for index in range(found.row + 1, len(rows)):
        row = rows[index]
        line = index + 1

        def at(col: int | None, row: list[Cell] = row) -> Cell:
            return row[col] if col is not None and col < len(row) else None

        who = cell_text(at(found.name)) if not isinstance(at(found.name), BadCell) else None
        if (who and fold(who) in TOTAL_WORDS) or (who and fold(who).startswith(("tong cong", "tong so"))):
            continue  # a total row
        columns = [*found.levels, *([found.ballot] if found.ballot is not None else [])]
        if not who:
            if any(cell_text(at(c)) for c in columns if not isinstance(at(c), BadCell)):
                ballots.problems.append(Problem(name, "dòng có phiếu nhưng thiếu họ và tên", line, found.name + 1,
                                                "ghi họ và tên đảng viên được biểu quyết"))
            continue
        code = cell_text(at(found.code)) if found.code is not None and not isinstance(at(found.code), BadCell) else None
        if found.levels:
            ballots.rows.append(_tally_row(ballots, name, row, line, who, code, found))
            continue
        raw = at(found.ballot)
        text = cell_text(raw) if not isinstance(raw, BadCell) else None
        entry = by_member.get(fold(who))
        if entry is None:
            entry = by_member[fold(who)] = BallotRow(who, line, {lv.id: 0 for lv in rubric.levels}, code)
            ballots.rows.append(entry)
        if not text:
            continue  # a blank ballot counts for no level
        level = match_level(rubric, text)
        if level is None:
            assert found.ballot is not None
            ballots.problems.append(Problem(
                name, f"{who} — cột {column_letter(found.ballot + 1)}: phiếu '{text}' không phải một mức xếp loại",
                line, found.ballot + 1, "ghi một trong: " + ", ".join(lv.label for lv in rubric.levels)))
            entry.valid = False
            continue
        entry.counts[level] += 1
    return ballots


def _tally_row(ballots: Ballots, name: str, row: list[Cell], line: int, who: str, code: str | None,
               found: _Found) -> BallotRow:
    entry = BallotRow(who, line, {}, code)
    for col, level in found.levels.items():
        cell = row[col] if col < len(row) else None
        number = _count(cell)
        if number is None:
            shown = cell.describe() if isinstance(cell, BadCell) else cell_text(cell)
            ballots.problems.append(Problem(
                name, f"{who} — cột {column_letter(col + 1)}: '{shown}' không phải số phiếu", line, col + 1,
                "ghi số phiếu (0, 1, 2...), 'x' cho một phiếu, hoặc để trống"))
            entry.valid = False
            number = 0
        entry.counts[level] = number
    if found.total is not None:
        cell = row[found.total] if found.total < len(row) else None
        blank = not isinstance(cell, BadCell) and cell_text(cell) is None
        stated = None if blank else _count(cell)
        if stated is not None and stated != sum(entry.counts.values()) and entry.valid:
            ballots.problems.append(Problem(
                name, f"{who} — cột {column_letter(found.total + 1)}: tổng số phiếu ghi {stated} nhưng các cột mức cộng"
                f" lại được {sum(entry.counts.values())}", line, found.total + 1,
                "kiểm phiếu lại rồi sửa số phiếu của từng mức hoặc ô tổng"))
            entry.valid = False
    return entry


def _count(cell: Cell) -> int | None:
    """Ballots in one cell: a whole number >= 0, 'x' (one), blank (none); None when it is none of these."""
    if isinstance(cell, BadCell):
        return None
    text = cell_text(cell)
    if text is None:
        return 0
    if fold(text) in _MARKS:
        return 1
    found = _NUMBER.match(text)
    return int(found.group(1)) if found else None


def _title(ballots: Ballots, rows: list[list[Cell]]) -> None:
    """Members present ("Số đảng viên có mặt: 9") and the exceptional-unit field, from the title block."""
    for index, row in enumerate(rows):
        texts = [cell_text(v) if not isinstance(v, BadCell) else None for v in row]
        for col, text in enumerate(texts):
            if not text:
                continue
            label, _, rest = text.partition(":")
            key = fold(label)
            value = rest.strip() or next((t for t in texts[col + 1:] if t), None)
            if key.startswith(_PRESENT_LABELS) and ballots.present is None:
                if value is None:
                    continue  # the blank line of a printed form: --co-mat, or a problem later
                number = _NUMBER.match(value)
                if number is None:
                    ballots.problems.append(Problem(ballots.source, f"số đảng viên có mặt '{value}' không phải một số",
                                                    index + 1, col + 1, "ghi một số, ví dụ 'Số đảng viên có mặt: 9'"))
                    continue
                ballots.present = int(number.group(1))
            elif key.startswith(_EXCEPTIONAL_LABELS) and value is not None and ballots.exceptional is None:
                ballots.exceptional = yes_no(value)
