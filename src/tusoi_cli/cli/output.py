"""The ``-o`` rule shared by every command (SPEC, "Shared data model"): what an output argument means.

- ``-o -`` is standard output, for text formats only; a binary format there is a usage error.
- A name ending in ``/`` is a folder: a usage error for commands that write one file.
- The format follows the extension; ``--format`` may say the same thing, never something else; an
  extension the command does not write is a usage error naming the ones it does; a name without an
  extension takes ``--format``, else the command's default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tusoi_cli.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable

STDOUT = "-"
# Names of standard output itself: written as "-", never replaced by a rename.
_STDOUT_NAMES = {"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}


@dataclass(frozen=True)
class Target:
    """Where a command writes (``path`` None: standard output) and in which format."""

    path: Path | None
    fmt: str


def _folder_like(raw: str) -> bool:
    return raw.endswith("/") or (os.sep != "/" and raw.endswith(os.sep)) or raw in {".", ".."}


def _check_name(raw: str, extensions: dict[str, str]) -> None:
    if not raw.strip():
        raise UsageError("-o: tên tệp kết quả đang trống — ghi rõ tên tệp, hoặc -o - để ghi ra đầu ra chuẩn")
    if _folder_like(raw):
        example = next(iter(sorted(extensions)), "")
        raise UsageError(f"'{raw}' là một thư mục — lệnh này ghi một tệp: ghi rõ tên tệp, ví dụ "
                         f"{raw.rstrip('/' + os.sep) or '.'}/ketqua{example}")


def plan(raw: str | None, fmt: str | None, *, force: bool, inputs: Iterable[Path] = (),
         extensions: dict[str, str], binary: frozenset[str] = frozenset(), default: str | None = None) -> Target:
    """:func:`resolve` ``-o`` and, for a file, refuse it before any work (output.check_target): an input, an
    existing file without ``--force``, a folder, a device..."""
    if raw in _STDOUT_NAMES:
        raw = STDOUT
    if raw is not None and raw != STDOUT:
        from tusoi_cli.output import check_target

        _check_name(raw, extensions)
        check_target(Path(raw), force=force, inputs=inputs)
    return resolve(raw, fmt, extensions=extensions, binary=binary, default=default)


def resolve(raw: str | None, fmt: str | None, *, extensions: dict[str, str], binary: frozenset[str] = frozenset(),
            default: str | None = None) -> Target:
    """Check ``-o RAW`` with ``--format FMT`` against what the command writes (``extensions``: suffix -> format)."""
    formats = sorted(set(extensions.values()))
    names = list(extensions)
    choices = ", ".join(names[:-1]) + " hoặc " + names[-1] if len(names) > 1 else names[0]
    if raw is None or raw == STDOUT or raw in _STDOUT_NAMES:
        chosen = fmt or default or (formats[0] if all(f in binary for f in formats) else None)
        if chosen is None:
            text = [f for f in formats if f not in binary]
            raise UsageError(f"ghi ra đầu ra chuẩn cần chọn dạng: thêm --format {' hoặc --format '.join(text)}")
        if chosen in binary:
            raise UsageError(f"dạng {chosen} là tệp nhị phân, không ghi ra đầu ra chuẩn được — ghi vào tệp: "
                             f"-o TỆP.{chosen}")
        return Target(None, chosen)
    _check_name(raw, extensions)
    path = Path(raw)
    suffix = path.suffix.lower()
    if suffix in extensions:
        by_name = extensions[suffix]
        if fmt is not None and fmt != by_name:
            raise UsageError(f"--format {fmt} trái với đuôi '{path.suffix}' của tệp kết quả (dạng {by_name}) — bỏ "
                             f"--format, hoặc đặt tên tệp có đuôi của dạng {fmt}")
        return Target(path, by_name)
    if not suffix and (fmt or default):
        chosen = fmt or default
        assert chosen is not None
        return Target(path, chosen)
    raise UsageError(f"không biết ghi dạng nào cho tệp '{path.name}' — đặt tên tệp có một trong các đuôi: {choices}")
