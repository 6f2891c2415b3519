"""The rolling-origin evaluation: each origin sees only its vintage; scored by horizon, window."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from deportsim.analysis.forecasts.baselines import add_months
from deportsim.analysis.forecasts.evaluate import HORIZONS, baseline_method, evaluate, origins
from deportsim.official.vintage import MonthlySeries, Rule, Vintage, month_end

FIRST = "2017-01"
MONTHS = [add_months(FIRST, i) for i in range(114)]  # to 2026-06
LINE = 1_000.0 + 10.0 * np.arange(len(MONTHS))  # a straight line: the trend is exact


def _known_at(as_of: dt.date, rule: Rule) -> Vintage:
    """The line as known on ``as_of``: every month ended by then (a cut vintage)."""
    keep = [i for i, m in enumerate(MONTHS) if month_end(m) <= as_of]
    series = MonthlySeries(
        "detained_adp", tuple(MONTHS[i] for i in keep), LINE[keep], ("x.xlsx",) * len(keep)
    )
    return Vintage(as_of, {"detained_adp": series}, {}, rule)


def test_origins_run_month_by_month() -> None:
    assert origins("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert origins("2025-03", "2025-02") == []


def test_a_straight_line_is_forecast_exactly_by_the_trend_and_not_by_persistence() -> None:
    rows = evaluate(
        {"trend": baseline_method("trend"), "persistence": baseline_method("persistence")},
        series=("detained_adp",),
        latest=_known_at(dt.date(2026, 7, 1), "cut"),
        known_at=_known_at,
    )
    by = {(r.method, r.horizon, r.window): r for r in rows}
    assert len(rows) == 2 * len(HORIZONS) * 2
    for h in HORIZONS:
        trend = by[("trend", h, "all")].scores
        assert trend is not None
        assert trend.mape == pytest.approx(0.0, abs=1e-12)
        assert trend.wis == pytest.approx(0.0, abs=1e-9)
        assert trend.coverage90 == 1.0
        last = by[("persistence", h, "all")].scores
        assert last is not None
        # persistence is 10*h below a value near 1,000 + 10*t: a known percentage error
        assert last.mape > 0.0
    # origins 2019-10 .. 2026-05: 80; the targets beyond 2026-06 are not scored
    assert by[("trend", 1, "all")].scores.n == 80  # type: ignore[union-attr]
    assert by[("trend", 6, "all")].scores.n == 80 - 5  # type: ignore[union-attr]
    # the window counts origins from October 2024: 20 of them at one month ahead
    assert by[("trend", 1, "from 2024-10")].scores.n == 20  # type: ignore[union-attr]


def test_a_method_that_cannot_forecast_is_counted_not_scored() -> None:
    def never(_known: MonthlySeries, _h: int) -> object:
        raise ValueError("too short")

    rows = evaluate(
        {"never": never},  # type: ignore[dict-item]
        series=("detained_adp",),
        latest=_known_at(dt.date(2026, 7, 1), "cut"),
        known_at=_known_at,
    )
    assert all(r.scores is None for r in rows)
    assert {r.skipped for r in rows if r.window == "all"} == {80}


def test_the_baselines_on_ice_s_series() -> None:
    rows = evaluate(series=("detained_adp", "book_ins_ice"))
    assert {r.method for r in rows} == {"persistence", "seasonal", "trend"}
    scored = [r for r in rows if r.scores is not None]
    assert len(scored) == len(rows)  # every baseline forecasts every series somewhere
    for r in scored:
        assert r.scores is not None
        assert 0.0 <= r.scores.coverage50 <= r.scores.coverage90 <= 1.0
        assert r.scores.wis > 0.0
    one = next(r for r in rows if (r.series, r.method, r.horizon, r.window)
               == ("detained_adp", "persistence", 1, "all"))  # fmt: skip
    assert one.scores is not None
    assert one.scores.mape < 0.15  # detention moves a few percent a month
