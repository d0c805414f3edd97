"""A rated cell as tusoi keeps it: one compact member per row (:class:`BatchMember`) in a :class:`BatchResult`.

A province-scale sheet has 100,000 rows, so a member is kept compact (one value per item and the core
numbers); the detailed :class:`MemberResult` of a member is built only when an output asks for it
(:attr:`BatchResult.results` does that lazily, one at a time, with the scorer the engine set).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, overload

from tusoi_cli.errors import Problem
from tusoi_cli.model import (
    Answer,
    DisciplineForm,
    InForceWarning,
    MemberEvaluation,
    MemberInfo,
    MemberResult,
    MemberStatus,
    Rating,
    RatingFlag,
    Rubric,
)
from tusoi_cli.model.compiled import NO_ANSWER_REASON, Core, core_from_result, item_ids
from tusoi_cli.model.previous import CarriedItem, Observation, PreviousShortcoming

Progress = Callable[[int, int], None]  # (rows read, rows in all)
class Scorer(Protocol):
    """The engine's score_member: (rubric, evaluation[, what a previous period's file shows]) -> result."""

    def __call__(self, rubric: Rubric, evaluation: MemberEvaluation,
                 observed: dict[str, Observation] | None = None, /) -> MemberResult: ...


def unscored() -> Core:
    """The Core of a member read but not yet scored (the engine replaces it)."""
    return Core(0.0, 0, 0, [], [], [])


_NA_ANSWER = Answer.model_construct(state="na")
_ANSWERED: dict[tuple[type, float, float], Answer] = {}  # plain answers by value, shared (models are frozen)


def _answered(value: float) -> Answer:
    """The plain answer of ``value``, made once per value (model_construct costs ~25 µs; a province's members
    would make 46 each). Keyed by type and sign too: 1 and 1.0, 0.0 and -0.0 print differently."""
    key = (type(value), value, math.copysign(1.0, value))
    answer = _ANSWERED.get(key)
    if answer is None:
        answer = Answer.model_construct(state="answered", value=value)
        if len(_ANSWERED) < 4096:
            _ANSWERED[key] = answer
    return answer


@dataclass(slots=True)
class BatchMember:
    """One scored member, compact: ``values[i]`` is the answered value of item i (None otherwise)."""

    line: int  # sheet row (1-based, as the spreadsheet shows it), or file number in a folder
    core: Core
    values: tuple[float | None, ...]
    na: tuple[int, ...]  # item indices marked not applicable
    invalid: tuple[int, ...]  # item indices with an invalid answer (the member is kept, scored provisionally)
    ho_ten: str
    ma_dang_vien: str | None = None
    chuc_vu: str | None = None
    tu_xep_loai: str | None = None
    chi_bo_xep_loai: str | None = None
    ly_do: str | None = None
    ky_luat: bool = False
    source: str = ""
    evaluation: MemberEvaluation | None = None  # kept when the input had details (YAML files)
    result: MemberResult | None = None  # kept when the caller already had the result
    chi_bo: str | None = None
    ky_danh_gia: str | None = None
    status: MemberStatus = "reviewed"  # final: a member with no answer at all is not_reviewed
    status_reason: str | None = None
    ky_luat_form: DisciplineForm | None = None
    errors: dict[int, str] | None = None  # item index -> what is wrong with its cell (invalid items only)
    raters: dict[str, Rating] | None = None  # filled rater slots, in the rubric's order (None: none filled)
    flags: list[RatingFlag] | None = None  # set by the engine: slots against the rubric's rules
    ky_truoc: list[CarriedItem] | None = None  # the previous period's shortcomings (sheet columns), when given
    observed: dict[str, Observation] | None = None  # what a previous period's file shows for them (--ky-truoc)
    previous: list[PreviousShortcoming] | None = None  # ky_truoc and observed as a result shows them (engine)
    # True when ``evaluation`` keeps only the answers the compact form cannot give back (a member file's answers
    # with details): a province's folder would otherwise keep some 75 KB per file (see from_evaluation)
    details_only: bool = False

    @property
    def rated(self) -> bool:
        """Only reviewed members get a level; exempt and not reviewed ones are listed, never rated."""
        return self.status == "reviewed"

    @property
    def complete(self) -> bool:
        """False when an item is unanswered or invalid, or a cap that could lower the level was not checked (no
        previous period): the level is provisional ("tạm tính")."""
        return not self.invalid and self.values.count(None) == len(self.na) and not self.core.open_cap

    @property
    def unanswered_count(self) -> int:
        return self.values.count(None) - len(self.na) - len(self.invalid)

    def level_id(self, rubric: Rubric) -> str | None:
        return rubric.levels[self.core.rank].id if self.rated else None

    def _answers(self, rubric: Rubric) -> dict[str, Answer]:
        """The answers the compact form gives back: each item's state and value, the errors of invalid ones."""
        ids = item_ids(rubric)
        answers = {ids[i]: _answered(v) for i, v in enumerate(self.values) if v is not None}
        answers.update({ids[i]: _NA_ANSWER for i in self.na})
        errors = self.errors or {}
        answers.update({ids[i]: Answer.model_construct(state="invalid", error=errors.get(i)) for i in self.invalid})
        return answers

    def evaluation_for(self, rubric: Rubric) -> MemberEvaluation:
        """The member as an evaluation, to score in detail (the file's own when it was a member file)."""
        evaluation = self.evaluation
        if evaluation is not None and self.details_only:  # the compact answers, then those with details
            answers = self._answers(rubric)
            answers.update(evaluation.answers)
            evaluation = evaluation.model_copy(update={"answers": answers})
        elif evaluation is None:
            answers = self._answers(rubric)
            member = MemberInfo.model_construct(ho_ten=self.ho_ten, ma_dang_vien=self.ma_dang_vien, chi_bo=self.chi_bo,
                                                chuc_vu=self.chuc_vu)
            evaluation = MemberEvaluation.model_construct(
                source=self.source, rubric_id=rubric.id, ky_danh_gia=self.ky_danh_gia, member=member,
                tu_xep_loai=self.tu_xep_loai, ky_luat=self.ky_luat, chi_bo_xep_loai=self.chi_bo_xep_loai,
                ly_do=self.ly_do, answers=answers, ky_luat_form=self.ky_luat_form,
                status=self.status if self.status_reason != NO_ANSWER_REASON else "reviewed",
                status_reason=self.status_reason, raters=self.raters or {}, ky_truoc=self.ky_truoc)
        return evaluation

    @classmethod
    def from_evaluation(cls, rubric: Rubric, evaluation: MemberEvaluation, line: int) -> BatchMember:
        """A member file's member, unscored and compact: one value per item, and of the evaluation only what the
        compact form cannot give back — the answers with details (bieu_hien, khac_phuc, han_khac_phuc, an
        error) and the member's own fields. :meth:`evaluation_for` makes the whole evaluation again: scoring it
        gives the very result the file's evaluation gives (the JSON output relies on it)."""
        ids = item_ids(rubric)
        answers = evaluation.answers
        values: list[float | None] = []
        na: list[int] = []
        invalid: list[int] = []
        kept: dict[str, Answer] = {}
        for index, item_id in enumerate(ids):
            answer = answers.get(item_id)
            if answer is None:
                values.append(None)
                continue
            values.append(answer.value if answer.state == "answered" else None)
            if answer.state == "na":
                na.append(index)
            elif answer.state == "invalid":
                invalid.append(index)
            if (answer.state == "invalid" or answer.bieu_hien is not None or answer.khac_phuc is not None
                    or answer.han_khac_phuc is not None or answer.error is not None):
                kept[item_id] = answer
        return cls(line, unscored(), tuple(values), tuple(na), tuple(invalid), evaluation.member.ho_ten,
                   evaluation=evaluation.model_copy(update={"answers": kept}), details_only=True)

    def scored(self, rubric: Rubric, result: MemberResult) -> BatchMember:
        """This member with its detailed ``result`` (scored by the engine): compact, keeping no more than
        before (the result itself only when this member carries a whole evaluation)."""
        member = BatchMember.from_result(rubric, result, self.line)
        if self.details_only:
            member.result, member.evaluation, member.details_only = None, self.evaluation, True
            # the previous period, as the outputs and --ky-truoc read it from a compact member (small lists)
            member.ky_truoc = self.evaluation.ky_truoc if self.evaluation is not None else None
            member.previous = result.previous_shortcomings
        return member

    @classmethod
    def from_result(cls, rubric: Rubric, result: MemberResult, line: int) -> BatchMember:
        """Wrap an already scored member (folder input, tests) without losing any detail."""
        ids = item_ids(rubric)
        by_id = {item.id: item for item in result.items}
        values = tuple(by_id[i].value if i in by_id and by_id[i].state == "answered" else None for i in ids)
        na = tuple(n for n, i in enumerate(ids) if i in by_id and by_id[i].state == "na")
        invalid = tuple(n for n, i in enumerate(ids) if i in by_id and by_id[i].state == "invalid")
        return cls(line, core_from_result(rubric, result), values, na,
                   invalid, result.ho_ten, result.ma_dang_vien, result.chuc_vu, result.self_level, result.cell_level,
                   result.cell_reason, result.ky_luat, result.source, result=result, chi_bo=result.chi_bo,
                   ky_danh_gia=result.ky_danh_gia, status=result.status, status_reason=result.status_reason,
                   ky_luat_form=result.ky_luat_form, raters=result.raters or None, flags=result.rating_flags or None)


class LazyResults(Sequence[MemberResult]):
    """The members' detailed results, each built when read (100,000 of them would not fit in memory)."""

    def __init__(self, batch: BatchResult) -> None:
        self._batch = batch

    def __len__(self) -> int:
        return len(self._batch.members)

    @overload
    def __getitem__(self, index: int) -> MemberResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[MemberResult]: ...
    def __getitem__(self, index: int | slice) -> MemberResult | list[MemberResult]:
        result_of = self._batch.result_of
        if isinstance(index, slice):
            return [result_of(m) for m in self._batch.members[index]]
        return result_of(self._batch.members[index])

    def __iter__(self) -> Iterator[MemberResult]:
        return map(self._batch.result_of, self._batch.members)


@dataclass
class BatchResult:
    """Everything a batch run produced, in input order.

    Every non-blank input row is either a member or has at least one entry in ``problems`` with
    ``line`` = its row number (and is in ``failed_rows``: rows that could not be tied to a person).
    A member row with problems (a bad cell) stays a member, scored provisionally, and its problems
    carry its row too. ``blank_rows`` counts the skipped empty ones and ``ignored_rows`` the total
    rows, which ``notes`` mention.
    """

    source: str
    sheet: str | None
    rubric: Rubric
    members: list[BatchMember] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed_rows: list[int] = field(default_factory=list)
    blank_rows: int = 0
    headers: dict[int, str] = field(default_factory=dict)  # column number (1-based) -> header text
    ignored_rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things worth saying that are not errors
    scorer: Scorer | None = None  # set by the engine once the members are scored
    warnings: list[InForceWarning] = field(default_factory=list)  # the rubric's document not in force (exit 0)

    def result_of(self, member: BatchMember) -> MemberResult:
        """The detailed result of one member (built on demand, not kept)."""
        if member.result is not None:
            return member.result
        if self.scorer is None:
            raise RuntimeError("the batch is not scored yet (tusoi_cli.engine.batch.score_batch)")
        return self.scorer(self.rubric, member.evaluation_for(self.rubric), member.observed)

    @property
    def results(self) -> LazyResults:
        return LazyResults(self)

    @property
    def rows(self) -> list[int]:
        """``rows[i]`` is the sheet row (or file number) of member i."""
        return [m.line for m in self.members]

    @classmethod
    def from_results(cls, source: str, sheet: str | None, rubric: Rubric, results: Sequence[MemberResult],
                     rows: Sequence[int], **kwargs: object) -> BatchResult:
        members = [BatchMember.from_result(rubric, r, line) for r, line in zip(results, rows, strict=True)]
        return cls(source, sheet, rubric, members, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True)
class BatchSummary:
    """The counts a summary of the batch shows, computed by the engine (see engine.batch.summarize)."""

    statuses: dict[str, int]  # reviewed, exempt, not_reviewed (zeros included)
    levels: dict[str, int]  # computed level -> rated members, best first, zeros included
    decided: dict[str, int]  # the level the cell decided -> members
    provisional: int  # rated members whose level is provisional
    with_unanswered: int
    with_invalid: int
    prevalence: list[tuple[str, int]]  # (item id, rated members flagged), most common first
