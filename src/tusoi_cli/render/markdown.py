"""Markdown rendering of member results (for minutes of the cell meeting, wikis, e-mail)."""

from __future__ import annotations

import re

from tusoi_cli.model import DISCIPLINE_LABELS, MemberResult, Rubric
from tusoi_cli.render.labels import (
    MODE_LABELS,
    SELF_LABELS,
    next_level_text,
    provisional_text,
    status_text,
    vn_date,
    vn_score,
)
from tusoi_cli.text import one_line

# Markdown and HTML syntax that could start inside a field; a backslash makes each one literal
# (CommonMark escapes any ASCII punctuation), so "<!--", "](", "**" or "|" in a name stay text.
_SYNTAX = re.compile(r"([\\`*_\[\]<>|~&#!$])")


def _md(text: object) -> str:
    """A field from an input or a rubric as literal Markdown text on one line (no control or bidi characters)."""
    return _SYNTAX.sub(r"\\\1", one_line(str(text if text is not None else "")))


_cell = _md  # a table cell needs nothing more: "|" is escaped and there is no line break


def member_markdown(result: MemberResult, rubric: Rubric) -> str:
    lines = [f"## {_md(result.ho_ten)}", ""]
    facts = [("Chi bộ", result.chi_bo), ("Chức vụ", result.chuc_vu), ("Kỳ đánh giá", result.ky_danh_gia),
             ("Bộ tiêu chí", f"{result.rubric} (phiên bản {result.rubric_version})")]
    lines += [f"- **{k}:** {_md(v)}" for k, v in facts if v]
    if result.level is None or result.score_level is None:
        lines.append(f"- **Xếp loại đề xuất:** không xếp loại — {_md(status_text(result))}")
    else:
        score_level = rubric.level(result.score_level).label
        lines.append(f"- **Điểm:** {vn_score(result.score)} — mức theo điểm: {_md(score_level)}")
        provisional = provisional_text(result)
        lines.append(f"- **Xếp loại đề xuất:** **{_md(result.level_label)}**"
                     + (f" ({_md(provisional)})" if provisional else ""))
    if result.self_level:
        lines.append(f"- **Tự xếp loại:** {_md(rubric.level(result.self_level).label)} "
                     f"({SELF_LABELS[result.self_comparison or 'same']})")
    if result.cell_level:
        reason = f" — {_md(result.cell_reason)}" if result.cell_reason else ""
        lines.append(f"- **Chi bộ xếp loại:** {_md(rubric.level(result.cell_level).label)}{reason}")
    labels = {slot.id: slot.label for slot in rubric.raters}
    for slot_id, rating in result.raters.items():
        if slot_id in ("self", "cell"):  # shown above, as before slots existed
            continue
        extra = "".join(f" — {_md(x)}" for x in (rating.reason, vn_date(rating.date) if rating.date else None) if x)
        lines.append(f"- **{_md(labels.get(slot_id, slot_id))}:** {_md(rating.label)}{extra}")
    if result.final_level and set(result.raters) - {"self"}:
        lines.append(f"- **Xếp loại cuối cùng:** **{_md(result.final_level_label or '')}**")
    if result.ky_luat:
        form = DISCIPLINE_LABELS.get(result.ky_luat_form or "")
        lines.append("- **Kỷ luật:** có" + (f" ({form.lower()})" if form else "") + " trong kỳ đánh giá")
    if result.invalid:
        lines.append("- **Lưu ý:** có câu trả lời không hợp lệ; kết quả chỉ là tạm tính.")
    if result.rating_flags:
        lines += ["", "**Cần trả lời trong biên bản họp:**", ""]
        lines += [f"- {_md(f.slot_label)}: {_md(f.level_label)} — {_md(f.reason)}" for f in result.rating_flags]
    if result.caps and result.level is not None:
        lines += ["", "**Giới hạn mức xếp loại:**", ""]
        for cap in result.caps:
            items = f" ({_md(', '.join(cap.items))})" if cap.items else ""
            lines.append(f"- tối đa {_md(cap.at_most_label)}: {_md(cap.reason)}{items}")
    if result.caps_not_checked and result.level is not None:
        lines += ["", "**Chưa kiểm tra (không coi là đạt):**", ""]
        lines += [f"- tối đa {_md(nc.at_most_label)}: {_md(nc.reason)} — {_md(nc.why)}"
                  for nc in result.caps_not_checked]
    lines += ["", "| Mục | Nội dung | Cách tính | Điểm | Có biểu hiện | Chưa trả lời | Không áp dụng | Không hợp lệ |",
              "|---|---|---|---:|---:|---:|---:|---:|"]
    for s in result.sections:
        lines.append(f"| {_md(s.id)} | {_cell(s.title)} | {MODE_LABELS[s.mode]} | {vn_score(s.points)} | {s.flagged} "
                     f"| {s.unanswered} | {s.not_applicable} | {s.invalid} |")
    flagged = [i for i in result.items if i.flagged]
    if flagged:
        lines += ["", "| Mã | Nội dung | Mức | Trừ | Biểu hiện | Khắc phục | Hạn |", "|---|---|---|---:|---|---|---|"]
        for i in flagged:
            lines.append(f"| {_md(i.id)} | {_cell(i.title)} | {_cell(i.label)} | {vn_score(i.points)} "
                         f"| {_cell(i.bieu_hien)} | {_cell(i.khac_phuc)} | {vn_date(i.han_khac_phuc)} |")
    if result.previous_shortcomings is not None:
        lines += ["", f"**Hạn chế kỳ trước ({len(result.previous_shortcomings)}):**", ""]
        if not result.previous_shortcomings:
            lines.append("Kỳ trước không có hạn chế nào phải khắc phục.")
        else:
            observed = any(p.observed for p in result.previous_shortcomings)
            lines += ["| Mã | Nội dung | Mức kỳ trước | Biểu hiện | Khắc phục | Hạn | Tự đánh giá | Ghi chú |"
                      + (" Theo tệp kỳ trước |" if observed else ""),
                      "|---|---|---|---|---|---|---|---|" + ("---|" if observed else "")]
            for p in result.previous_shortcomings:
                degree = p.degree_label or (vn_score(p.degree) if p.degree is not None else "")
                row = (f"| {_md(p.item)} | {_cell(p.item_title)} | {_cell(degree)} | {_cell(p.bieu_hien)} "
                       f"| {_cell(p.khac_phuc)} | {vn_date(p.han_khac_phuc)} | {_cell(p.result_label or 'chưa ghi')} "
                       f"| {_cell(p.note)} |")
                if observed:
                    seen = (p.observed_label or "") + (f" ({p.observed_reason})" if p.observed_reason else "")
                    row += f" {_cell(seen + (' — cảnh báo: ' + p.warning if p.warning else ''))} |"
                lines.append(row)
    for title, ids in (("Chưa trả lời", result.unanswered), ("Không áp dụng", result.not_applicable),
                       ("Không hợp lệ", result.invalid)):
        if ids:
            lines += ["", f"**{title} ({len(ids)}):** {_md(', '.join(ids))}"]
    if result.next_level:
        lines += ["", f"**Để đạt mức {_md(result.next_level.label)}:** {_md(next_level_text(result))}"]
    return "\n".join(lines) + "\n"


def results_markdown(results: list[tuple[MemberResult, Rubric]]) -> str:
    return "\n".join(member_markdown(r, rb) for r, rb in results)
