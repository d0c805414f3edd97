"""Rows of a streaming (write-only) sheet written straight as sheet XML: the big sheets of a province's report.

openpyxl's write-only mode builds an ElementTree element per cell and serialises it in pure Python (without
lxml, which tusoi does not depend on): about 75 % of the time of writing a report of millions of cells. Here
a row is made as one string, each cell one f-string, and handed to openpyxl's stream in place of its cells;
everything else of the workbook (styles, widths, panes, filters, print set-up, charts) stays openpyxl's.

The cells are those :func:`tusoi_cli.render.excel.styles.append_row` makes: text cleaned of the characters
Excel cannot store, always stored as text (inline strings), the text a spreadsheet could read as a formula
or an error value flagged with Excel's quote prefix; numbers as openpyxl writes them; dates as serial
numbers under their cell's date format. When openpyxl streams through lxml (not installed with tusoi, but a
user may have it), the row goes through openpyxl's own writer, cell by cell, unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl.cell.cell import ERROR_CODES, Cell  # type: ignore[import-untyped]
from openpyxl.styles.cell_style import StyleArray  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.datetime import to_excel  # type: ignore[import-untyped]

from tusoi_cli.render.excel.paper import LINE_HEIGHT, RISKY_START, clean_text, line_count
from tusoi_cli.render.excel.styles import store_text

Worksheet = Any  # openpyxl ships no type information

_TEXTS_KEPT = 200_000
_CHUNK = 256  # rows handed to openpyxl's stream at once
_MAX_TEXT = 32767  # Excel's longest cell text; openpyxl cuts longer text there too
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


class _XmlRows(list):  # type: ignore[type-arg]
    """Consecutive rows for openpyxl's stream as one: their sheet XML, and (row, values, styles, height) of
    each for openpyxl's own writer."""

    __slots__ = ("xml",)

    def __init__(self, xml: str, rows: list[tuple[int, Sequence[object], Sequence[Any], float | None]]) -> None:
        super().__init__(rows)
        self.xml = xml


class FastRows:
    """Appends rows to one streaming sheet, as :func:`append_row` does, much faster. Used as a context
    manager: its rows go out in chunks, the last one when the ``with`` block ends.

    Before or after the block the sheet may take :func:`append_row`'s rows: both keep ``max_row`` and
    ``max_column``. Inside the block, only this object's rows."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self._cell_styles = ws.parent._cell_styles  # the workbook's style table: index -> style array
        self._ids: dict[int, tuple[Any, str]] = {}  # id(style) -> (style, ' s="n"')
        self._quoted: dict[int, str] = {}  # id(style) -> ' s="m"' of its quote-prefixed copy, made when needed
        self._letters: list[str] = []
        self._texts: dict[tuple[str, int, float | None], tuple[str, int]] = {}  # (text, id(style), width) -> xml
        self._hooked = False
        self._xml: list[str] = []  # rows not yet handed to openpyxl's stream
        self._rows: list[tuple[int, Sequence[object], Sequence[Any], float | None]] = []

    def __enter__(self) -> FastRows:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()

    def flush(self) -> None:
        """Hand the rows made so far to openpyxl's stream, as one."""
        if self._rows:
            self.ws.append(_XmlRows("".join(self._xml), self._rows))
            self._xml, self._rows = [], []

    def _style(self, style: Any) -> tuple[Any, str]:
        found = self._ids.get(id(style))
        if found is None:
            plain = StyleArray(style) if style is not None else StyleArray()
            found = self._ids[id(style)] = (style, _s(self._cell_styles.add(plain)))  # the style kept: its id too
        return found

    def _quoted_style(self, style: Any) -> str:
        """The style with Excel's quote prefix, as store_text gives a cell whose text could read as a formula."""
        found = self._quoted.get(id(style))
        if found is None:
            quoted = StyleArray(style) if style is not None else StyleArray()
            quoted.quotePrefix = 1
            found = self._quoted[id(style)] = _s(self._cell_styles.add(quoted))
        return found

    def _hook(self) -> None:
        """Take this sheet's rows of XML from openpyxl's stream, and leave its other rows to openpyxl."""
        ws = self.ws
        ws._get_writer()
        writer = ws._writer
        original = writer.write_row
        # openpyxl's stream numbers rows by counting what is appended; a chunk is many rows in one append, so the
        # rows appended after it are numbered on by the rows the chunks held beyond one each
        ahead = [0]

        def write_row(xf: Any, row: Any, row_idx: int) -> None:
            if type(row) is not _XmlRows:
                original(xf, row, row_idx + ahead[0])
                return
            ahead[0] += len(row) - 1
            raw = getattr(xf, "_file", None)  # et_xmlfile's writer: the stream's text, inside <sheetData>
            if raw is not None:
                raw(row.xml)
                return
            for number, values, styles, height in row:
                if height is not None:
                    ws.row_dimensions[number].height = height
                original(xf, _cells(ws, values, styles, number), number)

        writer.write_row = write_row
        if "_values_to_row" not in vars(ws):
            ws._values_to_row = _as_given
        self._hooked = True

    def _text(self, value: str, style: Any, width: float | None) -> tuple[str, int]:
        """A text cell's XML after its reference, and the lines it takes in a wrapped column ``width`` wide."""
        cleaned = clean_text(value)
        text = cleaned[:_MAX_TEXT]
        risky = text.startswith(RISKY_START) or text in ERROR_CODES
        plain = self._style(style)[1]  # also keeps the style alive, so its id keys the caches safely
        s = self._quoted_style(style) if risky else plain
        space = ' xml:space="preserve"' if text.strip() != text and text.strip() else ""
        return (f'{s} t="inlineStr"><is><t{space}>{text.translate(_ESCAPES)}</t></is></c>',
                line_count(cleaned, width) if width else 1)  # as append_row counts

    def append(self, values: Sequence[object], styles: Sequence[Any], fit: Sequence[float | None] | None = None,
               *, height: float | None = None) -> int:
        """Append a row and return its number (``styles`` one per value; ``fit`` as :func:`append_row`'s).

        Unlike :func:`append_row`, the row's height is not kept in ``ws.row_dimensions`` (a province's
        sheet would keep an object per row): :func:`rows_height` and :func:`last_break` do not see it."""
        ws = self.ws
        if not self._hooked:
            self._hook()
        row = getattr(ws, "max_row", 0) + 1
        letters = self._letters
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        texts, ids = self._texts, self._ids
        if len(texts) > _TEXTS_KEPT:  # names and titles repeat; free texts (plans) need not stay
            texts.clear()
        lines = 1
        parts = []
        at = f'{row}"'  # the end of each cell's reference in this row
        widths = fit if fit is not None else ()
        for index, value in enumerate(values):
            style = styles[index]
            if type(value) is str:
                width = widths[index] if index < len(widths) else None
                key = (value, id(style), width)
                found = texts.get(key)
                if found is None:
                    found = texts[key] = self._text(value, style, width)  # its style is kept in _ids
                parts.append(f'<c r="{letters[index]}{at}{found[0]}')
                if found[1] > lines:
                    lines = found[1]
                continue
            s = (ids.get(id(style)) or self._style(style))[1]
            if value is None:
                if style is not None and any(style):
                    parts.append(f'<c r="{letters[index]}{at}{s}/>')
            elif type(value) is int:
                parts.append(f'<c r="{letters[index]}{at}{s} t="n"><v>{value}</v></c>')
            elif isinstance(value, bool):
                parts.append(f'<c r="{letters[index]}{at}{s} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                parts.append(f'<c r="{letters[index]}{at}{s} t="n"><v>{value:.16g}</v></c>')
            elif isinstance(value, date):
                serial = to_excel(value, ws.parent.epoch)
                parts.append(f'<c r="{letters[index]}{at}{s} t="n"><v>{serial:.16g}</v></c>')
            else:
                raise TypeError(f"a cell value of type {type(value).__name__}")
        if height is None and lines > 1:
            height = LINE_HEIGHT * lines + 3
        if height is not None:
            xml = f'<row r="{row}" ht="{height:.16g}" customHeight="1">{"".join(parts)}</row>'
        else:
            xml = f'<row r="{row}">{"".join(parts)}</row>'
        self._xml.append(xml)
        self._rows.append((row, values, styles, height))  # as given: the caller makes a new row each time
        if len(self._rows) >= _CHUNK:
            self.flush()
        ws.max_row = row
        if len(values) > getattr(ws, "max_column", 0):
            ws.max_column = len(values)
        return row


def _s(index: int) -> str:
    return f' s="{index}"' if index else ""


def _as_given(cells: list[Any], row: int) -> list[Any]:
    """openpyxl's stream takes the row as appended (see styles._placed_cells)."""
    return cells


def _cells(ws: Worksheet, values: Sequence[object], styles: Sequence[Any], row: int) -> list[Any]:
    """The row as openpyxl cells, for openpyxl's own writer (made as append_row makes them)."""
    cells = []
    for index, value in enumerate(values):
        cell = Cell(ws, row=row, column=index + 1, style_array=styles[index])
        if isinstance(value, str):
            store_text(cell, clean_text(value))
        else:
            cell.value = value
        cells.append(cell)
    return cells
