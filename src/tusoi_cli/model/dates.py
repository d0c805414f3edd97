"""Dates as people write them in member files and sheets: ISO (2026-06-30) or Vietnamese day-first (30/06/2026)."""

from __future__ import annotations

import re
from datetime import date

DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def day_first(text: str) -> date | None:
    """A day-first date (30/06/2026, also with "." or "-"); None when ``text`` is not one or no such day exists."""
    found = DAY_FIRST.match(text.strip())
    if found is None:
        return None
    day, month, year = (int(g) for g in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """ISO (2026-06-30) or Vietnamese day-first (30/06/2026) dates."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    return day_first(text)
