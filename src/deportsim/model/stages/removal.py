"""Removal: the wait for travel documents and a flight, and the seats to remove people.

Parameter file ``parameters/removal.yaml``. Stations:

``staging``
    People to be removed wait in custody for travel documents and a flight (:func:`staging`),
    in detention beds: detention shares its places with ``staging`` and ``transport``.
``transport``
    Seats a day for removals (land, charter and commercial), national; people wait in custody.
    Removals straight from CBP custody come here directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deportsim.engine import Delay, Station
from deportsim.model.stages.base import DAILY, PASS_THROUGH, START, Read
from deportsim.model.stages.detention import BORDER, PATHS, removal_share

if TYPE_CHECKING:
    from deportsim.model.inputs import Inputs

__all__ = [
    "READS", "REMOVAL", "REMOVAL_OF", "STAGED", "staged", "staging", "staging_station",
    "transport_station",
]  # fmt: skip

#: Classes of people to be removed (transport): removals of people with a conviction and of people
#: booked in by CBP are counted apart; the other paths share one class.
REMOVAL = ("convicted", "other", BORDER)
#: Classes in staging: people arrested by ICE (CBP book-ins' stays include their staging).
STAGED = REMOVAL[:-1]
#: The removal class of each detention path.
REMOVAL_OF = {"convicted": "convicted", "expedited": "other", "contested": "other", BORDER: BORDER}

#: What the stage reads from removal.yaml.
READS = (
    Read("staging", "removal.staging_days", "days", START),
    Read("delayed_share", "removal.delayed_share", "probability", START),
    Read("delay", "removal.delay_days", "days", START),
    Read("transport", "removal.transport_capacity", "persons/day", DAILY),
    Read("direct_removals", "removal.direct_removals", "persons/day", DAILY,
         note="removals straight from CBP custody, into transport"),
    Read("land_share", "removal.land_share", "probability", DAILY),
    Read("commercial_share", "removal.commercial_share", "probability", DAILY),
    Read("seats_per_flight", "removal.seats_per_flight", "persons", DAILY),
    Read("flight_hours", "removal.flight_hours_per_flight", "hours", DAILY),
)  # fmt: skip


def staging(x: Inputs) -> Delay:
    """Time from the decision to remove to departure, an exponential stay.

    Its mean is ``removal.staging_days`` plus ``removal.delayed_share`` times
    ``removal.delay_days``: most people wait the staging days, those whose countries delay travel
    documents or flights wait longer. One exponential stay keeps that mean at one count a day
    per class and region (a two-part stay would keep the spread too, at twice the cost).
    """
    return Delay.exponential(max(x.staging + x.delayed_share * x.delay, PASS_THROUGH))


def staged(x: Inputs) -> dict[str, float]:
    """Expected days in staging of a person booked in on each detention path.

    The removal share on the first day times the mean staging time; none for CBP book-ins,
    whose stays include it.
    """
    wait = staging(x).mean
    return {p: 0.0 if p == BORDER else float(removal_share(x, p)[0]) * wait for p in PATHS}


def staging_station(x: Inputs) -> Station:
    """People to be removed, waiting for travel documents and a flight."""
    return Station("staging", staging(x), classes=STAGED)


def transport_station(x: Inputs) -> Station:
    """Seats a day for removals: people start their trip when a seat is free."""
    return Station(
        "transport",
        Delay.exponential(PASS_THROUGH),
        capacity=x.transport,
        capacity_kind="starts",
        classes=REMOVAL,
    )
