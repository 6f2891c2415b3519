"""The naive baselines: their point forecasts, their intervals from past errors, their months."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from deportsim.analysis.forecasts.baselines import (
    BASELINES,
    MIN_ERRORS,
    add_months,
    baseline,
    linear_trend,
    persistence,
    seasonal_naive,
)
from deportsim.analysis.forecasts.scores import QuantileForecast


def months_from(first: str, n: int) -> list[str]:
    return [add_months(first, i) for i in range(n)]


def quantiles(f: QuantileForecast) -> np.ndarray:
    return np.vstack([f.p05, f.p25, f.p50, f.p75, f.p95])


@pytest.mark.parametrize(
    ("month", "n", "expected"),
    [("2025-10", 3, "2026-01"), ("2025-12", 1, "2026-01"), ("2026-01", -1, "2025-12"),
     ("2025-10", 0, "2025-10"), ("2025-10", 27, "2028-01"), ("2025-03", -15, "2023-12")],
)  # fmt: skip
def test_add_months(month: str, n: int, expected: str) -> None:
    assert add_months(month, n) == expected


@pytest.mark.parametrize("month", ["2025-13", "2025-00", "2025-1", "25-01", "2025/01"])
def test_add_months_rejects_bad_months(month: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        add_months(month, 1)


@pytest.mark.parametrize("name", BASELINES)
def test_a_constant_series_is_forecast_exactly_with_no_width(name: str) -> None:
    f = baseline(name, months_from("2023-01", 30), [50.0] * 30, 3)
    assert np.array_equal(quantiles(f), np.full((5, 3), 50.0))


def test_persistence_repeats_the_last_value() -> None:
    values = [float(v) for v in range(1, 21)]  # 1..20, the last is 20
    f = persistence(months_from("2024-01", 20), values, 4)
    assert f.p50.tolist() == [20.0] * 4


def test_a_linear_series_is_extrapolated_exactly_by_the_trend() -> None:
    values = [100.0 + 5.0 * i for i in range(20)]  # ends at 195
    f = linear_trend(months_from("2024-01", 20), values, 3)
    assert f.p50 == pytest.approx([200.0, 205.0, 210.0])
    # every past error is 0, so the interval has no width
    assert quantiles(f) == pytest.approx(np.tile([200.0, 205.0, 210.0], (5, 1)))


def test_the_trend_fits_only_the_last_six_months() -> None:
    # an old level shift, then six months rising by 2 from 10 to 20
    values = [500.0] * 20 + [10.0, 12.0, 14.0, 16.0, 18.0, 20.0]
    f = linear_trend(months_from("2023-01", 26), values, 2)
    assert f.p50 == pytest.approx([22.0, 24.0])


def test_the_trend_by_hand_on_noisy_points() -> None:
    # x = 0..5, y = 1, 3, 2, 5, 4, 6: x̄ = 2.5, ȳ = 3.5; Σ(x - x̄)² = 17.5
    # Σ(x - x̄)(y - ȳ) = (-2.5)(-2.5) + (-1.5)(-0.5) + (-0.5)(-1.5) + (0.5)(1.5) + (1.5)(0.5)
    #                  + (2.5)(2.5) = 6.25 + 0.75 + 0.75 + 0.75 + 0.75 + 6.25 = 15.5
    # slope = 15.5 / 17.5 = 0.885714...; at x = 6: 3.5 + 3.5·0.885714 = 6.6
    values = [9.0] * 10 + [1.0, 3.0, 2.0, 5.0, 4.0, 6.0]
    f = linear_trend(months_from("2024-01", 16), values, 1)
    assert f.p50 == pytest.approx([3.5 + 3.5 * 15.5 / 17.5])


def test_the_trend_is_floored_at_zero() -> None:
    # falling by 10 a month down to 0: the line is negative from the next month on
    values = [float(v) for v in range(160, 60, -10)] + [50.0, 40.0, 30.0, 20.0, 10.0, 0.0]
    f = linear_trend(months_from("2024-01", len(values)), values, 3)
    assert f.p50.tolist() == [0.0, 0.0, 0.0]
    assert np.all(quantiles(f) == 0.0)


def test_seasonal_naive_takes_the_same_month_a_year_earlier() -> None:
    year = [float(10 * m) for m in range(1, 13)]  # January 10 ... December 120
    values = year * 3  # 2023-01 .. 2025-12
    f = seasonal_naive(months_from("2023-01", 36), values, 14)
    # 2026-01 .. 2026-12 take 2025's months; 2027-01 and 2027-02 take 2025's January and February
    assert f.months[0] == "2026-01"
    assert f.months[-1] == "2027-02"
    assert f.p50.tolist() == [*year, 10.0, 20.0]
    assert np.array_equal(quantiles(f), np.tile(f.p50, (5, 1)))  # no past error


def test_seasonal_naive_from_a_mid_year_origin() -> None:
    values = [float(m) for m in range(30)]  # 2023-01 -> 0 ... 2025-06 -> 29
    f = seasonal_naive(months_from("2023-01", 30), values, 3)
    # 2025-07, -08, -09 take 2024-07, -08, -09, i.e. the values 18, 19, 20
    assert f.months == ("2025-07", "2025-08", "2025-09")
    assert f.p50.tolist() == [18.0, 19.0, 20.0]


def test_error_quantiles_on_a_series_with_known_errors() -> None:
    # persistence one month ahead; the series alternates 100, 110 then from 2024-06 on stays 100:
    # 100 110 100 110 100 110 100 100 100 100 100 (11 months, 10 past origins)
    # errors y[t+1]/y[t] - 1: +0.1, -1/11, +0.1, -1/11, +0.1, -1/11, 0, 0, 0, 0
    values = [100.0, 110.0] * 3 + [100.0] * 5
    f = persistence(months_from("2024-01", 11), values, 1)
    # sorted: -1/11 at 0..2, 0 at 3..6, 0.1 at 7..9; numpy's linear quantile of level τ sits at
    # position 9τ: 5% at 0.45 -> -1/11; 25% at 2.25 -> -1/11 + 0.25·(1/11) = -0.75/11;
    # 75% at 6.75 -> 0 + 0.75·0.1 = 0.075; 95% at 8.55 -> 0.1
    assert f.p50.tolist() == [100.0]
    assert [f.p05[0], f.p25[0], f.p75[0], f.p95[0]] == pytest.approx(
        [100 * (1 - 1 / 11), 100 * (1 - 0.75 / 11), 107.5, 110.0]
    )


def test_a_biased_method_keeps_its_point_as_the_median() -> None:
    # growing 10% a month: persistence always falls short, every error is +0.1
    values = [100.0 * 1.1**i for i in range(12)]
    f = persistence(months_from("2024-01", 12), values, 1)
    point = values[-1]
    assert f.p50[0] == pytest.approx(point)
    # the lower quantiles are clipped to the point, the upper ones are point × 1.1
    assert [f.p05[0], f.p25[0]] == pytest.approx([point, point])
    assert [f.p75[0], f.p95[0]] == pytest.approx([point * 1.1, point * 1.1])


def test_missing_months_are_skipped_in_the_past_errors() -> None:
    values = [100.0, 110.0] * 5 + [100.0]
    with_gap = values.copy()
    with_gap[3] = math.nan  # removes two persistence errors: into 2024-04 and out of it
    full = persistence(months_from("2024-01", 11), values, 1)
    gap = persistence(months_from("2024-01", 11), with_gap, 1)
    assert gap.p50.tolist() == full.p50.tolist() == [100.0]
    assert np.all(np.isfinite(quantiles(gap)))
    with pytest.raises(ValueError, match="missing at the origin"):
        persistence(months_from("2024-01", 11), [*values[:-1], math.nan], 1)


@pytest.mark.parametrize(
    ("name", "shortest"),
    # the fewest months with MIN_ERRORS (6) errors h = 2 months ahead: origins needs-1 .. n-1-h
    [("persistence", 1 + 2 + MIN_ERRORS - 1), ("seasonal", 12 + 2 + MIN_ERRORS - 1),
     ("trend", 6 + 2 + MIN_ERRORS - 1)],
)  # fmt: skip
def test_too_short_histories_are_refused(name: str, shortest: int) -> None:
    rng = np.random.default_rng(3)
    values = rng.uniform(50.0, 150.0, shortest).tolist()
    f = baseline(name, months_from("2022-01", shortest), values, 2)
    assert len(f) == 2
    with pytest.raises(ValueError, match="past errors 2 months ahead"):
        baseline(name, months_from("2022-01", shortest - 1), values[1:], 2)


@pytest.mark.parametrize(("name", "needs"), [("seasonal", 12), ("trend", 6)])
def test_a_history_shorter_than_the_method_is_refused(name: str, needs: int) -> None:
    with pytest.raises(ValueError, match=f"needs {needs} months of history"):
        baseline(name, months_from("2025-01", needs - 1), [1.0] * (needs - 1), 1)


def test_bad_inputs_are_refused() -> None:
    months = months_from("2024-01", 12)
    with pytest.raises(ValueError, match="unknown baseline"):
        baseline("drift", months, [1.0] * 12, 1)
    with pytest.raises(ValueError, match="horizons"):
        baseline("persistence", months, [1.0] * 12, 0)
    with pytest.raises(ValueError, match="one per month"):
        baseline("persistence", months, [1.0] * 11, 1)
    with pytest.raises(ValueError, match="follow each other"):
        baseline("persistence", [*months[:5], *months[6:], "2025-01"], [1.0] * 12, 1)
    with pytest.raises(ValueError, match="not negative"):
        baseline("persistence", months, [1.0] * 11 + [-1.0], 1)
    with pytest.raises(ValueError, match="empty"):
        baseline("persistence", [], [], 1)


def test_forecast_months_cross_the_year_end() -> None:
    f = persistence(months_from("2024-10", 15), [5.0] * 15, 4)  # history ends 2025-12
    assert f.months == ("2026-01", "2026-02", "2026-03", "2026-04")
    g = persistence(months_from("2024-08", 15), [5.0] * 15, 3)  # ends 2025-10
    assert g.months == ("2025-11", "2025-12", "2026-01")


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(BASELINES),
    values=st.lists(st.integers(0, 10**6).map(float), min_size=30, max_size=48),  # counts
    horizons=st.integers(1, 6),
)
def test_quantiles_never_decrease_and_never_go_below_zero(
    name: str, values: list[float], horizons: int
) -> None:
    # past forecasts of 0 have no relative error; too many of them leave too few errors
    try:
        f = baseline(name, months_from("2021-01", len(values)), values, horizons)
    except ValueError as error:
        if "past errors" not in str(error):
            raise
        reject()
    q = quantiles(f)
    assert np.all(np.diff(q, axis=0) >= 0)
    assert np.all(q >= 0)
