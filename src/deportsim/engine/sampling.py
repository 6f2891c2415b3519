"""Two ways to turn rates into counts: random draws, or their expected values.

:class:`Stochastic` draws whole people: binomial counts of people who leave, are routed one way or
leave on their first day, and Poisson arrivals, each decision from its own named random stream
(:mod:`deportsim.engine.rng`). :class:`MeanField` uses expected values instead (``n·p`` and ``λ``,
real numbers): one deterministic pass, for previews and goal-seeking.

Large counts: a binomial or Poisson count whose variance is at least ``exact_below`` (10 by
default) is drawn as ``round(mean + s·W)``, where ``W`` is a standard normal number corrected for
the skewness of the exact law (the first Cornish–Fisher term) and rescaled to variance 1, and
``s² = variance − 1/12`` (the 1/12 is what rounding adds). Its mean and variance are those of the
exact law (to 10⁻⁵ relative at the threshold, closer above it), and the largest gap between its
cumulative distribution function and the exact one is about ``0.011 / variance``: 1.1 × 10⁻³ at
the threshold, 1.1 × 10⁻⁴ at a variance of 100 (``tests/engine/test_rng.py`` measures it). It costs
one normal number where an exact draw costs a number of steps that grows with the mean. Smaller
counts are drawn exactly, by inversion; ``Stochastic(streams, exact_below=math.inf)`` draws every
count exactly, at a cost that grows with the size of the counts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from deportsim.engine.streams import Streams

__all__ = ["EXACT_BELOW", "MeanField", "Sampler", "Stochastic"]

#: Counts whose variance is at least this are drawn from the skew-corrected normal law.
EXACT_BELOW = 10.0


class Sampler(Protocol):
    """How a run draws its counts: the mode, and the random generators of its streams."""

    stochastic: bool
    exact_below: float

    def states(self, names: Sequence[str], replicates: int) -> NDArray[np.uint64]:
        """Generator states, shape (streams, replicates, 4), for the named streams."""
        ...


class Stochastic:
    """Random counts from named streams (one stream per decision).

    ``first_replicate``: the number of the first replicate of this run among all replicates of
    the study, so that a replicate gets the same numbers whichever batch it is run in.
    ``exact_below``: counts whose variance is at least this are drawn from the skew-corrected
    normal law (see the module docstring); ``math.inf`` draws every count exactly.
    """

    stochastic = True

    def __init__(
        self, streams: Streams, exact_below: float = EXACT_BELOW, first_replicate: int = 0
    ) -> None:
        if not exact_below > 0:
            raise ValueError("exact_below must be positive")
        self.streams = streams
        self.exact_below = float(exact_below)
        self.first_replicate = first_replicate

    def states(self, names: Sequence[str], replicates: int) -> NDArray[np.uint64]:
        """Generator states, shape (streams, replicates, 4), for the named streams."""
        first = self.first_replicate
        rows = [self.streams.replicate_states(n, first, replicates) for n in names]
        return np.stack(rows) if rows else np.zeros((0, replicates, 4), dtype=np.uint64)


class MeanField:
    """Expected values instead of draws: the deterministic mean path."""

    stochastic = False
    exact_below = math.inf

    def states(self, names: Sequence[str], replicates: int) -> NDArray[np.uint64]:
        """Unused generator states (the mean-field loop never draws)."""
        return np.zeros((len(names), replicates, 4), dtype=np.uint64)
