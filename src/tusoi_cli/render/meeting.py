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

