"""Rater slots against the rubric's rules: the flags a meeting must answer on record.

A slot is flagged when its level is better than a cap that applies to the member allows (the cell votes
Tốt for a member who recorded a prohibition), or more levels above tusoi's proposal than the rubric's
``ratings.max_levels_above`` (default 1). Pure functions; ranks index ``rubric.levels`` (0 is the best).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tusoi_cli.model import CELL_SLOT, SELF_SLOT, Rating, RatingFlag, Rubric
from tusoi_cli.model.raters import final_level

__all__ = ["final_level", "rating_flags", "ratings_of"]


def ratings_of(rubric: Rubric, raters: Mapping[str, Rating] | None, self_level: str | None,
               cell_level: str | None, cell_reason: str | None) -> dict[str, Rating]:
    """The filled slots of a member, in the rubric's order; the two old fields fill the self and cell slots
    when the slots themselves were not given (a result made before slots existed, a library caller)."""
    found = dict(raters or {})
    for slot_id, level, reason in ((SELF_SLOT, self_level, None), (CELL_SLOT, cell_level, cell_reason)):
        if slot_id not in found and level is not None and rubric.slot(slot_id) is not None:
            found[slot_id] = Rating.model_construct(level=level, label=rubric.level(level).label, reason=reason,
                                                    date=None)
    return {slot.id: found[slot.id] for slot in rubric.raters if slot.id in found}


def rating_flags(rubric: Rubric, raters: Mapping[str, Rating], rank: int | None,
                 applied_caps: Iterable[int]) -> list[RatingFlag]:
    """The flags of a member's filled slots. ``rank`` is tusoi's level (None: the member is not rated, so
    nothing is flagged); ``applied_caps`` are indices into ``rubric.caps`` of the caps that apply."""
    if rank is None or not raters:
        return []
    caps = [rubric.caps[n] for n in applied_caps]
    allowed = rubric.ratings.max_levels_above
    flags: list[RatingFlag] = []
    for slot in rubric.raters:
        rating = raters.get(slot.id)
        if rating is None:
            continue
        slot_rank = rubric.level_rank(rating.level)
        for cap in caps:
            if slot_rank < rubric.level_rank(cap.at_most):
                flags.append(RatingFlag.model_construct(
                    slot=slot.id, slot_label=slot.label, level=rating.level, level_label=rating.label,
                    kind="above_cap", cap=cap.id,
                    reason=f"{cap.reason}: tối đa {rubric.level(cap.at_most).label}"))
        above = rank - slot_rank
        if above > allowed:
            flags.append(RatingFlag.model_construct(
                slot=slot.id, slot_label=slot.label, level=rating.level, level_label=rating.label,
                kind="above_level", cap=None,
                reason=f"cao hơn mức tusoi đề xuất ({rubric.levels[rank].label}) {above} mức; bộ tiêu chí cho phép"
                       f" tối đa {allowed} mức"))
    return flags
