"""What the benchmarks share: one run measured in a fresh process, the common options and the markdown rows.

A run's wall time, CPU time (user + system) and peak RSS are those of that process alone: it runs as the one child
of a small wrapper (RUSAGE_CHILDREN of a fresh process), so neither the benchmark's own memory (a Linux child
starts with its parent's max RSS) nor an earlier, heavier run leaks into it. CPU seconds are given too: on a
machine shared with other work, they move much less than wall seconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

# Runs the command given and writes "wall cpu peak_kb exit" to the file named first.
WRAPPER = ("import resource, subprocess, sys, time; start = time.perf_counter(); code = subprocess.call(sys.argv[2:],"
           " stdout=subprocess.DEVNULL); wall = time.perf_counter() - start; u = resource.getrusage("
           "resource.RUSAGE_CHILDREN); open(sys.argv[1], 'w').write(f'{wall} {u.ru_utime + u.ru_stime} {u.ru_maxrss}"
           " {code}')")


def child(cmd: list[str], *, allowed: tuple[int, ...] = (0,)) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of this one child process alone; a run ending with an exit code
    not ``allowed`` stops the benchmark (no ratio of a run that did not do the work)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "usage"
        done = subprocess.run([sys.executable, "-c", WRAPPER, str(report), *cmd], check=False,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall, cpu, peak, code = report.read_text().split() if report.exists() else ("0", "0", "0", str(done.returncode))
    if int(code) not in allowed or done.returncode != 0:
        sys.exit(f"benchmark run failed (exit {code}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return float(wall), float(cpu), int(peak) / 1024


def python(src: Path | None) -> list[str]:
    """The interpreter, with ``src`` first on its path when given (a before/after comparison in one run)."""
    return ["env", f"PYTHONPATH={src}", sys.executable] if src else [sys.executable]


def name(kind: str, src: Path | None) -> str:
    return f"before {kind}" if src else kind


def _what(name: str) -> str:
    prefix, _, kind = name.rpartition(" ")
    return f"{prefix + ': ' if prefix else ''}{f'-o .{kind}' if kind != 'none' else 'no output'}"


def table_rows(size: int, times: dict[str, list[tuple[float, float, float]]], base: str,
               what: dict[str, str]) -> list[str]:
    """Markdown rows: median wall and CPU seconds, max peak, and both ratios against the ``base`` run."""
    base_wall = statistics.median(w for w, _, _ in times[base])
    base_cpu = statistics.median(c for _, c, _ in times[base])
    rows = []
    for name, runs in times.items():
        wall = statistics.median(w for w, _, _ in runs)
        cpu = statistics.median(c for _, c, _ in runs)
        peak = max(p for _, _, p in runs)
        rows.append(f"| {size:,} | {what.get(name) or _what(name)} | {wall:.2f} s | {cpu:.2f} s | {peak:,.0f} MB "
                    f"| {wall / base_wall:.2f} | {cpu / base_cpu:.2f} |")
    return rows


def add_run_options(parser: argparse.ArgumentParser, *, before: bool = True) -> None:
    """--repeat, --before (when ``before``) and --keep."""
    parser.add_argument("--repeat", type=int, default=1, help="interleaved runs per size; medians reported")
    if before:
        parser.add_argument("--before", type=Path, help="also run each output with this src/ folder on PYTHONPATH "
                            "(e.g. `git archive BASE src | tar -x -C /tmp/before`, then /tmp/before/src)")
    parser.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "tusoi-bench")


def sizes_and_outputs(parser: argparse.ArgumentParser, sizes: str, outputs: str, known: tuple[str, ...],
                      keep: Path) -> tuple[list[int], list[str]]:
    """The comma-separated ``sizes`` and ``outputs`` as lists (an unknown output is a usage error); ``keep`` made."""
    counts = [int(n.replace("_", "")) for n in sizes.split(",")]
    kinds = [kind.strip() for kind in outputs.split(",")]
    for kind in kinds:
        if kind not in known:
            parser.error(f"unknown output {kind!r}: one of {', '.join(known)}")
    keep.mkdir(parents=True, exist_ok=True)
    return counts, kinds
