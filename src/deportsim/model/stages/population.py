"""Population at risk: who can be arrested, where they live, and how that pool changes.

Parameter file ``parameters/population.yaml``. Station ``community``: the people at large, by
region and pool (:data:`POOLS`). People leave it on their own (emigrating, ageing out of the
"recent entrant" pool, being convicted) and through its captures, which the other stages build
(arrests, court completions, induced departures).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from deportsim.core.errors import Location, UserError
from deportsim.engine import Delay, Station
from deportsim.model.stages.base import DAILY, START, Read

if TYPE_CHECKING:
    from deportsim.model.inputs import Inputs

__all__ = [
    "POOLS", "POOL_PATHS", "READS", "community_station", "initial_pools", "leaving",
    "pools_problem",
]  # fmt: skip

F = NDArray[np.float64]

#: The enforcement pools of the population at risk, in ICE's order of priority for beds.
POOLS = ("convicted", "final_order", "recent", "pending", "other")


def _share_of_total(by_region: F) -> F:
    """Each region's share of the national total.

    All zero if every region is empty, which :func:`deportsim.model.network.conflicts` refuses.
    """
    total = by_region.sum()
    out = np.divide(by_region, total, out=np.zeros_like(by_region), where=total > 0)
    return np.asarray(out, dtype=np.float64)


#: What the stage reads from population.yaml.
READS = (
    Read("population_total", "population.unauthorized_total", "persons", START),
    Read("region_share", "population.by_region_2014", "persons", START, derive=_share_of_total,
         note="only each region's share of the national total is used"),
    Read("pool_initial", "population.convicted", "persons", START, key="convicted"),
    Read("pool_initial", "population.final_orders", "persons", START, key="final_order"),
    Read("pool_initial", "population.recent_entrants", "persons", START, key="recent"),
    Read("expedited_window", "population.expedited_window", "days", START),
    Read("arrivals_no_case", "population.new_arrivals", "persons/day", DAILY,
         note="they join the recent pool"),
    Read("conviction", "population.conviction_rate", "1/day", START),
)  # fmt: skip


#: The parameters whose people must fit in the population (:func:`pools_problem`).
POOL_PATHS = (
    "population.unauthorized_total", "population.convicted", "population.final_orders",
    "population.recent_entrants", "courts.initial_backlog", "detention.initial_detained_ice",
    "detention.atd_initial",
)  # fmt: skip


def pools_problem(x: Inputs) -> str | None:
    """Why the named pools do not fit in the population, or None if they do."""
    named = sum(x.pool_initial.values())
    if x.population_total - named - x.detained_ice0 - x.atd0 >= 0:
        return None
    return (
        f"the pools ({named:,.0f} people: convicted, final orders, recent entrants, pending "
        "court cases), with the people detained and in alternatives to detention, add up to "
        f"more than the population ({x.population_total:,.0f})"
    )


def initial_pools(x: Inputs) -> F:
    """People in each pool and region on day 0: the named pools, and "other" for the rest.

    Raises:
        UserError: if they do not fit in the population (:func:`pools_problem`), which
            :func:`deportsim.run.prepare` refuses first, naming the place at fault.
    """
    problem = pools_problem(x)
    if problem is not None:
        raise UserError(problem, Location("<parameters>", path="population.unauthorized_total"))
    rest = x.population_total - sum(x.pool_initial.values()) - x.detained_ice0 - x.atd0
    national = np.array([x.pool_initial.get(p, rest) for p in POOLS])
    return np.outer(national, x.region_share)


def community_station(x: Inputs) -> Station:
    """The population at risk.

    Each pool's stay ends when its people emigrate, are convicted of a crime (pools without a
    conviction) or (the recent pool) pass the expedited-removal window, each at its own daily
    rate (:func:`leaving`); arrests and court completions take people out as captures.
    """
    stays = {}
    for pool in POOLS:
        rate = sum(leaving(x, pool).values())
        stays[pool] = Delay.exponential(1.0 / rate) if rate > 0 else Delay.exponential(1e9)
    return Station("community", stays, classes=POOLS)


def leaving(x: Inputs, pool: str) -> dict[str, float]:
    """Daily rates of leaving a pool on one's own: to emigrate, by a conviction, by ageing out."""
    return {
        "departed": x.emigration,
        "convicted": x.conviction if pool != "convicted" else 0.0,
        "other": _ageing(x, pool),
    }


def _ageing(x: Inputs, pool: str) -> float:
    """Daily hazard of leaving the recent-entrant pool by passing the expedited window."""
    return 1.0 / x.expedited_window if pool == "recent" else 0.0
