"""Refuse figures no workbook could truly hold: not finite, negative, or beyond what could exist.

A workbook that parses may still carry a damaged or mistyped cell (``-5`` people detained, a stay
of 1e300 days). Such a value would flow into calibration and history unnoticed, so the import
stops with the file, sheet and cell named, and nothing is stored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from deportsim.core.errors import Location, UserError
from deportsim.official.records import FacilityRecord, Record

__all__ = ["MAX_DAYS", "MAX_PERSONS", "check_values"]

#: No count of people, or of detentions in a year, can exceed the US resident population: about
#: 340 million on 1 July 2024 (U.S. Census Bureau, Vintage 2024 national population estimates,
#: December 2024).
MAX_PERSONS = 340_000_000.0
#: No length of stay can exceed a century (36,525 days); ICE's yearly averages are 7 to 400 days.
MAX_DAYS = 36_525.0
#: The largest value each unit allows (a share is a fraction of one).
_MAX = {"persons": MAX_PERSONS, "persons/day": MAX_PERSONS, "days": MAX_DAYS, "share": 1.0}


def _problem(value: float, unit: str) -> str | None:
    if not math.isfinite(value):
        return f"the value {value} is not a finite number"
    if value < 0:
        return f"the value {value:g} {unit} is negative"
    top = _MAX.get(unit)
    if top is not None and value > top:
        return f"the value {value:.6g} {unit} is more than could exist (at most {top:,.0f})"
    return None


def _refuse(path: Path, where: str, problem: str) -> UserError:
    return UserError(
        f"{problem}; the cell is damaged or mistyped, nothing was stored",
        Location(path, path=where),
    )


def check_values(
    path: Path, figures: Sequence[Record], facilities: Sequence[FacilityRecord]
) -> None:
    """Raise :class:`UserError` naming file, sheet and cell of the first impossible figure."""
    for fig in figures:
        if (problem := _problem(fig.value, fig.unit)) is not None:
            raise _refuse(path, f"{fig.sheet}!{fig.cell}", problem)
    for fac in facilities:
        values = {
            "average daily population": (fac.adp, "persons/day"),
            "average length of stay": (fac.alos, "days"),
            "guaranteed minimum": (fac.guaranteed_minimum, "persons/day"),
            "capacity": (fac.capacity, "persons/day"),
        }
        for what, (value, unit) in values.items():
            if value is not None and (problem := _problem(value, unit)) is not None:
                raise _refuse(path, f"{fac.sheet} row {fac.row} ({what})", problem)
