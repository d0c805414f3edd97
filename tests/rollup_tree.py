"""A small tree of cells for the roll-up tests, with its counts worked out by hand (see the comments).

Default rubric (tusoi-mac-dinh): weights CT 2, DL 2, DB 3, D 15 from 100; Tốt >= 90, Khá >= 75, Trung bình
>= 50; any D -> at most TB, two D -> Yếu kém, an expression at 3 -> at most TB, DB at 1 -> at most Khá, DB at 2
-> Yếu kém, disciplined -> at most TB.

tree/
  dang-bo-a/
    chi-bo-1.xlsx    title block "Chi bộ: Chi bộ Một"
    chi-bo-2/        member files of "Chi bộ Hai" (one of them broken)
    ketqua.xlsx      a tusoi batch report: skipped
    ketqua.json      a tusoi batch JSON: skipped
  dang-bo-b/
    hai-chi-bo.xlsx  two cell sheets, "Chi bộ Ba" and "Chi bộ Bốn" (named by their sheets)
    chi-bo-5.csv     "Chi bộ Năm" in a "Chi bộ" column, and a row of answers without a name (line 4)
    hong.xlsx        not a spreadsheet: an unreadable file
    ghi-chu.txt      not a cell: skipped
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

HEADER = ["STT", "Họ và tên", "Trạng thái", "CT1", "CT2", "DL1", "DL2", "DB1", "D1", "D2", "Kỷ luật",
          "Chi bộ xếp loại"]

# name, status, CT1, CT2, DL1, DL2, DB1, D1, D2, ky_luat, final
CELL_1 = [  # Chi bộ Một
    ["Nguyễn Văn An", "", 0, 0, 0, 0, 0, 0, 0, "", "Tốt"],  # 100: tot; final tot
    ["Trần Thị Bình", "", 1, 0, 0, 0, 0, 0, 0, "", "Khá"],  # 98: tot; final kha (differs)
    ["Lê Văn Cường", "", 0, 0, 0, 0, 0, 1, 0, "", ""],  # 85, a D breach: trung_binh
    ["Phạm Văn Dũng", "", 0, 0, 0, 0, 0, 1, 1, "có", ""],  # 70, two D + discipline: yeu_kem
    ["Hoàng Thị Em", "miễn: nghỉ sinh hoạt", "", "", "", "", "", "", "", "", ""],  # exempt
    ["Vũ Văn Phúc", "", "", "", "", "", "", "", "", "", ""],  # answered nothing: not reviewed
    ["Đỗ Thị Giang", "", "abc", 0, 0, 0, 0, 0, 0, "", ""],  # a bad cell (row 10): tot, provisional
]
CELL_3 = [  # sheet "Chi bộ Ba"
    ["Mai Văn Hải", "", 0, 0, 0, 0, 0, 0, 0, "", ""],  # tot
    ["Ngô Văn Nam", "", 3, 0, 0, 0, 0, 0, 0, "", ""],  # 94, an expression at 3: trung_binh
    ["Đinh Thị Oanh", "", 0, 0, 0, 0, 1, 0, 0, "", ""],  # 97, DB at 1: kha
]
CELL_4 = [  # sheet "Chi bộ Bốn"
    ["Lý Văn Phương", "", 0, 0, 0, 0, 0, 1, 1, "", "Yếu kém"],  # 70, two D: yeu_kem; final yeu_kem
    ["Tạ Văn Quang", "miễn: mới kết nạp dưới 6 tháng", "", "", "", "", "", "", "", "", ""],  # exempt
]
CSV_5 = [  # "Chi bộ Năm"
    ["Cao Văn Rạng", "", 0, 0, 0, 0, 0, 0, 0, "", ""],  # tot
    ["Lâm Văn Sơn", "", 0, 0, 2, 2, 0, 0, 0, "", ""],  # 92: tot
]
YAML_2 = {  # "Chi bộ Hai"
    "a.yaml": ("Bùi Thị Hà", "danh_gia:\n  DL1: 1\n"),  # 98: tot (provisional: other items unanswered)
    "b.yaml": ("Kiều Văn Khánh", "chi_bo_xep_loai: yeu_kem\ndanh_gia:\n  DB1: 2\n"),  # DB at 2: yeu_kem, final too
    "c.yaml": ("Mạc Thị Lan", "trang_thai: chưa kiểm điểm\ndanh_gia: {}\n"),  # not reviewed
}

NAMES = [row[0] for row in CELL_1 + CELL_3 + CELL_4 + CSV_5] + [name for name, _ in YAML_2.values()]

# hand-computed counts: present, exempt, not_reviewed, reviewed, levels (tot, kha, trung_binh, yeu_kem)
EXPECTED = {
    "Chi bộ Một": (7, 1, 1, 5, (3, 0, 1, 1)),
    "Chi bộ Hai": (3, 0, 1, 2, (1, 0, 0, 1)),
    "Chi bộ Ba": (3, 0, 0, 3, (1, 1, 1, 0)),
    "Chi bộ Bốn": (2, 1, 0, 1, (0, 0, 0, 1)),
    "Chi bộ Năm": (2, 0, 0, 2, (2, 0, 0, 0)),
    "dang-bo-a": (10, 1, 2, 7, (4, 0, 1, 2)),
    "dang-bo-b": (7, 1, 0, 6, (3, 1, 1, 1)),
    "tree": (17, 2, 2, 13, (7, 1, 2, 3)),
}


def _sheet(ws: Any, rows: list[list[Any]], title: str | None = None) -> None:
    if title:
        ws.append(["Chi bộ:", title])
        ws.append([])
    ws.append(HEADER)
    for number, row in enumerate(rows, start=1):
        ws.append([number, *row])


def make_tree(base: Path) -> Path:
    from openpyxl import Workbook

    root = base / "tree"
    a = root / "dang-bo-a"
    b = root / "dang-bo-b"
    (a / "chi-bo-2").mkdir(parents=True)
    b.mkdir(parents=True)
    wb = Workbook()
    _sheet(wb.active, CELL_1, "Chi bộ Một")
    wb.save(a / "chi-bo-1.xlsx")
    for file, (name, body) in YAML_2.items():
        (a / "chi-bo-2" / file).write_text(
            f'ky_danh_gia: "2026"\ndang_vien:\n  ho_ten: {name}\n  chi_bo: Chi bộ Hai\n{body}', encoding="utf-8")
    (a / "chi-bo-2" / "d.yaml").write_text("dang_vien:\n  ho_ten: [không đóng\n", encoding="utf-8")
    wb = Workbook()
    wb.active.title = "Chi bộ Ba"
    _sheet(wb.active, CELL_3)
    _sheet(wb.create_sheet("Chi bộ Bốn"), CELL_4)
    wb.save(b / "hai-chi-bo.xlsx")
    lines = [",".join(['"' + h + '"' for h in ["Chi bộ", *HEADER]])]
    for number, row in enumerate(CSV_5, start=1):
        lines.append(",".join(f'"{v}"' for v in ["Chi bộ Năm", number, *row]))
    lines.append('"Chi bộ Năm","3","","","1","0","0","0","0","0","0","",""')  # line 4: answers but no name
    (b / "chi-bo-5.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (b / "hong.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook at all")
    (b / "ghi-chu.txt").write_text("ghi chú của văn phòng\n", encoding="utf-8")
    return root


def add_reports(root: Path) -> None:
    """tusoi's own outputs lying in the tree (a batch report and its JSON), which the roll-up must skip."""
    from tusoi_cli.api import load_rubric, read_batch, summarize
    from tusoi_cli.render.data import batch_json
    from tusoi_cli.render.excel.report import write_report

    a = root / "dang-bo-a"
    batch = read_batch(a / "chi-bo-1.xlsx", load_rubric())
    write_report(a / "ketqua.xlsx", batch, tool_version="test")
    (a / "ketqua.json").write_bytes(b"".join(batch_json(batch, summarize(batch))))


# last period: "Dang-Bo-A" (another spelling) with "CHI BO MOT" (4 members) and "Chi bộ Cũ" (2), no dang-bo-b
PREV_MOT = [
    ["Nguyễn Văn An", "", 0, 0, 0, 0, 0, 0, 0, "", ""],  # tot
    ["Trần Thị Bình", "", 0, 0, 0, 0, 0, 0, 0, "", ""],  # tot
    ["Lê Văn Cường", "", 0, 0, 0, 0, 0, 0, 0, "", ""],  # tot
    ["Phạm Văn Dũng", "", 0, 0, 0, 0, 0, 1, 1, "", ""],  # yeu_kem
]
PREV_CU = [
    ["Người Cũ Một", "", 0, 0, 0, 0, 0, 0, 0, "", ""],  # tot
    ["Người Cũ Hai", "", 0, 0, 0, 0, 0, 0, 0, "", ""],  # tot
]


def make_previous(base: Path) -> Path:
    root = base / "ky-truoc"
    a = root / "Dang-Bo-A"
    a.mkdir(parents=True)
    for file, cell, rows in (("mot.csv", "CHI BO MOT", PREV_MOT), ("cu.csv", "Chi bộ Cũ", PREV_CU)):
        lines = [",".join(['"' + h + '"' for h in ["Chi bộ", *HEADER]])]
        for number, row in enumerate(rows, start=1):
            lines.append(",".join(f'"{v}"' for v in [cell, number, *row]))
        (a / file).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root
