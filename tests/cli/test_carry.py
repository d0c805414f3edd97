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
