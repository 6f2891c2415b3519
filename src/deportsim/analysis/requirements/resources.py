"""The resource levers of a requirements search, set year by year on top of a scenario.

A *year* is a window of simulated days: year 1 is the first 365.25 days from the run's start,
year 2 the next 365.25, and so on, each rounded to whole days (:func:`years_of`); a run whose
length is not a whole number of years ends with a shorter year.

A *plan* gives, for some years, a level for some levers (:data:`LEVERS`). On each day of a year
the resource is the higher of the plan's level and the scenario's own (:func:`apply`): a plan
never lowers a resource. :func:`overrides` writes a plan as the dated parameter overrides that give
exactly those daily values, so a run of the scenario with them reproduces the search's inputs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim.core.errors import Location
from deportsim.core.units import DAYS_PER_YEAR, convert
from deportsim.model import Inputs
from deportsim.parameters import Override, ParameterSet, Resolved, make_override

__all__ = [
    "LEVERS",
    "Lever",
    "Plan",
    "Year",
    "apply",
    "apply_resolved",
    "level",
    "overrides",
    "plan_key",
    "years_of",
]

F = NDArray[np.float64]

#: A plan: year number (1-based) -> lever name -> level (in the lever's unit).
Plan = dict[int, dict[str, float]]


@dataclass(frozen=True)
class Lever:
    """A resource a plan sets: its parameter, the Inputs field it becomes, unit and rounding."""

    path: str
    field: str  # attribute of deportsim.model.Inputs (a daily array)
    unit: str
    step: float  # levels are rounded up to a multiple of this
    label: str

    def round_up(self, value: float) -> float:
        """``value`` rounded up to a multiple of :attr:`step` (never below 0)."""
        return float(max(math.ceil(value / self.step - 1e-9) * self.step, 0.0))


#: The levers, by name. The arrest target is a policy lever: officers make no more arrests than
#: the target asks of them (docs/model.md, "Arrests"), so both are raised together.
LEVERS: dict[str, Lever] = {
    "arrest_target": Lever(
        "arrests.target_per_day", "target", "persons/day", 10.0, "arrest target a day"
    ),
    "officers": Lever("arrests.officers", "officers", "officers", 10.0, "deportation officers"),
    "beds": Lever("detention.bed_capacity", "beds", "beds", 100.0, "detention beds"),
    "judges": Lever("courts.judges", "judges", "judges", 1.0, "immigration judges"),
    "seats_per_day": Lever(
        "removal.transport_capacity", "transport", "persons/day", 10.0, "removal seats a day"
    ),
}


@dataclass(frozen=True)
class Year:
    """One year of a run: days ``first`` to ``end`` (exclusive) from the start."""

    number: int  # 1-based
    first: int
    end: int
    start: dt.date  # date of day ``first``
    until: dt.date  # date of day ``end`` (exclusive)

    @property
    def days(self) -> int:
        """Number of days in the year (365 or 366, or fewer for a last, partial year)."""
        return self.end - self.first

    @property
    def window(self) -> slice:
        """The year's days as a slice of a daily series."""
        return slice(self.first, self.end)


def years_of(start: dt.date, days: int) -> list[Year]:
    """The years of a run of ``days`` days from ``start`` (boundaries at k × 365.25, rounded)."""
    bounds = [0]
    while bounds[-1] < days:
        bounds.append(min(math.floor(len(bounds) * DAYS_PER_YEAR + 0.5), days))
    return [
        Year(i + 1, a, b, start + dt.timedelta(days=a), start + dt.timedelta(days=b))
        for i, (a, b) in enumerate(itertools.pairwise(bounds))
    ]


def plan_key(plan: Plan) -> tuple[tuple[int, tuple[tuple[str, float], ...]], ...]:
    """A hashable form of a plan (its years without levels left out), to remember runs by."""
    return tuple(sorted((k, tuple(sorted(v.items()))) for k, v in plan.items() if v))


def _raised(
    plan: Plan,
    years: list[Year],
    days: int,
    series: Callable[[Lever], F],
    unit: Callable[[Lever, float], float] = lambda _lever, value: value,
) -> dict[Lever, F]:
    """Each lever the plan sets in the first ``days`` days: ``series(lever)`` raised to it.

    ``unit(lever, level)`` turns a plan's level into the series' unit.
    """
    changed: dict[Lever, F] = {}
    for year in years:
        levels = plan.get(year.number, {})
        if year.first >= days or not levels:
            continue
        for name, value in levels.items():
            lever = LEVERS[name]
            arr = changed.get(lever)
            if arr is None:
                arr = changed[lever] = np.array(series(lever), dtype=np.float64)
            w = slice(year.first, min(year.end, days))
            arr[w] = np.maximum(arr[w], unit(lever, value))
    return changed


def apply(x: Inputs, plan: Plan, years: list[Year]) -> Inputs:
    """The inputs ``x`` with the plan's levels: each day, the higher of the plan's and ``x``'s.

    ``x`` may be shorter than the run (a search stops at the end of the year it looks at);
    years beyond its days are ignored.
    """
    changed = _raised(plan, years, x.days, lambda lever: getattr(x, lever.field))
    fields: dict[str, Any] = {k.field: v for k, v in changed.items()}
    return dataclasses.replace(x, **fields) if changed else x


def apply_resolved(resolved: Resolved, plan: Plan, years: list[Year]) -> Resolved:
    """The parameters ``resolved`` with the plan's levels, as :func:`apply` sets them in inputs.

    What a run of the requirements' scenario file sees: the parameter files' series, each lever
    raised to the plan's level in the plan's years. A replicate's parameter draws scale these
    series (:class:`deportsim.run.draws.ParameterDraws`), the plan's levels included.
    """
    changed = _raised(
        plan, years, resolved.days, lambda lever: resolved.canonical(lever.path),
        lambda lever, v: convert(v, lever.unit, resolved.params[lever.path].unit.canonical),
    )  # fmt: skip
    return resolved.replaced({k.path: v for k, v in changed.items()}) if changed else resolved


def level(x: Inputs, name: str, year: Year) -> float:
    """The highest daily level of a lever in ``x`` over a year."""
    return float(np.max(getattr(x, LEVERS[name].field)[year.window]))


def overrides(
    params: ParameterSet, base: Inputs, plan: Plan, years: list[Year], note: str
) -> list[Override]:
    """The dated overrides that turn ``base`` (the scenario's own inputs) into ``apply(plan)``.

    One override per lever and run of consecutive days on which the plan's level is above the
    scenario's (``from`` its first day, ``until`` the day after its last).
    """
    out: list[Override] = []
    origin = Location("requirements")
    for year in years:
        for name, value in sorted(plan.get(year.number, {}).items()):
            lever = LEVERS[name]
            own = getattr(base, lever.field)[year.window]
            raised = np.concatenate([[False], own < value, [False]])
            edges = np.flatnonzero(np.diff(raised.astype(np.int8)))
            for a, b in zip(edges[::2], edges[1::2], strict=True):
                out.append(
                    make_override(
                        params,
                        lever.path,
                        value,
                        unit_text=lever.unit,
                        start=year.start + dt.timedelta(days=int(a)),
                        until=year.start + dt.timedelta(days=int(b)),
                        where=origin,
                        origin="requirements",
                        note=note,
                    )
                )
    return out
