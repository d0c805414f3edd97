"""`tusoi kiem-diem` through its entry point: the .docx opened with python-docx, the PDF read back with pdftotext,
a cell's sheet giving one document per reviewed member, and the -o rules."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest

from tusoi_cli.render.review.build import HEADINGS, PROMPTS

from ..conftest import full_answers, member_yaml, need_tool
from ..render.test_review_build import flagged_member

Invoke = Callable[..., Any]
Write = Callable[[str, str], Path]


def paragraphs(path: Path) -> list[str]:
    document = docx.Document(str(path))
    cells = [p.text for table in document.tables for row in table.rows for c in row.cells for p in c.paragraphs]
    return [p.text for p in document.paragraphs] + cells


def test_docx_of_a_member_with_flagged_items_and_free_text(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    source = flagged_member(write)
    target = tmp_path / "an-kiem-diem.docx"
    result = invoke("kiem-diem", str(source), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert f"Đã ghi {target}" in result.stderr
    lines = paragraphs(target)
    for key in ("A", "A.I", "A.I.1", "A.I.2", "A.I.3", "A.II", "A.III", "A.IV", "A.V", "A.VI", "B", "B.I", "B.II"):
        assert HEADINGS[key] in lines, key
    assert "BẢN KIỂM ĐIỂM CÁ NHÂN" in lines and "Năm 2026" in lines
    assert "Họ và tên: Nguyễn Văn An        Ngày sinh: 05/09/1980" in lines
    assert "Đơn vị công tác: Phòng Quản lý đô thị" in lines
    assert "Giữ vững lập trường chính trị." in lines
    assert "Hoàn thành 12/12 nhiệm vụ." in lines and "Thực hiện đủ cam kết đầu năm." in lines
    assert "-\u00a0Coi nhẹ và lười học tập lý luận chính trị: Đọc và ghi chép mỗi nghị quyết; hạn khắc phục: " \
           "31/12/2026." in lines
    assert "Mức tự xếp loại: Khá" in lines
    assert "CHI BỘ QUẢN LÝ ĐÔ THỊ" in lines and "NGƯỜI TỰ KIỂM ĐIỂM" in lines
    assert lines.count("Nguyễn Văn An") == 1  # the signature
    # the default rubric's levels are not the form's: said in a note, never translated
    assert any(line.startswith("Ghi chú: mức tự xếp loại theo bộ tiêu chí") for line in lines)
    # the layout of official documents: A4 portrait, 30/15/20/20 mm margins, Times New Roman 14 pt
    document = docx.Document(str(target))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.left_margin, section.right_margin, section.top_margin,
                                  section.bottom_margin)] == [30, 15, 20, 20]
    normal: Any = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    # the prompts the member still has to fill are italic
    prompt_runs = [r for p in document.paragraphs for r in p.runs if r.text == PROMPTS["bieu_hien"]]
    assert prompt_runs and all(r.italic for r in prompt_runs)


def test_docx_of_a_member_with_nothing_flagged(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    source = write("binh.yaml", member_yaml(full_answers(), ho_ten="Trần Thị Bình", tu_xep_loai="tot"))
    target = tmp_path / "binh.docx"
    result = invoke("kiem-diem", str(source), "-o", str(target), "--mau", "2A")
    assert result.exit_code == 0, result.stderr
    lines = paragraphs(target)
    assert "(Mẫu 2A: đảng viên giữ chức vụ lãnh đạo, quản lý)" in lines
    assert HEADINGS["A.I.4"] in lines and PROMPTS["lanh_dao"] in lines
    assert "Qua tự đối chiếu, bản thân không tự nhận hạn chế, khuyết điểm nào theo các nội dung tự soi, tự sửa." \
        in lines
    assert any(line.endswith("bản thân không tự nhận biểu hiện, vi phạm nào.") for line in lines)
    for prompt in ("uu_diem", "nhiem_vu", "cam_ket", "ky_truoc", "giai_trinh", "trach_nhiem", "phuong_huong"):
        assert PROMPTS[prompt] in lines, prompt
    assert "Họ và tên: Trần Thị Bình        Ngày sinh: [ngày sinh]" in lines
    assert "Mức tự xếp loại: Tốt" in lines


def test_pdf_through_libreoffice_holds_the_vietnamese_text(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    need_tool("soffice")
    pdftotext = need_tool("pdftotext")
    target = tmp_path / "an.pdf"
    result = invoke("kiem-diem", str(flagged_member(write)), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF")
    text = subprocess.run([pdftotext, "-layout", str(target), "-"], capture_output=True, check=True,
                          text=True).stdout
    flat = " ".join(text.split())
    for words in ("BẢN KIỂM ĐIỂM CÁ NHÂN", "Nguyễn Văn An", "05/09/1980", "Hạn chế, khuyết điểm và nguyên nhân",
                  "“Chưa đọc lại tài liệu nghị quyết”", "hạn khắc phục: 31/12/2026", "NGƯỜI TỰ KIỂM ĐIỂM",
                  "Mức tự xếp loại: Khá"):
        assert words in flat, words


SHEET = """\
STT,Họ và tên,Trạng thái,Tự xếp loại,{items}
1,Nguyễn Văn An,,Tốt,{zeros}
2,Lê Thị Cúc,miễn: nghỉ sinh hoạt,,{blank}
3,Nguyễn Văn An,,Khá,{one}
4,Phạm Văn Dũng,chưa kiểm điểm,,{blank}
"""


def test_a_cells_sheet_gives_one_document_per_reviewed_member(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    items = list(full_answers())
    zeros = ",".join("0" for _ in items)
    one = ",".join("1" if i == "CT5" else "0" for i in items)
    sheet = write("chibo.csv", SHEET.format(items=",".join(items), zeros=zeros, one=one, blank=",".join("" for _ in
                                                                                                         items)))
    folder = tmp_path / "ban-kiem-diem"
    result = invoke("kiem-diem", str(sheet), "-o", f"{folder}/")
    assert result.exit_code == 0, result.stderr
    # rows 2..5 of the sheet (row 1 is the header); the second Nguyễn Văn An is told apart by its row
    assert sorted(p.name for p in folder.iterdir()) == ["02-nguyen-van-an.docx", "04-nguyen-van-an.docx"]
    assert "dòng 3: Lê Thị Cúc — miễn kiểm điểm (nghỉ sinh hoạt)" in result.stderr
    assert "dòng 5: Phạm Văn Dũng — chưa kiểm điểm" in result.stderr
    second = paragraphs(folder / "04-nguyen-van-an.docx")
    assert any("Nể nang, né tránh trong tự phê bình và phê bình — có biểu hiện (mức 1): [ghi biểu hiện cụ thể]"
               in line for line in second)
    assert "Mức tự xếp loại: Khá" in second
    # a sheet has no free text: A is mostly prompts, as expected
    assert PROMPTS["uu_diem"] in second and "Ngày sinh: [ngày sinh]" in " ".join(second)
    # again without --force: refused, nothing replaced
    before = (folder / "02-nguyen-van-an.docx").read_bytes()
    again = invoke("kiem-diem", str(sheet), "-o", f"{folder}/")
    assert again.exit_code == 2 and "đã có — thêm --force" in again.stderr
    assert (folder / "02-nguyen-van-an.docx").read_bytes() == before
    assert invoke("kiem-diem", str(sheet), "-o", f"{folder}/", "--force").exit_code == 0


def test_a_folder_of_member_files_keeps_their_free_text(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    flagged_member(write)
    write("binh.yaml", member_yaml(full_answers(), ho_ten="Trần Thị Bình", trang_thai="'miễn: mới kết nạp'"))
    folder = tmp_path / "out"
    members = tmp_path
    result = invoke("kiem-diem", str(members), "-o", f"{folder}/")
    assert result.exit_code == 0, result.stderr
    assert [p.name for p in folder.iterdir()] == ["01-nguyen-van-an.docx"]  # an.yaml is file 1, binh.yaml file 2
    assert "tệp 2: Trần Thị Bình — miễn kiểm điểm (mới kết nạp)" in result.stderr
    assert "Giữ vững lập trường chính trị." in paragraphs(folder / "01-nguyen-van-an.docx")


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "OUT/"], "là tệp của một đảng viên — ghi -o là một tệp"),
    ([], "thiếu -o"),
    (["-o", "OUT.txt"], "đặt tên tệp có một trong các đuôi: .docx hoặc .pdf"),
    (["-o", "OUT.docx", "--mau", "3B"], "--mau"),
    (["-o", "OUT.docx", "--tep-mau", "missing.docx"], "--tep-mau: không tìm thấy tệp mẫu"),
])
def test_usage_errors(invoke: Invoke, write: Write, tmp_path: Path, args: list[str], message: str) -> None:
    source = flagged_member(write)
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    result = invoke("kiem-diem", str(source), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.docx").exists() and not (tmp_path / "out").exists()


def test_a_sheet_needs_a_folder(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    sheet = write("chibo.csv", "Họ và tên,CT1\nAn,0\n")
    result = invoke("kiem-diem", str(sheet), "-o", str(tmp_path / "an.docx"))
    assert result.exit_code == 2 and "có nhiều đảng viên — ghi -o là một thư mục" in result.stderr


def test_an_exempt_member_gets_no_document(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    source = write("c.yaml", member_yaml({}, trang_thai="'miễn: nghỉ sinh hoạt'"))
    result = invoke("kiem-diem", str(source), "-o", str(tmp_path / "c.docx"))
    assert result.exit_code == 1
    assert "Không lập bản kiểm điểm: Nguyễn Văn Thử — miễn kiểm điểm (nghỉ sinh hoạt)" in result.stderr
    assert not (tmp_path / "c.docx").exists()


def test_pdf_without_libreoffice_says_what_to_install(invoke: Invoke, write: Write, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    source = flagged_member(write)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no soffice on the PATH
    result = invoke("kiem-diem", str(source), "-o", str(tmp_path / "an.pdf"))
    assert result.exit_code == 2
    assert "ghi PDF cần LibreOffice Writer" in result.stderr and "libreoffice-writer-nogui" in result.stderr
    assert not (tmp_path / "an.pdf").exists()


def test_a_committees_own_template(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    template = tmp_path / "mau.docx"
    made = docx.Document()
    made.add_paragraph("Đồng chí {{ ho_ten }}, sinh {{ ngay_sinh }}, mẫu {{ mau }}")
    made.add_paragraph("{%p for muc in han_che %}")
    made.add_paragraph("{{ muc.noi_dung }}: {{ muc.bieu_hien }}")
    made.add_paragraph("{%p endfor %}")
    made.add_paragraph("Tự xếp loại: {{ tu_xep_loai }} & ký")
    made.save(str(template))
    target = tmp_path / "an.docx"
    result = invoke("kiem-diem", str(flagged_member(write)), "-o", str(target), "--tep-mau", str(template))
    assert result.exit_code == 0, result.stderr
    lines = [p.text for p in docx.Document(str(target)).paragraphs]
    assert lines == ["Đồng chí Nguyễn Văn An, sinh 05/09/1980, mẫu 2B",
                     "Coi nhẹ và lười học tập lý luận chính trị: Chưa đọc lại tài liệu nghị quyết.",
                     "Nể nang, né tránh trong tự phê bình và phê bình: [ghi biểu hiện cụ thể]",
                     "Quan liêu, xa dân, vô cảm: [ghi biểu hiện cụ thể]",
                     "Tự xếp loại: Khá & ký"]
    bad = tmp_path / "sai.docx"
    wrong = docx.Document()
    wrong.add_paragraph("{{ ho_tenn }}")
    wrong.save(str(bad))
    refused = invoke("kiem-diem", str(flagged_member(write)), "-o", str(tmp_path / "x.docx"), "--tep-mau", str(bad))
    assert refused.exit_code == 2 and "không có trường 'ho_tenn'" in refused.stderr
    assert not (tmp_path / "x.docx").exists()


def test_a_folder_of_pdfs_in_one_libreoffice_run(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    need_tool("soffice")
    pdftotext = need_tool("pdftotext")
    members = tmp_path / "ho-so"
    members.mkdir()
    (members / "a.yaml").write_text(member_yaml(full_answers(), ho_ten="Trần Thị Bình"), encoding="utf-8")
    (members / "b.yaml").write_text(member_yaml(full_answers(CT5=1), ho_ten="Lê Văn Cường"), encoding="utf-8")
    folder = tmp_path / "pdf"
    result = invoke("kiem-diem", str(members), "-o", f"{folder}/", "--pdf")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["01-tran-thi-binh.pdf", "02-le-van-cuong.pdf"]
    for name, person in (("01-tran-thi-binh.pdf", "Trần Thị Bình"), ("02-le-van-cuong.pdf", "Lê Văn Cường")):
        text = subprocess.run([pdftotext, str(folder / name), "-"], capture_output=True, check=True, text=True).stdout
        assert person in text  # each PDF is its own member's, in order
    second = subprocess.run([pdftotext, str(folder / "02-le-van-cuong.pdf"), "-"], capture_output=True, check=True,
                            text=True).stdout
    assert "Nể nang, né tránh trong tự phê bình và phê bình" in " ".join(second.split())


def test_an_invalid_answer_is_reported_and_left_to_the_member(invoke: Invoke, write: Write, tmp_path: Path) -> None:
    source = write("bad.yaml", "dang_vien:\n  ho_ten: An\ndanh_gia:\n  CT1: 7\n  CT2: 1\n")
    target = tmp_path / "bad.docx"
    result = invoke("kiem-diem", str(source), "-o", str(target))
    assert result.exit_code == 1  # as `tusoi score`: the document is written, the problem located
    assert "bad.yaml:4:8: giá trị '7' không có trong thang" in result.stderr
    relation = next(line for line in paragraphs(target) if line.startswith("Đối chiếu"))
    assert "bản thân tự nhận có 1 nội dung: Xa rời mục đích của Đảng, hùa theo quan điểm sai" in relation
    assert "Còn 45 nội dung chưa tự đánh giá" in relation  # CT1 (invalid) counts as not yet evaluated


def test_cell_and_year_from_the_command_line_fill_only_what_is_missing(invoke: Invoke, write: Write,
                                                                        tmp_path: Path) -> None:
    items = list(full_answers())
    sheet = write("chibo.csv", "Họ và tên," + ",".join(items) + "\nAn," + ",".join("0" for _ in items) + "\n")
    folder = tmp_path / "out"
    result = invoke("kiem-diem", str(sheet), "-o", f"{folder}/", "--chi-bo", "Khu phố 3", "--ky", "2026")
    assert result.exit_code == 0, result.stderr
    lines = paragraphs(folder / "02-an.docx")
    assert "Chi bộ: Khu phố 3" in lines and "Năm 2026" in lines
    assert any("CHI BỘ KHU PHỐ 3" in line for line in lines)  # the letterhead
    own = write("an.yaml", member_yaml(full_answers(), ky_danh_gia="2025"))  # chi_bo: Chi bộ Thử nghiệm
    target = tmp_path / "an.docx"
    assert invoke("kiem-diem", str(own), "-o", str(target), "--chi-bo", "Khu phố 3", "--ky", "2026").exit_code == 0
    lines = paragraphs(target)
    assert "Chi bộ: Chi bộ Thử nghiệm" in lines and "Năm 2025" in lines  # the member's own file wins


def test_a3_follows_the_member_files_ky_truoc_and_the_previous_period(invoke: Invoke, write: Write,
                                                                      tmp_path: Path) -> None:
    """A.III from the member's own `ky_truoc` list; with --ky-truoc, what the two periods show beside it."""
    old = write("an-2025.yaml", member_yaml(full_answers(CT3=1, DL5=1), ho_ten="Nguyễn Văn An", ky_danh_gia="2025"))
    carried = ("ky_truoc:\n"
               "  - {muc: CT3, bieu_hien: Ngại đọc nghị quyết, ket_qua: đã khắc phục}\n"
               "  - {muc: DL5, ket_qua: đang, ghi_chu: Đã xuống cơ sở hai lần}\n")
    now = write("an-2026.yaml", member_yaml(full_answers(CT3=1), ho_ten="Nguyễn Văn An") + carried)
    alone = tmp_path / "an.docx"
    assert invoke("kiem-diem", str(now), "-o", str(alone)).exit_code == 0
    lines = paragraphs(alone)
    start = lines.index(HEADINGS["A.III"])
    section = lines[start + 1:start + 3]
    assert section[0].endswith("Coi nhẹ và lười học tập lý luận chính trị (“Ngại đọc nghị quyết”): đã khắc phục.")
    assert section[1].endswith("Quan liêu, xa dân, vô cảm: đang khắc phục; Đã xuống cơ sở hai lần.")
    followed = tmp_path / "an-theo-doi.docx"
    result = invoke("kiem-diem", str(now), "--ky-truoc", str(old), "-o", str(followed))
    assert result.exit_code == 0, result.stderr
    lines = paragraphs(followed)
    start = lines.index(HEADINGS["A.III"])
    ct3, dl5 = lines[start + 1:start + 3]
    # CT3 still at degree 1 while the member says fixed: the document notes the disagreement
    assert "lưu ý: đối chiếu bản tự đánh giá kỳ trước thì chưa khắc phục, khác với kết quả tự nêu" in ct3
    # DL5 gone this year while the member says "in progress": noted as well, in the other direction
    assert "lưu ý: đối chiếu bản tự đánh giá kỳ trước thì đã khắc phục, khác với kết quả tự nêu" in dl5
