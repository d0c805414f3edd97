"""`tusoi bieu-quyet`: ballots tallied by the rubric's rule (hand-computed here), the cell slot of the output
filled by a decided vote, the quota on final levels, who is missing — in the terminal, JSON and .xlsx."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

Invoke = Callable[..., Any]
HEADER = "Họ và tên,CT1,CT2,D4,DB1,Tự xếp loại,Chi ủy đề xuất,Chi bộ xếp loại,Lý do,Đảng ủy quyết định,Trạng thái"
CELL = f"""Chi bộ:,Chi bộ Thử nghiệm
{HEADER}
Nguyễn Văn An,0,0,0,0,Tốt,Tốt,,,,
Trần Thị Bình,1,0,0,0,Tốt,Khá,,,,
Lê Văn Cường,0,0,1,0,Khá,Khá,,,,
Phạm Thị Dung,0,0,0,0,Tốt,,,,,
Hoàng Văn Em,,,,,,,,,,Miễn: nghỉ sinh hoạt
"""
# 9 present. Default rule: the best level whose ballots (its own and those for better levels) exceed 4.5.
#   An:    Tốt 6                       -> Tốt (6 > 4.5)
#   Bình:  Tốt 3, +Khá 2 = 5           -> Khá
#   Cường: Tốt 2, +Khá 2 = 4, +TB 4 = 8 -> Trung bình
#   Dung:  Tốt 2, +Khá 2, +TB 0 = 4, +YK 0 = 4 (5 blank) -> no majority
BALLOTS = """PHIẾU BIỂU QUYẾT XẾP LOẠI
Số đảng viên có mặt và biểu quyết:,9
STT,Họ và tên,Tốt,Khá,Trung bình,Yếu kém,Tổng số phiếu
1,Nguyễn Văn An,6,2,1,,9
2,Trần Thị Bình,3,2,3,1,9
3,Lê Văn Cường,2,2,4,1,9
4,Phạm Thị Dung,2,2,,,4
"""


@pytest.fixture
def cell(tmp_path: Path) -> Path:
    path = tmp_path / "chibo.csv"
    path.write_text(CELL, encoding="utf-8")
    return path


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(invoke: Invoke, *args: str) -> tuple[Any, dict[str, Any]]:
    result = invoke("bieu-quyet", *args, "-o", "-")
    return result, json.loads(result.stdout)


def _by_name(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["ho_ten"]: m for m in doc["members"]}


def test_tally_form_hand_computed_fills_the_cell_slot_of_the_output(invoke: Invoke, tmp_path: Path,
                                                                    cell: Path) -> None:
    ballots = _write(tmp_path, "phieu.csv", BALLOTS)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (cell, ballots)}
    result, doc = _run(invoke, str(cell), "--phieu", str(ballots))
    assert result.exit_code == 0, result.stderr
    members = _by_name(doc)
    assert doc["present"] == 9
    assert {n: (m["vote"]["level"] if m["vote"] else "-", m["vote"]["outcome"] if m["vote"] else "-")
            for n, m in members.items()} == {
        "Nguyễn Văn An": ("tot", "decided"), "Trần Thị Bình": ("kha", "decided"),
        "Lê Văn Cường": ("trung_binh", "decided"), "Phạm Thị Dung": (None, "no_majority"),
        "Hoàng Văn Em": ("-", "-")}
    assert members["Trần Thị Bình"]["vote"]["counts"] == {"tot": 3, "kha": 2, "trung_binh": 3, "yeu_kem": 1}
    bình = members["Trần Thị Bình"]
    assert bình["raters"]["cell"] == {"level": "kha", "label": "Khá", "reason": "biểu quyết: 5/9 phiếu", "date": None}
    assert (bình["cell_level"], bình["final_level"], bình["level"]) == ("kha", "kha", "tot")
    # a vote without majority leaves the slots as they were: Dung's final level is still her own
    assert "cell" not in members["Phạm Thị Dung"]["raters"] and members["Phạm Thị Dung"]["final_level"] == "tot"
    # Cường recorded a violation (D4: at most Trung bình): the cell's vote is within it, his own Khá is not
    assert [(f["slot"], f["kind"]) for f in members["Lê Văn Cường"]["rating_flags"]] == [
        ("self", "above_cap"), ("cell_committee", "above_cap")]
    assert doc["missing"] == {"self": [], "cell_committee": ["Phạm Thị Dung"], "cell": ["Phạm Thị Dung"],
                              "party_committee": ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"],
                              "vote": []}
    assert doc["quota"] is None  # the default rubric declares none
    assert doc["counts"]["decided"] == 3 and doc["counts"]["no_majority"] == 1
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (cell, ballots)} == before  # inputs untouched
    # the terminal says the same
    from typer.testing import CliRunner

    from tusoi_cli.cli import app

    wide = CliRunner().invoke(app, ["bieu-quyet", str(cell), "--phieu", str(ballots)], env={"COLUMNS": "160"})
    rows = {line.split()[0]: " ".join(line.split()) for line in wide.stdout.splitlines() if line.strip()}
    assert rows["Trần"] == "Trần Thị Bình Tốt Tốt Khá Khá 5/9 Khá"
    assert rows["Phạm"] == "Phạm Thị Dung Tốt Tốt không đủ 4/9 Tốt"  # 4 ballots of 9 present
    text = wide.stdout
    assert "Đảng ủy quyết định (4): Nguyễn Văn An, Trần Thị Bình, Lê Văn Cường, Phạm Thị Dung" in " ".join(
        text.split())


def test_changing_the_vote_rule_in_the_rubric_changes_the_outcome(invoke: Invoke, tmp_path: Path,
                                                                  cell: Path) -> None:
    ballots = str(_write(tmp_path, "phieu.csv", BALLOTS))
    two_thirds = _write(tmp_path, "hai-phan-ba.yaml", "id: hai-phan-ba\ninclude: [tusoi-mac-dinh]\n"
                        "vote: {share: 0.66, strict: false, base: present, cumulative: true}\n")
    own_level = _write(tmp_path, "rieng-muc.yaml", "id: rieng-muc\ninclude: [tusoi-mac-dinh]\n"
                       "vote: {cumulative: false}\n")
    _, default = _run(invoke, str(cell), "--phieu", ballots)
    _, strict = _run(invoke, str(cell), "--phieu", ballots, "-r", str(two_thirds))
    _, alone = _run(invoke, str(cell), "--phieu", ballots, "-r", str(own_level))
    levels = [{n: m["vote"]["level"] for n, m in _by_name(d).items() if m["vote"]} for d in (default, strict, alone)]
    # at least 66 % of 9 (5.94): An 6 (Tốt), Bình 3/5/8 (Trung bình), Cường 2/4/8 (Trung bình), Dung 4 (none)
    # each ballot for its own level only, more than 4.5: An Tốt 6; no level of Bình, Cường or Dung has 5
    assert levels == [
        {"Nguyễn Văn An": "tot", "Trần Thị Bình": "kha", "Lê Văn Cường": "trung_binh", "Phạm Thị Dung": None},
        {"Nguyễn Văn An": "tot", "Trần Thị Bình": "trung_binh", "Lê Văn Cường": "trung_binh",
         "Phạm Thị Dung": None},
        {"Nguyễn Văn An": "tot", "Trần Thị Bình": None, "Lê Văn Cường": None, "Phạm Thị Dung": None},
    ]


def test_more_ballots_than_present_and_totals_that_do_not_add_up_are_located(invoke: Invoke, tmp_path: Path,
                                                                              cell: Path) -> None:
    ballots = _write(tmp_path, "phieu.csv", BALLOTS.replace("1,Nguyễn Văn An,6,2,1,,9", "1,Nguyễn Văn An,6,3,1,,10")
                     .replace("2,Trần Thị Bình,3,2,3,1,9", "2,Trần Thị Bình,3,2,3,0,9"))
    result, doc = _run(invoke, str(cell), "--phieu", str(ballots))
    assert result.exit_code == 1
    assert [(e["line"], e["column"], e["message"]) for e in doc["errors"]] == [
        (5, 7, "Trần Thị Bình — cột G: tổng số phiếu ghi 9 nhưng các cột mức cộng lại được 8"),
        (4, None, "Nguyễn Văn An: 10 phiếu, nhiều hơn số đảng viên có mặt (9)"),
    ]
    members = _by_name(doc)
    assert members["Nguyễn Văn An"]["vote"] is None and members["Trần Thị Bình"]["vote"] is None
    assert doc["missing"]["vote"] == ["Nguyễn Văn An", "Trần Thị Bình"]  # never decided from a doubtful count
    assert members["Lê Văn Cường"]["vote"]["level"] == "trung_binh"  # the valid rows are still counted
    assert f"{ballots}:4: Nguyễn Văn An: 10 phiếu" in result.stderr


def test_missing_number_present_and_unknown_names(invoke: Invoke, tmp_path: Path, cell: Path) -> None:
    ballots = _write(tmp_path, "phieu.csv", BALLOTS.replace("Số đảng viên có mặt và biểu quyết:,9", "Ghi chú:,")
                     .replace("Phạm Thị Dung", "Phạm Thị Dũng"))
    result, doc = _run(invoke, str(cell), "--phieu", str(ballots))
    assert result.exit_code == 1
    assert doc["errors"][0]["message"].startswith("thiếu số đảng viên có mặt")
    assert all(m["vote"] is None for m in doc["members"])
    result, doc = _run(invoke, str(cell), "--phieu", str(ballots), "--co-mat", "9")
    assert [e["message"] for e in doc["errors"]] == [
        f"Phạm Thị Dũng có phiếu nhưng không có trong danh sách chi bộ ({cell})"]
    assert _by_name(doc)["Trần Thị Bình"]["vote"]["level"] == "kha"


def test_one_row_per_ballot(invoke: Invoke, tmp_path: Path, cell: Path) -> None:
    rows = ["Số đảng viên có mặt:,3", "Họ và tên,Phiếu"]
    rows += ["Nguyễn Văn An,Tốt", "Nguyễn Văn An,Tốt", "Nguyễn Văn An,Khá",
             "Trần Thị Bình,Tốt", "Trần Thị Bình,Trung bình", "Trần Thị Bình,Yếu kém",
             "Lê Văn Cường,Giỏi"]
    ballots = _write(tmp_path, "tung-phieu.csv", "\n".join(rows) + "\n")
    result, doc = _run(invoke, str(cell), "--phieu", str(ballots))
    members = _by_name(doc)
    # An: Tốt 2 > 1.5; Bình: Tốt 1, +TB 1 = 2 > 1.5 -> Trung bình
    assert members["Nguyễn Văn An"]["vote"]["counts"] == {"tot": 2, "kha": 1, "trung_binh": 0, "yeu_kem": 0}
    assert (members["Nguyễn Văn An"]["vote"]["level"], members["Trần Thị Bình"]["vote"]["level"]) == (
        "tot", "trung_binh")
    assert result.exit_code == 1 and doc["errors"][0]["line"] == 9 and "'Giỏi'" in doc["errors"][0]["message"]
    assert members["Lê Văn Cường"]["vote"] is None


def test_vote_columns_in_the_cell_sheet(invoke: Invoke, tmp_path: Path) -> None:
    sheet = _write(tmp_path, "chibo.csv", "Số đảng viên có mặt:,5\n"
                   "Họ và tên,CT1,CT2,CT3,Tốt,Khá,Trung bình,Yếu kém,Nhóm\n"
                   "Nguyễn Văn An,0,0,0,3,2,,,1\nTrần Thị Bình,0,0,0,1,1,1,,2\nLê Văn Cường,0,0,0,,,,,\n")
    result, doc = _run(invoke, str(sheet))
    # the vote columns are known columns: only the truly unused one is named in the note
    assert "các cột không dùng để chấm: 'Nhóm' (cột I)" in doc["notes"]
    assert "'Tốt'" not in result.stderr
    members = _by_name(doc)
    assert members["Nguyễn Văn An"]["vote"]["level"] == "tot"
    # Bình: Tốt 1, +Khá 1 = 2, +Trung bình 1 = 3 > 2.5 -> Trung bình
    assert members["Trần Thị Bình"]["vote"]["level"] == "trung_binh"
    # Cường's row is blank: a vote with no ballot for any level, not a missing vote
    assert members["Lê Văn Cường"]["vote"]["outcome"] == "no_majority" and doc["missing"]["vote"] == []


QUOTA_HEADER = "Họ và tên,CT1,CT2,CT3,Tự xếp loại,Chi bộ xếp loại,Đảng ủy quyết định"


def _quota_cell(tmp_path: Path, excellent: int, good: int, other: int = 1) -> Path:
    rows = [QUOTA_HEADER]
    rows += [f"Xuất Sắc {n},0,0,0,HTXSNV,HTXSNV," for n in range(1, excellent + 1)]
    rows += [f"Tốt Việc {n},0,0,0,HTXSNV,HTTNV," for n in range(1, good + 1)]
    rows += [f"Hoàn Thành {n},0,0,1,HTNV,HTNV," for n in range(1, other + 1)]
    return _write(tmp_path, "chibo.csv", "\n".join(rows) + "\n")


EXAMPLE = str(Path(__file__).resolve().parents[2] / "rubrics" / "examples" / "xep-loai-hoan-thanh.yaml")


@pytest.mark.parametrize(("excellent", "good", "exceptional", "limit", "exceeded"), [
    (1, 9, False, 1, False),  # 20 % of 9 = 1.8 -> 1; one excellent: within
    (2, 8, False, 1, True),  # 20 % of 8 = 1.6 -> 1; two: over by one
    (2, 8, True, 2, False),  # exceptional unit: 25 % of 8 = 2
])
def test_quota_over_and_under_the_limit(invoke: Invoke, tmp_path: Path, excellent: int, good: int,
                                        exceptional: bool, limit: int, exceeded: bool) -> None:
    sheet = _quota_cell(tmp_path, excellent, good)
    args = [str(sheet), "-r", EXAMPLE, *(["--don-vi-dac-biet"] if exceptional else [])]
    _, doc = _run(invoke, *args)
    quota = doc["quota"]
    assert (quota["level"], quota["base"], quota["limit"], quota["count"], quota["exceeded"]) == (
        "htxs", good, limit, excellent, exceeded)
    assert quota["share"] == (0.25 if exceptional else 0.2) and quota["base_levels"] == ["htt"]
    assert [c["ho_ten"] for c in quota["candidates"]] == [f"Xuất Sắc {n}" for n in range(1, excellent + 1)]
    text = " ".join(invoke("bieu-quyet", *args).stdout.split())
    assert ("VƯỢT 1" in text) is exceeded and ("trong định mức" in text) is not exceeded


def test_quota_candidates_by_votes_then_score_and_the_yaml_share(invoke: Invoke, tmp_path: Path) -> None:
    sheet = _quota_cell(tmp_path, 0, 5, other=0)
    ballots = _write(tmp_path, "phieu.csv", "Số đảng viên có mặt:,5\nHọ và tên,HTXSNV,HTTNV,HTNV,KHTNV\n"
                     "Tốt Việc 1,3,2,,\nTốt Việc 2,4,1,,\nTốt Việc 3,1,4,,\nTốt Việc 4,3,2,,\nTốt Việc 5,0,5,,\n")
    _, doc = _run(invoke, str(sheet), "--phieu", str(ballots), "-r", EXAMPLE)
    quota = doc["quota"]
    # 1, 2 and 4 get more than 2.5 ballots for HTXS: three excellent of a base of two HTT (limit 0)
    assert (quota["base"], quota["limit"], quota["count"], quota["exceeded"]) == (2, 0, 3, True)
    # ordered by votes, then score (equal here: input order); 3 had one vote, so is in contention too
    assert [(c["ho_ten"], c["votes"]) for c in quota["candidates"]] == [
        ("Tốt Việc 2", 4), ("Tốt Việc 1", 3), ("Tốt Việc 4", 3), ("Tốt Việc 3", 1)]
    wider = _write(tmp_path, "rong.yaml", f"id: rong\ninclude: [{EXAMPLE}]\n"
                   "quota: {level: htxs, share: 0.5, of: [htxs, htt]}\n")
    _, doc = _run(invoke, str(sheet), "--phieu", str(ballots), "-r", str(wider))
    assert {k: doc["quota"][k] for k in ("base", "limit", "count", "exceeded")} == {
        "base": 5, "limit": 2, "count": 3, "exceeded": True}


def test_xlsx_output_read_back(invoke: Invoke, tmp_path: Path, cell: Path) -> None:
    ballots = _write(tmp_path, "phieu.csv", BALLOTS)
    target = tmp_path / "ket-qua.xlsx"
    result = invoke("bieu-quyet", str(cell), "--phieu", str(ballots), "-o", str(target))
    assert result.exit_code == 0 and target.is_file()
    wb = load_workbook(target)
    assert wb.sheetnames == ["Biểu quyết", "Cần trả lời", "Định mức, còn thiếu"]
    assert wb["Biểu quyết"]["A1"].value.endswith("— 9 đảng viên có mặt và biểu quyết")
    flags = [[c.value for c in row] for row in wb["Cần trả lời"].iter_rows(min_row=3)]
    assert [row[1:4] for row in flags] == [["Lê Văn Cường", "Tự xếp loại", "Khá"],
                                           ["Lê Văn Cường", "Chi ủy đề xuất", "Khá"]]
    assert flags[0][4] == "Vi phạm ít nhất một điều đảng viên không được làm (QĐ 37-QĐ/TW): tối đa Trung bình"
    ws = wb["Biểu quyết"]
    header = [c.value for c in ws[2]]
    assert header[:8] == ["STT", "Họ và tên", "Điểm", "Đề xuất (tusoi)", "Tự xếp loại", "Chi ủy đề xuất",
                          "Chi bộ xếp loại", "Đảng ủy quyết định"]
    rows = {ws.cell(r, 2).value: [c.value for c in ws[r]] for r in range(3, 8)}
    bình = dict(zip(header, rows["Trần Thị Bình"], strict=True))
    assert (bình["Phiếu: Tốt"], bình["Phiếu: Khá"], bình["Phiếu: Trung bình"], bình["Phiếu: Yếu kém"]) == (3, 2, 3, 1)
    assert (bình["Chi bộ xếp loại"], bình["Kết quả biểu quyết"], bình["Xếp loại cuối cùng"]) == (
        "Khá", "Khá (5/9)", "Khá")
    assert dict(zip(header, rows["Phạm Thị Dung"], strict=True))["Kết quả biểu quyết"] == "không đủ phiếu (9 có mặt)"
    summary = {r[0]: r[1] for r in wb["Định mức, còn thiếu"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số đảng viên có mặt và biểu quyết"] == "9"
    assert summary["Còn thiếu: Chi ủy đề xuất"] == "Phạm Thị Dung" and summary["Còn thiếu: Biểu quyết"] == "đủ"


def test_exceptional_unit_from_the_ballot_form_or_the_cell_sheet_title(invoke: Invoke, tmp_path: Path) -> None:
    sheet = _quota_cell(tmp_path, 2, 8)
    over = _run(invoke, str(sheet), "-r", EXAMPLE)[1]["quota"]
    assert (over["limit"], over["exceeded"], over["exceptional"]) == (1, True, False)
    marked = _write(tmp_path, "dac-biet.csv", "Đơn vị đặc biệt:,có\n" + sheet.read_text(encoding="utf-8"))
    quota = _run(invoke, str(marked), "-r", EXAMPLE)[1]["quota"]
    assert (quota["share"], quota["limit"], quota["exceeded"], quota["exceptional"]) == (0.25, 2, False, True)
    # the option wins over the sheet
    assert _run(invoke, str(marked), "-r", EXAMPLE, "--don-vi-thuong")[1]["quota"]["limit"] == 1
    ballots = _write(tmp_path, "phieu.csv", "Số đảng viên có mặt:,11\nĐơn vị đặc biệt (có/không):,có\n"
                     "Họ và tên,HTXSNV,HTTNV,HTNV,KHTNV\nXuất Sắc 1,11,,,\n")
    voted = _run(invoke, str(sheet), "--phieu", str(ballots), "-r", EXAMPLE)[1]
    assert voted["quota"]["exceptional"] is True and voted["quota"]["limit"] == 2
    assert voted["missing"]["vote"] == ["Xuất Sắc 2", *(f"Tốt Việc {n}" for n in range(1, 9)), "Hoàn Thành 1"]


def test_rubric_show_tells_the_meeting_rules(invoke: Invoke) -> None:
    text = " ".join(invoke("rubric", "show", EXAMPLE).stdout.split())
    assert ("Biểu quyết: mức cao nhất được quá 50 % số đảng viên có mặt và biểu quyết tán thành; mỗi phiếu tính cho"
            " mức của nó và mọi mức thấp hơn") in text
    assert ("Định mức: Hoàn thành xuất sắc nhiệm vụ không quá 20 % (25 % ở đơn vị đặc biệt) số Hoàn thành tốt nhiệm"
            " vụ") in text
    assert "Định mức: không có" in " ".join(invoke("rubric", "show", "tusoi-mac-dinh").stdout.split())


def test_batch_checks_the_quota_on_the_sheets_final_levels_too(invoke: Invoke, tmp_path: Path) -> None:
    sheet = _quota_cell(tmp_path, 2, 8)
    for extra, limit in (([], 1), (["--don-vi-dac-biet"], 2)):
        out = tmp_path / f"kq{limit}.json"
        result = invoke("batch", str(sheet), "-r", EXAMPLE, "-o", str(out), *extra)
        quota = json.loads(out.read_text(encoding="utf-8"))["quota"]
        assert (quota["base"], quota["limit"], quota["count"], quota["exceeded"]) == (8, limit, 2, limit < 2)
        assert ("VƯỢT 1" in " ".join(result.stdout.split())) is (limit < 2)


def test_a_quota_on_all_reviewed_members(invoke: Invoke, tmp_path: Path) -> None:
    sheet = _quota_cell(tmp_path, 3, 6, other=1)
    lines = sheet.read_text(encoding="utf-8").splitlines()
    lines.append("Chưa Xếp,0,0,0,,,")  # reviewed, no slot filled: in an all-reviewed base, not a candidate
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rubric = _write(tmp_path, "ca-chi-bo.yaml", f"id: ca-chi-bo\ninclude: [{EXAMPLE}]\n"
                    "quota: {level: htxs, share: 0.3}\n")
    quota = _run(invoke, str(sheet), "-r", str(rubric))[1]["quota"]
    # 11 reviewed members, 30 % -> 3.3 -> 3; three excellent: within
    assert {k: quota[k] for k in ("base_levels", "base", "limit", "count", "exceeded")} == {
        "base_levels": [], "base": 11, "limit": 3, "count": 3, "exceeded": False}


def test_a_short_alias_never_makes_a_vote_column_of_the_cell_sheet(invoke: Invoke, tmp_path: Path) -> None:
    # "T" and "K" are aliases of Tốt and Khá, and ordinary column names too: in the cell sheet, only a level's
    # label or id heads a vote column (a ballot file given with --phieu may use the aliases)
    sheet = _write(tmp_path, "chibo.csv",
                   "Số đảng viên có mặt:,5\nHọ và tên,CT1,CT2,CT3,T,K\nNguyễn Văn An,0,0,0,4,1\n")
    _, doc = _run(invoke, str(sheet))
    assert doc["members"][0]["vote"] is None and "vote" not in doc["missing"]
    assert "các cột không dùng để chấm: 'T' (cột E), 'K' (cột F)" in doc["notes"]
    ballots = _write(tmp_path, "phieu.csv", "Số đảng viên có mặt:,5\nHọ và tên,T,K,TB,YK\nNguyễn Văn An,4,1,,\n")
    assert _run(invoke, str(sheet), "--phieu", str(ballots))[1]["members"][0]["vote"]["level"] == "tot"
