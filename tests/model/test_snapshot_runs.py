"""A pipeline run that goes on from another's snapshot: the same numbers as one run from day 0."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from deportsim.engine import Streams
from deportsim.model import SimResult, simulate
from deportsim.run.config import RunConfig
from deportsim.run.prepare import Prepared, prepare

DAYS = 200


@functools.cache
def _prepared(drawn: bool) -> Prepared:
    cfg = RunConfig(
        scenario="directive-2025", replicates=3, years=DAYS / 365, parameter_uncertainty=drawn
    )
    return prepare(cfg)


def _run(drawn: bool, **options: object) -> SimResult:
    prep = _prepared(drawn)
    inputs_for = prep.draws.inputs if prep.draws is not None else None
    return simulate(prep.inputs, 3, Streams(5), inputs_for=inputs_for, threads=2, **options)  # type: ignore[arg-type]


def _assert_same(a: SimResult, b: SimResult) -> None:
    assert a.days == b.days
    for name, values in a.national.items():
        np.testing.assert_array_equal(b.national[name], values, err_msg=name)
    for name, values in a.regional.items():
        np.testing.assert_array_equal(b.regional[name], values, err_msg=name)
    for name, values in a.factors.items():
        np.testing.assert_array_equal(b.factors[name], values, err_msg=name)
    for name in ("initial", "final"):
        np.testing.assert_array_equal(b.flows[name], a.flows[name])
    for name in ("arrived", "left"):
        np.testing.assert_allclose(b.flows[name], a.flows[name], rtol=1e-12)


@pytest.mark.parametrize("drawn", [False, True])
def test_a_run_in_two_parts_gives_the_numbers_of_one_run(drawn: bool) -> None:
    whole = _run(drawn)
    head = _run(drawn, snapshot_at=90)
    rest = _run(drawn, resume=head.snapshot)
    assert rest.days == DAYS - 90
    _assert_same(whole, head.then(rest, 90))
    # keeping a snapshot changes nothing in the run that keeps it
    _assert_same(whole, dataclasses.replace(head, snapshot=None))


def test_mean_field_runs_go_on_from_snapshots_too() -> None:
    x = _prepared(False).inputs
    whole = simulate(x, 1, Streams(0), mean_field=True)
    head = simulate(x, 1, Streams(0), mean_field=True, snapshot_at=150)
    rest = simulate(x, 1, Streams(0), mean_field=True, resume=head.snapshot, snapshot_at=170)
    joined = head.then(rest, 150)
    _assert_same(whole, joined)
    assert joined.snapshot is not None
    assert joined.snapshot.day == 170


def test_joining_needs_the_snapshot_the_rest_went_on_from() -> None:
    head = _run(False, snapshot_at=90)
    rest = _run(False, resume=head.snapshot)
    with pytest.raises(ValueError, match="no snapshot of day 80"):
        head.then(rest, 80)
    with pytest.raises(ValueError, match="skips no days"):
        _run(False, resume=head.snapshot, skip=10)


def test_a_run_s_first_days_are_enough_to_go_on_from() -> None:
    whole = _run(True)
    head = _run(True, snapshot_at=90)
    rest = _run(True, resume=head.snapshot)
    short = head.head(90)
    assert short.days == 90
    assert short.snapshot is head.snapshot
    _assert_same(whole, short.then(rest, 90))


def test_inputs_are_the_same_before_the_first_day_a_daily_value_differs() -> None:
    x = _prepared(False).inputs
    beds = x.beds.copy()
    beds[120:] += 500.0
    later = dataclasses.replace(x, beds=beds)
    assert later.same_before(x, 120)
    assert not later.same_before(x, 121)
    history = x.officers_history.copy()
    history[5] += 1.0  # two years before the run: the runs differ from day 0
    assert not dataclasses.replace(x, officers_history=history).same_before(x, 1)
    assert x.same_before(_prepared(False).inputs, x.days)  # the same run: every day
    cfg = RunConfig(scenario="directive-2025", replicates=3, years=100 / 365)
    shorter = prepare(cfg).inputs  # a shorter run of the same scenario: its days are the same
    assert shorter.days < x.days
    assert shorter.same_before(x, shorter.days)
    assert not dataclasses.replace(x, stay_cv=x.stay_cv + 0.1).same_before(x, 1)  # a number
    assert not x.same_before(x, 0)  # day 0 has no days before it to compare
