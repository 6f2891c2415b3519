"""Networks of stations: arrivals, and the routes people take between stations.

A :class:`Network` lists its stations in the order they are processed each day, the external
arrivals per day into (station, class), and the routes people take after a station: to another
station (and class) with a probability that may change by day, the rest to a named sink
(``"exit"`` by default). Routes to a station later in the order are followed the same day, so a
person can pass through several short stations in one day; routes back to an earlier station
arrive the next day. Running a network: :mod:`deportsim.engine.runs`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from deportsim.engine.station import Station

__all__ = ["Capture", "Key", "Network", "Route"]

Key = tuple[str, str]  # (station, class)
F = NDArray[np.float64]


@dataclass(frozen=True)
class Route:
    """Where people go after a station, and with what probability.

    ``to`` is a station or a sink name; ``probability`` a number or a daily array; ``to_class``
    defaults to the same class, or to the target's first class.
    """

    to: str
    probability: float | ArrayLike = 1.0
    to_class: str | None = None


@dataclass(frozen=True)
class Capture:
    """Searchers who take people out of a station, fewer as the people there grow scarce.

    Each day, after the station's exits, the searchers of a region capture on average
    ``capacity · N / (N + half)`` of the ``N`` people present there (a saturating "search and
    capture" response): about ``capacity`` a day while people are plentiful, and fewer, at a
    rising effort per capture, as the station empties. Each person is captured with chance
    ``weight · capacity / (N + half)`` (at most 1), where ``N`` counts people by their class's
    ``weight`` (how easy that class is to find; 1 by default). ``capacity`` and ``half`` are a
    number or an array of shape (days,), (regions,) or (days, regions). With ``half`` infinite
    the searchers never saturate: ``capacity`` is then the daily chance that a person of weight 1
    is captured, so captures are proportional to the people present. Captured people follow
    ``routes`` (to a station and class, or a sink; the rest of the chance goes to ``exit``).

    ``name`` tells apart the captures of one station (unique there): a station may have several,
    each with its own searchers, acting one after the other (see :func:`simulate`). It names the
    capture's results (``EngineResult.captures``) and its random streams.
    """

    capacity: float | ArrayLike
    half: float | ArrayLike
    routes: Sequence[Route]
    weights: Mapping[str, float] = field(default_factory=dict)
    name: str = "capture"


@dataclass(frozen=True)
class Network:
    """Stations in processing order, arrivals per day, and routes (see the module docstring).

    ``arrivals[(station, class)]`` is the expected number of external arrivals per day: a number,
    or an array of shape (days,), (days, regions) or (regions,). Arrivals are Poisson in the
    stochastic mode. ``captures[station]`` takes people out of a station by search: one
    :class:`Capture`, or several with different names, acting in list order.
    """

    stations: Sequence[Station]
    arrivals: Mapping[Key, float | ArrayLike] = field(default_factory=dict)
    routes: Mapping[Key, Sequence[Route]] = field(default_factory=dict)
    regions: tuple[str, ...] = ("all",)
    captures: Mapping[str, Capture | Sequence[Capture]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [s.name for s in self.stations]
        if len(set(names)) != len(names):
            raise ValueError("station names must be unique")
        for (st, cls), routes in self.routes.items():
            self._check_key((st, cls), "route source")
            for r in routes:
                if r.to in self.by_name and r.to_class is not None:
                    self._check_key((r.to, r.to_class), "route target")
        for key in self.arrivals:
            self._check_key(key, "arrival")
        for st, captures in self.capture_lists.items():
            if st not in self.by_name:
                raise ValueError(f"capture at {st!r}: not a station")
            names = [c.name for c in captures]
            if len(set(names)) != len(names):
                raise ValueError(f"captures at {st!r}: names must be unique, got {names}")
            for capture in captures:
                self._check_capture(st, capture)
        for s in self.stations:
            self._check_links(s)

    def _check_links(self, s: Station) -> None:
        """The stations a station diverts to or shares its places with exist."""
        if s.divert_to is not None and s.divert_to not in self.by_name:
            raise ValueError(f"{s.name}: divert_to {s.divert_to!r} is not a station")
        for other in s.shares_places_with:
            if other not in self.by_name or other == s.name:
                raise ValueError(f"{s.name}: shares_places_with {other!r}: not another station")

    @functools.cached_property  # a network is not changed once made: its stations are set
    def by_name(self) -> dict[str, Station]:
        """Stations by name."""
        return {s.name: s for s in self.stations}

    @property
    def capture_lists(self) -> dict[str, tuple[Capture, ...]]:
        """Each station's captures, in the order they act (a single capture as a list of one)."""
        return {st: (c,) if isinstance(c, Capture) else tuple(c) for st, c in self.captures.items()}

    @property
    def sinks(self) -> tuple[str, ...]:
        """Names that routes lead to which are not stations, plus ``exit``."""
        captures = [c for cs in self.capture_lists.values() for c in cs]
        legs = [*self.routes.values(), *(c.routes for c in captures)]
        found = {r.to for routes in legs for r in routes} - set(self.by_name)
        return tuple(sorted(found | {"exit"}))

    def _check_key(self, key: Key, what: str) -> None:
        st, cls = key
        if st not in self.by_name or cls not in self.by_name[st].classes:
            raise ValueError(f"{what} {key} names no station and class of this network")

    def _check_capture(self, st: str, capture: Capture) -> None:
        """Refuse weights for classes the station lacks or below zero, and unknown targets."""
        unknown = set(capture.weights) - set(self.by_name[st].classes)
        if unknown or any(w < 0 for w in capture.weights.values()):
            raise ValueError(
                f"capture {capture.name!r} at {st!r}: weights must be >= 0, for its classes"
            )
        for r in capture.routes:
            if r.to in self.by_name and r.to_class is not None:
                self._check_key((r.to, r.to_class), "capture route target")

    def target_class(self, station: str, cls: str) -> str:
        """The class someone of class ``cls`` takes on entering ``station``."""
        classes = self.by_name[station].classes
        return cls if cls in classes else classes[0]
