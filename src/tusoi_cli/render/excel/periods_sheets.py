"""What the two comparison workbooks share (two periods: compare.py, three or more: periods.py): the level styles
of every period's rubric, the sheets' title row, header row, autofilter and merged notes, and the texts naming
a period's input and rubrics. openpyxl, through styles.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.cell_range import CellRange  # type: ignore[import-untyped]

from tusoi_cli.model import Rubric
from tusoi_cli.model.compare import Period, RubricChange
from tusoi_cli.render.excel.styles import Column, Styles, append_row, sheet_head

Worksheet = Any
StyleArray = Any


def period_styles(first: Worksheet, rubrics: Sequence[Rubric], fallback_rubric: Rubric | None, what: str) -> Styles:
    """The workbook's styles with the levels of every rubric (the first one's colours win for a level id).

    ``fallback_rubric`` styles the levels when nobody could be read in any period (``what`` names the report in
    the error raised without it)."""
    if not rubrics:  # nobody could be read in any period: still a valid (empty) report
        if fallback_rubric is None:
            raise ValueError(f"an empty {what} needs fallback_rubric to style its levels")
        rubrics = [fallback_rubric]
    styles = Styles(first, rubrics[0])
    for rubric in rubrics[1:]:  # levels of the other rubrics, when the periods used different ones
        styles.add_levels(rubric)
    return styles


class PeriodsSheets:
    """The sheet parts both reports draw the same way; a report gives ``styles`` and :meth:`title`."""

    styles: Styles

    def title(self, heading: str) -> str:
        raise NotImplementedError

    def start(self, ws: Worksheet, heading: str, columns: Sequence[Column], freeze: str | None = None) -> str:
        """Column widths, frozen panes, the title in row 1; returns the title. Widths and panes come first: a
        streaming sheet writes them out with its first row."""
        title = self.title(heading)
        sheet_head(ws, [c.width for c in columns], freeze=freeze)
        append_row(ws, [title], [self.styles.title], height=20)
        return title

    def header(self, ws: Worksheet, columns: Sequence[Column], styles: Sequence[StyleArray] | None = None) -> int:
        return append_row(ws, [c.header for c in columns], list(styles) if styles else self.styles.header,
                          height=32)

    def finish(self, ws: Worksheet, header_row: int, last_row: int, ncols: int) -> None:
        """The autofilter over header and data (the panes were frozen by :meth:`start`)."""
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ncols)}{max(last_row, header_row)}"

    def note(self, ws: Worksheet, text: str, columns: Sequence[Column], first: int = 1,
             last: int | None = None) -> None:
        """A note in a row of its own, its cell merged over columns ``first``..``last`` (1-based) and wrapped."""
        last = last or len(columns)
        lead = [None] * (first - 1)
        row = append_row(ws, [*lead, text], [*lead, self.styles.note_wrap],
                         [*lead, sum(c.width for c in columns[first - 1:last])])
        if last > first:
            merge(ws, row, first, last)

    def notes(self, ws: Worksheet, notes: Sequence[str], columns: Sequence[Column]) -> None:
        """The "Lưu ý" block, one note a row, each starting with a capital; nothing without notes."""
        if notes:
            append_row(ws, [])
            append_row(ws, ["Lưu ý"], [self.styles.subtitle])
            for note in notes:
                self.note(ws, note[:1].upper() + note[1:], columns)


def merge(ws: Worksheet, row: int, first: int, last: int) -> None:
    """Merge columns first..last of ``row`` (by reference: a streaming sheet has no merge_cells())."""
    ws.merged_cells.add(CellRange(min_row=row, min_col=first, max_row=row, max_col=last))


def rubric_change_rows(change: RubricChange, sides: str) -> list[tuple[str, str | None]]:
    """A rubric change as (label, text) rows; ``sides`` labels the first row (which period → which)."""
    return [
        (sides, f"{change.old_id} ({change.old_version}) → {change.new_id} ({change.new_version})"),
        ("Bỏ các mục", ", ".join(change.removed) or None),
        ("Thêm các mục", ", ".join(change.added) or None),
        ("Đổi thang đo hoặc cách tính", ", ".join(change.rescaled) or None),
    ]


def rubrics_text(period: Period) -> str | None:
    return ", ".join(f"{r.id} (phiên bản {r.version})" for r in period.rubrics()) or None


def source_text(period: Period) -> str:
    """The period's input, with its sheet when it was one sheet of a workbook."""
    return period.source + (f" (trang {period.sheet})" if period.sheet else "")
