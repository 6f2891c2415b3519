"""The enforcement pipeline run on the engine: daily series of every stage, by region.

:func:`simulate` builds the network of :mod:`deportsim.model.network`, runs it on the compiled
engine in batches of replicates (each replicate has its own random streams, so results do not
depend on the batch size or the number of threads), and turns each batch's station series into
the model's series (:func:`deportsim.model.accounts.series`).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deportsim.engine import EngineResult, MeanField, Stochastic, Streams, over_threads
from deportsim.engine import simulate as run_network
from deportsim.engine.ahead import Ahead
from deportsim.engine.plan import Plan, StructureError
from deportsim.engine.snapshot import Snapshot
from deportsim.model.accounts import (
    NATIONAL_SERIES,
    REGIONAL_SERIES,
    REGIONAL_STORED,
    economy_national,
    factors,
    regional,
    series,
)
from deportsim.model.inputs import Inputs
from deportsim.model.network import BORDER, PATHS, Pipeline, build
from deportsim.model.stages.population import POOLS

__all__ = ["BATCH", "NATIONAL_SERIES", "REGIONAL_SERIES", "SimResult", "simulate"]

F = NDArray[np.float64]

#: Replicates run together on the engine; each batch's station series are turned into the model's
#: series and dropped, which bounds memory whatever the number of replicates.
BATCH = 25
#: At most this many replicate-days in a batch (a long run's batches are smaller): a batch's daily
#: results take about 2.5 kB a replicate-day until its series are made
BATCH_DAYS = 40_000
#: At most this many replicates in a batch when each has its own parameters: their inputs,
#: networks and plans (about 2 MB a replicate over 3 years) are made a batch or two ahead
OWN_BATCH = 10
#: Stations whose series the accounts read class by class (not the captures': their totals do).
CLASS_SERIES = ("community", "detention", "transport")


def _record(pipe: Pipeline) -> dict[str, tuple[str, ...]]:
    """The station and class series the accounts read (:mod:`deportsim.model.accounts`)."""
    record = {
        "community": ("occupancy", "captured"),
        "detention": ("admitted", "completed", "refused", "occupancy"),
        "appeal": ("occupancy", "admitted"),
        "atd": ("occupancy",),
        "staging": ("occupancy",),
        "transport": ("completed", "waiting", "occupancy"),
        f"transport[{BORDER}]": ("completed",),
        "transport[convicted]": ("completed",),
    }
    if pipe.hold_rooms:
        record["hold"] = ("occupancy", "refused")
    for pool in POOLS:
        record[f"community[{pool}]"] = ("occupancy",)
    # book-ins by ICE and CBP, and CBP's people held (the economy); the courts' backlog
    extra = {BORDER: ("admitted", "occupancy"), "contested": ("occupancy",)}
    for path in PATHS:
        record[f"detention[{path}]"] = ("completed", *extra.get(path, ()))
    return record


@dataclass(frozen=True)
class SimResult:
    """Daily series of a run: national (replicates, days) and regional (replicates, days, regions).

    ``regional`` holds the regional series kept for every replicate; :meth:`region` gives any
    of :data:`REGIONAL_SERIES` (the others are sums of them, or them times a daily factor).
    ``flows`` holds what every person did, for the conservation check: people in the model on
    day 0 and at the end, and those who arrived or left over the run, per replicate.
    """

    national: dict[str, F]
    regional: dict[str, F]
    regions: tuple[str, ...]
    days: int
    replicates: int
    flows: dict[str, F]
    factors: dict[str, F]
    #: the state on the day asked for with ``snapshot_at`` (:mod:`deportsim.engine.snapshot`)
    snapshot: Snapshot | None = None

    def region(self, name: str) -> F:
        """A regional series by name, shape (replicates, days, regions)."""
        return regional(name, self.regional, self.factors)

    def head(self, days: int) -> SimResult:
        """This run's first ``days`` days only (copies: the rest of its arrays can be freed)."""
        if not 0 < days <= self.days:
            raise ValueError(f"a run of {self.days} days has no first {days} days")
        return dataclasses.replace(
            self,
            national={n: v[:, :days].copy() for n, v in self.national.items()},
            regional={n: v[:, :days].copy() for n, v in self.regional.items()},
            factors={n: v[..., :days].copy() for n, v in self.factors.items()},
            days=days,
        )

    def then(self, rest: SimResult, day: int) -> SimResult:
        """This run's first ``day`` days followed by ``rest``, which went on from its snapshot.

        ``rest`` is a run resumed from this run's snapshot of day ``day`` (:func:`simulate`'s
        ``resume``), its inputs the same as this run's before that day; the result is the whole
        run, day 0 on, as one run would have given it. Its snapshot is ``rest``'s.
        The economy's series are counted again over the whole run (they add up from day 0).
        """
        if not 0 < day <= self.days or rest.replicates != self.replicates:
            raise ValueError(f"cannot join a run of {self.days} days at day {day}")
        at = self.snapshot
        if at is None or at.day != day:
            raise ValueError(f"this run kept no snapshot of day {day} for another to go on from")

        def join(head: dict[str, F], tail: dict[str, F], axis: int = 1) -> dict[str, F]:
            return {
                n: np.concatenate([np.take(head[n], range(day), axis=axis), v], axis=axis)
                for n, v in tail.items()
            }

        flows = {
            "initial": self.flows["initial"], "final": rest.flows["final"],
            "arrived": at.arrived + rest.flows["arrived"], "left": at.left + rest.flows["left"],
        }  # fmt: skip
        national, daily = join(self.national, rest.national), join(self.factors, rest.factors, -1)
        stored = join(self.regional, rest.regional)
        return SimResult(
            national | economy_national(national, stored, daily), stored,
            self.regions, day + rest.days, self.replicates, flows, daily, rest.snapshot,
        )  # fmt: skip


def _batch_size(batch: int, days: int, replicates: int, threads: int, *, own: bool) -> int:
    """Replicates a batch: at most ``batch`` and :data:`BATCH_DAYS` replicate-days.

    With their ``own`` inputs, at most :data:`OWN_BATCH`, and at least as many batches as threads.
    """
    size = max(1, min(batch, BATCH_DAYS // days))
    return min(size, OWN_BATCH, -(-replicates // threads)) if own else size


def _own_batch(
    inputs_for: Callable[[int], Inputs] | None, days: int, batch: int, replicates: int, r0: int
) -> tuple[list[Inputs], list[Pipeline], Plan | None]:
    """A batch's own inputs, networks and their plan (None: their structures differ).

    What the engine needs before it runs replicates ``r0 ..`` that each have their own
    parameters, made on :class:`~deportsim.engine.ahead.Ahead`'s thread.
    """
    assert inputs_for is not None  # noqa: S101 - only made for replicates with their own inputs
    xs = [inputs_for(r) for r in range(r0, min(r0 + batch, replicates))]
    pipes = [build(xr) for xr in xs]
    plans = [Plan.build(p.network, days, _record(p), CLASS_SERIES) for p in pipes]
    try:
        return xs, pipes, Plan.stack(plans)
    except StructureError:
        return xs, pipes, None


def _own_series(
    xs: list[Inputs], pipes: list[Pipeline], results: list[EngineResult]
) -> tuple[dict[str, F], dict[str, F], list[dict[str, F]]]:
    """Replicates run each on its own inputs: their series joined, and each one's daily factors."""
    ones = [series(xr, pr, res) for xr, pr, res in zip(xs, pipes, results, strict=True)]
    nat = {n: np.concatenate([o[0][n] for o in ones]) for n in ones[0][0]}
    reg = {n: np.concatenate([o[1][n] for o in ones]) for n in ones[0][1]}
    return nat, reg, [factors(xr) for xr in xs]


def _stack(daily: list[dict[str, F]]) -> dict[str, F]:
    """Replicates' own daily factors as one (replicates, days) array each."""
    return {name: np.stack([d[name] for d in daily]) for name in daily[0]}


def _flows_into(flows: dict[str, F], r0: int, r1: int, results: list[EngineResult]) -> None:
    """A batch's people at the start and end, and arrived and left, into rows ``r0 .. r1``."""
    flows["initial"][r0:r1] = np.concatenate([r.initial_people for r in results])
    flows["final"][r0:r1] = np.concatenate([r.final_people for r in results])
    flows["arrived"][r0:r1] = np.concatenate([r.external_people for r in results])
    flows["left"][r0:r1] = np.concatenate(
        [sum(v.sum(axis=(1, 2)) for v in r.sinks.values()) for r in results]
    )


def _first_kept(days: int, skip: int, resume: Snapshot | None) -> int:
    """The first day whose series a run keeps: ``skip``, or the day it goes on from."""
    if not 0 <= skip < days:
        raise ValueError(f"skip must be from 0 to {days - 1} days, not {skip}")
    if resume is not None and skip:
        raise ValueError("a run that goes on from a snapshot skips no days of its own")
    return skip if resume is None else resume.day


def _kept(
    x: Inputs, replicates: int, days: int, keep: bool, drawn: bool
) -> tuple[dict[str, F], dict[str, F], dict[str, F]]:
    """Zeros for the whole run's series, to be filled batch by batch; nothing unless ``keep``.

    The national and regional series, and (``drawn``) each replicate's own daily factors.
    """
    if not keep:
        return {}, {}, {}
    national = {n: np.zeros((replicates, days)) for n in NATIONAL_SERIES}
    regional = {n: np.zeros((replicates, days, len(x.regions))) for n in REGIONAL_STORED}
    own = {n: np.zeros((replicates, x.days)) for n in factors(x)} if drawn else {}
    return national, regional, own


def simulate(
    x: Inputs,
    replicates: int,
    streams: Streams,
    on_day: Callable[[int], None] | None = None,
    *,
    threads: int | None = None,
    batch: int = BATCH,
    pipeline: Pipeline | None = None,
    mean_field: bool = False,
    on_batch: Callable[[int, dict[str, F], dict[str, F]], None] | None = None,
    inputs_for: Callable[[int], Inputs] | None = None,
    skip: int = 0,
    keep: bool = True,
    on_factors: Callable[[int, dict[str, F]], None] | None = None,
    resume: Snapshot | None = None,
    snapshot_at: int | None = None,
) -> SimResult:
    """Run ``replicates`` replicates of the pipeline over ``x.days`` days.

    Step order within a day: the engine's (:func:`deportsim.engine.kernels.run_days`), over the
    stations of :mod:`deportsim.model.network` in their order: community (exits, then its
    captures: jail transfers, at-large arrests by channel, court completions, induced
    departures), appeal, booking, detention, hold rooms (when the run has any), alternatives to
    detention, staging, transport. ``on_day(t)`` reports progress over all batches (replicate-days
    done, as days of the whole run: once for each day, in order). ``threads`` defaults to the
    machine's cores.
    ``mean_field`` replaces every random count by its expected value (every replicate is then
    the same): the deterministic skeleton of the model, used by direction tests and searches.
    Batches of ``batch`` replicates run side by side on ``threads`` threads, each batch on one
    (:func:`deportsim.engine.batches.over_threads`). ``on_batch(r0, national, regional)``
    receives each batch's series as soon as they are ready (from the thread that ran it, so
    batches may come in any order): national (replicates, days) and the stored regional
    (replicates, days, regions) arrays of replicates ``r0 ..``.
    ``inputs_for(r)``, if given, is replicate ``r``'s own inputs (its drawn parameters:
    :mod:`deportsim.run.draws`): each replicate then runs on its own network, a batch's
    networks together in one call of the engine (one replicate at a time if their structures
    differ), made ready on a thread of their own (:class:`~deportsim.engine.ahead.Ahead`); the
    same numbers as each alone. ``x`` gives the days and regions, and ``SimResult.factors`` are
    per replicate, (replicates, days).
    ``skip``: the first days are simulated but not kept (a bridge from the state of a date to a
    later start): every series, ``on_batch``'s included, begins after them.
    ``keep`` False: the series are given to ``on_batch`` only, batch after batch, and not kept
    for the whole run (the result's ``national``, ``regional`` and ``factors`` are empty), so
    that memory does not grow with the number of replicates. ``on_factors(r0, factors)``, with
    ``inputs_for``: each batch's daily factors, (replicates, days) from ``skip`` on, just before
    ``on_batch`` receives its series (from the inputs the batch ran on: not computed again).
    ``snapshot_at``: the state at the start of that day is kept in the result's ``snapshot``;
    ``resume``: the run goes on from such a snapshot (of a run whose inputs were the same before
    its day), its series beginning on that day (:meth:`SimResult.then` puts the two together):
    the same numbers as one run from day 0, in the time of the days after the snapshot.
    """
    pipe = pipeline if pipeline is not None else build(x)
    threads = threads or os.cpu_count() or 1
    skip = _first_kept(x.days, skip, resume)
    ran = x.days - (0 if resume is None else resume.day)  # days the engine runs
    snapshots: dict[int, list[Snapshot]] = {}  # by first replicate, when one is asked for
    kept = x.days - skip
    national, regional, per_replicate = _kept(x, replicates, kept, keep, inputs_for is not None)
    flows = {n: np.zeros(replicates) for n in ("initial", "final", "arrived", "left")}
    batch = _batch_size(batch, x.days, replicates, threads, own=inputs_for is not None)

    def engine(
        pipes: list[Pipeline], r0: int, r1: int, done: Callable[[int], None],
        plan: Plan | None = None,
    ) -> EngineResult:  # fmt: skip
        """Replicates ``r0 .. r1 - 1`` on the engine: one network for all, or one each."""
        return run_network(
            [p.network for p in pipes], x.days, r1 - r0,
            MeanField() if mean_field else Stochastic(streams, first_replicate=r0), plan=plan,
            initial=None if resume is not None else [p.initial for p in pipes], settled=True,
            record=_record(pipes[0]), record_classes=CLASS_SERIES,
            on_day=lambda _t: done(r1 - r0),
            resume=None if resume is None else resume.rows(r0, r1), snapshot_at=snapshot_at,
        )  # fmt: skip

    def run_batch(r0: int, r1: int, done: Callable[[int], None]) -> None:
        """One batch on one thread, its series written into its rows of the results."""
        if inputs_for is None:
            res = engine([pipe], r0, r1, done)
            nat, reg = series(x, pipe, res)
            store(r0, r1, nat, reg, [res], daily=factors(x))
            return
        # each replicate's own inputs and network, made ready on another thread, run together
        xs, pipes, plan = ready.take(r0)
        if plan is not None:
            results = [engine(pipes, r0, r1, done, plan)]
            parts = [results[0].rows(i, i + 1) for i in range(r1 - r0)]
        else:  # networks of different shapes: one replicate at a time
            results = parts = [engine([p], r0 + i, r0 + i + 1, done) for i, p in enumerate(pipes)]
        nat, reg, daily = _own_series(xs, pipes, parts)
        for i, own in enumerate(daily if keep else ()):
            for name, values in own.items():
                per_replicate[name][r0 + i] = values
        if on_factors is not None:
            on_factors(r0, {n: np.stack([d[n] for d in daily])[:, skip:] for n in daily[0]})
        store(r0, r1, nat, reg, results, daily=_stack(daily))

    def store(
        r0: int, r1: int, nat: dict[str, F], reg: dict[str, F], results: list[EngineResult],
        *, daily: dict[str, F],
    ) -> None:  # fmt: skip
        """A batch's series and flows into rows ``r0 .. r1`` of the results.

        The economy's series are added here, counted from the first day kept (``daily``: the
        batch's factors, (days,) or (replicates, days)).
        """
        if skip:
            nat = {name: values[:, skip:] for name, values in nat.items()}
            reg = {name: values[:, skip:] for name, values in reg.items()}
            daily = {name: values[..., skip:] for name, values in daily.items()}
        nat = nat | economy_national(nat, reg, daily)
        if keep:
            for name, values in nat.items():
                national[name][r0:r1] = values
            for name, values in reg.items():
                regional[name][r0:r1] = values
        _flows_into(flows, r0, r1, results)
        snapshots[r0] = [r.snapshot for r in results if r.snapshot is not None]
        if on_batch is not None:
            on_batch(r0, nat, reg)

    starts = range(0, replicates, batch) if inputs_for is not None else range(0)
    made = functools.partial(_own_batch, inputs_for, x.days, batch, replicates)
    with Ahead(starts, made, ahead=threads) as ready:
        over_threads(
            replicates, run_batch, batch_size=batch, threads=threads, days=ran, on_day=on_day
        )
    daily = per_replicate if inputs_for is not None else factors(x)
    daily = {name: values[..., skip:] for name, values in daily.items()} if keep else {}
    parts = [p for r0 in sorted(snapshots) for p in snapshots[r0]]
    return SimResult(
        national, regional, x.regions, kept, replicates, flows, daily,
        Snapshot.join(parts) if snapshot_at is not None else None,
    )  # fmt: skip
