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

I = NDArray[np.int64]
F = NDArray[np.float64]

#: Daily national series recorded by :func:`simulate`, each of shape (replicates, days).
NATIONAL_SERIES = (
    "arrests", "arrests_custodial", "arrests_at_large", "book_ins", "book_ins_ice",
    "book_ins_cbp", "detained", "detention_capacity", "released_to_atd", "atd_enrolled",
    "removals", "removals_interior", "voluntary_departures", "court_backlog", "court_completions",
    "removed_no_conviction", "us_citizen_children_affected", "workers_removed",
    "population_at_risk", "reachable_pool", "cost_officers", "cost_arrests", "cost_detention",
    "cost_atd", "cost_courts", "cost_transport", "cost_total",
)  # fmt: skip
#: Daily regional series, each of shape (replicates, days, regions).
REGIONAL_SERIES = ("arrests", "population_at_risk")


@dataclass(frozen=True)
class SimResult:
    """Daily series of one batch of replicates."""

    national: dict[str, F]
    regional: dict[str, F]
    regions: tuple[str, ...]
    days: int
    replicates: int


def simulate(
    x: Inputs, replicates: int, streams: Streams, on_day: Callable[[int], None] | None = None
) -> SimResult:
    """Run ``replicates`` replicates over ``x.days`` days.

    Step order within each day (the detained count is taken at the end of the day, like ICE's
    midnight count):

    1. Detention exits: each detained person leaves with the daily hazard of their stay; leavers
       go to the removal queue with the "release to remove" share, the rest are released.
    2. Removals: the removal queue is cleared up to transport capacity left after direct removals.
    3. Arrests by region: demand (target × focus × population share) limited by officer effort
       (custodial arrests cost less effort where jails cooperate) and by depletion of the
       reachable pool; split into custodial and at-large channels.
    4. Book-ins: booked ICE arrests plus CBP transfers enter detention up to free beds; the rest
       are released to alternatives to detention (ATD).
    5. ATD: people released for lack of beds and new enrolments join; enrolment ends at its
       daily hazard.
    6. Courts: new cases join the backlog; judges complete cases up to capacity; some completions
       are voluntary departures.
    7. Population: arrivals join, departures and arrests leave, released people return.
    8. Impacts and costs of the day are recorded.
    """
    r, n_days, g = replicates, x.days, len(x.regions)
    rs = {name: np.zeros((r, n_days)) for name in NATIONAL_SERIES}
    rg = {name: np.zeros((r, n_days, g)) for name in REGIONAL_SERIES}

    pop = np.tile(x.population_total * x.region_share, (r, 1))
    reach0 = x.reachable_share * pop[0]
    reach = np.tile(reach0, (r, 1))
    cum_arrests = np.tile(x.region_share, (r, 1))  # where released ICE arrestees return to
    det_ice = np.full(r, round(x.detained_ice0), dtype=np.int64)
    det_cbp = np.full(r, round(x.detained_cbp0), dtype=np.int64)
    ready_ice = np.zeros(r, dtype=np.int64)
    ready_cbp = np.zeros(r, dtype=np.int64)
    atd = np.full(r, round(x.atd0), dtype=np.int64)
    backlog = np.full(r, round(x.backlog0), dtype=np.int64)

    for t in range(n_days):
        # 1. exits from detention
        ex_ice = binomial(streams("detention.exit.ice"), det_ice, x.exit_p_ice[t])
        ex_cbp = binomial(streams("detention.exit.cbp"), det_cbp, x.exit_p_cbp[t])
        rm_ice = binomial(streams("detention.exit.path.ice"), ex_ice, x.removal_share[t])
        rm_cbp = binomial(streams("detention.exit.path.cbp"), ex_cbp, x.removal_share[t])
        det_ice -= ex_ice
        det_cbp -= ex_cbp
        ready_ice += rm_ice
        ready_cbp += rm_cbp
        released_ice, released_cbp = ex_ice - rm_ice, ex_cbp - rm_cbp

        # 2. removals, limited by transport
        direct = poisson(streams("removal.direct"), np.full(r, x.direct_removals[t]))
        seats = np.floor(np.maximum(x.transport[t] - direct, 0.0)).astype(np.int64)
        queue = ready_ice + ready_cbp
        removed = np.minimum(queue, seats)
        removed_ice = np.where(queue > 0, removed * ready_ice // np.maximum(queue, 1), 0)
        removed_cbp = removed - removed_ice
        ready_ice -= removed_ice
        ready_cbp -= removed_cbp
        removals = removed + direct

        # 3. arrests by region and channel
        weight = x.focus[t] * pop
        demand = x.target[t] * weight / weight.sum(axis=1, keepdims=True)
        s = x.custodial_share[t]
        effort = s * x.custodial_effort[t] + (1.0 - s)  # officer-days per arrest, relative
        need = demand * effort
        effort_alloc = x.officers[t] * x.productivity[t] * need / need.sum(axis=1, keepdims=True)
        depletion = np.clip(reach / reach0, 0.0, 1.0) ** x.depletion_exponent
        mean = np.minimum(np.minimum(demand, effort_alloc * depletion / effort), reach)
        arrests = np.minimum(poisson(streams("arrests.count"), mean), np.floor(reach))
        custodial = binomial(streams("arrests.channel"), arrests, np.broadcast_to(s, arrests.shape))
        total_arrests = arrests.sum(axis=1)

        # 4. book-ins and beds
        booked_ice = binomial(streams("arrests.book_in"), total_arrests, x.book_in_p[t])
        booked_cbp = poisson(streams("detention.cbp_book_in"), np.full(r, x.cbp_book_ins[t]))
        booked = booked_ice + booked_cbp
        occupied = det_ice + det_cbp + ready_ice + ready_cbp
        free = np.maximum(np.floor(x.beds[t]) - occupied, 0).astype(np.int64)
        admitted = np.minimum(booked, free)
        adm_ice = np.where(booked > 0, admitted * booked_ice // np.maximum(booked, 1), 0)
        adm_cbp = admitted - adm_ice
        det_ice += adm_ice
        det_cbp += adm_cbp
        to_atd = booked - admitted

        # 5. alternatives to detention
        atd_new = poisson(streams("atd.enrol"), np.full(r, x.atd_inflow[t]))
        atd += to_atd + atd_new - binomial(streams("atd.exit"), atd, x.atd_exit_p[t])

        # 6. courts
        backlog += poisson(streams("courts.new_cases"), np.full(r, x.new_cases[t]))
        capacity = poisson(streams("courts.capacity"), np.full(r, x.judges[t] * x.completions_per_judge[t]))
        completed = np.minimum(backlog, capacity)
        backlog -= completed
        court_vd = binomial(streams("courts.voluntary_departure"), completed, x.vd_share[t])

        # 7. population at risk
        cum_arrests += arrests
        home = cum_arrests / cum_arrests.sum(axis=1, keepdims=True)
        share = pop / pop.sum(axis=1, keepdims=True)
        returns_ice = (total_arrests - booked_ice) + (booked_ice - adm_ice) + released_ice
        returns_cbp = (booked_cbp - adm_cbp) + released_cbp
        leave_mean = pop * x.emigration_per_day[t] + arrests * x.induced_per_arrest[t]
        departed = poisson(streams("departures.voluntary"), leave_mean)
        departed = np.minimum(departed, np.floor(pop - arrests))
        pop += (
            x.arrivals_per_day[t] * x.region_share
            - arrests
            - departed
            - court_vd[:, None] * share
            + returns_ice[:, None] * home
            + returns_cbp[:, None] * share
        )
        pop = np.maximum(pop, 0.0)
        reach -= arrests + departed * np.clip(reach / np.maximum(pop, 1.0), 0.0, 1.0)
        reach += x.renewal_per_day[t] * np.maximum(x.reachable_share * pop - reach, 0.0)
        reach = np.clip(reach, 0.0, pop)

        # 8. impacts, costs, records
        no_conv = binomial(streams("impacts.no_conviction"), removals, x.no_conviction_share[t])
        workers = binomial(streams("impacts.employed"), removed_ice, x.employed_share[t])
        children = poisson(streams("impacts.children"), removed_ice * x.children_per_removed[t])
        detained = det_ice + det_cbp + ready_ice + ready_cbp
        n_custodial = custodial.sum(axis=1)
        cost = {
            "cost_officers": np.full(r, x.officers[t] * x.cost_officer_day[t]),
            "cost_arrests": n_custodial * x.cost_arrest_custodial[t]
            + (total_arrests - n_custodial) * x.cost_arrest_at_large[t],
            "cost_detention": detained * x.cost_bed_day[t],
            "cost_atd": atd * x.cost_atd_day[t],
            "cost_courts": np.full(r, x.judges[t] * x.cost_judge_day[t]),
            "cost_transport": removals * x.cost_transport[t],
        }
        day = {
            "arrests": total_arrests,
            "arrests_custodial": n_custodial,
            "arrests_at_large": total_arrests - n_custodial,
            "book_ins": admitted,
            "book_ins_ice": adm_ice,
            "book_ins_cbp": adm_cbp,
            "detained": detained,
            "detention_capacity": np.full(r, x.beds[t]),
            "released_to_atd": to_atd,
            "atd_enrolled": atd,
            "removals": removals,
            "removals_interior": removed_ice,
            "voluntary_departures": departed.sum(axis=1) + court_vd,
            "court_backlog": backlog,
            "court_completions": completed,
            "removed_no_conviction": no_conv,
            "us_citizen_children_affected": children,
            "workers_removed": workers,
            "population_at_risk": pop.sum(axis=1),
            "reachable_pool": reach.sum(axis=1),
            **cost,
            "cost_total": np.sum(list(cost.values()), axis=0),
        }
        for name, value in day.items():
            rs[name][:, t] = value
        rg["arrests"][:, t] = arrests
        rg["population_at_risk"][:, t] = pop
        if on_day is not None:
            on_day(t)
    return SimResult(rs, rg, x.regions, n_days, r)
