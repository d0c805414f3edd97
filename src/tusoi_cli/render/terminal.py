"""Rich rendering for the terminal: a panel per member, a summary table for several members."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tusoi_cli.errors import Problem
from tusoi_cli.model import DISCIPLINE_LABELS, STATUS_LABELS, MemberResult, Rubric, RubricDocument, SectionResult

if TYPE_CHECKING:
    from tusoi_cli.model.batch import BatchResult, BatchSummary
from tusoi_cli.render.labels import (
    MODE_LABELS,
    SELF_LABELS,
    next_level_text,
    provisional_text,
    status_text,
    vn_date,
    vn_percent,
    vn_score,
)


def problem_lines(problem: Problem, width: int) -> list[str]:
    """``problem`` wrapped to ``width`` at word boundaries; the location (file:row:column) stays whole on the
    first line and the following lines are indented, so each problem still reads as one block."""
    import textwrap

    body = problem.message + (f" — {problem.hint}" if problem.hint else "")
    head = f"{problem.location()}: "
    width = max(width, 40)
    words = body.split(maxsplit=1)
    if words and len(head) + len(words[0]) > width:  # a long path: the location alone on the first line
        return [head.rstrip(), *textwrap.wrap(body, width=width, initial_indent="    ", subsequent_indent="    ",
                                              break_long_words=False, break_on_hyphens=False)]
    return textwrap.wrap(body, width=width, initial_indent=head, subsequent_indent="    ",
                         break_long_words=False, break_on_hyphens=False) or [str(problem)]


def _level_text(rubric: Rubric, level_id: str, *, bold: bool = True) -> Text:
    level = rubric.level(level_id)
    return Text(level.label, style=f"{'bold ' if bold else ''}{level.color}")


def _proposed(result: MemberResult, rubric: Rubric) -> Text:
    """The proposed level, or why there is none; a provisional level says so."""
    if result.level is None:
        return Text(f"không xếp loại — {status_text(result)}", style="bold yellow")
    text = _level_text(rubric, result.level)
    provisional = provisional_text(result)
    if provisional:
        text.append(f" ({provisional})", style="yellow")
    return text


def _section_name(section: SectionResult, short: dict[str, str]) -> str:
    return f"{section.id} {short.get(section.id) or section.title}"


def member_panel(result: MemberResult, rubric: Rubric) -> Panel:
    """One member on one screen: at 80 columns a member with three flagged items fits in 50 lines."""
    head = Table.grid(padding=(0, 2))
    head.add_column(style="dim", no_wrap=True)
    head.add_column()
    who = " · ".join(x for x in (result.chuc_vu, result.chi_bo) if x)
    if result.ma_dang_vien:
        who += (" · " if who else "") + f"mã {result.ma_dang_vien}"
    if who:
        head.add_row("Đảng viên", who)
    period = f"kỳ {result.ky_danh_gia} · " if result.ky_danh_gia else ""
    head.add_row("Bộ tiêu chí", f"{period}{result.rubric} (phiên bản {result.rubric_version})")
    if result.level is not None and result.score_level is not None:
        score = Text(vn_score(result.score), style="bold")
        score.append("  mức theo điểm: ", style="dim")
        score.append_text(_level_text(rubric, result.score_level, bold=False))
        head.add_row("Điểm", score)
    head.add_row("Xếp loại đề xuất", _proposed(result, rubric))
    _slots(head, result, rubric)
    if result.ky_luat:
        form = DISCIPLINE_LABELS.get(result.ky_luat_form or "", "")
        head.add_row("Kỷ luật", Text(f"có{', ' + form.lower() if form else ''} (trong kỳ đánh giá)", style="red"))

    parts: list[RenderableType] = [head]
    if result.rating_flags:
        parts += [Text(""), Text("Cần trả lời trong biên bản họp", style="bold"), flags_table(result)]
    if result.invalid:
        parts.append(Text("Có câu trả lời không hợp lệ (xem lỗi ở trên): mức chỉ là tạm tính.", style="bold red"))
    if result.caps and result.level is not None:
        caps = Table.grid(padding=(0, 1))
        caps.add_column(no_wrap=True)
        caps.add_column()
        for cap in result.caps:
            line = Text.assemble("tối đa ", (cap.at_most_label, rubric.level(cap.at_most).color), f": {cap.reason}")
            if cap.items:
                line.append(f" ({', '.join(cap.items)})", style="dim")
            caps.add_row("•", line)
        parts += [Text(""), Text("Giới hạn mức xếp loại", style="bold"), caps]
    if result.caps_not_checked and result.level is not None:
        unchecked = Table.grid(padding=(0, 1))
        unchecked.add_column(no_wrap=True)
        unchecked.add_column()
        for nc in result.caps_not_checked:
            unchecked.add_row("•", Text.assemble(f"tối đa {nc.at_most_label}: {nc.reason} — ", (nc.why, "dim")))
        parts += [Text(""), Text("Chưa kiểm tra (không coi là đạt)", style="bold yellow"), unchecked]
    if result.previous_shortcomings is not None:
        parts += [Text(""), *previous_block(result)]

    answered_any = len(result.unanswered) < len(result.items)
    if answered_any:
        short = {s.id: s.short for s in rubric.sections if s.short}
        sections = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1))
        sections.add_column("Phần", no_wrap=True)
        # fixed widths that break each heading over two lines at most: the table stays short at 80 columns
        sections.add_column("Điểm", justify="right", no_wrap=True, min_width=5)
        sections.add_column("Biểu hiện", justify="right", width=5)
        sections.add_column("Chưa trả lời", justify="right", width=8)
        sections.add_column("Không áp dụng", justify="right", width=8)
        sections.add_column("Không hợp lệ", justify="right", width=7)
        for s in result.sections:
            sign = "−" if s.mode == "deduct" and s.points else "+" if s.mode == "add" and s.points else ""
            sections.add_row(_section_name(s, short), f"{sign}{vn_score(s.points)}",
                             str(s.flagged) if s.mode == "deduct" else "", _count(s.unanswered, "yellow"),
                             _count(s.not_applicable, "blue"), _count(s.invalid, "red"))
        parts += [Text(""), sections]

    flagged = [i for i in result.items if i.flagged]
    if flagged:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True, style="bold")
        table.add_column()
        for i in flagged:
            text = Text(i.title, style="bold")
            text.append(f" — {i.label or vn_score(i.value or 0)}, trừ {vn_score(i.points)}")
            _append_remedy(text, i.bieu_hien, i.khac_phuc, i.han_khac_phuc)
            table.add_row(i.id, text)
        parts += [Text(""), Text(f"Các biểu hiện, vi phạm đã tự nhận ({len(flagged)})", style="bold"), table]
    lists = Text()
    if not answered_any:
        lists.append("Chưa trả lời mục nào.", style="bold yellow")
    for title, ids, style in (("Chưa trả lời", result.unanswered if answered_any else [], "yellow"),
                              ("Không áp dụng", result.not_applicable, "blue"),
                              ("Không hợp lệ", result.invalid, "red")):
        if ids:
            lists.append("\n" if lists else "")
            lists.append(f"{title} ({len(ids)}): ", style=f"bold {style}")
            lists.append(", ".join(ids))
    if result.level is not None:
        lists.append("\n" if lists else "")
        if result.next_level:
            lists.append(f"Để đạt mức {result.next_level.label}: ", style="bold")
            lists.append(next_level_text(result))
        else:
            lists.append("Đã ở mức cao nhất của bộ tiêu chí.", style="green")
    if lists:
        parts += [Text(""), lists]
    if result.level is not None:
        level = rubric.level(result.level)
        badge, color = level.label.upper(), level.color
    else:
        badge, color = result.status_label.upper(), "yellow"
    heading = Text.assemble((result.ho_ten, "bold"), "  ", (f" {badge} ", f"bold reverse {color}"))
    if provisional_text(result):
        heading.append(" tạm tính", style="yellow")
    return Panel(Group(*parts), title=heading, title_align="left", border_style=color,
                 subtitle=result.source, subtitle_align="right")


def _slots(head: Table, result: MemberResult, rubric: Rubric) -> None:
    """The rater slots in the rubric's order, the vote, and the final level."""
    from tusoi_cli.model import CELL_SLOT, SELF_SLOT, Rating

    raters = dict(result.raters)
    if result.self_level and SELF_SLOT not in raters:  # a result made without slots
        raters[SELF_SLOT] = Rating.model_construct(level=result.self_level, label="", reason=None, date=None)
    if result.cell_level and CELL_SLOT not in raters:
        raters[CELL_SLOT] = Rating.model_construct(level=result.cell_level, label="", reason=result.cell_reason,
                                                   date=None)
    labels = {slot.id: slot.label for slot in rubric.raters}
    order = [*labels, *(slot_id for slot_id in raters if slot_id not in labels)]
    for slot_id in order:
        rating = raters.get(slot_id)
        if rating is None:
            continue
        if slot_id == SELF_SLOT:
            text = _level_text(rubric, rating.level, bold=False)
            if result.self_comparison:
                text.append(f" — {SELF_LABELS[result.self_comparison]}")
        elif slot_id == CELL_SLOT:
            text = Text.assemble(_level_text(rubric, rating.level), " (chi bộ quyết định)")
        else:
            text = _level_text(rubric, rating.level, bold=False)
        if rating.reason:
            text.append(f" — {rating.reason}")
        if rating.date:
            text.append(f" ({vn_date(rating.date)})", style="dim")
        head.add_row(labels.get(slot_id, slot_id), text)
    if result.vote is not None:
        head.add_row("Biểu quyết", vote_text(result, rubric))
    if result.final_level and set(result.raters) - {SELF_SLOT}:
        head.add_row("Xếp loại cuối cùng", _level_text(rubric, result.final_level))


def vote_text(result: MemberResult, rubric: Rubric) -> Text:
    """'Khá — 7/9 phiếu (Tốt 3, Khá 4, Trung bình 2)', or no majority."""
    vote = result.vote
    assert vote is not None
    counts = ", ".join(f"{rubric.level(level).label} {n}" for level, n in vote.counts.items() if n)
    if vote.level is None:
        text = Text("không mức nào đủ số phiếu", style="bold yellow")
    else:
        text = _level_text(rubric, vote.level)
    text.append(f" — {vote.present} có mặt" + (f"; {counts}" if counts else "; chưa có phiếu"))
    return text


def flags_table(result: MemberResult) -> Table:
    flags = Table.grid(padding=(0, 1))
    flags.add_column(no_wrap=True)
    flags.add_column()
    for flag in result.rating_flags:
        flags.add_row("•", Text.assemble((f"{flag.slot_label}: {flag.level_label}", "bold yellow"),
                                         f" — {flag.reason}"))
    return flags
def previous_block(result: MemberResult) -> list[RenderableType]:
    """The previous period's shortcomings: the member's own result, and what the files show beside it."""
    shown = result.previous_shortcomings or []
    title = Text(f"Hạn chế kỳ trước ({len(shown)})", style="bold")
    if not shown:
        return [title, Text("Kỳ trước không có hạn chế nào phải khắc phục.", style="dim")]
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    for p in shown:
        text = Text(p.item_title or "(mục của bộ tiêu chí kỳ trước)", style="bold")
        if p.degree_label or p.degree is not None:
            text.append(f" — kỳ trước: {p.degree_label or vn_score(p.degree or 0)}")
        _append_remedy(text, p.bieu_hien, p.khac_phuc, p.han_khac_phuc)
        text.append("\nTự đánh giá: ", style="dim")
        text.append(p.result_label or "chưa ghi", style="green" if p.result == "fixed" else "yellow")
        if p.note:
            text.append(f" — {p.note}")
        if p.observed_label:
            text.append("\nTheo tệp kỳ trước: ", style="dim")
            text.append(p.observed_label + (f" ({p.observed_reason})" if p.observed_reason else ""))
        if p.warning:
            text.append(f"\nCảnh báo: {p.warning}", style="bold red")
        table.add_row(p.item, text)
    return [title, table]


def _append_remedy(text: Text, bieu_hien: str | None, khac_phuc: str | None, han_khac_phuc: date | None) -> None:
    """The shortcoming's own words under its title: "Biểu hiện: ...", "Khắc phục: ... (hạn ...)"."""
    if bieu_hien:
        text.append("\nBiểu hiện: ", style="dim")
        text.append(bieu_hien)
    if khac_phuc or han_khac_phuc:
        text.append("\nKhắc phục: ", style="dim")
        text.append(khac_phuc or "")
        if han_khac_phuc:
            text.append(f" (hạn {vn_date(han_khac_phuc)})")


def _count(number: int, style: str) -> Text:
    return Text(str(number), style=style) if number else Text("0", style="dim")


def summary_table(results: list[tuple[MemberResult, Rubric]]) -> Table:
    """One line per member; columns nobody filled (self-level, cell's level) are left out to fit 80 columns."""
    table = Table(title=f"Tổng hợp {len(results)} đảng viên", title_justify="left")
    with_self = any(r.self_level for r, _ in results)
    with_cell = any(r.cell_level for r, _ in results)
    table.add_column("STT", justify="right")
    table.add_column("Họ và tên")
    table.add_column("Điểm", justify="right")
    table.add_column("Xếp loại đề xuất")
    if with_self:
        table.add_column("Tự xếp loại")
    if with_cell:
        table.add_column("Chi bộ xếp loại")
    table.add_column("Có biểu hiện / vi phạm")
    table.add_column("Chưa trả lời", justify="right")
    for index, (r, rubric) in enumerate(results, start=1):
        if r.level is None:
            proposed = Text(r.status_label, style="yellow")
        else:
            proposed = _level_text(rubric, r.level)
            if not r.complete:
                proposed.append(" (tạm tính)", style="yellow")
        cells: list[RenderableType] = [str(index), r.ho_ten, vn_score(r.score) if r.level is not None else "—",
                                       proposed]
        if with_self:
            cells.append(_level_text(rubric, r.self_level, bold=False) if r.self_level else "")
        if with_cell:
            cells.append(_level_text(rubric, r.cell_level, bold=False) if r.cell_level else "")
        cells += [", ".join(r.flagged) or "—", str(len(r.unanswered))]
        table.add_row(*cells)
    return table


def print_results(console: Console, results: list[tuple[MemberResult, Rubric]]) -> None:
    for result, rubric in results:
        console.print(member_panel(result, rubric))
    if len(results) > 1:
        console.print(summary_table(results))


def in_force_line(doc: RubricDocument) -> str:
    """'qd37: Quy định 37-QĐ/TW ngày 25/10/2021, hiệu lực 25/10/2021–25/07/2026'."""
    dated = f" ngày {doc.document_date.strftime('%d/%m/%Y')}" if doc.document_date else ""
    since = doc.effective_from.strftime("%d/%m/%Y") if doc.effective_from else None
    until = doc.effective_to.strftime("%d/%m/%Y") if doc.effective_to else None
    when = (f"hiệu lực {since or '?'}–{until}" if until else f"hiệu lực từ {since}" if since else "")
    return f"{doc.rubric}: {doc.document or doc.title}{dated}" + (f", {when}" if when else "")


def rubric_table(rubric: Rubric) -> Group:
    """Sections and items of a rubric, in official order, with unverified items marked."""
    head = Text.assemble((rubric.title, "bold"), f"\nMã: {rubric.id} · phiên bản {rubric.version}")
    if rubric.source:
        head.append(f"\nNguồn: {rubric.source}")
    for doc in rubric.documents:
        head.append(f"\n{in_force_line(doc)}")
        if doc.replaced_by:
            head.append(f"\n  Đã được thay bằng {doc.replaced_by}", style="yellow")
    if rubric.includes:
        head.append(f"\nGồm: {', '.join(rubric.includes)}")
    for mapping in rubric.maps_from:  # how items of an earlier document are followed up (hạn chế kỳ trước)
        pairs = ", ".join(f"{old} → {new}" for old, new in mapping.items.items())
        head.append(f"\nĐối chiếu với {mapping.document} (hạn chế kỳ trước): {pairs}")
    unverified = sum(not i.verified for _, i in rubric.items())
    if unverified:
        head.append(f"\n{unverified} mục CHƯA đối chiếu với văn bản gốc: đọc kỹ văn bản trước khi tự đánh giá "
                    "các mục này.", style="yellow")
    parts: list[RenderableType] = [head]
    for section in rubric.sections:
        scale = rubric.scales[section.scale]
        table = Table(title=f"{section.id} — {section.title}", title_justify="left", title_style="bold",
                      caption=f"Thang: {scale.title}; {MODE_LABELS[section.mode]} điểm, hệ số {section.weight:g}"
                      + (f", tối đa {section.max:g}" if section.max else ""), caption_justify="left")
        table.add_column("Mã", no_wrap=True)
        table.add_column("Nội dung", ratio=1)
        table.add_column("Mô tả", ratio=3)
        table.add_column("Nguồn", ratio=1)
        table.add_column("Đối chiếu", no_wrap=True)
        for item in section.items:
            description = item.description + (f"\n[{item.note}]" if item.note else "")
            checked = Text("đã", style="green") if item.verified else Text("CHƯA", style="bold yellow")
            table.add_row(item.id, item.title, description, item.source, checked)
        parts += [Text(""), table]
    if rubric.levels:
        levels = Table(title="Mức xếp loại", title_justify="left", title_style="bold")
        levels.add_column("Mã")
        levels.add_column("Mức")
        levels.add_column("Điểm tối thiểu", justify="right")
        for level in rubric.levels:
            levels.add_row(level.id, Text(level.label, style=level.color),
                           f"{level.min_score:g}" if level.min_score is not None else "—")
        parts += [Text(""), levels]
    if rubric.caps:
        caps = Table(title="Giới hạn mức xếp loại", title_justify="left", title_style="bold")
        caps.add_column("Mã")
        caps.add_column("Tối đa")
        caps.add_column("Khi")
        for cap in rubric.caps:
            caps.add_row(cap.id, Text(rubric.level(cap.at_most).label, style=rubric.level(cap.at_most).color),
                         cap.reason)
        parts += [Text(""), caps]
    if rubric.levels:
        from tusoi_cli.render.meeting import meeting_lines

        parts += [Text(""), Text("Cuộc họp chi bộ", style="bold"),
                  *(Text(f"• {line}") for line in meeting_lines(rubric))]
    return Group(*parts)


def batch_summary(batch: BatchResult, summary: BatchSummary) -> Group:
    """What a secretary reads first: who was rated, who not and why, the distribution, the common shortcomings."""
    rubric = batch.rubric
    statuses = summary.statuses
    rated = statuses["reviewed"]
    provisional = summary.provisional
    head = Text.assemble(("Kết quả chấm ", "bold"), (batch.source, "bold"))
    if batch.sheet:
        head.append(f" (trang {batch.sheet})")
    head.append(f"\nBộ tiêu chí: {rubric.id} (phiên bản {rubric.version})")
    head.append(f"\n{len(batch.members)} đảng viên: {rated} được xếp loại")
    if provisional:
        unanswered, invalid = summary.with_unanswered, summary.with_invalid
        unchecked = sum(1 for m in batch.members if m.rated and m.core.open_cap)
        why = [f"{unanswered} người còn mục chưa trả lời" if unanswered else "",
               f"{invalid} người có ô không hợp lệ" if invalid else "",
               f"{unchecked} người chưa kiểm tra được quy tắc về kỳ trước" if unchecked else ""]
        head.append(f" ({provisional} tạm tính: {', '.join(w for w in why if w)})", style="yellow")
    if statuses["exempt"]:
        head.append(f", {statuses['exempt']} miễn kiểm điểm", style="yellow")
    if statuses["not_reviewed"]:
        head.append(f", {statuses['not_reviewed']} chưa kiểm điểm", style="bold yellow")
    if batch.failed_rows:
        head.append(f" · {len(batch.failed_rows)} dòng lỗi không gắn được với đảng viên nào", style="bold red")
    if batch.blank_rows:
        head.append(f" · {batch.blank_rows} dòng trống bỏ qua", style="dim")
    parts: list[RenderableType] = [head]
    unrated = [m for m in batch.members if not m.rated]
    if unrated:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True, style="dim")
        table.add_column()
        for m in unrated[:10]:
            reason = f" ({m.status_reason})" if m.status_reason else ""
            table.add_row(f"dòng {m.line}", f"{m.ho_ten} — {STATUS_LABELS[m.status]}{reason}")
        if len(unrated) > 10:
            table.add_row("", f"… và {len(unrated) - 10} đảng viên nữa")
        parts += [Text(""), Text("Không xếp loại (không tính vào phân bố)", style="bold"), table]

    levels = Table(title="Phân bố xếp loại", title_justify="left", title_style="bold")
    levels.add_column("Mức")
    levels.add_column("Đề xuất", justify="right")
    levels.add_column("%", justify="right")
    decided = summary.decided
    show_decided = any(decided.values())
    if show_decided:
        levels.add_column("Chi bộ quyết định", justify="right")
    for level_id, count in summary.levels.items():
        level = rubric.level(level_id)
        cells: list[Text | str] = [Text(level.label, style=level.color), str(count), vn_percent(count, rated)]
        if show_decided:
            cells.append(str(decided[level_id]))
        levels.add_row(*cells)
    parts += [Text(""), levels]

    common = summary.prevalence[:5]
    if common:
        titles = {item.id: item.title for _, item in rubric.items()}
        table = Table(title="Những hạn chế phổ biến nhất", title_justify="left", title_style="bold")
        table.add_column("Mã", no_wrap=True)
        table.add_column("Nội dung")
        table.add_column("Số người", justify="right")
        table.add_column("%", justify="right")
        for item_id, count in common:
            table.add_row(item_id, titles[item_id], str(count), vn_percent(count, rated))
        parts += [Text(""), table]
    elif not rated:
        parts.append(Text("\nChưa có đảng viên nào được xếp loại: chưa ai trả lời mục nào.", style="bold yellow"))
    elif provisional:
        parts.append(Text(f"\nTrong các mục đã trả lời, không ai tự nhận biểu hiện hay vi phạm nào ({provisional} "
                          "người còn mục chưa trả lời).", style="yellow"))
    else:
        parts.append(Text("\nKhông ai tự nhận biểu hiện hay vi phạm nào.", style="green"))
    for note in batch.notes:
        parts.append(Text(f"Lưu ý: {note}", style="yellow"))
    return Group(*parts)
