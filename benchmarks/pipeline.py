"""Benchmark the national pipeline: one JSON line per case (wall seconds, peak memory).

python benchmarks/pipeline.py --case default
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from deportsim import RunConfig, execute, prepare, run

CASES = {
    # the contract's default run, written to disk as `deportsim run` does
    "default": {"replicates": 100, "years": 4.0, "write": True},
    # target (docs/performance.md): one replicate over 4 years in under 50 ms
    "one-replicate": {"replicates": 1, "years": 4.0, "write": False},
    # target: 1,000 replicates x 10 years in under 60 s and 2 GB
    "1000x10y": {"replicates": 1000, "years": 10.0, "write": False},
}


def main() -> None:
    """Run one case and print its figures as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=sorted(CASES), required=True)
    parser.add_argument("--scenario", default="directive-2025")
    args = parser.parse_args()
    case = CASES[args.case]
    cfg = RunConfig(
        scenario=args.scenario, replicates=int(case["replicates"]), years=float(case["years"])
    )
    t0 = time.perf_counter()
    prep = prepare(cfg)
    t1 = time.perf_counter()
    if case["write"]:
        with tempfile.TemporaryDirectory() as tmp:
            run(cfg, out=Path(tmp) / "out")
    else:
        execute(prep)
    t2 = time.perf_counter()
    print(
        json.dumps(
            {
                "benchmark": "pipeline",
                "case": args.case,
                "scenario": args.scenario,
                "replicates": cfg.replicates,
                "years": cfg.years,
                "prepare_s": round(t1 - t0, 3),
                "run_s": round(t2 - t1, 3),
                "per_replicate_ms": round(1000 * (t2 - t1) / cfg.replicates, 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
