"""Running a network: people placed on day 0, days advanced by the compiled loop, results kept.

:func:`simulate` runs one network (:mod:`deportsim.engine.network`) over days and replicates;
:func:`run_batches` runs many replicates in batches on threads
(:func:`~deportsim.engine.batches.over_threads`).
The step order of a day is written once, in :func:`deportsim.engine.kernels.run_days`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from deportsim.engine.arrays import Mode, Scratch, State
from deportsim.engine.batches import DEFAULT_BATCH, over_threads
from deportsim.engine.kernels import run_days
from deportsim.engine.network import Key, Network
from deportsim.engine.plan import ClassRecord, Plan, RecordSpec
from deportsim.engine.result import SERIES, EngineResult
from deportsim.engine.sampling import MeanField, Sampler, Stochastic
from deportsim.engine.snapshot import Snapshot
from deportsim.engine.streams import Streams

__all__ = ["CHUNK", "REFILL_ROUNDS", "run_batches", "simulate"]

#: Days per call of the compiled loop (between two calls, ``on_day`` reports progress).
CHUNK = 64
#: At most this many times a day, places left by same-day leavers are offered again to people
#: waiting. Rounds stop as soon as no place was freed (whole people) or less than a millionth of a
#: person (mean-field); even stays of a tenth of a day need fewer than 40.
REFILL_ROUNDS = 200

F = NDArray[np.float64]
#: People placed in stations before day 0: by (station, class), a number or one by region
Initial = Mapping[Key, float | ArrayLike]


def simulate(
    net: Network | Sequence[Network],
    days: int,
    replicates: int,
    sampler: Sampler,
    *,
    initial: Initial | Sequence[Initial] | None = None,
    settled: bool = False,
    record: RecordSpec = SERIES,
    record_classes: ClassRecord = False,
    period: int = 1,
    threads: int = 1,
    on_day: Callable[[int], None] | None = None,
    resume: Snapshot | None = None,
    snapshot_at: int | None = None,
    plan: Plan | None = None,
) -> EngineResult:
    """Run the network for ``days`` days; every replicate and region advances together.

    Step order within a day: :func:`deportsim.engine.kernels.run_days`, which is the compiled
    loop itself.

    Results are kept in steps of ``period`` days (1: daily): flows summed over a step, stocks
    (occupancy, waiting) averaged over its end-of-day counts; the last step may be shorter.
    ``threads`` splits the replicates into that many ranges run side by side
    (:func:`deportsim.engine.batches.over_threads`), which changes nothing in the results (each
    replicate has its own random streams). ``on_day(t)`` reports progress once for each day
    ``t``, in order, when ``t + 1`` days' worth of replicate-days are done (on one thread: after
    day ``t``), in chunks of :data:`CHUNK` days. ``initial[(station, class)]`` puts people in a
    station before day 0 (a number or shape (regions,), per replicate), as long-time occupants
    (the tail age bin), or, with ``settled``, spread over the age bins as in a station long fed
    at a steady pace (:meth:`DailyStay.settled`; whole people by largest remainder in the
    stochastic mode), so that they leave at the pace of their stay from day 0. Every person is
    in exactly one station, queue, transit list or sink at the end of each day;
    :meth:`EngineResult.check_conservation` verifies it. ``record`` names the series kept for
    every key, or maps keys (``"station"``, ``"station[class]"``) to their own series, which
    keeps memory to what is read. ``record_classes`` keeps the series of each class too: of
    every station and capture (True), or of the stations and captures (``"station.capture"``)
    it names. With ``"captured"`` recorded, each capture's own count is kept too
    (:attr:`EngineResult.captures`).

    ``snapshot_at``: the state at the start of that day is kept (:attr:`EngineResult.snapshot`).
    ``resume``: the run goes on from a snapshot (:mod:`deportsim.engine.snapshot`) instead of
    placing people on day 0: it runs days ``resume.day .. days - 1`` only, its series are 0
    before them and its ``initial_people`` are the snapshot's. From ``resume.day`` on it gives
    the numbers of the run the snapshot was taken from, provided the network's values before
    that day are the same (not checked here; its structure is). ``on_day`` then counts the days
    run from 0.

    ``net`` may also be one network per replicate (their parameters drawn for each), with the
    same structure and different values (:meth:`~deportsim.engine.plan.Plan.stack`), and
    ``initial`` then one mapping per replicate (a list of one network and one mapping: the
    same as giving them alone): the replicates still run together, in one call
    of the loop, each with its own values, and give the numbers each would give on its own.
    ``plan``: the networks' plan, already made (:meth:`Plan.build` with these ``days``,
    ``record`` and ``record_classes``; :meth:`Plan.stack` of the plans of several), so that it
    need not be made here.
    """
    asked = record.values() if isinstance(record, Mapping) else [record]
    unknown = {name for names in asked for name in names} - set(SERIES)
    if unknown:
        raise ValueError(f"unknown series {sorted(unknown)}; choose from {SERIES}")
    if threads < 1 or period < 1 or days < 1 or replicates < 1:
        raise ValueError("days, replicates, period and threads must be at least 1")
    nets = [net] if isinstance(net, Network) else list(net)
    if len(nets) != 1 and len(nets) != replicates:
        raise ValueError(f"{len(nets)} networks for {replicates} replicates: give one or one each")
    if plan is None:
        plan = Plan.stack([Plan.build(n, days, record, record_classes) for n in nets])
    regions = nets[0].regions
    first = 0 if resume is None else resume.day
    if snapshot_at is not None and not first < snapshot_at < days:
        raise ValueError(f"snapshot_at must be a day after {first} and before {days}")
    if resume is not None:
        resume.check_fits(
            plan.classes, plan.streams, regions, age_bins=plan.age_bins,
            replicates=replicates, days=days,
        )  # fmt: skip
        if first % period or initial:
            raise ValueError("a run goes on from a snapshot on a step's first day, with no initial")
    run = _Run(plan, days, replicates, len(regions), sampler, period=period, resume=resume)
    if resume is None:
        run.place_each(nets, initial, settled)
    if snapshot_at is not None:
        run.want_snapshot()
    cuts = {*range(first, days, CHUNK), *(() if snapshot_at is None else (snapshot_at,))}
    bounds = [*sorted(cuts), days]

    def advance(r0: int, r1: int, done: Callable[[int], None]) -> None:
        """Replicates ``r0 .. r1 - 1`` through every day, a chunk of days at a time."""
        scratch = run.scratch()
        for t0, t1 in itertools.pairwise(bounds):
            if t0 == snapshot_at:
                run.keep(r0, r1, t0)
            run.advance(t0, t1, r0, r1, scratch)
            done((r1 - r0) * (t1 - t0))

    per_thread = -(-replicates // threads)  # one range of replicates per thread
    over_threads(
        replicates, advance, batch_size=per_thread, threads=threads, days=days - first,
        on_day=on_day,
    )  # fmt: skip
    return run.result(regions, snapshot_at)


def run_batches(
    net: Network,
    days: int,
    replicates: int,
    seed: int = 0,
    *,
    mode: Literal["stochastic", "mean-field"] = "stochastic",
    batch_size: int = DEFAULT_BATCH,
    workers: int | None = None,
    initial: Mapping[Key, float | ArrayLike] | None = None,
    record: RecordSpec = SERIES,
    record_classes: ClassRecord = False,
    period: int = 1,
) -> EngineResult:
    """Run ``replicates`` replicates in batches of ``batch_size``, ``workers`` at once.

    Each batch is a run of its own (:func:`simulate`), its replicates numbered from the batch's
    first (``Stochastic(..., first_replicate=...)``), and the batches are run by
    :func:`deportsim.engine.batches.over_threads` (``workers``: default, all cores) and joined in
    order. Replicate ``i`` always draws from the streams of ``(seed, i)``, so the result depends
    on the seed only: not on the batch size nor on the number of workers. The mean-field mode
    has one deterministic path, so it runs a single replicate.
    """
    if replicates < 1 or batch_size < 1:
        raise ValueError("replicates and batch_size must be positive")

    def batch(r0: int, r1: int, _done: Callable[[int], None]) -> EngineResult:
        sampler: Sampler = (
            Stochastic(Streams(seed), first_replicate=r0) if mode == "stochastic" else MeanField()
        )
        return simulate(
            net, days, r1 - r0, sampler, initial=initial, record=record,
            record_classes=record_classes, period=period,
        )  # fmt: skip

    if mode == "mean-field":
        return batch(0, 1, lambda _n: None)
    parts = over_threads(replicates, batch, batch_size=batch_size, threads=workers)
    return EngineResult.concat(parts)


class _Run:
    """The arrays of one run (state, results, random streams) and the compiled loop over them."""

    def __init__(
        self, plan: Plan, days: int, replicates: int, regions: int, sampler: Sampler, *,
        period: int, resume: Snapshot | None = None,
    ) -> None:  # fmt: skip
        self.plan, self.days, self.replicates, self.period = plan, days, replicates, period
        self.mode = Mode(sampler.stochastic, sampler.exact_below, REFILL_ROUNDS, days, period)
        steps = -(-days // period)
        queue = np.zeros((replicates, regions, len(plan.classes)))
        self.state = State(
            occ=np.zeros((replicates, regions, plan.age_bins)),
            queue=queue,
            tomorrow=np.zeros_like(queue),
            rng=(sampler.states(plan.streams, replicates) if resume is None else resume.rng.copy()),
            external=np.zeros(replicates),
            store=np.zeros((replicates, steps, len(plan.pairs), regions)),
            sinks=np.zeros((replicates, steps, len(plan.sinks), regions)),
            captured=np.zeros((replicates, steps, len(plan.capture_keys), regions)),
        )
        self.initial = np.zeros(replicates)
        if resume is not None:
            self.state.occ[...] = resume.occ
            self.state.queue[...] = resume.queue
            self.state.tomorrow[...] = resume.tomorrow
            self.initial = resume.people
        self.before = resume
        self.kept: tuple[F, F, F, NDArray[np.uint64], F, F] | None = None

    def want_snapshot(self) -> None:
        """Make room for a snapshot (before the threads start: each then keeps its own rows)."""
        st, n = self.state, self.replicates
        self.kept = (
            np.empty_like(st.occ), np.empty_like(st.queue), np.empty_like(st.tomorrow),
            np.empty_like(st.rng), np.zeros(n), np.zeros(n),
        )  # fmt: skip

    def keep(self, r0: int, r1: int, day: int) -> None:
        """Keep the state of replicates ``r0 .. r1 - 1`` at the start of ``day`` (a snapshot)."""
        st = self.state
        if self.kept is None:
            raise RuntimeError("no snapshot was asked for")
        occ, queue, tomorrow, rng, arrived, left = self.kept
        occ[r0:r1], queue[r0:r1] = st.occ[r0:r1], st.queue[r0:r1]
        tomorrow[r0:r1], rng[:, r0:r1] = st.tomorrow[r0:r1], st.rng[:, r0:r1]
        before = self.before
        arrived[r0:r1] = st.external[r0:r1] + (0.0 if before is None else before.arrived[r0:r1])
        gone = st.sinks[r0:r1, : day // self.period].sum(axis=(1, 2, 3))
        left[r0:r1] = gone + (0.0 if before is None else before.left[r0:r1])

    def place_each(
        self, nets: Sequence[Network], initial: Initial | Sequence[Initial] | None, settled: bool
    ) -> None:
        """:meth:`place` for one network, or for each replicate's own (and its own people)."""
        people = [initial or {}] * len(nets) if isinstance(initial, Mapping | None) else initial
        if len(people) != len(nets):
            raise ValueError(f"{len(people)} initial mappings for {len(nets)} networks")
        one = len(nets) == 1  # one network for every replicate
        for r, (n, init) in enumerate(zip(nets, people, strict=True)):
            self.place(init, n if settled else None, rows=slice(None) if one else slice(r, r + 1))
        self.initial = self.state.occ.sum(axis=(1, 2))

    def place(
        self, initial: Initial, net: Network | None = None, rows: slice = slice(None)
    ) -> None:
        """Put people in stations before day 0 (in replicates ``rows``: all by default).

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
                occ[rows, :, off + bins - 1] += count
                continue
            shares = net.by_name[key[0]].daily_stays[key[1]].settled()
            spread = count[:, None] * shares[None, :]  # (regions, bins)
            if self.mode.stochastic:
                spread = _whole(spread, np.rint(count))
            occ[rows, :, off : off + bins] += spread[None, :, :]

    def scratch(self) -> Scratch:
        """Scratch space for one thread of the loop."""
        _, regions, classes = self.state.queue.shape
        return Scratch.make(regions, classes, int(self.plan.arrays.st_nk.max(initial=1)))

    def advance(self, t0: int, t1: int, r0: int, r1: int, day: Scratch) -> None:
        """Days ``t0 .. t1 - 1`` for replicates ``r0 .. r1 - 1`` (releases the GIL)."""
        run_days(t0, t1, r0, r1, self.plan.arrays, self.mode, self.state, day)

    def result(self, regions: tuple[str, ...], snapshot_at: int | None = None) -> EngineResult:
        """The run's results, sharing its arrays (with the state kept on ``snapshot_at``)."""
        p, st = self.plan, self.state
        snapshot = None
        if snapshot_at is not None and self.kept is not None:
            snapshot = Snapshot(snapshot_at, p.classes, p.streams, regions, *self.kept)
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
            snapshot=snapshot,
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
