"""Benchmark the national pipeline: one JSON line per case (wall seconds, peak memory).

python benchmarks/pipeline.py --case default

``run-200`` times the issue's target command, ``deportsim run directive-2025 --replicates 200``,
as a user runs it (a new process: start-up, loading the compiled loop, the run, writing the
files), and the same run inside one process split into simulation and writing.
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

from deportsim import RunConfig, execute, prepare, run

CASES = {
    # the contract's default run, written to disk as `deportsim run` does
    "default": {"replicates": 100, "years": 4.0, "write": True},
    # target (docs/performance.md): one replicate over 4 years in under 50 ms
    "one-replicate": {"replicates": 1, "years": 4.0, "write": False},
    # target (issue 4): `deportsim run directive-2025 --replicates 200` in under 10 s
    "run-200": {"replicates": 200, "years": 4.0, "write": True},
    # target (issue 22): 1,000 replicates x 10 years, parameters drawn, daily bands written,
    # under 60 s and 2 GB on 2 cores
    "1000x10y": {"replicates": 1000, "years": 10.0, "write": True},
}


def main() -> None:
    """Run one case and print its figures as one JSON line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=sorted(CASES), required=True)
    parser.add_argument("--scenario", default="directive-2025")
    args = parser.parse_args()
    case = CASES[args.case]
    if args.case == "run-200":
        _run_200(args.scenario)
        return
    if args.case == "1000x10y":
        _big(args.scenario)
        return
    cfg = RunConfig(
        scenario=args.scenario, replicates=int(case["replicates"]), years=float(case["years"])
    )
    t0 = time.perf_counter()
    prep = prepare(cfg)
    t1 = time.perf_counter()
    first_s = None
    if case["write"]:
        with tempfile.TemporaryDirectory() as tmp:
            run(cfg, out=Path(tmp) / "out")
    else:
        execute(prep)
        t2 = time.perf_counter()
        first_s = round(t2 - t1, 3)  # with loading the compiled loop from its cache
        t1 = time.perf_counter()
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
                "first_run_s": first_s,
                "run_s": round(t2 - t1, 3),
                "per_replicate_ms": round(1000 * (t2 - t1) / cfg.replicates, 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


def _big(scenario: str) -> None:
    """The command for 1,000 replicates over 10 years, as typed: wall time and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        exe = Path(sys.executable).with_name("deportsim")
        cmd = [str(exe), "run", scenario, "--replicates", "1000", "--years", "10", "--no-catalog",
               "--series", "quantiles", "--out", str(Path(tmp) / "out")]  # fmt: skip
        t0 = time.perf_counter()
        done = subprocess.run(cmd, check=False, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in (Path(tmp) / "out").glob("*") if p.is_file())
    print(
        json.dumps(
            {
                "benchmark": "pipeline",
                "case": "1000x10y",
                "scenario": scenario,
                "replicates": 1000,
                "years": 10.0,
                "exit_code": done.returncode,
                "error": done.stderr.strip().splitlines()[-1:] if done.returncode else None,
                "command_s": round(wall, 2),
                "peak_rss_mb": round(
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
                ),
                "files_mb": round(size / 2**20, 1),
            }
        )
    )


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _run_200(scenario: str) -> None:
    """The command a user types, in a new process; then its parts, in this one.

    The command as typed (parameters drawn, from the latest data to the end of the term; more
    than 100 replicates, so timeseries.parquet holds daily bands), and with
    ``--series replicates`` (every replicate's series, as before). Then, in this process, the
    simulation with parameters drawn and fixed, alternately three times each, so that the
    machine's drift cancels in their ratio (the target: at most 1.1).
    """
    with tempfile.TemporaryDirectory() as tmp:
        exe = Path(sys.executable).with_name("deportsim")  # the installed command
        cli = [str(exe), "run", scenario, "--replicates", "200", "--no-catalog"]
        timings: dict[str, list[float]] = {"bands": [], "replicates": []}
        for k in range(3):
            for kind, extra in (("bands", []), ("replicates", ["--series", "replicates"])):
                t0 = time.perf_counter()
                out = ["--out", str(Path(tmp) / f"{kind}{k}")]
                subprocess.run([*cli, *extra, *out], check=True, capture_output=True)
                timings[kind].append(time.perf_counter() - t0)
        execute(prepare(RunConfig(scenario=scenario, replicates=2)))  # load the compiled loop
        model: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(3):
            for drawn in (True, False):
                prep = prepare(
                    RunConfig.latest(scenario, replicates=200, parameter_uncertainty=drawn)
                )
                t1 = time.perf_counter()
                execute(prep)
                model[drawn].append(time.perf_counter() - t1)
    drawn_s, fixed_s = _median(model[True]), _median(model[False])
    print(
        json.dumps(
            {
                "benchmark": "pipeline",
                "case": "run-200",
                "scenario": scenario,
                "replicates": 200,
                "days": prep.days,
                "command_s": round(_median(timings["bands"]), 3),
                "command_s_all": [round(t, 2) for t in timings["bands"]],
                "command_series_replicates_s": round(_median(timings["replicates"]), 3),
                "simulate_drawn_s": round(drawn_s, 3),
                "simulate_fixed_s": round(fixed_s, 3),
                "drawn_over_fixed": round(drawn_s / fixed_s, 3),
                "per_replicate_drawn_ms": round(1000 * drawn_s / 200, 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
