"""Arrests: the target, officers' capacity, the arrest channels and local cooperation.

Parameter file ``parameters/arrests.yaml``. Station ``booking``: a pass-through for every
arrest, booked into detention on the path of the person's pool or released with a notice to
appear. Captures on ``community``: jail transfers to ICE (the custodial channel) and at-large
arrests (targeted, collateral and worksite as one capture, courthouse), planned each day by
:func:`at_large_plan`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from deportsim.engine import Capture, Delay, Route, Station
from deportsim.model.stages.base import (
    DAILY,
    HISTORY,
    HISTORY_DAYS,
    PASS_THROUGH,
    START,
    Given,
    Read,
)
from deportsim.model.stages.detention import PATH_OF, stay_means
from deportsim.model.stages.population import POOLS
from deportsim.model.stages.removal import staged

if TYPE_CHECKING:
    from deportsim.model.inputs import Inputs

__all__ = [
    "CHANNELS", "READS", "SEARCH_ANYONE", "arrest_captures", "at_large_plan", "booking_station",
    "effective_officers", "expected_transfers", "findable_share", "headcount", "jail_weights",
    "officer_capacity",
]  # fmt: skip

F = NDArray[np.float64]

#: Arrest channels of at-large operations (the custodial channel comes from jails).
CHANNELS = ("targeted", "collateral", "worksite", "courthouse")
#: The capture of the at-large channels that find anyone alike: collateral and worksite arrests.
SEARCH_ANYONE = "collateral_worksite"

#: What the stage reads from arrests.yaml.
READS = (
    Read("target", "arrests.target_per_day", "persons/day", DAILY),
    Read("officers", "arrests.officers", "officers", DAILY),
    Read("officers_history", "arrests.officers", "officers", HISTORY,
         note="the same headcount from two years before the run: new officers' ramp-up"),
    Read("officer_ramp", "arrests.new_officer_ramp_days", "days", START),
    Read("as_recorded", "arrests.as_recorded", "probability", DAILY),
    Read("productivity", "arrests.at_large_arrests_per_officer_day", "persons/officer/day", DAILY),
    Read("custodial_effort", "arrests.custodial_effort_ratio", "ratio", DAILY),
    Read("wait_for_beds", "arrests.wait_for_beds", "probability", DAILY),
    Read("cooperation", "arrests.cooperation", "probability", DAILY),
    Read("focus", "arrests.focus_weight", "ratio", DAILY),
    Read("jail_rate", "arrests.jail_transfer_rate", "1/day", DAILY),
    Read("convicted_jail_ratio", "arrests.convicted_jail_ratio", "ratio", START),
    Given("findability", 1.0, "findability is relative to people with a final order",
          key="final_order"),
    Read("findability", "arrests.findability_convicted", "ratio", START, key="convicted"),
    Read("findability", "arrests.findability_recent", "ratio", START, key="recent"),
    Read("findability", "arrests.findability_pending", "ratio", START, key="pending"),
    Read("findability", "arrests.findability_other", "ratio", START, key="other"),
    Read("channel_share", "arrests.collateral_share", "probability", DAILY, key="collateral",
         note="targeted arrests are the rest of the at-large arrests"),
    Read("channel_share", "arrests.worksite_share", "probability", DAILY, key="worksite"),
    Read("channel_share", "arrests.courthouse_share", "probability", DAILY, key="courthouse"),
    Read("depletion_half", "arrests.depletion_half", "ratio", START),
    Read("book_in_p", "arrests.book_in_probability", "probability", DAILY),
)  # fmt: skip


def booking_station() -> Station:
    """A pass-through for every arrest (where people go next is in the network's routes)."""
    return Station("booking", Delay.exponential(PASS_THROUGH), classes=POOLS)


def jail_weights(x: Inputs) -> dict[str, float]:
    """How much more often each pool reaches ICE through jails (a conviction weighs more)."""
    return {p: x.convicted_jail_ratio if p == "convicted" else 1.0 for p in POOLS}


def expected_transfers(x: Inputs, pools: F) -> F:
    """Jail transfers a day expected from the first day's pools: (days, pools, regions)."""
    weight = np.array(list(jail_weights(x).values()))
    rate = x.jail_rate[:, None, None] * weight[None, :, None] * x.cooperation[:, None, :]
    return np.asarray(rate * pools[None, :, :], dtype=np.float64)


def at_large_plan(x: Inputs, custodial: F, people: F, pools: F) -> F:
    """At-large arrests a day that officers are sent to make, by day and region.

    Officers first handle the jail transfers (each at ``custodial_effort`` of an at-large arrest);
    the rest of their capacity goes to at-large arrests, up to what the target leaves after the
    expected custodial arrests, shared over regions by focus weight × population. Officers count
    as they ramp up (:func:`effective_officers`). Where arrests wait for beds
    (``arrests.wait_for_beds``), the plan is held, to that degree, to what the beds can take
    (:func:`_bed_room`). On the days of the published record (``arrests.as_recorded``, set by a
    scenario that follows the record), the plan is what the record asks, whatever the officers'
    capacity and the beds: the arrests happened.
    """
    capacity = officer_capacity(x, custodial)
    wanted = np.maximum(x.target - custodial, 0.0)
    planned = np.minimum(capacity, wanted)
    room = _bed_room(x, custodial, pools)
    planned = planned - x.wait_for_beds * np.maximum(planned - room, 0.0)
    planned = x.as_recorded * wanted + (1.0 - x.as_recorded) * planned
    weight = x.focus * people[None, :]
    total = weight.sum(axis=1, keepdims=True)
    share = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    return np.asarray(planned[:, None] * share, dtype=np.float64)


def officer_capacity(x: Inputs, custodial: F, days: slice = slice(None)) -> F:
    """At-large arrests a day the officers can make over ``days``, after the jail transfers.

    ``custodial`` (the jail transfers a day over ``days``) take ``custodial_effort`` of an
    at-large arrest each; officers count as they ramp up (:func:`effective_officers`).
    """
    officers = effective_officers(headcount(x), x.officer_ramp)[days]
    spent = custodial * x.custodial_effort[days]
    return np.asarray(np.maximum(officers * x.productivity[days] - spent, 0.0), dtype=np.float64)


def headcount(x: Inputs) -> F:
    """The officers' headcount from :data:`HISTORY_DAYS` days before the run to its end.

    The days before the run from ``officers_history``, the run's own from ``officers`` (so that a
    change made to the run's inputs, as the requirements' search makes, counts).
    """
    return np.concatenate([x.officers_history[:HISTORY_DAYS], x.officers])


def effective_officers(history: F, ramp_days: float) -> F:
    """Officers at a veteran's arrest rate, by day of the run, from the headcount's history.

    ``history`` is the headcount from :data:`HISTORY_DAYS` days before the run to its end. Each
    officer added on a day counts for ``k / ramp_days`` of an officer ``k`` days later, and fully
    from ``ramp_days`` on (a linear ramp-up: training in the field, learning the area, being
    paired with veterans); officers who leave count no more at once. The headcount on the first
    day of the history counts in full.
    """
    with np.errstate(invalid="ignore"):  # an unlimited headcount (inf) stays inf, never NaN
        step = np.nan_to_num(np.diff(history, prepend=history[0]), nan=0.0, posinf=np.inf)
    gained, lost = np.maximum(step, 0.0), np.minimum(step, 0.0)
    days = np.arange(history.size, dtype=np.float64)
    effective = history[0] + np.cumsum(lost)
    for k in np.flatnonzero(gained):  # a headcount changes on a few days only
        since = days - k
        share = np.clip(since / ramp_days, 0.0, 1.0) if ramp_days > 0.0 else (since >= 0) * 1.0
        part = np.multiply(gained[k], share, out=np.zeros_like(share), where=share > 0.0)
        effective = effective + part
    return np.asarray(effective[HISTORY_DAYS:], dtype=np.float64)


def _bed_room(x: Inputs, custodial: F, pools: F) -> F:
    """At-large arrests a day that the beds can turn over, by day.

    Beds hold on average ``beds / mean time in custody`` book-ins a day (Little's law): less the
    CBP book-ins (at their own stay) and the jail transfers booked in, the rest, over the share
    of arrests booked in, is the at-large arrests the beds can take. The mean time in custody of
    an at-large arrest is that of its path, staging included, weighted by the first day's pools
    and how easily officers find them.
    """
    means, waits = stay_means(x), staged(x)
    weights = findable_share(x, pools)
    stay = sum(
        w * (means[PATH_OF[p]] + waits[PATH_OF[p]]) for w, p in zip(weights, POOLS, strict=True)
    )
    turnover = x.beds / max(stay, 1.0) - x.border_book_ins * x.stay_border / max(stay, 1.0)
    booked = np.maximum(turnover - custodial * x.book_in_p, 0.0)
    return np.asarray(booked / np.maximum(x.book_in_p, 1e-12), dtype=np.float64)


def findable_share(x: Inputs, pools: F) -> F:
    """Each pool's share of at-large arrests on the first day: its people times findability."""
    found = np.array([x.findability[p] for p in POOLS]) * pools.sum(axis=1)
    return np.asarray(found / max(found.sum(), 1e-12), dtype=np.float64)


def arrest_captures(x: Inputs, plan: F, pools: F) -> list[Capture]:
    """Jail transfers and at-large arrests by channel, all booked.

    Jail transfers are proportional to the people present: a capture that never saturates
    (infinite half) takes each person with chance ``weight × jail rate × cooperation`` (people
    with convictions weigh ``convicted_jail_ratio``).

    Each arrest channel's searchers are sized so that on day 0 they make the planned arrests:
    capacity ``plan × (1 + h)`` with half-saturation ``h × N0`` (``N0`` the people they can find,
    weighted), so arrests fall below the plan as the people they look for grow scarce. Collateral
    and worksite arrests find anyone alike (weight 1 for every pool): they are one capture,
    :data:`SEARCH_ANYONE`, whose arrests the accounts split by the two channels' shares.
    """
    h = x.depletion_half
    booked = [Route("booking", 1.0)]
    jail = x.jail_rate[:, None] * x.cooperation
    captures = [Capture(jail, math.inf, booked, jail_weights(x), "custodial")]
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
    return captures
