"""Follow-up across periods (``tusoi compare``): how far last period's shortcomings were fixed.

The inputs are two *periods* (:class:`Period`), each a list of scored members kept compact
(:class:`Record`: one value per item, like a batch member). Members of the two periods are
matched (:func:`match_records`), then every matched pair is compared item by item
(:func:`compare_records`), and the cell-level picture is drawn from the pairs
(:func:`compare_periods`). Reading inputs (:func:`read_period`) is the only I/O here.

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tusoi_cli.errors import Problem
from tusoi_cli.model import AnswerState, MemberResult, Rubric
from tusoi_cli.text import fold

if TYPE_CHECKING:
    from tusoi_cli.model.values import ScaleReader
    from tusoi_cli.read.batch import BatchMember

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
_NEW_REASON: dict[str, Reason] = {"unanswered": "new_unanswered", "na": "new_not_applicable",
                                  "invalid": "new_invalid"}
_OLD_REASON: dict[str, Reason] = {"unanswered": "old_unanswered", "na": "old_not_applicable",
                                  "invalid": "old_invalid"}

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
_YAML = {".yaml", ".yml"}
_PRECISION = 9


# --------------------------------------------------------------------------- inputs


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
        ids = _info(rubric).ids
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


def input_kind(path: Path) -> Kind:
    """'member' for a member file (.yaml), 'folder' for a directory, 'sheet' for anything else."""
    if path.is_dir():
        return "folder"
    return "member" if path.suffix.lower() in _YAML else "sheet"


def read_period(path: Path, *, rubric: Rubric | None = None, sheet: str | None = None) -> Period:
    """Read and score one period: a member file, a folder of member files or a cell's sheet.

    Member files are scored with ``rubric`` or, when None, each with its own ``bo_tieu_chi``; a sheet
    with ``rubric`` or the default one. Raises :class:`InputError` when the input cannot be read at all
    (a member file that cannot be scored, a sheet without a header row, a folder without .yaml files).
    """
    from tusoi_cli.api import score_file
    from tusoi_cli.errors import InputError

    kind = input_kind(path)
    if kind == "member":
        scored = score_file(path, rubric=rubric)
        return Period(str(path), kind, [Record.from_result(scored.result, scored.rubric)],
                      problems=list(scored.problems))
    if kind == "folder":
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in _YAML)  # odd entries: listed errors
        if not files:
            raise InputError([Problem(str(path), "thư mục không có tệp .yaml nào",
                                      hint="đặt các tệp tự đánh giá (.yaml) vào thư mục này")])
        period = Period(str(path), kind, [])
        for number, file in enumerate(files, start=1):
            try:
                if not file.is_file():  # a pipe would wait for a writer; a folder, a dangling link: named
                    from tusoi_cli.read.inputs import unreadable

                    odd = unreadable(file) or ("đây là một ống dẫn (FIFO), không phải tệp",
                                               "thay bằng tệp tự đánh giá thật")
                    raise InputError([Problem(str(file), odd[0], hint=odd[1])])
                scored = score_file(file, rubric=rubric)
            except InputError as exc:
                period.problems.extend(exc.problems)
                period.failed.append(number)
                continue
            period.records.append(Record.from_result(scored.result, scored.rubric, number))
            period.problems.extend(scored.problems)
        return period
    from tusoi_cli.read.batch import read_batch
    from tusoi_cli.read.rubric_loader import load_rubric

    chosen = rubric or load_rubric()
    batch = read_batch(path, chosen, sheet=sheet)
    return Period(batch.source, kind, [Record.from_batch(m, chosen) for m in batch.members], batch.sheet,
                  list(batch.problems), list(batch.failed_rows), list(batch.notes))


# --------------------------------------------------------------------------- rubric items


@dataclass(frozen=True, slots=True)
class _Info:
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


def _info(rubric: Rubric) -> _Info:
    cached = rubric._cache.get("compare")
    if cached is None:
        from tusoi_cli.model.values import readers

        pairs = rubric.items()
        ids = tuple(item.id for _, item in pairs)
        by_scale = readers(rubric)
        cached = rubric._cache["compare"] = _Info(
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
class _Alignment:
    """Item indices (old, new) of the shortcoming items to compare, new rubric order then old-only items."""

    pairs: tuple[tuple[int | None, int | None], ...]
    change: RubricChange | None
    old: _Info
    new: _Info


def _align(old: Rubric, new: Rubric) -> _Alignment:
    oi, ni = _info(old), _info(new)
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


def compare_records(old: Record, new: Record, *, today: date, matched_by: MatchedBy = "files",
                    alignment: _Alignment | None = None) -> MemberComparison:
    """Compare one member's two periods item by item (see the module docstring for the rules)."""
    align = alignment or _align(old.rubric, new.rubric)
    oi, ni = align.old, align.new
    old_values, new_values = old.values, new.values
    changes: list[ItemChange] = []
    unclear: list[Unclear] = []
    for o, n in align.pairs:
        ov = old_values[o] if o is not None else None
        nv = new_values[n] if n is not None else None
        had = ov is not None and ov > 0
        has = nv is not None and nv > 0
        if not had and not has:
            continue
        info, index = (ni, n) if n is not None else (oi, o)
        assert index is not None
        item_id = info.ids[index]
        old_plan, new_plan = old.plans.get(item_id), new.plans.get(item_id)
        old_label = oi.label(o, ov) if o is not None else None
        new_label = ni.label(n, nv) if n is not None else None
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
            changes.append(ItemChange(item_id, info.titles[index], info.sections[index], status, ov, old_label, nv,
                                      new_label, overdue, old_plan, new_plan))
            continue
        old_state = old.state(o) if o is not None else None
        new_state = new.state(n) if n is not None else None
        if had:
            reason = _NEW_REASON[new_state] if new_state is not None else "removed_from_rubric"
        else:
            reason = _OLD_REASON[old_state] if old_state is not None else "added_to_rubric"
        deadline = old_plan.han_khac_phuc if old_plan else None
        unclear.append(Unclear(item_id, info.titles[index], info.sections[index], reason, old_state, ov, old_label,
                               new_state, nv, new_label, had and deadline is not None and deadline < today,
                               old_plan, new_plan))
    return MemberComparison(old, new, matched_by, changes, unclear)


def compare_results(old: MemberResult, old_rubric: Rubric, new: MemberResult, new_rubric: Rubric, *,
                    today: date) -> MemberComparison:
    """Compare two scored results of one member (e.g. from :func:`tusoi_cli.score_file`)."""
    return compare_records(Record.from_result(old, old_rubric), Record.from_result(new, new_rubric), today=today)


# --------------------------------------------------------------------------- matching


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
                position = _info(member.new.rubric).index.get(entry.id)
                order[entry.id] = ((0, position) if position is not None
                                   else (1, _info(member.old.rubric).index.get(entry.id, 0)))
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
