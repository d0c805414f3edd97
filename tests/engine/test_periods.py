"""`tusoi compare` over three periods: paths, persistent items, relapses, level trends, share fixed step by step."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tusoi_cli.api import read_period
from tusoi_cli.engine.periods import follow_periods
from tusoi_cli.model.periods import FollowUp, Track

from .test_compare import member, put

TODAY = date(2026, 3, 1)

# One member over three years; "na" is not applicable, a missing key is unanswered.
AN = {
    "2023": {"CT1": 1, "CT2": 1, "CT3": 2, "CT4": 1, "CT5": 0, "DL1": 0, "D1": 1},
    "2024": {"CT1": 1, "CT2": 0, "CT3": 1, "CT5": 1, "DL1": 0, "D1": 0},
    "2025": {"CT1": 2, "CT2": 1, "CT3": 0, "CT4": 1, "CT5": "na", "DL1": 0, "D1": 0},
}
AN_PATHS = {"CT1": "1 → 1 → 2", "CT2": "1 → 0 → 1", "CT3": "2 → 1 → 0", "CT4": "1 → ? → 1", "CT5": "0 → 1 → KAD",
            "D1": "1 → 0 → 0"}
BINH = {"2023": {"CT1": 1, "CT2": 1}, "2024": {"CT1": 1, "CT2": 1}, "2025": {"CT1": 1, "CT2": 0}}
CUONG = {"2023": {"CT2": 1}, "2025": {"CT2": 1}}  # absent in 2024 (on leave), back in 2025
DUNG = {"2024": {"CT1": 0, "DL1": 2}, "2025": {"CT1": 1, "DL1": 0}}  # joined in 2024


def cell(root: Path) -> list[Path]:
    """Three folders, one per year, of the four members above."""
    people = (("01", "Nguyễn Văn An", AN), ("02", "Trần Thị Bình", BINH), ("03", "Lê Văn Cường", CUONG),
              ("04", "Phạm Văn Dũng", DUNG))
    for year in ("2023", "2024", "2025"):
        for code, name, answers in people:
            if year in answers:
                put(root / year / f"{code}.yaml", member(name, answers[year], ma=code, ky=year))
    return [root / year for year in ("2023", "2024", "2025")]


def follow(paths: list[Path]) -> FollowUp:
    return follow_periods([read_period(p) for p in paths], today=TODAY)


def paths_of(track: Track) -> dict[str, str]:
    return {item.id: item.text() for item in track.items}


def test_one_member_over_three_periods(tmp_path: Path) -> None:
    files = [put(tmp_path / f"an-{y}.yaml", member("Nguyễn Văn An", AN[y], ma="01", ky=y)) for y in AN]
    result = follow(files)
    assert result.names == ["2023", "2024", "2025"]
    [an] = result.members
    assert an.matched_by == ("files", "files")
    assert paths_of(an) == AN_PATHS  # DL1 (0 every year) is not listed
    assert [i.id for i in an.persistent] == ["CT1"]
    assert [(i.id, i.relapses) for i in an.relapsed] == [("CT2", 1)]  # CT4's unanswered 2024 is not a fix
    ct5 = next(i for i in an.items if i.id == "CT5")
    assert [s.state for s in ct5.steps] == ["answered", "answered", "na"]
    # 2023: 100 - 2 - 2 - 4 - 2 - 15 = 75, capped by the violated D1 to trung_binh; 2024: 94 tot; 2025: 92 tot
    assert [r.score if r else None for r in an.records] == [75, 94, 92]
    assert [r.level if r else None for r in an.records] == ["trung_binh", "tot", "tot"]
    assert an.trend == "up"
    # step 2023 -> 2024: CT1 CT2 CT3 CT4 D1 flagged; CT2 and D1 fixed; CT4 not comparable
    first, second = result.steps
    assert (first.totals()["old_shortcomings"], first.totals()["fixed"], first.totals()["not_comparable"]) == (5, 2, 1)
    # step 2024 -> 2025: CT1 CT3 CT5 flagged; CT3 fixed; CT5 now "na": not comparable
    assert (second.totals()["old_shortcomings"], second.totals()["fixed"]) == (3, 1)


def test_a_cell_over_three_periods(tmp_path: Path) -> None:
    result = follow(cell(tmp_path))
    assert [m.ho_ten for m in result.members] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Văn Dũng"]
    an, binh, cuong, dung = result.members
    assert paths_of(an) == AN_PATHS
    assert paths_of(binh) == {"CT1": "1 → 1 → 1", "CT2": "1 → 1 → 0"}
    assert [i.id for i in binh.persistent] == ["CT1"] and binh.relapsed == []
    # Cường was absent in 2024: followed across the gap by his code, never counted as fixed nor as a relapse
    assert paths_of(cuong) == {"CT2": "1 → vắng → 1"}
    assert cuong.matched_by == (None, "code") and cuong.persistent == [] and cuong.relapsed == []
    assert paths_of(dung) == {"CT1": "vắng → 0 → 1", "DL1": "vắng → 2 → 0"}
    assert dung.records[0] is None and dung.matched_by == (None, "code")
    assert [m.trend for m in result.members] == ["up", "same", "same", "same"]

    items = {t.id: (t.flagged, t.persistent, t.relapsed) for t in result.items}
    assert items == {"CT1": ([2, 2, 3], 2, 0), "CT2": ([3, 1, 2], 0, 1), "CT3": ([1, 1, 0], 0, 0),
                     "CT4": ([1, 0, 1], 0, 0), "CT5": ([0, 1, 0], 0, 0), "DL1": ([0, 1, 0], 0, 0),
                     "D1": ([1, 0, 0], 0, 0)}
    assert [t.id for t in result.items] == ["CT1", "CT2", "CT3", "CT4", "CT5", "DL1", "D1"]  # rubric order
    # share fixed: 2023 -> 2024 over An and Bình (7 flagged, An's CT2 and D1 fixed);
    # 2024 -> 2025 over An, Bình, Dũng (6 flagged: An's CT3, Bình's CT2, Dũng's DL1 fixed)
    assert [s.fixed_share for s in result.steps] == [pytest.approx(2 / 7), 0.5]
    assert {lv.id: lv.counts for lv in result.levels}["tot"] == (2, 3, 4)
    assert {lv.id: lv.counts for lv in result.levels}["trung_binh"] == (1, 0, 0)
    assert result.notes == []


def test_periods_out_of_order_are_noted(tmp_path: Path) -> None:
    paths = cell(tmp_path)
    result = follow([paths[1], paths[0], paths[2]])
    assert any("không theo thứ tự" in note for note in result.notes)


def test_two_members_sharing_a_code_are_never_bridged(tmp_path: Path) -> None:
    root = tmp_path
    put(root / "a" / "1.yaml", member("Ngô Văn Một", {"CT1": 1}, ma="9", ky="2023"))
    put(root / "b" / "1.yaml", member("Khác Người", {"CT1": 0}, ma="7", ky="2024"))
    put(root / "c" / "1.yaml", member("Ngô Văn Một", {"CT1": 1}, ma="9", ky="2025"))
    put(root / "c" / "2.yaml", member("Ngô Văn Một B", {"CT1": 1}, ma="9", ky="2025"))
    result = follow([root / "a", root / "b", root / "c"])
    # code 9 is shared in 2025: nobody is paired with 2023's Một, who stays alone
    assert sorted(m.present for m in result.members) == [1, 1, 1, 1]


def test_a_gap_made_by_an_ambiguous_period_is_not_bridged(tmp_path: Path) -> None:
    put(tmp_path / "a" / "1.yaml", member("Ngô Văn Một", {"CT1": 1}, ma="9", ky="2023"))
    put(tmp_path / "b" / "1.yaml", member("Ngô Văn Một", {"CT1": 1}, ma="9", ky="2024"))
    put(tmp_path / "b" / "2.yaml", member("Ngô Văn Một B", {"CT1": 0}, ma="9", ky="2024"))  # code 9 twice
    put(tmp_path / "c" / "1.yaml", member("Ngô Văn Một", {"CT1": 1}, ma="9", ky="2025"))
    result = follow([tmp_path / "a", tmp_path / "b", tmp_path / "c"])
    # 2025's Một could follow either 2024 record: he is not joined to 2023's Một across 2024 either
    assert sorted(paths_of(m)["CT1"] for m in result.members if "CT1" in paths_of(m)) == [
        "1 → vắng → vắng", "vắng → 1 → vắng", "vắng → vắng → 1"]
    assert len(result.steps[0].ambiguous) == 1 and len(result.steps[1].ambiguous) == 1


# Five years of one member: each item's answers, and what the path, persistence and relapses must be.
FIVE = ("2021", "2022", "2023", "2024", "2025")
FIVE_ANSWERS: dict[str, tuple[object | None, ...]] = {  # None: not answered
    "CT1": (1, 0, 1, 0, 1),          # back twice
    "CT2": (1, None, 0, 1, 1),       # unanswered never fixes; the 0 in 2023 does: back once
    "CT3": (1, "na", 1, 1, 1),       # not applicable breaks "every period", fixes nothing
    "CT4": (2, 1, 1, 2, 3),          # flagged every year: persistent, never a relapse
    "CT5": (0, 0, 1, 0, 0),          # fixed once, no relapse
    "CT6": (0, 1, "x", 1, 0),        # an invalid answer neither fixes nor breaks: no relapse
}
FIVE_EXPECTED = {"CT1": ("1 → 0 → 1 → 0 → 1", False, 2), "CT2": ("1 → ? → 0 → 1 → 1", False, 1),
                 "CT3": ("1 → KAD → 1 → 1 → 1", False, 0), "CT4": ("2 → 1 → 1 → 2 → 3", True, 0),
                 "CT5": ("0 → 0 → 1 → 0 → 0", False, 0), "CT6": ("0 → 1 → sai → 1 → 0", False, 0)}


def five_years(tmp_path: Path, extra: dict[str, tuple[object, ...]] | None = None) -> list[Path]:
    files = []
    for k, year in enumerate(FIVE):
        answers = {item: values[k] for item, values in {**FIVE_ANSWERS, **(extra or {})}.items()
                   if values[k] is not None}
        files.append(put(tmp_path / f"an-{year}.yaml", member("Nguyễn Văn An", answers, ma="01", ky=year)))
    return files


def test_five_periods_relapses_and_persistence(tmp_path: Path) -> None:
    [an] = follow(five_years(tmp_path)).members
    assert {i.id: (i.text(), i.persistent, i.relapses) for i in an.items} == FIVE_EXPECTED
    assert [s.state for s in next(i for i in an.items if i.id == "CT6").steps] == [
        "answered", "answered", "invalid", "answered", "answered"]


# Scores by year with weight 2 per degree: 90, 96, 92, 90, 88 (tot, tot, tot, tot, and 2025 capped to
# trung_binh by CT4 at mức 3); D1 violated takes 15 and caps at trung_binh; CT4 at 2 in 2025 makes it 90, tot.
@pytest.mark.parametrize(("extra", "levels", "trend"), [
    ({}, ["tot", "tot", "tot", "tot", "trung_binh"], "down"),
    ({"CT4": (2, 1, 1, 2, 2)}, ["tot"] * 5, "same"),
    ({"CT4": (2, 1, 1, 2, 2), "D1": (1, 1, 0, 0, 0)}, ["trung_binh", "trung_binh", "tot", "tot", "tot"], "up"),
    ({"D1": (0, 1, 0, 0, 0)}, ["tot", "trung_binh", "tot", "tot", "trung_binh"], "mixed"),
])
def test_level_trend(tmp_path: Path, extra: dict[str, tuple[object, ...]], levels: list[str], trend: str) -> None:
    [an] = follow(five_years(tmp_path, extra)).members
    assert [r.level if r else None for r in an.records] == levels
    assert an.trend == trend


def test_a_member_without_code_is_followed_across_a_gap_by_name(tmp_path: Path) -> None:
    put(tmp_path / "a" / "1.yaml", member("Đỗ Thị Hoa", {"CT1": 1}, ky="2023"))
    put(tmp_path / "a" / "2.yaml", member("Lê Văn Hùng", {"CT1": 1}, ky="2023"))
    put(tmp_path / "b" / "1.yaml", member("Lê Văn Hùng", {"CT1": 0}, ky="2024"))
    put(tmp_path / "c" / "1.yaml", member("Lê Văn Hưng", {"CT1": 1}, ky="2025"))  # Hưng is not Hùng
    put(tmp_path / "c" / "2.yaml", member("do thi hoa", {"CT1": 0}, ky="2025"))  # wrong case, no diacritics
    result = follow([tmp_path / "a", tmp_path / "b", tmp_path / "c"])
    by_name = {m.ho_ten: (paths_of(m), m.matched_by) for m in result.members}
    assert by_name == {
        "do thi hoa": ({"CT1": "1 → vắng → 0"}, (None, "name_unaccented")),
        "Lê Văn Hưng": ({"CT1": "vắng → vắng → 1"}, (None, None)),
        "Lê Văn Hùng": ({"CT1": "1 → 0 → vắng"}, ("name", None)),
    }
