"""Measure the engine against the exact event-by-event simulation with ten times more replicates.

The test suite (tests/engine/test_exact_agreement.py) runs four small networks with 400 engine and
120-150 exact replicates and allows the biases measured here; this script measures them, with other
seeds, and prints one table row per station and figure (docs/engine.md, "Accuracy"):

    .venv/bin/python scripts/measure_exact_agreement.py      # about 5 minutes
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
from scipy import stats

from deportsim.engine import Stochastic, Streams, simulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test suite's cases and exact simulator

from engine.reference_sim import simulate_reference  # noqa: E402
from engine.test_exact_agreement import CASES, THIN  # noqa: E402

ENGINE_REPLICATES, REFERENCE_REPLICATES, SEED_SHIFT = 4000, 1500, 7


def _se(x: np.ndarray) -> float:
    return float(x.std(ddof=1) / math.sqrt(x.size))


def _row(case: str, station: str, what: str, engine: np.ndarray, exact: np.ndarray) -> str:
    diff = float(engine.mean() - exact.mean())
    se = math.hypot(_se(engine), _se(exact))
    ref = float(exact.mean())
    return (
        f"| {case} | {station} | {what} | {engine.mean():.4f} | {ref:.4f} | "
        f"{100 * diff / ref:+.2f}% ({100 * se / ref:.2f}%) | {diff / se:+.1f} |"
    )


def main() -> None:
    """Run every case large and print the table."""
    print("| case | station | figure | engine | exact | engine - exact (SE) | in SE |")  # noqa: T201
    print("|---|---|---|---|---|---|---|")  # noqa: T201
    for name, case in CASES.items():
        seed = case.seed + SEED_SHIFT
        eng = simulate(
            case.engine,
            case.days,
            ENGINE_REPLICATES,
            Stochastic(Streams(seed)),
            record=("completed", "refused", "occupancy", "waiting"),
            threads=2,
        )
        ref = simulate_reference(
            case.reference, case.days, REFERENCE_REPLICATES, seed=seed + 1000, warmup=case.warmup
        )
        warm = case.warmup
        for st in case.reference.stations:
            s = st.name
            done = eng.national(s, "completed")[:, warm:].mean(axis=1)
            rows = [
                ("throughput", done, ref.completed[s]),
                ("occupancy", eng.mean_per_day(s, "occupancy", start=warm), ref.busy[s]),
            ]
            if st.overflow == "queue" and st.servers is not None:
                rows.append(("queue", eng.mean_per_day(s, "waiting", start=warm), ref.waiting[s]))
            if st.overflow == "lose":
                lost = eng.national(s, "refused")[:, warm:].mean(axis=1)
                rows.append(("lost", lost, ref.lost[s]))
            for what, e, r in rows:
                print(_row(name, s, what, e, r), flush=True)  # noqa: T201
            e = eng.national(s, "occupancy")[:, warm::THIN].ravel()
            r = ref.day_end_busy[s][:, warm::THIN].ravel()
            ks = float(stats.ks_2samp(e, r).statistic)
            print(f"| {name} | {s} | KS distance, day-end occupancy | | | {ks:.4f} | |")  # noqa: T201


if __name__ == "__main__":
    main()
