"""Shared fixtures: a CLI runner over the real typer app, and factories for member and rubric files."""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tusoi_cli.cli import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# The tests never read or write the user's rubric cache: a warm cache built by other code would hide
# loader bugs. One fresh cache per test session, inherited by the subprocesses the tests start.
_CACHE_DIR = tempfile.mkdtemp(prefix="tusoi-test-cache-")
os.environ["TUSOI_CACHE_DIR"] = _CACHE_DIR
os.environ.pop("TUSOI_NO_CACHE", None)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)


_DEBIAN_PACKAGES = {"soffice": "libreoffice-calc-nogui", "pdftotext": "poppler-utils", "pdftoppm": "poppler-utils"}


def need_tool(name: str) -> str:
    """The path of an outside program a test needs. Where it is missing the test is skipped with the reason
    (shown by `pytest -rs`); in CI (`CI` set, where .ci/run installs it) a missing program is a failure, so
    no claim quietly stops being checked."""
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed (Debian package {_DEBIAN_PACKAGES.get(name, name)})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; .ci/run should have installed it")
        pytest.skip(message)
    return found


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner: CliRunner) -> Callable[..., object]:
    """Run ``tusoi ARGS`` through the real command tree; stdout and stderr stay separate."""

    def run(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented text file under tmp_path and return its path."""

    def make(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return make


def member_yaml(answers: dict[str, object] | None = None, **header: object) -> str:
    """A member file with the given answers (item id -> value) and header overrides."""
    lines = [f"ky_danh_gia: \"{header.pop('ky_danh_gia', '2026')}\"",
             "dang_vien:", f"  ho_ten: {header.pop('ho_ten', 'Nguyễn Văn Thử')}", "  chi_bo: Chi bộ Thử nghiệm"]
    for key, value in header.items():
        lines.append(f"{key}: {value}")
    lines.append("danh_gia:")
    for item, value in (answers or {}).items():
        lines.append(f"  {item}: {value}")
    if not answers:
        lines[-1] = "danh_gia: {}"
    return "\n".join(lines) + "\n"


ALL_ITEMS = ([f"CT{i}" for i in range(1, 10)] + [f"DL{i}" for i in range(1, 10)]
             + [f"DB{i}" for i in range(1, 10)] + [f"D{i}" for i in range(1, 20)])


def full_answers(**overrides: object) -> dict[str, object]:
    """Every default-rubric item answered 0, with some overridden."""
    answers: dict[str, object] = dict.fromkeys(ALL_ITEMS, 0)
    answers.update(overrides)
    return answers
