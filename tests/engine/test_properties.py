"""Properties of the whole tool, checked with hypothesis on generated inputs.

- loaders never raise anything but the tool's own error type, whatever the bytes or the YAML;
- scoring is monotonic, never exceeds an applicable cap, and matches a reference model;
- the same input always gives the same output (also across CSV and .xlsx);
- every input row is accounted for: scored + failed + blank + total rows = rows below the header;
- text from inputs never becomes a formula in the .csv or .xlsx outputs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tusoi_cli import load_rubric, load_rubric_file
from tusoi_cli.api import read_batch
from tusoi_cli.engine.scoring import compile_rubric, score_values
from tusoi_cli.errors import TusoiError
from tusoi_cli.model import Rubric
from tusoi_cli.model.batch import BatchResult
from tusoi_cli.read.member_reader import read_member
from tusoi_cli.read.sheet.tables import read_tables
from tusoi_cli.read.yaml_reader import decode_text, load_yaml
from tusoi_cli.render.csvfile import batch_csv
from tusoi_cli.render.excel.report import write_report

from ..read.test_rubrics import ADDING_RUBRIC

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sheets"
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DEFAULT = load_rubric()


def _adding_rubric() -> Rubric:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "khung.yaml"
        path.write_text(textwrap.dedent(ADDING_RUBRIC).lstrip("\n"), encoding="utf-8")
        return load_rubric_file(path)


ADDING = _adding_rubric()
RUBRICS = {"tusoi-mac-dinh": DEFAULT, "khung-100-diem": ADDING}


# --------------------------------------------------------------------------- loaders: only TusoiError


@FAST
@given(st.binary(max_size=2000))
def test_decode_and_load_yaml_raise_only_tusoi_errors_on_any_bytes(raw: bytes) -> None:
    with contextlib.suppress(TusoiError):
        load_yaml(decode_text(raw, "f.yaml"), "f.yaml")


@FAST
@given(st.text(max_size=500))
def test_load_yaml_raises_only_tusoi_errors_on_any_text(text: str) -> None:
    with contextlib.suppress(TusoiError):
        load_yaml(text, "f.yaml")


_KEYS = st.sampled_from(["dang_vien", "ho_ten", "danh_gia", "ky_luat", "tu_xep_loai", "chi_bo_xep_loai", "ly_do",
                         "ky_danh_gia", "bo_tieu_chi", "muc_do", "bieu_hien", "han_khac_phuc", "CT1", "DB2", "D4",
                         "ct 1", "X9", "answers", "rubric", "ma_dang_vien", "chi_bo"]) | st.text(max_size=8)
_SCALARS = (st.none() | st.booleans() | st.integers(-5, 200) | st.floats(allow_nan=True) | st.dates()
            | st.sampled_from(["na", "x", "Có", "không", "kha", "Tốt", "2", "0,5", "=1+1", "tusoi-mac-dinh", "nq04",
                               "../khong-co.yaml", "30/06/2026", "~", ""]) | st.text(max_size=12))
_DOCS = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=6),
                     max_leaves=25)


@FAST
@given(st.dictionaries(_KEYS, _DOCS, max_size=8) | _DOCS)
def test_read_member_raises_only_tusoi_errors_on_any_yaml(data: Any) -> None:
    raw = yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    try:
        read = read_member(None, stdin_bytes=raw)
    except TusoiError:
        return
    assert read.evaluation.member.ho_ten


@FAST
@given(st.binary(max_size=3000))
def test_read_member_raises_only_tusoi_errors_on_any_bytes(raw: bytes) -> None:
    with contextlib.suppress(TusoiError):
        read_member(None, stdin_bytes=raw)


_MAGIC = st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe",
                          b"<html>", b"<?xml"])


@FAST
@given(_MAGIC, st.binary(max_size=3000), st.sampled_from([".xlsx", ".csv", ".xls", ".ods", ".txt"]))
def test_sheet_loaders_raise_only_tusoi_errors_on_any_bytes(tmp_path: Path, magic: bytes, raw: bytes,
                                                            suffix: str) -> None:
    path = tmp_path / f"f{suffix}"
    path.write_bytes(magic + raw)
    for load in (lambda: read_tables(path), lambda: read_batch(path, DEFAULT)):
        with contextlib.suppress(TusoiError):
            load()


def _in_child(function: str) -> None:
    """Run a property in a fresh process under a memory limit: an abort in a reader must fail the test,
    not end the test run."""
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024**2, 1536 * 1024**2))\n"
            f"from tests.engine.test_properties import {function}\n{function}()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]


_REFS = st.one_of(
    st.builds(lambda col, row: f"{col}{row}", st.sampled_from(["A", "B", "Z", "AZ", "BA", "ZZ", "XFD", "xfd", "AAA"]),
              st.sampled_from([1, 2, 5, 9, 99, 1000, 312_500, 1_048_576, 9_999_999])),
    st.sampled_from(["", "A", "1", "A0", "&#88;FD1048576", " B2 "]))
_CELL = st.builds(
    lambda ref, quote, value, kind: (f"<c r={quote}{ref}{quote}{kind}><v>{value}</v></c>" if ref
                                     else f"<c{kind}><v>{value}</v></c>"),
    _REFS, st.sampled_from(['"', "'"]), st.sampled_from(["1", "0", "#N/A", "x", ""]),
    st.sampled_from(["", ' t="e"', ' t="s"', ' t="n"', ' t="str"']))
_ROW = st.builds(lambda number, cells: (f'<row r="{number}">' if number else "<row>") + "".join(cells) + "</row>",
                 st.sampled_from([0, 1, 3, 1_048_576, 70_000]), st.lists(_CELL, max_size=4))


def _sheet_with(rows: Sequence[str]) -> bytes:
    """A real .xlsx whose sheet data is replaced by ``rows`` (hand-written XML)."""
    source = FIXTURES / "chibo-mau.xlsx"
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, rest = body.split(b"<sheetData>", 1)
                body = head + b"<sheetData>" + "".join(rows).encode() + b"</sheetData>" + rest.split(b"</sheetData>")[1]
            dst.writestr(info, body)
    return out.getvalue()


@settings(max_examples=120, deadline=None)
@given(st.lists(_ROW, max_size=5))
def hostile_sheet_xml_never_crashes(rows: list[str]) -> None:
    """Hand-written sheet XML (far cells, quotes, lower case, missing references, error cells): the guard
    must refuse what calamine cannot hold, and everything else must read or fail cleanly."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.xlsx"
        path.write_bytes(_sheet_with(rows))
        try:
            tables = read_tables(path)
        except TusoiError:
            return
        assert sum(len(row) for table in tables for row in table.rows) <= 20_000_000


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["chibo-mau.xlsx", "chibo-mau.ods", "chibo-mau.xls", "chibo-loi.xls"]),
       st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=12))
def corrupted_real_files_never_crash(name: str, changes: list[tuple[float, int]]) -> None:
    import tempfile

    data = bytearray((FIXTURES / name).read_bytes())
    for where, value in changes:
        data[int(where * (len(data) - 1))] = value
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(bytes(data))
        with contextlib.suppress(TusoiError):
            read_batch(path, DEFAULT)


@pytest.mark.skipif(sys.platform != "linux", reason="uses RLIMIT_AS")
def test_hostile_sheet_xml_never_crashes() -> None:
    _in_child("hostile_sheet_xml_never_crashes")


@pytest.mark.skipif(sys.platform != "linux", reason="uses RLIMIT_AS")
def test_corrupted_real_files_never_crash() -> None:
    _in_child("corrupted_real_files_never_crash")


# --------------------------------------------------------------------------- scoring


def _choices(rubric: Rubric) -> list[list[float]]:
    """The valid values of every item, in rubric order."""
    result = []
    for section, item in rubric.items():
        scale = rubric.scales[section.scale]
        if scale.values is not None:
            result.append(sorted(v.value for v in scale.values))
        else:
            top = item.max if item.max is not None else scale.max if scale.max is not None else 100.0
            step = scale.step or 1.0
            result.append([scale.min + n * step for n in range(int((top - scale.min) / step) + 1)])
    return result


CHOICES = {name: _choices(rubric) for name, rubric in RUBRICS.items()}


Member = tuple[str, list[float | None], bool, frozenset[int]]  # rubric, values, ky_luat, not-applicable items


@st.composite
def members(draw: st.DrawFn, rubric_name: str | None = None) -> Member:
    name = rubric_name or draw(st.sampled_from(sorted(RUBRICS)))
    choices = CHOICES[name]
    # mostly zeros or blanks with a few answers, as real members are; sometimes anything
    dense = draw(st.booleans())
    values: list[float | None] = []
    for options in choices:
        if dense:
            values.append(draw(st.none() | st.sampled_from(options)))
        else:
            values.append(draw(st.sampled_from([None, options[0], options[0], draw(st.sampled_from(options))])))
    # some blank items are "not applicable" (na): no deduction, and exempt from caps on low values
    blanks = [i for i, v in enumerate(values) if v is None]
    na = frozenset(draw(st.lists(st.sampled_from(blanks), unique=True))) if blanks else frozenset()
    return name, values, draw(st.booleans()), na


@st.composite
def boundary_members(draw: st.DrawFn) -> tuple[Member, float]:
    """A member whose score lands exactly on one of the rubric's level thresholds, and that threshold.

    Answers are added greedily, in a drawn order, each the largest value that does not overshoot the
    points still needed; a draw where that cannot reach the threshold exactly is rejected.
    """
    name = draw(st.sampled_from(sorted(RUBRICS)))
    rubric = RUBRICS[name]
    threshold = draw(st.sampled_from([lv.min_score for lv in rubric.levels if lv.min_score is not None]))
    start = rubric.scoring.start
    deducting = start > threshold
    needed = abs(start - threshold)
    pairs = rubric.items()
    order = draw(st.permutations(range(len(pairs))))
    values: list[float | None] = [None] * len(pairs)
    for i in order:
        section, item = pairs[i]
        if (section.mode == "deduct") != deducting or item.weight == 0 or section.max is not None:
            continue
        fitting = [v for v in CHOICES[name][i] if v * item.weight <= needed + 1e-9]
        values[i] = fitting[-1] if fitting else None
        needed -= (values[i] or 0.0) * item.weight
    assume(abs(needed) < 1e-9)
    # fill some other items with 0 (answered "none"), leave the rest blank or not applicable
    na = frozenset(draw(st.lists(st.sampled_from([i for i, v in enumerate(values) if v is None] or [0]),
                                 unique=True))) - {i for i, v in enumerate(values) if v is not None}
    return (name, values, False, na), threshold


def _reference(rubric: Rubric, values: Sequence[float | None], ky_luat: bool,
               na: frozenset[int] = frozenset()) -> tuple[float, int, set[str]]:
    """Score, level rank and applicable caps, computed straight from the rubric's words (not the engine)."""
    pairs = rubric.items()
    points = dict.fromkeys((s.id for s in rubric.sections), 0.0)
    for (section, item), value in zip(pairs, values, strict=True):
        points[section.id] += (value or 0.0) * item.weight
    total = rubric.scoring.start
    for section in rubric.sections:
        p = min(points[section.id], section.max) if section.max is not None else points[section.id]
        total += -p if section.mode == "deduct" else p
    if rubric.scoring.min is not None:
        total = max(total, rubric.scoring.min)
    if rubric.scoring.max is not None:
        total = min(total, rubric.scoring.max)
    rank = next(i for i, level in enumerate(rubric.levels)
                if level.min_score is None or total >= level.min_score - 1e-9)
    applicable = set()
    for cap in rubric.caps:
        if cap.field is not None:
            holds = ky_luat == cap.equals
        else:
            scope = [i for i, (s, item) in enumerate(pairs)
                     if (not cap.sections and not cap.items) or s.id in cap.sections or item.id in cap.items]
            # a blank item is scored as 0, for caps too (the spec: "an item left out ... scored as 0"),
            # except one marked not applicable: it is no answer at all
            as_scored = [0.0 if values[i] is None else values[i] for i in scope if i not in na]
            count = sum(1 for v in as_scored
                        if (v > 0 if cap.min_value is None else v >= cap.min_value)  # type: ignore[operator]
                        and (cap.max_value is None or v <= cap.max_value))  # type: ignore[operator]
            holds = count >= cap.min_count
        if holds:
            applicable.add(cap.id)
            rank = max(rank, rubric.level_rank(cap.at_most))
    return total, rank, applicable


def _check_against_reference(member: Member) -> Any:
    name, values, ky_luat, na = member
    rubric = RUBRICS[name]
    c = compile_rubric(rubric)
    core = score_values(c, values, ky_luat, na)
    score, rank, applicable = _reference(rubric, values, ky_luat, na)
    assert abs(core.score - score) < 1e-6
    assert {rubric.caps[i].id for i, _ in core.caps} == applicable
    for cap_id in applicable:
        cap = next(cap for cap in rubric.caps if cap.id == cap_id)
        assert core.rank >= rubric.level_rank(cap.at_most), cap_id
    assert core.rank == rank
    assert core.rank >= core.score_rank
    assert score_values(c, list(values), ky_luat, na) == core  # the same input, the same output
    return core


@settings(max_examples=300, deadline=None)
@given(members())
def test_scoring_matches_the_reference_and_never_exceeds_an_applicable_cap(member: Member) -> None:
    _check_against_reference(member)


@settings(max_examples=150, deadline=None)
@given(boundary_members())
def test_a_score_exactly_on_a_threshold_takes_that_level(case: tuple[Member, float]) -> None:
    member, threshold = case
    core = _check_against_reference(member)
    rubric = RUBRICS[member[0]]
    assert core.score == threshold
    assert rubric.levels[core.score_rank].min_score == threshold  # inclusive (>=), on the unrounded score


@settings(max_examples=300, deadline=None)
@given(members(), st.data())
def test_raising_an_answer_never_helps_in_a_deducting_section_nor_hurts_in_an_adding_one(
        member: Member, data: st.DataObject) -> None:
    name, values, ky_luat, _ = member
    rubric = RUBRICS[name]
    c = compile_rubric(rubric)
    answered = [i for i, v in enumerate(values) if v is not None and v < CHOICES[name][i][-1]]
    assume(answered)
    i = data.draw(st.sampled_from(answered))
    higher = data.draw(st.sampled_from([v for v in CHOICES[name][i] if v > values[i]]))  # type: ignore[operator]
    raised = [*values]
    raised[i] = higher
    before, after = score_values(c, values, ky_luat), score_values(c, raised, ky_luat)
    if c.deducts[c.section_of[i]]:
        assert after.score <= before.score and after.rank >= before.rank  # ranks: 0 is the best level
    else:
        assert after.score >= before.score and after.rank <= before.rank


@settings(max_examples=200, deadline=None)
@given(members("tusoi-mac-dinh"), st.data())
def test_answering_an_item_never_improves_the_default_level(member: Member, data: st.DataObject) -> None:
    """Unanswered counts as 0: answering it (with anything) can only keep or lower score and level."""
    _, values, ky_luat, _ = member
    blank = [i for i, v in enumerate(values) if v is None]
    assume(blank)
    i = data.draw(st.sampled_from(blank))
    answered = [*values]
    answered[i] = data.draw(st.sampled_from(CHOICES["tusoi-mac-dinh"][i]))
    c = compile_rubric(DEFAULT)
    before, after = score_values(c, values, ky_luat), score_values(c, answered, ky_luat)
    assert after.score <= before.score and after.rank >= before.rank
    if not ky_luat:  # being disciplined never helps either
        assert score_values(c, values, True).rank >= before.rank


def test_blank_and_zero_give_the_same_level_in_an_adding_rubric() -> None:
    c = compile_rubric(ADDING)
    blank: list[float | None] = [None] * len(c.ids)
    for item_id, value in {"TC2": 10, "TC3": 10, "KQ1": 70}.items():
        blank[c.ids.index(item_id)] = value
    zero = [*blank]
    zero[c.ids.index("TC1")] = 0
    assert score_values(c, blank, False).rank == score_values(c, zero, False).rank


# --------------------------------------------------------------------------- sheets: every row accounted for

ITEM_IDS = [item.id for _, item in DEFAULT.items()]
HEADER = ["STT", "Họ và tên", "Kỷ luật", "Tự xếp loại", "Ghi chú", *ITEM_IDS]
_NAME_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(
    ["=", "+", "-", "@", ";", ",", '"', "\t", "\n", " ", "ễ", "Đ"]), max_size=14)
_LABELS = {0: ["0", "không", "Không có", 0], 1: ["1", "có biểu hiện", 1], 2: ["2", "mức 2", 2], 3: ["3", "mức 3", 3]}


@st.composite
def sheet_rows(draw: st.DrawFn) -> list[tuple[str, list[Any], list[float | None] | None, bool]]:
    """(kind, cells, intended values for valid rows, ky_luat); kinds: ok, bad, blank, total."""
    rows = []
    for number in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["ok", "ok", "ok", "bad", "blank", "total"]))
        values: list[float | None] = []
        cells: list[Any] = []
        for item_id in ITEM_IDS:
            if item_id.startswith("D") and not item_id.startswith(("DL", "DB")):
                value = draw(st.sampled_from([None, 0, 0, 1]))
                cell = {None: "", 0: draw(st.sampled_from(["0", "không", 0])),
                        1: draw(st.sampled_from(["1", "x", "có", 1]))}[value]
            else:
                value = draw(st.sampled_from([None, 0, 0, 0, 1, 2, 3]))
                cell = "" if value is None else draw(st.sampled_from(_LABELS[value]))
            values.append(float(value) if value is not None else None)
            cells.append(cell)
        ky_luat = draw(st.booleans())
        name = "ĐV " + draw(_NAME_TEXT).strip()
        note = draw(_NAME_TEXT)
        if kind == "ok":
            row = [number + 1, name, "có" if ky_luat else "", "", note, *cells]
        elif kind == "bad":
            how = draw(st.sampled_from(["value", "name", "ky_luat", "level"]))
            row = [number + 1, name, "", "", note, *cells]
            if how == "value":
                row[5 + draw(st.integers(0, 45))] = draw(st.sampled_from(["7", "-1", "hai", "1.5", "=NA()"]))
            elif how == "name":
                row[1] = ""
                row[5] = "1"  # a row with values and no name: nothing ties it to a person
                kind = "noname"
            elif how == "ky_luat":
                row[2] = "có lẽ"
            else:
                row[3] = "xuất sắc"
        elif kind == "blank":
            row = [draw(st.sampled_from(["", number + 1])), "", "", "", "", *[""] * 46]
        else:
            row = ["", draw(st.sampled_from(["Tổng cộng", "Cộng", "TỔNG SỐ"])), "", "", "", *[""] * 46]
        rows.append((kind, row, values if kind == "ok" else None, ky_luat))
    assume(any(kind in ("ok", "bad", "noname") for kind, *_ in rows))
    return rows


def _write_csv(path: Path, rows: list[list[Any]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows([["CHI BỘ THỬ"], [], HEADER, *rows])
    return path


def _write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for row in [["CHI BỘ THỬ"], [], HEADER, *rows]:
        cells = []
        for value in row:
            cell = openpyxl.cell.cell.Cell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, as a person types it
            cells.append(cell)
        ws.append(cells)
    wb.save(path)
    return path


@FAST
@given(sheet_rows(), st.sampled_from([",", ";"]))
def test_every_row_is_accounted_for_and_valid_rows_score_as_intended(
        tmp_path: Path, rows: list[tuple[str, list[Any], list[float | None] | None, bool]], delimiter: str) -> None:
    path = _write_csv(tmp_path / "chibo.csv", [row for _, row, _, _ in rows], delimiter)
    batch = read_batch(path, DEFAULT)
    first = 4  # title, blank, header: members start on line 4
    lines = {kind: [first + n for n, (k, *_rest) in enumerate(rows) if k == kind]
             for kind in ("ok", "bad", "noname", "blank", "total")}
    assert len(batch.members) + len(batch.failed_rows) + batch.blank_rows + len(batch.ignored_rows) == len(rows)
    # a named row with a bad cell stays a member (with its problems); only a row without a name fails
    assert [m.line for m in batch.members] == sorted(lines["ok"] + lines["bad"])
    assert batch.failed_rows == lines["noname"]
    assert batch.ignored_rows == lines["total"]
    assert batch.blank_rows == len(lines["blank"])
    duplicates = {p.line for p in batch.problems if "giống hệt" in p.message or "' trùng: " in p.message}
    assert {p.line for p in batch.problems} - duplicates == set(lines["bad"] + lines["noname"])
    assert duplicates <= set(lines["ok"] + lines["bad"])  # a repeated row or code is reported on a kept row
    c = compile_rubric(DEFAULT)
    intended = [(values, ky_luat) for kind, _, values, ky_luat in rows if kind == "ok"]
    ok_members = [m for m in batch.members if m.line in set(lines["ok"])]
    for member, (values, ky_luat) in zip(ok_members, intended, strict=True):
        assert member.values == tuple(values or [])
        assert member.core == score_values(c, values or [], ky_luat)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet_rows())
def test_the_same_rows_give_the_same_results_as_csv_and_xlsx_and_twice(
        tmp_path: Path, rows: list[tuple[str, list[Any], list[float | None] | None, bool]]) -> None:
    cells = [row for _, row, _, _ in rows]
    from_csv = read_batch(_write_csv(tmp_path / "c.csv", cells), DEFAULT)
    from_xlsx = read_batch(_write_xlsx(tmp_path / "c.xlsx", cells), DEFAULT)
    again = read_batch(tmp_path / "c.csv", DEFAULT)

    def summary(batch: BatchResult) -> Any:
        return ([(m.line, m.ho_ten, m.values, m.na, m.core, m.ky_luat, m.tu_xep_loai) for m in batch.members],
                batch.failed_rows, batch.ignored_rows, [(p.line, p.column, p.message) for p in batch.problems])

    assert summary(from_csv) == summary(from_xlsx) == summary(again)
    # wholly empty rows after the last filled one exist in a CSV file but not in an .xlsx
    trailing = len(rows) - max(n for n, (_, row, *_rest) in enumerate(rows, start=1) if any(v != "" for v in row))
    assert from_xlsx.blank_rows == from_csv.blank_rows - trailing == again.blank_rows - trailing
    assert b"".join(batch_csv(from_csv)) == b"".join(batch_csv(again))


# --------------------------------------------------------------------------- outputs: no formula ever

_RISKY = ("=", "+", "-", "@", "\t", "\r", "\n")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["=", "+", "-", "@", "=HYPERLINK(", "#N/A", "'", ""]), _NAME_TEXT),
                min_size=1, max_size=5))
def test_text_from_inputs_never_becomes_a_formula(tmp_path: Path, texts: list[tuple[str, str]]) -> None:
    rows = []
    for number, (lead, text) in enumerate(texts, start=1):
        value = lead + text
        rows.append([number, "ĐV " + text if not (lead + text).strip() else value, "", "", value, *[0] * 46])
    sheet = _write_csv(tmp_path / "c.csv", rows)
    batch = read_batch(sheet, DEFAULT)
    for row in csv.reader(io.StringIO(b"".join(batch_csv(batch)).decode("utf-8-sig"), newline="")):
        for cell in row:
            assert not cell.startswith(_RISKY), cell
    report = tmp_path / "kq.xlsx"
    write_report(report, batch, tool_version="0", generated_at=datetime(2026, 1, 1))
    with zipfile.ZipFile(report) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(info) and b"<f " not in archive.read(info)
    workbook = openpyxl.load_workbook(report)
    for sheet_ in workbook.worksheets:
        for line in sheet_.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet_.title, cell.coordinate, cell.value)


# --------------------------------------------------------------------------- issue 11: no answer silently dropped

_LOOKALIKE = {"C": ["C", "С", "Ϲ", "Ｃ", "c", "Ꮯ", "𝐂"], "T": ["T", "Т", "Τ", "Ｔ", "t", "Ꭲ"],
              "D": ["D", "Ｄ", "d", "Ԁ", "Ꭰ", "Đ"], "L": ["L", "Ｌ", "l", "Ꮮ", "Ⅼ"],
              "B": ["B", "В", "Β", "Ｂ", "b", "Ᏼ"]}
_FOREIGN = "СΤТВΒϹԀᏟᎢᎠᏞᏴĐ"  # never read as an item: reported (Đ folds to D, but "Đ1" is not how D1 is written)
_INVISIBLE = ["", "\u200b", "\u00ad", "\u202e", "\ufeff"]


@st.composite
def header_spellings(draw: st.DrawFn) -> tuple[str, str]:
    """(a header, the item id it is a spelling of): look-alike letters, full width, spaces, dots, leading zeros,
    invisible characters, a number the rubric may not have."""
    prefix = draw(st.sampled_from(["CT", "DL", "DB", "D"]))
    number = draw(st.integers(min_value=1, max_value=25))
    letters = [draw(st.sampled_from(_LOOKALIKE[ch])) for ch in prefix]
    gap = draw(st.sampled_from(["", " ", ".", "  "]))
    digits = "0" * draw(st.integers(min_value=0, max_value=1)) + str(number)
    if draw(st.booleans()):
        digits = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    text = draw(st.sampled_from(_INVISIBLE)).join(letters) + gap + digits
    suffix = draw(st.sampled_from(["", ". Nội dung mục", " - nội dung"]))
    return text + suffix, f"{prefix}{number}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header_spellings(), st.integers(min_value=1, max_value=3))
def test_an_answer_under_any_spelling_of_an_item_header_is_scored_or_reported(
        tmp_path_factory: pytest.TempPathFactory, spelling: tuple[str, str], value: int) -> None:
    """Sheet-columns rule: a non-zero answer under a header that spells an item id is either read as that item
    (it lowers the score) or reported as a problem of that column (exit 1) — never dropped in silence."""
    header, item_id = spelling
    assume(item_id not in {"CT1", "CT2", "CT3"})  # those columns are in the sheet already
    path = tmp_path_factory.mktemp("cot") / "chibo.csv"
    value = 1 if item_id.startswith("D") and not item_id.startswith(("DL", "DB")) else value
    rows = [["Họ và tên", "CT1", "CT2", "CT3", header], ["Nguyễn Văn An", 0, 0, 0, value]]
    path.write_text("".join(",".join(map(str, row)) + "\n" for row in rows), encoding="utf-8")
    batch = read_batch(path, DEFAULT)
    assert len(batch.members) == 1  # the member is kept either way
    compiled = compile_rubric(DEFAULT)
    read = any(v for v in batch.members[0].values)
    reported = [p for p in batch.problems if p.column == 5 and p.line == 1]
    assert read or reported, (header, batch.problems, batch.notes)
    if read:  # only a real id, written in Latin letters (full width allowed), is read
        assert item_id in compiled.ids and not any(ch in header for ch in _FOREIGN)
        assert batch.members[0].values[compiled.ids.index(item_id)] == value


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff"), min_size=1,
                max_size=300)


@given(_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_text_with_a_byte_order_mark_or_in_utf8_decodes_to_itself(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding), "x.yaml") == text


@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=8, max_size=300),
       st.sampled_from(["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]))
def test_utf16_and_utf32_without_a_byte_order_mark_are_named(text: str, encoding: str) -> None:
    """Plain ASCII text saved as "Unicode" without a BOM is named for what it is, never called binary."""
    with pytest.raises(TusoiError) as info:
        decode_text(text.encode(encoding), "x.yaml")
    assert f"mã {encoding[:6].upper()} (không có dấu BOM)" in str(info.value)


def test_a_far_row_beside_cells_without_reference_is_refused() -> None:
    """Found by hostile_sheet_xml_never_crashes: A9999999 (past Excel's last row) with a cell that has no
    reference took the exact parser's path, which did not check the last row, and calamine ran out of memory."""
    import tempfile

    row = '<row r="1"><c r="A9999999"><v>1</v></c><c r="A312500"><v>1</v></c><c><v>1</v></c></row>'
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.xlsx"
        path.write_bytes(_sheet_with([row]))
        with pytest.raises(TusoiError, match="quá dòng cuối cùng Excel cho phép"):
            read_tables(path)
