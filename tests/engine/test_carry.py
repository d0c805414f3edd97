"""The rubric rule on the previous period: applied, passed, or "chưa kiểm tra" (never passed without data)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tusoi_cli.resources import bundled_dir

from ..conftest import full_answers, member_yaml

Invoke = Callable[..., Any]
Write = Callable[[str, str], Path]
RUBRIC = str(bundled_dir().resolve() / "examples" / "xep-loai-hoan-thanh.yaml")
CAP = "ky_truoc_chua_khac_phuc"


def scored(invoke: Invoke, write: Write, tail: str, *, rubric: str = RUBRIC, **answers: object) -> dict[str, Any]:
    path = write("an.yaml", member_yaml(full_answers(**answers)) + tail)
    result = invoke("score", str(path), "--rubric", rubric, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_without_the_previous_period_the_rule_is_not_checked_and_the_top_level_provisional(
        invoke: Invoke, write: Write) -> None:
    data = scored(invoke, write, "")
    assert (data["score"], data["level"], data["caps"]) == (100, "htxs", [])
    assert [c["id"] for c in data["caps_not_checked"]] == [CAP]
    assert data["caps_not_checked"][0]["at_most"] == "htt"
    assert data["complete"] is False  # never reported as passed
    table = invoke("score", str(Path(data["source"])), "--rubric", RUBRIC)
    text = " ".join(table.stdout.replace("│", " ").split())  # the panel's lines joined, without its border
    assert "Chưa kiểm tra (không coi là đạt)" in text
    assert "tạm tính — chưa kiểm tra: Còn hạn chế, khuyết điểm của kỳ trước chưa khắc phục xong" in text


@pytest.mark.parametrize(("tail", "level", "applied", "not_checked"), [
    ("ky_truoc: []\n", "htxs", [], []),  # stated: nothing to carry
    ("ky_truoc:\n  - muc: CT5\n    ket_qua: đã\n", "htxs", [], []),
    ("ky_truoc:\n  - muc: CT5\n    ket_qua: đã\n  - muc: DL6\n    ket_qua: đang\n", "htt", [CAP], []),
    ("ky_truoc:\n  - muc: CT5\n    ket_qua: chưa\n", "htt", [CAP], []),
    ("ky_truoc:\n  - muc: CT5\n    ket_qua: đã\n  - muc: DL6\n", "htxs", [], [CAP]),  # a result left blank
])
def test_the_rule_checked_from_the_member_results(invoke: Invoke, write: Write, tail: str, level: str,
                                                 applied: list[str], not_checked: list[str]) -> None:
    data = scored(invoke, write, tail)
    assert data["level"] == level
    assert [c["id"] for c in data["caps"]] == applied
    assert [c["id"] for c in data["caps_not_checked"]] == not_checked
    assert data["complete"] is not not_checked


def test_a_rule_that_could_not_lower_the_level_leaves_it_final(invoke: Invoke, write: Write) -> None:
    data = scored(invoke, write, "", D4=1)  # a prohibition breached: at most ht, below the rule's htt
    assert (data["level"], [c["id"] for c in data["caps"]]) == ("ht", ["vi_pham_dieu_cam"])
    assert [c["id"] for c in data["caps_not_checked"]] == [CAP]
    assert data["complete"] is True


def test_a_rubric_without_the_rule_checks_nothing(invoke: Invoke, write: Write) -> None:
    data = scored(invoke, write, "", rubric="tusoi-mac-dinh")
    assert (data["level"], data["caps_not_checked"], data["complete"]) == ("tot", [], True)


# ---------------------------------------------------------------- pairing items across periods

_RUBRIC = """\
id: {id}
version: "1"
document: {document}
document_date: {date}
scales:
  vi_pham:
    title: Vi phạm
    values:
      - {{value: 0, label: Không}}
      - {{value: 1, label: Có}}
sections:
  - id: D
    title: Điều không được làm
    scale: vi_pham
    weight: 15
    items:
      - {{id: D12, title: Điều 12 của {document}}}
      - {{id: D14, title: Điều 14 của {document}}}
scoring: {{start: 100}}
levels:
  - {{id: tot, label: Tốt, min_score: 90}}
  - {{id: kem, label: Kém}}
"""


def _rubrics(tmp_path: Path) -> dict[str, Path]:
    files = {
        "cu": _RUBRIC.format(id="cu", document="Quy định 37-QĐ/TW", date="2021-10-25"),
        "cu-lai": _RUBRIC.format(id="cu-lai", document="Quy định 37-QĐ/TW", date="2021-10-25"),
        "moi": _RUBRIC.format(id="moi", document="Quy định 207-QĐ/TW", date="2026-07-26"),
        "moi-map": _RUBRIC.format(id="moi-map", document="Quy định 207-QĐ/TW", date="2026-07-26")
        + "maps_from:\n  - document: Quy định 37-QĐ/TW\n    items: {D14: D12}\n",
    }
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / f"{name}.yaml"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_items_pair_only_within_one_document_or_through_a_declared_mapping(tmp_path: Path) -> None:
    from tusoi_cli.engine.carry import pair_item
    from tusoi_cli.read.rubric_loader import load_rubric_file

    r = {name: load_rubric_file(path) for name, path in _rubrics(tmp_path).items()}
    assert r["cu"].item_documents == {"D12": "Quy định 37-QĐ/TW ngày 25/10/2021",
                                      "D14": "Quy định 37-QĐ/TW ngày 25/10/2021"}
    assert pair_item(r["cu"], r["cu-lai"], "D14") == ("D14", None)  # two rubrics, one document
    assert pair_item(r["cu"], r["moi"], "D14") == (None, (
        "mục D14 kỳ trước theo Quy định 37-QĐ/TW ngày 25/10/2021, kỳ này theo Quy định 207-QĐ/TW ngày 26/07/2026: "
        "không cùng văn bản và bộ tiêu chí kỳ này không khai báo maps_from, nên cùng mã chưa chắc là cùng nội dung"))
    assert pair_item(r["cu"], r["moi-map"], "D14") == ("D12", None)  # renumbered: Điều 14 became Điều 12
    assert pair_item(r["cu"], r["moi-map"], "D12")[0] is None  # not in the mapping: not paired by its id
    assert pair_item(r["cu"], r["cu"], "D99") == (None, "bộ tiêu chí kỳ trước (cu) không có mục D99")


def test_maps_from_must_name_items_of_the_rubric(tmp_path: Path) -> None:
    from tusoi_cli.errors import TusoiError
    from tusoi_cli.read.rubric_loader import load_rubric_file

    path = tmp_path / "sai.yaml"
    path.write_text(_RUBRIC.format(id="sai", document="Quy định 207-QĐ/TW", date="2026-07-26")
                    + "maps_from:\n  - document: Quy định 37-QĐ/TW\n    items: {D14: D21}\n", encoding="utf-8")
    with pytest.raises(TusoiError) as caught:
        load_rubric_file(path)
    assert [str(p) for p in caught.value.problems] == [  # type: ignore[attr-defined]
        f"{path}:25:18: maps_from: không có mục 'D21' trong bộ tiêu chí này — có phải ý bạn là 'D14'?"]


def test_score_against_a_renumbered_document(invoke: Invoke, tmp_path: Path) -> None:
    paths = _rubrics(tmp_path)
    old = tmp_path / "an-2025.yaml"
    old.write_text(f"bo_tieu_chi: {paths['cu']}\n" + member_yaml({"D14": 1}, ky_danh_gia="2025"), encoding="utf-8")
    for rubric, expected in (
            ("moi", ("not_comparable", "mục D14 kỳ trước theo Quy định 37-QĐ/TW ngày 25/10/2021, kỳ này theo Quy "
                     "định 207-QĐ/TW ngày 26/07/2026: không cùng văn bản và bộ tiêu chí kỳ này không khai báo "
                     "maps_from, nên cùng mã chưa chắc là cùng nội dung")),
            ("moi-map", ("unchanged", None))):
        now = tmp_path / f"an-2026-{rubric}.yaml"
        now.write_text(f"bo_tieu_chi: {paths[rubric]}\n" + member_yaml({"D12": 1, "D14": 0})
                       + "ky_truoc:\n  - muc: D14\n    ket_qua: đã\n", encoding="utf-8")
        result = invoke("score", str(now), "--ky-truoc", str(old), "-f", "json")
        assert result.exit_code == 0, result.stderr
        [item] = json.loads(result.stdout)["previous_shortcomings"]
        assert (item["observed"], item["observed_reason"]) == expected


def test_a_sheet_without_the_previous_period_leaves_the_rule_unchecked(invoke: Invoke, tmp_path: Path) -> None:
    from ..conftest import ALL_ITEMS

    sheet = tmp_path / "chibo.csv"
    sheet.write_text("Họ và tên," + ",".join(ALL_ITEMS) + "\n"
                     + "An," + ",".join("0" for _ in ALL_ITEMS) + "\n"
                     + "Bình," + ",".join("1" if i == "D3" else "0" for i in ALL_ITEMS) + "\n", encoding="utf-8")
    out = tmp_path / "kq.json"
    result = invoke("batch", str(sheet), "--rubric", RUBRIC, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "(1 tạm tính: 1 người chưa kiểm tra được quy tắc về kỳ trước)" in " ".join(result.stdout.split())
    an, binh = json.loads(out.read_text("utf-8"))["members"]
    assert (an["level"], [c["id"] for c in an["caps_not_checked"]], an["complete"]) == ("htxs", [CAP], False)
    assert (binh["level"], [c["id"] for c in binh["caps_not_checked"]], binh["complete"]) == ("ht", [CAP], True)


def test_one_rubric_without_documents_pairs_its_own_items(tmp_path: Path) -> None:
    from tusoi_cli.engine.carry import pair_item
    from tusoi_cli.read.rubric_loader import load_rubric_file

    text = _RUBRIC.replace("document: {document}\ndocument_date: {date}\n", "").replace(" của {document}", "")
    v1, v2 = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    v1.write_text(text.format(id="rieng"), encoding="utf-8")
    v2.write_text(text.format(id="rieng").replace("      - {id: D14, title: Điều 14}\n", ""), encoding="utf-8")
    old, new = load_rubric_file(v1), load_rubric_file(v2)
    assert old.item_documents == {}
    assert pair_item(old, old, "D14") == ("D14", None)
    assert pair_item(new, old, "D14") == (None, "bộ tiêu chí kỳ trước (rieng) không có mục D14")
    assert pair_item(old, new, "D14")[0] is None


def test_rubric_show_lists_the_mapping(invoke: Invoke, tmp_path: Path) -> None:
    path = _rubrics(tmp_path)["moi-map"]
    result = invoke("rubric", "show", str(path))
    assert result.exit_code == 0, result.stderr
    assert "Đối chiếu với Quy định 37-QĐ/TW (hạn chế kỳ trước): D14 → D12" in result.stdout
