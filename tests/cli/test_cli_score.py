"""`tusoi score` through the real command tree: formats, several files, -o, --fail-below, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tusoi_cli import __version__

from ..conftest import EXAMPLES, full_answers, member_yaml

Invoke = Callable[..., Any]
AN = str(EXAMPLES / "02-nguyen-van-an.yaml")
CUONG = str(EXAMPLES / "03-le-quoc-cuong.yaml")
DUC = str(EXAMPLES / "04-pham-minh-duc.yaml")


def test_json_for_one_file_is_an_object_with_the_documented_fields(invoke: Invoke) -> None:
    result = invoke("score", CUONG, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["score"], data["level"], data["score_level"]) == (79, "trung_binh", "kha")
    assert [c["id"] for c in data["caps"]] == ["vi_pham_dieu_cam"]
    assert [s["id"] for s in data["sections"]] == ["CT", "DL", "DB", "D"]
    assert len(data["items"]) == 46
    d4 = next(i for i in data["items"] if i["id"] == "D4")
    assert (d4["state"], d4["value"], d4["points"], d4["label"]) == ("answered", 1, 15, "Có vi phạm")
    assert d4["han_khac_phuc"] == "2026-03-31"
    assert data["unanswered"] == [] and data["not_applicable"] == [] and data["invalid"] == []
    assert (data["self_level"], data["self_comparison"]) == ("kha", "higher")
    assert (data["cell_level"], data["next_level"]["level"]) == ("trung_binh", "kha")
    assert data["problems"] == []


def test_several_files_give_a_list(invoke: Invoke) -> None:
    data = json.loads(invoke("score", AN, CUONG, DUC, "-f", "json").stdout)
    assert [(d["ho_ten"], d["level"]) for d in data] == [
        ("Nguyễn Văn An", "tot"), ("Lê Quốc Cường", "trung_binh"), ("Phạm Minh Đức", "yeu_kem")]


def test_yaml_and_markdown_formats(invoke: Invoke) -> None:
    data = yaml.safe_load(invoke("score", DUC, "-f", "yaml").stdout)
    assert (data["score"], data["level"]) == (54, "yeu_kem")
    md = invoke("score", DUC, "-f", "md").stdout
    assert md.startswith("## Phạm Minh Đức")
    assert "**Xếp loại đề xuất:** **Yếu kém**" in md
    assert "| D14 | Tham ô" in md
    assert "**Không áp dụng (1):** D18" in md


def test_table_shows_level_caps_and_next_step(invoke: Invoke) -> None:
    out = invoke("score", CUONG).stdout
    for text in ("Lê Quốc Cường", "TRUNG BÌNH", "Điểm", "79", "tối đa Trung bình", "D4",
                 "Để đạt mức Khá", "cao hơn mức đề xuất", "chi bộ quyết định"):
        assert text in out, text


def test_several_files_end_with_a_summary_table(invoke: Invoke) -> None:
    out = invoke("score", AN, DUC).stdout
    assert "Tổng hợp 2 đảng viên" in out


def test_output_file_is_written_and_not_overwritten_without_force(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "kq.json"
    assert invoke("score", AN, "-f", "json", "-o", str(target)).exit_code == 0
    first = json.loads(target.read_text(encoding="utf-8"))
    assert first["ho_ten"] == "Nguyễn Văn An"
    again = invoke("score", CUONG, "-f", "json", "-o", str(target))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert json.loads(target.read_text(encoding="utf-8")) == first
    assert invoke("score", CUONG, "-f", "json", "-o", str(target), "--force").exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["ho_ten"] == "Lê Quốc Cường"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kq.json"]  # no temp files left behind


def test_table_to_file_is_plain_text(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "kq.txt"
    assert invoke("score", AN, "-o", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "Nguyễn Văn An" in text and "\x1b[" not in text


def test_fail_below(invoke: Invoke) -> None:
    ok = invoke("score", AN, CUONG, "--fail-below", "Trung bình")
    assert ok.exit_code == 0
    below = invoke("score", AN, CUONG, "--fail-below", "kha", "-f", "json")
    assert below.exit_code == 3
    assert "Lê Quốc Cường" in below.stderr
    assert len(json.loads(below.stdout)) == 2  # results are still written
    bad = invoke("score", AN, "--fail-below", "xuat_sac")
    assert bad.exit_code == 2 and "tot" in bad.stderr


def test_invalid_input_wins_over_fail_below(invoke: Invoke, write: Callable[[str, str], Path]) -> None:
    broken = write("b.yaml", member_yaml(full_answers(CT1=9)))
    result = invoke("score", str(broken), AN, "--fail-below", "tot")
    assert result.exit_code == 1


def test_valid_files_are_processed_when_another_is_invalid(invoke: Invoke, write: Callable[[str, str], Path]) -> None:
    broken = write("b.yaml", "dang_vien: [1, 2]\n")
    result = invoke("score", str(broken), AN, "-f", "json")
    assert result.exit_code == 1
    assert [d["ho_ten"] for d in [json.loads(result.stdout)]] == ["Nguyễn Văn An"]
    assert f"{broken}:1:" in result.stderr


def test_rubric_option_overrides_the_file(invoke: Invoke, write: Callable[[str, str], Path]) -> None:
    write("r.yaml", "id: nhe\ninclude: [tusoi-mac-dinh]\nsections:\n  - {id: D, weight: 1}\n")
    path = write("m.yaml", member_yaml(full_answers(D2=1)))
    data = json.loads(invoke("score", str(path), "-r", str(path.parent / "r.yaml"), "-f", "json").stdout)
    assert (data["rubric"], data["score"]) == ("nhe", 99)


def test_version_and_help(invoke: Invoke) -> None:
    assert invoke("--version").stdout.strip() == f"tusoi {__version__}"
    helped = invoke("score", "--help")
    assert helped.exit_code == 0 and "--fail-below" in helped.stdout and "Chấm điểm" in helped.stdout


def test_console_script_entry_point_runs() -> None:
    """The installed `tusoi` script (python -m tusoi_cli is the same entry point)."""
    done = subprocess.run([sys.executable, "-m", "tusoi_cli", "score", AN, "-f", "json"],
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout.decode("utf-8"))["level"] == "tot"
    done = subprocess.run([sys.executable, "-m", "tusoi_cli", "score", "khong-co.yaml"],
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 2 and b"Traceback" not in done.stderr


def test_usage_errors_and_help_are_in_vietnamese(invoke: Invoke) -> None:
    unknown = invoke("score", AN, "--fromat", "json")
    assert unknown.exit_code == 2
    assert "Không có tùy chọn '--fromat'" in unknown.stderr and "--format" in unknown.stderr
    missing = invoke("score")
    assert missing.exit_code == 2 and "Thiếu đối số" in missing.stderr
    helped = invoke("--help").stdout
    assert "Cách dùng: tusoi [TÙY CHỌN] LỆNH" in helped and "Tùy chọn" in helped and "Options" not in helped


def test_output_never_replaces_the_rubric_in_use(invoke: Invoke, write: Callable[[str, str], Path]) -> None:
    rubric = write("r.yaml", "id: nhe\ninclude: [tusoi-mac-dinh]\n")
    before = rubric.read_bytes()
    member = write("m.yaml", member_yaml(full_answers()))
    result = invoke("score", str(member), "-r", str(rubric), "-f", "json", "-o", str(rubric), "--force")
    assert result.exit_code == 2 and "trùng với tệp đầu vào" in result.stderr
    assert rubric.read_bytes() == before
