"""Where the bundled rubrics are: found through the package ``tusoi_cli.rubrics``, not next to a module.

The folder is ``rubrics/`` at the repository's top level, shipped as package data; importlib.resources
finds it in a wheel, an editable install and a zipped install alike (a zipped one is extracted once to a
temporary folder that lives as long as the process, because the rubric loader reads real files).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from importlib import resources
from pathlib import Path

RUBRICS_PACKAGE = "tusoi_cli.rubrics"


@functools.cache
def bundled_dir() -> Path:
    """The folder of the bundled rubrics (``examples/`` and ``examples/members/`` inside it)."""
    root = resources.files(RUBRICS_PACKAGE)
    if isinstance(root, Path):
        return root
    # a MultiplexedPath (namespace package) or a zip entry: as_file gives a real folder
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    return Path(stack.enter_context(resources.as_file(root)))


def examples_dir() -> Path:
    """The example rubrics (and ``members/``, their example member files)."""
    return bundled_dir() / "examples"
