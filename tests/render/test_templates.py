"""Blank forms and editor support: `tusoi template member|sheet` and `tusoi schema`, with real files read back."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
import yaml
from typer.testing import CliRunner

from tusoi_cli import load_rubric, score_file
from tusoi_cli.cli import app
from tusoi_cli.read.member_reader import parse_member
from tusoi_cli.read.yaml_reader import load_yaml
from tusoi_cli.render.excel.sheet_template import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    PROMPT_MAX,
    PROMPT_TITLE_MAX,
    SHEET_FORM,
    SHEET_GUIDE,
    SHEET_LISTS,
    fit,
    utf16_len,
)
from tusoi_cli.render.schema import KINDS, shipped_path

from ..conftest import ALL_ITEMS, EXAMPLES, need_tool

Invoke = Callable[..., Any]
Write = Callable[[str, str], Path]
EXAMPLE_RUBRICS = Path(load_rubric().path).parent / "examples"


# --------------------------------------------------------------------------- member template


def test_member_template_with_only_the_name_filled_scores_100_tot_with_nothing_unanswered(
        invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "mau.yaml"
    made = invoke("template", "member", "-o", str(target), "--ky", "2026")
    assert made.exit_code == 0, made.stderr
    assert (tmp_path / "tusoi-mac-dinh.member.schema.json").is_file()
    # untouched, the placeholder name is a problem with its fix, never a member called "(điền họ và tên)"
    untouched = invoke("score", str(target), "-f", "json")
    line = next(n for n, text in enumerate(target.read_text(encoding="utf-8").splitlines(), 1) if "ho_ten:" in text)
    assert untouched.exit_code == 1 and untouched.stdout == ""
    assert f"mau.yaml:{line}:11: họ và tên vẫn là chữ mẫu '(điền họ và tên)' — thay bằng họ và tên" in untouched.stderr
    target.write_text(target.read_text(encoding="utf-8").replace('"(điền họ và tên)"', "Nguyễn Văn An"),
                      encoding="utf-8")
    scored = invoke("score", str(target), "--strict", "-f", "json")
    assert scored.exit_code == 0, scored.stderr
    result = json.loads(scored.stdout)
    assert (result["score"], result["level"]) == (100, "tot")
    assert result["unanswered"] == result["not_applicable"] == result["invalid"] == result["problems"] == []
    assert result["ky_danh_gia"] == "2026"


def test_member_template_lists_every_item_with_its_title_grouped_by_section(invoke: Invoke) -> None:
    made = invoke("template", "member", "--ky", "2026")
    text = made.stdout
    lines = text.splitlines()
    # on standard output no schema file is written, so the template must not point at one; stderr says how
    assert "$schema" not in text and lines[0].startswith("# BẢN TỰ ĐÁNH GIÁ")
    assert "tusoi schema member --rubric tusoi-mac-dinh -o tusoi-mac-dinh.member.schema.json" in made.stderr
    rubric = load_rubric()
    found = [m.group(1) for line in lines if (m := re.match(r"^  ([A-Z]+\d+): 0 +# (.+)$", line))]
    assert found == ALL_ITEMS
    for _, item in rubric.items():
        assert re.search(rf"^  {item.id}: 0 +# {re.escape(item.title)}$", text, re.M), item.id
    # each section is introduced by a comment naming it, in rubric order, before its first item
    positions = [text.index(f"  # {s.id}. {s.title}"[:40]) for s in rubric.sections]
    assert positions == sorted(positions)
    for section in rubric.sections:
        assert positions[rubric.sections.index(section)] < text.index(f"  {section.items[0].id}: 0")
    # the header fields to fill in
    for field in ("bo_tieu_chi:", "ky_danh_gia:", "  ho_ten:", "  ma_dang_vien:", "  chi_bo:", "  chuc_vu:",
                  "tu_xep_loai:", "ky_luat:"):
        assert any(line.startswith(field) for line in lines), field


def test_member_template_reads_back_with_tusoi_reader(invoke: Invoke) -> None:
    text = invoke("template", "member", "--ho-ten", "- Nguyễn: Văn # An", "--chi-bo", "@Chi bộ \"Số 1\"",
                  "--ky", "2025–2026").stdout
    doc = load_yaml(text, "mau.yaml")  # refuses anchors, aliases and duplicate keys
    assert doc.problems == []
    read = parse_member(doc)
    assert read.problems == []
    ev = read.evaluation
    assert (ev.member.ho_ten, ev.member.chi_bo, ev.ky_danh_gia) == ("- Nguyễn: Văn # An", "@Chi bộ \"Số 1\"",
                                                                    "2025–2026")
    assert ev.member.ma_dang_vien is None and ev.tu_xep_loai is None and ev.ky_luat is False
    assert list(ev.answers) == ALL_ITEMS


def test_member_template_without_schema_and_the_schema_beside_it(invoke: Invoke, tmp_path: Path) -> None:
    plain = invoke("template", "member", "--no-schema").stdout
    assert "yaml-language-server" not in plain
    target = tmp_path / "a.yaml"
    assert invoke("template", "member", "-o", str(target)).exit_code == 0
    beside = (tmp_path / "tusoi-mac-dinh.member.schema.json").read_text(encoding="utf-8")
    assert beside == invoke("schema", "member", "--rubric", "tusoi-mac-dinh").stdout
    # a second template in the same folder leaves the identical schema alone, without --force
    assert invoke("template", "member", "-o", str(tmp_path / "b.yaml")).exit_code == 0


def test_member_template_never_overwrites_without_force(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "mau.yaml"
    target.write_text("giữ nguyên\n", encoding="utf-8")
    refused = invoke("template", "member", "-o", str(target))
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "giữ nguyên\n"
    assert not (tmp_path / "tusoi-mac-dinh.member.schema.json").exists()
    schema = tmp_path / "tusoi-mac-dinh.member.schema.json"
    schema.write_text("{}", encoding="utf-8")
    refused = invoke("template", "member", "-o", str(tmp_path / "moi.yaml"))
    assert refused.exit_code == 2 and "--no-schema" in refused.stderr and schema.read_text() == "{}"
    assert not (tmp_path / "moi.yaml").exists()
    assert invoke("template", "member", "-o", str(target), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server")
    assert json.loads(schema.read_text(encoding="utf-8"))["$schema"].startswith("https://json-schema.org/")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_member_template_for_a_rubric_file_points_at_it_relatively(invoke: Invoke, tmp_path: Path) -> None:
    rubric = EXAMPLE_RUBRICS / "khung-366.yaml"
    target = tmp_path / "sub" / "mau.yaml"
    target.parent.mkdir()
    assert invoke("template", "member", "--rubric", str(rubric), "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    ref = re.search(r'^bo_tieu_chi: "(.+)"$', text, re.M)
    assert ref is not None and not Path(ref.group(1)).is_absolute()
    assert (target.parent / ref.group(1)).resolve() == rubric.resolve()
    assert "  TC1: 0" in text and "(tối đa 10 điểm)" in text
    target.write_text(text.replace('"(điền họ và tên)"', "Nguyễn Văn An"), encoding="utf-8")
    result = score_file(target).result  # bo_tieu_chi is found from the member file's folder
    assert (result.rubric, result.score, result.level, result.unanswered) == ("khung-366", 0, "kht", [])
    assert (tmp_path / "sub" / "khung-366.member.schema.json").is_file()


def test_templates_refuse_a_catalogue_rubric(invoke: Invoke, tmp_path: Path) -> None:
    for command in (["member"], ["sheet", "-o", str(tmp_path / "x.xlsx")]):
        result = invoke("template", *command, "--rubric", "nq04")
        assert result.exit_code == 2 and "không có mức xếp loại" in result.stderr


# --------------------------------------------------------------------------- sheet template


PEOPLE = ["Nguyễn Văn An", "Trần Thị Bình", "=HYPERLINK(\"http://x\")", "Lê Quốc Cường"]


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sheet")
    names = folder / "danh-sach.txt"
    names.write_text("# danh sách chi bộ\n" + "".join(f"{i}. {n}\n" for i, n in enumerate(PEOPLE, 1)) + "\n",
                     encoding="utf-8")
    target = folder / "chibo.xlsx"
    result = CliRunner().invoke(app, ["template", "sheet", "-o", str(target), "--members", str(names),
                                      "--chi-bo", "Chi bộ Văn phòng", "--ky", "2026", "--rows", "2"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "4 đảng viên" in result.stderr
    return target


def _validations(ws: Any) -> dict[str, Any]:
    """sqref -> validation."""
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_sheet_layout_header_notes_and_member_rows(sheet: Path) -> None:
    wb = openpyxl.load_workbook(sheet)
    assert wb.sheetnames == [SHEET_FORM, SHEET_GUIDE, SHEET_LISTS]
    assert [ws.sheet_state for ws in wb] == ["visible", "visible", "hidden"]
    assert wb.active.title == SHEET_FORM
    ws = wb[SHEET_FORM]
    rubric = load_rubric()
    header = [c.value for c in ws[HEADER_ROW]]
    assert header[:4] == ["STT", "Họ và tên", "Mã đảng viên", "Chức vụ"]
    assert [h.split(".")[0] for h in header[4:4 + 46]] == ALL_ITEMS
    for (_, item), text in zip(rubric.items(), header[4:50], strict=True):
        assert text.startswith(f"{item.id}. ")
        note = ws.cell(HEADER_ROW, header.index(text) + 1).comment
        assert note is not None
        assert " ".join(item.description.split()) in note.text and item.source in note.text
    # the four rater slots of the default rubric, in order, each read back by `batch` as its slot
    assert header[50:] == ["Trạng thái", "Tự xếp loại", "Kỷ luật (có/không)", "Chi ủy đề xuất",
                           "Chi bộ xếp loại (sau họp)", "Lý do (của chi bộ)", "Đảng ủy quyết định", "Ghi chú"]
    assert all(ws.cell(HEADER_ROW, col).comment is not None for col in range(1, len(header) + 1))
    names = [ws.cell(row, 2).value for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 6)]
    assert names == [*PEOPLE, None, None]
    assert [ws.cell(row, 1).value for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 6)] == [1, 2, 3, 4, 5, 6]
    risky = ws.cell(FIRST_DATA_ROW + 2, 2)
    assert risky.data_type == "s" and risky.value == PEOPLE[2]  # a name is text, never a formula
    assert ws.max_row == FIRST_DATA_ROW + 5
    assert (ws["C2"].value, ws["C3"].value) == ("Chi bộ Văn phòng", "2026")
    assert ws.freeze_panes == f"C{FIRST_DATA_ROW}"
    assert ws.print_title_rows == f"$6:${HEADER_ROW}"


def test_sheet_protects_the_header_and_leaves_answers_editable(sheet: Path) -> None:
    ws = openpyxl.load_workbook(sheet)[SHEET_FORM]
    assert ws.protection.sheet is True
    assert not ws.protection.password  # a guard against accidents, not security: anyone may unprotect
    assert ws.protection.insertRows is False and ws.protection.deleteRows is False  # rows may be added
    last_col = ws.max_column
    for col in range(1, last_col + 1):
        assert ws.cell(HEADER_ROW, col).protection.locked is True
        for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 6):
            assert ws.cell(row, col).protection.locked is False, (row, col)
    assert ws["A1"].protection.locked is True and ws["C4"].protection.locked is True
    assert ws["C2"].protection.locked is False and ws["C3"].protection.locked is False  # cell name, period


def test_sheet_dropdowns_on_every_answer_cell_from_the_hidden_list_sheet(sheet: Path) -> None:
    wb = openpyxl.load_workbook(sheet)
    ws = wb[SHEET_FORM]
    rubric = load_rubric()
    last = FIRST_DATA_ROW + 5
    found = _validations(ws)
    names = {name: dn.attr_text for name, dn in wb.defined_names.items()}
    lists = wb[SHEET_LISTS]

    def entries(name: str) -> list[object]:
        ref = names[name].split("!")[1].replace("$", "")
        return [c.value for row in lists[ref] for c in row]

    for col, (section, item) in enumerate(rubric.items(), start=5):
        letter = openpyxl.utils.get_column_letter(col)
        dv = found[f"{letter}{FIRST_DATA_ROW}:{letter}{last}"]
        assert dv.type == "list" and not dv.showDropDown  # True would hide the arrow
        assert dv.errorStyle == "warning" and dv.showErrorMessage and dv.showInputMessage and dv.allow_blank
        scale = rubric.scales[section.scale]
        assert entries(dv.formula1) == [*(int(v.value) for v in scale.values or []),
                                        *(v.label for v in scale.values or []), "Không áp dụng"]
        assert dv.promptTitle.startswith(item.id)
    assert len(found) == 46 + 6
    for letter, name in (("AY", "DS_trang_thai"), ("AZ", "DS_xep_loai"), ("BA", "DS_ky_luat"),
                         ("BB", "DS_xep_loai"), ("BC", "DS_xep_loai"), ("BE", "DS_xep_loai")):
        assert found[f"{letter}{FIRST_DATA_ROW}:{letter}{last}"].formula1 == name
    assert entries("DS_xep_loai") == [lv.label for lv in rubric.levels]
    assert entries("DS_ky_luat") == ["Không", "Có", "Khiển trách", "Cảnh cáo", "Cách chức", "Khai trừ"]
    assert entries("DS_trang_thai") == ["Đã kiểm điểm", "Miễn: nghỉ sinh hoạt", "Miễn: đình chỉ sinh hoạt",
                                        "Miễn: mới kết nạp dưới 6 tháng", "Chưa kiểm điểm"]
    assert all(ref.startswith(f"{SHEET_LISTS}!$") for ref in names.values())


def test_sheet_validation_texts_respect_excel_limits(sheet: Path) -> None:
    for dv in openpyxl.load_workbook(sheet)[SHEET_FORM].data_validations.dataValidation:
        assert utf16_len(dv.promptTitle) <= PROMPT_TITLE_MAX and utf16_len(dv.errorTitle) <= PROMPT_TITLE_MAX
        assert utf16_len(dv.prompt) <= PROMPT_MAX and utf16_len(dv.error) <= PROMPT_MAX
        assert not dv.formula1.startswith('"')  # no inline list: every list is a range on the list sheet


def test_guide_sheet_lists_every_item_with_description_and_source(sheet: Path) -> None:
    ws = openpyxl.load_workbook(sheet)[SHEET_GUIDE]
    rubric = load_rubric()
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = rows.index(["Mã", "Phần", "Nội dung tóm tắt", "Mô tả", "Nguồn", "Cách ghi"])
    table = rows[header + 1:]
    assert len(table) == len(rubric.items()) == 46
    for row, (section, item) in zip(table, rubric.items(), strict=True):
        assert row[:3] == [item.id, section.id, item.title]
        assert row[3] == " ".join(item.description.split()) and row[4] == item.source
        assert "0 = " in row[5]
    text = "\n".join(str(r[0]) for r in rows[:header])
    for level in rubric.levels:
        assert level.label in text
    for cap in rubric.caps:
        assert cap.reason in text


def _fill(template: Path, target: Path, answers: list[tuple[str, dict[str, object], dict[str, object]]]) -> None:
    """Write (name, item answers, other columns by header) into the template's rows, as a person would."""
    wb = openpyxl.load_workbook(template)
    ws = wb[SHEET_FORM]
    columns = {str(c.value).split(".")[0] if "." in str(c.value) else str(c.value): c.column for c in ws[HEADER_ROW]}
    for offset, (name, items, others) in enumerate(answers):
        row = FIRST_DATA_ROW + offset
        ws.cell(row, columns["Họ và tên"], name)
        for item_id, value in items.items():
            ws.cell(row, columns[item_id], value)
        for header, value in others.items():
            ws.cell(row, columns[header], value)
    wb.save(target)


def test_filled_sheet_goes_straight_into_batch(sheet: Path, invoke: Invoke, tmp_path: Path) -> None:
    zeros = dict.fromkeys(ALL_ITEMS, 0)
    filled = tmp_path / "da-dien.xlsx"
    _fill(sheet, filled, [
        ("Nguyễn Văn An", {**zeros, "CT3": "Biểu hiện rõ, lặp lại (mức 2)", "CT5": 1, "DL5": "co bieu hien"},
         {"Tự xếp loại": "Tốt"}),  # 100 - 4 - 2 - 2 = 92 → tốt
        ("Trần Thị Bình", {**zeros, "CT9": "Không áp dụng", "DL8": "KAD"}, {"Tự xếp loại": "Khá"}),  # 100 → tốt
        ("Lê Thị Hai", {**zeros, "D4": "x", "CT6": 2}, {"Kỷ luật (có/không)": "Không"}),  # 81, capped trung bình
        ("Phạm Minh Đức", {**zeros, "DB2": "Có biểu hiện (mức 1)"},
         {"Kỷ luật (có/không)": "Có", "Chi bộ xếp loại (sau họp)": "Trung bình", "Lý do (của chi bộ)": "Bị kỷ luật"}),
        ("Vũ Văn Em", {"CT1": "Không có", "D19": "Không vi phạm"}, {}),  # unanswered items stay unanswered
    ])
    out = tmp_path / "kq.json"
    result = invoke("batch", str(filled), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    got = [(m["ho_ten"], m["score"], m["level"], m["row"]) for m in data["members"]]
    assert got == [("Nguyễn Văn An", 92, "tot", 8), ("Trần Thị Bình", 100, "tot", 9),
                   ("Lê Thị Hai", 81, "trung_binh", 10), ("Phạm Minh Đức", 97, "trung_binh", 11),
                   ("Vũ Văn Em", 100, "tot", 12)]
    members = data["members"]
    assert members[1]["not_applicable"] == ["CT9", "DL8"] and members[1]["self_comparison"] == "lower"
    assert members[3]["ky_luat"] is True and members[3]["cell_level"] == "trung_binh"
    assert len(members[4]["unanswered"]) == 44
    assert data["errors"] == [] and data["failed_rows"] == [] and data["blank_rows"] == 1  # the 6th row


def test_untouched_sheet_is_read_by_batch_as_is(sheet: Path, invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "kq.json"
    result = invoke("batch", str(sheet), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [m["ho_ten"] for m in data["members"]] == PEOPLE  # the formula-like name came back as text
    assert all(len(m["unanswered"]) == 46 for m in data["members"])
    assert (data["sheet"], data["blank_rows"], data["errors"]) == (SHEET_FORM, 2, [])


def test_a_wrong_value_in_the_sheet_is_reported_with_row_and_column(sheet: Path, invoke: Invoke,
                                                                    tmp_path: Path) -> None:
    filled = tmp_path / "sai.xlsx"
    _fill(sheet, filled, [("Nguyễn Văn An", {"CT1": 7}, {})])
    result = invoke("batch", str(filled))
    assert result.exit_code == 1
    assert f"sai.xlsx:{FIRST_DATA_ROW}:5:" in result.stderr and "CT1" in result.stderr


def test_sheet_members_from_a_csv_with_header(invoke: Invoke, tmp_path: Path) -> None:
    names = tmp_path / "ds.csv"
    names.write_text("STT;Họ và tên;Mã đảng viên;Chức vụ\n1;Nguyễn Văn An;01.2345;Bí thư\n2;Trần Thị Bình;;\n",
                     encoding="utf-8-sig")
    target = tmp_path / "a.xlsx"
    assert invoke("template", "sheet", "-o", str(target), "--members", str(names)).exit_code == 0
    ws = openpyxl.load_workbook(target)[SHEET_FORM]
    rows = [[ws.cell(row, col).value for col in range(1, 5)] for row in range(FIRST_DATA_ROW, ws.max_row + 1)]
    assert rows == [[1, "Nguyễn Văn An", "01.2345", "Bí thư"], [2, "Trần Thị Bình", None, None]]


def test_sheet_without_members_has_blank_rows_and_refuses_bad_targets(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "trong.xlsx"
    assert invoke("template", "sheet", "-o", str(target)).exit_code == 0
    ws = openpyxl.load_workbook(target)[SHEET_FORM]
    assert ws.max_row == FIRST_DATA_ROW + 29 and ws.cell(FIRST_DATA_ROW, 2).value is None
    before = target.read_bytes()
    again = invoke("template", "sheet", "-o", str(target))
    assert again.exit_code == 2 and "--force" in again.stderr and target.read_bytes() == before
    assert invoke("template", "sheet", "-o", str(target), "--force").exit_code == 0
    assert invoke("template", "sheet", "-o", str(tmp_path / "a.ods")).exit_code == 2
    missing = invoke("template", "sheet", "-o", str(tmp_path / "b.xlsx"), "--members", str(tmp_path / "khong.txt"))
    assert missing.exit_code == 2 and "khong.txt" in missing.stderr
    empty = tmp_path / "rong.txt"
    empty.write_text("# chưa có ai\n\n", encoding="utf-8")
    none = invoke("template", "sheet", "-o", str(tmp_path / "c.xlsx"), "--members", str(empty))
    assert none.exit_code == 1 and "không có tên" in none.stderr


def test_sheet_refuses_item_ids_batch_cannot_read(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    write("r.yaml", """
        id: r
        scales: {s: {title: S, values: [{value: 0, label: Không}, {value: 1, label: Có}]}}
        sections:
          - id: A
            title: A
            scale: s
            items: [{id: A.1, title: Một}, {id: A2, title: Hai}, {id: A3, title: Ba}]
        levels: [{id: dat, label: Đạt, min_score: 100}, {id: khong, label: Không đạt}]
        scoring: {start: 100}
        """)
    result = invoke("template", "sheet", "--rubric", str(tmp_path / "r.yaml"), "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2 and "'A.1'" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


LONG = "Hoàn thành nhiệm vụ ở mức rất cao, vượt trội về mọi mặt, được tập thể ghi nhận 𝐀𝐁 (mức {})"


def test_long_labels_and_titles_stay_within_excel_limits(invoke: Invoke, tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Biểu hiện rất dài về việc chấp hành nghị quyết, quy chế, quy định 𝐀 ") * 4
    rubric = {
        "id": "dai",
        "scales": {"s": {"title": "Thang có nhãn dài",
                         "values": [{"value": v, "label": LONG.format(v)} for v in range(4)]}},
        "sections": [{"id": "TC", "title": "Phần có tiêu đề dài", "scale": "s",
                      "items": [{"id": f"TC{n}", "title": nfd, "description": nfd} for n in (1, 2, 3)]}],
        "scoring": {"start": 100},
        "levels": [{"id": f"l{i}", "label": LONG.format(i), **({"min_score": 90 - 10 * i} if i < 5 else {})}
                   for i in range(6)],
    }
    (tmp_path / "dai.yaml").write_text(yaml.safe_dump(rubric, allow_unicode=True), encoding="utf-8")
    target = tmp_path / "dai.xlsx"
    result = invoke("template", "sheet", "--rubric", str(tmp_path / "dai.yaml"), "-o", str(target), "--rows", "3")
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(target)
    for dv in wb[SHEET_FORM].data_validations.dataValidation:
        for text, limit in ((dv.promptTitle, 32), (dv.errorTitle, 32), (dv.prompt, 255), (dv.error, 255)):
            assert utf16_len(text) <= limit and unicodedata.is_normalized("NFC", text), text
    labels = [lv for lv in wb[SHEET_LISTS]["B"][1:] if lv.value]
    assert sum(utf16_len(c.value) + 1 for c in labels) > 255  # would not fit inline
    assert {dv.formula1 for dv in wb[SHEET_FORM].data_validations.dataValidation} == {"DS_s", "DS_xep_loai",
                                                                                    "DS_ky_luat", "DS_trang_thai"}


@pytest.mark.parametrize(("text", "limit"), [
    ("ngắn", 32),
    (unicodedata.normalize("NFD", "Nguyễn Thị Ánh Đào " * 3), 32),
    ("𝐀" * 40, 32),
    ("Biểu hiện " * 40, 255),
])
def test_fit_counts_utf16_units_of_nfc_text(text: str, limit: int) -> None:
    fitted = fit(text, limit)
    assert utf16_len(fitted) <= limit and unicodedata.is_normalized("NFC", fitted)
    assert utf16_len("𝐀") == 2 and utf16_len(unicodedata.normalize("NFD", "Ánh")) == 3
    if utf16_len(text) <= limit:
        assert fitted == " ".join(unicodedata.normalize("NFC", text).split())
    else:
        assert fitted.endswith("…")


def test_libreoffice_opens_the_sheet_template(sheet: Path, tmp_path: Path) -> None:
    soffice = need_tool("soffice")
    source = tmp_path / sheet.name
    shutil.copy(sheet, source)
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, timeout=180, check=False)
    pdf = tmp_path / "chibo.pdf"
    assert done.returncode == 0 and pdf.is_file() and pdf.stat().st_size > 10_000, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


# --------------------------------------------------------------------------- JSON Schemas


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_schemas_equal_what_tusoi_schema_generates(invoke: Invoke, kind: str) -> None:
    generated = invoke("schema", kind)
    assert generated.exit_code == 0
    shipped = shipped_path(kind).read_text(encoding="utf-8")
    assert shipped == generated.stdout, f"{shipped_path(kind)} is stale: run `python -m tusoi_cli.render.schema`"


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (path, property schema) of a JSON Schema."""
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            yield f"{path}.{name}", prop
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


@pytest.mark.parametrize("args", [["member"], ["rubric"], ["result"], ["member", "--rubric", "tusoi-mac-dinh"]])
def test_every_field_has_a_vietnamese_description(invoke: Invoke, args: list[str]) -> None:
    data = json.loads(invoke("schema", *args).stdout)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert re.search(r"[À-ỹđ]", data["title"])
    props = list(_walk(data))
    assert len(props) > 10
    for path, prop in props:
        assert prop.get("description"), f"{path} has no description"
        assert "title" not in prop, path  # pydantic's English titles made from field names are dropped
    for name, definition in data["$defs"].items():
        assert re.search(r"[À-ỹđ]", definition["title"] + definition["description"]), name


def test_member_schema_for_a_rubric_lists_items_and_levels(invoke: Invoke) -> None:
    data = json.loads(invoke("schema", "member", "--rubric", "tusoi-mac-dinh").stdout)
    answers = data["properties"]["danh_gia"]["anyOf"][0]
    rubric = load_rubric()
    assert list(answers["properties"]) == ALL_ITEMS
    ct1 = answers["properties"]["CT1"]
    assert ct1["description"].startswith(f"CT1. {rubric.items()[0][1].title}")
    assert ct1["anyOf"][0] == {"enum": [0, 1, 2, 3]}
    assert answers["properties"]["D1"]["anyOf"][0] == {"enum": [0, 1]}
    assert "tot" in data["properties"]["tu_xep_loai"]["anyOf"][0]["examples"]
    generic = json.loads(invoke("schema", "member").stdout)
    assert "properties" not in generic["properties"]["danh_gia"]["anyOf"][0]


def test_schema_rubric_option_is_for_member_only_and_output_file(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("schema", "rubric", "--rubric", "nq04").exit_code == 2
    assert invoke("schema", "khac").exit_code == 2
    target = tmp_path / "r.schema.json"
    assert invoke("schema", "rubric", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == shipped_path("rubric").read_text(encoding="utf-8")
    assert invoke("schema", "rubric", "-o", str(target)).exit_code == 2


class _EditorLoader(yaml.SafeLoader):
    """Reads YAML roughly as yaml-language-server does: dates stay text (YAML 1.2 has no timestamp type)."""


_EditorLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _member_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml")) + sorted((EXAMPLE_RUBRICS / "members").glob("*.yaml"))


def test_member_schema_validates_the_example_files(invoke: Invoke, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    generic = json.loads(invoke("schema", "member").stdout)
    specific = json.loads(invoke("schema", "member", "--rubric", "tusoi-mac-dinh").stdout)
    jsonschema.Draft202012Validator.check_schema(generic)
    files = _member_files()
    assert len(files) >= 10
    for path in files:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_EditorLoader)
        errors = list(jsonschema.Draft202012Validator(generic).iter_errors(data))
        assert errors == [], (path, [e.message for e in errors])
        if data.get("bo_tieu_chi") == "tusoi-mac-dinh":
            assert list(jsonschema.Draft202012Validator(specific).iter_errors(data)) == [], path
    template = yaml.load(invoke("template", "member").stdout, Loader=_EditorLoader)
    assert list(jsonschema.Draft202012Validator(specific).iter_errors(template)) == []
    # and it catches what an editor should flag
    wrong = {"dang_vien": {"ho_ten": "A", "chuc_vu": "x", "tuoi": 40}, "danh_gia": {"CT1": 7, "D1": 2},
             "ky_luat": [1]}
    messages = {e.json_path for e in jsonschema.Draft202012Validator(specific).iter_errors(wrong)}
    assert {"$.dang_vien", "$.danh_gia", "$.ky_luat"} <= messages


def test_rubric_and_result_schemas_validate_real_files(invoke: Invoke) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    rubric_schema = jsonschema.Draft202012Validator(json.loads(invoke("schema", "rubric").stdout))
    bundled = Path(load_rubric().path).parent
    for path in [*bundled.glob("*.yaml"), *EXAMPLE_RUBRICS.glob("*.yaml")]:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_EditorLoader)
        assert list(rubric_schema.iter_errors(data)) == [], path
    result_schema = jsonschema.Draft202012Validator(json.loads(invoke("schema", "result").stdout))
    for path in _member_files():
        scored = json.loads(invoke("score", str(path), "-f", "json").stdout)
        assert list(result_schema.iter_errors(scored)) == [], path
