"""The one module that talks to XlsxWriter: a workbook written row by row in constant memory, its formats,
rows with fitted heights, safe text, A4 print set-up and the chart of counts.

XlsxWriter (constant_memory mode) writes each row out as soon as a later row is started, so a sheet keeps
one row in memory and its rows must be written top to bottom; everything else (widths, panes, filters,
conditional formats, merged cells, page set-up, charts) may be set at any time before saving. Strings are
always written as strings, never as formulas or links. Imported only by the command that writes a .xlsx
report (start-up time), and without openpyxl.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell  # type: ignore[import-untyped]

from tusoi_cli.output import write_atomic
from tusoi_cli.render.excel.paper import (
    ERROR_CODES,
    FONT_NAME,
    FONT_SIZE,
    FOOTER_SIZE,
    GRID,
    HEADER_FILL,
    LINE_HEIGHT,
    RISKY_START,
    SIDE_MARGIN,
    TOP_MARGIN,
    clean_text,
    header_text,
    level_colors,
    line_count,
    page_height,
    print_scale,
)
from tusoi_cli.render.labels import score_text

Format = Any  # xlsxwriter ships no type information

PIXELS_PER_WIDTH = 7  # XlsxWriter stores a width of w characters as 7 w pixels (its maximum digit width)
CHART_WIDTH_CM, CHART_HEIGHT_CM = 15, 7.5  # the size of every report's chart (CHART_HEIGHT_PT in points)
_PIXELS_PER_CM = 96 / 2.54


def column_letter(index: int) -> str:
    """'A' for 1, 'AA' for 27."""
    return str(xl_col_to_name(index - 1))


class Book:
    """A workbook of the report: Arial 10 by default (Excel and LibreOffice agree on widths and line breaks
    with it), written in constant memory into a buffer, then saved atomically."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self._buffer, {
            "constant_memory": True,
            "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
            "nan_inf_to_errors": True,  # a value that is no number becomes #NUM!, never a failed report
            "default_format_properties": {"font_name": FONT_NAME, "font_size": FONT_SIZE},
        })
        self._formats: dict[tuple[tuple[str, object], ...], Format] = {}
        self._quoted: dict[int, Format] = {}
        self._properties: dict[int, dict[str, object]] = {}
        self.plain = self.format()  # no border, no fill: overrides a column's format in a title row

    def format(self, **properties: object) -> Format:
        """The cell format with these XlsxWriter properties, made once per workbook."""
        key = tuple(sorted(properties.items()))
        made = self._formats.get(key)
        if made is None:
            made = self._formats[key] = self.workbook.add_format(dict(properties))
            self._properties[id(made)] = dict(properties)
        return made

    def quoted(self, cell_format: Format | None) -> Format:
        """``cell_format`` with Excel's "this is text" flag: text that looks like a formula or an error value
        stays text when the cell is edited."""
        base = cell_format if cell_format is not None else self.plain
        made = self._quoted.get(id(base))
        if made is None:
            made = self._quoted[id(base)] = self.format(**self._properties.get(id(base), {}), quote_prefix=True)
        return made

    def text_format(self, text: str, cell_format: Format | None) -> Format | None:
        """The format to write cleaned ``text`` with: quoted when it starts like a formula or is an error value."""
        return self.quoted(cell_format) if text.startswith(RISKY_START) or text in ERROR_CODES else cell_format

    def conditional(self, **properties: object) -> Format:
        """A format for a conditional-formatting rule (only what the rule changes: fill, font colour, bold)."""
        return self.workbook.add_format(dict(properties))

    def sheet(self, name: str) -> Sheet:
        return Sheet(self, self.workbook.add_worksheet(name), name)

    def discard(self) -> None:
        """Drop an unfinished workbook: without this its destructor would zip it (seconds for a province)
        while an error or Ctrl-C is on its way out. Nothing was written to disk."""
        self.workbook.fileclosed = True

    def save(self, target: Path, *, title: str, tool_version: str, generated_at: datetime) -> None:
        """Stamp the document properties and write the workbook atomically (built in memory, then renamed)."""
        stamp = generated_at.astimezone(UTC).replace(tzinfo=None) if generated_at.tzinfo else generated_at
        self.workbook.set_properties({"title": clean_text(title), "author": f"tusoi {tool_version}",
                                      "created": stamp})
        self.workbook.close()
        write_atomic(target, self._buffer.getvalue())


@dataclass
class Sheet:
    """One worksheet written top to bottom; rows are numbered from 1, as Excel shows them."""

    book: Book
    ws: Any
    name: str
    rows: int = 0  # rows written so far: the last row's number
    widths: list[float] = field(default_factory=list)
    column_formats: list[Format | None] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    row_breaks: list[int] = field(default_factory=list)

    def set_columns(self, widths: Sequence[float], formats: Sequence[Format | None] = ()) -> None:
        """Column widths (in characters of '0', stored exactly) and the formats empty cells of a column show."""
        self.widths = list(widths)
        self.column_formats = [formats[i] if i < len(formats) else None for i in range(len(widths))]
        for index, width in enumerate(widths):
            self.ws.set_column_pixels(index, index, round(width * PIXELS_PER_WIDTH), self.column_formats[index])

    def freeze(self, cell: str) -> None:
        self.ws.freeze_panes(cell)

    def skip(self) -> int:
        """An empty row."""
        self.rows += 1
        return self.rows

    def row(self, values: Sequence[object], formats: Sequence[Format | None] | Format | None = None,
            fit: Sequence[float | None] | None = None, *, min_lines: int = 1, line_height: float | None = None,
            height: float | None = None) -> int:
        """Write the next row and return its number; strings are cleaned and always stored as text.

        ``formats``: one per value or one for all. A value of None is an empty cell: written only when its
        format differs from its column's (a border, a fill), so a column format spares the cell. ``fit``
        gives the widths of the wrapped columns: the row is made tall enough for their text (neither Excel
        nor LibreOffice's import sizes rows to wrapped text); ``height`` sets it outright, in points.
        """
        self.rows += 1
        row = self.rows - 1
        ws, book, columns = self.ws, self.book, self.column_formats
        if not isinstance(formats, list | tuple):
            formats = [formats] * len(values)
        nformats, ncolumns = len(formats), len(columns)
        lines = min_lines
        for col, value in enumerate(values):
            cell_format = formats[col] if col < nformats else None
            if value.__class__ is str:
                text = clean_text(value)
                if text:
                    if fit and col < len(fit) and fit[col]:
                        lines = max(lines, line_count(text, fit[col] or 0))
                    ws.write_string(row, col, text, book.text_format(text, cell_format))
                    continue
            elif value is not None:
                ws.write_number(row, col, value, cell_format)
                continue
            # an empty cell: written only for a format its column does not carry
            if cell_format is not None and (col >= ncolumns or cell_format is not columns[col]):
                ws.write_blank(row, col, None, cell_format)
        if height is None and (lines > 1 or line_height is not None):
            height = (line_height or LINE_HEIGHT) * lines + 3
        if height is not None:
            self.heights[self.rows] = height
            ws.set_row(row, height)
        return self.rows

    def title_row(self, title: str, title_format: Format, columns: int) -> int:
        """Row 1: the title, and unformatted cells over the columns that have a format (a grid)."""
        formats = [title_format] + [self.book.plain if f is not None else None
                                    for f in self.column_formats[1:columns]]
        return self.row([title, *([None] * (len(formats) - 1))], formats, height=20)

    def merge(self, row: int, first: int, last: int, text: str, cell_format: Format,
              others: Format | None = None) -> None:
        """Merge columns first..last (1-based) of ``row`` (the row being written) with ``text`` in the first."""
        text = clean_text(text)
        self.ws.merge_range(row - 1, first - 1, row - 1, last - 1, text, self.book.text_format(text, cell_format))
        if others is not None:
            for col in range(first, last):
                self.ws.write_blank(row - 1, col, None, others)

    def autofilter(self, first_row: int, last_row: int, columns: int) -> None:
        self.ws.autofilter(first_row - 1, 0, max(last_row, first_row) - 1, columns - 1)

    def conditional(self, ranges: str, options: dict[str, object]) -> None:
        """A conditional-formatting rule over ``ranges`` ('C5:K8 L5:T8', several ranges as one)."""
        first = ranges.split()[0]
        self.ws.conditional_format(first, {**options, "multi_range": ranges} if " " in ranges else options)

    def break_before_row(self, row: int) -> None:
        self.row_breaks.append(row - 1)
        self.ws.set_h_pagebreaks(self.row_breaks)

    def break_after_columns(self, columns: Sequence[int]) -> None:
        self.ws.set_v_pagebreaks(list(columns))

    def rows_height(self, first: int, end: int) -> float:
        """Height in points of rows first..end-1 as set (LINE_HEIGHT where not set)."""
        return sum(self.heights.get(row, LINE_HEIGHT) for row in range(first, end))

    def last_break(self) -> int:
        """First row of the page the next row falls on (by the row heights set)."""
        page, start, used = page_height(landscape=True), 1, 0.0
        for row in range(1, self.rows + 1):
            height = self.heights.get(row, LINE_HEIGHT)
            if used + height > page:
                start, used = row, 0.0
            used += height
        return start

    def print_setup(self, title: str, *, title_rows: tuple[int, int] | None, columns: int | None = None,
                    title_columns: int = 0, legend: str | None = None, area: bool = False,
                    scale: int | None = None) -> None:
        """A4 landscape at a fixed scale that keeps text at 9 points or more (never "fit to page": fitting a
        wide table shrinks its text to 5 points), header rows repeated, title on top, page numbers below.

        ``columns``: how many columns (from A) print, the rest staying for the screen; ``area``: print exactly
        the rows written over those columns (a sheet whose column formats reach further down)."""
        ws = self.ws
        ncols = columns or len(self.widths)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.set_print_scale(scale or print_scale(self.widths[:ncols], landscape=True))
        ws.center_horizontally()
        ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=TOP_MARGIN, bottom=TOP_MARGIN)
        if columns is not None or area:
            ws.print_area(0, 0, max(self.rows, 1) - 1, ncols - 1)
        if title_rows:
            ws.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)
        if title_columns:
            ws.repeat_columns(0, title_columns - 1)
        size = f"&{FOOTER_SIZE} "
        ws.set_header("&C" + size + header_text(title), {"margin": 0.25})
        footer = "&L" + size + "&A" + "&C" + size + "Trang &P / &N"
        if legend:
            footer += "&R" + size + header_text(legend)
        ws.set_footer(footer, {"margin": 0.25})

    def count_chart(self, title: str, categories: tuple[int, int, int], series: Sequence[ChartSeries], *,
                    peak: int, legend: bool, anchor: str) -> None:
        """A column chart of member counts labelled with its values, whole-number steps for small counts.

        ``categories``: (column, first row, last row) of the category labels; each series names the header
        cell above its values."""
        chart = self.book.workbook.add_chart({"type": "column"})
        column, first, last = categories
        for one in series:
            options: dict[str, object] = {
                "name": [self.name, first - 2, one.column - 1],
                "categories": [self.name, first - 1, column - 1, last - 1, column - 1],
                "values": [self.name, first - 1, one.column - 1, last - 1, one.column - 1],
                "data_labels": {"value": True},
                "border": {"color": "#595959"},
            }
            if one.fill:
                options["fill"] = {"color": "#" + one.fill}
            if one.points:
                options["points"] = [{"fill": {"color": "#" + rgb}, "border": {"color": "#595959"}}
                                     for rgb in one.points]
            chart.add_series(options)
        chart.set_title({"name": title})
        axis: dict[str, object] = {"name": "Số đảng viên", "min": 0, "num_format": "0"}
        if peak <= 10:
            axis.update(major_unit=1, max=max(peak + 1, 2))
        chart.set_y_axis(axis)
        if not legend:
            chart.set_legend({"none": True})
        chart.set_size({"width": round(CHART_WIDTH_CM * _PIXELS_PER_CM),
                        "height": round(CHART_HEIGHT_CM * _PIXELS_PER_CM)})
        self.ws.insert_chart(anchor, chart)


@dataclass(frozen=True)
class ChartSeries:
    column: int  # 1-based column of the values (its header names the series)
    fill: str | None = None  # RRGGBB for every bar
    points: Sequence[str] = ()  # RRGGBB per bar


def cell_ref(row: int, column: int) -> str:
    """'C5' for row 5, column 3."""
    return str(xl_rowcol_to_cell(row - 1, column - 1))


class Styles:
    """The report's cell formats, made once per workbook (the names of styles.Styles, for the same look)."""

    def __init__(self, book: Book, levels: Sequence[tuple[str, str]]) -> None:
        """``levels``: (id, rich colour) of the rubric's levels."""
        grid = {"border": 1, "border_color": "#" + GRID}
        top = {"valign": "top"}
        make = book.format
        self.text = make(**grid, **top)
        self.wrap = make(**grid, **top, text_wrap=True)
        self.left = make(**grid, **top, align="left", text_wrap=True)
        self.center = make(**grid, **top, align="center")
        self.int = make(**grid, **top, num_format="0")
        self.dec = make(**grid, **top, num_format="0.0")
        self.pct = make(**grid, **top, num_format="0.0%")
        header = {"bold": True, "bg_color": "#" + HEADER_FILL, "align": "center", "valign": "vcenter",
                  "text_wrap": True}
        self.header = make(**grid, **header)
        self.title = make(bold=True, font_size=13)
        self.subtitle = make(bold=True, font_size=11)
        self.note = make(italic=True, font_color="#595959")
        self.note_wrap = make(italic=True, font_color="#595959", **top, text_wrap=True)
        self.label = make(**grid, **top, bold=True)
        self.note_cell = make(**grid, **top, italic=True, font_color="#9C5700", text_wrap=True)
        hide_zero = "General;-General;;@"  # a zero typed into the matrix prints blank, as an empty cell does
        first = {**grid, "left": 2, "left_color": "#808080"}  # a block's first column: a thick left edge
        self.matrix = make(**grid, **top, align="center", num_format=hide_zero)
        self.matrix_first = make(**first, **top, align="center", num_format=hide_zero)
        titled = {"align": "center", "valign": "top", "text_wrap": True, "font_size": 9}
        self.item_title = make(**grid, **titled)
        self.item_title_first = make(**first, **titled)
        self.header_first = make(**first, **header)
        self._numbers: dict[float, Format] = {}
        self.level: dict[str, Format] = {}
        self.level_bold: dict[str, Format] = {}
        for level_id, color in levels:
            light, _ = level_colors(color)
            fill = {"bg_color": "#" + light} if light != "FFFFFF" else {}
            self.level[level_id] = make(**grid, **top, **fill)
            self.level_bold[level_id] = make(**grid, **top, **fill, bold=True)

    def number(self, value: float) -> Format:
        """'0' for values that display without a decimal, '0.0' otherwise (86.25 -> 86.3, 90 -> 90)."""
        made = self._numbers.get(value)
        if made is None:
            made = self._numbers[value] = self.dec if "." in score_text(value) else self.int
        return made

    def number_or_text(self, value: float | None) -> Format:
        """As :meth:`number`; plain text style for a member without a score (not rated)."""
        return self.text if value is None else self.number(value)
