"""Stay and service-time distributions, and their exact daily form.

The engine counts people at the end of each day (like a midnight census). Someone who arrives at a
uniformly random moment ``U`` of their first day and stays ``S`` (a continuous time in days) is
counted at ``K = floor(U + S)`` day ends. This discretisation is exact in the two ways that matter:

* ``E[K] = E[S]``, so the average end-of-day count equals the time-average occupancy
  (Little's law: occupancy = admissions per day × mean stay), whatever the distribution;
* ``P(K <= k) = G(k + 1) - G(k)`` with ``G(x) = x - E[min(S, x)]``, computed from the
  distribution's partial expectations, so no simulation is needed to get it.

A station keeps people by age (days since admission). ``DailyStay`` holds the chance of leaving on
the day of admission, then one age bin per day, each with its hazard of leaving during the next day,
and a last bin for everyone older with the constant hazard that keeps the mean exact. For an
exponential stay the hazard is constant from age 1 on, so one bin is exact; skewed stays
(gamma, lognormal, histograms) need more. Past ``max_bins`` bins, older ages are grouped into bins
of growing width whose hazard and chance of moving on keep the chance of leaving within each bin
and the days spent in it exact: the mean stays exact and only the spread of ages inside a bin is
approximated. :meth:`DailyStay.approximation_error` measures the distance to the exact law.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special

__all__ = ["MAX_BINS", "DailyStay", "Delay"]

#: Age bins kept per stay unless a station says otherwise (see :meth:`Delay.daily`).
MAX_BINS = 730

F = NDArray[np.float64]
Kind = Literal[
    "exponential", "gamma", "lognormal", "deterministic", "empirical", "hyperexponential"
]


@dataclass(frozen=True)
class Delay:
    """A continuous stay or service time in days.

    Build one with :meth:`exponential`, :meth:`gamma`, :meth:`erlang`, :meth:`lognormal`,
    :meth:`hyperexponential`, :meth:`deterministic` or :meth:`empirical`; ``cv`` is the
    coefficient of variation (standard deviation / mean), the usual way to say how skewed stays
    are.
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
        if self.kind == "hyperexponential" and not self.cv > 1:
            raise ValueError(f"a hyperexponential stay needs cv above 1, got {self.cv}")

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
    def hyperexponential(cls, mean: float, cv: float) -> Delay:
        """A mixture of a short and a long exponential stay, with balanced means (``cv > 1``).

        A share ``p = (1 + sqrt((cv² - 1) / (cv² + 1))) / 2`` of stays is exponential with mean
        ``mean / (2p)``, the rest exponential with mean ``mean / (2(1 - p))``, so that each
        part carries half of the mean; the mixture has this mean and coefficient of variation
        exactly, a median below the mean and a long tail. Its daily form needs only two age bins
        (:meth:`daily`).
        """
        return cls("hyperexponential", mean, cv)

    def parts(self) -> tuple[tuple[float, Delay], ...]:
        """The exponential parts of a hyperexponential stay, ``(share, stay)``, short first."""
        if self.kind != "hyperexponential":
            return ((1.0, self),)
        c2 = self.cv * self.cv
        p = (1.0 + math.sqrt((c2 - 1.0) / (c2 + 1.0))) / 2.0
        short = Delay.exponential(self.mean / (2.0 * p))
        return ((p, short), (1.0 - p, Delay.exponential(self.mean / (2.0 * (1.0 - p)))))

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
        if self.kind == "hyperexponential":
            return np.asarray(sum(w * d.mean_min(x) for w, d in self.parts()), dtype=np.float64)
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
        if self.kind == "hyperexponential":
            (p, short), (_, long) = self.parts()
            fast = gen.random(size) < p
            return np.where(
                fast, gen.exponential(short.mean, size), gen.exponential(long.mean, size)
            )
        if self.kind == "gamma":
            k = 1.0 / self.cv**2
            return gen.gamma(k, m / k, size)
        if self.kind == "lognormal":
            sigma = math.sqrt(math.log1p(self.cv**2))
            return gen.lognormal(math.log(m) - sigma**2 / 2, sigma, size)
        e, w = np.asarray(self.edges), np.asarray(self.weights)
        i = gen.choice(w.size, size=size, p=w)
        return np.asarray(e[i] + gen.random(size) * (e[i + 1] - e[i]), dtype=np.float64)

    def day_law(self, n: int) -> tuple[F, F]:
        """The exact law of ``K``, the end-of-day counts: ``P(K = k)`` and ``P(K >= k)``, k < n."""
        ks = np.arange(n + 1, dtype=np.float64)
        cdf = np.clip(np.diff(ks - self.mean_min(ks)), 0.0, 1.0)  # P(K <= k) = G(k+1) - G(k)
        cdf = np.maximum.accumulate(cdf)
        pmf = np.diff(np.concatenate([[0.0], cdf]))
        surv = 1.0 - np.concatenate([[0.0], cdf[:-1]])
        return pmf, surv

    def daily(
        self, max_bins: int = MAX_BINS, tail_mass: float = 1e-4, horizon: int = 3650
    ) -> DailyStay:
        """The daily form (see the module docstring) in at most ``max_bins`` age bins.

        Computed once for each stay and set of arguments (:func:`_daily_form`): a network is
        built again for every replicate with drawn parameters, and most of its stays are not
        drawn. The form's arrays are read-only, since the same form may serve many networks.
        """
        return _daily_form(self, max_bins, tail_mass, horizon)

    def _daily(self, max_bins: int, tail_mass: float, horizon: int) -> DailyStay:
        """The daily form, computed (:meth:`daily`).

        Ages are kept one day at a time up to the age from which the hazard no longer changes
        (within 1e-9) or fewer than ``tail_mass`` of stays remain (at most ``horizon`` days); a
        last bin holds everyone older, with the constant hazard that keeps the mean exact. When
        that needs more than ``max_bins`` bins, the first ``max_bins // 2`` ages stay daily and
        the older ones are grouped into bins of growing width: a bin's hazard and its chance of
        moving on are set so that the chance of leaving within the bin and the days spent in it
        are exact, which keeps the mean exact; only the spread of ages inside a bin is
        approximated (:meth:`DailyStay.approximation_error` measures it).
        """
        if max_bins < 2:
            raise ValueError("a stay needs at least 2 age bins")
        if self.kind == "hyperexponential":
            return self._two_bins()
        # most stays settle within days (an exponential one at once): their law is first
        # computed over a few days only, and over the whole horizon if that does not settle it
        # (each day's figures are the same either way: the law is computed day by day)
        for n in (SHORT_LAW, horizon + 2):
            pmf, surv = self.day_law(min(n, horizon + 2))
            end = _settled(pmf, surv, horizon, tail_mass, whole=n > horizon)
            if end is not None:
                break
        assert end is not None  # noqa: S101 - the whole horizon always settles it
        if end <= max_bins:
            edges = np.arange(1, end + 1)
        else:
            daily = max_bins // 2
            coarse = np.geomspace(daily + 1, end, max_bins - daily)
            edges = np.unique(np.concatenate([np.arange(1, daily + 1), np.rint(coarse)]))
            edges = edges.astype(np.int64)
        lo, hi = edges[:-1], edges[1:]  # occupant bins before the last: ages lo .. hi - 1
        days_in = np.array([surv[a:b].sum() for a, b in zip(lo, hi, strict=True)])
        leaving = surv[lo] - surv[hi]
        with np.errstate(divide="ignore", invalid="ignore"):
            bin_hazard = np.where(days_in > 0, leaving / days_in, 1.0)
            advance = np.where(days_in - leaving > 0, surv[hi] / (days_in - leaving), 1.0)
        remaining = float(surv[end])
        if remaining > 0:
            counted_before = float(np.sum(np.arange(end) * pmf[:end]))
            mean_tail = (self.mean - counted_before) / remaining - end  # E[K - end | K >= end]
            tail = 1.0 / (1.0 + max(mean_tail, 0.0))
        else:
            tail = 1.0
        return _read_only(
            DailyStay(
                first=float(pmf[0]),
                hazard=np.append(bin_hazard, tail),
                advance=np.append(np.clip(advance, 0.0, 1.0), 0.0),
                mean=self.mean,
                delay=self,
            )
        )

    def _two_bins(self) -> DailyStay:
        """The exact daily form of a hyperexponential stay, in two age bins.

        Each exponential part ``i`` (share ``w_i``) has a daily form with first-day chance
        ``f_i`` and then a constant hazard ``h_i`` (short part first, so ``h_1 > h_2``). Of those
        who stay past their first day, a share ``q = w_1(1 - f_1) / (w_1(1 - f_1) + w_2(1 - f_2))``
        is in the short part. The mixture's survival from then on, ``q(1 - h_1)^k +
        (1 - q)(1 - h_2)^k``, is also that of two bins in a row: the first with hazard
        ``h = q h_1 + (1 - q) h_2`` and a chance ``a = (1 - q)(h_1 - h_2) / (1 - h)`` of moving on,
        the second with hazard ``h_2``. So the law is exact (``approximation_error`` is 0) and
        needs no choice of part on admission.
        """
        (w1, d1), (w2, d2) = ((w, d.daily()) for w, d in self.parts())
        h1, h2 = float(d1.hazard[0]), float(d2.hazard[0])
        stay1, stay2 = w1 * (1.0 - d1.first), w2 * (1.0 - d2.first)
        q = stay1 / (stay1 + stay2)
        h = q * h1 + (1.0 - q) * h2
        return _read_only(
            DailyStay(
                first=1.0 - stay1 - stay2,
                hazard=np.array([h, h2]),
                advance=np.array([(1.0 - q) * (h1 - h2) / (1.0 - h), 0.0]),
                mean=self.mean,
                delay=self,
            )
        )


@functools.lru_cache(maxsize=4096)
def _daily_form(delay: Delay, max_bins: int, tail_mass: float, horizon: int) -> DailyStay:
    """:meth:`Delay.daily`, once for each stay and arguments (a stay is a frozen value)."""
    return delay._daily(max_bins, tail_mass, horizon)


def _read_only(form: DailyStay) -> DailyStay:
    """``form``, its arrays made read-only (a cached form is shared)."""
    form.hazard.flags.writeable = False
    form.advance.flags.writeable = False
    return form


#: Days of a stay's law computed first (:meth:`Delay.daily`): enough to see an exponential
#: stay's constant hazard (a window of 8 days from day 1).
SHORT_LAW = 16


def _settled(pmf: F, surv: F, horizon: int, tail_mass: float, whole: bool) -> int | None:
    """The first age held by the last bin (:meth:`Delay.daily`), or None if not known yet.

    From that age the hazard no longer changes (within 1e-9 over 8 days) or fewer than
    ``tail_mass`` of stays remain; ``horizon`` if neither happens. ``pmf`` and ``surv`` may cover
    only the first days (``whole`` false): None if those do not settle it.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(surv > 1e-15, pmf / surv, 1.0)
    for age in range(1, horizon):
        if not whole and age + 8 > hazard.size - 1:
            return None  # the window (or surv[end]) reaches past the days computed
        level = hazard[age]
        flat = level > 0 and np.all(np.abs(hazard[age : age + 8] - level) <= 1e-9 * level)
        if flat or surv[age] < tail_mass:
            return age
    return horizon


@dataclass(frozen=True, eq=False)
class DailyStay:
    """A stay in daily steps: the first-day hazard, then age bins with hazards and advances.

    ``first`` is the chance of leaving on the day of admission (never counted at a day's end).
    Those who stay enter the first bin. Each later day, someone in bin ``b`` leaves with chance
    ``hazard[b]``; if they stay, they move on to bin ``b + 1`` with chance ``advance[b]`` (1 for
    bins one day wide; 0 for the last bin, which holds everyone older).
    """

    first: float
    hazard: F
    advance: F
    mean: float
    delay: Delay | None = None

    @property
    def bins(self) -> int:
        """Number of age bins kept for people present (the last holds everyone older)."""
        return int(self.hazard.size)

    @property
    def daily_bins(self) -> bool:
        """True when every bin but the last is one day wide (the exact daily form)."""
        return bool(np.all(self.advance[:-1] == 1.0))

    def pmf(self, n: int) -> F:
        """``P(K = k)`` for ``k = 0 .. n-1`` under this form, as the engine runs it."""
        out = np.zeros(n)
        occ = np.zeros(self.bins)
        out[0] = self.first
        occ[0] = 1.0 - self.first
        move = self.advance[:-1]
        for k in range(1, n):
            leave = occ * self.hazard
            out[k] = leave.sum()
            occ -= leave
            moved = occ[:-1] * move
            occ[:-1] -= moved
            occ[1:] += moved
        return out

    def settled(self) -> F:
        """Share of the people present in each age bin after a long run of steady admissions.

        With one admission a day, bin ``b`` holds ``x[b] = in[b] / (1 - (1 - h[b])(1 - a[b]))``
        people at the end of a day, where ``in[0]`` is the ``1 - first`` who stay past their
        first day and ``in[b + 1] = x[b] (1 - h[b]) a[b]`` (``h`` hazard, ``a`` advance). The
        total is the mean end-of-day count, close to the mean stay. People placed in a station
        in these shares leave at the pace of a station that has been running for a long time.
        """
        x = np.zeros(self.bins)
        came = 1.0 - self.first
        for b in range(self.bins):
            h, a = float(self.hazard[b]), float(self.advance[b])
            kept = (1.0 - h) * (1.0 - a)
            x[b] = came / (1.0 - kept) if kept < 1.0 else 0.0
            came = x[b] * (1.0 - h) * a
        total = x.sum()
        out: F = x / total if total > 0 else np.eye(self.bins)[-1]
        return out

    def binned_mean(self, n: int = 20_000) -> float:
        """Mean of this form, from its pmf (equals ``mean`` up to rounding)."""
        return float(np.sum(np.arange(n) * self.pmf(n)))

    def approximation_error(self, n: int = 5000) -> float:
        """Kolmogorov-Smirnov distance between this form and the exact law of ``K``.

        It is zero for exponential stays, whose hazard is constant after the first day.
        """
        if self.delay is None:
            return 0.0
        exact, _ = self.delay.day_law(n)
        return float(np.max(np.abs(np.cumsum(self.pmf(n)) - np.cumsum(exact))))
