"""The cell's vote: ballots tallied by the rule the rubric declares (``rubric.vote``), never by a rule in code.

The default rule (docs/rubric.md, "Biểu quyết"): the best level reached by more than half of those present,
each ballot counting for its level and every level below it.
"""

from __future__ import annotations

from collections.abc import Mapping

from tusoi_cli.engine.raters import rating_flags
from tusoi_cli.model import CELL_SLOT, MemberResult, Rating, Rubric, Vote
from tusoi_cli.model.meeting import vote_support
from tusoi_cli.model.raters import final_level

_PRECISION = 9


def tally(rubric: Rubric, counts: Mapping[str, int], present: int | None) -> Vote:
    """The vote on one member: ``counts`` is level id -> ballots, ``present`` the members present and voting."""
    rule = rubric.vote
    ordered = [(level, counts.get(level.id, 0)) for level in rubric.levels]
    cast = sum(n for _, n in ordered)
    base = (present or 0) if rule.base == "present" else cast
    need = round(rule.share * base, _PRECISION)
    running = 0
    decided = None
    for level, n in ordered if base > 0 else ():  # best level first: the first that reaches the share wins
        running += n
        support = running if rule.cumulative else n
        if support and (support > need if rule.strict else support >= need):
            decided = level
            break
    return Vote.model_construct(
        counts={level.id: n for level, n in ordered}, present=present or 0,
        level=decided.id if decided else None, level_label=decided.label if decided else None,
        outcome="decided" if decided else "no_majority")


def apply_vote(rubric: Rubric, result: MemberResult, vote: Vote) -> MemberResult:
    """The member's result with the vote: a decided vote fills the cell slot (and ``cell_level``), the final
    level and the flags follow; a vote without a majority leaves the slots as they were. The input is never
    touched: this is the output's record only."""
    update: dict[str, object] = {"vote": vote}
    if vote.level is not None and rubric.slot(CELL_SLOT) is not None:
        reason = f"biểu quyết: {vote_support(rubric, vote, vote.level)}/{vote.present} phiếu"
        raters = dict(result.raters)
        raters[CELL_SLOT] = Rating.model_construct(level=vote.level, label=vote.level_label or "", reason=reason,
                                                   date=None)
        raters = {slot.id: raters[slot.id] for slot in rubric.raters if slot.id in raters}
        final = final_level(rubric, raters)
        caps = {cap.id: n for n, cap in enumerate(rubric.caps)}
        rank = rubric.level_rank(result.level) if result.level is not None else None
        update |= {"raters": raters, "cell_level": vote.level, "cell_reason": reason, "final_level": final,
                   "final_level_label": rubric.level(final).label if final else None,
                   "rating_flags": rating_flags(rubric, raters, rank, (caps[c.id] for c in result.caps))}
    return result.model_copy(update=update)
