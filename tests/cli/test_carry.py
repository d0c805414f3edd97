"""The previous period carried forward through the commands: batch outputs, templates, --ky-truoc, the cap."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from ..conftest import full_answers, member_yaml

Invoke = Callable[..., Any]
Write = Callable[[str, str], Path]

CARRIED = ("ky_truoc:\n  - muc: CT5\n    muc_do: 1\n    ket_qua: đã\n"
           "  - muc: DL6\n    muc_do: 1\n    ket_qua: chưa\n    ghi_chu: còn lãng phí giờ công\n")


def test_batch_of_a_folder_writes_the_results_to_json_and_excel(invoke: Invoke, tmp_path: Path) -> None:
    folder = tmp_path / "chibo"
    folder.mkdir()
    (folder / "an.yaml").write_text(member_yaml(full_answers(), ho_ten="Nguyễn Văn An") + CARRIED, encoding="utf-8")
    (folder / "binh.yaml").write_text(member_yaml(full_answers(), ho_ten="Trần Thị Bình"), encoding="utf-8")
    result = invoke("batch", str(folder), "-o", str(tmp_path / "kq.json"))
    assert result.exit_code == 0, result.stderr
    members = {m["ho_ten"]: m for m in json.loads((tmp_path / "kq.json").read_text("utf-8"))["members"]}
    assert [(p["item"], p["result"], p["note"]) for p in members["Nguyễn Văn An"]["previous_shortcomings"]] == [
        ("CT5", "fixed", None), ("DL6", "not_fixed", "còn lãng phí giờ công")]
    assert members["Trần Thị Bình"]["previous_shortcomings"] is None
    result = invoke("batch", str(folder), "-o", str(tmp_path / "kq.xlsx"))
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(tmp_path / "kq.xlsx")["Kết quả"]
    headers = [c.value for c in sheet[2]]
    column = headers.index("Hạn chế kỳ trước: kết quả khắc phục") + 1
    names = headers.index("Họ và tên") + 1
    cells = {sheet.cell(row, names).value: sheet.cell(row, column).value for row in (3, 4)}
    assert cells == {"Nguyễn Văn An": "CT5: đã khắc phục\nDL6: chưa khắc phục", "Trần Thị Bình": None}


PREVIOUS_2025 = """\
bo_tieu_chi: tusoi-mac-dinh
ky_danh_gia: "2025"
dang_vien:
  ho_ten: Nguyễn Văn An
  ma_dang_vien: "01.2345"
  chi_bo: Chi bộ Quản lý đô thị
  chuc_vu: Phó trưởng phòng
danh_gia:
  CT5:
    muc_do: 1
    bieu_hien: Còn nể nang khi góp ý "đồng chí" cùng phòng
    khac_phuc: Góp ý thẳng thắn trong sinh hoạt chi bộ
    han_khac_phuc: 2026-06-30
  DL6: 2
  D4: 0
ky_truoc:
  - muc: DB2
    muc_do: 1
    ket_qua: đang
  - muc: CT1
    ket_qua: đã
"""


def test_member_template_carries_the_open_shortcomings_and_reads_back(invoke: Invoke, tmp_path: Path) -> None:
    previous = tmp_path / "an-2025.yaml"
    previous.write_text(PREVIOUS_2025, encoding="utf-8")
    form = tmp_path / "an-2026.yaml"
    result = invoke("template", "member", "--ky-truoc", str(previous), "-o", str(form))
    assert result.exit_code == 0, result.stderr
    assert previous.read_text("utf-8") == PREVIOUS_2025  # the input is never touched
    scored = invoke("score", str(form), "-f", "json")
    assert scored.exit_code == 0, scored.stderr  # read back without any problem
    data = json.loads(scored.stdout)
    assert (data["ho_ten"], data["ma_dang_vien"], data["chuc_vu"], data["ky_danh_gia"]) == (
        "Nguyễn Văn An", "01.2345", "Phó trưởng phòng", "2026")
    # the two items flagged in 2025, then the one it carried and had not fixed (CT1, fixed, is left behind)
    assert [(p["item"], p["degree"], p["bieu_hien"], p["khac_phuc"], p["han_khac_phuc"], p["result"])
            for p in data["previous_shortcomings"]] == [
        ("CT5", 1.0, 'Còn nể nang khi góp ý "đồng chí" cùng phòng', "Góp ý thẳng thắn trong sinh hoạt chi bộ",
         "2026-06-30", None),
        ("DL6", 2.0, None, None, None, None), ("DB2", 1.0, None, None, None, None)]
    # the member fills in the results: read back as words
    text = form.read_text("utf-8")
    for word, note in (("đã", "góp ý hằng tháng"), ("Đang khắc phục", ""), ("chưa", "")):
        text = text.replace("    ket_qua:        # đã / đang / chưa (khắc phục)\n    ghi_chu:\n",
                            f"    ket_qua: {word}\n    ghi_chu: {note}\n", 1)
    form.write_text(text, encoding="utf-8")
    filled = json.loads(invoke("score", str(form), "-f", "json").stdout)
    assert [(p["item"], p["result"], p["note"]) for p in filled["previous_shortcomings"]] == [
        ("CT5", "fixed", "góp ý hằng tháng"), ("DL6", "in_progress", None), ("DB2", "not_fixed", None)]


def test_member_template_from_a_period_without_shortcomings_says_so(invoke: Invoke, tmp_path: Path) -> None:
    previous = tmp_path / "binh-2025.yaml"
    previous.write_text(member_yaml(full_answers(), ky_danh_gia="2025", ho_ten="Trần Thị Bình"), encoding="utf-8")
    result = invoke("template", "member", "--ky-truoc", str(previous), "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert "ky_truoc: []  # kỳ trước không có hạn chế nào phải khắc phục\n" in result.stdout
    assert 'ky_danh_gia: "2026"' in result.stdout


def test_member_template_names_the_problems_of_the_previous_file(invoke: Invoke, tmp_path: Path) -> None:
    previous = tmp_path / "an-2025.yaml"
    previous.write_text(member_yaml({"CT5": 1, "DL6": 9}, ky_danh_gia="2025"), encoding="utf-8")
    form = tmp_path / "an-2026.yaml"
    result = invoke("template", "member", "--ky-truoc", str(previous), "-o", str(form))
    assert result.exit_code == 1
    assert f"{previous}:7:8: giá trị '9' không có trong thang" in result.stderr
    assert "không được mang sang" in result.stderr
    assert '  - muc: "CT5"' in form.read_text("utf-8") and "DL6\"" not in form.read_text("utf-8")
