"""Random counts inside compiled loops: one small generator per (named stream, replicate).

The engine's daily loop runs compiled (:mod:`deportsim.engine.kernels`), and a compiled loop
cannot afford a NumPy ``Generator`` per call (Numba spends about 10 µs unboxing one). So each
stream keeps, for each replicate, the 256-bit state of a xoshiro256** generator (Blackman and
Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47(4), 2021) in a row of a
``uint64`` array; :meth:`deportsim.engine.streams.Streams.replicate_states` seeds the rows from the
run seed, the stream's name and the replicate's number through NumPy's ``SeedSequence``. A
replicate's numbers therefore depend on the seed and its own number only: not on the batch it runs
in, nor on how many workers there are.

Counts (all functions take ``rng, i, r``: the state array (streams, replicates, 4), the stream's
number and the replicate's; they advance that one state in place):

* exact draws, by inversion of the cumulative distribution (binomial: on the rarer outcome, so at
  most about twice the variance steps); a mean above 500 is split into independent parts of at
  most 500 (a sum of independent binomials with the same chance is binomial, and likewise for
  Poisson), so exact draws are exact for any size, at a cost that grows with the mean;
* where the variance is at least ``exact_below``, the skew-corrected normal count of
  :func:`skew_normal` (see :mod:`deportsim.engine.sampling` for its measured accuracy);
* with ``stochastic`` false, the expected value, and the state is not touched (mean-field mode).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

__all__ = ["binomial", "inverse_normal", "normal", "poisson", "skew_normal", "uniform"]

T = TypeVar("T", bound=Callable[..., Any])
U = NDArray[np.uint64]

#: Largest mean of one inversion step; larger means are split into parts of at most this.
PART = 500.0


def inline(fn: T) -> T:
    """Compile ``fn`` with Numba, to be inlined into the compiled loops that call it."""
    return cast(T, numba.njit(inline="always")(fn))


@inline
def _rotl(x: np.uint64, k: int) -> np.uint64:
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@inline
def _next(rng: U, i: int, r: int) -> np.uint64:
    """The next 64 random bits of xoshiro256**; advances the state ``rng[i, r]`` in place."""
    s0, s1, s2, s3 = rng[i, r, 0], rng[i, r, 1], rng[i, r, 2], rng[i, r, 3]
    result = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    rng[i, r, 0], rng[i, r, 1], rng[i, r, 2], rng[i, r, 3] = s0, s1, s2, s3
    return result


@inline
def uniform(rng: U, i: int, r: int) -> float:
    """A uniform number in [0, 1) with 53 random bits."""
    return float(_next(rng, i, r) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


# AS 241 (PPND16) coefficients, lowest power first: A/B near the median, C/D and E/F in the tails.
_A = (
    3.3871328727963666080e0,
    1.3314166789178437745e2,
    1.9715909503065514427e3,
    1.3731693765509461125e4,
    4.5921953931549871457e4,
    6.7265770927008700853e4,
    3.3430575583588128105e4,
    2.5090809287301226727e3,
)
_B = (
    1.0,
    4.2313330701600911252e1,
    6.8718700749205790830e2,
    5.3941960214247511077e3,
    2.1213794301586595867e4,
    3.9307895800092710610e4,
    2.8729085735721942674e4,
    5.2264952788528545610e3,
)
_C = (
    1.42343711074968357734e0,
    4.63033784615654529590e0,
    5.76949722146069140550e0,
    3.64784832476320460504e0,
    1.27045825245236838258e0,
    2.41780725177450611770e-1,
    2.27238449892691845833e-2,
    7.74545014278341407640e-4,
)
_D = (
    1.0,
    2.05319162663775882187e0,
    1.67638483018380384940e0,
    6.89767334985100004550e-1,
    1.48103976427480074590e-1,
    1.51986665636164571966e-2,
    5.47593808499534494600e-4,
    1.05075007164441684324e-9,
)
_E = (
    6.65790464350110377720e0,
    5.46378491116411436990e0,
    1.78482653991729133580e0,
    2.96560571828504891230e-1,
    2.65321895265761230930e-2,
    1.24266094738807843860e-3,
    2.71155556874348757815e-5,
    2.01033439929228813265e-7,
)
_F = (1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
      7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7,
      2.04426310338993978564e-15)  # fmt: skip


@inline
def _ratio(num: tuple[float, ...], den: tuple[float, ...], t: float) -> float:
    """``num(t) / den(t)`` for two polynomials of degree 7 (Horner's scheme)."""
    x, y = num[7], den[7]
    for j in range(6, -1, -1):
        x = x * t + num[j]
        y = y * t + den[j]
    return x / y


@inline
def inverse_normal(u: float) -> float:
    """The standard normal quantile of ``u`` in (0, 1): Wichura's algorithm AS 241 (PPND16).

    Accurate to about 1 part in 10¹⁶ (M. J. Wichura, "The percentage points of the normal
    distribution", Applied Statistics 37(3), 1988, 477–484; the same algorithm as Python's
    ``statistics.NormalDist.inv_cdf``). Most draws need only the first rational function.
    """
    q = u - 0.5
    if abs(q) <= 0.425:
        return q * _ratio(_A, _B, 0.180625 - q * q)
    t = math.sqrt(-math.log(u if q < 0.0 else 1.0 - u))
    x = _ratio(_C, _D, t - 1.6) if t <= 5.0 else _ratio(_E, _F, t - 5.0)
    return -x if q < 0.0 else x


@inline
def normal(rng: U, i: int, r: int) -> float:
    """A standard normal number: the normal quantile of a uniform number in (0, 1)."""
    u = (float(_next(rng, i, r) >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)
    return inverse_normal(u)


@inline
def skew_normal(rng: U, i: int, r: int, mean: float, var: float, skew: float) -> float:
    """A whole count, at least 0, with this mean, variance and skewness.

    ``round(mean + s·W)`` with ``W = (Z + a·(Z² − 1)) / sqrt(1 + 2a²)``, ``a = skew / 6`` and
    ``s² = var − 1/12``: ``W`` has mean 0, variance 1 and skewness close to ``skew`` (the first
    Cornish–Fisher term), and the 1/12 is the variance that rounding adds back.
    """
    z = normal(rng, i, r)
    a = skew / 6.0
    w = (z + a * (z * z - 1.0)) / math.sqrt(1.0 + 2.0 * a * a)
    return max(math.floor(mean + math.sqrt(var - 1.0 / 12.0) * w + 0.5), 0.0)


#: Exact counts whose mean is below this start with a test that needs no chance of 0: a uniform
#: number at most ``1 - mean - ZERO_MARGIN`` gives 0, since the chance of 0 is at least
#: ``1 - mean`` for the binomial and Poisson laws. The margin is far above the rounding error of
#: that chance, so the count is the one the full inversion gives from the same number; it only
#: saves computing the chance (an exponential and a logarithm) for most small counts.
SMALL_MEAN = 0.2
ZERO_MARGIN = 1e-12


@inline
def _walk(u: float, first: float, c: float, d: float, top: float) -> float:
    """Walk the distribution from 0 until it passes ``u``; -1 if round-off left it below ``u``.

    ``first`` is the chance of 0; each next chance is the previous one times ``c / k - d``, which
    covers the binomial (``c = (n + 1)·q/(1 - q)``, ``d = q/(1 - q)``) and the Poisson law
    (``c = λ``, ``d = 0``). Counts stop at ``top``.
    """
    f = first
    k = 0.0
    while u > f and k < top:
        u -= f
        k += 1.0
        f *= c / k - d
    return k if u <= f else -1.0


@inline
def _count(rng: U, i: int, r: int, mean: float, q: float, c: float, d: float, top: float) -> float:
    """An exact count by inversion: binomial (``top`` trials, chance ``q``) or Poisson (``q = 0``).

    For the Poisson law ``top`` only bounds the walk. For a small mean (:data:`SMALL_MEAN`) the
    chance of 0 is computed only when the uniform number is above ``1 - mean``: below, the count
    is 0 (see :data:`ZERO_MARGIN`), as the full inversion would give. If round-off left the whole
    distribution below the number (chance ~1e-15), another number is drawn.
    """
    u = uniform(rng, i, r)
    if mean < SMALL_MEAN and u <= 1.0 - mean - ZERO_MARGIN:
        return 0.0
    first = _first(mean, q, top)
    k = _walk(u, first, c, d, top)
    while k < 0.0:
        k = _walk(uniform(rng, i, r), first, c, d, top)
    return k


@inline
def _first(mean: float, q: float, top: float) -> float:
    """The chance of 0: ``(1 - q)^top`` (binomial), or ``exp(-mean)`` when ``q = 0`` (Poisson)."""
    log_first = -mean
    if q > 0.0:
        log_first = top * _log1m(q)
    return math.exp(log_first)


@inline
def _log1m(q: float) -> float:
    """``log(1 - q)`` for ``0 < q < 1``.

    Below 10⁻⁴, its series to ``q⁴`` (the next term is below 2 × 10⁻¹⁷ of the sum, under the
    rounding of a double), which costs a few products instead of a call to ``log1p``: most exact
    counts are of many people each with a small daily chance.
    """
    if q < 1e-4:
        return -q * (1.0 + q * (0.5 + q * (1.0 / 3.0 + q * 0.25)))
    return math.log1p(-q)


@inline
def _binomial_exact(rng: U, i: int, r: int, n: float, p: float) -> float:
    """Exact binomial count for whole ``n`` ≥ 1 and 0 < ``p`` < 1, split into parts if large."""
    q = min(p, 1.0 - p)
    part = max(math.floor(PART / q), 1.0)
    successes = 0.0
    left = n
    while left > 0.0:
        m = min(left, part)
        ratio = q / (1.0 - q)
        successes += _count(rng, i, r, m * q, q, (m + 1.0) * ratio, ratio, m)
        left -= m
    return n - successes if p > 0.5 else successes


@inline
def binomial(
    rng: U, i: int, r: int, n: float, p: float, stochastic: bool, exact_below: float
) -> float:
    """How many of ``n`` people (rounded to whole people) take a step of chance ``p``."""
    p = min(max(p, 0.0), 1.0)
    if not stochastic:
        return max(n, 0.0) * p
    trials = math.floor(n + 0.5)
    if trials <= 0.0 or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return trials
    var = trials * p * (1.0 - p)
    if var >= exact_below:
        return min(
            skew_normal(rng, i, r, trials * p, var, (1.0 - 2.0 * p) / math.sqrt(var)), trials
        )
    return _binomial_exact(rng, i, r, trials, p)


@inline
def poisson(rng: U, i: int, r: int, lam: float, stochastic: bool, exact_below: float) -> float:
    """Arrivals when ``lam`` are expected (a negative mean counts as zero)."""
    if lam <= 0.0:
        return 0.0
    if not stochastic:
        return lam
    if lam >= exact_below:
        return skew_normal(rng, i, r, lam, lam, 1.0 / math.sqrt(lam))
    total = 0.0
    left = lam
    while left > 0.0:
        m = min(left, PART)
        top = m + 40.0 * math.sqrt(m) + 40.0  # far beyond any reachable count
        total += _count(rng, i, r, m, 0.0, m, 0.0, top)
        left -= m
    return total
