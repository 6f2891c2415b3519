"""Economy: the work, output, jobs, wages and taxes lost with the people removed, held or kept away.

Parameter file ``parameters/economy.yaml``. No station: :mod:`deportsim.model.economy` turns the
pipeline's series into workers withdrawn and prices them (docs/economy.md).
"""

from __future__ import annotations

from deportsim.model.stages.base import DAILY, Read
from deportsim.model.stages.impacts import SECTORS

__all__ = ["READS", "WAGE_READS"]

#: What the wages alone read (step 5 of :mod:`deportsim.model.economy`): neither the output nor
#: the taxes lost depend on them.
WAGE_READS = (
    Read("wage_elasticity", "economy.wage_elasticity", "ratio", DAILY),
    Read("no_diploma_share", "economy.no_diploma_share", "probability", DAILY),
    Read("high_school_share", "economy.high_school_share", "probability", DAILY),
    Read("labor_no_diploma", "economy.labor_force_no_diploma", "persons", DAILY),
    Read("labor_high_school", "economy.labor_force_high_school", "persons", DAILY),
)
#: What the stage reads from economy.yaml (money in 2024 dollars a day, or 2022 dollars for
#: the taxes, which the model does not adjust).
READS = (
    Read("fear_per_arrest", "economy.fear_withdrawn_per_arrest", "persons/person", DAILY),
    Read("us_born_jobs", "economy.us_born_jobs_per_worker", "persons/person", DAILY),
    Read("relative_output", "economy.relative_output", "ratio", DAILY),
    *(Read("sector_output", f"economy.output_ratio_{s}", "ratio", DAILY, key=s) for s in SECTORS),
    Read("region_output", "economy.output_ratio_by_region", "ratio", DAILY),
    Read("region_pass_through", "economy.region_output_pass_through", "probability", DAILY),
    Read("output_elasticity", "economy.output_elasticity", "probability", DAILY),
    Read("gdp", "economy.gdp", "USD/day", DAILY),
    Read("employment", "economy.employment", "persons", DAILY),
    Read("price_level", "economy.price_level", "ratio", DAILY),
    Read("tax_federal", "economy.tax_federal_per_person", "USD/person/day", DAILY),
    Read("tax_state_local", "economy.tax_state_local_per_person", "USD/person/day", DAILY),
    Read("social_security", "economy.social_security_per_person", "USD/person/day", DAILY),
    Read("medicare", "economy.medicare_per_person", "USD/person/day", DAILY),
    *WAGE_READS,
)
