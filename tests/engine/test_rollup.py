"""The roll-up's counts against hand-computed figures (tests/rollup_tree.py) and ``batch``, member for member."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tusoi_cli.api import load_rubric, read_batch, roll_up, summarize
from tusoi_cli.model.rollup import Rollup, Unit, change
from tusoi_cli.read.rollup import read_rollup_json
from tusoi_cli.render.rollup_data import rollup_dict

from ..rollup_tree import EXPECTED, NAMES, add_reports, make_previous, make_tree

LEVELS = ("tot", "kha", "trung_binh", "yeu_kem")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = make_tree(tmp_path)
    add_reports(root)
    return root


def units_by_name(rollup: Rollup) -> dict[str, Unit]:
    return {unit.name: unit for _, unit in rollup.root.walk()}


def test_every_unit_matches_the_hand_computed_counts(tree: Path) -> None:
    rollup = roll_up([tree], load_rubric())
    units = units_by_name(rollup)
    assert set(units) == set(EXPECTED)
    for name, (present, exempt, not_reviewed, reviewed, levels) in EXPECTED.items():
        unit = units[name]
        assert (unit.present, unit.exempt, unit.not_reviewed, unit.reviewed) == (present, exempt, not_reviewed,
                                                                                 reviewed), name
        assert unit.present == unit.exempt + unit.not_reviewed + unit.reviewed
        assert unit.tally is not None
        assert tuple(unit.tally.levels[k] for k in LEVELS) == levels, name
    assert units["tree"].kind == "party_unit" and units["Chi bộ Ba"].kind == "cell"
    assert [u.name for u in units["dang-bo-b"].children] == ["Chi bộ Năm", "Chi bộ Ba", "Chi bộ Bốn"]
    root = units["tree"].tally
    assert root is not None
    # final levels: An tot, Bình kha (tusoi: tot), Khánh yeu_kem, Phương yeu_kem
    assert root.final_levels == {"tot": 1, "kha": 1, "trung_binh": 0, "yeu_kem": 2}
    assert root.differ == 1
    # at the lowest level: Dũng (two D + discipline), Khánh (DB at 2), Phương (two D)
    assert root.lowest == 3
    assert root.reasons == {"prohibited": 2, "discipline": 1, "degradation": 1}
    # items: CT1 Bình, Nam (Giang's is invalid); D1 Cường, Dũng, Phương; D2 Dũng, Phương; DL1 Sơn, Hà...
    assert root.items == {"CT1": 2, "D1": 3, "D2": 2, "DB1": 2, "DL1": 2, "DL2": 1}
    one = units["Chi bộ Một"].tally
    assert one is not None and one.items == {"CT1": 1, "D1": 2, "D2": 1}
    assert units["tree"].exempt_reasons == {"nghỉ sinh hoạt": 1, "mới kết nạp dưới 6 tháng": 1}
    assert units["Chi bộ Bốn"].exempt_reasons == {"mới kết nạp dưới 6 tháng": 1}


def test_exemption_reasons_are_one_however_spelled() -> None:
    from tusoi_cli.model.rollup import add_reasons

    reasons = {"Nghỉ sinh hoạt": 2}
    add_reasons(reasons, {"nghi sinh hoat": 1, "NGHỈ SINH HOẠT": 1, "đình chỉ sinh hoạt": 1})
    assert reasons == {"Nghỉ sinh hoạt": 4, "đình chỉ sinh hoạt": 1}


def test_own_outputs_and_other_files_are_skipped_and_bad_files_listed(tree: Path) -> None:
    rollup = roll_up([tree], load_rubric())
    skipped = {Path(s.path).name: s.reason for s in rollup.skipped}
    assert set(skipped) == {"ketqua.xlsx", "ketqua.json", "ghi-chu.txt"}
    assert "tusoi batch" in skipped["ketqua.xlsx"] and "kết quả chấm của tusoi" in skipped["ketqua.json"]
    where = sorted((Path(p.file).name, p.line, p.column) for p in rollup.problems)
    assert where == [("chi-bo-1.xlsx", 10, 4), ("chi-bo-5.csv", 4, 3), ("d.yaml", 3, 1), ("hong.xlsx", None, None)]
    text = json.dumps(rollup_dict(rollup, tool_version="t"), ensure_ascii=False)
    assert not [name for name in NAMES if name in text]
    assert "hai-chi-bo.xlsx: mỗi trang tính có dòng tiêu đề là một chi bộ ('Chi bộ Ba', 'Chi bộ Bốn')" in " ".join(
        rollup.notes)


def test_the_cells_add_up_to_their_batch_results_member_for_member(tree: Path) -> None:
    rubric = load_rubric()
    units = units_by_name(roll_up([tree], rubric))
    cells = {"Chi bộ Một": (tree / "dang-bo-a" / "chi-bo-1.xlsx", None),
             "Chi bộ Hai": (tree / "dang-bo-a" / "chi-bo-2", None),
             "Chi bộ Ba": (tree / "dang-bo-b" / "hai-chi-bo.xlsx", "Chi bộ Ba"),
             "Chi bộ Bốn": (tree / "dang-bo-b" / "hai-chi-bo.xlsx", "Chi bộ Bốn"),
             "Chi bộ Năm": (tree / "dang-bo-b" / "chi-bo-5.csv", None)}
    for name, (path, sheet) in cells.items():
        summary = summarize(read_batch(path, rubric, sheet=sheet))
        unit = units[name]
        assert unit.tally is not None
        assert (unit.exempt, unit.not_reviewed, unit.reviewed) == (
            summary.statuses["exempt"], summary.statuses["not_reviewed"], summary.statuses["reviewed"]), name
        assert unit.tally.levels == summary.levels, name
        assert {k: v for k, v in unit.tally.final_levels.items()} == summary.decided, name
        assert unit.tally.items == dict(summary.prevalence), name


def test_last_period_is_matched_by_folded_name_with_the_change(tree: Path, tmp_path: Path) -> None:
    previous = make_previous(tmp_path)
    rollup = roll_up([tree], load_rubric(), previous=[previous])
    units = units_by_name(rollup)
    a, one = units["dang-bo-a"], units["Chi bộ Một"]
    assert a.previous is not None and a.previous.name == "Dang-Bo-A" and a.previous.present == 6
    assert one.previous is not None and one.previous.name == "CHI BO MOT"
    assert (one.previous.present, one.previous.reviewed) == (4, 4)
    assert change(one.present, one.previous.present) == pytest.approx(175.0)  # 7 / 4
    assert change(a.present, a.previous.present) == pytest.approx(1000 / 6)  # 10 / 6
    assert units["tree"].previous is not None and units["tree"].previous.present == 6
    assert rollup.unmatched_current == ["dang-bo-a / Chi bộ Hai", "dang-bo-b"]
    assert rollup.unmatched_previous == ["dang-bo-a / Chi bộ Cũ"]
    data = rollup_dict(rollup, tool_version="t")["root"]["children"][0]
    assert data["previous"]["present"] == 6 and data["change"]["present"] == pytest.approx(166.7)
    # kha: 0 now, 0 last period: blank, never a division by zero
    assert data["children"][0]["change"]["levels"]["kha"] is None
    assert data["children"][0]["change"]["levels"]["tot"] == pytest.approx(100.0)  # 3 / 3
    assert change(3, 0) is None


def test_a_rollup_json_reads_back_and_combines_upward(tree: Path, tmp_path: Path) -> None:
    from tusoi_cli.render.rollup_data import rollup_json

    rubric = load_rubric()
    parts = []
    for name in ("dang-bo-a", "dang-bo-b"):
        path = tmp_path / f"{name}.json"
        path.write_bytes(b"".join(rollup_json(roll_up([tree / name], rubric), tool_version="t")))
        unit, titles, labels = read_rollup_json(path)
        assert (unit.name, unit.present) == (name, EXPECTED[name][0])
        assert unit.exempt_reasons == {"dang-bo-a": {"nghỉ sinh hoạt": 1},
                                       "dang-bo-b": {"mới kết nạp dưới 6 tháng": 1}}[name]
        assert titles["CT1"] and labels["tot"] == "Tốt"
        parts.append(path)
    combined = roll_up(parts, rubric)
    whole = roll_up([tree], rubric)
    assert combined.from_json and combined.root.name == "Tổng cộng"
    assert rollup_dict(combined, tool_version="t")["root"]["schemes"] == rollup_dict(whole, tool_version="t")[
        "root"]["schemes"]
    assert combined.root.present == whole.root.present == 17


def test_cells_scored_with_other_levels_are_totalled_apart(tree: Path, tmp_path: Path) -> None:
    from tusoi_cli.render.rollup_data import rollup_json

    other = load_rubric(str(Path(__file__).parents[2] / "rubrics" / "examples" / "xep-loai-hoan-thanh.yaml"))
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_bytes(b"".join(rollup_json(roll_up([tree / "dang-bo-a"], load_rubric()), tool_version="t")))
    second.write_bytes(b"".join(rollup_json(roll_up([tree / "dang-bo-b"], other), tool_version="t")))
    combined = roll_up([first, second], load_rubric())
    root = combined.root
    assert len(root.tallies) == 2 and root.tally is None
    assert sorted(t.reviewed for t in root.tallies) == [6, 7]
    assert root.reviewed == 13 and root.present == 17
    data = rollup_dict(combined, tool_version="t")["root"]
    assert data["levels"] is None and len(data["schemes"]) == 2


def test_a_damaged_rollup_json_is_an_error_naming_the_unit(tmp_path: Path) -> None:
    from tusoi_cli.errors import InputError

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "tusoi-tong-hop", "format_version": 1, "root": {
        "name": "X", "kind": "party_unit", "exempt": 1, "not_reviewed": 0, "present": 5, "schemes": []}}),
        encoding="utf-8")
    with pytest.raises(InputError, match="đơn vị 'X': 'present' \\(5\\) khác"):
        read_rollup_json(bad)
    other = tmp_path / "other.json"
    other.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="không phải bảng tổng hợp"):
        read_rollup_json(other)


def test_every_cap_of_the_bundled_rubrics_declares_its_reason_category() -> None:
    examples = Path(__file__).parents[2] / "rubrics" / "examples"
    for source in ["tusoi-mac-dinh", *map(str, sorted(examples.glob("*.yaml")))]:
        rubric = load_rubric(source)
        assert rubric.caps and all(cap.category is not None for cap in rubric.caps), source
    categories = {cap.id: cap.category for cap in load_rubric().caps}
    assert categories["ky_luat"] == "discipline" and categories["vi_pham_dieu_cam"] == "prohibited"
    assert categories["tu_dien_bien_ro"] == "degradation"


def test_member_files_counted_through_the_core_score_as_batch_scores_them(tmp_path: Path) -> None:
    from tusoi_cli.engine.batch import score_batch
    from tusoi_cli.engine.rollup import score_cell
    from tusoi_cli.read.batch import read_folder

    folder = tmp_path / "chi-bo"
    folder.mkdir()
    bodies = {
        "a": "ky_luat: cảnh cáo\ndanh_gia:\n  CT1: 2\n  D3: na\n",
        "b": "danh_gia:\n  DB2: 1\n  DL4: 3\n  D5: 1\n  D6: 1\n",
        "c": "trang_thai: 'miễn: đình chỉ sinh hoạt'\ndanh_gia:\n  CT1: 1\n",
        "d": "danh_gia: {}\n",
        "e": "chi_bo_xep_loai: kha\ndanh_gia:\n  CT2: 9\n  CT3: 1\n",  # an invalid value: provisional
    }
    for name, body in bodies.items():
        (folder / f"{name}.yaml").write_text(f"dang_vien:\n  ho_ten: Người {name.upper()}\n{body}", encoding="utf-8")
    rubric = load_rubric()
    compact = score_cell(read_folder(folder, rubric), "tệp")
    detailed = score_batch(read_folder(folder, rubric), "tệp")
    assert len(compact.members) == len(detailed.members) == 5
    for mine, theirs in zip(compact.members, detailed.members, strict=True):
        assert (mine.status, mine.core.score, mine.core.rank, mine.core.caps) == (
            theirs.status, theirs.core.score, theirs.core.rank, theirs.core.caps), mine.ho_ten
        assert (mine.values, mine.na, mine.invalid, mine.chi_bo_xep_loai) == (
            theirs.values, theirs.na, theirs.invalid, theirs.chi_bo_xep_loai)
        assert mine.rated == theirs.rated and mine.complete == theirs.complete
    assert [m.status for m in compact.members] == ["reviewed", "reviewed", "exempt", "not_reviewed", "reviewed"]
    assert compact.problems == detailed.problems


def test_a_member_with_its_whole_evaluation_counts_as_its_compact_form(tmp_path: Path) -> None:
    from dataclasses import replace

    from tusoi_cli.engine.rollup import score_cell
    from tusoi_cli.read.batch import read_folder

    folder = tmp_path / "chi-bo"
    folder.mkdir()
    bodies = {"a": "ky_luat: cảnh cáo\ndanh_gia:\n  CT1: 2\n  D3: na\n", "d": "danh_gia: {}\n",
              "e": "danh_gia:\n  CT2: 9\n  CT3: 1\n"}
    for name, body in bodies.items():
        (folder / f"{name}.yaml").write_text(f"dang_vien:\n  ho_ten: Người {name.upper()}\n{body}", encoding="utf-8")
    rubric = load_rubric()
    compact = score_cell(read_folder(folder, rubric), "tệp")
    whole = read_folder(folder, rubric)  # as a library caller builds it: the evaluation whole, no compact values
    whole.members = [replace(m, values=(), na=(), invalid=(), evaluation=m.evaluation_for(rubric), details_only=False)
                     for m in whole.members]
    whole = score_cell(whole, "tệp")
    for mine, theirs in zip(whole.members, compact.members, strict=True):
        assert (mine.status, mine.status_reason, mine.core, mine.values, mine.na, mine.invalid) == (
            theirs.status, theirs.status_reason, theirs.core, theirs.values, theirs.na, theirs.invalid)
    assert [m.status for m in whole.members] == ["reviewed", "not_reviewed", "reviewed"]


def test_both_cores_give_the_same_rollup_in_the_same_order(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tusoi_cli.api as api

    rubric = load_rubric()
    monkeypatch.setenv("TUSOI_JOBS", "1")
    alone = rollup_dict(roll_up([tree], rubric), tool_version="t")
    monkeypatch.setenv("TUSOI_JOBS", "2")
    monkeypatch.setattr(api, "PARALLEL_MIN_FILES", 1)
    seen: list[tuple[int, int]] = []
    shared = rollup_dict(roll_up([tree], rubric, progress=lambda done, total: seen.append((done, total))),
                         tool_version="t")
    assert shared == alone
    assert seen[-1] == (5, 5)  # three cell files, a cell folder and the broken file


def test_last_period_from_a_previous_rollup_json(tree: Path, tmp_path: Path) -> None:
    from tusoi_cli.render.rollup_data import rollup_json

    rubric = load_rubric()
    last = tmp_path / "ky-truoc.json"
    last.write_bytes(b"".join(rollup_json(roll_up([make_previous(tmp_path)], rubric), tool_version="t")))
    from_json = roll_up([tree], rubric, previous=[last])
    from_tree = roll_up([tree], rubric, previous=[tmp_path / "ky-truoc"])
    assert rollup_dict(from_json, tool_version="t")["root"] == rollup_dict(from_tree, tool_version="t")["root"]
    assert from_json.unmatched_previous == ["dang-bo-a / Chi bộ Cũ"]


def test_a_third_party_unit_of_xls_and_ods_cells_adds_up(tree: Path) -> None:
    import shutil

    sheets = Path(__file__).parents[1] / "fixtures" / "sheets"
    c = tree / "dang-bo-c"
    c.mkdir()
    for name in ("chibo-mau.xls", "chibo-mau.ods"):
        shutil.copy(sheets / name, c / name)
    rubric = load_rubric()
    rollup = roll_up([tree], rubric)
    third = next(u for u in rollup.root.children if u.name == "dang-bo-c")
    assert [u.kind for u in third.children] == ["cell", "cell"]
    expected = summarize(read_batch(sheets / "chibo-mau.xlsx", rubric))
    for cell in third.children:  # the same cell in two more formats: the same counts as batch gives
        assert cell.tally is not None
        assert (cell.exempt, cell.not_reviewed, cell.reviewed) == (
            expected.statuses["exempt"], expected.statuses["not_reviewed"], expected.statuses["reviewed"])
        assert cell.tally.levels == expected.levels
    assert rollup.root.present == EXPECTED["tree"][0] + 2 * third.children[0].present
    assert rollup.root.present == rollup.root.exempt + rollup.root.not_reviewed + rollup.root.reviewed


def test_a_cap_with_an_unknown_category_is_a_located_rubric_error(tmp_path: Path) -> None:
    from tusoi_cli.errors import InputError

    source = (Path(__file__).parents[2] / "rubrics" / "tusoi-mac-dinh.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "thu.yaml"
    bad.write_text(source.replace("id: tusoi-mac-dinh", "id: thu", 1).replace("category: discipline",
                                                                             "category: ky_luat"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rubric(str(bad))
    [problem] = caught.value.problems
    assert "'category'" in problem.message and problem.line is not None and "discipline" in (problem.hint or "")
