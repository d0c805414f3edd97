"""Reading the previous period carried forward: a member file's ``ky_truoc`` list and the sheet's two columns.

Every problem is located (line and column of the YAML, or the sheet's cell) and says the fix; an entry
with a problem is kept (never dropped silently), with the part that could not be read left empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from tusoi_cli.errors import Problem
from tusoi_cli.model import Rubric
from tusoi_cli.model.previous import NOTHING_CARRIED, RESULT_WORDS, CarriedItem, CarryResultVi, carry_result
from tusoi_cli.model.values import readers, to_number
from tusoi_cli.read.dates import parse_date
from tusoi_cli.read.yaml_reader import Path_, YamlDoc
from tusoi_cli.text import fold, nearest

# Keys of one entry (folded, spaces as underscores) -> field; English aliases welcome
_KEYS = {
    "muc": "muc", "item": "muc", "ma_muc": "muc",
    "muc_do": "muc_do", "degree": "muc_do", "gia_tri": "muc_do", "vi_pham": "muc_do",
    "bieu_hien": "bieu_hien", "description": "bieu_hien",
    "khac_phuc": "khac_phuc", "remedy": "khac_phuc",
    "han_khac_phuc": "han_khac_phuc", "deadline": "han_khac_phuc",
    "ket_qua": "ket_qua", "result": "ket_qua",
    "ghi_chu": "ghi_chu", "note": "ghi_chu",
}
_FIELDS = ("muc", "muc_do", "bieu_hien", "khac_phuc", "han_khac_phuc", "ket_qua", "ghi_chu")
_VI_CODE: dict[str, CarryResultVi] = {"fixed": "da_khac_phuc", "in_progress": "dang_khac_phuc",
                                      "not_fixed": "chua_khac_phuc"}


def result_code(text: str) -> CarryResultVi | None:
    """The member-file code of a result word ("đã", "Đang khắc phục"...), None when it is not one."""
    code = carry_result(text)
    return _VI_CODE[code] if code is not None else None


def item_problem(item: str, rubric: Rubric) -> tuple[str, str] | None:
    """(message, fix) when ``item`` is no item of ``rubric`` nor an earlier item it maps; None when it is."""
    ids = [i.id for _, i in rubric.items()]
    folded = {fold(i): i for i in ids}
    mapped = {fold(old) for m in rubric.maps_from for old in m.items}
    if fold(item) in folded or fold(item) in mapped:
        return None
    guess = nearest(item, ids)
    return (f"không có mục '{item}' trong bộ tiêu chí '{rubric.id}'",
            f"có phải ý bạn là '{guess}'?" if guess else
            "ghi mã mục của kỳ trước như tệp kỳ trước ghi (xem `tusoi rubric show`); nếu văn bản đã đổi số điều,"
            " khai báo `maps_from` trong bộ tiêu chí")


def canonical_item(item: str, rubric: Rubric) -> str:
    """The id as the rubric spells it ("ct5" -> "CT5"), or as written when the rubric does not have it."""
    for _, i in rubric.items():
        if fold(i.id) == fold(item):
            return i.id
    return item.strip()


def read_carried(doc: YamlDoc, key_name: str, raw: Any, rubric: Rubric,
                 problems: list[Problem]) -> list[CarriedItem] | None:
    """The ``ky_truoc`` list of a member file; None when the file does not have the key."""
    if raw is None:
        return None if key_name not in (doc.data or {}) else []
    if not isinstance(raw, list):
        problems.append(doc.problem((key_name,), "'ky_truoc' phải là một danh sách, mỗi hạn chế một mục '- muc: ...'",
                                    "xem mẫu bằng `tusoi template member --ky-truoc TỆP_KỲ_TRƯỚC.yaml`"))
        return []
    carried: list[CarriedItem] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw):
        path: Path_ = (key_name, index)
        if not isinstance(entry, dict):
            problems.append(doc.problem(path, "mỗi hạn chế kỳ trước phải là một bảng (muc, muc_do, ket_qua...)",
                                        "ví dụ `- muc: CT5` rồi các dòng `ket_qua: đã`, `ghi_chu: ...` thụt vào"))
            continue
        item = _read_entry(doc, path, entry, rubric, problems)
        if item is None:
            continue
        if fold(item.muc) in seen:
            problems.append(doc.problem((*path,), f"mục '{item.muc}' có hai lần trong ky_truoc (lần đầu ở mục số "
                                        f"{seen[fold(item.muc)] + 1})", "gộp hai mục lại làm một"))
        seen.setdefault(fold(item.muc), index)
        carried.append(item)
    return carried


def _read_entry(doc: YamlDoc, path: Path_, entry: dict[Any, Any], rubric: Rubric,
                problems: list[Problem]) -> CarriedItem | None:
    found: dict[str, tuple[Any, Path_]] = {}
    for key, value in entry.items():
        name = _KEYS.get(fold(str(key)).replace(" ", "_"))
        if name is None:
            guess = nearest(str(key), list(_FIELDS))
            problems.append(doc.problem((*path, key), f"trường '{key}' không có trong một hạn chế kỳ trước",
                                        f"có phải ý bạn là '{guess}'?" if guess else "dùng " + ", ".join(_FIELDS),
                                        key=True))
            continue
        found[name] = (value, (*path, key))
    if "muc" not in found or not isinstance(found["muc"][0], str) or not found["muc"][0].strip():
        problems.append(doc.problem(found["muc"][1] if "muc" in found else path,
                                    "hạn chế kỳ trước thiếu mã mục 'muc'", "thêm `muc: CT5` (mã mục của kỳ trước)"))
        return None
    muc_raw, muc_path = found["muc"]
    wrong = item_problem(muc_raw, rubric)
    if wrong is not None:
        problems.append(doc.problem(muc_path, *wrong))
    muc = canonical_item(muc_raw, rubric)
    fields: dict[str, Any] = {"muc": muc}
    if "muc_do" in found:
        fields["muc_do"] = _read_degree(doc, found["muc_do"], muc, rubric, problems)
    for name in ("bieu_hien", "khac_phuc", "ghi_chu"):
        value, where = found.get(name, (None, path))
        if value is not None and not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            else:
                problems.append(doc.problem(where, f"'{name}' phải là một đoạn chữ"))
                value = None
        fields[name] = value.strip() or None if isinstance(value, str) else None
    if "han_khac_phuc" in found:
        value, where = found["han_khac_phuc"]
        deadline = value if isinstance(value, date) else parse_date(value) if isinstance(value, str) else None
        if deadline is None and value is not None and value != "":
            shown = value if isinstance(value, str) else "(không phải một ngày)"
            problems.append(doc.problem(where, f"hạn khắc phục '{shown}' không phải là ngày hợp lệ",
                                        "viết dạng 30/06/2026 hoặc 2026-06-30"))
        fields["han_khac_phuc"] = deadline
    if "ket_qua" in found:
        value, where = found["ket_qua"]
        if value is not None and not (isinstance(value, str) and not value.strip()):
            code = result_code(value) if isinstance(value, str) else None
            if code is None:
                problems.append(doc.problem(where, f"kết quả khắc phục '{value}' không đọc được",
                                            f"ghi một trong: {RESULT_WORDS}; để trống nếu chưa đánh giá"))
            fields["ket_qua"] = code
    return CarriedItem.model_construct(**{"muc_do": None, "bieu_hien": None, "khac_phuc": None, "han_khac_phuc": None,
                                          "ket_qua": None, "ghi_chu": None, **fields})


def _read_degree(doc: YamlDoc, found: tuple[Any, Path_], muc: str, rubric: Rubric,
                 problems: list[Problem]) -> float | None:
    value, where = found
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        problems.append(doc.problem(where, "'muc_do' phải là một số hoặc một nhãn của thang"))
        return None
    section = next((s for s, i in rubric.items() if i.id == muc), None)
    if section is None:  # an item of an earlier document: only its number can be read
        number = to_number(str(value))
        if number is None:
            problems.append(doc.problem(where, f"mức độ '{value}' không phải một số",
                                        "ghi mức độ bằng số như tệp kỳ trước, ví dụ 1"))
        return number
    parsed = readers(rubric)[section.scale].parse(str(value))
    if parsed.state != "answered":
        problems.append(doc.problem(where, parsed.error or f"mức độ '{value}' không đọc được",
                                    parsed.hint))
        return None
    return parsed.value


# --------------------------------------------------------------------------- the sheet's two columns

# "CT5 (mức 1) — Nể nang…: Còn nể nang…": the id, the degree, the item's title (skipped), what was written
_LINE = re.compile(r"^\s*([A-Za-zĐđ][A-Za-z0-9_.\-]*)\s*(?:\(\s*m[uứ]c\s*([0-9.,]+)\s*\))?\s*(?:—[^:]*)?"
                   r"(?::\s*(.*?))?\s*$", re.IGNORECASE)
_RESULT = re.compile(r"^\s*([A-Za-zĐđ][A-Za-z0-9_.\-]*)\s*:\s*(.*?)\s*$")
_DEADLINE = re.compile(r"^h[aạ]n\s+(.+)$", re.IGNORECASE)
_REMEDY = re.compile(r"^kh[aắ]c ph[uụ]c\s*:\s*(.*)$", re.IGNORECASE)

# (column key, message, hint) -> the caller locates it (row, column, member)
Report = Callable[[str, str, str], None]
CARRIED_COLUMN = "han_che_ky_truoc"
RESULTS_COLUMN = "ket_qua_khac_phuc"


def read_carried_cells(listed: str | None, results: str | None, rubric: Rubric,
                       report: Report) -> list[CarriedItem] | None:
    """The previous period of one sheet row, from its "Hạn chế kỳ trước" and "Kết quả khắc phục" cells.

    Both blank: None (nothing known). "không có" in the first: an empty list (nothing to carry)."""
    if listed is None and results is None:
        return None
    items: dict[str, dict[str, Any]] = {}
    if listed is not None and fold(listed) not in (fold(NOTHING_CARRIED), "khong", "0"):
        for line in listed.splitlines():
            if not line.strip():
                continue
            found = _LINE.match(line) if ":" in line or "(" in line or "—" in line or " " not in line.strip() else None
            if found is None:
                report(CARRIED_COLUMN, f"dòng '{line.strip()}' không bắt đầu bằng mã mục",
                       "mỗi dòng một hạn chế, bắt đầu bằng mã mục: 'CT5 (mức 1): biểu hiện; khắc phục: ...; hạn"
                       " 30/06/2026'")
                continue
            muc = _known(found.group(1), rubric, CARRIED_COLUMN, report)
            if muc in items:
                report(CARRIED_COLUMN, f"mục '{muc}' ghi hai lần", "gộp hai dòng lại làm một")
                continue
            items[muc] = _details(muc, found.group(2), found.group(3) or "", CARRIED_COLUMN, report)
    elif listed is not None:
        items = {}
    if results is not None:
        seen: set[str] = set()
        for part in re.split(r"[;\n]", results):
            if not part.strip():
                continue
            found = _RESULT.match(part)
            if found is None:
                report(RESULTS_COLUMN, f"'{part.strip()}' không đọc được", "ghi theo dạng 'CT5: đã; DL6: đang'")
                continue
            muc = canonical_item(found.group(1), rubric)
            if listed is not None and muc not in items:
                listed_ids = ", ".join(items) or "(không có hạn chế nào)"
                report(RESULTS_COLUMN, f"mục '{muc}' không có trong cột Hạn chế kỳ trước của dòng này",
                       f"chỉ ghi kết quả cho các mục: {listed_ids}")
                continue
            if listed is None:
                muc = _known(found.group(1), rubric, RESULTS_COLUMN, report)
                items.setdefault(muc, {"muc": muc})
            if muc in seen:
                report(RESULTS_COLUMN, f"mục '{muc}' có hai kết quả", "giữ lại một")
                continue
            seen.add(muc)
            word = found.group(2)
            if word:
                code = result_code(word)
                if code is None:
                    report(RESULTS_COLUMN, f"kết quả '{word}' của mục {muc} không đọc được",
                           f"ghi một trong: {RESULT_WORDS}; để trống nếu chưa đánh giá")
                items[muc]["ket_qua"] = code
    blank = {"muc_do": None, "bieu_hien": None, "khac_phuc": None, "han_khac_phuc": None, "ket_qua": None,
             "ghi_chu": None}
    return [CarriedItem.model_construct(**{**blank, **fields}) for fields in items.values()]


def _known(raw: str, rubric: Rubric, column: str, report: Report) -> str:
    wrong = item_problem(raw, rubric)
    if wrong is not None:
        report(column, *wrong)
    return canonical_item(raw, rubric)


def _details(muc: str, degree: str | None, rest: str, column: str, report: Report) -> dict[str, Any]:
    fields: dict[str, Any] = {"muc": muc}
    if degree is not None:
        fields["muc_do"] = to_number(degree)
    words: list[str] = []
    for part in rest.split("; "):
        remedy, deadline = _REMEDY.match(part.strip()), _DEADLINE.match(part.strip())
        if remedy:
            fields["khac_phuc"] = remedy.group(1).strip() or None
        elif deadline and parse_date(deadline.group(1)) is not None:
            fields["han_khac_phuc"] = parse_date(deadline.group(1))
        elif deadline:
            report(column, f"hạn khắc phục '{deadline.group(1)}' của mục {muc} không phải là ngày hợp lệ",
                   "viết dạng 30/06/2026")
        elif part.strip():
            words.append(part.strip())
    fields["bieu_hien"] = "; ".join(words) or None
    return fields
