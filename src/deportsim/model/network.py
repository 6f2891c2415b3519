"""The enforcement pipeline as a network of engine stations (docs/model.md, "The stages").

Stations, in the order the engine processes them each day:

``community``
    The population at risk, by region and pool (:data:`~deportsim.model.inputs.POOLS`). People
    leave it by emigrating, by ageing out of the "recent entrant" pool, and through its captures:
    jail transfers to ICE (the custodial channel), at-large arrests (targeted, collateral,
    worksite, courthouse), court completions and departures induced by enforcement.
``appeal``
    People whose removal order is on appeal to the Board of Immigration Appeals (removal stayed);
    when it is decided they return to the community with a final order, or a pending case again.
``booking``
    A pass-through for every arrest: booked into detention on the path of the person's pool, or
    released with a notice to appear.
``detention``
    National beds (pooled), one class per case path (:data:`PATHS`), each with its skewed stay
    (:func:`stay`); people who find no bed go to ``hold``.
``hold``
    Hold rooms: people who found no bed wait there overnight and try again for a bed the next
    day; when the hold rooms are full too, they are released to ``atd``. A run with no hold
    rooms on any day (the files have none) has no ``hold`` station: people who find no bed go
    straight to ``atd``.
``atd``
    Alternatives to detention (and release on recognizance); people return to the community.
``staging``
    People to be removed wait in custody for travel documents and a flight (:func:`staging`),
    in detention beds: detention shares its places with ``staging`` and ``transport``.
``transport``
    Seats a day for removals (land, charter and commercial), national; people wait in custody.
    Removals straight from CBP custody come here directly.

Everyone keeps their arrest region, so regional results are by region of arrest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from deportsim.engine import Capture, Delay, Network, Route, Station
from deportsim.errors import Location, UserError
from deportsim.model.inputs import POOLS, Inputs

__all__ = [
    "BORDER", "PASS_THROUGH", "PATHS", "PATH_OF", "REMOVAL", "REMOVAL_OF", "SEARCH_ANYONE",
    "STAGED", "Pipeline", "build", "removal_share", "staging", "stay",
]  # fmt: skip

F = NDArray[np.float64]
Key = tuple[str, str]

#: People booked in by Border Patrol and other CBP components (a detention path).
BORDER = "border"
#: Detention paths, in order of priority for beds: case paths, then border book-ins.
PATHS = ("convicted", "expedited", "contested", BORDER)
#: The detention path of each pool: a final order or a recent entry means the short "expedited"
#: path (removal without a hearing, or on the order); other cases go before a judge.
PATH_OF = {
    "convicted": "convicted",
    "final_order": "expedited",
    "recent": "expedited",
    "pending": "contested",
    "other": "contested",
}
#: The pool that people leaving detention or alternatives to detention without a removal return
#: to, by path.
RELEASED_TO = {"convicted": "convicted", "expedited": "final_order", "contested": "pending"}
RELEASED_TO[BORDER] = "pending"
#: Mean stay of a pass-through station, in days: so short that the chance of leaving on the day
#: of arrival rounds to exactly 1, so everyone leaves that day and no count is drawn.
PASS_THROUGH = 1e-17
#: The capture of the at-large channels that find anyone alike: collateral and worksite arrests.
SEARCH_ANYONE = "collateral_worksite"
#: Classes of people to be removed (transport): removals of people with a conviction and of people
#: booked in by CBP are counted apart; the other paths share one class.
REMOVAL = ("convicted", "other", BORDER)
#: Classes in staging: people arrested by ICE (CBP book-ins' stays include their staging).
STAGED = REMOVAL[:-1]
#: The removal class of each detention path.
REMOVAL_OF = {"convicted": "convicted", "expedited": "other", "contested": "other", BORDER: BORDER}
#: Age bins kept for a detention stay that is not hyperexponential (docs/engine.md, "Age bins").
STAY_BINS = 16


@dataclass(frozen=True)
class Pipeline:
    """The network of one run, the people in it on day 0, and the detention classes by path."""

    network: Network
    initial: dict[Key, F]  # (station, class) -> people by region
    hold_rooms: bool  # whether the network has the ``hold`` station (hold rooms some day)


def build(x: Inputs, max_bins: int = STAY_BINS) -> Pipeline:
    """The pipeline network for the inputs ``x`` (see the module docstring)."""
    _check_shares(x)
    pools = _initial_pools(x)  # (pools, regions)
    transfers = _expected_transfers(x, pools)  # (days, pools, regions)
    plan = _at_large_plan(x, transfers.sum(axis=(1, 2)), pools.sum(axis=0), pools)
    detained = PATHS
    rooms = bool(np.any(x.hold > 0))  # no hold rooms in the run: no station for them
    stations = [
        _community(x),
        Station("appeal", Delay.exponential(x.appeal_duration), classes=("order",)),
        Station("booking", Delay.exponential(PASS_THROUGH), classes=POOLS),
        Station(
            "detention",
            {path: stay(mean, _stay_cv(x, path)) for path, mean in _stay_means(x).items()},
            capacity=x.beds,
            shares_places_with=("staging", "transport"),
            classes=detained,
            overflow="divert",
            divert_to="hold" if rooms else "atd",
            max_bins=max_bins,
        ),
        *[_hold(x, detained)] * rooms,
        Station("atd", Delay.exponential(x.atd_duration), classes=detained),
        Station("staging", staging(x), classes=STAGED),
        Station(
            "transport",
            Delay.exponential(PASS_THROUGH),
            capacity=x.transport,
            capacity_kind="starts",
            classes=REMOVAL,
        ),
    ]
    routes = _routes(x)
    if not rooms:
        routes = {key: legs for key, legs in routes.items() if key[0] != "hold"}
    net = Network(
        stations,
        arrivals=_arrivals(x),
        routes=routes,
        regions=x.regions,
        captures={"community": _captures(x, plan, pools, transfers.sum(axis=1))},
    )
    initial = _initial(x, pools, transfers[0].sum(axis=1), float(plan[0].sum()))
    return Pipeline(net, initial, rooms)


def _hold(x: Inputs, detained: tuple[str, ...]) -> Station:
    """Hold rooms: a night there, then back to the queue for a bed; when full, released."""
    return Station(
        "hold",
        Delay.deterministic(1.0),
        capacity=x.hold,
        classes=detained,
        overflow="divert",
        divert_to="atd",
    )


def _check_shares(x: Inputs) -> None:
    """Shares that must add up to at most 1, checked with a message naming a parameter."""
    checks = (
        (sum(x.channel_share.values()), "arrests.collateral_share",
         "the collateral, worksite and courthouse shares of at-large arrests"),
        (x.order_share + x.relief_share + x.vd_share, "courts.removal_order_share",
         "removal orders, relief and voluntary departure (as shares of court completions)"),
        (sum(x.release_share.values()), "detention.release_bond_share",
         "the release reasons (bond, parole, recognizance, relief)"),
        (x.land_share + x.commercial_share, "removal.land_share",
         "the land and commercial shares of removals"),
    )  # fmt: skip
    for total, path, what in checks:
        if np.any(total > 1 + 1e-9):
            raise UserError(f"{what} add up to more than 1", Location("<parameters>", path=path))


def _initial_pools(x: Inputs) -> F:
    """People in each pool and region on day 0: the named pools, and "other" for the rest."""
    named = sum(x.pool_initial.values())
    rest = x.population_total - named - x.detained_ice0 - x.atd0
    if rest < 0:
        raise UserError(
            f"the pools ({named:,.0f} people: convicted, final orders, recent entrants, pending "
            "court cases), with the people detained and in alternatives to detention, add up to "
            f"more than the population ({x.population_total:,.0f})",
            Location("<parameters>", path="population.unauthorized_total"),
        )
    national = np.array([x.pool_initial.get(p, rest) for p in POOLS])
    return np.outer(national, x.region_share)


def _jail_weights(x: Inputs) -> dict[str, float]:
    """How much more often each pool reaches ICE through jails (a conviction weighs more)."""
    return {p: x.convicted_jail_ratio if p == "convicted" else 1.0 for p in POOLS}


def _expected_transfers(x: Inputs, pools: F) -> F:
    """Jail transfers a day expected from the first day's pools: (days, pools, regions)."""
    weight = np.array(list(_jail_weights(x).values()))
    rate = x.jail_rate[:, None, None] * weight[None, :, None] * x.cooperation[:, None, :]
    return np.asarray(rate * pools[None, :, :], dtype=np.float64)


def _at_large_plan(x: Inputs, custodial: F, people: F, pools: F) -> F:
    """At-large arrests a day that officers are sent to make, by day and region.

    Officers first handle the jail transfers (each at ``custodial_effort`` of an at-large arrest);
    the rest of their capacity goes to at-large arrests, up to what the target leaves after the
    expected custodial arrests, shared over regions by focus weight × population. Where arrests
    wait for beds (``arrests.wait_for_beds``), the plan is held, to that degree, to what the beds
    can take (:func:`_bed_room`).
    """
    capacity = np.maximum(x.officers * x.productivity - custodial * x.custodial_effort, 0.0)
    wanted = np.maximum(x.target - custodial, 0.0)
    planned = np.minimum(capacity, wanted)
    room = _bed_room(x, custodial, pools)
    planned = planned - x.wait_for_beds * np.maximum(planned - room, 0.0)
    weight = x.focus * people[None, :]
    total = weight.sum(axis=1, keepdims=True)
    share = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    return np.asarray(planned[:, None] * share, dtype=np.float64)


def _bed_room(x: Inputs, custodial: F, pools: F) -> F:
    """At-large arrests a day that the beds can turn over, by day.

    Beds hold on average ``beds / mean time in custody`` book-ins a day (Little's law): less the
    CBP book-ins (at their own stay) and the jail transfers booked in, the rest, over the share
    of arrests booked in, is the at-large arrests the beds can take. The mean time in custody of
    an at-large arrest is that of its path, staging included, weighted by the first day's pools
    and how easily officers find them.
    """
    means, staged = _stay_means(x), _staged(x)
    weights = _findable_share(x, pools)
    stay = sum(
        w * (means[PATH_OF[p]] + staged[PATH_OF[p]]) for w, p in zip(weights, POOLS, strict=True)
    )
    turnover = x.beds / max(stay, 1.0) - x.border_book_ins * x.stay_border / max(stay, 1.0)
    booked = np.maximum(turnover - custodial * x.book_in_p, 0.0)
    return np.asarray(booked / np.maximum(x.book_in_p, 1e-12), dtype=np.float64)


def _staged(x: Inputs) -> dict[str, float]:
    """Expected days in staging of a person booked in on each path.

    The removal share on the first day times the mean staging time; none for CBP book-ins,
    whose stays include it.
    """
    wait = staging(x).mean
    return {p: 0.0 if p == BORDER else float(removal_share(x, p)[0]) * wait for p in PATHS}


def _findable_share(x: Inputs, pools: F) -> F:
    """Each pool's share of at-large arrests on the first day: its people times findability."""
    found = np.array([x.findability[p] for p in POOLS]) * pools.sum(axis=1)
    return np.asarray(found / max(found.sum(), 1e-12), dtype=np.float64)


def _community(x: Inputs) -> Station:
    """The population at risk.

    Each pool's stay ends when its people emigrate, are convicted of a crime (pools without a
    conviction) or (the recent pool) pass the expedited-removal window, each at its own daily
    rate (:func:`_leaving`); arrests and court completions take people out as captures
    (:func:`_captures`).
    """
    stays = {}
    for pool in POOLS:
        rate = sum(_leaving(x, pool).values())
        stays[pool] = Delay.exponential(1.0 / rate) if rate > 0 else Delay.exponential(1e9)
    return Station("community", stays, classes=POOLS)


def _leaving(x: Inputs, pool: str) -> dict[str, float]:
    """Daily rates of leaving a pool on one's own: to emigrate, by a conviction, by ageing out."""
    return {
        "departed": x.emigration,
        "convicted": x.conviction if pool != "convicted" else 0.0,
        "other": _ageing(x, pool),
    }


def _ageing(x: Inputs, pool: str) -> float:
    """Daily hazard of leaving the recent-entrant pool by passing the expedited window."""
    return 1.0 / x.expedited_window if pool == "recent" else 0.0


def _stay_means(x: Inputs) -> dict[str, float]:
    """Mean stay in detention by path, in days: until the decision, staging not included.

    People booked in by CBP stay ICE's average for them (``detention.alos_cbp``), which includes
    their wait for removal: they go straight to transport.
    """
    short, long = x.stay_expedited, x.stay_contested
    return {"convicted": long, "expedited": short, "contested": long, BORDER: x.stay_border}


def _stay_cv(x: Inputs, path: str) -> float:
    """Spread of the stays on a path; CBP's book-ins have their own (``stay_cv_border``)."""
    return x.stay_cv_border if path == BORDER else x.stay_cv


def staging(x: Inputs) -> Delay:
    """Time from the decision to remove to departure, an exponential stay.

    Its mean is ``removal.staging_days`` plus ``removal.delayed_share`` times
    ``removal.delay_days``: most people wait the staging days, those whose countries delay travel
    documents or flights wait longer. One exponential stay keeps that mean at one count a day
    per class and region (a two-part stay would keep the spread too, at twice the cost).
    """
    return Delay.exponential(max(x.staging + x.delayed_share * x.delay, PASS_THROUGH))


def removal_share(x: Inputs, path: str) -> F:
    """Daily chance that a person leaving detention on ``path`` is taken to be removed."""
    return x.removal_share_expedited if path == "expedited" else x.removal_share_contested


def stay(mean: float, cv: float) -> Delay:
    """A detention stay of ``mean`` days and coefficient of variation ``cv``.

    Above 1 (ICE's stays: most short, a long tail), the hyperexponential stay with that mean
    and spread (:meth:`~deportsim.engine.Delay.hyperexponential`), exact in two age bins; at 1 or
    below, where no such mixture exists, a lognormal stay kept in :data:`STAY_BINS` age bins.
    """
    return Delay.hyperexponential(mean, cv) if cv > 1.0 else Delay.lognormal(mean, cv)


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
        ways = {way: rate for way, rate in _leaving(x, pool).items() if rate > 0}
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


def _captures(x: Inputs, plan: F, pools: F, transfers: F) -> list[Capture]:
    """Jail transfers, at-large arrests by channel, court completions and induced departures.

    Jail transfers are proportional to the people present: a capture that never saturates
    (infinite half) takes each person with chance ``weight × jail rate × cooperation`` (people
    with convictions weigh ``convicted_jail_ratio``). ``transfers`` are those expected a day by
    region from the first day's pools, for the departures that arrests induce.

    Each arrest channel's searchers are sized so that on day 0 they make the planned arrests:
    capacity ``plan × (1 + h)`` with half-saturation ``h × N0`` (``N0`` the people they can find,
    weighted), so arrests fall below the plan as the people they look for grow scarce. Collateral
    and worksite arrests find anyone alike (weight 1 for every pool): they are one capture,
    :data:`SEARCH_ANYONE`, whose arrests the accounts split by the two channels' shares.
    """
    h = x.depletion_half
    booked = [Route("booking", 1.0)]
    jail = x.jail_rate[:, None] * x.cooperation
    captures = [Capture(jail, math.inf, booked, _jail_weights(x), "custodial")]
    targeted = np.maximum(1.0 - sum(x.channel_share.values()), 0.0)
    shares = {
        "targeted": targeted,
        SEARCH_ANYONE: x.channel_share["collateral"] + x.channel_share["worksite"],
        "courthouse": x.channel_share["courthouse"],
    }
    weights = {
        "targeted": x.findability,
        SEARCH_ANYONE: dict.fromkeys(POOLS, 1.0),
        "courthouse": {p: float(p == "pending") for p in POOLS},
    }
    for search, share in shares.items():
        n0 = np.array([weights[search][p] for p in POOLS]) @ pools  # (regions,)
        capacity = plan * share[:, None] * (1.0 + h)
        captures.append(Capture(capacity, h * n0, booked, weights[search], search))
    pending = pools[POOLS.index("pending")]
    court = x.judges * x.completions_per_judge * (1.0 - x.detained_docket_share)
    court_rate = court[:, None] * (pending / max(pending.sum(), 1.0))[None, :]
    appealed = x.order_share * x.appeal_share
    outcomes = [
        Route("community", x.order_share - appealed, to_class="final_order"),
        Route("appeal", appealed),
        Route("relief", x.relief_share),
        Route("departed", x.vd_share),
        Route("community", 1.0 - x.order_share - x.relief_share - x.vd_share, "other"),
    ]  # the rest: cases dismissed or terminated, people stay without status
    only_pending = {p: float(p == "pending") for p in POOLS}
    # half-saturation of one day's completions: they stop smoothly when a docket empties
    half = np.maximum(court_rate, 1.0)
    captures.append(Capture(court_rate, half, outcomes, only_pending, "court"))
    induced = x.induced_per_arrest[:, None] * (plan + transfers)
    leave = [Route("departed", 1.0)]
    captures.append(Capture(induced, np.maximum(induced, 1.0), leave, name="induced"))
    return captures


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
    per_day = transfers + at_large * _findable_share(x, pools)
    means, staged = _stay_means(x), _staged(x)
    held = dict.fromkeys(PATHS[:-1], 0.0)
    for i, pool in enumerate(POOLS):
        path = PATH_OF[pool]
        held[path] += per_day[i] * (means[path] + staged[path])  # whole time in custody
    total = sum(held.values())
    people = {path: x.detained_ice0 * v / total if total > 0 else 0.0 for path, v in held.items()}
    people[BORDER] = x.detained_cbp0
    for path, count in people.items():
        waiting = count * staged[path] / (means[path] + staged[path])  # in staging
        out[("detention", path)] = (count - waiting) * share
        if staged[path] > 0.0:
            key = ("staging", REMOVAL_OF[path])
            out[key] = out.get(key, 0.0) + waiting * share
    out[("atd", BORDER)] = x.atd0 * share
    return out
