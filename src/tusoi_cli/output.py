"""Writing outputs safely: never over an existing file without ``force``, never over a file read in the run,
atomically, keeping the mode of a file replaced with ``force``.

A run (one CLI command) goes like this: :func:`begin_run` forgets the previous run; :func:`check_target`
refuses a bad ``-o`` before any work and records the plan (target, ``force``, named inputs) and starts
noting every file the process opens for reading (rubrics reached through ``include`` or ``bo_tieu_chi``
included); :func:`write_atomic` writes a temporary file beside the target and puts it in place:

- without ``force``, by hard-linking it to the target name, which fails if that name exists *at that
  moment* (a file created while tusoi ran is never replaced). Where the file system has no hard links
  (FAT/exFAT, some network shares) the name is claimed with an exclusive create (``O_EXCL``) and the
  temporary file renamed over that empty claim; on Windows ``os.rename`` already refuses an existing name.
- with ``force``, by renaming over it, after checking once more that the target is none of the files read
  in the run; the new file gets the old one's permission bits; a symbolic link stays and the file it points
  to is replaced.

Library callers that never called :func:`check_target` keep the plain behaviour: rename over the target.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tusoi_cli.errors import UsageError

# Short and fixed, so a 245-byte output name still has a valid temporary name beside it (NAME_MAX is 255).
TEMP_PREFIX = ".tusoi-"
TEMP_SUFFIX = ".tmp"


@dataclass
class _Run:
    """What the current run may write and what it has read."""

    watching: bool = False
    inputs: list[str] = field(default_factory=list)
    reads: set[str] = field(default_factory=set)
    plans: dict[str, bool] = field(default_factory=dict)  # absolute target -> force


_run = _Run()
_hook_installed = False


def begin_run() -> None:
    """Forget the previous run's plans and reads (the CLI calls this once per command)."""
    global _run
    _run = _Run()


def _on_audit(event: str, args: tuple[object, ...]) -> None:
    """Note every file opened for reading while a run is watched (Python's ``open`` audit event)."""
    if event != "open" or not _run.watching:
        return
    try:
        path, _mode, flags = args
        if isinstance(path, int) or (isinstance(flags, int) and flags & os.O_ACCMODE != os.O_RDONLY):
            return
        name = os.fsdecode(path)  # type: ignore[arg-type]
        if not name.endswith(".pyc"):
            _run.reads.add(os.path.abspath(name))
    except Exception:  # an audit hook must never break the open it watches
        return


def watch_reads() -> None:
    """Start noting the files this run reads (one audit hook per process; it cannot be removed)."""
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_on_audit)
        _hook_installed = True
    _run.watching = True


def files_read() -> set[str]:
    """Absolute names of the files opened for reading since :func:`check_target` (for tests and messages)."""
    return set(_run.reads)


def _same_file(a: Path | str, b: Path | str) -> bool:
    """True when ``a`` and ``b`` name one file (same path after symlinks, or hard links to one inode)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _bundled(target: Path) -> bool:
    from tusoi_cli.resources import bundled_dir

    # realpath, not Path.resolve: a symlink loop raises RuntimeError there
    return os.path.dirname(os.path.realpath(target)) == os.path.realpath(bundled_dir())


def _input_clash(target: Path) -> UsageError:
    return UsageError(f"tệp kết quả '{target}' trùng với tệp đầu vào — chọn tên khác cho -o")


def check_target(target: Path, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse to write ``target`` when it is an input, a folder, a device, a pipe, a broken link, exists and
    ``force`` is off, or cannot be created where it is; then record the plan for :func:`write_atomic`."""
    names = [str(p) for p in inputs]
    for source in names:
        if os.path.exists(source) and (os.path.realpath(source) == os.path.realpath(target)
                                       or _same_file(source, target)):
            raise _input_clash(target)
    if _bundled(target):
        raise _input_clash(target)
    try:
        link_mode: int | None = os.lstat(target).st_mode
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise _too_long(target) from None
        link_mode = None
    try:
        mode: int | None = os.stat(target).st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"'{target}' là một thư mục — ghi rõ tên tệp, ví dụ {target / 'ketqua.json'}")
    if link_mode is not None and mode is None:
        raise UsageError(f"'{target}' là một liên kết (symlink) hỏng hoặc vòng lặp — xóa nó hoặc chọn tên khác "
                         "cho -o")
    if mode is not None and not stat.S_ISREG(mode):
        # /dev/null, /dev/stdout, a pipe...: an atomic rename would replace the device itself
        kind = "một thiết bị" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else \
            "một ống dẫn (FIFO)" if stat.S_ISFIFO(mode) else "không phải là một tệp thông thường"
        raise UsageError(f"'{target}' là {kind}, không phải là một tệp thông thường — chọn một tên tệp khác cho "
                         "-o, hoặc -o - để ghi ra đầu ra chuẩn")
    if mode is not None and not force:
        raise UsageError(f"tệp '{target}' đã có — thêm --force để ghi đè, hoặc chọn tên khác")
    parent = target.parent
    if not parent.exists():
        raise UsageError(f"thư mục '{parent}' không tồn tại — tạo thư mục trước hoặc chọn chỗ khác")
    if not parent.is_dir():
        raise UsageError(f"'{parent}' là một tệp, không phải thư mục — không thể ghi '{target}' vào đó; "
                         "chọn chỗ khác cho -o")
    limit = _name_max(parent)
    if limit is not None and len(os.fsencode(target.name)) > limit:
        raise _too_long(target, limit)
    _run.inputs.extend(names)
    _run.plans[os.path.abspath(target)] = force
    watch_reads()


def _too_long(target: Path, limit: int | None = None) -> UsageError:
    size = len(os.fsencode(target.name))
    beyond = f"quá giới hạn {limit} byte của ổ đĩa" if limit else "quá dài với ổ đĩa"
    return UsageError(f"tên tệp '{target.name}' dài {size} byte, {beyond} — chọn tên ngắn hơn cho -o")


def _name_max(folder: Path) -> int | None:
    """The longest file name (in bytes) the folder's file system takes, where the system says."""
    try:
        value = os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # no pathconf on Windows
        return None
    return value if value > 0 else None


def _read_in_run(target: Path) -> bool:
    """True when ``target`` exists and is one of the files named or read in this run."""
    try:
        mine = os.stat(target)
    except OSError:
        return False
    for name in (*_run.inputs, *_run.reads):
        try:
            other = os.stat(name)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (mine.st_dev, mine.st_ino):
            return True
    return _bundled(target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_error(target: Path, exc: OSError) -> UsageError:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        hint = "ổ đĩa đã đầy; giải phóng chỗ trống hoặc ghi sang ổ khác"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "không có quyền ghi vào thư mục này; chọn thư mục khác (ví dụ thư mục Tài liệu của bạn)"
    elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
        hint = "thư mục chứa tệp không tồn tại; kiểm tra lại đường dẫn -o"
    elif exc.errno == errno.ENAMETOOLONG:
        hint = "tên tệp quá dài; chọn tên ngắn hơn"
    else:
        hint = "kiểm tra đường dẫn -o và chỗ trống trên ổ đĩa"
    return UsageError(f"không ghi được '{target}' ({reason}) — {hint}; không tệp nào bị thay đổi")


def _appeared(target: Path) -> UsageError:
    return UsageError(f"tệp '{target}' vừa được tạo trong lúc tusoi chạy nên không bị ghi đè — thêm --force để "
                      "ghi đè, hoặc chọn tên khác")


def _place_new(temp: str, target: Path) -> None:
    """Put ``temp`` at ``target`` only if no file has that name at this moment."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise _appeared(target) from None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EACCES, errno.EROFS, errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG):
            raise
        _place_new_without_links(temp, target)  # no hard links here (FAT/exFAT, some network shares)
        return
    os.unlink(temp)


def _place_new_without_links(temp: str, target: Path) -> None:
    if os.name == "nt":
        try:
            os.rename(temp, target)  # refuses an existing name on Windows
        except FileExistsError:
            raise _appeared(target) from None
        return
    held = _hold_signals()  # the claim must not outlive an interruption
    try:
        claim = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        claimed = os.fstat(claim)
        os.close(claim)
    except FileExistsError:
        _release_signals(held)
        raise _appeared(target) from None
    except BaseException:
        _release_signals(held)
        raise
    try:
        _release_signals(held)
        os.replace(temp, target)
    except BaseException:
        try:
            if os.path.samestat(os.stat(target), claimed):
                os.unlink(target)  # our empty claim, never anyone's file
        except OSError:
            pass
        raise


_STOP_SIGNALS = {s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None}


def _hold_signals() -> set[int] | None:
    """Block the stopping signals (POSIX); returns the mask to restore, or None where there is none."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        return None
    return {int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)}


def _release_signals(held: set[int] | None) -> None:
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def write_atomic(target: Path, data: bytes | Iterable[bytes], *, force: bool | None = None) -> None:
    """Write ``data`` (or its chunks, for large outputs) to a temporary file beside ``target``, then put it in
    place, so a crash or a signal never leaves a half-written file under the real name.

    ``force`` defaults to what :func:`check_target` recorded for ``target``; a target never checked is
    replaced (library use). Any failure (no permission, disk full, the name taken meanwhile) raises
    :class:`UsageError`, leaves an existing ``target`` exactly as it was and removes the temporary file.
    """
    key = os.path.abspath(target)
    planned = key in _run.plans
    overwrite = force if force is not None else _run.plans.get(key, True)
    if (planned or force is not None) and _read_in_run(target):
        raise _input_clash(target)
    if overwrite and os.path.islink(target) and os.path.isfile(target):
        # like the shell's ">": replace the file the link points to, and keep the link
        target = Path(os.path.realpath(target))
    # Ctrl-C, SIGTERM or SIGHUP between creating the temporary file and knowing its name would leave it
    # behind: hold them until the name is known, inside the block that removes the file.
    held = _hold_signals()
    try:
        handle, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)
    except OSError as exc:
        _release_signals(held)
        raise _write_error(target, exc) from None
    except BaseException:
        _release_signals(held)
        raise
    try:
        _release_signals(held)  # a signal that came meanwhile is raised here
        with os.fdopen(handle, "wb") as temp:
            for chunk in [data] if isinstance(data, bytes) else data:
                temp.write(chunk)
            temp.flush()
            os.fsync(temp.fileno())
        try:
            old_mode: int | None = os.stat(target).st_mode if overwrite else None
        except OSError:
            old_mode = None
        # mkstemp makes 0600; a new report is a normal file, a replaced one keeps its permissions
        os.chmod(temp_name, stat.S_IMODE(old_mode) if old_mode is not None and stat.S_ISREG(old_mode)
                 else 0o666 & ~_umask())
        if overwrite:
            os.replace(temp_name, target)
        else:
            _place_new(temp_name, target)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise _write_error(target, exc) from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def same_content(path: Path, data: bytes) -> bool:
    """True when ``path`` is a regular file holding exactly ``data``; reading it does not make it an input
    of the run (it is about to be written)."""
    watching, _run.watching = _run.watching, False
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
    finally:
        _run.watching = watching
