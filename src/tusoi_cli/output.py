"""Writing outputs safely: never over an existing file without ``force``, never over an input, atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError


def check_target(target: Path, *, force: bool, inputs: Iterable[Path] = ()) -> None:
    """Refuse to write ``target`` when it is an input, a folder, or exists and ``force`` is off."""
    resolved = target.resolve()
    for source in inputs:
        if source.exists() and source.resolve() == resolved:
            raise UsageError(f"tệp kết quả '{target}' trùng với tệp đầu vào — chọn tên khác cho -o")
    if target.is_dir():
        raise UsageError(f"'{target}' là một thư mục — ghi rõ tên tệp, ví dụ {target / 'ketqua.json'}")
    if target.exists() and not force:
        raise UsageError(f"tệp '{target}' đã có — thêm --force để ghi đè, hoặc chọn tên khác")
    if not target.parent.exists():
        raise UsageError(f"thư mục '{target.parent}' không tồn tại — tạo thư mục trước hoặc chọn chỗ khác")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(target: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (or its chunks, for large outputs) to a temporary file beside ``target``, then rename
    it into place, so a crash never leaves a half-written file under the real name."""
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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
        raise UsageError(f"không ghi được '{target}': {exc.strerror or exc}") from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
