"""The use cases: what the ``tusoi`` commands call, and the library API (``tusoi_cli.score_file``...).

A use case reads (:mod:`tusoi_cli.read`), computes (:mod:`tusoi_cli.engine`) and hands back models; the
command then renders them. The reading and computing functions a command calls as they are (load a
rubric, check an input path, sort a batch...) are re-exported here, lazily, so that the commands
depend on this module only and ``tusoi --help`` stays fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tusoi_cli.errors import Problem
from tusoi_cli.model import MemberResult, Rubric

if TYPE_CHECKING:
    # the lazy re-exports below, for type checkers (``X as X``: re-exported on purpose)
    from tusoi_cli.engine.batch import sort_by_name as sort_by_name
    from tusoi_cli.engine.batch import summarize as summarize
    from tusoi_cli.engine.compare import compare_periods as compare_periods
    from tusoi_cli.engine.compare import compare_results as compare_results
    from tusoi_cli.engine.compare import match_records as match_records
    from tusoi_cli.engine.quota import batch_meeting as batch_meeting
    from tusoi_cli.model.batch import BatchResult, Progress
    from tusoi_cli.model.compare import Kind, Period
    from tusoi_cli.model.meeting import MeetingResult
    from tusoi_cli.model.people import Person
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
    "sort_by_name": "engine.batch", "summarize": "engine.batch", "batch_meeting": "engine.quota",
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


def score_file(path: Path | str | None, *, rubric: str | Rubric | None = None, strict: bool = False,
               stdin_bytes: bytes | None = None) -> Scored:
    """Read and score one member file (``None`` reads ``stdin_bytes``).

    Raises :class:`tusoi_cli.InputError` when the file cannot be scored at all; problems with
    single answers are returned in ``Scored.problems`` and the result is marked incomplete.
    """
    from tusoi_cli.engine.scoring import score_member
    from tusoi_cli.read.member_reader import read_member

    read = read_member(Path(path) if path is not None else None, rubric=rubric, strict=strict,
                       stdin_bytes=stdin_bytes)
    return Scored(score_member(read.rubric, read.evaluation), read.rubric, read.problems, read.notes)


# --------------------------------------------------------------------------- a whole cell


def read_batch(source: Path, rubric: Rubric, *, sheet: str | None = None, strict: bool = False,
               progress: Progress | None = None) -> BatchResult:
    """A folder of member files or a spreadsheet, read and scored with ``rubric``."""
    from tusoi_cli.engine.batch import score_batch
    from tusoi_cli.engine.scoring import compile_rubric
    from tusoi_cli.read import batch

    compile_rubric(rubric)  # a rubric that cannot score (no levels) is refused before the file is read
    if source.is_dir():
        return score_batch(batch.read_folder(source, rubric, strict), "tệp")
    return score_batch(batch.read_sheet(source, rubric, sheet, progress, strict), "dòng")


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


# --------------------------------------------------------------------------- the cell meeting


def hold_vote(source: Path, rubric: Rubric, *, ballots: Path | None = None, sheet: str | None = None,
              present: int | None = None, exceptional: bool | None = None) -> MeetingResult:
    """`tusoi bieu-quyet`: the cell read and scored, the ballots tallied by the rubric's rule (a decided vote
    fills the cell slot of the result, never the input), the quota checked on final levels, who is missing.

    ``ballots`` is the ballot file (None: the vote columns of the cell sheet, if it has any); ``present``
    overrides the title block's number of members present; ``exceptional`` (None: the title block's
    "Đơn vị đặc biệt") chooses the quota's share for exceptional units.
    """
    from tusoi_cli.engine.meeting import run_meeting
    from tusoi_cli.read.ballots import read_ballots

    batch = read_batch(source, rubric, sheet=sheet)
    cell = read_ballots(source, rubric, sheet, required=False) if not source.is_dir() else None
    read = read_ballots(ballots, rubric) if ballots is not None else cell
    if exceptional is None:  # the option, else the ballot form's title block, else the cell sheet's
        found = [b.exceptional for b in (read, cell) if b is not None and b.exceptional is not None]
        exceptional = found[0] if found else None
    return run_meeting(batch, read, present=present, exceptional=exceptional)


def ballot_people(path: Path, rubric: Rubric) -> tuple[list[Person], int]:
    """The members a ballot lists, and how many were left out: from a list of names (everyone), or from the
    cell's sheet or folder, read with ``rubric`` (exempt and not-reviewed members are left out)."""
    from tusoi_cli.errors import InputError
    from tusoi_cli.model.people import Person
    from tusoi_cli.read.people import read_people

    if path.suffix.lower() in {".txt", ".text", ".lst", ""} and not path.is_dir():
        return read_people(path), 0
    try:
        batch = read_batch(path, rubric)
    except InputError:
        if path.is_dir():
            raise
        return read_people(path), 0  # a plain table of names (no item columns)
    people = [Person(m.ho_ten, m.ma_dang_vien, m.chuc_vu) for m in batch.members if m.rated]
    return people, len(batch.members) - len(people)
