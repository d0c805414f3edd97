"""Vietnamese labels and number formats shared by every renderer."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from tusoi_cli.model import MemberResult
from tusoi_cli.model.previous import PreviousShortcoming

STATE_LABELS = {
    "answered": "đã trả lời",
    "unanswered": "chưa trả lời",
    "na": "không áp dụng",
    "invalid": "không hợp lệ",
}
SELF_LABELS = {
    "higher": "cao hơn mức đề xuất",
    "same": "bằng mức đề xuất",
    "lower": "thấp hơn mức đề xuất",
}
MODE_LABELS = {"deduct": "trừ", "add": "cộng"}


def score_text(score: float, rounding: str = ROUND_HALF_UP) -> str:
    """One decimal, half up, without a trailing '.0' (86.25 -> '86.3', 90.0 -> '90')."""
    text = str(Decimal(repr(score)).quantize(Decimal("0.1"), rounding=rounding))
    return text[:-2] if text.endswith(".0") else text


def vn_number(text: str) -> str:
    """A number already formatted with a decimal point, in Vietnamese style (54.2 -> 54,2)."""
    return text.replace(".", ",")


def vn_score(score: float, rounding: str = ROUND_HALF_UP) -> str:
    """:func:`score_text` with a decimal comma, for text people read (terminal, Markdown)."""
    return vn_number(score_text(score, rounding))


def vn_percent(part: int, whole: int) -> str:
    """A share with one decimal and a decimal comma: 18,8 % ('—' when there is no whole)."""
    return f"{100 * part / whole:.1f} %".replace(".", ",") if whole else "—"


def vn_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day is not None else ""


def provisional_text(result: MemberResult) -> str | None:
    """"tạm tính — còn N mục chưa trả lời" (and invalid ones) for an incomplete rated member, else None."""
    if result.level is None or result.complete:
        return None
    parts = []
    if result.unanswered:
        parts.append(f"còn {len(result.unanswered)} mục chưa trả lời")
    if result.invalid:
        parts.append(f"{len(result.invalid)} mục không hợp lệ")
    if result.caps_not_checked and not parts:
        parts.append("chưa kiểm tra: " + "; ".join(c.reason for c in result.caps_not_checked))
    return "tạm tính — " + ", ".join(parts)


def status_text(result: MemberResult) -> str:
    """"chưa kiểm điểm (chưa trả lời mục nào)", "miễn kiểm điểm (nghỉ sinh hoạt)"."""
    return result.status_label + (f" ({result.status_reason})" if result.status_reason else "")


def next_level_text(result: MemberResult) -> str:
    """What stands between the member and the next level up, in one sentence."""
    nxt = result.next_level
    if nxt is None:
        return "đã ở mức cao nhất"
    parts = []
    if nxt.score_gap > 0:
        parts.append(f"cần thêm {vn_score(nxt.score_gap, ROUND_UP)} điểm")
    else:
        parts.append("điểm đã đủ")
    blocking = [c for c in result.caps if c.id in nxt.blocking_caps]
    if blocking:
        parts.append("phải khắc phục: " + "; ".join(c.reason + (f" ({', '.join(c.items)})" if c.items else "")
                                                     for c in blocking))
    return ", ".join(parts)


def previous_text(shown: list[PreviousShortcoming] | None) -> str | None:
    """The previous period's results in one cell, one item a line: "CT5: đã khắc phục (kỳ này: không đổi…)"."""
    if shown is None:
        return None
    if not shown:
        return "không có hạn chế kỳ trước"
    lines = []
    for p in shown:
        line = f"{p.item}: {p.result_label or 'chưa ghi'}"
        if p.observed_label:
            line += f" (theo tệp kỳ trước: {p.observed_label})"
        if p.warning:
            line += " — CẢNH BÁO"
        lines.append(line)
    return "\n".join(lines)
