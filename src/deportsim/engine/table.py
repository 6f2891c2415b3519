"""Values by day and region, each row stored once if it is the same every day.

The compiled loop reads capacities, arrival rates, capture rates and route chances by (row, day,
region). Most rows of a network do not change from day to day (in the default run, 83 of its 89
route legs and 21 of its 24 arrival rates), so a row is stored once, for its regions, unless it
does change, and then day by day. Value ``(row, t, g)`` is
``values[offset[row] + t * step[row] + g]``, ``step[row]`` being 0 or the number of regions
(:func:`deportsim.engine.kernels.daily_value`). A network's rows of a long run then take a few
kilobytes instead of megabytes, and are built in a fraction of the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["DailyTable", "by_day"]

F = NDArray[np.float64]
Ints = NDArray[np.int64]


def by_day(value: float | ArrayLike, days: int, regions: int, what: str) -> F:
    """A value as shape (regions,) if it is the same every day, else (days, regions).

    ``value``: a number, or an array of shape (days,), (regions,) or (days, regions) (read as
    (days,) when both fit).
    """
    if isinstance(value, float | int):  # the commonest: a number (no array to look at)
        return np.full(regions, float(value))
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return np.full(regions, float(arr))
    if arr.shape == (days,):
        if (arr == arr[0]).all():
            return np.full(regions, arr[0])
        return np.repeat(arr[:, None], regions, axis=1)
    if arr.shape == (regions,) and days != regions:
        return arr.copy()
    if arr.shape == (days, regions):
        row: F = arr[0].copy()
        return row if (arr == row).all() else arr
    raise ValueError(
        f"{what}: shape {arr.shape} fits neither (days,), (regions,) nor (days, regions)"
    )


def full(row: F, days: int) -> F:
    """A row of :func:`by_day` as (days, regions)."""
    return np.broadcast_to(row, (days, row.shape[-1])) if row.ndim == 1 else row


@dataclass
class DailyTable:
    """Rows added one by one (:meth:`add`), then packed into the loop's three arrays."""

    days: int
    regions: int
    rows: list[F] = field(default_factory=list)

    def add(self, row: F) -> int:
        """Add a row of :func:`by_day` (shape (regions,) or (days, regions)); its number."""
        if row.shape not in ((self.regions,), (self.days, self.regions)):
            raise ValueError(f"a row of shape {row.shape} in a table of {self.regions} regions")
        self.rows.append(row)
        return len(self.rows) - 1

    def pack(self) -> tuple[F, Ints, Ints]:
        """``values, offset, step``: every row in one flat array, where each starts, its step."""
        sizes = np.array([r.size for r in self.rows], dtype=np.int64)
        offset = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        step = np.array([0 if r.ndim == 1 else self.regions for r in self.rows], dtype=np.int64)
        values = np.concatenate([r.reshape(-1) for r in self.rows]) if self.rows else np.zeros(0)
        return values.astype(np.float64, copy=False), offset, step
