"""``tusoi tong-hop`` through its entry point: the terminal table, JSON, CSV and .xlsx read back, no member named."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ..rollup_tree import EXPECTED, NAMES, add_reports, make_previous, make_tree

Invoke = Callable[..., Any]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = make_tree(tmp_path)
    add_reports(root)
    return root


def no_names(text: str) -> None:
    assert not [name for name in NAMES if name in text]


def test_terminal_table_fits_80_columns_and_names_nobody(invoke: Invoke, tree: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = invoke("tong-hop", str(tree))
    assert result.exit_code == 1  # an unreadable file and a bad row; the rest is counted
    out = result.stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "có mặt 17 = miễn 2 + chưa kiểm điểm 2 + đã kiểm điểm 13" in " ".join(out.split())
    row = next(line for line in out.splitlines() if line.strip().startswith("Chi bộ Một"))
    assert row.split()[3:7] == ["7", "1", "1", "5"]
    assert "tổng các lý do có thể lớn hơn số người" in " ".join(out.split())
    errors = [line for line in result.stderr.splitlines() if not line.startswith("Cảnh báo: ")]  # QĐ 37, 2026
    assert len(errors) == 4
    assert any("chi-bo-1.xlsx:10:4:" in line and "[tên ẩn]" in line for line in errors)
    assert any("hong.xlsx:" in line for line in errors) and any("d.yaml:3:1:" in line for line in errors)
    no_names(out + result.stderr)


def test_json_is_documented_tree_and_reads_back_as_an_input(invoke: Invoke, tree: Path, tmp_path: Path) -> None:
    target = tmp_path / "tong-hop.json"
    assert invoke("tong-hop", str(tree), "-o", str(target)).exit_code == 1
    text = target.read_text(encoding="utf-8")
    no_names(text)
    data = json.loads(text)
    assert (data["format"], data["format_version"]) == ("tusoi-tong-hop", 1)
    units = {}
    stack = [data["root"]]
    while stack:
        unit = stack.pop()
        units[unit["name"]] = unit
        assert unit["present"] == unit["exempt"] + unit["not_reviewed"] + unit["reviewed"]
        stack.extend(unit["children"])
    for name, (present, exempt, not_reviewed, reviewed, levels) in EXPECTED.items():
        unit = units[name]
        assert (unit["present"], unit["exempt"], unit["not_reviewed"], unit["reviewed"]) == (
            present, exempt, not_reviewed, reviewed)
        assert tuple(unit["levels"].values()) == levels
    assert units["Chi bộ Một"]["kind"] == "cell" and units["dang-bo-a"]["kind"] == "party_unit"
    assert units["tree"]["reasons"] == {"prohibited": 2, "degradation": 1, "discipline": 1, "other": 0}
    assert units["tree"]["items"]["D1"] == 3
    assert [(Path(e["file"]).name, e["line"], e["column"]) for e in data["errors"]] == [
        ("chi-bo-1.xlsx", 10, 4), ("d.yaml", 3, 1), ("chi-bo-5.csv", 4, 3), ("hong.xlsx", None, None)]
    # the roll-up JSON is an input: combined upward, the same counts
    again = invoke("tong-hop", str(target), "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["root"]["schemes"] == data["root"]["schemes"]
    # and lying in a tree it is skipped, never counted twice
    (tree / "dang-bo-a" / "cu.json").write_text(text, encoding="utf-8")
    twice = json.loads(invoke("tong-hop", str(tree), "-f", "json").stdout)
    assert twice["root"]["present"] == 17
    assert any(s["path"].endswith("cu.json") and "bảng tổng hợp" in s["reason"] for s in twice["skipped"])


def test_csv_one_row_per_unit(invoke: Invoke, tree: Path) -> None:
    result = invoke("tong-hop", str(tree), "-o", "-", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["don_vi"] for r in rows][:3] == ["tree", "dang-bo-a", "Chi bộ Một"]
    one = rows[2]
    assert (one["cap"], one["present"], one["exempt"], one["not_reviewed"], one["reviewed"]) == ("2", "7", "1", "1",
                                                                                               "5")
    assert (one["level_tot"], one["final_kha"], one["differ"], one["reason_discipline"]) == ("3", "1", "1", "1")
    no_names(result.stdout)


def test_xlsx_with_last_period_reads_back(invoke: Invoke, tree: Path, tmp_path: Path) -> None:
    previous = make_previous(tmp_path)
    target = tmp_path / "tong-hop.xlsx"
    result = invoke("tong-hop", str(tree), "--ky-truoc", str(previous), "-o", str(target))
    assert result.exit_code == 1 and target.exists()
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Tổng hợp", "Xếp loại cuối cùng", "Lý do", "Kỳ trước", "Hạn chế chung", "Lỗi",
                             "Thông tin"]
    ws = wb["Tổng hợp"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if r[0] == "STT")
    assert header[3:9] == ["(1) Có mặt", "(2) Miễn kiểm điểm", "(3) Chưa kiểm điểm", "(4) Đã kiểm điểm",
                           "Tốt: số người", "Tốt: %"]
    by_name = {r[1]: r for r in rows if isinstance(r[0], int)}
    for name, (present, exempt, not_reviewed, reviewed, levels) in EXPECTED.items():
        row = by_name[name]
        assert row[3:7] == [present, exempt, not_reviewed, reviewed], name
        assert row[3] == row[4] + row[5] + row[6]
        assert tuple(row[7:15:2]) == levels
    assert by_name["Chi bộ Một"][8] == pytest.approx(0.6)  # 3 of 5 at Tốt
    assert ws.page_setup.paperSize == 9 and ws.page_setup.scale >= 90
    reasons = [[c.value for c in row] for row in wb["Lý do"].iter_rows()]
    top = next(r for r in reasons if r[1] == "tree")
    assert top[3:8] == [3, 2, 1, 1, 0]
    last = [[c.value for c in row] for row in wb["Kỳ trước"].iter_rows()]
    start = next(i for i, r in enumerate(last) if r[1] == "Chi bộ Một")
    assert last[start][2:6] == ["(1) Có mặt", 7, 4, pytest.approx(175.0)]
    kha = next(r for r in last[start:] if r[2] == "Mức Khá")
    assert kha[3:6] == [0, 0, None]  # blank when last period is 0
    assert any(r[1] == "Kỳ trước: dang-bo-a / Chi bộ Cũ" for r in last)
    errors = [[c.value for c in row] for row in wb["Lỗi"].iter_rows()]
    assert [(Path(r[0]).name, r[1], r[2]) for r in errors if r[0] and str(r[0]).startswith(str(tree))] == [
        ("chi-bo-1.xlsx", 10, 4), ("d.yaml", 3, 1), ("chi-bo-5.csv", 4, 3), ("hong.xlsx", None, None)]
    info = " ".join(str(c.value) for row in wb["Thông tin"].iter_rows() for c in row if c.value)
    assert "ketqua.xlsx" in info and "không nêu tên" in info
    every = " ".join(str(c.value) for sheet in wb for row in sheet.iter_rows() for c in row if c.value)
    no_names(every)
    # tusoi's own roll-up workbook lying in the tree is recognised too
    moved = tree / "dang-bo-b" / "tong-hop.xlsx"
    moved.write_bytes(target.read_bytes())
    again = json.loads(invoke("tong-hop", str(tree), "-f", "json").stdout)
    assert again["root"]["present"] == 17
    assert any(s["path"] == str(moved) and "tong-hop" in s["reason"] for s in again["skipped"])


def test_usage_errors(invoke: Invoke, tmp_path: Path) -> None:
    missing = invoke("tong-hop", str(tmp_path / "khong-co"))
    assert missing.exit_code == 2 and "không tìm thấy" in missing.stderr
    empty = tmp_path / "trong"
    empty.mkdir()
    nothing = invoke("tong-hop", str(empty))
    assert nothing.exit_code == 2 and "không tìm thấy chi bộ nào" in nothing.stderr
    member = tmp_path / "an.yaml"
    member.write_text("dang_vien:\n  ho_ten: An\n", encoding="utf-8")
    one = invoke("tong-hop", str(member))
    assert one.exit_code == 1 and "không phải một chi bộ" in one.stderr
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    bad = invoke("tong-hop", str(broken), "-o", str(tmp_path / "th.json"))
    assert bad.exit_code == 1 and "hong.xlsx" in bad.stderr and not (tmp_path / "th.json").exists()


def test_an_input_inside_another_would_count_twice(invoke: Invoke, tree: Path) -> None:
    twice = invoke("tong-hop", str(tree), str(tree / "dang-bo-a"))
    assert twice.exit_code == 2 and "tính hai lần" in twice.stderr
    same = invoke("tong-hop", str(tree), str(tree) + "/")
    assert same.exit_code == 2


def test_cells_in_natural_order(invoke: Invoke, tmp_path: Path) -> None:
    from ..rollup_tree import CSV_5, HEADER

    for number in (10, 2, 1):
        lines = [",".join(f'"{h}"' for h in HEADER), ",".join(f'"{v}"' for v in [1, *CSV_5[0]])]
        (tmp_path / f"chi-bo-{number}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = json.loads(invoke("tong-hop", str(tmp_path), "-f", "json").stdout)
    assert [c["name"] for c in data["root"]["children"]] == ["chi-bo-1", "chi-bo-2", "chi-bo-10"]


def test_a_sheet_made_by_tusoi_template_is_a_cell_not_a_report(invoke: Invoke, tree: Path, tmp_path: Path) -> None:
    names = tmp_path / "ds.txt"
    names.write_text("Người Mẫu Một\nNgười Mẫu Hai\nNgười Mẫu Ba\n", encoding="utf-8")
    sheet = tree / "dang-bo-b" / "chi-bo-6.xlsx"
    made = invoke("template", "sheet", "--members", str(names), "--chi-bo", "Chi bộ Sáu", "-o", str(sheet))
    assert made.exit_code == 0, made.stderr
    data = json.loads(invoke("tong-hop", str(tree), "-f", "json").stdout)
    b = next(u for u in data["root"]["children"] if u["name"] == "dang-bo-b")
    six = next(u for u in b["children"] if u["name"] == "Chi bộ Sáu")
    # handed out, not filled in yet: three members present, none has answered, so none is reviewed
    assert (six["present"], six["not_reviewed"], six["reviewed"]) == (3, 3, 0)
    assert b["present"] == EXPECTED["dang-bo-b"][0] + 3
    assert not any(s["path"] == str(sheet) for s in data["skipped"])


def test_ten_adds_the_internal_member_list_and_only_then(invoke: Invoke, tree: Path, tmp_path: Path) -> None:
    from ..rollup_tree import CELL_1

    target = tmp_path / "noi-bo.xlsx"
    assert invoke("tong-hop", str(tree), "--ten", "-o", str(target)).exit_code == 1
    wb = openpyxl.load_workbook(target)
    assert "Đảng viên" in wb.sheetnames
    rows = [[c.value for c in row] for row in wb["Đảng viên"].iter_rows()]
    listed = [r for r in rows if isinstance(r[0], int)]
    assert len(listed) == EXPECTED["tree"][0]  # every member present, exempt and not reviewed included
    assert {r[2] for r in listed} == set(NAMES)
    dung = next(r for r in listed if r[2] == CELL_1[3][0])
    assert dung[1] == "Chi bộ Một" and dung[4] == "đã kiểm điểm" and dung[5] == "Yếu kém" and dung[7] == 7
    em = next(r for r in listed if r[2] == CELL_1[4][0])
    assert em[4] == "miễn kiểm điểm: nghỉ sinh hoạt" and em[5] is None
    data = json.loads(invoke("tong-hop", str(tree), "--ten", "-f", "json").stdout)
    assert len(data["members"]) == 17 and data["members"][0]["ho_ten"] == CELL_1[0][0]
    summary = tmp_path / "a.json"
    invoke("tong-hop", str(tree / "dang-bo-a"), "-o", str(summary))
    from_json = invoke("tong-hop", str(summary), "--ten", "-f", "json")
    assert "không có danh sách đảng viên" in from_json.stderr
    assert json.loads(from_json.stdout)["members"] == []


def test_groups_of_other_levels_are_shown_apart(invoke: Invoke, tree: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    other = Path(__file__).parents[2] / "rubrics" / "examples" / "xep-loai-hoan-thanh.yaml"
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    invoke("tong-hop", str(tree / "dang-bo-a"), "-o", str(a))
    invoke("tong-hop", str(tree / "dang-bo-b"), "-r", str(other), "-o", str(b))
    monkeypatch.setenv("COLUMNS", "80")
    shown = invoke("tong-hop", str(a), str(b))
    assert shown.exit_code == 0, shown.stderr
    out = shown.stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    top = next(line for line in out.splitlines() if line.strip().startswith("Tổng cộng"))
    assert top.split()[2:6] == ["17", "2", "2", "13"]  # (1) = (2) + (3) + (4) over both groups
    assert "Nhóm 1/2" in out and "Nhóm 2/2" in out and "không cộng lẫn" in out
    target = tmp_path / "th.xlsx"
    assert invoke("tong-hop", str(a), str(b), "-o", str(target)).exit_code == 0
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(target)["Tổng hợp"].iter_rows()]
    tops = [r for r in rows if r[1] == "Tổng cộng"]
    assert [r[3:8] for r in tops] == [[17, 2, 2, 13, 7], [17, 2, 2, 13, 6]]  # (1)-(4), then the group's own
    assert tops[0][8:10] == [4, pytest.approx(4 / 7)]  # Tốt: 4 of the 7 scored with the default levels


def test_compare_reports_csv_results_and_lock_files_in_the_tree_are_skipped(invoke: Invoke, tree: Path,
                                                                           tmp_path: Path) -> None:
    previous = make_previous(tmp_path)
    a = tree / "dang-bo-a"
    made = invoke("compare", str(previous / "Dang-Bo-A" / "mot.csv"), str(a / "chi-bo-1.xlsx"), "-o",
                  str(a / "so-sanh.xlsx"))
    assert made.exit_code in (0, 1), made.stderr
    assert invoke("batch", str(a / "chi-bo-1.xlsx"), "-o", str(a / "ketqua.csv")).exit_code == 1
    (a / "~$chi-bo-1.xlsx").write_bytes(b"lock")
    data = json.loads(invoke("tong-hop", str(tree), "-f", "json").stdout)
    assert data["root"]["present"] == EXPECTED["tree"][0]
    skipped = {Path(s["path"]).name: s["reason"] for s in data["skipped"]}
    assert "tusoi compare" in skipped["so-sanh.xlsx"]
    assert "tusoi batch -o .csv" in skipped["ketqua.csv"]
    assert "tệp khóa" in skipped["~$chi-bo-1.xlsx"]


def test_a_stray_yaml_beside_cells_does_not_swallow_the_party_unit(invoke: Invoke, tree: Path) -> None:
    rubric = (Path(__file__).parents[2] / "rubrics" / "qd37.yaml").read_bytes()
    (tree / "dang-bo-b" / "bo-tieu-chi.yaml").write_bytes(rubric)
    result = invoke("tong-hop", str(tree), "-f", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    b = next(u for u in data["root"]["children"] if u["name"] == "dang-bo-b")
    assert [c["name"] for c in b["children"]] == ["Chi bộ Năm", "Chi bộ Ba", "Chi bộ Bốn"]
    assert b["present"] == EXPECTED["dang-bo-b"][0]
    assert any(e["file"].endswith("bo-tieu-chi.yaml") for e in data["errors"])  # listed, not silently dropped
