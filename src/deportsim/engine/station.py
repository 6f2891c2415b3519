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

from deportsim.engine.delays import MAX_BINS, DailyStay, Delay

__all__ = ["Station"]

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
        max_bins: age bins kept per class for its stay (:meth:`Delay.daily`): more bins follow a
            skewed stay more closely and cost more time.
        shares_places_with: other stations whose occupants and queues take places of this one
            (people awaiting removal in detention beds, say). They are counted as they are when
            this station admits people, that is before those stations' own day if they come
            later in the network's order: the places are then full when all together fill them,
            up to what the other stations take in and let out that day.
    """

    name: str
    stay: Delay | Mapping[str, Delay]
    capacity: float | ArrayLike | None = None
    capacity_kind: Literal["places", "starts"] = "places"
    pooled: bool = True
    classes: tuple[str, ...] = ("all",)
    overflow: Overflow = "queue"
    divert_to: str | None = None
    max_bins: int = MAX_BINS
    shares_places_with: tuple[str, ...] = ()
    daily_stays: Mapping[str, DailyStay] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.classes or len(set(self.classes)) != len(self.classes):
            raise ValueError(f"{self.name}: classes must be unique and not empty")
        if (self.overflow == "divert") != (self.divert_to is not None):
            raise ValueError(f"{self.name}: divert_to goes with overflow='divert' (and only then)")
        if self.shares_places_with and (self.capacity is None or self.capacity_kind != "places"):
            raise ValueError(f"{self.name}: shares_places_with needs a capacity in places")
        stays = (
            self.stay if isinstance(self.stay, Mapping) else dict.fromkeys(self.classes, self.stay)
        )
        missing = [c for c in self.classes if c not in stays]
        if missing:
            raise ValueError(f"{self.name}: no stay for class(es) {missing}")
        # the daily forms are computed once, here
        daily = {c: stays[c].daily(max_bins=self.max_bins) for c in self.classes}
        object.__setattr__(self, "daily_stays", daily)

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
