"""Benchmark the commands that answer users' questions, as a user runs them: one JSON line each.

python benchmarks/answers.py --case claims

``claims`` (all 14 claims, 100 replicates, parameters drawn; the target is under 60 s on 2 cores),
``requirements`` (a million removals a year under the directive; ``-90`` with probability 0.9),
each also with ``-fixed`` (``--fixed-parameters``), ``report`` (the directive against FY2024's
pace), ``compare-estimates``, ``status`` (the target is under 5 s on 2 cores) and ``run`` (the
default run: directive-2025 from the latest data to the end of the term). Each is a new process
(start-up included), timed from outside; peak memory is the child's.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_MILLION = ["requirements", "directive-2025", "--target", "removals_per_year=1000000"]
COMMANDS = {
    "claims": ["claims"],
    "claims-fixed": ["claims", "--fixed-parameters"],
    "requirements": _MILLION,
    "requirements-fixed": [*_MILLION, "--fixed-parameters"],
    "requirements-90": [*_MILLION, "--probability", "0.9"],
    "report": ["report", "directive-2025", "--compare", "baseline-fy2024"],
    "compare-estimates": ["compare-estimates"],
    "status": ["status"],
    "run": ["run"],
}
#: Commands that keep no catalog record (no --no-catalog option).
UNRECORDED = {"status"}


def main() -> None:
    """Run one case in a child process and print its figures as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=tuple(COMMANDS), required=True)
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "deportsim")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [exe, *COMMANDS[args.case], "--out", str(Path(tmp) / "out")]
        cmd += [] if args.case in UNRECORDED else ["--no-catalog"]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {"benchmark": "answers", "case": args.case, "wall_s": round(wall, 2),
               "peak_rss_mb": round(peak, 1)}  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
