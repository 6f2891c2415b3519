"""Runs that go on from an earlier run's state instead of starting again from day 0.

A requirements search runs the same scenario many times, up to the end of the year it looks at,
with levels that differ only from that year on (officers from their ramp-up before it). Each run
of year ``y`` would simulate the years before it again; instead it goes on from the state, kept
on an earlier day (:mod:`deportsim.engine.snapshot`), of an earlier run whose inputs were the
same until then (:meth:`deportsim.model.Inputs.same_before`), and its series are that run's
followed by its own (:meth:`deportsim.model.SimResult.then`). Same inputs and random streams
before the day, same state on it: the numbers are those of a run from day 0 (tested).

The runs of a year keep their state on the first day their levels can change (the year's first
day, less the officers' ramp-up), so that the year's next runs go on from there; the next year's
first run goes on from it too, since the levels of a year leave the days before it alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deportsim.engine.snapshot import Snapshot
from deportsim.model import Inputs, SimResult

__all__ = ["Continued"]

Masks = Mapping[str, NDArray[np.bool_]]
#: ``(resume, snapshot_at) ->`` the run, going on from ``resume`` (None: from day 0) and keeping
#: its state on ``snapshot_at`` (None: none)
Runner = Callable[[Snapshot | None, int | None], SimResult]


@dataclass(frozen=True)
class _Kept:
    """A run whose state on its snapshot's day later runs may go on from."""

    inputs: Inputs
    exact: Masks  # by parameter, the days its replicates' draws keep as set (compared too)
    sim: SimResult  # its days before the snapshot, from day 0, with the snapshot

    @property
    def day(self) -> int:
        return self.sim.snapshot.day if self.sim.snapshot is not None else 0

    def fits(self, inputs: Inputs, exact: Masks) -> bool:
        """Whether a run of ``inputs`` is this run until the snapshot's day."""
        day = self.day
        if not inputs.same_before(self.inputs, day) or exact.keys() != self.exact.keys():
            return False
        return all(np.array_equal(exact[k][:day], self.exact[k][:day]) for k in exact)


class Continued:
    """Runs of one scenario, each going on from the latest fitting state an earlier one kept.

    ``keep`` states are kept at most (the latest); each holds its run's series from day 0.
    ``days_run`` and ``days_skipped`` count the days simulated and those taken from kept states.
    """

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self._kept: list[_Kept] = []
        self.days_run = 0
        self.days_skipped = 0

    def run(
        self, inputs: Inputs, run: Runner, *, snapshot_at: int, exact: Masks | None = None
    ) -> SimResult:
        """The run of ``inputs`` (``run`` does it), its state on ``snapshot_at`` kept if it can.

        ``exact``: day masks that the run's replicates depend on besides ``inputs`` (their
        draws' days kept exact), compared like them.
        """
        masks: Masks = exact or {}
        fitting = [k for k in self._kept if k.day < inputs.days and k.fits(inputs, masks)]
        base = max(fitting, key=lambda k: k.day, default=None)
        first = 0 if base is None else base.day
        at = snapshot_at if first < snapshot_at < inputs.days else None
        rest = run(None if base is None else base.sim.snapshot, at)
        sim = rest if base is None else base.sim.then(rest, first)
        self.days_run += inputs.days - first
        self.days_skipped += first
        if at is not None:  # kept: the days before the snapshot (the rest is another run's)
            self._kept = [*self._kept, _Kept(inputs, masks, sim.head(at))][-self.keep :]
        return sim
