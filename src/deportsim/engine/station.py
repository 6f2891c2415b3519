"""Stations: places where people stay for a while, with or without a capacity limit.

A station keeps its occupants by age (end-of-day counts since admission), so that any stay
distribution can be represented exactly in daily steps (see :mod:`deportsim.engine.delays`). Its
capacity is either a number of *places* (beds: at most that many people at the end of a day) or a
number of *starts* a day (judges or seats: at most that many admissions a day). People who cannot
be admitted wait in a queue, are lost, or are diverted to another station (the overflow policy).
Several classes share the station; free capacity goes to them in priority order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from deportsim.engine.delays import DailyStay, Delay
from deportsim.engine.sampling import Sampler

__all__ = ["REFILL_ROUNDS", "Station", "StationState"]

#: At most this many times a day, places left by same-day leavers are offered again to people
#: waiting. Rounds stop as soon as no place was freed (whole people) or less than a millionth of a
#: person (mean-field); even stays of a tenth of a day need fewer than 40.
REFILL_ROUNDS = 200

F = NDArray[np.float64]
Overflow = Literal["queue", "lose", "divert"]


@dataclass(frozen=True)
class Station:
    """What a station is: its stays, capacity, classes and overflow policy.

    Args:
        name: unique name (used in results as ``name.series``).
        stay: the stay of every class, or a mapping class → stay.
        capacity: ``None`` for unlimited; else a number, or a daily array of shape (days,)
            or (days, regions).
        capacity_kind: ``"places"`` (people present at the end of a day) or ``"starts"``
            (admissions per day). For servers with short services, starts = servers / mean service.
        pooled: True when one capacity serves all regions (a national bed pool); False when
            ``capacity`` is per region.
        classes: class names in priority order (the first is admitted first).
        overflow: what happens to people who find no capacity: wait (``queue``), leave the
            system (``lose``) or go to ``divert_to`` (``divert``).
        divert_to: the station that takes diverted people (same class name if it has it, else its
            first class).
    """

    name: str
    stay: Delay | Mapping[str, Delay]
    capacity: float | ArrayLike | None = None
    capacity_kind: Literal["places", "starts"] = "places"
    pooled: bool = True
    classes: tuple[str, ...] = ("all",)
    overflow: Overflow = "queue"
    divert_to: str | None = None
    daily_stays: Mapping[str, DailyStay] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.classes or len(set(self.classes)) != len(self.classes):
            raise ValueError(f"{self.name}: classes must be unique and not empty")
        if (self.overflow == "divert") != (self.divert_to is not None):
            raise ValueError(f"{self.name}: divert_to goes with overflow='divert' (and only then)")
        stays = (
            self.stay if isinstance(self.stay, Mapping) else dict.fromkeys(self.classes, self.stay)
        )
        missing = [c for c in self.classes if c not in stays]
        if missing:
            raise ValueError(f"{self.name}: no stay for class(es) {missing}")
        # the daily forms are computed once, here
        object.__setattr__(self, "daily_stays", {c: stays[c].daily() for c in self.classes})

    def capacity_by_day(self, days: int, regions: int) -> F | None:
        """Capacity by day: shape (days,) if pooled, else (days, regions); None if unlimited."""
        if self.capacity is None:
            return None
        cap = np.asarray(self.capacity, dtype=np.float64)
        if np.any(cap < 0):
            raise ValueError(f"{self.name}: capacity must not be negative")
        shape = (days,) if self.pooled else (days, regions)
        if cap.ndim == 0 or (cap.ndim == 1 and not self.pooled and cap.shape == (regions,)):
            return np.broadcast_to(cap, shape).astype(np.float64)
        if cap.shape != shape:
            raise ValueError(f"{self.name}: capacity has shape {cap.shape}, expected {shape}")
        return cap


class StationState:
    """Occupants by class, region and age bin, and the queue; shape (replicates, regions, ...)."""

    def __init__(self, station: Station, replicates: int, regions: int) -> None:
        self.station = station
        self.occ = {
            c: np.zeros((replicates, regions, max(s.ages, 1)))
            for c, s in station.daily_stays.items()
        }
        self.queue = {c: np.zeros((replicates, regions)) for c in station.classes}
        # hazard of leaving during the next day, for each bin (the last bin is the tail)
        self.next_hazard = {}
        self.first_hazard = {}
        for c, s in station.daily_stays.items():
            h = s.hazards()
            self.first_hazard[c] = float(h[0]) if s.ages else float(s.tail_hazard)
            self.next_hazard[c] = h[1:] if s.ages else np.array([s.tail_hazard])

    def place(self, cls: str, people: F) -> None:
        """Put ``people`` (replicates, regions) in as if admitted long ago (the tail bin)."""
        self.occ[cls][..., -1] += people

    def occupancy(self) -> F:
        """People present, shape (replicates, regions)."""
        return np.asarray(sum(o.sum(axis=-1) for o in self.occ.values()))

    def waiting(self) -> F:
        """People queueing, shape (replicates, regions)."""
        return np.asarray(sum(self.queue.values()))

    def exits(self, sampler: Sampler, day_stream: str) -> dict[str, F]:
        """Today's leavers among yesterday's occupants, by class; occupants age by one day."""
        out: dict[str, F] = {}
        for c, occ in self.occ.items():
            leave = sampler.binomial(f"{day_stream}.exit.{c}", occ, self.next_hazard[c])
            np.subtract(occ, leave, out=occ)  # in place: the dict keeps the same array
            if occ.shape[-1] > 1:  # age by one day; the tail bin keeps its own
                occ[..., -1] += occ[..., -2]
                occ[..., 1:-1] = occ[..., :-2]
                occ[..., 0] = 0.0
            out[c] = leave.sum(axis=-1)
        return out

    def admit(
        self,
        sampler: Sampler,
        day_stream: str,
        candidates: dict[str, F],
        free: F | None,
        pooled: bool,
    ) -> tuple[dict[str, F], dict[str, F], dict[str, F]]:
        """Admit candidates (queue + today's arrivals) into free capacity in priority order.

        At a ``places`` station, a place left the same day by someone whose stay ended on their
        first day is offered again, that day, to the people still waiting, until no place is
        freed (at most :data:`REFILL_ROUNDS` rounds). Returns (admitted, same-day leavers,
        refused) by class; refused people are still the caller's to queue, lose or divert.
        ``free`` is (replicates,) if pooled, else (replicates, regions); None means unlimited.
        """
        classes = self.station.classes
        want = dict(candidates)
        admitted = {c: np.zeros_like(want[c]) for c in classes}
        same_day = {c: np.zeros_like(want[c]) for c in classes}
        refill = free is not None and self.station.capacity_kind == "places"
        for _ in range(REFILL_ROUNDS if refill else 1):
            freed = None if free is None else np.zeros_like(free)
            for c in classes:
                take, free = _allocate(want[c], free, pooled, sampler.stochastic)
                leave = sampler.binomial(f"{day_stream}.first.{c}", take, self.first_hazard[c])
                self.occ[c][..., 0] += take - leave
                admitted[c] += take
                same_day[c] += leave
                want[c] = want[c] - take
                if freed is not None:
                    freed += leave.sum(axis=1) if pooled else leave
            if not refill or freed is None or not np.any(freed > 1e-6):
                break
            if not any(np.any(w > 0) for w in want.values()):
                break
            free = freed  # the places left today, for whoever still waits
        return admitted, same_day, want


def _allocate(want: F, free: F | None, pooled: bool, integer: bool) -> tuple[F, F | None]:
    """Take as many of ``want`` (replicates, regions) as ``free`` allows: (taken, free left)."""
    if free is None:
        return want, None
    if pooled and want.shape[1] == 1:  # one region: no sharing to do
        take = np.minimum(want, free[:, None])
        return take, free - take[:, 0]
    if pooled:
        take = _share(np.minimum(want.sum(axis=1), free), want, integer=integer)
        return take, free - take.sum(axis=1)
    take = np.minimum(want, free)
    return take, free - take


def _share(total: F, weights: F, integer: bool) -> F:
    """Split ``total`` (replicates,) over regions in proportion to ``weights``.

    No region gets more than its weight; with ``integer``, whole people by largest remainder.
    """
    wsum = weights.sum(axis=1, keepdims=True)
    exact = np.divide(weights * total[:, None], wsum, out=np.zeros_like(weights), where=wsum > 0)
    if not integer:
        return np.asarray(np.minimum(exact, weights), dtype=np.float64)
    base = np.floor(exact + 1e-9)
    short = np.rint(total - base.sum(axis=1)).astype(np.int64)  # people still to place
    if np.any(short > 0):
        order = np.argsort(-(exact - base), axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(weights.shape[1])[None, :], axis=1)
        base += (ranks < short[:, None]) & (base < weights)
    return np.asarray(np.minimum(base, weights), dtype=np.float64)
