"""Impacts: who is removed - criminal history, children, employment.

Parameter file ``parameters/impacts.yaml``. No station: the accounts
(:func:`deportsim.model.accounts.series`) apply these shares to the removals and book-ins
(expected values given the counts).
"""

from __future__ import annotations

from deportsim.model.stages.base import DAILY, Read

__all__ = ["READS", "SECTORS"]

#: Broad sectors of employment.
SECTORS = ("construction", "agriculture", "hospitality", "manufacturing", "services", "other")

#: What the stage reads from impacts.yaml.
READS = (
    Read("employed_share", "impacts.employed_share", "probability", DAILY),
    Read("border_convicted", "impacts.border_convicted_share", "probability", DAILY),
    Read("parent_share", "impacts.parent_share", "probability", DAILY),
    Read("children_per_parent", "impacts.children_per_parent", "persons/person", DAILY),
    Read("death_rate", "impacts.deaths_per_detention_day", "1/day", DAILY),
    Read("sector_share", "impacts.sector_construction", "probability", DAILY,
         key="construction"),
    Read("sector_share", "impacts.sector_agriculture", "probability", DAILY, key="agriculture"),
    Read("sector_share", "impacts.sector_hospitality", "probability", DAILY, key="hospitality"),
    Read("sector_share", "impacts.sector_manufacturing", "probability", DAILY,
         key="manufacturing"),
    Read("sector_share", "impacts.sector_services", "probability", DAILY, key="services"),
    Read("sector_share", "impacts.sector_other", "probability", DAILY, key="other"),
)  # fmt: skip
