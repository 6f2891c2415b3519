"""Everything the pipeline reads from the parameters, in the model's units.

This is the only place where the model names parameter paths and units; the network builder
(:mod:`deportsim.model.network`) and the accounts (:mod:`deportsim.model.accounts`) use these
arrays and nothing else. Daily arrays have shape (days,) or (days, regions); values read on the
first day (``applies: start``) are numbers or arrays of shape (regions,).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deportsim.parameters import Resolved

__all__ = ["CHANNELS", "POOLS", "RELEASE_REASONS", "SECTORS", "Inputs"]

F = NDArray[np.float64]

#: The enforcement pools of the population at risk, in ICE's order of priority for beds.
POOLS = ("convicted", "final_order", "recent", "pending", "other")
#: Arrest channels of at-large operations (the custodial channel comes from jails).
CHANNELS = ("targeted", "collateral", "worksite", "courthouse")
#: Reasons for leaving detention other than removal, as ICE's statistics give them; the rest of
#: the releases are transfers (to the Marshals or another agency) and other reasons.
RELEASE_REASONS = ("bond", "parole", "recognizance", "relief")
#: Broad sectors of employment (impacts).
SECTORS = ("construction", "agriculture", "hospitality", "manufacturing", "services", "other")


@dataclass(frozen=True)
class Inputs:
    """Parameter values for one run (see the module docstring for shapes)."""

    days: int
    regions: tuple[str, ...]
    # population at risk
    population_total: float
    region_share: F  # (regions,), sums to 1
    pool_initial: dict[str, float]  # national people in each pool on the first day
    expedited_window: float  # days a recent entrant stays eligible for expedited removal
    arrivals_no_case: F  # persons/day joining the "recent" pool
    arrivals_with_case: F  # persons/day joining the "pending" pool (courts.new_cases)
    emigration: float  # 1/day
    conviction: float  # 1/day, people at large without a conviction who are convicted
    induced_per_arrest: F
    # arrests
    target: F
    officers: F
    productivity: F
    custodial_effort: F
    wait_for_beds: F  # 0 .. 1: how far at-large arrests are held to the beds' turnover
    cooperation: F  # (days, regions)
    focus: F  # (days, regions)
    jail_rate: F  # 1/day, jail bookings that reach ICE, per person not convicted
    convicted_jail_ratio: float
    findability: dict[str, float]  # by pool, final orders = 1
    channel_share: dict[str, F]  # share of at-large arrests by channel (targeted = the rest)
    depletion_half: float
    book_in_p: F
    # detention
    beds: F
    hold: F  # hold-room places for people waiting for a bed
    facility_share: F  # (days, regions): each region's share of the beds, by its facilities
    detained_ice0: float
    detained_cbp0: float
    border_book_ins: F
    stay_expedited: float
    stay_contested: float
    stay_border: float
    stay_cv: float  # people arrested by ICE
    stay_cv_border: float  # people arrested by CBP
    staging: float  # mean days from the decision to remove to departure (prompt countries)
    delayed_share: float  # share whose country delays their removal
    delay: float  # extra days for them
    removal_share_contested: F
    removal_share_expedited: F
    release_share: dict[str, F]  # by reason, of people leaving detention without a removal
    atd0: float
    atd_duration: float
    atd_inflow: F
    # courts
    judges: F
    backlog0: float
    completions_per_judge: F
    detained_docket_share: F
    order_share: F
    relief_share: F
    vd_share: F
    appeal_share: F
    appeal_duration: float
    appeal_reversal: F
    # removal
    transport: F
    direct_removals: F
    land_share: F
    commercial_share: F
    seats_per_flight: F
    flight_hours: F
    # costs (USD per unit per day, or per event)
    cost_bed_day: F
    cost_atd_day: F
    cost_officer_day: F
    cost_arrest_at_large: F
    cost_arrest_custodial: F
    cost_judge_day: F
    cost_flight_hour: F
    cost_land_removal: F
    cost_commercial_removal: F
    # impacts
    employed_share: F
    border_convicted: F  # share of CBP arrests with a conviction
    parent_share: F
    children_per_parent: F
    sector_share: dict[str, F]

    @classmethod
    def from_resolved(cls, p: Resolved) -> Inputs:
        """Read every parameter the model needs, converted to the unit the model uses."""
        d = p.daily

        def first(path: str, unit: str) -> float:
            return float(p.first(path, unit))

        by_region = p.first("population.by_region_2014", "persons")
        channels = {c: d(f"arrests.{c}_share", "probability") for c in CHANNELS[1:]}
        return cls(
            days=p.days,
            regions=p.regions,
            population_total=first("population.unauthorized_total", "persons"),
            region_share=by_region / by_region.sum(),
            pool_initial={
                "convicted": first("population.convicted", "persons"),
                "final_order": first("population.final_orders", "persons"),
                "recent": first("population.recent_entrants", "persons"),
                "pending": first("courts.initial_backlog", "cases"),
            },
            expedited_window=first("population.expedited_window", "days"),
            arrivals_no_case=d("population.new_arrivals", "persons/day"),
            arrivals_with_case=d("courts.new_cases", "cases/day"),
            emigration=first("departures.emigration_rate", "1/day"),
            conviction=first("population.conviction_rate", "1/day"),
            induced_per_arrest=d("departures.induced_per_arrest", "persons/person"),
            target=d("arrests.target_per_day", "persons/day"),
            officers=d("arrests.officers", "officers"),
            productivity=d("arrests.at_large_arrests_per_officer_day", "persons/officer/day"),
            custodial_effort=d("arrests.custodial_effort_ratio", "ratio"),
            wait_for_beds=d("arrests.wait_for_beds", "probability"),
            cooperation=d("arrests.cooperation", "probability"),
            focus=d("arrests.focus_weight", "ratio"),
            jail_rate=d("arrests.jail_transfer_rate", "1/day"),
            convicted_jail_ratio=first("arrests.convicted_jail_ratio", "ratio"),
            findability={
                "final_order": 1.0,
                **{
                    pool: first(f"arrests.findability_{pool}", "ratio")
                    for pool in ("convicted", "recent", "pending", "other")
                },
            },
            channel_share=channels,
            depletion_half=first("arrests.depletion_half", "ratio"),
            book_in_p=d("arrests.book_in_probability", "probability"),
            beds=d("detention.bed_capacity", "beds"),
            hold=d("detention.hold_capacity", "beds"),
            facility_share=_shares(d("detention.facility_adp", "persons")),
            detained_ice0=first("detention.initial_detained_ice", "persons"),
            detained_cbp0=first("detention.initial_detained_cbp", "persons"),
            border_book_ins=d("detention.cbp_book_ins", "persons/day"),
            stay_expedited=first("detention.stay_expedited", "days"),
            stay_contested=first("detention.stay_contested", "days"),
            stay_border=first("detention.alos_cbp", "days"),
            stay_cv=first("detention.stay_cv", "ratio"),
            stay_cv_border=first("detention.stay_cv_border", "ratio"),
            staging=first("removal.staging_days", "days"),
            delayed_share=first("removal.delayed_share", "probability"),
            delay=first("removal.delay_days", "days"),
            removal_share_contested=d("detention.removal_share_of_book_outs", "probability"),
            removal_share_expedited=d("detention.removal_share_final_order", "probability"),
            release_share={
                r: d(f"detention.release_{r}_share", "probability") for r in RELEASE_REASONS
            },
            atd0=first("detention.atd_initial", "persons"),
            atd_duration=first("detention.atd_mean_duration", "days"),
            atd_inflow=d("detention.atd_new_enrolments", "persons/day"),
            judges=d("courts.judges", "judges"),
            backlog0=first("courts.initial_backlog", "cases"),
            completions_per_judge=d("courts.completions_per_judge", "cases/judge/day"),
            detained_docket_share=d("courts.detained_docket_share", "probability"),
            order_share=d("courts.removal_order_share", "probability"),
            relief_share=d("courts.relief_share", "probability"),
            vd_share=d("courts.voluntary_departure_share", "probability"),
            appeal_share=d("courts.appeal_share", "probability"),
            appeal_duration=first("courts.appeal_duration", "days"),
            appeal_reversal=d("courts.appeal_reversal_share", "probability"),
            transport=d("removal.transport_capacity", "persons/day"),
            direct_removals=d("removal.direct_removals", "persons/day"),
            land_share=d("removal.land_share", "probability"),
            commercial_share=d("removal.commercial_share", "probability"),
            seats_per_flight=d("removal.seats_per_flight", "persons"),
            flight_hours=d("removal.flight_hours_per_flight", "hours"),
            cost_bed_day=d("costs.bed_day", "USD/bed/day"),
            cost_atd_day=d("costs.atd_day", "USD/person/day"),
            cost_officer_day=d("costs.officer_year", "USD/officer/day"),
            cost_arrest_at_large=d("costs.arrest_at_large", "USD/person"),
            cost_arrest_custodial=d("costs.arrest_custodial", "USD/person"),
            cost_judge_day=d("costs.judge_year", "USD/judge/day"),
            cost_flight_hour=d("costs.charter_flight_hour", "USD/hour"),
            cost_land_removal=d("costs.land_removal", "USD/person"),
            cost_commercial_removal=d("costs.commercial_removal", "USD/person"),
            employed_share=d("impacts.employed_share", "probability"),
            border_convicted=d("impacts.border_convicted_share", "probability"),
            parent_share=d("impacts.parent_share", "probability"),
            children_per_parent=d("impacts.children_per_parent", "persons/person"),
            sector_share={s: d(f"impacts.sector_{s}", "probability") for s in SECTORS},
        )


def _shares(by_region: F) -> F:
    """Each region's share of the day's total, shape (days, regions); equal shares if none."""
    total = by_region.sum(axis=1, keepdims=True)
    even = np.full_like(by_region, 1.0 / by_region.shape[1])
    shares = np.divide(by_region, total, out=even, where=total > 0)
    return np.asarray(shares, dtype=np.float64)
