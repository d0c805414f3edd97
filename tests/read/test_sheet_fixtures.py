"""The spreadsheet fixtures of tests/fixtures/sheets/: present, small, readable, and expected.json consistent.

This checks the fixtures themselves (and the hand-computed expectations against the scoring engine);
the batch reader's own tests load expected.json and compare its output with it.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
import unicodedata
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tusoi_cli.read.rubric_loader import load_rubric

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHEETS = FIXTURES / "sheets"
EXPECTED: dict[str, dict[str, Any]] = json.loads((SHEETS / "expected.json").read_text(encoding="utf-8"))
ALL_FILES = [(key, name) for key, spec in EXPECTED.items() for name in spec["files"]]
SPREADSHEETS = [(key, name) for key, name in ALL_FILES if not name.endswith(".csv")]


@functools.cache
def make_sheets() -> ModuleType:
    """tests/fixtures/make_sheets.py, imported from its path (tests/fixtures is not a package)."""
    spec = importlib.util.spec_from_file_location("tusoi_make_sheets", FIXTURES / "make_sheets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("key", "name"), ALL_FILES)
def test_file_exists_and_is_small(key: str, name: str) -> None:
    path = SHEETS / name
    assert path.is_file(), f"{name} missing: run python tests/fixtures/make_sheets.py"
    assert path.stat().st_size < 30_000


def test_expected_json_is_the_script_data() -> None:
    assert json.loads(json.dumps(make_sheets().EXPECTED, ensure_ascii=False)) == EXPECTED


def test_readme_lists_every_file() -> None:
    readme = (SHEETS / "README.md").read_text(encoding="utf-8")
    for _, name in ALL_FILES:
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_expectations_follow_the_default_rubric(key: str) -> None:
    rubric = load_rubric("tusoi-mac-dinh")
    ranks = [level.id for level in rubric.levels]
    caps = {cap.id: cap.at_most for cap in rubric.caps}
    for m in EXPECTED[key]["members"]:
        assert m["score"] == max(0, 100 - sum(m["deductions"].values())), m
        thresholds = {level.id: level.min_score for level in rubric.levels}
        score_level = next(lv for lv in ranks if thresholds[lv] is None or m["score"] >= thresholds[lv])
        assert m["score_level"] == score_level, m
        worst = max([ranks.index(score_level)] + [ranks.index(caps[c]) for c in m["caps"]])
        assert m["level"] == ranks[worst], m
        assert m["ho_ten"] == unicodedata.normalize("NFC", m["ho_ten"]).strip()
    # every row is a member or a failed row (no name), never both; a member's bad cell is an error of its row
    failed = [e["row"] for e in EXPECTED[key]["errors"] if e["ho_ten"] is None]
    rows = [m["row"] for m in EXPECTED[key]["members"]] + failed
    assert len(rows) == len(set(rows))
    members = {m["row"]: m for m in EXPECTED[key]["members"]}
    for error in EXPECTED[key]["errors"]:
        if error["ho_ten"] is not None:
            assert members[error["row"]]["invalid"] == [error["header"]], error


def test_hand_computed_results_match_the_scoring_engine(capsys: pytest.CaptureFixture[str]) -> None:
    assert make_sheets().check() == 0, capsys.readouterr().out


def _rows(path: Path) -> list[list[object]]:
    calamine = pytest.importorskip("python_calamine")
    return list(calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())


@pytest.mark.parametrize(("key", "name"), SPREADSHEETS)
def test_spreadsheet_rows_hold_the_expected_members(key: str, name: str) -> None:
    rows = _rows(SHEETS / name)
    spec = EXPECTED[key]
    header = rows[spec["header_row"] - 1]
    assert header[:2] == ["STT", "Họ và tên"]
    assert [str(h).split()[0].rstrip(".:") for h in header[7:]] == make_sheets().ITEMS
    for m in spec["members"]:
        cell = rows[m["row"] - 1][1]
        assert isinstance(cell, str)
        assert unicodedata.normalize("NFC", cell).strip() == m["ho_ten"]
    for e in spec["errors"]:
        assert any(v != "" for v in rows[e["row"] - 1][7:])  # error rows do hold answers
    body = rows[spec["header_row"]:]
    blank = sum(1 for r in body if all(v == "" for v in r))
    assert blank == spec["blank_rows"]
    member_rows = {m["row"] for m in spec["members"]} | {e["row"] for e in spec["errors"]} | set(spec["ignored_rows"])
    non_blank = {i for i, r in enumerate(rows, 1) if i > spec["header_row"] and any(v != "" for v in r)}
    assert non_blank == member_rows  # every non-blank row is accounted for


def test_converted_cell_types() -> None:
    """What LibreOffice made of the CSV cells (see sheets/README.md, "What LibreOffice did")."""
    rows = _rows(SHEETS / "chibo-mau.xlsx")
    assert rows[5][2] == "01.2345"  # quoted code: text, leading zero kept
    assert rows[8][2] == 2.0417  # unquoted "02.0417": became a number
    assert rows[10][7] == "0" and rows[10][10] == "1"  # numbers stored as text
    assert rows[5][7] == 0.0  # plain numbers: numbers (calamine gives floats for xlsx/ods)
    assert rows[11][1] == "Võ Thị Ánh   "  # trailing spaces kept
    assert not unicodedata.is_normalized("NFC", str(rows[8][1]))  # NFD name kept as NFD
    assert rows[4][25] == "DB1\nPhủ nhận nền tảng tư tưởng"  # line break inside the header cell
    xls = _rows(SHEETS / "chibo-mau.xls")
    assert xls[5][7] == 0 and isinstance(xls[5][7], int)  # .xls integral numbers come back as int


def test_csv_variants_decode_to_the_same_rows() -> None:
    import csv
    import io

    variants = SHEETS / "csv-variants"

    def read(name: str, encoding: str, delimiter: str) -> list[list[str]]:
        text = (variants / name).read_bytes().decode(encoding)
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))

    base = read("chibo-3-utf8.csv", "utf-8", ",")
    assert read("chibo-3-utf8-bom.csv", "utf-8-sig", ",") == base
    assert read("chibo-3-utf16-tab.csv", "utf-16", "\t") == base
    assert read("chibo-3-semicolon.csv", "utf-8-sig", ";") == base
    with pytest.raises(UnicodeDecodeError):
        (variants / "chibo-3-cp1258.csv").read_bytes().decode("utf-8")
    cp1258 = read("chibo-3-cp1258.csv", "cp1258", ";")
    assert [[unicodedata.normalize("NFC", c) for c in r] for r in cp1258] == base
