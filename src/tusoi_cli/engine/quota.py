"""The quota on a level (``rubric.quota``), checked on final levels, and who is still missing a level.

The limit is the whole part of share × base ("may not exceed 20 %": 9 members rated Hoàn thành tốt allow 1);
the base counts the members whose final level is one of the quota's base levels (all rated members when it
names none). Only reviewed members count: exempt and not-reviewed ones are never in a quota or a list.
The same checks serve `bieu-quyet` (detailed results, with votes) and `batch` (compact members, no vote).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from tusoi_cli.model import MemberResult, Rubric
from tusoi_cli.model.batch import BatchResult
from tusoi_cli.model.meeting import VOTE_KEY, QuotaCandidate, QuotaResult, vote_support
from tusoi_cli.model.raters import final_level

_PRECISION = 9


@dataclass(frozen=True, slots=True)
class Rated:
    """What the quota and the missing lists need of one reviewed member."""

    ho_ten: str
    final_level: str | None
    score: float
    slots: Collection[str]  # the filled rater slots
    voted: bool = False
    votes: int | None = None  # ballots counting for the quota's level (None: no vote)


def _rated_results(rubric: Rubric, results: Sequence[MemberResult]) -> list[Rated]:
    level = rubric.quota.level if rubric.quota is not None else None
    return [Rated(r.ho_ten, r.final_level, r.score, r.raters.keys(), r.vote is not None,
                  vote_support(rubric, r.vote, level) if r.vote is not None and level is not None else None)
            for r in results if r.status == "reviewed"]


def _rated_batch(batch: BatchResult) -> list[Rated]:
    rubric = batch.rubric
    return [Rated(m.ho_ten, final_level(rubric, m.raters), m.core.score, m.raters.keys() if m.raters else ())
            for m in batch.members if m.rated]


def check_quota(rubric: Rubric, results: Sequence[MemberResult], *, exceptional: bool = False) -> QuotaResult | None:
    """The quota check of a cell's detailed results; None when the rubric declares no quota."""
    return quota_of(rubric, _rated_results(rubric, results), exceptional=exceptional)


def missing(rubric: Rubric, results: Sequence[MemberResult], *, voted: bool = False) -> dict[str, list[str]]:
    """Per rater slot, the reviewed members with no level in it; with ``voted``, also under ``vote`` the
    reviewed members with no ballot. Exempt and not-reviewed members are never missing."""
    return missing_of(rubric, _rated_results(rubric, results), voted=voted)


def batch_meeting(batch: BatchResult, *, exceptional: bool = False) -> tuple[QuotaResult | None, dict[str, list[str]]]:
    """The quota and the missing lists of a batch (final levels from the rater slots of the sheet; no vote)."""
    rated = _rated_batch(batch)
    return quota_of(batch.rubric, rated, exceptional=exceptional), missing_of(batch.rubric, rated)


def quota_of(rubric: Rubric, rated: Iterable[Rated], *, exceptional: bool = False) -> QuotaResult | None:
    quota = rubric.quota
    if quota is None:
        return None
    members = list(rated)
    base_levels = set(quota.of)
    # the base: members whose final level is a base level; with no base level named, every reviewed member
    base = sum(1 for r in members if r.final_level in base_levels) if base_levels else len(members)
    share = quota.exceptional_share if exceptional and quota.exceptional_share is not None else quota.share
    limit = math.floor(round(share * base, _PRECISION))
    count = sum(1 for r in members if r.final_level == quota.level)
    candidates = [QuotaCandidate.model_construct(ho_ten=r.ho_ten, final_level=r.final_level, votes=r.votes,
                                                 score=r.score)
                  for r in members if r.final_level == quota.level or r.votes]
    candidates.sort(key=lambda c: (-(c.votes or 0), -c.score))  # stable: input order among equals
    return QuotaResult.model_construct(
        level=quota.level, level_label=rubric.level(quota.level).label, share=share, exceptional=exceptional,
        base_levels=list(quota.of), base=base, limit=limit, count=count, exceeded=count > limit,
        candidates=candidates, reason=quota.reason)


def missing_of(rubric: Rubric, rated: Iterable[Rated], *, voted: bool = False) -> dict[str, list[str]]:
    members = list(rated)
    found = {slot.id: [r.ho_ten for r in members if slot.id not in r.slots] for slot in rubric.raters}
    if voted:
        found[VOTE_KEY] = [r.ho_ten for r in members if not r.voted]
    return found
