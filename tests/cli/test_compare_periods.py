"""`tusoi compare P1 P2 P3`: three periods through the command line, in the terminal, JSON and Excel;
two periods exactly as before."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tusoi_cli.api import read_period
from tusoi_cli.engine.compare import compare_periods
from tusoi_cli.render.compare_data import comparison_json
from tusoi_cli.version import __version__

from ..engine.test_periods import AN, AN_PATHS, TODAY, cell, member, put

Invoke = Callable[..., Any]
TODAY_ARG = ("--today", TODAY.isoformat())

_STEP = {"type": "object", "required": ["state", "value", "label"],
         "properties": {"state": {"enum": ["answered", "unanswered", "na", "invalid", "absent", "not_in_rubric"]},
                        "value": {"type": ["number", "null"]}, "label": {"type": ["string", "null"]}}}
_RECORD = {"type": ["object", "null"], "required": ["ho_ten", "source", "score", "level", "level_label", "complete"]}
_COUNTS = {"type": "array", "items": {"type": "integer", "minimum": 0}}
# What docs/compare.md promises for three or more periods; every per-period array has one entry per period.
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["tool", "tool_version", "format", "format_version", "today", "periods", "steps", "summary",
                 "levels", "items", "notes", "members"],
    "properties": {
        "format": {"const": "tusoi-compare"}, "format_version": {"const": 2},
        "today": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "periods": {"type": "array", "minItems": 3, "items": {
            "type": "object", "required": ["name", "source", "kind", "periods", "cells", "rubrics", "members",
                                           "deadlines", "errors", "failed"],
            "properties": {"kind": {"enum": ["member", "sheet", "folder"]}}}},
        "steps": {"type": "array", "items": {
            "type": "object", "required": ["from", "to", "name", "members", "shortcomings", "majority_items",
                                           "unmatched", "ambiguous", "rubric_changes"],
            "properties": {"shortcomings": {"type": "object", "required": [
                "fixed", "improved", "unchanged", "worse", "new", "overdue", "not_comparable", "old_shortcomings",
                "fixed_share"]}}}},
        "summary": {"type": "object", "required": ["members", "in_every_period", "persistent", "relapsed", "trends"]},
        "levels": {"type": "array", "items": {"type": "object", "required": ["id", "label", "counts"],
                                              "properties": {"counts": _COUNTS}}},
        "items": {"type": "array", "items": {"type": "object", "required": ["id", "title", "section", "flagged",
                                                                            "persistent", "relapsed"],
                                             "properties": {"flagged": _COUNTS}}},
        "notes": {"type": "array", "items": {"type": "string"}},
        "members": {"type": "array", "items": {
            "type": "object",
            "required": ["ho_ten", "ma_dang_vien", "matched_by", "matched_by_label", "records", "level_trend",
                         "level_trend_label", "persistent", "relapsed", "items"],
            "properties": {
                "records": {"type": "array", "items": _RECORD},
                "level_trend": {"enum": ["up", "down", "same", "mixed", None]},
                "items": {"type": "array", "items": {
                    "type": "object", "required": ["id", "title", "section", "path_text", "persistent", "relapses",
                                                   "path"],
                    "properties": {"path": {"type": "array", "items": _STEP}}}}}}},
    },
}


def as_args(paths: list[Path]) -> list[str]:
    return [str(p) for p in paths]


def validate(document: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    count = len(document["periods"])
    assert len(document["steps"]) == count - 1
    assert all(len(level["counts"]) == count for level in document["levels"])
    assert all(len(item["flagged"]) == count for item in document["items"])
    for person in document["members"]:
        assert len(person["records"]) == count and len(person["matched_by"]) == count - 1
        assert all(len(item["path"]) == count for item in person["items"])


def test_a_cell_over_three_periods_in_the_terminal(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("compare", *as_args(cell(tmp_path)), *TODAY_ARG)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Theo dõi 3 kỳ tự soi, tự sửa" in out
    assert "2023 → 2024" in out and "28,6 %" in out and "50,0 %" in out  # 2 of 7 fixed, then 3 of 6
    assert "Trung bình → Tốt → Tốt" in out and "Tốt → vắng → Tốt" in out and "vắng → Tốt → Tốt" in out
    assert "2 → 2 → 3" in out  # CT1: members flagged in each period
    assert all(len(line) <= 80 for line in out.splitlines())


def test_one_member_over_three_files(invoke: Invoke, tmp_path: Path) -> None:
    files = [put(tmp_path / f"an-{y}.yaml", member("Nguyễn Văn An", AN[y], ma="01", ky=y)) for y in AN]
    result = invoke("compare", *as_args(files), *TODAY_ARG)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Đảng viên: Nguyễn Văn An (mã 01)" in out
    assert "Điểm: 75 → 94 → 92" in out and "Trung bình → Tốt → Tốt (lên mức)" in out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 3}
    for item, path in AN_PATHS.items():
        assert path in rows[item], (item, rows[item])
    assert "kéo dài" in rows["CT1"] and "tái phạm" in rows["CT2"] and "tái phạm" not in rows["CT4"]


def test_json_over_three_periods_read_back_and_validated(invoke: Invoke, tmp_path: Path) -> None:
    paths = cell(tmp_path / "in")
    target = tmp_path / "so-sanh.json"
    result = invoke("compare", *as_args(paths), *TODAY_ARG, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    document = json.loads(target.read_text(encoding="utf-8"))
    validate(document)
    assert json.loads(invoke("compare", *as_args(paths), *TODAY_ARG, "-f", "json").stdout) == document
    assert (document["format_version"], document["tool_version"]) == (2, __version__)
    assert [p["name"] for p in document["periods"]] == ["2023", "2024", "2025"]
    assert [p["members"] for p in document["periods"]] == [3, 3, 4]
    steps = [(s["name"], s["shortcomings"]["old_shortcomings"], s["shortcomings"]["fixed"],
              s["shortcomings"]["fixed_share"]) for s in document["steps"]]
    assert steps == [("2023 → 2024", 7, 2, 0.2857), ("2024 → 2025", 6, 3, 0.5)]
    assert [u["ho_ten"] for u in document["steps"][0]["unmatched"]] == ["Lê Văn Cường", "Phạm Văn Dũng"]
    assert {lv["id"]: lv["counts"] for lv in document["levels"]} == {
        "tot": [2, 3, 4], "kha": [0, 0, 0], "trung_binh": [1, 0, 0], "yeu_kem": [0, 0, 0]}
    assert {i["id"]: (i["flagged"], i["persistent"], i["relapsed"]) for i in document["items"]}["CT2"] == (
        [3, 1, 2], 0, 1)
    assert document["summary"] == {"members": 4, "in_every_period": 2, "persistent": 2, "relapsed": 1,
                                   "trends": {"up": 1, "down": 0, "same": 3, "mixed": 0}}
    an, _, cuong, dung = document["members"]
    assert {i["id"]: i["path_text"] for i in an["items"]} == AN_PATHS
    assert (an["persistent"], an["relapsed"], an["level_trend"]) == (["CT1"], ["CT2"], "up")
    ct4 = next(i for i in an["items"] if i["id"] == "CT4")["path"]
    assert ct4[1] == {"state": "unanswered", "value": None, "label": "chưa trả lời"}
    assert [r["score"] if r else None for r in an["records"]] == [75.0, 94.0, 92.0]
    assert cuong["records"][1] is None and cuong["matched_by"] == [None, "code"]
    assert cuong["items"][0]["path"][1]["state"] == "absent"
    assert dung["records"][0] is None and dung["level_trend"] == "same"


def test_excel_over_three_periods_read_back(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "so-sanh.xlsx"
    result = invoke("compare", *as_args(cell(tmp_path / "in")), *TODAY_ARG, "-o", str(target))
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Tổng hợp", "Theo đảng viên", "Chi tiết", "Theo mục", "Thông tin"]
    for ws in wb.worksheets:  # A4 landscape at 90-100 %: Arial 10 prints at 9 points or more
        assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape")
        assert 90 <= ws.page_setup.scale <= 100

    summary = wb["Tổng hợp"]
    rows = {r[0]: r[1:] for r in summary.iter_rows(values_only=True) if r and isinstance(r[0], str)}
    assert rows["Hạn chế của kỳ trước (mục có biểu hiện, vi phạm)"][:2] == (7, 6)
    assert rows["   tỷ lệ đã khắc phục"][:2] == (pytest.approx(2 / 7), 0.5)
    assert rows["Tốt"][:3] == (2, 3, 4) and rows["Trung bình"][:3] == (1, 0, 0)
    [chart] = summary._charts
    assert len(chart.series) == 4  # one series per level, grouped by period

    members = [r for r in wb["Theo đảng viên"].iter_rows(min_row=3, values_only=True)]
    assert [r[1:9] for r in members] == [
        ("Nguyễn Văn An", "Trung bình", "Tốt", "Tốt", "lên mức", "CT1", "CT2", 3),
        ("Trần Thị Bình", "Tốt", "Tốt", "Tốt", "giữ mức", "CT1", None, 3),
        ("Lê Văn Cường", "Tốt", "vắng", "Tốt", "giữ mức", None, None, 2),
        ("Phạm Văn Dũng", "vắng", "Tốt", "Tốt", "giữ mức", None, None, 2)]
    assert wb["Theo đảng viên"].print_area == "'Theo đảng viên'!$A$1:$I$6"  # code and pairing: screen only

    detail = {(r[1], r[2]): r[4:9] for r in wb["Chi tiết"].iter_rows(min_row=3, values_only=True) if r[2]}
    assert detail["Nguyễn Văn An", "CT2"] == (1, 0, 1, None, 1)
    assert detail["Nguyễn Văn An", "CT1"] == (1, 1, 2, "có", None)
    assert detail["Nguyễn Văn An", "CT4"] == (1, "?", 1, None, None)
    assert detail["Nguyễn Văn An", "CT5"] == (0, 1, "KAD", None, None)
    assert detail["Lê Văn Cường", "CT2"] == (1, "vắng", 1, None, None)
    items = {r[0]: r[2:] for r in wb["Theo mục"].iter_rows(min_row=3, values_only=True)}
    assert items["CT1"] == (2, 2, 3, 2, 0) and items["CT2"] == (3, 1, 2, 0, 1)


def test_excel_prints_at_9_points(invoke: Invoke, tmp_path: Path) -> None:
    from ..render.test_print_layout import check_legible, print_to_pdf

    target = tmp_path / "so-sanh.xlsx"
    assert invoke("compare", *as_args(cell(tmp_path / "in")), *TODAY_ARG, "-o", str(target)).exit_code == 0
    pages = print_to_pdf(target, tmp_path)
    check_legible(pages)
    text = " ".join(p.text for p in pages)
    assert "Xếp loại theo kỳ" in text and "2023 → 2024" in text


def test_two_periods_keep_the_two_period_output(invoke: Invoke, tmp_path: Path) -> None:
    paths = cell(tmp_path)
    result = invoke("compare", str(paths[0]), str(paths[2]), *TODAY_ARG, "-f", "json")
    assert result.exit_code == 0, result.stderr
    expected = "".join(comparison_json(compare_periods(read_period(paths[0]), read_period(paths[2]), today=TODAY),
                                       tool_version=__version__))
    assert result.stdout == expected
    assert json.loads(result.stdout)["format_version"] == 1
    table = invoke("compare", str(paths[0]), str(paths[2]), *TODAY_ARG).stdout
    assert "So sánh hai kỳ tự soi, tự sửa" in table and "Theo dõi" not in table


@pytest.mark.parametrize("option", ["--rubric-old", "--rubric-new", "--sheet-old", "--sheet-new"])
def test_per_period_options_are_refused_with_three_periods(invoke: Invoke, tmp_path: Path, option: str) -> None:
    result = invoke("compare", *as_args(cell(tmp_path)), option, "x")
    assert result.exit_code == 2
    assert f"{option} chỉ dùng khi so hai kỳ" in result.stderr and "--rubric" in result.stderr


def test_member_files_and_folders_are_not_mixed(invoke: Invoke, tmp_path: Path) -> None:
    paths = cell(tmp_path)
    lone = put(tmp_path / "an.yaml", member("Nguyễn Văn An", {"CT1": 1}, ma="01", ky="2026"))
    result = invoke("compare", *as_args(paths), str(lone))
    assert result.exit_code == 2
    assert "các kỳ phải cùng loại" in result.stderr and "kỳ 4 (an.yaml)" in result.stderr


def test_a_missing_period_is_named(invoke: Invoke, tmp_path: Path) -> None:
    paths = cell(tmp_path)
    result = invoke("compare", *as_args(paths), str(tmp_path / "2026.xlsx"))
    assert result.exit_code == 2
    assert "2026.xlsx" in result.stderr and "Traceback" not in result.stderr


def test_rubric_option_applies_to_every_period(invoke: Invoke, tmp_path: Path) -> None:
    files = [put(tmp_path / f"an-{y}.yaml", member("Nguyễn Văn An", AN[y], ma="01", ky=y, rubric="tusoi-mac-dinh"))
             for y in AN]
    own = json.loads(invoke("compare", *as_args(files), *TODAY_ARG, "-f", "json").stdout)
    assert [p["rubrics"][0]["id"] for p in own["periods"]] == ["tusoi-mac-dinh"] * 3
    district = Path(__file__).resolve().parents[2] / "rubrics" / "examples" / "huyen-ba-muc-do.yaml"
    result = invoke("compare", *as_args(files), *TODAY_ARG, "-f", "json", "--rubric", str(district))
    assert result.exit_code == 0, result.stderr
    forced = json.loads(result.stdout)
    assert [p["rubrics"][0]["id"] for p in forced["periods"]] == ["huyen-ba-muc-do"] * 3
    assert {i["id"]: i["path_text"] for i in forced["members"][0]["items"]} == AN_PATHS
    assert forced["members"][0]["items"][0]["path"][0]["label"] == "Nhẹ"  # the district's scale


def test_an_unreadable_file_is_reported_and_the_rest_followed(invoke: Invoke, tmp_path: Path) -> None:
    paths = cell(tmp_path / "in")
    put(paths[1] / "99.yaml", "dang_vien: [không đúng\n")
    target = tmp_path / "so-sanh.xlsx"
    result = invoke("compare", *as_args(paths), *TODAY_ARG, "-o", str(target))
    assert result.exit_code == 1
    assert "99.yaml" in result.stderr and "Traceback" not in result.stderr
    wb = openpyxl.load_workbook(target)
    assert "Lỗi" in wb.sheetnames
    assert any("99.yaml" in str(v) for row in wb["Lỗi"].iter_rows(values_only=True) for v in row)
    assert len(list(wb["Theo đảng viên"].iter_rows(min_row=3))) == 4


def test_six_periods_keep_to_80_columns(invoke: Invoke, tmp_path: Path) -> None:
    years = [str(y) for y in range(2021, 2027)]
    for k, year in enumerate(years):
        put(tmp_path / year / "01.yaml", member("Nguyễn Văn An", {"CT1": k % 2, "CT2": 1}, ma="01", ky=year))
        put(tmp_path / year / "02.yaml", member("Trần Thị Bình", {"CT1": 1, "D1": k % 2}, ma="02", ky=year))
    result = invoke("compare", *(str(tmp_path / y) for y in years), *TODAY_ARG)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    # levels by period as counts only; An 96 or 98 every year; Bình capped to trung_binh by D1 every other year
    tot = next(line for line in lines if line.startswith("│ Tốt"))
    assert [cell.strip() for cell in tot.split("│")[2:-1]] == ["2", "1", "2", "1", "2", "1"]
    assert "0 → 1 → 0 → 1 → 0 → 1" in invoke("compare", *(str(tmp_path / y) for y in years), *TODAY_ARG, "-f",
                                               "json").stdout


def test_dash_output_writes_json_to_stdout_unless_a_table_is_asked(invoke: Invoke, tmp_path: Path) -> None:
    paths = cell(tmp_path)
    result = invoke("compare", *as_args(paths), *TODAY_ARG, "-o", "-")
    assert result.exit_code == 0, result.stderr
    validate(json.loads(result.stdout))
    refused = invoke("compare", *as_args(paths), *TODAY_ARG, "-o", "-", "-f", "table")
    assert refused.exit_code == 2 and "--format table" in refused.stderr


def test_a_period_with_another_rubric(invoke: Invoke, tmp_path: Path) -> None:
    import textwrap

    from ..engine.test_compare import SMALL_RUBRIC

    put(tmp_path / "huyen.yaml", textwrap.dedent(SMALL_RUBRIC))
    files = [put(tmp_path / "an-2024.yaml", member("Lê Thị Cúc", {"CT1": 1, "CT2": 1}, ky="2024")),
             put(tmp_path / "an-2025.yaml", member("Lê Thị Cúc", {"CT1": 1, "CT10": 2, "CT5": 0, "D1": 0}, ky="2025",
                                                   rubric="huyen.yaml")),
             put(tmp_path / "an-2026.yaml", member("Lê Thị Cúc", {"CT1": 1, "CT2": 0}, ky="2026"))]
    result = invoke("compare", *as_args(files), *TODAY_ARG, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    validate(data)
    assert [p["rubrics"][0]["id"] for p in data["periods"]] == ["tusoi-mac-dinh", "huyen-rut-gon", "tusoi-mac-dinh"]
    assert [[c["new"]["id"] for c in s["rubric_changes"]] for s in data["steps"]] == [["huyen-rut-gon"],
                                                                                        ["tusoi-mac-dinh"]]
    (cuc,) = data["members"]
    # the latest rubric's items first, then CT10 that only 2025's rubric has
    assert [(i["id"], i["path_text"], i["persistent"]) for i in cuc["items"]] == [
        ("CT1", "1 → 1 → 1", True), ("CT2", "1 → ngoài bộ → 0", False), ("CT10", "ngoài bộ → 2 → ngoài bộ", False)]
    assert cuc["items"][1]["path"][1] == {"state": "not_in_rubric", "value": None,
                                          "label": "không có trong bộ tiêu chí"}
    assert ([r["score"] for r in cuc["records"]], cuc["level_trend"]) == ([96.0, 94.0, 98.0], "same")
    table = invoke("compare", *as_args(files), *TODAY_ARG).stdout
    assert "Bộ tiêu chí thay đổi (2024 → 2025): tusoi-mac-dinh (1.0) → huyen-rut-gon (2026)" in table


def test_excel_with_another_rubric_lists_its_changes(invoke: Invoke, tmp_path: Path) -> None:
    import textwrap

    from ..engine.test_compare import SMALL_RUBRIC

    put(tmp_path / "huyen.yaml", textwrap.dedent(SMALL_RUBRIC))
    files = [put(tmp_path / "an-2024.yaml", member("Lê Thị Cúc", {"CT1": 1, "CT2": 1}, ky="2024")),
             put(tmp_path / "an-2025.yaml", member("Lê Thị Cúc", {"CT1": 1, "CT10": 2, "CT5": 0, "D1": 0}, ky="2025",
                                                   rubric="huyen.yaml")),
             put(tmp_path / "an-2026.yaml", member("Lê Thị Cúc", {"CT1": 1, "CT2": 0}, ky="2026"))]
    for args, sides, merged in ((files, "Kỳ trước → kỳ sau", 8), (files[:2], "Kỳ cũ → kỳ mới", 0)):
        target = tmp_path / f"{len(args)}-ky.xlsx"
        result = invoke("compare", *as_args(args), *TODAY_ARG, "-o", str(target))
        assert result.exit_code == 0, result.stderr
        wb = openpyxl.load_workbook(target)
        summary = wb["Tổng hợp"]
        rows = [tuple(v for v in r if v is not None) for r in summary.iter_rows(values_only=True)]
        first = rows.index((sides, "tusoi-mac-dinh (1.0) → huyen-rut-gon (2026)"))
        assert rows[first + 2:first + 4] == [("Thêm các mục", "CT10"), ("Đổi thang đo hoặc cách tính", "D1")]
        assert rows[first + 1][0] == "Bỏ các mục" and rows[first + 1][1].startswith("CT2, CT3, ")
        assert len(summary.merged_cells.ranges) == merged  # over the periods' columns, from three periods on
        levels = {r[0].value: r[0].fill.start_color.rgb for r in summary.iter_rows() if r[0].value in ("Tốt", "Khá")}
        assert len(set(levels.values())) == 2
        info = {r[0]: r[1] for r in wb["Thông tin"].iter_rows(values_only=True) if r[0]}
        assert [v for k, v in info.items() if k.endswith("bộ tiêu chí")][:2] == [
            "tusoi-mac-dinh (phiên bản 1.0)", "huyen-rut-gon (phiên bản 2026)"]
        assert [v for k, v in info.items() if k.endswith("đầu vào")] == [str(f) for f in args]
