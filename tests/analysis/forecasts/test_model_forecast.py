"""The model's forecast from the state known on a date, reading nothing published later."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from deportsim.analysis.forecasts.evaluate import HORIZONS, baseline_method, evaluate
from deportsim.analysis.forecasts.model import STATE, Forecast, _monthly, forecast, model_method
from deportsim.core.errors import UserError
from deportsim.official.national import Figure, versions

AS_OF = dt.date(2025, 9, 30)


def _published_by(as_of: dt.date) -> Callable[[str, str, str], Sequence[Figure]]:
    def read(table: str, agency: str, category: str) -> Sequence[Figure]:
        found = versions(table, agency, category=category)
        return [f for f in found if f.data_date is not None and f.data_date <= as_of]

    return read


@pytest.fixture(scope="module")
def made() -> Forecast:
    return forecast("directive-2025", AS_OF, 3, replicates=20, seed=3)


def test_it_starts_from_the_last_month_known_with_its_detained_population(made: Forecast) -> None:
    # the FY2025 workbook's data run to 24 September 2025: August is the last complete month
    assert made.origin == "2025-08"
    assert made.start == dt.date(2025, 9, 1)
    assert set(made.state) == set(STATE)
    # August's total is known, and the state by agency adds up to it (1%)
    total = made.data.series["detained_adp"].value("2025-08")
    assert total is not None
    assert sum(made.state.values()) == pytest.approx(total, rel=0.01)
    fc = made.series["detained_adp"]
    assert fc.months == ("2025-09", "2025-10", "2025-11")
    # September's average starts from the state: within 15% of it
    assert fc.p50[0] == pytest.approx(total, rel=0.15)


def test_observed_values_are_only_those_known_by_the_as_of_date(made: Forecast) -> None:
    for name in made.series:
        assert made.observed[name] == (None, None, None)
    assert all(day <= AS_OF for day in made.data.workbooks.values())


def test_without_anything_published_later_the_output_is_byte_identical(made: Forecast) -> None:
    cut = forecast("directive-2025", AS_OF, 3, replicates=20, seed=3, read=_published_by(AS_OF))
    assert json.dumps(cut.to_json()) == json.dumps(made.to_json())


def test_forecast_json_has_every_series_with_ordered_quantiles(made: Forecast) -> None:
    doc = made.to_json()
    assert doc["as_of"] == "2025-09-30"
    assert set(doc["series"]) >= {"detained_adp", "book_ins_ice", "book_ins_cbp", "removals",
                                  "book_outs"}  # fmt: skip
    for rows in doc["series"].values():
        for r in rows:
            assert r["p05"] <= r["p25"] <= r["p50"] <= r["p75"] <= r["p95"]
            assert set(r) == {"month", "p05", "p25", "p50", "p75", "p95", "observed"}


def test_bad_dates_and_lengths_are_one_line_errors() -> None:
    with pytest.raises(UserError, match="--as-of: no complete month"):
        forecast("directive-2025", dt.date(2018, 1, 1), 3, replicates=2)
    with pytest.raises(UserError, match="--months: months must be between 1 and 60"):
        forecast("directive-2025", AS_OF, 0, replicates=2)


def test_days_are_summed_or_averaged_by_calendar_month() -> None:
    start = dt.date(2025, 1, 30)  # two days of January, then February's 28
    daily = np.vstack([np.arange(30, dtype=np.float64), np.ones(30)])
    sums = _monthly(daily, start, ["2025-01", "2025-02"], "sum")
    np.testing.assert_array_equal(sums, [[0 + 1, sum(range(2, 30))], [2, 28]])
    means = _monthly(daily, start, ["2025-01", "2025-02"], "mean")
    np.testing.assert_array_equal(means, [[0.5, np.mean(np.arange(2, 30))], [1, 1]])


def test_the_model_is_scored_beside_the_baselines_from_the_same_origins() -> None:
    methods = {"model": model_method("directive-2025", replicates=10),
               "persistence": baseline_method("persistence")}  # fmt: skip
    rows = evaluate(methods, series=("detained_adp",), first_origin="2025-06", windows=())
    by = {(r.method, r.horizon): r for r in rows}
    for h in HORIZONS:
        model, naive = by[("model", h)], by[("persistence", h)]
        assert model.skipped == naive.skipped == 1  # September 2025 is not known
        # the same origins and targets: as many months scored
        assert model.scores is not None
        assert naive.scores is not None
        assert model.scores.n == naive.scores.n
        assert model.scores.wis > 0.0
        assert 0.0 <= model.scores.coverage90 <= 1.0


def test_forecast_json_lists_what_was_not_yet_published(made: Forecast) -> None:
    left = made.to_json()["left_out"]
    # the officers made operational from October 2025 were reported in January 2026
    assert ("arrests.officers from 2025-10-01 (scenario directive-2025, published 2026-01-31)"
            in left)  # fmt: skip
    # FY2025's removal share came out on 24 September 2025, before the as-of date: used
    assert not any(x.startswith("detention.removal_share_of_book_outs from 2024-10-01")
                   for x in left)  # fmt: skip
    assert any(x.startswith("detention.removal_share_of_book_outs from 2025-10-01") for x in left)
