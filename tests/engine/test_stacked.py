"""Replicates each on its own network (drawn parameters), run together in one call of the loop."""

from __future__ import annotations

import numpy as np
import pytest

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
from deportsim.engine.plan import Plan, StructureError


def _network(jail: float, stay: float, removed: float, weight: float, cv: float) -> Network:
    """A pool and a jail; every value may differ from replicate to replicate, not the structure."""
    return Network(
        [
            Station("pool", Delay.lognormal(60.0, 1.0), classes=("easy", "hard")),
            Station(
                "jail", Delay.hyperexponential(stay, cv) if cv else Delay.exponential(stay),
                capacity=np.linspace(jail, 2 * jail, 90),
                overflow="divert", divert_to="pool",
            ),
        ],
        arrivals={("pool", "easy"): 30.0 * weight, ("pool", "hard"): np.array([10.0, 25.0])},
        routes={("jail", "all"): [Route("removed", removed), Route("pool", 0.1)]},
        captures={"pool": [Capture(300.0, 2_000.0, [Route("jail")], weights={"hard": weight})]},
        regions=("north", "south"),
    )  # fmt: skip


VALUES = [(25.0, 4.0, 0.7, 0.5, 0.0), (40.0, 9.0, 0.5, 0.2, 0.0), (10.0, 2.5, 0.85, 0.9, 0.0)]


def _alone(r: int, net: Network) -> EngineResult:
    initial = {("pool", "easy"): 3_000.0 + 100 * r, ("pool", "hard"): 2_000.0}
    return simulate(net, 90, 1, Stochastic(Streams(4), first_replicate=r), initial=initial,
                    settled=True, record_classes=True)  # fmt: skip


def test_replicates_on_their_own_networks_give_what_each_gives_alone() -> None:
    nets = [_network(*v) for v in VALUES]
    initial = [{("pool", "easy"): 3_000.0 + 100 * r, ("pool", "hard"): 2_000.0} for r in range(3)]
    together = simulate(nets, 90, 3, Stochastic(Streams(4)), initial=initial, settled=True,
                        record_classes=True, threads=2)  # fmt: skip
    for r, net in enumerate(nets):
        alone = _alone(r, net)
        for key, series in alone.store.items():
            for name, values in series.items():
                np.testing.assert_array_equal(together.store[key][name][r], values[0], key + name)
        for name, values in alone.sink_store.items():
            np.testing.assert_array_equal(together.sink_store[name][r], values[0])
    # the replicates did differ: the values are theirs, not the first one's
    jail = together.store["jail"]["admitted"].sum(axis=(1, 2))
    assert len(set(jail.tolist())) == 3


def test_networks_of_different_structures_are_not_stacked() -> None:
    plain = Plan.build(_network(*VALUES[0]), 90, ["occupancy"], False)
    two_part = Plan.build(_network(25.0, 4.0, 0.7, 0.5, 1.5), 90, ["occupancy"], False)
    with pytest.raises(StructureError, match=r"cls_ages|cls_age_off"):
        Plan.stack([plain, two_part])
    with pytest.raises(ValueError, match="2 networks for 3 replicates"):
        simulate([_network(*VALUES[0])] * 2, 90, 3, Stochastic(Streams(4)))


def test_a_leg_certain_in_one_replicate_only_is_drawn_with_chance_1_and_gives_the_same() -> None:
    sure = _network(25.0, 4.0, 1.0, 0.5, 0.0)
    sure.routes[("jail", "all")] = [Route("removed", 1.0)]
    unsure = _network(25.0, 4.0, 0.5, 0.5, 0.0)
    unsure.routes[("jail", "all")] = [Route("removed", 0.5)]
    plans = [Plan.build(n, 90, ["completed"], False) for n in (sure, unsure)]
    assert plans[0].arrays.cls_certain.any()
    assert not Plan.stack(plans).arrays.cls_certain.any()
    initial = [{("pool", "easy"): 3_000.0 + 100 * r, ("pool", "hard"): 2_000.0} for r in range(2)]
    together = simulate([sure, unsure], 90, 2, Stochastic(Streams(4)), initial=initial,
                        settled=True, record_classes=True)  # fmt: skip
    alone = _alone(0, sure)
    for name, values in alone.sink_store.items():
        np.testing.assert_array_equal(together.sink_store[name][0], values[0])
