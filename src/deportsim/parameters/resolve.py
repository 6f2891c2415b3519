"""Turn parameters plus a scenario's overrides into day-by-day values for one run.

An :class:`Override` replaces a parameter's value (optionally for one region) from a start date
until an end date (exclusive); later overrides win over earlier ones. :class:`Resolved` builds the
daily arrays the model reads, in the unit the model asks for, and records every value it used.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim.core.errors import Location, UserError, shown
from deportsim.core.strict_yaml import parse_scalar, refuse_anchor_text
from deportsim.core.units import UnitMismatchError, convert, get_unit
from deportsim.parameters.loader import Parameter, ParameterSet, check_value

__all__ = ["Override", "Resolved", "make_override", "parse_set"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Override:
    """A new value for a parameter (canonical units) over ``[start, until)``."""

    path: str
    region: str | None
    value: float | tuple[float, ...]
    start: dt.date | None
    until: dt.date | None
    origin: str  # where it came from, for the manifest ("scenario directive-2025", "--set")
    note: str | None = None  # why: the scenario's reasoning or source for this value
    location: Location | None = field(default=None, compare=False)  # for error messages
    #: The published record (:mod:`deportsim.model.record`): what happened, never drawn.
    exact: bool = False
    #: A fitted value's own 5-95% range (canonical units): drawn from it, not from the file's.
    spread: tuple[float, float] | None = None
    #: When its source was published, if not on ``start``: a forecast made before leaves it out
    #: (:mod:`deportsim.parameters.known`).
    known: dt.date | None = None
    #: A forecast's monthly random walk on a drawn value: the standard deviation of its log
    #: change from one 30-day month to the next (:mod:`deportsim.run.draws`).
    walk: float | None = None


def _as_number(raw: Any, where: Location) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise UserError(f"expected a number, got {raw!r}", where)
    return float(raw)


def make_override(
    params: ParameterSet,
    path_text: str,
    raw: Any,
    *,
    unit_text: str | None,
    start: dt.date | None,
    until: dt.date | None,
    where: Location,
    origin: str,
    where_of: Mapping[str, Location] | None = None,
    note: str | None = None,
    known: dt.date | None = None,
) -> Override:
    """Validate one override against the parameter set and convert it to canonical units.

    ``where`` locates the override (its ``path``); ``where_of`` may locate its ``value``,
    ``unit`` and ``until`` fields more precisely, so errors point at the offending line.
    """
    where = where.with_path(path_text)

    def at(name: str) -> Location:
        loc = (where_of or {}).get(name)
        return loc.with_path(path_text) if loc is not None else where

    param, region = params.lookup(path_text, where)
    factor = param.unit.factor
    if unit_text is not None:
        try:
            get_unit(unit_text)
            factor = convert(1.0, unit_text, param.unit.canonical)
        except UnitMismatchError as exc:
            raise UserError(
                f"unit mismatch: {exc} (parameter unit is {param.unit.name!r})", at("unit")
            ) from None
    if start is not None and until is not None and until <= start:
        raise UserError(f"`until` {until} is not after `from` {start}", at("until"))

    def one(v: Any, w: Location) -> float:
        value = _as_number(v, w) * factor
        problem = check_value(param.spec, param.unit, value)
        if problem:
            raise UserError(problem, w)
        return value

    value: float | tuple[float, ...]
    if param.regional and region is None and isinstance(raw, dict):
        unknown = [r for r in raw if r not in params.regions]
        if unknown:
            raise UserError(f"unknown region {unknown[0]!r}", at("value"))
        if set(raw) != set(params.regions):
            raise UserError(
                "give every region, or set one region with PATH.REGION; "
                f"regions are {', '.join(params.regions)}",
                at("value"),
            )
        value = tuple(
            one(raw[r], at("value").with_path(f"{path_text}.{r}")) for r in params.regions
        )
    else:
        value = one(raw, at("value"))
    return Override(param.path, region, value, start, until, origin, note, where, known=known)


def _number_or_yaml(text: str, where: Location) -> Any:
    """Read a command-line value: plain numbers in any Python notation, else YAML scalar rules."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return parse_scalar(text, where)


_WITH_UNIT = re.compile(r"^\s*([-+]?[0-9][0-9_,]*\.?[0-9]*(?:[eE][-+]?[0-9]+)?)\s+(\S.*)$")


def parse_set(params: ParameterSet, text: str) -> Override:
    """Parse a command-line ``PATH=VALUE`` or ``PATH=VALUE UNIT`` for the whole run.

    The value is never expanded: YAML anchors and aliases are refused before it is parsed, and
    numbers must fit a float (``1e400`` or a 400-digit number is refused, as are inf and nan).
    """
    where = Location("--set")
    path, sep, value_text = text.partition("=")
    path = path.strip()
    if not sep or not path or not value_text.strip():
        raise UserError(f"expected PATH=VALUE, got {shown(text)}", where)
    at_path = where.with_path(path)
    refuse_anchor_text(value_text, at_path)
    unit: str | None = None
    value: Any
    match = _WITH_UNIT.match(value_text)
    if value_text.strip().startswith("{"):  # a value per region: {LA: 3, NY: 3, ...}
        value = parse_scalar(value_text.strip(), at_path)
    elif match:
        value = float(match.group(1).replace(",", "").replace("_", ""))
        unit = match.group(2).strip()
    else:
        value = _number_or_yaml(value_text.strip().replace(",", "").replace("_", ""), at_path)
    for number in value.values() if isinstance(value, dict) else (value,):
        _check_finite(number, at_path)
    return make_override(
        params, path, value, unit_text=unit, start=None, until=None, where=where, origin="--set"
    )


def _check_finite(value: Any, where: Location) -> None:
    """Refuse a number a float cannot hold (too large) or that is no number (inf, nan)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return  # not a number: make_override says so
    try:
        finite = math.isfinite(value)  # a huge int raises OverflowError
    except OverflowError:
        finite = False
    if not finite:
        raise UserError(
            f"expected a finite number no larger than about 1.8e308, got {shown(value)}", where
        )


class Resolved:
    """Parameter values for one run, as daily arrays, after all overrides.

    ``daily(path, unit)`` returns shape ``(days,)`` or, for regional parameters,
    ``(days, regions)``, in ``unit`` (which must measure the same thing as the parameter's).
    """

    def __init__(
        self, params: ParameterSet, start: dt.date, days: int, overrides: tuple[Override, ...]
    ) -> None:
        self.params = params
        self.start = start
        self.days = days
        self.overrides = overrides
        self._cache: dict[str, FloatArray] = {}
        # the days before the run where they were replaced (canonical), and the factor a draw
        # applies to a parameter's days before the run (:meth:`history`)
        self._before: dict[str, FloatArray] = {}
        self._scale: dict[str, float] = {}

    @property
    def regions(self) -> tuple[str, ...]:
        """Region codes, in the order of the regional axis."""
        return self.params.regions

    def dates(self) -> list[dt.date]:
        """The calendar date of every simulated day."""
        return [self.start + dt.timedelta(days=d) for d in range(self.days)]

    def _day(self, when: dt.date | None, default: int) -> int:
        if when is None:
            return default
        return min(max((when - self.start).days, 0), self.days)

    def window(self, start: dt.date | None, until: dt.date | None) -> slice:
        """The run's days from ``start`` to the day before ``until``, clipped to the run.

        None for ``start`` is the run's first day, for ``until`` the day after its last.
        """
        return slice(self._day(start, 0), self._day(until, self.days))

    def _canonical(self, param: Parameter) -> FloatArray:
        if param.path in self._cache:
            return self._cache[param.path]
        n = len(self.params.regions)
        arr = np.empty((self.days, n) if param.regional else (self.days,), dtype=np.float64)
        # the earliest value holds for any day before it (see docs/reference/parameters.md)
        arr[...] = np.asarray(param.steps[0][1], dtype=np.float64)
        for when, value in param.steps[1:]:
            arr[self._day(when, 0) :] = np.asarray(value, dtype=np.float64)
        for ov in self.overrides:
            if ov.path != param.path:
                continue
            days = self.window(ov.start, ov.until)
            if ov.region is None:
                arr[days] = np.asarray(ov.value, dtype=np.float64)
            else:
                arr[days, self.params.regions.index(ov.region)] = ov.value
        arr.setflags(write=False)
        self._cache[param.path] = arr
        return arr

    def canonical(self, path: str) -> FloatArray:
        """Daily values of ``path`` in its canonical unit, after all overrides (read-only)."""
        return self._canonical(self.params[path])

    def replaced(
        self,
        arrays: Mapping[str, FloatArray],
        *,
        before: Mapping[str, FloatArray] | None = None,
        scale: Mapping[str, float] | None = None,
    ) -> Resolved:
        """The same run with the daily arrays (canonical units) of some parameters replaced.

        Used for a replicate's drawn parameters (:mod:`deportsim.run.draws`, which gives each
        drawn parameter's factor as ``scale``: it applies to the days before the run too) and for
        the requirements' levels (which may give the days before the run, ``before``, canonical,
        as :meth:`history` would); the arrays must have the shape :meth:`canonical` gives. Other
        parameters share this run's.
        """
        other = Resolved(self.params, self.start, self.days, self.overrides)
        other._cache = dict(self._cache)
        other._before = dict(self._before)
        other._scale = dict(self._scale)
        for path, arr in arrays.items():
            fixed = np.array(arr, dtype=np.float64)
            fixed.setflags(write=False)
            other._cache[path] = fixed
        for path, arr in (before or {}).items():
            other._before[path] = np.array(arr, dtype=np.float64)
        for path, f in (scale or {}).items():
            other._scale[path] = other._scale.get(path, 1.0) * f
        return other

    def daily(self, path: str, unit: str) -> FloatArray:
        """Daily values of ``path`` converted to ``unit`` (a parameter that ``applies`` daily)."""
        if self.params[path].spec.applies != "daily":
            raise ValueError(f"{path} applies at the start of a run only: read it with first()")
        return self._converted(path, unit)

    def _converted(self, path: str, unit: str) -> FloatArray:
        param = self.params[path]
        try:
            scale = convert(1.0, param.unit.canonical, unit)
        except UnitMismatchError as exc:
            raise UnitMismatchError(f"{path}: {exc}") from None
        arr = self._canonical(param)
        return arr if scale == 1.0 else np.multiply(arr, scale, dtype=np.float64)

    def history(self, path: str, unit: str, before: int) -> FloatArray:
        """Daily values of ``path`` in ``unit`` from ``before`` days before the run to its end.

        Shape ``(before + days,)`` (a parameter that is not regional and applies daily): the days
        before the run from the parameter's file and this run's overrides (or as
        :meth:`replaced` gave them), times a replicate's draw of the parameter, then the run's
        own days as :meth:`daily` gives them.
        """
        own = self.daily(path, unit)
        if before <= 0:
            return own
        given = self._before.get(path)
        if given is not None and given.size == before:
            earlier = given * convert(1.0, self.params[path].unit.canonical, unit)
        else:
            earlier = Resolved(self.params, self.start - dt.timedelta(days=before), before,
                               self.overrides).daily(path, unit)  # fmt: skip
        return np.concatenate([earlier * self._scale.get(path, 1.0), own])

    def first(self, path: str, unit: str) -> FloatArray:
        """First-day value of a parameter that ``applies: start``; shape () or (regions,)."""
        if self.params[path].spec.applies != "start":
            raise ValueError(f"{path} applies daily: read it with daily()")
        return np.asarray(self._converted(path, unit)[0], dtype=np.float64)

    def used(self) -> dict[str, dict[str, Any]]:
        """Every parameter's values over the run, as change points, for the manifest."""
        out: dict[str, dict[str, Any]] = {}
        for path, param in sorted(self.params.parameters.items()):
            arr = self._canonical(param)
            flat = arr.reshape(self.days, -1)
            change = np.flatnonzero(np.any(np.diff(flat, axis=0) != 0, axis=1)) + 1
            idx = [0, *change.tolist()]
            steps = []
            for i in idx:
                row = flat[i].tolist()
                value: Any = dict(zip(self.regions, row, strict=True)) if param.regional else row[0]
                steps.append(
                    {"from": (self.start + dt.timedelta(days=i)).isoformat(), "value": value}
                )
            out[path] = {"unit": param.unit.canonical, "steps": steps}
        return out
