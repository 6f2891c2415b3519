"""Stay and service-time distributions, and their exact daily form.

The engine counts people at the end of each day (like a midnight census). Someone who arrives at a
uniformly random moment ``U`` of their first day and stays ``S`` (a continuous time in days) is
counted at ``K = floor(U + S)`` day ends. This discretisation is exact in the two ways that matter:

* ``E[K] = E[S]``, so the average end-of-day count equals the time-average occupancy
  (Little's law: occupancy = admissions per day × mean stay), whatever the distribution;
* ``P(K <= k) = G(k + 1) - G(k)`` with ``G(x) = x - E[min(S, x)]``, computed from the
  distribution's partial expectations, so no simulation is needed to get it.

A station keeps people by age (days since admission). ``DailyStay`` holds the hazard of leaving at
each age ``0 .. A-1`` and one constant hazard for all older ages (a geometric tail), chosen so that
the mean stay stays exact. For an exponential stay the hazard is constant from age 1 on, so two age
bins are exact; skewed stays (gamma, lognormal, histograms) need more bins, and the distance between
the binned and the exact distribution is reported by :meth:`DailyStay.approximation_error`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special

__all__ = ["DailyStay", "Delay"]

F = NDArray[np.float64]
Kind = Literal["exponential", "gamma", "lognormal", "deterministic", "empirical"]


@dataclass(frozen=True)
class Delay:
    """A continuous stay or service time in days.

    Build one with :meth:`exponential`, :meth:`gamma`, :meth:`erlang`, :meth:`lognormal`,
    :meth:`deterministic` or :meth:`empirical`; ``cv`` is the coefficient of variation (standard
    deviation / mean), the usual way to say how skewed stays are.
    """

    kind: Kind
    mean: float
    cv: float = 1.0
    edges: tuple[float, ...] = ()  # empirical: bin edges in days
    weights: tuple[float, ...] = ()  # empirical: share of stays in each bin

    def __post_init__(self) -> None:
        if not (self.mean > 0 and math.isfinite(self.mean)):
            raise ValueError(f"mean stay must be positive and finite, got {self.mean}")
        if self.kind in {"gamma", "lognormal"} and not self.cv > 0:
            raise ValueError(f"cv must be positive, got {self.cv}")

    @classmethod
    def exponential(cls, mean: float) -> Delay:
        """Memoryless stays with this mean (cv = 1)."""
        return cls("exponential", mean)

    @classmethod
    def gamma(cls, mean: float, cv: float) -> Delay:
        """Gamma-distributed stays (shape 1/cv²)."""
        return cls("gamma", mean, cv)

    @classmethod
    def erlang(cls, mean: float, stages: int) -> Delay:
        """Erlang stays: ``stages`` exponential stages in a row (a gamma with whole shape)."""
        if stages < 1:
            raise ValueError("an Erlang delay needs at least one stage")
        return cls("gamma", mean, 1.0 / math.sqrt(stages))

    @classmethod
    def lognormal(cls, mean: float, cv: float) -> Delay:
        """Lognormal stays: most short, a long right tail."""
        return cls("lognormal", mean, cv)

    @classmethod
    def deterministic(cls, days: float) -> Delay:
        """Everyone stays exactly ``days``."""
        return cls("deterministic", days, 0.0)

    @classmethod
    def empirical(cls, edges: list[float], weights: list[float]) -> Delay:
        """A histogram: a share ``weights[i]`` of stays is uniform on ``[edges[i], edges[i+1])``."""
        e, w = np.asarray(edges, dtype=float), np.asarray(weights, dtype=float)
        if e.ndim != 1 or w.shape != (e.size - 1,) or e[0] < 0 or np.any(np.diff(e) <= 0):
            raise ValueError("empirical delay needs increasing edges from 0 and one weight per bin")
        if np.any(w < 0) or w.sum() <= 0:
            raise ValueError("empirical weights must be non-negative and not all zero")
        w = w / w.sum()
        mean = float(np.sum(w * (e[:-1] + e[1:]) / 2))
        return cls("empirical", mean, 0.0, tuple(e.tolist()), tuple(w.tolist()))

    def mean_min(self, x: F) -> F:
        """``E[min(S, x)]`` for each ``x >= 0`` (the integral of the survival function up to x)."""
        x = np.maximum(np.asarray(x, dtype=np.float64), 0.0)
        m = self.mean
        if self.kind == "exponential":
            return np.asarray(-m * np.expm1(-x / m), dtype=np.float64)
        if self.kind == "deterministic":
            return np.minimum(x, m)
        if self.kind == "gamma":
            k = 1.0 / self.cv**2
            theta = m / k
            below = m * special.gammainc(k + 1, x / theta)  # E[S; S <= x]
            return np.asarray(below + x * special.gammaincc(k, x / theta), dtype=np.float64)
        if self.kind == "lognormal":
            sigma = math.sqrt(math.log1p(self.cv**2))
            mu = math.log(m) - sigma**2 / 2
            with np.errstate(divide="ignore"):
                z = (np.log(x) - mu) / sigma
            below = m * special.ndtr(z - sigma)
            return np.asarray(below + x * special.ndtr(-z), dtype=np.float64)
        # empirical: the survival function is linear inside each bin, so its integral is quadratic
        e, w = np.asarray(self.edges), np.asarray(self.weights)
        surv = np.concatenate([[1.0], 1.0 - np.cumsum(w)])  # survival at each edge
        area = e[0] + np.concatenate([[0.0], np.cumsum((surv[:-1] + surv[1:]) / 2 * np.diff(e))])
        i = np.clip(np.searchsorted(e, x, side="right") - 1, 0, w.size - 1)
        dx = np.clip(x - e[i], 0.0, e[i + 1] - e[i])
        inside = area[i] + surv[i] * dx - w[i] / (e[i + 1] - e[i]) * dx**2 / 2
        return np.asarray(np.where(x < e[0], x, inside), dtype=np.float64)

    def sample(self, gen: np.random.Generator, size: int) -> F:
        """Draw ``size`` continuous stays (for tests and the exact reference simulator)."""
        m = self.mean
        if self.kind == "exponential":
            return gen.exponential(m, size)
        if self.kind == "deterministic":
            return np.full(size, m)
        if self.kind == "gamma":
            k = 1.0 / self.cv**2
            return gen.gamma(k, m / k, size)
        if self.kind == "lognormal":
            sigma = math.sqrt(math.log1p(self.cv**2))
            return gen.lognormal(math.log(m) - sigma**2 / 2, sigma, size)
        e, w = np.asarray(self.edges), np.asarray(self.weights)
        i = gen.choice(w.size, size=size, p=w)
        return np.asarray(e[i] + gen.random(size) * (e[i + 1] - e[i]), dtype=np.float64)

    def daily(self, tail_mass: float = 1e-4, max_ages: int = 730) -> DailyStay:
        """The exact daily form (see the module docstring), with a geometric tail after age A.

        A is the first age from which the hazard no longer changes (within 1e-9), or at which fewer
        than ``tail_mass`` of stays remain, but at most ``max_ages``. ``tail_mass=0`` keeps every
        age up to ``max_ages`` (the exact reference used to measure the approximation).
        """
        n = max_ages + 8
        ks = np.arange(n + 2, dtype=np.float64)
        g = ks - self.mean_min(ks)  # G(k) = ∫0^k F
        cdf = np.clip(np.diff(g), 0.0, 1.0)  # P(K <= k), k = 0 .. n
        cdf = np.maximum.accumulate(cdf)
        pmf = np.diff(np.concatenate([[0.0], cdf]))
        surv = 1.0 - np.concatenate([[0.0], cdf[:-1]])  # P(K >= k)
        with np.errstate(divide="ignore", invalid="ignore"):
            hazard = np.where(surv > 1e-15, pmf / surv, 1.0)
        ages = max_ages
        for a in range(1, max_ages):
            flat = np.all(np.abs(hazard[a : a + 8] - hazard[a]) <= 1e-9 * max(hazard[a], 1e-300))
            if (flat and tail_mass > 0) or surv[a] < tail_mass:
                ages = a
                break
        remaining = float(surv[ages])
        if remaining <= 0:
            return DailyStay(hazard[:ages].copy(), 1.0, self.mean)
        counted_before = float(np.sum(np.arange(ages) * pmf[:ages]))
        mean_tail = (self.mean - counted_before) / remaining - ages  # E[K - A | K >= A]
        tail = 1.0 / (1.0 + max(mean_tail, 0.0))
        return DailyStay(hazard[:ages].copy(), float(tail), self.mean, self)


@dataclass(frozen=True, eq=False)
class DailyStay:
    """Hazards of leaving at ages ``0 .. A-1`` and a constant hazard at ages ``>= A``."""

    hazard: F
    tail_hazard: float
    mean: float
    delay: Delay | None = None

    @property
    def ages(self) -> int:
        """Number of explicit ages; a station keeps ``ages + 1`` bins (the last is the tail)."""
        return int(self.hazard.size)

    def hazards(self) -> F:
        """Hazard for every bin, the tail last: shape ``(ages + 1,)``."""
        return np.append(self.hazard, self.tail_hazard)

    def pmf(self, n: int) -> F:
        """``P(K = k)`` for ``k = 0 .. n-1`` under this (binned) form."""
        h = np.concatenate([self.hazard, np.full(max(n - self.ages, 0), self.tail_hazard)])[:n]
        surv = np.concatenate([[1.0], np.cumprod(1.0 - h)[:-1]])
        return np.asarray(surv * h, dtype=np.float64)

    def binned_mean(self, n: int = 20_000) -> float:
        """Mean of the binned form, computed from its pmf (equals ``mean`` up to rounding)."""
        return float(np.sum(np.arange(n) * self.pmf(n)))

    def approximation_error(self, n: int = 5000) -> float:
        """Kolmogorov-Smirnov distance between the binned and the exact distribution of ``K``.

        It is zero for exponential stays, whose hazard is constant after the first day.
        """
        if self.delay is None:
            return 0.0
        exact = self.delay.daily(tail_mass=0.0, max_ages=n)
        return float(np.max(np.abs(np.cumsum(self.pmf(n)) - np.cumsum(exact.pmf(n)))))
