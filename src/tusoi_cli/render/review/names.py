"""File names of a cell's review documents: the row number and the name folded to ASCII (07-nguyen-van-an.docx)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tusoi_cli.text import fold

_NOT_NAME = re.compile(r"[^a-z0-9]+")
MAX_STEM = 80  # bytes: far below any file system's limit, with room for the number and a suffix


def review_file_names(members: Sequence[tuple[int | None, str]], suffix: str) -> list[str]:
    """One distinct file name per (number, full name), in order; a name met again gets -2, -3..."""
    width = max(2, *(len(str(number)) for number, _ in members if number is not None)) if members else 2
    taken: set[str] = set()
    names = []
    for number, full_name in members:
        stem = _NOT_NAME.sub("-", fold(full_name)).strip("-")[:MAX_STEM].strip("-") or "dang-vien"
        if number is not None:
            stem = f"{number:0{width}d}-{stem}"
        name, count = stem + suffix, 1
        while name.casefold() in taken:  # case-insensitive file systems (Windows, macOS) too
            count += 1
            name = f"{stem}-{count}{suffix}"
        taken.add(name.casefold())
        names.append(name)
    return names
