"""Dates as people write them in member files and sheets."""

from __future__ import annotations

import re
from datetime import date

_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def parse_date(text: str) -> date | None:
    """ISO (2026-06-30) or Vietnamese day-first (30/06/2026) dates."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    found = _DATE_DMY.match(text.strip())
    if found:
        day, month, year = (int(g) for g in found.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None
