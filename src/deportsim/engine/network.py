"""Networks of stations: arrivals, routes between stations, and the daily step loop.

A :class:`Network` lists its stations in the order they are processed each day, the external
arrivals per day into (station, class), and the routes people take after a station: to another
station (and class) with a probability that may change by day, the rest to a named sink
(``"exit"`` by default). Routes to a station later in the order are followed the same day, so a
person can pass through several short stations in one day; routes back to an earlier station
arrive the next day.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from deportsim.engine.kernels import Mode, Scratch, State, run_days
from deportsim.engine.plan import Plan
from deportsim.engine.result import SERIES, EngineResult
from deportsim.engine.sampling import Sampler
from deportsim.engine.station import Station

__all__ = ["CHUNK", "REFILL_ROUNDS", "Capture", "Network", "Route", "simulate"]

#: Days per call of the compiled loop (between two calls, ``on_day`` reports progress).
CHUNK = 64
#: At most this many times a day, places left by same-day leavers are offered again to people
#: waiting. Rounds stop as soon as no place was freed (whole people) or less than a millionth of a
#: person (mean-field); even stays of a tenth of a day need fewer than 40.
REFILL_ROUNDS = 200

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
class Capture:
    """Searchers who take people out of a station, fewer as the people there grow scarce.

    Each day, after the station's exits, the searchers of a region capture on average
    ``capacity · N / (N + half)`` of the ``N`` people present there (a saturating "search and
    capture" response): about ``capacity`` a day while people are plentiful, and fewer, at a
    rising effort per capture, as the station empties. Each person is captured with chance
    ``weight · capacity / (N + half)`` (at most 1), where ``N`` counts people by their class's
    ``weight`` (how easy that class is to find; 1 by default). ``capacity`` and ``half`` are a
    number or an array of shape (days,), (regions,) or (days, regions). Captured people follow
    ``routes`` (to a station and class, or a sink; the rest of the chance goes to ``exit``).
    """

    capacity: float | ArrayLike
    half: float | ArrayLike
    routes: Sequence[Route]
    weights: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Network:
    """Stations in processing order, arrivals per day, and routes (see the module docstring).

    ``arrivals[(station, class)]`` is the expected number of external arrivals per day: a number,
    or an array of shape (days,), (days, regions) or (regions,). Arrivals are Poisson in the
    stochastic mode. ``captures[station]`` takes people out of a station by search
    (:class:`Capture`).
    """

    stations: Sequence[Station]
    arrivals: Mapping[Key, float | ArrayLike] = field(default_factory=dict)
    routes: Mapping[Key, Sequence[Route]] = field(default_factory=dict)
    regions: tuple[str, ...] = ("all",)
    captures: Mapping[str, Capture] = field(default_factory=dict)

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
        for st, capture in self.captures.items():
            if st not in self.by_name:
                raise ValueError(f"capture at {st!r}: not a station")
            unknown = set(capture.weights) - set(self.by_name[st].classes)
            if unknown or any(w < 0 for w in capture.weights.values()):
                raise ValueError(f"capture at {st!r}: weights must be >= 0, for its classes")
            for r in capture.routes:
                if r.to in self.by_name and r.to_class is not None:
                    self._check_key((r.to, r.to_class), "capture route target")
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
        legs = [*self.routes.values(), *(c.routes for c in self.captures.values())]
        found = {r.to for routes in legs for r in routes} - set(self.by_name)
        return tuple(sorted(found | {"exit"}))

    def _check_key(self, key: Key, what: str) -> None:
        st, cls = key
        if st not in self.by_name or cls not in self.by_name[st].classes:
            raise ValueError(f"{what} {key} names no station and class of this network")

    def target_class(self, station: str, cls: str) -> str:
        """The class someone of class ``cls`` takes on entering ``station``."""
        classes = self.by_name[station].classes
        return cls if cls in classes else classes[0]


def simulate(
    net: Network,
    days: int,
    replicates: int,
    sampler: Sampler,
    *,
    initial: Mapping[Key, float | ArrayLike] | None = None,
    record: Sequence[str] = SERIES,
    record_classes: bool = False,
    period: int = 1,
    threads: int = 1,
    on_day: Callable[[int], None] | None = None,
) -> EngineResult:
    """Run the network for ``days`` days; every replicate and region advances together.

    Step order within a day, for each station in the network's order:

    1. exits: occupants leave at the hazard of their age; the rest age by one day; searchers
       capture some of those present (:class:`Capture`);
    2. candidates (queue + external arrivals + people routed in) are admitted into free capacity
       by class priority; people admitted may leave the same day (stays shorter than a day);
    3. everyone who left or was captured follows their routes (multinomial split): to a later
       station the same day, to the same or an earlier station the next day, or to a sink;
    4. people refused wait, are lost, or are diverted, as the station's overflow policy says.

    Results are kept in steps of ``period`` days (1: daily): flows summed over a step, stocks
    (occupancy, waiting) averaged over its end-of-day counts; the last step may be shorter.
    The loop itself is compiled (:func:`deportsim.engine.kernels.run_days`). ``threads`` splits
    the replicates between that many threads, which changes nothing in the results (each
    replicate has its own random streams). ``on_day(t)`` is called after each day, in chunks of
    :data:`CHUNK` days. ``initial[(station, class)]`` puts people in a station before day 0 (a
    number or shape (regions,), per replicate), as long-time occupants. Every person is in exactly
    one station, queue, transit list or sink at the end of each day;
    :meth:`EngineResult.check_conservation` verifies it.
    """
    unknown = set(record) - set(SERIES)
    if unknown:
        raise ValueError(f"unknown series {sorted(unknown)}; choose from {SERIES}")
    if threads < 1 or period < 1 or days < 1 or replicates < 1:
        raise ValueError("days, replicates, period and threads must be at least 1")
    plan = Plan.build(net, days, record, record_classes)
    run = _Run(plan, days, replicates, len(net.regions), sampler, period=period)
    run.place(initial or {})
    cuts = np.linspace(0, replicates, min(threads, replicates) + 1).astype(int)
    parts = [(r0, r1, run.scratch()) for r0, r1 in itertools.pairwise(cuts.tolist())]
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        for t0 in range(0, days, CHUNK):
            t1 = min(t0 + CHUNK, days)
            list(pool.map(lambda part, t0=t0, t1=t1: run.advance(t0, t1, *part), parts))
            if on_day is not None:
                for t in range(t0, t1):
                    on_day(t)
    return run.result(net.regions)


class _Run:
    """The arrays of one run (state, results, random streams) and the compiled loop over them."""

    def __init__(
        self, plan: Plan, days: int, replicates: int, regions: int, sampler: Sampler, *, period: int
    ) -> None:
        self.plan, self.days, self.replicates, self.period = plan, days, replicates, period
        self.mode = Mode(sampler.stochastic, sampler.exact_below, REFILL_ROUNDS, days, period)
        steps = -(-days // period)
        queue = np.zeros((replicates, regions, len(plan.classes)))
        self.state = State(
            occ=np.zeros((replicates, regions, plan.age_bins)),
            queue=queue,
            tomorrow=np.zeros_like(queue),
            rng=sampler.states(plan.streams, replicates),
            external=np.zeros(replicates),
            store=np.zeros((len(plan.keys), len(plan.record), replicates, steps, regions)),
            sinks=np.zeros((len(plan.sinks), replicates, steps, regions)),
        )
        self.initial = np.zeros(replicates)

    def place(self, initial: Mapping[Key, float | ArrayLike]) -> None:
        """Put people in stations before day 0, as if admitted long ago (the tail age bin)."""
        number = {key: i for i, key in enumerate(self.plan.classes)}
        occ, arrays = self.state.occ, self.plan.arrays
        for key, people in initial.items():
            if key not in number:
                raise ValueError(f"initial {key} names no station and class of this network")
            k = number[key]
            last = arrays.cls_age_off[k] + arrays.cls_ages[k] - 1
            occ[:, :, last] += np.broadcast_to(np.asarray(people, dtype=np.float64), occ.shape[:2])
        self.initial = occ.sum(axis=(1, 2))

    def scratch(self) -> Scratch:
        """Scratch space for one thread of the loop."""
        _, regions, classes = self.state.queue.shape
        return Scratch.make(regions, classes, int(self.plan.arrays.st_nk.max(initial=1)))

    def advance(self, t0: int, t1: int, r0: int, r1: int, day: Scratch) -> None:
        """Days ``t0 .. t1 - 1`` for replicates ``r0 .. r1 - 1`` (releases the GIL)."""
        run_days(t0, t1, r0, r1, self.plan.arrays, self.mode, self.state, day)

    def result(self, regions: tuple[str, ...]) -> EngineResult:
        """The run's results, sharing its arrays."""
        p, st = self.plan, self.state
        inside = st.occ.sum(axis=(1, 2)) + st.queue.sum(axis=(1, 2))
        return EngineResult(
            days=self.days,
            period=self.period,
            replicates=self.replicates,
            regions=regions,
            store={k: dict(zip(p.record, st.store[i], strict=True)) for i, k in enumerate(p.keys)},
            sink_store=dict(zip(p.sinks, st.sinks, strict=True)),
            initial_people=self.initial,
            final_people=inside + st.tomorrow.sum(axis=(1, 2)),
            external_people=st.external,
        )
