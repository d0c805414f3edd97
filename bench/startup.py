"""Start-up cost of `tusoi score` on one file against the bare imports it cannot avoid.

Measures, in one run and interleaved (so machine noise hits both alike):
- baseline: a fresh Python that imports typer, pydantic, rich (console) and yaml;
- tusoi: `python -m tusoi_cli score examples/02-nguyen-van-an.yaml` (a real scoring and rendering);
and reports the median of each and their ratio (goal: at most 1.3).

    python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "02-nguyen-van-an.yaml"
BASELINE = [sys.executable, "-c", "import typer, pydantic, rich.console, yaml"]
TUSOI = [sys.executable, "-m", "tusoi_cli", "score", str(EXAMPLE)]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    timed(BASELINE), timed(TUSOI)  # warm the file cache and .pyc files
    base, tool = [], []
    for _ in range(args.runs):
        base.append(timed(BASELINE))
        tool.append(timed(TUSOI))
    b, t = statistics.median(base), statistics.median(tool)
    print(f"baseline imports (typer, pydantic, rich, yaml): median {b * 1000:.0f} ms over {args.runs} runs")
    print(f"tusoi score {EXAMPLE.name}:                 median {t * 1000:.0f} ms")
    print(f"ratio: {t / b:.2f} (goal <= 1.30)")


if __name__ == "__main__":
    main()
