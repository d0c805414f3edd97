"""The use cases: what the ``tusoi`` commands call, and the library API (``tusoi_cli.score_file``...).

A use case reads (:mod:`tusoi_cli.read`), computes (:mod:`tusoi_cli.engine`) and hands back models; the
command then renders them. The reading and computing functions a command calls as they are (load a
rubric, check an input path, sort a batch...) are re-exported here, lazily, so that the commands
depend on this module only and ``tusoi --help`` stays fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tusoi_cli.errors import Problem
from tusoi_cli.model import InForceWarning, MemberEvaluation, MemberResult, Rubric
from tusoi_cli.model.people import Person
from tusoi_cli.model.previous import CarriedItem
from tusoi_cli.model.review import ReviewFields

if TYPE_CHECKING:
    # the lazy re-exports below, for type checkers (``X as X``: re-exported on purpose)
    from tusoi_cli.engine.batch import sort_by_name as sort_by_name
    from tusoi_cli.engine.batch import summarize as summarize
    from tusoi_cli.engine.compare import compare_periods as compare_periods
    from tusoi_cli.engine.compare import compare_results as compare_results
    from tusoi_cli.engine.compare import match_records as match_records
    from tusoi_cli.engine.periods import follow_periods as follow_periods
    from tusoi_cli.engine.quota import batch_meeting as batch_meeting
    from tusoi_cli.model.batch import BatchResult, Progress
    from tusoi_cli.model.compare import Kind, Period
    from tusoi_cli.model.meeting import MeetingResult
    from tusoi_cli.model.people import Person
    from tusoi_cli.model.rollup import MemberRow, Rollup, Unit
    from tusoi_cli.read.inputs import check_input as check_input
    from tusoi_cli.read.member_reader import parse_date as parse_date
    from tusoi_cli.read.people import read_people as read_people
    from tusoi_cli.read.rollup import Node
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
    "follow_periods": "engine.periods",
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
    return period_warnings(batch.rubric, [m.ky_danh_gia for m in batch.members])


def period_warnings(rubric: Rubric, periods: list[str | None]) -> list[InForceWarning]:
    """The in-force warnings of ``rubric`` for the periods named, each document's once a year."""
    from tusoi_cli.engine.in_force import in_force_warnings

    seen: dict[str, InForceWarning] = {}
    for period in dict.fromkeys(periods):
        for warning in in_force_warnings(rubric, period):
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
    from tusoi_cli.engine.raters import rating_flags
    from tusoi_cli.engine.scoring import compile_rubric, score_member, score_values
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
        if member.evaluation is not None:  # a member file: scored in detail again, kept as compact as before
            member.evaluation = member.evaluation.model_copy(update={"ky_truoc": carried})
            again = member.scored(rubric, score_member(rubric, member.evaluation_for(rubric), observed))
            again.observed = observed  # a compact member's result is made again on demand: with what was observed
            batch.members[n] = again
            continue
        member.ky_truoc, member.observed, member.result = carried, observed, None
        member.previous = shortcomings(rubric, carried, observed)
        fixed = all_fixed(member.previous)
        member.core = score_values(compiled, member.values, member.ky_luat, member.na,
                                   form_index(member.ky_luat_form), fixed)
        if member.raters is not None:  # the caps may have changed: the slots are checked against them again
            rank = member.core.rank if member.rated else None
            member.flags = rating_flags(rubric, member.raters, rank, (i for i, _ in member.core.caps)) or None


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


# --------------------------------------------------------------------------- the committee's roll-up


def roll_up(inputs: list[Path], rubric: Rubric, *, previous: list[Path] | None = None,
            progress: Progress | None = None, names: bool = False) -> Rollup:
    """``tusoi tong-hop``: every cell under ``inputs`` (folder trees, cell sheets, roll-up JSONs) read, scored
    with ``rubric`` and counted, one cell at a time (only counts are kept); with ``previous``, last period's
    tree (or roll-up JSON) matched by name. Unreadable files and row problems are collected, names hidden."""
    from tusoi_cli.engine.rollup import attach_previous, combine
    from tusoi_cli.engine.scoring import compile_rubric
    from tusoi_cli.model.rollup import Rollup

    compile_rubric(rubric)
    result = Rollup(combine("Tổng cộng", []), [str(p) for p in inputs], f"{rubric.id} {rubric.version}")
    result.item_titles = {item.id: item.title for _, item in rubric.items()}
    result.level_labels = {level.id: level.label for level in rubric.levels}
    if names:
        result.members = []
    result.root = _roll_inputs(inputs, rubric, result, progress)
    result.warnings = period_warnings(rubric, list(result.periods))
    if previous:
        last = Rollup(combine("Tổng cộng", []), [str(p) for p in previous], result.rubric)
        last.root = _roll_inputs(previous, rubric, last, None)
        result.previous_inputs = last.inputs
        result.problems.extend(last.problems)
        result.notes.extend(f"kỳ trước: {note}" for note in last.notes)
        result.skipped.extend(last.skipped)
        for key, title in last.item_titles.items():
            result.item_titles.setdefault(key, title)
        for key, label in last.level_labels.items():
            result.level_labels.setdefault(key, label)
        result.unmatched_current, result.unmatched_previous = attach_previous(result.root, last.root)
    return result


def _roll_inputs(inputs: list[Path], rubric: Rubric, result: Rollup, progress: Progress | None) -> Unit:
    from tusoi_cli.engine.rollup import combine
    from tusoi_cli.read.rollup import plan

    nodes = []
    for path in inputs:
        node = plan(path, result.skipped, result.problems)
        if node is not None:
            nodes.append(node)
    leaves = [leaf for node in nodes for leaf in _leaves(node)]
    outcomes = _read_leaves(leaves, rubric, progress, result.members is not None)
    try:
        units = [unit for node in nodes for unit in _assemble(node, outcomes, result)]
    finally:
        outcomes.close()  # the worker processes end here, not whenever the generator is collected
    if len(units) == 1 and units[0].kind == "party_unit":
        return units[0]
    return combine("Tổng cộng", units)


def _leaves(node: Node) -> list[Node]:
    return [node] if node.kind != "folder" else [leaf for child in node.children for leaf in _leaves(child)]


def _assemble(node: Node, outcomes: Iterator[_Leaf], result: Rollup) -> list[Unit]:
    """The units of ``node``, its leaves' outcomes taken in tree order: a party unit for a folder."""
    from tusoi_cli.engine.rollup import combine

    if node.kind == "folder":
        children = [unit for child in node.children for unit in _assemble(child, outcomes, result)]
        return [combine(node.path.name, children, str(node.path))]
    leaf = next(outcomes)
    result.problems.extend(leaf.problems)
    result.notes.extend(leaf.notes)
    result.from_json = result.from_json or leaf.from_json
    result.periods.update(dict.fromkeys(leaf.periods))
    if result.members is not None:
        result.members.extend(leaf.members)
    for key, title in leaf.item_titles.items():
        result.item_titles.setdefault(key, title)
    for key, label in leaf.level_labels.items():
        result.level_labels.setdefault(key, label)
    return leaf.units


@dataclass
class _Leaf:
    """What one cell file (or roll-up JSON) of the tree gave: its units' counts and what was said about it."""

    units: list[Unit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    item_titles: dict[str, str] = field(default_factory=dict)
    level_labels: dict[str, str] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)  # the periods its members name (ky_danh_gia)
    from_json: bool = False
    members: list[MemberRow] = field(default_factory=list)  # only with --ten


PARALLEL_MIN_FILES = 48  # below this, starting a second process costs more than it saves (bench/rollup.py)
_JOB: tuple[list[Node], Rubric, bool] | None = None  # the work a forked worker reads (inherited, never pickled)


def _read_leaves(leaves: list[Node], rubric: Rubric, progress: Progress | None,
                 names: bool) -> Generator[_Leaf, None, None]:
    """Each leaf read, scored and counted, in order; on several cores (forked workers) when there are many files
    and the cores are free: on a machine already busy a second process only adds work (bench/README.md).

    ``TUSOI_JOBS`` sets the number of processes (1: none started)."""
    import os

    jobs = int(os.environ.get("TUSOI_JOBS") or 0) or _free_cores()
    total = len(leaves)
    if jobs > 1 and total >= PARALLEL_MIN_FILES and hasattr(os, "fork"):
        return _read_in_parallel(leaves, rubric, progress, jobs, names)
    return _read_in_turn(leaves, rubric, progress, names)


def _free_cores() -> int:
    """Cores not busy with other work (the load average), at most 4; 1 when unknown."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return 1
    return max(1, min(4, cores, round(cores - load)))


def _read_in_turn(leaves: list[Node], rubric: Rubric, progress: Progress | None,
                  names: bool) -> Generator[_Leaf, None, None]:
    for done, leaf in enumerate(leaves, start=1):
        outcome = _read_leaf(leaf, rubric, names)
        if progress is not None:
            progress(done, len(leaves))
        yield outcome


def _read_in_parallel(leaves: list[Node], rubric: Rubric, progress: Progress | None, jobs: int,
                      names: bool) -> Generator[_Leaf, None, None]:
    import multiprocessing

    global _JOB
    _JOB = (leaves, rubric, names)
    try:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_signals) as pool:
            for done, outcome in enumerate(pool.imap(_read_leaf_at, range(len(leaves)), chunksize=4), start=1):
                if progress is not None:
                    progress(done, len(leaves))
                yield outcome
    finally:
        _JOB = None


def _worker_signals() -> None:
    """A worker leaves Ctrl-C and termination to the main process, which stops the pool."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def _read_leaf_at(index: int) -> _Leaf:
    assert _JOB is not None
    leaves, rubric, names = _JOB
    return _read_leaf(leaves[index], rubric, names)


def _read_leaf(node: Node, rubric: Rubric, names: bool = False) -> _Leaf:
    """One cell file, cell folder or roll-up JSON: read, scored and counted; only counts leave (names hidden)."""
    from tusoi_cli.engine.rollup import anonymous, cell_name, member_rows, score_cell, tally_cell
    from tusoi_cli.errors import InputError
    from tusoi_cli.read.rollup import read_cells, read_rollup_json, read_yaml_cell

    leaf = _Leaf()
    try:
        if node.kind == "rollup_json":
            unit, leaf.item_titles, leaf.level_labels = read_rollup_json(node.path)
            leaf.from_json = True
            leaf.units.append(unit)
            return leaf
        if node.kind == "yaml_cell":
            batches, fallbacks = [read_yaml_cell(node.path, rubric)], [node.path.name]
        else:
            cells = read_cells(node.path, rubric)
            batches, leaf.notes = cells.cells, cells.notes
            fallbacks = [sheet or node.path.stem for sheet in cells.names]
    except InputError as exc:
        leaf.problems.extend(exc.problems)  # a file that cannot be read at all: no member of it is known
        return leaf
    for batch, fallback in zip(batches, fallbacks, strict=True):
        if node.kind == "yaml_cell" and not batch.members and batch.failed_rows:  # no member file could be read
            leaf.problems.extend(batch.problems)
            continue
        score_cell(batch, "tệp" if node.kind == "yaml_cell" else "dòng")
        source = str(node.path) if batch.sheet is None or len(batches) == 1 else f"{node.path} [{batch.sheet}]"
        unit = tally_cell(batch, cell_name(batch, fallback), source)
        leaf.units.append(unit)
        if names:
            leaf.members.extend(member_rows(batch, unit.name, source))
        problems, notes = anonymous(batch.problems, batch.notes, batch)
        leaf.problems.extend(problems)
        leaf.notes.extend(f"{source}: {note}" for note in notes)
        for level in batch.rubric.levels:
            leaf.level_labels.setdefault(level.id, level.label)
        leaf.periods.extend(dict.fromkeys(m.ky_danh_gia for m in batch.members if m.ky_danh_gia))
        batch.members.clear()  # only the counts are kept
    return leaf
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


def read_for_review(path: Path, *, rubric: str | None = None, previous: Path | None = None) -> ReviewInput:
    """Read and score the members whose review documents are wanted: one member file (.yaml), a folder of
    them or a cell's sheet; with ``previous`` (a previous period's file, sheet or folder, as --ky-truoc), what
    the two periods show for each carried shortcoming. Raises :class:`InputError` when the input cannot be read
    at all."""
    from tusoi_cli.read.rubric_loader import load_rubric

    if input_kind(path) == "member":
        scored = score_file(path, rubric=rubric)
        if previous is not None:
            scored = follow_previous(scored, read_previous(previous, scored.rubric))
        review = scored.evaluation.review if scored.evaluation is not None else None
        return ReviewInput(scored.rubric, [ReviewMember(scored.result, review, None)], list(scored.problems),
                           [str(n) for n in scored.notes], list(scored.warnings))
    chosen = load_rubric(rubric) if rubric else load_rubric()
    batch = read_batch(path, chosen)
    if previous is not None:
        follow_previous_batch(batch, read_previous(previous, chosen))
    members = [ReviewMember(batch.result_of(m), m.evaluation.review if m.evaluation is not None else None, m.line)
               for m in batch.members]
    return ReviewInput(chosen, members, list(batch.problems), list(batch.notes), list(batch.warnings),
                       "tệp" if path.is_dir() else "dòng")
