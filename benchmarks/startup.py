"""Benchmark the command line's start-up, as a user types it: one JSON line per case.

    python benchmarks/startup.py --case help

``help`` (``deportsim --help``), ``version``, ``run-help`` (``deportsim run --help``) and
``scenarios`` (``deportsim scenarios``: the parameter and scenario files read and checked). Each
is a new process, timed from outside, 7 times; the median and the fastest are printed. The
target (issue 22) is under 0.5 s on 2 cores for ``--help`` and ``scenarios``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = {
    "help": ["--help"],
    "version": ["--version"],
    "run-help": ["run", "--help"],
    "scenarios": ["scenarios"],
}
REPEATS = 7


def main() -> None:
    """Time one case REPEATS times in new processes and print its figures as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=tuple(COMMANDS), required=True)
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "deportsim")
    walls = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        subprocess.run([exe, *COMMANDS[args.case]], check=True, capture_output=True)
        walls.append(time.perf_counter() - t0)
    figures = {"benchmark": "startup", "case": args.case,
               "wall_s_median": round(statistics.median(walls), 3),
               "wall_s_min": round(min(walls), 3)}  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
