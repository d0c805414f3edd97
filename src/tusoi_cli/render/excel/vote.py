"""The workbook of `tusoi bieu-quyet -o ket-qua.xlsx`: the meeting's results, one row per member (rater slots,
the ballots per level, the vote's outcome, the final level, the flags), then the quota and who is missing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from tusoi_cli.model.meeting import VOTE_KEY, MeetingResult
from tusoi_cli.render.excel.styles import (
    Styles,
    append_row,
    new_workbook,
    print_setup,
    save_workbook,
    sheet_head,
)
from tusoi_cli.render.labels import status_text
from tusoi_cli.render.meeting import percent, vote_cell

SHEET_VOTE = "Biểu quyết"
SHEET_SUMMARY = "Định mức, còn thiếu"
SHEET_FLAGS = "Cần trả lời"


def write_meeting(target: Path, meeting: MeetingResult, *, tool_version: str,
                  generated_at: datetime | None = None) -> None:
    generated_at = generated_at or datetime.now().astimezone()
    workbook = new_workbook()
    ws = workbook.active
    ws.title = SHEET_VOTE
    _results(ws, meeting)
    if any(r.rating_flags for r in meeting.results):
        _flags(workbook.create_sheet(SHEET_FLAGS), meeting)
    _summary(workbook.create_sheet(SHEET_SUMMARY), meeting)
    save_workbook(workbook, target, title=f"Kết quả họp chi bộ — {meeting.source}", tool_version=tool_version,
                  generated_at=generated_at)


def _results(ws: Any, meeting: MeetingResult) -> None:
    rubric = meeting.rubric
    st = Styles(ws, rubric)
    voted = any(r.vote is not None for r in meeting.results)
    headers: list[tuple[str, float]] = [("STT", 5), ("Họ và tên", 22), ("Điểm", 6), ("Đề xuất (tusoi)", 11)]
    headers += [(slot.label, 11) for slot in rubric.raters]
    if voted:
        headers += [(f"Phiếu: {level.label}", 8) for level in rubric.levels]
        headers += [("Kết quả biểu quyết", 14)]
    headers += [("Xếp loại cuối cùng", 11), ("Cần trả lời (xem trang sau)", 11)]
    widths = [w for _, w in headers]
    sheet_head(ws, widths, freeze="C3")
    title = f"KẾT QUẢ HỌP CHI BỘ — {meeting.source}"
    if meeting.present is not None:
        title += f" — {meeting.present} đảng viên có mặt và biểu quyết"
    append_row(ws, [title], st.title)
    append_row(ws, [h for h, _ in headers], st.header, min_lines=3)
    fit = [w if h.startswith("Họ") else None for h, w in headers]
    for number, r in enumerate(meeting.results, start=1):
        values: list[object] = [number, r.ho_ten, r.score if r.level else None,
                                r.level_label if r.level else status_text(r)]
        styles: list[Any] = [st.center, st.wrap, st.number_or_text(r.score if r.level else None),
                             _level_style(st, r.level)]
        for slot in rubric.raters:
            rating = r.raters.get(slot.id)
            values.append(rating.label if rating else None)
            styles.append(_level_style(st, rating.level if rating else None))
        if voted:
            vote = r.vote
            values += [vote.counts.get(level.id, 0) if vote else None for level in rubric.levels]
            styles += [st.int] * len(rubric.levels)
            values.append(vote_cell(rubric, vote) if vote else None)
            styles.append(st.wrap)
        values += [r.final_level_label, len(r.rating_flags) or None]
        styles += [_level_style(st, r.final_level, bold=True), st.int]
        append_row(ws, values, styles, fit)
    ws.auto_filter.ref = f"A2:{_letter(len(headers))}{2 + len(meeting.results)}"
    print_setup(ws, title, title_rows="2:2")


def _flags(ws: Any, meeting: MeetingResult) -> None:
    """One row per flag: what the meeting must answer on record, with the rule's reason."""
    st = Styles(ws, meeting.rubric)
    headers = [("STT", 5), ("Họ và tên", 22), ("Bước xếp loại", 16), ("Mức", 12), ("Lý do", 70)]
    sheet_head(ws, [w for _, w in headers], freeze="A3")
    title = "NHỮNG ĐIỀU CUỘC HỌP CẦN TRẢ LỜI TRONG BIÊN BẢN"
    append_row(ws, [title], st.title)
    append_row(ws, [h for h, _ in headers], st.header)
    number = 0
    for r in meeting.results:
        for flag in r.rating_flags:
            number += 1
            append_row(ws, [number, r.ho_ten, flag.slot_label, flag.level_label, flag.reason],
                       [st.center, st.wrap, st.wrap, _level_style(st, flag.level), st.wrap],
                       [None, 22, 16, None, 70])
    ws.auto_filter.ref = f"A2:E{2 + number}"
    print_setup(ws, title, title_rows="2:2")


def _level_style(st: Styles, level_id: str | None, bold: bool = False) -> Any:
    if level_id is None:
        return st.text
    return (st.level_bold if bold else st.level)[level_id]


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    return str(get_column_letter(n))


def _summary(ws: Any, meeting: MeetingResult) -> None:
    rubric = meeting.rubric
    st = Styles(ws, rubric)
    sheet_head(ws, [36, 60])
    append_row(ws, ["ĐỊNH MỨC VÀ NHỮNG ĐIỀU CÒN THIẾU"], st.title)
    rows: list[tuple[str, str]] = []
    if meeting.present is not None:
        rows.append(("Số đảng viên có mặt và biểu quyết", str(meeting.present)))
    quota = meeting.quota
    if quota is not None:
        base = ", ".join(rubric.level(lv).label for lv in quota.base_levels) or "mọi đảng viên được xếp loại"
        rows += [
            ("Mức bị giới hạn", quota.level_label),
            ("Tỷ lệ tối đa", percent(quota.share) + (" (đơn vị đặc biệt)" if quota.exceptional else "")),
            ("Cơ số", f"{quota.base} ({base})"),
            ("Số tối đa", str(quota.limit)),
            ("Hiện có", str(quota.count)),
            ("Kết quả", f"VƯỢT định mức {quota.count - quota.limit}" if quota.exceeded else "trong định mức"),
            ("Đang xét (theo số phiếu, rồi điểm)", "\n".join(_candidate(c.ho_ten, c.votes, c.score)
                                                            for c in quota.candidates) or "không có"),
        ]
        if quota.reason:
            rows.append(("Căn cứ", quota.reason))
    else:
        rows.append(("Định mức", "bộ tiêu chí không khai báo định mức"))
    labels = {slot.id: slot.label for slot in rubric.raters} | {VOTE_KEY: "Biểu quyết"}
    for key, names in meeting.missing.items():
        rows.append((f"Còn thiếu: {labels.get(key, key)}", ", ".join(names) if names else "đủ"))
    for label, value in rows:
        append_row(ws, [label, value], [st.label, st.wrap], [None, 60])
    print_setup(ws, "Định mức, còn thiếu", title_rows=None, landscape=False)


def _candidate(name: str, votes: int | None, score: float) -> str:
    from tusoi_cli.render.labels import vn_score

    return f"{name}: {votes if votes is not None else '–'} phiếu, {vn_score(score)} điểm"

