"""The progress bar shared by batch and tong-hop."""

from __future__ import annotations

import io

import pytest

from tusoi_cli.cli import progress


def test_without_a_terminal_the_work_gets_no_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress.sys, "stderr", io.StringIO())
    assert progress.with_progress(lambda advance: ("done", advance), "Đang chấm") == ("done", None)


def test_on_a_terminal_the_work_reports_its_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(progress.sys, "stderr", Terminal())
    seen = []

    def work(advance: object) -> str:
        assert callable(advance)
        for done in range(1, 4):
            advance(done, 3)
            seen.append(done)
        return "done"

    assert progress.with_progress(work, "Đang tổng hợp") == "done"
    assert seen == [1, 2, 3]
