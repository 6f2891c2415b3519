"""Batches of replicates on threads, their progress reports, and the random streams' numbers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import pytest

from deportsim.engine import (
    SERIES,
    Capture,
    Delay,
    Network,
    Route,
    Station,
    Stochastic,
    Streams,
    over_threads,
    simulate,
)
from deportsim.engine.plan import Plan


def _net() -> Network:
    beds = Station("beds", Delay.exponential(6.0), capacity=30.0, classes=("hi", "lo"))
    court = Station("court", Delay.exponential(2.0), capacity=4.0, capacity_kind="starts")
    pool = Station("pool", Delay.exponential(500.0))
    captures = [Capture(2.0, 20.0, [Route("beds")]), Capture(1.0, 50.0, [], name="late")]
    return Network(
        [pool, beds, court],
        arrivals={("beds", "hi"): 3.0, ("beds", "lo"): 2.0, ("pool", "all"): 1.0},
        routes={("beds", "hi"): [Route("court", 0.5)], ("court", "all"): [Route("beds", 0.2)]},
        captures={"pool": captures},
        regions=("a", "b"),
    )


@pytest.mark.parametrize(("batch_size", "threads"), [(1, 1), (3, 2), (4, 3), (10, 2), (25, 4)])
def test_batches_cover_every_replicate_once_in_batch_order(batch_size: int, threads: int) -> None:
    seen: list[tuple[int, int]] = []
    lock = threading.Lock()

    def run(r0: int, r1: int, _done: Callable[[int], None]) -> tuple[int, int]:
        with lock:
            seen.append((r0, r1))
        return r0, r1

    out = over_threads(10, run, batch_size=batch_size, threads=threads)
    assert out == sorted(seen)
    assert [r for r0, r1 in out for r in range(r0, r1)] == list(range(10))
    assert all(r1 - r0 <= batch_size for r0, r1 in out)


@pytest.mark.parametrize("threads", [1, 3])
def test_progress_reports_each_day_of_the_whole_run_once_in_order(threads: int) -> None:
    days: list[int] = []

    def run(r0: int, r1: int, done: Callable[[int], None]) -> None:
        for _ in range(7):
            done(r1 - r0)

    over_threads(10, run, batch_size=3, threads=threads, days=7, on_day=days.append)
    assert days == list(range(7))


def test_an_error_drops_the_batches_not_yet_started() -> None:
    started: list[int] = []
    lock = threading.Lock()

    def run(r0: int, _r1: int, _done: Callable[[int], None]) -> None:
        with lock:
            started.append(r0)
        if r0 == 0:
            raise KeyboardInterrupt  # as when the user presses Ctrl-C
        time.sleep(0.05)

    with pytest.raises(KeyboardInterrupt):
        over_threads(40, run, batch_size=1, threads=2)
    assert 0 in started
    assert len(started) < 40


def test_a_batch_still_running_stops_at_its_next_progress_report() -> None:
    # Ctrl-C must not wait for a running batch to end: one may take as long as the whole run
    reports: list[int] = []

    def run(r0: int, _r1: int, done: Callable[[int], None]) -> None:
        if r0 == 0:
            time.sleep(0.2)  # the other batch is running by then
            raise KeyboardInterrupt
        for day in range(3000):  # 30 s unless stopped
            time.sleep(0.01)
            done(1)
            reports.append(day)

    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        over_threads(2, run, batch_size=1, threads=2, days=3000)
    assert time.monotonic() - t0 < 5
    assert 0 < len(reports) < 500


def test_bad_batch_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        over_threads(0, lambda *_: None, batch_size=1, threads=1)
    with pytest.raises(ValueError, match="at least 1"):
        over_threads(5, lambda *_: None, batch_size=0, threads=1)


@pytest.mark.parametrize("threads", [2, 5, 20])
def test_threads_give_identical_results_and_report_every_day(threads: int) -> None:
    net = _net()
    one = simulate(net, 70, 9, Stochastic(Streams(5)), record_classes=True)
    days: list[int] = []
    other = simulate(
        net, 70, 9, Stochastic(Streams(5)), record_classes=True, threads=threads,
        on_day=days.append,
    )  # fmt: skip
    assert days == list(range(70))
    for key, series in one.series.items():
        for name, values in series.items():
            assert np.array_equal(values, other.series[key][name]), f"{key}.{name}"
    for key, values in one.captures.items():
        assert np.array_equal(values, other.captures[key]), key
    assert np.array_equal(one.final_people, other.final_people)


def test_a_run_from_a_later_replicate_draws_that_replicates_numbers() -> None:
    net = _net()
    whole = simulate(net, 40, 12, Stochastic(Streams(2)))
    part = simulate(net, 40, 5, Stochastic(Streams(2), first_replicate=7))
    for key, series in whole.series.items():
        for name, values in series.items():
            assert np.array_equal(values[7:], part.series[key][name]), f"{key}.{name}"


def test_stream_numbers_are_the_places_of_their_names() -> None:
    net = _net()
    plan = Plan.build(net, 1, SERIES, record_classes=False)
    a, names = plan.arrays, plan.streams
    assert len(set(names)) == len(names)
    for k, (st, c) in enumerate(plan.classes):
        assert names[a.cls_exit_stream[k]] == f"{st}.exit.{c}"
        assert names[a.cls_arr_stream[k]] == f"{st}.arrivals.{c}"
        assert names[a.cls_route_stream[k]] == f"{st}.route.{c}"
        assert names[a.cls_age_stream[k]] == f"{st}.age.{c}"
    for s, station in enumerate(net.stations):
        assert names[a.st_first_stream[s]] == f"{station.name}.first"
    capture = [names[i] for i in a.ent_stream]
    assert capture == ["pool.capture.all", "pool.capture.late.all"]
    assert [names[i] for i in a.ent_route_stream] == [
        "pool.capture_route.all",
        "pool.capture_route.late.all",
    ]
    # the numbering results were computed with: every kind in this order, one after the other
    n_cls, n_st, n_ent = len(plan.classes), len(net.stations), a.ent_weight.size
    layout = [n_cls, n_cls, n_st, n_cls, n_cls, n_ent, n_ent]
    kinds = [a.cls_exit_stream, a.cls_arr_stream, a.st_first_stream, a.cls_route_stream]
    kinds += [a.cls_age_stream, a.ent_stream, a.ent_route_stream]
    starts = np.cumsum([0, *layout])
    for kind, lo, size in zip(kinds, starts[:-1], layout, strict=True):
        assert kind.tolist() == list(range(lo, lo + size))
    assert len(names) == starts[-1]
