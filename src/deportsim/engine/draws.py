"""Vectorised draws used by daily stepping, over arrays of replicates (and regions).

Counts of people are whole numbers drawn from binomial and Poisson laws; means and trial counts
are clipped at zero so that a rounding error can never produce a negative count.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["binomial", "hazard", "poisson"]

IntArray = NDArray[np.int64]


def poisson(gen: np.random.Generator, mean: ArrayLike) -> IntArray:
    """Poisson counts with the given (non-negative) means."""
    lam = np.maximum(np.asarray(mean, dtype=np.float64), 0.0)
    return gen.poisson(lam).astype(np.int64)


def binomial(gen: np.random.Generator, n: ArrayLike, p: ArrayLike) -> IntArray:
    """Binomial counts: how many of ``n`` people each take a step with probability ``p``."""
    trials = np.maximum(np.asarray(n, dtype=np.int64), 0)
    prob = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    return gen.binomial(trials, prob).astype(np.int64)


def hazard(mean_days: ArrayLike) -> NDArray[np.float64]:
    """Daily probability of leaving a stock so that stays average ``mean_days``.

    Stays are geometric in whole days: a person admitted today is counted at the end of each day
    until they leave, and the expected number of those counts is exactly ``mean_days`` (at least
    one). This matches ICE's midnight counts (average daily population) and its average length of
    stay, so that Little's law, population = admissions per day × mean stay, holds without the
    half-day bias of ``1 - exp(-1 / mean)``.
    """
    return 1.0 / np.maximum(np.asarray(mean_days, dtype=np.float64), 1.0)
