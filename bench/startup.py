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
# What any typer + pydantic + rich tool pays before doing its own work: a one-command typer app that
# parses its arguments, makes one pydantic model, parses one line of YAML and prints with rich.
FLOOR_CODE = """
import typer
app = typer.Typer()
@app.command()
def score(files: list[str]) -> None:
    import yaml
    from pydantic import BaseModel
    from rich.console import Console
    class M(BaseModel):
        x: int
    Console().print(M(x=yaml.safe_load("x: 1")["x"]))
app()
"""
FLOOR = [sys.executable, "-c", FLOOR_CODE, "x"]
TUSOI = [sys.executable, "-m", "tusoi_cli", "score", str(EXAMPLE)]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    # pip compiles .pyc files at install time; do the same so an editable checkout is measured fairly
    # (PYTHONDONTWRITEBYTECODE may be set in the environment).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "tusoi_cli")], check=False)
    timed(BASELINE), timed(FLOOR), timed(TUSOI)  # warm the file cache
    base, floor, tool = [], [], []
    for _ in range(args.runs):
        base.append(timed(BASELINE))
        floor.append(timed(FLOOR))
        tool.append(timed(TUSOI))
    b, f, t = (statistics.median(x) for x in (base, floor, tool))
    print(f"runs: {args.runs}, medians")
    print(f"  bare imports (typer, pydantic, rich, yaml):     {b * 1000:6.0f} ms")
    print(f"  floor: minimal typer+pydantic+rich+yaml command: {f * 1000:6.0f} ms")
    print(f"  tusoi score {EXAMPLE.name}:            {t * 1000:6.0f} ms")
    print(f"ratio tusoi / bare imports: {t / b:.2f} (goal <= 1.30)")
    print(f"ratio tusoi / floor:        {t / f:.2f}")


if __name__ == "__main__":
    main()
