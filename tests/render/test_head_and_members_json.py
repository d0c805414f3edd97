from __future__ import annotations

import json
from typing import Any

import pytest

from tusoi_cli.render.data import head_and_members_json


@pytest.mark.parametrize("rows", [[], [{"a": 1}], [{"a": 1}, {"b": [1, "ă"]}]])
def test_the_head_indented_then_one_member_a_line(rows: list[dict[str, Any]]) -> None:
    head = {"tool": "tusoi", "periods": [{"name": "kỳ 1"}]}
    text = "".join(head_and_members_json(head, rows, dict))
    assert json.loads(text) == {**head, "members": rows}
    assert text.startswith(json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "members": [')
    assert text.count("\n") == 9 + len(rows) + (1 if rows else 0)
    assert text.endswith("\n  ]\n}\n" if rows else "[]\n}\n")
