"""Benchmark the official-statistics commands as a user runs them: one JSON line per case.

python benchmarks/official.py --case import-all

``import-all`` imports ICE's nine workbooks (``../shared/data/ice``, or ``$DEPORTSIM_ICE_DATA``)
into an empty store; ``calibrate`` and ``backtest`` run the commands on the curated table. Each
is a new process (start-up included), timed from outside; peak memory is the child's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASES = ("import-all", "calibrate", "backtest")


def _ice_dir() -> Path:
    env = os.environ.get("DEPORTSIM_ICE_DATA")
    for path in [*([Path(env)] if env else []), REPO.parent / "shared" / "data" / "ice",
                 Path("/work/shared/data/ice")]:  # fmt: skip
        if any(path.glob("FY*.xlsx")):
            return path
    raise SystemExit("ICE workbooks not found; set DEPORTSIM_ICE_DATA")


def main() -> None:
    """Run one case in a child process and print its figures as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=CASES, required=True)
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "deportsim")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DEPORTSIM_DATA_DIR": str(Path(tmp) / "data")}
        if args.case == "import-all":
            files = sorted(str(p) for p in _ice_dir().glob("*.xlsx"))
            cmd = [exe, "data", "import", *files]
        else:
            cmd = [exe, args.case, "--out", str(Path(tmp) / "out")]
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "benchmark": "official",
                "case": args.case,
                "files": len(files) if args.case == "import-all" else None,
                "wall_s": round(wall, 2),
                "peak_rss_mb": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
