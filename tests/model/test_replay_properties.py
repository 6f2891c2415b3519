"""Properties of the replay's building blocks, over many generated inputs (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from deportsim.analysis.history.scoring import score
from deportsim.engine.flows import two_phase_stock
from deportsim.model.replay import covered_days

DAILY = st.lists(st.floats(0.0, 5_000.0), min_size=1, max_size=400)


@settings(max_examples=60, deadline=None)
@given(
    admissions=DAILY,
    split=st.floats(0.0, 1.0),
    short=st.floats(0.5, 50.0),
    long=st.floats(0.5, 2_000.0),
    start=st.floats(0.0, 1e5),
    level=st.floats(-2.0, 2.0),
)
def test_the_stock_keeps_everyone_and_never_goes_negative(
    admissions: list[float], split: float, short: float, long: float, start: float, level: float
) -> None:
    adm = np.array(admissions)
    stock, out = two_phase_stock(
        adm, split=split, mean_short=short, mean_long=long,
        multiplier=np.full(adm.size, np.exp(level)), start=start,
    )  # fmt: skip
    assert np.all(stock >= -1e-9)
    assert np.all(out >= -1e-9)
    # people on the last day = at the start + arrived - left
    assert np.isclose(stock[-1], start + adm.sum() - out.sum(), rtol=1e-9, atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(
    days=st.sampled_from([28, 29, 30, 31]),
    data=st.data(),
)
def test_covered_days_finds_the_days_behind_whole_person_days(
    days: int, data: st.DataObject
) -> None:
    covered = data.draw(st.integers(1, days))
    person_days = data.draw(st.lists(st.integers(1, 3_000_000), min_size=1, max_size=3))
    adp = [p / covered for p in person_days]
    found = covered_days(adp, days)
    # the days found make every figure a whole number of person-days ...
    assert all(abs(a * found - round(a * found)) < 2e-4 * found for a in adp)
    # ... and a whole month's figures are taken as covering the whole month
    if covered == days:
        assert found == days
    else:
        assert found <= covered or found == days


@settings(max_examples=100, deadline=None)
@given(
    observed=st.lists(st.floats(1.0, 1e5), min_size=1, max_size=24),
    spread=st.floats(0.0, 0.5),
)
def test_scores_are_shares_and_perfect_draws_score_perfectly(
    observed: list[float], spread: float
) -> None:
    obs = np.array(observed)
    months = [f"2024-{i % 12 + 1:02d}" for i in range(obs.size)]
    exact = score(months, obs, np.tile(obs, (5, 1)))
    assert exact.mape == 0.0
    assert exact.coverage90 == 1.0
    rng = np.random.default_rng(0)
    draws = obs * np.exp(rng.normal(0.0, spread, (200, obs.size)) + spread)
    s = score(months, obs, draws)
    assert s.mape >= 0.0
    assert 0.0 <= s.coverage90 <= 1.0
    assert np.all(s.p05 <= s.p50)
    assert np.all(s.p50 <= s.p95)
