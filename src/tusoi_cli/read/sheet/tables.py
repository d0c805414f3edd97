"""Reading a cell's spreadsheet (.xlsx, .xls, .ods, .csv) into plain rows, safely (the checks before a
reader sees the bytes are in :mod:`tusoi_cli.read.sheet.guards`).

Readers are not trusted: python-calamine is fast but aborts the whole process on a tiny file
that places one cell far away (it allocates the whole rectangle), raises Rust panics
(BaseException) on corrupt .xls files, and returns error cells (#N/A) and formulas that were never
calculated as empty. So files are recognised by their bytes, not their extension; .xlsx/.ods zips
are checked for bombs, .xlsx/.ods/.xls for the extent of their cells before calamine sees them,
and the same passes find the error cells, which are put back into the rows as :class:`BadCell`;
every failure becomes a located Vietnamese :class:`InputError`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tusoi_cli.errors import InputError
from tusoi_cli.model.cells import Cell, DamagedCell
from tusoi_cli.read.sheet.guards import (
    EXCEL_ROWS,
    BadCells,
    check_xls,
    check_zip,
    column_letter,
    fail,
    is_encrypted_ooxml,
)
from tusoi_cli.text import thousands

MAX_CSV_ROWS = EXCEL_ROWS  # Excel's own limit
MAX_CSV_BYTES = 64 * 1024**2  # 100,000 members are ~11 MB; every cell becomes a Python object
MAX_SHEET_BYTES = 256 * 1024**2  # a 100,000-member .xlsx is ~15 MB; the file is held in memory once



__all__ = ["EXCEL_ROWS", "MAX_CSV_BYTES", "MAX_CSV_ROWS", "MAX_SHEET_BYTES", "Table", "column_letter", "read_table",
           "read_tables", "sniff_kind"]


@dataclass
class Table:
    """One sheet: ``rows[i]`` is spreadsheet row ``i + 1``; cells are None or "" (blank), str, int, float,
    bool or dates (calamine gives whole numbers as floats)."""

    name: str
    sheet: str | None
    rows: list[list[Any]]
    sheet_names: list[str]
    bad_cells: int = 0  # how many :class:`BadCell` the rows hold




def sniff_kind(head: bytes) -> str:
    """'zip' (.xlsx/.ods), 'ole' (.xls), 'html', 'xml' or 'text', from the first bytes."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<table")):
        return "html"
    if probe.startswith(b"<?xml"):
        return "xml"
    return "text"


def read_table(path: Path, sheet: str | None = None, name: str | None = None) -> Table:
    """Read the chosen sheet (or, when ``sheet`` is None, every sheet lazily via :func:`read_tables`)."""
    tables = read_tables(path, sheet, name)
    return tables[0]


def read_tables(path: Path, sheet: str | None = None, name: str | None = None) -> list[Table]:
    """The named sheet, or all sheets in order when ``sheet`` is None (the caller picks the first usable)."""
    from tusoi_cli.read.inputs import open_input, read_upto

    display = name or str(path)
    with open_input(path, display) as handle:  # one open, one pass: a pipe can be read only once
        head = read_upto(handle, 4096)
        kind = sniff_kind(head)
        limit = MAX_CSV_BYTES if kind == "text" else MAX_SHEET_BYTES
        data = head + read_upto(handle, limit + 1 - len(head))
    if kind == "html":
        raise fail(display, "đây là trang HTML đổi tên thành bảng tính (thường do phần mềm trực tuyến xuất ra)",
                    "mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx")
    if kind == "xml":
        raise fail(display, "đây là tệp XML (SpreadsheetML 2003) chứ không phải .xls/.xlsx thật",
                    "mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx")
    if len(data) > limit:
        what = "tệp CSV" if kind == "text" else "tệp bảng tính"
        raise fail(display, f"{what} quá lớn (hơn {limit // 1024**2} MB)",
                    "tách thành nhiều tệp nhỏ hơn" + (", hoặc lưu dạng .xlsx" if kind == "text" else ""))
    if kind == "text":
        if sheet is not None:
            raise fail(display, "tệp CSV không có trang tính nên không dùng được --sheet", "bỏ tùy chọn --sheet")
        return [_read_csv(data, display)]
    if kind == "zip":
        bad = check_zip(data, display)
    else:
        if is_encrypted_ooxml(data):
            raise fail(display, "tệp được đặt mật khẩu", "mở bằng Excel, bỏ mật khẩu rồi lưu lại")
        bad = check_xls(data, display)
    return _read_calamine(data, display, sheet, bad)


# --------------------------------------------------------------------------- CSV


def decode_csv(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            return raw.decode("utf-32")
        except UnicodeDecodeError:
            raise fail(name, "tệp UTF-32 bị hỏng", "xuất lại tệp từ Excel dạng CSV UTF-8") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise fail(name, "tệp UTF-16 bị hỏng", "xuất lại tệp từ Excel dạng CSV UTF-8") from None
    from tusoi_cli.read.yaml_reader import unusual_encoding

    unusual = unusual_encoding(raw)
    if unusual is not None:
        raise fail(name, unusual.replace("tệp văn bản", "tệp CSV"),
                    "trong Excel chọn Lưu thành → \"CSV UTF-8 (phân tách bằng dấu phẩy)\", hoặc lưu dạng .xlsx")
    if raw[:4096].count(b"\x00") > 16:  # a stray NUL is one damaged cell (reported with its row); many: binary
        raise fail(name, "tệp nhị phân, không phải bảng tính CSV",
                    "dùng tệp .xlsx, .xls, .ods hoặc CSV lưu dạng UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(name, "tệp CSV không phải mã UTF-8 (có thể là mã Windows-1258 hoặc TCVN3)",
                    "trong Excel chọn Lưu thành → \"CSV UTF-8 (phân tách bằng dấu phẩy)\", hoặc lưu dạng .xlsx",
                    line) from None


def _read_csv(raw: bytes, name: str) -> Table:
    text = decode_csv(raw, name)
    if not text.strip():
        raise fail(name, "tệp CSV rỗng", "tạo mẫu bằng `tusoi template sheet`, điền rồi lưu lại")
    sample = "\n".join(text.splitlines()[:50])
    delimiter = max((",", ";", "\t"), key=lambda d: sample.count(d))
    try:  # strict first: a quote left open would silently swallow every row after it
        table = Table(name, None, _csv_rows(text, delimiter, name, strict=True), [])
        return _damaged(table) if "\x00" in text else table
    except csv.Error as exc:
        line, reason = exc.args if len(exc.args) == 2 else (None, str(exc))
        if "unexpected end of data" in reason:
            raise fail(name, "dấu ngoặc kép (\") mở ở đây nhưng không bao giờ đóng: mọi dòng sau nó sẽ bị gộp "
                        "vào một ô", "thêm dấu \" đóng, hoặc xóa dấu \" thừa ở ô này", line) from None
        if "field larger than field limit" in reason:
            raise fail(name, f"một ô dài hơn {csv.field_size_limit() // 1024} KB",
                        "kiểm tra dấu ngoặc kép (\") ở ô này; một bản tự đánh giá không có ô dài như vậy",
                        line) from None
    try:  # other strict complaints ('"ab"c'): read the way spreadsheets do
        table = Table(name, None, _csv_rows(text, delimiter, name, strict=False), [])
        return _damaged(table) if "\x00" in text else table
    except csv.Error as exc:  # pragma: no cover - the strict pass reports what the lenient one can meet
        line, reason = exc.args if len(exc.args) == 2 else (None, str(exc))
        raise fail(name, f"tệp CSV sai cấu trúc ({reason})", "mở bằng Excel rồi lưu lại dạng CSV UTF-8",
                    line) from None


def _damaged(table: Table) -> Table:
    """Count the cells that held a NUL byte (only then does the batch reader check member-field cells)."""
    table.bad_cells = sum(isinstance(c, DamagedCell) for row in table.rows for c in row)
    return table


def _csv_rows(text: str, delimiter: str, name: str, *, strict: bool) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    start = 1
    try:
        for record in reader:
            rows.append([(DamagedCell("\\0") if "\x00" in value else value) if value.strip() else None
                         for value in record])
            start = reader.line_num + 1
            if len(rows) > MAX_CSV_ROWS:
                raise fail(name, f"tệp CSV có hơn {thousands(MAX_CSV_ROWS)} dòng (giới hạn của Excel)",
                            "tách thành nhiều tệp, mỗi tệp một chi bộ hay một đảng bộ")
    except csv.Error as exc:
        raise csv.Error(start, str(exc)) from None  # the line where the bad record starts
    return rows




# --------------------------------------------------------------------------- zip guards













































# --------------------------------------------------------------------------- .xls guard









# --------------------------------------------------------------------------- calamine


class _PanicsHidden:
    """Keep what Rust prints on file descriptor 2 (a caught panic's message, with RUST_BACKTRACE a whole
    backtrace) off the user's screen; anything else written meanwhile is passed on afterwards."""

    def __init__(self) -> None:
        self.panicked = False
        self._saved: int | None = None
        self._capture: Any = None

    def __enter__(self) -> _PanicsHidden:
        import os
        import sys
        import tempfile

        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):  # no real stderr (embedded, closed): nothing to hide
            return self
        self._saved, self._capture = saved, tempfile.TemporaryFile()
        os.dup2(self._capture.fileno(), 2)
        return self

    def __exit__(self, *exc: object) -> None:
        import os

        if self._saved is None:
            return
        os.dup2(self._saved, 2)
        os.close(self._saved)
        with self._capture as capture:
            capture.seek(0)
            written = capture.read()
        if written and not self.panicked:
            os.write(2, written)


def _read_calamine(data: bytes, name: str, sheet: str | None, bad: dict[str, BadCells] | None = None) -> list[Table]:
    with _PanicsHidden() as hidden:
        return _calamine_tables(data, name, sheet, bad or {}, hidden)


def _calamine_tables(data: bytes, name: str, sheet: str | None, bad: dict[str, BadCells],
                     hidden: _PanicsHidden) -> list[Table]:
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        if sheet is not None:
            if sheet not in names:
                from tusoi_cli.text import nearest

                guess = nearest(sheet, names)
                raise fail(name, f"không có trang tính '{sheet}'",
                            f"có phải ý bạn là '{guess}'?" if guess else "các trang: " + ", ".join(names))
            chosen = [sheet]
        else:
            chosen = names
        tables = []
        for sheet_name in chosen:
            # cells are kept as calamine gives them ("" for blank, floats for whole numbers): converting
            # millions of cells up front would cost more than reading them; the batch reader copes
            rows: list[list[Any]] = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            cells = bad.get(sheet_name, {})
            for (row, col), cell in cells.items():  # error cells come back as "": put them back
                while len(rows) <= row:
                    rows.append([])
                line = rows[row]
                if len(line) <= col:
                    line.extend([""] * (col + 1 - len(line)))
                line[col] = cell
            tables.append(Table(name, sheet_name, rows, names, len(cells)))
        return tables
    except InputError:
        raise
    except PasswordError:
        raise fail(name, "tệp được đặt mật khẩu", "mở bằng Excel, bỏ mật khẩu rồi lưu lại") from None
    except BaseException as exc:  # calamine raises Rust panics (BaseException) on corrupt .xls
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        hidden.panicked = True
        raise fail(name, f"không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng ({type(exc).__name__})",
                    "mở lại bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx") from None
