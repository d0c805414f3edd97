"""What the openpyxl workbooks share (the comparison report, the sheet template): fonts, colours, the style
arrays, safe text cells, rows appended with fitted heights, A4 print set-up, charts of counts, and writing the
workbook atomically. The helpers that need no spreadsheet library live in paper.py (the batch report, written
with XlsxWriter through xlsxw.py, uses them too)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ERROR_CODES, Cell  # type: ignore[import-untyped]
from openpyxl.chart import BarChart  # type: ignore[import-untyped]
from openpyxl.chart.label import DataLabelList  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.indexed_list import IndexedList  # type: ignore[import-untyped]
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # type: ignore[import-untyped]
from openpyxl.worksheet.properties import PageSetupProperties  # type: ignore[import-untyped]

from tusoi_cli.output import write_atomic
from tusoi_cli.render.excel.paper import (
    FONT_NAME,
    FONT_SIZE,
    FOOTER_SIZE,
    GRID,
    HEADER_FILL,
    RISKY_START,
    SIDE_MARGIN,
    TOP_MARGIN,
    header_text,
    print_scale,
)

# isort: off
# what compare.py, sheet_template.py and report users import from here (defined in paper.py)
from tusoi_cli.render.excel.paper import (
    CHART_HEIGHT_PT as CHART_HEIGHT_PT, LINE_HEIGHT as LINE_HEIGHT, Column as Column, clean_text as clean_text,
    distinct as distinct, excel_number as excel_number, level_colors as level_colors, line_count as line_count,
    page_height as page_height,
)
# isort: on
from tusoi_cli.render.labels import score_text

if TYPE_CHECKING:
    from tusoi_cli.model import Rubric

Worksheet = Any  # openpyxl ships no type information
StyleArray = Any


def new_workbook(*, streaming: bool = False) -> Any:
    """A workbook whose default font is Arial 10: Excel and LibreOffice (Liberation Sans has Arial's metrics) then
    agree on column widths and line breaks, which they do not for Calibri where it is missing.

    ``streaming``: openpyxl's write-only mode, each row written out as it is appended (a province's report
    would otherwise keep millions of cell objects). Such a sheet starts with no sheet; column widths,
    frozen panes and a row's height must be set before the row is appended (:func:`append_row` does the
    last), and :func:`append_row` keeps ``max_row``/``max_column`` on it as a normal sheet has them.
    """
    workbook = Workbook(write_only=streaming)
    workbook._fonts = IndexedList([cell_font()])
    workbook._named_styles["Normal"].font = cell_font()
    return workbook


def cell_font(**options: Any) -> Any:
    """A font of the report: Arial, 10 points unless ``size`` says otherwise."""
    options.setdefault("size", FONT_SIZE)
    return Font(name=FONT_NAME, family=2, **options)


def count_chart(title: str) -> Any:
    """A column chart of member counts, labelled with its values."""
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = "Số đảng viên"
    chart.dataLabels = DataLabelList(showVal=True, showSerName=False, showCatName=False, showLegendKey=False,
                                     showPercent=False)
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.scaling.min = 0
    chart.y_axis.numFmt = "0"
    return chart


def finish_count_chart(chart: Any, peak: int) -> None:
    """Whole-number steps for small counts, and one size for every report's chart."""
    if peak <= 10:
        chart.y_axis.majorUnit = 1
        chart.y_axis.scaling.max = max(peak + 1, 2)
    chart.width = 15
    chart.height = 7.5


def save_workbook(workbook: Any, target: Path, *, title: str, tool_version: str, generated_at: datetime,
                  compresslevel: int | None = None) -> None:
    """Stamp the document properties and write the workbook atomically (saved in memory, then renamed).

    ``compresslevel``: the deflate level of the package (openpyxl's default, 6, when None); 1 compresses
    a province's 170 MB of sheet XML twice as fast into a file a third larger."""
    props = workbook.properties
    props.creator = props.lastModifiedBy = f"tusoi {tool_version}"
    props.title = clean_text(title)
    stamp = generated_at.astimezone(UTC).replace(tzinfo=None) if generated_at.tzinfo else generated_at
    props.created = props.modified = stamp
    buffer = io.BytesIO()
    if compresslevel is None:
        workbook.save(buffer)
    else:  # openpyxl's save_workbook, with the level given
        from zipfile import ZIP_DEFLATED, ZipFile

        from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped]

        if workbook.write_only and not workbook.worksheets:
            workbook.create_sheet()
        ExcelWriter(workbook, ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=compresslevel)).save()
    write_atomic(target, buffer.getvalue())


def solid_fill(rgb: str) -> Any:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


class Styles:
    """Style arrays built once per workbook, copied into each cell at creation."""

    def __init__(self, ws: Worksheet, rubric: Rubric) -> None:
        self._ws = ws
        thin = Side(style="thin", color=GRID)
        self.grid = Border(left=thin, right=thin, top=thin, bottom=thin)
        top = Alignment(vertical="top")
        self.text = self.make(border=self.grid, alignment=top)
        self.wrap = self.make(border=self.grid, alignment=Alignment(vertical="top", wrap_text=True))
        self.left = self.make(border=self.grid, alignment=Alignment(horizontal="left", vertical="top", wrap_text=True))
        self.center = self.make(border=self.grid, alignment=Alignment(horizontal="center", vertical="top"))
        self.int = self.make(border=self.grid, alignment=top, number_format="0")
        self.dec = self.make(border=self.grid, alignment=top, number_format="0.0")
        self.pct = self.make(border=self.grid, alignment=top, number_format="0.0%")
        self.header = self.make(border=self.grid, font=cell_font(bold=True), fill=solid_fill(HEADER_FILL),
                                alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        self.title = self.make(font=cell_font(bold=True, size=13))
        self.subtitle = self.make(font=cell_font(bold=True, size=11))
        self.note = self.make(font=cell_font(italic=True, color="595959"))
        self.note_wrap = self.make(font=cell_font(italic=True, color="595959"),
                                   alignment=Alignment(vertical="top", wrap_text=True))
        self.label = self.make(border=self.grid, font=cell_font(bold=True), alignment=top)
        self.note_cell = self.make(border=self.grid, font=cell_font(italic=True, color="9C5700"),
                                   alignment=Alignment(vertical="top", wrap_text=True))
        medium = Side(style="medium", color="808080")
        hide_zero = "General;-General;;@"  # a zero is stored (the cell stays a number) but left blank on the page
        self.matrix = self.make(border=self.grid, alignment=Alignment(horizontal="center", vertical="top"),
                                number_format=hide_zero)
        self.matrix_first = self.make(border=Border(left=medium, right=thin, top=thin, bottom=thin),
                                      alignment=Alignment(horizontal="center", vertical="top"),
                                      number_format=hide_zero)
        titled = Alignment(horizontal="center", vertical="top", wrap_text=True)
        self.item_title = self.make(border=self.grid, font=cell_font(size=9), alignment=titled)
        self.item_title_first = self.make(border=Border(left=medium, right=thin, top=thin, bottom=thin),
                                          font=cell_font(size=9), alignment=titled)
        self.header_first = self.make(border=Border(left=medium, right=thin, top=thin, bottom=thin),
                                      font=cell_font(bold=True), fill=solid_fill(HEADER_FILL),
                                      alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        self.level: dict[str, StyleArray] = {}
        self.level_bold: dict[str, StyleArray] = {}
        for level in rubric.levels:
            light, _ = level_colors(level.color)
            fill = solid_fill(light) if light != "FFFFFF" else None
            self.level[level.id] = self.make(border=self.grid, fill=fill, alignment=top)
            self.level_bold[level.id] = self.make(border=self.grid, fill=fill, alignment=top, font=cell_font(bold=True))

    def add_levels(self, rubric: Rubric) -> None:
        """Styles for the levels of another rubric that are not styled yet (the first colours of a level id win)."""
        for level in rubric.levels:
            if level.id not in self.level:
                light, _ = level_colors(level.color)
                fill = solid_fill(light) if light != "FFFFFF" else None
                top = Alignment(vertical="top")
                self.level[level.id] = self.make(border=self.grid, fill=fill, alignment=top)
                self.level_bold[level.id] = self.make(border=self.grid, fill=fill, font=cell_font(bold=True),
                                                      alignment=top)

    def make(self, *, font: Any = None, fill: Any = None, border: Any = None, alignment: Any = None,
             number_format: str | None = None) -> StyleArray:
        """Register the styles with the workbook and return the cell style array that refers to them."""
        cell = set_style(Cell(self._ws), font=font, fill=fill, border=border, alignment=alignment,
                         number_format=number_format)
        return cell._style  # openpyxl copies it into every cell created with style_array=

    def number(self, value: float) -> StyleArray:
        """'0' for values that display without a decimal, '0.0' otherwise (86.25 -> 86.3, 90 -> 90)."""
        return self.dec if "." in score_text(value) else self.int

    def number_or_text(self, value: float | None) -> StyleArray:
        """As :meth:`number`; plain text style for a member without a score (not rated)."""
        return self.text if value is None else self.number(value)


def store_text(cell: Any, text: str) -> None:
    """Put already cleaned text in ``cell`` as text: never a formula (=...) nor an error value (#N/A)."""
    cell.value = text
    if text.startswith(RISKY_START) or text in ERROR_CODES:
        cell.data_type = "s"
        cell.quotePrefix = True  # Excel's own "this is text" flag, kept when the cell is edited


def append_row(ws: Worksheet, values: Sequence[object], styles: Sequence[StyleArray | None] | StyleArray | None = None,
            fit: Sequence[float | None] | None = None, *, min_lines: int = 1, line_height: float | None = None,
            height: float | None = None) -> int:
    """Append a row and return its number; strings are cleaned and always stored as text, never as formulas.

    ``fit`` gives the widths of the wrapped columns: the row is made tall enough for their text, since
    neither openpyxl nor LibreOffice's import sizes rows to wrapped text. ``height`` sets the row's height
    in points outright. The height is set before the row is appended, so it holds in a streaming sheet too.
    """
    streaming = isinstance(ws, WriteOnlyWorksheet)
    row = (getattr(ws, "max_row", 0) if streaming else int(ws._current_row)) + 1  # the row append fills
    at = row if streaming else None  # a streaming sheet takes cells already placed (see _placed_cells)
    cells = []
    lines = min_lines
    for index, value in enumerate(values):
        style = (styles[index] if index < len(styles) else None) if isinstance(styles, list | tuple) else styles
        if isinstance(value, str):
            value = clean_text(value)
            if fit and index < len(fit) and fit[index]:
                lines = max(lines, line_count(value, fit[index] or 0))
            cell = Cell(ws, row=at, column=index + 1 if at else None, style_array=style)
            store_text(cell, value)
        else:
            cell = Cell(ws, row=at, column=index + 1 if at else None, value=value, style_array=style)
        cells.append(cell)
    if streaming and "_values_to_row" not in vars(ws):
        ws._values_to_row = _placed_cells
    if height is not None:
        ws.row_dimensions[row].height = height
    elif lines > 1 or line_height is not None:
        ws.row_dimensions[row].height = (line_height or LINE_HEIGHT) * lines + 3
    ws.append(cells)
    if streaming:  # what a normal sheet knows of itself, for print_setup and last_break
        ws.max_row = row
        ws.max_column = max(getattr(ws, "max_column", 0), len(cells))
    return row


def _placed_cells(cells: list[Any], row: int) -> list[Any]:
    """A streaming sheet's row as append_row made it: styled cells with their row and column set.

    openpyxl's write-only sheet would otherwise try each cell as a value first and take it as a cell only
    after a failed conversion (an exception per cell, most of the report's writing time); the cells are
    written exactly as they would be."""
    return cells


def print_setup(ws: Worksheet, title: str, *, title_rows: str | None, columns: int | None = None,
                 title_cols: str | None = None, landscape: bool = True, legend: str | None = None) -> None:
    """A4, at a fixed scale that keeps text at 9 points or more, header rows repeated, title on top, page
    numbers at the bottom.

    ``columns``: how many columns (from A) print; the rest of the sheet stays for the screen. A fixed
    scale rather than "fit to one page wide": fitting a wide table shrinks its text to 5 points.
    """
    ncols = columns or ws.max_column
    widths = [width_of(ws, index) for index in range(1, ncols + 1)]
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.scale = print_scale(widths, landscape=landscape)
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    ws.page_margins.top = ws.page_margins.bottom = TOP_MARGIN
    ws.page_margins.header = ws.page_margins.footer = 0.25
    if columns is not None:
        ws.print_area = f"A1:{get_column_letter(ncols)}{max(ws.max_row, 1)}"
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    ws.oddHeader.center.text = header_text(title)
    ws.oddHeader.center.size = FOOTER_SIZE
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.left.size = FOOTER_SIZE
    ws.oddFooter.center.text = "Trang &P / &N"
    ws.oddFooter.center.size = FOOTER_SIZE
    if legend:
        ws.oddFooter.right.text = header_text(legend)
        ws.oddFooter.right.size = FOOTER_SIZE


def rows_height(ws: Worksheet, first: int, end: int) -> float:
    """Height in points of rows first..end-1 as set (15, the default, when not set)."""
    total = 0.0
    for row in range(first, end):
        dimension = ws.row_dimensions.get(row)
        total += dimension.height if dimension is not None and dimension.height else LINE_HEIGHT
    return total


def last_break(ws: Worksheet) -> int:
    """First row of the page the next row falls on (by the row heights set; 1 without breaks)."""
    page, start, used = page_height(landscape=True), 1, 0.0
    for row in range(1, ws.max_row + 1):
        dimension = ws.row_dimensions.get(row)
        height = dimension.height if dimension is not None and dimension.height else LINE_HEIGHT
        if used + height > page:
            start, used = row, 0.0
        used += height
    return start


def sheet_head(ws: Worksheet, widths: Sequence[float], *, freeze: str | None = None) -> None:
    """What a sheet writes before its rows (a streaming sheet cannot change it later): column widths, frozen
    panes, and the fixed print scale's page property (print_setup sets the rest of the page)."""
    set_widths(ws, widths)
    if freeze:
        ws.freeze_panes = freeze
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def width_of(ws: Worksheet, index: int) -> float:
    """A column's width as set (openpyxl's default, 13, when it was not)."""
    dimension = ws.column_dimensions.get(get_column_letter(index))
    width = dimension.width if dimension is not None else None
    return float(width) if width else 13.0


def set_style(cell: Any, *, font: Any = None, fill: Any = None, border: Any = None, alignment: Any = None,
              number_format: str | None = None) -> Any:
    """Give ``cell`` each style part that is not None; return the cell."""
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if border is not None:
        cell.border = border
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell
