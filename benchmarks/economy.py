"""Benchmark what the economic stage adds to ``deportsim run``: one JSON line.

    python benchmarks/economy.py [--before REV] [--repeats 7]

Times the default ``deportsim run`` (the default scenario, replicates and years, timeseries
included) of this checkout against the same command of the version before the economic stage
(``--before``, a git revision; default the last commit before it, b707c01), checked out in a
temporary git worktree and run with the same Python and libraries. The two alternate, one new
process each, ``--repeats`` times; the medians and the median of the paired ratios are printed,
with the peak memory of each. The target (issue 25) is a ratio under 1.10.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "b707c01"
GIT = shutil.which("git") or "git"


def _time(src: Path, out: Path) -> float:
    """Wall seconds of one ``deportsim run`` with ``src`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    args = [sys.executable, "-m", "deportsim.cli", "run", "--out", str(out), "--no-catalog"]
    t0 = time.perf_counter()
    subprocess.run([*args, "--overwrite"], check=True, capture_output=True, env=env, cwd=out.parent)
    return time.perf_counter() - t0


def main() -> None:
    """Time both versions, alternating, and print the figures as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "before"
        subprocess.run(
            [GIT, "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.before],
            check=True, capture_output=True,
        )  # fmt: skip
        try:
            walls: dict[str, list[float]] = {"before": [], "after": []}
            for _ in range(args.repeats):
                for name, src in (("before", old / "src"), ("after", ROOT / "src")):
                    walls[name].append(_time(src, Path(tmp) / f"out-{name}"))
            memory = {n: _peak_of(src, Path(tmp)) for n, src in
                      (("before", old / "src"), ("after", ROOT / "src"))}  # fmt: skip
        finally:
            subprocess.run(
                [GIT, "-C", str(ROOT), "worktree", "remove", "--force", str(old)],
                check=False, capture_output=True,
            )  # fmt: skip
    ratios = [a / b for a, b in zip(walls["after"], walls["before"], strict=True)]
    figures = {
        "benchmark": "economy",
        "case": "default-run",
        "before": args.before,
        "repeats": args.repeats,
        "before_s_median": round(statistics.median(walls["before"]), 3),
        "after_s_median": round(statistics.median(walls["after"]), 3),
        "ratio_median": round(statistics.median(ratios), 3),
        "before_peak_mb": memory["before"],
        "after_peak_mb": memory["after"],
        "target_ratio": 1.10,
        "met": statistics.median(ratios) < 1.10,
    }
    print(json.dumps(figures))


def _peak_of(src: Path, tmp: Path) -> float:
    """Peak memory (MB) of one run of ``src``, measured in a process of its own."""
    code = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = tmp / "out-memory"
    args = [sys.executable, "-m", "deportsim.cli", "run", "--out", str(out), "--no-catalog",
            "--overwrite"]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(src)}, cwd=tmp,
    )  # fmt: skip
    return round(int(done.stdout.strip()) / 1024, 1)


if __name__ == "__main__":
    main()
