"""`tusoi compare`: statuses, overdue plans, matching, rubric changes, cell totals, sheets, JSON and Excel."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tusoi_cli import load_rubric
from tusoi_cli.api import read_period
from tusoi_cli.engine.compare import compare_periods, compare_records, compare_results, match_records
from tusoi_cli.model.compare import STATUSES, Period, Record

from ..conftest import ALL_ITEMS, need_tool

Invoke = Callable[..., Any]
TODAY = date(2026, 3, 1)
TODAY_ARG = ("--today", "2026-03-01")


def member(ho_ten: str, answers: dict[str, object], *, ma: str | None = None, ky: str = "2025",
           rubric: str | None = None) -> str:
    """A member file; an answer is a value, or (value, deadline) for a plan with a deadline."""
    lines = [f'ky_danh_gia: "{ky}"']
    if rubric:
        lines.append(f"bo_tieu_chi: {rubric}")
    lines += ["dang_vien:", f"  ho_ten: {ho_ten}", "  chi_bo: Chi bộ Khu phố 3"]
    if ma:
        lines.append(f'  ma_dang_vien: "{ma}"')
    lines.append("danh_gia:" if answers else "danh_gia: {}")
    for item, value in answers.items():
        if isinstance(value, tuple):
            level, deadline = value
            lines += [f"  {item}:", f"    muc_do: {level}", f"    khac_phuc: Khắc phục {item}",
                      f"    han_khac_phuc: {deadline}"]
        else:
            lines.append(f"  {item}: {value}")
    return "\n".join(lines) + "\n"


def put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# One member, every outcome. today = 2026-03-01.
OLD_AN = {
    "CT1": (2, "2025-12-31"),  # -> 0: fixed after its deadline: not overdue
    "CT2": (2, "2025-12-31"),  # -> 1: improved, deadline passed: overdue
    "CT3": (1, "2026-06-30"),  # -> 1: unchanged, not yet due
    "CT4": 1,                  # -> 2: worse, no deadline
    "CT5": 0,                  # -> 1: new
    "CT6": 0,                  # -> 0: not listed
    "CT8": (1, "2026-03-01"),  # -> 1: unchanged, due today: not yet overdue
    "DL1": (1, "2025-06-30"),  # -> unanswered: not comparable, deadline passed
    "DL2": 1,                  # -> na: not comparable
    "DL3": 1,                  # -> invalid: not comparable
    "DL5": "na",               # -> 1: not comparable (old not applicable)
    "DL6": 1,                  # -> 0: fixed
    "D1": 0,
}
NEW_AN = {"CT1": 0, "CT2": 1, "CT3": 1, "CT4": 2, "CT5": 1, "CT6": 0, "CT8": 1, "DL2": "na", "DL3": 7, "DL4": 1,
          "DL5": 1, "DL6": 0, "D1": 0}
EXPECTED_AN = {"CT1": ("fixed", False), "CT2": ("improved", True), "CT3": ("unchanged", False),
               "CT4": ("worse", False), "CT5": ("new", False), "CT8": ("unchanged", False), "DL6": ("fixed", False)}
UNCLEAR_AN = {"DL1": ("new_unanswered", True), "DL2": ("new_not_applicable", False), "DL3": ("new_invalid", False),
              "DL4": ("old_unanswered", False), "DL5": ("old_not_applicable", False)}


@pytest.fixture
def an(tmp_path: Path) -> tuple[Path, Path]:
    return (put(tmp_path / "an-2025.yaml", member("Nguyễn Văn An", OLD_AN, ma="01.2345")),
            put(tmp_path / "an-2026.yaml", member("Nguyễn Văn An", NEW_AN, ma="01.2345", ky="2026")))


def test_every_status_and_overdue_rule(an: tuple[Path, Path]) -> None:
    old, new = read_period(an[0]), read_period(an[1])
    (problem,) = new.problems  # the invalid answer is reported, the member still compared
    assert "giá trị '7'" in problem.message and problem.line is not None
    c = compare_periods(old, new, today=TODAY)
    (m,) = c.members
    assert m.matched_by == "files"
    assert {i.id: (i.status, i.overdue) for i in m.changes} == EXPECTED_AN
    assert {u.id: (u.reason, u.deadline_passed) for u in m.unclear} == UNCLEAR_AN
    assert [i.id for i in m.changes] == ["CT1", "CT2", "CT3", "CT4", "CT5", "CT8", "DL6"]  # rubric order
    ct2 = next(i for i in m.changes if i.id == "CT2")
    assert (ct2.old_value, ct2.new_value, ct2.old_label, ct2.new_label) == (
        2, 1, "Biểu hiện rõ, lặp lại (mức 2)", "Có biểu hiện (mức 1)")
    assert ct2.old_plan is not None and ct2.old_plan.han_khac_phuc == date(2025, 12, 31)
    assert ct2.old_plan.khac_phuc == "Khắc phục CT2"
    # old: 100 - 2*(2+2+1+1+1) - 2*(1+1+1+1) = 78 (khá); new: 100 - 2*(1+1+2+1+1) - 2*(1+1) = 84 (khá)
    assert (m.old.score, m.new.score, m.score_change, m.level_change) == (78, 84, 6, "same")
    assert m.counts() == {"fixed": 2, "improved": 1, "unchanged": 2, "worse": 1, "new": 1, "overdue": 1,
                          "not_comparable": 5}
    assert not m.new.complete and m.old.complete


def test_overdue_moves_with_today(an: tuple[Path, Path]) -> None:
    old, new = read_period(an[0]), read_period(an[1])
    due = {i.id for i in compare_periods(old, new, today=date(2026, 3, 2)).members[0].changes if i.overdue}
    assert due == {"CT2", "CT8"}  # the day after CT8's deadline
    late = {i.id for i in compare_periods(old, new, today=date(2026, 7, 1)).members[0].changes if i.overdue}
    assert late == {"CT2", "CT3", "CT8"}  # CT1 was fixed: never overdue, however late
    early = compare_periods(old, new, today=date(2025, 1, 1)).members[0]
    assert not any(i.overdue for i in early.changes) and not any(u.deadline_passed for u in early.unclear)


def test_compare_results_library_call(an: tuple[Path, Path]) -> None:
    from tusoi_cli import score_file

    old, new = score_file(an[0]), score_file(an[1])
    m = compare_results(old.result, old.rubric, new.result, new.rubric, today=TODAY)
    assert {i.id: (i.status, i.overdue) for i in m.changes} == EXPECTED_AN


def test_level_change_and_both_zero_not_listed(tmp_path: Path) -> None:
    old = read_period(put(tmp_path / "a.yaml", member("A", {"D1": 1, "CT1": 0})))
    new = read_period(put(tmp_path / "b.yaml", member("A", {"D1": 0, "CT1": 0}, ky="2026")))
    (m,) = compare_periods(old, new, today=TODAY).members
    assert (m.old.level, m.new.level, m.level_change, m.score_change) == ("trung_binh", "tot", "up", 15)
    assert [(i.id, i.status) for i in m.changes] == [("D1", "fixed")]
    assert m.unclear == []


SMALL_RUBRIC = """
    id: huyen-rut-gon
    version: "2026"
    title: Bộ tiêu chí rút gọn của huyện
    scales:
      muc_do:
        title: Mức độ
        values:
          - {value: 0, label: Không}
          - {value: 1, label: Có}
          - {value: 2, label: Rõ}
          - {value: 3, label: Nghiêm trọng}
    sections:
      - id: CT
        title: Tư tưởng chính trị
        scale: muc_do
        weight: 2
        items:
          - {id: CT1, title: Phai nhạt lý tưởng}
          - {id: CT5, title: "Nể nang, né tránh"}
          - {id: CT10, title: Ngại đổi mới}
          - {id: D1, title: Nói trái quan điểm}
    scoring: {start: 100, min: 0, max: 100}
    levels:
      - {id: tot, label: Tốt, min_score: 90, color: green}
      - {id: kha, label: Khá, min_score: 75, color: cyan}
      - {id: trung_binh, label: Trung bình, min_score: 50, color: yellow}
      - {id: yeu_kem, label: Yếu kém, color: red}
    """


@pytest.mark.parametrize("by_option", [False, True])
def test_rubric_change_is_reported_not_fatal(tmp_path: Path, invoke: Invoke, by_option: bool) -> None:
    put(tmp_path / "huyen.yaml", textwrap.dedent(SMALL_RUBRIC))
    old = put(tmp_path / "old.yaml", member("Lê Thị Cúc", {"CT1": 1, "CT2": (1, "2025-12-31"), "CT5": 1, "D1": 0}))
    new = put(tmp_path / "new.yaml", member("Lê Thị Cúc", {"CT1": 0, "CT5": 1, "CT10": 2, "D1": 0}, ky="2026",
                                            rubric=None if by_option else "huyen.yaml"))
    option = ("--rubric-new", str(tmp_path / "huyen.yaml")) if by_option else ()
    result = invoke("compare", str(old), str(new), "-f", "json", *option, *TODAY_ARG)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    (change,) = data["rubric_changes"]
    assert change["old"] == {"id": "tusoi-mac-dinh", "version": "1.0"}
    assert change["new"] == {"id": "huyen-rut-gon", "version": "2026"}
    assert change["added"] == ["CT10"]
    assert "CT2" in change["removed"] and "CT5" not in change["removed"] and len(change["removed"]) == 43
    assert change["rescaled"] == ["D1"]  # vi_pham 0–1 became a 0–3 scale
    (m,) = data["members"]
    assert [(i["id"], i["status"]) for i in m["items"]] == [("CT1", "fixed"), ("CT5", "unchanged")]
    assert [(u["id"], u["reason"], u["deadline_passed"]) for u in m["not_comparable"]] == [
        ("CT10", "added_to_rubric", False), ("CT2", "removed_from_rubric", True)]
    assert m["not_comparable"][1]["reason_label"] == "bộ tiêu chí kỳ mới không còn mục này"
    assert m["not_comparable"][1]["new_state"] is None
    assert (m["level_change"], m["new"]["rubric"]) == ("same", "huyen-rut-gon")
    table = invoke("compare", str(old), str(new), *option, *TODAY_ARG)
    assert "Bộ tiêu chí thay đổi: tusoi-mac-dinh (1.0) → huyen-rut-gon (2026)" in table.stdout
    assert "thêm 1 mục: CT10" in table.stdout


def test_adding_sections_are_not_compared_item_by_item(tmp_path: Path) -> None:
    from ..read.test_rubrics import ADDING_RUBRIC

    put(tmp_path / "khung.yaml", textwrap.dedent(ADDING_RUBRIC))
    old = read_period(put(tmp_path / "a.yaml", member("A", {"TC1": 9, "KQ1": 60, "DL3": 1}, rubric="khung.yaml")))
    new = read_period(put(tmp_path / "b.yaml", member("A", {"TC1": 6, "KQ1": 65, "DL3": 0}, rubric="khung.yaml")))
    (m,) = compare_periods(old, new, today=TODAY).members
    assert [(i.id, i.status) for i in m.changes] == [("DL3", "fixed")]
    assert m.score_change == 2


# --------------------------------------------------------------------------- matching


def rec(name: str, code: str | None = None, row: int = 0) -> Record:
    rubric = load_rubric()
    return Record(name, code, rubric, (None,) * len(ALL_ITEMS), (), (), 100, "tot", f"x:{row}", row)


def test_matching_by_code_name_and_unaccented_name() -> None:
    nfd = unicodedata.normalize("NFD", "NGUYỄN THỊ BÌNH")
    old = [rec("Nguyễn Văn An", "01.2345", 1), rec(nfd, None, 2), rec("Tran Van Cuong", None, 3),
           rec("Lê Văn Hùng", None, 4), rec("Đỗ Thị Gấm", None, 5), rec("Hoàng Văn Em", "77", 6)]
    new = [rec("Nguyễn Văn Ân", " 01.2345 ", 1), rec("Trần Văn Cường", None, 2), rec("nguyễn  thị bình", "09", 3),
           rec("Lê Văn Hưng", None, 4), rec("Vũ Văn Khoa", None, 5), rec("Hoàng Văn Em", "78", 6)]
    m = match_records(old, new)
    assert [(o.row, n.row, how) for o, n, how in m.pairs] == [(1, 1, "code"), (3, 2, "name_unaccented"),
                                                               (2, 3, "name")]
    assert [(u.side, u.record.ho_ten, u.reason) for u in m.unmatched] == [
        ("old", "Lê Văn Hùng", "not_found"), ("old", "Đỗ Thị Gấm", "not_found"),
        ("old", "Hoàng Văn Em", "code_differs"),
        ("new", "Lê Văn Hưng", "not_found"), ("new", "Vũ Văn Khoa", "not_found"),
        ("new", "Hoàng Văn Em", "code_differs")]
    assert m.unmatched[2].other is new[5]
    assert m.unmatched[2].label == "kỳ mới có người cùng họ tên nhưng khác mã đảng viên"
    assert m.ambiguous == []


def test_same_name_without_code_is_ambiguous_never_paired() -> None:
    old = [rec("Phạm Văn Đức", None, 1), rec("Phạm văn Đức", None, 2), rec("Ngô Thị Hoa", "5", 3)]
    new = [rec("Phạm Văn Đức", None, 1), rec("Ngô Thị Hoa", "5", 2), rec("Ngô Văn Ích", "5", 3),
           rec("Pham Van Duc", None, 4)]
    m = match_records(old, new)
    assert m.pairs == []
    by_name = next(a for a in m.ambiguous if a.by == "name")
    assert [r.row for r in by_name.old] == [1, 2] and [r.row for r in by_name.new] == [1]
    assert by_name.label == "trùng họ tên và không có mã đảng viên để phân biệt"
    by_code = next(a for a in m.ambiguous if a.by == "code")  # code 5 twice in the new period
    assert (by_code.key, [r.row for r in by_code.old], [r.row for r in by_code.new]) == ("5", [3], [2, 3])
    # "Pham Van Duc" could be either of the two old ones, already ambiguous: left unmatched, not guessed
    assert [(u.side, u.record.row) for u in m.unmatched] == [("new", 4)]


def test_unaccented_name_matching_two_candidates_is_ambiguous() -> None:
    m = match_records([rec("Lê Văn Hùng", None, 1), rec("Lê Văn Hưng", None, 2)], [rec("Le Van Hung", None, 1)])
    assert m.pairs == [] and len(m.ambiguous) == 1 and m.ambiguous[0].by == "name"


def test_code_matches_beat_names_and_name_pairs_when_one_side_lacks_a_code() -> None:
    m = match_records([rec("An", "1", 1), rec("An", None, 2)], [rec("An", None, 1), rec("An", "1", 2)])
    assert [(o.row, n.row, how) for o, n, how in m.pairs] == [(2, 1, "name"), (1, 2, "code")]


def test_two_member_files_are_paired_as_given_with_a_note(tmp_path: Path) -> None:
    old = read_period(put(tmp_path / "a.yaml", member("Trần Văn Bảo", {"CT1": 1}, ma="1")))
    new = read_period(put(tmp_path / "b.yaml", member("Trần Văn Báo", {"CT1": 0}, ma="2", ky="2026")))
    c = compare_periods(old, new, today=TODAY)
    assert [m.matched_by for m in c.members] == ["files"]
    assert any("mã đảng viên khác nhau" in n for n in c.notes)
    assert any("họ tên khác nhau" in n for n in c.notes)


# --------------------------------------------------------------------------- the cell


def write_cell(folder: Path, members: list[tuple[str, str | None, dict[str, object]]], ky: str) -> Path:
    for number, (name, code, answers) in enumerate(members, start=1):
        put(folder / f"{number:02d}.yaml", member(name, answers, ma=code, ky=ky))
    return folder


OLD_CELL = [
    ("Nguyễn Văn An", "01", {"CT5": (1, "2025-12-31"), "DL5": 2, "D4": 0}),
    ("Trần Thị Bình", "02", {"CT5": 2, "CT3": 1, "DL6": 0}),
    ("Lê Quốc Cường", None, {"CT5": 1, "D4": 1}),
    ("Phạm Minh Đức", "04", {"CT1": 0}),
]
NEW_CELL = [
    ("Nguyễn Văn An", "01", {"CT5": 1, "DL5": 0, "D4": 0}),
    ("Trần Thị Bình", "02", {"CT5": 1, "CT3": 0, "DL6": 1}),
    ("LÊ QUỐC CƯỜNG", None, {"CT5": 0, "D4": 0}),
    ("Võ Thị Yến", "05", {}),
]


@pytest.fixture
def cell(tmp_path: Path) -> tuple[Path, Path]:
    return write_cell(tmp_path / "2025", OLD_CELL, "2025"), write_cell(tmp_path / "2026", NEW_CELL, "2026")


def test_cell_totals_persistent_items_and_levels(cell: tuple[Path, Path]) -> None:
    c = compare_periods(read_period(cell[0]), read_period(cell[1]), today=TODAY)
    assert [(m.ho_ten, m.matched_by) for m in c.members] == [
        ("Nguyễn Văn An", "code"), ("Trần Thị Bình", "code"), ("LÊ QUỐC CƯỜNG", "name")]
    assert [(u.side, u.record.ho_ten) for u in c.unmatched] == [("old", "Phạm Minh Đức"), ("new", "Võ Thị Yến")]
    totals = c.totals()
    # old shortcomings of matched members: An CT5, DL5; Bình CT5, CT3; Cường CT5, D4 = 6
    assert totals == {"fixed": 4, "improved": 1, "unchanged": 1, "worse": 0, "new": 1, "overdue": 1,
                      "not_comparable": 0, "old_shortcomings": 6}
    assert c.fixed_share == pytest.approx(4 / 6)
    by_item = {s.id: (s.old, s.new, s.counts["fixed"], s.persisting, s.persistent) for s in c.items}
    assert by_item == {"CT3": (1, 0, 1, 0, False), "CT5": (3, 2, 1, 2, True), "DL5": (1, 0, 1, 0, False),
                       "DL6": (0, 1, 0, 0, False), "D4": (1, 0, 1, 0, False)}
    assert [s.id for s in c.persistent_items] == ["CT5"]  # still there for 2 of 3 matched members
    levels = {lv.id: (lv.old, lv.new) for lv in c.levels}
    # old: An 94 tốt, Bình 94 tốt, Cường 83 -> trung_binh (D4), Đức 100 tốt; new: 98, 96, 100 and Yến, who
    # answered nothing: not reviewed, so not rated and not counted in any level
    assert levels == {"tot": (3, 3), "kha": (0, 0), "trung_binh": (1, 0), "yeu_kem": (0, 0)}


def test_cell_folders_through_the_cli_table(cell: tuple[Path, Path], invoke: Invoke,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = invoke("compare", str(cell[0]), str(cell[1]), *TODAY_ARG)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for text in ("Đã ghép 3 đảng viên (2 theo mã đảng viên, 1 theo họ tên)", "Hạn chế của kỳ cũ: 6",
                 "đã khắc phục 4 (66,7 %)", "Phân bố xếp loại", "Theo đảng viên", "(theo họ tên)",
                 "Hạn chế kéo dài ở đa số đảng viên: CT5 (2/3 người)", "Biện pháp khắc phục quá hạn",
                 "Chưa ghép được", "Phạm Minh Đức", "không tìm thấy ở kỳ mới", "Võ Thị Yến"):
        assert text in out, text


def test_folder_with_a_broken_file_still_compares_and_exits_1(cell: tuple[Path, Path], invoke: Invoke) -> None:
    put(cell[1] / "99.yaml", "dang_vien: [not, a, mapping]\n")
    result = invoke("compare", str(cell[0]), str(cell[1]), "-f", "json", *TODAY_ARG)
    assert result.exit_code == 1
    assert "99.yaml" in result.stderr
    data = json.loads(result.stdout)
    assert data["new"]["failed"] == [5] and data["new"]["errors"][0]["file"].endswith("99.yaml")
    assert data["summary"]["members"]["matched"] == 3


# --------------------------------------------------------------------------- JSON


ITEM_KEYS = {"id", "title", "section", "status", "status_label", "overdue", "old_value", "old_label", "new_value",
             "new_label", "old_plan", "new_plan"}


def test_json_fields(an: tuple[Path, Path], invoke: Invoke) -> None:
    result = invoke("compare", str(an[0]), str(an[1]), "--format", "json", *TODAY_ARG)
    assert result.exit_code == 1  # the invalid answer (DL3: 7) in the new file; the comparison is still printed
    assert "an-2026.yaml:" in result.stderr and "giá trị '7'" in result.stderr
    data = json.loads(result.stdout)
    assert data["today"] == "2026-03-01" and data["format"] == "tusoi-compare"
    (m,) = data["members"]
    for item in m["items"]:
        assert set(item) == ITEM_KEYS
        assert item["status"] in STATUSES and isinstance(item["overdue"], bool)
    assert {i["id"]: (i["status"], i["overdue"]) for i in m["items"]} == EXPECTED_AN
    labels = {i["status"]: i["status_label"] for i in m["items"]}
    assert labels == {"fixed": "đã khắc phục", "improved": "tiến bộ", "unchanged": "không đổi",
                      "worse": "nặng hơn", "new": "mới phát sinh"}
    ct2 = next(i for i in m["items"] if i["id"] == "CT2")
    assert ct2["old_plan"] == {"bieu_hien": None, "khac_phuc": "Khắc phục CT2", "han_khac_phuc": "2025-12-31"}
    assert ct2["new_plan"] is None
    dl1 = next(u for u in m["not_comparable"] if u["id"] == "DL1")
    assert (dl1["reason"], dl1["reason_label"], dl1["old_state"], dl1["new_state"], dl1["deadline_passed"]) == (
        "new_unanswered", "kỳ mới chưa trả lời mục này", "answered", "unanswered", True)
    assert (m["matched_by"], m["matched_by_label"]) == ("files", "hai tệp được chỉ định")
    assert (m["score_change"], m["level_change"], m["level_change_label"]) == (6, "same", "giữ mức")
    assert m["old"]["score"] == 78 and m["new"]["complete"] is False
    assert data["summary"]["shortcomings"] == {"fixed": 2, "improved": 1, "unchanged": 2, "worse": 1, "new": 1,
                                        "overdue": 1, "not_comparable": 5, "old_shortcomings": 9, "fixed_share": 0.2222}
    assert data["old"]["deadlines"] is True
    assert list(data)[-1] == "members"


# --------------------------------------------------------------------------- sheets

HEADER = ["STT", "Họ và tên", "Mã đảng viên", *ALL_ITEMS]


def write_sheet(path: Path, rows: list[tuple[str, str, dict[str, object]]], title: str = "Chi bộ 3") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    ws.append(["CHI BỘ KHU PHỐ 3"])
    ws.append(HEADER)
    for number, (name, code, answers) in enumerate(rows, start=1):
        ws.append([number, name, code, *[answers.get(i, 0) for i in ALL_ITEMS]])
        if name.startswith("="):  # typed as text by the secretary, not a formula
            ws.cell(ws.max_row, 2).data_type = "s"
    wb.save(path)
    return path


OLD_ROWS = [("Nguyễn Văn An", "01", {"CT5": 1, "DL5": 2}), ("Trần Thị Bình", "", {"CT3": 1, "CT5": 1}),
            ("Lê Văn Hùng", "", {"D4": "x"}), ("=HYPERLINK(\"x\")", "", {"CT1": 1})]
NEW_ROWS = [("Trần thị Bình", "", {"CT3": 0, "CT5": 1, "DB4": 1}), ("Nguyễn Văn An", "01", {"CT5": 0, "DL5": 1}),
            ("Lê Văn Hưng", "", {}), ("Phan Văn Lỗi", "", {"CT2": 9})]


@pytest.fixture
def sheets(tmp_path: Path) -> tuple[Path, Path]:
    return write_sheet(tmp_path / "2025.xlsx", OLD_ROWS), write_sheet(tmp_path / "2026.xlsx", NEW_ROWS)


def test_sheets_through_the_cli(sheets: tuple[Path, Path], invoke: Invoke) -> None:
    result = invoke("compare", str(sheets[0]), str(sheets[1]), "-f", "json", *TODAY_ARG)
    assert result.exit_code == 1  # row 6 of the new sheet (CT2 = 9) is reported; the member stays, provisional
    assert "2026.xlsx:6" in result.stderr and "Phan Văn Lỗi — cột" in result.stderr and "CT2" in result.stderr
    data = json.loads(result.stdout)
    assert (data["old"]["kind"], data["old"]["deadlines"], data["new"]["failed"]) == ("sheet", False, [])
    assert any("bảng tính không có hạn khắc phục" in n for n in data["notes"])
    members = {m["ho_ten"]: m for m in data["members"]}
    assert list(members) == ["Trần thị Bình", "Nguyễn Văn An"]  # the new sheet's order
    binh, an = members["Trần thị Bình"], members["Nguyễn Văn An"]
    assert (binh["matched_by"], binh["matched_by_label"]) == ("name", "theo họ tên")
    assert an["matched_by"] == "code"
    assert [(i["id"], i["status"], i["overdue"]) for i in binh["items"]] == [
        ("CT3", "fixed", False), ("CT5", "unchanged", False), ("DB4", "new", False)]
    assert [(i["id"], i["status"]) for i in an["items"]] == [("CT5", "fixed"), ("DL5", "improved")]
    assert all(i["old_plan"] is None for i in an["items"])  # a sheet has no plans nor deadlines
    assert (binh["old"]["row"], binh["new"]["row"], binh["old"]["source"]) == (4, 3, f"{sheets[0]}:4")
    unmatched = [(u["side"], u["ho_ten"], u["reason"]) for u in data["unmatched"]]
    assert unmatched == [("old", "Lê Văn Hùng", "not_found"), ("old", '=HYPERLINK("x")', "not_found"),
                         ("new", "Lê Văn Hưng", "not_found"), ("new", "Phan Văn Lỗi", "not_found")]
    # old: An 94, Bình 96, the "=..." row 98: tốt; Hùng 85 but D4 caps at trung bình. New: Bình khá (DB4 cap);
    # Lỗi 100 tốt, provisional (CT2 invalid)
    assert data["summary"]["levels"][:3] == [{"id": "tot", "label": "Tốt", "old": 3, "new": 3},
                                             {"id": "kha", "label": "Khá", "old": 0, "new": 1},
                                             {"id": "trung_binh", "label": "Trung bình", "old": 1, "new": 0}]


def test_sheet_options(sheets: tuple[Path, Path], invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("compare", str(sheets[0]), str(sheets[1]), "--sheet", "Chi bộ 3", *TODAY_ARG).exit_code == 1
    missing = invoke("compare", str(sheets[0]), str(sheets[1]), "--sheet-new", "Không có", *TODAY_ARG)
    assert missing.exit_code == 1 and "Không có" in missing.stderr  # docs/errors.md: a whole-file error, code 1
    both = invoke("compare", str(sheets[0]), str(sheets[1]), "--sheet", "A", "--sheet-old", "B")
    assert both.exit_code == 2 and "không dùng cùng lúc" in both.stderr
    onto_input = invoke("compare", str(sheets[0]), str(sheets[1]), "-o", str(sheets[1]), "--force")
    assert onto_input.exit_code == 2 and "trùng với tệp đầu vào" in onto_input.stderr
    yaml = put(tmp_path / "m.yaml", member("A", {}))
    wrong = invoke("compare", str(yaml), str(yaml), "--sheet", "A")
    assert wrong.exit_code == 2 and "--sheet chỉ dùng khi đầu vào là bảng tính" in wrong.stderr


# --------------------------------------------------------------------------- Excel


def fill(cell: Any) -> str:
    return str(cell.fill.start_color.rgb)[-6:] if cell.fill.fill_type == "solid" else ""


def rows_of(ws: Any) -> list[tuple[Any, ...]]:
    return [row for row in ws.iter_rows(values_only=True) if any(v is not None for v in row)]


def test_excel_report_cell_by_cell(sheets: tuple[Path, Path], invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "so-sanh.xlsx"
    result = invoke("compare", str(sheets[0]), str(sheets[1]), "-o", str(target), *TODAY_ARG)
    assert result.exit_code == 1 and f"Đã ghi {target}" in result.stderr
    wb = openpyxl.load_workbook(target)
    # sheets have no deadlines: no Quá hạn page, column nor count (the reason is a note on Tổng hợp)
    assert wb.sheetnames == ["Tổng hợp", "Theo đảng viên", "Chi tiết", "Theo mục", "Chưa ghép được", "Lỗi",
                             "Thông tin"]

    ws = wb["Theo đảng viên"]
    header = [c.value for c in ws[2]]
    assert header == ["STT", "Họ và tên", "Ghép theo", "Điểm kỳ cũ", "Điểm kỳ mới", "Chênh lệch", "Xếp loại kỳ cũ",
                      "Xếp loại kỳ mới", "Thay đổi", "Đã khắc phục", "Tiến bộ", "Không đổi", "Nặng hơn",
                      "Mới phát sinh", "Chưa so được", "Mã đảng viên", "Kỳ cũ: tệp, dòng", "Kỳ mới: tệp, dòng"]
    binh = [c.value for c in ws[3]]
    # Bình: old 100 - 2 - 2 = 96, new 100 - 2 - 3 = 95 but DB4 at mức 1 caps at khá
    assert binh[:16] == [1, "Trần thị Bình", "theo họ tên", 96, 95, -1, "Tốt", "Khá", "xuống mức",
                         1, 0, 1, 0, 1, 0, None]
    assert fill(ws["C3"]) == "FFEB9C"  # matched by name: highlighted for checking
    assert fill(ws["G3"]) == "C6EFCE" and fill(ws["H3"]) == "CCEEF4"  # levels coloured as in the batch report
    an = [c.value for c in ws[4]]
    assert an[:9] + an[15:16] == [2, "Nguyễn Văn An", "theo mã đảng viên", 94, 98, 4, "Tốt", "Tốt", "giữ mức", "01"]
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref == "A2:R4"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$2:$2"
    assert ws.print_area == "'Theo đảng viên'!$A$1:$O$4"  # code and sources stay on screen

    ws = wb["Chi tiết"]
    assert [c.value for c in ws[2]] == ["STT", "Họ và tên", "Mục", "Nội dung", "Kỳ cũ", "Kỳ mới", "Kết quả",
                                        "Mã đảng viên"]  # no plan nor deadline columns: a sheet has none
    details = [(r[0], r[2], r[4], r[5], r[6]) for r in rows_of(ws)[2:7]]
    assert details == [(1, "CT3", 1, 0, "đã khắc phục"), (1, "CT5", 1, 1, "không đổi"),
                       (1, "DB4", 0, 1, "mới phát sinh"), (2, "CT5", 1, 0, "đã khắc phục"), (2, "DL5", 2, 1, "tiến bộ")]
    assert [fill(ws.cell(row, 7)) for row in range(3, 8)] == ["C6EFCE", "FFEB9C", "F2D5EC", "C6EFCE", "CCEEF4"]

    ws = wb["Theo mục"]
    assert "Quá hạn" not in [c.value for c in ws[2]]
    items = {r[0]: r[2:12] for r in rows_of(ws)[2:] if r[0]}
    assert items["CT5"] == (2, 1, 1, 0, 1, 0, 0, 0, 0.5, None)
    assert items["DB4"] == (0, 1, 0, 0, 0, 0, 1, 0, None, None)

    ws = wb["Chưa ghép được"]
    unmatched = [r[:5] for r in rows_of(ws)[2:5]]
    assert unmatched == [("kỳ cũ", "Lê Văn Hùng", None, f"{sheets[0]}:5", "không tìm thấy ở kỳ mới"),
                         ("kỳ cũ", '=HYPERLINK("x")', None, f"{sheets[0]}:6", "không tìm thấy ở kỳ mới"),
                         ("kỳ mới", "Lê Văn Hưng", None, f"{sheets[1]}:5", "không tìm thấy ở kỳ cũ")]
    assert ws["B4"].data_type == "s"  # text from the sheet never becomes a formula

    ws = wb["Tổng hợp"]
    summary = {r[0]: r[1:] for r in rows_of(ws) if isinstance(r[0], str)}
    assert any("bảng tính không có hạn khắc phục" in key for key in summary)
    assert not any(key.startswith("Biện pháp khắc phục quá hạn") for key in summary)
    assert summary["Hạn chế của kỳ cũ (mục có biểu hiện, vi phạm)"][0] == 4
    assert summary["   đã khắc phục"][:2] == (2, 0.5)
    assert summary["Tốt"][:4] == (3, 0.75, 3, 0.75) and summary["Khá"][:4] == (0, 0, 1, 0.25)
    assert ws._charts, "the level distribution has a chart"

    ws = wb["Lỗi"]
    assert rows_of(ws)[2][:3] == ("kỳ mới", str(sheets[1]), 6)
    info = {r[0]: r[1] for r in rows_of(wb["Thông tin"])}
    assert info["Ngày đối chiếu hạn khắc phục"] == "01/03/2026"
    assert info["đã khắc phục"].startswith("kỳ cũ có biểu hiện")


def test_excel_overdue_sheet_from_member_files(cell: tuple[Path, Path], invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    assert invoke("compare", str(cell[0]), str(cell[1]), "-o", str(target), *TODAY_ARG).exit_code == 0
    wb = openpyxl.load_workbook(target)
    assert "Lỗi" not in wb.sheetnames
    ws = wb["Quá hạn"]
    assert [c.value for c in ws[3]] == ["STT", "Họ và tên", "Mã đảng viên", "Mục", "Nội dung",
                                        "Biện pháp khắc phục (kỳ cũ)", "Hạn khắc phục", "Quá hạn (ngày)", "Kỳ cũ",
                                        "Kỳ mới", "Tình trạng"]
    row = [c.value for c in ws[4]]
    assert row[:4] == [1, "Nguyễn Văn An", "01", "CT5"] and row[5] == "Khắc phục CT5"
    assert row[6] == datetime(2025, 12, 31) and row[7] == 60 and row[8:] == [1, 1, "quá hạn: không đổi"]
    assert ws.cell(4, 11).font.bold and fill(ws.cell(4, 11)) == "FFC7CE"
    assert ws.cell(4, 7).number_format == "DD/MM/YYYY"
    detail = wb["Chi tiết"]
    assert [c.value for c in detail[2]][7:11] == ["Quá hạn", "Biểu hiện (kỳ cũ)", "Biện pháp khắc phục (kỳ cũ)",
                                                   "Hạn (kỳ cũ)"]
    overdue = [r for r in rows_of(detail) if r[7] == "quá hạn"]
    assert [(r[1], r[2]) for r in overdue] == [("Nguyễn Văn An", "CT5")]


# --------------------------------------------------------------------------- files and usage


def test_output_is_never_overwritten_without_force(an: tuple[Path, Path], invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "kq.json"
    target.write_text("cũ", encoding="utf-8")
    refused = invoke("compare", str(an[0]), str(an[1]), "-o", str(target), *TODAY_ARG)
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "cũ"
    forced = invoke("compare", str(an[0]), str(an[1]), "-o", str(target), "--force", *TODAY_ARG)
    assert forced.exit_code == 1  # DL3 is invalid in the new file
    assert json.loads(target.read_text(encoding="utf-8"))["members"][0]["ho_ten"] == "Nguyễn Văn An"
    wrong = invoke("compare", str(an[0]), str(an[1]), "-o", str(tmp_path / "kq.csv"))
    assert wrong.exit_code == 2 and ".xlsx hoặc .json" in wrong.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("--today", "31/02/2026"), "--today"),
    (("--rubric", "tusoi-mac-dinh", "--rubric-new", "tusoi-mac-dinh"), "không dùng cùng lúc"),
])
def test_usage_errors(an: tuple[Path, Path], invoke: Invoke, args: tuple[str, ...], message: str) -> None:
    result = invoke("compare", str(an[0]), str(an[1]), *args)
    assert result.exit_code == 2 and message in result.stderr


def test_inputs_of_different_kinds_or_missing(an: tuple[Path, Path], invoke: Invoke, tmp_path: Path) -> None:
    mixed = invoke("compare", str(an[0]), str(tmp_path))
    assert mixed.exit_code == 2 and "cùng loại" in mixed.stderr
    missing = invoke("compare", str(an[0]), str(tmp_path / "khong-co.yaml"))
    assert missing.exit_code == 2 and "không tìm thấy" in missing.stderr


def test_today_accepts_vietnamese_dates_and_the_table_shows_details(an: tuple[Path, Path], invoke: Invoke,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = invoke("compare", str(an[0]), str(an[1]), "--today", "01/03/2026")
    assert "Ngày đối chiếu hạn khắc phục: 01/03/2026" in result.stdout
    for text in ("Đảng viên: Nguyễn Văn An (mã 01.2345)", "Điểm: 78 → 84 (+6)", "Chi tiết: Nguyễn Văn An",
                 "đã khắc phục", "tiến bộ, quá hạn", "chưa so được: kỳ cũ chưa trả lời",
                 "Biện pháp khắc phục quá hạn và cần xác minh", "kỳ mới chưa trả lời mục này — cần xác minh"):
        assert text in result.stdout, text


def test_library_period_from_records_only() -> None:
    """compare_periods needs no files: periods can be built from records (e.g. another program's data)."""
    rubric = load_rubric()
    values_old = tuple(1.0 if i == "CT1" else 0.0 for i in ALL_ITEMS)
    values_new = tuple(0.0 for _ in ALL_ITEMS)
    old = Period("a", "sheet", [Record("A", "1", rubric, values_old, (), (), 98, "tot")])
    new = Period("b", "sheet", [Record("A", "1", rubric, values_new, (), (), 100, "tot")])
    c = compare_periods(old, new, today=TODAY)
    assert [(i.id, i.status) for i in c.members[0].changes] == [("CT1", "fixed")]
    assert compare_records(old.records[0], new.records[0], today=TODAY).changes == c.members[0].changes


def test_ambiguous_names_through_the_cli_json_and_excel(tmp_path: Path, invoke: Invoke) -> None:
    old = write_cell(tmp_path / "cu", [("Đỗ Văn Tám", None, {"CT1": 1})], "2025")
    new = write_cell(tmp_path / "moi", [("Đỗ Văn Tám", None, {"CT1": 0}), ("đỗ văn tám", None, {"CT1": 1})], "2026")
    target = tmp_path / "r.xlsx"
    result = invoke("compare", str(old), str(new), "-f", "json", "-o", str(target), *TODAY_ARG)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["members"] == [] and data["summary"]["members"]["ambiguous"] == 3
    (group,) = data["ambiguous"]
    assert (group["by"], group["key"], len(group["old"]), len(group["new"])) == ("name", "Đỗ Văn Tám", 1, 2)
    assert group["reason_label"] == "trùng họ tên và không có mã đảng viên để phân biệt"
    ws = openpyxl.load_workbook(target)["Chưa ghép được"]
    listed = [(r[0], r[1], r[4]) for r in rows_of(ws)[2:5]]
    assert listed == [("kỳ cũ", "Đỗ Văn Tám", "trùng họ tên và không có mã đảng viên để phân biệt"),
                      ("kỳ mới", "Đỗ Văn Tám", "trùng họ tên và không có mã đảng viên để phân biệt"),
                      ("kỳ mới", "đỗ văn tám", "trùng họ tên và không có mã đảng viên để phân biệt")]
    assert str(rows_of(ws)[2][5]).startswith("cùng nhóm với kỳ mới: Đỗ Văn Tám")


def test_libreoffice_opens_and_prints_the_report(cell: tuple[Path, Path], invoke: Invoke, tmp_path: Path) -> None:
    soffice, pdftotext = need_tool("soffice"), need_tool("pdftotext")
    target = tmp_path / "so-sanh.xlsx"
    assert invoke("compare", str(cell[0]), str(cell[1]), "-o", str(target), *TODAY_ARG).exit_code == 0
    outdir = tmp_path / "pdf"
    command = [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
               "--convert-to", "pdf", "--outdir", str(outdir), str(target)]
    subprocess.run(command, check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    pdf = outdir / "so-sanh.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run([pdftotext, str(pdf), "-"], check=True, capture_output=True, timeout=60).stdout.decode()
    assert "SO SÁNH HAI KỲ TỰ SOI, TỰ SỬA" in text and "Trang 1 / " in text and "quá hạn: không đổi" in text
