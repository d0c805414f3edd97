"""The review document's member-file fields (ngay_sinh, don_vi, mau_kiem_diem, free text): read, normalised,
refused with a located message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tusoi_cli.errors import InputError
from tusoi_cli.read.member_reader import read_member

Write = Callable[[str, str], Path]


def test_review_fields_are_read_and_normalised(write: Write) -> None:
    path = write("an.yaml", """
        dang_vien:
          ho_ten: Nguyễn Văn An
        ngay_sinh: 05/09/1980
        don_vi: Phòng Quản lý đô thị
        mau_kiem_diem: mẫu 2a
        uu_diem: "Giữ vững lập trường chính trị"
        nhiem_vu: "  "
        cam_ket: Hoàn thành cam kết đầu năm
        danh_gia:
          CT1: 0
        """)
    review = read_member(path).evaluation.review
    assert review is not None
    assert review.ngay_sinh == date(1980, 9, 5)
    assert review.don_vi == "Phòng Quản lý đô thị"
    assert review.mau_kiem_diem == "2A"
    assert review.uu_diem == "Giữ vững lập trường chính trị"
    assert review.nhiem_vu is None  # blank: the document keeps its prompt
    assert review.cam_ket == "Hoàn thành cam kết đầu năm"
    assert review.giai_trinh is None and review.trach_nhiem is None


def test_no_review_field_means_no_review(write: Write) -> None:
    path = write("an.yaml", "dang_vien:\n  ho_ten: An\ndanh_gia:\n  CT1: 0\n")
    assert read_member(path).evaluation.review is None


@pytest.mark.parametrize(("line", "expected"), [
    ("ngay_sinh: 31/02/1980", "an.yaml:3:12: 'ngay_sinh' ngày không hợp lệ"),
    ("ngay_sinh: 01/01/2999", "an.yaml:3:12: 'ngay_sinh': ngày sinh ở tương lai"),
    ("mau_kiem_diem: 2D", "an.yaml:3:16: 'mau_kiem_diem' giá trị không hợp lệ"),
    ("uu_diem: [a, b]", "an.yaml:3:10: 'uu_diem' phải là một đoạn chữ"),
])
def test_bad_review_fields_are_located(write: Write, line: str, expected: str) -> None:
    path = write("an.yaml", f"dang_vien:\n  ho_ten: An\n{line}\n")
    with pytest.raises(InputError) as caught:
        read_member(path)
    shown = [f"{Path(p.file).name}:{p.line}:{p.column}: {p.message}" for p in caught.value.problems]
    assert expected in shown


def test_bad_form_through_the_cli_names_the_choices(invoke: Callable[..., object], write: Write) -> None:
    path = write("an.yaml", "dang_vien:\n  ho_ten: An\nmau_kiem_diem: 3B\ndanh_gia:\n  CT1: 0\n")
    result = invoke("score", str(path))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "'mau_kiem_diem' giá trị không hợp lệ — chọn một trong: '2A', '2B'" in result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]


def test_the_member_schema_takes_the_review_fields(invoke: Callable[..., object]) -> None:
    import json

    import jsonschema

    schema = json.loads(invoke("schema", "member").stdout)  # type: ignore[attr-defined]
    check = jsonschema.Draft202012Validator(schema)
    base = {"dang_vien": {"ho_ten": "An"}}
    good = {**base, "ngay_sinh": "05/09/1980", "mau_kiem_diem": "2A", "uu_diem": "x", "nhiem_vu": "y",
            "cam_ket": "z", "giai_trinh": "Không có.", "trach_nhiem": None, "don_vi": "Phòng"}
    assert list(check.iter_errors(good)) == []
    wrong = {**base, "mau_kiem_diem": "2D", "uu_diem": ["a"]}
    assert {e.json_path for e in check.iter_errors(wrong)} == {"$.mau_kiem_diem", "$.uu_diem"}
