"""A run from the latest data: the people at large on its first day, carried forward by the model.

ICE counts the people it holds month by month and the people in alternatives to detention (ATD)
at each workbook's date (:meth:`deportsim.model.record.Record.state`), but nobody publishes the
pools of people at large (final orders, convicted, recent entrants, pending court cases, the rest)
month by month: the parameter files give them for a date of their own (2023 or 2024), which is
the state of the default scenario's first day, 20 January 2025 (:data:`ORIGIN`).

A run that starts later from the latest data takes them as the model itself carries them forward
(:func:`carried`): the default scenario (``directive-2025``, which follows ICE's published
record: its book-ins as recorded, its beds at least the people held) from :data:`ORIGIN` to the
day before the run's first, in the mean-field mode (one deterministic path, every parameter at its
value), and its stocks on that day (:func:`deportsim.model.carry.carry_forward`):

- ``population.convicted``, ``population.final_orders``, ``population.recent_entrants``: the pools;
- ``courts.initial_backlog``: the pending pool, and the removal orders on appeal (their cases
  are not over; the run starts with nobody on appeal);
- ``population.unauthorized_total``: everyone at large (the pools, on ATD, on appeal) and the
  people ICE held on the first day;
- ``detention.atd_initial``: only where ICE published no count near the first day.

ASSUMPTION (docs/model.md, "The first day's state"): each carried value keeps its parameter's
range moved with it (the file's low and high times the carried value over the file's), drawn
triangular with the carried value as the mode; the regions keep the parameter files' shares.
A value the scenario or ``--set`` gives for the whole run is kept as given (not carried).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from deportsim.model import Inputs
from deportsim.model.carry import Stocks, carry_forward
from deportsim.model.record import Record, State
from deportsim.model.stages import read_inputs
from deportsim.parameters import Override, ParameterSet, Resolved
from deportsim.run.config import DEFAULT_SCENARIO, DEFAULT_START
from deportsim.scenarios import load_scenario

__all__ = ["CARRIED_ORIGIN", "ORIGIN", "Carried", "carried"]

#: The first day whose state the parameter files give: the default scenario's start.
ORIGIN = DEFAULT_START
#: The origin of a carried value, in the manifest.
CARRIED_ORIGIN = "carried forward"


@dataclass(frozen=True)
class Carried:
    """The first day's stocks carried forward from :data:`ORIGIN` by the default scenario."""

    origin: dt.date
    scenario: str
    stocks: Stocks
    overrides: tuple[Override, ...]

    def describe(self) -> dict[str, Any]:
        """The manifest's ``state.carried_forward``: how and what was carried."""
        values = {ov.path: round(float(np.asarray(ov.value)), 1) for ov in self.overrides}
        return {
            "from": self.origin.isoformat(),
            "scenario": self.scenario,
            "mode": "mean-field (expected values, parameters at their values)",
            "values": values,
            "model_held_on_the_day_before": round(self.stocks.held, 1),
        }


def carried(
    params: ParameterSet,
    record: Record,
    start: dt.date,
    state: State | None,
    *,
    given: set[str],
    check: Callable[[Resolved, Inputs], None],
) -> Carried | None:
    """The stocks of a run starting on ``start``, carried forward from :data:`ORIGIN`.

    ``record`` is the published record the carried run follows (as known on the run's as-of
    date), ``state`` the observed state of the run's first day (the people held, on ATD), and
    ``given`` the parameters the scenario or ``--set`` gives for the whole run (kept as given);
    ``check`` refuses inputs the network cannot be built from, naming the place at fault (as
    for the run itself). None for a start on or before :data:`ORIGIN` (the files' values are
    that day's).
    """
    days = (start - ORIGIN).days
    if days <= 0:
        return None
    scenario = load_scenario(DEFAULT_SCENARIO, params)
    own = scenario.overrides[: scenario.planned]
    fit = record.fit(params, own)
    before = Resolved(params, ORIGIN, days, own)
    steps = own + record.overrides(before, fit) + scenario.overrides[scenario.planned :]
    past = Resolved(params, ORIGIN, days, steps)
    x = read_inputs(past)
    check(past, x)
    stocks = carry_forward(x)
    observed = {ov.path: float(np.asarray(ov.value)) for ov in (state.overrides if state else ())}
    atd = observed.get("detention.atd_initial", stocks.atd)
    held = observed.get("detention.initial_detained_ice", stocks.held)
    values = {
        "population.convicted": stocks.pools["convicted"],
        "population.final_orders": stocks.pools["final_order"],
        "population.recent_entrants": stocks.pools["recent"],
        "courts.initial_backlog": stocks.pools["pending"] + stocks.appeal,
        "population.unauthorized_total": sum(stocks.pools.values()) + stocks.appeal + atd + held,
    }
    if "detention.atd_initial" not in observed:
        values["detention.atd_initial"] = stocks.atd
    files = Resolved(params, ORIGIN, 1, ())
    note = (f"carried forward by the model from {ORIGIN} (scenario {DEFAULT_SCENARIO}, "
            f"ICE's published record, mean-field) to {start}")  # fmt: skip
    out = []
    for path, value in values.items():
        if path in given:
            continue
        people = float(round(value))
        spread = _moved_range(params, path, float(files.canonical(path).ravel()[0]), people)
        out.append(Override(path, None, people, None, None, CARRIED_ORIGIN, note, spread=spread))
    return Carried(ORIGIN, DEFAULT_SCENARIO, stocks, tuple(out))


def _moved_range(
    params: ParameterSet, path: str, reference: float, value: float
) -> tuple[float, float] | None:
    """The parameter's range (canonical units) times ``value / reference``; None without one."""
    param = params[path]
    spec = param.spec.uncertainty
    if spec is None or reference <= 0:
        return None
    scale = reference if spec.relative else param.unit.factor
    k = value / reference
    return spec.low * scale * k, spec.high * scale * k
