"""Properties of any engine run: nobody created or lost, capacities kept, results reproducible."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deportsim.engine import (
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
from deportsim.engine.kernels import share

DELAYS = st.one_of(
    st.builds(Delay.exponential, st.floats(0.05, 60)),
    st.builds(Delay.gamma, st.floats(0.2, 40), st.floats(0.2, 2.0)),
    st.builds(Delay.lognormal, st.floats(0.2, 40), st.floats(0.2, 1.5)),
    st.builds(Delay.deterministic, st.floats(0.1, 15)),
)


@st.composite
def networks(draw: st.DrawFn) -> tuple[Network, int]:
    """Random feed-forward-and-back networks of 1-4 stations with every capacity and policy kind."""
    n = draw(st.integers(1, 4))
    regions = tuple(f"r{i}" for i in range(draw(st.integers(1, 3))))
    stations = []
    for i in range(n):
        kind = draw(st.sampled_from(["none", "places", "starts"]))
        pooled = draw(st.booleans())
        overflow = draw(st.sampled_from(["queue", "lose", "divert"])) if kind != "none" else "queue"
        if overflow == "divert" and n == 1:
            overflow = "lose"
        classes = ("hi", "lo") if draw(st.booleans()) else ("all",)
        stations.append(
            Station(
                f"s{i}",
                draw(DELAYS),
                capacity=None if kind == "none" else draw(st.floats(0, 80)),
                capacity_kind="starts" if kind == "starts" else "places",
                pooled=pooled,
                classes=classes,
                overflow=overflow,
                divert_to=f"s{(i + 1) % n}" if overflow == "divert" else None,
                max_bins=draw(st.sampled_from([2, 6, 730])),  # coarse age bins too
            )
        )
    arrivals = {
        (s.name, c): draw(st.floats(0, 30))
        for s in stations
        for c in s.classes
        if draw(st.booleans())
    }
    routes = {}
    for s in stations:
        for c in s.classes:
            to = draw(st.sampled_from([t.name for t in stations] + ["removed"]))
            routes[(s.name, c)] = [Route(to, draw(st.floats(0, 1)))]
    captures = {
        s.name: Capture(
            draw(st.floats(0, 40)),
            draw(st.floats(0, 100)),
            [Route(draw(st.sampled_from([t.name for t in stations] + ["removed"])), 0.9)],
        )
        for s in stations
        if draw(st.booleans())
    }
    net = Network(stations, arrivals=arrivals, routes=routes, regions=regions, captures=captures)
    return net, draw(st.integers(0, 2**31))


@settings(max_examples=40, deadline=None)
@given(networks(), st.booleans())
def test_nobody_is_created_or_lost_and_capacities_hold(
    case: tuple[Network, int], stochastic: bool
) -> None:
    net, seed = case
    sampler = Stochastic(Streams(seed)) if stochastic else MeanField()
    r = simulate(
        net, 60, 3, sampler, initial={(net.stations[0].name, net.stations[0].classes[0]): 7.0}
    )
    gap = r.check_conservation()
    assert np.all(np.abs(gap) < 1e-6 * (1 + r.external_people)), f"people unaccounted for: {gap}"
    for s in net.stations:
        for name, series in r.series[s.name].items():
            assert np.all(series >= -1e-9), f"{s.name}.{name} went negative"
            if stochastic:
                assert np.array_equal(series, np.round(series)), (
                    f"{s.name}.{name}: not whole people"
                )
        if s.capacity is None:
            continue
        cap = float(np.asarray(s.capacity))
        cap = np.floor(cap) if stochastic else cap
        if s.capacity_kind == "places":
            occ = r.series[s.name]["occupancy"]
            seen = occ.sum(axis=2) if s.pooled else occ
            # the people placed before day 0 may exceed a small capacity; nobody is admitted then
            start = 7.0 * (len(net.regions) if s.pooled else 1) if s is net.stations[0] else 0.0
            assert np.all(seen <= max(cap, start) + 1e-9), f"{s.name}: above {cap} places"
        else:
            adm = r.series[s.name]["admitted"]
            seen = adm.sum(axis=2) if s.pooled else adm
            assert np.all(seen <= cap + 1e-9), f"{s.name}: above {cap} starts a day"


def _small_network() -> Network:
    return Network(
        [
            Station("beds", Delay.lognormal(8.0, 1.0), capacity=120, classes=("urgent", "other")),
            Station("court", Delay.exponential(0.5), capacity=40, capacity_kind="starts"),
        ],
        arrivals={("beds", "urgent"): 4.0, ("beds", "other"): 12.0},
        routes={("beds", "urgent"): [Route("court")], ("beds", "other"): [Route("court", 0.7)]},
        regions=("north", "south"),
    )


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    a = simulate(_small_network(), 200, 5, Stochastic(Streams(5)))
    b = simulate(_small_network(), 200, 5, Stochastic(Streams(5)))
    c = simulate(_small_network(), 200, 5, Stochastic(Streams(6)))
    for st_name, series in a.series.items():
        for name, values in series.items():
            assert np.array_equal(values, b.series[st_name][name]), f"{st_name}.{name}"
    assert not np.array_equal(a.series["beds"]["occupancy"], c.series["beds"]["occupancy"])


def test_replicates_are_independent() -> None:
    r = simulate(_small_network(), 200, 400, Stochastic(Streams(9)), record=("completed",))
    totals = r.total("court", "completed")
    # lag-1 correlation between replicates: zero within 4 standard errors (1/sqrt(n))
    corr = np.corrcoef(totals[:-1], totals[1:])[0, 1]
    assert abs(corr) < 4 / np.sqrt(totals.size - 1), corr


def test_higher_priority_class_is_admitted_first() -> None:
    # a fixed 10-day stay: nobody leaves on their first day, so no place is freed again today
    station = Station("beds", Delay.deterministic(10.0), capacity=12, classes=("urgent", "other"))
    net = Network([station], arrivals={("beds", "urgent"): 10.0, ("beds", "other"): 10.0})
    r = simulate(net, 1, 2, MeanField(), record_classes=True)
    assert r.series["beds[urgent]"]["admitted"][:, 0, 0].tolist() == [10.0, 10.0], (
        "urgent cases take their places first"
    )
    assert r.series["beds[other]"]["admitted"][:, 0, 0].tolist() == [2.0, 2.0]
    assert r.series["beds[other]"]["waiting"][:, 0, 0].tolist() == [8.0, 8.0]


def test_pooled_capacity_is_shared_in_proportion_to_demand() -> None:
    want = np.array([[30.0, 10.0, 0.0]])
    take, scratch = np.zeros(3), np.zeros(3)
    share(want, 0, 0, 3, 10.0, True, take, scratch)
    assert take.tolist() == [8.0, 2.0, 0.0]  # 7.5 and 2.5: whole people by largest remainder
    share(want, 0, 0, 3, 10.0, False, take, scratch)
    assert take.tolist() == [7.5, 2.5, 0.0]  # the mean-field mode keeps the fractions
    share(want, 0, 0, 3, 50.0, True, take, scratch)
    assert take.tolist() == [30.0, 10.0, 0.0]  # room for everyone


def test_pooled_beds_are_shared_between_regions_in_a_run() -> None:
    net = Network(
        [Station("beds", Delay.deterministic(30.0), capacity=10)],
        arrivals={("beds", "all"): np.array([30.0, 10.0, 0.0])},
        regions=("north", "south", "west"),
    )
    r = simulate(net, 1, 1, MeanField())
    assert r.series["beds"]["admitted"][0, 0].tolist() == pytest.approx([7.5, 2.5, 0.0])


def test_mean_field_is_the_mean_of_stochastic_runs_for_a_linear_network() -> None:
    # no capacity binds, so every step is linear and the mean-field path is the expected path
    net = Network(
        [
            Station("a", Delay.lognormal(6.0, 1.0), classes=("x", "y")),
            Station("b", Delay.exponential(0.5)),
        ],
        arrivals={("a", "x"): 9.0, ("a", "y"): 3.0},
        routes={("a", "x"): [Route("b", 0.6)], ("a", "y"): [Route("b")]},
        regions=("north", "south"),
    )
    mf = simulate(net, 120, 1, MeanField(), record=("occupancy",))
    runs = simulate(net, 120, 400, Stochastic(Streams(2)), record=("occupancy",))
    for name in ("a", "b"):
        mean = runs.national(name, "occupancy").mean(axis=0)
        se = runs.national(name, "occupancy").std(axis=0, ddof=1) / np.sqrt(400)
        gap = np.abs(mf.national(name, "occupancy")[0] - mean)
        assert np.all(gap < 4.5 * se + 1e-9), (
            f"{name}: largest gap {np.max(gap / np.maximum(se, 1e-12)):.1f} SE"
        )


def test_diverted_people_reach_the_divert_station() -> None:
    net = Network(
        [
            Station(
                "beds", Delay.exponential(20.0), capacity=10, overflow="divert", divert_to="atd"
            ),
            Station("atd", Delay.exponential(100.0)),
        ],
        arrivals={("beds", "all"): 3.0},
    )
    r = simulate(net, 100, 1, MeanField())
    refused = r.series["beds"]["refused"].sum()
    assert refused > 0
    assert r.series["atd"]["arrivals"].sum() == pytest.approx(refused)


def test_batches_give_identical_results_on_any_number_of_workers() -> None:
    from deportsim.engine import run_batches  # noqa: PLC0415

    net = _small_network()
    one = run_batches(net, 60, 45, seed=4, batch_size=20, workers=1)
    two = run_batches(net, 60, 45, seed=4, batch_size=20, workers=2)
    assert one.replicates == two.replicates == 45
    for st_name, series in one.series.items():
        for name, values in series.items():
            assert np.array_equal(values, two.series[st_name][name]), f"{st_name}.{name}"
    # a replicate's numbers depend on its own streams only: any batch size, any subset
    other = run_batches(net, 60, 45, seed=4, batch_size=7, workers=2)
    assert np.array_equal(other.series["beds"]["occupancy"], one.series["beds"]["occupancy"])
    first = run_batches(net, 60, 20, seed=4, batch_size=20, workers=1)
    assert np.array_equal(first.series["beds"]["occupancy"], one.series["beds"]["occupancy"][:20])


def test_threads_give_identical_results() -> None:
    net = _small_network()
    one = simulate(net, 90, 13, Stochastic(Streams(3)))
    three = simulate(net, 90, 13, Stochastic(Streams(3)), threads=3)
    for st_name, series in one.series.items():
        for name, values in series.items():
            assert np.array_equal(values, three.series[st_name][name]), f"{st_name}.{name}"
    assert np.array_equal(one.sinks["exit"], three.sinks["exit"])


def test_flows_can_be_recorded_by_class() -> None:
    net = _small_network()
    r = simulate(net, 80, 3, Stochastic(Streams(8)), record_classes=True)
    for name in ("arrivals", "admitted", "completed", "occupancy", "waiting"):
        parts = r.series["beds[urgent]"][name] + r.series["beds[other]"][name]
        assert np.array_equal(parts, r.series["beds"][name]), f"classes must add up to {name}"
    assert "court[all]" not in r.series, "single-class stations keep only their totals"


def test_places_left_on_the_first_day_are_offered_again_the_same_day() -> None:
    # stays of a fifth of a day: most of those admitted leave the same day, freeing their place
    net = Network(
        [Station("beds", Delay.exponential(0.2), capacity=10)], arrivals={("beds", "all"): 100.0}
    )
    r = simulate(net, 1, 1, MeanField())
    admitted = r.series["beds"]["admitted"][0, 0, 0]
    assert admitted > 40, "freed places are refilled within the day"
    assert r.series["beds"]["occupancy"][0, 0, 0] == pytest.approx(10.0, rel=1e-3), (
        "and the day ends with every place taken"
    )
    assert r.series["beds"]["waiting"][0, 0, 0] == pytest.approx(100.0 - admitted)


def test_piecewise_rates_change_on_their_dates() -> None:
    import datetime as dt  # noqa: PLC0415

    from deportsim.engine import piecewise  # noqa: PLC0415

    start = dt.date(2025, 1, 1)
    beds = piecewise(start, 5, {dt.date(2025, 1, 3): 80.0, dt.date(2024, 6, 1): 50.0})
    assert beds.tolist() == [50.0, 50.0, 80.0, 80.0, 80.0]
    net = Network(
        [Station("beds", Delay.exponential(1000.0), capacity=beds)],
        arrivals={("beds", "all"): 200.0},
    )
    r = simulate(net, 5, 1, MeanField(), record=("occupancy",))
    assert r.national("beds", "occupancy")[0].tolist() == pytest.approx(
        [50.0, 50.0, 80.0, 80.0, 80.0], rel=1e-3
    )


def test_results_kept_by_period_are_sums_of_flows_and_means_of_stocks() -> None:
    # recording changes nothing in the run: the same draws, kept by week (the last step is 2 days)
    net = _small_network()
    daily = simulate(net, 30, 4, Stochastic(Streams(12)))
    weekly = simulate(net, 30, 4, Stochastic(Streams(12)), period=7)
    assert weekly.steps == 5
    edges = [0, 7, 14, 21, 28, 30]
    for name in ("beds", "court"):
        for series in ("arrivals", "admitted", "completed", "refused"):
            day = daily.series[name][series]
            want = np.stack([day[:, a:b].sum(axis=1) for a, b in itertools.pairwise(edges)], 1)
            assert np.allclose(weekly.series[name][series], want), f"{name}.{series}"
        for series in ("occupancy", "waiting"):
            day = daily.series[name][series]
            want = np.stack([day[:, a:b].mean(axis=1) for a, b in itertools.pairwise(edges)], 1)
            assert np.allclose(weekly.series[name][series], want), f"{name}.{series}"
    assert np.allclose(weekly.sinks["exit"].sum(axis=1), daily.sinks["exit"].sum(axis=1))
    assert np.all(np.abs(weekly.check_conservation()) < 1e-6)


def test_flat_table_has_the_contract_schema_and_national_totals() -> None:
    import datetime as dt  # noqa: PLC0415

    net = _small_network()
    r = simulate(net, 10, 2, Stochastic(Streams(13)), record=("occupancy",), period=7)
    table = r.to_table(dt.date(2025, 1, 20))
    assert table.column_names == ["replicate", "date", "region", "metric", "value"]
    rows = table.to_pylist()
    # 2 stations and 2 sinks (exit, lost); 2 replicates, 2 steps, 2 regions and the national total
    assert len(rows) == 4 * 2 * 2 * 3
    assert {row["date"] for row in rows} == {dt.date(2025, 1, 20), dt.date(2025, 1, 27)}
    got = {
        (row["replicate"], row["date"], row["region"]): row["value"]
        for row in rows
        if row["metric"] == "beds.occupancy"
    }
    occ = r.series["beds"]["occupancy"]
    assert got[(1, dt.date(2025, 1, 27), "south")] == occ[1, 1, 1]
    assert got[(0, dt.date(2025, 1, 20), "US")] == pytest.approx(occ[0, 0].sum())
    assert "US" not in set(r.to_table(national=None).column("region").to_pylist())


def _pool(capture: Capture, regions: tuple[str, ...] = ("all",)) -> Network:
    # a pool nobody leaves on their own within the run, and a station for the captured
    return Network(
        [
            Station("pool", Delay.deterministic(100_000.0), classes=("easy", "hard")),
            Station("held", Delay.exponential(30.0)),
        ],
        captures={"pool": capture},
        regions=regions,
    )


def test_captures_saturate_then_fall_as_the_pool_empties() -> None:
    rate, half = 500.0, 5_000.0
    net = _pool(Capture(rate, half, [Route("held")]))
    r = simulate(net, 60, 1, MeanField(), initial={("pool", "easy"): 10_000.0})
    captured = r.series["pool"]["captured"][0, :, 0]
    # those present when the searchers come: the day's end count plus the day's captures
    present = r.series["pool"]["occupancy"][0, :, 0] + captured
    assert captured == pytest.approx(rate * present / (present + half), rel=1e-12)
    assert present[0] == pytest.approx(10_000.0, rel=1e-3)
    assert captured[0] > 300 > captured[-1], "captures fall as the pool empties"
    assert np.array_equal(r.series["held"]["arrivals"], r.series["pool"]["captured"])


def test_captures_split_by_class_weight_and_follow_their_routes() -> None:
    capture = Capture(100.0, 50_000.0, [Route("held", 0.75)], weights={"hard": 0.5})
    net = _pool(capture, regions=("a", "b"))
    initial = {("pool", "easy"): 100_000.0, ("pool", "hard"): 100_000.0}
    mf = simulate(net, 1, 1, MeanField(), initial=initial, record_classes=True)
    easy = mf.series["pool[easy]"]["captured"][0, 0, 0]
    hard = mf.series["pool[hard]"]["captured"][0, 0, 0]
    present = {
        c: mf.series[f"pool[{c}]"]["occupancy"][0, 0, 0]
        + mf.series[f"pool[{c}]"]["captured"][0, 0, 0]
        for c in ("easy", "hard")
    }
    found = present["easy"] + 0.5 * present["hard"]  # about 150,000: people counted by weight
    assert easy + hard == pytest.approx(100.0 * found / (found + 50_000.0), rel=1e-12)
    assert hard / present["hard"] == pytest.approx(0.5 * easy / present["easy"], rel=1e-12)
    assert mf.series["held"]["arrivals"][0, 0, 0] == pytest.approx(0.75 * (easy + hard))
    runs = simulate(net, 1, 2000, Stochastic(Streams(21)), initial=initial)
    day0 = runs.series["pool"]["captured"][:, 0, :]
    se = np.sqrt(75.0 / day0.shape[0])  # about binomial, variance close to the mean
    assert np.all(np.abs(day0.mean(axis=0) - 75.0) < 4 * se)
    assert np.all(np.abs(runs.check_conservation()) < 1e-9)


@pytest.mark.parametrize(
    ("captures", "message"),
    [
        ({"nowhere": Capture(1.0, 1.0, [])}, "not a station"),
        ({"pool": Capture(1.0, 1.0, [], weights={"other": 1.0})}, "weights"),
        ({"pool": Capture(1.0, 1.0, [], weights={"easy": -1.0})}, "weights"),
    ],
)
def test_bad_captures_are_refused(captures: dict[str, Capture], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Network(
            [Station("pool", Delay.exponential(10.0), classes=("easy", "hard"))],
            captures=captures,
        )


def test_negative_capture_rates_are_refused() -> None:
    net = _pool(Capture(-1.0, 1.0, [Route("held")]))
    with pytest.raises(ValueError, match="capture capacity must be finite and not negative"):
        simulate(net, 3, 1, MeanField())
