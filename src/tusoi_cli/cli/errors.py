"""The one place where errors become messages on standard error and exit codes.

Every command runs its work inside :func:`guard`; the exit codes are :class:`ExitCode` (the library's
errors carry theirs: an input error 1, a usage error 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from tusoi_cli.errors import Problem


class ExitCode(IntEnum):
    """The exit codes of ``tusoi`` (its help's epilog says them in Vietnamese)."""

    OK = 0
    INPUT = 1  # some input is not valid (or an unexpected error)
    USAGE = 2  # the command was called wrongly: missing file, bad option, would overwrite
    BELOW = 3  # some member is rated below --fail-below
    INTERRUPTED = 130  # Ctrl-C, SIGTERM, SIGHUP


state = {"debug": False}  # --debug: let unexpected errors show their traceback


def stderr() -> Console:
    from tusoi_cli.streams import console

    return console(stderr=True, soft_wrap=True)


def stdout(**options: Any) -> Console:
    """The console for results on standard output (or a file): text from inputs cannot act on a terminal."""
    from tusoi_cli.streams import console

    return console(**options)


def report(problems: list[Problem]) -> None:
    """One line per problem for pipes and scripts; on a terminal, wrapped at word boundaries with the
    location kept whole on the first line (a terminal would cut it mid-syllable)."""
    console = stderr()
    if not console.is_terminal:
        for problem in problems:
            console.print(str(problem), markup=False, style="red")
        return
    from tusoi_cli.render.terminal import problem_lines

    for problem in problems:
        for line in problem_lines(problem, console.width):
            console.print(line, markup=False, style="red", overflow="ignore", crop=False)


def warn(warnings: list[Any]) -> None:
    """Warnings that do not change the exit code (a rubric's document no longer in force...), each said once."""
    seen: set[str] = set()
    for warning in warnings:
        if warning.message not in seen:
            seen.add(warning.message)
            stderr().print(f"Cảnh báo: {warning.message}", markup=False, style="yellow")


def carry_warnings(found: Iterable[tuple[str, str, str]]) -> None:
    """A member who reports "đã khắc phục" an item still flagged at the same or a worse degree (exit code unchanged):
    (name, source, warning) triples."""
    for name, source, warning in found:
        stderr().print(f"Cảnh báo: {name} ({source}): {warning}", markup=False, style="yellow")


@contextmanager
def guard() -> Iterator[None]:
    """The one place where library errors become messages on stderr and exit codes; it also guards the
    standard streams and signals for the command (see streams.session) and starts a new output run."""
    from tusoi_cli import streams
    from tusoi_cli.errors import InputError, TusoiError, UsageError
    from tusoi_cli.output import begin_run

    begin_run()
    with streams.session():
        try:
            yield
            streams.flush_stdout()
        except typer.Exit:
            try:
                streams.flush_stdout()
            except UsageError as exc:
                stderr().print(f"lỗi: {exc}", markup=False, style="red")
                raise typer.Exit(exc.exit_code) from None
            raise
        except InputError as exc:
            report(exc.problems)
            raise typer.Exit(exc.exit_code) from None
        except TusoiError as exc:
            stderr().print(f"lỗi: {exc}", markup=False, style="red")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt as exc:
            signal_name = f" ({exc.args[0]})" if isinstance(exc, streams.Interrupted) and exc.args else ""
            stderr().print(f"Đã dừng{signal_name}.", style="yellow", markup=False)
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except Exception as exc:
            if state["debug"]:
                raise
            stderr().print(f"lỗi không mong đợi: {type(exc).__name__}: {exc} — chạy lại với --debug để xem chi "
                            "tiết và báo lỗi cho người phát triển", markup=False, style="red")
            raise typer.Exit(ExitCode.INPUT) from None
        finally:
            begin_run()  # the command is over: stop noting the files read (matters to in-process callers)
