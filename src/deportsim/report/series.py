"""Daily series over replicates turned into what a chart draws: bins, then quantile bands.

A band is taken across replicates *after* aggregating each replicate's series (to weeks, months,
or a rolling 12 months), so it is the interval of the aggregated quantity, not of single days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["QUANTILES", "Band", "band", "rolling_band", "total_band", "window_totals"]

F = NDArray[np.float64]

#: The band's lower edge, centre line and upper edge: the 5th, 50th and 95th percentiles.
QUANTILES = (0.05, 0.5, 0.95)

Period = Literal["week", "month"]


@dataclass(frozen=True)
class Band:
    """Quantiles across replicates at each point of ``x`` (dates, or category positions)."""

    x: NDArray[np.datetime64]
    p05: F
    p50: F
    p95: F


def _quantiles(values: F) -> tuple[F, F, F]:
    """The :data:`QUANTILES` over axis 0 (replicates)."""
    q = np.quantile(values, QUANTILES, axis=0)
    return q[0], q[1], q[2]


def _bin_starts(start: dt.date, days: int, period: Period) -> NDArray[np.intp]:
    """Index of the first day of each bin: 7-day weeks from ``start``, or calendar months."""
    if period == "week":
        return np.arange(0, days, 7, dtype=np.intp)
    dates = np.datetime64(start, "D") + np.arange(days)
    month = dates.astype("datetime64[M]")
    return np.flatnonzero(np.r_[True, month[1:] != month[:-1]]).astype(np.intp)


def band(daily: F, start: dt.date, period: Period = "week", scale: float = 1.0) -> Band:
    """Each replicate's daily values averaged over bins, times ``scale``; then the band.

    ``daily`` is (replicates, days). The result's values are average values per day of each bin
    (a partial last bin is averaged over the days it has) times ``scale``: ``scale=7`` gives a
    weekly rate, ``scale=1e-6`` millions. ``x`` is each bin's first day.
    """
    days = daily.shape[1]
    starts = _bin_starts(start, days, period)
    counts = np.diff(np.r_[starts, days])
    means = np.add.reduceat(daily, starts, axis=1) / counts * scale
    x = np.datetime64(start, "D") + starts
    return Band(x, *_quantiles(means))


def rolling_band(daily: F, start: dt.date, window: int, step: int = 7) -> Band:
    """Each replicate's totals over the ``window`` days up to each day, every ``step`` days.

    Points start on the first day with a full window behind it (day ``window - 1``); ``x`` is the
    last day of each window. Empty when the run is shorter than the window.
    """
    days = daily.shape[1]
    ends = np.arange(window - 1, days, step, dtype=np.intp)
    if ends.size and ends[-1] != days - 1:
        ends = np.r_[ends, days - 1]  # the last day of the run too
    x = np.datetime64(start, "D") + ends
    if not ends.size:
        empty = np.zeros(0)
        return Band(x, empty, empty, empty)
    return Band(x, *_quantiles(window_totals(daily, window)[:, ends - (window - 1)]))


def window_totals(daily: F, window: int) -> F:
    """Each replicate's totals over every ``window`` consecutive days of a run of at least as many.

    ``daily`` is (replicates, days); the result is (replicates, days - window + 1), column ``j``
    the window that ends on day ``j + window - 1``.
    """
    cum = np.cumsum(daily, axis=1)
    before: F = np.c_[np.zeros(len(cum)), cum[:, :-window]]  # totals up to each window's start
    return cum[:, window - 1 :] - before


def total_band(totals: F) -> tuple[F, F, F]:
    """Quantiles across replicates of per-replicate totals, (replicates, k) -> three (k,)."""
    return _quantiles(totals)
