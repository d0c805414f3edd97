"""Rubric authoring: the shipped example rubrics work, their example members score as their comments say,
and every authoring mistake gives a located error (the ones not already covered by test_rubrics.py)."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest

import tusoi_cli
from tusoi_cli import load_rubric, load_rubric_file, score_file
from tusoi_cli.read.yaml_reader import load_yaml
from tusoi_cli.render.excel.sheet_template import FIRST_DATA_ROW, HEADER_ROW, SHEET_FORM
from tusoi_cli.resources import bundled_dir

Invoke = Callable[..., Any]
Write = Callable[[str, str], Path]

PACKAGE = Path(tusoi_cli.__file__).parent  # the installed package (site-packages after `pip install .`)
REPO = Path(__file__).resolve().parents[2]  # the checkout the tests run from
EXAMPLES = bundled_dir() / "examples"  # the installed package's (site-packages after `pip install .`)
RUBRICS = sorted(EXAMPLES.glob("*.yaml"))
MEMBERS = sorted((EXAMPLES / "members").glob("*.yaml"))
EXPECTED = re.compile(r"^# Expected: score (\S+) → level (\S+) \(caps: ([^)]*)\)$", re.M)


def _expected(path: Path) -> tuple[float, str, list[str]]:
    found = EXPECTED.search(path.read_text(encoding="utf-8"))
    assert found, f"{path.name} has no '# Expected: score X → level Y (caps: ...)' line"
    caps = [] if found.group(3) == "none" else [c.strip() for c in found.group(3).split(",")]
    return float(found.group(1)), found.group(2), caps


def test_there_are_at_least_three_examples_each_with_members() -> None:
    assert len(RUBRICS) >= 3
    for rubric in RUBRICS:
        assert any(m.name.startswith(rubric.stem + "--") for m in MEMBERS), rubric.name


@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: p.stem)
def test_example_rubric_passes_rubric_check(invoke: Invoke, path: Path) -> None:
    result = invoke("rubric", "check", str(path))
    assert result.exit_code == 0, result.stderr
    assert "hợp lệ" in result.stdout
    assert load_rubric_file(path).id == path.stem  # the file is named after its id


def test_district_example_has_three_degrees_and_its_own_thresholds() -> None:
    rubric = load_rubric_file(EXAMPLES / "huyen-ba-muc-do.yaml")
    scale = rubric.scales["ba_muc"]
    assert [v.label for v in scale.values or []] == ["Không có", "Nhẹ", "Vừa", "Nặng"]
    assert {s.scale for s in rubric.sections} == {"ba_muc"}
    default = load_rubric()
    assert [lv.min_score for lv in rubric.levels] != [lv.min_score for lv in default.levels]


def test_official_wording_example_maps_the_four_levels() -> None:
    rubric = load_rubric_file(EXAMPLES / "xep-loai-hoan-thanh.yaml")
    assert [lv.label for lv in rubric.levels] == ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
                                                  "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"]
    default = load_rubric()
    assert [lv.min_score for lv in rubric.levels] == [lv.min_score for lv in default.levels]
    *same, previous = rubric.caps
    assert [(c.id, default.level_rank(d.at_most)) for c, d in zip(same, default.caps, strict=True)] == \
        [(c.id, rubric.level_rank(c.at_most)) for c in same]  # same caps, same ranks
    # and the 2025 rules' own: the top level needs every shortcoming of the previous period fixed
    assert (previous.field, rubric.level_rank(previous.at_most)) == ("ky_truoc", 1)


def test_qd366_example_is_30_plus_70_points_at_90_70_50() -> None:
    rubric = load_rubric_file(EXAMPLES / "khung-366.yaml")
    sections = {s.id: s for s in rubric.sections}
    assert (sections["TC"].mode, sections["TC"].max, sum(i.max or 0 for i in sections["TC"].items)) == ("add", 30, 30)
    assert (sections["KQ"].mode, sections["KQ"].max, sum(i.max or 0 for i in sections["KQ"].items)) == ("add", 70, 70)
    assert (rubric.scoring.start, rubric.scoring.max) == (0, 100)
    assert [lv.min_score for lv in rubric.levels] == [90, 70, 50, None]
    looked_at = {s for cap in rubric.caps for s in cap.sections}
    assert looked_at == {"CT", "DL", "DB", "D"}  # any of the 27 expressions or 19 prohibitions caps the level
    assert all(i.weight == 0 for s in rubric.sections if s.id in looked_at for i in s.items)
    assert sum(len(sections[s].items) for s in ("CT", "DL", "DB")) == 27 and len(sections["D"].items) == 19


@pytest.mark.parametrize("path", MEMBERS, ids=lambda p: p.stem)
def test_example_member_scores_as_its_comments_say(invoke: Invoke, path: Path) -> None:
    score, level, caps = _expected(path)
    scored = score_file(path)
    r = scored.result
    assert (r.score, r.level, [c.id for c in r.caps]) == (score, level, caps)
    assert scored.problems == [] and r.unanswered == [] and r.invalid == []
    cli = invoke("score", str(path), "--strict", "-f", "json")
    assert cli.exit_code == 0, cli.stderr
    assert json.loads(cli.stdout)["level"] == level


@pytest.mark.parametrize("path", MEMBERS, ids=lambda p: p.stem)
def test_example_member_typed_into_its_sheet_gives_the_same_result(invoke: Invoke, path: Path,
                                                                   tmp_path: Path) -> None:
    """The sheet template of a custom rubric round-trips too: the member's answers, as written, go into a row."""
    data = load_yaml(path.read_text(encoding="utf-8"), str(path)).data
    rubric = (path.parent / data["bo_tieu_chi"]).resolve()
    sheet = tmp_path / "chibo.xlsx"
    assert invoke("template", "sheet", "--rubric", str(rubric), "--rows", "1", "-o", str(sheet)).exit_code == 0
    wb = openpyxl.load_workbook(sheet)
    ws = wb[SHEET_FORM]
    columns = {str(c.value).split(".")[0]: c.column for c in ws[HEADER_ROW]}
    ws.cell(FIRST_DATA_ROW, columns["Họ và tên"], data["dang_vien"]["ho_ten"])
    if data.get("tu_xep_loai"):
        ws.cell(FIRST_DATA_ROW, columns["Tự xếp loại"], data["tu_xep_loai"])
    for item_id, value in data["danh_gia"].items():
        ws.cell(FIRST_DATA_ROW, columns[item_id], value)  # text as typed: "0", "Nhẹ", "9,75", "x"
    wb.save(sheet)
    out = tmp_path / "kq.json"
    result = invoke("batch", str(sheet), "--rubric", str(rubric), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    [member] = json.loads(out.read_text(encoding="utf-8"))["members"]
    expected = score_file(path).result
    assert (member["score"], member["level"], [c["id"] for c in member["caps"]], member["self_level"]) == \
        (expected.score, expected.level, [c.id for c in expected.caps], expected.self_level)


def test_the_installed_package_ships_every_rubric_example_and_schema() -> None:
    """Every data file of the source tree is in the installed package, byte for byte (package-data globs
    do not recurse, so a new folder is easily forgotten); run against `pip install .` this checks the wheel."""
    package_data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]
    # (package, its folder in the checkout, its folder as installed)
    trees = [("tusoi_cli.rubrics", REPO / "rubrics", bundled_dir()),
             ("tusoi_cli", REPO / "src" / "tusoi_cli", PACKAGE)]
    assert not (REPO / "src" / "tusoi_cli" / "rubrics").exists(), "the rubrics have one home: rubrics/"
    needed = sorted((package, source, installed, p.relative_to(source)) for package, source, installed in trees
                    for p in source.rglob("*") if p.is_file() and p.suffix in {".yaml", ".json"})
    assert len(needed) >= 3 + 3 + 3  # bundled rubrics, examples, schemas
    declared = {(package, p.relative_to(source)) for package, source, _ in trees
                for pattern in package_data[package] for p in source.glob(pattern)}
    assert [p.as_posix() for package, _, _, p in needed if (package, p) not in declared] == [], \
        "add to [tool.setuptools.package-data]"
    differing = [p.as_posix() for _, source, installed, p in needed
                 if not (installed / p).is_file() or (installed / p).read_bytes() != (source / p).read_bytes()]
    assert differing == [], f"not installed as in the source tree: {differing} (reinstall: pip install .)"


# --------------------------------------------------------------------------- authoring mistakes

CAP = "id: r\ninclude: [tusoi-mac-dinh]\ncaps:\n  - {{{}}}\n"
SCALE = ("id: r\nscales:\n  s:\n    title: S\n    values:\n      - {{value: 0, label: Không{}}}\n"
         "      - {{value: 1, label: Có{}}}\n")


@pytest.mark.parametrize(("text", "line", "needle"), [
    # the kinds of mistake the issue names, in the forms test_rubrics.py does not cover yet
    ("id: r\ninclude: [nq04]\nsections:\n  - {id: CT, weight: 2}\n  - {id: CT, weight: 3}\n", 5,
     "mục lớn 'CT' bị khai báo hai lần"),
    ("id: r\nscales: {s: {title: S, values: [{value: 0, label: a}]}}\nsections:\n"
     "  - {id: A, title: A, scale: s, items: [{id: A1, title: x}]}\n"
     "  - {id: B, title: B, scale: s, items: [{id: A1, title: y}]}\n", 5, "mục 'A1' đã thuộc mục lớn 'A'"),
    ("id: r\ninclude: [tusoi-mac-dinh]\nlevels:\n  - {id: a, label: A, min_score: 80}\n"
     "  - {id: a, label: B, min_score: 60}\n  - {id: c, label: C}\ncaps: []\n", 4, "mức xếp loại 'a' bị lặp lại"),
    ("id: r\ninclude: [tusoi-mac-dinh]\nscales:\n  muc_do:\n    title: M\n    values: [{value: 0, label: a}]\n"
     "  muc_do:\n    title: N\n    values: [{value: 0, label: b}]\n", 7, "trường 'muc_do' bị lặp lại"),
    ("id: r\ninclude: [tusoi-mac-dinh]\nsections:\n  - {id: D, scale: vi-pham}\n", 4,
     "có phải ý bạn là 'vi_pham'?"),
    ("id: r\ninclude: [tusoi-mac-dinh]\nlevels:\n  - {id: a, label: A, min_score: 80}\n"
     "  - {id: b, label: B, min_score: 80}\n  - {id: c, label: C}\ncaps: []\n", 5, "phải thấp hơn mức trên nó"),
    (CAP.format("id: x, items: [CT10], at_most: kha, reason: r"), 4, "không có mục 'CT10'"),
    (CAP.format("id: x, sections: [dl], at_most: kha, reason: r"), 4, "có phải ý bạn là 'DL'?"),
    # mistakes tusoi now also catches
    ("id: r\ninclude: [tusoi-mac-dinh, nq04]\n", 2, "'nq04' đã được include trước đó"),
    ("id: r\ninclude: [tusoi-mac-dinh]\ncaps:\n  - {id: x, sections: [D], at_most: kha, reason: r}\n"
     "  - {id: x, sections: [CT], at_most: kha, reason: r}\n", 5, "quy tắc 'x' bị khai báo hai lần"),
    (SCALE.format(", aliases: [k]", ", aliases: [K]"), 7, "'K' dùng cho cả mức 0 và mức 1"),
    (SCALE.format(", aliases: [KAD]", ""), 6, "là cách ghi 'không áp dụng'"),
    (SCALE.format("", ", aliases: ['2']"), 7, "là số 2, khác giá trị 1"),
    ("id: r\nscales:\n  s: {title: S, max: 10, values: [{value: 0, label: a}]}\n", 3, "có cả 'values' lẫn 'max'"),
    ("id: r\nscales:\n  s: {title: S, min: 5, max: 5}\n", 3, "'max' (5) phải lớn hơn 'min' (5)"),
    ("id: r\nscales: {s: {title: S, values: [{value: 0, label: a}]}}\nsections:\n  - {id: A, title: A, scale: s}\n",
     4, "mục lớn 'A' không có mục nào"),
    ("id: r\ninclude: [tusoi-mac-dinh]\nlevels:\n  - {id: tot, label: Tốt, min_score: 90}\n"
     "  - {id: kha, label: Khá, min_score: 75, aliases: [tốt]}\n  - {id: yeu, label: Yếu}\ncaps: []\n", 5,
     "'tốt' dùng cho cả mức 'tot' và mức 'kha'"),
    ("id: r\ninclude: [tusoi-mac-dinh]\nscoring: {start: 100, min: 0, max: 100}\nlevels:\n"
     "  - {id: a, label: A, min_score: 110}\n  - {id: b, label: B}\ncaps: []\n", 5, "cao hơn điểm tối đa (100)"),
    (CAP.format("id: x, field: ky_luat, sections: [D], at_most: kha, reason: r"), 4, "xét trường 'ky_luat'"),
    (CAP.format("id: x, sections: [CT], min_value: 3, max_value: 1, at_most: kha, reason: r"), 4,
     "min_value (3) lớn hơn max_value (1)"),
    (CAP.format("id: x, sections: [D], min_count: 20, at_most: kha, reason: r"), 4,
     "cần 20 câu trả lời nhưng chỉ xét 19"),
    (CAP.format("id: x, sections: [D], min_value: 2, at_most: kha, reason: r"), 4, "không bao giờ áp dụng"),
])
def test_rubric_check_locates_more_authoring_mistakes(invoke: Invoke, write: Write, text: str, line: int,
                                                      needle: str) -> None:
    path = write("r.yaml", text)
    result = invoke("rubric", "check", str(path))
    assert result.exit_code == 1, result.stdout
    assert f"{path}:{line}:" in result.stderr and needle in result.stderr, result.stderr


def test_rubric_check_locates_an_include_cycle_in_the_file_that_closes_it(invoke: Invoke, write: Write) -> None:
    a = write("a.yaml", "id: a\ninclude: [b.yaml]\n")
    b = write("b.yaml", "# b includes a back\nid: b\ninclude:\n  - a.yaml\n")
    result = invoke("rubric", "check", str(a))
    assert result.exit_code == 1
    assert f"{b}:4:5: vòng lặp include: 'a.yaml' lại include chính nó" in result.stderr, result.stderr


def test_every_mistake_is_reported_at_once(invoke: Invoke, write: Write) -> None:
    path = write("r.yaml", "id: r\ninclude: [tusoi-mac-dinh]\ncaps:\n"
                           "  - {id: x, sections: [XX], at_most: kha, reason: r}\n"
                           "  - {id: x, items: [CT99], at_most: gioi, reason: r}\n")
    err = invoke("rubric", "check", str(path)).stderr
    assert err.count(f"{path}:") == 4, err  # unknown section, duplicate id, unknown item, unknown level


def test_the_full_example_in_docs_rubric_md_passes_rubric_check(invoke: Invoke, tmp_path: Path) -> None:
    docs = REPO / "docs" / "rubric.md"
    section = docs.read_text(encoding="utf-8").split("## Toàn bộ các trường", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "huyen-x.yaml"
    path.write_text(block, encoding="utf-8")
    result = invoke("rubric", "check", str(path))
    assert result.exit_code == 0, result.stderr
    assert "5 phần, 47 mục, 4 mức xếp loại, 1 giới hạn" in result.stdout
