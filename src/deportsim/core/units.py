"""Units of every quantity in the model, and the one place where they are converted.

Each parameter declares a unit from :data:`UNITS`. Values are converted to the unit's canonical
form when parameters are loaded (``persons/year`` → ``persons/day``, ``weeks`` → ``days``,
``USD/year`` → ``USD/day``, ``percent`` → ``probability``), so model code always sees canonical
units and asks for them by name (see :meth:`deportsim.parameters.Resolved.daily`). Asking for a
parameter in an incompatible unit is an error, not a silent conversion.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import Enum

__all__ = ["DAYS_PER_YEAR", "UNITS", "Kind", "Unit", "UnitMismatchError", "convert", "get_unit"]

#: Mean length of a calendar year in days (Gregorian), used for every per-year conversion so that a
#: 4-year run of 1,461 days is exactly 4 years.
DAYS_PER_YEAR = 365.25


class Kind(Enum):
    """What a unit measures; it decides which range checks apply."""

    COUNT = "count"  # persons, beds, officers, judges, cases: never negative
    DURATION = "duration"  # days: never negative
    RATE = "rate"  # something per day: never negative
    MONEY = "money"  # USD, or USD per something: never negative
    PROBABILITY = "probability"  # in [0, 1]
    RATIO = "ratio"  # a non-negative multiplier or weight


class UnitMismatchError(ValueError):
    """Raised when a value is given or requested in a unit of another dimension."""


@dataclass(frozen=True)
class Unit:
    """A unit as written in a parameter file, with its canonical form and conversion factor."""

    name: str
    canonical: str
    factor: float  # value in canonical unit = value × factor
    kind: Kind


def _family(canonical: str, kind: Kind, aliases: dict[str, float] | None = None) -> dict[str, Unit]:
    out = {canonical: Unit(canonical, canonical, 1.0, kind)}
    for name, factor in (aliases or {}).items():
        out[name] = Unit(name, canonical, factor, kind)
    return out


_Y = 1.0 / DAYS_PER_YEAR
_M = 12.0 / DAYS_PER_YEAR  # per month → per day, with a month of 365.25/12 days

#: Every unit a parameter or an override may use.
UNITS: dict[str, Unit] = {
    **_family("persons", Kind.COUNT, {"thousand persons": 1e3, "million persons": 1e6}),
    **_family("beds", Kind.COUNT),
    **_family("officers", Kind.COUNT),
    **_family("judges", Kind.COUNT),
    **_family("cases", Kind.COUNT, {"million cases": 1e6}),
    **_family("days", Kind.DURATION, {"weeks": 7.0, "years": DAYS_PER_YEAR}),
    **_family("hours", Kind.DURATION),
    **_family("persons/day", Kind.RATE, {"persons/month": _M, "persons/year": _Y}),
    **_family("cases/day", Kind.RATE, {"cases/year": _Y}),
    **_family("persons/officer/day", Kind.RATE, {"persons/officer/year": _Y}),
    **_family("cases/judge/day", Kind.RATE, {"cases/judge/year": _Y}),
    **_family("1/day", Kind.RATE, {"1/year": _Y}),
    **_family("USD", Kind.MONEY, {"million USD": 1e6, "billion USD": 1e9}),
    **_family("USD/person", Kind.MONEY),
    **_family("USD/bed/day", Kind.MONEY),
    **_family("USD/person/day", Kind.MONEY, {"USD/person/year": _Y}),
    **_family("USD/day", Kind.MONEY, {"USD/year": _Y, "billion USD/year": 1e9 * _Y}),
    **_family("USD/officer/day", Kind.MONEY, {"USD/officer/year": _Y}),
    **_family("USD/judge/day", Kind.MONEY, {"USD/judge/year": _Y}),
    **_family("USD/hour", Kind.MONEY),
    **_family("probability", Kind.PROBABILITY, {"percent": 0.01}),
    **_family("ratio", Kind.RATIO),
    **_family("persons/person", Kind.RATIO),
}


def get_unit(name: str) -> Unit:
    """Look up a unit by name; raise :class:`UnitMismatchError` listing close names if unknown."""
    try:
        return UNITS[name.strip()]
    except KeyError:
        near = difflib.get_close_matches(name, UNITS, n=3)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise UnitMismatchError(f"unknown unit {name!r}{hint}") from None


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` between two units of the same dimension."""
    a, b = get_unit(from_unit), get_unit(to_unit)
    if a.canonical != b.canonical:
        raise UnitMismatchError(
            f"cannot convert {from_unit!r} to {to_unit!r}: they measure different things"
        )
    return value * a.factor / b.factor
