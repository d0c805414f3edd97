"""CSV of batch results for scripts and spreadsheets: one row per member, UTF-8 with BOM for Excel.

Written from the compact members (no detailed result per member), so 100,000 rows stay cheap.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ..batch import BatchResult
from ..scoring import compile_rubric

# Text from the inputs that a spreadsheet would run as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_text(text: str | None) -> str:
    """Neutralise formula-looking text with a leading apostrophe, as spreadsheets expect."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def batch_csv(batch: BatchResult, chunk_rows: int = 2000) -> Iterator[bytes]:
    """The CSV as UTF-8 chunks (with a BOM first, so Excel reads the diacritics)."""
    rubric = batch.rubric
    c = compile_rubric(rubric)
    levels = rubric.levels
    caps = rubric.caps
    deducting = [c.deducts[s] for s in c.section_of]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["stt", "dong", "ho_ten", "ma_dang_vien", "chuc_vu", "score", "score_level", "level",
                     "level_label", "self_level", "self_comparison", "cell_level", "cell_reason", "ky_luat",
                     "caps", "flagged", "unanswered", "not_applicable", "invalid", "status", "status_reason",
                     "complete", "ky_luat_form",
                     *(f"points_{s.id}" for s in rubric.sections), *c.ids])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    texts: dict[float | None, str] = {None: ""}

    def _text(value: float | None) -> str:
        texts[value] = _number(value) if value is not None else ""
        return texts[value]

    for number, m in enumerate(batch.members, start=1):
        core = m.core
        na, invalid = m.na, m.invalid
        cells = [texts[v] if v in texts else _text(v) for v in m.values]
        for i in na:
            cells[i] = "na"
        for i in invalid:
            cells[i] = "!"
        comparison = ""
        rated = m.rated  # exempt / not reviewed: no level (blank level columns), counted apart by status
        if m.tu_xep_loai is not None and rated:
            self_rank = rubric.level_rank(m.tu_xep_loai)
            comparison = "higher" if self_rank < core.rank else "lower" if self_rank > core.rank else "same"
        writer.writerow([
            number, m.line, safe_text(m.ho_ten), safe_text(m.ma_dang_vien), safe_text(m.chuc_vu),
            _number(core.score), levels[core.score_rank].id if rated else "", levels[core.rank].id if rated else "",
            levels[core.rank].label if rated else "",
            m.tu_xep_loai or "", comparison, m.chi_bo_xep_loai or "", safe_text(m.ly_do), "1" if m.ky_luat else "0",
            ";".join(caps[index].id for index, _ in core.caps),
            ";".join(c.ids[i] for i, v in enumerate(m.values) if v and deducting[i]) if any(m.values) else "",
            ";".join(c.ids[i] for i, v in enumerate(m.values) if v is None and i not in na and i not in invalid)
            if None in m.values else "",
            ";".join(c.ids[i] for i in m.na), ";".join(c.ids[i] for i in m.invalid),
            m.status, safe_text(m.status_reason), "1" if m.complete else "0", m.ky_luat_form or "",
            *(_number(p) for p in core.section_points), *cells,
        ])
        if number % chunk_rows == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
