"""Where the Excel report's time goes: `tusoi batch SHEET -o report.xlsx`, phase by phase, in one process.

    python bench/report.py [--members 100000] [--keep DIR] [--profile N]

Uses the sheet bench/batch.py generates (generated here the same way when missing) and prints the wall
time of: the bare python-calamine read, reading and scoring (api.read_batch), and writing the report
(render.excel.report.write_report), each with the ratio to the bare read; ``--profile N`` prints the N
most expensive functions of the report writing (cProfile, cumulative and own time).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from batch import make_sheet


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "tusoi-bench")
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    args.keep.mkdir(parents=True, exist_ok=True)
    sheet = args.keep / f"chibo-{args.members}.xlsx"
    if not sheet.exists():
        make_sheet(sheet, args.members)

    from python_calamine import CalamineWorkbook

    from tusoi_cli import __version__, load_rubric
    from tusoi_cli.api import read_batch
    from tusoi_cli.render.excel.report import write_report

    start = time.perf_counter()
    CalamineWorkbook.from_path(str(sheet)).get_sheet_by_index(0).to_python()
    bare = time.perf_counter() - start
    rubric = load_rubric()
    start = time.perf_counter()
    batch = read_batch(sheet, rubric)
    read = time.perf_counter() - start
    out = args.keep / "report-bench.xlsx"
    profiler = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    write_report(out, batch, tool_version=__version__)
    if profiler:
        profiler.disable()
    write = time.perf_counter() - start
    print(f"members: {len(batch.members):,}; report {out.stat().st_size / 1e6:.1f} MB")
    for label, seconds in (("bare calamine read", bare), ("read + score", read), ("write report", write),
                           ("total", read + write)):
        print(f"{label:20s} {seconds:7.2f} s   x bare read {seconds / bare:6.2f}")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
