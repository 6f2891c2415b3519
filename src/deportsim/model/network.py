"""The enforcement pipeline as a network of engine stations (docs/model.md, "The stages").

This module assembles the network: the stations and captures come from the stages
(:mod:`deportsim.model.stages`, which say what each one is), and the wiring between them is
here (:func:`_arrivals`, :func:`_routes`, the people on day 0 in :func:`_initial`). Stations, in
the order the engine processes them each day, and the stage that builds each:

=============  ===========  =======================================================================
station        stage        what it holds
=============  ===========  =======================================================================
``community``  population   the population at risk, by region and pool; its captures are the
                            arrests (arrests), court completions (courts), induced departures
                            (departures)
``appeal``     courts       people whose removal order is on appeal
``booking``    arrests      a pass-through for every arrest: booked in, or released with a notice
``detention``  detention    national beds, one class per case path (:data:`PATHS`)
``hold``       detention    hold rooms for people who found no bed (only if the run has any)
``atd``        detention    alternatives to detention; people return to the community
``staging``    removal      people to be removed, waiting for documents and a flight, in beds
``transport``  removal      seats a day for removals; removals straight from CBP custody too
=============  ===========  =======================================================================

Everyone keeps their arrest region, so regional results are by region of arrest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deportsim.core.errors import Location, UserError
from deportsim.engine import Network, Route
from deportsim.model.inputs import Inputs
from deportsim.model.stages.arrests import (
    SEARCH_ANYONE,
    arrest_captures,
    at_large_plan,
    booking_station,
    expected_transfers,
    findable_share,
)
from deportsim.model.stages.base import PASS_THROUGH
from deportsim.model.stages.courts import appeal_station, court_capture
from deportsim.model.stages.departures import induced_capture
from deportsim.model.stages.detention import (
    BORDER,
    PATH_OF,
    PATHS,
    RELEASED_TO,
    STAY_BINS,
    atd_station,
    detention_station,
    hold_station,
    removal_share,
    stay,
    stay_means,
)
from deportsim.model.stages.population import (
    POOL_PATHS,
    POOLS,
    community_station,
    initial_pools,
    leaving,
    pools_problem,
)
from deportsim.model.stages.removal import (
    REMOVAL,
    REMOVAL_OF,
    STAGED,
    staged,
    staging,
    staging_station,
    transport_station,
)

__all__ = [
    "BORDER", "PASS_THROUGH", "PATHS", "PATH_OF", "REMOVAL", "REMOVAL_OF", "SEARCH_ANYONE",
    "STAGED", "Conflict", "Pipeline", "build", "conflicts", "removal_share", "staging", "stay",
]  # fmt: skip

F = NDArray[np.float64]
Key = tuple[str, str]


@dataclass(frozen=True)
class Pipeline:
    """The network of one run, the people in it on day 0, and the detention classes by path."""

    network: Network
    initial: dict[Key, F]  # (station, class) -> people by region
    hold_rooms: bool  # whether the network has the ``hold`` station (hold rooms some day)


def build(x: Inputs, max_bins: int = STAY_BINS) -> Pipeline:
    """The pipeline network for the inputs ``x`` (see the module docstring)."""
    found = conflicts(x)
    if found:  # prepare() refuses these first, naming the place; this is for other callers
        raise UserError(found[0].message, Location("<parameters>", path=found[0].paths[0]))
    pools = initial_pools(x)  # (pools, regions)
    transfers = expected_transfers(x, pools)  # (days, pools, regions)
    plan = at_large_plan(x, transfers.sum(axis=(1, 2)), pools.sum(axis=0), pools)
    rooms = bool(np.any(x.hold > 0))  # no hold rooms in the run: no station for them
    stations = [
        community_station(x),
        appeal_station(x),
        booking_station(),
        detention_station(x, max_bins, rooms),
        *[hold_station(x)] * rooms,
        atd_station(x),
        staging_station(x),
        transport_station(x),
    ]
    routes = _routes(x)
    if not rooms:
        routes = {key: legs for key, legs in routes.items() if key[0] != "hold"}
    captures = [
        *arrest_captures(x, plan, pools),
        court_capture(x, pools),
        induced_capture(x, plan, transfers.sum(axis=1)),
    ]
    net = Network(
        stations,
        arrivals=_arrivals(x),
        routes=routes,
        regions=x.regions,
        captures={"community": captures},
    )
    initial = _initial(x, pools, transfers[0].sum(axis=1), float(plan[0].sum()))
    return Pipeline(net, initial, rooms)


@dataclass(frozen=True)
class Conflict:
    """Parameters whose values are each possible but impossible together.

    ``paths`` are the parameters involved, ``day`` the first day (index) it happens, ``None``
    for values read once at the start of a run.
    """

    message: str
    paths: tuple[str, ...]
    day: int | None


def conflicts(x: Inputs) -> list[Conflict]:
    """Every combination of parameters the network cannot be built from (empty if none).

    Shares that must add up to at most 1, pools that must fit in the population, regions that
    must not all be empty. :func:`deportsim.run.prepare` checks them before a run writes anything,
    naming the ``--set`` option or the scenario line at fault; :func:`build` refuses them too,
    for callers that do not prepare (a sweep's samples).
    """
    shares = (
        (sum(x.channel_share.values()),
         ("arrests.collateral_share", "arrests.worksite_share", "arrests.courthouse_share"),
         "the collateral, worksite and courthouse shares of at-large arrests"),
        (x.order_share + x.relief_share + x.vd_share,
         ("courts.removal_order_share", "courts.relief_share", "courts.voluntary_departure_share"),
         "removal orders, relief and voluntary departure (as shares of court completions)"),
        (sum(x.release_share.values()),
         ("detention.release_bond_share", "detention.release_parole_share",
          "detention.release_recognizance_share", "detention.release_relief_share"),
         "the release reasons (bond, parole, recognizance, relief)"),
        (x.land_share + x.commercial_share, ("removal.land_share", "removal.commercial_share"),
         "the land and commercial shares of removals"),
        (x.no_diploma_share + x.high_school_share,
         ("economy.no_diploma_share", "economy.high_school_share"),
         "the shares of workers withdrawn without a diploma and with a diploma and no more"),
    )  # fmt: skip
    out: list[Conflict] = []
    for total, paths, what in shares:
        over = np.flatnonzero(np.asarray(total) > 1 + 1e-9)
        if over.size:
            top = float(np.max(total))
            out.append(Conflict(f"{what} add up to {top:g}, more than 1", paths, int(over[0])))
    if not float(np.sum(x.region_share)) > 0:
        out.append(
            Conflict(
                "the regions' populations are all zero: arrests and arrivals could not be "
                "shared over them",
                ("population.by_region_2014",),
                None,
            )
        )
    problem = pools_problem(x)
    if problem is not None:
        out.append(Conflict(problem, POOL_PATHS, None))
    return out


def _arrivals(x: Inputs) -> dict[Key, F]:
    """New people a day by region.

    Arrivals without and with a court case join the community; border book-ins enter detention;
    new enrolments in alternatives to detention come from the border; removals straight from CBP
    custody go to transport.
    """
    share = x.region_share[None, :]
    return {
        ("community", "recent"): x.arrivals_no_case[:, None] * share,
        ("community", "pending"): x.arrivals_with_case[:, None] * share,
        ("transport", BORDER): x.direct_removals[:, None] * share,
        ("detention", BORDER): x.border_book_ins[:, None] * share,
        ("atd", BORDER): x.atd_inflow[:, None] * share,  # released at the border: a pending case
    }


def _routes(x: Inputs) -> dict[Key, list[Route]]:
    """Where people go after each station (probabilities by day and region)."""
    routes: dict[Key, list[Route]] = {}
    for pool in POOLS:
        ways = {way: rate for way, rate in leaving(x, pool).items() if rate > 0}
        total = sum(ways.values())
        routes[("community", pool)] = [
            Route("departed", r / total)
            if way == "departed"
            else Route("community", r / total, way)
            for way, r in ways.items()
        ]
        released = "pending" if pool in ("recent", "other") else pool  # with a notice to appear
        routes[("booking", pool)] = [
            Route("detention", x.book_in_p, to_class=PATH_OF[pool]),
            Route("community", 1.0 - x.book_in_p, to_class=released),
        ]
    for path in PATHS:
        removed = removal_share(x, path)
        to = "transport" if path == BORDER else "staging"  # CBP's stays include their staging
        routes[("detention", path)] = [
            Route(to, removed, to_class=REMOVAL_OF[path]),
            Route("community", 1.0 - removed, to_class=RELEASED_TO[path]),
        ]
        routes[("hold", path)] = [Route("detention", 1.0)]
        routes[("atd", path)] = [Route("community", 1.0, to_class=RELEASED_TO[path])]
    for cls in STAGED:
        routes[("staging", cls)] = [Route("transport", 1.0)]
    for cls in REMOVAL:
        routes[("transport", cls)] = [Route("removed", 1.0)]
    routes[("appeal", "order")] = [
        Route("community", 1.0 - x.appeal_reversal, to_class="final_order"),
        Route("community", x.appeal_reversal, to_class="pending"),  # sustained or remanded
    ]
    return routes


def _initial(x: Inputs, pools: F, transfers: F, at_large: float) -> dict[Key, F]:
    """People in each station on day 0, by region.

    ICE's detained population is split over the paths in proportion to what each would hold at
    the start: arrests a day of each pool on day 0 (its jail ``transfers``, and ``at_large``
    arrests shared by findability) times the mean stay of its path (the engine spreads them
    over the ages of their stay, as in a station long fed at a steady pace). Of each ICE path's
    people, a share is in staging: the removal share times the mean staging time, over that plus
    the path's stay. People detained and in alternatives to detention are part of the
    population, on top of the pools at large.
    """
    share = x.region_share
    out: dict[Key, F] = {("community", p): pools[i] for i, p in enumerate(POOLS)}
    per_day = transfers + at_large * findable_share(x, pools)
    means, waits = stay_means(x), staged(x)
    held = dict.fromkeys(PATHS[:-1], 0.0)
    for i, pool in enumerate(POOLS):
        path = PATH_OF[pool]
        held[path] += per_day[i] * (means[path] + waits[path])  # whole time in custody
    total = sum(held.values())
    people = {path: x.detained_ice0 * v / total if total > 0 else 0.0 for path, v in held.items()}
    people[BORDER] = x.detained_cbp0
    for path, count in people.items():
        waiting = count * waits[path] / (means[path] + waits[path])  # in staging
        out[("detention", path)] = (count - waiting) * share
        if waits[path] > 0.0:
            key = ("staging", REMOVAL_OF[path])
            out[key] = out.get(key, 0.0) + waiting * share
    out[("atd", BORDER)] = x.atd0 * share
    return out
