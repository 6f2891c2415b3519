"""The pipeline model: conservation, capacity, theory checks and reproducibility."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deportsim import RunConfig, prepare
from deportsim.engine import Streams
from deportsim.model import SimResult, simulate
from deportsim.parameters import ParameterSet, load_parameters


@functools.cache
def _params() -> ParameterSet:
    """Parameters for Hypothesis tests (a fixture's repr would be printed with every example)."""
    return load_parameters()


def _sim(
    params: ParameterSet,
    scenario: str = "baseline-fy2024",
    sets: tuple[str, ...] = (),
    years: float = 1.0,
    replicates: int = 5,
    seed: int = 0,
) -> SimResult:
    prep = prepare(RunConfig(scenario=scenario, years=years, sets=sets), params)
    return simulate(prep.inputs, replicates, Streams(seed))


def _check_accounting(sim: SimResult, detained0: float) -> None:
    n = sim.national
    for name, series in n.items():
        assert np.all(series >= 0), f"{name} went negative"
    # every detained person is in detention until they leave: stock = previous + in - out
    first = np.full((sim.replicates, 1), round(detained0))
    prev = np.concatenate([first, n["detained"][:, :-1]], axis=1)
    assert np.array_equal(n["detained"], prev + n["book_ins"] - n["book_outs"]), "detention leaks"
    # admissions only into free beds: never above capacity unless already above it before
    assert np.all(n["detained"] <= np.maximum(np.floor(n["detention_capacity"]), prev))
    # people booked in or released for lack of a bed: all of them went somewhere
    assert np.array_equal(n["book_ins"], n["book_ins_ice"] + n["book_ins_cbp"])
    assert np.array_equal(n["arrests"], n["arrests_custodial"] + n["arrests_at_large"])
    assert np.allclose(sim.regional["arrests"].sum(axis=2), n["arrests"])
    assert np.all(n["removals_interior"] <= n["removals"])
    assert np.all(n["removed_no_conviction"] <= n["removals"])
    assert np.all(n["workers_removed"] <= n["removals_interior"])
    costs = ("cost_officers", "cost_arrests", "cost_detention", "cost_atd", "cost_courts")
    costs = (*costs, "cost_transport")
    assert np.allclose(n["cost_total"], sum(n[c] for c in costs))


def test_baseline_accounts_for_every_person(params: ParameterSet) -> None:
    sim = _sim(params, replicates=3)
    _check_accounting(sim, 15536 + 24667)  # Jan 2025 ADP by arresting agency (ICE workbook)


@settings(max_examples=25, deadline=None)
@given(
    beds=st.integers(min_value=0, max_value=150_000),
    target=st.floats(min_value=0, max_value=6000),
    alos=st.floats(min_value=1, max_value=200),
    officers=st.integers(min_value=0, max_value=30_000),
    transport=st.floats(min_value=0, max_value=5000),
    removal_share=st.floats(min_value=0, max_value=1),
    seed=st.integers(min_value=0, max_value=2**31),
)
def test_accounting_holds_for_any_inputs(
    beds: int, target: float, alos: float, officers: int,
    transport: float, removal_share: float, seed: int,
) -> None:  # fmt: skip
    sets = (
        f"detention.bed_capacity={beds}", f"arrests.target_per_day={target}",
        f"detention.alos_ice={alos}", f"arrests.officers={officers}",
        f"removal.transport_capacity={transport}",
        f"detention.removal_share_of_book_outs={removal_share}",
    )  # fmt: skip
    sim = _sim(_params(), "directive-2025", sets=sets, years=0.3, replicates=2, seed=seed)
    _check_accounting(sim, 15536 + 24667)


def test_arrests_follow_the_target_when_capacity_allows(params: ParameterSet) -> None:
    # baseline: 310 a day wanted, about 1,200 at-large equivalents of officer capacity
    sim = _sim(params, replicates=40)
    totals = sim.national["arrests"].sum(axis=1)
    expected = 310 * sim.days
    se = np.sqrt(expected / totals.size)  # Poisson arrests, mean of 40 replicates
    assert abs(totals.mean() - expected) < 4 * se, f"{totals.mean()} vs {expected} ± 4×{se:.0f}"


def test_officer_capacity_binds_when_the_target_is_out_of_reach(params: ParameterSet) -> None:
    sets = ("arrests.target_per_day=100000", "arrests.officers=1000")
    sim = _sim(params, sets=sets, years=0.1, replicates=5)
    # at most 1,000 officers × 0.2 a day / (custodial effort < 1): far below 100,000
    assert sim.national["arrests"].mean() < 1000 * 0.2 / 0.25


def test_littles_law_holds_for_detention(params: ParameterSet) -> None:
    # no bed limit, exponential stays of 46 days, steady inflow from the start
    alos, booked_per_day = 46.0, 310 * 0.799 + 145.6
    sets = (
        "detention.cbp_book_ins=145.6",
        "detention.bed_capacity=1000000",
        f"detention.alos_ice={alos}",
        f"detention.alos_cbp={alos}",
        "removal.transport_capacity=100000",
        "detention.removal_share_of_book_outs=0.6",
        f"detention.initial_detained_ice={round(alos * 310 * 0.799)}",
        f"detention.initial_detained_cbp={round(alos * 145.6)}",
    )
    sim = _sim(params, sets=sets, years=2.0, replicates=20)
    detained = sim.national["detained"].mean(axis=1)
    expected = booked_per_day * alos  # L = λW
    # spread of a time-averaged M/M/∞ occupancy over T days: var ≈ 2·E[L]·W/T per replicate
    se = np.sqrt(2 * expected * alos / sim.days / detained.size)
    assert abs(detained.mean() - expected) < 4 * se, (detained.mean(), expected, se)


def test_more_beds_never_mean_fewer_book_ins_on_average(params: ParameterSet) -> None:
    few = _sim(params, "directive-2025", sets=("detention.bed_capacity=50000",), replicates=5)
    many = _sim(params, "directive-2025", sets=("detention.bed_capacity=90000",), replicates=5)
    assert many.national["book_ins"].sum() > few.national["book_ins"].sum()
    assert many.national["released_to_atd"].sum() < few.national["released_to_atd"].sum()


def test_same_seed_same_results_other_seed_other_results(params: ParameterSet) -> None:
    a = _sim(params, "directive-2025", years=0.2, seed=11)
    b = _sim(params, "directive-2025", years=0.2, seed=11)
    c = _sim(params, "directive-2025", years=0.2, seed=12)
    for name in a.national:
        assert np.array_equal(a.national[name], b.national[name]), name
    assert not np.array_equal(a.national["arrests"], c.national["arrests"])


@pytest.mark.parametrize("scenario", ["baseline-fy2024", "directive-2025"])
def test_replicates_differ_from_each_other(params: ParameterSet, scenario: str) -> None:
    sim = _sim(params, scenario, years=0.2, replicates=3)
    arrests = sim.national["arrests"]
    assert not np.array_equal(arrests[0], arrests[1])


def test_baseline_reproduces_the_fy2024_custodial_share(params: ParameterSet) -> None:
    # ICE Annual Report FY2024: 33,243 of 113,431 arrests at large, so 70.7% through custody
    sim = _sim(params, replicates=10)
    share = sim.national["arrests_custodial"].sum() / sim.national["arrests"].sum()
    assert abs(share - (1 - 33_243 / 113_431)) < 0.01, f"custodial share {share:.3f}"
