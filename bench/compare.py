"""Province-scale compare: `tusoi compare OLD NEW -o report.xlsx` against bare python-calamine reads of both sheets.

    python bench/compare.py [--sizes 2000,20000] [--outputs xlsx,json,none] [--repeat N] [--share S] [--keep DIR]

For each size, generates two .xlsx sheets of one province (cached in --keep, default a temp dir): the old period
(title block with the period 2025, a header and N member rows x 46 item columns) and the new period (2026) of the
same members with changes: answers fixed, improved, worse or new, 2 % of the members gone, 2 % new ones, and the
rows in another order. Each member flags --share of the 27 shortcoming items (default 0.45: ~14 compared items
per member, the shape issue 13 measured, ~2.7 M report cells for 20,000 members). Then measures in one run, each
in a fresh process, wall time, CPU time (user + system) and peak RSS of that process alone (through a small
wrapper, bench/_measure.py):
  1. bare reads: CalamineWorkbook(...).get_sheet_by_index(0).to_python() of both sheets, one after the other
  2. tusoi compare OLD NEW for each output asked (xlsx, json: -o OUT; none: the terminal table only)
and prints one markdown table, each run's ratios (wall and CPU) against the bare reads of the same sheets in the
same run.
Goal (issue 13): the .xlsx report <= 6x the bare reads of both inputs, peak memory <= 600 MB.
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

BARE = ("import sys; from python_calamine import CalamineWorkbook\n"
        "for path in sys.argv[1:]: print(len(CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()))")
OUTPUTS = ("xlsx", "json", "none")
# Share of the 27 shortcoming items a member flags in the old period: 0.45 gives ~14 compared items per matched
# member, the shape issue 13 measured (20,000 members: ~2.7 M cells in the report).
SHARE = 0.45


def _answers(rng: random.Random, share: float) -> list[int]:
    """Each of the 27 shortcoming items flagged with probability ``share``; a few answers to the add-mode items."""
    answers = [rng.choice((1, 1, 2, 3)) if rng.random() < share else 0 for _ in range(27)] + [0] * (len(ITEMS) - 27)
    if rng.random() < 0.03:
        answers[27 + rng.randrange(19)] = 1
    return answers


def _next_period(rng: random.Random, old: list[int]) -> list[int]:
    """The same member a year later: most shortcomings fixed or lighter, some unchanged or worse, a few new."""
    new = list(old)
    for k, value in enumerate(old[:27]):
        if value:
            new[k] = max(0, min(3, value + rng.choice((-3, -1, -1, 0, 0, 1))))
        elif rng.random() < 0.15:
            new[k] = rng.choice((1, 2))
    return new


def make_sheets(old_path: Path, new_path: Path, members: int, share: float = SHARE) -> None:
    import openpyxl

    rng = random.Random(2026)
    people = [(f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}", f"{n:08d}", _answers(rng, share))
              for n in range(1, members + 1)]
    gone = set(rng.sample(range(members), members // 50))
    later = [(name, code, _next_period(rng, answers)) for n, (name, code, answers) in enumerate(people)
             if n not in gone]
    later += [(f"{rng.choice(FAMILY)} Thị {rng.choice(GIVEN)}", f"{members + n:08d}", _answers(rng, share))
              for n in range(1, members // 50 + 1)]
    rng.shuffle(later)
    for path, period, rows in ((old_path, "2025", people), (new_path, "2026", later)):
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("Chi bộ")
        ws.append(["BẢNG TỰ ĐÁNH GIÁ TỰ SOI, TỰ SỬA (dữ liệu thử)"])
        ws.append([None, "Chi bộ:", "Đảng bộ tỉnh (dữ liệu thử)"])
        ws.append([None, "Kỳ đánh giá:", period])
        ws.append([])
        ws.append(["STT", "Họ và tên", "Mã đảng viên", "Chức vụ", "Tự xếp loại", "Kỷ luật", *ITEMS])
        for n, (name, code, answers) in enumerate(rows, start=1):
            ws.append([n, name, code, "Đảng viên", rng.choice(("Tốt", "Khá", "")), "", *answers])
        wb.save(path)


def count_members(out: Path) -> int:
    """Members on the report's Theo đảng viên sheet (its STT column)."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Theo đảng viên").to_python()
    return sum(1 for row in rows if isinstance(row[0], int | float) and row[0] >= 1)


def run(old: Path, new: Path, members: int, outputs: list[str], keep: Path, repeat: int,
        before: Path | None = None) -> list[str]:
    """Table rows (markdown) for one pair of sheets: the bare reads and each output, interleaved, medians;
    with ``before`` (another checkout's src/), each output by that code too, in the same run."""
    runs = [(kind, None) for kind in outputs] + ([(kind, before) for kind in outputs] if before else [])
    names = ["bare", *(_name(k, b) for k, b in runs)]
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    matched: int | None = None
    for _ in range(repeat):
        times["bare"].append(child([sys.executable, "-c", BARE, str(old), str(new)], allowed=(0, 1)))
        for kind, src in runs:
            out = keep / f"compare-out.{kind}"
            if out.exists():
                os.unlink(out)
            cmd = [*python(src), "-m", "tusoi_cli", "compare", str(old), str(new), "--today", "01/03/2026"]
            if kind != "none":
                cmd += ["-o", str(out), "--force"]
            times[_name(kind, src)].append(child(cmd, allowed=(0, 1)))  # 1: the inputs had problems, all written
            if kind == "xlsx":
                written = count_members(out)
                if matched is not None and written != matched:
                    sys.exit(f"runs disagree: {written:,} members matched, then {matched:,}")
                matched = written
                if written < members * 0.95:
                    sys.exit(f"only {written:,} of {members:,} members on Theo đảng viên: no ratio reported")
            if out.exists():
                os.unlink(out)
    return table_rows(members, times, "bare", {"bare": "bare reads (both)"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20000", help="members per period, comma-separated, e.g. 2000,20000")
    parser.add_argument("--outputs", default="xlsx", help="comma-separated, of xlsx, json, none")
    parser.add_argument("--share", type=float, default=SHARE,
                        help=f"share of the 27 shortcoming items each member flags (default {SHARE})")
    add_run_options(parser)
    args = parser.parse_args()
    sizes, outputs = sizes_and_outputs(parser, args.sizes, args.outputs, OUTPUTS, args.keep)
    print(f"{len(ITEMS)} items per member; wall: median of {args.repeat} interleaved run(s), peak: max RSS of the"
          " process alone\n")
    print("| members | run | wall | CPU | peak memory | x bare reads (wall) | x bare reads (CPU) |")
    print("|---|---|---|---|---|---|---|")
    for members in sizes:
        old, new = (args.keep / f"compare-{period}-{members}-{args.share:g}.xlsx" for period in (2025, 2026))
        if not (old.exists() and new.exists()):
            start = time.perf_counter()
            make_sheets(old, new, members, args.share)
            print(f"generated {old.name}, {new.name} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        for row in run(old, new, members, outputs, args.keep, args.repeat, args.before):
            print(row, flush=True)


if __name__ == "__main__":
    main()
