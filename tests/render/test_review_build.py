"""The review document as data (render.review.build): every part of the form, filled from what the member wrote
or left a visible prompt; never invented."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from tusoi_cli.api import read_for_review
from tusoi_cli.model.review import PreviousShortcoming, ReviewDocument
from tusoi_cli.read.rubric_loader import load_rubric
from tusoi_cli.render.review.build import FORM_LEVELS, HEADINGS, PROMPTS, build_review
from tusoi_cli.resources import bundled_dir

from ..conftest import full_answers, member_yaml

Write = Callable[[str, str], Path]


def part(doc: ReviewDocument, key: str) -> list[str]:
    """The text of the paragraphs of one part of the form, without its headings."""
    return ["".join(r.text for r in b.runs) for b in doc.blocks if b.key == key
            and b.kind not in ("heading", "subheading")]


def headings(doc: ReviewDocument) -> list[str]:
    return ["".join(r.text for r in b.runs) for b in doc.blocks if b.kind in ("heading", "subheading")]


FLAGGED = """
ky_danh_gia: "2026"
dang_vien:
  ho_ten: Nguyễn Văn An
  chi_bo: Chi bộ Quản lý đô thị
  chuc_vu: Phó trưởng phòng
ngay_sinh: 1980-09-05
don_vi: Phòng Quản lý đô thị
uu_diem: Giữ vững lập trường chính trị.
nhiem_vu: Hoàn thành 12/12 nhiệm vụ.
cam_ket: Thực hiện đủ cam kết đầu năm.
giai_trinh: Không có.
trach_nhiem: Chịu trách nhiệm về việc phòng chậm giải quyết hồ sơ.
tu_xep_loai: kha
danh_gia:
"""


def flagged_member(write: Write) -> Path:
    answers = full_answers(CT3=None, CT5=1, DL5=None)
    lines = [f"  {k}: {v}" for k, v in answers.items() if v is not None]
    lines += ["  CT3:", "    muc_do: 2", "    bieu_hien: Chưa đọc lại tài liệu nghị quyết.",
              "    khac_phuc: Đọc và ghi chép mỗi nghị quyết", "    han_khac_phuc: 31/12/2026",
              "  DL5:", "    muc_do: 1"]
    return write("an.yaml", FLAGGED.lstrip("\n") + "\n".join(lines) + "\n")


def test_member_with_flagged_items_and_free_text(write: Write) -> None:
    read = read_for_review(flagged_member(write))
    member = read.members[0]
    doc = build_review(member.result, read.rubric, member.review)
    text = doc.text()
    assert doc.form == "2B"
    assert "Năm 2026" in text
    assert "Họ và tên: Nguyễn Văn An        Ngày sinh: 05/09/1980" in text
    assert "Chức vụ: Phó trưởng phòng" in text and "Đơn vị công tác: Phòng Quản lý đô thị" in text
    assert "Chi bộ: Chi bộ Quản lý đô thị" in text
    # every heading of 2B, in the form's order; 2A's leadership item is not in 2B
    expected = [HEADINGS[k] for k in ("A", "A.I", "A.I.1", "A.I.2", "A.I.3", "A.II", "A.III", "A.IV", "A.V", "A.VI",
                                      "B", "B.I", "B.II")]
    assert headings(doc) == expected
    a_i_1 = part(doc, "A.I.1")
    assert a_i_1[0] == "Giữ vững lập trường chính trị."
    # CT3 (mức 2, own words), CT5 (mức 1, nothing written: prompt), DL5 (mức 1, nothing written: prompt)
    assert "bản thân tự nhận có 3 nội dung: Coi nhẹ và lười học tập lý luận chính trị — biểu hiện rõ, lặp lại " \
           "(mức 2): “Chưa đọc lại tài liệu nghị quyết”; Nể nang, né tránh trong tự phê bình và phê bình — có biểu " \
           "hiện (mức 1): [ghi biểu hiện cụ thể]; Quan liêu, xa dân, vô cảm — có biểu hiện (mức 1): [ghi biểu hiện " \
           "cụ thể]." in a_i_1[1]
    assert "chưa tự đánh giá" not in a_i_1[1]  # every item answered
    assert part(doc, "A.I.2") == ["Hoàn thành 12/12 nhiệm vụ."]
    assert part(doc, "A.I.3") == ["Thực hiện đủ cam kết đầu năm."]
    a_ii = part(doc, "A.II")
    assert a_ii[0] == "Coi nhẹ và lười học tập lý luận chính trị — biểu hiện rõ, lặp lại (mức 2): “Chưa đọc lại tài " \
                      "liệu nghị quyết”."
    assert len([line for line in a_ii if " — " in line]) == 3
    assert a_ii[-1] == "Nguyên nhân: " + PROMPTS["nguyen_nhan"]  # causes: the member's to write
    assert part(doc, "A.III") == [PROMPTS["ky_truoc"]]  # no previous period given: a prompt
    assert part(doc, "A.IV") == ["Không có."]
    assert part(doc, "A.V") == ["Chịu trách nhiệm về việc phòng chậm giải quyết hồ sơ."]
    a_vi = part(doc, "A.VI")
    assert a_vi[0] == ("Coi nhẹ và lười học tập lý luận chính trị: Đọc và ghi chép mỗi nghị quyết; hạn khắc phục: "
                       "31/12/2026.")
    assert a_vi[1] == ("Nể nang, né tránh trong tự phê bình và phê bình: [ghi biện pháp khắc phục]; hạn khắc phục: "
                       "[ghi hạn khắc phục].")
    # B: the default rubric declares no form parts: no points; its levels are not the form's: a note
    assert part(doc, "B.I")[0] == PROMPTS["diem"]
    b_ii = part(doc, "B.II")
    assert b_ii[0] == "Mức tự xếp loại: Khá"
    assert "Tốt, Khá, Trung bình, Yếu kém" in b_ii[1] and FORM_LEVELS[0] in b_ii[1]
    # prompts are marked so, own text is not
    prompts = {r.text for b in doc.blocks for r in b.runs if r.prompt}
    assert PROMPTS["bieu_hien"] in prompts and "Giữ vững lập trường chính trị." not in prompts


def test_member_with_nothing_flagged_and_nothing_written(write: Write) -> None:
    path = write("binh.yaml", member_yaml(full_answers(), ho_ten="Trần Thị Bình"))
    read = read_for_review(path)
    member = read.members[0]
    assert member.review is None
    doc = build_review(member.result, read.rubric, member.review)
    text = doc.text()
    assert "Ngày sinh: [ngày sinh]" in text and "Chức vụ: [chức vụ]" in text
    assert "Đơn vị công tác: [đơn vị công tác]" in text
    assert part(doc, "A.I.1")[0] == PROMPTS["uu_diem"]
    assert part(doc, "A.I.1")[1].endswith("bản thân không tự nhận biểu hiện, vi phạm nào.")
    assert part(doc, "A.II")[0] == ("Qua tự đối chiếu, bản thân không tự nhận hạn chế, khuyết điểm nào theo các nội "
                                    "dung tự soi, tự sửa.")
    assert part(doc, "A.I.2") == [PROMPTS["nhiem_vu"]] and part(doc, "A.I.3") == [PROMPTS["cam_ket"]]
    assert part(doc, "A.IV") == [PROMPTS["giai_trinh"]] and part(doc, "A.V") == [PROMPTS["trach_nhiem"]]
    assert part(doc, "A.VI") == [PROMPTS["phuong_huong"]]
    assert part(doc, "B.II")[0] == "Mức tự xếp loại: " + PROMPTS["tu_xep_loai"]


def test_unanswered_items_are_said_not_hidden(write: Write) -> None:
    read = read_for_review(write("c.yaml", member_yaml({"CT1": 0, "CT2": 0})))
    doc = build_review(read.members[0].result, read.rubric)
    relation = part(doc, "A.I.1")[1]
    assert "trong các nội dung đã tự đánh giá, bản thân không tự nhận biểu hiện, vi phạm nào." in relation
    assert "Còn 44 nội dung chưa tự đánh giá" in relation


def test_previous_period_results_and_observed_disagreement(write: Write) -> None:
    read = read_for_review(write("c.yaml", member_yaml(full_answers())))
    previous = [PreviousShortcoming("Nể nang, né tránh trong tự phê bình và phê bình", "Còn nể nang", "fixed"),
                PreviousShortcoming("Quan liêu, xa dân, vô cảm", None, "fixed", "đã tiếp dân hằng tháng",
                                    observed="not_fixed"),
                PreviousShortcoming("Coi nhẹ học tập lý luận chính trị")]
    doc = build_review(read.members[0].result, read.rubric, previous=previous)
    assert part(doc, "A.III") == [
        "Nể nang, né tránh trong tự phê bình và phê bình (“Còn nể nang”): đã khắc phục.",
        "Quan liêu, xa dân, vô cảm: đã khắc phục; đã tiếp dân hằng tháng (lưu ý: đối chiếu bản tự đánh giá kỳ trước "
        "thì chưa khắc phục, khác với kết quả tự nêu).",
        "Coi nhẹ học tập lý luận chính trị: [ghi kết quả: đã khắc phục, đang khắc phục hoặc chưa khắc phục].",
    ]
    none_before = build_review(read.members[0].result, read.rubric, previous=[])
    assert part(none_before, "A.III") == ["Kỳ trước bản thân không có hạn chế, khuyết điểm nào được kết luận hoặc chỉ "
                                          "ra."]


def test_form_2a_adds_leadership_and_2c_words_tasks_as_the_cells(write: Write) -> None:
    read = read_for_review(write("c.yaml", member_yaml(full_answers(), mau_kiem_diem="2C")))
    member = read.members[0]
    as_2c = build_review(member.result, read.rubric, member.review)
    assert as_2c.form == "2C" and HEADINGS["A.I.2.2C"] in headings(as_2c) and HEADINGS["A.I.4"] not in headings(as_2c)
    as_2a = build_review(member.result, read.rubric, member.review, form="2A")  # --mau wins over the file
    assert as_2a.form == "2A" and HEADINGS["A.I.4"] in headings(as_2a)
    assert part(as_2a, "A.I.4") == [PROMPTS["lanh_dao"]]
    assert "(Mẫu 2A: đảng viên giữ chức vụ lãnh đạo, quản lý)" in as_2a.text()


def test_points_when_the_rubric_declares_the_form_parts(write: Write) -> None:
    rubric_path = bundled_dir() / "examples" / "khung-366.yaml"
    rubric = load_rubric(str(rubric_path))
    answers = {i.id: 0 for s in rubric.sections for i in s.items}
    answers.update(TC1=9.5, TC2=10, TC3=8.25, KQ1=62)
    path = write("d.yaml", member_yaml(answers, tu_xep_loai="Hoàn thành tốt nhiệm vụ", ngay_sinh="07/03/1975"))
    read = read_for_review(path, rubric=str(rubric_path))
    doc = build_review(read.members[0].result, read.rubric, read.members[0].review)
    # general 9.5 + 10 + 8.25 = 27.75 -> "27,8" (one decimal, half up); tasks 62; total 89.75 -> "89,8"
    assert part(doc, "B.I") == ["Tiêu chí chung: 27,8/30 điểm.", "Kết quả thực hiện nhiệm vụ: 62/70 điểm.",
                                "Tổng cộng: 89,8/100 điểm."]
    assert part(doc, "B.II") == ["Mức tự xếp loại: Hoàn thành tốt nhiệm vụ"]  # the form's levels: no note
    assert doc.fields["diem_tong"] == "89,8" and doc.fields["ngay_sinh"] == "07/03/1975"
    assert date(1975, 3, 7) == read.members[0].review.ngay_sinh  # type: ignore[union-attr]
