"""A folder of member files at province scale: `tusoi batch FOLDER/` against tusoi's YAML reader alone.

    python bench/folder.py [--sizes 2000,20000] [--outputs none,csv,json,xlsx] [--repeat N] [--keep DIR]

For each size, generates a folder of N member files (cached in --keep, default a temp dir) shaped like the
bundled example examples/02-nguyen-van-an.yaml: header, member, every item of the default rubric answered
(0 mostly, a few shortcomings, given as numbers or as the scale's labels), and for each shortcoming what the
member saw, the remedy and its deadline. Then measures in one run, each in a fresh process, wall time, CPU time
(user + system) and peak RSS of that process alone (through the small wrapper of bench/_measure.py):
  1. the YAML reader alone: tusoi's read_text + load_yaml of every file (what reading the files costs at least)
  2. tusoi batch FOLDER for each output asked (none: the summary only; csv, json, xlsx: -o OUT)
and prints one markdown table, each run's ratios (wall and CPU) against the YAML reader's pass in the same run.
Goal (issue 13): peak memory <= 600 MB for 20,000 files.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import add_run_options, child, python, sizes_and_outputs, table_rows
from _measure import name as _name
from batch import FAMILY, GIVEN, ITEMS

OUTPUTS = ("none", "csv", "json", "xlsx")
READER = ("import sys; from pathlib import Path; from tusoi_cli.read.yaml_reader import load_yaml, read_text\n"
          "files = sorted(p for p in Path(sys.argv[1]).iterdir() if p.suffix == '.yaml')\n"
          "for p in files: load_yaml(read_text(p, str(p)), str(p))\n"
          "print(len(files))")
SEEN = ["Còn nể nang khi góp ý đồng chí cùng phòng", "Nhiều buổi học nghị quyết chỉ nghe qua, chưa đọc lại tài liệu",
        "Ít xuống địa bàn, giải quyết kiến nghị của dân còn chậm", "Chưa gương mẫu trong việc giữ gìn kỷ luật giờ giấc"]
REMEDY = ["Góp ý thẳng thắn trong sinh hoạt chi bộ hằng tháng", "Tự đọc, ghi chép mỗi nghị quyết trước buổi sinh hoạt",
          "Mỗi tháng dành hai buổi tiếp dân tại phường", "Đến đúng giờ mọi buổi họp, sinh hoạt"]


def member_text(rng: random.Random, n: int) -> str:
    name = f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}"
    lines = [f"# Bản tự đánh giá số {n} (dữ liệu thử)", "bo_tieu_chi: tusoi-mac-dinh", 'ky_danh_gia: "2026"',
             "dang_vien:", f"  ho_ten: {name}", f'  ma_dang_vien: "{n:08d}"', "  chi_bo: Chi bộ Khu phố 3",
             "  chuc_vu: Đảng viên", f"tu_xep_loai: {rng.choice(('tot', 'kha', 'tot'))}", "ky_luat: false",
             "danh_gia:"]
    flagged = set(rng.sample(range(27), rng.choice((0, 1, 2, 3, 3, 4))))
    for k, item in enumerate(ITEMS):
        if k in flagged:
            level = rng.choice((1, 1, 2, 3))
            lines += [f"  {item}:", f"    muc_do: {level if rng.random() < 0.7 else 'Có biểu hiện'}",
                      f"    bieu_hien: {rng.choice(SEEN)}", f"    khac_phuc: {rng.choice(REMEDY)}",
                      f"    han_khac_phuc: {rng.choice(('2026-12-31', '30/06/2026', '2026-09-30'))}"]
        else:
            lines.append(f"  {item}: {1 if k >= 27 and rng.random() < 0.03 else 0}")
    return "\n".join(lines) + "\n"


def make_folder(folder: Path, members: int) -> None:
    rng = random.Random(2026)
    folder.mkdir(parents=True)
    for n in range(1, members + 1):
        (folder / f"dv-{n:06d}.yaml").write_text(member_text(rng, n), encoding="utf-8")


def run(folder: Path, members: int, outputs: list[str], keep: Path, repeat: int,
        before: Path | None = None) -> list[str]:
    """Table rows (markdown) for one folder: the YAML reader and each output, interleaved ``repeat`` times;
    with ``before`` (another checkout's src/), each output by that code too, in the same run."""
    runs = [(kind, None) for kind in outputs] + ([(kind, before) for kind in outputs] if before else [])
    names = ["reader", *(_name(k, b) for k, b in runs)]
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    for _ in range(repeat):
        times["reader"].append(child([sys.executable, "-c", READER, str(folder)], allowed=(0, 1)))
        for kind, src in runs:
            out = keep / f"folder-out.{kind}"
            if out.exists():
                os.unlink(out)
            cmd = [*python(src), "-m", "tusoi_cli", "batch", str(folder)]
            if kind != "none":
                cmd += ["-o", str(out), "--force"]
            times[_name(kind, src)].append(child(cmd, allowed=(0, 1)))
            if out.exists():
                os.unlink(out)
    return table_rows(members, times, "reader", {"reader": "YAML reader alone"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20000", help="member files, comma-separated, e.g. 2000,20000")
    parser.add_argument("--outputs", default="none,csv,json,xlsx", help="comma-separated, of none, csv, json, xlsx")
    add_run_options(parser)
    args = parser.parse_args()
    sizes, outputs = sizes_and_outputs(parser, args.sizes, args.outputs, OUTPUTS, args.keep)
    print(f"wall: median of {args.repeat} interleaved run(s), peak: max RSS of the process alone\n")
    print("| files | run | wall | CPU | peak memory | x YAML reader (wall) | x YAML reader (CPU) |")
    print("|---|---|---|---|---|---|---|")
    for members in sizes:
        folder = args.keep / f"folder-{members}"
        if not folder.exists():
            start = time.perf_counter()
            make_folder(folder, members)
            print(f"generated {folder} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        for row in run(folder, members, outputs, args.keep, args.repeat, args.before):
            print(row, flush=True)


if __name__ == "__main__":
    main()
