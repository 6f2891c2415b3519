"""The stages of the pipeline, one module per parameter file, and the table of stages.

:data:`STAGES` is the map of the model: for each stage, in pipeline order, its parameter file,
the network stations and captures it builds (:mod:`deportsim.model.network` assembles them), the
series it produces (:mod:`deportsim.model.accounts`) and what it reads from its file (the
stage module's ``READS``, read into :class:`~deportsim.model.inputs.Inputs`).

=============  ====================  ==========================================================
stage          module                stations (captures on ``community``)
=============  ====================  ==========================================================
population     :mod:`.population`    ``community``
arrests        :mod:`.arrests`       ``booking`` (custodial, targeted, collateral_worksite,
                                     courthouse)
detention      :mod:`.detention`     ``detention``, ``hold``, ``atd``
courts         :mod:`.courts`        ``appeal`` (court)
removal        :mod:`.removal`       ``staging``, ``transport``
departures     :mod:`.departures`    (induced)
costs          :mod:`.costs`         none: unit costs of the day's counts
impacts        :mod:`.impacts`       none: who is removed
economy        :mod:`.economy`       none: work, output, jobs, wages and taxes lost
=============  ====================  ==========================================================
"""

from __future__ import annotations

from deportsim.model.inputs import Inputs
from deportsim.model.stages import (
    arrests,
    costs,
    courts,
    departures,
    detention,
    economy,
    impacts,
    population,
    removal,
)
from deportsim.model.stages.base import Given, Read, Stage, read_fields
from deportsim.parameters import Resolved

__all__ = ["STAGES", "Given", "Read", "Stage", "read_fields", "read_inputs"]

#: The stages in pipeline order: the table that the code and the tests read. Names, order and
#: descriptions are those of ``parameters/index.yaml``'s files.
STAGES = (
    Stage(
        name="population",
        parameters="population.yaml",
        description="Who is at risk of arrest, where, and how that pool changes",
        stations=("community",),
        captures=(),
        series=("population_at_risk",),
        reads=population.READS,
    ),
    Stage(
        name="arrests",
        parameters="arrests.yaml",
        description="Arrest targets, officer capacity, arrest channels and local cooperation",
        stations=("booking",),
        captures=(
            "community.custodial", "community.targeted",
            f"community.{arrests.SEARCH_ANYONE}", "community.courthouse",
        ),
        series=(
            "arrests", "arrests_custodial", "arrests_at_large",
            *(f"arrests_{c}" for c in arrests.CHANNELS), "reachable_pool", "officer_capacity",
        ),
        reads=arrests.READS,
    ),
    Stage(
        name="detention",
        parameters="detention.yaml",
        description="Beds, book-ins from the border, length of stay and book-out paths",
        stations=("detention", "hold", "atd"),
        captures=(),
        series=(
            "book_ins", "book_ins_ice", "book_ins_cbp", "detained", "detained_interior",
            "detention_capacity",
            "in_hold_rooms", "over_capacity", "held_in_region", "held_elsewhere", "transfers",
            "book_outs", "book_outs_removal", "book_outs_released",
            *(f"released_{r}" for r in (*detention.RELEASE_REASONS, "transfer")),
            "released_to_atd", "atd_enrolled",
        ),
        reads=detention.READS,
    ),
    Stage(
        name="courts",
        parameters="courts.yaml",
        description="Immigration judges, the pending-case backlog and completions",
        stations=("appeal",),
        captures=("community.court",),
        series=(
            "court_backlog", "court_completions", "appeals_filed", "on_appeal",
            "relief_granted",
        ),
        reads=courts.READS,
    ),
    Stage(
        name="removal",
        parameters="removal.yaml",
        description="Transport capacity and removals outside detention",
        stations=("staging", "transport"),
        captures=(),
        series=(
            "removals", "removals_interior", "awaiting_transport", "removals_land",
            "removals_charter", "removals_commercial", "removal_flights",
        ),
        reads=removal.READS,
    ),
    Stage(
        name="departures",
        parameters="departures.yaml",
        description="Departures without a removal",
        stations=(),
        captures=("community.induced",),
        series=("voluntary_departures", "induced_departures"),
        reads=departures.READS,
    ),
    Stage(
        name="costs",
        parameters="costs.yaml",
        description=(
            "Unit costs of officers, arrests, beds, alternatives to detention, courts and "
            "transport"
        ),
        stations=(),
        captures=(),
        series=(
            "cost_officers", "cost_arrests", "cost_detention", "cost_atd", "cost_courts",
            "cost_transport", "cost_total",
        ),
        reads=costs.READS,
    ),
    Stage(
        name="impacts",
        parameters="impacts.yaml",
        description="Who is removed - criminal history, children, employment",
        stations=(),
        captures=(),
        series=(
            "removed_no_conviction", "us_citizen_children_affected",
            "us_citizen_children_parent_detained", "deaths_in_custody", "workers_removed",
            *(f"workers_removed_{s}" for s in impacts.SECTORS),
        ),
        reads=impacts.READS,
    ),
    Stage(
        name="economy",
        parameters="economy.yaml",
        description=(
            "The economy - work, output, jobs, wages and taxes lost with the people removed, "
            "held or kept from work by fear"
        ),
        stations=(),
        captures=(),
        series=(
            "workers_withdrawn", "employment_change_immigrant", "employment_change_us_born",
            "gdp_loss", "tax_revenue_lost", "tax_revenue_lost_federal",
            "tax_revenue_lost_state_local", "social_security_contributions_lost",
            "medicare_contributions_lost",
        ),
        reads=economy.READS,
    ),
)  # fmt: skip


def read_inputs(p: Resolved) -> Inputs:
    """Every parameter the model needs, converted to the unit the model uses.

    What each field reads is declared by its stage (:data:`STAGES`).
    """
    return Inputs(days=p.days, regions=p.regions, **read_fields(STAGES, p))
