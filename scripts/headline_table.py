"""Print the headline table of docs/model.md ("Headline results") and the yearly figures under it.

Runs the five shipped scenarios with the defaults (100 replicates, 4 years from 2025-01-20,
seed 0), then 10 replicates of each for calendar-year figures:

    .venv/bin/python scripts/headline_table.py

With ``--uncertainty``, print instead the table of "Parameter uncertainty" in docs/model.md: the
same runs with each replicate drawing the uncertain parameters, for the rows of
:data:`UNCERTAIN_ROWS`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys

import numpy as np

from deportsim import RunConfig, prepare, run
from deportsim.engine import Streams
from deportsim.model.pipeline import simulate

SCENARIOS = (
    "baseline-fy2024", "directive-2025", "sanctuary-at-large-only", "record-2012-pace",
    "one-million-a-year",
)  # fmt: skip
ROWS = (
    ("ICE arrests per day", "arrests_per_day_mean"),
    ("of which through jails, total", "arrests_custodial_total"),
    ("of which at large, total", "arrests_at_large_total"),
    ("book-ins into detention (ICE and CBP arrests)", "book_ins_total"),
    ("people in detention, average night", "detained_mean"),
    ("people in detention, fullest night", "detained_peak"),
    ("released for lack of a bed", "released_to_atd_total"),
    ("removals per year", "removals_per_year_mean"),
    ("charter removal flights", "removal_flights_total"),
    ("departures without removal", "voluntary_departures_total"),
    ("court backlog at the end (cases)", "court_backlog_end"),
    ("removed people with no conviction", "removed_no_conviction_total"),
    ("US-citizen children whose parent was removed", "us_citizen_children_affected_total"),
    ("removed people who were employed", "workers_removed_total"),
    ("population at risk at the end", "population_at_risk_end"),
    ("enforcement cost, total", "cost_total_usd"),
    ("cost per removal", "cost_per_removal_usd"),
)
UNCERTAIN_ROWS = (
    ("ICE arrests per day", "arrests_per_day_mean"),
    ("people in detention, average night", "detained_mean"),
    ("removals, total", "removals_total"),
    ("enforcement cost, total", "cost_total_usd"),
    ("cost per removal", "cost_per_removal_usd"),
)
YEARLY = ("arrests", "removals", "released_to_atd", "detained", "reachable_pool")


def _cell(m: dict[str, float], name: str) -> str:
    if name == "cost_total_usd":
        return f"${m['mean'] / 1e9:.1f}B ({m['p05'] / 1e9:.1f}–{m['p95'] / 1e9:.1f})"
    money = "$" if name.endswith("_usd") else ""
    return f"{money}{m['mean']:,.0f} ({m['p05']:,.0f}–{m['p95']:,.0f})"


def uncertainty_table() -> None:
    """Print the defaults' runs with parameters drawn beside those with fixed parameters."""
    print("| metric | " + " | ".join(f"`{s}`" for s in SCENARIOS) + " |")  # noqa: T201
    print("|---" * (len(SCENARIOS) + 1) + "|")  # noqa: T201
    runs = {}
    for s in SCENARIOS:
        cfg = RunConfig(scenario=s)
        runs[s] = (
            run(cfg).summary["metrics"],
            run(dataclasses.replace(cfg, parameter_uncertainty=True)).summary["metrics"],
        )
    for label, name in UNCERTAIN_ROWS:
        for kind, k in (("fixed", 0), ("drawn", 1)):
            cells = " | ".join(_cell(runs[s][k][name], name) for s in SCENARIOS)
            print(f"| {label} (`{name}`), {kind} | {cells} |")  # noqa: T201


def main() -> None:
    """Print the table, then yearly means over 10 replicates."""
    if "--uncertainty" in sys.argv[1:]:
        uncertainty_table()
        return
    metrics = {s: run(RunConfig(scenario=s)).summary["metrics"] for s in SCENARIOS}
    print("| metric | " + " | ".join(f"`{s}`" for s in SCENARIOS) + " |")  # noqa: T201
    print("|---" * (len(SCENARIOS) + 1) + "|")  # noqa: T201
    for label, name in ROWS:
        cells = " | ".join(_cell(metrics[s][name], name) for s in SCENARIOS)
        print(f"| {label} (`{name}`) | {cells} |")  # noqa: T201
    for s in SCENARIOS:
        prep = prepare(RunConfig(scenario=s, replicates=10))
        sim = simulate(prep.inputs, 10, Streams(0))
        years = np.array([(prep.start + dt.timedelta(days=t)).year for t in range(sim.days)])
        print(f"\n{s}")  # noqa: T201
        for year in np.unique(years):
            days = years == year
            flows = {n: sim.national[n][:, days].sum(axis=1).mean() for n in YEARLY[:3]}
            stocks = {n: sim.national[n][:, days].mean() for n in YEARLY[3:]}
            shown = ", ".join(f"{n} {v:,.0f}" for n, v in {**flows, **stocks}.items())
            print(f"  {year} ({days.sum()} days): {shown}")  # noqa: T201


if __name__ == "__main__":
    main()
