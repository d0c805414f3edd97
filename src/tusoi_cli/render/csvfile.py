"""CSV of batch results for scripts and spreadsheets: one row per member, UTF-8 with BOM for Excel."""

from __future__ import annotations

import csv
import io

from ..batch import BatchResult

# Text from the inputs that a spreadsheet would run as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_text(text: str | None) -> str:
    """Neutralise formula-looking text with a leading apostrophe, as spreadsheets expect."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def batch_csv(batch: BatchResult) -> str:
    rubric = batch.rubric
    item_ids = [item.id for _, item in rubric.items()]
    sections = [section.id for section in rubric.sections]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["stt", "dong", "ho_ten", "ma_dang_vien", "chuc_vu", "score", "score_level", "level",
                     "level_label", "self_level", "self_comparison", "cell_level", "cell_reason", "ky_luat",
                     "caps", "flagged", "unanswered", "not_applicable", "invalid",
                     *(f"points_{s}" for s in sections), *item_ids])
    for number, (row, r) in enumerate(zip(batch.rows, batch.results, strict=True), start=1):
        values = {i.id: ("na" if i.state == "na" else "" if i.value is None else f"{i.value:g}") for i in r.items}
        points = {s.id: f"{s.points:g}" for s in r.sections}
        writer.writerow([
            number, row, safe_text(r.ho_ten), safe_text(r.ma_dang_vien), safe_text(r.chuc_vu), f"{r.score:g}",
            r.score_level, r.level, r.level_label, r.self_level or "", r.self_comparison or "",
            r.cell_level or "", safe_text(r.cell_reason), "1" if r.ky_luat else "0",
            ";".join(c.id for c in r.caps), ";".join(r.flagged), ";".join(r.unanswered),
            ";".join(r.not_applicable), ";".join(r.invalid),
            *(points[s] for s in sections), *(values.get(i, "") for i in item_ids),
        ])
    return "\ufeff" + buffer.getvalue()
