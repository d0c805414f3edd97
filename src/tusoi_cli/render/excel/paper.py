"""What the report workbooks share that needs no spreadsheet library: the page (A4, margins, print scale,
how wide a column prints), how many lines a text takes, the report's fonts and colours, and text made safe
for a cell. The openpyxl workbooks (styles.py) and the XlsxWriter report (xlsxw.py, report.py) both use it,
so the batch report is written without importing openpyxl."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# The control characters Excel cannot store in a cell (openpyxl's ILLEGAL_CHARACTERS_RE).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

# Text that Excel would take for an error value rather than text.
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


LINE_HEIGHT = 13  # points per line of 10-point Arial


def clean_text(text: str) -> str:
    """Drop the control characters Excel cannot store (e.g. Word's soft line break \\x0b)."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


def excel_number(value: float) -> int | float:
    """Integral floats as int, so the sheet shows 2 rather than 2.0 under the General format."""
    return int(value) if float(value).is_integer() else value


def level_colors(name: str) -> tuple[str, str]:
    """Light fill and chart colour (RRGGBB) for a rich colour/style such as 'green', 'bold bright_red', '#ff8800'."""
    tokens = [t for t in name.lower().replace(",", " ").split() if t not in STYLE_WORDS]
    if "on" in tokens:  # 'red on white': the foreground is the level's colour
        tokens = tokens[: tokens.index("on")]
    if not tokens:
        return PALETTE["white"]
    token = tokens[-1]
    base = token.removeprefix("bright_").removeprefix("dark_").removeprefix("light_").rstrip("0123456789")
    if base in PALETTE:
        return PALETTE[base]
    try:
        from rich.color import Color, ColorParseError

        try:
            triplet = Color.parse(token).get_truecolor()
        except ColorParseError:
            return PALETTE["white"]
    except ImportError:  # pragma: no cover - rich is a dependency
        return PALETTE["white"]
    rgb = (triplet.red, triplet.green, triplet.blue)
    light = "".join(f"{round(c + (255 - c) * 0.75):02X}" for c in rgb)
    return light, "".join(f"{c:02X}" for c in rgb)


@dataclass(frozen=True)
class Column:
    header: str
    width: float


def line_count(text: str, width: float) -> int:
    """Lines ``text`` takes when word-wrapped in a column ``width`` characters wide (a slightly generous guess)."""
    capacity = max(1, int(width * CHARS_PER_WIDTH))
    if len(text) <= capacity and "\n" not in text:
        return 1  # the common case, without splitting into words
    total = 0
    for paragraph in text.split("\n"):
        count, used = 1, 0
        for word in paragraph.split():
            if used == 0:
                used = len(word)
            elif used + 1 + len(word) <= capacity:
                used += 1 + len(word)
            else:
                count, used = count + 1, len(word)
            while used > capacity:  # a word longer than the column is broken
                count, used = count + 1, used - capacity
        total += count
    return total


CHART_HEIGHT_PT = 7.5 / 2.54 * 72  # finish_count_chart's height


def page_height(*, landscape: bool) -> float:
    """Printable height in points at 100 %: A4 less the top and bottom margins print_setup sets and, to be
    safe, the room LibreOffice gives the page header and footer inside them."""
    return (A4_SHORT if landscape else A4_LONG) - 2 * 72 * TOP_MARGIN - 50


# Text starting with one of these is what spreadsheet users may read as a formula (OWASP CSV injection).
RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")


# Rich colour names used by rubrics -> (light cell fill, stronger chart colour).
PALETTE: dict[str, tuple[str, str]] = {
    "green": ("C6EFCE", "70AD47"),
    "cyan": ("CCEEF4", "4BACC6"),
    "yellow": ("FFEB9C", "FFC000"),
    "red": ("FFC7CE", "E0474C"),
    "blue": ("D6E4F5", "4472C4"),
    "magenta": ("F2D5EC", "A5509D"),
    "white": ("FFFFFF", "BFBFBF"),
    "black": ("D9D9D9", "404040"),
    "grey": ("E7E6E6", "808080"),
    "gray": ("E7E6E6", "808080"),
    "orange": ("FCE4D6", "ED7D31"),
    "purple": ("E4DFEC", "7030A0"),
}


STYLE_WORDS = {"bold", "dim", "italic", "underline", "reverse", "blink", "strike", "not", "b", "i", "u"}


HEADER_FILL = "DDE5F0"


FONT_NAME = "Arial"


FONT_SIZE = 10


CHARS_PER_WIDTH = 1.2  # characters of ordinary 10-point Arial text per unit of column width (a unit is one "0")


GRID = "BFBFBF"


def header_text(text: str) -> str:
    """Text for a print header/footer: '&' escaped, kept short (Excel allows 255 characters in all)."""
    text = clean_text(text).replace("\n", " ")
    if len(text) > 110:
        text = text[:109] + "…"
    return text.replace("&", "&&")


# A4 and the margins print_setup sets, in points; a column of width w (in '0' characters of the default
# font, 10-point Arial) prints about (7.4 w + 5) pixels wide, 0.75 point each (Excel rounds the digit width to
# 7 pixels, LibreOffice does not: the wider is used, so the table fits in both).
A4_LONG = 842.0  # A4 in points


A4_SHORT = 595.0


SIDE_MARGIN = 0.4  # inches


TOP_MARGIN = 0.5


FOOTER_SIZE = 9


def print_scale(widths: Sequence[float], *, landscape: bool = True) -> int:
    """The print scale (%) that fits columns of ``widths`` on the page width, never below MIN_SCALE.

    A table wider than the page at that floor flows over more pages (Excel and LibreOffice split it by
    columns) instead of printing text too small to read in a meeting.
    """
    page = (A4_LONG if landscape else A4_SHORT) - 2 * 72 * SIDE_MARGIN
    total = sum(column_points(w) for w in widths) or 1.0
    return max(MIN_SCALE, min(100, math.floor(page / total * 100)))


MIN_SCALE = 90  # 10-point text printed at 90 % is 9 points: the smallest the report prints


def column_points(width: float) -> float:
    """Printed width in points of a column ``width`` units wide, at 100 %."""
    return (PIXELS_PER_UNIT * width + 5) * 0.75


PIXELS_PER_UNIT = 7.5


def distinct(values: Iterable[str | None]) -> list[str]:
    """The non-blank texts of ``values``, stripped, each once, in first-seen order (cells, periods)."""
    return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))

