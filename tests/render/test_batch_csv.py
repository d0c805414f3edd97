"""`tusoi batch -o .csv`: each row, written from the compact member, says what the member's detailed result says,
over every kind of member (the CSV writer and the scorer of one member agree)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tusoi_cli import load_rubric
from tusoi_cli.api import read_batch
from tusoi_cli.render.csvfile import batch_csv, safe_text

from ..conftest import EXAMPLES
from .test_batch_json import CELLS, POINT_CELLS, item_ids, write_sheet


def _g(number: float) -> str:
    return f"{number:g}"


@pytest.mark.parametrize(("rubric_name", "cells"), [("tusoi-mac-dinh", CELLS),
                                                    (str(EXAMPLES.parent / "rubrics/examples/khung-366.yaml"),
                                                     POINT_CELLS)])
def test_every_row_says_what_the_detailed_result_says(tmp_path: Path, rubric_name: str, cells: list[object]) -> None:
    rubric = load_rubric(rubric_name)
    batch = read_batch(write_sheet(tmp_path / "chibo.csv", rubric, 600, cells, seed=29), rubric)
    text = b"".join(batch_csv(batch, chunk_rows=50)).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == len(batch.members) == 600
    ids = item_ids(rubric)
    states = set()
    for number, (row, member, result) in enumerate(zip(rows, batch.members, batch.results, strict=True), start=1):
        rated = result.level is not None
        assert (row["stt"], row["dong"]) == (str(number), str(member.line))
        assert (row["ho_ten"], row["ma_dang_vien"]) == (safe_text(result.ho_ten), result.ma_dang_vien or "")
        assert (row["score"], row["level"], row["score_level"]) == (_g(result.score), result.level or "",
                                                                     result.score_level or "")
        assert row["level_label"] == (safe_text(result.level_label) if rated else "")
        assert (row["self_level"], row["self_comparison"]) == (result.self_level or "", result.self_comparison or "")
        assert row["caps"] == ";".join(cap.id for cap in result.caps)
        assert (row["flagged"], row["unanswered"], row["not_applicable"], row["invalid"]) == (
            ";".join(result.flagged), ";".join(result.unanswered), ";".join(result.not_applicable),
            ";".join(result.invalid))
        assert (row["status"], row["complete"], row["ky_luat"], row["ky_luat_form"]) == (
            result.status, "1" if result.complete else "0", "1" if result.ky_luat else "0", result.ky_luat_form or "")
        assert [row[f"points_{s.id}"] for s in result.sections] == [_g(s.points) for s in result.sections]
        # the rater slots: the other slots' levels, the final level and the flags (slot:kind[:cap])
        assert (row["cell_committee_level"], row["party_committee_level"], row["final_level"]) == (
            "", "", result.final_level or "")
        assert row["rating_flags"] == ";".join(f"{f.slot}:{f.kind}" + (f":{f.cap}" if f.cap else "")
                                               for f in result.rating_flags)
        by_id = {item.id: item for item in result.items}
        expected = {"answered": lambda v: _g(v), "na": lambda v: "na", "invalid": lambda v: "!",
                    "unanswered": lambda v: ""}
        assert [row[i] for i in ids] == [expected[by_id[i].state](by_id[i].value) for i in ids]
        states.update((result.status, *(item.state for item in result.items)))
        states.update(f.kind for f in result.rating_flags)
    assert states == {"reviewed", "exempt", "not_reviewed", "answered", "unanswered", "na", "invalid", "above_cap",
                      "above_level"}
