"""The naive baselines a forecast is compared against, each with intervals from its own past errors.

From a monthly history ending at the origin month, each baseline forecasts horizons 1..H:

- persistence: the last observed value, at every horizon;
- seasonal: the value of the same calendar month in the last observed year, which is 12 months
  before the target for horizons up to 12 (the seasonal naive method of Hyndman & Athanasopoulos,
  "Forecasting: principles and practice", 3rd ed., section 5.2); it needs 12 months of history;
- trend: the least-squares line through the last 6 months, extrapolated and floored at 0 (a value
  below 1e-9 times the 6 months' mean, rounding noise, is 0 too); it needs 6 months of history.

These are the reference forecasts forecast hubs score models against: the COVID-19 Forecast Hub's
baseline (Cramer et al. 2022, PNAS 119(15): e2113561119) is persistence, with a distribution taken
from the past changes of the series. Here, for each horizon h, the same method is applied at every
earlier origin of the history whose h-month-ahead value is known, and its relative error
``e = observed / forecast - 1`` is kept. The quantiles of the forecast are ``point × (1 + q)``, q
the 5/25/75/95% empirical quantiles of those errors (numpy's default, linear interpolation); the
median is the point itself. Relative errors, not log ratios: ``point × (1 + q)`` is then exactly
the quantile of ``observed`` the past errors imply, a month with 0 observed gives e = -1 (its log
ratio would be -inf), and since e ≥ -1 no quantile goes below 0. A past forecast of 0 (the trend
is floored there) or one needing a missing (NaN) value has no relative error and is skipped, as is
a missing observation or an error too large for a float. When the point is not the median of its
errors (a biased method), the quantiles on the wrong side of it would cross it: they are clipped
to the point, so ``p05 ≤ p25 ≤ p50 = point ≤ p75 ≤ p95`` always holds.

A horizon with fewer than ``MIN_ERRORS`` (6) past errors raises ValueError: no width is made up.
Six is a floor, not a guarantee: with so few errors the 5% and 95% quantiles are close to the
smallest and the largest, and the intervals of a short history are more likely too narrow than too
wide. A forecast h months ahead needs ``needs + h + 5`` months of history (``needs``: 1 for
persistence, 12 for seasonal, 6 for trend), e.g. 7 for persistence 1 month ahead and 29 for the
seasonal baseline 12 months ahead. The months must follow each other without a gap (a month
without a value is given as NaN); the values must not be negative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.forecasts.scores import QuantileForecast
from deportsim.official.vintage import add_months

__all__ = [
    "BASELINES",
    "MIN_ERRORS",
    "TREND_WINDOW",
    "add_months",
    "baseline",
    "linear_trend",
    "persistence",
    "seasonal_naive",
]

F = NDArray[np.float64]

MIN_ERRORS = 6
"""The fewest past errors a horizon's interval is estimated from."""

TREND_WINDOW = 6
"""The months the linear trend is fitted to."""

SEASON = 12

BASELINES = ("persistence", "seasonal", "trend")
"""The names ``baseline`` accepts."""


def _persistence_points(values: F, horizons: int) -> F:
    return np.full(horizons, values[-1])


def _seasonal_points(values: F, horizons: int) -> F:
    # target T+h takes y[T+h-12(k+1)], k = (h-1) // 12: the same calendar month, last observed year
    h = np.arange(1, horizons + 1)
    back = SEASON * ((h - 1) // SEASON + 1) - h  # months before the origin, 0..11
    points: F = values[values.size - 1 - back]
    return points


def _trend_points(values: F, horizons: int) -> F:
    # least squares on x = 0..5: slope = Σ(x - x̄)(y - ȳ) / Σ(x - x̄)², the line ȳ + slope·(x - x̄)
    dx = np.arange(TREND_WINDOW, dtype=np.float64) - (TREND_WINDOW - 1) / 2
    last = values[-TREND_WINDOW:]
    mean = np.mean(last)
    slope = np.sum(dx * (last - mean)) / np.sum(dx * dx)
    ahead = dx[-1] + np.arange(1, horizons + 1)
    line = mean + slope * ahead
    # floored at 0, and so is a line within rounding of 0 (its relative errors would be huge)
    points: F = np.where(line > 1e-9 * mean, line, 0.0)
    return np.where(np.isnan(line), np.nan, points)  # a missing value makes every point NaN


_METHODS: dict[str, tuple[Callable[[F, int], F], int]] = {
    "persistence": (_persistence_points, 1),
    "seasonal": (_seasonal_points, SEASON),
    "trend": (_trend_points, TREND_WINDOW),
}  # name: (point forecasts of horizons 1..H from a history, the months of history it needs)


def persistence(
    months: Sequence[str], values: Sequence[float] | F, horizons: int
) -> QuantileForecast:
    """The last value at every horizon, with intervals from its past errors.

    >>> months = [f"2024-{m:02d}" for m in range(1, 13)]
    >>> f = persistence(months, [100.0 + m % 2 for m in range(12)], 1)
    >>> f.months, f.p50.tolist(), [round(float(v), 2) for v in (f.p05[0], f.p95[0])]
    (('2025-01',), [101.0], [100.0, 102.01])
    """
    return baseline("persistence", months, values, horizons)


def seasonal_naive(
    months: Sequence[str], values: Sequence[float] | F, horizons: int
) -> QuantileForecast:
    """The value of the same calendar month a year earlier, with intervals from its past errors."""
    return baseline("seasonal", months, values, horizons)


def linear_trend(
    months: Sequence[str], values: Sequence[float] | F, horizons: int
) -> QuantileForecast:
    """The least-squares line through the last 6 months, floored at 0, with past-error intervals."""
    return baseline("trend", months, values, horizons)


def baseline(
    name: str, months: Sequence[str], values: Sequence[float] | F, horizons: int
) -> QuantileForecast:
    """Forecast months 1..``horizons`` after the last of ``months`` with one of ``BASELINES``.

    ``months`` and ``values`` are the history, oldest first, ending at the origin month.

    >>> months = [add_months("2023-01", i) for i in range(24)]
    >>> f = baseline("trend", months, [10.0 * i for i in range(24)], 2)
    >>> f.months, f.p05.tolist(), f.p50.tolist(), f.p95.tolist()
    (('2025-01', '2025-02'), [240.0, 250.0], [240.0, 250.0], [240.0, 250.0])
    """
    if name not in _METHODS:
        raise ValueError(f"unknown baseline {name!r}; expected one of {', '.join(BASELINES)}")
    method, needs = _METHODS[name]
    y = _history(months, values)
    if horizons < 1:
        raise ValueError(f"horizons must be at least 1; got {horizons}")
    if y.size < needs:
        raise ValueError(f"the {name} baseline needs {needs} months of history; got {y.size}")
    with np.errstate(over="ignore", invalid="ignore"):  # overflows are caught as not finite
        points = method(y, horizons)
        if not np.all(np.isfinite(points)):
            raise ValueError(f"the {name} baseline needs values that are missing at the origin")
        quantiles = [np.empty(horizons) for _ in range(4)]  # p05, p25, p75, p95
        for h in range(1, horizons + 1):
            errors = _past_errors(method, needs, y, h)
            if errors.size < MIN_ERRORS:
                raise ValueError(
                    f"the {name} baseline has {errors.size} past errors {h} months ahead; "
                    f"its interval needs {MIN_ERRORS} (a longer history)"
                )
            q = np.quantile(errors, [0.05, 0.25, 0.75, 0.95])
            lower = np.minimum(q[:2], 0.0)  # clipped to the point: the quantiles never cross it
            upper = np.maximum(q[2:], 0.0)
            for k, e in enumerate((*lower, *upper)):
                quantiles[k][h - 1] = points[h - 1] * (1.0 + e)
    if not all(np.all(np.isfinite(q)) for q in quantiles):
        raise ValueError(f"the {name} baseline's interval overflows: values too large for floats")
    p05, p25, p75, p95 = quantiles
    return QuantileForecast(
        [add_months(months[-1], h) for h in range(1, horizons + 1)],
        p05=p05, p25=p25, p50=points, p75=p75, p95=p95,
    )  # fmt: skip


def _past_errors(method: Callable[[F, int], F], needs: int, y: F, h: int) -> F:
    """Relative errors ``observed / forecast - 1`` h months ahead, at the earlier origins."""
    origins = range(needs - 1, y.size - h)  # the value at origin + h is in the history
    forecast = np.array([method(y[: t + 1], h)[h - 1] for t in origins], dtype=np.float64)
    observed = y[needs - 1 + h :]
    usable = forecast > 0  # NaN forecasts compare False
    errors = observed[usable] / forecast[usable] - 1.0  # too large for a float: inf, dropped
    kept: F = errors[np.isfinite(errors)]  # drops missing observations too
    return kept


def _history(months: Sequence[str], values: Sequence[float] | F) -> F:
    """The values as float64, checked against consecutive months; NaN marks a missing month."""
    y = np.array(values, dtype=np.float64)
    if y.ndim != 1 or y.size != len(months):
        raise ValueError(f"values have shape {y.shape}; expected ({len(months)},), one per month")
    if y.size == 0:
        raise ValueError("the history is empty")
    if np.any(np.isinf(y)) or np.any(y < 0):  # NaN compares False
        raise ValueError("history values must be finite and not negative (NaN when missing)")
    for i, month in enumerate(months):
        if month != add_months(months[0], i):
            raise ValueError(f"months must follow each other: {month} at position {i}")
    return y
