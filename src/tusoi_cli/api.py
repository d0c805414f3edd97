"""The use cases: what the ``tusoi`` commands call, and the library API (``tusoi_cli.score_file``...).

A use case reads (:mod:`tusoi_cli.read`), computes (:mod:`tusoi_cli.engine`) and hands back models; the
command then renders them. The reading and computing functions a command calls as they are (load a
rubric, check an input path, sort a batch...) are re-exported here, lazily, so that the commands
depend on this module only and ``tusoi --help`` stays fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
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
    from tusoi_cli.model.batch import BatchResult, Progress
    from tusoi_cli.model.compare import Kind, Period
    from tusoi_cli.model.rollup import Rollup, Unit
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


# --------------------------------------------------------------------------- the committee's roll-up


def roll_up(inputs: list[Path], rubric: Rubric, *, previous: list[Path] | None = None,
            progress: Progress | None = None) -> Rollup:
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
    result.root = _roll_inputs(inputs, rubric, result, progress)
    if previous:
        from tusoi_cli.model.rollup import Rollup as _Rollup

        last = _Rollup(combine("Tổng cộng", []), [str(p) for p in previous], result.rubric)
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
    total = sum(_cells_in(node) for node in nodes)
    done = [0, total]

    def step() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], total)

    units = [unit for node in nodes for unit in _roll_node(node, rubric, result, step)]
    if len(units) == 1 and units[0].kind == "party_unit":
        return units[0]
    return combine("Tổng cộng", units)


def _cells_in(node: Node) -> int:
    return 1 if not node.children else sum(_cells_in(child) for child in node.children)


def _roll_node(node: Node, rubric: Rubric, result: Rollup, step: Callable[[], None]) -> list[Unit]:
    """The units one node of the tree makes: a party unit for a folder, one cell per cell it holds."""
    from tusoi_cli.engine.rollup import anonymous, cell_name, combine, score_cell, tally_cell
    from tusoi_cli.errors import InputError
    from tusoi_cli.read.rollup import read_cells, read_rollup_json, read_yaml_cell

    if node.kind == "folder":
        children = [unit for child in node.children for unit in _roll_node(child, rubric, result, step)]
        return [combine(node.path.name, children, str(node.path))]
    try:
        if node.kind == "rollup_json":
            unit, titles, labels = read_rollup_json(node.path)
            result.from_json = True
            for key, title in titles.items():
                result.item_titles.setdefault(key, title)
            for key, label in labels.items():
                result.level_labels.setdefault(key, label)
            return [unit]
        if node.kind == "yaml_cell":
            batches, names, notes = [read_yaml_cell(node.path, rubric)], [node.path.name], []
        else:
            cells = read_cells(node.path, rubric)
            batches, notes = cells.cells, cells.notes
            names = [sheet or node.path.stem for sheet in cells.names]
    except InputError as exc:
        result.problems.extend(exc.problems)  # a file that cannot be read at all: no member of it is known
        return []
    finally:
        step()
    result.notes.extend(notes)
    units = []
    for batch, fallback in zip(batches, names, strict=True):
        score_cell(batch, "tệp" if node.kind == "yaml_cell" else "dòng")
        source = str(node.path) if batch.sheet is None or len(batches) == 1 else f"{node.path} [{batch.sheet}]"
        unit = tally_cell(batch, cell_name(batch, fallback), source)
        result.problems.extend(anonymous(batch.problems, batch))
        result.notes.extend(f"{source}: {note}" for note in batch.notes)
        for level in batch.rubric.levels:
            result.level_labels.setdefault(level.id, level.label)
        batch.members.clear()  # only the counts are kept
        units.append(unit)
    return units
