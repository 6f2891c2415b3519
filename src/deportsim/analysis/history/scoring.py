"""How a simulated monthly series is scored against the observed one.

For each month: the 5th, 50th and 95th percentiles of the simulated draws. Over the months:

- MAPE, the mean absolute percentage error of the median, ``mean(|p50 - obs| / obs)``;
- coverage of the 90% interval, the share of months whose observed value lies in [p05, p95].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Scored", "score"]

F = NDArray[np.float64]


@dataclass(frozen=True)
class Scored:
    """One series scored over a window of months."""

    months: tuple[str, ...]
    observed: F
    p05: F
    p50: F
    p95: F

    @property
    def mape(self) -> float:
        """Mean absolute percentage error of the median, as a share (0.05 is 5%)."""
        return float(np.mean(np.abs(self.p50 - self.observed) / self.observed))

    @property
    def coverage90(self) -> float:
        """Share of months whose observed value lies inside the 90% interval."""
        inside = (self.observed >= self.p05) & (self.observed <= self.p95)
        return float(np.mean(inside))

    def window(self, first: str, last: str) -> Scored:
        """The months from ``first`` to ``last`` (``YYYY-MM``, both included)."""
        keep = np.array([first <= m <= last for m in self.months])
        return Scored(
            tuple(m for m, k in zip(self.months, keep, strict=True) if k),
            self.observed[keep], self.p05[keep], self.p50[keep], self.p95[keep],
        )  # fmt: skip


def score(months: Sequence[str], observed: Sequence[float] | F, draws: F) -> Scored:
    """Score draws of shape (draws, months) against the observed values.

    >>> import numpy as np
    >>> s = score(["2024-10", "2024-11"], [100.0, 110.0], np.array([[90.0, 100.0], [110.0, 120.0]]))
    >>> round(s.mape, 4), s.coverage90
    (0.0, 1.0)
    """
    obs = np.asarray(observed, dtype=np.float64)
    if draws.ndim != 2 or draws.shape[1] != obs.size:
        raise ValueError(f"draws have shape {draws.shape}; expected (draws, {obs.size})")
    if np.any(obs <= 0):
        raise ValueError("observed values must be positive to score percentage errors")
    p05, p50, p95 = np.percentile(draws, [5.0, 50.0, 95.0], axis=0)
    return Scored(tuple(months), obs, p05, p50, p95)
