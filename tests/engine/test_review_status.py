"""Issue 10, points 1, 2 and the terminal part of 4: blank is not "Tốt", a bad cell never removes a member,
and one member reads on an 80-column screen. Every case goes through the CLI entry point."""

from __future__ import annotations

import csv
import json
import os
import pty
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tusoi_cli import load_rubric
from tusoi_cli.resources import bundled_dir

from ..conftest import ALL_ITEMS, full_answers, member_yaml

Invoke = Callable[..., Any]
EXAMPLES = bundled_dir().resolve() / "examples"  # the installed package's (as tusoi names them)
HEADER = ["STT", "Họ và tên", "Chức vụ", *ALL_ITEMS, "Trạng thái", "Tự xếp loại", "Kỷ luật"]
ZEROS = dict.fromkeys(ALL_ITEMS, 0)
BLANK: dict[str, Any] = {}


def row(number: int, name: str, answers: dict[str, Any], status: str = "", self_level: str = "",
        ky_luat: str = "") -> list[Any]:
    return [number, name, "", *[answers.get(i, "") for i in ALL_ITEMS], status, self_level, ky_luat]


# The cell as people fill it: blanks, statuses, a bad cell, a discipline form, official wording.
ROWS = [
    row(1, "Nguyễn Văn An", {**ZEROS, "CT5": 1}),  # 98 tốt
    row(2, "Trần Thị Bình", BLANK),  # answered nothing: not reviewed, not "Tốt"
    row(3, "Lê Văn Cường", BLANK, status="Miễn: nghỉ sinh hoạt"),  # exempt, with its reason
    row(4, "Phạm Minh Dũng", {**ZEROS, "CT1": 1}, status="Chưa kiểm điểm"),  # stated: not rated even with answers
    row(5, "Hoàng Văn Em", {f"CT{i}": 0 for i in range(1, 10)}),  # 37 items unanswered: tốt, provisional
    row(6, "Võ Thị Giang", {**ZEROS, "CT2": 7}),  # a bad cell: kept, CT2 invalid, provisional
    row(7, "Đặng Thu Hà", ZEROS, ky_luat="Khiển trách"),  # disciplined, the form kept: at most trung bình
    row(8, "Bùi Đăng Khoa", ZEROS, self_level="Hoàn thành tốt nhiệm vụ"),  # not a level of the default rubric
]
FIRST = 4  # title, blank, header: members start on row 4
ITEM_COL = {item: 4 + n for n, item in enumerate(ALL_ITEMS)}  # 1-based sheet column of each item


def write_sheet(path: Path, rows: list[list[Any]] = ROWS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for values in [["CHI BỘ KHU PHỐ 3"], [], HEADER, *rows]:
        ws.append(values)
    wb.save(path)
    return path


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    return write_sheet(tmp_path / "chibo.xlsx")


def test_statuses_blank_members_bad_cells_and_official_wording_in_batch_json(invoke: Invoke, sheet: Path,
                                                                              tmp_path: Path) -> None:
    out = tmp_path / "kq.json"
    result = invoke("batch", str(sheet), "-o", str(out))
    assert result.exit_code == 1  # the bad cell and the unknown self-level are problems; nobody is dropped
    data = json.loads(out.read_text(encoding="utf-8"))
    got = [(m["row"], m["ho_ten"], m["status"], m["status_label"], m["status_reason"], m["level"], m["complete"])
           for m in data["members"]]
    assert got == [
        (4, "Nguyễn Văn An", "reviewed", "đã kiểm điểm", None, "tot", True),
        (5, "Trần Thị Bình", "not_reviewed", "chưa kiểm điểm", "chưa trả lời mục nào", None, False),
        (6, "Lê Văn Cường", "exempt", "miễn kiểm điểm", "nghỉ sinh hoạt", None, False),
        (7, "Phạm Minh Dũng", "not_reviewed", "chưa kiểm điểm", None, None, True),
        (8, "Hoàng Văn Em", "reviewed", "đã kiểm điểm", None, "tot", False),
        (9, "Võ Thị Giang", "reviewed", "đã kiểm điểm", None, "tot", False),
        (10, "Đặng Thu Hà", "reviewed", "đã kiểm điểm", None, "trung_binh", True),
        (11, "Bùi Đăng Khoa", "reviewed", "đã kiểm điểm", None, "tot", True),
    ]
    members = {m["ho_ten"]: m for m in data["members"]}
    assert members["Trần Thị Bình"]["level_label"] is None and members["Trần Thị Bình"]["score_level"] is None
    assert members["Trần Thị Bình"]["next_level"] is None
    assert len(members["Hoàng Văn Em"]["unanswered"]) == 37
    giang = members["Võ Thị Giang"]
    assert giang["invalid"] == ["CT2"] and giang["score"] == 100
    assert next(i for i in giang["items"] if i["id"] == "CT2")["state"] == "invalid"
    ha = members["Đặng Thu Hà"]
    assert (ha["ky_luat"], ha["ky_luat_form"], [c["id"] for c in ha["caps"]]) == (True, "khien_trach", ["ky_luat"])
    assert members["Bùi Đăng Khoa"]["self_level"] is None
    # rows kept with problems are under errors with their row; failed_rows is for rows tied to nobody
    assert data["failed_rows"] == []
    assert [(e["line"], e["column"]) for e in data["errors"]] == [(9, ITEM_COL["CT2"]), (11, len(HEADER) - 1)]
    assert data["errors"][0]["message"].startswith("Võ Thị Giang — cột E (CT2): giá trị '7' không có trong thang")
    hint = data["errors"][1]["hint"]
    assert data["errors"][1]["message"].startswith("Bùi Đăng Khoa — cột")
    assert "'Hoàn thành tốt nhiệm vụ' là một mức của bộ tiêu chí mẫu xep-loai-hoan-thanh" in hint
    assert str(EXAMPLES / "xep-loai-hoan-thanh.yaml") in hint and "Tốt, Khá, Trung bình, Yếu kém" in hint
    assert data["counts"] == {"members": 8, "reviewed": 5, "exempt": 1, "not_reviewed": 2, "provisional": 2,
                              "with_unanswered": 1, "with_invalid": 1,
                              "levels": {"tot": 4, "kha": 0, "trung_binh": 1, "yeu_kem": 0}}


def test_terminal_summary_counts_unrated_and_provisional_members_apart(invoke: Invoke, sheet: Path) -> None:
    result = invoke("batch", str(sheet))
    out = result.stdout
    assert "8 đảng viên: 5 được xếp loại (2 tạm tính: 1 người còn mục chưa trả lời, 1 người có ô không hợp lệ), " \
           "1 miễn kiểm điểm, 2 chưa kiểm điểm" in " ".join(out.split())
    assert "dòng 5 Trần Thị Bình — chưa kiểm điểm (chưa trả lời mục nào)" in out
    assert "dòng 6 Lê Văn Cường — miễn kiểm điểm (nghỉ sinh hoạt)" in out
    # shares over the 5 rated members, in Vietnamese number style
    assert "80,0 %" in out and "20,0 %" in out
    assert "Võ Thị Giang — cột E (CT2)" in result.stderr


def test_csv_has_a_status_column_and_no_level_for_unrated_members(invoke: Invoke, sheet: Path, tmp_path: Path) -> None:
    out = tmp_path / "kq.csv"
    assert invoke("batch", str(sheet), "-o", str(out)).exit_code == 1
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["ho_ten"], r["status"], r["level"], r["complete"]) for r in rows] == [
        ("Nguyễn Văn An", "reviewed", "tot", "1"), ("Trần Thị Bình", "not_reviewed", "", "0"),
        ("Lê Văn Cường", "exempt", "", "0"), ("Phạm Minh Dũng", "not_reviewed", "", "1"),
        ("Hoàng Văn Em", "reviewed", "tot", "0"), ("Võ Thị Giang", "reviewed", "tot", "0"),
        ("Đặng Thu Hà", "reviewed", "trung_binh", "1"), ("Bùi Đăng Khoa", "reviewed", "tot", "1")]
    assert rows[2]["status_reason"] == "nghỉ sinh hoạt" and rows[6]["ky_luat_form"] == "khien_trach"
    assert rows[5]["CT2"] == "!"


def test_official_phrases_are_read_through_the_rubric_that_has_them(invoke: Invoke, sheet: Path,
                                                                     tmp_path: Path) -> None:
    out = tmp_path / "kq.json"
    result = invoke("batch", str(sheet), "-o", str(out), "--rubric", str(EXAMPLES / "xep-loai-hoan-thanh.yaml"))
    assert result.exit_code == 1  # only the bad cell is left
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [e["line"] for e in data["errors"]] == [9]
    khoa = next(m for m in data["members"] if m["ho_ten"] == "Bùi Đăng Khoa")
    assert (khoa["self_level"], khoa["level"]) == ("htt", "htxs")


def test_strict_lists_every_unanswered_item_of_a_sheet_row_and_keeps_the_member(invoke: Invoke, sheet: Path,
                                                                                 tmp_path: Path) -> None:
    out = tmp_path / "kq.json"
    result = invoke("batch", str(sheet), "--strict", "-o", str(out))
    assert result.exit_code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    unanswered = [e for e in data["errors"] if "chưa được trả lời" in e["message"]]
    # only Em (row 8) has unanswered items among reviewed members; unrated members are not asked for answers
    assert {e["line"] for e in unanswered} == {8}
    missing = [i for i in ALL_ITEMS if not i.startswith("CT")]
    assert [(e["column"], e["message"]) for e in unanswered] == [
        (ITEM_COL[i], f"Hoàng Văn Em — cột {openpyxl.utils.get_column_letter(ITEM_COL[i])} ({i}): mục {i} chưa "
                      "được trả lời") for i in missing]
    em = next(m for m in data["members"] if m["ho_ten"] == "Hoàng Văn Em")
    assert (em["level"], em["complete"]) == ("tot", False)


def test_an_untouched_sheet_template_rates_nobody(invoke: Invoke, tmp_path: Path) -> None:
    names = tmp_path / "ds.txt"
    names.write_text("Nguyễn Văn An\nTrần Thị Bình\n", encoding="utf-8")
    form = tmp_path / "mau.xlsx"
    assert invoke("template", "sheet", "--members", str(names), "-o", str(form)).exit_code == 0
    out = tmp_path / "kq.json"
    result = invoke("batch", str(form), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [(m["ho_ten"], m["status"], m["level"]) for m in data["members"]] == [
        ("Nguyễn Văn An", "not_reviewed", None), ("Trần Thị Bình", "not_reviewed", None)]
    assert "Chưa có đảng viên nào được xếp loại" in result.stdout and "Không ai tự nhận" not in result.stdout


def test_every_status_dropdown_entry_reads_back(invoke: Invoke, tmp_path: Path) -> None:
    from tusoi_cli.render.excel.sheet_template import STATUS_ENTRIES

    rows = [row(n, f"Đảng viên {n}", ZEROS, status=entry) for n, entry in enumerate(STATUS_ENTRIES, 1)]
    out = tmp_path / "kq.json"
    assert invoke("batch", str(write_sheet(tmp_path / "c.xlsx", rows)), "-o", str(out)).exit_code == 0
    got = [(m["status"], m["status_reason"]) for m in json.loads(out.read_text(encoding="utf-8"))["members"]]
    assert got == [("reviewed", None), ("exempt", "nghỉ sinh hoạt"), ("exempt", "đình chỉ sinh hoạt"),
                   ("exempt", "mới kết nạp dưới 6 tháng"), ("not_reviewed", None)]


def test_an_unreadable_status_is_a_problem_of_its_row(invoke: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "kq.json"
    sheet = write_sheet(tmp_path / "c.xlsx", [row(1, "Nguyễn Văn An", ZEROS, status="đi vắng lâu")])
    result = invoke("batch", str(sheet), "-o", str(out))
    assert result.exit_code == 1
    assert f"c.xlsx:4:{len(HEADER) - 2}: Nguyễn Văn An — cột {openpyxl.utils.get_column_letter(len(HEADER) - 2)} " \
           "(Trạng thái): trạng thái 'đi vắng lâu' không đọc được — ghi 'đã kiểm điểm'" in result.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["members"][0]["level"] == "tot"


# --------------------------------------------------------------------------- member files


def test_member_file_status_discipline_form_and_fail_below(invoke: Invoke, write: Callable[[str, str], Path]) -> None:
    exempt = write("mien.yaml", member_yaml(full_answers(), ho_ten="Lê Văn Cường",
                                            trang_thai='"miễn: đình chỉ sinh hoạt"'))
    warned = write("canh-cao.yaml", member_yaml(full_answers(CT1=1), ho_ten="Trần Thị Bình", ky_luat="cảnh cáo"))
    result = invoke("score", str(exempt), str(warned), "-f", "json", "--fail-below", "kha")
    assert result.exit_code == 3
    first, second = json.loads(result.stdout)
    assert (first["status"], first["status_reason"], first["level"], first["score_level"]) == (
        "exempt", "đình chỉ sinh hoạt", None, None)
    assert (second["ky_luat"], second["ky_luat_form"], second["level"]) == (True, "canh_cao", "trung_binh")
    md = invoke("score", str(warned), "-f", "md").stdout
    assert "- **Kỷ luật:** có (cảnh cáo) trong kỳ đánh giá" in md
    assert "--fail-below bỏ qua 1 đảng viên không được xếp loại (miễn hoặc chưa kiểm điểm)" in result.stderr
    assert "1 đảng viên xếp loại dưới mức Khá: Trần Thị Bình" in result.stderr  # the label, not the id `kha`


def test_a_member_file_with_no_answer_is_not_rated(invoke: Invoke, write: Callable[[str, str], Path]) -> None:
    path = write("trong.yaml", member_yaml({}, ho_ten="Trần Thị Bình"))
    result = invoke("score", str(path), "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["status"], data["status_reason"], data["level"]) == ("not_reviewed", "chưa trả lời mục nào", None)
    table = invoke("score", str(path)).stdout
    assert "không xếp loại — chưa kiểm điểm (chưa trả lời mục nào)" in table and "TỐT" not in table


def test_a_cap_can_say_khien_trach_or_above(invoke: Invoke, write: Callable[[str, str], Path]) -> None:
    rubric = write("bo.yaml", """
        id: ky-luat-tu-canh-cao
        include: [tusoi-mac-dinh]
        caps:
          - id: canh_cao_tro_len
            at_most: yeu_kem
            reason: Bị kỷ luật từ cảnh cáo trở lên
            field: ky_luat
            min_form: canh_cao
    """)
    levels = {}
    for form in ("có", "khiển trách", "cảnh cáo", "khai trừ"):
        path = write(f"{form}.yaml", member_yaml(full_answers(), ky_luat=form))
        result = invoke("score", str(path), "--rubric", str(rubric), "-f", "json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        levels[form] = (data["ky_luat_form"], data["level"])
    assert levels == {"có": (None, "tot"), "khiển trách": ("khien_trach", "tot"),
                      "cảnh cáo": ("canh_cao", "yeu_kem"), "khai trừ": ("khai_tru", "yeu_kem")}


def test_official_phrase_in_a_member_file_is_a_problem_with_the_example_rubric(
        invoke: Invoke, write: Callable[[str, str], Path]) -> None:
    path = write("a.yaml", member_yaml(full_answers(), tu_xep_loai="HTTNV"))
    result = invoke("score", str(path), "-f", "json")
    assert result.exit_code == 1
    assert "mức xếp loại 'HTTNV' không có trong bộ tiêu chí 'tusoi-mac-dinh' — 'HTTNV' là mức 'Hoàn thành tốt " \
           "nhiệm vụ' của bộ tiêu chí mẫu xep-loai-hoan-thanh" in result.stderr
    fine = invoke("score", str(path), "-f", "json", "--rubric", str(EXAMPLES / "xep-loai-hoan-thanh.yaml"))
    assert fine.exit_code == 0 and json.loads(fine.stdout)["self_level"] == "htt"


# --------------------------------------------------------------------------- compare


def test_compare_keeps_a_member_whose_new_row_has_a_bad_cell(invoke: Invoke, tmp_path: Path) -> None:
    old = write_sheet(tmp_path / "2025.xlsx", [row(1, "Nguyễn Văn An", {**ZEROS, "CT5": 1}),
                                               row(2, "Trần Thị Bình", ZEROS)])
    new = write_sheet(tmp_path / "2026.xlsx", [row(1, "Nguyễn Văn An", {**ZEROS, "CT5": 0}),
                                               row(2, "Trần Thị Bình", {**ZEROS, "CT2": 7})])
    result = invoke("compare", str(old), str(new), "-f", "json")
    assert result.exit_code == 1 and "Trần Thị Bình — cột E (CT2)" in result.stderr
    data = json.loads(result.stdout)
    assert [m["ho_ten"] for m in data["members"]] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert data["unmatched"] == [] and data["new"]["failed"] == []


# --------------------------------------------------------------------------- terminal and Markdown


def test_one_member_with_three_flagged_items_fits_50_lines_at_80_columns(
        invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    example = Path(__file__).resolve().parents[2] / "examples" / "02-nguyen-van-an.yaml"
    result = invoke("score", str(example))
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) <= 50, result.stdout
    assert max(len(line) for line in lines) <= 80
    rubric = load_rubric()
    for section in rubric.sections:  # each section on one line, under its short label
        assert any(f"{section.id} {section.short}" in line for line in lines), section.id
    assert "(3)" in result.stdout and "hạn 31/12/2026" in " ".join(result.stdout.split())


def test_vietnamese_number_style_and_provisional_level_in_terminal_and_markdown(
        invoke: Invoke, write: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    member = EXAMPLES / "members" / "khung-366--1-xuat-sac.yaml"  # 93.25 points
    table = invoke("score", str(member)).stdout
    assert "93,3" in table and "93.3" not in table
    md = invoke("score", str(member), "-f", "md").stdout
    assert "**Điểm:** 93,3" in md
    partial = write("p.yaml", member_yaml({"CT1": 0, "CT2": 1}))
    table = " ".join(invoke("score", str(partial)).stdout.split())
    assert "tạm tính — còn 44 mục chưa trả lời" in table
    md = invoke("score", str(partial), "-f", "md").stdout
    assert "**Xếp loại đề xuất:** **Tốt** (tạm tính — còn 44 mục chưa trả lời)" in md


def _stderr_on_a_terminal(args: list[str], columns: int, cwd: Path) -> str:
    """Run tusoi with its stderr on a pseudo-terminal ``columns`` wide; the text it shows, colours removed."""
    import re

    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run([sys.executable, "-m", "tusoi_cli", *args], stdout=subprocess.DEVNULL, stderr=slave,
                          env=env, timeout=60, check=False, cwd=cwd)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert done.returncode == 1
    text = b"".join(chunks).decode("utf-8")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_error_lines_wrap_at_word_boundaries_with_the_location_on_the_first_line(
        write: Callable[[str, str], Path], tmp_path: Path) -> None:
    sheet = write_sheet(tmp_path / "c.xlsx", [row(1, "Nguyễn Văn An", {**ZEROS, "CT2": 7})])
    message = "giá trị '7' không có trong thang 'Mức độ biểu hiện' — dùng 0 (Không có), 1 (Có biểu hiện (mức 1))"
    for name in ("c.xlsx", str(sheet)):  # a short location, and one too long to share its line
        shown = _stderr_on_a_terminal(["batch", name], 80, tmp_path)
        lines = [line for line in shown.splitlines() if line.strip() and "Đang chấm" not in line]
        location = f"{name}:4:{ITEM_COL['CT2']}:"
        assert lines[0].startswith(location)  # the location whole, on the first line
        joined = " ".join(line.strip() for line in lines)
        assert joined.startswith(f"{location} Nguyễn Văn An — cột E (CT2): {message}")  # no word cut
        # every line fits, except a first line holding nothing but a location longer than the screen
        assert len(lines) > 1 and all(len(line) <= 80 or line == location for line in lines)
        assert all(line.startswith("    ") for line in lines[1:])
        assert (lines[0] == location) == (len(location) + len(" Nguyễn") > 80)


def test_strict_asks_only_reviewed_members_for_every_answer(invoke: Invoke,
                                                             write: Callable[[str, str], Path]) -> None:
    empty = write("trong.yaml", member_yaml({}, ho_ten="Trần Thị Bình"))
    exempt = write("mien.yaml", member_yaml({"CT1": 0}, ho_ten="Lê Văn Cường", trang_thai="miễn"))
    partial = write("mot-phan.yaml", member_yaml({"CT1": 0}, ho_ten="Hoàng Văn Em"))
    result = invoke("score", str(empty), str(exempt), str(partial), "--strict", "-f", "json")
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if "chưa được trả lời" in line]
    assert len(problems) == 45 and all("mot-phan.yaml" in line for line in problems)
    statuses = [(d["ho_ten"], d["status"], d["level"], d["complete"]) for d in json.loads(result.stdout)]
    assert statuses == [("Trần Thị Bình", "not_reviewed", None, False), ("Lê Văn Cường", "exempt", None, False),
                        ("Hoàng Văn Em", "reviewed", "tot", False)]


def _cell_of_25() -> list[list[Any]]:
    """ROWS plus 17 members filled as people fill them (labels, 'x', 'na', a few shortcomings)."""
    more = []
    for n in range(9, 26):
        answers: dict[str, Any] = {**ZEROS, f"CT{n % 9 + 1}": n % 3, "D4": "x" if n % 7 == 0 else "không"}
        if n % 5 == 0:
            answers["DL6"] = "Có biểu hiện"
        if n % 6 == 0:
            answers["D18"] = "KAD"
        more.append(row(n, f"Đảng viên số {n}", answers, self_level=["Tốt", "Khá", "kha", "TB"][n % 4]))
    return [*ROWS, *more]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_same_members_statuses_and_levels_after_libreoffice_resaves_the_sheet(invoke: Invoke,
                                                                                    tmp_path: Path) -> None:
    source = write_sheet(tmp_path / "goc.xlsx", _cell_of_25())
    outdir = tmp_path / "lo"
    results = {}
    for ext, target in (("xlsx", "xlsx:Calc MS Excel 2007 XML"), ("ods", "ods"), ("xls", "xls:MS Excel 97")):
        command = ["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
                   "--convert-to", target, "--outdir", str(outdir / ext), str(source)]
        subprocess.run(command, check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
        out = tmp_path / f"kq-{ext}.json"
        assert invoke("batch", str(outdir / ext / f"goc.{ext}"), "-o", str(out)).exit_code == 1
        data = json.loads(out.read_text(encoding="utf-8"))
        results[ext] = ([(m["row"], m["ho_ten"], m["status"], m["status_reason"], m["level"], m["complete"],
                          m["invalid"], m["ky_luat_form"]) for m in data["members"]],
                        data["failed_rows"], [(e["line"], e["column"]) for e in data["errors"]])
    out = tmp_path / "kq-goc.json"
    assert invoke("batch", str(source), "-o", str(out)).exit_code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    members = results["xlsx"][0]
    assert len(members) == 25 and results["xlsx"][1] == []  # nobody disappears
    assert [m[2] for m in members].count("reviewed") == 22
    assert results["xlsx"] == results["ods"] == results["xls"]
    assert [(m["row"], m["level"]) for m in data["members"]] == [(m[0], m[4]) for m in members]


def test_the_excel_report_shows_statuses_and_counts_only_rated_members(invoke: Invoke, sheet: Path,
                                                                       tmp_path: Path) -> None:
    report = tmp_path / "ketqua.xlsx"
    assert invoke("batch", str(sheet), "-o", str(report)).exit_code == 1
    wb = openpyxl.load_workbook(report)
    ws = wb["Kết quả"]
    header = [c.value for c in ws[2]]
    col = {name: header.index(name) for name in ("Họ và tên", "Trạng thái", "Điểm", "Xếp loại đề xuất", "Ghi chú")}
    rows = {r[col["Họ và tên"]]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == 8  # nobody dropped
    view = {name: (r[col["Trạng thái"]], r[col["Điểm"]], r[col["Xếp loại đề xuất"]]) for name, r in rows.items()}
    assert view["Trần Thị Bình"] == ("chưa kiểm điểm (chưa trả lời mục nào)", None, None)  # no "100", no "Tốt"
    assert rows["Trần Thị Bình"][col["Ghi chú"]] is None  # not rated, so nothing is provisional either
    assert rows["Lê Văn Cường"][col["Ghi chú"]] is None
    assert view["Lê Văn Cường"] == ("miễn kiểm điểm (nghỉ sinh hoạt)", None, None)
    assert view["Phạm Minh Dũng"] == ("chưa kiểm điểm", None, None)
    assert view["Nguyễn Văn An"] == (None, 98, "Tốt")
    assert view["Đặng Thu Hà"] == (None, 100, "Trung bình")  # khiển trách: at most trung bình
    assert rows["Hoàng Văn Em"][col["Ghi chú"]].startswith("tạm tính — còn 37 mục chưa trả lời")
    assert rows["Võ Thị Giang"][col["Ghi chú"]] == "tạm tính — 1 mục không hợp lệ (CT2)"
    facts = {r[1]: r[2] for r in wb["Tổng hợp"].iter_rows(min_row=3, max_row=10, values_only=True)}
    assert facts == {"Số đảng viên trong danh sách": 8, "Đã kiểm điểm, được xếp loại": 5,
                     "Trong đó xếp loại tạm tính (còn mục chưa trả lời)": 1,
                     "Trong đó xếp loại tạm tính (có câu trả lời không hợp lệ)": 1,
                     "Miễn kiểm điểm (không xếp loại)": 1, "Chưa kiểm điểm (không xếp loại)": 2,
                     "Số dòng không gắn được với đảng viên nào (xem trang Lỗi)": 0, "Số dòng trống đã bỏ qua": 0}
    levels = {r[1]: (r[2], r[3]) for r in wb["Tổng hợp"].iter_rows(min_row=14, max_row=18, values_only=True)}
    # An, Em, Giang, Khoa Tốt; Hà Trung bình: shares over the 5 rated members
    assert levels == {"Tốt": (4, 0.8), "Khá": (0, 0), "Trung bình": (1, 0.2), "Yếu kém": (0, 0), "Cộng": (5, 1)}
    detail = wb["Chi tiết"]
    giang = next(r for r in detail.iter_rows(values_only=True) if "Võ Thị Giang" in r)
    assert "!" in giang  # the invalid CT2, marked apart from blank, unanswered and not applicable
    errors = [r for r in wb["Lỗi"].iter_rows(min_row=3, values_only=True)]
    assert [(r[0], r[2].split(" — ")[0]) for r in errors] == [(9, "Võ Thị Giang"), (11, "Bùi Đăng Khoa")]
