"""An exact event-by-event reference simulator (SimPy), used to validate the daily engine.

It simulates, in continuous time and one SimPy process per person, feed-forward networks of
stations with:

* external Poisson arrivals into stations (a rate per day);
* at each station ``servers`` identical places (a :class:`simpy.Resource`) served first come,
  first served, or unlimited places (``servers=None``: nobody waits, M/G/∞);
* an overflow policy: ``"queue"`` (wait for a place, FCFS) or ``"lose"`` (an arrival that finds
  every place busy leaves the network at once: M/G/c/c);
* stays drawn with :meth:`deportsim.engine.Delay.sample` (any continuous distribution);
* after a stay, a route to a later station with a probability, the rest leave (``exit``).

Nothing is discretised: the reference knows no days except that it *counts* at the end of each
day (``t = 1, 2, ..., days``), the way the engine reports its end-of-day occupancy, so that the
distributions of daily counts can be compared as well as the time averages.

Per station it reports, for the window ``[warmup, days]``, completions per day, time-average
numbers in service and waiting, lost arrivals, and the counts at every day end. Every replicate
has its own :class:`numpy.random.Generator` spawned from the seed, so results are reproducible
and replicates are independent.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import simpy
from numpy.typing import NDArray

from deportsim.engine import Delay

__all__ = ["RefNetwork", "RefResult", "RefStation", "simulate_reference"]

F = NDArray[np.float64]


@dataclass(frozen=True)
class RefStation:
    """A station: its stay, its number of places (None = unlimited) and its overflow policy."""

    name: str
    stay: Delay
    servers: int | None = None
    overflow: Literal["queue", "lose"] = "queue"

    def __post_init__(self) -> None:
        if self.overflow == "lose" and self.servers is None:
            raise ValueError(f"{self.name}: a loss station needs a number of servers")


@dataclass(frozen=True)
class RefNetwork:
    """Stations, external arrival rates per day, and routes ``station -> [(to, probability)]``.

    Routes must lead to a station later in ``stations`` (feed-forward); whatever probability the
    routes of a station leave over goes to the exit.
    """

    stations: Sequence[RefStation]
    arrivals: Mapping[str, float]
    routes: Mapping[str, Sequence[tuple[str, float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        order = {s.name: i for i, s in enumerate(self.stations)}
        for src, legs in self.routes.items():
            if sum(p for _, p in legs) > 1 + 1e-12:
                raise ValueError(f"routes from {src} sum above 1")
            for to, _ in legs:
                if order[to] <= order[src]:
                    raise ValueError(f"route {src} -> {to} is not feed-forward")


@dataclass
class RefResult:
    """Per station, arrays over replicates (and days for the day-end counts).

    ``completed``, ``arrived`` and ``lost`` are per day over ``[warmup, days)``; ``busy`` and
    ``waiting`` are time averages over the same window; ``day_end_busy[station]`` and
    ``day_end_waiting[station]`` have shape (replicates, days): column ``d`` is the count at
    ``t = d + 1`` (the end of day ``d``, as in the engine's series).
    """

    days: int
    warmup: int
    completed: dict[str, F]
    arrived: dict[str, F]
    lost: dict[str, F]
    busy: dict[str, F]
    waiting: dict[str, F]
    day_end_busy: dict[str, F]
    day_end_waiting: dict[str, F]


class _Draws:
    """Stays of one station, drawn in blocks with :meth:`Delay.sample` (fast, still exact)."""

    def __init__(self, delay: Delay, gen: np.random.Generator, block: int = 512) -> None:
        self.delay, self.gen, self.block = delay, gen, block
        self.buf: list[float] = []

    def __call__(self) -> float:
        if not self.buf:
            self.buf = self.delay.sample(self.gen, self.block).tolist()[::-1]
        return self.buf.pop()


class _Log:
    """What one station records: numbers in service and waiting, and their day-end counts.

    Time integrals of the numbers, and tallies of arrivals, losses and completions, cover the
    window ``[start, end]``.
    """

    def __init__(self, start: float, end: int) -> None:
        self.start, self.end = start, float(end)
        self.busy = 0
        self.waiting = 0
        self.last = 0.0
        self.busy_area = 0.0
        self.wait_area = 0.0
        self.tally = {"completed": 0, "arrived": 0, "lost": 0}
        self.day_busy = np.zeros(end)
        self.day_wait = np.zeros(end)

    def change(self, now: float, busy: int = 0, waiting: int = 0) -> None:
        """Integrate the counts up to ``now`` (inside the window), then apply the change."""
        lo, hi = max(self.last, self.start), min(now, self.end)
        if hi > lo:
            self.busy_area += self.busy * (hi - lo)
            self.wait_area += self.waiting * (hi - lo)
        self.last = now
        self.busy += busy
        self.waiting += waiting

    def count(self, now: float, what: str) -> None:
        """Tally an arrival, loss or completion at ``now`` if it falls in the window."""
        if self.start <= now < self.end:
            self.tally[what] += 1

    def summary(self) -> dict[str, float | F]:
        """Window statistics per day, and the day-end counts."""
        self.change(self.end)
        span = self.end - self.start
        return {
            **{k: v / span for k, v in self.tally.items()},
            "busy": self.busy_area / span,
            "waiting": self.wait_area / span,
            "day_end_busy": self.day_busy,
            "day_end_waiting": self.day_wait,
        }


class _Replicate:
    """One replicate of a network: SimPy processes for arrivals, people and the daily census."""

    def __init__(self, net: RefNetwork, days: int, warmup: int, gen: np.random.Generator) -> None:
        self.net, self.days, self.gen = net, days, gen
        self.env = simpy.Environment()
        self.stations = {s.name: s for s in net.stations}
        self.resources = {
            s.name: simpy.Resource(self.env, capacity=s.servers) for s in net.stations if s.servers
        }
        self.draws = {s.name: _Draws(s.stay, gen) for s in net.stations}
        self.logs = {s.name: _Log(float(warmup), days) for s in net.stations}

    def person(self, name: str) -> Generator[simpy.Event, object, None]:
        """One person's visit to station ``name``, then their route onward (or exit)."""
        env, log, res = self.env, self.logs[name], self.resources.get(name)
        log.count(env.now, "arrived")
        stay = self.draws[name]()
        if res is None:  # unlimited places: served at once
            log.change(env.now, busy=1)
            yield env.timeout(stay)
        elif self.stations[name].overflow == "lose" and res.count >= res.capacity:
            log.count(env.now, "lost")
            return
        else:
            with res.request() as req:  # FCFS queue for a place
                log.change(env.now, waiting=1)
                yield req
                log.change(env.now, busy=1, waiting=-1)
                yield env.timeout(stay)
        log.change(env.now, busy=-1)  # the place is released at this same instant
        log.count(env.now, "completed")
        u = self.gen.random()
        for to, p in self.net.routes.get(name, ()):
            if u < p:
                env.process(self.person(to))
                break
            u -= p

    def source(self, name: str, rate: float) -> Generator[simpy.Event, object, None]:
        """Poisson arrivals into ``name``: exponential gaps with mean ``1 / rate`` days."""
        while True:
            yield self.env.timeout(self.gen.exponential(1.0 / rate))
            self.env.process(self.person(name))

    def census(self) -> Generator[simpy.Event, object, None]:
        """Counts at t = 1, 2, ..., days (the ends of days 0 .. days-1)."""
        for d in range(self.days):
            yield self.env.timeout(1.0)  # whole numbers: env.now is exactly d + 1
            for log in self.logs.values():
                log.day_busy[d] = log.busy
                log.day_wait[d] = log.waiting

    def run(self) -> dict[str, dict[str, float | F]]:
        """Simulate ``[0, days]`` from empty; per station, its summary."""
        for name, rate in self.net.arrivals.items():
            if rate > 0:
                self.env.process(self.source(name, rate))
        self.env.process(self.census())
        self.env.run(until=self.days + 1e-9)
        return {name: log.summary() for name, log in self.logs.items()}


def simulate_reference(
    net: RefNetwork, days: int, replicates: int, seed: int, warmup: int = 0
) -> RefResult:
    """Run ``replicates`` independent replicates from an empty network over ``[0, days]``.

    Window statistics cover ``[warmup, days]``; day-end counts cover every day.
    """
    if not 0 <= warmup < days:
        raise ValueError("need 0 <= warmup < days")
    gens = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(replicates)]
    runs = [_Replicate(net, days, warmup, g).run() for g in gens]
    names = [s.name for s in net.stations]

    def stack(key: str) -> dict[str, F]:
        return {n: np.array([r[n][key] for r in runs], dtype=np.float64) for n in names}

    return RefResult(
        days=days,
        warmup=warmup,
        completed=stack("completed"),
        arrived=stack("arrived"),
        lost=stack("lost"),
        busy=stack("busy"),
        waiting=stack("waiting"),
        day_end_busy=stack("day_end_busy"),
        day_end_waiting=stack("day_end_waiting"),
    )
