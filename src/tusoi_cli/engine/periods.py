"""Follow-up over three or more periods (``tusoi compare 2023/ 2024/ 2025/ 2026/``).

Built on the two-period comparison (:mod:`tusoi_cli.engine.compare`), so the rules stay one:

* Each pair of consecutive periods is compared exactly as ``tusoi compare OLD NEW`` does
  (:func:`compare_periods`): its totals give the share fixed period on period.
* A member is followed by chaining those pairings (2023's An paired with 2024's An, 2024's An with
  2025's...). Where a member is missing from a period (on leave, moved, not paired), the track goes
  on with that period marked absent: members who left before the gap and came back after it are
  paired again by :func:`match_records` (code, then name), never guessed.
* An item's *path* holds one step per period: its value, or why there is none (unanswered, not
  applicable, invalid, absent, not in that period's rubric). Only deducting items flagged (> 0) in
  some period are listed.
* *Persistent*: flagged in every period. *Relapse*: flagged, then answered 0 in a later period,
  then flagged again; steps without a value never count as fixed, so they neither make nor break one.
* *Level trend*: the member's levels, ranked on the latest record's rubric, over the periods where
  the member was rated: ``same``, ``up`` (never worse, better at least once), ``down``, or ``mixed``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from itertools import pairwise

from tusoi_cli.engine.compare import compare_periods, match_records
from tusoi_cli.model.compare import NO_DEADLINES_NOTE, CompareInfo, Comparison, MatchedBy, Period, Record, compare_info
from tusoi_cli.model.periods import (
    FollowUp,
    ItemPath,
    ItemTrend,
    LevelRow,
    Step,
    Track,
    Trend,
    period_names,
)


def follow_periods(periods: Sequence[Period], *, today: date, persistent_share: float = 0.5) -> FollowUp:
    """Follow the members of several periods (oldest first) item by item; the cell's picture comes with it."""
    if len(periods) < 2:
        raise ValueError("follow_periods needs two or more periods")
    periods = list(periods)
    steps = [compare_periods(periods[k], periods[k + 1], today=today, persistent_share=persistent_share)
             for k in range(len(periods) - 1)]
    count = len(periods)
    tracks_records: list[list[Record | None]] = []
    tracks_how: list[list[MatchedBy | None]] = []
    where: dict[int, int] = {}  # id(record) -> its track
    for record in periods[0].records:
        where[id(record)] = len(tracks_records)
        tracks_records.append([record, *[None] * (count - 1)])
        tracks_how.append([None] * (count - 1))
    for k, step in enumerate(steps):
        for old, new, how in ((m.old, m.new, m.matched_by) for m in step.members):
            track = where[id(old)]
            tracks_records[track][k + 1] = new
            tracks_how[track][k] = how
            where[id(new)] = track
        for record in periods[k + 1].records:
            if id(record) not in where:
                where[id(record)] = len(tracks_records)
                tracks_records.append([None] * count)
                tracks_records[-1][k + 1] = record
                tracks_how.append([None] * (count - 1))
    unsure = {id(r) for step in steps for group in step.ambiguous for r in (*group.old, *group.new)}
    _bridge_gaps(tracks_records, tracks_how, unsure)

    layouts: dict[tuple[int, ...], _Layout] = {}
    infos: dict[tuple[int, ...], tuple[CompareInfo | None, ...]] = {}
    members = [_track(records, how, layouts, infos) for records, how in zip(tracks_records, tracks_how, strict=True)
               if any(r is not None for r in records)]
    positions = [{id(r): n for n, r in enumerate(p.records)} for p in periods]

    def order(track: Track) -> tuple[int, int]:
        last = max(k for k, r in enumerate(track.records) if r is not None)
        return -last, positions[last][id(track.records[last])]

    members.sort(key=order)
    names = period_names(periods)
    return FollowUp(periods, names, today, steps, members, _item_trends(members, periods, count),
                    _level_rows(periods), _notes(periods, names, steps))


def _bridge_gaps(records: list[list[Record | None]], how: list[list[MatchedBy | None]], unsure: set[int]) -> None:
    """Join a track that ends before the last period with one that starts two or more periods later, when
    the two records match by code or name (the member was absent in between). Records that were part of an
    ambiguous group (``unsure``: ids of records) are never joined: the gap may be the doubt itself. Changes the
    lists in place."""
    count = len(records[0]) if records else 0
    for back in range(2, count):  # tracks starting at period ``back`` after a gap of one or more periods
        starts = [t for t, rs in enumerate(records) if _first(rs) == back and id(rs[back]) not in unsure]
        ends = [t for t, rs in enumerate(records) if _first(rs) is not None and (_last(rs) or 0) < back - 1
                and id(_at_last(rs)) not in unsure]
        if not starts or not ends:
            continue
        last_of = {id(_at_last(records[t])): t for t in ends}
        first_of = {id(_at_last(records[t][:back + 1])): t for t in starts}
        matching = match_records([_at_last(records[t]) for t in ends],
                                 [_at_last(records[t][:back + 1]) for t in starts])
        for old, new, matched in matching.pairs:
            keep, drop = last_of[id(old)], first_of[id(new)]
            for k in range(back, count):
                records[keep][k], records[drop][k] = records[drop][k], None
            for k in range(back, count - 1):
                how[keep][k], how[drop][k] = how[drop][k], None
            how[keep][back - 1] = matched  # the step into the period where the member came back


def _first(records: Sequence[Record | None]) -> int | None:
    return next((k for k, r in enumerate(records) if r is not None), None)


def _last(records: Sequence[Record | None]) -> int | None:
    return next((k for k in range(len(records) - 1, -1, -1) if records[k] is not None), None)


def _at_last(records: Sequence[Record | None]) -> Record:
    return next(r for r in reversed(records) if r is not None)


# An item's position in each period's record (None: the member is absent or the rubric lacks the item),
# with its title and section; one layout per combination of rubrics, shared by the members who have it.
_Layout = list[tuple[str, str, str, tuple[int | None, ...]]]


def _layout(records: Sequence[Record | None]) -> _Layout:
    present = [r for r in records if r is not None]
    # items of deducting sections: the latest rubric's order, then items only older rubrics have
    order: dict[str, tuple[str, str]] = {}
    for record in reversed(present):
        info = compare_info(record.rubric)
        for n, item_id in enumerate(info.ids):
            if info.deducts[n]:
                order.setdefault(item_id, (info.titles[n], info.sections[n]))
    infos = [compare_info(r.rubric) if r is not None else None for r in records]
    layout = []
    for item_id, (title, section) in order.items():
        places: list[int | None] = []
        for period_info in infos:
            index = period_info.index.get(item_id) if period_info is not None else None
            places.append(index if period_info is not None and index is not None and period_info.deducts[index]
                          else None)
        layout.append((item_id, title, section, tuple(places)))
    return layout


def _track(records: Sequence[Record | None], how: Sequence[MatchedBy | None], layouts: dict[tuple[int, ...], _Layout],
           infos_of: dict[tuple[int, ...], tuple[CompareInfo | None, ...]]) -> Track:
    key = tuple(id(r.rubric) if r is not None else 0 for r in records)
    layout = layouts.get(key)
    if layout is None:
        layout = layouts[key] = _layout(records)
    infos = infos_of.get(key)
    if infos is None:
        infos = infos_of[key] = tuple(compare_info(r.rubric) if r is not None else None for r in records)
    values = [r.values if r is not None else () for r in records]
    items = []
    for item_id, title, section, places in layout:
        flagged = False
        for k, index in enumerate(places):  # most items are 0 everywhere: skipped cheaply
            if index is not None:
                value = values[k][index]
                if value is not None and value > 0:
                    flagged = True
                    break
        if flagged:
            steps = tuple(_step(record, index, info) for record, index, info in zip(records, places, infos,
                                                                                     strict=True))
            items.append(ItemPath(item_id, title, section, steps, all(s.flagged for s in steps), _relapses(steps)))
    return Track(tuple(records), tuple(how), items, _trend(records, _at_last(records)))


def _step(record: Record | None, index: int | None, info: CompareInfo | None) -> Step:
    if record is None or info is None:
        return Step("absent")
    if index is None:
        return Step("not_in_rubric")
    value = record.values[index]
    return Step(record.state(index), value, info.label(index, value))


def _relapses(steps: Sequence[Step]) -> int:
    """Times a flagged item came back after a period that answered 0."""
    count, seen, cleared = 0, False, False
    for step in steps:
        if step.flagged:
            count += cleared
            seen, cleared = True, False
        elif step.clear and seen:
            cleared = True
    return count


def _trend(records: Sequence[Record | None], latest: Record) -> Trend | None:
    ranks = {level.id: rank for rank, level in enumerate(latest.rubric.levels)}  # 0 is the best level
    seen = [ranks[r.level] for r in records if r is not None and r.level in ranks]
    if len(seen) < 2:
        return None
    pairs = list(pairwise(seen))
    if all(a == b for a, b in pairs):
        return "same"
    if all(b <= a for a, b in pairs):
        return "up"
    if all(b >= a for a, b in pairs):
        return "down"
    return "mixed"


def _item_trends(members: Sequence[Track], periods: Sequence[Period], count: int) -> list[ItemTrend]:
    found: dict[str, ItemTrend] = {}
    for member in members:
        for item in member.items:
            trend = found.get(item.id)
            if trend is None:
                trend = found[item.id] = ItemTrend(item.id, item.title, item.section, [0] * count)
            for k, step in enumerate(item.steps):
                trend.flagged[k] += step.flagged
            trend.persistent += item.persistent
            trend.relapsed += bool(item.relapses)
    rank: dict[str, int] = {}
    for period in reversed(periods):
        for rubric in period.rubrics():
            for item_id in compare_info(rubric).ids:
                rank.setdefault(item_id, len(rank))
    return sorted(found.values(), key=lambda t: rank.get(t.id, len(rank)))


def _level_rows(periods: Sequence[Period]) -> list[LevelRow]:
    levels: dict[str, tuple[str, str]] = {}
    for period in reversed(periods):
        for rubric in period.rubrics():
            for level in rubric.levels:
                levels.setdefault(level.id, (level.label, level.color))
    counts = [Counter(r.level for r in p.records) for p in periods]
    return [LevelRow(level_id, label, color, tuple(c[level_id] for c in counts))
            for level_id, (label, color) in levels.items()]


def _notes(periods: Sequence[Period], names: Sequence[str], steps: Sequence[Comparison]) -> list[str]:
    notes: list[str] = []
    written = [p.periods() for p in periods]
    years = [_year(w[0]) if len(w) == 1 else None for w in written]
    known = [y for y in years if y is not None]
    if len(known) == len(periods) and any(b < a for a, b in pairwise(known)):
        notes.append("các kỳ không theo thứ tự từ cũ đến mới (" + ", ".join(names) + ") — đặt kỳ cũ nhất trước")
    for k, step in enumerate(steps):
        for note in step.notes:
            if not note.startswith(("kỳ cũ: ", "kỳ mới: ")) and note != NO_DEADLINES_NOTE:
                notes.append(f"{names[k]} → {names[k + 1]}: {note}")
    sheets = [name for name, period in zip(names[:-1], periods, strict=False) if not period.has_deadlines]
    if sheets:
        notes.append(f"kỳ {', '.join(sheets)} là bảng tính: bảng tính không có hạn khắc phục nên không xác định "
                     "được biện pháp nào của kỳ đó quá hạn ở kỳ sau (hạn khắc phục chỉ có trong tệp .yaml, trường "
                     "han_khac_phuc)")
    for name, period in zip(names, periods, strict=True):
        notes += [f"kỳ {name}: {note}" for note in period.notes]
    return list(dict.fromkeys(notes))


def _year(text: str) -> int | None:
    digits = [w for w in text.replace("-", " ").replace("/", " ").split() if w.isdigit() and len(w) == 4]
    return int(digits[0]) if digits else None
