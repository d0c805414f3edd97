"""Reading a cell's spreadsheet (.xlsx, .xls, .ods, .csv) into plain rows, safely.

Readers are not trusted: python-calamine is fast but aborts the whole process on a tiny .xlsx
that declares a huge range, raises Rust panics (BaseException) on corrupt .xls files, and
returns error cells as empty. So files are recognised by their bytes, not their extension;
.xlsx/.ods zips are checked for bombs and for the extent of their cells before calamine sees
them; and every failure becomes a located Vietnamese :class:`InputError`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zlib import error as zlib_error

from .errors import InputError, Problem

MAX_CELLS = 20_000_000  # 100,000 members x 46 items is 4.6 M; calamine keeps ~32 bytes a cell
MAX_UNZIPPED = 2 * 1024**3
MAX_RATIO = 400  # real sheet XML compresses ~10-50x; whitespace bombs ~1000x
MAX_CSV_BYTES = 512 * 1024**2

Cell = str | int | float | bool | date | datetime | time | timedelta | None


@dataclass
class Table:
    """One sheet: ``rows[i]`` is spreadsheet row ``i + 1``; cells are None or "" (blank), str, int, float,
    bool or dates (calamine gives whole numbers as floats)."""

    name: str
    sheet: str | None
    rows: list[list[Any]]
    sheet_names: list[str]


def _fail(name: str, message: str, hint: str | None = None, line: int | None = None) -> InputError:
    return InputError([Problem(name, message, line, None, hint)])


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
    display = name or str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError:
        raise _fail(display, "không tìm thấy tệp", "kiểm tra lại đường dẫn") from None
    except OSError as exc:
        raise _fail(display, f"không đọc được tệp ({exc.strerror})") from None
    kind = sniff_kind(head)
    if kind == "html":
        raise _fail(display, "đây là trang HTML đổi tên thành bảng tính (thường do phần mềm trực tuyến xuất ra)",
                    "mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx")
    if kind == "xml":
        raise _fail(display, "đây là tệp XML (SpreadsheetML 2003) chứ không phải .xls/.xlsx thật",
                    "mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx")
    if kind == "text":
        if sheet is not None:
            raise _fail(display, "tệp CSV không có trang tính nên không dùng được --sheet", "bỏ tùy chọn --sheet")
        return [_read_csv(path, display)]
    if kind == "zip":
        _check_zip(path, display)
    if kind == "ole" and _is_encrypted_ooxml(path):
        raise _fail(display, "tệp được đặt mật khẩu", "mở bằng Excel, bỏ mật khẩu rồi lưu lại")
    return _read_calamine(path, display, sheet)


# --------------------------------------------------------------------------- CSV


def decode_csv(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail(name, "tệp UTF-16 bị hỏng", "xuất lại tệp từ Excel dạng CSV UTF-8") from None
    if b"\x00" in raw[:4096]:
        raise _fail(name, "tệp nhị phân, không phải bảng tính CSV",
                    "dùng tệp .xlsx, .xls, .ods hoặc CSV lưu dạng UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _fail(name, "tệp CSV không phải mã UTF-8 (có thể là mã Windows-1258 hoặc TCVN3)",
                    "trong Excel chọn Lưu thành → \"CSV UTF-8 (phân tách bằng dấu phẩy)\", hoặc lưu dạng .xlsx",
                    line) from None


def _read_csv(path: Path, name: str) -> Table:
    raw = path.read_bytes()
    if len(raw) > MAX_CSV_BYTES:
        raise _fail(name, f"tệp CSV quá lớn (hơn {MAX_CSV_BYTES // 1024**2} MB)")
    text = decode_csv(raw, name)
    sample = "\n".join(text.splitlines()[:50])
    delimiter = max((",", ";", "\t"), key=lambda d: sample.count(d))
    rows: list[list[Cell]] = []
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append([value if value.strip() else None for value in record])
    return Table(name, None, rows, [])


def _is_encrypted_ooxml(path: Path) -> bool:
    """A password-protected .xlsx is an OLE container holding an 'EncryptionInfo' stream."""
    with path.open("rb") as handle:
        return "EncryptionInfo".encode("utf-16-le") in handle.read(1024**2)


# --------------------------------------------------------------------------- zip guards

# Literal prefixes keep these scans at C speed over 100+ MB of sheet XML; files that put other
# whitespace before an attribute (hand-made or hostile) take the general patterns instead.
_ROW_FAST = re.compile(rb'<row r="(\d{1,9})"')
_ROW_ANY = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d{1,9})"')
_CELL_ROW = re.compile(rb'\sr="[A-Z]{1,3}(\d{1,9})"')
_UNUSUAL = (b'\tr="', b'\rr="', b'\nr="', b':row ')


def _beyond(max_row: int, limit: int, general: bool) -> re.Pattern[bytes]:
    """Cells whose column (A..XFD) lies beyond ``limit // max_row``, or whose row has more digits than max_row."""
    columns = max(1, limit // max(max_row, 1))
    letters = column_letter(columns)
    # column names sort like numbers when compared length first: build "longer, or same length and greater"
    alternatives = [rb"[A-Z]{%d,3}" % (len(letters) + 1)] if len(letters) < 3 else []
    for position in range(len(letters)):
        head = letters[:position].encode()
        char = letters[position]
        if char != "Z":
            rest = rb"[A-Z]" * (len(letters) - position - 1)
            alternatives.append(head + rb"[%s-Z]" % chr(ord(char) + 1).encode() + rest)
    columns_part = b"|".join(alternatives) if alternatives else rb"(?!)"
    digits = len(str(max(max_row, 1))) + 1
    lead = rb'\sr="' if general else rb' r="'
    return re.compile(lead + rb'(?:(?:%s)\d|[A-Z]{1,3}\d{%d})' % (columns_part, digits))


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _check_zip(path: Path, name: str) -> None:
    """Refuse zip bombs and sheets whose cells span a range too large to hold, before calamine allocates it."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _fail(name, "tệp .xlsx/.ods bị hỏng (không mở được dạng nén)",
                    "mở lại tệp bằng Excel hoặc LibreOffice rồi lưu lại") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > 10_000 or sum(i.file_size for i in infos) > MAX_UNZIPPED:
            raise _fail(name, "tệp bảng tính giải nén ra quá lớn (nghi là tệp độc hại)",
                        "kiểm tra lại nguồn của tệp")
        for info in infos:
            if info.file_size > 10 * 1024**2 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _fail(name, f"phần '{info.filename}' của tệp nén bất thường (tỉ lệ nén quá cao)",
                            "tệp có thể bị hỏng hoặc độc hại; mở và lưu lại bằng Excel/LibreOffice")
        if any(i.filename == "encryptioninfo" or i.filename.lower() == "encryptedpackage" for i in infos):
            raise _fail(name, "tệp được đặt mật khẩu", "mở bằng Excel, bỏ mật khẩu rồi lưu lại")
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_extent(archive, info, name)


def _check_extent(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Refuse a sheet whose cells span more than MAX_CELLS (rows x columns) before calamine allocates it.

    One pass finds the largest row number; a second looks for any cell beyond the widest column
    that would still fit, or lower than that row. Both are single regular-expression scans.
    """
    max_row = 0
    general = False
    for block in _blocks(archive, info, name):
        general = general or any(marker in block for marker in _UNUSUAL)
        rows = (_ROW_ANY if general else _ROW_FAST).findall(block)
        if rows:
            max_row = max(max_row, *map(int, rows))
    if max_row == 0:  # rows without r attributes (valid, rare): take the row numbers from the cells
        for block in _blocks(archive, info, name):
            rows = _CELL_ROW.findall(block)
            if rows:
                max_row = max(max_row, *map(int, rows))
    pattern = _beyond(max_row, MAX_CELLS, general)
    for block in _blocks(archive, info, name):
        found = pattern.search(block)
        if found:
            raise _fail(name, f"trang tính có ô nằm quá xa (ô {found.group(0).split(b'=')[-1].decode()[1:]} "
                        f"trên trang có {max_row:,} dòng): vùng dữ liệu quá lớn để đọc",
                        "xóa các dòng/cột thừa ở cuối trang (Ctrl+End để xem) rồi lưu lại")
    if max_row > MAX_CELLS:
        raise _fail(name, f"trang tính có quá nhiều dòng ({max_row:,})", "tách thành nhiều tệp nhỏ hơn")


def _blocks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """The entry's bytes in 8 MB blocks that overlap a little, so no tag is cut in two unseen."""
    tail = b""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(8 * 1024**2):
                block = tail + chunk
                yield block
                tail = block[-64:]
    except (zipfile.BadZipFile, OSError, EOFError, zlib_error) as exc:
        raise _fail(name, f"tệp .xlsx bị hỏng ({exc})", "mở lại bằng Excel hoặc LibreOffice rồi lưu lại") from None


# --------------------------------------------------------------------------- calamine


def _read_calamine(path: Path, name: str, sheet: str | None) -> list[Table]:
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        if sheet is not None:
            if sheet not in names:
                from .text import nearest

                guess = nearest(sheet, names)
                raise _fail(name, f"không có trang tính '{sheet}'",
                            f"có phải ý bạn là '{guess}'?" if guess else "các trang: " + ", ".join(names))
            chosen = [sheet]
        else:
            chosen = names
        tables = []
        for sheet_name in chosen:
            # cells are kept as calamine gives them ("" for blank, floats for whole numbers): converting
            # millions of cells up front would cost more than reading them; the batch reader copes
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            tables.append(Table(name, sheet_name, rows, names))
        return tables
    except InputError:
        raise
    except PasswordError:
        raise _fail(name, "tệp được đặt mật khẩu", "mở bằng Excel, bỏ mật khẩu rồi lưu lại") from None
    except BaseException as exc:  # calamine raises Rust panics (BaseException) on corrupt .xls
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise _fail(name, f"không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng ({type(exc).__name__})",
                    "mở lại bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx") from None
