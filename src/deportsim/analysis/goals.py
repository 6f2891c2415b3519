"""The figures a run or the record is measured against: the stated goals and the FY2012 record.

They are the claims' own figures (``analysis/claims/claims.yaml``), each with its source, so the
report's goal lines and bottom line and ``deportsim status`` say what the claims test: 3,000 ICE
arrests a day, a million removals a year, and ICE's FY2012 record of removals.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from deportsim.analysis.claims.spec import claim_specs

__all__ = ["Goal", "arrests_goal", "million_goal", "record_2012"]


@dataclass(frozen=True)
class Goal:
    """A figure a run is measured against: its value, unit, the claim it is from, its source."""

    value: float
    unit: str
    claim: str
    source: str


def _figure(claim: str, name: str) -> Goal:
    spec = next(s for s in claim_specs() if s.id == claim)
    figure = spec.figures[name]
    source = figure.source.cite() if figure.source is not None else str(figure.assumption)
    return Goal(figure.value, figure.unit, claim, source)


@functools.cache
def arrests_goal() -> Goal:
    """The goal of 3,000 ICE arrests a day (claim ``arrests-3000-per-day``)."""
    return _figure("arrests-3000-per-day", "goal")


@functools.cache
def million_goal() -> Goal:
    """The goal of a million removals a year (claim ``millions-per-year``)."""
    return _figure("millions-per-year", "one_million")


@functools.cache
def record_2012() -> Goal:
    """ICE's removals in FY2012, the record year (claim ``largest-in-history``)."""
    return _figure("largest-in-history", "record")
