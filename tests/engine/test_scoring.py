"""Scoring by the default rubric, every number computed by hand from SPEC.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from tusoi_cli import load_rubric, score_file
from tusoi_cli.model import MemberResult
from tusoi_cli.render.labels import score_text

from ..conftest import full_answers, member_yaml


def score(tmp_path: Path, answers: dict[str, object], **header: object) -> MemberResult:
    path = tmp_path / "m.yaml"
    path.write_text(member_yaml(answers, **header), encoding="utf-8")
    scored = score_file(path)
    assert scored.problems == []
    return scored.result


def test_clean_member_scores_100_and_tot(tmp_path: Path) -> None:
    r = score(tmp_path, full_answers())
    assert (r.score, r.score_level, r.level, r.caps, r.unanswered) == (100, "tot", "tot", [], [])
    assert r.next_level is None


@pytest.mark.parametrize(("answers", "expected"), [
    ({"CT1": 1}, 98),                     # 1 x 2
    ({"CT1": 3, "DL2": 2}, 90),           # 3x2 + 2x2 = 10
    ({"DB1": 1}, 97),                     # 1 x 3
    ({"D3": 1}, 85),                      # 1 x 15
    ({"CT1": 2, "DL1": 2, "DB2": 1}, 89), # 4 + 4 + 3
])
def test_deductions_are_value_times_weight(tmp_path: Path, answers: dict[str, object], expected: float) -> None:
    assert score(tmp_path, full_answers(**answers)).score == expected


def test_score_never_below_zero(tmp_path: Path) -> None:
    r = score(tmp_path, full_answers(**{f"D{i}": 1 for i in range(1, 20)}))  # 19 x 15 = 285
    assert r.score == 0
    assert r.level == "yeu_kem"


def test_thresholds_are_inclusive(tmp_path: Path) -> None:
    r = score(tmp_path, full_answers(CT1=2, CT2=2, CT3=1))  # 100 - (4 + 4 + 2) = 90 exactly
    assert (r.score, r.score_level) == (90, "tot")
    r = score(tmp_path, full_answers(CT1=2, CT2=2, CT3=1, DL1=1))  # 88
    assert (r.score, r.score_level) == (88, "kha")
    r = score(tmp_path, full_answers(CT1=2, CT2=2, CT3=2, CT4=2, DL1=2, DL2=2))  # 100 - 24 = 76
    assert (r.score, r.score_level) == (76, "kha")
    r = score(tmp_path, full_answers(CT1=2, CT2=2, CT3=2, CT4=2, DL1=2, DL2=2, CT5=1))  # 100 - 26 = 74
    assert (r.score, r.score_level) == (74, "trung_binh")


def test_exactly_on_kha_and_trung_binh_boundaries(tmp_path: Path) -> None:
    # 25 points off -> 75 exactly: Khá (inclusive)
    answers = full_answers(CT1=2, CT2=2, CT3=2, CT4=2, CT5=2, DL1=1, DB1=1)  # 20 + 2 + 3 = 25
    r = score(tmp_path, answers)
    assert (r.score, r.score_level, r.level) == (75, "kha", "kha")  # DB mức 1 caps at khá: no change
    # 50 exactly: D1 (15) + 35 more: CT 4 x 3 x 2 = 24, DL1 3 x 2 = 6, DB1 x 1 (3), DL2 x 1 (2) = 35
    answers = full_answers(D1=1, CT1=3, CT2=3, CT3=3, CT4=3, DL1=3, DB1=1, DL2=1)
    r = score(tmp_path, answers)
    assert (r.score, r.score_level) == (50, "trung_binh")


def test_one_violation_caps_at_trung_binh(tmp_path: Path) -> None:
    r = score(tmp_path, full_answers(D4="có"))
    assert (r.score, r.score_level, r.level) == (85, "kha", "trung_binh")
    assert [c.id for c in r.caps] == ["vi_pham_dieu_cam"]
    assert r.caps[0].items == ["D4"]
    assert r.next_level is not None
    assert (r.next_level.level, r.next_level.score_gap, r.next_level.blocking_caps) == (
        "kha", 0, ["vi_pham_dieu_cam"])


def test_two_violations_cap_at_yeu_kem(tmp_path: Path) -> None:
    r = score(tmp_path, full_answers(D4="x", D9="X"))
    assert (r.score, r.level) == (70, "yeu_kem")
    assert {c.id for c in r.caps} == {"vi_pham_dieu_cam", "vi_pham_nhieu_dieu_cam"}


def test_expression_at_level_3_caps_at_trung_binh(tmp_path: Path) -> None:
    r = score(tmp_path, full_answers(DL9=3))
    assert (r.score, r.score_level, r.level) == (94, "tot", "trung_binh")
    assert [c.id for c in r.caps] == ["bieu_hien_nghiem_trong"]


def test_db_level_1_caps_at_kha_and_level_2_at_yeu_kem(tmp_path: Path) -> None:
    r = score(tmp_path, full_answers(DB5=1))
    assert (r.score, r.level) == (97, "kha")
    r = score(tmp_path, full_answers(DB5=2))
    assert (r.score, r.score_level, r.level) == (94, "tot", "yeu_kem")
    assert {c.id for c in r.caps} == {"tu_dien_bien", "tu_dien_bien_ro"}


def test_discipline_caps_at_trung_binh(tmp_path: Path) -> None:
    r = score(tmp_path, full_answers(), ky_luat="true")
    assert (r.score, r.level, r.ky_luat) == (100, "trung_binh", True)
    assert r.caps[0].id == "ky_luat" and r.caps[0].items == []


def test_na_unanswered_and_invalid_are_kept_apart(tmp_path: Path) -> None:
    answers = full_answers(CT9="na", DL8="không áp dụng", D18="KAD", CT1=7)
    del answers["CT2"], answers["CT3"]
    path = tmp_path / "m.yaml"
    path.write_text(member_yaml(answers), encoding="utf-8")
    scored = score_file(path)
    r = scored.result
    assert r.not_applicable == ["CT9", "DL8", "D18"]
    assert r.unanswered == ["CT2", "CT3"]
    assert r.invalid == ["CT1"]
    assert r.complete is False
    assert r.score == 100  # none of the three deducts
    ct = next(s for s in r.sections if s.id == "CT")
    assert (ct.answered, ct.unanswered, ct.not_applicable, ct.invalid) == (5, 2, 1, 1)
    assert len(scored.problems) == 1 and "7" in scored.problems[0].message


def test_self_level_comparison(tmp_path: Path) -> None:
    higher = score(tmp_path, full_answers(D1=1), tu_xep_loai="Tốt")
    same = score(tmp_path, full_answers(D1=1), tu_xep_loai="TB")
    lower = score(tmp_path, full_answers(), tu_xep_loai="kha")
    assert (higher.self_comparison, same.self_comparison, lower.self_comparison) == ("higher", "same", "lower")
    assert same.self_level == "trung_binh"


def test_cell_decision_is_shown_beside_computed_level(tmp_path: Path) -> None:
    r = score(tmp_path, full_answers(D1=1), chi_bo_xep_loai="Khá", ly_do="Đã khắc phục ngay trong kỳ")
    assert (r.level, r.cell_level, r.cell_reason) == ("trung_binh", "kha", "Đã khắc phục ngay trong kỳ")


def test_next_level_gap(tmp_path: Path) -> None:
    r = score(tmp_path, full_answers(CT1=3, CT2=3, DL1=1))  # 100 - 14 = 86 -> Khá, 4 short of Tốt; CT mức 3 caps
    assert (r.score, r.level) == (86, "trung_binh")
    assert r.next_level is not None
    assert (r.next_level.level, r.next_level.score_gap) == ("kha", 0)
    r = score(tmp_path, full_answers(CT1=2, CT2=2, DL1=2, DL2=1))  # 100 - 14 = 86 -> Khá, 4 short of Tốt
    assert r.next_level is not None
    assert (r.level, r.next_level.level, r.next_level.score_gap, r.next_level.blocking_caps) == (
        "kha", "tot", 4, [])


def test_section_summary(tmp_path: Path) -> None:
    r = score(tmp_path, full_answers(CT1=1, CT2=2, DB3=1, D2=1))
    by_id = {s.id: s for s in r.sections}
    assert (by_id["CT"].points, by_id["CT"].flagged) == (6, 2)
    assert (by_id["DB"].points, by_id["DB"].flagged) == (3, 1)
    assert (by_id["D"].points, by_id["D"].flagged) == (15, 1)
    assert r.flagged == ["CT1", "CT2", "DB3", "D2"]
    assert r.score == 76


def test_examples_score_as_their_comments_say() -> None:
    from ..conftest import EXAMPLES

    expected = {
        "01-tran-thi-binh.yaml": (100, "tot", "tot"),
        "02-nguyen-van-an.yaml": (92, "tot", "tot"),
        "03-le-quoc-cuong.yaml": (79, "kha", "trung_binh"),
        "04-pham-minh-duc.yaml": (54, "trung_binh", "yeu_kem"),
    }
    for name, (points, by_score, final) in expected.items():
        r = score_file(EXAMPLES / name).result
        assert (r.score, r.score_level, r.level) == (points, by_score, final), name


@pytest.mark.parametrize(("value", "text"), [(86.25, "86.3"), (90.0, "90"), (89.95, "90"), (0.04, "0"), (74.5, "74.5")])
def test_display_rounding(value: float, text: str) -> None:
    assert score_text(value) == text


def test_default_rubric_numbers_come_from_yaml() -> None:
    rubric = load_rubric()
    assert {s.id: s.weight for s in rubric.sections} == {"CT": 2, "DL": 2, "DB": 3, "D": 15}
    assert [(lv.id, lv.min_score) for lv in rubric.levels] == [
        ("tot", 90), ("kha", 75), ("trung_binh", 50), ("yeu_kem", None)]
