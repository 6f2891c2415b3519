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
from deportsim.model.stages.arrests import headcount
from deportsim.model.stages.base import HISTORY_DAYS
from deportsim.parameters import Override, ParameterSet, Resolved, make_override

__all__ = [
    "LEVERS",
    "Lever",
    "Plan",
    "Year",
    "apply",
    "apply_resolved",
    "changes_from",
    "level",
    "overrides",
    "plan_key",
    "years_of",
    "years_on_record",
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


def years_on_record(recorded: F, years: list[Year]) -> set[int]:
    """The years spent mostly (half their days or more) on the published record.

    ``recorded`` is ``arrests.as_recorded`` by day: such a year is what happened, so no target
    is asked of it (:mod:`deportsim.model.record`).
    """
    return {y.number for y in years if float(np.mean(recorded[y.window])) >= 0.5}


def plan_key(plan: Plan) -> tuple[tuple[int, tuple[tuple[str, float], ...]], ...]:
    """A hashable form of a plan (its years without levels left out), to remember runs by."""
    return tuple(sorted((k, tuple(sorted(v.items()))) for k, v in plan.items() if v))


#: The lever the published record fixes on its days (arrests are what happened).
RECORDED_LEVER = "arrests.target_per_day"
#: The lever whose new levels are in place before their year: officers are hired their ramp-up
#: ahead (``arrests.new_officer_ramp_days``), so that they arrest at a veteran's rate from the
#: year's first day. Its series include the :data:`HISTORY_DAYS` days before the run.
AHEAD_LEVER = "arrests.officers"


def _window(lever: Lever, year: Year, days: int, ahead: int) -> slice:
    """The days of the (extended, for :data:`AHEAD_LEVER`) series a year's level covers."""
    if lever.path != AHEAD_LEVER:
        return slice(year.first, min(year.end, days))
    return slice(max(HISTORY_DAYS + year.first - ahead, 0), HISTORY_DAYS + min(year.end, days))


def _raised(
    plan: Plan,
    years: list[Year],
    days: int,
    series: Callable[[Lever], F],
    unit: Callable[[Lever, float], float] = lambda _lever, value: value,
    *,
    recorded: NDArray[np.bool_] | None = None,
    ahead: int = 0,
) -> dict[Lever, F]:
    """Each lever the plan sets in the first ``days`` days: ``series(lever)`` raised to it.

    ``unit(lever, level)`` turns a plan's level into the series' unit. On the days of the
    published record (``recorded``) the arrest target is what happened and is not raised. The
    series of :data:`AHEAD_LEVER` starts :data:`HISTORY_DAYS` before the run, and its level is
    raised from ``ahead`` days before its year.
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
            w = _window(lever, year, days, ahead)
            raised = np.maximum(arr[w], unit(lever, value))
            if recorded is not None and lever.path == RECORDED_LEVER:
                raised = np.where(recorded[w], arr[w], raised)
            arr[w] = raised
    return changed


def _ahead(ramp: float) -> int:
    return min(math.ceil(ramp), HISTORY_DAYS)


def changes_from(year: Year, x: Inputs) -> int:
    """The first day a plan's levels for ``year`` change in :func:`apply`'s inputs ``x``.

    The year's first day, less the officers' ramp-up (they are raised ahead of the year); 0 at
    the least.
    """
    return max(year.first - _ahead(x.officer_ramp), 0)


def apply(x: Inputs, plan: Plan, years: list[Year]) -> Inputs:
    """The inputs ``x`` with the plan's levels: each day, the higher of the plan's and ``x``'s.

    ``x`` may be shorter than the run (a search stops at the end of the year it looks at);
    years beyond its days are ignored. Officers are raised from their ramp-up before the year
    (:data:`AHEAD_LEVER`), in the headcount's history too where that is before the run.
    """

    def series(lever: Lever) -> F:
        return headcount(x) if lever.path == AHEAD_LEVER else getattr(x, lever.field)

    changed = _raised(
        plan, years, x.days, series, recorded=x.as_recorded > 0, ahead=_ahead(x.officer_ramp)
    )
    fields: dict[str, Any] = {}
    for lever, arr in changed.items():
        if lever.path == AHEAD_LEVER:
            fields["officers"] = arr[HISTORY_DAYS:]
            fields["officers_history"] = arr
        else:
            fields[lever.field] = arr
    return dataclasses.replace(x, **fields) if changed else x


def apply_resolved(resolved: Resolved, plan: Plan, years: list[Year]) -> Resolved:
    """The parameters ``resolved`` with the plan's levels, as :func:`apply` sets them in inputs.

    What a run of the requirements' scenario file sees: the parameter files' series, each lever
    raised to the plan's level in the plan's years. A replicate's parameter draws scale these
    series (:class:`deportsim.run.draws.ParameterDraws`) but for the days a plan sets a lever,
    which keep its level (policy levers are exact).
    """

    def series(lever: Lever) -> F:
        if lever.path == AHEAD_LEVER:
            unit = resolved.params[lever.path].unit.canonical
            return resolved.history(lever.path, unit, HISTORY_DAYS)
        return resolved.canonical(lever.path)

    ramp = float(resolved.first("arrests.new_officer_ramp_days", "days"))
    changed = _raised(
        plan, years, resolved.days, series,
        lambda lever, v: convert(v, lever.unit, resolved.params[lever.path].unit.canonical),
        recorded=resolved.canonical("arrests.as_recorded") > 0, ahead=_ahead(ramp),
    )  # fmt: skip
    if not changed:
        return resolved
    arrays = {k.path: v[HISTORY_DAYS:] if k.path == AHEAD_LEVER else v for k, v in changed.items()}
    before = {k.path: v[:HISTORY_DAYS] for k, v in changed.items() if k.path == AHEAD_LEVER}
    return resolved.replaced(arrays, before=before)


def level(x: Inputs, name: str, year: Year) -> float:
    """The highest daily level of a lever in ``x`` over a year."""
    return float(np.max(getattr(x, LEVERS[name].field)[year.window]))


def overrides(
    params: ParameterSet, base: Inputs, plan: Plan, years: list[Year], note: str
) -> list[Override]:
    """The dated overrides that turn ``base`` (the scenario's own inputs) into ``apply(plan)``.

    One override per lever and run of consecutive days on which :func:`apply` gives it one level
    above the scenario's (``from`` its first day, ``until`` the day after its last); officers'
    runs may start before the run (hired their ramp-up ahead of their year).
    """

    def series(lever: Lever) -> F:
        return headcount(base) if lever.path == AHEAD_LEVER else getattr(base, lever.field)

    changed = _raised(
        plan, years, base.days, series, recorded=base.as_recorded > 0,
        ahead=_ahead(base.officer_ramp),
    )  # fmt: skip
    day0 = years[0].start - dt.timedelta(days=years[0].first) if years else None
    out: list[Override] = []
    for lever in sorted(changed, key=lambda lv: lv.path):
        arr, own = changed[lever], series(lever)
        offset = HISTORY_DAYS if lever.path == AHEAD_LEVER else 0
        i = 0
        while i < arr.size:
            if arr[i] == own[i]:
                i += 1
                continue
            j = i
            while j < arr.size and arr[j] != own[j] and arr[j] == arr[i]:
                j += 1
            assert day0 is not None  # noqa: S101 - a raised lever has a year
            out.append(
                make_override(
                    params, lever.path, float(arr[i]), unit_text=lever.unit,
                    start=day0 + dt.timedelta(days=i - offset),
                    until=day0 + dt.timedelta(days=j - offset),
                    where=Location("requirements"), origin="requirements", note=note,
                )
            )  # fmt: skip
            i = j
    return out
