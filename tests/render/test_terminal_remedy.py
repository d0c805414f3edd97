from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..conftest import full_answers, member_yaml


def test_a_flagged_item_shows_its_own_words_and_deadline(invoke: Callable[..., Any],
                                                          write: Callable[[str, str], Path]) -> None:
    answers = full_answers(CT5="{muc_do: 1, bieu_hien: Còn nể nang, khac_phuc: Góp ý thẳng thắn, "
                               "han_khac_phuc: 30/06/2026}", CT6="{muc_do: 1, han_khac_phuc: 31/12/2026}")
    result = invoke("score", str(write("an.yaml", member_yaml(answers))))
    assert result.exit_code == 0, result.stderr
    lines = [line.strip("│ ") for line in result.stdout.splitlines()]
    at = lines.index("Biểu hiện: Còn nể nang")
    assert lines[at + 1] == "Khắc phục: Góp ý thẳng thắn (hạn 30/06/2026)"
    assert "Khắc phục:  (hạn 31/12/2026)" in lines
