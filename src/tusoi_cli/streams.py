"""The terminal side of a CLI run: what is printed, where, and what happens when the other end goes away.

- :func:`console` makes every rich Console the CLI prints with; a render hook strips control and
  bidi-override characters from the *text* it shows (names, ids, values, file names, messages), after
  layout, so an escape sequence in a name cannot clear the screen or rewrite an error line. rich's own
  colour codes are control segments and stay.
- :func:`session` wraps one command: standard output and error are guarded (a reader that closes the
  pipe, ``| head``, ends the output quietly and the run keeps its exit code; any other write error on
  standard output, ``> /dev/full``, becomes a plain :class:`UsageError`), and SIGTERM/SIGHUP are
  handled as Ctrl-C (temporary files removed, exit 130).
- :func:`reopen_closed_std_fds` runs at process start: a standard stream closed by the caller (``<&-``,
  ``>&-``) is reopened on the null device, so no file tusoi opens later takes its number.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from tusoi_cli.errors import UsageError
from tusoi_cli.text import has_unsafe, terminal_safe

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderResult

_closed_at_start: set[int] = set()


def reopen_closed_std_fds() -> None:
    """Put the null device on standard descriptors the caller closed, and give Python streams for them."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            _closed_at_start.add(fd)
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdout is None:
        sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115


def stdin_closed() -> bool:
    """True when the caller closed standard input (``<&-``): reading ``-`` is then a usage error."""
    return sys.stdin is None or 0 in _closed_at_start


# --------------------------------------------------------------------------- printing


class _Clean:
    """A renderable that shows another one without control or bidi-override characters in its text."""

    def __init__(self, inner: ConsoleRenderable) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        for segment in console.render(self.inner, options):
            if segment.control is None and has_unsafe(segment.text):
                yield Segment(terminal_safe(segment.text), segment.style)
            else:
                yield segment


class _CleanHook:
    """rich RenderHook: wrap whatever is printed in :class:`_Clean`."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Clean(r) for r in renderables]


def console(*, stderr: bool = False, **options: Any) -> Console:
    """A rich Console for the CLI: no highlighting, no markup, and nothing from the inputs can act on the
    terminal."""
    from rich.console import Console

    options.setdefault("highlight", False)
    # no console markup either: "[link=…]" or "[/]" in a name would make a hyperlink or a MarkupError
    options.setdefault("markup", False)
    return cleaned(Console(stderr=stderr, **options))


def cleaned(made: Console) -> Console:
    """``made``, printing nothing from its text that would act on a terminal (also typer's help and errors)."""
    made.push_render_hook(_CleanHook())  # type: ignore[arg-type]
    return made


# --------------------------------------------------------------------------- guarded streams


class _Guarded:
    """A text stream that turns write failures into what a CLI user expects (see the module docstring)."""

    def __init__(self, inner: IO[str], *, is_stdout: bool) -> None:
        self._inner = inner
        self._is_stdout = is_stdout
        self.gone = False  # the reader went away or the stream failed: further output is dropped

    def _failed(self, exc: OSError) -> None:
        self.gone = True
        try:  # the interpreter flushes the real stream at exit: let that land in the null device
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._inner.fileno())
            os.close(null)
        except (OSError, ValueError, AttributeError):
            pass
        if self._is_stdout and not isinstance(exc, BrokenPipeError) and exc.errno != errno.EPIPE:
            reason = exc.strerror or str(exc)
            hint = "ổ đĩa đã đầy" if exc.errno == errno.ENOSPC else "kiểm tra nơi nhận đầu ra"
            raise UsageError(f"không ghi được ra đầu ra chuẩn ({reason}) — {hint}; ghi vào tệp bằng -o TỆP") \
                from None

    def write(self, text: str) -> int:
        if self.gone:
            return len(text)
        try:
            return self._inner.write(text)
        except OSError as exc:
            self._failed(exc)
            return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self.gone:
            return
        try:
            self._inner.flush()
        except OSError as exc:
            self._failed(exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C."""


def _interrupt(signum: int, frame: object) -> None:
    for other in _SIGNALS:  # a second signal must not cut the clean-up short
        signal.signal(other, signal.SIG_IGN)
    raise Interrupted(signal.Signals(signum).name)


_SIGNALS = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]


@contextmanager
def session(*, signals: bool = True) -> Iterator[None]:
    """Guard standard output and error, and (``signals``) handle SIGTERM/SIGHUP, for the duration of one
    command. Before a command runs nothing is written, so there the default (end at once) is right."""
    saved_streams = sys.stdout, sys.stderr
    if sys.stdout is not None and not isinstance(sys.stdout, _Guarded):
        sys.stdout = _Guarded(sys.stdout, is_stdout=True)
    if sys.stderr is not None and not isinstance(sys.stderr, _Guarded):
        sys.stderr = _Guarded(sys.stderr, is_stdout=False)
    saved_handlers: dict[int, Any] = {}
    if signals and threading.current_thread() is threading.main_thread():
        for sig in _SIGNALS:
            saved_handlers[sig] = signal.signal(sig, _interrupt)
    try:
        yield
    finally:
        for sig, handler in saved_handlers.items():
            signal.signal(sig, handler)
        sys.stdout, sys.stderr = saved_streams


def flush_stdout() -> None:
    """Flush standard output now, so a write error is reported by the command (not at interpreter exit)."""
    if sys.stdout is not None:
        sys.stdout.flush()
