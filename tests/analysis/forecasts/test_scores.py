"""Scoring quantile forecasts: interval score, WIS, MAPE and coverage, by hand and by property."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deportsim.analysis.forecasts.scores import (
    QUANTILES,
    QuantileForecast,
    Scores,
    coverage,
    interval_score,
    mape,
    mean_weighted_interval_score,
    score_forecast,
    weighted_interval_score,
)


def flat(*quantiles: float, months: int = 1) -> QuantileForecast:
    """The same five quantiles in each of ``months`` months from 2025-11."""
    labels = [f"{2025 + (10 + i) // 12}-{(10 + i) % 12 + 1:02d}" for i in range(months)]
    p05, p25, p50, p75, p95 = ([q] * months for q in quantiles)
    return QuantileForecast(labels, p05=p05, p25=p25, p50=p50, p75=p75, p95=p95)


def test_interval_score_by_hand() -> None:
    # [l, u] = [10, 20], alpha = 0.2, so 2/alpha = 10; the width is 10
    # y = 15 inside:   10
    # y = 10 on l:     10 (the bound counts as inside)
    # y = 7 below:     10 + 10·(10 - 7)  = 40
    # y = 22.5 above:  10 + 10·(22.5 - 20) = 35
    got = interval_score(10.0, 20.0, np.array([15.0, 10.0, 7.0, 22.5]), 0.2)
    assert got == pytest.approx([10.0, 10.0, 40.0, 35.0])


def test_interval_score_is_elementwise_and_passes_missing_through() -> None:
    # row 1: width 2, y = 5 above u = 3 by 2, 2/0.5 = 4: 2 + 4·2 = 10
    # row 2: width 0 (a point), y = 1 below l = 4 by 3: 0 + 4·3 = 12
    got = interval_score(np.array([1.0, 4.0]), np.array([3.0, 4.0]), np.array([5.0, 1.0]), 0.5)
    assert got == pytest.approx([10.0, 12.0])
    assert math.isnan(interval_score(1.0, 2.0, math.nan, 0.5)[()])


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, 1.5])
def test_interval_score_rejects_alpha_outside_0_1(alpha: float) -> None:
    with pytest.raises(ValueError, match="alpha"):
        interval_score(1.0, 2.0, 1.5, alpha)


def test_interval_score_rejects_crossed_bounds() -> None:
    with pytest.raises(ValueError, match="lower"):
        interval_score(3.0, 2.0, 2.5, 0.5)


def test_wis_by_hand() -> None:
    f = flat(80.0, 90.0, 100.0, 110.0, 120.0, months=3)
    # WIS = (½|y - m| + (0.5/2)·IS_0.5 + (0.1/2)·IS_0.1) / (2 + ½)
    # y = 100: ½·0 = 0; IS_0.5 = 20; IS_0.1 = 40
    #          (0 + 0.25·20 + 0.05·40) / 2.5 = (5 + 2) / 2.5 = 2.8
    # y = 95:  ½·5 = 2.5; IS_0.5 = 20; IS_0.1 = 40
    #          (2.5 + 5 + 2) / 2.5 = 3.8
    # y = 130: ½·30 = 15; IS_0.5 = 20 + 4·(130 - 110) = 100; IS_0.1 = 40 + 20·(130 - 120) = 240
    #          (15 + 25 + 12) / 2.5 = 20.8
    got = weighted_interval_score(f, [100.0, 95.0, 130.0])
    assert got == pytest.approx([2.8, 3.8, 20.8])
    assert mean_weighted_interval_score(f, [100.0, 95.0, 130.0]) == pytest.approx(27.4 / 3)


def test_wis_of_an_asymmetric_forecast_below_the_interval() -> None:
    f = flat(2.0, 4.0, 5.0, 9.0, 15.0)
    # y = 1: ½·|1 - 5| = 2
    # IS_0.5 = (9 - 4) + 4·(4 - 1) = 5 + 12 = 17, weighted 0.25·17 = 4.25
    # IS_0.1 = (15 - 2) + 20·(2 - 1) = 13 + 20 = 33, weighted 0.05·33 = 1.65
    # (2 + 4.25 + 1.65) / 2.5 = 7.9 / 2.5 = 3.16
    assert weighted_interval_score(f, [1.0]) == pytest.approx([3.16])


def test_a_perfect_point_forecast_has_wis_zero() -> None:
    f = flat(42.0, 42.0, 42.0, 42.0, 42.0)
    assert weighted_interval_score(f, [42.0]).tolist() == [0.0]


def test_wis_grows_as_the_observation_leaves_the_interval() -> None:
    f = flat(80.0, 90.0, 100.0, 110.0, 120.0)
    ys = [100.0, 110.0, 120.0, 125.0, 150.0, 200.0]
    wis = [weighted_interval_score(f, [y])[0] for y in ys]
    assert np.all(np.diff(wis) > 0)
    below = [weighted_interval_score(f, [y])[0] for y in (100.0, 80.0, 60.0, 0.0)]
    assert np.all(np.diff(below) > 0)


def test_coverage_counts_the_months_inside_bounds_included() -> None:
    f = flat(80.0, 90.0, 100.0, 110.0, 120.0, months=5)
    ys = [90.0, 105.0, 111.0, 120.0, 121.0]
    # 50% [90, 110]: 90 yes, 105 yes, 111 no, 120 no, 121 no -> 2/5
    # 90% [80, 120]: 90, 105, 111, 120 yes, 121 no -> 4/5
    assert coverage(f, ys, 50) == pytest.approx(0.4)
    assert coverage(f, ys, 90) == pytest.approx(0.8)
    with pytest.raises(ValueError, match="50% or the 90%"):
        coverage(f, ys, 95)


def test_score_forecast_skips_missing_months() -> None:
    f = flat(80.0, 90.0, 100.0, 110.0, 120.0, months=4)
    s = score_forecast(f, [100.0, None, math.nan, 125.0])
    # scored: 100 and 125. MAPE (0 + 25/125) / 2 = 0.1; 50%: 1/2; 90%: 1/2
    # WIS 2.8 and (12.5 + 0.25·(20 + 4·15) + 0.05·(40 + 20·5)) / 2.5 = 39.5 / 2.5 = 15.8
    assert s == Scores(mape=pytest.approx(0.1), coverage50=0.5, coverage90=0.5,
                       wis=pytest.approx(9.3), n=2)  # fmt: skip
    assert np.isnan(weighted_interval_score(f, [100.0, None, math.nan, 125.0])[1:3]).all()


def test_mape_needs_positive_observations() -> None:
    f = flat(0.0, 1.0, 2.0, 3.0, 4.0, months=2)
    with pytest.raises(ValueError, match="positive"):
        mape(f, [1.0, 0.0])
    with pytest.raises(ValueError, match="positive"):
        score_forecast(f, [-1.0, 2.0])
    with pytest.raises(ValueError, match="finite"):
        mape(f, [1.0, math.inf])


def test_nothing_to_score_is_an_error() -> None:
    f = flat(0.0, 1.0, 2.0, 3.0, 4.0, months=2)
    with pytest.raises(ValueError, match="no month"):
        score_forecast(f, [None, None])


def test_observed_must_match_the_months() -> None:
    f = flat(0.0, 1.0, 2.0, 3.0, 4.0, months=2)
    with pytest.raises(ValueError, match="shape"):
        weighted_interval_score(f, [1.0])


def test_forecast_validation() -> None:
    ok = {"p05": [1.0], "p25": [2.0], "p50": [3.0], "p75": [4.0], "p95": [5.0]}
    QuantileForecast(["2025-01"], **ok)
    with pytest.raises(ValueError, match="p75 exceeds p95 in 2025-01"):
        QuantileForecast(["2025-01"], **(ok | {"p95": [3.5]}))
    with pytest.raises(ValueError, match="p05 exceeds p25"):
        QuantileForecast(["2025-01"], **(ok | {"p05": [2.5]}))
    with pytest.raises(ValueError, match="not finite"):
        QuantileForecast(["2025-01"], **(ok | {"p50": [math.nan]}))
    with pytest.raises(ValueError, match="not finite"):
        QuantileForecast(["2025-01"], **(ok | {"p95": [math.inf]}))
    with pytest.raises(ValueError, match=r"p25 has shape \(2,\)"):
        QuantileForecast(["2025-01"], **(ok | {"p25": [2.0, 2.0]}))
    with pytest.raises(ValueError, match="YYYY-MM"):
        QuantileForecast(["2025-13"], **ok)


def test_forecast_arrays_are_read_only_copies() -> None:
    p50 = np.array([3.0])
    f = QuantileForecast(["2025-01"], p05=[1.0], p25=[2.0], p50=p50, p75=[4.0], p95=[5.0])
    p50[0] = 99.0
    assert f.p50[0] == 3.0
    with pytest.raises(ValueError, match="read-only"):
        f.p50[0] = 1.0


# quantiles on a 0.01 grid, so a nonzero width never underflows to zero when weighted
VALUE = st.integers(0, 10**7).map(lambda i: i / 100)


@settings(max_examples=300, deadline=None)
@given(qs=st.lists(VALUE, min_size=5, max_size=5), y=VALUE)
def test_wis_is_never_negative_and_zero_only_for_the_exact_point(qs: list[float], y: float) -> None:
    f = flat(*sorted(qs))
    wis = weighted_interval_score(f, [y])[0]
    assert wis >= 0.0
    assert (wis == 0.0) == all(q == y for q in qs)


@settings(max_examples=300, deadline=None)
@given(qs=st.lists(VALUE, min_size=5, max_size=5), y=VALUE)
def test_wis_is_twice_the_mean_pinball_loss(qs: list[float], y: float) -> None:
    # Bracher et al. (2021): WIS is a quantile score, twice the mean pinball loss over the levels
    qs = sorted(qs)
    pinball = [(float(y < q) - tau) * (q - y) for tau, q in zip(QUANTILES, qs, strict=True)]
    wis = weighted_interval_score(flat(*qs), [y])[0]
    assert wis == pytest.approx(2.0 * np.mean(pinball), rel=1e-9, abs=1e-9)
