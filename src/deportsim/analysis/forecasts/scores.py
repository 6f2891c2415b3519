"""How a forecast given as five quantiles is scored against the observed values.

A forecast gives, for each month, the 5th, 25th, 50th, 75th and 95th percentiles of the value
it expects: the median and two central intervals, 50% (p25 to p75) and 90% (p05 to p95).

- The interval score of a central (1 - α) interval [l, u] (Gneiting & Raftery 2007, "Strictly
  proper scoring rules, prediction, and estimation", JASA 102:359–378, section 6.2) is its width
  plus a penalty when the observation y falls outside, ``2/α`` times the distance to the interval:
  ``IS_α = (u - l) + (2/α)(l - y)·1[y < l] + (2/α)(y - u)·1[y > u]``. Lower is better.
- The weighted interval score (Bracher, Ray, Gneiting & Reich 2021, "Evaluating epidemic forecasts
  in an interval format", PLOS Computational Biology 17(2): e1008618, eq. 2) combines the median m
  and K intervals: ``WIS = 1/(K + 1/2) · (½|y - m| + Σ_k (α_k/2)·IS_α_k)``. Here K = 2, with
  α = 0.5 (p25, p75) and α = 0.1 (p05, p95). It is in the units of the series, it is 0 only when
  every quantile equals the observation, and it equals twice the mean pinball (quantile) loss over
  the five quantile levels, so it rewards forecasts that are both sharp and calibrated.
- MAPE, the mean absolute percentage error of the median, ``mean(|p50 - y| / y)``, as in
  ``analysis.history.scoring``; coverage, the share of months whose observation lies inside the
  50% or the 90% interval (bounds included).

Months whose observed value is missing (None or NaN) are skipped; ``Scores.n`` counts the others.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "QUANTILES",
    "QuantileForecast",
    "Scores",
    "coverage",
    "interval_score",
    "mape",
    "mean_weighted_interval_score",
    "score_forecast",
    "weighted_interval_score",
]

F = NDArray[np.float64]
Observed = Sequence[float | None] | F

QUANTILES = (0.05, 0.25, 0.50, 0.75, 0.95)
"""The quantile levels of a ``QuantileForecast``, in the order of its arrays."""

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True, eq=False)
class QuantileForecast:
    """Five quantiles of a forecast, one value per month (compared by identity, not by value).

    The arrays are copied to float64 and made read-only; they must have one value per month,
    be finite and not decrease from p05 to p95 (ValueError otherwise).

    >>> f = QuantileForecast(["2025-11"], p05=[80.0], p25=[90.0], p50=[100.0], p75=[110.0],
    ...                      p95=[120.0])
    >>> f.p50.dtype, len(f)
    (dtype('float64'), 1)
    """

    months: tuple[str, ...]
    p05: F
    p25: F
    p50: F
    p75: F
    p95: F

    def __init__(
        self,
        months: Sequence[str],
        *,
        p05: Sequence[float] | F,
        p25: Sequence[float] | F,
        p50: Sequence[float] | F,
        p75: Sequence[float] | F,
        p95: Sequence[float] | F,
    ) -> None:
        labels = tuple(months)
        names = ("p05", "p25", "p50", "p75", "p95")
        bad = [m for m in labels if not _MONTH.fullmatch(m)]
        if bad:
            raise ValueError(f"months must be YYYY-MM; got {bad[:3]}")
        arrays = [np.array(q, dtype=np.float64) for q in (p05, p25, p50, p75, p95)]
        for name, q in zip(names, arrays, strict=True):
            if q.shape != (len(labels),):
                raise ValueError(f"{name} has shape {q.shape}; expected ({len(labels)},)")
            if not np.all(np.isfinite(q)):
                raise ValueError(f"{name} has values that are not finite")
            q.setflags(write=False)
        for i in range(4):
            crossed = arrays[i] > arrays[i + 1]
            if np.any(crossed):
                month = labels[int(np.argmax(crossed))]
                raise ValueError(f"{names[i]} exceeds {names[i + 1]} in {month}: quantiles cross")
        object.__setattr__(self, "months", labels)
        for name, q in zip(names, arrays, strict=True):
            object.__setattr__(self, name, q)

    def __len__(self) -> int:
        return len(self.months)


@dataclass(frozen=True)
class Scores:
    """A forecast scored over the months that have an observed value (``n`` of them)."""

    mape: float
    coverage50: float
    coverage90: float
    wis: float
    n: int


def interval_score(lower: float | F, upper: float | F, observed: float | F, alpha: float) -> F:
    """The interval score of central (1 - alpha) intervals (Gneiting & Raftery 2007), elementwise.

    A missing (NaN) observation gives NaN.

    >>> interval_score(90.0, 110.0, [100.0, 85.0, 130.0], 0.5).tolist()  # 20; 20+4·5; 20+4·20
    [20.0, 40.0, 100.0]
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie in (0, 1); got {alpha}")
    lo = np.asarray(lower, dtype=np.float64)
    hi = np.asarray(upper, dtype=np.float64)
    y = np.asarray(observed, dtype=np.float64)
    if np.any(lo > hi):
        raise ValueError("lower bounds must not exceed upper bounds")
    below = np.maximum(lo - y, 0.0)  # (l - y)·1[y < l]
    above = np.maximum(y - hi, 0.0)  # (y - u)·1[y > u]
    score: F = (hi - lo) + (2.0 / alpha) * (below + above)
    return np.where(np.isnan(y), np.nan, score)


def weighted_interval_score(forecast: QuantileForecast, observed: Observed) -> F:
    """The weighted interval score of each month (Bracher et al. 2021, eq. 2, K = 2).

    A missing (NaN) observation gives NaN.


    >>> f = QuantileForecast(["2025-11", "2025-12"], p05=[80.0] * 2, p25=[90.0] * 2,
    ...                      p50=[100.0] * 2, p75=[110.0] * 2, p95=[120.0] * 2)
    >>> weighted_interval_score(f, [100.0, 130.0]).round(6).tolist()
    [2.8, 20.8]
    """
    y = _observed(forecast, observed)
    median = 0.5 * np.abs(y - forecast.p50)
    inner = 0.5 / 2.0 * interval_score(forecast.p25, forecast.p75, y, 0.5)
    outer = 0.1 / 2.0 * interval_score(forecast.p05, forecast.p95, y, 0.1)
    wis: F = (median + inner + outer) / (2 + 0.5)
    return wis


def mean_weighted_interval_score(forecast: QuantileForecast, observed: Observed) -> float:
    """The weighted interval score averaged over the months that have an observed value."""
    wis = weighted_interval_score(forecast, observed)
    return float(np.mean(wis[_scored(wis, "WIS")]))


def mape(forecast: QuantileForecast, observed: Observed) -> float:
    """Mean absolute percentage error of the median, as a share (0.05 is 5%), over observed months.

    Observed values must be positive (ValueError otherwise).
    """
    y = _observed(forecast, observed)
    keep = _scored(y, "MAPE")
    if np.any(y[keep] <= 0):
        raise ValueError("observed values must be positive to score percentage errors")
    return float(np.mean(np.abs(forecast.p50[keep] - y[keep]) / y[keep]))


def coverage(forecast: QuantileForecast, observed: Observed, level: int) -> float:
    """Share of observed months inside the central ``level``% interval (50 or 90, bounds included).

    >>> f = QuantileForecast(["2025-11", "2025-12"], p05=[80.0] * 2, p25=[90.0] * 2,
    ...                      p50=[100.0] * 2, p75=[110.0] * 2, p95=[120.0] * 2)
    >>> coverage(f, [95.0, 115.0], 50), coverage(f, [95.0, 115.0], 90)
    (0.5, 1.0)
    """
    if level == 50:
        lo, hi = forecast.p25, forecast.p75
    elif level == 90:
        lo, hi = forecast.p05, forecast.p95
    else:
        raise ValueError(f"coverage is for the 50% or the 90% interval; got {level}")
    y = _observed(forecast, observed)
    keep = _scored(y, "coverage")
    inside = (y[keep] >= lo[keep]) & (y[keep] <= hi[keep])
    return float(np.mean(inside))


def score_forecast(forecast: QuantileForecast, observed: Observed) -> Scores:
    """MAPE, coverage of both intervals and mean WIS over the months with an observed value.

    >>> f = QuantileForecast(["2025-11", "2025-12", "2026-01"], p05=[80.0] * 3, p25=[90.0] * 3,
    ...                      p50=[100.0] * 3, p75=[110.0] * 3, p95=[120.0] * 3)
    >>> s = score_forecast(f, [100.0, None, 125.0])
    >>> s.n, s.mape, s.coverage50, s.coverage90, round(s.wis, 6)
    (2, 0.1, 0.5, 0.5, 9.3)
    """
    y = _observed(forecast, observed)
    return Scores(
        mape=mape(forecast, y),
        coverage50=coverage(forecast, y, 50),
        coverage90=coverage(forecast, y, 90),
        wis=mean_weighted_interval_score(forecast, y),
        n=int(np.count_nonzero(~np.isnan(y))),
    )


def _observed(forecast: QuantileForecast, observed: Observed) -> F:
    """The observed values as float64, None as NaN; one per month, none infinite."""
    y = np.array(
        [math.nan if v is None else v for v in observed] if isinstance(observed, Sequence)
        else observed,
        dtype=np.float64,
    )  # fmt: skip
    if y.shape != (len(forecast),):
        raise ValueError(f"observed has shape {y.shape}; expected ({len(forecast)},)")
    if np.any(np.isinf(y)):
        raise ValueError("observed values must be finite (or None/NaN when missing)")
    return y


def _scored(values: F, what: str) -> NDArray[np.bool_]:
    """The months with a value; ValueError when there is none to score."""
    keep = ~np.isnan(values)
    if not np.any(keep):
        raise ValueError(f"no month has an observed value to score {what}")
    return keep
