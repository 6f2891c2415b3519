"""Tiny fixed-seed runs whose summaries are committed in tests/baselines/ (see scripts/)."""

from __future__ import annotations

from typing import Any

from deportsim import RunConfig, run

#: name → run configuration; small enough to run in a second each.
CASES: dict[str, RunConfig] = {
    "baseline-fy2024": RunConfig(scenario="baseline-fy2024", replicates=4, years=1.0, seed=1),
    "directive-2025": RunConfig(scenario="directive-2025", replicates=4, years=2.0, seed=2),
    "sanctuary-at-large-only": RunConfig(
        scenario="sanctuary-at-large-only", replicates=4, years=2.0, seed=2
    ),
    "one-million-a-year": RunConfig(scenario="one-million-a-year", replicates=4, years=2.0, seed=3),
    "record-2012-pace": RunConfig(scenario="record-2012-pace", replicates=4, years=2.0, seed=4),
    # each replicate draws the uncertain parameters (`deportsim run` without --fixed-parameters)
    "directive-2025-uncertain": RunConfig(
        scenario="directive-2025", replicates=4, years=1.0, seed=2, parameter_uncertainty=True
    ),
}


def summary_for(name: str) -> dict[str, Any]:
    """The metrics of one case (the summary without version fields)."""
    summary = run(CASES[name]).summary
    return {"scenario": summary["scenario"], "days": summary["days"], "metrics": summary["metrics"]}
