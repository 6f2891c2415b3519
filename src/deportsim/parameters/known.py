"""What was known on a date: the parameter values and scenario overrides published by then.

A forecast made on a date (``deportsim forecast --as-of``) may use only what was published by
that date. Two kinds of input carry a date of publication besides the date they take effect:

- a **parameter file's dated value** may say when it was first published (``known:``, value date
  -> date): FY2025's share of book-outs that were removals takes effect on 1 October 2024 but was
  known only when ICE's FY2025 statistics came out, on 24 September 2025;
- a **scenario override** that is a measurement of what happened says the same (``known:
  YYYY-MM-DD``): the officers made operational from October 2025 were reported in January 2026.

A forecast of a scenario is conditional on its policies: an override without ``known`` is one of
the scenario's conditions (a goal of 3,000 arrests a day from May 2025, the focus on three
cities), kept whatever the as-of date, as the scenario asserts it. A parameter file's value
without a ``known`` date is known from the day it takes effect. Left out, a dated value gives way
to the one before it, so the parameter keeps the last value known then; a parameter's first
value is always kept (it is the base every run needs, and each file's first values are sourced
to publications of 2024 or before). What was left out is listed, so that a forecast can say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from deportsim.parameters.loader import Parameter, ParameterSet
from deportsim.parameters.resolve import Override

__all__ = ["LeftOut", "known_by", "overrides_known_by"]


@dataclass(frozen=True)
class LeftOut:
    """An input not yet published on the as-of date: what, from when, and when it was known."""

    path: str
    start: dt.date | None
    known: dt.date
    origin: str  # "parameter file" or the override's origin ("scenario directive-2025")

    def describe(self) -> str:
        """One line: path, its date, and when it was published."""
        when = f" from {self.start}" if self.start else ""
        return f"{self.path}{when} ({self.origin}, published {self.known})"


def _known_steps(p: Parameter, as_of: dt.date) -> tuple[Parameter, list[LeftOut]]:
    known = {dt.date.fromisoformat(k): v for k, v in (p.spec.known or {}).items()}
    kept = [p.steps[0]]
    left: list[LeftOut] = []
    for day, value in p.steps[1:]:
        when = known.get(day, day)
        if when <= as_of:
            kept.append((day, value))
        else:
            left.append(LeftOut(p.path, day, when, "parameter file"))
    return (replace(p, steps=tuple(kept)) if left else p), left


def known_by(params: ParameterSet, as_of: dt.date) -> tuple[ParameterSet, tuple[LeftOut, ...]]:
    """The parameters as published by ``as_of``, and the dated values left out."""
    out: dict[str, Parameter] = {}
    left: list[LeftOut] = []
    for path, p in params.parameters.items():
        out[path], gone = _known_steps(p, as_of)
        left += gone
    if not left:
        return params, ()
    return replace(params, parameters=out), tuple(left)


def overrides_known_by(
    overrides: tuple[Override, ...], as_of: dt.date
) -> tuple[tuple[Override, ...], tuple[LeftOut, ...]]:
    """The overrides published by ``as_of`` (or not measurements), and those left out."""
    kept: list[Override] = []
    left: list[LeftOut] = []
    for ov in overrides:
        when = ov.known
        if when is None or when <= as_of:
            kept.append(ov)
        else:
            left.append(LeftOut(ov.path + (f".{ov.region}" if ov.region else ""), ov.start,
                                when, ov.origin))  # fmt: skip
    return tuple(kept), tuple(left)
