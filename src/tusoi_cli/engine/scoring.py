"""The scoring engine: pure functions from a rubric and a member's answers to a result.

It holds no numbers of its own: start score, weights, bounds, thresholds and caps all come from
the rubric. Thresholds compare the unrounded score and are inclusive.

Two layers share one engine:
- :func:`score_values` is the core: the rubric compiled to flat tuples, answers as one value per
  item. It is what a batch of 100,000 members runs through (no objects per item).
- :func:`score_member` wraps it into a :class:`MemberResult` with every detail for people.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from itertools import compress
from typing import Literal

from tusoi_cli.engine.raters import final_level, rating_flags, ratings_of
from tusoi_cli.errors import UsageError
from tusoi_cli.model import (
    DISCIPLINE_FORMS,
    STATUS_LABELS,
    Answer,
    AppliedCap,
    ItemResult,
    MemberEvaluation,
    MemberResult,
    MemberStatus,
    NextLevel,
    Rubric,
    SectionResult,
)
from tusoi_cli.model.compiled import NO_ANSWER_REASON, CapRule, Compiled, Core, form_index
from tusoi_cli.model.previous import NOT_CHECKED_WHY, CapNotChecked, Observation
from tusoi_cli.model.values import readers

__all__ = ["NO_ANSWER_REASON", "Compiled", "Core", "compile_rubric", "form_index", "level_for_score", "member_status",
           "score_member", "score_values", "status_for"]

# Sums of float weights drift (0.1 + 0.2); round them off well below display precision so that
# a score that is exactly on a threshold on paper stays on it.
_PRECISION = 9
_UNANSWERED = Answer.model_construct(state="unanswered")








def compile_rubric(rubric: Rubric) -> Compiled:
    """The flat form of ``rubric``, built once per rubric (rubrics are frozen)."""
    cached = rubric._cache.get("compiled")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if not rubric.levels:
        raise UsageError(f"bộ tiêu chí '{rubric.id}' không có mức xếp loại nên không chấm điểm được — "
                         "dùng một bộ tiêu chí có `levels`, ví dụ tusoi-mac-dinh")
    pairs = rubric.items()
    section_index = {s.id: i for i, s in enumerate(rubric.sections)}
    caps = []
    for cap in rubric.caps:
        if cap.sections or cap.items:
            wanted = [i for i, (s, item) in enumerate(pairs) if s.id in cap.sections or item.id in cap.items]
        else:
            wanted = list(range(len(pairs)))
        looked_at = tuple(wanted) if cap.field is None else ()
        caps.append(CapRule(looked_at, frozenset(looked_at), cap.min_value, cap.max_value, cap.min_count,
                         cap.field is not None, cap.equals, rubric.level_rank(cap.at_most),
                         DISCIPLINE_FORMS.index(cap.min_form) if cap.min_form is not None else -1,
                         cap.field == "ky_truoc"))
    compiled = Compiled(
        ids=tuple(item.id for _, item in pairs),
        section_of=tuple(section_index[s.id] for s, _ in pairs),
        weights=tuple(item.weight for _, item in pairs),
        deducts=tuple(s.mode == "deduct" for s in rubric.sections),
        section_max=tuple(s.max for s in rubric.sections),
        start=rubric.scoring.start, low=rubric.scoring.min, high=rubric.scoring.max,
        thresholds=tuple(level.min_score for level in rubric.levels),
        caps=tuple(caps),
    )
    rubric._cache["compiled"] = compiled
    return compiled


def score_values(c: Compiled, values: Sequence[float | None], ky_luat: bool,
                 not_applicable: Collection[int] = (), form: int = -1, previous: bool | None = None) -> Core:
    """Score one member whose answered values are ``values[i]`` (None: unanswered, not applicable or invalid).

    ``form`` is the index of the member's discipline form in DISCIPLINE_FORMS (-1: none written).
    ``previous`` is whether every shortcoming of the previous period is fixed (None: not known): a cap on
    ``ky_truoc`` applies when it is False and is listed as not checked (never as passed) when it is None.
    A blank item counts as 0, as in the score; so a cap that looks at low values (``min_value`` <= 0)
    also holds for a blank item, unless the item is in ``not_applicable``.
    """
    points = [0.0] * len(c.deducts)
    flagged = [0] * len(c.deducts)
    section_of, weights = c.section_of, c.weights
    answered = list(compress(range(len(values)), values))  # items with a non-zero value, found in C
    for i in answered:
        value = values[i]
        s = section_of[i]
        points[s] += value * weights[i]  # type: ignore[operator]
        flagged[s] += 1
    total = c.start
    for s, deducts in enumerate(c.deducts):
        top = c.section_max[s]
        p = points[s] = round(points[s] if top is None or points[s] <= top else top, _PRECISION)
        total += -p if deducts else p
        if not deducts:
            flagged[s] = 0  # points earned are not shortcomings
    if c.low is not None and total < c.low:
        total = c.low
    if c.high is not None and total > c.high:
        total = c.high
    score = round(total, _PRECISION)
    score_rank = len(c.thresholds) - 1
    for rank, threshold in enumerate(c.thresholds):
        if threshold is None or score >= threshold:
            score_rank = rank
            break
    rank = score_rank
    applied: list[tuple[int, list[int]]] = []
    unchecked: list[int] = []
    for index, cap in enumerate(c.caps):
        if cap.previous:
            if previous is None:
                unchecked.append(index)
            elif previous is not cap.equals:  # equals: true (the default) means "holds when not all are fixed"
                applied.append((index, []))
                rank = max(rank, cap.rank)
            continue
        if cap.on_field:
            if ky_luat == cap.equals and (cap.min_form < 0 or form >= cap.min_form):
                applied.append((index, []))
                rank = max(rank, cap.rank)
            continue
        matched = []
        # a cap on positive values only needs the non-zero answers; one with a lower bound <= 0 looks at all
        candidates = answered if cap.low is None or cap.low > 0 else cap.items
        for i in candidates:
            if i not in cap.members:
                continue
            value = values[i]
            if value is None:
                if cap.low is None or cap.low > 0 or i in not_applicable:
                    continue
                value = 0.0
            if value <= 0 if cap.low is None else value < cap.low:
                continue
            if cap.high is None or value <= cap.high:
                matched.append(i)
        if len(matched) >= cap.min_count:
            applied.append((index, matched))
            rank = max(rank, cap.rank)
    return Core(score, score_rank, rank, points, flagged, applied, unchecked,
                bool(unchecked) and any(c.caps[n].rank > rank for n in unchecked))


def level_for_score(rubric: Rubric, score: float) -> str:
    for level in rubric.levels:
        if level.min_score is None or score >= level.min_score:
            return level.id
    return rubric.levels[-1].id


def score_member(rubric: Rubric, ev: MemberEvaluation, observed: dict[str, Observation] | None = None) -> MemberResult:
    """Score one member: deductions/additions per section, bounds, level, caps and what blocks the next level.

    ``observed`` is what a previous period's file shows for the member's carried items (engine.carry.observe).
    """
    c = compile_rubric(rubric)
    answers = [ev.answers.get(item_id, _UNANSWERED) for item_id in c.ids]
    values = [a.value if a.state == "answered" else None for a in answers]
    previous = fixed = None
    if ev.ky_truoc is not None:  # imported here: most members carry nothing and `score` starts fast
        from tusoi_cli.engine.carry import all_fixed, shortcomings

        previous = shortcomings(rubric, ev.ky_truoc, observed)
        fixed = all_fixed(previous)
    core = score_values(c, values, ev.ky_luat, {i for i, a in enumerate(answers) if a.state == "na"},
                        form_index(ev.ky_luat_form), fixed)

    scale_readers = readers(rubric)
    items: list[ItemResult] = []
    sections: list[SectionResult] = []
    i = 0
    for s_index, section in enumerate(rubric.sections):
        reader = scale_readers[section.scale]
        counts = {"answered": 0, "unanswered": 0, "na": 0, "invalid": 0}
        deducts = section.mode == "deduct"
        for item in section.items:
            answer, value = answers[i], values[i]
            i += 1
            counts[answer.state] += 1
            items.append(ItemResult.model_construct(
                id=item.id, section=section.id, title=item.title, state=answer.state, value=value,
                label=reader.label(value) if value is not None else None,
                points=round((value or 0.0) * item.weight, _PRECISION), flagged=deducts and bool(value),
                bieu_hien=answer.bieu_hien, khac_phuc=answer.khac_phuc, han_khac_phuc=answer.han_khac_phuc,
                error=answer.error,
            ))
        sections.append(SectionResult.model_construct(
            id=section.id, title=section.title, mode=section.mode, points=core.section_points[s_index],
            max=section.max, flagged=core.section_flagged[s_index], answered=counts["answered"],
            unanswered=counts["unanswered"], not_applicable=counts["na"], invalid=counts["invalid"],
        ))
    applied = []
    for cap_index, matched in core.caps:
        cap = rubric.caps[cap_index]
        applied.append(AppliedCap.model_construct(
            id=cap.id, at_most=cap.at_most, at_most_label=rubric.level(cap.at_most).label, reason=cap.reason,
            items=[c.ids[m] for m in matched]))
    status, reason = member_status(ev.status, ev.status_reason, answers)
    rated = status == "reviewed"
    not_checked = [CapNotChecked.model_construct(
        id=rubric.caps[n].id, at_most=rubric.caps[n].at_most, at_most_label=rubric.level(rubric.caps[n].at_most).label,
        reason=rubric.caps[n].reason, why=NOT_CHECKED_WHY) for n in core.unchecked]
    level = rubric.levels[core.rank] if rated else None

    self_comparison: Literal["higher", "same", "lower"] | None = None
    if ev.tu_xep_loai is not None and rated:
        self_rank = rubric.level_rank(ev.tu_xep_loai)
        self_comparison = "higher" if self_rank < core.rank else "lower" if self_rank > core.rank else "same"

    next_level = None
    if rated and core.rank > 0:
        target = rubric.levels[core.rank - 1]
        gap = max(0.0, (target.min_score or 0.0) - core.score)
        blocking = [a.id for a, (cap_index, _) in zip(applied, core.caps, strict=True)
                    if c.caps[cap_index].rank > core.rank - 1]
        next_level = NextLevel.model_construct(level=target.id, label=target.label,
                                               score_gap=round(gap, _PRECISION), blocking_caps=blocking)

    by_state: dict[str, list[str]] = {"answered": [], "unanswered": [], "na": [], "invalid": []}
    for result in items:
        by_state[result.state].append(result.id)
    raters = ratings_of(rubric, ev.raters, ev.tu_xep_loai, ev.chi_bo_xep_loai, ev.ly_do)
    final = final_level(rubric, raters)
    flags = rating_flags(rubric, raters, core.rank if rated else None, (n for n, _ in core.caps))
    info = ev.member
    return MemberResult.model_construct(
        source=ev.source, rubric=rubric.id, rubric_version=rubric.version, ho_ten=info.ho_ten,
        ma_dang_vien=info.ma_dang_vien, chi_bo=info.chi_bo, chuc_vu=info.chuc_vu, ky_danh_gia=ev.ky_danh_gia,
        status=status, status_label=STATUS_LABELS[status], status_reason=reason, score=core.score,
        score_level=rubric.levels[core.score_rank].id if rated else None, level=level.id if level else None,
        level_label=level.label if level else None,
        caps=applied, sections=sections, items=items, flagged=[r.id for r in items if r.flagged],
        unanswered=by_state["unanswered"], not_applicable=by_state["na"], invalid=by_state["invalid"],
        ky_luat=ev.ky_luat, ky_luat_form=ev.ky_luat_form, self_level=ev.tu_xep_loai, self_comparison=self_comparison,
        cell_level=ev.chi_bo_xep_loai, cell_reason=ev.ly_do, next_level=next_level,
        complete=not by_state["invalid"] and not by_state["unanswered"] and not core.open_cap,
        raters=raters, final_level=final,
        final_level_label=rubric.level(final).label if final else None, rating_flags=flags, vote=None,
        previous_shortcomings=previous, caps_not_checked=not_checked,
    )




def member_status(stated: MemberStatus, reason: str | None,
                  answers: Sequence[Answer]) -> tuple[MemberStatus, str | None]:
    """The status a member ends with: as stated, except that a member who answered nothing is not reviewed.

    An invalid answer counts as an answer (the member tried; the problem is reported), so does "na".
    """
    return status_for(stated, reason, any(a.state != "unanswered" for a in answers))


def status_for(stated: MemberStatus, reason: str | None, answered: bool) -> tuple[MemberStatus, str | None]:
    """:func:`member_status` once it is known whether the member ``answered`` anything (na and invalid count)."""
    if stated == "reviewed" and not answered:
        return "not_reviewed", NO_ANSWER_REASON
    return stated, reason


