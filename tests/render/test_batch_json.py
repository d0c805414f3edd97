"""`tusoi batch -o .json`: records written from the compact members equal, byte for byte, the records of the
members' detailed results (the documented format), over every kind of member."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tusoi_cli import load_rubric
from tusoi_cli.api import batch_meeting, read_batch, summarize
from tusoi_cli.model import Rubric
from tusoi_cli.render.data import batch_json

from ..conftest import EXAMPLES

Invoke = Callable[..., Any]
FIELDS = ["STT", "Họ và tên", "Mã đảng viên", "Chức vụ", "Tự xếp loại", "Kỷ luật", "Trạng thái",
          "Chi bộ xếp loại", "Lý do"]
# every way a cell is answered, left blank, marked not applicable or written wrongly
CELLS = [0, 0, 0, 0, 1, 1, 2, 3, "", "", "na", "KAD", 7, "abc", "-0", "có", "mức 2", "1.0", "x\u202ey"]
POINT_CELLS = [0, 0, 1.25, 2.5, 10, "", "na", 0.3, 99, "x", 7.75, "-0", "x\u202ey"]
NAMES = ["Nguyễn Văn An", "=HYPERLINK(\"x\")", "Lê \u202eThị\u202c Bình", "Trần \x85Hà", "  Phạm Minh Đức "]
DISCIPLINE = ["", "", "", "có", "khiển trách", "cảnh cáo", "cách chức", "khai trừ", "không"]
STATUS = ["", "", "", "", "miễn: nghỉ sinh hoạt", "chưa kiểm điểm", "đã kiểm điểm", "vắng"]


def item_ids(rubric: Rubric) -> list[str]:
    return [item.id for _, item in rubric.items()]


def write_sheet(path: Path, rubric: Rubric, members: int, cells: list[Any], seed: int) -> Path:
    """A cell's CSV sheet: ``members`` rows mixing every state, status, discipline form, cap and level."""
    rng = random.Random(seed)
    ids = item_ids(rubric)
    levels = ["", *(level.label for level in rubric.levels), "xuất sắc?"]  # the last is no level: a row problem
    rows: list[list[Any]] = [["CHI BỘ THỬ"], [], [*FIELDS, *ids]]
    for n in range(1, members + 1):
        kind = rng.random()
        if kind < 0.05:
            answers = [""] * len(ids)  # answered nothing: not reviewed
        elif kind < 0.30:
            answers = [0] * len(ids)
            for _ in range(rng.randrange(1, 4)):
                answers[rng.randrange(len(ids))] = rng.choice(cells[:8])
        else:
            answers = [rng.choice(cells) for _ in ids]
        rows.append([n, rng.choice(NAMES), f"{n:06d}" if rng.random() < 0.8 else "", rng.choice(["", "Bí thư"]),
                     rng.choice(levels), rng.choice(DISCIPLINE), rng.choice(STATUS), rng.choice(levels),
                     rng.choice(["", "họp chi bộ 12/2026", "\u2066lý do\u2069"]), *answers])
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def both(source: Path, rubric: Rubric) -> tuple[bytes, bytes]:
    batch = read_batch(source, rubric)
    summary = summarize(batch)
    return b"".join(batch_json(batch, summary)), b"".join(batch_json(batch, summary, detailed=True))


@pytest.mark.parametrize(("rubric_name", "cells"), [("tusoi-mac-dinh", CELLS),
                                                    (str(EXAMPLES.parent / "rubrics/examples/khung-366.yaml"),
                                                     POINT_CELLS)])
def test_fast_records_equal_the_detailed_ones_byte_for_byte(tmp_path: Path, rubric_name: str,
                                                            cells: list[Any]) -> None:
    rubric = load_rubric(rubric_name)
    fast, reference = both(write_sheet(tmp_path / "chibo.csv", rubric, 800, cells, seed=13), rubric)
    assert fast == reference
    members = json.loads(fast)["members"]
    assert len(members) == 800
    # the sheet did exercise every kind of member the fast path must get right
    seen = {(key, str(value)) for m in members for key, value in m.items() if not isinstance(value, list | dict)}
    assert {("status", s) for s in ("reviewed", "exempt", "not_reviewed")} <= seen
    assert {("ky_luat_form", f) for f in ("khien_trach", "canh_cao", "cach_chuc", "khai_tru", "None")} <= seen
    assert {("self_comparison", c) for c in ("higher", "same", "lower", "None")} <= seen
    assert {("complete", "True"), ("complete", "False")} <= seen
    assert {item["state"] for m in members for item in m["items"]} == {"answered", "unanswered", "na", "invalid"}
    assert any(m["caps"] for m in members) and any(m["next_level"] for m in members)
    assert any(not m["next_level"] for m in members if m["level"])
    # an invalid cell's text is quoted in its error, escaped so that it cannot reorder a terminal's line
    assert "x\\u202ey" in fast.decode("utf-8") and "\u202e" not in fast.decode("utf-8")


def test_members_with_details_from_a_folder_keep_them(tmp_path: Path) -> None:
    fast, reference = both(EXAMPLES, load_rubric())
    assert fast == reference
    items = [item for m in json.loads(fast)["members"] for item in m["items"]]
    assert any(item["bieu_hien"] for item in items) and any(item["han_khac_phuc"] for item in items)


def test_cli_writes_the_reference_text_and_the_result_schema_validates_it(invoke: Invoke, tmp_path: Path) -> None:
    rubric = load_rubric()
    sheet = write_sheet(tmp_path / "chibo.csv", rubric, 300, CELLS, seed=7)
    out = tmp_path / "kq.json"
    invoke("batch", str(sheet), "-o", str(out))
    batch = read_batch(sheet, rubric)
    # the command adds the quota check and who is missing a level (engine.quota.batch_meeting) to the tail
    reference = b"".join(batch_json(batch, summarize(batch), detailed=True, meeting=batch_meeting(batch)))
    assert out.read_bytes() == reference
    assert json.loads(reference)["quota"] is None  # the default rubric declares none
    jsonschema = pytest.importorskip("jsonschema")
    schema = jsonschema.Draft202012Validator(json.loads(invoke("schema", "result").stdout))
    for member in json.loads(reference)["members"]:
        assert list(schema.iter_errors(member)) == []


def test_fast_records_of_members_carrying_the_previous_period(tmp_path: Path) -> None:
    """The two previous-period columns and the rubric rule on them: the same text both ways."""
    rubric = load_rubric(str(EXAMPLES.parent / "rubrics/examples/xep-loai-hoan-thanh.yaml"))
    sheet = write_sheet(tmp_path / "chibo.csv", rubric, 300, CELLS, seed=29)
    rows = list(csv.reader(sheet.open(encoding="utf-8-sig")))
    rng = random.Random(5)
    listed = ["", "không có", "CT5 (mức 1) — Nể nang: Còn nể nang; khắc phục: Góp ý; hạn 30/06/2026\nDL6 (mức 2)",
              "DB2", "CT55: lạ"]
    results = ["", "CT5: đã; DL6: đang", "CT5: đã; DL6: đã", "DB2: chưa", "DB2:", "CT5: ok", "D4: đã"]
    rows[2] += ["Hạn chế kỳ trước", "Kết quả khắc phục"]
    for row in rows[3:]:
        row += [rng.choice(listed), rng.choice(results)]
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    fast, reference = both(sheet, rubric)
    assert fast == reference
    members = json.loads(fast)["members"]
    kinds = {(m["previous_shortcomings"] is None, bool(m["caps_not_checked"]), bool(m["caps"])) for m in members}
    assert {(True, True, False), (False, False, False), (False, False, True)} <= kinds


def test_fast_records_with_a_previous_period_file(tmp_path: Path) -> None:
    """batch --ky-truoc: observed states, warnings and the rule, the same text both ways."""
    from tusoi_cli.api import follow_previous_batch, read_previous

    rubric = load_rubric(str(EXAMPLES.parent / "rubrics/examples/xep-loai-hoan-thanh.yaml"))
    old = write_sheet(tmp_path / "2025.csv", rubric, 300, CELLS, seed=31)
    batch = read_batch(write_sheet(tmp_path / "2026.csv", rubric, 300, CELLS, seed=37), rubric)
    follow_previous_batch(batch, read_previous(old, rubric))
    summary = summarize(batch)
    fast = b"".join(batch_json(batch, summary))
    assert fast == b"".join(batch_json(batch, summary, detailed=True))
    observed = {p["observed"] for m in json.loads(fast)["members"] for p in m["previous_shortcomings"] or []}
    assert {"fixed", "improved", "unchanged", "worse", "not_answered"} <= observed
