"""Run every benchmark in its own process (so peak memory is its own) and collect the figures.

    make bench        # or: .venv/bin/python benchmarks/run_all.py

Prints one JSON line per case and writes them all to benchmarks/latest.jsonl; the figures of
record, with the machine they were measured on, are in docs/performance.md.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TANDEM = str(HERE / "tandem.py")
# The tandem queue against SimPy and Ciw (benchmarks/tandem.py). SimPy and Ciw take minutes per
# simulated year at full scale, so they run the first 30 days (Ciw: 2) there, and whole years of
# the small scenarios; the engine runs the same horizons for the comparison, and 1,000 replicates
# x 10 years for speed. About 5 minutes on 2 cores.
FULL_SCALE = [
    "--days", "3650", "--replicates", "1000", "--tools", "engine,simpy,simpy-fast,ciw",
    "--simpy-days", "30", "--simpy-replicates", "1",
    "--simpy-fast-days", "30", "--simpy-fast-replicates", "10",
    "--ciw-days", "2", "--ciw-replicates", "1",
]  # fmt: skip
SMALL = [
    "--days", "365", "--replicates", "1000", "--tools", "engine,simpy,simpy-fast,ciw",
    "--simpy-days", "365", "--simpy-replicates", "30", "--ciw-replicates", "3",
]  # fmt: skip
PIPELINE = ("one-replicate", "default", "run-200", "1000x10y")
ENGINE_NETWORK = ("one-replicate", "one-replicate-exact", "1000x10y")
OFFICIAL = ("import-all", "calibrate", "backtest")
ANSWERS = ("claims", "requirements", "report", "compare-estimates", "status", "run")
# sweeps: 1 vs 2 local workers, the 1,000-sample sweep locally and on a loopback Dask cluster,
# and a sensitivity analysis; about 45 minutes on 2 cores (docs/performance.md)
SWEEP = ("local-1", "local-2", "local-1000", "cluster-1000", "sensitivity")
# the HTTP API on a warm server of 2 workers: latency, then 200 clients for 2 minutes; about
# 4 minutes (docs/performance.md)
SERVER = ("latency", "load")
RUNS = [
    *([str(HERE / "pipeline.py"), "--case", case] for case in PIPELINE),
    *([str(HERE / "official.py"), "--case", case] for case in OFFICIAL),
    *([str(HERE / "answers.py"), "--case", case] for case in ANSWERS),
    *(
        [str(HERE / "startup.py"), "--case", case]
        for case in ("help", "version", "run-help", "scenarios")
    ),
    *([str(HERE / "sweep.py"), "--case", case] for case in SWEEP),
    *([str(HERE / "engine_network.py"), "--case", case] for case in ENGINE_NETWORK),
    *([str(HERE / "server.py"), "--case", case] for case in SERVER),
    # the web app in Chromium: the Now page's first paint, a what-if's preview (about a minute)
    [str(HERE / "web.py")],
    # what the economic stage adds to the default run, against the version before it (2 minutes)
    [str(HERE / "economy.py")],
    [
        TANDEM,
        "--scenario",
        "spec",
        *FULL_SCALE,
        "--engine-workers",
        "1,2",
        "--engine-period",
        "1,30",
    ],
    [TANDEM, "--scenario", "courtbn", *FULL_SCALE],
    [TANDEM, "--scenario", "spec_small", *SMALL],
    [TANDEM, "--scenario", "courtbn_small", *SMALL],
]


def main() -> None:
    """Run all benchmarks; stop at the first that fails."""
    lines = []
    machine = {
        "benchmark": "machine",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }
    print(json.dumps(machine))
    for args in RUNS:
        done = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            sys.exit(done.returncode)
        for line in done.stdout.splitlines():
            print(line, flush=True)
            lines.append(json.loads(line))
    # one line over all tandem summaries: agreement with SimPy, targets met or not
    tandem = "".join(json.dumps(x) + "\n" for x in lines if x.get("benchmark") == "tandem")
    if tandem:
        done = subprocess.run(
            [sys.executable, TANDEM, "--verdict"],
            input=tandem,
            capture_output=True,
            text=True,
            check=True,
        )
        print(done.stdout.strip(), flush=True)
        lines.append(json.loads(done.stdout))
    (HERE / "latest.jsonl").write_text(
        "".join(json.dumps(x) + "\n" for x in [machine, *lines]), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
