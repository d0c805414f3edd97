"""The roll-up, pure: a scored cell to its counts, units summed up the tree, last period matched by name.

Nothing here names a member: a cell's counts are taken from its compact members and the members are
dropped; the problems of a cell have the members' names taken out before they leave it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from itertools import compress

from tusoi_cli.engine.batch import check_duplicates
from tusoi_cli.engine.scoring import compile_rubric, score_member, score_values, status_for
from tusoi_cli.errors import Problem
from tusoi_cli.model import Rubric
from tusoi_cli.model.batch import BatchMember, BatchResult
from tusoi_cli.model.compiled import form_index
from tusoi_cli.model.raters import final_level as last_filled_slot
from tusoi_cli.model.rollup import NO_REASON, MemberRow, Scheme, Unit, add_reasons, empty_tally, total_of
from tusoi_cli.text import fold

HIDDEN_NAME = "[tên ẩn]"


def final_level(member: BatchMember, rubric: Rubric) -> str | None:
    """The member's final level: SPEC's last filled rater slot, in the order the rubric declares its slots."""
    return last_filled_slot(rubric, member.raters)


def scheme_of(rubric: Rubric) -> Scheme:
    return tuple((level.id, level.label) for level in rubric.levels)


def cell_name(batch: BatchResult, fallback: str) -> str:
    """The cell's name: the most common "Chi bộ" of its members (title block or column), else ``fallback``."""
    names = Counter(m.chi_bo.strip() for m in batch.members if m.chi_bo and m.chi_bo.strip())
    return names.most_common(1)[0][0] if names else fallback


def score_cell(batch: BatchResult, unit: str) -> BatchResult:
    """Score a cell for counting only (in place), then look for duplicates as ``batch`` does (``unit``: "dòng"
    or "tệp"). Member files are scored through the compact core, as sheet rows are: the same numbers as
    :func:`~tusoi_cli.engine.batch.score_batch` (tested), without building each member's detailed result."""
    rubric = batch.rubric
    compiled = compile_rubric(rubric)
    members = batch.members
    for index, member in enumerate(members):
        evaluation = member.evaluation
        if evaluation is not None and member.result is None:
            if not member.details_only:  # a whole evaluation (a library caller's): its compact form first
                member = BatchMember.from_evaluation(rubric, evaluation, member.line)
                evaluation = member.evaluation
                assert evaluation is not None
            # a member file's compact values, as read (the trimmed evaluation keeps its own fields)
            values, na, invalid = member.values, member.na, member.invalid
            answered = bool(na or invalid) or values.count(None) != len(values)
            status, reason = status_for(evaluation.status, evaluation.status_reason, answered)
            info = evaluation.member
            core = score_values(compiled, values, evaluation.ky_luat, na, form_index(evaluation.ky_luat_form))
            members[index] = BatchMember(
                member.line, core, values, na, invalid, info.ho_ten, info.ma_dang_vien, info.chuc_vu,
                evaluation.tu_xep_loai, evaluation.chi_bo_xep_loai, evaluation.ly_do, evaluation.ky_luat,
                evaluation.source,
                chi_bo=info.chi_bo, ky_danh_gia=evaluation.ky_danh_gia, status=status, status_reason=reason,
                ky_luat_form=evaluation.ky_luat_form, raters=evaluation.raters or None)
        elif member.result is None:
            member.core = score_values(compiled, member.values, member.ky_luat, member.na,
                                       form_index(member.ky_luat_form))
    batch.scorer = score_member
    check_duplicates(batch, unit)
    return batch


def tally_cell(batch: BatchResult, name: str, source: str) -> Unit:
    """The counts of one scored cell: statuses, tusoi's levels, final levels, reasons at the lowest level, items."""
    rubric = batch.rubric
    compiled = compile_rubric(rubric)
    scheme = scheme_of(rubric)
    tally = empty_tally(scheme)
    tally.rubrics.append(f"{rubric.id} {rubric.version}")
    lowest_rank = len(rubric.levels) - 1
    level_ids = [level.id for level in rubric.levels]
    categories = [cap.category or "other" for cap in rubric.caps]
    deducting = [compiled.deducts[s] for s in compiled.section_of]
    indices = range(len(compiled.ids))
    item_counts = [0] * len(compiled.ids)
    unit = Unit(name, "cell", source, tallies=[tally])
    exempt_reasons: Counter[str] = Counter()
    hide = name_hider(batch)
    for member in batch.members:
        if member.status == "exempt":
            unit.exempt += 1
            exempt_reasons[hide((member.status_reason or "").strip()) or NO_REASON] += 1
            continue
        if member.status == "not_reviewed":
            unit.not_reviewed += 1
            continue
        tally.reviewed += 1
        level = level_ids[member.core.rank]
        tally.levels[level] += 1
        final = final_level(member, rubric)
        if final is not None:
            tally.final_levels[final] += 1
            if final != level:
                tally.differ += 1
        standing = final if final is not None else level
        if rubric.level_rank(standing) == lowest_rank:
            tally.lowest += 1
            for category in sorted({categories[n] for n, _ in member.core.caps} or {"other"}):
                tally.reasons[category] = tally.reasons.get(category, 0) + 1
        for i in compress(indices, member.values):  # the non-zero answers
            if deducting[i]:
                item_counts[i] += 1
    tally.items = {compiled.ids[i]: n for i, n in enumerate(item_counts) if n}
    add_reasons(unit.exempt_reasons, dict(exempt_reasons))
    return unit


def member_rows(batch: BatchResult, unit: str, source: str) -> list[MemberRow]:
    """The members of a scored cell for the internal list (``--ten``), in the cell's order."""
    ids = [level.id for level in batch.rubric.levels]
    return [MemberRow(unit, source, m.line, m.ho_ten, m.ma_dang_vien, m.status, m.status_reason,
                      ids[m.core.rank] if m.rated else None, final_level(m, batch.rubric) if m.rated else None)
            for m in batch.members]


def name_hider(batch: BatchResult) -> Callable[[str], str]:
    """A function taking the names of the cell's members out of a text (replaced by ``[tên ẩn]``)."""
    names = sorted({m.ho_ten for m in batch.members if m.ho_ten and len(m.ho_ten) > 1}, key=len, reverse=True)
    if not names:
        return lambda text: text
    pattern = re.compile("|".join(map(re.escape, names)))
    return lambda text: pattern.sub(HIDDEN_NAME, text) if text else text


def anonymous(problems: list[Problem], notes: list[str], batch: BatchResult) -> tuple[list[Problem], list[str]]:
    """``problems`` and ``notes`` with the names of the cell's members taken out (messages, hints, notes)."""
    if not problems and not notes:
        return [], []
    hide = name_hider(batch)
    return ([Problem(p.file, hide(p.message), p.line, p.column, hide(p.hint) if p.hint else p.hint)
             for p in problems], [hide(note) for note in notes])


def combine(name: str, children: list[Unit], source: str = "") -> Unit:
    """A party unit over ``children`` (its counts are their sums; schemes of levels kept apart)."""
    return total_of(name, children, source)


def attach_previous(current: Unit, previous: Unit) -> tuple[list[str], list[str]]:
    """Set ``previous`` on ``current`` and every unit under it whose previous match is found by name (folded:
    diacritics and case do not matter), level by level. The two tops are matched whatever their names.
    Returns the paths of the units left unmatched: (this period's, last period's)."""
    unmatched_now: list[str] = []
    unmatched_then: list[str] = []

    def match(now: Unit, then: Unit, path: str) -> None:
        now.previous = then
        pool: dict[str, list[Unit]] = {}
        for child in then.children:
            pool.setdefault(fold(child.name), []).append(child)
        for child in now.children:
            candidates = pool.get(fold(child.name))
            where = f"{path} / {child.name}" if path else child.name
            if candidates:
                match(child, candidates.pop(0), where)
            else:
                unmatched_now.append(where)
        for left in pool.values():
            unmatched_then.extend(f"{path} / {u.name}" if path else u.name for u in left)

    match(current, previous, "")
    return unmatched_now, unmatched_then
