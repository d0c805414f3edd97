"""The batch reader against sheets LibreOffice made (tests/fixtures/sheets), checked by hand in expected.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tusoi_cli import InputError, load_rubric
from tusoi_cli.api import read_batch
from tusoi_cli.read.sheet.tables import column_letter

SHEETS = Path(__file__).resolve().parents[1] / "fixtures" / "sheets"
EXPECTED: dict[str, dict[str, Any]] = json.loads((SHEETS / "expected.json").read_text(encoding="utf-8"))
CASES = [(key, SHEETS / name) for key, spec in EXPECTED.items() for name in spec["files"]]


@pytest.mark.parametrize(("key", "path"), CASES, ids=[p.name for _, p in CASES])
def test_sheet_gives_the_hand_computed_results(key: str, path: Path) -> None:
    spec = EXPECTED[key]
    if not spec["members"]:  # a file that must be refused as a whole
        with pytest.raises(InputError, match="không phải mã UTF-8"):
            read_batch(path, load_rubric())
        return
    batch = read_batch(path, load_rubric())
    got = [(row, r.ho_ten, r.score, r.score_level, r.level, [c.id for c in r.caps])
           for row, r in zip(batch.rows, batch.results, strict=True)]
    want = [(m["row"], m["ho_ten"], m["score"], m["score_level"], m["level"], m["caps"]) for m in spec["members"]]
    assert got == want
    assert batch.blank_rows == spec["blank_rows"]
    assert batch.ignored_rows == spec["ignored_rows"]
    # only rows that no name ties to a person fail; a member with a bad cell stays, the problem names them
    assert batch.failed_rows == [e["row"] for e in spec["errors"] if e["ho_ten"] is None]
    for error in spec["errors"]:
        located = [p for p in batch.problems if p.line == error["row"]]
        assert any(p.column is not None and column_letter(p.column) == error["column"] for p in located), located
        if error["ho_ten"] is not None:
            assert all(error["ho_ten"] in p.message for p in located), located
            kept = next(r for row, r in zip(batch.rows, batch.results, strict=True) if row == error["row"])
            assert kept.invalid == [error["header"]] and kept.complete is False
    assert [(row, r.invalid) for row, r in zip(batch.rows, batch.results, strict=True)] == [
        (m["row"], m["invalid"]) for m in spec["members"]]
    scored, failed = len(batch.results), len(batch.failed_rows)
    assert scored + failed + batch.blank_rows + len(batch.ignored_rows) == len(spec["members"]) + len(
        [e for e in spec["errors"] if e["ho_ten"] is None]) + spec["blank_rows"] + len(spec["ignored_rows"])
