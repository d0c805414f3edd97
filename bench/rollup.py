"""Province-scale roll-up: `tusoi tong-hop TREE -o out.json` against reading the same files with the readers alone.

    python bench/rollup.py [--cells 3000] [--members 33] [--repeat 3] [--keep DIR]

Generates (cached in --keep) a tree of --cells cells in mixed formats under districts and communes
(tinh/huyen-NN/xa-NN/...): 60 % .xlsx with a title block, 30 % .csv, 10 % folders of member .yaml files, each
cell --members members (3,000 x 33 = 99,000 members). Then measures, each in a fresh process, interleaved
--repeat times, wall time and peak RSS (bench/_measure.py's wrapper):
  1. readers alone: python-calamine for every .xlsx, the csv module for every .csv, PyYAML (C loader when
     available) for every .yaml: the bytes parsed, nothing checked or scored;
  2. tusoi's readers alone: every cell read as `tusoi batch` reads it (read/batch.py), not scored;
  3. tusoi tong-hop TREE -o out.json (and -o out.xlsx with --xlsx).
Goal (issue 14): <= 2x the readers alone, peak memory <= 600 MB.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import child  # the process wrapper of every benchmark
from batch import FAMILY, GIVEN, ITEMS  # the same items and names

HEADER = ["STT", "Họ và tên", "Mã đảng viên", "Trạng thái", "Kỷ luật", "Chi bộ xếp loại", *ITEMS]


def _member(rng: random.Random, n: int) -> list[object]:
    answers: list[object] = [0] * len(ITEMS)
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        answers[rng.randrange(27)] = rng.choice((1, 1, 2, 3))
    if rng.random() < 0.03:
        answers[27 + rng.randrange(19)] = 1
    status = "miễn: nghỉ sinh hoạt" if rng.random() < 0.03 else ""
    if rng.random() < 0.02:
        answers = [""] * len(ITEMS)  # answered nothing: not reviewed
    return [n, f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}", f"{n:08d}", status, "",
            rng.choice(("Tốt", "Khá", "", "")), *answers]


def make_tree(root: Path, cells: int, members: int) -> None:
    import openpyxl

    rng = random.Random(2026)
    for index in range(cells):
        folder = root / f"huyen-{index % 10:02d}" / f"xa-{(index // 10) % 30:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"Chi bộ {index + 1}"
        rows = [_member(rng, n) for n in range(1, members + 1)]
        kind = index % 10
        if kind < 6:
            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet("Chi bộ")
            ws.append(["Chi bộ:", name])
            ws.append([])
            ws.append(HEADER)
            for row in rows:
                ws.append(row)
            wb.save(folder / f"chi-bo-{index + 1:04d}.xlsx")
        elif kind < 9:
            lines = [",".join(f'"{h}"' for h in ["Chi bộ", *HEADER])]
            lines += [",".join(f'"{v}"' for v in [name, *row]) for row in rows]
            (folder / f"chi-bo-{index + 1:04d}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            cell = folder / f"chi-bo-{index + 1:04d}"
            cell.mkdir(exist_ok=True)
            for row in rows:
                answers = "".join(f"  {item}: {value}\n" for item, value in zip(ITEMS, row[6:], strict=True)
                                  if value != "")
                status = f"trang_thai: \"{row[3]}\"\n" if row[3] else ""
                (cell / f"{row[0]:03d}.yaml").write_text(
                    f'ky_danh_gia: "2026"\ndang_vien:\n  ho_ten: {row[1]}\n  ma_dang_vien: "{row[2]}"\n'
                    f"  chi_bo: {name}\n{status}"
                    f"danh_gia:\n{answers or '  {}'}\n", encoding="utf-8")


READERS = """
import csv, sys
from pathlib import Path
import yaml
from python_calamine import CalamineWorkbook
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
count = 0
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.suffix == ".xlsx":
        count += len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python())
    elif path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            count += sum(1 for _ in csv.reader(handle))
    elif path.suffix == ".yaml":
        count += bool(yaml.load(path.read_bytes(), Loader=loader))
print(count)
"""

# tusoi's own readers, nothing scored or counted: every cell read as `batch` reads it (read/batch.py)
TUSOI_READERS = """
import sys
from pathlib import Path
from tusoi_cli.api import load_rubric
from tusoi_cli.read.batch import read_folder, read_sheet
rubric = load_rubric()
count = 0
for path in sorted(Path(sys.argv[1]).rglob("chi-bo-*")):
    count += len((read_folder(path, rubric) if path.is_dir() else read_sheet(path, rubric)).members)
print(count)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, default=3000)
    parser.add_argument("--members", type=int, default=33)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--xlsx", action="store_true", help="also time -o .xlsx")
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the generated tree in")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="tusoi-rollup-bench-"))
    tree = base / f"tinh-{args.cells}x{args.members}"
    if not tree.exists():
        print(f"generating {tree} ...", file=sys.stderr)
        make_tree(tree, args.cells, args.members)
    runs: dict[str, list[tuple[float, float, float]]] = {"readers alone": [], "tusoi's readers alone": [],
                                                  "tong-hop -o .json": []}
    if args.xlsx:
        runs["tong-hop -o .xlsx"] = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            runs["readers alone"].append(child([sys.executable, "-c", READERS, str(tree)]))
            runs["tusoi's readers alone"].append(child([sys.executable, "-c", TUSOI_READERS, str(tree)]))
            for name in list(runs)[2:]:
                out = Path(tmp) / f"out.{name[-4:].lstrip('.')}"
                out.unlink(missing_ok=True)
                runs[name].append(_tong_hop(tree, out))
    base_wall = statistics.median(w for w, _, _ in runs["readers alone"])
    tusoi_wall = statistics.median(w for w, _, _ in runs["tusoi's readers alone"])
    print(f"{args.cells} cells x {args.members} members ({args.cells * args.members:,} members), "
          f"medians of {args.repeat}\n")
    print("| run | wall | peak memory | × readers alone | × tusoi's readers alone |\n|---|---|---|---|---|")
    for name, measured in runs.items():
        wall = statistics.median(w for w, _, _ in measured)
        peak = max(p for _, _, p in measured)
        print(f"| {name} | {wall:.2f} s | {peak:,.0f} MB | {wall / base_wall:.2f} | {wall / tusoi_wall:.2f} |")


def _tong_hop(tree: Path, out: Path) -> tuple[float, float, float]:
    return child([sys.executable, "-m", "tusoi_cli", "tong-hop", str(tree), "-o", str(out)])


if __name__ == "__main__":
    main()
