"""The model's forecast from the state observed on a date, using only what was known then.

Steps:

1. the data vintage on the as-of date (:mod:`deportsim.official.vintage`, rule ``published`` by
   default): ICE's monthly series as printed in the workbooks dated by then;
2. the origin is the last complete month of detained ADP known then; the run starts on the first
   day of the next month, with the people detained on that day set to the origin month's average
   daily population by arresting agency (``detention.initial_detained_ice`` and ``_cbp``, as
   whole-run ``--set`` values: exact, not drawn);
3. the scenario runs ``months`` whole months with its replicates, each drawing the uncertain
   parameters (process noise and parameter uncertainty);
4. each replicate's days are summed by month (book-ins, book-outs, removals from detention) or
   averaged (people detained), and the 5th, 25th, 50th, 75th and 95th percentiles over the
   replicates form the forecast of each month.

``observed`` is the month's value in the same vintage, so it is known only for months that had
ended by the as-of date: the forecast reads nothing published later. Scoring against what
happened afterwards is the rolling-origin evaluation's job (:mod:`.evaluate`).

What the run may use is cut at the as-of date too (:mod:`deportsim.parameters.known`): a
parameter file's value measured on a year not yet ended then, and a scenario's measurement
(officers hired, beds contracted) published later, are left out and listed under ``left_out``;
rates the record measures take their last months' values instead (:meth:`.Record.remeasured`).
The scenario's policies (its targets, focus and dates) are its conditions and are kept: a
forecast is conditional on them. The stays are calibrated on FY2019-FY2024, published by October
2024.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.forecasts.scores import QuantileForecast
from deportsim.core.errors import Location, UserError
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.official.vintage import (
    SERIES,
    MonthlySeries,
    Reader,
    Rule,
    Vintage,
    add_months,
    month_end,
    vintage,
)
from deportsim.run import RunConfig, execute, prepare

__all__ = ["MODEL_SERIES", "STATE", "Forecast", "forecast", "model_method"]

#: The observed state a forecast starts from: parameter -> (table, arresting agency, category).
STATE: dict[str, tuple[str, str, str]] = {
    "detention.initial_detained_ice": ("adp", "ICE", "all"),
    "detention.initial_detained_cbp": ("adp", "CBP", "all"),
}
#: Each forecast series from the model's daily national series, and how a month is made of days.
MODEL_SERIES: dict[str, tuple[str, str]] = {
    "detained_adp": ("detained", "mean"),
    "book_ins_ice": ("book_ins_ice", "sum"),
    "book_ins_cbp": ("book_ins_cbp", "sum"),
    "removals": ("book_outs_removal", "sum"),
    "book_outs": ("book_outs", "sum"),
}
_CLI = Location("<command line>")
_QUANTILES = ("p05", "p25", "p50", "p75", "p95")


@dataclass(frozen=True)
class Forecast:
    """A forecast: its vintage, where it started, and each series' monthly quantiles."""

    scenario: str
    as_of: dt.date
    origin: str  # the last month known, whose state the run starts from
    start: dt.date
    state: dict[str, float]  # the observed values set as the starting state, by parameter
    series: dict[str, QuantileForecast]
    observed: dict[str, tuple[float | None, ...]]
    data: Vintage
    replicates: int
    seed: int
    #: The dated values and measured overrides not yet published on the as-of date, left out.
    left_out: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """forecast.json (shape in the interface contract)."""
        return {
            "as_of": self.as_of.isoformat(),
            "scenario": self.scenario,
            "origin": self.origin,
            "start": self.start.isoformat(),
            "starting_state": self.state,
            "replicates": self.replicates,
            "seed": self.seed,
            "data_vintage": self.data.to_json(),
            "left_out": list(self.left_out),
            "series": {
                name: [
                    {"month": m, **{q: round(float(getattr(fc, q)[i]), 2) for q in _QUANTILES},
                     "observed": self.observed[name][i]}
                    for i, m in enumerate(fc.months)
                ]
                for name, fc in self.series.items()
            },
        }  # fmt: skip


def _months_from(start: dt.date, months: int) -> list[str]:
    first = f"{start.year:04d}-{start.month:02d}"
    return [add_months(first, i) for i in range(months)]


def _monthly(
    daily: NDArray[np.float64], start: dt.date, months: list[str], how: str
) -> NDArray[np.float64]:
    """(replicates, days) -> (replicates, months): each month's sum or mean of its days."""
    out = np.empty((daily.shape[0], len(months)))
    first = 0
    for j, m in enumerate(months):
        last = (month_end(m) - start).days + 1
        block = daily[:, first:last]
        out[:, j] = block.mean(axis=1) if how == "mean" else block.sum(axis=1)
        first = last
    return out


def forecast(
    scenario: str,
    as_of: dt.date,
    months: int = 6,
    *,
    replicates: int = 100,
    seed: int = 0,
    rule: Rule = "published",
    read: Reader | None = None,
    series: Mapping[str, tuple[str, str]] = MODEL_SERIES,
) -> Forecast:
    """The model's forecast of ``months`` months from the state known on ``as_of`` (steps above).

    UserError (naming ``--as-of`` or ``--months``) when nothing was known on that date or the
    number of months is not 1 to 60.
    """
    if not 1 <= months <= 60:
        raise UserError("months must be between 1 and 60", _CLI.with_path("--months"))
    known = vintage(as_of, read, rule, names={**SERIES, **STATE})  # one read of the data
    origin = known.series["detained_adp"].last_month
    values = {p: known.series[p].value(origin) if origin else None for p in STATE}
    if origin is None or any(v is None for v in values.values()):
        raise UserError(
            f"no complete month of ICE's detention statistics was published by {as_of}",
            _CLI.with_path("--as-of"),
        )
    state = {p: float(v) for p, v in values.items() if v is not None}
    start = month_end(origin) + dt.timedelta(days=1)
    labels = _months_from(start, months)
    days = (month_end(labels[-1]) - start).days + 1
    cfg = RunConfig(
        scenario=scenario, replicates=replicates, seed=seed, years=days / DAYS_PER_YEAR,
        start=start, sets=tuple(f"{p}={v:.6f}" for p, v in state.items()),
        parameter_uncertainty=True, as_of=as_of, vintage_rule=rule, read=read,
    )  # fmt: skip
    result = execute(prepare(cfg))
    national = result.sim.national
    out: dict[str, QuantileForecast] = {}
    observed: dict[str, tuple[float | None, ...]] = {}
    for name, (source, how) in series.items():
        monthly = _monthly(np.asarray(national[source], dtype=np.float64), start, labels, how)
        q = np.percentile(monthly, [5.0, 25.0, 50.0, 75.0, 95.0], axis=0)
        out[name] = QuantileForecast(labels, p05=q[0], p25=q[1], p50=q[2], p75=q[3], p95=q[4])
        observed[name] = tuple(known.series[name].value(m) for m in labels)
    return Forecast(
        result.prepared.scenario.name, as_of, origin, start, state, out, observed, known,
        replicates, seed, tuple(x.describe() for x in result.prepared.left_out),
    )  # fmt: skip


def model_method(
    scenario: str, *, replicates: int = 50, seed: int = 0, rule: Rule = "cut"
) -> Callable[[MonthlySeries, int], QuantileForecast]:
    """The model as a method of the rolling-origin evaluation (:func:`.evaluate.evaluate`).

    From an origin month, the forecast made on its last day (:func:`forecast`, ``rule`` as the
    evaluation's), once per origin for all series. A series whose last month known is not the
    origin of detention's (a month missing) cannot be forecast from there (ValueError).
    """
    made: dict[str, Forecast] = {}

    def method(known: MonthlySeries, horizons: int) -> QuantileForecast:
        origin = known.last_month
        if origin is None:
            raise ValueError("no month known")
        if origin not in made:
            try:
                made[origin] = forecast(
                    scenario, month_end(origin), horizons, replicates=replicates, seed=seed,
                    rule=rule,
                )  # fmt: skip
            except UserError as exc:
                raise ValueError(exc.one_line()) from None
        done = made[origin]
        if done.origin != origin or known.name not in done.series:
            raise ValueError(f"the model starts from {done.origin}, not {origin}")
        return done.series[known.name]

    return method
