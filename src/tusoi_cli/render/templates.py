"""Blank forms: the member YAML template, and the list of members a sheet template is made for.

Everything shown about items (titles, scales, levels) comes from the rubric; nothing here knows
the default rubric's content. The YAML template is written as text (PyYAML's emitter cannot
write comments) and must read back with tusoi's own reader: no anchors, every header value
quoted, item ids plain.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata

from tusoi_cli.model import Rubric, Scale, Section
from tusoi_cli.model.people import NAME_PLACEHOLDER
from tusoi_cli.model.previous import CarriedItem
from tusoi_cli.model.values import fmt

_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# words YAML 1.1 (PyYAML) or 1.2 (editors) read as something other than text, when used as a plain key
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_COMMENT_WIDTH = 100


# --------------------------------------------------------------------------- shared texts


def scale_choices(scale: Scale, item_max: float | None = None, sep: str = "; ") -> str:
    """'0 = Không có; 1 = Có biểu hiện (mức 1)...' or 'số điểm từ 0 đến 10, bước 0,25'."""
    if scale.values is not None:
        return sep.join(f"{fmt(v.value)} = {v.label}" for v in scale.values)
    top = item_max if item_max is not None else scale.max
    text = f"số điểm từ {fmt(scale.min)}" + (f" đến {fmt(top)}" if top is not None else "")
    if scale.step:
        text += f", bước {fmt(scale.step)}"
    return text


def blank_value(scale: Scale) -> float:
    """The answer a blank form starts with: the value that says 'nothing to report' (0, or the scale's first)."""
    if scale.values:
        values = [v.value for v in scale.values]
        return 0.0 if 0 in values else values[0]
    return scale.min


def level_rules(rubric: Rubric) -> str:
    """'Tốt (từ 90 điểm), Khá (từ 75), ... Yếu kém (còn lại)'."""
    parts = []
    for index, level in enumerate(rubric.levels):
        if level.min_score is None:
            parts.append(f"{level.label} (còn lại)")
        else:
            parts.append(f"{level.label} (từ {fmt(level.min_score)}{' điểm' if index == 0 else ''})")
    return ", ".join(parts)


def section_note(section: Section) -> str:
    """How a section counts, in a few words: 'trừ 2 điểm × giá trị', 'cộng điểm', 'không tính điểm'."""
    if section.mode == "add":
        return "cộng điểm" + (f", tối đa {fmt(section.max)}" if section.max is not None else "")
    weights = {item.weight for item in section.items}
    if weights == {0.0}:
        return "không trừ điểm, chỉ dùng để giới hạn mức xếp loại"
    if len(weights) == 1:
        return f"trừ {fmt(next(iter(weights)))} điểm × giá trị"
    return "trừ điểm theo hệ số từng mục"


def _one_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(_one_line(text), ensure_ascii=False)


def _key(item_id: str) -> str:
    return item_id if _PLAIN_KEY.match(item_id) and item_id.lower() not in _RESERVED else _quote(item_id)


def _comment_block(text: str, indent: str = "") -> list[str]:
    lines = []
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            lines.append(f"{indent}#")
            continue
        lead = len(paragraph) - len(paragraph.lstrip())
        wrapped = textwrap.wrap(paragraph.strip(), width=_COMMENT_WIDTH - lead, break_long_words=False,
                                break_on_hyphens=False) or [""]
        lines.extend(f"{indent}# {' ' * lead}{line}".rstrip() for line in wrapped)
    return lines


# --------------------------------------------------------------------------- member YAML


def member_template(rubric: Rubric, *, rubric_ref: str, schema_name: str | None, ky: str | None = None,
                    ho_ten: str | None = None, chi_bo: str | None = None, ma_dang_vien: str | None = None,
                    chuc_vu: str | None = None, carried: list[CarriedItem] | None = None,
                    previous_period: str | None = None) -> str:
    """A member file listing every item of ``rubric`` with its 'nothing to report' value, grouped by section;
    with ``carried``, the previous period's open shortcomings in a ``ky_truoc`` list to report on."""
    lines: list[str] = []
    if schema_name:
        lines.append(f"# yaml-language-server: $schema={schema_name}")
    scales_used: dict[str, list[str]] = {}
    for section in rubric.sections:
        scales_used.setdefault(section.scale, []).append(section.id)
    first_scale = rubric.scales[rubric.sections[0].scale] if rubric.sections else None
    example_id = rubric.sections[0].items[0].id if rubric.sections and rubric.sections[0].items else "CT1"
    example_key = next(iter(scales_used), "gia_tri")
    example_value = "1" if first_scale is not None and first_scale.values and any(
        v.value == 1 for v in first_scale.values) else "..."
    intro = (
        f"BẢN TỰ ĐÁNH GIÁ \"TỰ SOI, TỰ SỬA\"\n"
        f"Bộ tiêu chí: {_one_line(rubric.title)} ({rubric.id}, phiên bản {rubric.version})\n"
        "\n"
        "Cách điền:\n"
        "1. Sửa phần thông tin đảng viên: họ và tên (bắt buộc), mã đảng viên, chi bộ, chức vụ.\n"
        "2. Ở từng mục, giữ nguyên giá trị nếu không có; nếu có, ghi mức theo thang bên dưới (số hoặc nhãn, "
        "có dấu hay không dấu đều được). Ghi na nếu mục không áp dụng với đồng chí; xóa dòng thì mục bị "
        "coi là chưa trả lời.\n"
        "3. Khi tự nhận một mục, nên ghi rõ biểu hiện, biện pháp và hạn khắc phục, ví dụ:\n"
        f"     {example_id}:\n"
        f"       {example_key}: {example_value}\n"
        "       bieu_hien: ...\n"
        "       khac_phuc: ...\n"
        "       han_khac_phuc: 30/06/2026\n"
        "4. Lưu tệp (mã UTF-8) rồi xem điểm và mức đề xuất: tusoi score <tên tệp>\n"
        "\n"
    )
    for scale_id, section_ids in scales_used.items():
        scale = rubric.scales[scale_id]
        intro += f"Thang \"{_one_line(scale.title)}\" (phần {', '.join(section_ids)}): {scale_choices(scale)}.\n"
    if rubric.levels:
        intro += f"Xếp loại theo điểm: {level_rules(rubric)}"
        intro += "; các giới hạn xếp loại: xem `tusoi rubric show`.\n" if rubric.caps else ".\n"
    lines.extend(_comment_block(intro.rstrip("\n")))
    lines.append(f"bo_tieu_chi: {_quote(rubric_ref)}")
    lines.append(f"ky_danh_gia: {_quote(ky or '')}")
    lines.append("dang_vien:")
    header = [
        (f"  ho_ten: {_quote(ho_ten or NAME_PLACEHOLDER)}", "bắt buộc"),
        (f"  ma_dang_vien: {_quote(ma_dang_vien)}" if ma_dang_vien else "  ma_dang_vien:",
         "mã đảng viên / số thẻ đảng, nếu có; ghi trong ngoặc kép, ví dụ \"01.2345\""),
        (f"  chi_bo: {_quote(chi_bo)}" if chi_bo else "  chi_bo:", "tên chi bộ"),
        (f"  chuc_vu: {_quote(chuc_vu)}" if chuc_vu else "  chuc_vu:", "chức vụ, nếu có"),
    ]
    levels = ", ".join(f"{lv.id} ({lv.label})" for lv in rubric.levels)
    tail = [
        ("tu_xep_loai:", f"mức đồng chí tự đề xuất: {levels}"),
        ("ky_luat: không", "có nếu bị kỷ luật trong kỳ, hoặc hình thức: khiển trách, cảnh cáo, cách chức, khai trừ"),
        ("trang_thai: đã kiểm điểm", "hoặc 'miễn: <lý do>' (nghỉ sinh hoạt...), hoặc 'chưa kiểm điểm'"),
    ]
    width = max(len(text) for text, _ in header + tail) + 2
    lines.extend(f"{text.ljust(width)}# {note}" for text, note in header)
    lines.extend(f"{text.ljust(width)}# {note}" for text, note in tail)
    lines.append("danh_gia:")
    key_width = max((len(_key(i.id)) + len(fmt(blank_value(rubric.scales[s.scale]))) + 4
                     for s, i in rubric.items()), default=0) + 2
    for section in rubric.sections:
        scale = rubric.scales[section.scale]
        lines.append("")
        lines.extend(_comment_block(f"{section.id}. {_one_line(section.title)} — {_one_line(scale.title)}, "
                                    f"{section_note(section)}", indent="  "))
        for item in section.items:
            entry = f"  {_key(item.id)}: {fmt(blank_value(scale))}"
            note = _one_line(item.title)
            if scale.values is None:
                top = item.max if item.max is not None else scale.max
                note += f" (tối đa {fmt(top)} điểm)" if top is not None else ""
            lines.append(f"{entry.ljust(key_width)}# {note}")
    if carried is not None:
        lines += ["", *carried_lines(rubric, carried, previous_period)]
    return "\n".join(lines) + "\n"


def carried_lines(rubric: Rubric, carried: list[CarriedItem], previous_period: str | None) -> list[str]:
    """The ``ky_truoc`` list of next period's form: each open shortcoming, and an empty result to fill."""
    from tusoi_cli.model.previous import RESULT_WORDS
    from tusoi_cli.model.values import readers

    period = f" (kỳ {previous_period})" if previous_period else ""
    lines = _comment_block(
        f"HẠN CHẾ, KHUYẾT ĐIỂM KỲ TRƯỚC{period} — kiểm điểm năm nay soi lại việc khắc phục. Với từng hạn chế, ghi "
        f"ket_qua: {RESULT_WORDS}; ghi_chu: đã làm gì, còn gì. Không sửa muc, muc_do, bieu_hien (lời của kỳ trước).")
    if not carried:
        return [*lines, "ky_truoc: []  # kỳ trước không có hạn chế nào phải khắc phục"]
    lines.append("ky_truoc:")
    titles = {item.id: (section, item) for section, item in rubric.items()}
    scale_readers = readers(rubric)
    for entry in carried:
        found = titles.get(entry.muc)
        lines.append(f"  - muc: {_quote(entry.muc)}" + (f"  # {_one_line(found[1].title)}" if found else ""))
        if entry.muc_do is not None:
            label = scale_readers[found[0].scale].label(entry.muc_do) if found else None
            lines.append(f"    muc_do: {fmt(entry.muc_do)}" + (f"  # {label}" if label else ""))
        for key in ("bieu_hien", "khac_phuc"):
            value = getattr(entry, key)
            if value:
                lines.append(f"    {key}: {_quote(value)}")
        if entry.han_khac_phuc is not None:
            lines.append(f"    han_khac_phuc: {_quote(entry.han_khac_phuc.strftime('%d/%m/%Y'))}")
        lines.append("    ket_qua:        # đã / đang / chưa (khắc phục)")
        lines.append("    ghi_chu:")
    return lines
