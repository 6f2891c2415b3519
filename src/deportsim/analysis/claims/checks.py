"""The registry of claim checks: the function that tests each claim id of ``claims.yaml``.

Every check reads the runs it needs from a :class:`~deportsim.analysis.claims.context.Context`,
tests the claim's metric over replicates, names the binding constraint
(:mod:`deportsim.analysis.claims.constraints`) and writes two sentences a journalist could
quote: what the model finds, then what binds and the assumptions it rests on. Unless a claim says
otherwise, results are over the contract's four years from 20 January 2025. The checks are
grouped by question: :mod:`~deportsim.analysis.claims.pace` (how many, how fast),
:mod:`~deportsim.analysis.claims.capacity` (detention and resources),
:mod:`~deportsim.analysis.claims.who` (who is removed or affected) and
:mod:`~deportsim.analysis.claims.economy` (American workers' jobs and wages).
"""

from __future__ import annotations

from collections.abc import Callable

from deportsim.analysis.claims.capacity import (
    camps_and_guards,
    detained_may_2025,
    detention_near_capacity,
)
from deportsim.analysis.claims.context import Context
from deportsim.analysis.claims.economy import economy
from deportsim.analysis.claims.pace import (
    arrests_3000,
    as_fast_as_they_come,
    first_100_days,
    largest_in_history,
    millions_per_year,
    obama_3_million,
)
from deportsim.analysis.claims.spec import ClaimSpec
from deportsim.analysis.claims.verdicts import ClaimResult
from deportsim.analysis.claims.who import (
    children,
    criminals_first,
    focus_big_cities,
    workforce_impact,
)

__all__ = ["CHECKS", "Check"]

Check = Callable[[ClaimSpec, Context], ClaimResult]

#: The check of each claim id in claims.yaml.
CHECKS: dict[str, Check] = {
    "arrests-3000-per-day": arrests_3000,
    "largest-in-history": largest_in_history,
    "millions-per-year": millions_per_year,
    "as-fast-as-they-come": as_fast_as_they_come,
    "detention-near-capacity": detention_near_capacity,
    "camps-and-guards": camps_and_guards,
    "first-100-days": first_100_days,
    "49k-detained-may-2025": detained_may_2025,
    "focus-big-cities": focus_big_cities,
    "criminals-first": criminals_first,
    "obama-3-million": obama_3_million,
    "workforce-impact": workforce_impact,
    "children": children,
    "economy": economy,
}
