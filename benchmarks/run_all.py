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
RUNS = [
    [str(HERE / "pipeline.py"), "--case", case] for case in ("one-replicate", "default", "1000x10y")
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
    (HERE / "latest.jsonl").write_text(
        "".join(json.dumps(x) + "\n" for x in [machine, *lines]), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
