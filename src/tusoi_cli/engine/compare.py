"""Follow-up across periods (``tusoi compare``): how far last period's shortcomings were fixed.

The inputs are two *periods* (:class:`Period`), each a list of scored members kept compact
(:class:`Record`: one value per item, like a batch member). Members of the two periods are
matched (:func:`match_records`), then every matched pair is compared item by item
(:func:`compare_records`), and the cell-level picture is drawn from the pairs
(:func:`compare_periods`). No I/O here: :func:`tusoi_cli.api.read_period` reads a period; the data
types are in :mod:`tusoi_cli.model.compare`.

Semantics (``docs/compare.md`` tells secretaries the same in Vietnamese):

* Shortcomings are the items of *deducting* sections; items of adding sections (points earned)
  are not compared one by one, their effect shows in the score.
* An item is compared when it was answered with a value in both periods: old > 0 and new 0 is
  ``fixed``; 0 < new < old ``improved``; new = old > 0 ``unchanged``; new > old > 0 ``worse``;
  old 0 and new > 0 ``new``. An item at 0 (or not answered) in both periods is not listed.
* When one period has a shortcoming (> 0) and the other did not answer the item, marked it not
  applicable, gave an invalid answer, or its rubric has no such item, the item is *not
  comparable* (:class:`Unclear`, with the reason): never counted as fixed, nor as new.
* A remediation plan of the old period is *overdue* when its deadline (``han_khac_phuc``, only
  member YAML files have one) is before ``today`` and the item is still present (improved,
  unchanged or worse). A fixed item is never overdue, whenever it was fixed. A not comparable
  item whose deadline has passed carries ``deadline_passed`` so the secretary can check it.
* Matching: by member code (spaces and case ignored); else by full name, NFC, case and spaces
  ignored but diacritics kept (Hùng and Hưng are different people); else, for a name written
  wholly without diacritics, by the name without diacritics ("Nguyen Van Hung" and "Nguyễn Văn
  Hùng"). Several candidates for one code or one name are reported as ambiguous, never paired;
  two members with the same name but different codes are not paired. Two member files given
  explicitly are paired as they are.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from tusoi_cli.model import MemberResult, Rubric
from tusoi_cli.model.compare import (
    NO_DEADLINES_NOTE,
    Ambiguous,
    CompareInfo,
    Comparison,
    ItemChange,
    ItemSummary,
    LevelCount,
    MatchedBy,
    Matching,
    MemberComparison,
    Period,
    Reason,
    Record,
    RubricChange,
    Status,
    Unclear,
    Unmatched,
    compare_info,
)
from tusoi_cli.text import fold

_NEW_REASON: dict[str, Reason] = {"unanswered": "new_unanswered", "na": "new_not_applicable",
                                  "invalid": "new_invalid"}
_OLD_REASON: dict[str, Reason] = {"unanswered": "old_unanswered", "na": "old_not_applicable",
                                  "invalid": "old_invalid"}




_PRECISION = 9


# --------------------------------------------------------------------------- inputs












# --------------------------------------------------------------------------- rubric items








@dataclass(frozen=True, slots=True)
class _Alignment:
    """Item indices (old, new) of the shortcoming items to compare, new rubric order then old-only items."""

    pairs: tuple[tuple[int | None, int | None], ...]
    change: RubricChange | None
    old: CompareInfo
    new: CompareInfo
    # per pair, what comparing it needs besides the values, looked up once per pair of rubrics rather than per
    # member: (old index, new index, item id, title, section, old value labels, new value labels)
    steps: tuple[_Step, ...] = ()

    def __post_init__(self) -> None:
        steps = []
        for o, n in self.pairs:
            info, index = (self.new, n) if n is not None else (self.old, o)
            assert index is not None
            steps.append((o, n, info.ids[index], info.titles[index], info.sections[index],
                          self.old.readers[o].labels if o is not None else {},
                          self.new.readers[n].labels if n is not None else {}))
        object.__setattr__(self, "steps", tuple(steps))


_Step = tuple[int | None, int | None, str, str, str, dict[float, str], dict[float, str]]


def _align(old: Rubric, new: Rubric) -> _Alignment:
    oi, ni = compare_info(old), compare_info(new)
    if old is new:
        return _Alignment(tuple((n, n) for n, deducts in enumerate(ni.deducts) if deducts), None, oi, ni)
    pairs: list[tuple[int | None, int | None]] = []
    rescaled = []
    for n, item_id in enumerate(ni.ids):
        o = oi.index.get(item_id)
        if o is not None and (_scale_key(old, oi.scales[o]) != _scale_key(new, ni.scales[n])
                              or oi.maxes[o] != ni.maxes[n] or oi.deducts[o] != ni.deducts[n]):
            rescaled.append(item_id)
        if ni.deducts[n] and (o is None or oi.deducts[o]):
            pairs.append((o, n))
    pairs += [(o, None) for o, item_id in enumerate(oi.ids) if item_id not in ni.index and oi.deducts[o]]
    change = RubricChange(old.id, old.version, new.id, new.version,
                          tuple(i for i in oi.ids if i not in ni.index), tuple(i for i in ni.ids if i not in oi.index),
                          tuple(rescaled))
    return _Alignment(tuple(pairs), change, oi, ni)


def _scale_key(rubric: Rubric, scale_id: str) -> tuple[object, ...]:
    """What makes values of a scale comparable: its numbers (labels may be reworded)."""
    scale = rubric.scales[scale_id]
    values = tuple(v.value for v in scale.values) if scale.values is not None else None
    return values, scale.min, scale.max, scale.step


# --------------------------------------------------------------------------- one member








def compare_records(old: Record, new: Record, *, today: date, matched_by: MatchedBy = "files",
                    alignment: _Alignment | None = None) -> MemberComparison:
    """Compare one member's two periods item by item (see the module docstring for the rules)."""
    align = alignment or _align(old.rubric, new.rubric)
    oi, ni = align.old, align.new
    old_values, new_values = old.values, new.values
    old_plans, new_plans = old.plans, new.plans
    changes: list[ItemChange] = []
    unclear: list[Unclear] = []
    for o, n, item_id, title, section, old_labels, new_labels in align.steps:
        ov = old_values[o] if o is not None else None
        nv = new_values[n] if n is not None else None
        had = ov is not None and ov > 0
        has = nv is not None and nv > 0
        if not had and not has:
            continue
        old_plan = old_plans.get(item_id) if old_plans else None
        new_plan = new_plans.get(item_id) if new_plans else None
        old_label = old_labels.get(ov) or oi.label(o, ov) if o is not None and ov is not None else None
        new_label = new_labels.get(nv) or ni.label(n, nv) if n is not None and nv is not None else None
        if ov is not None and nv is not None:
            status: Status
            if not has:
                status = "fixed"
            elif not had:
                status = "new"
            else:
                status = "improved" if nv < ov else "worse" if nv > ov else "unchanged"
            deadline = old_plan.han_khac_phuc if old_plan else None
            overdue = has and had and deadline is not None and deadline < today
            changes.append(ItemChange(item_id, title, section, status, ov, old_label, nv, new_label, overdue, old_plan,
                                      new_plan))
            continue
        old_state = old.state(o) if o is not None else None
        new_state = new.state(n) if n is not None else None
        if had:
            reason = _NEW_REASON[new_state] if new_state is not None else "removed_from_rubric"
        else:
            reason = _OLD_REASON[old_state] if old_state is not None else "added_to_rubric"
        deadline = old_plan.han_khac_phuc if old_plan else None
        unclear.append(Unclear(item_id, title, section, reason, old_state, ov, old_label, new_state, nv, new_label,
                               had and deadline is not None and deadline < today, old_plan, new_plan))
    return MemberComparison(old, new, matched_by, changes, unclear)


def compare_results(old: MemberResult, old_rubric: Rubric, new: MemberResult, new_rubric: Rubric, *,
                    today: date) -> MemberComparison:
    """Compare two scored results of one member (e.g. from :func:`tusoi_cli.score_file`)."""
    return compare_records(Record.from_result(old, old_rubric), Record.from_result(new, new_rubric), today=today)


# --------------------------------------------------------------------------- matching








def code_key(code: str | None) -> str | None:
    """Member codes compare without spaces and case: ' 01.2345 ' and '01.2345' are one code."""
    if not code:
        return None
    key = "".join(unicodedata.normalize("NFC", code).casefold().split())
    return key or None


def name_key(name: str) -> str:
    """Names compare in NFC, without case and extra spaces, diacritics kept."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _unaccented(name: str) -> bool:
    return unicodedata.normalize("NFC", name).isascii()


def match_records(old: Sequence[Record], new: Sequence[Record]) -> Matching:
    """Pair the members of two periods: by code, by name, by name written without diacritics."""
    old_left = dict.fromkeys(range(len(old)))  # ordered sets of indices still unpaired
    new_left = dict.fromkeys(range(len(new)))
    paired: dict[int, tuple[int, MatchedBy]] = {}  # new index -> (old index, how)
    ambiguous: list[Ambiguous] = []
    differs: dict[tuple[str, int], int] = {}  # (side, index) -> index on the other side with the same name

    def groups(records: Sequence[Record], left: dict[int, None], key: _Key) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for index in left:
            k = key(records[index])
            if k:
                found.setdefault(k, []).append(index)
        return found

    def phase(by: MatchedBy, key: _Key, only_unaccented: bool = False) -> None:
        old_groups, new_groups = groups(old, old_left, key), groups(new, new_left, key)
        for k, olds in old_groups.items():
            news = new_groups.get(k)
            if not news:
                continue
            members = [old[i] for i in olds] + [new[i] for i in news]
            if only_unaccented and not any(_unaccented(m.ho_ten) for m in members):
                continue
            if len(olds) == 1 and len(news) == 1 and by != "code" and all(_code_of(m) for m in members):
                differs["old", olds[0]] = news[0]  # same name, two different codes: two people, left unmatched
                differs["new", news[0]] = olds[0]
                continue
            for i in olds:
                del old_left[i]
            for i in news:
                del new_left[i]
            if len(olds) > 1 or len(news) > 1:  # codes shared by several members were taken out before
                ambiguous.append(Ambiguous("name", old[olds[0]].ho_ten, tuple(old[i] for i in olds),
                                           tuple(new[i] for i in news)))
            else:
                paired[news[0]] = (olds[0], by)

    # a code shared by several members of one period pairs nobody, even if the other period lacks it
    old_codes, new_codes = groups(old, old_left, _code_of), groups(new, new_left, _code_of)
    for k in [*old_codes, *(k for k in new_codes if k not in old_codes)]:
        olds, news = old_codes.get(k, []), new_codes.get(k, [])
        if len(olds) > 1 or len(news) > 1:
            for i in olds:
                del old_left[i]
            for i in news:
                del new_left[i]
            first = old[olds[0]] if olds else new[news[0]]
            ambiguous.append(Ambiguous("code", first.ma_dang_vien or "", tuple(old[i] for i in olds),
                                       tuple(new[i] for i in news)))
    phase("code", _code_of)
    phase("name", lambda r: name_key(r.ho_ten))
    phase("name_unaccented", lambda r: fold(r.ho_ten), only_unaccented=True)

    pairs = [(old[o], new[n], how) for n, (o, how) in sorted(paired.items())]
    unmatched = [Unmatched("old", old[i], "code_differs" if ("old", i) in differs else "not_found",
                           new[differs["old", i]] if ("old", i) in differs else None) for i in old_left]
    unmatched += [Unmatched("new", new[i], "code_differs" if ("new", i) in differs else "not_found",
                            old[differs["new", i]] if ("new", i) in differs else None) for i in new_left]
    return Matching(pairs, unmatched, ambiguous)


_Key = Callable[[Record], str | None]


def _code_of(record: Record) -> str | None:
    return code_key(record.ma_dang_vien)


# --------------------------------------------------------------------------- the cell








def compare_periods(old: Period, new: Period, *, today: date, persistent_share: float = 0.5) -> Comparison:
    """Match the members of two periods and compare each pair; the cell's totals come with it."""
    notes: list[str] = []
    if old.kind == "member" and new.kind == "member" and len(old.records) == 1 and len(new.records) == 1:
        o, n = old.records[0], new.records[0]
        matching = Matching([(o, n, "files")], [], [])
        if code_key(o.ma_dang_vien) and code_key(n.ma_dang_vien) and code_key(o.ma_dang_vien) != code_key(
                n.ma_dang_vien):
            notes.append(f"hai tệp có mã đảng viên khác nhau ('{o.ma_dang_vien}' và '{n.ma_dang_vien}') — kiểm tra "
                         "lại có đúng là một người không")
        if name_key(o.ho_ten) != name_key(n.ho_ten):
            notes.append(f"hai tệp có họ tên khác nhau ('{o.ho_ten}' và '{n.ho_ten}') — kiểm tra lại có đúng là "
                         "một người không")
    else:
        matching = match_records(old.records, new.records)

    alignments: dict[tuple[int, int], _Alignment] = {}
    members = []
    for o, n, how in matching.pairs:
        key = (id(o.rubric), id(n.rubric))
        if key not in alignments:
            alignments[key] = _align(o.rubric, n.rubric)
        members.append(compare_records(o, n, today=today, matched_by=how, alignment=alignments[key]))
    if not alignments and len(old.rubrics()) == 1 and len(new.rubrics()) == 1:
        alignments[0, 0] = _align(old.rubrics()[0], new.rubrics()[0])
    changes = [a.change for a in alignments.values() if a.change is not None and a.change.differs]

    items = _item_summaries(members, persistent_share)
    if not old.has_deadlines:
        notes.append(NO_DEADLINES_NOTE)
    old_periods, new_periods = old.periods(), new.periods()
    if old_periods and old_periods == new_periods:
        notes.append(f"hai kỳ ghi cùng một kỳ đánh giá ({', '.join(old_periods)}) — kiểm tra lại đã chọn đúng "
                     "tệp của hai kỳ chưa")
    notes += [f"kỳ cũ: {note}" for note in old.notes] + [f"kỳ mới: {note}" for note in new.notes]
    return Comparison(old, new, today, members, matching.unmatched, matching.ambiguous, changes, items,
                      _level_counts(old, new), notes, persistent_share)


def _item_summaries(members: Sequence[MemberComparison], share: float) -> list[ItemSummary]:
    summaries: dict[str, ItemSummary] = {}
    order: dict[str, tuple[int, int]] = {}  # item id -> position (new rubric first), for a stable order
    for member in members:
        entries: list[ItemChange | Unclear] = [*member.changes, *member.unclear]
        for entry in entries:
            summary = summaries.get(entry.id)
            if summary is None:
                summary = summaries[entry.id] = ItemSummary(entry.id, entry.title, entry.section)
                position = compare_info(member.new.rubric).index.get(entry.id)
                order[entry.id] = ((0, position) if position is not None
                                   else (1, compare_info(member.old.rubric).index.get(entry.id, 0)))
            if isinstance(entry, ItemChange):
                summary.counts[entry.status] += 1
                summary.counts["overdue"] += entry.overdue
                summary.old += entry.old_value > 0
                summary.new += entry.new_value > 0
            else:
                summary.counts["not_comparable"] += 1
                summary.old += bool(entry.old_value)
                summary.new += bool(entry.new_value)
    result = sorted(summaries.values(), key=lambda s: order[s.id])
    for summary in result:
        summary.persistent = bool(members) and summary.persisting > share * len(members)
    return result


def _level_counts(old: Period, new: Period) -> list[LevelCount]:
    """Members per level in each period (every member read, matched or not), best first."""
    levels: dict[str, tuple[str, str]] = {}
    for rubric in [*new.rubrics(), *old.rubrics()]:
        for level in rubric.levels:
            levels.setdefault(level.id, (level.label, level.color))
    old_counts = Counter(r.level for r in old.records)
    new_counts = Counter(r.level for r in new.records)
    return [LevelCount(level_id, label, color, old_counts[level_id], new_counts[level_id])
            for level_id, (label, color) in levels.items()]
