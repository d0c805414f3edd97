"""Is a rubric's document in force for the period evaluated? Pure functions over the resolved rubric.

A period is the calendar year its ``ky_danh_gia`` names ("2026", "năm 2026", "2025-2026" → the last
year), or the latest date it gives ("01/01/2026 - 30/06/2026"); the check is made on the period's last
day. A period that names neither cannot be placed in time: nothing is checked (no warning, none claimed).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from tusoi_cli.model import InForceWarning, Rubric, RubricDocument

_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})(?!\d)")
_ISO = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def period_end(period: str | None) -> date | None:
    """The last day of the period ``ky_danh_gia`` names, or None when it names no date or year."""
    if not period:
        return None
    dates: list[date] = []
    for day, month, year in _DMY.findall(period):
        dates.extend(_date(int(year), int(month), int(day)))
    for year, month, day in _ISO.findall(period):
        dates.extend(_date(int(year), int(month), int(day)))
    if dates:
        return max(dates)
    years = [int(y) for y in _YEAR.findall(period)]
    return date(max(years), 12, 31) if years else None


def _date(year: int, month: int, day: int) -> list[date]:
    try:
        return [date(year, month, day)]
    except ValueError:
        return []


def in_force_warnings(rubric: Rubric, period: str | None) -> list[InForceWarning]:
    """One warning per document of ``rubric`` (its own and its includes') not in force on the period's last day."""
    on = period_end(period)
    if on is None:
        return []
    when = f"ngày cuối của kỳ {period} ({_dmy(on)})"
    assert period is not None  # period_end found a date in it
    warnings = []
    for doc in rubric.documents:
        if doc.effective_to is not None and on > doc.effective_to:
            after = f"; thay bằng {doc.replaced_by}" if doc.replaced_by else ""
            message = (f"{_name(doc)} hết hiệu lực sau {_dmy(doc.effective_to)}, trước {when}{after}. "
                       "Điểm vẫn tính theo bộ tiêu chí đã chọn.")
            warnings.append(_warning("replaced", doc, period, on, message))
        elif doc.effective_from is not None and on < doc.effective_from:
            message = (f"{_name(doc)} có hiệu lực từ {_dmy(doc.effective_from)}, sau {when}: kỳ này chưa "
                       "áp dụng văn bản đó.")
            warnings.append(_warning("not_yet_in_force", doc, period, on, message))
    return warnings


def _name(doc: RubricDocument) -> str:
    dated = f" ngày {_dmy(doc.document_date)}" if doc.document_date else ""
    return f"Bộ tiêu chí '{doc.rubric}' ({doc.document or doc.title}{dated})"


Code = Literal["replaced", "not_yet_in_force"]


def _warning(code: Code, doc: RubricDocument, period: str, on: date, message: str) -> InForceWarning:
    return InForceWarning.model_construct(code=code, rubric=doc.rubric, document=doc.document, period=period,
                                          period_end=on, effective_from=doc.effective_from,
                                          effective_to=doc.effective_to, replaced_by=doc.replaced_by, message=message)


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")
