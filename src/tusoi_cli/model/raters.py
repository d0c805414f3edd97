"""The rater slots of the yearly review: which level is final, and how a slot is named where people read it.

Pure and tiny, here in ``model`` so that every layer (the engine's flags and quota, the renderers' columns,
another command's roll-up) reads a member's final level the same way: the level of the last filled slot,
in the order the rubric declares its slots.
"""

from __future__ import annotations

from collections.abc import Mapping

from tusoi_cli.model import CELL_SLOT, SELF_SLOT, RaterSlot, Rating, Rubric
from tusoi_cli.text import fold

__all__ = ["CELL_SLOT", "SELF_SLOT", "final_level", "slot_keys", "slot_of_key"]


def final_level(rubric: Rubric, raters: Mapping[str, Rating] | None) -> str | None:
    """A member's final level: the level of the last slot (in the rubric's order) that holds one; None if none.

    tusoi's own proposed ``level`` is never a slot and never final: people decide, tusoi proposes.
    """
    if not raters:
        return None
    for slot in reversed(rubric.raters):
        rating = raters.get(slot.id)
        if rating is not None:
            return rating.level
    return None


def _key(text: str) -> str:
    return fold(text).replace(" ", "_")


def slot_keys(slot: RaterSlot) -> set[str]:
    """The folded member-file keys of a slot: its field and its aliases (spaces read as underscores)."""
    return {_key(slot.field), *(_key(alias) for alias in slot.aliases)}


def slot_of_key(rubric: Rubric, key: str) -> RaterSlot | None:
    """The slot a member-file key names, if any."""
    folded = _key(key)
    return next((slot for slot in rubric.raters if folded in slot_keys(slot)), None)
