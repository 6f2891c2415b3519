"""Detention: beds, book-ins from the border, stays, and how people leave detention.

Parameter file ``parameters/detention.yaml``. Stations:

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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from deportsim.engine import Delay, Station
from deportsim.model.stages.base import DAILY, START, Read

if TYPE_CHECKING:
    from deportsim.model.inputs import Inputs

__all__ = [
    "BORDER", "PATHS", "PATH_OF", "READS", "RELEASED_TO", "RELEASE_REASONS", "STAY_BINS",
    "atd_station", "detention_station", "hold_station", "removal_share", "stay", "stay_cv",
    "stay_means",
]  # fmt: skip

F = NDArray[np.float64]

#: Reasons for leaving detention other than removal, as ICE's statistics give them; the rest of
#: the releases are transfers (to the Marshals or another agency) and other reasons.
RELEASE_REASONS = ("bond", "parole", "recognizance", "relief")
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
#: Age bins kept for a detention stay that is not hyperexponential (docs/engine.md, "Age bins").
STAY_BINS = 16


def _shares(by_region: F) -> F:
    """Each region's share of the day's total, shape (days, regions); equal shares if none."""
    total = by_region.sum(axis=1, keepdims=True)
    even = np.full_like(by_region, 1.0 / by_region.shape[1])
    shares = np.divide(by_region, total, out=even, where=total > 0)
    return np.asarray(shares, dtype=np.float64)


#: What the stage reads from detention.yaml.
READS = (
    Read("beds", "detention.bed_capacity", "beds", DAILY),
    Read("hold", "detention.hold_capacity", "beds", DAILY),
    Read("facility_share", "detention.facility_adp", "persons", DAILY, derive=_shares,
         note="only each region's share of the day's total is used"),
    Read("detained_ice0", "detention.initial_detained_ice", "persons", START),
    Read("detained_cbp0", "detention.initial_detained_cbp", "persons", START),
    Read("border_book_ins", "detention.cbp_book_ins", "persons/day", DAILY),
    Read("stay_expedited", "detention.stay_expedited", "days", START),
    Read("stay_contested", "detention.stay_contested", "days", START),
    Read("stay_border", "detention.alos_cbp", "days", START),
    Read("stay_cv", "detention.stay_cv", "ratio", START),
    Read("stay_cv_border", "detention.stay_cv_border", "ratio", START),
    Read("removal_share_contested", "detention.removal_share_of_book_outs", "probability", DAILY),
    Read("removal_share_expedited", "detention.removal_share_final_order", "probability", DAILY),
    Read("release_share", "detention.release_bond_share", "probability", DAILY, key="bond"),
    Read("release_share", "detention.release_parole_share", "probability", DAILY, key="parole"),
    Read("release_share", "detention.release_recognizance_share", "probability", DAILY,
         key="recognizance"),
    Read("release_share", "detention.release_relief_share", "probability", DAILY, key="relief"),
    Read("atd0", "detention.atd_initial", "persons", START),
    Read("atd_duration", "detention.atd_mean_duration", "days", START),
    Read("atd_inflow", "detention.atd_new_enrolments", "persons/day", DAILY),
)  # fmt: skip


def detention_station(x: Inputs, max_bins: int, rooms: bool) -> Station:
    """National beds, one class per path; shared with staging and transport (removal).

    People who find no bed go to ``hold`` if the run has hold rooms (``rooms``), else to ``atd``.
    """
    return Station(
        "detention",
        {path: stay(mean, stay_cv(x, path)) for path, mean in stay_means(x).items()},
        capacity=x.beds,
        shares_places_with=("staging", "transport"),
        classes=PATHS,
        overflow="divert",
        divert_to="hold" if rooms else "atd",
        max_bins=max_bins,
    )


def hold_station(x: Inputs) -> Station:
    """Hold rooms: a night there, then back to the queue for a bed; when full, released."""
    return Station(
        "hold",
        Delay.deterministic(1.0),
        capacity=x.hold,
        classes=PATHS,
        overflow="divert",
        divert_to="atd",
    )


def atd_station(x: Inputs) -> Station:
    """Alternatives to detention, by the path people were on (or came from the border)."""
    return Station("atd", Delay.exponential(x.atd_duration), classes=PATHS)


def stay_means(x: Inputs) -> dict[str, float]:
    """Mean stay in detention by path, in days: until the decision, staging not included.

    People booked in by CBP stay ICE's average for them (``detention.alos_cbp``), which includes
    their wait for removal: they go straight to transport.
    """
    short, long = x.stay_expedited, x.stay_contested
    return {"convicted": long, "expedited": short, "contested": long, BORDER: x.stay_border}


def stay_cv(x: Inputs, path: str) -> float:
    """Spread of the stays on a path; CBP's book-ins have their own (``stay_cv_border``)."""
    return x.stay_cv_border if path == BORDER else x.stay_cv


def stay(mean: float, cv: float) -> Delay:
    """A detention stay of ``mean`` days and coefficient of variation ``cv``.

    Above 1 (ICE's stays: most short, a long tail), the hyperexponential stay with that mean
    and spread (:meth:`~deportsim.engine.Delay.hyperexponential`), exact in two age bins; at 1 or
    below, where no such mixture exists, a lognormal stay kept in :data:`STAY_BINS` age bins.
    """
    return Delay.hyperexponential(mean, cv) if cv > 1.0 else Delay.lognormal(mean, cv)


def removal_share(x: Inputs, path: str) -> F:
    """Daily chance that a person leaving detention on ``path`` is taken to be removed."""
    return x.removal_share_expedited if path == "expedited" else x.removal_share_contested
