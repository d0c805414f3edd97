"""The rubric rule on the previous period: applied, passed, or "chưa kiểm tra" (never passed without data)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tusoi_cli.resources import bundled_dir

from ..conftest import full_answers, member_yaml

Invoke = Callable[..., Any]
Write = Callable[[str, str], Path]
RUBRIC = str(bundled_dir().resolve() / "examples" / "xep-loai-hoan-thanh.yaml")
CAP = "ky_truoc_chua_khac_phuc"


def scored(invoke: Invoke, write: Write, tail: str, *, rubric: str = RUBRIC, **answers: object) -> dict[str, Any]:
    path = write("an.yaml", member_yaml(full_answers(**answers)) + tail)
    result = invoke("score", str(path), "--rubric", rubric, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_without_the_previous_period_the_rule_is_not_checked_and_the_top_level_provisional(
        invoke: Invoke, write: Write) -> None:
    data = scored(invoke, write, "")
    assert (data["score"], data["level"], data["caps"]) == (100, "htxs", [])
    assert [c["id"] for c in data["caps_not_checked"]] == [CAP]
    assert data["caps_not_checked"][0]["at_most"] == "htt"
    assert data["complete"] is False  # never reported as passed
    table = invoke("score", str(Path(data["source"])), "--rubric", RUBRIC)
    text = " ".join(table.stdout.replace("│", " ").split())  # the panel's lines joined, without its border
    assert "Chưa kiểm tra (không coi là đạt)" in text
    assert "tạm tính — chưa kiểm tra: Còn hạn chế, khuyết điểm của kỳ trước chưa khắc phục xong" in text


@pytest.mark.parametrize(("tail", "level", "applied", "not_checked"), [
    ("ky_truoc: []\n", "htxs", [], []),  # stated: nothing to carry
    ("ky_truoc:\n  - muc: CT5\n    ket_qua: đã\n", "htxs", [], []),
    ("ky_truoc:\n  - muc: CT5\n    ket_qua: đã\n  - muc: DL6\n    ket_qua: đang\n", "htt", [CAP], []),
    ("ky_truoc:\n  - muc: CT5\n    ket_qua: chưa\n", "htt", [CAP], []),
    ("ky_truoc:\n  - muc: CT5\n    ket_qua: đã\n  - muc: DL6\n", "htxs", [], [CAP]),  # a result left blank
])
def test_the_rule_checked_from_the_member_results(invoke: Invoke, write: Write, tail: str, level: str,
                                                 applied: list[str], not_checked: list[str]) -> None:
    data = scored(invoke, write, tail)
    assert data["level"] == level
    assert [c["id"] for c in data["caps"]] == applied
    assert [c["id"] for c in data["caps_not_checked"]] == not_checked
    assert data["complete"] is not not_checked


def test_a_rule_that_could_not_lower_the_level_leaves_it_final(invoke: Invoke, write: Write) -> None:
    data = scored(invoke, write, "", D4=1)  # a prohibition breached: at most ht, below the rule's htt
    assert (data["level"], [c["id"] for c in data["caps"]]) == ("ht", ["vi_pham_dieu_cam"])
    assert [c["id"] for c in data["caps_not_checked"]] == [CAP]
    assert data["complete"] is True


def test_a_rubric_without_the_rule_checks_nothing(invoke: Invoke, write: Write) -> None:
    data = scored(invoke, write, "", rubric="tusoi-mac-dinh")
    assert (data["level"], data["caps_not_checked"], data["complete"]) == ("tot", [], True)
