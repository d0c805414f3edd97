"""One error hierarchy for the library; the CLI turns these into messages and exit codes at one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in an input: where, what is wrong, and how to fix it."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class TusoiError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 1


class InputError(TusoiError):
    """An input file is invalid; carries every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class RubricError(InputError):
    """A rubric file (or one it includes) is invalid."""


class UsageError(TusoiError):
    """The command was called wrongly: missing file, bad option value, refusing to overwrite."""

    exit_code = 2
