"""A run's state on one day, kept so that a later run can go on from it.

A :class:`Snapshot` holds everything the compiled loop carries from one day to the next (people
by age bin, queues, people in transit, the random generators' states) at the start of day
``day``, for each replicate. :func:`deportsim.engine.runs.simulate` takes one with
``snapshot_at`` and goes on from one with ``resume``: a run that goes on from day ``d`` of
another gives, from day ``d`` on, the very numbers that run would have given, provided its
network has the same values on the days before ``d`` (the caller's to check: what a network
does before ``d`` is not kept) and the same structure (checked here: stations, classes, age
bins, random streams and regions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Snapshot"]

F = NDArray[np.float64]


@dataclass(frozen=True)
class Snapshot:
    """The state of ``replicates`` replicates at the start of day ``day`` (see the module)."""

    day: int
    classes: tuple[tuple[str, str], ...]  # (station, class) of each class number
    streams: tuple[str, ...]  # random stream names, by number
    regions: tuple[str, ...]
    occ: F  # (replicates, regions, age bins)
    queue: F  # (replicates, regions, classes)
    tomorrow: F  # (replicates, regions, classes)
    rng: NDArray[np.uint64]  # (streams, replicates, 4)
    # people who arrived from outside, and who left into sinks, from day 0 to the snapshot's day
    # (over every run of a chain of runs that went on from each other's snapshots)
    arrived: F  # (replicates,)
    left: F  # (replicates,)

    @property
    def replicates(self) -> int:
        """Replicates held."""
        return int(self.occ.shape[0])

    @property
    def people(self) -> F:
        """People in stations, queues and in transit, per replicate."""
        total = self.occ.sum(axis=(1, 2)) + self.queue.sum(axis=(1, 2))
        return np.asarray(total + self.tomorrow.sum(axis=(1, 2)), dtype=np.float64)

    def rows(self, r0: int, r1: int) -> Snapshot:
        """Replicates ``r0 .. r1 - 1`` only."""
        if not 0 <= r0 < r1 <= self.replicates:
            raise ValueError(f"replicates {r0}..{r1 - 1} of a snapshot of {self.replicates}")
        return Snapshot(
            self.day, self.classes, self.streams, self.regions, self.occ[r0:r1],
            self.queue[r0:r1], self.tomorrow[r0:r1], self.rng[:, r0:r1], self.arrived[r0:r1],
            self.left[r0:r1],
        )  # fmt: skip

    @classmethod
    def join(cls, parts: Sequence[Snapshot]) -> Snapshot:
        """Snapshots of consecutive ranges of replicates of one run, in order, as one."""
        first = parts[0]
        for p in parts[1:]:
            if (p.day, p.classes, p.streams, p.regions) != (
                first.day, first.classes, first.streams, first.regions,
            ):  # fmt: skip
                raise ValueError("snapshots of different days or networks cannot be joined")
        return cls(
            first.day, first.classes, first.streams, first.regions,
            np.concatenate([p.occ for p in parts]), np.concatenate([p.queue for p in parts]),
            np.concatenate([p.tomorrow for p in parts]),
            np.concatenate([p.rng for p in parts], axis=1),
            np.concatenate([p.arrived for p in parts]), np.concatenate([p.left for p in parts]),
        )  # fmt: skip

    def check_fits(
        self, classes: Sequence[tuple[str, str]], streams: Sequence[str],
        regions: Sequence[str], *, age_bins: int, replicates: int, days: int,
    ) -> None:  # fmt: skip
        """ValueError unless a run of this network can go on from this snapshot."""
        why = []
        if tuple(classes) != self.classes:
            why.append("its stations or classes differ")
        if tuple(streams) != self.streams:
            why.append("its random streams differ")
        if tuple(regions) != self.regions:
            why.append("its regions differ")
        if age_bins != self.occ.shape[2]:
            why.append(f"its stays have {age_bins} age bins, not {self.occ.shape[2]}")
        if replicates != self.replicates:
            why.append(f"it has {replicates} replicates, not {self.replicates}")
        if not 0 < self.day < days:
            why.append(f"the snapshot's day {self.day} is not within its {days} days")
        if why:
            raise ValueError("the run cannot go on from this snapshot: " + "; ".join(why))
