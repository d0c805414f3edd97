"""`tusoi batch`: sheets written like users write them, read back, every row accounted for."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tusoi_cli import InputError, load_rubric
from tusoi_cli.api import read_batch

from ..conftest import ALL_ITEMS, EXAMPLES

Invoke = Callable[..., Any]
TITLE = [["ĐẢNG BỘ PHƯỜNG AN BÌNH"], ["CHI BỘ KHU PHỐ 3"], [], ]
HEADER = ["STT", "Họ và tên", "Mã đảng viên", "Chức vụ", "Tự xếp loại", "Kỷ luật", "Ghi chú",
          *[f"{i} - nội dung" if i.startswith("CT") else i for i in ALL_ITEMS]]


def member_row(stt: Any, name: str, answers: dict[str, Any] | None = None, **fields: Any) -> list[Any]:
    answers = answers or {}
    return [stt, name, fields.get("ma", ""), fields.get("chuc_vu", ""), fields.get("tu", ""),
            fields.get("ky_luat", ""), fields.get("ghi_chu", ""), *[answers.get(i, 0) for i in ALL_ITEMS]]


ROWS = [
    member_row(1, "Nguyễn Văn An", {"CT5": 1, "DL5": "Có biểu hiện", "CT3": "mức 2"}, tu="Tốt"),  # 92 tot
    member_row(2, "  Lê Quốc Cường ", {"D4": "x", "CT6": 2, "DL4": 1}, tu="Khá"),  # 79 -> trung_binh
    [None] * len(HEADER),  # a blank row in the middle
    member_row("3", "Phạm Minh Đức", {"DB4": "2", "D5": "có"}, ky_luat="có"),  # 79 -> yeu_kem
    member_row(4, "Trần Thị Bình", {"CT9": "na", "D18": "KAD"}),  # 100 tot
    member_row(5, "", {"CT1": 1}),  # error: no name
    member_row(6, "Hoàng Văn Em", {"CT2": 7}),  # a bad cell: kept, CT2 invalid, 100 tot provisional
    ["", "Tổng cộng", "", "", "", "", "", *[""] * len(ALL_ITEMS)],
]
EXPECTED = [("Nguyễn Văn An", 92, "tot"), ("Lê Quốc Cường", 79, "trung_binh"), ("Phạm Minh Đức", 79, "yeu_kem"),
            ("Trần Thị Bình", 100, "tot"), ("Hoàng Văn Em", 100, "tot")]


def write_xlsx(path: Path, rows: list[list[Any]] = ROWS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Chi bộ 3"
    for row in [*TITLE, HEADER, *rows]:
        ws.append(row)
    ws.merge_cells("A1:G1")
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]] = ROWS, *, delimiter: str = ",", encoding: str = "utf-8-sig") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        csv.writer(handle, delimiter=delimiter).writerows([*TITLE, HEADER, *rows])
    return path


def check(batch: Any) -> None:
    assert [(r.ho_ten, r.score, r.level) for r in batch.results] == EXPECTED
    assert batch.rows == [5, 6, 8, 9, 11]
    assert batch.failed_rows == [10]  # only the row that no name ties to a person
    assert batch.blank_rows == 1
    assert batch.ignored_rows == [12]
    assert {p.line for p in batch.problems} == {10, 11}
    messages = [str(p) for p in batch.problems]
    assert any(":10:2: cột B (Họ và tên): thiếu họ và tên" in m for m in messages)
    # the bad cell names the member, its row and column, and the fix; the member stays, provisional
    assert any(":11:9: Hoàng Văn Em — cột I (CT2 - nội dung): giá trị '7' không có trong thang" in m
               and "dùng 0 (Không có)" in m for m in messages), messages
    em = batch.results[4]
    assert (em.invalid, em.complete, em.unanswered) == (["CT2"], False, [])
    assert next(i for i in em.items if i.id == "CT2").state == "invalid"


def test_xlsx_with_title_rows_merged_cells_labels_and_total_row(tmp_path: Path) -> None:
    check(read_batch(write_xlsx(tmp_path / "chibo.xlsx"), load_rubric()))


@pytest.mark.parametrize(("delimiter", "encoding"), [
    (",", "utf-8-sig"), (",", "utf-8"), (";", "utf-8-sig"), ("\t", "utf-16"),
])
def test_csv_variants(tmp_path: Path, delimiter: str, encoding: str) -> None:
    check(read_batch(write_csv(tmp_path / "chibo.csv", delimiter=delimiter, encoding=encoding), load_rubric()))


def test_every_row_is_accounted_for(tmp_path: Path) -> None:
    batch = read_batch(write_xlsx(tmp_path / "c.xlsx"), load_rubric())
    data_rows = len(ROWS)
    assert len(batch.results) + len(batch.failed_rows) + batch.blank_rows + len(batch.ignored_rows) == data_rows


def test_undecodable_csv_is_refused_with_a_fix(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"Ho v\xe0 t\xean,CT1,CT2,CT3\nNguy\xean,0,0,0\n")  # Windows-1258 bytes, not UTF-8
    with pytest.raises(InputError) as info:
        read_batch(path, load_rubric())
    assert "không phải mã UTF-8" in str(info.value) and "CSV UTF-8" in str(info.value)


def test_xlsx_named_csv_is_read_by_its_content(tmp_path: Path) -> None:
    real = write_xlsx(tmp_path / "c.xlsx")
    renamed = tmp_path / "c.csv"
    renamed.write_bytes(real.read_bytes())
    check(read_batch(renamed, load_rubric()))


def test_html_saved_as_xls_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>Họ và tên</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="HTML"):
        read_batch(path, load_rubric())


def test_corrupt_xlsx_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    data = write_xlsx(tmp_path / "ok.xlsx").read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="hỏng"):
        read_batch(path, load_rubric())


def test_no_header_row(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="không tìm thấy dòng tiêu đề"):
        read_batch(path, load_rubric())


def test_header_without_name_column(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("STT,CT1,CT2,CT3\n1,0,0,0\n", encoding="utf-8")
    with pytest.raises(InputError, match="không có cột 'Họ và tên'"):
        read_batch(path, load_rubric())


def test_huge_declared_range_is_refused_without_crashing(tmp_path: Path) -> None:
    """A few KB of .xlsx with cells at A1 and XFD1048576 makes calamine abort the process: refuse it first."""
    path = write_xlsx(tmp_path / "ok.xlsx", ROWS[:1])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>",
                                    b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')
            dst.writestr(info, data)
    code = ("import sys; from pathlib import Path; from tusoi_cli import load_rubric, InputError\n"
            "from tusoi_cli.api import read_batch\n"
            "try:\n    read_batch(Path(sys.argv[1]), load_rubric())\nexcept InputError as e:\n"
            "    print(e); sys.exit(7)\n")
    done = subprocess.run([sys.executable, "-c", code, str(bomb)], capture_output=True, timeout=60, check=False)
    assert done.returncode == 7, done.stderr.decode()
    assert "quá lớn" in done.stdout.decode()


def test_folder_of_member_files(tmp_path: Path) -> None:
    batch = read_batch(EXAMPLES, load_rubric())
    assert [r.level for r in batch.results] == ["tot", "tot", "trung_binh", "yeu_kem"]
    assert batch.problems == []


def test_cli_batch_writes_json_and_csv_and_exits_1_on_row_errors(invoke: Invoke, tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "chibo.xlsx")
    out = tmp_path / "kq.json"
    result = invoke("batch", str(sheet), "-o", str(out))
    assert result.exit_code == 1
    assert "thiếu họ và tên" in result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [(m["ho_ten"], m["score"], m["level"], m["row"]) for m in data["members"]] == [
        (n, s, lv, row) for (n, s, lv), row in zip(EXPECTED, [5, 6, 8, 9, 11], strict=True)]
    assert data["failed_rows"] == [10] and data["blank_rows"] == 1
    assert [(e["line"], e["column"]) for e in data["errors"]] == [(10, 2), (11, 9)]
    assert "Hoàng Văn Em" in data["errors"][1]["message"] and data["members"][4]["complete"] is False
    assert data["counts"] == {"members": 5, "reviewed": 5, "exempt": 0, "not_reviewed": 0, "provisional": 1,
                              "with_unanswered": 0, "with_invalid": 1,
                              "levels": {"tot": 3, "kha": 0, "trung_binh": 1, "yeu_kem": 1}}
    assert "Phân bố xếp loại" in result.stdout and "Trung bình" in result.stdout
    csv_out = tmp_path / "kq.csv"
    assert invoke("batch", str(sheet), "-o", str(csv_out)).exit_code == 1
    text = csv_out.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    assert [(r["ho_ten"], r["score"], r["level"]) for r in rows] == [(n, str(s), lv) for n, s, lv in EXPECTED]
    assert rows[1]["D4"] == "1" and rows[3]["CT9"] == "na" and rows[4]["CT2"] == "!"
    assert [(r["status"], r["complete"]) for r in rows] == [("reviewed", "1")] * 4 + [("reviewed", "0")]
    again = invoke("batch", str(sheet), "-o", str(csv_out))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert csv_out.read_text(encoding="utf-8-sig") == text


def test_formula_looking_names_are_neutralised_in_csv(invoke: Invoke, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "c.csv", [member_row(1, "=HYPERLINK(\"http://x\")", chuc_vu="@SUM(A1)")])
    out = tmp_path / "kq.csv"
    assert invoke("batch", str(sheet), "-o", str(out)).exit_code == 0
    row = next(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert row["ho_ten"] == "'=HYPERLINK(\"http://x\")" and row["chuc_vu"] == "'@SUM(A1)"


def test_sort_by_vietnamese_given_name(invoke: Invoke, tmp_path: Path) -> None:
    rows = [member_row(i, n) for i, n in enumerate(["Lê Văn Đức", "Trần Văn An", "Nguyễn Thị Bình",
                                                     "Phạm Thị Ánh", "Hồ Văn Dũng"], start=1)]
    sheet = write_csv(tmp_path / "c.csv", rows)
    out = tmp_path / "kq.json"
    assert invoke("batch", str(sheet), "--sort", "ten", "-o", str(out)).exit_code == 0
    names = [m["ho_ten"] for m in json.loads(out.read_text(encoding="utf-8"))["members"]]
    assert names == ["Trần Văn An", "Phạm Thị Ánh", "Nguyễn Thị Bình", "Hồ Văn Dũng", "Lê Văn Đức"]


def test_thousand_rows_through_the_entry_point(tmp_path: Path) -> None:
    rows = [member_row(i, f"Đảng viên {i:04d}", {"CT1": i % 4, "D1": 1 if i % 97 == 0 else 0})
            for i in range(1, 1001)]
    sheet = write_xlsx(tmp_path / "big.xlsx", rows)
    out = tmp_path / "kq.json"
    done = subprocess.run([sys.executable, "-m", "tusoi_cli", "batch", str(sheet), "-o", str(out)],
                          capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    members = json.loads(out.read_text(encoding="utf-8"))["members"]
    assert len(members) == 1000
    assert members[2]["score"] == 94 and members[96]["level"] == "trung_binh"  # row 3: CT1=3; i=97 violates D1


def test_cli_batch_writes_an_excel_report_that_opens_again(invoke: Invoke, tmp_path: Path) -> None:
    sheet = write_xlsx(tmp_path / "chibo.xlsx")
    out = tmp_path / "ketqua.xlsx"
    result = invoke("batch", str(sheet), "-o", str(out))
    assert result.exit_code == 1  # two rows failed; the report is written for the rest
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Kết quả", "Tổng hợp", "Chi tiết", "Lỗi", "Thông tin"]
    values = [[c.value for c in row] for row in wb["Kết quả"].iter_rows()]
    names = [row[1] for row in values]
    for name, _, _ in EXPECTED:
        assert name in names
    errors = [[c.value for c in row] for row in wb["Lỗi"].iter_rows()]
    assert any(10 in row for row in errors) and any(11 in row for row in errors)


def test_sheet_option_and_first_sheet_with_a_header(invoke: Invoke, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "Hướng dẫn"
    notes.append(["Điền mỗi người một dòng"])
    second = wb.create_sheet("Chi bộ 3")
    for row in [HEADER, member_row(1, "Nguyễn Văn An", {"CT1": 1})]:
        second.append(row)
    third = wb.create_sheet("Chi bộ 4")
    for row in [HEADER, member_row(1, "Trần Thị Bình"), member_row(2, "Lê Văn Đức")]:
        third.append(row)
    path = tmp_path / "dangbo.xlsx"
    wb.save(path)
    first = read_batch(path, load_rubric())
    assert (first.sheet, [r.ho_ten for r in first.results]) == ("Chi bộ 3", ["Nguyễn Văn An"])
    chosen = read_batch(path, load_rubric(), sheet="Chi bộ 4")
    assert [r.ho_ten for r in chosen.results] == ["Trần Thị Bình", "Lê Văn Đức"]
    wrong = invoke("batch", str(path), "--sheet", "Chi bo 5")
    assert wrong.exit_code == 1 and "không có trang tính 'Chi bo 5'" in wrong.stderr


def test_corrupt_xls_files_never_crash(tmp_path: Path) -> None:
    """Corrupt .xls files make calamine raise Rust panics (BaseException); each must become an InputError."""
    source = (Path(__file__).resolve().parents[1] / "fixtures" / "sheets" / "chibo-mau.xls").read_bytes()
    code = (
        "import random, sys; from pathlib import Path; from tusoi_cli import load_rubric, InputError\n"
        "from tusoi_cli.api import read_batch\n"
        "data = Path(sys.argv[1]).read_bytes(); rng = random.Random(7); outcomes = set()\n"
        "for n in range(40):\n"
        "    bad = bytearray(data)\n"
        "    for _ in range(20):\n"
        "        bad[rng.randrange(512, len(bad))] = rng.randrange(256)\n"
        "    path = Path(sys.argv[2]) / f'bad{n}.xls'; path.write_bytes(bytes(bad))\n"
        "    try:\n        read_batch(path, load_rubric()); outcomes.add('read')\n"
        "    except InputError:\n        outcomes.add('error')\n"
        "print(sorted(outcomes))\n")
    source_path = tmp_path / "ok.xls"
    source_path.write_bytes(source)
    done = subprocess.run([sys.executable, "-c", code, str(source_path), str(tmp_path)], capture_output=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert "error" in done.stdout.decode()


def test_cell_and_period_from_the_title_block_or_a_column(tmp_path: Path) -> None:
    titled = [["PHIẾU TỔNG HỢP"], [None, "Chi bộ:", "Chi bộ Khu phố 3"], [None, "Kỳ đánh giá:", 2026], [], HEADER,
              member_row(1, "Nguyễn Văn An")]
    path = tmp_path / "t.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(titled)
    result = read_batch(path, load_rubric()).results[0]
    assert (result.chi_bo, result.ky_danh_gia) == ("Chi bộ Khu phố 3", "2026")
    with_column = tmp_path / "c.csv"
    with with_column.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([[*HEADER, "Chi bộ", "Chi bộ xếp loại"],
                                      [*member_row(1, "Trần Thị Bình"), "Chi bộ 5", "Khá"]])
    member = read_batch(with_column, load_rubric()).results[0]
    assert (member.chi_bo, member.cell_level) == ("Chi bộ 5", "kha")
