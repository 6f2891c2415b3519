"""Everything the pipeline reads from the parameters, as daily arrays in the model's units.

This is the only place where the model names parameter paths and units; the step loop in
:mod:`deportsim.model.pipeline` uses these arrays and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deportsim.parameters import Resolved

__all__ = ["Inputs"]

F = NDArray[np.float64]


@dataclass(frozen=True)
class Inputs:
    """Daily parameter values: shape (days,) or (days, regions); scalars for initial stocks."""

    days: int
    regions: tuple[str, ...]
    # population
    population_total: float
    region_share: F  # (regions,) sums to 1
    reachable_share: float
    renewal_per_day: F
    arrivals_per_day: F
    # arrests
    target: F
    officers: F
    productivity: F
    custodial_effort: F
    custodial_share: F  # (days, regions): custodial_share_max × cooperation
    focus: F  # (days, regions)
    depletion_exponent: float
    book_in_p: F
    # detention
    beds: F
    detained_ice0: float
    detained_cbp0: float
    cbp_book_ins: F
    exit_p_ice: F
    exit_p_cbp: F
    removal_share: F
    atd0: float
    atd_exit_p: F
    atd_inflow: F
    # courts
    judges: F
    backlog0: float
    new_cases: F
    completions_per_judge: F
    vd_share: F
    # removal and departures
    transport: F
    direct_removals: F
    emigration_per_day: F
    induced_per_arrest: F
    # costs (USD per unit per day, or per event)
    cost_bed_day: F
    cost_atd_day: F
    cost_officer_day: F
    cost_arrest_at_large: F
    cost_arrest_custodial: F
    cost_judge_day: F
    cost_transport: F
    # impacts
    no_conviction_share: F
    children_per_removed: F
    employed_share: F

    @classmethod
    def from_resolved(cls, p: Resolved) -> Inputs:
        """Read every parameter the model needs, converted to the unit the model uses."""
        from deportsim.engine import hazard  # noqa: PLC0415 - keep the module import light

        d = p.daily
        by_region = p.first("population.by_region_2014", "persons")
        return cls(
            days=p.days,
            regions=p.regions,
            population_total=float(p.first("population.unauthorized_total", "persons")),
            region_share=by_region / by_region.sum(),
            reachable_share=float(p.first("population.reachable_share", "probability")),
            renewal_per_day=d("population.reachable_renewal_rate", "1/day"),
            arrivals_per_day=d("population.new_arrivals", "persons/day"),
            target=d("arrests.target_per_day", "persons/day"),
            officers=d("arrests.officers", "officers"),
            productivity=d("arrests.at_large_arrests_per_officer_day", "persons/officer/day"),
            custodial_effort=d("arrests.custodial_effort_ratio", "ratio"),
            custodial_share=d("arrests.custodial_share_max", "probability")[:, None]
            * d("arrests.cooperation", "probability"),
            focus=d("arrests.focus_weight", "ratio"),
            depletion_exponent=float(p.first("arrests.depletion_exponent", "ratio")),
            book_in_p=d("arrests.book_in_probability", "probability"),
            beds=d("detention.bed_capacity", "beds"),
            detained_ice0=float(p.first("detention.initial_detained_ice", "persons")),
            detained_cbp0=float(p.first("detention.initial_detained_cbp", "persons")),
            cbp_book_ins=d("detention.cbp_book_ins", "persons/day"),
            exit_p_ice=hazard(d("detention.alos_ice", "days")),
            exit_p_cbp=hazard(d("detention.alos_cbp", "days")),
            removal_share=d("detention.removal_share_of_book_outs", "probability"),
            atd0=float(p.first("detention.atd_initial", "persons")),
            atd_exit_p=hazard(d("detention.atd_mean_duration", "days")),
            atd_inflow=d("detention.atd_new_enrolments", "persons/day"),
            judges=d("courts.judges", "judges"),
            backlog0=float(p.first("courts.initial_backlog", "cases")),
            new_cases=d("courts.new_cases", "cases/day"),
            completions_per_judge=d("courts.completions_per_judge", "cases/judge/day"),
            vd_share=d("courts.voluntary_departure_share", "probability"),
            transport=d("removal.transport_capacity", "persons/day"),
            direct_removals=d("removal.direct_removals", "persons/day"),
            emigration_per_day=d("departures.emigration_rate", "1/day"),
            induced_per_arrest=d("departures.induced_per_arrest", "persons/person"),
            cost_bed_day=d("costs.bed_day", "USD/bed/day"),
            cost_atd_day=d("costs.atd_day", "USD/person/day"),
            cost_officer_day=d("costs.officer_year", "USD/officer/day"),
            cost_arrest_at_large=d("costs.arrest_at_large", "USD/person"),
            cost_arrest_custodial=d("costs.arrest_custodial", "USD/person"),
            cost_judge_day=d("costs.judge_year", "USD/judge/day"),
            cost_transport=d("costs.transport_per_removal", "USD/person"),
            no_conviction_share=d("impacts.no_conviction_share", "probability"),
            children_per_removed=d("impacts.us_citizen_children_per_removed", "persons/person"),
            employed_share=d("impacts.employed_share", "probability"),
        )
