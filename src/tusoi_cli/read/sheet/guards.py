"""Guards run on a spreadsheet's bytes before a reader sees them: zip bombs, the extent of the cells of
.xlsx/.ods/.xls (a far-away cell would make calamine allocate the whole rectangle), encrypted files, and
the error cells (``#N/A``, uncalculated formulas) that calamine reads as blank. Each failure is a located
Vietnamese :class:`InputError`."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from typing import Any
from zlib import error as zlib_error

from tusoi_cli.errors import InputError, Problem
from tusoi_cli.model.cells import BadCell
from tusoi_cli.text import thousands

MAX_CELLS = 20_000_000  # 100,000 members x 46 items is 4.6 M; calamine keeps ~32 bytes a cell


MAX_UNZIPPED = 1024**3  # a 20-million-cell sheet is ~700 MB of XML; calamine may buffer a whole text run


MAX_RATIO = 400  # real sheet XML compresses ~10-50x; whitespace bombs ~1000x


EXCEL_ROWS = 1_048_576  # the last row of a sheet in Excel and LibreOffice


BadCells = dict[tuple[int, int], BadCell]  # (row, column), both 0-based -> the bad cell


def fail(name: str, message: str, hint: str | None = None, line: int | None = None) -> InputError:
    return InputError([Problem(name, message, line, None, hint)])


def is_encrypted_ooxml(data: bytes) -> bool:
    """A password-protected .xlsx is an OLE container holding an 'EncryptionInfo' stream."""
    return "EncryptionInfo".encode("utf-16-le") in data[: 1024**2]


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
# A cell that is not canonical (what _ODD_CELL finds) or not within column BL (_WIDE_COLUMNS) and row 299,999
# (64 x 299,999 cells < MAX_CELLS): what _ODD_CELL or _WIDE may find, in one scan. Member sheets of up to
# 299,999 rows and 64 columns never match it, so the two exact scans run only for the rest.
_SUSPECT = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="(?:[A-Z]|A[A-Z]|B[A-L])(?:[1-9][0-9]{0,4}|[12][0-9]{5})"))')


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def _too_far(name: str, rows: int, columns: int, where: str | None = None) -> InputError:
    at = f"ô {where}" if where else f"{thousands(rows)} dòng × {thousands(columns)} cột"
    return fail(name, f"trang tính có ô nằm quá xa ({at}): vùng dữ liệu hơn {thousands(MAX_CELLS)} ô, "
                 "quá lớn để đọc",
                 "xóa các dòng/cột thừa ở cuối trang (Ctrl+End để xem ô cuối) rồi lưu lại")


def check_zip(data: bytes, name: str) -> dict[str, BadCells]:
    """Refuse zip bombs and sheets whose cells span a range too large to hold, before calamine allocates it;
    return the error cells found on the way, by sheet name."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError):
        raise fail(name, "tệp .xlsx/.ods bị hỏng (không mở được dạng nén)",
                    "mở lại tệp bằng Excel hoặc LibreOffice rồi lưu lại") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > 10_000 or sum(i.file_size for i in infos) > MAX_UNZIPPED:
            raise fail(name, "tệp bảng tính giải nén ra quá lớn (nghi là tệp độc hại)",
                        "kiểm tra lại nguồn của tệp")
        for info in infos:
            if info.file_size > 10 * 1024**2 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise fail(name, f"phần '{info.filename}' của tệp nén bất thường (tỉ lệ nén quá cao)",
                            "tệp có thể bị hỏng hoặc độc hại; mở và lưu lại bằng Excel/LibreOffice")
        names = {i.filename.lower(): i for i in infos}
        if "encryptioninfo" in names or "encryptedpackage" in names:
            raise fail(name, "tệp được đặt mật khẩu", "mở bằng Excel, bỏ mật khẩu rồi lưu lại")
        if "xl/workbook.bin" in names:
            raise fail(name, "tệp Excel dạng nhị phân (.xlsb) chưa được hỗ trợ",
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
        raise fail(name, f"phần '{info.filename}' của tệp lớn bất thường", "mở và lưu lại bằng Excel/LibreOffice")
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
    suspect = errors = formulas = False
    for block in _blocks(archive, info, name, cut=b">"):  # every tag whole in one block
        if not suspect:  # one scan for what _ODD_CELL and _WIDE look for (two scans, only when it finds some)
            suspect = (_SUSPECT.search(block) is not None or b":c" in block
                       or any(pattern.search(block) is not None for pattern in _SECOND_REF))
        errors = errors or _ERROR_MARK in block
        formulas = formulas or _FORMULA_MARK in block
    odd = wide = False
    if suspect:
        for block in _blocks(archive, info, name, cut=b">"):
            odd = odd or (_ODD_CELL.search(block) is not None or b":c" in block
                          or any(pattern.search(block) is not None for pattern in _SECOND_REF))
            wide = wide or bool(_WIDE.search(block))
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
    if max_row > EXCEL_ROWS:
        raise _past_last_row(name, max_row)
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
        raise fail(name, f"tệp .xlsx/.ods bị hỏng ({type(exc).__name__})",
                    "mở lại bằng Excel hoặc LibreOffice rồi lưu lại") from None


def _expat(name: str) -> Any:
    """An expat parser that refuses DTDs (entity bombs), as calamine does."""
    from xml.parsers import expat

    parser = expat.ParserCreate()

    def refuse(*_: object) -> None:
        raise fail(name, "tệp chứa khai báo XML không an toàn (nghi là tệp độc hại)", "kiểm tra lại nguồn của tệp")

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
        raise fail(name, f"phần '{info.filename}' của tệp bị hỏng (XML sai ở dòng {exc.lineno})",
                    "mở lại bằng Excel hoặc LibreOffice rồi lưu lại") from None


def _past_last_row(name: str, row: int) -> InputError:
    """No spreadsheet program writes past its last row: a damaged or forged file (calamine would try to hold it)."""
    return fail(name, f"trang tính có dòng {thousands(row)} — quá dòng cuối cùng Excel cho phép "
                f"({thousands(EXCEL_ROWS)}): tệp bị hỏng",
                "mở tệp bằng Excel/LibreOffice, lưu lại dạng .xlsx rồi chạy lại")


def _parse_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> BadCells:
    """The exact extent and error cells of a sheet in any form calamine reads, with a real XML parser."""
    bad: BadCells = {}
    state = {"row": 0, "col": 0, "max_row": 0, "max_col": 0}
    cell: dict[str, Any] = {}
    parser = _expat(name)

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(":")[2]
        if local in ("row", "c") and sum(k.rpartition(":")[2] == "r" for k in attrs) > 1:
            raise fail(name, f"phần '{info.filename}' của tệp bị hỏng (một ô hay một dòng có hai địa chỉ)",
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
            if row > EXCEL_ROWS:
                raise _past_last_row(name, row)
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


def check_xls(data: bytes, name: str) -> dict[str, BadCells]:
    """Bound the extent of every sheet of an .xls (calamine aborts on a cell at column 65535) and find its
    error cells, walking the BIFF records of the workbook stream."""
    try:
        stream = _ole_stream(data, ("Workbook", "Book"))
    except (struct.error, IndexError, ValueError, KeyError):
        stream = None
    if stream is None:
        raise fail(name, "tệp .xls bị hỏng hoặc không phải bảng tính Excel",
                    "mở lại bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx")
    try:
        return _walk_biff(stream, name)
    except (struct.error, IndexError, ValueError, UnicodeDecodeError):
        raise fail(name, "tệp .xls bị hỏng (cấu trúc bên trong sai)",
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
            raise fail(name, "tệp được đặt mật khẩu", "mở bằng Excel, bỏ mật khẩu rồi lưu lại")
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
