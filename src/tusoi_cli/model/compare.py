"""The data of a follow-up across periods (``tusoi compare``): periods, compact records, per-member
comparisons and the cell's totals, with their Vietnamese labels. The comparing itself is
:mod:`tusoi_cli.engine.compare`; the semantics are described there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from tusoi_cli.errors import Problem
from tusoi_cli.model import AnswerState, MemberResult, Rubric

if TYPE_CHECKING:
    from tusoi_cli.model.batch import BatchMember
    from tusoi_cli.model.values import ScaleReader


Status = Literal["fixed", "improved", "unchanged", "worse", "new"]


STATUSES: tuple[Status, ...] = ("fixed", "improved", "unchanged", "worse", "new")


STATUS_LABELS: dict[str, str] = {
    "fixed": "đã khắc phục",
    "improved": "tiến bộ",
    "unchanged": "không đổi",
    "worse": "nặng hơn",
    "new": "mới phát sinh",
}


OVERDUE_LABEL = "quá hạn"


UNCLEAR_LABEL = "chưa so được"


# Rich colour names; the Excel report turns them into fills.
STATUS_COLORS: dict[str, str] = {"fixed": "green", "improved": "cyan", "unchanged": "yellow", "worse": "red",
                                 "new": "magenta"}


# What each outcome means, for the legend of the report (docs/compare.md says the same).
STATUS_HELP: dict[str, str] = {
    "fixed": "kỳ cũ có biểu hiện, vi phạm (mức > 0); kỳ mới trả lời là không có (0)",
    "improved": "kỳ mới vẫn còn nhưng ở mức nhẹ hơn kỳ cũ",
    "unchanged": "kỳ mới vẫn ở đúng mức của kỳ cũ",
    "worse": "kỳ mới ở mức nặng hơn kỳ cũ",
    "new": "kỳ cũ trả lời là không có (0); kỳ mới có",
}


UNCLEAR_HELP = ("một kỳ có biểu hiện, kỳ kia chưa trả lời, ghi không áp dụng, trả lời không hợp lệ hoặc bộ tiêu chí "
                "không có mục đó: không tính là đã khắc phục, cũng không tính là mới phát sinh")


OVERDUE_HELP = ("hạn khắc phục ghi ở kỳ cũ đã qua (trước ngày đối chiếu) mà kỳ mới vẫn còn biểu hiện "
                "(tiến bộ, không đổi hoặc nặng hơn); mục đã khắc phục không bao giờ bị coi là quá hạn")


Reason = Literal["new_unanswered", "new_not_applicable", "new_invalid", "old_unanswered", "old_not_applicable",
                 "old_invalid", "removed_from_rubric", "added_to_rubric"]


REASON_LABELS: dict[str, str] = {
    "new_unanswered": "kỳ mới chưa trả lời mục này",
    "new_not_applicable": "kỳ mới ghi mục này không áp dụng",
    "new_invalid": "câu trả lời kỳ mới không hợp lệ",
    "old_unanswered": "kỳ cũ chưa trả lời mục này",
    "old_not_applicable": "kỳ cũ ghi mục này không áp dụng",
    "old_invalid": "câu trả lời kỳ cũ không hợp lệ",
    "removed_from_rubric": "bộ tiêu chí kỳ mới không còn mục này",
    "added_to_rubric": "mục mới thêm vào bộ tiêu chí kỳ mới",
}


MatchedBy = Literal["code", "name", "name_unaccented", "files"]


MATCH_LABELS: dict[str, str] = {
    "code": "theo mã đảng viên",
    "name": "theo họ tên",
    "name_unaccented": "theo họ tên viết không dấu",
    "files": "hai tệp được chỉ định",
}


LevelChange = Literal["up", "same", "down"]


LEVEL_CHANGE_LABELS: dict[str, str] = {"up": "lên mức", "same": "giữ mức", "down": "xuống mức"}


NO_LEVEL_CHANGE_LABEL = "không so được (hai kỳ dùng mức xếp loại khác nhau)"


UnmatchedReason = Literal["not_found", "code_differs"]


UNMATCHED_LABELS: dict[tuple[str, str], str] = {
    ("old", "not_found"): "không tìm thấy ở kỳ mới",
    ("new", "not_found"): "không tìm thấy ở kỳ cũ",
    ("old", "code_differs"): "kỳ mới có người cùng họ tên nhưng khác mã đảng viên",
    ("new", "code_differs"): "kỳ cũ có người cùng họ tên nhưng khác mã đảng viên",
}


AMBIGUOUS_LABELS: dict[str, str] = {
    "code": "trùng mã đảng viên: không biết ghép với ai",
    "name": "trùng họ tên và không có mã đảng viên để phân biệt",
}


SIDE_LABELS: dict[str, str] = {"old": "kỳ cũ", "new": "kỳ mới"}


STATE_TEXT: dict[str, str] = {"unanswered": "chưa trả lời", "na": "không áp dụng", "invalid": "không hợp lệ"}


NOT_IN_RUBRIC = "không có trong bộ tiêu chí"


Kind = Literal["member", "sheet", "folder"]


NO_DEADLINES_NOTE = ("kỳ cũ là bảng tính: bảng tính không có hạn khắc phục nên không xác định được biện pháp "
                     "nào quá hạn (hạn khắc phục chỉ có trong tệp tự đánh giá .yaml, trường han_khac_phuc)")

_PRECISION = 9  # as the engine rounds sums of float weights


@dataclass(frozen=True, slots=True)
class Plan:
    """What a member wrote about one item: the expression seen, the remedy and its deadline."""

    bieu_hien: str | None = None
    khac_phuc: str | None = None
    han_khac_phuc: date | None = None


@dataclass(slots=True)
class Record:
    """One scored member of a period, compact: ``values[i]`` is the answered value of item i of
    ``compile_rubric(rubric).ids`` (None when unanswered, not applicable or invalid)."""

    ho_ten: str
    ma_dang_vien: str | None
    rubric: Rubric
    values: tuple[float | None, ...]
    na: tuple[int, ...]
    invalid: tuple[int, ...]
    score: float
    level: str  # "": exempt or not reviewed, not rated
    source: str = ""
    row: int | None = None  # sheet row, or file number in a folder
    ky_danh_gia: str | None = None
    chi_bo: str | None = None
    cell_level: str | None = None
    plans: Mapping[str, Plan] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.invalid

    def state(self, index: int) -> AnswerState:
        if self.values[index] is not None:
            return "answered"
        if index in self.na:
            return "na"
        return "invalid" if index in self.invalid else "unanswered"

    def level_label(self) -> str:
        return next((lv.label for lv in self.rubric.levels if lv.id == self.level), self.level)

    @classmethod
    def from_result(cls, result: MemberResult, rubric: Rubric, row: int | None = None) -> Record:
        """A detailed result (from a member file) made compact; the plans written in it are kept."""
        by_id = {item.id: item for item in result.items}
        ids = compare_info(rubric).ids
        values = tuple(by_id[i].value if i in by_id and by_id[i].state == "answered" else None for i in ids)
        na = tuple(n for n, i in enumerate(ids) if i in by_id and by_id[i].state == "na")
        invalid = tuple(n for n, i in enumerate(ids) if i in by_id and by_id[i].state == "invalid")
        plans = {item.id: Plan(item.bieu_hien, item.khac_phuc, item.han_khac_phuc) for item in result.items
                 if item.bieu_hien or item.khac_phuc or item.han_khac_phuc}
        return cls(result.ho_ten, result.ma_dang_vien, rubric, values, na, invalid, result.score, result.level or "",
                   result.source, row, result.ky_danh_gia, result.chi_bo, result.cell_level, plans)

    @classmethod
    def from_batch(cls, member: BatchMember, rubric: Rubric) -> Record:
        """A member of a batch (a sheet row), without building its detailed result."""
        if member.result is not None:
            return cls.from_result(member.result, rubric, member.line)
        # chi bộ and kỳ as batch reads them (a 'Chi bộ' column, else the sheet's title block)
        return cls(member.ho_ten, member.ma_dang_vien, rubric, member.values, member.na, member.invalid,
                   member.core.score, member.level_id(rubric) or "", member.source, member.line,
                   ky_danh_gia=member.ky_danh_gia, chi_bo=member.chi_bo, cell_level=member.chi_bo_xep_loai)


@dataclass
class Period:
    """One period's input: its members, and what could not be read (reported, never dropped)."""

    source: str
    kind: Kind
    records: list[Record]
    sheet: str | None = None
    problems: list[Problem] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # sheet rows / file numbers that could not be scored
    notes: list[str] = field(default_factory=list)

    @property
    def has_deadlines(self) -> bool:
        """Only member files have remediation deadlines; a sheet has no column for them."""
        return self.kind != "sheet"

    def periods(self) -> list[str]:
        """The evaluation periods (ky_danh_gia) its members wrote, in order of appearance."""
        return list(dict.fromkeys(r.ky_danh_gia for r in self.records if r.ky_danh_gia))

    def cells(self) -> list[str]:
        """The cells (chi_bo) its members belong to, in order of appearance."""
        return list(dict.fromkeys(r.chi_bo.strip() for r in self.records if r.chi_bo and r.chi_bo.strip()))

    def label(self, side: str) -> str:
        """'Kỳ cũ (2025)', for a chart legend or a column header: the side and the periods its members wrote."""
        periods = self.periods()
        if not periods:
            return side
        return f"{side} ({', '.join(periods[:2])}{'…' if len(periods) > 2 else ''})"

    def rubrics(self) -> list[Rubric]:
        seen: dict[int, Rubric] = {}
        for record in self.records:
            seen.setdefault(id(record.rubric), record.rubric)
        return list(seen.values())


@dataclass(frozen=True, slots=True)
class CompareInfo:
    """A rubric's items flattened for comparing (built once per rubric)."""

    ids: tuple[str, ...]
    index: dict[str, int]
    titles: tuple[str, ...]
    sections: tuple[str, ...]
    deducts: tuple[bool, ...]
    scales: tuple[str, ...]
    maxes: tuple[float | None, ...]
    readers: tuple[ScaleReader, ...]

    def label(self, index: int, value: float | None) -> str | None:
        if value is None:
            return None
        reader = self.readers[index]
        found = reader.labels.get(value)  # the common case, without formatting a fallback
        return found if found is not None else reader.label(value)


def compare_info(rubric: Rubric) -> CompareInfo:
    cached = rubric._cache.get("compare")
    if cached is None:
        from tusoi_cli.model.values import readers

        pairs = rubric.items()
        ids = tuple(item.id for _, item in pairs)
        by_scale = readers(rubric)
        cached = rubric._cache["compare"] = CompareInfo(
            ids, {item_id: n for n, item_id in enumerate(ids)}, tuple(item.title for _, item in pairs),
            tuple(s.id for s, _ in pairs), tuple(s.mode == "deduct" for s, _ in pairs),
            tuple(s.scale for s, _ in pairs), tuple(item.max for _, item in pairs),
            tuple(by_scale[s.scale] for s, _ in pairs))
    return cached


@dataclass(frozen=True, slots=True)
class RubricChange:
    """How the new period's rubric differs from the old one's, item by item."""

    old_id: str
    old_version: str
    new_id: str
    new_version: str
    removed: tuple[str, ...]  # items of the old rubric the new one does not have
    added: tuple[str, ...]  # items of the new rubric the old one did not have
    rescaled: tuple[str, ...]  # items in both whose scale (or way of scoring) differs

    @property
    def differs(self) -> bool:
        return bool(self.removed or self.added or self.rescaled or self.old_id != self.new_id
                    or self.old_version != self.new_version)


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One shortcoming item compared across the two periods."""

    id: str
    title: str
    section: str
    status: Status
    old_value: float
    old_label: str | None
    new_value: float
    new_label: str | None
    overdue: bool = False
    old_plan: Plan | None = None
    new_plan: Plan | None = None


@dataclass(frozen=True, slots=True)
class Unclear:
    """An item with a shortcoming in one period that cannot be compared with the other period."""

    id: str
    title: str
    section: str
    reason: Reason
    old_state: AnswerState | None  # None: the old rubric has no such item
    old_value: float | None
    old_label: str | None
    new_state: AnswerState | None
    new_value: float | None
    new_label: str | None
    deadline_passed: bool = False  # the old plan's deadline is before today
    old_plan: Plan | None = None
    new_plan: Plan | None = None


@dataclass(slots=True)
class MemberComparison:
    """One member followed from the old period to the new one."""

    old: Record
    new: Record
    matched_by: MatchedBy
    changes: list[ItemChange]
    unclear: list[Unclear]

    @property
    def ho_ten(self) -> str:
        return self.new.ho_ten

    @property
    def ma_dang_vien(self) -> str | None:
        return self.new.ma_dang_vien or self.old.ma_dang_vien

    @property
    def score_change(self) -> float:
        return round(self.new.score - self.old.score, _PRECISION)

    @property
    def level_change(self) -> LevelChange | None:
        """Up, same or down on the new rubric's levels; None when either level is not one of them (or unrated)."""
        ranks = {level.id: rank for rank, level in enumerate(self.new.rubric.levels)}
        old_rank = ranks.get(self.old.level)
        new_rank = ranks.get(self.new.level)
        if old_rank is None or new_rank is None:
            return None
        return "up" if new_rank < old_rank else "down" if new_rank > old_rank else "same"

    def count(self, status: Status) -> int:
        return sum(1 for c in self.changes if c.status == status)

    def counts(self) -> dict[str, int]:
        """Items per status, plus ``overdue`` and ``not_comparable``."""
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for change in self.changes:
            counts[change.status] += 1
        counts["overdue"] = sum(1 for c in self.changes if c.overdue)
        counts["not_comparable"] = len(self.unclear)
        return counts


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A member found in one period only."""

    side: Literal["old", "new"]
    record: Record
    reason: UnmatchedReason = "not_found"
    other: Record | None = None  # code_differs: the member of the other period with the same name

    @property
    def label(self) -> str:
        return UNMATCHED_LABELS[self.side, self.reason]


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """Members that share a code, or a name without a code to tell them apart: none of them is paired."""

    by: Literal["code", "name"]
    key: str  # the code or the name, as written by the first of them
    old: tuple[Record, ...]
    new: tuple[Record, ...]

    @property
    def label(self) -> str:
        return AMBIGUOUS_LABELS[self.by]


@dataclass
class Matching:
    pairs: list[tuple[Record, Record, MatchedBy]]  # in the new period's order
    unmatched: list[Unmatched]  # old period's first, each in input order
    ambiguous: list[Ambiguous]


@dataclass(slots=True)
class ItemSummary:
    """One item across the matched members of the cell."""

    id: str
    title: str
    section: str
    old: int = 0  # matched members with this shortcoming in the old period
    new: int = 0  # ... in the new period
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*STATUSES, "overdue", "not_comparable"), 0))
    persistent: bool = False  # still present in more than ``persistent_share`` of the matched members

    @property
    def persisting(self) -> int:
        """Members who had it and still have it (improved, unchanged or worse)."""
        return self.counts["improved"] + self.counts["unchanged"] + self.counts["worse"]


@dataclass(frozen=True, slots=True)
class LevelCount:
    id: str
    label: str
    color: str
    old: int
    new: int


@dataclass
class Comparison:
    """Everything ``tusoi compare`` found."""

    old: Period
    new: Period
    today: date
    members: list[MemberComparison]
    unmatched: list[Unmatched]
    ambiguous: list[Ambiguous]
    rubric_changes: list[RubricChange]
    items: list[ItemSummary]  # items with any change, in rubric order
    levels: list[LevelCount]  # every member of each period, best level first
    notes: list[str] = field(default_factory=list)
    persistent_share: float = 0.5

    @property
    def problems(self) -> list[Problem]:
        return [*self.old.problems, *self.new.problems]

    def totals(self) -> dict[str, int]:
        """Cell totals over the matched members: statuses, ``overdue``, ``not_comparable``, and
        ``old_shortcomings`` (items > 0 in the old period, comparable or not)."""
        totals = dict.fromkeys((*STATUSES, "overdue", "not_comparable", "old_shortcomings"), 0)
        for member in self.members:
            for key, value in member.counts().items():
                totals[key] += value
            totals["old_shortcomings"] += sum(1 for u in member.unclear if u.old_value)
        totals["old_shortcomings"] += totals["fixed"] + totals["improved"] + totals["unchanged"] + totals["worse"]
        return totals

    @property
    def fixed_share(self) -> float | None:
        """Share of the old period's shortcomings (of matched members) that were fixed."""
        totals = self.totals()
        return totals["fixed"] / totals["old_shortcomings"] if totals["old_shortcomings"] else None

    def matched_by(self) -> dict[str, int]:
        counts = dict.fromkeys(MATCH_LABELS, 0)
        for member in self.members:
            counts[member.matched_by] += 1
        return counts

    @property
    def persistent_items(self) -> list[ItemSummary]:
        return [s for s in self.items if s.persistent]

    def overdue(self) -> list[tuple[MemberComparison, ItemChange | Unclear]]:
        """Overdue plans, then not comparable items whose deadline has passed (to check), member by member."""
        rows: list[tuple[MemberComparison, ItemChange | Unclear]] = []
        for member in self.members:
            rows += [(member, c) for c in member.changes if c.overdue]
        for member in self.members:
            rows += [(member, u) for u in member.unclear if u.deadline_passed]
        return rows
