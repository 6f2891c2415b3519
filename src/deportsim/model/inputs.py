"""Everything the pipeline reads from the parameters, in the model's units.

Each stage declares what it reads from its own parameter file (the ``READS`` of the modules of
:mod:`deportsim.model.stages`: parameter path, unit, daily series or first-day value, field);
:func:`~deportsim.model.stages.read_inputs` reads those declarations into an :class:`Inputs`.
The network builder (:mod:`deportsim.model.network`) and the accounts
(:mod:`deportsim.model.accounts`) use these arrays and nothing else. Daily arrays have shape
(days,) or (days, regions); values read on the first day (``applies: start``) are numbers or
arrays of shape (regions,).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Inputs"]

F = NDArray[np.float64]


@dataclass(frozen=True)
class Inputs:
    """Parameter values for one run (see the module docstring for shapes).

    The fields are grouped by the part of the pipeline that uses them; the stage that reads
    each one is its parameter file's (:data:`~deportsim.model.stages.STAGES`), noted where it
    differs.
    """

    days: int
    regions: tuple[str, ...]
    # population at risk
    population_total: float
    region_share: F  # (regions,), sums to 1
    pool_initial: dict[str, float]  # national people in each pool on the first day (+ courts)
    expedited_window: float  # days a recent entrant stays eligible for expedited removal
    arrivals_no_case: F  # persons/day joining the "recent" pool
    arrivals_with_case: F  # persons/day joining the "pending" pool (courts.new_cases)
    emigration: float  # 1/day (departures)
    conviction: float  # 1/day, people at large without a conviction who are convicted
    induced_per_arrest: F  # (departures)
    # arrests
    target: F
    officers: F
    officers_history: F  # (HISTORY_DAYS + days,): the headcount from two years before the run
    officer_ramp: float  # days until a new officer arrests at a veteran's rate
    as_recorded: F  # 0 .. 1: days on which arrests are the published record's
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
    staging: float  # (removal) mean days from decision to departure (prompt countries)
    delayed_share: float  # (removal) share whose country delays their removal
    delay: float  # (removal) extra days for them
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
    death_rate: F  # deaths in custody per person held per day
    sector_share: dict[str, F]
    # economy (money: USD a day, 2024 dollars; taxes per person as published, 2022 dollars)
    fear_per_arrest: F  # workers kept from work per at-large arrest of the past year
    us_born_jobs: F  # US-born and authorized jobs lost per worker withdrawn
    relative_output: F  # an unauthorized worker's output over the average worker's of the sector
    sector_output: dict[str, F]  # a sector's value added per worker over the economy's
    region_output: F  # (days, regions): a region's GDP per resident over the nation's
    region_pass_through: F  # share of that premium a worker's value added carries
    output_elasticity: F  # share of a worker's output lost with the worker
    gdp: F  # baseline GDP a day
    employment: F  # employed people
    price_level: F  # GDP price level, 2024 = 1
    tax_federal: F  # per person a day
    tax_state_local: F
    social_security: F
    medicare: F
    wage_elasticity: F  # % a group's wages fall per 1% more workers in it
    no_diploma_share: F  # of the workers withdrawn, without a high-school diploma
    high_school_share: F  # of the workers withdrawn, with a diploma and no more
    labor_no_diploma: F  # labor force 25 and over without a diploma
    labor_high_school: F  # labor force 25 and over with a diploma and no more

    def same_before(self, other: Inputs, day: int) -> bool:
        """Whether ``other`` holds the same values as these inputs on every day before ``day``.

        Daily arrays (of ``days`` days, or the officers' history before them) are compared on
        those days only, everything else whole: two runs whose inputs are the same before
        ``day`` are the same run until then (:meth:`deportsim.model.SimResult.then`).
        """
        if self.regions != other.regions or not 0 < day <= min(self.days, other.days):
            return False
        if len(self.regions) in {self.days, other.days}:  # a regional array would read as daily
            return False
        return all(
            _same(getattr(self, f.name), getattr(other, f.name), (self.days, other.days), day)
            for f in fields(self)
            if f.name != "days"
        )


def _same(a: Any, b: Any, days: tuple[int, int], day: int) -> bool:
    """One field of two inputs, daily arrays compared before ``day`` (see ``same_before``)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], days, day) for k in a)
    if not isinstance(a, np.ndarray):
        return bool(a == b)
    history = a.shape[0] - days[0]  # the officers' history: days before the run, then the run
    if a.ndim and history >= 0 and b.shape[0] - days[1] == history:
        return bool(np.array_equal(a[: history + day], b[: history + day]))
    return a.shape == b.shape and bool(np.array_equal(a, b))
