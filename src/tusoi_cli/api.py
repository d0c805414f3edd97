"""The use cases: what the ``tusoi`` commands call, and the library API (``tusoi_cli.score_file``...).

A use case reads (:mod:`tusoi_cli.read`), computes (:mod:`tusoi_cli.engine`) and hands back models; the
command then renders them. The reading and computing functions a command calls as they are (load a
rubric, check an input path, sort a batch...) are re-exported here, lazily, so that the commands
depend on this module only and ``tusoi --help`` stays fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tusoi_cli.errors import Problem
from tusoi_cli.model import InForceWarning, MemberEvaluation, MemberResult, Rubric
from tusoi_cli.model.people import Person
from tusoi_cli.model.previous import CarriedItem

if TYPE_CHECKING:
    # the lazy re-exports below, for type checkers (``X as X``: re-exported on purpose)
    from tusoi_cli.engine.batch import sort_by_name as sort_by_name
    from tusoi_cli.engine.batch import summarize as summarize
    from tusoi_cli.engine.compare import compare_periods as compare_periods
    from tusoi_cli.engine.compare import compare_results as compare_results
    from tusoi_cli.engine.compare import match_records as match_records
    from tusoi_cli.model.batch import BatchResult, Progress
    from tusoi_cli.model.compare import Kind, Period
    from tusoi_cli.read.inputs import check_input as check_input
    from tusoi_cli.read.member_reader import parse_date as parse_date
    from tusoi_cli.read.people import read_people as read_people
    from tusoi_cli.read.rubric_loader import DEFAULT_RUBRIC as DEFAULT_RUBRIC
    from tusoi_cli.read.rubric_loader import bundled_ids as bundled_ids
    from tusoi_cli.read.rubric_loader import load_rubric as load_rubric
    from tusoi_cli.read.rubric_loader import load_rubric_file as load_rubric_file
    from tusoi_cli.read.rubric_loader import match_level as match_level
    from tusoi_cli.read.yaml_reader import MAX_BYTES as MAX_BYTES

_REEXPORTS = {
    "check_input": "read.inputs", "parse_date": "read.member_reader", "read_people": "read.people",
    "DEFAULT_RUBRIC": "read.rubric_loader", "bundled_ids": "read.rubric_loader", "load_rubric": "read.rubric_loader",
    "load_rubric_file": "read.rubric_loader", "match_level": "read.rubric_loader", "MAX_BYTES": "read.yaml_reader",
    "sort_by_name": "engine.batch", "summarize": "engine.batch",
    "compare_periods": "engine.compare", "compare_results": "engine.compare", "match_records": "engine.compare",
}


def __getattr__(name: str) -> Any:
    module = _REEXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tusoi_cli.api' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tusoi_cli.{module}"), name)


# --------------------------------------------------------------------------- one member file


@dataclass
class Scored:
    """One scored member file: the result, its rubric and the non-fatal problems found while reading."""

    result: MemberResult
    rubric: Rubric
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # worth saying, not errors (exit code unchanged)
    warnings: list[InForceWarning] = field(default_factory=list)  # the rubric's document not in force (exit 0)
    evaluation: MemberEvaluation | None = None  # as read, to score again with a previous period (--ky-truoc)


def score_file(path: Path | str | None, *, rubric: str | Rubric | None = None, strict: bool = False,
               stdin_bytes: bytes | None = None) -> Scored:
    """Read and score one member file (``None`` reads ``stdin_bytes``).

    Raises :class:`tusoi_cli.InputError` when the file cannot be scored at all; problems with
    single answers are returned in ``Scored.problems`` and the result is marked incomplete.
    """
    from tusoi_cli.engine.in_force import in_force_warnings
    from tusoi_cli.engine.scoring import score_member
    from tusoi_cli.read.member_reader import read_member

    read = read_member(Path(path) if path is not None else None, rubric=rubric, strict=strict,
                       stdin_bytes=stdin_bytes)
    warnings = in_force_warnings(read.rubric, read.evaluation.ky_danh_gia)
    return Scored(score_member(read.rubric, read.evaluation), read.rubric, read.problems, read.notes, warnings,
                  read.evaluation)


@dataclass
class CarriedForward:
    """A previous period's member file, read for next period's form: who, when, and the open shortcomings."""

    result: MemberResult
    rubric: Rubric
    items: list[CarriedItem]
    next_period: str | None  # the year after the file's period, when it names a year
    problems: list[Problem] = field(default_factory=list)


def carry_forward(path: Path) -> CarriedForward:
    """Read a previous period's member file and list what next period's form carries (engine.carry)."""
    from tusoi_cli.engine.carry import next_period, open_shortcomings

    scored = score_file(path)
    return CarriedForward(scored.result, scored.rubric, open_shortcomings(scored.result),
                          next_period(scored.result.ky_danh_gia), list(scored.problems))


@dataclass
class CarriedCell:
    """A previous period's cell (sheet, folder or member file), read for next period's sheet."""

    people: list[Person]  # each with the open shortcomings to carry (ky_truoc)
    next_period: str | None
    chi_bo: str | None
    problems: list[Problem] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # previous members not in --members (named, never silent)
    not_found: list[str] = field(default_factory=list)  # --members people the previous period does not have


def carry_forward_cell(path: Path, rubric: Rubric, *, sheet: str | None = None,
                       members: list[Person] | None = None) -> CarriedCell:
    """Read a previous period and give next period's people with their open shortcomings; with ``members`` (the
    --members list) those people, each matched to the previous period by member code, else by name."""
    from tusoi_cli.engine.carry import next_period, open_shortcomings
    from tusoi_cli.model.people import Person
    from tusoi_cli.text import fold

    if input_kind(path) == "member":
        one = carry_forward(path)
        found = [(one.result, one.items)]
        problems, period, chi_bo = one.problems, one.next_period, one.result.chi_bo
    else:
        batch = read_batch(path, rubric, sheet=sheet)
        found = [(result, open_shortcomings(result)) for result in batch.results]
        problems = list(batch.problems)
        periods = {m.ky_danh_gia for m in batch.members if m.ky_danh_gia}
        period = next_period(periods.pop()) if len(periods) == 1 else None
        cells = {m.chi_bo for m in batch.members if m.chi_bo}
        chi_bo = cells.pop() if len(cells) == 1 else None
    previous = [Person(r.ho_ten, r.ma_dang_vien, r.chuc_vu, tuple(items)) for r, items in found]
    if members is None:
        return CarriedCell(previous, period, chi_bo, problems)

    def code(person: Person) -> str:
        return "".join((person.ma_dang_vien or "").split()).casefold()

    by_code = {code(p): p for p in previous if code(p)}
    by_name = {fold(p.ho_ten): p for p in previous}
    people, used, not_found = [], set(), []
    for person in members:
        match = by_code.get(code(person)) if code(person) else None
        match = match or by_name.get(fold(person.ho_ten))
        if match is None:
            not_found.append(person.ho_ten)
        else:
            used.add(id(match))
        people.append(Person(person.ho_ten, person.ma_dang_vien or (match.ma_dang_vien if match else None),
                             person.chuc_vu or (match.chuc_vu if match else None),
                             match.ky_truoc if match else None))
    left_out = [p.ho_ten for p in previous if id(p) not in used]
    return CarriedCell(people, period, chi_bo, problems, left_out, not_found)


# --------------------------------------------------------------------------- a whole cell


def read_batch(source: Path, rubric: Rubric, *, sheet: str | None = None, strict: bool = False,
               progress: Progress | None = None) -> BatchResult:
    """A folder of member files or a spreadsheet, read and scored with ``rubric``."""
    from tusoi_cli.engine.batch import score_batch
    from tusoi_cli.engine.scoring import compile_rubric
    from tusoi_cli.read import batch

    compile_rubric(rubric)  # a rubric that cannot score (no levels) is refused before the file is read
    if source.is_dir():
        scored = score_batch(batch.read_folder(source, rubric, strict), "tệp")
    else:
        scored = score_batch(batch.read_sheet(source, rubric, sheet, progress, strict), "dòng")
    scored.warnings = batch_warnings(scored)
    return scored


def batch_warnings(batch: BatchResult) -> list[InForceWarning]:
    """The in-force warnings of a batch's rubric, once for each period its members name."""
    from tusoi_cli.engine.in_force import in_force_warnings

    seen: dict[str, InForceWarning] = {}
    for period in dict.fromkeys(m.ky_danh_gia for m in batch.members):
        for warning in in_force_warnings(batch.rubric, period):
            seen.setdefault(warning.rubric + warning.code + str(warning.period_end.year), warning)
    return list(seen.values())


# --------------------------------------------------------------------------- the previous period (--ky-truoc)


def read_previous(path: Path, rubric: Rubric, *, sheet: str | None = None) -> Period:
    """A previous period for --ky-truoc, read as `compare` reads a period: member files and folders with their
    own rubric, a sheet with ``rubric``."""
    return read_period(path, rubric=rubric if input_kind(path) == "sheet" else None, sheet=sheet)


def follow_previous(scored: Scored, previous: Period) -> Scored:
    """One member scored again with what the previous period's file shows for its carried items (observed, the
    warning for "đã khắc phục" still flagged, the ky_truoc rule checked); without a list of its own, the
    member follows up the previous file's open shortcomings."""
    from dataclasses import replace

    from tusoi_cli.engine.carry import carried_from_result, follow_up
    from tusoi_cli.engine.compare import match_records
    from tusoi_cli.engine.scoring import score_member
    from tusoi_cli.model.compare import Record

    new = Record.from_result(scored.result, scored.rubric)
    matching = match_records(previous.records, [new])
    old = matching.pairs[0][0] if matching.pairs else None
    carried, observed = follow_up(old, new, carried_from_result(scored.result))
    if carried is None or scored.evaluation is None:
        return scored
    evaluation = scored.evaluation.model_copy(update={"ky_truoc": carried})
    return replace(scored, result=score_member(scored.rubric, evaluation, observed))


def follow_previous_batch(batch: BatchResult, previous: Period) -> None:
    """Every member of a batch followed up against the previous period (see :func:`follow_previous`), in place."""
    from tusoi_cli.engine.carry import all_fixed, carried_from_result, follow_up, shortcomings
    from tusoi_cli.engine.compare import match_records
    from tusoi_cli.engine.scoring import compile_rubric, score_member, score_values
    from tusoi_cli.model.batch import BatchMember
    from tusoi_cli.model.compare import Record
    from tusoi_cli.model.compiled import form_index

    rubric = batch.rubric
    records = [Record.from_batch(m, rubric) for m in batch.members]
    index = {id(r): n for n, r in enumerate(records)}
    olds = {index[id(new)]: old for old, new, _ in match_records(previous.records, records).pairs}
    compiled = compile_rubric(rubric)
    for n, member in enumerate(batch.members):
        own = member.ky_truoc if member.result is None else carried_from_result(member.result)
        carried, observed = follow_up(olds.get(n), records[n], own)
        if carried is None:
            continue
        if member.evaluation is not None:  # a member file: scored in detail again
            evaluation = member.evaluation.model_copy(update={"ky_truoc": carried})
            again = BatchMember.from_result(rubric, score_member(rubric, evaluation, observed), member.line)
            again.evaluation = evaluation
            batch.members[n] = again
            continue
        member.ky_truoc, member.observed, member.result = carried, observed, None
        member.previous = shortcomings(rubric, carried, observed)
        fixed = all_fixed(member.previous)
        member.core = score_values(compiled, member.values, member.ky_luat, member.na,
                                   form_index(member.ky_luat_form), fixed)


def carry_warnings(batch: BatchResult) -> Iterator[tuple[str, str, str]]:
    """(name, source, warning) for each "đã khắc phục" of a batch's member still flagged at the same or a worse
    degree, member by member (no detailed result is kept)."""
    from tusoi_cli.engine.carry import claim_warnings

    for member in batch.members:
        if member.result is not None:
            found = [p.warning for p in member.result.previous_shortcomings or [] if p.warning]
        elif member.ky_truoc is not None:
            found = claim_warnings(member.ky_truoc, member.observed)
        else:
            continue
        for warning in found:
            yield member.ho_ten, member.source, warning


# --------------------------------------------------------------------------- two periods


_YAML = {".yaml", ".yml"}


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
    from tusoi_cli.errors import InputError
    from tusoi_cli.model.compare import Period, Record

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
    from tusoi_cli.read.rubric_loader import load_rubric

    chosen = rubric or load_rubric()
    batch = read_batch(path, chosen, sheet=sheet)
    return Period(batch.source, kind, [Record.from_batch(m, chosen) for m in batch.members], batch.sheet,
                  list(batch.problems), list(batch.failed_rows), list(batch.notes))
