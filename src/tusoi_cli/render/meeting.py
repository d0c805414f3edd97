"""Texts of the cell meeting (rater slots, flags, the vote, the quota) shared by the renderers."""

from __future__ import annotations

from collections.abc import Sequence

from tusoi_cli.model import RatingFlag, Rubric, Vote
from tusoi_cli.model.meeting import vote_support


def flags_text(flags: Sequence[RatingFlag] | None) -> str | None:
    """A member's rating flags, one line each: 'Chi bộ xếp loại: Tốt — <reason>'; None when there are none."""
    return "\n".join(f"{f.slot_label}: {f.level_label} — {f.reason}" for f in flags) if flags else None


def percent(share: float) -> str:
    """0.2 -> '20 %', 0.125 -> '12,5 %' (decimal comma)."""
    return f"{round(share * 100, 2):g}".replace(".", ",") + " %"


def vote_cell(rubric: Rubric, vote: Vote | None) -> str:
    """'Khá (7/9)' or 'không đủ phiếu (9 có mặt)'; the counts per level follow in the detailed views."""
    if vote is None:
        return ""
    if vote.level is None:
        return f"không đủ phiếu ({vote.present} có mặt)"
    return f"{vote.level_label} ({vote_support(rubric, vote, vote.level)}/{vote.present})"



def vote_rule_text(rubric: Rubric) -> str:
    """The rubric's vote rule in words: 'mức cao nhất được quá 50 % số đảng viên có mặt tán thành (...)'."""
    rule = rubric.vote
    than = "quá" if rule.strict else "ít nhất"
    base = "số đảng viên có mặt và biểu quyết" if rule.base == "present" else "số phiếu của người đó"
    counted = ("mỗi phiếu tính cho mức của nó và mọi mức thấp hơn" if rule.cumulative
               else "mỗi phiếu chỉ tính cho mức của nó")
    return f"mức cao nhất được {than} {percent(rule.share)} {base} tán thành; {counted}"


def meeting_lines(rubric: Rubric) -> list[str]:
    """What `tusoi rubric show` says of the cell meeting: the rater slots, the flags' rule, the vote, the quota."""
    lines = ["Các bước xếp loại: " + " → ".join(f"{s.label} ({s.field})" for s in rubric.raters)
             + "; mức cuối cùng là bước cuối có ghi",
             f"Đánh dấu: một bước cao hơn một giới hạn đang áp dụng, hoặc cao hơn mức đề xuất quá "
             f"{rubric.ratings.max_levels_above} mức",
             f"Biểu quyết: {vote_rule_text(rubric)}"]
    quota = rubric.quota
    if quota is None:
        lines.append("Định mức: không có")
    else:
        base = ", ".join(rubric.level(lv).label for lv in quota.of) or "mọi đảng viên được xếp loại"
        special = (f" ({percent(quota.exceptional_share)} ở đơn vị đặc biệt)"
                   if quota.exceptional_share is not None else "")
        lines.append(f"Định mức: {rubric.level(quota.level).label} không quá {percent(quota.share)}{special} số "
                     f"{base}")
    return lines
