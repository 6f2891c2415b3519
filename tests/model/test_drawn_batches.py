"""Replicates that draw their parameters run in batches, each on its own network, in one call."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from deportsim.engine import Stochastic, Streams
from deportsim.engine import simulate as run_network
from deportsim.model import Inputs, SimResult, simulate
from deportsim.model.accounts import series
from deportsim.model.inputs import stacked
from deportsim.model.network import build
from deportsim.model.pipeline import CLASS_SERIES, _record
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


def test_a_batch_s_series_from_its_stacked_inputs_are_each_replicate_s_own() -> None:
    """The accounts of a batch made at once (stacked inputs) give each replicate's numbers."""
    prep = _prepared()
    assert prep.draws is not None
    xs = [prep.draws.inputs(r) for r in range(3)]
    pipes = [build(xr) for xr in xs]
    res = run_network([p.network for p in pipes], prep.inputs.days, 3, Stochastic(Streams(2)),
                      initial=[p.initial for p in pipes], settled=True, record=_record(pipes[0]),
                      record_classes=CLASS_SERIES)  # fmt: skip
    nat, reg = series(stacked(xs), pipes[0], res, each=xs)
    for r in range(3):
        own_nat, own_reg = series(xs[r], pipes[r], res.rows(r, r + 1))
        for name, values in own_nat.items():
            np.testing.assert_array_equal(nat[name][r], values[0], err_msg=name)
        for name, values in own_reg.items():
            np.testing.assert_array_equal(reg[name][r], values[0], err_msg=name)
    assert not np.array_equal(nat["cost_total"][0], nat["cost_total"][1])
