"""The sheet guard's single pre-scan (_SUSPECT) must find every cell its two exact scans (_ODD_CELL, _WIDE) find:
otherwise a far-away or odd cell would reach calamine unbounded."""

from __future__ import annotations

import pytest

from tusoi_cli.read.sheet import guards

COLUMNS = ["A", "Z", "AA", "AZ", "BA", "BK", "BL", "BM", "BZ", "CA", "ZZ", "AAA", "XFD"]
ROWS = ["1", "9", "10", "99999", "100000", "299999", "300000", "312500", "312501", "999999", "1000000", "1048576"]
ODD = [b"<c>", b"<c/>", b"<c\tr=\"A1\">", b"<c r='A1'>", b'<c  r="A1">', b'<c r="a1">', b'<c s="1" r="A1">',
       b'<c r="A01">', b'<c r="A0">', b'<c r="A1" r="XFD1">']


@pytest.mark.parametrize("cell", [f'<c r="{c}{r}" t="n"><v>1</v></c>'.encode() for c in COLUMNS for r in ROWS] + ODD)
def test_the_pre_scan_finds_what_the_exact_scans_find(cell: bytes) -> None:
    exact = guards._ODD_CELL.search(cell) is not None or guards._WIDE.search(cell) is not None
    if exact:
        assert guards._SUSPECT.search(cell) is not None or any(p.search(cell) for p in guards._SECOND_REF)


def test_a_member_sheets_cells_pass_the_pre_scan() -> None:
    """Columns up to BL and rows up to 299,999 (64 x 299,999 cells, under MAX_CELLS) need no exact scan."""
    assert guards.MAX_CELLS >= 64 * 299_999 and guards._WIDE_COLUMNS == 64
    for cell in (b'<c r="A1" t="n">', b'<c r="BL299999" s="2">', b'<c r="AV100003"/>', b'<col min="1" max="3"/>'):
        assert guards._SUSPECT.search(cell) is None
    for cell in (b'<c r="BM1">', b'<c r="A300000">', b'<c r="A1000000">'):
        assert guards._SUSPECT.search(cell) is not None
