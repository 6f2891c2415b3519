"""A run that goes on from another's snapshot gives that run's numbers from the snapshot's day."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from deportsim.engine import (
    Capture,
    Delay,
    EngineResult,
    Network,
    Route,
    Station,
    Stochastic,
    Streams,
    simulate,
)
from deportsim.engine.runs import CHUNK


def _network(jail: float | NDArray[np.float64] = 25.0) -> Network:
    """People arriving into a pool, captured into a small jail that diverts back to the pool."""
    return Network(
        [
            Station("pool", Delay.lognormal(60.0, 1.0), classes=("easy", "hard")),
            Station(
                "jail", Delay.exponential(4.0), capacity=jail, overflow="divert", divert_to="pool"
            ),
        ],
        arrivals={("pool", "easy"): 30.0, ("pool", "hard"): np.array([10.0, 25.0])},
        routes={("jail", "all"): [Route("removed", 0.7)]},
        captures={"pool": [Capture(300.0, 2_000.0, [Route("jail")], weights={"hard": 0.5})]},
        regions=("north", "south"),
    )


def _run(net: Network, days: int, **options: Any) -> EngineResult:
    initial = {("pool", "easy"): 3_000.0, ("pool", "hard"): 2_000.0}
    if "resume" in options:
        initial = {}
    return simulate(net, days, 5, Stochastic(Streams(7)), initial=initial, threads=2, **options)


@pytest.mark.parametrize("day", [1, 40, CHUNK, CHUNK + 3])
def test_going_on_from_a_snapshot_repeats_the_run_from_its_day(day: int) -> None:
    whole = _run(_network(), 150)
    first = _run(_network(), 150, snapshot_at=day)
    rest = _run(_network(), 150, resume=first.snapshot)
    # taking a snapshot changes nothing in the run that takes it
    for st, series in whole.store.items():
        for name, values in series.items():
            np.testing.assert_array_equal(first.store[st][name], values)
            np.testing.assert_array_equal(rest.store[st][name][:, day:], values[:, day:])
            assert not rest.store[st][name][:, :day].any()
    for name, values in whole.sink_store.items():
        np.testing.assert_array_equal(rest.sink_store[name][:, day:], values[:, day:])
    np.testing.assert_array_equal(rest.final_people, whole.final_people)
    # every person accounted for in the part run on
    np.testing.assert_allclose(rest.check_conservation(), 0.0, atol=1e-6)
    assert first.snapshot is not None
    assert first.snapshot.day == day


def test_a_run_with_other_values_after_the_snapshot_day_differs_only_from_it() -> None:
    """The use of snapshots: the same past, another future (a bigger jail from day 60)."""
    cap = np.full(150, 25.0)
    cap[60:] = 80.0
    later = _network(jail=cap)
    first = _run(_network(), 150, snapshot_at=60)
    whole = _run(later, 150)
    rest = _run(later, 150, resume=first.snapshot)
    jail = whole.store["jail"]["admitted"]
    np.testing.assert_array_equal(rest.store["jail"]["admitted"][:, 60:], jail[:, 60:])
    assert not np.array_equal(jail[:, 60:], first.store["jail"]["admitted"][:, 60:])


def test_a_snapshot_of_another_network_is_refused() -> None:
    first = _run(_network(), 100, snapshot_at=50)
    other = Network(
        [Station("pool", Delay.exponential(60.0)), Station("jail", Delay.exponential(4.0))],
        regions=("north", "south"),
    )
    with pytest.raises(ValueError, match="stations or classes differ"):
        simulate(other, 100, 5, Stochastic(Streams(7)), resume=first.snapshot)
    with pytest.raises(ValueError, match="not within its 40 days"):
        _run(_network(), 40, resume=first.snapshot)
    with pytest.raises(ValueError, match="snapshot_at must be"):
        _run(_network(), 40, snapshot_at=40)


def test_snapshots_of_ranges_of_replicates_join_into_the_whole() -> None:
    snap = _run(_network(), 80, snapshot_at=30).snapshot
    assert snap is not None
    joined = type(snap).join([snap.rows(0, 2), snap.rows(2, 5)])
    np.testing.assert_array_equal(joined.occ, snap.occ)
    np.testing.assert_array_equal(joined.rng, snap.rng)
    with pytest.raises(ValueError, match="replicates"):
        snap.rows(3, 9)


def test_a_chain_of_snapshots_counts_arrivals_and_departures_from_day_0() -> None:
    whole = _run(_network(), 150, snapshot_at=100)
    first = _run(_network(), 150, snapshot_at=40)
    second = _run(_network(), 150, resume=first.snapshot, snapshot_at=100)
    late, early = second.snapshot, whole.snapshot
    assert late is not None
    assert early is not None
    np.testing.assert_array_equal(late.occ, early.occ)
    np.testing.assert_allclose(late.arrived, early.arrived, rtol=1e-12)
    np.testing.assert_allclose(late.left, early.left, rtol=1e-12)
    people = whole.initial_people + late.arrived - late.left
    np.testing.assert_allclose(people, late.people, rtol=1e-12)
