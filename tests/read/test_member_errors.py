"""Errors in member files, through the CLI and through ``read_member``: every problem, located, with a fix."""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tusoi_cli.errors import InputError, Problem, UsageError
from tusoi_cli.read.member_reader import STDIN_NAME, read_member
from tusoi_cli.resources import bundled_dir

from ..conftest import ALL_ITEMS, full_answers, member_yaml

Invoke = Callable[..., Any]
Write = Callable[[str, str], Path]

MUC_DO_HINT = ("dùng 0 (Không có), 1 (Có biểu hiện (mức 1)), 2 (Biểu hiện rõ, lặp lại (mức 2)), "
               "3 (Nghiêm trọng (mức 3)), hoặc 'na' nếu mục không áp dụng")
LEVEL_HINT = "ghi một trong: Tốt, Khá, Trung bình, Yếu kém"
EXAMPLES = bundled_dir().resolve() / "examples"  # the installed package's (as tusoi names them)


def err_lines(result: Any) -> list[str]:
    """The problem lines of stderr; the in-force warning (QĐ 37 replaced in 2026) is tested in test_in_force."""
    return [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("Cảnh báo: ")]


def assert_clean_failure(result: Any) -> None:
    """No traceback and no 'unexpected error' anywhere."""
    for text in (result.stdout, result.stderr):
        assert "Traceback" not in text
        assert "lỗi không mong đợi" not in text


def read_text_member(text: str | bytes, **kwargs: Any) -> Any:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return read_member(None, stdin_bytes=raw, **kwargs)


# --------------------------------------------------------------------------- many problems at once

MANY_PROBLEMS = """\
ky_danh_gia: "2026"
dang_vien:
  ho_ten: Nguyễn Văn Thử
  chi_bo: Chi bộ Thử nghiệm
tu_xep_loai: xuat_sac
ky_luatt: false
danh_gia:
  CT1: 0
  CT1: 1
  CT10: 1
  DL2: 7
  DL3:
    muc_do: 1
    han_khac_phuc: 31/02/2026
"""


def many_problem_lines(name: str) -> list[str]:
    return [
        f"{name}:9:3: trường 'CT1' bị lặp lại (đã có ở dòng 8) — xóa một trong hai dòng hoặc gộp nội dung lại",
        f"{name}:6:1: trường 'ky_luatt' không được hỗ trợ — có phải ý bạn là 'ky_luat'?",
        f"{name}:10:3: không có mục 'CT10' trong bộ tiêu chí 'tusoi-mac-dinh' — có phải ý bạn là 'CT1'?",
        f"{name}:11:8: giá trị '7' không có trong thang 'Mức độ biểu hiện' — {MUC_DO_HINT}",
        f"{name}:14:20: hạn khắc phục '31/02/2026' không phải là ngày hợp lệ — viết dạng 2026-06-30 hoặc 30/06/2026",
        f"{name}:5:14: mức xếp loại 'xuat_sac' không có trong bộ tiêu chí 'tusoi-mac-dinh' — 'xuat_sac' là mức "
        "'Hoàn thành xuất sắc nhiệm vụ' của bộ tiêu chí mẫu xep-loai-hoan-thanh: chấm bằng --rubric "
        f"{EXAMPLES / 'xep-loai-hoan-thanh.yaml'}, hoặc {LEVEL_HINT}",
    ]


def test_cli_reports_every_problem_one_line_each(invoke: Invoke, write: Write) -> None:
    path = write("nhieu_loi.yaml", MANY_PROBLEMS)
    result = invoke("score", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert sorted(err_lines(result)) == sorted(many_problem_lines(str(path)))
    assert_clean_failure(result)


def test_cli_json_format_still_prints_nothing_for_a_fatal_file(invoke: Invoke, write: Write) -> None:
    path = write("nhieu_loi.yaml", MANY_PROBLEMS)
    result = invoke("score", str(path), "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(err_lines(result)) == 6


def test_read_member_raises_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "nhieu_loi.yaml"
    path.write_text(MANY_PROBLEMS, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_member(path)
    assert sorted(str(p) for p in info.value.problems) == sorted(many_problem_lines(str(path)))
    assert all(p.file == str(path) for p in info.value.problems)


def test_valid_and_invalid_files_together(invoke: Invoke, write: Write) -> None:
    """A fatal file does not stop the others: valid ones are still scored, exit 1."""
    bad = write("bad.yaml", MANY_PROBLEMS)
    good = write("good.yaml", member_yaml(full_answers(CT5=1)))
    result = invoke("score", str(bad), str(good), "-f", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["source"] == str(good)
    assert payload["score"] == 98
    assert len(err_lines(result)) == 6
    assert all(line.startswith(f"{bad}:") for line in err_lines(result))


@pytest.mark.parametrize(("deadline", "expected"), [
    ("2026-06-30", date(2026, 6, 30)),
    ("30/06/2026", date(2026, 6, 30)),
    ("1.7.2026", date(2026, 7, 1)),
])
def test_valid_deadlines(deadline: str, expected: date) -> None:
    text = member_yaml().replace("danh_gia: {}", f"danh_gia:\n  CT5:\n    muc_do: 1\n    han_khac_phuc: {deadline}")
    read = read_text_member(text)
    assert read.problems == []
    assert read.evaluation.answers["CT5"].han_khac_phuc == expected


@pytest.mark.parametrize("deadline", ["31/02/2026", "2026-13-01", "sang năm", "30/06/26"])
def test_bad_deadlines_are_located(deadline: str) -> None:
    text = member_yaml().replace("danh_gia: {}", f"danh_gia:\n  CT5:\n    muc_do: 1\n    han_khac_phuc: {deadline}")
    read = read_text_member(text)
    assert read.problems == [Problem(STDIN_NAME, f"hạn khắc phục '{deadline}' không phải là ngày hợp lệ", 8, 20,
                                     "viết dạng 2026-06-30 hoặc 30/06/2026")]
    assert read.evaluation.answers["CT5"].state == "answered"
    assert read.evaluation.answers["CT5"].han_khac_phuc is None


# --------------------------------------------------------------------------- item-level problems only

# member_yaml: line 5 is `danh_gia:`, items follow in ALL_ITEMS order, so DL2 is on line 16.
DL2_LINE = 6 + ALL_ITEMS.index("DL2")


def test_item_level_problem_still_scores_json(invoke: Invoke, write: Write) -> None:
    path = write("m.yaml", member_yaml(full_answers(DL2=7, CT5=1)))
    result = invoke("score", str(path), "-f", "json")
    assert result.exit_code == 1
    assert err_lines(result) == [f"{path}:{DL2_LINE}:8: giá trị '7' không có trong thang 'Mức độ biểu hiện' — "
                                 f"{MUC_DO_HINT}"]
    payload = json.loads(result.stdout)
    assert payload["complete"] is False
    assert payload["invalid"] == ["DL2"]
    assert payload["unanswered"] == []
    assert payload["score"] == 98
    dl2 = next(item for item in payload["items"] if item["id"] == "DL2")
    assert dl2["state"] == "invalid"
    assert dl2["value"] is None
    assert dl2["points"] == 0
    assert payload["problems"] == [{
        "file": str(path), "line": DL2_LINE, "column": 8,
        "message": "giá trị '7' không có trong thang 'Mức độ biểu hiện'", "hint": MUC_DO_HINT,
    }]
    assert_clean_failure(result)


def test_item_level_problem_still_scores_table(invoke: Invoke, write: Write) -> None:
    path = write("m.yaml", member_yaml(full_answers(DL2="rất nhiều"), ho_ten="Lê Thị Bảng"))
    result = invoke("score", str(path))
    assert result.exit_code == 1
    assert "Lê Thị Bảng" in result.stdout
    assert "tạm tính" in result.stdout
    assert len(err_lines(result)) == 1
    assert "giá trị 'rất nhiều' không có trong thang" in result.stderr


def test_item_level_problems_through_read_member() -> None:
    read = read_text_member(member_yaml({"CT1": 0, "DL2": 7, "D4": 2, "CT3": [1, 2]}))
    answers = read.evaluation.answers
    assert answers["CT1"].state == "answered"
    assert answers["DL2"].state == "invalid"
    assert answers["D4"].state == "invalid"
    assert [(p.line, p.column) for p in read.problems] == [(7, 8), (8, 7), (9, 8)]
    assert read.problems[1].message == "giá trị '2' không có trong thang 'Vi phạm'"
    assert read.problems[1].hint == "dùng 0 (Không vi phạm), 1 (Có vi phạm), hoặc 'na' nếu mục không áp dụng"
    assert read.problems[2].message == "giá trị phải là một số hoặc một nhãn, không phải danh sách"


# --------------------------------------------------------------------------- unreadable files


@pytest.mark.parametrize(("content", "expected"), [
    pytest.param(b"", ":1:1: tệp rỗng — tạo tệp mẫu bằng `tusoi template member` rồi điền vào", id="empty"),
    pytest.param(b"# chi co ghi chu\n\n", ":1:1: tệp rỗng — tạo tệp mẫu bằng `tusoi template member` rồi điền vào",
                 id="comments-only"),
    pytest.param(b"- CT1: 0\n- CT2: 1\n", ":1:1: tệp tự đánh giá phải là một bảng các dòng `khóa: giá trị` — "
                 "xem mẫu bằng `tusoi template member`", id="list"),
    pytest.param(b"Nguyen Van A\n", ":1:1: tệp tự đánh giá phải là một bảng các dòng `khóa: giá trị` — "
                 "xem mẫu bằng `tusoi template member`", id="scalar"),
    pytest.param(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
                 ": tệp nhị phân, không phải văn bản YAML — có thể đây là tệp Excel hay Word; "
                 "hãy dùng tệp .yaml lưu dạng văn bản UTF-8", id="binary"),
    pytest.param(b'ky_danh_gia: "2026"\ndang_vien:\n  ho_ten: Nguy\xean V\xe3n Th\xfa\n',
                 ":3:15: tệp không phải mã UTF-8 — mở tệp bằng trình soạn thảo và lưu lại với mã hóa UTF-8",
                 id="latin-1"),
    pytest.param(b'ky_danh_gia: "2026"\ndang_vien:\n  chi_bo: Chi bo A\ndanh_gia: {}\n',
                 ":3:3: thiếu trường bắt buộc 'ho_ten' — thêm dòng `ho_ten: ...`", id="no-ho_ten"),
    pytest.param(b'ky_danh_gia: "2026"\ndanh_gia: {}\n',
                 ":1:1: thiếu trường bắt buộc 'dang_vien' — thêm dòng `dang_vien: ...`", id="no-dang_vien"),
    pytest.param(b'dang_vien:\n  ho_ten: ""\n', ":2:11: 'ho_ten' không được để trống", id="blank-ho_ten"),
    pytest.param(b"dang_vien:\n\tho_ten: A\n", ":2:1: lỗi cú pháp YAML: dùng phím Tab để thụt lề — "
                 "YAML chỉ cho phép thụt lề bằng dấu cách; thay Tab bằng dấu cách", id="tab"),
    pytest.param(b"dang_vien: &x\n  ho_ten: A\n", ":1:12: không hỗ trợ neo/bí danh YAML (&, *) — "
                 "viết thẳng giá trị ra thay vì dùng & và *", id="anchor"),
])
def test_unreadable_file_gives_one_clear_error(invoke: Invoke, tmp_path: Path, content: bytes,
                                               expected: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(content)
    result = invoke("score", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert err_lines(result) == [f"{path}{expected}"]
    assert_clean_failure(result)


def test_missing_ho_ten_through_read_member(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("dang_vien:\n  chi_bo: Chi bộ A\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_member(path)
    assert info.value.problems == [Problem(str(path), "thiếu trường bắt buộc 'ho_ten'", 2, 3,
                                           "thêm dòng `ho_ten: ...`")]


def test_file_rubric_unknown_is_a_located_file_problem(invoke: Invoke, write: Write) -> None:
    path = write("m.yaml", "bo_tieu_chi: khongco\n" + member_yaml())
    result = invoke("score", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert err_lines(result) == [f"{path}:1:14: không có bộ tiêu chí 'khongco' — "
                                 "xem danh sách bằng `tusoi rubric list`"]


def test_file_rubric_without_levels_is_a_file_problem(invoke: Invoke, write: Write) -> None:
    bad = write("nq.yaml", "bo_tieu_chi: nq04\n" + member_yaml())
    good = write("good.yaml", member_yaml(full_answers()))
    result = invoke("score", str(bad), str(good), "-f", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["source"] == str(good)
    assert len(err_lines(result)) == 1
    assert err_lines(result)[0].startswith(f"{bad}:1:14: ")


@pytest.mark.parametrize("value", ["CT1", "\n  - CT1"])
def test_danh_gia_not_a_mapping_is_reported_once(invoke: Invoke, write: Write, value: str) -> None:
    path = write("m.yaml", f"dang_vien:\n  ho_ten: A\ndanh_gia: {value}\n")
    result = invoke("score", str(path))
    assert result.exit_code == 1
    position = "3:11" if value == "CT1" else "4:3"
    assert err_lines(result) == [f"{path}:{position}: 'danh_gia' phải là một bảng `mã mục: giá trị` — "
                                 "ví dụ `CT5: 1` trên mỗi dòng"]


# --------------------------------------------------------------------------- usage errors (exit 2)


def test_missing_input_file_is_a_usage_error(invoke: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "khongco.yaml"
    result = invoke("score", str(missing))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert err_lines(result) == [f"lỗi: không tìm thấy tệp '{missing}'"]
    assert_clean_failure(result)


def test_missing_file_among_valid_ones_stops_before_reading(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    good = write("good.yaml", member_yaml(full_answers()))
    result = invoke("score", str(good), str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert err_lines(result) == [f"lỗi: không tìm thấy tệp '{tmp_path / 'a.yaml'}', '{tmp_path / 'b.yaml'}'"]


@pytest.mark.parametrize(("rubric", "hint"), [
    ("khongco", "xem danh sách bằng `tusoi rubric list`"),
    ("tusoi-mac-dnh", "có phải ý bạn là 'tusoi-mac-dinh'?"),
])
def test_unknown_rubric_option_is_a_usage_error(invoke: Invoke, write: Write, rubric: str, hint: str) -> None:
    path = write("m.yaml", member_yaml(full_answers()))
    result = invoke("score", str(path), "--rubric", rubric)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert err_lines(result) == [f"lỗi: không có bộ tiêu chí '{rubric}' — {hint}"]


def test_missing_rubric_file_option_is_a_usage_error(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    path = write("m.yaml", member_yaml(full_answers()))
    result = invoke("score", str(path), "-r", str(tmp_path / "khongco.yaml"))
    assert result.exit_code == 2
    assert err_lines(result) == [f"lỗi: không tìm thấy tệp bộ tiêu chí '{tmp_path / 'khongco.yaml'}'"]


def test_read_member_unknown_rubric_argument_raises_usage_error() -> None:
    with pytest.raises(UsageError, match="không có bộ tiêu chí 'khongco'"):
        read_text_member(member_yaml(), rubric="khongco")


def test_output_onto_existing_file_without_force(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    path = write("m.yaml", member_yaml(full_answers()))
    out = tmp_path / "ketqua.json"
    out.write_bytes(b"noi dung cu\n")
    result = invoke("score", str(path), "-f", "json", "-o", str(out))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert err_lines(result) == [f"lỗi: tệp '{out}' đã có — thêm --force để ghi đè, hoặc chọn tên khác"]
    assert out.read_bytes() == b"noi dung cu\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ketqua.json", "m.yaml"]


def test_output_onto_existing_file_with_force_replaces_it(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    path = write("m.yaml", member_yaml(full_answers(CT5=1), ho_ten="Trần Thị Ghi"))
    out = tmp_path / "ketqua.json"
    out.write_bytes(b"noi dung cu\n")
    result = invoke("score", str(path), "-f", "json", "-o", str(out), "--force")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert err_lines(result) == []
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["ho_ten"] == "Trần Thị Ghi"
    assert payload["score"] == 98
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ketqua.json", "m.yaml"]


def test_output_to_new_file(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    path = write("m.yaml", member_yaml(full_answers()))
    out = tmp_path / "moi.json"
    result = invoke("score", str(path), "-f", "json", "-o", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["level"] == "tot"


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("spelling", ["same", "dotdot"])
def test_output_equal_to_input_is_refused(invoke: Invoke, write: Write, tmp_path: Path, force: bool,
                                          spelling: str) -> None:
    path = write("m.yaml", member_yaml(full_answers()))
    (tmp_path / "sub").mkdir()
    before = path.read_bytes()
    target = str(path) if spelling == "same" else f"{tmp_path}/sub/../m.yaml"
    args = ["score", str(path), "-o", target] + (["--force"] if force else [])
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert err_lines(result) == [f"lỗi: tệp kết quả '{target}' trùng với tệp đầu vào — chọn tên khác cho -o"]
    assert path.read_bytes() == before


def test_stdin_twice_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("score", "-", "-", input=member_yaml().encode())
    assert result.exit_code == 2
    assert err_lines(result) == ["lỗi: chỉ được đọc đầu vào chuẩn ('-') một lần"]


# --------------------------------------------------------------------------- --strict


def test_strict_reports_every_unanswered_item(invoke: Invoke, write: Write) -> None:
    path = write("m.yaml", member_yaml({"CT1": 0, "D4": "na"}))
    result = invoke("score", str(path), "--strict", "-f", "json")
    assert result.exit_code == 1
    expected = [f"{path}:5:1: mục '{iid}' chưa được trả lời — thêm `{iid}: 0` nếu không có, "
                f"hoặc `{iid}: na` nếu không áp dụng" for iid in ALL_ITEMS if iid not in {"CT1", "D4"}]
    assert err_lines(result) == expected
    assert len(expected) == 44
    payload = json.loads(result.stdout)
    assert payload["not_applicable"] == ["D4"]
    assert len(payload["unanswered"]) == 44


def test_without_strict_unanswered_is_not_an_error(invoke: Invoke, write: Write) -> None:
    path = write("m.yaml", member_yaml({"CT1": 0}))
    result = invoke("score", str(path), "-f", "json")
    assert result.exit_code == 0
    assert err_lines(result) == []
    assert len(json.loads(result.stdout)["unanswered"]) == 45


def test_strict_with_everything_answered_passes(invoke: Invoke, write: Write) -> None:
    path = write("m.yaml", member_yaml(full_answers(CT1="na", D19="không áp dụng")))
    result = invoke("score", str(path), "--strict")
    assert result.exit_code == 0
    assert err_lines(result) == []


def test_strict_through_read_member() -> None:
    answers = {iid: value for iid, value in full_answers().items() if iid != "DB9"}
    read = read_text_member(member_yaml(answers), strict=True)
    assert read.problems == [Problem(STDIN_NAME, "mục 'DB9' chưa được trả lời", 5, 1,
                                     "thêm `DB9: 0` nếu không có, hoặc `DB9: na` nếu không áp dụng")]


# --------------------------------------------------------------------------- labels and aliases

NFD_KHONG = unicodedata.normalize("NFD", "Không")


@pytest.mark.parametrize(("item", "raw", "state", "value"), [
    ("CT1", "Không", "answered", 0),
    ("CT1", "khong", "answered", 0),
    ("CT1", "KHÔNG", "answered", 0),
    ("CT1", NFD_KHONG, "answered", 0),
    ("CT1", "Không có", "answered", 0),
    ("CT1", "0", "answered", 0),
    ("CT1", "Có biểu hiện", "answered", 1),
    ("CT1", "co bieu hien", "answered", 1),
    ("CT1", "mức 2", "answered", 2),
    ("CT1", "MUC 2", "answered", 2),
    ("CT1", "2.0", "answered", 2),
    ("CT1", "Nghiêm trọng (mức 3)", "answered", 3),
    ("CT1", "na", "na", None),
    ("CT1", "NA", "na", None),
    ("CT1", "KAD", "na", None),
    ("CT1", "Không áp dụng", "na", None),
    ("CT1", "khong ap dung", "na", None),
    ("D4", "x", "answered", 1),
    ("D4", "X", "answered", 1),
    ("D4", "có", "answered", 1),
    ("D4", "CÓ", "answered", 1),
    ("D4", "Có vi phạm", "answered", 1),
    ("D4", "không", "answered", 0),
    ("D4", "Không vi phạm", "answered", 0),
    ("D4", "na", "na", None),
])
def test_values_accept_labels_and_aliases(item: str, raw: str, state: str, value: float | None) -> None:
    read = read_text_member(member_yaml({item: raw}))
    assert read.problems == []
    answer = read.evaluation.answers[item]
    assert (answer.state, answer.value) == (state, value)


@pytest.mark.parametrize("raw", ["Trung bình", "trung binh", "TB", "tb", "trung_binh", "TRUNG BÌNH",
                                 unicodedata.normalize("NFD", "Trung bình")])
def test_self_level_accepts_labels_and_aliases(raw: str) -> None:
    read = read_text_member(member_yaml(full_answers(), tu_xep_loai=raw))
    assert read.problems == []
    assert read.evaluation.tu_xep_loai == "trung_binh"


@pytest.mark.parametrize(("raw", "expected"), [
    ("có", True), ("Có", True), ("CÓ", True), ("x", True), ("true", True),
    ("không", False), ("Không", False), ("false", False),
])
def test_ky_luat_accepts_vietnamese_words(raw: str, expected: bool) -> None:
    read = read_text_member(member_yaml(full_answers(), ky_luat=raw))
    assert read.problems == []
    assert read.evaluation.ky_luat is expected


def test_ky_luat_bad_word_is_located() -> None:
    with pytest.raises(InputError) as info:
        read_text_member(member_yaml(full_answers(), ky_luat="hình như"))
    assert info.value.problems == [Problem(STDIN_NAME, "'ky_luat' phải là có hoặc không", 5, 10,
                                           "viết true/false hoặc có/không")]


def test_labels_through_the_cli(invoke: Invoke, tmp_path: Path) -> None:
    answers = full_answers(CT1="Không", CT2="khong", CT3="KHÔNG", CT4="Có biểu hiện", CT5="mức 2",
                           CT6="na", CT7="KAD", CT8="Không áp dụng", CT9=NFD_KHONG,
                           D1="x", D2="X", D3="có")
    path = tmp_path / "nhan.yaml"
    path.write_bytes(member_yaml(answers, tu_xep_loai="Trung bình", ky_luat="có").encode("utf-8"))
    result = invoke("score", str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert err_lines(result) == []
    payload = json.loads(result.stdout)
    items = {item["id"]: (item["state"], item["value"]) for item in payload["items"]}
    assert items["CT1"] == items["CT2"] == items["CT3"] == items["CT9"] == ("answered", 0)
    assert items["CT4"] == ("answered", 1)
    assert items["CT5"] == ("answered", 2)
    assert items["CT6"] == items["CT7"] == items["CT8"] == ("na", None)
    assert items["D1"] == items["D2"] == items["D3"] == ("answered", 1)
    assert payload["not_applicable"] == ["CT6", "CT7", "CT8"]
    assert payload["self_level"] == "trung_binh"
    assert payload["ky_luat"] is True
    assert payload["score"] == 100 - 1 * 2 - 2 * 2 - 3 * 15
    assert payload["level"] == "yeu_kem"
    assert "ky_luat" in [cap["id"] for cap in payload["caps"]]
    assert payload["complete"] is True


def test_plain_nulls_in_member_file_are_blank(invoke: Invoke, write: Write) -> None:
    path = write("m.yaml", """\
        ky_danh_gia: "2026"
        dang_vien:
          ho_ten: Nguyễn Văn Thử
          ma_dang_vien: ~
        tu_xep_loai: null
        danh_gia:
        """)
    result = invoke("score", str(path), "-f", "json")
    assert err_lines(result) == []
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["ma_dang_vien"] is None
    assert payload["self_level"] is None


def test_tilde_answer_is_unanswered() -> None:
    read = read_text_member(member_yaml({"CT1": "~", "CT2": "null", "CT3": ""}))
    assert read.problems == []
    assert {iid: a.state for iid, a in read.evaluation.answers.items()} == {
        "CT1": "unanswered", "CT2": "unanswered", "CT3": "unanswered"}


# --------------------------------------------------------------------------- stdin and untouched inputs


def test_stdin_is_scored(invoke: Invoke) -> None:
    text = member_yaml(full_answers(DL6=1), ho_ten="Phạm Thị Vào")
    result = invoke("score", "-", "-f", "json", input=text.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["source"] == "<stdin>"
    assert payload["ho_ten"] == "Phạm Thị Vào"
    assert payload["score"] == 98


def test_stdin_problems_name_stdin(invoke: Invoke) -> None:
    result = invoke("score", "-", input=member_yaml(full_answers(DL2=7)).encode("utf-8"))
    assert result.exit_code == 1
    assert err_lines(result) == [f"<stdin>:{DL2_LINE}:8: giá trị '7' không có trong thang 'Mức độ biểu hiện' — "
                                 f"{MUC_DO_HINT}"]


def test_stdin_with_bom_and_crlf(invoke: Invoke) -> None:
    text = member_yaml(full_answers()).replace("\n", "\r\n")
    result = invoke("score", "-", "-f", "json", input=b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "tot"


def test_empty_stdin_is_an_empty_file(invoke: Invoke) -> None:
    result = invoke("score", "-", input=b"")
    assert result.exit_code == 1
    assert err_lines(result) == ["<stdin>:1:1: tệp rỗng — tạo tệp mẫu bằng `tusoi template member` rồi điền vào"]


@pytest.mark.parametrize("args", [
    [],
    ["-f", "json"],
    ["-f", "yaml"],
    ["-f", "md"],
    ["--strict"],
    ["--fail-below", "tot"],
    ["-o", "OUT"],
])
@pytest.mark.parametrize("answers", [
    pytest.param(full_answers(CT5="mức 1", D4="x"), id="valid"),
    pytest.param(full_answers(DL2=7), id="invalid-item"),
])
def test_input_file_is_never_modified(invoke: Invoke, tmp_path: Path, args: list[str],
                                      answers: dict[str, object]) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(member_yaml(answers).encode("utf-8"))
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    out = tmp_path / "ketqua.txt"
    result = invoke("score", str(path), *[str(out) if a == "OUT" else a for a in args])
    assert result.exit_code in (0, 1, 3)
    assert_clean_failure(result)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    expected_files = {"m.yaml", "ketqua.txt"} if "-o" in args else {"m.yaml"}
    assert {p.name for p in tmp_path.iterdir()} == expected_files
