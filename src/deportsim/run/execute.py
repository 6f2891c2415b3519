"""Execute a prepared run: the model over every replicate, and the run's summary."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim._version import __version__
from deportsim.engine import Streams
from deportsim.model import SimResult, simulate
from deportsim.model.accounts import factors
from deportsim.run.economy import YEARLY, yearly_stats, yearly_values, years_of
from deportsim.run.prepare import Prepared
from deportsim.run.results import (
    METRICS,
    REGIONAL_METRICS,
    metric_stats,
    metric_values,
    regional_stats,
    regional_values,
    summarise,
    summarise_regions,
)

__all__ = ["BatchSeries", "RunOutput", "daily_factors", "execute"]

F = NDArray[np.float64]
#: ``(r0, national, regional, factors)``: a batch's series and daily factors (replicates ``r0 ..``)
BatchSeries = Callable[[int, dict[str, F], dict[str, F], dict[str, F]], None]


@dataclass(frozen=True)
class RunOutput:
    """A finished run: daily series, the summary and the manifest (as written to disk)."""

    prepared: Prepared
    sim: SimResult
    summary: dict[str, Any]
    streams: tuple[str, ...] = ()  # names of the random streams the run drew from
    manifest: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None  # its id in the catalog (deportsim runs), when recorded
    folder: Path | None = None  # where its files were written, when they were


def execute(
    prep: Prepared,
    on_day: Callable[[int], None] | None = None,
    on_batch: Callable[[int, dict[str, F], dict[str, F]], None] | None = None,
    *,
    on_series: BatchSeries | None = None,
) -> RunOutput:
    """Run the model for a prepared run and summarise it.

    ``on_day`` reports progress; ``on_batch`` receives each batch of replicates' series as it
    ends (:func:`deportsim.model.pipeline.simulate`). With ``on_series``, the run keeps no series:
    each batch's series and daily factors go to ``on_series`` (and ``on_batch``), the summary is
    made batch by batch (:class:`_BatchSummary`, the same numbers), and the result's ``sim`` has
    the flows but no series: memory does not grow with the replicates.
    """
    cfg = prep.config
    streams = Streams(cfg.seed)
    draws = prep.draws
    lean = None if on_series is None else _BatchSummary(prep, on_series, on_batch)
    sim = simulate(
        prep.inputs, cfg.replicates, streams, on_day=on_day,
        on_batch=on_batch if lean is None else lean.add,
        inputs_for=draws.inputs if draws is not None else None, skip=prep.bridge,
        keep=lean is None, on_factors=None if lean is None else lean.factors,
        mean_field=cfg.mean_field,
    )  # fmt: skip
    sources = [] if cfg.mean_field else ["process noise"]
    sources += ["parameter uncertainty"] if draws is not None else []
    summary = {
        "scenario": prep.scenario.name,
        "model_version": __version__,
        "seed": cfg.seed,
        "replicates": cfg.replicates,
        "start": prep.start.isoformat(),
        "days": prep.days,
        "scenario_hash": prep.scenario.content_hash,
        "sets": list(cfg.sets),
        "intervals": {"quantiles": [0.05, 0.5, 0.95], "include": sources},
        # a mean-field preview: expected values, one path, no interval (RunConfig.mean_field)
        **({"mean_field": True} if cfg.mean_field else {}),
        "metrics": summarise(sim) if lean is None else metric_stats(lean.values),
        # the same statistics by region of arrest, for the metrics the model keeps by region
        "regions": (
            summarise_regions(sim)
            if lean is None
            else regional_stats(lean.regional, prep.inputs.regions)
        ),
        # the economy's metrics for each calendar year the run covers
        "years": yearly_stats(
            yearly_values(sim, prep.start) if lean is None else lean.years, prep.start, prep.days
        ),
    }
    names = streams.names + (draws.streams if draws is not None else ())
    return RunOutput(prep, sim, summary, names)


def daily_factors(prep: Prepared) -> Callable[[int, int], dict[str, F]]:
    """``(r0, r1) ->`` the daily factors of replicates ``r0 .. r1 - 1``, after the bridge's days.

    With drawn parameters each replicate's own, (replicates, days); otherwise the run's, (days,)
    (:func:`deportsim.model.accounts.factors`), computed once.
    """
    skip, draws = prep.bridge, prep.draws
    if draws is not None:
        return lambda r0, r1: {n: v[:, skip:] for n, v in draws.series_factors(r0, r1).items()}
    fixed = {name: values[skip:] for name, values in factors(prep.inputs).items()}
    return lambda _r0, _r1: fixed


class _BatchSummary:
    """The summary's metrics made batch by batch, as each batch of replicates ends.

    Every metric of a replicate depends on that replicate's series alone
    (:func:`~deportsim.run.results.metric_values`), so its values, computed batch by batch and
    put in their rows, are the very ones the whole run's series give. Batches may end in any
    order and on any thread: each writes its own rows.
    """

    def __init__(
        self,
        prep: Prepared,
        on_series: BatchSeries,
        on_batch: Callable[[int, dict[str, F], dict[str, F]], None] | None,
    ) -> None:
        replicates, regions = prep.config.replicates, len(prep.inputs.regions)
        self.prep, self.on_series, self.on_batch = prep, on_series, on_batch
        self.daily = daily_factors(prep)
        self.values = {name: np.empty(replicates) for name in METRICS}
        self.regional = {name: np.empty((replicates, regions)) for name in REGIONAL_METRICS}
        self.years = {
            year: {name: np.empty(replicates) for name in YEARLY}
            for year in years_of(prep.start, prep.days)
        }
        self.given: dict[int, dict[str, F]] = {}  # drawn parameters: each batch's own factors
        self.lock = threading.Lock()

    def factors(self, r0: int, daily: dict[str, F]) -> None:
        """The daily factors of the batch from ``r0``, from the inputs it ran on."""
        with self.lock:
            self.given[r0] = daily

    def add(self, r0: int, national: dict[str, F], regional: dict[str, F]) -> None:
        """A batch's series (replicates ``r0 ..``): its rows of every metric, then on."""
        rows = len(next(iter(national.values())))
        with self.lock:
            given = self.given.pop(r0, None)
        daily = given if given is not None else self.daily(r0, r0 + rows)
        x = self.prep.inputs
        part = SimResult(national, regional, x.regions, self.prep.days, rows, {}, daily)
        for name, values in metric_values(part).items():
            self.values[name][r0 : r0 + rows] = values
        for name, values in regional_values(part).items():
            self.regional[name][r0 : r0 + rows] = values
        for year, by_name in yearly_values(part, self.prep.start).items():
            for name, values in by_name.items():
                self.years[year][name][r0 : r0 + rows] = values
        self.on_series(r0, national, regional, daily)
        if self.on_batch is not None:
            self.on_batch(r0, national, regional)
