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
from numpy.typing import ArrayLike, NDArray

from deportsim.engine.kernels import Mode, Scratch, State, run_days
from deportsim.engine.plan import ClassRecord, Plan, RecordSpec
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

    @property
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


def simulate(
    net: Network,
    days: int,
    replicates: int,
    sampler: Sampler,
    *,
    initial: Mapping[Key, float | ArrayLike] | None = None,
    settled: bool = False,
    record: RecordSpec = SERIES,
    record_classes: ClassRecord = False,
    period: int = 1,
    threads: int = 1,
    on_day: Callable[[int], None] | None = None,
) -> EngineResult:
    """Run the network for ``days`` days; every replicate and region advances together.

    Step order within a day, for each station in the network's order:

    1. exits: occupants leave at the hazard of their age; the rest age by one day; searchers
       capture some of those present (:class:`Capture`). A station's captures act one after
       the other, in the order listed: each sees the people the earlier ones left, so its ``N``
       is counted again (the first capture has the first pick);
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
    number or shape (regions,), per replicate), as long-time occupants (the tail age bin), or, with
    ``settled``, spread over the age bins as in a station long fed at a steady pace
    (:meth:`DailyStay.settled`; whole people by largest remainder in the stochastic mode), so
    that they leave at the pace of their stay from day 0. Every person is in exactly
    one station, queue, transit list or sink at the end of each day;
    :meth:`EngineResult.check_conservation` verifies it. ``record`` names the series kept for
    every key, or maps keys (``"station"``, ``"station[class]"``) to their own series, which
    keeps memory to what is read. ``record_classes`` keeps the series of
    each class too: of every station and capture (True), or of the stations and captures
    (``"station.capture"``) it names. With ``"captured"`` recorded, each capture's own count is
    kept too (:attr:`EngineResult.captures`).
    """
    asked = record.values() if isinstance(record, Mapping) else [record]
    unknown = {name for names in asked for name in names} - set(SERIES)
    if unknown:
        raise ValueError(f"unknown series {sorted(unknown)}; choose from {SERIES}")
    if threads < 1 or period < 1 or days < 1 or replicates < 1:
        raise ValueError("days, replicates, period and threads must be at least 1")
    plan = Plan.build(net, days, record, record_classes)
    run = _Run(plan, days, replicates, len(net.regions), sampler, period=period)
    run.place(initial or {}, net if settled else None)
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
            store=np.zeros((replicates, steps, len(plan.pairs), regions)),
            sinks=np.zeros((replicates, steps, len(plan.sinks), regions)),
            captured=np.zeros((replicates, steps, len(plan.capture_keys), regions)),
        )
        self.initial = np.zeros(replicates)

    def place(self, initial: Mapping[Key, float | ArrayLike], net: Network | None = None) -> None:
        """Put people in stations before day 0.

        They go to the tail age bin, or (``net`` given) are spread over the age bins in the
        settled shares of their class's stay.
        """
        number = {key: i for i, key in enumerate(self.plan.classes)}
        occ, arrays = self.state.occ, self.plan.arrays
        for key, people in initial.items():
            if key not in number:
                raise ValueError(f"initial {key} names no station and class of this network")
            k = number[key]
            off, bins = arrays.cls_age_off[k], arrays.cls_ages[k]
            count = np.broadcast_to(np.asarray(people, dtype=np.float64), occ.shape[1:2])
            if np.any(count < 0) or not np.all(np.isfinite(count)):
                raise ValueError(f"initial {key}: people must be finite and not negative")
            if net is None:
                occ[:, :, off + bins - 1] += count
                continue
            shares = net.by_name[key[0]].daily_stays[key[1]].settled()
            spread = count[:, None] * shares[None, :]  # (regions, bins)
            if self.mode.stochastic:
                spread = _whole(spread, np.rint(count))
            occ[:, :, off : off + bins] += spread[None, :, :]
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
            store=_by_key(p.pairs, st.store),
            sink_store={name: st.sinks[:, :, i] for i, name in enumerate(p.sinks)},
            captures={name: st.captured[:, :, i] for i, name in enumerate(p.capture_keys)},
            initial_people=self.initial,
            final_people=inside + st.tomorrow.sum(axis=(1, 2)),
            external_people=st.external,
        )


def _whole(spread: F, totals: F) -> F:
    """Each row of ``spread`` in whole people adding up to ``totals``, by largest remainder."""
    out = np.floor(spread)
    for g in range(spread.shape[0]):
        short = int(totals[g] - out[g].sum())
        if short > 0:
            order = np.argsort(-(spread[g] - out[g]), kind="stable")[:short]
            out[g, order] += 1.0
    return out


def _by_key(pairs: Sequence[tuple[str, str]], store: F) -> dict[str, dict[str, F]]:
    """The store's series as ``{key: {series: (replicates, steps, regions)}}``."""
    out: dict[str, dict[str, F]] = {}
    for i, (key, name) in enumerate(pairs):
        out.setdefault(key, {})[name] = store[:, :, i]
    return out
