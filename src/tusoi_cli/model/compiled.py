"""A rubric flattened for scoring (:class:`Compiled`) and the numbers of one scored member (:class:`Core`).

The engine builds a Compiled once per rubric and runs every member through it; these are its data
types, with the two pure derivations the data layers need (the item order of a rubric, and the Core
of a result that is already scored).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tusoi_cli.model import DISCIPLINE_FORMS, MemberResult, Rubric


@dataclass(frozen=True, slots=True)
class CapRule:
    items: tuple[int, ...]  # item indices the cap looks at (empty for a member-field cap)
    members: frozenset[int]  # the same, for membership tests
    low: float | None  # value >= low (None: value > 0)
    high: float | None
    min_count: int
    on_field: bool  # ky_luat cap
    equals: bool
    rank: int  # rank of at_most
    min_form: int = -1  # index into DISCIPLINE_FORMS the member's form must reach; -1: any (or no) form
    previous: bool = False  # field ky_truoc: holds when an earlier shortcoming is not fixed; unknown: not checked


@dataclass(frozen=True, slots=True)
class Compiled:
    """A rubric flattened for scoring: item i is ``ids[i]`` in section ``section_of[i]``."""

    ids: tuple[str, ...]
    section_of: tuple[int, ...]
    weights: tuple[float, ...]
    deducts: tuple[bool, ...]  # per section
    section_max: tuple[float | None, ...]
    start: float
    low: float | None
    high: float | None
    thresholds: tuple[float | None, ...]  # per level, best first
    caps: tuple[CapRule, ...]


@dataclass(slots=True)
class Core:
    """The numbers of one scored member; ranks index ``rubric.levels`` (0 is the best)."""

    score: float
    score_rank: int
    rank: int
    section_points: list[float]
    section_flagged: list[int]
    caps: list[tuple[int, list[int]]]  # (index into rubric.caps, matched item indices)
    unchecked: list[int] = field(default_factory=list)  # caps that needed data the member did not give
    open_cap: bool = False  # one of them could lower the level: the level is provisional


NO_ANSWER_REASON = "chưa trả lời mục nào"


def form_index(form: str | None) -> int:
    """Rank of a discipline form, mildest 0; -1 when none is written."""
    return DISCIPLINE_FORMS.index(form) if form in DISCIPLINE_FORMS else -1


def item_ids(rubric: Rubric) -> tuple[str, ...]:
    """The rubric's item ids in order: item i of a compact member is ``item_ids(rubric)[i]``."""
    cached = rubric._cache.get("item_ids")
    if cached is None:
        cached = rubric._cache["item_ids"] = tuple(item.id for _, item in rubric.items())
    return cached


def core_from_result(rubric: Rubric, result: MemberResult) -> Core:
    """The Core of an already scored member, read back from its result (the same numbers the engine gave)."""
    index = {item_id: n for n, item_id in enumerate(item_ids(rubric))}
    score_rank = len(rubric.levels) - 1
    for rank, level in enumerate(rubric.levels):
        if level.min_score is None or result.score >= level.min_score:
            score_rank = rank
            break
    cap_index = {cap.id: n for n, cap in enumerate(rubric.caps)}
    caps = [(cap_index[cap.id], [index[item_id] for item_id in cap.items]) for cap in result.caps]
    rank = max([score_rank, *(rubric.level_rank(rubric.caps[n].at_most) for n, _ in caps)])
    unchecked = [cap_index[cap.id] for cap in result.caps_not_checked]
    open_cap = any(rubric.level_rank(rubric.caps[n].at_most) > rank for n in unchecked)
    return Core(result.score, score_rank, rank, [s.points for s in result.sections],
                [s.flagged for s in result.sections], caps, unchecked, open_cap)
