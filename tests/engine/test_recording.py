"""Recording only what is read, and starting stations in their settled age mix."""

from __future__ import annotations

import numpy as np
import pytest

from deportsim.engine import (
    SERIES,
    Capture,
    Delay,
    MeanField,
    Network,
    Route,
    Station,
    Stochastic,
    Streams,
    simulate,
)


def _net() -> Network:
    stations = [
        Station("pool", Delay.exponential(400.0), classes=("a", "b")),
        Station("held", Delay.lognormal(30.0, 1.3), capacity=500.0, classes=("a", "b")),
    ]
    return Network(
        stations,
        arrivals={("pool", "a"): 40.0, ("pool", "b"): 20.0},
        routes={("held", "a"): [Route("gone", 0.5)], ("held", "b"): [Route("gone", 1.0)]},
        captures={"pool": Capture(30.0, 1000.0, [Route("held")], name="search")},
    )


def test_a_record_map_keeps_only_what_it_names_with_the_same_values() -> None:
    record = {"held": ("occupancy", "admitted"), "pool[b]": ("occupancy",)}
    kw = {"record_classes": True}
    part = simulate(_net(), 90, 3, Stochastic(Streams(5)), record=record, **kw)
    full = simulate(_net(), 90, 3, Stochastic(Streams(5)), record=SERIES, **kw)
    assert {k: set(v) for k, v in part.series.items()} == {
        "held": {"occupancy", "admitted"},
        "pool[b]": {"occupancy"},
    }
    for key, series in part.series.items():
        for name, values in series.items():
            assert np.array_equal(values, full.series[key][name]), (key, name)
    assert part.captures == {}, "captures are kept only when 'captured' is recorded"


def test_a_record_map_must_name_kept_keys() -> None:
    with pytest.raises(ValueError, match="not kept keys"):
        simulate(_net(), 5, 1, MeanField(), record={"held[a]": ("occupancy",)})


def test_class_series_of_named_stations_and_captures_only() -> None:
    r = simulate(_net(), 5, 1, MeanField(), record_classes=("held",))
    assert "held[a]" in r.series
    assert "pool[a]" not in r.series
    assert set(r.captures) == {"pool.search"}
    r = simulate(_net(), 5, 1, MeanField(), record_classes=("pool.search",))
    assert set(r.captures) == {"pool.search", "pool.search[a]", "pool.search[b]"}


def test_settled_people_leave_at_the_pace_of_their_stay() -> None:
    # 10,000 people in a station with skewed stays (mean 45 days), nobody arriving: placed in
    # the settled age mix they leave at about 10,000 / 45 a day at first, as a station that has
    # run for long; placed as old-timers (the tail bin) they leave far more slowly
    net = Network([Station("held", Delay.lognormal(45.0, 1.3))])
    first_day = {}
    for settled in (True, False):
        r = simulate(net, 10, 1, MeanField(), initial={("held", "all"): 10_000.0}, settled=settled)
        first_day[settled] = r.series["held"]["completed"][0, 0, 0]
    assert first_day[True] == pytest.approx(10_000 / 45.0, rel=0.1)
    assert first_day[False] < 0.5 * first_day[True]


def test_settled_whole_people_keep_their_total() -> None:
    net = Network([Station("held", Delay.lognormal(45.0, 1.3))], regions=("x", "y"))
    initial = {("held", "all"): np.array([1234.4, 77.0])}
    r = simulate(net, 1, 2, Stochastic(Streams(1)), initial=initial, settled=True)
    assert r.initial_people.tolist() == [1234.0 + 77.0] * 2
