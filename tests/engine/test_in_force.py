"""Rubrics in force: a period evaluated against a document that was replaced (or not yet issued) is warned
about, never refused, and the score is unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import member_yaml
from tusoi_cli.engine.in_force import in_force_warnings, period_end
from tusoi_cli.read.rubric_loader import load_rubric, load_rubric_file

Invoke = Callable[..., Any]
Write = Callable[[str, str], Path]


@pytest.mark.parametrize(("period", "end"), [
    ("2026", date(2026, 12, 31)),
    ("năm 2025", date(2025, 12, 31)),
    ("2025-2026", date(2026, 12, 31)),
    ("01/01/2026 - 30/06/2026", date(2026, 6, 30)),
    ("6 tháng đầu năm, đến 2026-06-30", date(2026, 6, 30)),
    ("31/02/2026", date(2026, 12, 31)),  # not a date: the year it names still places it
    ("Quý 3", None),
    ("", None),
    (None, None),
])
def test_period_end_is_the_last_day_the_period_names(period: str | None, end: date | None) -> None:
    assert period_end(period) == end


def test_qd37_is_replaced_for_2026_and_in_force_for_2025() -> None:
    rubric = load_rubric()  # tusoi-mac-dinh: includes nq04 (in force) and qd37 (in force until 25/07/2026)
    [warning] = in_force_warnings(rubric, "2026")
    assert (warning.code, warning.rubric, warning.document) == ("replaced", "qd37", "Quy định 37-QĐ/TW")
    assert warning.effective_to == date(2026, 7, 25) and warning.period_end == date(2026, 12, 31)
    assert warning.replaced_by is not None and warning.replaced_by.startswith("Quy định 207-QĐ/TW ngày 26/7/2026")
    assert "25/07/2026" in warning.message and "31/12/2026" in warning.message
    assert in_force_warnings(rubric, "2025") == []
    assert in_force_warnings(rubric, "01/01/2026 - 30/06/2026") == []  # ends before QĐ 37 was replaced
    assert in_force_warnings(rubric, None) == []  # no period named: nothing can be checked


def test_a_period_before_a_document_took_effect() -> None:
    warnings = in_force_warnings(load_rubric(), "2015")
    assert [(w.code, w.rubric) for w in warnings] == [("not_yet_in_force", "nq04"), ("not_yet_in_force", "qd37")]
    assert "30/10/2016" in warnings[0].message


def test_a_local_rubric_declares_its_own_dates(write: Write) -> None:
    path = write("dia-phuong.yaml", """
        id: dia-phuong
        title: Bộ tiêu chí của đảng bộ
        document: Hướng dẫn 05-HD/ĐU
        document_date: 2024-01-15
        effective: 2024-01-15
        effective_to: 2025-12-31
        replaced_by: Hướng dẫn 09-HD/ĐU
        include: [nq04]
        levels:
          - {id: dat, label: Đạt}
        """)
    rubric = load_rubric_file(path)
    assert rubric.effective_from == date(2024, 1, 15)  # the older key `effective` is still read
    assert [d.rubric for d in rubric.documents] == ["nq04", "dia-phuong"]
    [warning] = in_force_warnings(rubric, "2026")
    assert (warning.rubric, warning.replaced_by) == ("dia-phuong", "Hướng dẫn 09-HD/ĐU")
    assert "Hướng dẫn 05-HD/ĐU ngày 15/01/2024" in warning.message
    assert in_force_warnings(rubric, "2025") == []


def test_score_warns_once_exits_0_and_keeps_the_score(invoke: Invoke, write: Write) -> None:
    a = write("a.yaml", member_yaml({"CT1": 1}, ho_ten="Nguyễn Văn An"))
    b = write("b.yaml", member_yaml({"CT1": 1}, ho_ten="Trần Thị Bình"))
    old = write("c.yaml", member_yaml({"CT1": 1}, ho_ten="Lê Văn Cường", ky_danh_gia="2025"))
    result = invoke("score", str(a), str(b), str(old), "-f", "json")
    assert result.exit_code == 0
    warned = [line for line in result.stderr.splitlines() if line.startswith("Cảnh báo: ")]
    assert len(warned) == 1 and "Quy định 207-QĐ/TW" in warned[0]
    data = json.loads(result.stdout)
    assert [len(d["warnings"]) for d in data] == [1, 1, 0]
    assert data[0]["warnings"][0]["code"] == "replaced" and data[0]["warnings"][0]["period"] == "2026"
    assert data[0]["score"] == data[2]["score"] == 98  # CT1 at degree 1, weight 2: the warning changes nothing


def test_batch_states_the_warning_once_at_the_top(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    folder = tmp_path / "chi-bo"
    folder.mkdir()
    for number in range(3):
        (folder / f"{number}.yaml").write_text(member_yaml({"CT1": 0}, ho_ten=f"Đảng viên {number}"),
                                               encoding="utf-8")
    result = invoke("batch", str(folder), "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [w["rubric"] for w in data["warnings"]] == ["qd37"]
    assert all("warnings" not in m for m in data["members"])
    assert result.stderr.count("Cảnh báo: ") == 1


def test_rubric_show_and_list_give_the_dates(invoke: Invoke) -> None:
    shown = invoke("rubric", "show", "qd37").stdout
    assert "hiệu lực 25/10/2021–25/07/2026" in " ".join(shown.split())
    assert "thay bằng Quy định 207-QĐ/TW" in " ".join(shown.split())
    listed = {r["id"]: r for r in json.loads(invoke("rubric", "list", "-f", "json").stdout)}
    assert [d["effective_to"] for d in listed["tusoi-mac-dinh"]["documents"]] == [None, "2026-07-25"]
    assert listed["nq04"]["documents"][0]["document_date"] == "2016-10-30"


def test_the_report_states_the_warning_on_its_info_sheet(invoke: Invoke, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    folder = tmp_path / "chi-bo"
    folder.mkdir()
    (folder / "an.yaml").write_text(member_yaml({"CT1": 0}, ho_ten="Nguyễn Văn An"), encoding="utf-8")
    (folder / "binh.yaml").write_text(member_yaml({"CT1": 0}, ho_ten="Trần Thị Bình", ky_danh_gia="2025"),
                                      encoding="utf-8")
    assert invoke("batch", str(folder), "-o", str(tmp_path / "bao-cao.xlsx")).exit_code == 0
    ws = load_workbook(tmp_path / "bao-cao.xlsx")["Thông tin"]
    warned = [ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)
              if ws.cell(row=r, column=1).value == "Cảnh báo"]
    assert len(warned) == 1 and "Quy định 207-QĐ/TW" in warned[0] and "kỳ 2026" in warned[0]


def test_tong_hop_states_the_warning_once_for_the_whole_tree(invoke: Invoke, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    for cell in ("chi-bo-1", "chi-bo-2"):
        folder = tmp_path / "dang-bo" / cell
        folder.mkdir(parents=True)
        for number in range(2):
            (folder / f"{number}.yaml").write_text(member_yaml({"CT1": 0}, ho_ten=f"Đảng viên {cell} {number}"),
                                                   encoding="utf-8")
    result = invoke("tong-hop", str(tmp_path / "dang-bo"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [w["rubric"] for w in json.loads(result.stdout)["warnings"]] == ["qd37"]
    assert result.stderr.count("Cảnh báo: ") == 1
    assert invoke("tong-hop", str(tmp_path / "dang-bo"), "-o", str(tmp_path / "th.xlsx")).exit_code == 0
    ws = load_workbook(tmp_path / "th.xlsx")["Thông tin"]
    warned = [ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)
              if ws.cell(row=r, column=1).value == "Cảnh báo"]
    assert len(warned) == 1 and "Quy định 207-QĐ/TW" in warned[0]
