"""Texts of the cell meeting (rater slots, flags, the vote, the quota) shared by the renderers."""

from __future__ import annotations

from collections.abc import Sequence

from tusoi_cli.model import RatingFlag


def flags_text(flags: Sequence[RatingFlag] | None) -> str | None:
    """A member's rating flags, one line each: 'Chi bộ xếp loại: Tốt — <reason>'; None when there are none."""
    return "\n".join(f"{f.slot_label}: {f.level_label} — {f.reason}" for f in flags) if flags else None
