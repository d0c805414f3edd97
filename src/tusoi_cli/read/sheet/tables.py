"""Reading a cell's spreadsheet (.xlsx, .xls, .ods, .csv) into plain rows, safely.

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
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zlib import error as zlib_error

from tusoi_cli.errors import InputError, Problem
from tusoi_cli.model.cells import BadCell, Cell, DamagedCell
from tusoi_cli.text import thousands

MAX_CELLS = 20_000_000  # 100,000 members x 46 items is 4.6 M; calamine keeps ~32 bytes a cell
MAX_UNZIPPED = 1024**3  # a 20-million-cell sheet is ~700 MB of XML; calamine may buffer a whole text run
MAX_RATIO = 400  # real sheet XML compresses ~10-50x; whitespace bombs ~1000x
EXCEL_ROWS = 1_048_576  # the last row of a sheet in Excel and LibreOffice
MAX_CSV_ROWS = EXCEL_ROWS  # Excel's own limit
MAX_CSV_BYTES = 64 * 1024**2  # 100,000 members are ~11 MB; every cell becomes a Python object
MAX_SHEET_BYTES = 256 * 1024**2  # a 100,000-member .xlsx is ~15 MB; the file is held in memory once



BadCells = dict[tuple[int, int], BadCell]  # (row, column), both 0-based -> the bad cell


@dataclass
class Table:
    """One sheet: ``rows[i]`` is spreadsheet row ``i + 1``; cells are None or "" (blank), str, int, float,
    bool or dates (calamine gives whole numbers as floats)."""

    name: str
    sheet: str | None
    rows: list[list[Any]]
    sheet_names: list[str]
    bad_cells: int = 0  # how many :class:`BadCell` the rows hold


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
    from tusoi_cli.read.inputs import open_input, read_upto

    display = name or str(path)
    with open_input(path, display) as handle:  # one open, one pass: a pipe can be read only once
        head = read_upto(handle, 4096)
        kind = sniff_kind(head)
        limit = MAX_CSV_BYTES if kind == "text" else MAX_SHEET_BYTES
        data = head + read_upto(handle, limit + 1 - len(head))
    if kind == "html":
        raise _fail(display, "đây là trang HTML đổi tên thành bảng tính (thường do phần mềm trực tuyến xuất ra)",
                    "mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx")
    if kind == "xml":
        raise _fail(display, "đây là tệp XML (SpreadsheetML 2003) chứ không phải .xls/.xlsx thật",
                    "mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx")
    if len(data) > limit:
        what = "tệp CSV" if kind == "text" else "tệp bảng tính"
        raise _fail(display, f"{what} quá lớn (hơn {limit // 1024**2} MB)",
                    "tách thành nhiều tệp nhỏ hơn" + (", hoặc lưu dạng .xlsx" if kind == "text" else ""))
    if kind == "text":
        if sheet is not None:
            raise _fail(display, "tệp CSV không có trang tính nên không dùng được --sheet", "bỏ tùy chọn --sheet")
        return [_read_csv(data, display)]
    if kind == "zip":
        bad = _check_zip(data, display)
    else:
        if _is_encrypted_ooxml(data):
            raise _fail(display, "tệp được đặt mật khẩu", "mở bằng Excel, bỏ mật khẩu rồi lưu lại")
        bad = _check_xls(data, display)
    return _read_calamine(data, display, sheet, bad)


# --------------------------------------------------------------------------- CSV


def decode_csv(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            return raw.decode("utf-32")
        except UnicodeDecodeError:
            raise _fail(name, "tệp UTF-32 bị hỏng", "xuất lại tệp từ Excel dạng CSV UTF-8") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail(name, "tệp UTF-16 bị hỏng", "xuất lại tệp từ Excel dạng CSV UTF-8") from None
    from tusoi_cli.read.yaml_reader import unusual_encoding

    unusual = unusual_encoding(raw)
    if unusual is not None:
        raise _fail(name, unusual.replace("tệp văn bản", "tệp CSV"),
                    "trong Excel chọn Lưu thành → \"CSV UTF-8 (phân tách bằng dấu phẩy)\", hoặc lưu dạng .xlsx")
    if raw[:4096].count(b"\x00") > 16:  # a stray NUL is one damaged cell (reported with its row); many: binary
        raise _fail(name, "tệp nhị phân, không phải bảng tính CSV",
                    "dùng tệp .xlsx, .xls, .ods hoặc CSV lưu dạng UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _fail(name, "tệp CSV không phải mã UTF-8 (có thể là mã Windows-1258 hoặc TCVN3)",
                    "trong Excel chọn Lưu thành → \"CSV UTF-8 (phân tách bằng dấu phẩy)\", hoặc lưu dạng .xlsx",
                    line) from None


def _read_csv(raw: bytes, name: str) -> Table:
    text = decode_csv(raw, name)
    if not text.strip():
        raise _fail(name, "tệp CSV rỗng", "tạo mẫu bằng `tusoi template sheet`, điền rồi lưu lại")
    sample = "\n".join(text.splitlines()[:50])
    delimiter = max((",", ";", "\t"), key=lambda d: sample.count(d))
    try:  # strict first: a quote left open would silently swallow every row after it
        table = Table(name, None, _csv_rows(text, delimiter, name, strict=True), [])
        return _damaged(table) if "\x00" in text else table
    except csv.Error as exc:
        line, reason = exc.args if len(exc.args) == 2 else (None, str(exc))
        if "unexpected end of data" in reason:
            raise _fail(name, "dấu ngoặc kép (\") mở ở đây nhưng không bao giờ đóng: mọi dòng sau nó sẽ bị gộp "
                        "vào một ô", "thêm dấu \" đóng, hoặc xóa dấu \" thừa ở ô này", line) from None
        if "field larger than field limit" in reason:
            raise _fail(name, f"một ô dài hơn {csv.field_size_limit() // 1024} KB",
                        "kiểm tra dấu ngoặc kép (\") ở ô này; một bản tự đánh giá không có ô dài như vậy",
                        line) from None
    try:  # other strict complaints ('"ab"c'): read the way spreadsheets do
        table = Table(name, None, _csv_rows(text, delimiter, name, strict=False), [])
        return _damaged(table) if "\x00" in text else table
    except csv.Error as exc:  # pragma: no cover - the strict pass reports what the lenient one can meet
        line, reason = exc.args if len(exc.args) == 2 else (None, str(exc))
        raise _fail(name, f"tệp CSV sai cấu trúc ({reason})", "mở bằng Excel rồi lưu lại dạng CSV UTF-8",
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
                raise _fail(name, f"tệp CSV có hơn {thousands(MAX_CSV_ROWS)} dòng (giới hạn của Excel)",
                            "tách thành nhiều tệp, mỗi tệp một chi bộ hay một đảng bộ")
    except csv.Error as exc:
        raise csv.Error(start, str(exc)) from None  # the line where the bad record starts
    return rows


def _is_encrypted_ooxml(data: bytes) -> bool:
    """A password-protected .xlsx is an OLE container holding an 'EncryptionInfo' stream."""
    return "EncryptionInfo".encode("utf-16-le") in data[: 1024**2]


# --------------------------------------------------------------------------- zip guards

# calamine allocates the whole rectangle from A1 to the farthest cell, so the farthest cell is what
# must be bounded. Sheets written by Excel, LibreOffice and openpyxl start every cell with `<c r="A1"`
# (upper-case letters, digits); for those, a few scans at C speed over the sheet XML are enough.
# Anything else (single quotes, cells without a reference, lower case, entities, prefixes, attributes
# those writers do not use, a cell or row naming its reference twice: this guard would read the first,
# calamine the last) is parsed for real: calamine reads all of those forms too.
_ODD_CELL = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="[A-Z]{1,3}[1-9][0-9]{0,6}"))')
# A second reference in a tag (`<c r="A1" r="XFD1">`, also on a row or as `x:r`): this guard would read the
# first, calamine the last. Attributes follow a closing quote, so three literal-led scans find them all.
_SECOND_REF = (re.compile(rb'"\s+r\s*='), re.compile(rb"'\s+r\s*="), re.compile(rb":r\s*="))
_ROW_FAST = re.compile(rb'<row r="(\d{1,9})"')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,9})"')
_WIDE_COLUMNS = 64  # a member sheet has ~52 columns; past this the exact (slower) check runs
_ERROR_MARK = b't="e"'
_FORMULA_MARK = b"</f>"
_ERROR_CODES = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
                0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def _greater(text: str, first: str, last: str, klass: bytes) -> list[bytes]:
    """Regex alternatives for strings of len(text) over [first-last] that sort after ``text``."""
    alternatives = []
    for position, char in enumerate(text):
        if char != last:
            lower = max(chr(ord(char) + 1), first)
            alternatives.append(re.escape(text[:position].encode()) + b"[%s-%s]" % (lower.encode(), last.encode())
                                + klass * (len(text) - position - 1))
    return alternatives


def _cells_beyond(max_column: int, max_row: int) -> re.Pattern[bytes]:
    """Cells (written `<c r="A1"`) whose column is past ``max_column`` or whose row is past ``max_row``."""
    letters = column_letter(max(1, min(max_column, 16384)))
    columns = _greater(letters, "A", "Z", b"[A-Z]")
    if len(letters) < 3:
        columns.insert(0, b"[A-Z]{%d,3}" % (len(letters) + 1))
    digits = str(max(1, max_row))
    rows = [b"[1-9][0-9]{%d,}" % len(digits), *_greater(digits, "0", "9", b"[0-9]")]
    column_part = b"|".join(columns) or b"(?!)"
    return re.compile(rb'<c r="(?:(?:%s)[0-9]|[A-Z]{1,3}(?:%s)")' % (column_part, b"|".join(rows)))


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_WIDE = _cells_beyond(_WIDE_COLUMNS, MAX_CELLS // _WIDE_COLUMNS)


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def _too_far(name: str, rows: int, columns: int, where: str | None = None) -> InputError:
    at = f"ô {where}" if where else f"{thousands(rows)} dòng × {thousands(columns)} cột"
    return _fail(name, f"trang tính có ô nằm quá xa ({at}): vùng dữ liệu hơn {thousands(MAX_CELLS)} ô, "
                 "quá lớn để đọc",
                 "xóa các dòng/cột thừa ở cuối trang (Ctrl+End để xem ô cuối) rồi lưu lại")


def _check_zip(data: bytes, name: str) -> dict[str, BadCells]:
    """Refuse zip bombs and sheets whose cells span a range too large to hold, before calamine allocates it;
    return the error cells found on the way, by sheet name."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError):
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
        names = {i.filename.lower(): i for i in infos}
        if "encryptioninfo" in names or "encryptedpackage" in names:
            raise _fail(name, "tệp được đặt mật khẩu", "mở bằng Excel, bỏ mật khẩu rồi lưu lại")
        if "xl/workbook.bin" in names:
            raise _fail(name, "tệp Excel dạng nhị phân (.xlsb) chưa được hỗ trợ",
                        "mở bằng Excel rồi lưu lại dạng .xlsx (Sổ làm việc Excel)")
        # a file may hold both an .ods and an .xlsx body (calamine picks one by the file name): check both
        ods = _check_ods(archive, names["content.xml"], name) if "content.xml" in names else {}
        bad: dict[str, BadCells] = {}
        for entry in _sheet_entries(archive, names, name):
            found = _check_sheet(archive, names[entry.lower()], name)
            if found:
                bad[entry] = found
        return {**ods, **_bad_by_sheet_name(archive, names, bad, name)} if bad else ods


def _elements(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> list[tuple[str, dict[str, str]]]:
    """(local name, attributes) of every element of a small XML part (workbook, relationships); a DTD is
    refused, so no entity is ever expanded. Empty when the part is unreadable: calamine will say so."""
    from xml.parsers import expat

    if info.file_size > 32 * 1024**2:
        raise _fail(name, f"phần '{info.filename}' của tệp lớn bất thường", "mở và lưu lại bằng Excel/LibreOffice")
    found: list[tuple[str, dict[str, str]]] = []
    parser = _expat(name)
    parser.StartElementHandler = lambda tag, attrs: found.append((tag.rpartition(":")[2], attrs))
    try:
        parser.Parse(archive.read(info), True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, zlib_error, NotImplementedError, RuntimeError,
            ValueError):
        return []
    return found


def _relationships(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], name: str) -> dict[str, list[str]]:
    """Worksheet relationship id -> the zip entries its target may name (as calamine may resolve it)."""
    info = names.get("xl/_rels/workbook.xml.rels")
    targets: dict[str, list[str]] = {}
    for tag, attrs in _elements(archive, info, name) if info is not None else []:
        if tag != "Relationship" or not attrs.get("Type", "").endswith("/worksheet"):
            continue
        target = attrs.get("Target", "").replace("\\", "/")
        candidates = {target.lstrip("/"), "xl/" + target.lstrip("/"), "xl/" + target}
        targets[attrs.get("Id", "")] = [c for c in candidates if c.lower() in names]
    return targets


def _sheet_entries(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], name: str) -> list[str]:
    """Every entry that may be read as a sheet: xl/worksheets/* and whatever the workbook points at."""
    entries = {info.filename for key, info in names.items()
               if key.startswith("xl/worksheets/") and not key.endswith("/") and "/_rels/" not in key}
    for candidates in _relationships(archive, names, name).values():
        entries.update(names[c.lower()].filename for c in candidates)
    return sorted(entries)


def _bad_by_sheet_name(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], bad: dict[str, BadCells],
                       name: str) -> dict[str, BadCells]:
    info = names.get("xl/workbook.xml")
    relationships = _relationships(archive, names, name)
    by_name: dict[str, BadCells] = {}
    for tag, attrs in _elements(archive, info, name) if info is not None else []:
        if tag != "sheet":
            continue
        rid = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "id"), "")
        for entry in relationships.get(rid, []):
            found = bad.get(names[entry.lower()].filename)
            if found:
                by_name[attrs.get("name", "")] = found
    return by_name


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> BadCells:
    """Bound the extent of one sheet's cells and find its error cells (see the comment on _ODD_CELL)."""
    odd = wide = errors = formulas = False
    for block in _blocks(archive, info, name, cut=b">"):  # every tag whole in one block
        if not odd:
            odd = (_ODD_CELL.search(block) is not None or b":c" in block
                   or any(pattern.search(block) is not None for pattern in _SECOND_REF))
        if not wide:
            wide = bool(_WIDE.search(block))
        errors = errors or _ERROR_MARK in block
        formulas = formulas or _FORMULA_MARK in block
    if odd:
        return _parse_sheet(archive, info, name)
    if wide:
        _check_extent(archive, info, name)
    return _find_bad_cells(archive, info, name) if errors or formulas else {}


def _check_extent(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """The exact bound for a sheet of canonical cells: the last row, then any cell past the widest column
    that still fits under MAX_CELLS, or past that row."""
    max_row = 0
    for block in _blocks(archive, info, name):
        rows = _ROW_FAST.findall(block)
        if rows:
            max_row = max(max_row, *map(int, rows))
    if max_row == 0:  # rows without r attributes (valid, rare): take the row numbers from the cells
        for block in _blocks(archive, info, name):
            rows = _CELL_ROW.findall(block)
            if rows:
                max_row = max(max_row, *map(int, rows))
    max_row = max(max_row, 1)
    if max_row > EXCEL_ROWS:  # no spreadsheet program writes past its last row: a damaged or forged file
        raise _fail(name, f"trang tính có dòng {thousands(max_row)} — quá dòng cuối cùng Excel cho phép "
                    f"({thousands(EXCEL_ROWS)}): tệp bị hỏng",
                    "mở tệp bằng Excel/LibreOffice, lưu lại dạng .xlsx rồi chạy lại")
    pattern = _cells_beyond(MAX_CELLS // max_row, max_row)
    for block in _blocks(archive, info, name):
        found = pattern.search(block)
        if found:
            # name the far cell the user has to delete: the one past the last row, else one on the last row
            ref = re.match(rb'<c r="([A-Z]{1,3}[0-9]{1,9})"', block[found.start():found.start() + 24])
            where = ref.group(1).decode() if ref else None
            if where is not None and int(re.sub(r"[A-Z]", "", where)) <= max_row:
                last_row = re.compile(rb'<c r="([A-Z]{1,3}%d)"' % max_row)
                where = next((m.group(1).decode() for b in _blocks(archive, info, name)
                              for m in [last_row.search(b)] if m), where)
            raise _too_far(name, max_row, MAX_CELLS // max_row, where)


def _find_bad_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> BadCells:
    """Error cells (t="e") and formulas without a calculated value, in a sheet of canonical cells."""
    bad: BadCells = {}
    for block in _blocks(archive, info, name, cut=b"</c>"):
        for mark in (_ERROR_MARK, _FORMULA_MARK):
            position = block.find(mark)
            while position >= 0:
                start = block.rfind(b"<c ", 0, position)
                end = block.find(b"</c>", position)
                if start >= 0 and end >= 0:
                    _bad_cell(block[start:end], bad)
                position = block.find(mark, max(position + 1, end))
    return bad


_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>]*)>')


def _bad_cell(cell: bytes, bad: BadCells) -> None:
    head = _REF.match(cell)
    if head is None:
        return
    key = (int(head.group(2)) - 1, _column_number(head.group(1).decode()) - 1)
    attributes = head.group(3)
    value_at = cell.find(b"<v>")
    value = cell[value_at + 3: cell.find(b"</v>", value_at)] if value_at >= 0 else None
    if b' t="e"' in attributes:
        text = (value or b"").decode("utf-8", "replace")[:16] or "#?"
        bad[key] = BadCell(text)
    elif b"</f>" in cell and not value and b' t="str"' not in attributes:
        bad[key] = BadCell("")


def _blocks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, cut: bytes | None = None) -> Iterator[bytes]:
    """The entry's bytes in 8 MB blocks. Without ``cut`` the blocks overlap a little, so no tag is cut in
    two unseen; with it, each block ends after the last ``cut`` in it and the rest starts the next one."""
    tail = b""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(8 * 1024**2):
                block = tail + chunk
                if cut is None:
                    yield block
                    tail = block[-64:]
                    continue
                end = block.rfind(cut)
                if end < 0 and len(block) < 64 * 1024**2:
                    tail = block
                    continue
                end = end + len(cut) if end >= 0 else len(block)
                yield block[:end]
                tail = block[end:]
            if cut is not None and tail:
                yield tail
    except (zipfile.BadZipFile, OSError, EOFError, zlib_error, NotImplementedError, RuntimeError, ValueError) as exc:
        # ValueError: a corrupt header names the entry in invalid UTF-8 (UnicodeDecodeError)
        raise _fail(name, f"tệp .xlsx/.ods bị hỏng ({type(exc).__name__})",
                    "mở lại bằng Excel hoặc LibreOffice rồi lưu lại") from None


def _expat(name: str) -> Any:
    """An expat parser that refuses DTDs (entity bombs), as calamine does."""
    from xml.parsers import expat

    parser = expat.ParserCreate()

    def refuse(*_: object) -> None:
        raise _fail(name, "tệp chứa khai báo XML không an toàn (nghi là tệp độc hại)", "kiểm tra lại nguồn của tệp")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _feed(parser: Any, archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    from xml.parsers import expat

    try:
        for block in _blocks(archive, info, name, cut=b">"):
            parser.Parse(block, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise _fail(name, f"phần '{info.filename}' của tệp bị hỏng (XML sai ở dòng {exc.lineno})",
                    "mở lại bằng Excel hoặc LibreOffice rồi lưu lại") from None


def _parse_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> BadCells:
    """The exact extent and error cells of a sheet in any form calamine reads, with a real XML parser."""
    bad: BadCells = {}
    state = {"row": 0, "col": 0, "max_row": 0, "max_col": 0}
    cell: dict[str, Any] = {}
    parser = _expat(name)

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local in ("row", "c") and sum(k.rpartition(":")[2] == "r" for k in attrs) > 1:
            raise _fail(name, f"phần '{info.filename}' của tệp bị hỏng (một ô hay một dòng có hai địa chỉ)",
                        "mở lại bằng Excel hoặc LibreOffice rồi lưu lại")
        if local == "row":
            number = attrs.get("r", "").strip()
            state["row"] = int(number) if number.isdigit() else state["row"] + 1
            state["col"] = 0
        elif local == "c":
            ref = re.fullmatch(r"\s*([A-Za-z]{1,3})([0-9]{1,9})\s*", attrs.get("r", ""))
            if ref:
                state["col"], row = _column_number(ref.group(1)), int(ref.group(2))
            else:
                state["col"], row = state["col"] + 1, state["row"]
            state["max_row"] = max(state["max_row"], row)
            state["max_col"] = max(state["max_col"], state["col"])
            if state["max_row"] * state["max_col"] > MAX_CELLS or state["col"] > 16384:
                raise _too_far(name, state["max_row"], state["max_col"],
                               f"{column_letter(min(state['col'], 16384))}{row}")
            cell.clear()
            cell.update(key=(row - 1, state["col"] - 1), type=attrs.get("t", ""), formula=False, value=None)
        elif local == "f" and cell:
            cell["formula"] = True
        elif local == "v" and cell:
            cell["value"] = ""

    def text(data: str) -> None:
        if cell and cell.get("value") is not None:
            cell["value"] += data

    def end(tag: str) -> None:
        if tag.rpartition(":")[2] == "c" and cell:
            if cell["type"] == "e":
                bad[cell["key"]] = BadCell((cell["value"] or "#?")[:16])
            elif cell["formula"] and not cell["value"] and cell["type"] != "str":
                bad[cell["key"]] = BadCell("")
            cell.clear()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    _feed(parser, archive, info, name)
    return bad


def _check_ods(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> dict[str, BadCells]:
    """Bound an .ods sheet's extent (repeated rows and columns included) and find its error cells."""
    tables: dict[str, BadCells] = {}
    state: dict[str, Any] = {"table": None, "row": 0, "rows": 1, "col": 0, "max_row": 0, "max_col": 0,
                             "row_used": False, "cell": None}
    parser = _expat(name)

    def number(attrs: dict[str, str], key: str) -> int:
        value = attrs.get(key, "1").strip()
        return int(value) if value.isdigit() and len(value) < 10 else 1_000_000_000

    def start(tag: str, attrs: dict[str, str]) -> None:
        if state["cell"] is not None:
            state["cell"]["used"] = True  # content inside a cell
        if tag == "table:table":
            state.update(table=attrs.get("table:name", ""), row=0, max_row=0, max_col=0)
            tables.setdefault(state["table"], {})
        elif tag == "table:table-row":
            state.update(rows=number(attrs, "table:number-rows-repeated"), col=0, row_used=False)
        elif tag in ("table:table-cell", "table:covered-table-cell"):
            state["cell"] = {"repeat": number(attrs, "table:number-columns-repeated"),
                             "used": "office:value-type" in attrs,
                             "error": attrs.get("calcext:value-type") == "error", "text": ""}

    def text(data: str) -> None:
        if state["cell"] is not None and state["cell"]["error"]:
            state["cell"]["text"] += data

    def end(tag: str) -> None:
        if tag in ("table:table-cell", "table:covered-table-cell") and state["cell"] is not None:
            cell, state["cell"] = state["cell"], None
            if cell["used"]:
                state["row_used"] = True
                state["max_col"] = max(state["max_col"], state["col"] + cell["repeat"])
                if cell["error"] and state["table"] is not None:
                    for offset in range(min(cell["repeat"], 1000)):
                        tables[state["table"]][(state["row"], state["col"] + offset)] = BadCell(
                            cell["text"].strip()[:16] or "#?")
            state["col"] += cell["repeat"]
        elif tag == "table:table-row":
            if state["row_used"]:
                state["max_row"] = max(state["max_row"], state["row"] + state["rows"])
                if state["max_row"] * state["max_col"] > MAX_CELLS:
                    raise _too_far(name, state["max_row"], state["max_col"])
            state["row"] += state["rows"]

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    _feed(parser, archive, info, name)
    return {table: cells for table, cells in tables.items() if cells}


# --------------------------------------------------------------------------- .xls guard


def _check_xls(data: bytes, name: str) -> dict[str, BadCells]:
    """Bound the extent of every sheet of an .xls (calamine aborts on a cell at column 65535) and find its
    error cells, walking the BIFF records of the workbook stream."""
    try:
        stream = _ole_stream(data, ("Workbook", "Book"))
    except (struct.error, IndexError, ValueError, KeyError):
        stream = None
    if stream is None:
        raise _fail(name, "tệp .xls bị hỏng hoặc không phải bảng tính Excel",
                    "mở lại bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx")
    try:
        return _walk_biff(stream, name)
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        raise _fail(name, "tệp .xls bị hỏng (cấu trúc bên trong sai)",
                    "mở lại bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx") from None


def _ole_stream(data: bytes, wanted: tuple[str, ...]) -> bytes | None:
    """One stream of an OLE compound file (the container of .xls), or None if there is none."""
    sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_sector = 1 << struct.unpack_from("<H", data, 0x20)[0]
    if sector not in (512, 4096) or mini_sector != 64:
        return None
    count = len(data) // sector + 2
    first_dir, = struct.unpack_from("<I", data, 0x30)
    fat_count, = struct.unpack_from("<I", data, 0x2C)
    cutoff, first_mini_fat, mini_fat_count, first_difat, difat_count = struct.unpack_from("<5I", data, 0x38)
    # calamine sizes buffers from these counts (it also reads bytes 0x3E-0x41, half of the mini FAT count, as
    # one): a corrupt header would make it allocate gigabytes and abort. The format fixes the cutoff at 4096
    # (calamine assumes it) and the mini FAT of a workbook is a sector or two.
    if cutoff != 4096 or max(fat_count, difat_count) > count or mini_fat_count > 64:
        raise ValueError("corrupt header")
    difat = list(struct.unpack_from("<109I", data, 0x4C))
    step = sector // 4 - 1
    seen = set()
    while first_difat < count and difat_count and first_difat not in seen:
        seen.add(first_difat)
        more = struct.unpack_from(f"<{sector // 4}I", data, (first_difat + 1) * sector)
        difat.extend(more[:step])
        first_difat, difat_count = more[step], difat_count - 1
    fat: list[int] = []
    for index in difat:
        if index < count:
            fat.extend(struct.unpack_from(f"<{sector // 4}I", data, (index + 1) * sector))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        found: list[int] = []
        while 0 <= start < len(table) and len(found) <= limit:
            found.append(start)
            start = table[start]
        if len(found) > limit:
            raise ValueError("cycle")
        return found

    directory = b"".join(data[(s + 1) * sector:(s + 2) * sector] for s in chain(first_dir, fat, count))
    entries = []
    for offset in range(0, len(directory) - 127, 128):
        length, kind = struct.unpack_from("<HB", directory, offset + 0x40)
        label = directory[offset:offset + max(0, min(length, 64) - 2)].decode("utf-16-le", "replace")
        start, size = struct.unpack_from("<IQ" if sector == 4096 else "<II", directory, offset + 0x74)
        if kind in (1, 2, 5) and size > len(data) * 8:  # a stream (or the mini stream) larger than the file
            raise ValueError("corrupt directory")
        entries.append((label, kind, start, size))
    if not entries:
        return None
    for label, kind, start, size in entries:
        if kind != 2 or label not in wanted:
            continue
        if size >= 4096:
            return b"".join(data[(s + 1) * sector:(s + 2) * sector] for s in chain(start, fat, count))[:size]
        root_start = entries[0][2]
        mini_fat_bytes = b"".join(data[(s + 1) * sector:(s + 2) * sector] for s in chain(first_mini_fat, fat, count))
        mini_fat = list(struct.unpack_from(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
        mini_stream = b"".join(data[(s + 1) * sector:(s + 2) * sector] for s in chain(root_start, fat, count))
        parts = [mini_stream[s * 64:(s + 1) * 64] for s in chain(start, mini_fat, len(mini_fat))]
        return b"".join(parts)[:size]
    return None


_XLS_CELLS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x0201, 0x0006, 0x0205, 0x00D6})  # row, col first
_XLS_MULTI = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK: row, first col, ..., last col


def _walk_biff(stream: bytes, name: str) -> dict[str, BadCells]:
    unpack = struct.unpack_from
    sheets: list[tuple[str, int]] = []
    position = 0
    while position + 4 <= len(stream):
        kind, size = unpack("<HH", stream, position)
        if kind == 0x002F:  # FILEPASS: encrypted (calamine reading from memory only says "error")
            raise _fail(name, "tệp được đặt mật khẩu", "mở bằng Excel, bỏ mật khẩu rồi lưu lại")
        if kind == 0x0085 and size >= 8:  # BOUNDSHEET8
            offset, = unpack("<I", stream, position + 4)
            length, flags = stream[position + 10], stream[position + 11]
            raw = stream[position + 12:position + 12 + length * (2 if flags & 1 else 1)]
            sheets.append((raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace"), offset))
        if kind == 0x00FC and size >= 8:  # SST: calamine reserves room for as many strings as it declares
            unique, = unpack("<i", stream, position + 8)
            if unique < 0 or unique > len(stream) // 3:
                raise ValueError("corrupt shared strings")
        if kind == 0x000A:  # EOF of the globals
            break
        position += 4 + size
    found: dict[str, BadCells] = {}
    for sheet_name, offset in sheets:
        bad: BadCells = {}
        max_row = max_col = 0
        position = offset
        while position + 4 <= len(stream):
            kind, size = unpack("<HH", stream, position)
            body = position + 4
            if kind in _XLS_CELLS and size >= 6:
                row, col = unpack("<HH", stream, body)
                max_row, max_col = max(max_row, row + 1), max(max_col, col + 1)
                formula_error = stream[body + 6] == 2 and stream[body + 12:body + 14] == b"\xff\xff"
                if kind == 0x0006 and size >= 14 and formula_error:
                    bad[(row, col)] = BadCell(_ERROR_CODES.get(stream[body + 8], "#?"))
                elif kind == 0x0205 and size >= 8 and stream[body + 7] == 1:
                    bad[(row, col)] = BadCell(_ERROR_CODES.get(stream[body + 6], "#?"))
            elif kind == 0x0200 and size in (10, 14):  # DIMENSIONS: calamine allocates what it declares
                first_row, last_row, first_col, last_col = (unpack("<IIHH", stream, body) if size == 14
                                                            else unpack("<HHHH", stream, body))
                if last_row >= 1 and last_col >= 1 and (first_row >= last_row or first_col >= last_col):
                    raise ValueError("corrupt dimensions")  # calamine would compute a wrapped-around size
                max_row, max_col = max(max_row, last_row), max(max_col, last_col)
            elif kind in _XLS_MULTI and size >= 6:
                row, = unpack("<H", stream, body)
                last, = unpack("<H", stream, body + size - 2)
                max_row, max_col = max(max_row, row + 1), max(max_col, last + 1)
            elif kind == 0x000A:
                break
            if max_col > 256 or max_row * max_col > MAX_CELLS:
                raise _too_far(name, max_row, max_col, f"{column_letter(max_col)}{max_row}")
            position = body + size
        if bad:
            found[sheet_name] = bad
    return found

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
                raise _fail(name, f"không có trang tính '{sheet}'",
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
        raise _fail(name, "tệp được đặt mật khẩu", "mở bằng Excel, bỏ mật khẩu rồi lưu lại") from None
    except BaseException as exc:  # calamine raises Rust panics (BaseException) on corrupt .xls
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        hidden.panicked = True
        raise _fail(name, f"không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng ({type(exc).__name__})",
                    "mở lại bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx") from None
