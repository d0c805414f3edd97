"""The Excel report is written from the compact members (no detailed result per member): every cell must
still say what the engine's detailed result of that member says."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from tusoi_cli import score_file
from tusoi_cli.engine.scoring import score_member
from tusoi_cli.model.batch import BatchResult
from tusoi_cli.render.excel.report import write_report

from ..conftest import ALL_ITEMS, full_answers, member_yaml


def _compact_batch(tmp_path: Path) -> BatchResult:
    """Members with caps, marks (na, invalid, unanswered), discipline, self and cell levels, an exempt and an
    empty one, kept compact only (as a sheet read gives them): no evaluation, no result."""
    specs = [
        (full_answers(CT5=1, DL6=1), {"ho_ten": "Nguyễn Văn An", "tu_xep_loai": "tot", "chi_bo_xep_loai": "tot"}),
        (full_answers(D4=1, DB2=1, CT3=3), {"ho_ten": "Trần Bình", "ky_luat": "true", "tu_xep_loai": "kha"}),
        ({"CT1": 1, "CT2": 7, "CT3": "na", "DB4": 2, "D2": 1, "D7": 1}, {"ho_ten": "Phạm Minh Đức"}),
        (full_answers(CT1="na", DL2=2), {"ho_ten": "Lê Quốc Cường", "trang_thai": '"miễn: nghỉ sinh hoạt"'}),
        ({}, {"ho_ten": "Hồ Thị Hoa"}),
    ]
    results = []
    for n, (answers, header) in enumerate(specs):
        path = tmp_path / f"m{n}.yaml"
        path.write_text(member_yaml(answers, **header), encoding="utf-8")
        results.append(score_file(path).result)
    rubric = score_file(tmp_path / "m0.yaml").rubric
    full = BatchResult.from_results(str(tmp_path / "chibo.xlsx"), "Danh sách", rubric, results, [5, 6, 7, 8, 9])
    members = [replace(m, result=None, evaluation=None) for m in full.members]
    return BatchResult(full.source, full.sheet, rubric, members, scorer=score_member)


def test_every_cell_matches_the_detailed_result(tmp_path: Path) -> None:
    batch = _compact_batch(tmp_path)
    assert all(m.result is None for m in batch.members)
    detailed = [batch.result_of(m) for m in batch.members]  # the engine's detailed scoring, for comparison
    assert [r.status for r in detailed] == ["reviewed", "reviewed", "reviewed", "exempt", "not_reviewed"]
    target = tmp_path / "r.xlsx"
    write_report(target, batch, tool_version="1")
    wb = load_workbook(target)
    ws = wb["Kết quả"]
    header = [c.value for c in ws[2]]
    labels = {level.id: level.label for level in batch.rubric.levels}
    for row_number, r in enumerate(detailed, start=3):
        row = dict(zip(header, [c.value for c in ws[row_number]], strict=True))
        rated = r.status == "reviewed"
        assert row["Họ và tên"] == r.ho_ten
        assert row["Trạng thái"] == (None if rated else r.status_label + (f" ({r.status_reason})"
                                                                         if r.status_reason else ""))
        assert row["Điểm"] == (r.score if rated else None)
        assert row["Xếp loại đề xuất"] == (r.level_label if rated else None)
        assert row["Mức theo điểm"] == (labels[r.score_level] if r.score_level else None)
        caps = "\n".join(f"tối đa {c.at_most_label}: {c.reason}" + (f" ({', '.join(c.items)})" if c.items else "")
                         for c in r.caps)
        assert row["Giới hạn áp dụng"] == (caps or None if rated else None)
        assert row["Biểu hiện / vi phạm"] == (", ".join(r.flagged) or None if rated else None)
        assert row["So với đề xuất"] == {"higher": "cao hơn", "same": "bằng", "lower": "thấp hơn",
                                         None: None}[r.self_comparison]
        assert [row["Chưa trả lời"], row["Không áp dụng"], row["Không hợp lệ"]] == [
            len(r.unanswered), len(r.not_applicable), len(r.invalid)]
        assert [row[f"Trừ {s.id}"] for s in r.sections] == [s.points for s in r.sections]
    # member 3 answered few items and one invalid: its note names the invalid item
    assert ws["J5"].value == "tạm tính — còn 40 mục chưa trả lời, 1 mục không hợp lệ (CT2)"

    matrix = wb["Chi tiết"]
    marks = {"na": "KAD", "invalid": "!", "unanswered": "?"}
    for row_number, r in enumerate(detailed, start=5):
        cells = [c.value for c in matrix[row_number]][2:2 + len(ALL_ITEMS)]
        # a zero is an empty cell; the three other states each have their mark
        assert cells == [(item.value or None) if item.state == "answered" else marks[item.state] for item in r.items]

    summary = [[c.value for c in row] for row in wb["Tổng hợp"].iter_rows()]
    facts = {row[1]: row[2] for row in summary if row[1]}
    assert facts["Đã kiểm điểm, được xếp loại"] == 3
    assert facts["Miễn kiểm điểm (không xếp loại)"] == 1 and facts["Chưa kiểm điểm (không xếp loại)"] == 1
    flagged = [r for r in detailed if r.status == "reviewed"]
    expected = {item: sum(item in r.flagged for r in flagged) for item in ALL_ITEMS}
    prevalence = {row[0]: row[2] for row in summary if row[0] in expected}
    assert prevalence == {item: count for item, count in expected.items() if count}


def test_the_report_never_scores_a_member_in_detail(tmp_path: Path) -> None:
    """Without a scorer a batch cannot build any member's detailed result (result_of raises): the report is
    still written in full, so it is made from the compact members alone."""
    batch = _compact_batch(tmp_path)
    batch.scorer = None
    target = tmp_path / "r.xlsx"
    write_report(target, batch, tool_version="1")
    ws = load_workbook(target)["Kết quả"]
    assert [ws.cell(row=r, column=2).value for r in range(3, 8)] == [m.ho_ten for m in batch.members]


def test_streamed_sheets_keep_heights_and_merged_section_headers(tmp_path: Path) -> None:
    """A streaming sheet fixes a row's height when the row is written: titles, header rows and wrapped rows
    keep theirs, and Chi tiết's section names stay merged over their block of items."""
    batch = _compact_batch(tmp_path)
    target = tmp_path / "r.xlsx"
    write_report(target, batch, tool_version="1")
    wb = load_workbook(target)
    for name in ("Kết quả", "Tổng hợp", "Chi tiết", "Thông tin"):
        assert wb[name].row_dimensions[1].height == pytest.approx(20, abs=0.75)  # heights are whole pixels
    results = wb["Kết quả"]
    assert results.row_dimensions[2].height == pytest.approx(2 * 13 + 3, abs=0.75)  # the header, two lines
    assert results.row_dimensions[4].height > 2 * 13  # Trần Bình: three caps, one per line
    matrix = wb["Chi tiết"]
    assert sorted(str(r) for r in matrix.merged_cells.ranges) == ["AD2:AM2", "AN2:AV2", "C2:K2", "L2:T2", "U2:AC2"]
    assert matrix["C2"].value.startswith("CT — ") and matrix["AN2"].value.startswith("D — ")
    assert matrix.row_dimensions[2].height > 13 and matrix.row_dimensions[3].height > 13
    summary = wb["Tổng hợp"]
    heights = {round(summary.row_dimensions[r].height or 0) for r in range(1, summary.max_row + 1)}
    assert {32, 47} <= heights  # the two table headers
