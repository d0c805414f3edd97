"""Rich tables of ``tusoi compare`` over three or more periods, for an 80-column terminal.

What a secretary reads first: the periods, the share of each period's shortcomings fixed by the
next, the levels period by period, then one row per member (level path, trend, persistent items,
relapses) and the items across the cell. One member followed alone gets the path of every item.
Two periods keep :mod:`tusoi_cli.render.compare_terminal`.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tusoi_cli.model.compare import MATCH_LABELS, UNCLEAR_LABEL, Record
from tusoi_cli.model.periods import (
    MARK_HELP,
    MARK_TEXT,
    PATH_ARROW,
    PERSISTENT_HELP,
    PERSISTENT_LABEL,
    RELAPSE_HELP,
    RELAPSE_LABEL,
    TREND_LABELS,
    FollowUp,
    ItemPath,
    Step,
    Track,
)
from tusoi_cli.render.compare_terminal import TABLE_ROWS, cut_rows
from tusoi_cli.render.labels import vn_number, vn_percent, vn_score

TREND_STYLES = {"up": "green", "same": "", "down": "red", "mixed": "yellow"}


def follow_up_view(f: FollowUp) -> Group:
    single = all(p.kind == "member" for p in f.periods) and len(f.members) == 1
    head = Text(f"Theo dõi {len(f.periods)} kỳ tự soi, tự sửa", style="bold")
    for n, (name, period) in enumerate(zip(f.names, f.periods, strict=True), start=1):
        where = Path(period.source).name + (f" (trang {period.sheet})" if period.sheet else "")
        people = "" if single else f" — {len(period.records)} người"
        head.append(f"\nKỳ {n}: {name}" + (f" — {where}" if where != name else "") + people)
    head.append(f"\nNgày đối chiếu hạn khắc phục: {f.today.strftime('%d/%m/%Y')}")
    if single:
        m = f.members[0]
        head.append(f"\nĐảng viên: {m.ho_ten}" + (f" (mã {m.ma_dang_vien})" if m.ma_dang_vien else ""))
    else:
        every = sum(1 for m in f.members if m.present == len(f.periods))
        head.append(f"\n{len(f.members)} đảng viên, {every} có mặt ở mọi kỳ")
    parts: list[RenderableType] = [head, Text(""), _steps_table(f)]
    if single:
        parts += [Text(""), _single_levels(f.members[0], f), Text(""), member_paths(f.members[0], f)]
    else:
        parts += [Text(""), _levels_table(f)]
        if f.members:
            parts += [Text(""), _members_table(f)]
        if f.items:
            parts += [Text(""), _items_table(f)]
    for k, step in enumerate(f.steps):
        for change in step.rubric_changes:
            text = Text(f"\nBộ tiêu chí thay đổi ({f.step_name(k)}): {change.old_id} ({change.old_version}) → "
                        f"{change.new_id} ({change.new_version})", style="bold yellow")
            for words, ids in (("bỏ", change.removed), ("thêm", change.added),
                               ("đổi thang đo hoặc cách tính", change.rescaled)):
                if ids:
                    text.append(f"\n  {words}: {', '.join(ids)}", style="")
            parts.append(text)
    for note in f.notes:
        parts.append(Text(f"Lưu ý: {note}", style="yellow"))
    parts.append(_legend())
    if not single:
        parts.append(Text("Đường đi của từng mục, từng người: ghi báo cáo bằng -o so-sanh.xlsx hoặc xem --format "
                          "json.", style="dim"))
    return Group(*parts)


def _steps_table(f: FollowUp) -> Table:
    table = Table(title="Khắc phục qua từng kỳ", title_justify="left", title_style="bold")
    table.add_column("Kỳ", no_wrap=True)
    table.add_column("Hạn chế kỳ trước", justify="right")
    table.add_column("Đã khắc phục", justify="right")
    table.add_column("Tỷ lệ", justify="right", no_wrap=True)
    table.add_column("Còn", justify="right")
    table.add_column(UNCLEAR_LABEL.capitalize(), justify="right")
    table.add_column("Mới phát sinh", justify="right")
    table.add_column("Quá hạn", justify="right")
    for k, step in enumerate(f.steps):
        t = step.totals()
        share = step.fixed_share
        fixed = Text(str(t["fixed"]), style="green")
        rate = f"{vn_number(f'{100 * share:.1f}')} %" if share is not None else "—"
        name = Text(f.step_name(k))
        unpaired = len(step.unmatched) + sum(len(a.old) + len(a.new) for a in step.ambiguous)
        if unpaired:
            name.append(f"\n({unpaired} chưa ghép)", style="yellow")
        table.add_row(name, str(t["old_shortcomings"]), fixed, rate, str(t["improved"] + t["unchanged"] + t["worse"]),
                      str(t["not_comparable"]), str(t["new"]),
                      Text(str(t["overdue"]), style="bold red" if t["overdue"] else "") if step.old.has_deadlines
                      else Text("—", style="dim"))
    table.caption = "Còn: tiến bộ, không đổi hoặc nặng hơn; chỉ tính người ghép được giữa hai kỳ liền nhau."
    table.caption_justify = "left"
    return table


def _levels_table(f: FollowUp) -> Table:
    table = Table(title="Xếp loại theo kỳ", title_justify="left", title_style="bold")
    table.add_column("Mức")
    for name in f.names:
        table.add_column(name, justify="right")
    totals = [len(p.records) for p in f.periods]
    shares = len(f.periods) <= 4  # more periods: counts only, so that the table keeps to 80 columns
    for level in f.levels:
        cells = [f"{n} ({vn_percent(n, whole)})" if whole and shares else str(n)
                 for n, whole in zip(level.counts, totals, strict=True)]
        table.add_row(Text(level.label, style=level.color), *cells)
    return table


def _level(record: Record | None) -> Text:
    if record is None:
        return Text(MARK_TEXT["absent"], style="dim")
    level = next((lv for lv in record.rubric.levels if lv.id == record.level), None)
    return Text(level.label, style=level.color) if level else Text(record.level or "—")


def level_path(m: Track) -> Text:
    text = Text()
    for k, record in enumerate(m.records):
        if k:
            text.append(PATH_ARROW)
        text.append_text(_level(record))
    return text


def _trend(m: Track) -> Text:
    if m.trend is None:
        return Text("—", style="dim")
    return Text(TREND_LABELS[m.trend], style=TREND_STYLES[m.trend])


def _single_levels(m: Track, f: FollowUp) -> Text:
    text = Text("Điểm: " + PATH_ARROW.join(vn_score(r.score) if r else MARK_TEXT["absent"] for r in m.records))
    text.append("\nXếp loại: ")
    text.append_text(level_path(m))
    text.append(" (")
    text.append_text(_trend(m))
    text.append(")")
    return text


def _members_table(f: FollowUp) -> Table:
    table = Table(title="Theo đảng viên", title_justify="left", title_style="bold")
    table.add_column("STT", justify="right")
    table.add_column("Họ và tên", ratio=3)
    table.add_column("Xếp loại", ratio=3)
    table.add_column("Xu hướng", ratio=1)
    table.add_column(PERSISTENT_LABEL.capitalize(), ratio=2)
    table.add_column(RELAPSE_LABEL.capitalize(), ratio=2)
    for index, m in enumerate(f.members[:TABLE_ROWS], start=1):
        name = Text(m.ho_ten)
        named = sorted({how for how in m.matched_by if how and how.startswith("name")})
        if named:
            name.append("\n(" + ", ".join(MATCH_LABELS[how] for how in named) + ")", style="yellow")
        table.add_row(str(index), name, level_path(m), _trend(m),
                      Text(", ".join(i.id for i in m.persistent), style="bold red"),
                      Text(", ".join(i.id for i in m.relapsed), style="magenta"))
    cut_rows(table, len(f.members))
    return table


def _items_table(f: FollowUp) -> Table:
    table = Table(title="Theo mục: số người có biểu hiện ở từng kỳ", title_justify="left", title_style="bold")
    table.add_column("Mã", no_wrap=True)
    table.add_column("Nội dung", ratio=3)
    table.add_column("Số người", ratio=2)
    table.add_column(PERSISTENT_LABEL.capitalize(), justify="right")
    table.add_column(RELAPSE_LABEL.capitalize(), justify="right")
    for t in f.items:
        table.add_row(Text(t.id, style="bold red" if t.persistent else ""), t.title,
                      PATH_ARROW.join(str(n) for n in t.flagged), str(t.persistent), str(t.relapsed))
    cut_rows(table, len(f.items))
    return table


def _step_text(step: Step) -> Text:
    if step.value is None:
        return Text(MARK_TEXT[step.state], style="dim")
    return Text(step.text(), style="bold" if step.flagged else "green")


def member_paths(m: Track, f: FollowUp) -> RenderableType:
    """Every item one member had in some period, with its path across the periods."""
    if not m.items:
        return Text(f"{m.ho_ten}: không có biểu hiện, vi phạm nào ở {len(f.periods)} kỳ.", style="green")
    table = Table(title=f"Từng mục qua các kỳ ({PATH_ARROW.join(f.names)})", title_justify="left",
                  title_style="bold")
    table.add_column("Mã", no_wrap=True)
    table.add_column("Nội dung", ratio=3)
    table.add_column("Mức qua các kỳ", ratio=2)
    table.add_column("Ghi chú", ratio=1)
    for item in m.items:
        table.add_row(item.id, item.title, _path(item), _flags(item))
    return table


def _path(item: ItemPath) -> Text:
    text = Text()
    for k, step in enumerate(item.steps):
        if k:
            text.append(PATH_ARROW)
        text.append_text(_step_text(step))
    return text


def _flags(item: ItemPath) -> Text:
    text = Text()
    if item.persistent:
        text.append(PERSISTENT_LABEL, style="bold red")
    if item.relapses:
        text.append(("; " if item.persistent else "") + RELAPSE_LABEL
                    + (f" {item.relapses} lần" if item.relapses > 1 else ""), style="magenta")
    return text


def _legend() -> Text:
    text = Text("\nKý hiệu: ", style="dim")
    text.append("; ".join(f"{mark} = {MARK_HELP[state]}" for state, mark in MARK_TEXT.items()), style="dim")
    text.append(f"\n{PERSISTENT_LABEL.capitalize()}: {PERSISTENT_HELP}. {RELAPSE_LABEL.capitalize()}: "
                f"{RELAPSE_HELP}.", style="dim")
    return text

