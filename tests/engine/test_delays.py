"""The daily form of a stay distribution: K = floor(U + S), exact in mean, measured in shape."""

from __future__ import annotations

import math

import numpy as np
import pytest

from deportsim.engine import Delay

DELAYS = {
    "exponential 45": Delay.exponential(45.0),
    "exponential 0.25": Delay.exponential(0.25),
    "gamma": Delay.gamma(12.0, 0.7),
    "erlang": Delay.erlang(3.0, 4),
    "lognormal": Delay.lognormal(20.0, 1.5),
    "lognormal short": Delay.lognormal(0.4, 1.0),
    "deterministic": Delay.deterministic(2.5),
    "deterministic 12": Delay.deterministic(12.0),  # no exits for days: not a constant hazard
    "histogram": Delay.empirical([0, 1, 5, 30, 200], [0.2, 0.3, 0.4, 0.1]),
    "hyperexponential": Delay.hyperexponential(25.0, 1.3),
    "hyperexponential short": Delay.hyperexponential(1.5, 2.5),
}


@pytest.mark.parametrize("delay", DELAYS.values(), ids=DELAYS.keys())
def test_mean_day_end_count_equals_mean_stay(delay: Delay) -> None:
    assert delay.daily().binned_mean() == pytest.approx(delay.mean, rel=1e-6)


@pytest.mark.parametrize("delay", DELAYS.values(), ids=DELAYS.keys())
def test_daily_form_matches_simulated_floor_u_plus_s(delay: Delay) -> None:
    gen = np.random.default_rng(7)
    n = 400_000
    k = np.floor(gen.random(n) + delay.sample(gen, n)).astype(np.int64)
    observed = np.bincount(k, minlength=60)[:60] / n
    expected = delay.daily().pmf(60)
    se = np.sqrt(expected * (1 - expected) / n)
    assert np.all(np.abs(observed - expected) < 5 * se + 1e-4), np.max(
        np.abs(observed - expected) / (se + 1e-12)
    )


def test_exponential_needs_one_age_and_is_exact() -> None:
    stay = Delay.exponential(45.0).daily()
    assert stay.bins == 1
    assert stay.hazard[0] == pytest.approx(1 - math.exp(-1 / 45))  # memoryless after day one
    assert stay.first == pytest.approx(1 - 45 * (1 - math.exp(-1 / 45)))
    assert stay.approximation_error() < 1e-12


@pytest.mark.parametrize(
    "delay", [Delay.gamma(45.0, 0.7), Delay.lognormal(45.0, 1.5)], ids=["gamma", "lognormal"]
)
def test_skewed_stays_are_binned_with_a_small_error(delay: Delay) -> None:
    stay = delay.daily()
    assert stay.approximation_error() < 1e-3, "Kolmogorov-Smirnov distance to the exact daily form"


def test_histogram_partial_means_are_exact() -> None:
    d = Delay.empirical([0, 1, 5, 30, 200], [0.2, 0.3, 0.4, 0.1])
    # survival is 0.5 at day 5 and falls linearly to 0.1 at day 30: ∫5..10 = 2.5 - 0.016·12.5
    assert d.mean_min(np.array([10.0]))[0] == pytest.approx(3.5 + 2.3)
    assert d.mean == pytest.approx(19.5)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Delay.exponential(0.0), "mean stay must be positive"),
        (lambda: Delay.gamma(5.0, 0.0), "cv must be positive"),
        (lambda: Delay.erlang(5.0, 0), "at least one stage"),
        (lambda: Delay.empirical([0, 2, 1], [0.5, 0.5]), "increasing edges"),
        (lambda: Delay.empirical([0, 1], [0.0]), "not all zero"),
        (lambda: Delay.hyperexponential(20.0, 1.0), "cv above 1"),
    ],
)
def test_bad_delays_are_refused(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


COMPACT = {
    "lognormal 45, cv 1.2": (Delay.lognormal(45.0, 1.2), 3e-3),
    "lognormal 120, cv 0.8": (Delay.lognormal(120.0, 0.8), 8e-3),
    "gamma 400, cv 0.8": (Delay.gamma(400.0, 0.8), 5e-3),
    "gamma 45, cv 0.7": (Delay.gamma(45.0, 0.7), 3e-3),
}


@pytest.mark.parametrize(("delay", "bound"), COMPACT.values(), ids=COMPACT.keys())
def test_compact_forms_keep_the_mean_and_bound_the_shape_error(delay: Delay, bound: float) -> None:
    # 48 bins: daily for 24 days, then bins of growing width (docs/engine.md gives the table)
    stay = delay.daily(max_bins=48)
    assert stay.bins <= 48
    assert not stay.daily_bins, "these stays need more than 48 daily bins"
    assert stay.binned_mean(8000) == pytest.approx(delay.mean, rel=1e-6)
    assert stay.approximation_error() < bound
    exact = delay.daily()
    assert exact.approximation_error() < 1e-4, "the default form is the exact daily law"


def test_compact_stays_in_a_run_keep_littles_law() -> None:
    from deportsim.engine import MeanField, Network, Station, simulate  # noqa: PLC0415

    # unlimited station, 40 a day, lognormal stays of mean 45: occupancy tends to 40 x 45
    net = Network(
        [Station("beds", Delay.lognormal(45.0, 1.2), max_bins=32)],
        arrivals={("beds", "all"): 40.0},
    )
    r = simulate(net, 3000, 1, MeanField(), record=("occupancy",))
    assert r.national("beds", "occupancy")[0, -1] == pytest.approx(40.0 * 45.0, rel=1e-3)


@pytest.mark.parametrize(("mean", "cv"), [(25.0, 1.3), (60.0, 1.3), (5.0, 3.0), (0.5, 1.1)])
def test_hyperexponential_is_exact_in_two_bins(mean: float, cv: float) -> None:
    d = Delay.hyperexponential(mean, cv)
    (p, short), (q, long) = d.parts()
    assert p + q == pytest.approx(1.0)
    # balanced means: each part carries half of the mean; together mean and cv are the stay's
    assert p * short.mean == pytest.approx(mean / 2)
    assert q * long.mean == pytest.approx(mean / 2)
    second = 2 * (p * short.mean**2 + q * long.mean**2)  # E[S²] of a mixture of exponentials
    assert math.sqrt(second - mean**2) / mean == pytest.approx(cv)
    stay = d.daily()
    assert stay.bins == 2
    assert stay.advance[0] > 0, "a first bin that moves on to a last that keeps everyone older"
    assert stay.approximation_error(20_000) < 1e-12, "the mixture's daily law, exactly"
    assert stay.binned_mean(40_000) == pytest.approx(mean, rel=1e-9)


def test_hyperexponential_parts_are_short_first_and_sample_its_mean() -> None:
    d = Delay.hyperexponential(40.0, 2.0)
    (_, short), (_, long) = d.parts()
    assert short.mean < 40.0 < long.mean
    gen = np.random.default_rng(3)
    s = d.sample(gen, 400_000)
    # the sample mean is within 4 standard errors; the standard error is cv·mean/sqrt(n)
    assert abs(s.mean() - 40.0) < 4 * 2.0 * 40.0 / math.sqrt(s.size)
    assert Delay.exponential(5.0).parts() == ((1.0, Delay.exponential(5.0)),)
