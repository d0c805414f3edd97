"""Province-scale batch: `tusoi batch` end to end against a bare python-calamine read of the same file.

    python bench/batch.py [--sizes 1000,10000,100000] [--outputs csv,json,xlsx,none] [--repeat N] [--core]
                          [--keep DIR]

For each size, generates one .xlsx with a title block, a header and N member rows x 46 item columns (cached in
--keep, default a temp dir), then measures in one run, each in a fresh process, wall time and peak RSS of that
process alone (bench/_measure.py):
  1. bare read: CalamineWorkbook(...).get_sheet_by_index(0).to_python()
  2. tusoi batch FILE -o OUT, for each output asked (none: no -o, the summary only)
and prints one markdown table, each run's ratio against the bare read of the same file in the same run.
With --core, also the scoring core alone: members scored per second, in-process, from already parsed rows.
Goals (issue 13): csv <= 2.5x the bare read, json <= 4x, xlsx <= 4x; peak memory <= 600 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _measure import add_run_options, child, sizes_and_outputs

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


OUTPUTS = ("csv", "json", "xlsx", "none")
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


def run(sheet: Path, members: int, outputs: list[str], keep: Path, repeat: int) -> list[str]:
    """Table rows (markdown) for one sheet: the bare read and each output, interleaved ``repeat`` times, medians."""
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in ["bare", *outputs]}
    for _ in range(repeat):
        times["bare"].append(child([sys.executable, "-c", BARE, str(sheet)]))
        for kind in outputs:
            out = keep / f"out.{kind}"
            if out.exists():
                os.unlink(out)
            cmd = [sys.executable, "-m", "tusoi_cli", "batch", str(sheet)]
            if kind != "none":
                cmd += ["-o", str(out), "--force"]
            times[kind].append(child(cmd))
            written = count_members(out, kind)
            if written is not None and written != members:
                sys.exit(f"tusoi wrote {written:,} members to {out}, expected {members:,}: no ratio reported")
            if out.exists():
                os.unlink(out)
    bare_wall = statistics.median(w for w, _, _ in times["bare"])
    rows = []
    for name, runs in times.items():
        wall = statistics.median(w for w, _, _ in runs)
        peak = max(p for _, _, p in runs)
        what = "bare read" if name == "bare" else f"-o .{name}" if name != "none" else "no output"
        rows.append(f"| {members:,} | {what} | {wall:.2f} s | {peak:,.0f} MB | {wall / bare_wall:.2f} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000", help="member counts, comma-separated, e.g. 1000,10000,100000")
    parser.add_argument("--members", type=int, help="one size (same as --sizes N)")
    parser.add_argument("--outputs", default="csv", help="comma-separated, of csv, json, xlsx, none")
    parser.add_argument("--output", choices=OUTPUTS, help="one output (same as --outputs KIND)")
    parser.add_argument("--core", action="store_true", help="also measure the scoring core (members/s)")
    add_run_options(parser, before=False)
    args = parser.parse_args()
    sizes, outputs = sizes_and_outputs(parser, str(args.members) if args.members else args.sizes,
                                       args.output or args.outputs, OUTPUTS, args.keep)
    print(f"{len(ITEMS)} items per member; wall: median of {args.repeat} interleaved run(s), peak: max RSS of the"
          " process alone\n")
    print("| members | run | wall | peak memory | x bare read |")
    print("|---|---|---|---|---|")
    for members in sizes:
        sheet = args.keep / f"chibo-{members}.xlsx"
        if not sheet.exists():
            start = time.perf_counter()
            make_sheet(sheet, members)
            print(f"generated {sheet} ({sheet.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s",
                  file=sys.stderr)
        for row in run(sheet, members, outputs, args.keep, args.repeat):
            print(row, flush=True)
        if args.core:
            print(f"scoring core ({members:,} members): {core_rate(sheet):,.0f} members/s (goal > 100,000)")


if __name__ == "__main__":
    main()
