"""Published economic estimates reproduced by the model's economic stage, and the model's own.

For each anchor of ``economy.yaml`` (:mod:`deportsim.analysis.estimates.economy_spec`):

(a) **Under the study's own assumptions.** The study's removal path becomes the stage's input
    series: interior removals spread evenly over the days of each year of the path (a study
    counting workers is divided by the model's employed share, so that the workers removed are
    the study's); nobody held, nobody arrested at large (none of the studies gives arrests). The
    daily factors are the model's, at the parameter files' values with the study's ``sets``
    applied (:func:`deportsim.model.accounts.factors` of a prepared run covering the span), and
    the series come from :func:`deportsim.model.economy.national` - the model's own equations,
    nationally: the studies are national, so every worker is at the nation's average value
    added (no metro's premium).
    The headline is read for its calendar year with :func:`deportsim.run.economy.yearly_values`.
(b) **With the model's own dynamics and defaults.** The same headline, read in a run of the
    file's ``own_scenario`` supplied by the caller (replicates, seed and parameter draws are the
    caller's), with its 5th-95th percentiles over replicates.

The gap is the reproduction (a) against the published figure, as a share of it: against the
nearest end of a published range (zero inside it). ``within`` says whether its size is at most
the file's ``tolerance``. Where a gap is wide, the anchor's ``why_differs`` says why in words:
the file's parameters are never tuned to close it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.estimates.economy_spec import MEASURES, Anchor, AnchorFile
from deportsim.engine import Streams
from deportsim.model import SimResult, accounts, economy, simulate
from deportsim.parameters import ParameterSet
from deportsim.run.config import RunConfig
from deportsim.run.economy import yearly_values
from deportsim.run.prepare import prepare

__all__ = [
    "AnchorResult", "EconomyComparison", "OwnRunner", "compare_economy", "headline_values",
    "own_runner",
    "path_series", "reproduce",
]  # fmt: skip

F = NDArray[np.float64]
#: Runs the file's own scenario to the last day given: ``runner(scenario, until)`` -> the run's
#: series and its first day. The API supplies it (seed, replicates, parameter draws).
OwnRunner = Callable[[str, dt.date], tuple[SimResult, dt.date]]


def own_runner(
    params: ParameterSet, replicates: int, seed: int, *, parameter_uncertainty: bool
) -> OwnRunner:
    """``(scenario, until) ->`` the model's own run of a scenario to ``until``, and its start."""

    def run(scenario: str, until: dt.date) -> tuple[SimResult, dt.date]:
        cfg = RunConfig(scenario=scenario, replicates=replicates, seed=seed, until=until,
                        parameter_uncertainty=parameter_uncertainty)  # fmt: skip
        prep = prepare(cfg, params)
        draws = prep.draws.inputs if prep.draws is not None else None
        sim = simulate(prep.inputs, replicates, Streams(seed), inputs_for=draws, skip=prep.bridge)
        return sim, prep.start

    return run


@dataclass(frozen=True)
class AnchorResult:
    """One anchor: the reproduction under its own assumptions and the model's own figure."""

    anchor: Anchor
    reproduced: float
    removed: float  # people removed over the path
    workers: float  # of them, workers
    own_p05: float
    own_p50: float
    own_p95: float

    @property
    def gap(self) -> float:
        """Reproduction over the published figure (nearest end of its range), minus 1.

        Negative: the reproduction is smaller in size than the published figure (a loss of jobs
        is a negative change, so a smaller loss is a negative gap too).
        """
        lo, hi = self.anchor.headline.bounds
        target = min(max(self.reproduced, lo), hi)
        return self.reproduced / target - 1.0 if target else float("inf")


@dataclass(frozen=True)
class EconomyComparison:
    """Every anchor reproduced, and how the model's own run was made."""

    spec: AnchorFile
    results: tuple[AnchorResult, ...]
    config: dict[str, Any]

    def within(self, r: AnchorResult) -> bool:
        """Whether the reproduction is within the file's tolerance of the published figure."""
        return abs(r.gap) <= self.spec.tolerance

    def to_json(self) -> dict[str, Any]:
        """The ``economy`` block of ``estimates.json``."""
        return {
            **self.config,
            "own_scenario": self.spec.own_scenario,
            "own_reasoning": self.spec.own_reasoning,
            "tolerance": self.spec.tolerance,
            "measures": MEASURES,
            "anchors": [self._json(r) for r in self.results],
        }

    def _json(self, r: AnchorResult) -> dict[str, Any]:
        a = r.anchor
        return {
            "id": a.id,
            "name": a.name,
            "headline": a.headline.model_dump(mode="json", exclude_none=True),
            "other_figures": [
                f.model_dump(mode="json", exclude_none=True) for f in a.other_figures
            ],
            "path": a.path.model_dump(mode="json", exclude_none=True),
            "assumptions": [x.model_dump(mode="json", exclude_none=True) for x in a.assumptions],
            "sets": list(a.sets),
            "reproduced": {
                "value": _round(r.reproduced),
                "year": a.headline.read_in,
                "removed": round(r.removed),
                "workers_removed": round(r.workers),
                "gap_percent": _round(100 * r.gap),
                "within_tolerance": self.within(r),
            },
            "model_own": {
                "year": a.headline.own_in,
                "p05": _round(r.own_p05),
                "p50": _round(r.own_p50),
                "p95": _round(r.own_p95),
            },
            "why_differs": a.why_differs,
        }


def _round(v: float) -> float:
    """Four significant digits (the file's figures have two or three)."""
    return float(f"{v:.4g}")


def path_series(anchor: Anchor, start: dt.date, employed_share: F) -> dict[str, F]:
    """The stage's national input series (1, days) for the anchor's removal path from ``start``.

    Each year of the path has ``per_year`` removals spread evenly over its days (a year not
    wholly inside the run keeps its daily rate); workers are turned into people over the
    employed share of each day.
    """
    days = employed_share.shape[-1]
    rate = np.zeros(days)
    path = anchor.path
    for year in range(path.first_year, path.last_year + 1):
        first, after = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        a, b = max((first - start).days, 0), min((after - start).days, days)
        rate[a:b] = path.per_year / (after - first).days
    if path.counts == "workers":
        rate = np.divide(rate, employed_share, out=np.zeros(days), where=employed_share > 0)
    zero = np.zeros((1, days))
    return {"removals_interior": rate[None, :], "detained_interior": zero, "arrests_at_large": zero}


def headline_values(anchor: Anchor, sim: SimResult, start: dt.date, year: int) -> F:
    """The anchor's headline measure in calendar ``year`` of a run, by replicate."""
    values = yearly_values(sim, start)[year]
    measure = anchor.headline.measure
    if measure == "tax_revenue_lost_usd_real":
        first = max((dt.date(year, 1, 1) - start).days, 0)  # one price level a calendar year
        price = sim.factors["price_level"][..., first]
        return np.asarray(values["tax_revenue_lost_usd"] / price, dtype=np.float64)
    return np.asarray(values[measure], dtype=np.float64)


def reproduce(
    spec: AnchorFile, anchor: Anchor, params: ParameterSet | None = None
) -> tuple[float, SimResult, dt.date]:
    """(a): the anchor's headline under its own path and ``sets``, with the model's equations.

    Returns the headline, the stage's series (a one-replicate :class:`SimResult` whose
    ``national`` holds the input and economic series) and the first day.
    """
    start = dt.date(anchor.path.first_year, 1, 1)
    until = dt.date(max(anchor.path.last_year, anchor.headline.read_in), 12, 31)
    cfg = RunConfig(scenario=spec.own_scenario, replicates=1, start=start, until=until,
                    sets=anchor.sets)  # fmt: skip
    daily = accounts.factors(prepare(cfg, params).inputs)
    nat = path_series(anchor, start, daily["employed_share"])
    series = nat | economy.national(nat, daily)
    days = nat["removals_interior"].shape[1]
    sim = SimResult(series, {}, (), days, 1, {}, daily)
    return float(headline_values(anchor, sim, start, anchor.headline.read_in)[0]), sim, start


def compare_economy(
    spec: AnchorFile,
    own: OwnRunner,
    params: ParameterSet | None = None,
    config: dict[str, Any] | None = None,
) -> EconomyComparison:
    """Reproduce every anchor (a) and read it in one run of the model's own scenario (b)."""
    until = dt.date(spec.own_until_year, 12, 31)
    run, start = own(spec.own_scenario, until)
    results = []
    for anchor in spec.anchors:
        value, sim, _ = reproduce(spec, anchor, params)
        removed = float(sim.national["removals_interior"].sum())
        workers = float((sim.national["removals_interior"] * sim.factors["employed_share"]).sum())
        mine = headline_values(anchor, run, start, anchor.headline.own_in)
        p05, p50, p95 = (float(q) for q in np.quantile(mine, [0.05, 0.5, 0.95]))
        results.append(AnchorResult(anchor, value, removed, workers, p05, p50, p95))
    ran = {"own_start": start.isoformat(), "own_days": run.days, "own_until": until.isoformat()}
    return EconomyComparison(spec, tuple(results), dict(config or {}) | ran)
