"""The review document (bản kiểm điểm cá nhân) of one member, as data: pure, no file and no Word library.

The skeleton follows forms 2A/2B/2C of Hướng dẫn 43-HD/BTCTW (31/10/2025) as described in
docs/kiem-diem.md; the headings are paraphrased there (the official text could not be checked). Every
part the member has not written stays a visible prompt in brackets: nothing is invented for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tusoi_cli.model import ItemResult, MemberResult, Rubric
from tusoi_cli.model.review import (
    DEFAULT_FORM,
    FORM_LABELS,
    PREVIOUS_RESULT_LABELS,
    Block,
    BlockKind,
    PreviousResult,
    PreviousShortcoming,
    ReviewDocument,
    ReviewFields,
    ReviewForm,
    Run,
)
from tusoi_cli.render.labels import vn_date, vn_score
from tusoi_cli.text import fold

# The four levels of the form (QĐ 366-QĐ/TW): a rubric with other levels gets a note in B.II, never a translation.
FORM_LEVELS = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
               "Không hoàn thành nhiệm vụ")

HEADINGS: dict[str, str] = {
    "A": "A. NỘI DUNG KIỂM ĐIỂM",
    "A.I": "I. Ưu điểm, kết quả đạt được",
    "A.I.1": ("1. Về phẩm chất chính trị, đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc; "
              "trách nhiệm nêu gương; việc thực hiện những điều đảng viên không được làm"),
    "A.I.2": "2. Kết quả thực hiện chức trách, nhiệm vụ được giao",
    "A.I.2.2C": "2. Kết quả thực hiện nhiệm vụ do chi bộ giao",
    "A.I.3": "3. Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
    "A.I.4": ("4. Kết quả lãnh đạo, quản lý; trách nhiệm nêu gương của bản thân và gia đình; công tác phòng, chống "
              "tham nhũng, lãng phí, tiêu cực"),
    "A.II": "II. Hạn chế, khuyết điểm và nguyên nhân",
    "A.III": "III. Kết quả khắc phục những hạn chế, khuyết điểm đã được kết luận hoặc chỉ ra ở các kỳ kiểm điểm trước",
    "A.IV": "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
    "A.V": "V. Làm rõ trách nhiệm của cá nhân đối với hạn chế, khuyết điểm của tập thể (nếu có)",
    "A.VI": "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
    "B": "B. TỰ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
    "B.I": "I. Tự chấm điểm",
    "B.II": "II. Tự nhận mức xếp loại chất lượng",
}

PROMPTS: dict[str, str] = {
    "ho_ten": "[họ và tên]",
    "ngay_sinh": "[ngày sinh]",
    "chuc_vu": "[chức vụ]",
    "don_vi": "[đơn vị công tác]",
    "chi_bo": "[chi bộ]",
    "nam": "[năm]",
    "uu_diem": "[Nêu ưu điểm về tư tưởng chính trị, phẩm chất đạo đức, lối sống, ý thức tổ chức kỷ luật, tác phong, "
               "lề lối làm việc, trách nhiệm nêu gương]",
    "bieu_hien": "[ghi biểu hiện cụ thể]",
    "nhiem_vu": "[Nêu kết quả thực hiện chức trách, nhiệm vụ được giao trong năm: khối lượng, tiến độ, chất lượng]",
    "nhiem_vu_2C": "[Nêu kết quả thực hiện nhiệm vụ do chi bộ giao trong năm]",
    "cam_ket": "[Nêu việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu đầu năm]",
    "lanh_dao": ("[Nêu kết quả lãnh đạo, quản lý cơ quan, đơn vị được giao; việc nêu gương của bản thân và gia đình; "
                 "công tác phòng, chống tham nhũng, lãng phí, tiêu cực]"),
    "han_che_khac": "[Nêu hạn chế, khuyết điểm khác (nếu có)]",
    "nguyen_nhan": "[Nêu nguyên nhân của hạn chế, khuyết điểm (chủ quan, khách quan)]",
    "ky_truoc": ("[Nêu từng hạn chế, khuyết điểm đã được kết luận hoặc chỉ ra ở kỳ trước và kết quả khắc phục: đã "
                 "khắc phục, đang khắc phục hoặc chưa khắc phục]"),
    "ket_qua": "[ghi kết quả: đã khắc phục, đang khắc phục hoặc chưa khắc phục]",
    "giai_trinh": "[Giải trình những vấn đề được cấp trên gợi ý kiểm điểm; ghi “Không có” nếu không có]",
    "trach_nhiem": "[Nêu trách nhiệm của cá nhân đối với hạn chế, khuyết điểm của tập thể; ghi “Không có” nếu không "
                   "có]",
    "khac_phuc": "[ghi biện pháp khắc phục]",
    "han_khac_phuc": "[ghi hạn khắc phục]",
    "phuong_huong": "[Nêu phương hướng, biện pháp khắc phục hạn chế, khuyết điểm trong thời gian tới]",
    "diem": "[Tự chấm điểm theo tiêu chí cụ thể của cơ quan, đơn vị (tiêu chí chung, kết quả thực hiện nhiệm vụ)]",
    "tu_xep_loai": "[ghi mức tự xếp loại]",
}


def build_review(result: MemberResult, rubric: Rubric, review: ReviewFields | None = None, *,
                 form: ReviewForm | None = None, previous: Sequence[PreviousShortcoming] | None = None,
                 cell: str | None = None, period: str | None = None) -> ReviewDocument:
    """The review document of one member from their scored self-evaluation.

    ``form`` (``--mau``) wins over the member file's ``mau_kiem_diem``, which wins over 2B. ``previous`` is
    the member's list of last period's shortcomings (``ky_truoc``): None leaves A.III a prompt for the
    member, an empty list says there was none. ``cell`` and ``period`` (``--chi-bo``, ``--ky``) fill the
    header only where the member's own file or row says nothing.
    """
    fields = review or ReviewFields.model_construct()
    chosen: ReviewForm = form or fields.mau_kiem_diem or DEFAULT_FORM
    if (cell and not result.chi_bo) or (period and not result.ky_danh_gia):
        result = result.model_copy(update={"chi_bo": result.chi_bo or cell,
                                           "ky_danh_gia": result.ky_danh_gia or period})
    doc = ReviewDocument(form=chosen, cell=result.chi_bo, signer=result.ho_ten)
    ctx: dict[str, Any] = doc.fields
    ctx.update(mau=chosen, mau_label=FORM_LABELS[chosen])

    def add(kind: BlockKind, *runs: Run, key: str = "") -> None:
        doc.blocks.append(Block(kind, tuple(runs), key))

    def given(name: str, value: str | None, prompt_key: str | None = None) -> Run:
        run = _filled(value, prompt_key or name)
        ctx[name] = run.text
        return run

    # --- title and the member's particulars
    add("title", Run("BẢN KIỂM ĐIỂM CÁ NHÂN", bold=True), key="title")
    add("subtitle", Run("Năm "), given("nam", result.ky_danh_gia), key="year")
    add("subtitle", Run(f"(Mẫu {chosen}: {FORM_LABELS[chosen]})", italic=True), key="form")
    add("field", Run("Họ và tên: "), Run(result.ho_ten, bold=True), Run("        Ngày sinh: "),
        given("ngay_sinh", vn_date(fields.ngay_sinh) or None), key="ho_ten")
    ctx.update(ho_ten=result.ho_ten, ma_dang_vien=result.ma_dang_vien or "")
    add("field", Run("Chức vụ: "), given("chuc_vu", result.chuc_vu), key="chuc_vu")
    add("field", Run("Đơn vị công tác: "), given("don_vi", fields.don_vi), key="don_vi")
    add("field", Run("Chi bộ: "), given("chi_bo", result.chi_bo), key="chi_bo")

    # --- A. review content
    add("heading", Run(HEADINGS["A"], bold=True), key="A")
    add("subheading", Run(HEADINGS["A.I"], bold=True), key="A.I")
    add("subheading", Run(HEADINGS["A.I.1"], bold=True, italic=True), key="A.I.1")
    add("paragraph", given("uu_diem", fields.uu_diem), key="A.I.1")
    relation = _relation(result, rubric)
    ctx["tu_soi"] = "".join(run.text for run in relation)
    add("paragraph", *relation, key="A.I.1")
    if chosen == "2C":
        add("subheading", Run(HEADINGS["A.I.2.2C"], bold=True, italic=True), key="A.I.2")
        add("paragraph", given("nhiem_vu", fields.nhiem_vu, "nhiem_vu_2C"), key="A.I.2")
    else:
        add("subheading", Run(HEADINGS["A.I.2"], bold=True, italic=True), key="A.I.2")
        add("paragraph", given("nhiem_vu", fields.nhiem_vu), key="A.I.2")
    add("subheading", Run(HEADINGS["A.I.3"], bold=True, italic=True), key="A.I.3")
    add("paragraph", given("cam_ket", fields.cam_ket), key="A.I.3")
    ctx["lanh_dao"] = ""
    if chosen == "2A":
        add("subheading", Run(HEADINGS["A.I.4"], bold=True, italic=True), key="A.I.4")
        add("paragraph", given("lanh_dao", None), key="A.I.4")

    flagged = [item for item in result.items if item.flagged]
    add("subheading", Run(HEADINGS["A.II"], bold=True), key="A.II")
    ctx["han_che"] = [{"noi_dung": i.title, "muc_do": i.label or "", "bieu_hien": i.bieu_hien or PROMPTS["bieu_hien"]}
                      for i in flagged]
    for item in flagged:
        add("bullet", Run(f"{item.title} — {_degree(item)}: "), *_own_words(item), key="A.II")
    if not flagged:
        add("paragraph", Run("Qua tự đối chiếu, bản thân không tự nhận hạn chế, khuyết điểm nào theo các nội dung "
                             "tự soi, tự sửa."), key="A.II")
    add("paragraph", Run(PROMPTS["han_che_khac"], italic=True, prompt=True), key="A.II")
    add("paragraph", Run("Nguyên nhân: "), Run(PROMPTS["nguyen_nhan"], italic=True, prompt=True), key="A.II")
    ctx["han_che_text"] = _part_text(doc, "A.II")

    add("subheading", Run(HEADINGS["A.III"], bold=True), key="A.III")
    _previous(add, previous, ctx)

    add("subheading", Run(HEADINGS["A.IV"], bold=True), key="A.IV")
    add("paragraph", given("giai_trinh", fields.giai_trinh), key="A.IV")
    add("subheading", Run(HEADINGS["A.V"], bold=True), key="A.V")
    add("paragraph", given("trach_nhiem", fields.trach_nhiem), key="A.V")

    add("subheading", Run(HEADINGS["A.VI"], bold=True), key="A.VI")
    ctx["khac_phuc"] = []
    for item in flagged:
        measure = _filled(item.khac_phuc, "khac_phuc")
        deadline = _filled(vn_date(item.han_khac_phuc) or None, "han_khac_phuc")
        ctx["khac_phuc"].append({"noi_dung": item.title, "bien_phap": measure.text, "han": deadline.text})
        add("bullet", Run(f"{item.title}: "), measure, Run("; hạn khắc phục: "), deadline, Run("."), key="A.VI")
    add("paragraph", Run(PROMPTS["phuong_huong"], italic=True, prompt=True), key="A.VI")
    ctx["khac_phuc_text"] = _part_text(doc, "A.VI")

    # --- B. self-rating
    add("heading", Run(HEADINGS["B"], bold=True), key="B")
    add("subheading", Run(HEADINGS["B.I"], bold=True), key="B.I")
    for block in _points(result, rubric, ctx):
        doc.blocks.append(block)
    add("subheading", Run(HEADINGS["B.II"], bold=True), key="B.II")
    own = rubric.level(result.self_level).label if result.self_level else None
    add("paragraph", Run("Mức tự xếp loại: "), given("tu_xep_loai", own), key="B.II")
    note = _levels_note(rubric)
    ctx["ghi_chu_xep_loai"] = note or ""
    if note:
        add("note", Run(note, italic=True), key="B.II")
    return doc


def _filled(value: str | None, prompt_key: str) -> Run:
    """The member's own text, or the visible prompt for it."""
    return Run(value.strip()) if value and value.strip() else Run(PROMPTS[prompt_key], italic=True, prompt=True)


def _part_text(doc: ReviewDocument, key: str) -> str:
    """The text of one part of the form without its heading, a line per paragraph (for templates)."""
    return "\n".join("".join(run.text for run in b.runs) for b in doc.blocks
                     if b.key == key and b.kind not in ("heading", "subheading"))


def _degree(item: ItemResult) -> str:
    """The degree as the rubric's scale labels it ("Có biểu hiện (mức 1)"), lower-cased to sit in a sentence."""
    label = item.label or "có"
    return label[:1].lower() + label[1:]


def _own_words(item: ItemResult) -> list[Run]:
    if item.bieu_hien:
        return [Run(f"“{item.bieu_hien.strip().rstrip('.;')}”.")]
    return [Run(PROMPTS["bieu_hien"], italic=True, prompt=True), Run(".")]


def _relation(result: MemberResult, rubric: Rubric) -> list[Run]:
    """A.I.1: the member against the rubric's catalogues (expressions, prohibitions), in a paragraph."""
    deduct = [s for s in rubric.sections if s.mode == "deduct"]
    ids = {i.id for s in deduct for i in s.items}
    titles = "; ".join(s.title for s in deduct)
    against = f"Đối chiếu với các nội dung tự soi, tự sửa ({titles})" if titles else "Đối chiếu với bộ tiêu chí"
    flagged = [i for i in result.items if i.flagged and i.id in ids]
    open_items = [i for i in result.items if i.id in ids and i.state in ("unanswered", "invalid")]
    runs: list[Run] = []
    if flagged:
        runs.append(Run(f"{against}, bản thân tự nhận có {len(flagged)} nội dung: "))
        for index, item in enumerate(flagged):
            runs.append(Run(f"{item.title} — {_degree(item)}: "))
            runs.append(Run(f"“{item.bieu_hien.strip().rstrip('.;')}”") if item.bieu_hien else
                        Run(PROMPTS["bieu_hien"], italic=True, prompt=True))
            runs.append(Run("; " if index < len(flagged) - 1 else "."))
    elif open_items:
        runs.append(Run(f"{against}, trong các nội dung đã tự đánh giá, bản thân không tự nhận biểu hiện, vi phạm "
                        "nào."))
    else:
        runs.append(Run(f"{against}, bản thân không tự nhận biểu hiện, vi phạm nào."))
    if open_items:
        runs.append(Run(f" Còn {len(open_items)} nội dung chưa tự đánh giá: ", italic=True))
        runs.append(Run("[tự đánh giá các nội dung còn lại]", italic=True, prompt=True))
    return runs


def _previous(add: Any, previous: Sequence[PreviousShortcoming] | None, ctx: dict[str, Any]) -> None:
    ctx["ky_truoc"] = []
    if previous is None:
        ctx["ky_truoc_text"] = PROMPTS["ky_truoc"]
        add("paragraph", Run(PROMPTS["ky_truoc"], italic=True, prompt=True), key="A.III")
        return
    if not previous:
        text = "Kỳ trước bản thân không có hạn chế, khuyết điểm nào được kết luận hoặc chỉ ra."
        ctx["ky_truoc_text"] = text
        add("paragraph", Run(text), key="A.III")
        return
    lines = []
    for entry in previous:
        runs = [Run(entry.title)]
        if entry.bieu_hien:
            runs.append(Run(f" (“{entry.bieu_hien.strip().rstrip('.')}”)"))
        runs.append(Run(": "))
        result = PREVIOUS_RESULT_LABELS[entry.result] if entry.result else None
        runs.append(Run(result, bold=True) if result else Run(PROMPTS["ket_qua"], italic=True, prompt=True))
        if entry.note:
            runs.append(Run(f"; {entry.note.strip().rstrip('.')}"))
        if entry.observed is not None:
            seen = PREVIOUS_RESULT_LABELS[entry.observed]
            if entry.observed == entry.result:
                runs.append(Run(f" (đối chiếu bản tự đánh giá kỳ trước: {seen})"))
            else:
                runs.append(Run(f" (lưu ý: đối chiếu bản tự đánh giá kỳ trước thì {seen}, khác với kết quả tự nêu)",
                                italic=True))
        runs.append(Run("."))
        add("bullet", *runs, key="A.III")
        lines.append("".join(r.text for r in runs))
        ctx["ky_truoc"].append({"noi_dung": entry.title, "bieu_hien": entry.bieu_hien or "",
                                "ket_qua": result or PROMPTS["ket_qua"], "ghi_chu": entry.note or ""})
    ctx["ky_truoc_text"] = "\n".join(lines)


def _points(result: MemberResult, rubric: Rubric, ctx: dict[str, Any]) -> list[Block]:
    """B.I: points only when the rubric says which of its sections are the form's general and task parts."""
    parts = {part: [s for s in rubric.sections if s.form_part == part] for part in ("general", "tasks")}
    if not parts["general"] or not parts["tasks"]:
        ctx.update(diem_chung="", diem_nhiem_vu="", diem_tong="", diem_text=PROMPTS["diem"])
        return [Block("paragraph", (Run(PROMPTS["diem"], italic=True, prompt=True),), "B.I"),
                Block("note", (Run(f"Bộ tiêu chí “{rubric.title}” không khai báo phần tiêu chí chung và phần kết quả "
                                   "thực hiện nhiệm vụ của mẫu kiểm điểm (form_part), nên tusoi không ghi điểm.",
                                   italic=True),), "B.I")]
    by_id = {s.id: s for s in result.sections}
    if not result.complete:
        ctx.update(diem_chung="", diem_nhiem_vu="", diem_tong="", diem_text=PROMPTS["diem"])
        return [Block("paragraph", (Run(PROMPTS["diem"], italic=True, prompt=True),), "B.I"),
                Block("note", (Run("Chưa tự chấm đủ các tiêu chí, nên tusoi không ghi điểm.", italic=True),), "B.I")]

    def part(name: str) -> tuple[float, float | None]:
        got = sum(by_id[s.id].points for s in parts[name] if s.id in by_id)
        maxima = [s.max for s in parts[name]]
        return got, (sum(m for m in maxima if m is not None) if all(m is not None for m in maxima) else None)

    general, general_max = part("general")
    tasks, tasks_max = part("tasks")
    total_max = general_max + tasks_max if general_max is not None and tasks_max is not None else None

    def shown(points: float, most: float | None) -> str:
        return vn_score(points) + (f"/{vn_score(most)}" if most is not None else "") + " điểm"

    ctx.update(diem_chung=vn_score(general), diem_nhiem_vu=vn_score(tasks), diem_tong=vn_score(general + tasks))
    lines = [f"Tiêu chí chung: {shown(general, general_max)}.",
             f"Kết quả thực hiện nhiệm vụ: {shown(tasks, tasks_max)}.",
             f"Tổng cộng: {shown(general + tasks, total_max)}."]
    ctx["diem_text"] = " ".join(lines)
    return [Block("bullet", (Run(line),), "B.I") for line in lines]


def _levels_note(rubric: Rubric) -> str | None:
    """A note when the rubric's levels are not the form's four "Hoàn thành …" levels (never translated)."""
    if sorted(fold(lv.label) for lv in rubric.levels) == sorted(fold(label) for label in FORM_LEVELS):
        return None
    own = ", ".join(lv.label for lv in rubric.levels)
    return (f"Ghi chú: mức tự xếp loại theo bộ tiêu chí “{rubric.title}” ({own}), không phải bốn mức của mẫu "
            f"({', '.join(FORM_LEVELS)}); chi bộ đối chiếu khi xếp loại.")


# compare's observed states, as the document words them beside the member's own result
_OBSERVED: dict[str, PreviousResult] = {"fixed": "fixed", "improved": "in_progress", "unchanged": "not_fixed",
                                        "worse": "not_fixed"}


def previous_from_result(result: MemberResult) -> list[PreviousShortcoming] | None:
    """A.III's entries from the result's ``previous_shortcomings`` (the member file's ``ky_truoc``, and with a
    previous period's file what the two periods show); None when the result knows nothing of the previous period."""
    if result.previous_shortcomings is None:
        return None
    return [PreviousShortcoming(title=p.item_title or p.item, bieu_hien=p.bieu_hien, result=p.result, note=p.note,
                                observed=_OBSERVED.get(p.observed) if p.observed else None)
            for p in result.previous_shortcomings]
