"""Replicates that draw their parameters run in batches, each on its own network, in one call."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from deportsim.engine import Streams
from deportsim.model import Inputs, SimResult, simulate
from deportsim.run.config import RunConfig
from deportsim.run.prepare import Prepared, prepare


@functools.cache
def _prepared() -> Prepared:
    cfg = RunConfig(scenario="directive-2025", replicates=4, years=0.3, parameter_uncertainty=True)
    return prepare(cfg)


def _run(hold: tuple[bool, ...]) -> SimResult:
    """Four replicates with drawn parameters; those marked True have hold rooms (a station more)."""
    prep = _prepared()
    assert prep.draws is not None

    def inputs_for(r: int) -> Inputs:
        xr = prep.draws.inputs(r)  # type: ignore[union-attr]
        xr = dataclasses.replace(xr, beds=np.full(xr.days, 30_000.0))  # beds full: rooms used
        return dataclasses.replace(xr, hold=np.full(xr.days, 3_000.0)) if hold[r] else xr

    return simulate(prep.inputs, 4, Streams(2), inputs_for=inputs_for, threads=1, batch=4)


def test_a_batch_whose_networks_differ_in_shape_runs_replicate_by_replicate_with_the_same_numbers(
) -> None:  # fmt: skip
    """Hold rooms add a station: such a batch cannot run as one; each replicate is unchanged."""
    none, every, mixed = _run((False,) * 4), _run((True,) * 4), _run((False, True, False, True))
    for r in range(4):
        like = every if r % 2 else none
        for name, values in like.national.items():
            np.testing.assert_array_equal(mixed.national[name][r], values[r], err_msg=name)
    assert every.national["in_hold_rooms"][1].max() > 0
    assert not np.array_equal(none.national["detained"][1], every.national["detained"][1])
