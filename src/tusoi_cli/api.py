"""High-level library API: what the CLI calls, usable from Python scripts as ``tusoi_cli.score_file``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tusoi_cli.engine.scoring import score_member
from tusoi_cli.errors import Problem
from tusoi_cli.model import MemberResult, Rubric
from tusoi_cli.read.member_reader import read_member


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
    read = read_member(Path(path) if path is not None else None, rubric=rubric, strict=strict,
                       stdin_bytes=stdin_bytes)
    return Scored(score_member(read.rubric, read.evaluation), read.rubric, read.problems, read.notes)
