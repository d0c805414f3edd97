"""A folder of member files is kept compact (issue 13: 20,000 files in under 600 MB): of each file's evaluation
only the answers with details stay, and the detailed result made again from them is the file's own."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from tusoi_cli import load_rubric
from tusoi_cli.api import read_batch
from tusoi_cli.engine.scoring import score_member
from tusoi_cli.read.member_reader import read_member

from ..conftest import EXAMPLES

MIXED = """\
bo_tieu_chi: tusoi-mac-dinh
ky_danh_gia: "2026"
dang_vien:
  ho_ten: Võ Thị Mai
  ma_dang_vien: "05.0001"
tu_xep_loai: kha
ky_luat: false
danh_gia:
  CT1: abc
  CT2:
    muc_do: không áp dụng
    bieu_hien: Đã chuyển công tác giữa kỳ
  CT3:
    khac_phuc: Sẽ tự kiểm điểm lại
  CT4: Có biểu hiện
  CT5:
    muc_do: 2
    han_khac_phuc: 2026-12-31
  DL1: không áp dụng
  DL2: 0
"""


def mixed_folder(tmp_path: Path) -> Path:
    """The bundled examples and a file mixing every state: invalid, not applicable with a detail, unanswered with
    a remedy, a label, a deadline without words, not applicable, zero, and items left out."""
    folder = tmp_path / "chi-bo"
    folder.mkdir()
    for path in EXAMPLES.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    (folder / "05-mixed.yaml").write_text(MIXED, encoding="utf-8")
    return folder


def test_folder_members_keep_only_answers_with_details_and_give_back_each_files_result(tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path)
    rubric = load_rubric()
    batch = read_batch(folder, rubric)
    files = sorted(folder.glob("*.yaml"))
    assert len(batch.members) == len(files) == 5
    for member, path in zip(batch.members, files, strict=True):
        assert member.result is None and member.details_only and member.evaluation is not None
        own = score_member(rubric, read_member(path, rubric=rubric).evaluation)
        assert batch.result_of(member) == own  # every field, every item, as scoring the file itself gives
        kept = member.evaluation.answers
        assert all(a.state == "invalid" or a.bieu_hien or a.khac_phuc or a.han_khac_phuc for a in kept.values())
        assert member.core.score == own.score and member.level_id(rubric) == own.level
    an = batch.members[1]
    assert sorted(an.evaluation.answers) == ["CT3", "CT5", "DL5"]  # of 46 answers, the three with details
    mai = batch.members[4]
    assert sorted(mai.evaluation.answers) == ["CT1", "CT2", "CT3", "CT5"]
    items = {i.id: i for i in batch.result_of(mai).items}
    assert (items["CT1"].state, items["CT2"].state, items["CT3"].state) == ("invalid", "na", "unanswered")
    assert items["CT2"].bieu_hien == "Đã chuyển công tác giữa kỳ" and items["CT3"].khac_phuc == "Sẽ tự kiểm điểm lại"
    assert (items["CT4"].value, items["CT5"].han_khac_phuc.isoformat()) == (1.0, "2026-12-31")  # type: ignore[union-attr]
    assert items["DL1"].state == "na" and items["CT6"].state == "unanswered"


def test_folder_json_is_the_detailed_json_of_each_file(tmp_path: Path) -> None:
    """The JSON output of a folder is made from the results given back: the same text as from each file."""
    import json
    import subprocess

    folder = mixed_folder(tmp_path)
    out = tmp_path / "kq.json"
    done = subprocess.run([sys.executable, "-m", "tusoi_cli", "batch", str(folder), "-o", str(out)],
                          capture_output=True, check=False)
    assert done.returncode == 1, done.stderr.decode()  # CT1 of 05-mixed.yaml is invalid
    rubric = load_rubric()
    members = json.loads(out.read_text(encoding="utf-8"))["members"]
    for record, path in zip(members, sorted(folder.glob("*.yaml")), strict=True):
        own = score_member(rubric, read_member(path, rubric=rubric).evaluation).model_dump(mode="json")
        assert {k: v for k, v in record.items() if k in own} == own
