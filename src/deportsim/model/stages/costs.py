"""Costs: unit costs of officers, arrests, beds, alternatives to detention, courts and transport.

Parameter file ``parameters/costs.yaml``. No station: the accounts
(:func:`deportsim.model.accounts.series`) price the day's counts at these unit costs.
"""

from __future__ import annotations

from deportsim.model.stages.base import DAILY, Read

__all__ = ["READS"]

#: What the stage reads from costs.yaml (USD per unit per day, or per event).
READS = (
    Read("cost_bed_day", "costs.bed_day", "USD/bed/day", DAILY),
    Read("cost_atd_day", "costs.atd_day", "USD/person/day", DAILY),
    Read("cost_officer_day", "costs.officer_year", "USD/officer/day", DAILY),
    Read("cost_arrest_at_large", "costs.arrest_at_large", "USD/person", DAILY),
    Read("cost_arrest_custodial", "costs.arrest_custodial", "USD/person", DAILY),
    Read("cost_judge_day", "costs.judge_year", "USD/judge/day", DAILY),
    Read("cost_flight_hour", "costs.charter_flight_hour", "USD/hour", DAILY),
    Read("cost_land_removal", "costs.land_removal", "USD/person", DAILY),
    Read("cost_commercial_removal", "costs.commercial_removal", "USD/person", DAILY),
)
