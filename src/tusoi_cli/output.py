"""Writing outputs safely: never over an existing file without ``force``, never over an input, atomically."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError


def _same_file(a: Path, b: Path) -> bool:
    """True when ``a`` and ``b`` name one file (same path after symlinks, or hard links to one inode)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_target(target: Path, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse to write ``target`` when it is an input, a folder, not a regular file, exists and ``force``
    is off, or cannot be created where it is."""
    resolved = target.resolve()
    for source in inputs:
        if source.exists() and (source.resolve() == resolved or _same_file(source, target)):
            raise UsageError(f"tệp kết quả '{target}' trùng với tệp đầu vào — chọn tên khác cho -o")
    if target.is_dir():
        raise UsageError(f"'{target}' là một thư mục — ghi rõ tên tệp, ví dụ {target / 'ketqua.json'}")
    try:
        mode = target.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        # /dev/null, a pipe...: an atomic rename would replace the device itself
        raise UsageError(f"'{target}' không phải là một tệp thông thường — chọn một tên tệp khác cho -o")
    if mode is not None and not force:
        raise UsageError(f"tệp '{target}' đã có — thêm --force để ghi đè, hoặc chọn tên khác")
    parent = target.parent
    if not parent.exists():
        raise UsageError(f"thư mục '{parent}' không tồn tại — tạo thư mục trước hoặc chọn chỗ khác")
    if not parent.is_dir():
        raise UsageError(f"'{parent}' là một tệp, không phải thư mục — không thể ghi '{target}' vào đó; "
                         "chọn chỗ khác cho -o")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_error(target: Path, exc: OSError) -> UsageError:
    import errno

    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        hint = "ổ đĩa đã đầy; giải phóng chỗ trống hoặc ghi sang ổ khác"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "không có quyền ghi vào thư mục này; chọn thư mục khác (ví dụ thư mục Tài liệu của bạn)"
    elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
        hint = "thư mục chứa tệp không tồn tại; kiểm tra lại đường dẫn -o"
    else:
        hint = "kiểm tra đường dẫn -o và chỗ trống trên ổ đĩa"
    return UsageError(f"không ghi được '{target}' ({reason}) — {hint}; không tệp nào bị thay đổi")


def write_atomic(target: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (or its chunks, for large outputs) to a temporary file beside ``target``, then rename
    it into place, so a crash never leaves a half-written file under the real name.

    Any failure (no permission, disk full, the folder vanished) raises :class:`UsageError`, leaves an
    existing ``target`` exactly as it was and removes the temporary file.
    """
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _write_error(target, exc) from None
    try:
        with os.fdopen(handle, "wb") as temp:
            for chunk in [data] if isinstance(data, bytes) else data:
                temp.write(chunk)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, 0o666 & ~_umask())  # mkstemp makes 0600; a report is a normal file
        os.replace(temp_name, target)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise _write_error(target, exc) from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
