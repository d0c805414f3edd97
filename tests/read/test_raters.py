"""Rater slots (SPEC "Shared data model"): read from member files and sheet columns, declared by the rubric,
written to JSON (raters, final_level) beside the unchanged self_level / cell_level, with rating_flags."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from ..conftest import full_answers, member_yaml

Invoke = Callable[..., Any]
ITEMS = "CT1,CT2,D4,DB1"


def _score(invoke: Invoke, path: Path) -> dict[str, Any]:
    result = invoke("score", str(path), "--format", "json")
    data: dict[str, Any] = json.loads(result.stdout)
    data["exit"] = result.exit_code
    data["stderr"] = result.stderr
    return data


def test_member_file_fills_four_slots_final_level_is_the_last_filled(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "an.yaml"
    path.write_text(member_yaml(full_answers(CT5=1), ho_ten="Nguyễn Văn An", tu_xep_loai="tot",
                                chi_uy_de_xuat="{muc: Khá, ly_do: Còn nể nang, ngay: 20/12/2026}",
                                chi_bo_xep_loai="kha", ly_do="Chi bộ thống nhất",
                                dang_uy_quyet_dinh="{muc: TB, ngay: 2027-01-05}"), encoding="utf-8")
    data = _score(invoke, path)
    assert data["exit"] == 0 and data["level"] == "tot"  # score 98: tusoi's level is never replaced
    assert data["raters"] == {
        "self": {"level": "tot", "label": "Tốt", "reason": None, "date": None},
        "cell_committee": {"level": "kha", "label": "Khá", "reason": "Còn nể nang", "date": "2026-12-20"},
        "cell": {"level": "kha", "label": "Khá", "reason": "Chi bộ thống nhất", "date": None},
        "party_committee": {"level": "trung_binh", "label": "Trung bình", "reason": None, "date": "2027-01-05"},
    }
    assert (data["final_level"], data["final_level_label"]) == ("trung_binh", "Trung bình")
    assert (data["self_level"], data["cell_level"], data["cell_reason"]) == ("tot", "kha", "Chi bộ thống nhất")
    assert data["rating_flags"] == [] and data["vote"] is None
    table = invoke("score", str(path)).stdout
    for line in ("Chi ủy đề xuất      Khá — Còn nể nang (20/12/2026)", "Đảng ủy quyết định  Trung bình (05/01/2027)",
                 "Xếp loại cuối cùng  Trung bình"):
        assert line in table
    markdown = invoke("score", str(path), "-f", "md").stdout
    assert "- **Chi ủy đề xuất:** Khá — Còn nể nang — 20/12/2026" in markdown
    assert "- **Xếp loại cuối cùng:** **Trung bình**" in markdown


def test_unknown_level_in_a_slot_is_located_and_the_slot_left_empty(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(member_yaml(full_answers(), chi_uy_de_xuat="{muc: Giỏi, ngay: 31/02/2026}"), encoding="utf-8")
    data = _score(invoke, path)
    assert data["exit"] == 1
    messages = [(p["line"], p["message"]) for p in data["problems"]]
    assert (5, "mức xếp loại 'Giỏi' không có trong bộ tiêu chí 'tusoi-mac-dinh'") in messages
    assert data["raters"] == {} and data["final_level"] is None
    assert f"{path}:5:" in data["stderr"] and "ghi một trong: Tốt, Khá, Trung bình, Yếu kém" in data["stderr"]


def test_flags_a_slot_above_an_applicable_cap_and_one_too_far_above_tusoi(invoke: Invoke, tmp_path: Path) -> None:
    # D4 violated: at most Trung bình (cap vi_pham_dieu_cam); score 85 → Khá, capped to Trung bình
    path = tmp_path / "c.yaml"
    path.write_text(member_yaml(full_answers(D4=1), tu_xep_loai="trung_binh", chi_bo_xep_loai="tot"), encoding="utf-8")
    data = _score(invoke, path)
    assert data["level"] == "trung_binh"
    assert [(f["slot"], f["kind"], f["cap"]) for f in data["rating_flags"]] == [
        ("cell", "above_cap", "vi_pham_dieu_cam"), ("cell", "above_level", None)]
    assert data["rating_flags"][0]["reason"] == ("Vi phạm ít nhất một điều đảng viên không được làm (QĐ 37-QĐ/TW): "
                                                 "tối đa Trung bình")
    assert "2 mức; bộ tiêu chí cho phép tối đa 1 mức" in data["rating_flags"][1]["reason"]
    assert "Cần trả lời trong biên bản họp" in invoke("score", str(path)).stdout


def test_max_levels_above_is_a_rubric_setting(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "rong.yaml").write_text("id: rong\ninclude: [tusoi-mac-dinh]\nratings:\n  max_levels_above: 2\n",
                                        encoding="utf-8")
    # CT1 at mức 3: at most Trung bình (score 94, Tốt by score); the cell's Tốt is two levels above: flagged
    # by the default (one level allowed), not by a rubric that allows two
    path = tmp_path / "m.yaml"
    path.write_text(member_yaml(full_answers(CT1=3), tu_xep_loai="kha", chi_bo_xep_loai="tot"), encoding="utf-8")
    default = _score(invoke, path)
    assert default["level"] == "trung_binh"
    assert [(f["slot"], f["kind"]) for f in default["rating_flags"]] == [
        ("self", "above_cap"), ("cell", "above_cap"), ("cell", "above_level")]
    wide = json.loads(invoke("score", str(path), "-f", "json", "-r", str(tmp_path / "rong.yaml")).stdout)
    assert [(f["slot"], f["kind"]) for f in wide["rating_flags"]] == [("self", "above_cap"), ("cell", "above_cap")]


def test_a_rubric_declares_its_own_slots_read_from_files_and_columns(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "ba-buoc.yaml").write_text(
        "id: ba-buoc\ninclude: [tusoi-mac-dinh]\nraters:\n"
        "  - {id: self, field: tu_xep_loai, label: Tự xếp loại}\n"
        "  - {id: to_dang, field: to_dang_de_xuat, label: Tổ đảng đề xuất}\n"
        "  - {id: cell, field: chi_bo_xep_loai, label: Chi bộ xếp loại}\n", encoding="utf-8")
    rubric = str(tmp_path / "ba-buoc.yaml")
    path = tmp_path / "a.yaml"
    path.write_text(member_yaml(full_answers(), tu_xep_loai="tot", to_dang_de_xuat="kha"), encoding="utf-8")
    data = json.loads(invoke("score", str(path), "-f", "json", "-r", rubric).stdout)
    assert list(data["raters"]) == ["self", "to_dang"] and data["final_level"] == "kha"
    # the default slots this rubric does not declare are unknown fields of a member file
    other = tmp_path / "b.yaml"
    other.write_text(member_yaml(full_answers(), dang_uy_quyet_dinh="tot"), encoding="utf-8")
    refused = invoke("score", str(other), "-r", rubric)
    assert refused.exit_code == 1 and "dang_uy_quyet_dinh" in refused.stderr
    sheet = tmp_path / "chibo.csv"
    sheet.write_text(f"Họ và tên,{ITEMS},Tự xếp loại,Tổ đảng đề xuất,Chi bộ xếp loại\n"
                     "Nguyễn Văn An,0,0,0,0,Tốt,Khá,\nTrần Thị Bình,0,0,0,0,Khá,Khá,Tốt\n", encoding="utf-8")
    out = tmp_path / "kq.json"
    invoke("batch", str(sheet), "-r", rubric, "-o", str(out))
    members = json.loads(out.read_text(encoding="utf-8"))["members"]
    assert [(m["raters"].keys() and list(m["raters"]), m["final_level"]) for m in members] == [
        (["self", "to_dang"], "kha"), (["self", "to_dang", "cell"], "tot")]


def test_cell_sheet_with_the_four_rater_columns(invoke: Invoke, tmp_path: Path) -> None:
    sheet = tmp_path / "chibo.csv"
    sheet.write_text(
        f"Họ và tên,{ITEMS},Tự xếp loại,Chi ủy đề xuất,Chi bộ xếp loại,Lý do,Đảng ủy quyết định,Trạng thái\n"
        "Nguyễn Văn An,0,0,0,0,Tốt,Tốt,Tốt,,Khá,\n"
        "Trần Thị Bình,0,0,1,0,Khá,Khá,Tốt,Bình có thành tích,,\n"
        "Lê Văn Cường,0,0,0,0,,,,,,\n"
        "Hoàng Văn Em,,,,,,,,,,Miễn: nghỉ sinh hoạt\n"
        "Phạm Thị Dung,0,0,0,0,Xuất sắc,,,,,\n", encoding="utf-8")
    out = tmp_path / "kq.json"
    result = invoke("batch", str(sheet), "-o", str(out))
    assert result.exit_code == 1  # Dung's 'Xuất sắc' is no level of this rubric
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [(e["line"], e["column"]) for e in doc["errors"]] == [(6, 6)]
    got = {m["ho_ten"]: (m["self_level"], m["cell_level"], m["cell_reason"], m["final_level"],
                         [(f["slot"], f["kind"]) for f in m["rating_flags"]]) for m in doc["members"]}
    assert got == {
        "Nguyễn Văn An": ("tot", "tot", None, "kha", []),
        # D4: at most Trung bình; the committee's Khá and the cell's Tốt are above it, Tốt also two levels above
        "Trần Thị Bình": ("kha", "tot", "Bình có thành tích", "tot",
                          [("self", "above_cap"), ("cell_committee", "above_cap"), ("cell", "above_cap"),
                           ("cell", "above_level")]),
        "Lê Văn Cường": (None, None, None, None, []),
        "Hoàng Văn Em": (None, None, None, None, []),
        "Phạm Thị Dung": (None, None, None, None, []),
    }
    # who is missing a level, per slot: reviewed members only (Em is exempt); Dung's unreadable level counts as none
    assert doc["missing"] == {"self": ["Lê Văn Cường", "Phạm Thị Dung"],
                              "cell_committee": ["Lê Văn Cường", "Phạm Thị Dung"],
                              "cell": ["Lê Văn Cường", "Phạm Thị Dung"],
                              "party_committee": ["Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]}
    assert doc["quota"] is None
    assert "Còn thiếu Đảng ủy quyết định (3): Trần Thị Bình, Lê Văn Cường, Phạm Thị Dung" in " ".join(
        result.stdout.split())
    # the detailed path (a member scored one by one) writes the same record as the batch's fast path
    assert doc["members"][1]["raters"]["cell"] == {"level": "tot", "label": "Tốt", "reason": "Bình có thành tích",
                                                   "date": None}
    report = tmp_path / "kq.xlsx"
    invoke("batch", str(sheet), "-o", str(report))
    ws = load_workbook(report)["Kết quả"]
    header = [c.value for c in ws[2]]
    final, flags = header.index("Xếp loại cuối cùng") + 1, header.index("Cần trả lời (biên bản)") + 1
    assert [ws.cell(r, final).value for r in range(3, 8)] == ["Khá", "Tốt", None, None, None]
    assert ws.cell(4, flags).value.splitlines()[-1] == (
        "Chi bộ xếp loại: Tốt — cao hơn mức tusoi đề xuất (Trung bình) 2 mức; bộ tiêu chí cho phép tối đa 1 mức")
