"""Networks of stations: arrivals, routes between stations, and the daily step loop.

A :class:`Network` lists its stations in the order they are processed each day, the external
arrivals per day into (station, class), and the routes people take after a station: to another
station (and class) with a probability that may change by day, the rest to a named sink
(``"exit"`` by default). Routes to a station later in the order are followed the same day, so a
person can pass through several short stations in one day; routes back to an earlier station
arrive the next day.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from deportsim.engine.result import SERIES, EngineResult
from deportsim.engine.sampling import Sampler
from deportsim.engine.station import Station, StationState

__all__ = ["Network", "Route", "simulate"]

F = NDArray[np.float64]
Key = tuple[str, str]  # (station, class)


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
class Network:
    """Stations in processing order, arrivals per day, and routes (see the module docstring).

    ``arrivals[(station, class)]`` is the expected number of external arrivals per day: a number,
    or an array of shape (days,), (days, regions) or (regions,). Arrivals are Poisson in the
    stochastic mode.
    """

    stations: Sequence[Station]
    arrivals: Mapping[Key, float | ArrayLike] = field(default_factory=dict)
    routes: Mapping[Key, Sequence[Route]] = field(default_factory=dict)
    regions: tuple[str, ...] = ("all",)

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
        for s in self.stations:
            if s.divert_to is not None and s.divert_to not in self.by_name:
                raise ValueError(f"{s.name}: divert_to {s.divert_to!r} is not a station")

    @property
    def by_name(self) -> dict[str, Station]:
        """Stations by name."""
        return {s.name: s for s in self.stations}

    @property
    def sinks(self) -> tuple[str, ...]:
        """Names that routes lead to which are not stations, plus ``exit``."""
        found = {r.to for routes in self.routes.values() for r in routes} - set(self.by_name)
        return tuple(sorted(found | {"exit"}))

    def _check_key(self, key: Key, what: str) -> None:
        st, cls = key
        if st not in self.by_name or cls not in self.by_name[st].classes:
            raise ValueError(f"{what} {key} names no station and class of this network")

    def target_class(self, station: str, cls: str) -> str:
        """The class someone of class ``cls`` takes on entering ``station``."""
        classes = self.by_name[station].classes
        return cls if cls in classes else classes[0]


def _daily(value: float | ArrayLike, days: int, regions: int, what: str) -> F:
    """A rate or probability as an array of shape (days, regions)."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full((days, regions), float(arr))
    if arr.shape == (days,):
        return np.repeat(arr[:, None], regions, axis=1)
    if arr.shape == (regions,) and days != regions:
        return np.broadcast_to(arr, (days, regions)).copy()
    if arr.shape == (days, regions):
        return arr
    raise ValueError(
        f"{what}: shape {arr.shape} fits neither (days,), (regions,) nor (days, regions)"
    )


def simulate(
    net: Network,
    days: int,
    replicates: int,
    sampler: Sampler,
    *,
    initial: Mapping[Key, float | ArrayLike] | None = None,
    record: Sequence[str] = SERIES,
    record_classes: bool = False,
    on_day: Callable[[int], None] | None = None,
) -> EngineResult:
    """Run the network for ``days`` days; every replicate and region advances together.

    Step order within a day, for each station in the network's order:

    1. exits: occupants leave at the hazard of their age; the rest age by one day;
    2. candidates (queue + external arrivals + people routed in) are admitted into free capacity
       by class priority; people admitted may leave the same day (stays shorter than a day);
    3. everyone who left follows their routes (multinomial split): to a later station the same
       day, to the same or an earlier station the next day, or to a sink;
    4. people refused wait, are lost, or are diverted, as the station's overflow policy says.

    ``initial[(station, class)]`` puts people in a station before day 0 (a number or shape
    (regions,), per replicate), as long-time occupants. Every person is in exactly one station,
    queue, transit list or sink at the end of each day; :meth:`EngineResult.check_conservation`
    verifies it.
    """
    run = _Run(net, days, replicates, sampler, record=record, record_classes=record_classes)
    for (st, cls), people in (initial or {}).items():
        placed = np.broadcast_to(np.asarray(people, dtype=np.float64), (replicates, run.g))
        run.states[st].place(cls, placed.copy())
    run.result.set_initial(run.states)
    for t in range(days):
        run.day(t)
        if on_day is not None:
            on_day(t)
    run.result.set_final(run.states, run.tomorrow)
    return run.result


class _Run:
    """The mutable state of one simulation: station states, people in transit, the result."""

    def __init__(
        self,
        net: Network,
        days: int,
        replicates: int,
        sampler: Sampler,
        *,
        record: Sequence[str],
        record_classes: bool,
    ) -> None:
        self.net, self.sampler, self.r, self.g = net, sampler, replicates, len(net.regions)
        self.order = {s.name: i for i, s in enumerate(net.stations)}
        self.states = {s.name: StationState(s, replicates, self.g) for s in net.stations}
        self.capacity = {s.name: s.capacity_by_day(days, self.g) for s in net.stations}
        self.arrivals = {
            k: _daily(v, days, self.g, f"arrivals {k}") for k, v in net.arrivals.items()
        }
        self.routes = {k: _Legs.build(k, rs, days, self.g) for k, rs in net.routes.items() if rs}
        self.result = EngineResult.empty(net, days, replicates, record, record_classes)
        self.by_class = record_classes
        self.today: dict[Key, F] = {}  # routed to a station still to be processed today
        self.tomorrow: dict[Key, F] = {}  # routed to a station already processed today

    def send(self, key: Key, people: F, from_order: int) -> None:
        """Move people to a station: later in today's order, today; else tomorrow."""
        target = self.today if self.order[key[0]] > from_order else self.tomorrow
        target[key] = target.get(key, 0.0) + people

    def day(self, t: int) -> None:
        """One day: every station in order."""
        self.today, self.tomorrow = self.tomorrow, {}
        for station in self.net.stations:
            self.station_day(station, t)
        for key, people in self.today.items():  # nothing should be left; kept for safety
            self.tomorrow[key] = self.tomorrow.get(key, 0.0) + people

    def free_capacity(self, station: Station, t: int) -> F | None:
        """Free places, or starts left, today: shape (replicates,) if pooled, else by region."""
        cap = self.capacity[station.name]
        if cap is None:
            return None
        if station.capacity_kind == "places":
            used = self.states[station.name].occupancy()
            free = np.maximum(cap[t] - (used.sum(axis=1) if station.pooled else used), 0.0)
        else:
            shape = (self.r,) if station.pooled else (self.r, self.g)
            free = np.broadcast_to(cap[t], shape).astype(np.float64)
        return np.asarray(np.floor(free) if self.sampler.stochastic else free, dtype=np.float64)

    def station_day(self, station: Station, t: int) -> None:
        """Exits, admissions, routing and overflow at one station on day ``t``."""
        name, i, state, res = (
            station.name,
            self.order[station.name],
            self.states[station.name],
            self.result,
        )
        leavers = state.exits(self.sampler, name)
        candidates = {}
        for c in station.classes:
            came = self.today.pop((name, c), 0.0) + self.external(name, c, t)
            res.add(name, "arrivals", t, came, c)
            candidates[c] = state.queue[c] + came
        free = self.free_capacity(station, t)
        admitted, same_day, refused = state.admit(
            self.sampler, name, candidates, free, station.pooled
        )
        for c in station.classes:
            done = leavers[c] + same_day[c]
            res.add(name, "admitted", t, admitted[c], c)
            res.add(name, "completed", t, done, c)
            self.route((name, c), done, t, i)
            self.overflow(station, c, refused[c], t, i)
            if self.by_class:
                res.set(f"{name}[{c}]", "occupancy", t, state.occ[c].sum(axis=-1))
                res.set(f"{name}[{c}]", "waiting", t, state.queue[c])
        res.set(name, "occupancy", t, state.occupancy())
        res.set(name, "waiting", t, state.waiting())

    def external(self, name: str, cls: str, t: int) -> F | float:
        """Today's external arrivals into (station, class): Poisson, or their mean."""
        rate = self.arrivals.get((name, cls))
        if rate is None:
            return 0.0
        new = self.sampler.poisson(
            f"{name}.arrivals.{cls}", np.broadcast_to(rate[t], (self.r, self.g))
        )
        self.result.external_people += new.sum(axis=1)
        return new

    def overflow(self, station: Station, cls: str, refused: F, t: int, i: int) -> None:
        """Refused people queue, are lost, or go to the divert station."""
        state = self.states[station.name]
        if station.overflow == "queue":
            state.queue[cls] = refused
            return
        state.queue[cls] = np.zeros_like(refused)
        self.result.add(station.name, "refused", t, refused, cls)
        if station.divert_to is not None:
            self.send(
                (station.divert_to, self.net.target_class(station.divert_to, cls)), refused, i
            )
        else:
            self.result.add_sink("lost", t, refused)

    def route(self, key: Key, people: F, t: int, from_order: int) -> None:
        """Split people leaving ``key`` over its routes; the rest go to the ``exit`` sink."""
        legs = self.routes.get(key)
        if legs is None:
            self.result.add_sink("exit", t, people)
            return
        if legs.certain:  # one route taken by everyone: no draw
            split = people[..., None]
        else:
            shape = (*people.shape, legs.probs.shape[-1])
            probs = np.broadcast_to(legs.probs[t], shape)
            split = self.sampler.multinomial(f"{key[0]}.route.{key[1]}", people, probs)
        for j, r in enumerate(legs.routes):
            if r.to in self.net.by_name:
                to_class = r.to_class or self.net.target_class(r.to, key[1])
                self.send((r.to, to_class), split[..., j], from_order)
            else:
                self.result.add_sink(r.to, t, split[..., j])
        if not legs.certain:
            self.result.add_sink("exit", t, people - split.sum(axis=-1))


@dataclass(frozen=True)
class _Legs:
    """The routes after one (station, class), with their probabilities stacked by day."""

    routes: tuple[Route, ...]
    probs: F  # (days, regions, legs)
    certain: bool  # a single route with probability 1 every day

    @classmethod
    def build(cls, key: Key, routes: Sequence[Route], days: int, regions: int) -> _Legs:
        probs = np.stack(
            [_daily(r.probability, days, regions, f"route {key} -> {r.to}") for r in routes],
            axis=-1,
        )
        if np.any(probs < 0) or np.any(probs.sum(axis=-1) > 1 + 1e-9):
            raise ValueError(f"routes from {key}: probabilities must be >= 0 and sum to at most 1")
        certain = len(routes) == 1 and bool(np.all(probs == 1.0))
        return cls(tuple(routes), probs, certain)
