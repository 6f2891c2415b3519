"""A summary metric, and the ways a daily series becomes one (:mod:`deportsim.run.results`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim.core.units import DAYS_PER_YEAR
from deportsim.model import SimResult

__all__ = ["Metric", "Over", "end", "mean", "peak", "ratio", "stats", "total"]

F = NDArray[np.float64]


@dataclass(frozen=True)
class Metric:
    """A summary metric: its unit, meaning, and how to compute it per replicate."""

    unit: str
    meaning: str
    compute: Callable[[SimResult], F]


@dataclass(frozen=True)
class Over:
    """A metric made of one daily series: its total, mean, peak or last day, or a pace.

    The same reduction applies to the series' regional form (:func:`summarise_regions`).
    """

    how: str  # total, mean, peak, end, per_day, per_year
    series: str

    def reduce(self, daily: F, days: int) -> F:
        """Reduce along the days (axis 1): (replicates, days[, regions]) -> (replicates[, ...])."""
        if self.how == "mean":
            return np.asarray(daily.mean(axis=1))
        if self.how == "peak":
            return np.asarray(daily.max(axis=1))
        if self.how == "end":
            return np.asarray(daily[:, -1])
        total = np.asarray(daily.sum(axis=1))
        if self.how == "per_day":
            return total / days
        if self.how == "per_year":
            return total / (days / DAYS_PER_YEAR)
        return total

    def __call__(self, s: SimResult) -> F:
        """The metric of each replicate of ``s``."""
        return self.reduce(s.national[self.series], s.days)


def total(name: str) -> Over:
    """The series' sum over the run."""
    return Over("total", name)


def mean(name: str) -> Over:
    """The series' mean over the run."""
    return Over("mean", name)


def peak(name: str) -> Over:
    """The series' highest day."""
    return Over("peak", name)


def end(name: str) -> Over:
    """The series' last day."""
    return Over("end", name)


def ratio(num: F, den: F) -> F:
    """``num / den``, NaN where ``den`` is not positive."""
    return np.divide(num, den, out=np.full_like(num, np.nan), where=den > 0)


def _round(value: float) -> float | None:
    if not np.isfinite(value):
        return None
    return round(float(value), 2)


def stats(unit: str, values: F) -> dict[str, Any]:
    """``{unit, mean, p05, p50, p95}`` of one metric's values over replicates (finite ones)."""
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"unit": unit, **dict.fromkeys(("mean", "p05", "p50", "p95"))}
    q = np.quantile(finite, [0.05, 0.5, 0.95])
    return {"unit": unit, "mean": _round(finite.mean()), "p05": _round(q[0]),
            "p50": _round(q[1]), "p95": _round(q[2])}  # fmt: skip
