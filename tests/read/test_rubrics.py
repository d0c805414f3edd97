"""Rubric language: bundled rubrics, include/override, the adding kind, and located authoring errors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tusoi_cli import InputError, RubricError, load_rubric, load_rubric_file, score_file

from ..conftest import ALL_ITEMS

Write = Callable[[str, str], Path]


def test_bundled_rubrics_have_official_numbering() -> None:
    nq04 = load_rubric("nq04")
    assert [s.id for s in nq04.sections] == ["CT", "DL", "DB"]
    for section in nq04.sections:
        assert [i.id for i in section.items] == [f"{section.id}{n}" for n in range(1, 10)]
    qd37 = load_rubric("qd37")
    assert [i.id for i in qd37.sections[0].items] == [f"D{n}" for n in range(1, 20)]
    default = load_rubric()
    assert [i.id for _, i in default.items()] == ALL_ITEMS


def test_every_item_has_title_description_and_source() -> None:
    for _, item in load_rubric().items():
        assert item.title and item.description and item.source, item.id
        number = item.id.lstrip("CTDLB")
        assert number in item.source, (item.id, item.source)
        if not item.verified:
            assert item.note, f"{item.id} is unverified but says nothing about why"


def test_nq04_alone_is_a_catalogue_not_scorable(write: Write) -> None:
    member = write("m.yaml", "dang_vien: {ho_ten: A}\nbo_tieu_chi: nq04\ndanh_gia: {CT1: 1}\n")
    with pytest.raises(InputError, match="không có mức xếp loại") as info:
        score_file(member)
    [problem] = info.value.problems
    assert (problem.file, problem.line) == (str(member), 2)  # the `bo_tieu_chi` line, where the fix goes


def test_include_and_override_weights_levels_caps(write: Write, tmp_path: Path) -> None:
    write("local.yaml", """
        id: dia-phuong
        version: "2026.1"
        title: Bộ tiêu chí của huyện
        include: [tusoi-mac-dinh]
        sections:
          - id: CT
            weight: 5
            items:
              - id: CT5
                weight: 10
        levels:
          - {id: dat, label: Đạt, min_score: 80, color: green}
          - {id: khong_dat, label: Không đạt, color: red}
        caps:
          - {id: vp, sections: [D], at_most: khong_dat, reason: Có vi phạm}
        """)
    rubric = load_rubric_file(tmp_path / "local.yaml")
    weights = {i.id: i.weight for s, i in rubric.items() if s.id == "CT"}
    assert weights["CT1"] == 5 and weights["CT5"] == 10
    assert {s.id: s.weight for s in rubric.sections}["DB"] == 3  # inherited
    assert rubric.includes == ["nq04", "qd37", "tusoi-mac-dinh"]
    member = write("m.yaml", "dang_vien: {ho_ten: A}\ndanh_gia: {CT5: 1, CT1: 1}\n")
    r = score_file(member, rubric=rubric).result
    assert (r.score, r.level) == (85, "dat")  # 100 - 10 - 5
    r = score_file(write("v.yaml", "dang_vien: {ho_ten: A}\ndanh_gia: {D1: 1}\n"), rubric=rubric).result
    assert (r.score, r.level, [c.id for c in r.caps]) == (85, "khong_dat", ["vp"])


ADDING_RUBRIC = """
    id: khung-100-diem
    title: Khung 100 điểm (thử nghiệm)
    include: [tusoi-mac-dinh]
    scales:
      diem:
        title: Điểm
        min: 0
        step: 0.25
    sections:
      - id: TC
        title: Tiêu chí chung
        mode: add
        scale: diem
        max: 30
        items:
          - {id: TC1, title: Chính trị tư tưởng, max: 10}
          - {id: TC2, title: Đạo đức lối sống, max: 10}
          - {id: TC3, title: Tác phong, max: 10}
      - id: KQ
        title: Kết quả nhiệm vụ
        mode: add
        scale: diem
        items:
          - {id: KQ1, title: Nhiệm vụ được giao, max: 70}
      - {id: CT, weight: 0}
      - {id: DL, weight: 0}
      - {id: DB, weight: 0}
      - {id: D, weight: 0}
    scoring: {start: 0, min: 0, max: 100}
    levels:
      - {id: xuat_sac, label: Hoàn thành xuất sắc nhiệm vụ, min_score: 90, color: green}
      - {id: tot, label: Hoàn thành tốt nhiệm vụ, min_score: 70, color: cyan}
      - {id: hoan_thanh, label: Hoàn thành nhiệm vụ, min_score: 50, color: yellow}
      - {id: khong_hoan_thanh, label: Không hoàn thành nhiệm vụ, color: red}
    caps:
      - {id: bieu_hien, sections: [CT, DL, DB], at_most: tot, reason: Có biểu hiện suy thoái}
      - {id: vi_pham, sections: [D], at_most: khong_hoan_thanh, reason: Vi phạm điều cấm}
      - {id: diem_chung_thap, items: [TC1], max_value: 4.75, min_value: 0, at_most: hoan_thanh,
         reason: Tiêu chí chính trị tư tưởng dưới 5 điểm}
    """


def test_adding_rubric_in_the_manner_of_qd366(write: Write, tmp_path: Path) -> None:
    write("khung.yaml", ADDING_RUBRIC)
    rubric = load_rubric_file(tmp_path / "khung.yaml")
    member = write("m.yaml", "dang_vien: {ho_ten: A}\ndanh_gia: {TC1: 9.5, TC2: '9,75', TC3: 10, KQ1: 61}\n")
    r = score_file(member, rubric=rubric).result
    assert (r.score, r.level) == (90.25, "xuat_sac")  # 9.5 + 9.75 + 10 + 61, on the inclusive 90
    assert {s.id: s.points for s in r.sections}["TC"] == 29.25
    flagged = write("f.yaml", "dang_vien: {ho_ten: A}\ndanh_gia: {TC1: 10, TC2: 10, TC3: 10, KQ1: 70, DL3: 1}\n")
    r = score_file(flagged, rubric=rubric).result
    assert (r.score, r.score_level, r.level) == (100, "xuat_sac", "tot")  # weight 0: no deduction, but the cap holds
    low = write("l.yaml", "dang_vien: {ho_ten: A}\ndanh_gia: {TC1: 4.5, TC2: 10, TC3: 10, KQ1: 70}\n")
    assert score_file(low, rubric=rubric).result.level == "hoan_thanh"
    bad = write("b.yaml", "dang_vien: {ho_ten: A}\ndanh_gia: {TC1: 10.5, TC2: 0.3, KQ1: 71}\n")
    scored = score_file(bad, rubric=rubric)
    assert scored.result.invalid == ["TC1", "TC2", "KQ1"]
    assert ["ngoài khoảng" in p.message or "bước" in p.message for p in scored.problems] == [True] * 3


def test_section_max_bounds_a_deducting_section(write: Write, tmp_path: Path) -> None:
    write("r.yaml", "id: r\ninclude: [tusoi-mac-dinh]\nsections:\n  - {id: D, max: 20}\n")
    rubric = load_rubric_file(tmp_path / "r.yaml")
    member = write("m.yaml", "dang_vien: {ho_ten: A}\ndanh_gia: {D1: 1, D2: 1, D3: 1}\n")
    assert score_file(member, rubric=rubric).result.score == 80


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("id: r\ninclude: [nq04]\nsections:\n  - {id: CT, scale: thang_la}\n", 4, "thang 'thang_la' chưa được khai báo"),
    ("id: r\ninclude: [nq04]\nsections:\n  - id: CT\n    items:\n      - {id: CT1, title: A}\n"
     "      - {id: CT1, title: B}\n", 7, "mã mục 'CT1' bị lặp lại"),
    ("id: r\ninclude: [tusoi-mac-dinh]\nlevels:\n  - {id: a, label: A, min_score: 50}\n"
     "  - {id: b, label: B, min_score: 70}\n  - {id: c, label: C}\ncaps: []\n", 5, "phải thấp hơn mức trên nó"),
    ("id: r\ninclude: [tusoi-mac-dinh]\ncaps:\n  - {id: x, sections: [XX], at_most: kha, reason: r}\n", 4,
     "không có mục lớn 'XX'"),
    ("id: r\ninclude: [tusoi-mac-dinh]\ncaps:\n  - {id: x, sections: [D], at_most: gioi, reason: r}\n", 4,
     "mức 'gioi' không có trong 'levels'"),
    ("id: r\ninclude: [nq04]\nsections:\n  - {id: XY, weight: 2}\n", 4, "không có trong các bộ tiêu chí được include"),
    ("id: r\ninclude: [khong-co]\n", 2, "không có bộ tiêu chí 'khong-co'"),
    ("id: r\nsections:\n  - id: A\n    title: A\n    scale: s\n    itemz: []\n", 6, "trường 'itemz' không được hỗ trợ"),
    ("id: r\nscales:\n  s: {title: S, values: [{value: 0, label: a}, {value: 0, label: b}]}\n", 3, "trùng giá trị"),
])
def test_rubric_check_locates_every_authoring_mistake(
        invoke: Callable[..., object], write: Write, text: str, line: int, needle: str) -> None:
    path = write("r.yaml", text)
    result = invoke("rubric", "check", str(path))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    err = result.stderr  # type: ignore[attr-defined]
    assert f"{path}:{line}:" in err and needle in err, err


def test_include_cycle_is_reported(write: Write, tmp_path: Path) -> None:
    write("a.yaml", "id: a\ninclude: [b.yaml]\n")
    write("b.yaml", "id: b\ninclude: [a.yaml]\n")
    with pytest.raises(RubricError) as info:
        load_rubric_file(tmp_path / "a.yaml")
    assert "vòng lặp include" in str(info.value)
    assert info.value.problems[0].line == 2


def test_rubric_check_ok_and_show_json(invoke: Callable[..., object]) -> None:
    ok = invoke("rubric", "check", str(Path(load_rubric().path)))
    assert ok.exit_code == 0 and "46 mục" in ok.stdout  # type: ignore[attr-defined]
    shown = invoke("rubric", "show", "qd37", "--format", "json")
    data = json.loads(shown.stdout)  # type: ignore[attr-defined]
    assert [i["id"] for i in data["sections"][0]["items"]] == [f"D{n}" for n in range(1, 20)]
    listed = json.loads(invoke("rubric", "list", "-f", "json").stdout)  # type: ignore[attr-defined]
    assert {r["id"]: r["items"] for r in listed} == {"nq04": 27, "qd37": 19, "tusoi-mac-dinh": 46}


def test_rubric_show_marks_unverified_items(invoke: Callable[..., object]) -> None:
    unverified = [i.id for _, i in load_rubric().items() if not i.verified]
    out = invoke("rubric", "show", "tusoi-mac-dinh").stdout  # type: ignore[attr-defined]
    rows = [line for line in out.splitlines() if re.search(r"│ CHƯA\s*│$", line)]
    assert len(rows) == len(unverified) > 0
    assert f"{len(unverified)} mục CHƯA đối chiếu" in out


def test_not_applicable_is_exempt_from_caps_on_low_values(invoke: Callable[..., object], write: Write,
                                                          tmp_path: Path) -> None:
    """`diem_chung_thap` caps anyone with TC1 <= 4.75 (blank counts as 0), but not whom TC1 does not apply to."""
    rubric = write("khung.yaml", ADDING_RUBRIC)
    na = write("na.yaml", "dang_vien: {ho_ten: A}\ndanh_gia: {TC1: na, TC2: 10, TC3: 10, KQ1: 70}\n")
    blank = write("blank.yaml", "dang_vien: {ho_ten: B}\ndanh_gia: {TC2: 10, TC3: 10, KQ1: 70}\n")
    result = invoke("score", str(na), str(blank), "-r", str(rubric), "-f", "json")
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    # 10 + 10 + 70 = 90: "xuat_sac" on the inclusive threshold for both
    assert [(m["score"], m["score_level"]) for m in data] == [(90, "xuat_sac"), (90, "xuat_sac")]
    assert [m["level"] for m in data] == ["xuat_sac", "hoan_thanh"]
    assert [[c["id"] for c in m["caps"]] for m in data] == [[], ["diem_chung_thap"]]
    assert data[0]["not_applicable"] == ["TC1"] and "TC1" not in data[0]["unanswered"]
    assert "TC1" in data[1]["unanswered"]
