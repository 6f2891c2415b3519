"""Rates and capacities that change on given dates, as the daily arrays the engine reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["piecewise"]


def piecewise(
    start: dt.date, days: int, steps: Mapping[dt.date, float | ArrayLike]
) -> NDArray[np.float64]:
    """A value that holds from each date until the next, for ``days`` days from ``start``.

    The earliest value also holds before its date. Values may be numbers (result shape (days,))
    or per-region arrays (result shape (days, regions)).

    >>> piecewise(dt.date(2025, 1, 1), 4, {dt.date(2025, 1, 1): 10, dt.date(2025, 1, 3): 20})
    array([10., 10., 20., 20.])
    """
    if not steps:
        raise ValueError("piecewise needs at least one dated value")
    order = sorted(steps)
    first = np.asarray(steps[order[0]], dtype=np.float64)
    out = np.empty((days, *first.shape), dtype=np.float64)
    out[...] = first
    for when in order[1:]:
        offset = min(max((when - start).days, 0), days)
        out[offset:] = np.asarray(steps[when], dtype=np.float64)
    return out
