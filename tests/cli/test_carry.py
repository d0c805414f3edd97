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


def _fill_sheet(path: Path, answers: list[dict[str, object]], extra: list[dict[str, object]] | None = None) -> int:
    """Fill the member rows of a sheet made by `template sheet`: every item 0 except ``answers``, and the cells
    of ``extra`` (header -> value); returns the header row."""
    book = openpyxl.load_workbook(path)
    sheet = book["Tự đánh giá"]
    header_row = next(r for r in range(1, 20) if sheet.cell(r, 2).value == "Họ và tên")
    columns = {sheet.cell(header_row, c).value: c for c in range(1, sheet.max_column + 1)}
    items = {str(h).split(".")[0]: c for h, c in columns.items() if h and str(h)[0].isupper() and "." in str(h)}
    for offset, values in enumerate(answers):
        row = header_row + 1 + offset
        for item, column in items.items():
            sheet.cell(row, column).value = values.get(item, 0)
        for header, value in (extra[offset] if extra else {}).items():
            sheet.cell(row, columns[header]).value = value
    book.save(path)
    return header_row


def _previous_sheet(invoke: Invoke, tmp_path: Path) -> Path:
    people = tmp_path / "ds.txt"
    people.write_text("Nguyễn Văn An\nTrần Thị Bình\nLê Văn Cường\n", encoding="utf-8")
    previous = tmp_path / "chibo-2025.xlsx"
    made = invoke("template", "sheet", "--members", str(people), "--ky", "2025", "--chi-bo", "Chi bộ 3", "-o",
                  str(previous))
    assert made.exit_code == 0, made.stderr
    _fill_sheet(previous, [{"CT5": 1, "DL6": 2}, {"DB2": 1}, {}])
    return previous


def test_sheet_template_carries_the_open_items_and_batch_reads_the_results(invoke: Invoke, tmp_path: Path) -> None:
    previous = _previous_sheet(invoke, tmp_path)
    before = previous.read_bytes()
    form = tmp_path / "chibo-2026.xlsx"
    result = invoke("template", "sheet", "--ky-truoc", str(previous), "-o", str(form))
    assert result.exit_code == 0, result.stderr
    assert previous.read_bytes() == before
    book = openpyxl.load_workbook(form)
    sheet = book["Tự đánh giá"]
    assert (sheet["C2"].value, sheet["C3"].value) == ("Chi bộ 3", "2026")  # the next period, same cell
    header_row = next(r for r in range(1, 20) if sheet.cell(r, 2).value == "Họ và tên")
    columns = {sheet.cell(header_row, c).value: c for c in range(1, sheet.max_column + 1)}
    rows = [[sheet.cell(header_row + n, c).value for c in (columns["Họ và tên"], columns["Hạn chế kỳ trước"],
                                                            columns["Kết quả khắc phục"])] for n in (1, 2, 3)]
    assert rows == [
        ["Nguyễn Văn An", "CT5 (mức 1) — Nể nang, né tránh trong tự phê bình và phê bình\n"
                          "DL6 (mức 2) — Gây thất thoát, lãng phí (chưa đối chiếu)", "CT5: ; DL6: "],
        ["Trần Thị Bình", "DB2 (mức 1) — Đòi tam quyền phân lập, xã hội dân sự", "DB2: "],
        ["Lê Văn Cường", "không có", None]]
    guide = " ".join(str(c.value) for row in book["Hướng dẫn"].iter_rows(max_row=15) for c in row if c.value)
    assert "Các từ được chấp nhận: đã (đã khắc phục), đang (đang khắc phục), chưa (chưa khắc phục)" in guide

    _fill_sheet(form, [{}, {"DB2": 1}, {}], [{"Kết quả khắc phục": "CT5: đã; DL6: Dang khac phuc"},
                                             {"Kết quả khắc phục": "DB2: CHƯA"}, {}])
    out = tmp_path / "kq.json"
    scored = invoke("batch", str(form), "-o", str(out))
    assert scored.exit_code == 0, scored.stderr
    members = {m["ho_ten"]: m for m in json.loads(out.read_text("utf-8"))["members"]}
    assert [(p["item"], p["degree"], p["result"]) for p in members["Nguyễn Văn An"]["previous_shortcomings"]] == [
        ("CT5", 1.0, "fixed"), ("DL6", 2.0, "in_progress")]
    assert [(p["item"], p["result"]) for p in members["Trần Thị Bình"]["previous_shortcomings"]] == [
        ("DB2", "not_fixed")]
    assert members["Lê Văn Cường"]["previous_shortcomings"] == []


def test_sheet_results_errors_are_located(invoke: Invoke, tmp_path: Path) -> None:
    previous = _previous_sheet(invoke, tmp_path)
    form = tmp_path / "chibo-2026.xlsx"
    assert invoke("template", "sheet", "--ky-truoc", str(previous), "-o", str(form)).exit_code == 0
    header_row = _fill_sheet(form, [{}, {}, {}], [{"Kết quả khắc phục": "CT5: xong rồi; DL7: đã"},
                                                  {"Kết quả khắc phục": "DB2 đã"}, {"Kết quả khắc phục": "CT1: đã"}])
    result = invoke("batch", str(form), "-o", str(tmp_path / "kq.json"))
    assert result.exit_code == 1
    sheet = openpyxl.load_workbook(form)["Tự đánh giá"]
    column = next(c for c in range(1, sheet.max_column + 1)
                  if sheet.cell(header_row, c).value == "Kết quả khắc phục")
    letter = openpyxl.utils.get_column_letter(column)
    lines = [line for line in result.stderr.splitlines() if "Kết quả khắc phục" in line]
    an, binh, cuong = header_row + 1, header_row + 2, header_row + 3
    assert lines == [
        f"{form}:{an}:{column}: Nguyễn Văn An — cột {letter} (Kết quả khắc phục): kết quả 'xong rồi' của mục CT5 "
        "không đọc được — ghi một trong: đã (đã khắc phục), đang (đang khắc phục), chưa (chưa khắc phục); để trống"
        " nếu chưa đánh giá",
        f"{form}:{an}:{column}: Nguyễn Văn An — cột {letter} (Kết quả khắc phục): mục 'DL7' không có trong cột Hạn "
        "chế kỳ trước của dòng này — chỉ ghi kết quả cho các mục: CT5, DL6",
        f"{form}:{binh}:{column}: Trần Thị Bình — cột {letter} (Kết quả khắc phục): 'DB2 đã' không đọc được — ghi "
        "theo dạng 'CT5: đã; DL6: đang'",
        f"{form}:{cuong}:{column}: Lê Văn Cường — cột {letter} (Kết quả khắc phục): mục 'CT1' không có trong cột Hạn"
        " chế kỳ trước của dòng này — chỉ ghi kết quả cho các mục: (không có hạn chế nào)",
    ]


def test_sheet_template_with_members_matches_and_names_who_is_missing(invoke: Invoke, tmp_path: Path) -> None:
    previous = _previous_sheet(invoke, tmp_path)
    people = tmp_path / "ds-2026.txt"
    people.write_text("Trần Thị Bình\nPhạm Thị Dung\n", encoding="utf-8")
    form = tmp_path / "chibo-2026.xlsx"
    result = invoke("template", "sheet", "--ky-truoc", str(previous), "--members", str(people), "-o", str(form))
    assert result.exit_code == 0, result.stderr
    assert "không tìm thấy ở kỳ trước (hai cột kỳ trước để trống, coi là chưa có thông tin): Phạm Thị Dung" in \
        " ".join(result.stderr.split())
    assert "có ở kỳ trước nhưng không có trong --members (không có dòng trong mẫu): Nguyễn Văn An, Lê Văn Cường" in \
        " ".join(result.stderr.split())
    sheet = openpyxl.load_workbook(form)["Tự đánh giá"]
    header_row = next(r for r in range(1, 20) if sheet.cell(r, 2).value == "Họ và tên")
    last = sheet.max_column
    assert [[sheet.cell(header_row + n, c).value for c in (2, last - 1, last)] for n in (1, 2)] == [
        ["Trần Thị Bình", "DB2 (mức 1) — Đòi tam quyền phân lập, xã hội dân sự", "DB2: "],
        ["Phạm Thị Dung", None, None]]


def _observed(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(p["item"], p["result"], p["observed"], p["warning"]) for p in data["previous_shortcomings"]]


def test_score_with_the_previous_file_shows_what_it_shows_and_warns(invoke: Invoke, tmp_path: Path) -> None:
    previous = tmp_path / "an-2025.yaml"
    previous.write_text(member_yaml({"CT5": 1, "DL6": 2, "DB2": 1, "D4": 1}, ky_danh_gia="2025",
                                    ho_ten="Nguyễn Văn An"), encoding="utf-8")
    now = tmp_path / "an-2026.yaml"
    now.write_text(member_yaml(full_answers(CT5=1, DL6=1, DB2=2), ho_ten="Nguyễn Văn An")
                   + "ky_truoc:\n  - muc: CT5\n    ket_qua: đã\n  - muc: DL6\n    ket_qua: đã\n"
                     "  - muc: DB2\n    ket_qua: đã\n  - muc: CT1\n    ket_qua: chưa\n", encoding="utf-8")
    result = invoke("score", str(now), "--ky-truoc", str(previous), "-f", "json")
    assert result.exit_code == 0, result.stderr  # warnings do not change the exit code
    assert _observed(json.loads(result.stdout)) == [
        ("CT5", "fixed", "unchanged",
         "tự nhận đã khắc phục nhưng kỳ này mục CT5 vẫn còn: không đổi (kỳ này còn, cùng mức)"),
        ("DL6", "fixed", "improved", None),  # still there but lighter: not the same or a worse degree
        ("DB2", "fixed", "worse", "tự nhận đã khắc phục nhưng kỳ này mục DB2 vẫn còn: nặng hơn"),
        ("CT1", "not_fixed", "not_flagged_before", None),
        ("D4", None, "fixed", None)]  # flagged in 2025, left out of the member's list: added, never dropped
    warnings = [line for line in result.stderr.splitlines() if "tự nhận đã khắc phục" in line]
    assert warnings == [
        f"Cảnh báo: Nguyễn Văn An ({now}): tự nhận đã khắc phục nhưng kỳ này mục CT5 vẫn còn: không đổi (kỳ này "
        "còn, cùng mức)",
        f"Cảnh báo: Nguyễn Văn An ({now}): tự nhận đã khắc phục nhưng kỳ này mục DB2 vẫn còn: nặng hơn"]
    md = invoke("score", str(now), "--ky-truoc", str(previous), "-f", "md").stdout
    assert "| Tự đánh giá | Ghi chú | Theo tệp kỳ trước |" in md
    assert ("| đã khắc phục |  | nặng hơn — cảnh báo: tự nhận đã khắc phục nhưng kỳ này mục DB2 vẫn còn: nặng hơn |"
            in md)


def test_without_a_list_the_previous_file_gives_the_items_and_checks_the_rule(invoke: Invoke, tmp_path: Path) -> None:
    from tusoi_cli.resources import bundled_dir

    rubric = str(bundled_dir().resolve() / "examples" / "xep-loai-hoan-thanh.yaml")
    previous = tmp_path / "an-2025.yaml"
    previous.write_text(member_yaml({"CT5": 1}, ky_danh_gia="2025", ho_ten="Nguyễn Văn An"), encoding="utf-8")
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(member_yaml(full_answers(), ho_ten="Nguyễn Văn An"), encoding="utf-8")
    data = json.loads(invoke("score", str(fixed), "--rubric", rubric, "--ky-truoc", str(previous), "-f",
                             "json").stdout)
    assert _observed(data) == [("CT5", None, "fixed", None)]
    assert (data["level"], data["caps_not_checked"], data["complete"]) == ("htxs", [], True)  # checked: passed
    remains = tmp_path / "remains.yaml"
    remains.write_text(member_yaml(full_answers(CT5=1), ho_ten="Nguyễn Văn An"), encoding="utf-8")
    data = json.loads(invoke("score", str(remains), "--rubric", rubric, "--ky-truoc", str(previous), "-f",
                             "json").stdout)
    assert _observed(data) == [("CT5", None, "unchanged", None)]
    assert (data["level"], [c["id"] for c in data["caps"]]) == ("htt", ["ky_truoc_chua_khac_phuc"])
    stranger = tmp_path / "other.yaml"
    stranger.write_text(member_yaml(full_answers(), ho_ten="Người Khác") + "ky_truoc:\n  - muc: CT5\n",
                        encoding="utf-8")
    data = json.loads(invoke("score", str(stranger), "--ky-truoc", str(previous), "-f", "json").stdout)
    [item] = data["previous_shortcomings"]
    assert (item["observed"], item["observed_reason"]) == (
        "not_comparable", "không tìm thấy đảng viên này trong tệp kỳ trước (theo mã đảng viên hoặc họ tên)")


def test_batch_with_the_previous_sheet(invoke: Invoke, tmp_path: Path) -> None:
    previous = _previous_sheet(invoke, tmp_path)  # An: CT5 1, DL6 2; Bình: DB2 1; Cường: nothing
    form = tmp_path / "chibo-2026.xlsx"
    assert invoke("template", "sheet", "--ky-truoc", str(previous), "-o", str(form)).exit_code == 0
    _fill_sheet(form, [{"CT5": 1}, {"DB2": 1}, {}], [{"Kết quả khắc phục": "CT5: đã; DL6: đã"},
                                                     {"Kết quả khắc phục": "DB2: đang"}, {}])
    out = tmp_path / "kq.json"
    result = invoke("batch", str(form), "--ky-truoc", str(previous), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    members = {m["ho_ten"]: m for m in json.loads(out.read_text("utf-8"))["members"]}
    assert _observed(members["Nguyễn Văn An"]) == [
        ("CT5", "fixed", "unchanged",
         "tự nhận đã khắc phục nhưng kỳ này mục CT5 vẫn còn: không đổi (kỳ này còn, cùng mức)"),
        ("DL6", "fixed", "fixed", None)]
    assert _observed(members["Trần Thị Bình"]) == [("DB2", "in_progress", "unchanged", None)]
    assert members["Lê Văn Cường"]["previous_shortcomings"] == []
    assert "Cảnh báo: Nguyễn Văn An" in result.stderr
    report = tmp_path / "kq.xlsx"
    assert invoke("batch", str(form), "--ky-truoc", str(previous), "-o", str(report)).exit_code == 0
    sheet = openpyxl.load_workbook(report)["Kết quả"]
    headers = [c.value for c in sheet[2]]
    column = headers.index("Hạn chế kỳ trước: kết quả khắc phục") + 1
    assert sheet.cell(3, column).value == ("CT5: đã khắc phục (theo tệp kỳ trước: không đổi (kỳ này còn, cùng mức))"
                                           " — CẢNH BÁO\nDL6: đã khắc phục (theo tệp kỳ trước: đã khắc phục (kỳ này"
                                           " không còn))")


def test_batch_of_a_folder_with_the_previous_folder(invoke: Invoke, tmp_path: Path) -> None:
    old, new = tmp_path / "2025", tmp_path / "2026"
    old.mkdir()
    new.mkdir()
    (old / "an.yaml").write_text(member_yaml({"CT5": 2, "DL6": 1}, ky_danh_gia="2025", ho_ten="Nguyễn Văn An"),
                                 encoding="utf-8")
    (new / "an.yaml").write_text(member_yaml(full_answers(CT5=2), ho_ten="Nguyễn Văn An")
                                 + "ky_truoc:\n  - muc: CT5\n    ket_qua: đã\n  - muc: DL6\n    ket_qua: đã\n",
                                 encoding="utf-8")
    (new / "binh.yaml").write_text(member_yaml(full_answers(), ho_ten="Trần Thị Bình"), encoding="utf-8")
    out = tmp_path / "kq.json"
    result = invoke("batch", str(new), "--ky-truoc", str(old), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    members = {m["ho_ten"]: m for m in json.loads(out.read_text("utf-8"))["members"]}
    assert _observed(members["Nguyễn Văn An"]) == [
        ("CT5", "fixed", "unchanged",
         "tự nhận đã khắc phục nhưng kỳ này mục CT5 vẫn còn: không đổi (kỳ này còn, cùng mức)"),
        ("DL6", "fixed", "fixed", None)]
    assert members["Trần Thị Bình"]["previous_shortcomings"] is None  # not in the previous period, no list


def test_the_previous_period_is_never_written_over(invoke: Invoke, tmp_path: Path) -> None:
    previous = tmp_path / "an-2025.yaml"
    previous.write_text(PREVIOUS_2025, encoding="utf-8")
    result = invoke("template", "member", "--ky-truoc", str(previous), "-o", str(previous), "--force")
    assert result.exit_code == 2
    assert "trùng với tệp đầu vào" in result.stderr
    assert previous.read_text("utf-8") == PREVIOUS_2025
    missing = invoke("score", str(previous), "--ky-truoc", str(tmp_path / "khong-co.yaml"))
    assert missing.exit_code == 2
    assert f"'{tmp_path / 'khong-co.yaml'}' (kỳ trước): không tìm thấy tệp" in missing.stderr
