"""The committee's roll-up (``tusoi tong-hop``): the official counts of a tree of cells, no member named.

A unit is a cell (one sheet, one sheet of a workbook, or one folder of member files) or a party unit (a
folder of cells or of party units). Every unit holds counts only, so a province's 100,000 members end up
as a few thousand small objects. Levels are counted per *scheme* (the levels of the rubric a cell was
scored with): cells whose rubrics have different levels are totalled separately, never added together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tusoi_cli.errors import Problem
from tusoi_cli.model import InForceWarning

UnitKind = Literal["cell", "party_unit"]
KIND_LABELS: dict[str, str] = {"cell": "chi bộ", "party_unit": "đảng bộ"}
FORMAT_VERSION = 1
FORMAT = "tusoi-tong-hop"

# (level id, label) best first: what makes two rubrics' levels the same for counting
Scheme = tuple[tuple[str, str], ...]


@dataclass
class Tally:
    """The rated members of a unit under one scheme of levels."""

    scheme: Scheme
    rubrics: list[str] = field(default_factory=list)  # rubric ids (and versions) counted here
    reviewed: int = 0
    levels: dict[str, int] = field(default_factory=dict)  # tusoi's proposed level -> members
    final_levels: dict[str, int] = field(default_factory=dict)  # the final level, where recorded -> members
    differ: int = 0  # members whose final level is recorded and is not tusoi's
    lowest: int = 0  # members standing at the lowest level (final level where recorded, else tusoi's)
    reasons: dict[str, int] = field(default_factory=dict)  # reason category -> members at the lowest level
    items: dict[str, int] = field(default_factory=dict)  # item id -> rated members with a shortcoming there

    @property
    def final_recorded(self) -> int:
        return sum(self.final_levels.values())

    @property
    def lowest_level(self) -> str:
        return self.scheme[-1][0] if self.scheme else ""


@dataclass
class Unit:
    """One unit of the tree with its counts; ``present`` = ``exempt`` + ``not_reviewed`` + ``reviewed`` always."""

    name: str
    kind: UnitKind
    source: str = ""  # the file, sheet or folder the unit was read from (a path, no member data)
    exempt: int = 0
    not_reviewed: int = 0
    tallies: list[Tally] = field(default_factory=list)
    exempt_reasons: dict[str, int] = field(default_factory=dict)  # the reason as written (first spelling) -> members
    children: list[Unit] = field(default_factory=list)
    previous: Unit | None = None  # the same unit last period, matched by name (only with --ky-truoc)

    @property
    def reviewed(self) -> int:
        return sum(t.reviewed for t in self.tallies)

    @property
    def present(self) -> int:
        return self.exempt + self.not_reviewed + self.reviewed

    @property
    def tally(self) -> Tally | None:
        """The one tally when every rated member shares a scheme (None when mixed or when nobody is rated)."""
        return self.tallies[0] if len(self.tallies) == 1 else None

    def walk(self) -> list[tuple[int, Unit]]:
        """(depth, unit) of this unit and every unit under it, parents first."""
        found: list[tuple[int, Unit]] = []
        stack: list[tuple[int, Unit]] = [(0, self)]
        while stack:
            depth, unit = stack.pop()
            found.append((depth, unit))
            stack.extend((depth + 1, child) for child in reversed(unit.children))
        return found


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One member, for the internal list ``--ten`` adds (never in the default outputs)."""

    unit: str  # the cell's name
    source: str  # file (and sheet) the member was read from
    line: int  # sheet row, or file number in a folder
    ho_ten: str
    ma_dang_vien: str | None
    status: str
    status_reason: str | None
    level: str | None  # tusoi's proposed level (None when not rated)
    final_level: str | None


@dataclass
class Skipped:
    """A file of the tree that is not counted, and why (tusoi's own outputs, other documents...)."""

    path: str
    reason: str


@dataclass
class Rollup:
    """Everything ``tong-hop`` produced: the top units, and what was noted or went wrong on the way."""

    root: Unit  # the tree's top unit (several inputs become the children of one "Tổng cộng" unit)
    inputs: list[str]
    rubric: str  # the rubric id and version the cells were scored with (``--rubric``)
    item_titles: dict[str, str] = field(default_factory=dict)  # item id -> short title, for the items table
    level_labels: dict[str, str] = field(default_factory=dict)  # level id -> label, every scheme seen
    problems: list[Problem] = field(default_factory=list)  # anonymous: no member name in any of them
    notes: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    previous_inputs: list[str] = field(default_factory=list)
    unmatched_current: list[str] = field(default_factory=list)  # units of this period with no previous match
    unmatched_previous: list[str] = field(default_factory=list)  # previous units with no match now
    from_json: bool = False  # some input was a roll-up JSON (no per-member data there)
    members: list[MemberRow] | None = None  # only with --ten: every member read (internal use)
    periods: dict[str, None] = field(default_factory=dict)  # the periods the cells name, in the order met
    warnings: list[InForceWarning] = field(default_factory=list)  # the rubric's document not in force (exit 0)

    @property
    def with_previous(self) -> bool:
        return bool(self.previous_inputs)


def change(this: float, last: float | None) -> float | None:
    """This period against the last, in % (this / last × 100); None (blank) when last is 0 or unknown."""
    if not last:
        return None
    return this / last * 100


def percent(part: int, whole: int) -> float | None:
    return part / whole * 100 if whole else None


def merge_tally(into: Tally, other: Tally) -> None:
    into.reviewed += other.reviewed
    into.differ += other.differ
    into.lowest += other.lowest
    for target, source in ((into.levels, other.levels), (into.final_levels, other.final_levels),
                           (into.reasons, other.reasons), (into.items, other.items)):
        for key, count in source.items():
            target[key] = target.get(key, 0) + count
    into.rubrics.extend(r for r in other.rubrics if r not in into.rubrics)


NO_REASON = "không ghi lý do"


def add_reasons(into: dict[str, int], more: dict[str, int]) -> None:
    """Add exemption reasons, the same reason however it is spelled (case, diacritics) counted once, under the
    first spelling seen."""
    from tusoi_cli.text import fold

    if not more:
        return
    spelled = {fold(key): key for key in into}
    for reason, count in more.items():
        key = spelled.setdefault(fold(reason), reason)
        into[key] = into.get(key, 0) + count


def empty_tally(scheme: Scheme) -> Tally:
    ids = [level_id for level_id, _ in scheme]
    return Tally(scheme, levels=dict.fromkeys(ids, 0), final_levels=dict.fromkeys(ids, 0))


def total_of(name: str, children: list[Unit], source: str = "") -> Unit:
    """A party unit whose counts are the sums of its children's (tallies kept apart by scheme)."""
    unit = Unit(name, "party_unit", source, children=children)
    by_scheme: dict[Scheme, Tally] = {}
    for child in children:
        unit.exempt += child.exempt
        add_reasons(unit.exempt_reasons, child.exempt_reasons)
        unit.not_reviewed += child.not_reviewed
        for tally in child.tallies:
            target = by_scheme.get(tally.scheme)
            if target is None:
                target = by_scheme[tally.scheme] = empty_tally(tally.scheme)
            merge_tally(target, tally)
    unit.tallies = list(by_scheme.values())
    return unit
