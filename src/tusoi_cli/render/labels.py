"""Vietnamese labels and number formats shared by every renderer."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from ..models import MemberResult

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


def next_level_text(result: MemberResult) -> str:
    """What stands between the member and the next level up, in one sentence."""
    nxt = result.next_level
    if nxt is None:
        return "đã ở mức cao nhất"
    parts = []
    if nxt.score_gap > 0:
        parts.append(f"cần thêm {score_text(nxt.score_gap, ROUND_UP)} điểm")
    else:
        parts.append("điểm đã đủ")
    blocking = [c for c in result.caps if c.id in nxt.blocking_caps]
    if blocking:
        parts.append("phải khắc phục: " + "; ".join(c.reason + (f" ({', '.join(c.items)})" if c.items else "")
                                                     for c in blocking))
    return ", ".join(parts)
