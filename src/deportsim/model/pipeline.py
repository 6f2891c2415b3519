"""The enforcement pipeline, first version: arrest → detention → removal, with courts beside it.

All replicates (and regions) advance together, one day at a time. People in detention are whole
numbers; the large at-large population and the reachable pool are real-valued means.
Version 0.1 keeps stays exponential and detention national; the engine issue brings skewed stays
and the model issue brings pools, channels and transfers by region (docs/model.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deportsim.engine import Streams, binomial, poisson
from deportsim.model.inputs import Inputs

__all__ = ["NATIONAL_SERIES", "REGIONAL_SERIES", "SimResult", "simulate"]

Ints = NDArray[np.int64]
F = NDArray[np.float64]
Day = dict[str, NDArray[np.int64] | NDArray[np.float64]]

#: Daily national series recorded by :func:`simulate`, each of shape (replicates, days).
NATIONAL_SERIES = (
    "arrests", "arrests_custodial", "arrests_at_large", "book_ins", "book_ins_ice",
    "book_ins_cbp", "book_outs", "detained", "detention_capacity", "released_to_atd",
    "atd_enrolled",
    "removals", "removals_interior", "voluntary_departures", "court_backlog", "court_completions",
    "removed_no_conviction", "us_citizen_children_affected", "workers_removed",
    "population_at_risk", "reachable_pool", "cost_officers", "cost_arrests", "cost_detention",
    "cost_atd", "cost_courts", "cost_transport", "cost_total",
)  # fmt: skip
#: Daily regional series, each of shape (replicates, days, regions).
REGIONAL_SERIES = ("arrests", "population_at_risk")
_COSTS = ("cost_officers", "cost_arrests", "cost_detention", "cost_atd", "cost_courts",
          "cost_transport")  # fmt: skip


@dataclass(frozen=True)
class SimResult:
    """Daily series of one batch of replicates."""

    national: dict[str, F]
    regional: dict[str, F]
    regions: tuple[str, ...]
    days: int
    replicates: int


class _State:
    """Stocks carried from day to day, one entry per replicate (and region)."""

    def __init__(self, x: Inputs, r: int) -> None:
        self.pop = np.tile(x.population_total * x.region_share, (r, 1))
        self.reach0 = x.reachable_share * self.pop[0]
        self.reach = np.tile(self.reach0, (r, 1))
        self.home = np.tile(x.region_share, (r, 1))  # where released ICE arrestees return to
        self.det_ice = np.full(r, round(x.detained_ice0), dtype=np.int64)
        self.det_cbp = np.full(r, round(x.detained_cbp0), dtype=np.int64)
        self.ready_ice = np.zeros(r, dtype=np.int64)  # detained, waiting for transport
        self.ready_cbp = np.zeros(r, dtype=np.int64)
        self.atd = np.full(r, round(x.atd0), dtype=np.int64)
        self.backlog = np.full(r, round(x.backlog0), dtype=np.int64)

    def detained(self) -> Ints:
        return self.det_ice + self.det_cbp + self.ready_ice + self.ready_cbp


def simulate(
    x: Inputs, replicates: int, streams: Streams, on_day: Callable[[int], None] | None = None
) -> SimResult:
    """Run ``replicates`` replicates over ``x.days`` days.

    Step order within each day (the detained count is taken at the end of the day, like ICE's
    midnight count):

    1. Detention exits: each detained person leaves with the daily hazard of their stay; leavers
       join the removal queue with the "release to remove" share, the rest are released.
    2. Removals: the removal queue is cleared up to transport capacity left after direct removals.
    3. Arrests by region: demand (target × focus × population share) limited by officer effort
       (custodial arrests cost less effort where jails cooperate) and by depletion of the
       reachable pool; split into custodial and at-large channels.
    4. Book-ins: booked ICE arrests plus CBP transfers enter detention up to free beds; the rest
       are released to alternatives to detention (ATD).
    5. ATD: people released for lack of beds and new enrolments join; enrolment ends at its hazard.
    6. Courts: new cases join the backlog; judges complete cases up to capacity; some completions
       are voluntary departures.
    7. Population: arrivals join; departures and arrests leave; released people return home.
    8. Impacts and costs of the day.
    """
    r, g = replicates, len(x.regions)
    national = {name: np.zeros((r, x.days)) for name in NATIONAL_SERIES}
    regional = {name: np.zeros((r, x.days, g)) for name in REGIONAL_SERIES}
    st = _State(x, r)
    for t in range(x.days):
        day: Day = {}
        _exits(x, t, st, streams, day)
        _removals(x, t, st, streams, day)
        _arrests(x, t, st, streams, day)
        _book_ins(x, t, st, streams, day)
        _atd(x, t, st, streams, day)
        _courts(x, t, st, streams, day)
        _population(x, t, st, streams, day)
        _impacts_and_costs(x, t, st, streams, day)
        for name in NATIONAL_SERIES:
            national[name][:, t] = day[name]
        for name in REGIONAL_SERIES:
            regional[name][:, t] = day[f"{name}_by_region"]
        if on_day is not None:
            on_day(t)
    return SimResult(national, regional, x.regions, x.days, r)


def _exits(x: Inputs, t: int, st: _State, s: Streams, day: Day) -> None:
    ex_ice = binomial(s("detention.exit.ice"), st.det_ice, x.exit_p_ice[t])
    ex_cbp = binomial(s("detention.exit.cbp"), st.det_cbp, x.exit_p_cbp[t])
    rm_ice = binomial(s("detention.exit.path.ice"), ex_ice, x.removal_share[t])
    rm_cbp = binomial(s("detention.exit.path.cbp"), ex_cbp, x.removal_share[t])
    st.det_ice -= ex_ice
    st.det_cbp -= ex_cbp
    st.ready_ice += rm_ice
    st.ready_cbp += rm_cbp
    day["released_ice"], day["released_cbp"] = ex_ice - rm_ice, ex_cbp - rm_cbp


def _removals(x: Inputs, t: int, st: _State, s: Streams, day: Day) -> None:
    r = st.det_ice.shape[0]
    direct = poisson(s("removal.direct"), np.full(r, x.direct_removals[t]))
    seats = np.floor(np.maximum(x.transport[t] - direct, 0.0)).astype(np.int64)
    queue = st.ready_ice + st.ready_cbp
    removed = np.minimum(queue, seats)
    removed_ice = np.where(queue > 0, removed * st.ready_ice // np.maximum(queue, 1), 0)
    st.ready_ice -= removed_ice
    st.ready_cbp -= removed - removed_ice
    day["removals"] = removed + direct
    day["book_outs"] = day["released_ice"] + day["released_cbp"] + removed
    day["removals_interior"] = removed_ice


def _shares(a: F) -> F:
    """Each region's share of a row total (all zero where the total is zero)."""
    total = a.sum(axis=1, keepdims=True)
    out: F = np.divide(a, total, out=np.zeros_like(a), where=total > 0)
    return out


def _arrests(x: Inputs, t: int, st: _State, s: Streams, day: Day) -> None:
    demand = x.target[t] * _shares(x.focus[t] * st.pop)
    share = x.custodial_share[t]
    effort = share * x.custodial_effort[t] + (1.0 - share)  # officer effort per arrest, relative
    effort_alloc = x.officers[t] * x.productivity[t] * _shares(demand * effort)
    reach_left = np.divide(st.reach, st.reach0, out=np.zeros_like(st.reach), where=st.reach0 > 0)
    depletion = np.clip(reach_left, 0.0, 1.0) ** x.depletion_exponent
    reachable_effort = np.divide(
        effort_alloc * depletion, effort, out=np.zeros_like(demand), where=effort > 0
    )
    mean = np.minimum(np.minimum(demand, reachable_effort), st.reach)
    arrests = np.minimum(poisson(s("arrests.count"), mean), np.floor(st.reach)).astype(np.int64)
    custodial = binomial(s("arrests.channel"), arrests, np.broadcast_to(share, arrests.shape))
    total, n_custodial = arrests.sum(axis=1), custodial.sum(axis=1)
    day["arrests_by_region"] = arrests
    day["arrests"], day["arrests_custodial"] = total, n_custodial
    day["arrests_at_large"] = total - n_custodial


def _book_ins(x: Inputs, t: int, st: _State, s: Streams, day: Day) -> None:
    arrests = day["arrests"]
    booked_ice = binomial(s("arrests.book_in"), arrests, x.book_in_p[t])
    booked_cbp = poisson(s("detention.cbp_book_in"), np.full(arrests.shape, x.cbp_book_ins[t]))
    booked = booked_ice + booked_cbp
    free = np.maximum(np.floor(x.beds[t]) - st.detained(), 0).astype(np.int64)
    admitted = np.minimum(booked, free)
    adm_ice = np.where(booked > 0, admitted * booked_ice // np.maximum(booked, 1), 0)
    adm_cbp = admitted - adm_ice
    st.det_ice += adm_ice
    st.det_cbp += adm_cbp
    day["book_ins"], day["book_ins_ice"], day["book_ins_cbp"] = admitted, adm_ice, adm_cbp
    day["released_to_atd"] = booked - admitted
    day["returns_ice"] = arrests - adm_ice + day["released_ice"]  # not booked, no bed, released
    day["returns_cbp"] = booked_cbp - adm_cbp + day["released_cbp"]


def _atd(x: Inputs, t: int, st: _State, s: Streams, day: Day) -> None:
    new = poisson(s("atd.enrol"), np.full(st.atd.shape, x.atd_inflow[t]))
    st.atd += day["released_to_atd"].astype(np.int64) + new
    st.atd -= binomial(s("atd.exit"), st.atd, x.atd_exit_p[t])
    day["atd_enrolled"] = st.atd.copy()


def _courts(x: Inputs, t: int, st: _State, s: Streams, day: Day) -> None:
    r = st.backlog.shape[0]
    st.backlog += poisson(s("courts.new_cases"), np.full(r, x.new_cases[t]))
    capacity = poisson(s("courts.capacity"), np.full(r, x.judges[t] * x.completions_per_judge[t]))
    completed = np.minimum(st.backlog, capacity)
    st.backlog -= completed
    day["court_completions"], day["court_backlog"] = completed, st.backlog.copy()
    day["court_vd"] = binomial(s("courts.voluntary_departure"), completed, x.vd_share[t])


def _population(x: Inputs, t: int, st: _State, s: Streams, day: Day) -> None:
    arrests = day["arrests_by_region"]
    st.home += arrests
    home, share = _shares(st.home), _shares(st.pop)
    leave_mean = st.pop * x.emigration_per_day[t] + arrests * x.induced_per_arrest[t]
    departed = np.minimum(
        poisson(s("departures.voluntary"), leave_mean), np.floor(st.pop - arrests)
    )
    st.pop += (
        x.arrivals_per_day[t] * x.region_share
        - arrests
        - departed
        - day["court_vd"][:, None] * share
        + day["returns_ice"][:, None] * home
        + day["returns_cbp"][:, None] * share
    )
    np.maximum(st.pop, 0.0, out=st.pop)
    st.reach -= arrests + departed * np.clip(st.reach / np.maximum(st.pop, 1.0), 0.0, 1.0)
    st.reach += x.renewal_per_day[t] * np.maximum(x.reachable_share * st.pop - st.reach, 0.0)
    np.clip(st.reach, 0.0, st.pop, out=st.reach)
    day["voluntary_departures"] = departed.sum(axis=1) + day["court_vd"]
    day["population_at_risk_by_region"] = st.pop.copy()
    day["population_at_risk"], day["reachable_pool"] = st.pop.sum(axis=1), st.reach.sum(axis=1)


def _impacts_and_costs(x: Inputs, t: int, st: _State, s: Streams, day: Day) -> None:
    removals, interior = day["removals"], day["removals_interior"]
    day["removed_no_conviction"] = binomial(
        s("impacts.no_conviction"), removals, x.no_conviction_share[t]
    )
    day["workers_removed"] = binomial(s("impacts.employed"), interior, x.employed_share[t])
    day["us_citizen_children_affected"] = poisson(
        s("impacts.children"), interior * x.children_per_removed[t]
    )
    detained = st.detained()
    r = detained.shape[0]
    day["detained"], day["detention_capacity"] = detained, np.full(r, x.beds[t])
    day["cost_officers"] = np.full(r, x.officers[t] * x.cost_officer_day[t])
    day["cost_arrests"] = (
        day["arrests_custodial"] * x.cost_arrest_custodial[t]
        + day["arrests_at_large"] * x.cost_arrest_at_large[t]
    )
    day["cost_detention"] = detained * x.cost_bed_day[t]  # occupied bed-days (GAO-18-343)
    day["cost_atd"] = st.atd * x.cost_atd_day[t]
    day["cost_courts"] = np.full(r, x.judges[t] * x.cost_judge_day[t])
    day["cost_transport"] = removals * x.cost_transport[t]
    day["cost_total"] = np.sum([day[c] for c in _COSTS], axis=0)
