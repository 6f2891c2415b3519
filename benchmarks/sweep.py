"""Benchmark sweeps and sensitivity analyses as a user runs them: one JSON line per case.

python benchmarks/sweep.py --case local-1

``local-1`` / ``local-2``: the same 100-sample sweep of directive-2025 (20 replicates, 4 years)
on 1 and on 2 local worker processes (throughput in samples per second; the ratio is the
scaling from 1 to 2 workers). ``local-1000``: the 1,000-sample sweep on every local core;
``cluster-1000``: the same sweep through a loopback Dask cluster of 2 workers, which must give
the same results hash. ``sensitivity``: Sobol indices of removals_total and cost_total_usd over
the default uncertain parameters (N=32, 2 replicates). Each is a new process timed from outside.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loopback import loopback

VARY = [
    "--vary",
    "arrests.at_large_arrests_per_officer_day=0.08:0.25",
    "--vary",
    "arrests.depletion_half=0.25:4",
    "--vary",
    "removal.transport_capacity=1000:2500",
    "--vary",
    "removal.delay_days=30:180",
    "--vary",
    "costs.bed_day=130:200",
    "--vary",
    "population.recent_entrants=500000:2000000",
]
SWEEP = ["sweep", "directive-2025", *VARY, "--replicates", "20", "--years", "4", "--seed", "0"]
CASES = {
    "local-1": [*SWEEP, "--samples", "100", "--workers", "1"],
    "local-2": [*SWEEP, "--samples", "100", "--workers", "2"],
    "local-1000": [*SWEEP, "--samples", "1000"],
    "cluster-1000": [*SWEEP, "--samples", "1000"],
    "sensitivity": ["sensitivity", "directive-2025", "--n", "32", "--replicates", "2"],
}


def main() -> None:
    """Run one case in a child process and print its figures as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=tuple(CASES), required=True)
    parser.add_argument("--keep", type=Path, help="keep the results under this folder")
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "deportsim")
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        cmd = [exe, *CASES[args.case], "--out", str(out)]
        with ExitStack() as stack:
            if args.case == "cluster-1000":
                cmd += ["--scheduler", stack.enter_context(loopback(2)).address]
            t0 = time.perf_counter()
            done = subprocess.run(cmd, check=True, capture_output=True, text=True)
            wall = time.perf_counter() - t0
        folder = Path(re.findall(r"Results in (\S+)/ ", done.stdout)[-1])
        summary = json.loads((folder / "summary.json").read_text())
        line = {
            "benchmark": "sweep",
            "case": args.case,
            "wall_s": round(wall, 1),
            "samples": summary["samples"],
            "replicates": summary["replicates"],
            "samples_per_s": round(summary["samples"] / wall, 2),
            "results_sha256": summary["results_sha256"],
            "backend": summary["timing"]["backend"],
        }
        if args.case == "sensitivity":
            sens = json.loads((folder / "sensitivity.json").read_text())
            line["top3"] = {m: v["top3"] for m, v in sens["metrics"].items()}
            line["parameters"] = len(sens["parameters"])
        print(json.dumps(line))


if __name__ == "__main__":
    main()
