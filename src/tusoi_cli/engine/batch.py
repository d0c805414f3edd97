"""Batch accounting, pure: scoring the members a reader produced, duplicates, order, and the counts of a summary."""

from __future__ import annotations

from itertools import compress
from pathlib import Path
from typing import Any

from tusoi_cli.collation import name_key
from tusoi_cli.engine.raters import rating_flags
from tusoi_cli.engine.scoring import compile_rubric, score_member, score_values
from tusoi_cli.errors import Problem
from tusoi_cli.model import STATUS_LABELS, RatingFlag
from tusoi_cli.model.batch import BatchMember, BatchResult, BatchSummary
from tusoi_cli.model.compiled import form_index


def score_batch(batch: BatchResult, unit: str) -> BatchResult:
    """Score every member a reader produced (in place), then look for duplicates.

    A sheet row carries its values (scored through the compiled rubric, no objects per item); a member
    file carries its evaluation (scored in detail, the result kept). ``unit`` is "dòng" or "tệp".
    """
    rubric = batch.rubric
    compiled = compile_rubric(rubric)
    members = batch.members
    flag_memo: dict[tuple[object, ...], tuple[list[RatingFlag] | None, object]] = {}
    for index, member in enumerate(members):
        if member.result is not None:
            continue
        if member.evaluation is not None:
            # compact, keeping only what the compact form cannot give back (kiem-diem's review fields, ky_truoc,
            # the answers with details): scoring it again gives the same result
            members[index] = member.scored(rubric, score_member(rubric, member.evaluation_for(rubric)))
        else:
            fixed = None
            if member.ky_truoc is not None:  # the sheet's previous-period columns
                from tusoi_cli.engine.carry import all_fixed, shortcomings

                member.previous = shortcomings(rubric, member.ky_truoc)
                fixed = all_fixed(member.previous)
            member.core = core = score_values(compiled, member.values, member.ky_luat, member.na,
                                              form_index(member.ky_luat_form), fixed)
            if member.raters is not None:
                # a sheet repeats a few combinations of slots, rank and caps: each is worked out once and its
                # (read-only) list shared; the rating objects are the reader's shared ones, kept alive here
                rank = core.rank if member.rated else None
                key = (*((slot, id(r)) for slot, r in member.raters.items()), rank, *(n for n, _ in core.caps))
                known = flag_memo.get(key)
                if known is None:
                    if len(flag_memo) > 10_000:
                        flag_memo.clear()
                    known = flag_memo[key] = (rating_flags(rubric, member.raters, rank, (n for n, _ in core.caps))
                                              or None, member.raters)
                member.flags = known[0]
    batch.scorer = score_member
    check_duplicates(batch, unit)
    return batch


def summarize(batch: BatchResult) -> BatchSummary:
    """The counts a summary shows (terminal, JSON), computed once."""
    unanswered, invalid = incomplete_counts(batch)
    return BatchSummary(status_counts(batch), level_counts(batch), level_counts(batch, decided=True),
                        provisional_count(batch), unanswered, invalid, prevalence(batch))


def check_duplicates(result: BatchResult, unit: str) -> None:
    """A member code used twice, or a row identical to an earlier one: a problem naming both rows (both
    rows stay in the results: tusoi cannot know which one is right). ``unit`` is "dòng" or "tệp"."""
    codes: dict[str, BatchMember] = {}
    rows: dict[tuple[Any, ...], BatchMember] = {}

    def named(member: BatchMember) -> str:  # "dòng 5", or the file's name in a folder
        return f"dòng {member.line}" if unit == "dòng" else f"tệp {Path(member.source).name}"

    for member in result.members:
        where = member.source.rpartition(":")[0] if unit == "dòng" else member.source
        # identical as typed (the text is already NFC and without invisible characters); no folding, which
        # would cost more than the rest of the check on a province's sheet
        key = (member.ho_ten, member.ma_dang_vien, member.values, member.na, member.invalid, member.tu_xep_loai,
               member.chi_bo_xep_loai, member.ly_do, member.ky_luat, member.chuc_vu)
        same = rows.setdefault(key, member)
        if same is not member:
            result.problems.append(Problem(
                where or result.source, f"{named(member)} giống hệt {named(same)} ({member.ho_ten}): có thể bị nhập "
                "hai lần", member.line if unit == "dòng" else None, None,
                f"xóa một trong hai {unit} nếu trùng; cả hai vẫn được chấm"))
            continue
        code = "".join((member.ma_dang_vien or "").split()).casefold()
        if not code:
            continue
        owner = codes.setdefault(code, member)
        if owner is not member:
            result.problems.append(Problem(
                where or result.source, f"mã đảng viên '{member.ma_dang_vien}' trùng: {named(owner)} "
                f"({owner.ho_ten}) và {named(member)} ({member.ho_ten})", member.line if unit == "dòng" else None,
                None, f"sửa mã đảng viên ở một trong hai {unit}; cả hai vẫn được chấm"))


def sort_by_name(batch: BatchResult) -> None:
    """Vietnamese roster order: given name, then family and middle names (a ă â b c d đ ...)."""
    batch.members.sort(key=lambda m: name_key(m.ho_ten))


def level_counts(batch: BatchResult, *, decided: bool = False) -> dict[str, int]:
    """Members per level (computed, or as the cell decided), best level first, zeros included.

    Only reviewed members count: exempt and not reviewed ones have no level (see :func:`status_counts`)."""
    levels = batch.rubric.levels
    counts = {level.id: 0 for level in levels}
    for member in batch.members:
        if not member.rated:
            continue
        if decided:
            if member.chi_bo_xep_loai is not None:
                counts[member.chi_bo_xep_loai] += 1
        else:
            counts[levels[member.core.rank].id] += 1
    return counts


def prevalence(batch: BatchResult) -> list[tuple[str, int]]:
    """(item id, rated members flagged), most common first, rubric order among equals; unflagged items left out."""
    c = compile_rubric(batch.rubric)
    counts = [0] * len(c.ids)
    deducting = [c.deducts[s] for s in c.section_of]
    indices = range(len(c.ids))
    for member in batch.members:
        if not member.rated:
            continue
        for i in compress(indices, member.values):  # the non-zero answers, found in C
            if deducting[i]:
                counts[i] += 1
    order = sorted((i for i in range(len(counts)) if counts[i]), key=lambda i: (-counts[i], i))
    return [(c.ids[i], counts[i]) for i in order]


def status_counts(batch: BatchResult) -> dict[str, int]:
    """Members per status (reviewed, exempt, not_reviewed), zeros included."""
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for member in batch.members:
        counts[member.status] += 1
    return counts


def provisional_count(batch: BatchResult) -> int:
    """Rated members whose level is provisional: some item unanswered or invalid."""
    return sum(1 for m in batch.members if m.rated and not m.complete)


def incomplete_counts(batch: BatchResult) -> tuple[int, int]:
    """(rated members with some item unanswered, rated members with some invalid item)."""
    rated = [m for m in batch.members if m.rated]
    return sum(1 for m in rated if m.unanswered_count), sum(1 for m in rated if m.invalid)
