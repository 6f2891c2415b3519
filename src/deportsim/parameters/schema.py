"""The schema of parameter files: what every parameter must say about itself.

A parameter file (one per pipeline stage) looks like::

    description: Detention network - beds and length of stay.
    parameters:
      bed_capacity:
        description: Beds available to ICE on a given night, all facility types.
        unit: beds
        values:
          2024-10-01: 41500
          2025-04-01: 62913
        source:
          publisher: TRAC
          title: ...
          date: 2025-04
          table: ...
          url: https://...
        uncertainty: {distribution: triangular, low: 55000, high: 70000}

Every parameter has a ``source`` (one citation or a list), or is an ``assumption`` with its
``reasoning`` and then must also give an ``uncertainty`` range. ``by: region`` parameters give a
value for every region at every date.

``bounds`` is the parameter's physical range, in its own unit::

    bounds: {min: 1, max: 853, reasoning: at least one seat; the Airbus A380 seats 853 at most}

It is not the plausible range (that is ``uncertainty``): it is where the number stops being
physically possible (people beyond the US population, a stay shorter than the model's one-day
step where it is divided by, a share above 1). Either end may be left out. Every value, every
uncertainty end and every override (a scenario's or ``--set``) must lie within it; beyond it is
a one-line error naming the place. Whatever a parameter's ``bounds``, the unit's kind keeps its
own rule (:func:`deportsim.parameters.loader.check_range`): probabilities lie in [0, 1], and
nothing is negative or infinite. Every built-in parameter that is not a probability states a
``max`` (tests/parameters/test_bounds.py checks it).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["Assumption", "Bounds", "ParameterFile", "ParameterSpec", "Source", "Uncertainty"]

_DATE_TEXT = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Source(_Strict):
    """A citation: who published what, when, and where in it the figure is."""

    publisher: str = Field(min_length=2)
    title: str = Field(min_length=3)
    date: str = Field(description="publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    table: str | None = Field(default=None, description="table, sheet, page or section")
    url: str | None = None
    note: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> object:
        text = value.isoformat() if hasattr(value, "isoformat") else value
        if isinstance(text, int) and not isinstance(text, bool):
            text = str(text)
        if not isinstance(text, str) or not _DATE_TEXT.match(text):
            raise ValueError("source date must be YYYY, YYYY-MM or YYYY-MM-DD")
        # the text must also be a real calendar date (no month 13, no 30 February)
        year, month, day = [*text.split("-"), "01", "01"][:3]
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError(f"source date {text!r} is not a calendar date") from None
        return text

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("url must start with https:// or http://")
        return value

    def cite(self) -> str:
        """One-line citation: publisher, title, date, table."""
        parts = [self.publisher, f"“{self.title}”", self.date]
        if self.table:
            parts.append(self.table)
        return ", ".join(parts)


class Assumption(_Strict):
    """A value chosen by the modellers where no source gives it directly."""

    reasoning: str = Field(min_length=20)
    informed_by: list[Source] = Field(default_factory=list)


class Uncertainty(_Strict):
    """How uncertain a value is.

    ``uniform``, ``triangular`` and ``pert``: ``low`` and ``high`` are the bounds (the central
    value is the mode). ``normal`` and ``lognormal``: ``low`` and ``high`` are the 5th and 95th
    percentiles. Values are in the parameter's own unit, or, with ``relative: true``, multiples
    of the value in force on the run's first day.
    """

    distribution: Literal["uniform", "triangular", "pert", "normal", "lognormal"]
    low: float
    high: float
    basis: str | None = Field(default=None, description="why this range")
    relative: bool = Field(
        default=False,
        description="low and high are multiples of the value in force (0.8 and 1.25: 20% "
        "below to 25% above it), for a parameter whose level changes from year to year",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Uncertainty:
        if self.low > self.high:
            raise ValueError(f"uncertainty low ({self.low}) is above high ({self.high})")
        if self.relative and not 0 < self.low <= 1 <= self.high:
            raise ValueError("a relative range needs 0 < low <= 1 <= high (multiples of the value)")
        if self.distribution == "lognormal" and self.low <= 0:
            raise ValueError("a lognormal range needs low > 0")
        return self


class Bounds(_Strict):
    """A parameter's physical range, in its own unit, and why (see the module docstring)."""

    min: float | None = None
    max: float | None = None
    reasoning: str = Field(min_length=20)

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        ends = [v for v in (self.min, self.max) if v is not None]
        if not ends:
            raise ValueError("bounds need a `min`, a `max` or both")
        if not all(math.isfinite(v) for v in ends):
            raise ValueError("bounds must be finite numbers")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"bounds min ({self.min:g}) is above max ({self.max:g})")
        return self


Scalar = float
ValueAt = float | dict[str, float]


class ParameterSpec(_Strict):
    """One parameter as written in its file (values still in the file's unit)."""

    description: str = Field(min_length=10)
    unit: str
    by: Literal["region"] | None = None
    applies: Literal["daily", "start"] = Field(
        default="daily",
        description="daily: read every day; start: read once, on the first day of a run",
    )
    lever: bool = Field(
        default=False,
        description="a policy lever (beds, officers, judges, flights, targets): a value a "
        "scenario or --set gives is exact in every replicate; the file's own values (an "
        "estimate of the current state) keep their uncertainty range",
    )
    values: dict[str, ValueAt] = Field(min_length=1)
    #: When each dated value was first published, where that is after the value's own date (a
    #: fiscal year's share is known when the year's statistics come out): value date -> date.
    #: A forecast as of an earlier date leaves the value out (:mod:`deportsim.parameters.known`).
    known: dict[str, dt.date] | None = None
    source: Source | list[Source] | None = None
    assumption: Assumption | None = None
    uncertainty: Uncertainty | None = None
    bounds: Bounds | None = None

    @field_validator("known", mode="before")
    @classmethod
    def _known_dates(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        out: dict[object, object] = {}
        for key, raw in value.items():
            text = key.isoformat() if isinstance(key, dt.date) else key
            when = raw
            if isinstance(raw, str):
                try:
                    when = dt.date.fromisoformat(raw)
                except ValueError:
                    raise ValueError(f"known date {raw!r} is not YYYY-MM-DD") from None
            out[text] = when
        return out

    @model_validator(mode="after")
    def _known_values(self) -> ParameterSpec:
        for key in self.known or {}:
            if key not in self.values:
                raise ValueError(f"known: {key} is not one of the dates under `values`")
        return self

    @model_validator(mode="after")
    def _sourced(self) -> ParameterSpec:
        if self.source is None and self.assumption is None:
            raise ValueError(
                "no source: give `source` (publisher, title, date, table) or mark it as an "
                "`assumption` with its reasoning and an `uncertainty` range"
            )
        if self.source is None and self.uncertainty is None:
            raise ValueError("an assumption needs an `uncertainty` range (low/high)")
        return self

    def sources(self) -> list[Source]:
        """All citations, whether given as one or a list."""
        if self.source is None:
            return list(self.assumption.informed_by) if self.assumption else []
        return [self.source] if isinstance(self.source, Source) else list(self.source)


class ParameterFile(_Strict):
    """A whole parameter file: a one-line description and its parameters."""

    description: str = Field(min_length=10)
    parameters: dict[str, ParameterSpec] = Field(min_length=1)
