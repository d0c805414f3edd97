"""Cell values of a spreadsheet as the readers hand them on, including the cells that hold no value."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta


class BadCell:
    """A cell whose value the file does not hold: an error (``#N/A``, ``#DIV/0!``...) or, with empty
    ``text``, a formula that was never calculated. calamine reads both as blank; a blank must not
    stand for them, so they are put back into the rows as this."""

    __slots__ = ("text",)
    HINT = "sửa công thức cho ra một giá trị, hoặc gõ thẳng giá trị vào ô"

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"BadCell({self.text!r})"

    def __str__(self) -> str:  # never blank: the batch reader must not skip a row holding one
        return self.text or "=?"

    def describe(self) -> str:
        if self.text:
            return f"ô bị lỗi công thức {self.text}"
        return "ô có công thức chưa được tính (tệp chưa từng được mở và lưu bằng Excel hay LibreOffice)"


class DamagedCell(BadCell):
    """A CSV cell holding a NUL byte: the row is reported, the rest of the file is read."""

    __slots__ = ()
    HINT = "gõ lại giá trị của ô này, hoặc xuất lại tệp từ Excel dạng CSV UTF-8"

    def describe(self) -> str:
        return "ô có ký tự NUL (mã 0), thường do tệp bị hỏng"


Cell = str | int | float | bool | date | datetime | time | timedelta | BadCell | None
