"""The compiled random counts: the generator, exact draws, and the large-count approximation.

Statistical checks use fixed seeds (so each result is reproducible) and chi-square or moment
tolerances stated below; the approximation's accuracy is also computed exactly, not sampled.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest
from scipy import stats
from scipy.special import ndtri

from deportsim.engine import Streams
from deportsim.engine.rng import SMALL_MEAN, _log1m, binomial, inverse_normal, poisson, uniform
from deportsim.engine.sampling import EXACT_BELOW

MASK = (1 << 64) - 1


def _xoshiro_reference(state: list[int], count: int) -> list[int]:
    """xoshiro256** written from its published C code, in plain Python integers."""

    def rotl(x: int, k: int) -> int:
        return ((x << k) | (x >> (64 - k))) & MASK

    s = list(state)
    out = []
    for _ in range(count):
        out.append(rotl((s[1] * 5) & MASK, 7) * 9 & MASK)
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
    return out


@numba.njit
def _uniforms(rng: np.ndarray, count: int) -> np.ndarray:
    out = np.empty(count)
    for j in range(count):
        out[j] = uniform(rng, 0, 0)
    return out


@numba.njit
def _binomials(
    rng: np.ndarray, n: float, p: float, exact_below: float, count: int, stochastic: bool
) -> np.ndarray:
    out = np.empty(count)
    for j in range(count):
        out[j] = binomial(rng, 0, 0, n, p, stochastic, exact_below)
    return out


@numba.njit
def _poissons(rng: np.ndarray, lam: float, exact_below: float, count: int) -> np.ndarray:
    out = np.empty(count)
    for j in range(count):
        out[j] = poisson(rng, 0, 0, lam, True, exact_below)
    return out


@numba.njit
def _inverse_normals(u: np.ndarray) -> np.ndarray:
    out = np.empty(u.size)
    for j in range(u.size):
        out[j] = inverse_normal(u[j])
    return out


def _state(seed: int) -> np.ndarray:
    return Streams(seed).replicate_states("test", 0, 1)[None, :, :].copy()


def _chi_square_p(draws: np.ndarray, pmf: np.ndarray) -> float:
    """Chi-square goodness of fit over bins with at least 5 expected, the rest pooled at the end."""
    n = draws.size
    observed = np.bincount(draws.astype(np.int64), minlength=pmf.size)[: pmf.size]
    expected = pmf * n
    keep = expected >= 5
    obs = np.append(observed[keep], n - observed[keep].sum())
    exp = np.append(expected[keep], n - expected[keep].sum())
    if exp[-1] < 5:  # fold a thin remainder into the last kept bin
        obs, exp = np.append(obs[:-2], obs[-2:].sum()), np.append(exp[:-2], exp[-2:].sum())
    return float(stats.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue)


def test_generator_is_xoshiro256_starstar() -> None:
    rng = _state(3)
    start = [int(w) for w in rng[0, 0]]
    bits = _xoshiro_reference(start, 1000)
    got = _uniforms(rng, 1000)
    expected = np.array([(b >> 11) * 2.0**-53 for b in bits])
    assert np.array_equal(got, expected)


def test_uniforms_are_uniform() -> None:
    u = _uniforms(_state(4), 200_000)
    assert abs(u.mean() - 0.5) < 4 * math.sqrt(1 / 12 / u.size)
    assert stats.kstest(u, "uniform").pvalue > 1e-3


def test_inverse_normal_matches_the_normal_quantile() -> None:
    u = np.concatenate(
        [
            np.linspace(1e-6, 1 - 1e-6, 100_001),
            np.logspace(-300, -1, 2000),
            1 - np.logspace(-16, -1, 500),
        ]
    )
    got, ref = _inverse_normals(u), ndtri(u)
    assert np.max(np.abs(got - ref) / np.maximum(1.0, np.abs(ref))) < 1e-14


EXACT_BINOMIAL = [(5.0, 0.3), (40.0, 0.2), (1000.0, 0.003), (200.0, 0.97), (3000.0, 0.4)]


@pytest.mark.parametrize(("n", "p"), EXACT_BINOMIAL)
def test_exact_binomial_draws_follow_the_binomial_law(n: float, p: float) -> None:
    # exact everywhere: 3000 x 0.4 (mean 1200) is drawn in parts of mean at most 500
    draws = _binomials(_state(int(n)), n, p, math.inf, 100_000, True)
    pmf = stats.binom.pmf(np.arange(int(n) + 1), int(n), p)
    assert _chi_square_p(draws, pmf) > 1e-3


@pytest.mark.parametrize("lam", [0.5, 3.0, 9.9, 1234.0])
def test_exact_poisson_draws_follow_the_poisson_law(lam: float) -> None:
    draws = _poissons(_state(int(lam * 10)), lam, math.inf, 100_000)
    pmf = stats.poisson.pmf(np.arange(int(lam * 3 + 30)), lam)
    assert _chi_square_p(draws, pmf) > 1e-3


def _approximation_cdf(k: np.ndarray, mean: float, var: float, skew: float) -> np.ndarray:
    """The exact distribution function of the skew-corrected normal count at whole ``k``."""
    a = skew / 6.0
    y = (k + 0.5 - mean) / math.sqrt(var - 1 / 12) * math.sqrt(1 + 2 * a * a)
    disc = 1 + 4 * a * (a + y)  # W < y  <=>  Z below the root of a z^2 + z - a - y = 0
    z = np.where(disc > 0, (-1 + np.sqrt(np.maximum(disc, 0))) / (2 * a), -np.inf)
    return np.asarray(stats.norm.cdf(z))


@pytest.mark.parametrize("var", [EXACT_BELOW, 30.0, 100.0, 1000.0])
@pytest.mark.parametrize("p", [0.01, 0.3, 0.9])
def test_large_count_approximation_is_within_its_stated_accuracy(var: float, p: float) -> None:
    # the documented bound: largest CDF gap about 0.011 / variance (sampling.py)
    n = round(var / (p * (1 - p)))
    mean, v = n * p, n * p * (1 - p)
    k = np.arange(n + 1)
    approx = _approximation_cdf(k, mean, v, (1 - 2 * p) / math.sqrt(v))
    exact = stats.binom.cdf(k, n, p)
    assert np.max(np.abs(approx - exact)) < 0.012 / v
    pmf = np.diff(np.concatenate([[0.0], approx]))
    pmf[-1] += 1 - approx[-1]
    assert abs((pmf * k).sum() - mean) < 1e-3  # mean exact
    assert abs((pmf * (k - mean) ** 2).sum() / v - 1) < 2e-3  # variance exact


@pytest.mark.parametrize(("n", "p"), [(1000.0, 0.011), (400.0, 0.9), (60_000.0, 0.022)])
def test_large_count_draws_follow_the_approximation(n: float, p: float) -> None:
    draws = _binomials(_state(int(n) + 1), n, p, EXACT_BELOW, 100_000, True)
    mean, v = n * p, n * p * (1 - p)
    assert v >= EXACT_BELOW, "this case must use the approximation"
    k = np.arange(int(n) + 1)
    cdf = _approximation_cdf(k, mean, v, (1 - 2 * p) / math.sqrt(v))
    assert _chi_square_p(draws, np.diff(np.concatenate([[0.0], cdf]))) > 1e-3
    se = math.sqrt(v / draws.size)
    assert abs(draws.mean() - mean) < 4 * se
    assert np.all((draws >= 0) & (draws <= n) & (draws == np.round(draws)))


def test_large_poisson_draws_have_the_poisson_mean_and_variance() -> None:
    draws = _poissons(_state(9), 3000.0, EXACT_BELOW, 100_000)
    assert abs(draws.mean() - 3000.0) < 4 * math.sqrt(3000.0 / draws.size)
    # variance of a sample variance: about 2 var^2 / N for a near-normal law
    assert abs(draws.var() / 3000.0 - 1) < 4 * math.sqrt(2 / draws.size)


def test_mean_field_counts_are_expected_values_and_draw_nothing() -> None:
    rng = _state(1)
    before = rng.copy()
    assert _binomials(rng, 7.5, 0.2, EXACT_BELOW, 3, False).tolist() == [1.5, 1.5, 1.5]
    assert np.array_equal(rng, before)


def test_replicate_states_depend_on_the_replicate_not_the_batch() -> None:
    streams = Streams(11)
    whole = streams.replicate_states("beds.exit.all", 0, 50)
    part = streams.replicate_states("beds.exit.all", 20, 5)
    assert np.array_equal(whole[20:25], part)
    assert len({tuple(row) for row in whole}) == 50, "every replicate has its own state"
    other = streams.replicate_states("beds.first", 0, 50)
    assert not np.any(np.all(other == whole, axis=1)), "every stream has its own states"
    assert "beds.exit.all" in streams.names


def _inversion_reference(u: float, first: float, c: float, d: float, top: float) -> float:
    """The full inversion walk (no shortcut), in plain Python."""
    f, k = first, 0.0
    while u > f and k < top:
        u -= f
        k += 1.0
        f *= c / k - d
    return k


@pytest.mark.parametrize(
    ("n", "p"), [(1e6, 1e-9), (1e6, 1e-7), (5e4, 3e-6), (40.0, 0.004), (300.0, 0.9995)]
)
def test_small_mean_counts_are_those_of_the_full_inversion(n: float, p: float) -> None:
    # SMALL_MEAN: a uniform number below 1 - mean gives 0 without computing the chance of 0;
    # the counts must be exactly those of the full walk over the same uniform numbers
    assert n * min(p, 1 - p) < SMALL_MEAN
    count = 200_000
    draws = _binomials(_state(7), n, p, math.inf, count, True)
    u = _uniforms(_state(7), count)  # the same stream: one number per count here
    q = min(p, 1 - p)
    ratio = q / (1 - q)
    first = math.exp(n * math.log1p(-q))
    expected = [_inversion_reference(x, first, (n + 1) * ratio, ratio, n) for x in u]
    rare = np.array(expected)
    assert np.array_equal(draws, n - rare if p > 0.5 else rare)
    assert rare.sum() > 0 or n * q < 1e-5, "some non-zero counts are drawn"
    lam = n * q
    poisson_draws = _poissons(_state(8), lam, math.inf, count)
    u = _uniforms(_state(8), count)
    expected = [
        _inversion_reference(x, math.exp(-lam), lam, 0.0, lam + 40 * lam**0.5 + 40) for x in u
    ]
    assert np.array_equal(poisson_draws, np.array(expected))


def test_log_of_one_minus_q_is_log1p_to_the_last_bit() -> None:
    log1m = _log1m  # compiled (inlined where the engine calls it)
    for q in [*np.geomspace(1e-15, 0.9999e-4, 2000), 1e-4, 0.3, 0.999]:
        exact = math.log1p(-q)
        assert abs(log1m(q) - exact) <= 2.3e-16 * abs(exact), q
