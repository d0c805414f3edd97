"""The progress bar of the long commands (batch, tong-hop), on stderr when the terminal can show one."""

from __future__ import annotations

import sys
from typing import Any

from tusoi_cli.cli.errors import stderr


def with_progress(work: Any, label: str) -> Any:
    """Run ``work(progress)`` with a progress bar titled ``label`` on stderr when the terminal can show one
    (``progress(done, total)``), else ``work(None)``."""
    if not sys.stderr.isatty():
        return work(None)
    from rich.progress import Progress

    with Progress(console=stderr(), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return work(advance)
