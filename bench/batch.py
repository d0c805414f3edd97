"""Province-scale batch: `tusoi batch` end to end against a bare python-calamine read of the same file.

    python bench/batch.py [--members 100000] [--output json|xlsx|none] [--keep DIR]

Generates one .xlsx with a title block, a header and N member rows x 46 item columns (cached in
--keep, default a temp dir), then measures in one run, each in a fresh process with
/usr/bin/time-like accounting (wall time and peak RSS via resource.getrusage of the child):
  1. bare read: CalamineWorkbook(...).get_sheet_by_index(0).to_python()
  2. tusoi batch FILE -o OUT
  3. the scoring core alone: members scored per second, in-process, from already parsed rows.
Goals (issue 3): batch <= 2.5x the bare read, peak memory < 600 MB, core > 100,000 members/s.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ITEMS = ([f"CT{i}" for i in range(1, 10)] + [f"DL{i}" for i in range(1, 10)]
         + [f"DB{i}" for i in range(1, 10)] + [f"D{i}" for i in range(1, 20)])
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Hà", "Hải", "Hoa", "Lan", "Minh", "Nam", "Thảo", "Trang"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]


def make_sheet(path: Path, members: int) -> None:
    import openpyxl

    rng = random.Random(2026)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Chi bộ")
    ws.append(["ĐẢNG BỘ TỈNH (dữ liệu thử)"])
    ws.append([])
    ws.append(["STT", "Họ và tên", "Mã đảng viên", "Chức vụ", "Tự xếp loại", "Kỷ luật", *ITEMS])
    for n in range(1, members + 1):
        answers = [0] * len(ITEMS)
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            k = rng.randrange(27)
            answers[k] = rng.choice((1, 1, 2, 3))
        if rng.random() < 0.03:
            answers[27 + rng.randrange(19)] = 1
        ws.append([n, f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}", f"{n:08d}", "Đảng viên",
                   rng.choice(("Tốt", "Khá", "")), "", *answers])
    wb.save(path)


def child(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process; a failed run stops the benchmark (no ratio
    of a run that did not do the work)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"benchmark run failed (exit {done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


BARE = ("import sys; from python_calamine import CalamineWorkbook;"
        "rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python(); print(len(rows))")


def core_rate(path: Path) -> float:
    """Members per second through the scoring core (score_values), on the members of the sheet."""
    from tusoi_cli import load_rubric
    from tusoi_cli.engine.scoring import compile_rubric, score_values
    from tusoi_cli.read.batch import read_sheet

    rubric = load_rubric()
    batch = read_sheet(path, rubric)
    compiled = compile_rubric(rubric)
    vectors = [(m.values, m.ky_luat) for m in batch.members]
    start = time.perf_counter()
    for values, ky_luat in vectors:
        score_values(compiled, values, ky_luat)
    return len(vectors) / (time.perf_counter() - start)


def count_members(out: Path, kind: str) -> int | None:
    """How many members the output holds (None for --output none)."""
    if kind == "csv":
        with out.open(encoding="utf-8-sig", newline="") as handle:
            return sum(1 for _ in csv.reader(handle)) - 1  # less the header row
    if kind == "json":
        return len(json.loads(out.read_text(encoding="utf-8"))["members"])
    if kind == "xlsx":
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Kết quả").to_python()
        return sum(1 for row in rows if isinstance(row[0], int | float) and row[0] >= 1)  # STT column
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--output", choices=("json", "xlsx", "csv", "none"), default="csv")
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "tusoi-bench")
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    sheet = args.keep / f"chibo-{args.members}.xlsx"
    if not sheet.exists():
        start = time.perf_counter()
        make_sheet(sheet, args.members)
        print(f"generated {sheet} ({sheet.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
    bare_wall, bare_rss = child([sys.executable, "-c", BARE, str(sheet)])
    out = args.keep / f"out.{args.output}"
    if out.exists():
        os.unlink(out)
    cmd = [sys.executable, "-m", "tusoi_cli", "batch", str(sheet)]
    if args.output != "none":
        cmd += ["-o", str(out), "--force"]
    tool_wall, tool_rss = child(cmd)
    written = count_members(out, args.output)
    if written is not None and written != args.members:
        sys.exit(f"tusoi wrote {written:,} members to {out}, expected {args.members:,}: no ratio reported")
    rate = core_rate(sheet)
    print(f"members: {args.members:,} x {len(ITEMS)} items")
    print(f"bare calamine read:  {bare_wall:6.2f} s   peak {bare_rss:6.0f} MB")
    print(f"tusoi batch -> {args.output:4s}: {tool_wall:6.2f} s   peak {tool_rss:6.0f} MB")
    print(f"ratio: {tool_wall / bare_wall:.2f} (goal <= 2.5); memory goal < 600 MB")
    print(f"scoring core: {rate:,.0f} members/s (goal > 100,000)")


if __name__ == "__main__":
    main()
