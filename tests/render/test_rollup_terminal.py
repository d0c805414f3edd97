"""The roll-up's terminal view of a large tree: as many levels as fit, never a table of thousands of rows."""

from __future__ import annotations

import io

from rich.console import Console

from tusoi_cli.model.rollup import Rollup, Unit, empty_tally, total_of
from tusoi_cli.render.rollup_terminal import MAX_UNITS, _top_rows, rollup_summary

SCHEME = (("tot", "Tốt"), ("kha", "Khá"), ("trung_binh", "Trung bình"), ("yeu_kem", "Yếu kém"))


def cell(name: str, reviewed: int) -> Unit:
    tally = empty_tally(SCHEME)
    tally.reviewed = reviewed
    tally.levels["tot"] = reviewed
    return Unit(name, "cell", exempt=1, tallies=[tally])


def province(districts: int, communes: int, cells: int) -> Unit:
    return total_of("Tỉnh", [total_of(f"Huyện {d}", [total_of(f"Xã {d}.{c}", [cell(f"Chi bộ {d}.{c}.{k}", 3)
                                                                            for k in range(cells)])
                                                    for c in range(communes)])
                             for d in range(districts)])


def test_a_province_is_shown_to_the_level_that_fits() -> None:
    root = province(4, 10, 5)  # 1 + 4 + 40 + 200 units
    rows = _top_rows(root.walk())
    assert len(rows) == 45 and max(d for d, _ in rows) == 2
    small = province(2, 2, 2)
    assert len(_top_rows(small.walk())) == len(small.walk())
    huge = province(70, 1, 1)
    assert [u.name for _, u in _top_rows(huge.walk())] == ["Tỉnh"]  # 71 would not fit: the top alone
    assert MAX_UNITS < 71


def test_the_summary_adds_up_and_says_where_the_rest_is() -> None:
    root = province(4, 10, 5)
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(rollup_summary(Rollup(root, ["tinh/"], "tusoi-mac-dinh 1.0")))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "có mặt 800 = miễn 200 + chưa kiểm điểm 0 + đã kiểm điểm 600" in " ".join(text.split())
    assert "45 trên 245 đơn vị" in text and "Chi bộ 0.0.0" not in text
