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
from tusoi_cli.model import InForceWarning, MemberResult, Rubric
from tusoi_cli.model.review import ReviewFields

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
    return Scored(score_member(read.rubric, read.evaluation), read.rubric, read.problems, read.notes, warnings)


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


# --------------------------------------------------------------------------- review documents (kiem-diem)


@dataclass
class ReviewMember:
    """One member to write a review document for: the scored result and what they wrote for the document."""

    result: MemberResult
    review: ReviewFields | None
    number: int | None  # sheet row or file number in a folder; None for a single member file


@dataclass
class ReviewInput:
    """The members of a member file, a folder or a sheet, ready for :func:`render.review.build_review`."""

    rubric: Rubric
    members: list[ReviewMember]
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[InForceWarning] = field(default_factory=list)
    unit: str = "dòng"  # what ReviewMember.number counts: "dòng" (sheet rows) or "tệp" (files of a folder)


def read_for_review(path: Path, *, rubric: str | None = None) -> ReviewInput:
    """Read and score the members whose review documents are wanted: one member file (.yaml), a folder of
    them or a cell's sheet. Raises :class:`InputError` when the input cannot be read at all."""
    from tusoi_cli.engine.in_force import in_force_warnings
    from tusoi_cli.engine.scoring import score_member
    from tusoi_cli.read.member_reader import read_member
    from tusoi_cli.read.rubric_loader import load_rubric

    if input_kind(path) == "member":
        read = read_member(path, rubric=rubric)
        result = score_member(read.rubric, read.evaluation)
        return ReviewInput(read.rubric, [ReviewMember(result, read.evaluation.review, None)], list(read.problems),
                           [str(n) for n in read.notes], in_force_warnings(read.rubric, read.evaluation.ky_danh_gia))
    chosen = load_rubric(rubric) if rubric else load_rubric()
    batch = read_batch(path, chosen)
    members = [ReviewMember(batch.result_of(m), m.evaluation.review if m.evaluation is not None else None, m.line)
               for m in batch.members]
    return ReviewInput(chosen, members, list(batch.problems), list(batch.notes), list(batch.warnings),
                       "tệp" if path.is_dir() else "dòng")
