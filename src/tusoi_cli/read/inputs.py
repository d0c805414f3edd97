"""One way to read every input file: regular files and pipes through one bounded read, the rest named.

A FIFO, ``<(…)`` or ``/dev/stdin`` can be read only once, and a device (``/dev/zero``) never ends, so
every reader takes its bytes from :func:`read_bounded` (at most ``limit + 1`` bytes, one open, one
pass) and sniffs the format from that same buffer. Directories, devices, sockets, dangling links and
link loops are refused with a message that says what they are, before anything is read.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from tusoi_cli.errors import InputError, Problem


def _fail(name: str, message: str, hint: str | None = None) -> InputError:
    return InputError([Problem(name, message, hint=hint)])


def kind_of(mode: int) -> str | None:
    """What a file that cannot be read as a document is ("thư mục", "thiết bị"...); None for files and pipes."""
    if stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
        return None
    if stat.S_ISDIR(mode):
        return "một thư mục"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "một thiết bị"
    if stat.S_ISSOCK(mode):
        return "một socket"
    return "không phải một tệp thông thường"  # pragma: no cover - door, whiteout... (not on Linux)


def unreadable(path: Path) -> tuple[str, str] | None:
    """(message, hint) when ``path`` cannot be read as an input file, else None (a file or a pipe)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return (f"liên kết trỏ tới '{os.readlink(path)}', tệp này không tồn tại",
                    "sửa lại liên kết hoặc dùng đường dẫn của tệp thật")
        return "không tìm thấy tệp", "kiểm tra lại đường dẫn"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "liên kết vòng (liên kết trỏ về chính nó)", "sửa lại liên kết hoặc dùng đường dẫn của tệp thật"
        if exc.errno == errno.ENOTDIR:
            return "không tìm thấy tệp (một phần của đường dẫn là tệp, không phải thư mục)", "kiểm tra lại đường dẫn"
        return f"không đọc được tệp ({exc.strerror})", "kiểm tra quyền đọc tệp"
    what = kind_of(mode)
    if what is None:
        return None
    if what == "một thư mục":
        return "đây là một thư mục, không phải tệp", "chỉ ra một tệp trong thư mục này"
    return f"đây là {what}, không phải tệp", "chỉ ra một tệp thật, hoặc dùng '-' để đọc từ đầu vào chuẩn"


@contextmanager
def open_input(path: Path, name: str) -> Iterator[BinaryIO]:
    """A regular file or a pipe, opened once for reading; anything else is an :class:`InputError`."""
    problem = unreadable(path)
    if problem is not None:
        raise _fail(name, *problem)
    try:
        is_fifo = stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:  # gone since it was looked at
        raise _fail(name, "không tìm thấy tệp", "kiểm tra lại đường dẫn") from None
    # A named pipe is opened blocking (it waits for its writer, as `cat` does); anything else without
    # blocking, then checked on the open descriptor: it may have been swapped for a device meanwhile.
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags if is_fifo else flags | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _fail(name, f"không đọc được tệp ({exc.strerror})", "kiểm tra quyền đọc tệp") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        what = kind_of(mode)
        if what is not None or stat.S_ISFIFO(mode) != is_fifo:
            raise _fail(name, f"tệp vừa bị thay đổi trong khi đọc (nay là {what or 'một ống dẫn'})", "chạy lại lệnh")
        if not is_fifo and hasattr(os, "O_NONBLOCK"):  # (Windows has neither the flag nor os.set_blocking)
            os.set_blocking(fd, True)
        try:
            yield handle
        except OSError as exc:
            raise _fail(name, f"không đọc được tệp ({exc.strerror})") from None


def check_input(path: Path, label: str = "") -> None:
    """Refuse, as a usage error (exit 2), an input path that is not a file, a pipe or (when a folder is
    allowed, checked by the caller first) a folder: missing, a dangling link, a device..."""
    from tusoi_cli.errors import UsageError

    problem = unreadable(path)
    if problem is not None:
        message, hint = problem
        raise UsageError(f"'{path}'{f' ({label})' if label else ''}: {message} — {hint}")


def read_bounded(path: Path, name: str, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of a regular file or a pipe, opened once (a caller seeing more than
    ``limit`` bytes refuses the file with its own message). Anything else is an :class:`InputError`."""
    with open_input(path, name) as handle:
        return read_upto(handle, limit + 1)


def read_upto(handle: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, in pieces (one ``read(size)`` would reserve ``size`` bytes up front)."""
    parts: list[bytes] = []
    while size > 0:
        chunk = handle.read(min(size, 1024**2))
        if not chunk:
            break
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)
