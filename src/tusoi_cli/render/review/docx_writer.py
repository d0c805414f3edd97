"""A :class:`ReviewDocument` laid out as a .docx, the way official documents are typed.

A4 portrait; margins of the administrative document rules (Nghị định 30/2020/NĐ-CP: top and bottom 20 mm,
left 30 mm, right 15 mm); Times New Roman 14 pt (LibreOffice shows the metric-equal Liberation Serif).
python-docx is imported here only, so that only ``tusoi kiem-diem`` pays for it.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from tusoi_cli.model.review import Block, ReviewDocument, Run
from tusoi_cli.text import fold

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
SIZE_PT = 14
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


def write_docx(doc: ReviewDocument) -> bytes:
    """The document as the bytes of a .docx file."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    word = docx.Document()
    _page(word, Mm)
    _styles(word, Pt)
    _letterhead(word, doc, WD_ALIGN_PARAGRAPH)
    for block in doc.blocks:
        _block(word, block, WD_ALIGN_PARAGRAPH, Pt, Mm)
    _signature(word, doc, WD_ALIGN_PARAGRAPH)
    props = word.core_properties
    props.title = f"Bản kiểm điểm cá nhân — {doc.signer}"
    props.author = doc.signer
    props.comments = "Lập bằng tusoi kiem-diem từ bản tự đánh giá; phần trong [ ] là phần đảng viên còn phải viết."
    props.language = "vi-VN"
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _page(word: DocxDocument, mm: Any) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = mm(210), mm(297)
    section.top_margin, section.bottom_margin = mm(MARGINS_MM["top"]), mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = mm(MARGINS_MM["left"]), mm(MARGINS_MM["right"])


def _styles(word: DocxDocument, pt: Any) -> None:
    from docx.oxml.ns import qn

    normal: Any = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = pt(SIZE_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")  # Vietnamese proofing in Word and LibreOffice
    fmt = normal.paragraph_format
    fmt.space_before = pt(0)
    fmt.space_after = pt(4)
    fmt.line_spacing = 1.15


def _runs(paragraph: Paragraph, runs: tuple[Run, ...]) -> None:
    for piece in runs:
        run = paragraph.add_run(piece.text)
        run.bold = piece.bold or None
        run.italic = piece.italic or piece.prompt or None


def _letterhead(word: DocxDocument, doc: ReviewDocument, align: Any) -> None:
    """The two-column head of a party document: the cell on the left, the Party's name and the date on the right."""
    table = word.add_table(rows=1, cols=2)
    table.autofit = True
    left, right = table.rows[0].cells
    if doc.cell:  # "Chi bộ Quản lý đô thị" or just "Quản lý đô thị"
        name = doc.cell.upper() if fold(doc.cell).startswith("chi bo") else f"CHI BỘ {doc.cell.upper()}"
        cell_run = Run(name, bold=True)
    else:
        cell_run = Run("CHI BỘ [TÊN CHI BỘ]", italic=True, prompt=True)
    _lines(left, [(Run("ĐẢNG BỘ [TÊN ĐẢNG BỘ]", italic=True, prompt=True),), (cell_run,), (Run("*"),)],
           align.CENTER)
    _lines(right, [(Run("ĐẢNG CỘNG SẢN VIỆT NAM", bold=True),),
                   (Run("[địa danh], ngày … tháng … năm …", italic=True, prompt=True),)], align.CENTER)
    word.add_paragraph()


def _lines(cell: Any, lines: list[tuple[Run, ...]], alignment: Any) -> None:
    first = True
    for runs in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = alignment
        _runs(paragraph, runs)
        for run in paragraph.runs:
            run.font.size = None


def _block(word: DocxDocument, block: Block, align: Any, pt: Any, mm: Any) -> None:
    paragraph = word.add_paragraph()
    fmt = paragraph.paragraph_format
    if block.kind in ("title", "subtitle"):
        paragraph.alignment = align.CENTER
        if block.kind == "title":
            fmt.space_before = pt(6)
    elif block.kind == "heading":
        fmt.space_before = pt(8)
        fmt.keep_with_next = True
    elif block.kind == "subheading":
        paragraph.alignment = align.JUSTIFY
        fmt.space_before = pt(4)
        fmt.keep_with_next = True
    elif block.kind == "field":
        pass
    elif block.kind == "bullet":
        paragraph.alignment = align.JUSTIFY
        fmt.left_indent = mm(5)
        fmt.first_line_indent = mm(-5)
        paragraph.add_run("-\u00a0")
    else:  # paragraph, note
        paragraph.alignment = align.JUSTIFY
        fmt.first_line_indent = mm(10)
    _runs(paragraph, block.runs)


def _signature(word: DocxDocument, doc: ReviewDocument, align: Any) -> None:
    word.add_paragraph()
    table = word.add_table(rows=1, cols=2)
    _, right = table.rows[0].cells
    _lines(right, [(Run("NGƯỜI TỰ KIỂM ĐIỂM", bold=True),), (Run("(Ký, ghi rõ họ tên)", italic=True),),
                   (Run(""),), (Run(""),), (Run(""),), (Run(doc.signer, bold=True),)], align.CENTER)
