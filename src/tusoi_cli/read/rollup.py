"""Reading for the roll-up (``tusoi tong-hop``): the tree walk, the cells of a workbook, a roll-up's JSON.

The walk only looks at names and, for spreadsheets and JSON, a file's first bytes (tusoi's own outputs
are recognised and skipped, never counted twice); the cells are read later, one at a time, by the use
case, which keeps only their counts.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tusoi_cli.errors import InputError, Problem
from tusoi_cli.model import Rubric
from tusoi_cli.model.batch import BatchResult
from tusoi_cli.model.rollup import FORMAT, FORMAT_VERSION, Skipped, Tally, Unit
from tusoi_cli.text import fold

SHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
MAX_DEPTH = 32

NodeKind = Literal["folder", "yaml_cell", "sheet", "rollup_json"]


@dataclass
class Node:
    """One place of the tree to read: a folder of units, a folder of member files, a sheet file, a roll-up JSON."""

    path: Path
    kind: NodeKind
    children: list[Node] = field(default_factory=list)


def _sort_key(path: Path) -> tuple[list[tuple[int, str]], str]:
    """Natural order, diacritics and case aside: chi-bo-2 before chi-bo-10."""
    parts = re.split(r"(\d+)", fold(path.name))
    return [(int(p), "") if p.isdigit() else (-1, p) for p in parts if p], path.name


def plan(root: Path, skipped: list[Skipped], problems: list[Problem]) -> Node | None:
    """The tree under ``root`` (a folder, a cell's sheet or a roll-up JSON), without reading any cell yet.

    Files that are not cells are listed in ``skipped`` with the reason; folders that cannot be listed are
    ``problems``. None when nothing under ``root`` can be counted.
    """
    if root.is_dir():
        return _plan_folder(root, skipped, problems, 0, set())
    if root.suffix.lower() == ".json":
        return Node(root, "rollup_json")
    if root.suffix.lower() in YAML_SUFFIXES:
        problems.append(Problem(str(root), "đây là tệp tự đánh giá của một đảng viên, không phải một chi bộ",
                                hint="đưa thư mục chứa các tệp .yaml của chi bộ (hoặc thư mục cha của nó)"))
        return None
    return Node(root, "sheet")


def _plan_folder(folder: Path, skipped: list[Skipped], problems: list[Problem], depth: int,
                 seen: set[tuple[int, int]]) -> Node | None:
    try:
        info = folder.stat()
        entries = sorted(folder.iterdir(), key=_sort_key)
    except OSError as exc:
        problems.append(Problem(str(folder), f"không đọc được thư mục ({exc.strerror})",
                                hint="kiểm tra quyền đọc thư mục"))
        return None
    key = (info.st_dev, info.st_ino)
    if key in seen or depth > MAX_DEPTH:  # a link back up the tree would walk forever
        skipped.append(Skipped(str(folder), "thư mục đã được đọc (liên kết vòng) hoặc lồng quá sâu"))
        return None
    seen = seen | {key}
    node = Node(folder, "folder")
    if any(e.suffix.lower() in YAML_SUFFIXES for e in entries):
        # the member files of a folder are one cell; beside cells or sub-folders (a stray .yaml in a party
        # unit's folder), that cell is one unit among them, and whatever is wrong with its files is listed
        if not any(e.is_dir() or e.suffix.lower() in SHEET_SUFFIXES for e in entries):
            for entry in entries:
                if entry.suffix.lower() not in YAML_SUFFIXES:
                    skipped.append(Skipped(str(entry), "nằm trong thư mục của một chi bộ (các tệp .yaml), không tính"))
            return Node(folder, "yaml_cell")
        node.children.append(Node(folder, "yaml_cell"))
    for entry in entries:
        name = entry.name
        if entry.suffix.lower() in YAML_SUFFIXES and node.children and node.children[0].path == folder:
            continue  # read with the folder's cell
        if name.startswith((".~lock.", "~$")) or name.startswith("."):
            skipped.append(Skipped(str(entry), "tệp ẩn hoặc tệp khóa của Excel/LibreOffice"))
            continue
        if entry.is_dir():
            child = _plan_folder(entry, skipped, problems, depth + 1, seen)
            if child is not None:
                node.children.append(child)
            continue
        suffix = entry.suffix.lower()
        if suffix in SHEET_SUFFIXES:
            own = own_output(entry)
            if own is not None:
                skipped.append(Skipped(str(entry), own))
            else:
                node.children.append(Node(entry, "sheet"))
        elif suffix == ".json":
            skipped.append(Skipped(str(entry), json_kind(entry)))
        else:
            skipped.append(Skipped(str(entry), "không phải bảng tính hay thư mục tệp tự đánh giá"))
    if not node.children:
        skipped.append(Skipped(str(folder), "thư mục không có chi bộ nào"))
        return None
    return node


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def own_output(path: Path) -> str | None:
    """Why a spreadsheet of the tree is one of tusoi's own outputs (a report, a comparison, a roll-up), or None."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        head = _head(path, 512).decode("utf-8", "replace").lstrip("\ufeff")
        if head.startswith('"stt","dong","ho_ten"'):
            return "kết quả chấm của tusoi (tusoi batch -o .csv), không tính lại"
        if head.startswith(ROLLUP_CSV_MARK):
            return "bảng tổng hợp của tusoi (tusoi tong-hop -o .csv), không tính lại"
        return None
    if suffix not in {".xlsx", ".xlsm"}:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            core = archive.read("docProps/core.xml")[:4096]
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return None  # not a tusoi output; the reader will say what is wrong with it, if anything
    # the elements may carry their namespace declaration (openpyxl writes them so when lxml is installed)
    if not re.search(rb"<dc:creator(?:\s[^>]*)?>tusoi ", core):
        return None
    # by the title tusoi gives each report; a sheet made by `tusoi template sheet` (filled in) is a cell
    found = re.search(rb"<dc:title(?:\s[^>]*)?>([^<]*)", core)
    title = found.group(1).decode("utf-8", "replace") if found else ""
    if title.startswith("So sánh hai kỳ"):
        return "báo cáo so sánh của tusoi (tusoi compare), không tính"
    if title.startswith("Tổng hợp tự soi"):
        return "báo cáo tổng hợp của tusoi (tusoi tong-hop), không tính lại"
    if title.startswith("Báo cáo tự soi"):
        return "báo cáo của tusoi (tusoi batch -o .xlsx), không tính lại"
    return None


ROLLUP_CSV_MARK = '"cap","don_vi"'


def json_kind(path: Path) -> str:
    """Why a JSON file of the tree is not counted, naming it when it is one of tusoi's outputs."""
    head = _head(path).decode("utf-8", "replace")
    if f'"{FORMAT}"' in head:
        return ("bảng tổng hợp của tusoi (JSON): không cộng khi nằm trong cây — muốn cộng, đưa tệp làm đầu vào "
                "của lệnh (tusoi tong-hop TỆP.json ...)")
    if '"tusoi-compare"' in head:
        return "kết quả so sánh của tusoi (JSON), không tính"
    if head.lstrip("\ufeff \n").startswith(('{"source"', '[{"source"', '{\n  "source"', '[\n  {\n    "source"')):
        return "kết quả chấm của tusoi (JSON), không tính lại"
    return "tệp JSON không phải bảng tổng hợp, không tính"


# --------------------------------------------------------------------------- the cells of a sheet file


@dataclass
class SheetCells:
    """The cells one sheet file holds (unscored), with a note when a workbook holds several."""

    cells: list[BatchResult]
    names: list[str | None]  # the sheet name of each cell when the workbook holds several, else None
    notes: list[str] = field(default_factory=list)


def read_cells(path: Path, rubric: Rubric) -> SheetCells:
    """Every cell of a spreadsheet: each sheet with a header row is one cell (a workbook of one cell per sheet).

    Raises :class:`InputError` when no sheet holds a header row (the message ``batch`` gives).
    """
    from tusoi_cli.read.batch import _read_members, read_sheet
    from tusoi_cli.read.sheet.layout import find_layout
    from tusoi_cli.read.sheet.tables import read_tables

    name = str(path)
    tables = read_tables(path, None, name)
    found = [(table, layout) for table in tables if (layout := find_layout(table.rows, rubric)) is not None]
    if not found:
        read_sheet(path, rubric)  # raises the batch's own message (no header row, empty sheet...)
        raise InputError([Problem(name, "không tìm thấy dòng tiêu đề", hint="tạo mẫu bằng `tusoi template sheet`")])
    several = len(found) > 1
    cells = SheetCells([], [])
    if several:
        cells.notes.append(f"{name}: mỗi trang tính có dòng tiêu đề là một chi bộ (" +
                           ", ".join(f"'{table.sheet}'" for table, _ in found) + ")")
    problems: list[Problem] = []
    for table, layout in found:
        try:
            cell = _read_members(table, layout, rubric, None)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if not cell.members and not cell.failed_rows:
            where = f"trang '{table.sheet}'" if several else "tệp"
            cells.notes.append(f"{name}: {where} chỉ có dòng tiêu đề, chưa có dòng đảng viên nào (tính là chi bộ "
                               "0 người)")
        cells.cells.append(cell)
        cells.names.append(table.sheet if several else None)
        table.rows = []  # free the sheet: only its members (and soon only their counts) are kept
    if problems and not cells.cells:
        raise InputError(problems)
    if problems:  # a broken sheet beside good ones: the good ones still count
        cells.notes.extend(str(p) for p in problems)
    return cells


def read_yaml_cell(folder: Path, rubric: Rubric) -> BatchResult:
    from tusoi_cli.read.batch import read_folder

    return read_folder(folder, rubric)


# --------------------------------------------------------------------------- a previous roll-up's JSON


def read_rollup_json(path: Path) -> tuple[Unit, dict[str, str], dict[str, str]]:
    """The top unit of a roll-up JSON written by ``tong-hop``, with its item titles and level labels.

    Raises :class:`InputError` naming what is wrong (not JSON, not a roll-up, a newer format, a bad unit).
    """
    from tusoi_cli.read.inputs import read_bounded

    name = str(path)
    data = read_bounded(path, name, 256 * 1024**2)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError([Problem(name, "tệp không phải mã UTF-8",
                                  hint="chỉ ra tệp JSON do tusoi tong-hop ghi")]) from None
    except json.JSONDecodeError as exc:
        raise InputError([Problem(name, f"tệp JSON sai cú pháp ({exc.msg})", exc.lineno, exc.colno,
                                  "chỉ ra tệp JSON do tusoi tong-hop ghi, chưa bị sửa tay")]) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError([Problem(name, "tệp JSON này không phải bảng tổng hợp của tusoi (thiếu \"format\": "
                                  f"\"{FORMAT}\")", hint="chỉ ra tệp do `tusoi tong-hop --format json` ghi")])
    version = document.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise InputError([Problem(name, f"bảng tổng hợp dạng phiên bản {version!r}, tusoi này chỉ đọc được đến "
                                  f"phiên bản {FORMAT_VERSION}", hint="cập nhật tusoi")])
    try:
        root = _unit(document["root"], "root")
        titles = {str(k): str(v) for k, v in (document.get("item_titles") or {}).items()}
        labels = {str(k): str(v) for k, v in (document.get("level_labels") or {}).items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError([Problem(name, f"bảng tổng hợp bị hỏng hoặc bị sửa tay ({exc})",
                                  hint="ghi lại tệp bằng `tusoi tong-hop --format json`")]) from None
    root.source = name if not root.source else root.source
    return root, titles, labels


def _count(data: dict[str, Any], key: str, where: str) -> int:
    value = data.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{where}: '{key}' phải là một số nguyên không âm")
    return value


def _counts(data: Any, key: str, where: str) -> dict[str, int]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{where}: '{key}' phải là một bảng")
    return {str(k): _count(data, k, where) for k in data}


def _unit(data: Any, where: str) -> Unit:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: đơn vị phải là một bảng")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where}: thiếu tên đơn vị ('name')")
    where = f"đơn vị '{name}'"
    kind = data.get("kind")
    if kind not in ("cell", "party_unit"):
        raise ValueError(f"{where}: 'kind' phải là cell hoặc party_unit")
    unit = Unit(name, kind, str(data.get("source") or ""), _count(data, "exempt", where),
                _count(data, "not_reviewed", where))
    unit.exempt_reasons = _counts(data.get("exempt_reasons"), "exempt_reasons", where)
    for scheme_data in data.get("schemes") or []:
        levels = scheme_data.get("rubric_levels") or []
        scheme = tuple((str(level["id"]), str(level["label"])) for level in levels)
        tally = Tally(scheme, [str(r) for r in scheme_data.get("rubrics") or []],
                      _count(scheme_data, "reviewed", where),
                      _counts(scheme_data.get("levels"), "levels", where),
                      _counts(scheme_data.get("final_levels"), "final_levels", where),
                      _count(scheme_data, "differ", where), _count(scheme_data, "lowest", where),
                      _counts(scheme_data.get("reasons"), "reasons", where),
                      _counts(scheme_data.get("items"), "items", where))
        if sum(tally.levels.values()) != tally.reviewed:
            raise ValueError(f"{where}: tổng các mức ({sum(tally.levels.values())}) khác số đã kiểm điểm "
                             f"({tally.reviewed})")
        unit.tallies.append(tally)
    unit.children = [_unit(child, f"{where}, đơn vị con {n}") for n, child in enumerate(data.get("children") or [], 1)]
    if unit.children:
        _check_sums(unit, where)
    if data.get("present") is not None and data["present"] != unit.present:
        raise ValueError(f"{where}: 'present' ({data['present']}) khác miễn + chưa + đã kiểm điểm ({unit.present})")
    return unit


def _check_sums(unit: Unit, where: str) -> None:
    exempt = sum(c.exempt for c in unit.children)
    not_reviewed = sum(c.not_reviewed for c in unit.children)
    reviewed = sum(c.reviewed for c in unit.children)
    if (exempt, not_reviewed, reviewed) != (unit.exempt, unit.not_reviewed, unit.reviewed):
        raise ValueError(f"{where}: số liệu khác tổng của các đơn vị con")
