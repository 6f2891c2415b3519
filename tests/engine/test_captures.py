"""Several captures at one station: the order they act in, their series and their streams."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    run_batches,
    simulate,
)
from deportsim.engine.plan import Plan

from .test_properties import networks

CLASSES = ("easy", "hard")


def _pool(captures: Capture | list[Capture], regions: tuple[str, ...] = ("all",)) -> Network:
    """A pool nobody leaves on their own within the run, and a station for the captured."""
    return Network(
        [
            Station("pool", Delay.deterministic(100_000.0), classes=CLASSES),
            Station("held", Delay.exponential(30.0)),
        ],
        captures={"pool": captures},
        regions=regions,
    )


def _two_channels(to: str = "held") -> list[Capture]:
    """Targeted operations (to station ``to``), then collateral arrests (mostly removed)."""
    return [
        Capture(300.0, 2_000.0, [Route(to)], weights={"hard": 0.5}, name="targeted"),
        Capture(200.0, 500.0, [Route("removed", 0.8)], weights={"easy": 0.2}, name="collateral"),
    ]


def _arrivals_network() -> Network:
    """People arriving into a pool, captured by two channels into a small jail that diverts."""
    return Network(
        [
            Station("pool", Delay.lognormal(60.0, 1.0), classes=CLASSES),
            Station(
                "jail", Delay.exponential(4.0), capacity=25, overflow="divert", divert_to="pool"
            ),
        ],
        arrivals={("pool", "easy"): 30.0, ("pool", "hard"): np.array([10.0, 25.0])},
        routes={("jail", "all"): [Route("removed", 0.7)]},
        captures={"pool": _two_channels("jail")},
        regions=("north", "south"),
    )


def test_two_captures_act_in_order_each_on_the_people_the_earlier_left() -> None:
    targeted, collateral = _two_channels()
    net = _pool([targeted, collateral])
    initial = {("pool", "easy"): 3_000.0, ("pool", "hard"): 2_000.0}
    r = simulate(net, 30, 1, MeanField(), initial=initial, record_classes=True)
    got = {
        (c.name, k): r.captures[f"pool.{c.name}[{k}]"][0, :, 0]
        for c in (targeted, collateral)
        for k in CLASSES
    }
    # those present when the searchers come: the day's end count plus both days' captures
    present = {
        k: r.series[f"pool[{k}]"]["occupancy"][0, :, 0] + got["targeted", k] + got["collateral", k]
        for k in CLASSES
    }
    w1 = {"easy": 1.0, "hard": 0.5}
    found = sum(w1[k] * present[k] for k in CLASSES)
    for k in CLASSES:
        want = w1[k] * 300.0 / (found + 2_000.0) * present[k]
        assert got["targeted", k] == pytest.approx(want, rel=1e-12), k
    left = {k: present[k] - got["targeted", k] for k in CLASSES}
    w2 = {"easy": 0.2, "hard": 1.0}
    found_left = sum(w2[k] * left[k] for k in CLASSES)
    found_before = sum(w2[k] * present[k] for k in CLASSES)
    for k in CLASSES:
        want = w2[k] * 200.0 / (found_left + 500.0) * left[k]
        assert got["collateral", k] == pytest.approx(want, rel=1e-12), k
        # had it counted the people present before the first capture, it would be off by up to 8%
        before = w2[k] * 200.0 / (found_before + 500.0) * present[k]
        assert np.max(np.abs(before / got["collateral", k] - 1)) > 0.01, k
    both = r.captures["pool.targeted"] + r.captures["pool.collateral"]
    assert np.allclose(both, r.series["pool"]["captured"], rtol=1e-14)
    assert np.allclose(r.series["held"]["arrivals"], r.captures["pool.targeted"], rtol=1e-14)
    assert np.allclose(r.sinks["removed"], 0.8 * r.captures["pool.collateral"], rtol=1e-14)


def test_capture_series_add_up_to_the_station_and_the_capture() -> None:
    net = _arrivals_network()
    r = simulate(net, 120, 4, Stochastic(Streams(7)), record_classes=True)
    assert set(r.captures) == {
        "pool.targeted",
        "pool.collateral",
        *(f"pool.{c}[{k}]" for c in ("targeted", "collateral") for k in CLASSES),
    }
    total = r.captures["pool.targeted"] + r.captures["pool.collateral"]
    assert total.sum() > 1_000, "both channels capture people"
    assert np.array_equal(total, r.series["pool"]["captured"])
    for name in ("targeted", "collateral"):
        by_class = r.captures[f"pool.{name}[easy]"] + r.captures[f"pool.{name}[hard]"]
        assert np.array_equal(by_class, r.captures[f"pool.{name}"]), name
    for k in CLASSES:
        both = r.captures[f"pool.targeted[{k}]"] + r.captures[f"pool.collateral[{k}]"]
        assert np.array_equal(both, r.series[f"pool[{k}]"]["captured"]), k
    assert np.all(np.abs(r.check_conservation()) < 1e-9)


def test_capture_series_are_kept_only_as_asked() -> None:
    net = _arrivals_network()
    totals = simulate(net, 10, 2, Stochastic(Streams(7)))
    assert set(totals.captures) == {"pool.targeted", "pool.collateral"}, "no class keys"
    assert simulate(net, 10, 2, Stochastic(Streams(7)), record=("occupancy",)).captures == {}
    one_class = Network(
        [Station("pool", Delay.exponential(50.0))],
        arrivals={("pool", "all"): 40.0},
        captures={"pool": [Capture(10.0, 50.0, [], name="a"), Capture(5.0, 50.0, [], name="b")]},
    )
    kept = simulate(one_class, 10, 2, MeanField(), record_classes=True).captures
    assert set(kept) == {"pool.a", "pool.b"}, "a station of one class: totals only"


@st.composite
def several_captures(draw: st.DrawFn) -> tuple[Network, int]:
    """The random networks of test_properties, with 0-3 captures at each station."""
    net, seed = draw(networks())
    targets = [s.name for s in net.stations] + ["removed", "exit"]
    captures = {}
    for s in net.stations:
        names = draw(st.permutations(["capture", "targeted", "collateral"]))
        captures[s.name] = [
            Capture(
                draw(st.floats(0, 40)),
                draw(st.floats(0, 100)),
                [Route(draw(st.sampled_from(targets)), draw(st.floats(0, 1)))],
                weights={k: draw(st.floats(0, 3)) for k in s.classes if draw(st.booleans())},
                name=name,
            )
            for name in names[: draw(st.integers(0, 3))]
        ]
    return dataclasses.replace(net, captures=captures), seed


@settings(max_examples=40, deadline=None)
@given(several_captures(), st.booleans())
def test_nobody_is_created_or_lost_with_several_captures(
    case: tuple[Network, int], stochastic: bool
) -> None:
    net, seed = case
    sampler = Stochastic(Streams(seed)) if stochastic else MeanField()
    first = (net.stations[0].name, net.stations[0].classes[0])
    r = simulate(net, 60, 3, sampler, initial={first: 7.0}, record_classes=True)
    gap = r.check_conservation()
    assert np.all(np.abs(gap) < 1e-6 * (1 + r.external_people)), f"people unaccounted for: {gap}"
    for station, captures in net.capture_lists.items():
        got = sum(r.captures[f"{station}.{c.name}"] for c in captures)
        assert np.allclose(got, r.series[station]["captured"], rtol=1e-12, atol=1e-9), station
    assert all(np.all(v >= -1e-9) for v in r.captures.values()), "a capture went negative"


def test_capture_names_are_unique_within_a_station() -> None:
    pool = Station("pool", Delay.exponential(10.0))
    twice = [Capture(1.0, 1.0, []), Capture(2.0, 1.0, [])]
    with pytest.raises(ValueError, match="names must be unique"):
        Network([pool], captures={"pool": twice})
    other = Station("other", Delay.exponential(10.0))
    Network([pool, other], captures={"pool": Capture(1.0, 1.0, []), "other": Capture(1.0, 1.0, [])})


def test_a_bad_second_capture_is_refused() -> None:
    bad = Capture(1.0, 1.0, [], weights={"other": 1.0}, name="late")
    with pytest.raises(ValueError, match="capture 'late' at 'pool': weights"):
        _pool([Capture(1.0, 1.0, []), bad])


def test_each_capture_draws_from_its_own_streams() -> None:
    net = _pool([*_two_channels(), Capture(1.0, 1.0, [])])
    streams = Plan.build(net, 1, SERIES, record_classes=False).streams
    for k in CLASSES:
        assert {f"pool.capture.{k}", f"pool.capture_route.{k}"} <= set(streams), "as before"
        for name in ("targeted", "collateral"):
            assert {f"pool.capture.{name}.{k}", f"pool.capture_route.{name}.{k}"} <= set(streams)
    assert len(set(streams)) == len(streams)


def test_threads_and_batches_give_identical_results_with_two_captures() -> None:
    net = _arrivals_network()
    one = simulate(net, 90, 13, Stochastic(Streams(3)), record_classes=True)
    three = simulate(net, 90, 13, Stochastic(Streams(3)), record_classes=True, threads=3)
    assert one.captures.keys() == three.captures.keys()
    for key, values in one.captures.items():
        assert np.array_equal(values, three.captures[key]), key
    assert np.array_equal(one.sinks["removed"], three.sinks["removed"])
    whole = run_batches(net, 60, 45, seed=4, batch_size=45, workers=1)
    for size, workers in ((20, 1), (7, 2)):
        split = run_batches(net, 60, 45, seed=4, batch_size=size, workers=workers)
        for st_name, series in whole.series.items():
            for name, values in series.items():
                assert np.array_equal(values, split.series[st_name][name]), f"{st_name}.{name}"


def test_batches_keep_each_capture_series() -> None:
    split = run_batches(_arrivals_network(), 20, 10, seed=4, batch_size=4, workers=1)
    assert set(split.captures) == {"pool.targeted", "pool.collateral"}


# Computed with the engine before a station could have several captures (one unnamed capture):
# captured people by class, and arrivals at "held", for replicates 0-1, days 0-3, regions a-b.
BEFORE = {
    "pool[easy]": [[[5, 11], [12, 11], [11, 13], [19, 9]], [[12, 14], [8, 14], [9, 7], [7, 11]]],
    "pool[hard]": [[[4, 2], [3, 3], [4, 1], [4, 6]], [[3, 7], [6, 4], [7, 5], [4, 6]]],
    "held": [[[7, 10], [13, 10], [13, 8], [18, 9]], [[10, 14], [9, 16], [13, 9], [8, 12]]],
}


@pytest.mark.parametrize("as_list", [False, True])
def test_a_single_default_capture_draws_what_it_drew_before(as_list: bool) -> None:
    capture = Capture(20.0, 100.0, [Route("held", 0.75)], weights={"hard": 0.5})
    net = _pool([capture] if as_list else capture, regions=("a", "b"))
    initial = {("pool", "easy"): 200.0, ("pool", "hard"): 200.0}
    r = simulate(net, 4, 2, Stochastic(Streams(1)), initial=initial, record_classes=True)
    assert r.series["pool[easy]"]["captured"].tolist() == BEFORE["pool[easy]"]
    assert r.series["pool[hard]"]["captured"].tolist() == BEFORE["pool[hard]"]
    assert r.series["held"]["arrivals"].tolist() == BEFORE["held"]
    assert np.array_equal(r.captures["pool.capture"], r.series["pool"]["captured"])


def test_an_infinite_half_makes_captures_proportional_to_the_people_present() -> None:
    # with half infinite, each person is taken with chance weight × capacity, whatever N
    pool = Station("pool", Delay.exponential(1e9), classes=("a", "b"))
    held = Station("held", Delay.exponential(1e9), classes=("a", "b"))
    capture = Capture(0.01, math.inf, [Route("held")], weights={"b": 3.0})
    net = Network([pool, held], captures={"pool": capture})
    initial = {("pool", "a"): 1000.0, ("pool", "b"): 500.0}
    r = simulate(net, 30, 1, MeanField(), initial=initial, record_classes=True)
    for cls, n0, p in (("a", 1000.0, 0.01), ("b", 500.0, 0.03)):
        taken = r.captures[f"pool.capture[{cls}]"][0, :, 0]
        left = n0 * (1 - p) ** np.arange(30)  # present before each day's captures
        assert taken == pytest.approx(left * p, rel=1e-6)
