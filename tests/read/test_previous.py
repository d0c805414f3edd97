"""The member file's ``ky_truoc`` list: every result word, every located error, the JSON and the views."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..conftest import full_answers, member_yaml

Invoke = Callable[..., Any]
Write = Callable[[str, str], Path]


def with_previous(entries: str, answers: dict[str, object] | None = None) -> str:
    """A member file of 2026 with a ``ky_truoc`` block (``entries``: the list's lines, indented by two)."""
    return member_yaml(answers if answers is not None else full_answers()) + "ky_truoc:\n" + entries


def problem_lines(result: Any) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("Cảnh báo: ")]


@pytest.mark.parametrize(("word", "code", "label"), [
    ("đã", "fixed", "đã khắc phục"), ("Đã khắc phục", "fixed", "đã khắc phục"), ("DA", "fixed", "đã khắc phục"),
    ("da_khac_phuc", "fixed", "đã khắc phục"), ("đang", "in_progress", "đang khắc phục"),
    ("Đang khắc phục", "in_progress", "đang khắc phục"), ("dang khac phuc", "in_progress", "đang khắc phục"),
    ("chưa", "not_fixed", "chưa khắc phục"), ("CHƯA KHẮC PHỤC", "not_fixed", "chưa khắc phục"),
    ("chua_khac_phuc", "not_fixed", "chưa khắc phục"),
])
def test_each_result_word_is_read(invoke: Invoke, write: Write, word: str, code: str, label: str) -> None:
    path = write("an.yaml", with_previous(f"  - muc: CT5\n    muc_do: 1\n    ket_qua: {word}\n"))
    result = invoke("score", str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    [item] = json.loads(result.stdout)["previous_shortcomings"]
    assert (item["item"], item["result"], item["result_label"]) == ("CT5", code, label)


def test_a_full_entry_in_json(invoke: Invoke, write: Write) -> None:
    path = write("an.yaml", with_previous(
        "  - muc: ct5\n    muc_do: Có biểu hiện (mức 1)\n    bieu_hien: Còn nể nang khi góp ý\n"
        "    khac_phuc: Góp ý thẳng thắn\n    han_khac_phuc: 30/06/2026\n    ket_qua:\n"
        "    ghi_chu: chưa có dịp\n"))
    result = invoke("score", str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["previous_shortcomings"] == [{
        "item": "CT5", "item_title": "Nể nang, né tránh trong tự phê bình và phê bình", "degree": 1.0,
        "degree_label": "Có biểu hiện (mức 1)", "bieu_hien": "Còn nể nang khi góp ý", "khac_phuc": "Góp ý thẳng thắn",
        "han_khac_phuc": "2026-06-30", "result": None, "result_label": None, "note": "chưa có dịp",
        "observed": None, "observed_label": None, "observed_reason": None, "warning": None}]


def test_no_previous_key_is_null_and_an_empty_list_is_empty(invoke: Invoke, write: Write) -> None:
    plain = write("a.yaml", member_yaml(full_answers()))
    empty = write("b.yaml", member_yaml(full_answers()) + "ky_truoc: []\n")
    assert json.loads(invoke("score", str(plain), "-f", "json").stdout)["previous_shortcomings"] is None
    assert json.loads(invoke("score", str(empty), "-f", "json").stdout)["previous_shortcomings"] == []


@pytest.mark.parametrize(("entries", "expected"), [
    ("  - muc: CT5\n    ket_qua: xong hẳn\n",
     "an.yaml:9:14: kết quả khắc phục 'xong hẳn' không đọc được — ghi một trong: đã (đã khắc phục), đang (đang"
     " khắc phục), chưa (chưa khắc phục); để trống nếu chưa đánh giá"),
    ("  - muc: CT55\n",
     "an.yaml:8:10: không có mục 'CT55' trong bộ tiêu chí 'tusoi-mac-dinh' — có phải ý bạn là 'CT5'?"),
    ("  - muc: CT5\n    han_khac_phuc: 31/02/2026\n",
     "an.yaml:9:20: hạn khắc phục '31/02/2026' không phải là ngày hợp lệ — viết dạng 30/06/2026 hoặc 2026-06-30"),
    ("  - muc: CT5\n    muc_do: 7\n",
     "an.yaml:9:13: giá trị '7' không có trong thang 'Mức độ biểu hiện' — dùng 0 (Không có), 1 (Có biểu hiện"
     " (mức 1)), 2 (Biểu hiện rõ, lặp lại (mức 2)), 3 (Nghiêm trọng (mức 3)), hoặc 'na' nếu mục không áp dụng"),
    ("  - muc: CT5\n    ket_qa: đã\n",
     "an.yaml:9:5: trường 'ket_qa' không có trong một hạn chế kỳ trước — có phải ý bạn là 'ket_qua'?"),
    ("  - ket_qua: đã\n",
     "an.yaml:8:5: hạn chế kỳ trước thiếu mã mục 'muc' — thêm `muc: CT5` (mã mục của kỳ trước)"),
    ("  - CT5\n",
     "an.yaml:8:5: mỗi hạn chế kỳ trước phải là một bảng (muc, muc_do, ket_qua...) — ví dụ `- muc: CT5` rồi các"
     " dòng `ket_qua: đã`, `ghi_chu: ...` thụt vào"),
    ("  - muc: CT5\n  - muc: ct5\n",
     "an.yaml:9:5: mục 'CT5' có hai lần trong ky_truoc (lần đầu ở mục số 1) — gộp hai mục lại làm một"),
])
def test_each_error_is_located_with_its_fix(invoke: Invoke, write: Write, tmp_path: Path, entries: str,
                                           expected: str) -> None:
    path = write("an.yaml", with_previous(entries, {"CT5": 1}))
    before = path.read_bytes()
    result = invoke("score", str(path), "-f", "json")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert problem_lines(result) == [f"{tmp_path}/{expected}"]
    assert json.loads(result.stdout)["ho_ten"] == "Nguyễn Văn Thử"  # the member is still scored
    assert path.read_bytes() == before


def test_not_a_list(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    path = write("an.yaml", member_yaml({"CT5": 1}) + "ky_truoc: CT5 đã khắc phục\n")
    result = invoke("score", str(path))
    assert result.exit_code == 1
    assert problem_lines(result) == [
        f"{tmp_path}/an.yaml:7:11: 'ky_truoc' phải là một danh sách, mỗi hạn chế một mục '- muc: ...' — xem mẫu bằng"
        " `tusoi template member --ky-truoc TỆP_KỲ_TRƯỚC.yaml`"]


def test_terminal_and_markdown_show_the_results(invoke: Invoke, write: Write) -> None:
    path = write("an.yaml", with_previous(
        "  - muc: CT5\n    muc_do: 1\n    bieu_hien: Còn nể nang\n    han_khac_phuc: 2026-06-30\n    ket_qua: đang\n"
        "    ghi_chu: mới góp ý hai lần\n"))
    table = invoke("score", str(path))
    assert table.exit_code == 0, table.stderr
    text = " ".join(table.stdout.split())
    assert "Hạn chế kỳ trước (1)" in text
    assert "Tự đánh giá: đang khắc phục — mới góp ý hai lần" in text
    assert "Khắc phục: (hạn 30/06/2026)" in text
    md = invoke("score", str(path), "-f", "md").stdout
    assert "**Hạn chế kỳ trước (1):**" in md
    assert ("| CT5 | Nể nang, né tránh trong tự phê bình và phê bình | Có biểu hiện (mức 1) | Còn nể nang |  "
            "| 30/06/2026 | đang khắc phục | mới góp ý hai lần |") in md


# ---------------------------------------------------------------- the sheet's two cells


def _cells(listed: str | None, results: str | None) -> tuple[Any, list[tuple[str, str, str]]]:
    from tusoi_cli.read.previous import read_carried_cells
    from tusoi_cli.read.rubric_loader import load_rubric

    found: list[tuple[str, str, str]] = []
    items = read_carried_cells(listed, results, load_rubric(), lambda *problem: found.append(problem))
    return items, found


def test_sheet_cells_read_back_what_the_template_wrote() -> None:
    items, problems = _cells("CT5 (mức 1) — Nể nang, né tránh: Còn nể nang; khắc phục: Góp ý; hạn 30/06/2026\n"
                             "dl6 (mức 2)", "CT5: Đã khắc phục; DL6:")
    assert problems == []
    assert [(i.muc, i.muc_do, i.bieu_hien, i.khac_phuc, str(i.han_khac_phuc), i.ket_qua) for i in items] == [
        ("CT5", 1.0, "Còn nể nang", "Góp ý", "2026-06-30", "da_khac_phuc"),
        ("DL6", 2.0, None, None, "None", None)]
    assert _cells(None, None) == (None, [])  # nothing known
    assert _cells("không có", None) == ([], [])  # nothing to carry
    items, problems = _cells(None, "CT5: chưa")  # results alone: the items they name
    assert ([(i.muc, i.ket_qua) for i in items], problems) == ([("CT5", "chua_khac_phuc")], [])


@pytest.mark.parametrize(("listed", "results", "expected"), [
    ("Còn nể nang khi góp ý", None,
     ("han_che_ky_truoc", "dòng 'Còn nể nang khi góp ý' không bắt đầu bằng mã mục",
      "mỗi dòng một hạn chế, bắt đầu bằng mã mục: 'CT5 (mức 1): biểu hiện; khắc phục: ...; hạn 30/06/2026'")),
    ("CT5\nCT5 (mức 1)", None, ("han_che_ky_truoc", "mục 'CT5' ghi hai lần", "gộp hai dòng lại làm một")),
    ("CT55: x", None, ("han_che_ky_truoc", "không có mục 'CT55' trong bộ tiêu chí 'tusoi-mac-dinh'",
                       "có phải ý bạn là 'CT5'?")),
    ("CT5: x; hạn 31/02/2026", None, ("han_che_ky_truoc", "hạn khắc phục '31/02/2026' của mục CT5 không phải là"
                                                          " ngày hợp lệ", "viết dạng 30/06/2026")),
    ("CT5", "CT5: đã; CT5: chưa", ("ket_qua_khac_phuc", "mục 'CT5' có hai kết quả", "giữ lại một")),
    ("CT5", "CT5 đã", ("ket_qua_khac_phuc", "'CT5 đã' không đọc được", "ghi theo dạng 'CT5: đã; DL6: đang'")),
    ("CT5", "CT5: ok", ("ket_qua_khac_phuc", "kết quả 'ok' của mục CT5 không đọc được",
                        "ghi một trong: đã (đã khắc phục), đang (đang khắc phục), chưa (chưa khắc phục); để trống nếu"
                        " chưa đánh giá")),
    ("CT5", "DL6: đã", ("ket_qua_khac_phuc", "mục 'DL6' không có trong cột Hạn chế kỳ trước của dòng này",
                        "chỉ ghi kết quả cho các mục: CT5")),
])
def test_each_sheet_cell_error(listed: str, results: str | None, expected: tuple[str, str, str]) -> None:
    items, problems = _cells(listed, results)
    assert problems == [expected]
    assert items is not None  # the row still has its (possibly empty) list: never "nothing known"
