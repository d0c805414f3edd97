"""Rich tables of ``tusoi compare`` for the terminal.

What a secretary reads first: the two periods, how many of last period's shortcomings were fixed,
the level distribution then and now, one row per member, the items across the cell, the overdue
plans and the members that could not be matched. The item-by-item detail of every member is
shown when one member is compared; for a cell it is in the Excel report and the JSON.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tusoi_cli.model.compare import (
    LEVEL_CHANGE_LABELS,
    MATCH_LABELS,
    NOT_IN_RUBRIC,
    OVERDUE_LABEL,
    REASON_LABELS,
    SIDE_LABELS,
    STATE_TEXT,
    STATUS_LABELS,
    STATUSES,
    UNCLEAR_LABEL,
    Comparison,
    ItemChange,
    MemberComparison,
    Period,
    Plan,
    Record,
    Unclear,
)
from tusoi_cli.render.labels import vn_number, vn_percent, vn_score

# Longer lists are cut in the terminal (two periods or more); the report and the JSON have them all.
TABLE_ROWS = 200


def cut_rows(table: Table, total: int) -> None:
    """The caption of a table cut at TABLE_ROWS rows, telling how many more there are and where."""
    if total > TABLE_ROWS:
        table.caption = (f"… và {total - TABLE_ROWS} dòng nữa: xem đủ trong báo cáo -o so-sanh.xlsx hoặc "
                         "--format json")
        table.caption_justify = "left"


STATUS_STYLES = {"fixed": "green", "improved": "cyan", "unchanged": "yellow", "worse": "bold red",
                 "new": "magenta"}
LEVEL_CHANGE_STYLES = {"up": "green", "same": "", "down": "red"}


def _period_text(p: Period) -> str:
    text = Path(p.source).name + (f" (trang {p.sheet})" if p.sheet else "")
    cells = p.cells()
    if cells:
        text += " — " + ", ".join(cells[:2]) + ("…" if len(cells) > 2 else "")
    periods = p.periods()
    if periods:
        text += " — kỳ " + ", ".join(periods[:3]) + ("…" if len(periods) > 3 else "")
    return text


def _level(record: Record, level_id: str | None = None) -> Text:
    wanted = level_id or record.level
    level = next((lv for lv in record.rubric.levels if lv.id == wanted), None)
    return Text(level.label, style=level.color) if level else Text(wanted)


def _signed(number: float) -> Text:
    if number > 0:
        return Text(f"+{vn_score(number)}", style="green")
    if number < 0:
        return Text(f"−{vn_score(-number)}", style="red")
    return Text("0", style="dim")


def _n(number: int, style: str) -> Text:
    return Text(str(number), style=style) if number else Text("0", style="dim")


def _value(state: str | None, label: str | None) -> str:
    if state is None:
        return NOT_IN_RUBRIC
    return (label or "") if state == "answered" else STATE_TEXT[state]


def _date(record: ItemChange | Unclear) -> str:
    plan = record.old_plan
    return plan.han_khac_phuc.strftime("%d/%m/%Y") if plan and plan.han_khac_phuc else ""


def comparison_view(c: Comparison) -> Group:
    totals = c.totals()
    head = Text.assemble(("So sánh hai kỳ tự soi, tự sửa", "bold"))
    head.append(f"\nKỳ cũ: {_period_text(c.old)}\nKỳ mới: {_period_text(c.new)}")
    head.append(f"\nNgày đối chiếu hạn khắc phục: {c.today.strftime('%d/%m/%Y')}")
    single = len(c.members) == 1 and c.members[0].matched_by == "files"
    if single:
        m = c.members[0]
        head.append(f"\nĐảng viên: {m.ho_ten}" + (f" (mã {m.ma_dang_vien})" if m.ma_dang_vien else ""))
    else:
        matched = c.matched_by()
        head.append(f"\nĐã ghép {len(c.members)} đảng viên")
        how = [f"{matched[k]} {MATCH_LABELS[k]}" for k in ("code", "name", "name_unaccented") if matched[k]]
        if how:
            head.append(" (" + ", ".join(how) + ")")
    unmatched = len(c.unmatched) + sum(len(a.old) + len(a.new) for a in c.ambiguous)
    if unmatched:
        head.append(f" · {unmatched} chưa ghép được", style="bold yellow")
    parts: list[RenderableType] = [head]

    old = totals["old_shortcomings"]
    line = Text("\nHạn chế của kỳ cũ: ", style="bold")
    if old:
        share = c.fixed_share or 0.0
        line.append(f"{old}, trong đó ")
        line.append(f"{STATUS_LABELS['fixed']} {totals['fixed']} ({vn_number(f'{100 * share:.1f}')} %)", style="green")
        for status in ("improved", "unchanged", "worse"):
            line.append(", ")
            line.append(f"{STATUS_LABELS[status]} {totals[status]}", style=STATUS_STYLES[status])
        if totals["not_comparable"]:
            line.append(f"; {UNCLEAR_LABEL} {totals['not_comparable']}", style="yellow")
    else:
        line.append("không có (trong số đảng viên ghép được)")
    line.append(f"\nMới phát sinh: {totals['new']}", style=STATUS_STYLES["new"] if totals["new"] else "")
    line.append(" · ")
    line.append(f"Quá hạn: {totals['overdue']}", style="bold red" if totals["overdue"] else "")
    parts.append(line)

    if single:
        line.append(f"\nĐiểm: {vn_score(m.old.score)} → {vn_score(m.new.score)} (")
        line.append_text(_signed(m.score_change))
        line.append(") · Xếp loại: ")
        line.append_text(_level_change(m))
    else:
        parts += [Text(""), _levels_table(c)]
        if c.members:
            parts += [Text(""), _members_table(c)]
    if len(c.members) == 1:
        parts += [Text(""), member_detail(c.members[0])]
    if c.items and len(c.members) > 1:
        parts += [Text(""), _items_table(c)]
        persistent = c.persistent_items
        if persistent:
            parts.append(Text("Hạn chế kéo dài ở đa số đảng viên: " + ", ".join(
                f"{s.id} ({s.persisting}/{len(c.members)} người)" for s in persistent), style="bold red"))
    overdue = c.overdue()
    if overdue:
        parts += [Text(""), _overdue_table(overdue)]
    if c.unmatched or c.ambiguous:
        parts += [Text(""), _unmatched_table(c)]
    for change in c.rubric_changes:
        text = Text(f"\nBộ tiêu chí thay đổi: {change.old_id} ({change.old_version}) → {change.new_id} "
                    f"({change.new_version})", style="bold yellow")
        if change.removed:
            text.append(f"\n  bỏ {len(change.removed)} mục: {', '.join(change.removed)}", style="")
        if change.added:
            text.append(f"\n  thêm {len(change.added)} mục: {', '.join(change.added)}", style="")
        if change.rescaled:
            text.append(f"\n  đổi thang đo hoặc cách tính: {', '.join(change.rescaled)}", style="")
        parts.append(text)
    for note in c.notes:
        parts.append(Text(f"Lưu ý: {note}", style="yellow"))
    if len(c.members) > 1:
        parts.append(Text("Chi tiết từng mục của từng người: ghi báo cáo bằng -o so-sanh.xlsx hoặc xem --format json.",
                          style="dim"))
    return Group(*parts)


def _levels_table(c: Comparison) -> Table:
    table = Table(title="Phân bố xếp loại", title_justify="left", title_style="bold")
    table.add_column("Mức")
    table.add_column("Kỳ cũ", justify="right")
    table.add_column("%", justify="right")
    table.add_column("Kỳ mới", justify="right")
    table.add_column("%", justify="right")
    n_old, n_new = len(c.old.records), len(c.new.records)
    for level in c.levels:
        table.add_row(Text(level.label, style=level.color), str(level.old),
                      vn_percent(level.old, n_old).removesuffix(" %"), str(level.new),
                      vn_percent(level.new, n_new).removesuffix(" %"))
    return table


def _members_table(c: Comparison) -> Table:
    table = Table(title="Theo đảng viên", title_justify="left", title_style="bold")
    table.add_column("STT", justify="right")
    table.add_column("Họ và tên")
    table.add_column("Điểm", justify="right")
    table.add_column("Xếp loại")
    table.add_column("Các mục")
    table.add_column("Quá hạn", justify="right")
    for index, m in enumerate(c.members[:TABLE_ROWS], start=1):
        name = Text(m.ho_ten)
        if m.matched_by.startswith("name"):
            name.append(f"\n({MATCH_LABELS[m.matched_by]})", style="yellow")
        score = Text(f"{vn_score(m.old.score)} → {vn_score(m.new.score)} (")
        score.append_text(_signed(m.score_change))
        score.append(")")
        counts = m.counts()
        table.add_row(str(index), name, score, _level_change(m), _counts_text(counts),
                      _n(counts["overdue"], "bold red"))
    cut_rows(table, len(c.members))
    return table


def _level_change(m: MemberComparison) -> Text:
    text = Text.assemble(_level(m.old), " → ", _level(m.new))
    change = m.level_change
    if change and change != "same":
        text.append(f" ({LEVEL_CHANGE_LABELS[change]})", style=LEVEL_CHANGE_STYLES[change])
    return text


def _counts_text(counts: dict[str, int]) -> Text:
    parts = [(f"{STATUS_LABELS[s]} {counts[s]}", STATUS_STYLES[s]) for s in STATUSES if counts[s]]
    if counts["not_comparable"]:
        parts.append((f"{UNCLEAR_LABEL} {counts['not_comparable']}", "yellow"))
    if not parts:
        return Text("không có biểu hiện ở cả hai kỳ", style="dim")
    text = Text()
    for index, (words, style) in enumerate(parts):
        if index:
            text.append(" · ")
        text.append(words, style=style)
    return text


def member_detail(m: MemberComparison) -> RenderableType:
    """Every compared item of one member, with last period's plan and deadline."""
    if not m.changes and not m.unclear:
        return Text(f"{m.ho_ten}: không có biểu hiện, vi phạm nào ở cả hai kỳ.", style="green")
    table = Table(title=f"Chi tiết: {m.ho_ten}", title_justify="left", title_style="bold", show_lines=True)
    table.add_column("Mã", no_wrap=True)
    table.add_column("Nội dung", ratio=2)
    table.add_column("Kỳ cũ", ratio=1)
    table.add_column("Kỳ mới", ratio=1)
    table.add_column("Kết quả", ratio=1)
    table.add_column("Biện pháp khắc phục (kỳ cũ)", ratio=2)
    table.add_column("Hạn", no_wrap=True)
    for change in m.changes:
        result = Text(STATUS_LABELS[change.status], style=STATUS_STYLES[change.status])
        if change.overdue:
            result.append(f", {OVERDUE_LABEL}", style="bold red")
        plan = change.old_plan
        table.add_row(change.id, change.title, change.old_label or "", change.new_label or "", result,
                      _remedy(plan), _date(change))
    for u in m.unclear:
        result = Text(f"{UNCLEAR_LABEL}: {REASON_LABELS[u.reason]}", style="yellow")
        if u.deadline_passed:
            result.append(", đã qua hạn — cần xác minh", style="bold yellow")
        plan = u.old_plan
        table.add_row(u.id, u.title, _value(u.old_state, u.old_label), _value(u.new_state, u.new_label), result,
                      _remedy(plan), _date(u))
    return table


def _items_table(c: Comparison) -> Table:
    table = Table(title="Theo mục (các đảng viên ghép được)", title_justify="left", title_style="bold")
    table.add_column("Mã", no_wrap=True)
    table.add_column("Nội dung")
    table.add_column("Kỳ cũ", justify="right")
    table.add_column("Kỳ mới", justify="right")
    for status in ("fixed", "improved", "unchanged", "worse", "new"):
        table.add_column(STATUS_LABELS[status].capitalize(), justify="right")
    table.add_column("Quá hạn", justify="right")
    for s in c.items:
        table.add_row(Text(s.id, style="bold red" if s.persistent else ""), s.title, str(s.old), str(s.new),
                      *(_n(s.counts[k], STATUS_STYLES[k]) for k in ("fixed", "improved", "unchanged", "worse", "new")),
                      _n(s.counts["overdue"], "bold red"))
    return table


def _overdue_table(rows: list[tuple[MemberComparison, ItemChange | Unclear]]) -> Table:
    title = "Biện pháp khắc phục quá hạn"
    if any(isinstance(entry, Unclear) for _, entry in rows):
        title += " và cần xác minh"
    table = Table(title=title, title_justify="left", title_style="bold red")
    table.add_column("Họ và tên")
    table.add_column("Mã", no_wrap=True)
    table.add_column("Biện pháp khắc phục (kỳ cũ)")
    table.add_column("Hạn", no_wrap=True)
    table.add_column("Kỳ mới")
    for m, entry in rows[:TABLE_ROWS]:
        plan = entry.old_plan
        if isinstance(entry, ItemChange):
            now = Text(f"{entry.new_label} — {STATUS_LABELS[entry.status]}", style=STATUS_STYLES[entry.status])
        else:
            now = Text(f"{REASON_LABELS[entry.reason]} — cần xác minh", style="yellow")
        table.add_row(m.ho_ten, entry.id, _remedy(plan), _date(entry), now)
    cut_rows(table, len(rows))
    return table


def _unmatched_table(c: Comparison) -> Table:
    table = Table(title="Chưa ghép được", title_justify="left", title_style="bold yellow")
    table.add_column("Kỳ")
    table.add_column("Họ và tên")
    table.add_column("Mã đảng viên")
    table.add_column("Vị trí")
    table.add_column("Lý do")
    rows: list[tuple[str, Record, str]] = [(u.side, u.record, u.label) for u in c.unmatched]
    rows += [(side, record, a.label) for a in c.ambiguous
             for side, records in (("old", a.old), ("new", a.new)) for record in records]
    for side, record, label in rows[:TABLE_ROWS]:
        table.add_row(SIDE_LABELS[side], record.ho_ten, record.ma_dang_vien or "", record.source, label)
    cut_rows(table, len(rows))
    return table


def _remedy(plan: Plan | None) -> str:
    return (plan.khac_phuc or "") if plan else ""
