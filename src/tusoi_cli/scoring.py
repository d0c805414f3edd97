"""The scoring engine: pure functions from (rubric, member evaluation) to a result.

It holds no numbers of its own: start score, weights, bounds, thresholds and caps all come from
the rubric. Thresholds compare the unrounded score and are inclusive.
"""

from __future__ import annotations

from typing import Literal

from .answers import readers
from .errors import UsageError
from .models import (
    Answer,
    AppliedCap,
    Cap,
    ItemResult,
    MemberEvaluation,
    MemberResult,
    NextLevel,
    Rubric,
    SectionResult,
)

# Sums of float weights drift (0.1 + 0.2); round them off well below display precision so that
# a score that is exactly on a threshold on paper stays on it.
_PRECISION = 9
_UNANSWERED = Answer.model_construct(state="unanswered")


def level_for_score(rubric: Rubric, score: float) -> str:
    for level in rubric.levels:
        if level.min_score is None or score >= level.min_score:
            return level.id
    return rubric.levels[-1].id


def _cap_matches(cap: Cap, rubric: Rubric, ev: MemberEvaluation) -> list[str] | None:
    """The items that make ``cap`` hold (empty for a member-field cap), or None when it does not hold."""
    if cap.field is not None:
        return [] if getattr(ev, cap.field) == cap.equals else None
    wanted_sections = set(cap.sections)
    wanted_items = set(cap.items)
    matched = []
    for section, item in rubric.items():
        if (wanted_sections or wanted_items) and section.id not in wanted_sections and item.id not in wanted_items:
            continue
        answer = ev.answers.get(item.id)
        if answer is None or answer.state != "answered" or answer.value is None:
            continue
        value = answer.value
        low_ok = value > 0 if cap.min_value is None else value >= cap.min_value
        high_ok = cap.max_value is None or value <= cap.max_value
        if low_ok and high_ok:
            matched.append(item.id)
    return matched if len(matched) >= cap.min_count else None


def score_member(rubric: Rubric, ev: MemberEvaluation) -> MemberResult:
    """Score one member: deductions/additions per section, bounds, level, caps and what blocks the next level."""
    if not rubric.levels:
        raise UsageError(f"bộ tiêu chí '{rubric.id}' không có mức xếp loại nên không chấm điểm được — "
                         "dùng một bộ tiêu chí có `levels`, ví dụ tusoi-mac-dinh")
    scale_readers = readers(rubric)
    items: list[ItemResult] = []
    sections: list[SectionResult] = []
    total = rubric.scoring.start
    for section in rubric.sections:
        reader = scale_readers[section.scale]
        points = 0.0
        counts = {"answered": 0, "unanswered": 0, "na": 0, "invalid": 0}
        flagged = 0
        for item in section.items:
            answer = ev.answers.get(item.id, _UNANSWERED)
            counts[answer.state] += 1
            value = answer.value if answer.state == "answered" else None
            item_points = (value or 0.0) * item.weight
            is_flagged = section.mode == "deduct" and bool(value)
            flagged += is_flagged
            points += item_points
            items.append(ItemResult.model_construct(
                id=item.id, section=section.id, title=item.title, state=answer.state, value=value,
                label=reader.label(value) if value is not None else None, points=round(item_points, _PRECISION),
                flagged=is_flagged, bieu_hien=answer.bieu_hien, khac_phuc=answer.khac_phuc,
                han_khac_phuc=answer.han_khac_phuc, error=answer.error,
            ))
        if section.max is not None:
            points = min(points, section.max)
        points = round(points, _PRECISION)
        total += points if section.mode == "add" else -points
        sections.append(SectionResult.model_construct(
            id=section.id, title=section.title, mode=section.mode, points=points, max=section.max,
            flagged=flagged, answered=counts["answered"], unanswered=counts["unanswered"],
            not_applicable=counts["na"], invalid=counts["invalid"],
        ))
    if rubric.scoring.min is not None:
        total = max(total, rubric.scoring.min)
    if rubric.scoring.max is not None:
        total = min(total, rubric.scoring.max)
    score = round(total, _PRECISION)

    score_level = level_for_score(rubric, score)
    final_rank = rubric.level_rank(score_level)
    applied: list[AppliedCap] = []
    for cap in rubric.caps:
        matched = _cap_matches(cap, rubric, ev)
        if matched is None:
            continue
        applied.append(AppliedCap.model_construct(
            id=cap.id, at_most=cap.at_most, at_most_label=rubric.level(cap.at_most).label, reason=cap.reason,
            items=matched))
        final_rank = max(final_rank, rubric.level_rank(cap.at_most))
    level = rubric.levels[final_rank]

    self_comparison: Literal["higher", "same", "lower"] | None = None
    if ev.tu_xep_loai is not None:
        self_rank = rubric.level_rank(ev.tu_xep_loai)
        self_comparison = "higher" if self_rank < final_rank else "lower" if self_rank > final_rank else "same"

    next_level = None
    if final_rank > 0:
        target = rubric.levels[final_rank - 1]
        gap = max(0.0, (target.min_score or 0.0) - score)
        blocking = [c.id for c in applied if rubric.level_rank(c.at_most) > final_rank - 1]
        next_level = NextLevel.model_construct(level=target.id, label=target.label, score_gap=round(gap, _PRECISION),
                               blocking_caps=blocking)

    by_state: dict[str, list[str]] = {"answered": [], "unanswered": [], "na": [], "invalid": []}
    for result in items:
        by_state[result.state].append(result.id)
    info = ev.member
    return MemberResult.model_construct(
        source=ev.source, rubric=rubric.id, rubric_version=rubric.version, ho_ten=info.ho_ten,
        ma_dang_vien=info.ma_dang_vien, chi_bo=info.chi_bo, chuc_vu=info.chuc_vu, ky_danh_gia=ev.ky_danh_gia,
        score=score, score_level=score_level, level=level.id, level_label=level.label, caps=applied,
        sections=sections, items=items, flagged=[r.id for r in items if r.flagged],
        unanswered=by_state["unanswered"], not_applicable=by_state["na"], invalid=by_state["invalid"],
        ky_luat=ev.ky_luat, self_level=ev.tu_xep_loai, self_comparison=self_comparison,
        cell_level=ev.chi_bo_xep_loai, cell_reason=ev.ly_do, next_level=next_level,
        complete=not by_state["invalid"],
    )
