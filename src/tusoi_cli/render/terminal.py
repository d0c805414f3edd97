"""Rich rendering for the terminal: a panel per member, a summary table for several members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..models import MemberResult, Rubric

if TYPE_CHECKING:
    from ..batch import BatchResult
from .labels import MODE_LABELS, SELF_LABELS, next_level_text, score_text


def _level_text(rubric: Rubric, level_id: str, *, bold: bool = True) -> Text:
    level = rubric.level(level_id)
    return Text(level.label, style=f"{'bold ' if bold else ''}{level.color}")


def member_panel(result: MemberResult, rubric: Rubric) -> Panel:
    head = Table.grid(padding=(0, 2))
    head.add_column(style="dim", no_wrap=True)
    head.add_column()
    if result.chi_bo:
        head.add_row("Chi bộ", result.chi_bo)
    if result.chuc_vu:
        head.add_row("Chức vụ", result.chuc_vu)
    if result.ma_dang_vien:
        head.add_row("Mã đảng viên", result.ma_dang_vien)
    if result.ky_danh_gia:
        head.add_row("Kỳ đánh giá", result.ky_danh_gia)
    head.add_row("Bộ tiêu chí", f"{result.rubric} (phiên bản {result.rubric_version})")
    head.add_row("Điểm", Text(score_text(result.score), style="bold"))
    by_score = Text.assemble(_level_text(rubric, result.score_level, bold=False))
    head.add_row("Mức theo điểm", by_score)
    head.add_row("Xếp loại đề xuất", _level_text(rubric, result.level))
    if result.self_level:
        head.add_row("Tự xếp loại", Text.assemble(
            _level_text(rubric, result.self_level, bold=False), f" — {SELF_LABELS[result.self_comparison or 'same']}"))
    if result.cell_level:
        cell = Text.assemble(_level_text(rubric, result.cell_level), " (chi bộ quyết định)")
        if result.cell_reason:
            cell.append(f" — {result.cell_reason}")
        head.add_row("Chi bộ xếp loại", cell)
    if result.ky_luat:
        head.add_row("Kỷ luật", Text("có, trong kỳ đánh giá", style="red"))

    parts: list[RenderableType] = [head]
    if not result.complete:
        parts.append(Text("\nCó câu trả lời không hợp lệ (xem lỗi ở trên): kết quả chỉ là tạm tính.",
                          style="bold red"))
    if result.caps:
        caps = Text("\nGiới hạn mức xếp loại:\n", style="bold")
        for cap in result.caps:
            caps.append("  • tối đa ")
            caps.append(cap.at_most_label, style=rubric.level(cap.at_most).color)
            caps.append(f": {cap.reason}")
            if cap.items:
                caps.append(f" ({', '.join(cap.items)})", style="dim")
            caps.append("\n")
        caps.rstrip()
        parts.append(caps)

    sections = Table(title="Theo từng phần", title_justify="left", expand=False, show_edge=False)
    sections.add_column("Phần", no_wrap=True)
    sections.add_column("Nội dung")
    sections.add_column("Điểm", justify="right")
    sections.add_column("Có biểu hiện", justify="right")
    sections.add_column("Chưa trả lời", justify="right")
    sections.add_column("Không áp dụng", justify="right")
    sections.add_column("Không hợp lệ", justify="right")
    for s in result.sections:
        sign = "−" if s.mode == "deduct" and s.points else "+" if s.mode == "add" and s.points else ""
        sections.add_row(s.id, s.title, f"{sign}{score_text(s.points)}", str(s.flagged) if s.mode == "deduct" else "",
                         _count(s.unanswered, "yellow"), _count(s.not_applicable, "blue"),
                         _count(s.invalid, "red"))
    parts += [Text(""), sections]

    flagged = [i for i in result.items if i.flagged]
    if flagged:
        table = Table(title="Các biểu hiện, vi phạm đã tự nhận", title_justify="left", show_lines=True,
                      show_edge=False)
        table.add_column("Mã", no_wrap=True)
        table.add_column("Nội dung", ratio=2)
        table.add_column("Mức", ratio=1)
        table.add_column("Trừ", justify="right")
        table.add_column("Biểu hiện cụ thể", ratio=2)
        table.add_column("Khắc phục", ratio=2)
        table.add_column("Hạn", no_wrap=True)
        for i in flagged:
            table.add_row(i.id, i.title, i.label or "", score_text(i.points), i.bieu_hien or "",
                          i.khac_phuc or "", i.han_khac_phuc.strftime("%d/%m/%Y") if i.han_khac_phuc else "")
        parts += [Text(""), table]
    for title, ids, style in (("Chưa trả lời", result.unanswered, "yellow"),
                              ("Không áp dụng", result.not_applicable, "blue"),
                              ("Không hợp lệ", result.invalid, "red")):
        if ids:
            parts.append(Text.assemble("\n", (f"{title} ({len(ids)}): ", f"bold {style}"), ", ".join(ids)))
    if result.next_level:
        parts.append(Text.assemble("\n", (f"Để đạt mức {result.next_level.label}: ", "bold"),
                                   next_level_text(result)))
    else:
        parts.append(Text("\nĐã ở mức cao nhất của bộ tiêu chí.", style="green"))
    level = rubric.level(result.level)
    heading = Text.assemble((result.ho_ten, "bold"), "  ", (f" {level.label.upper()} ", f"bold reverse {level.color}"))
    return Panel(Group(*parts), title=heading, title_align="left", border_style=level.color,
                 subtitle=result.source, subtitle_align="right")


def _count(number: int, style: str) -> Text:
    return Text(str(number), style=style) if number else Text("0", style="dim")


def summary_table(results: list[tuple[MemberResult, Rubric]]) -> Table:
    table = Table(title=f"Tổng hợp {len(results)} đảng viên", title_justify="left")
    table.add_column("STT", justify="right")
    table.add_column("Họ và tên")
    table.add_column("Điểm", justify="right")
    table.add_column("Xếp loại đề xuất")
    table.add_column("Tự xếp loại")
    table.add_column("Chi bộ xếp loại")
    table.add_column("Có biểu hiện / vi phạm")
    table.add_column("Chưa trả lời", justify="right")
    for index, (r, rubric) in enumerate(results, start=1):
        table.add_row(
            str(index), r.ho_ten, score_text(r.score), _level_text(rubric, r.level),
            _level_text(rubric, r.self_level, bold=False) if r.self_level else "",
            _level_text(rubric, r.cell_level, bold=False) if r.cell_level else "",
            ", ".join(r.flagged) or "—", str(len(r.unanswered)),
        )
    return table


def print_results(console: Console, results: list[tuple[MemberResult, Rubric]]) -> None:
    for result, rubric in results:
        console.print(member_panel(result, rubric))
    if len(results) > 1:
        console.print(summary_table(results))


def rubric_table(rubric: Rubric) -> Group:
    """Sections and items of a rubric, in official order, with unverified items marked."""
    head = Text.assemble((rubric.title, "bold"), f"\nMã: {rubric.id} · phiên bản {rubric.version}")
    if rubric.effective:
        head.append(f" · hiệu lực {rubric.effective.strftime('%d/%m/%Y')}")
    if rubric.source:
        head.append(f"\nNguồn: {rubric.source}")
    if rubric.includes:
        head.append(f"\nGồm: {', '.join(rubric.includes)}")
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
    return Group(*parts)


def batch_summary(batch: BatchResult) -> Group:
    """What a secretary reads first: how many were rated, the distribution, the common shortcomings."""
    from ..batch import level_counts, prevalence

    rubric = batch.rubric
    scored = len(batch.results)
    head = Text.assemble(("Kết quả chấm ", "bold"), (batch.source, "bold"))
    if batch.sheet:
        head.append(f" (trang {batch.sheet})")
    head.append(f"\nBộ tiêu chí: {rubric.id} (phiên bản {rubric.version}) · đã chấm {scored} đảng viên")
    if batch.failed_rows:
        head.append(f" · {len(batch.failed_rows)} dòng lỗi", style="bold red")
    if batch.blank_rows:
        head.append(f" · {batch.blank_rows} dòng trống bỏ qua", style="dim")
    parts: list[RenderableType] = [head]

    levels = Table(title="Phân bố xếp loại", title_justify="left", title_style="bold")
    levels.add_column("Mức")
    levels.add_column("Đề xuất", justify="right")
    levels.add_column("%", justify="right")
    decided = level_counts(batch, decided=True)
    show_decided = any(decided.values())
    if show_decided:
        levels.add_column("Chi bộ quyết định", justify="right")
    for level_id, count in level_counts(batch).items():
        level = rubric.level(level_id)
        share = f"{100 * count / scored:.1f}" if scored else "—"
        cells: list[Text | str] = [Text(level.label, style=level.color), str(count), share]
        if show_decided:
            cells.append(str(decided[level_id]))
        levels.add_row(*cells)
    parts += [Text(""), levels]

    common = prevalence(batch)[:5]
    if common:
        titles = {item.id: item.title for _, item in rubric.items()}
        table = Table(title="Những hạn chế phổ biến nhất", title_justify="left", title_style="bold")
        table.add_column("Mã", no_wrap=True)
        table.add_column("Nội dung")
        table.add_column("Số người", justify="right")
        table.add_column("%", justify="right")
        for item_id, count in common:
            table.add_row(item_id, titles[item_id], str(count), f"{100 * count / scored:.1f}")
        parts += [Text(""), table]
    else:
        parts.append(Text("\nKhông ai tự nhận biểu hiện hay vi phạm nào.", style="green"))
    for note in batch.notes:
        parts.append(Text(f"Lưu ý: {note}", style="yellow"))
    return Group(*parts)
