"""File names of a cell's review documents."""

from __future__ import annotations

from tusoi_cli.render.review.names import review_file_names


def test_row_number_and_ascii_name_duplicates_suffixed() -> None:
    members = [(7, "Nguyễn Văn An"), (12, "Đặng Quốc Bảo"), (None, "Lê  Thị Ánh!"), (None, "LÊ THỊ ÁNH"), (None, "???")]
    names = review_file_names(members, ".docx")
    assert names == ["07-nguyen-van-an.docx", "12-dang-quoc-bao.docx", "le-thi-anh.docx", "le-thi-anh-2.docx",
                     "dang-vien.docx"]


def test_numbers_are_padded_to_the_widest() -> None:
    assert review_file_names([(9, "An"), (105, "Bình")], ".pdf") == ["009-an.pdf", "105-binh.pdf"]
