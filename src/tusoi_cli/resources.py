"""Where the bundled rubrics are: found through the package ``tusoi_cli.rubrics``, not next to a module.

The folder is ``rubrics/`` at the repository's top level, shipped as package data; importlib.resources
finds it in a wheel, an editable install and a zipped install alike (a zipped one is extracted once to a
temporary folder that lives as long as the process, because the rubric loader reads real files).
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

RUBRICS_PACKAGE = "tusoi_cli.rubrics"


@functools.cache
def bundled_dir() -> Path:
    """The folder of the bundled rubrics (``examples/`` and ``examples/members/`` inside it)."""
    root = resources.files(RUBRICS_PACKAGE)
    if isinstance(root, Path):
        return root
    # inside a zip: copied once to a temporary folder (Python 3.11's as_file copies single files only)
    folder = Path(tempfile.mkdtemp(prefix="tusoi-rubrics-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    _copy(root, folder)
    return folder


def _copy(source: Traversable, target: Path) -> None:
    for entry in source.iterdir():
        if entry.is_dir():
            (target / entry.name).mkdir()
            _copy(entry, target / entry.name)
        elif entry.name.endswith((".yaml", ".yml")):
            (target / entry.name).write_bytes(entry.read_bytes())


def examples_dir() -> Path:
    """The example rubrics (and ``members/``, their example member files)."""
    return bundled_dir() / "examples"
