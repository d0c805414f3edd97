"""The quota on a level (``rubric.quota``), checked on final levels, and who is still missing a level.

The limit is the whole part of share × base ("may not exceed 20 %": 9 members rated Hoàn thành tốt allow 1);
the base counts the members whose final level is one of the quota's base levels (all rated members when it
names none). Only reviewed members count: exempt and not-reviewed ones are never in a quota or a list.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tusoi_cli.model import MemberResult, Rubric
from tusoi_cli.model.meeting import VOTE_KEY, QuotaCandidate, QuotaResult, vote_support

_PRECISION = 9


def check_quota(rubric: Rubric, results: Sequence[MemberResult], *, exceptional: bool = False) -> QuotaResult | None:
    """The quota check of a cell; None when the rubric declares no quota."""
    quota = rubric.quota
    if quota is None:
        return None
    rated = [r for r in results if r.status == "reviewed"]
    base_levels = set(quota.of)
    base = sum(1 for r in rated if r.final_level is not None and (not base_levels or r.final_level in base_levels))
    share = quota.exceptional_share if exceptional and quota.exceptional_share is not None else quota.share
    limit = math.floor(round(share * base, _PRECISION))
    count = sum(1 for r in rated if r.final_level == quota.level)
    candidates = []
    for r in rated:
        votes = vote_support(rubric, r.vote, quota.level) if r.vote is not None else None
        if r.final_level == quota.level or votes:
            candidates.append(QuotaCandidate.model_construct(ho_ten=r.ho_ten, final_level=r.final_level, votes=votes,
                                                             score=r.score))
    candidates.sort(key=lambda c: (-(c.votes or 0), -c.score))  # stable: input order among equals
    return QuotaResult.model_construct(
        level=quota.level, level_label=rubric.level(quota.level).label, share=share, exceptional=exceptional,
        base_levels=list(quota.of), base=base, limit=limit, count=count, exceeded=count > limit,
        candidates=candidates, reason=quota.reason)


def missing(rubric: Rubric, results: Sequence[MemberResult], *, voted: bool = False) -> dict[str, list[str]]:
    """Per rater slot, the reviewed members with no level in it; with ``voted``, also under ``vote`` the
    reviewed members with no ballot. Exempt and not-reviewed members are never missing."""
    rated = [r for r in results if r.status == "reviewed"]
    found = {slot.id: [r.ho_ten for r in rated if slot.id not in r.raters] for slot in rubric.raters}
    if voted:
        found[VOTE_KEY] = [r.ho_ten for r in rated if r.vote is None]
    return found
