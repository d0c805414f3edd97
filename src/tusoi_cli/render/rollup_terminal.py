"""The roll-up in the terminal: the count form per unit (fits 80 columns), reasons, last period, shortcomings."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tusoi_cli.model import REASON_LABELS
from tusoi_cli.model.rollup import Rollup, Tally, Unit, change
from tusoi_cli.render.labels import vn_percent

MAX_UNITS = 60  # rows of the terminal table; the files hold every unit
NAME_WIDTH = 18


def _name(depth: int, unit: Unit) -> str:
    name = unit.name if len(unit.name) + 2 * depth <= NAME_WIDTH else unit.name[: NAME_WIDTH - 2 * depth - 1] + "…"
    return "  " * depth + name


def _pct_text(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def _share(count: int, whole: int) -> str:
    """``7 (54%)``: whole percents, so that four levels fit 80 columns (the files keep one decimal)."""
    return f"{count} ({round(100 * count / whole)}%)" if whole else str(count)


def rollup_summary(rollup: Rollup) -> Group:
    """The count form and what goes with it, no member named."""
    root = rollup.root
    every = root.walk()
    rows = _top_rows(every)
    parts: list[RenderableType] = [Text.assemble(
        ("Tổng hợp tự soi, tự sửa: ", "bold"), (", ".join(rollup.inputs), "bold"),
        f"\nBộ tiêu chí: {rollup.rubric} · {sum(1 for _, u in every if u.kind == 'cell')} chi bộ · "
        f"có mặt {root.present} = miễn {root.exempt} + chưa kiểm điểm {root.not_reviewed} + "
        f"đã kiểm điểm {root.reviewed}")]
    if root.exempt_reasons:
        parts.append(Text("Miễn kiểm điểm: " + ", ".join(
            f"{reason} {count}" for reason, count in sorted(root.exempt_reasons.items(), key=lambda p: -p[1]))))
    schemes = _schemes(root)
    if len(rows) < len(every):
        parts.append(Text(f"Bảng dưới đây đến cấp {max(d for d, _ in rows) + 1} của cây ({len(rows)} trên "
                          f"{len(every)} đơn vị); từng chi bộ: ghi ra tệp bằng -o (.xlsx, .csv, .json).", style="dim"))
    if len(schemes) > 1:
        parts += [Text(""), _statuses_table(rows),
                  Text(f"Các chi bộ được chấm theo {len(schemes)} bộ mức xếp loại khác nhau: mỗi nhóm được tính "
                       "riêng, không cộng lẫn.", style="yellow")]
    for index, scheme_tally in enumerate(schemes):
        parts += [Text(""), _count_table(rollup, rows, scheme_tally, index, len(schemes))]
        parts += [Text(""), _final_table(rows, scheme_tally)]
        parts += [Text(""), _reasons_table(scheme_tally)]
    if rollup.with_previous:
        parts += [Text(""), _previous_table(rows)]
        if rollup.unmatched_current or rollup.unmatched_previous:
            text = Text("Không ghép được theo tên: ", style="yellow")
            text.append("; ".join([*(f"kỳ này: {u}" for u in rollup.unmatched_current),
                                   *(f"kỳ trước: {u}" for u in rollup.unmatched_previous)]))
            parts.append(text)
    for scheme_tally in schemes:
        if scheme_tally.items:
            parts += [Text(""), _items_table(rollup, scheme_tally)]
    if rollup.skipped:
        parts += [Text(""), Text(f"Không tính {len(rollup.skipped)} tệp/thư mục:", style="dim")]
        parts += [Text(f"  {s.path}: {s.reason}", style="dim") for s in rollup.skipped[:10]]
        if len(rollup.skipped) > 10:
            parts.append(Text(f"  … và {len(rollup.skipped) - 10} tệp nữa (xem tệp kết quả)", style="dim"))
    if rollup.notes:
        parts.append(Text(f"{len(rollup.notes)} lưu ý (xem tệp kết quả .json hoặc .xlsx).", style="dim"))
    if rollup.problems:
        parts.append(Text(f"{len(rollup.problems)} lỗi (đã in ở trên); các chi bộ khác vẫn được tính.",
                          style="bold red"))
    return Group(*parts)


def _top_rows(rows: list[tuple[int, Unit]]) -> list[tuple[int, Unit]]:
    """The units down to the deepest level of the tree that still fits MAX_UNITS rows (at least the top)."""
    depth = 0
    while depth < max(d for d, _ in rows) and sum(1 for d, _ in rows if d <= depth + 1) <= MAX_UNITS:
        depth += 1
    return [(d, u) for d, u in rows if d <= depth]


def _schemes(root: Unit) -> list[Tally]:
    return list(root.tallies)


def _table(title: str) -> Table:
    return Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False,
                 padding=(0, 1), collapse_padding=True)


def _count_table(rollup: Rollup, rows: list[tuple[int, Unit]], scheme: Tally, index: int, count: int) -> Table:
    """The count form with tusoi's levels; with several schemes of levels (count > 1) only the levels of one
    scheme, over the members scored with it (the count form itself is then :func:`_statuses_table`)."""
    if count > 1:
        title = (f"Nhóm {index + 1}/{count} ({', '.join(scheme.rubrics)}): mức tusoi đề xuất (người, % số đã "
                 "kiểm điểm của nhóm)")
    else:
        title = "(1) có mặt = (2) miễn + (3) chưa + (4) đã kiểm điểm; mức tusoi đề xuất (người, % của (4))"
    table = _table(title)
    table.add_column("Đơn vị", no_wrap=True, min_width=12, max_width=NAME_WIDTH)
    for head in ("(1)", "(2)", "(3)", "(4)") if count == 1 else ("Đã KĐ",):
        table.add_column(head, justify="right", no_wrap=True)
    for _, label in scheme.scheme:  # a long label ("Hoàn thành xuất sắc nhiệm vụ") wraps in its header
        table.add_column(label, justify="right", min_width=8)
    shown = 0
    for depth, unit in rows:
        tally = next((t for t in unit.tallies if t.scheme == scheme.scheme), None)
        if tally is None:
            continue
        if shown >= MAX_UNITS:
            table.add_row(f"… {len(rows) - shown} đơn vị nữa")
            break
        shown += 1
        counts = [str(unit.present), str(unit.exempt), str(unit.not_reviewed)] if count == 1 else []
        table.add_row(_name(depth, unit), *counts, str(tally.reviewed),
                      *(_share(tally.levels.get(k, 0), tally.reviewed) for k, _ in scheme.scheme),
                      style="bold" if unit.kind == "party_unit" else None)
    return table


def _statuses_table(rows: list[tuple[int, Unit]]) -> Table:
    """(1) = (2) + (3) + (4) alone, for a tree whose cells were scored with rubrics of different levels."""
    table = _table("(1) có mặt = (2) miễn + (3) chưa + (4) đã kiểm điểm (mọi nhóm mức)")
    table.add_column("Đơn vị", no_wrap=True, max_width=NAME_WIDTH)
    for head in ("(1) Có mặt", "(2) Miễn", "(3) Chưa", "(4) Đã"):
        table.add_column(head, justify="right", no_wrap=True)
    for depth, unit in rows[:MAX_UNITS]:
        table.add_row(_name(depth, unit), str(unit.present), str(unit.exempt), str(unit.not_reviewed),
                      str(unit.reviewed), style="bold" if unit.kind == "party_unit" else None)
    if len(rows) > MAX_UNITS:
        table.add_row(f"… {len(rows) - MAX_UNITS} đơn vị nữa")
    return table


def _final_table(rows: list[tuple[int, Unit]], scheme: Tally) -> Table:
    table = _table("Xếp loại cuối cùng (nơi đã ghi) và số người khác với đề xuất của tusoi")
    table.add_column("Đơn vị", no_wrap=True, min_width=12, max_width=NAME_WIDTH)
    table.add_column("Đã ghi", justify="right")
    for _, label in scheme.scheme:
        table.add_column(label, justify="right", min_width=8)
    table.add_column("Khác", justify="right")
    for depth, unit in rows[:MAX_UNITS]:
        tally = next((t for t in unit.tallies if t.scheme == scheme.scheme), None)
        if tally is None:
            continue
        recorded = tally.final_recorded
        table.add_row(_name(depth, unit), str(recorded),
                      *(_share(tally.final_levels.get(k, 0), recorded) for k, _ in scheme.scheme), str(tally.differ),
                      style="bold" if unit.kind == "party_unit" else None)
    return table


def _reasons_table(scheme: Tally) -> RenderableType:
    lowest = dict(scheme.scheme).get(scheme.lowest_level, scheme.lowest_level)
    table = _table(f"Mức thấp nhất ({lowest}): {scheme.lowest} người, theo lý do")
    table.add_column("Lý do")
    table.add_column("Số người", justify="right")
    for code, label in REASON_LABELS.items():
        table.add_row(label, str(scheme.reasons.get(code, 0)))
    note = Text("Một người có thể có nhiều lý do, nên tổng các lý do có thể lớn hơn số người.", style="dim")
    return Group(table, note)


def _previous_table(rows: list[tuple[int, Unit]]) -> Table:
    table = _table("So với kỳ trước (% = kỳ này / kỳ trước × 100, trống khi kỳ trước là 0; Thấp: số người ở mức "
                   "thấp nhất)")
    table.add_column("Đơn vị", no_wrap=True, max_width=NAME_WIDTH)
    for head in ("Có mặt", "trước", "%", "Đã KĐ", "trước", "%", "Thấp", "trước", "%"):
        table.add_column(head, justify="right", no_wrap=True)
    for depth, unit in rows[:MAX_UNITS]:
        last = unit.previous
        if last is None:
            table.add_row(_name(depth, unit), str(unit.present), "—", "", str(unit.reviewed), "—", "", "", "—", "")
            continue
        now_low = sum(t.lowest for t in unit.tallies)
        then_low = sum(t.lowest for t in last.tallies)
        table.add_row(_name(depth, unit), str(unit.present), str(last.present),
                      _pct_text(change(unit.present, last.present)), str(unit.reviewed), str(last.reviewed),
                      _pct_text(change(unit.reviewed, last.reviewed)), str(now_low), str(then_low),
                      _pct_text(change(now_low, then_low)), style="bold" if unit.kind == "party_unit" else None)
    return table


def _items_table(rollup: Rollup, scheme: Tally) -> Table:
    table = _table(f"Hạn chế chung: mục có nhiều người nêu nhất (trên {scheme.reviewed} người đã kiểm điểm)")
    table.add_column("Mục", no_wrap=True)
    table.add_column("Nội dung", max_width=50, no_wrap=True, overflow="ellipsis")
    table.add_column("Số người", justify="right")
    table.add_column("%", justify="right")
    for item_id, count in sorted(scheme.items.items(), key=lambda pair: (-pair[1], pair[0]))[:10]:
        table.add_row(item_id, rollup.item_titles.get(item_id, ""), str(count),
                      vn_percent(count, scheme.reviewed))
    return table
