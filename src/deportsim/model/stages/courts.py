"""Courts: immigration judges, the pending-case backlog, completions and appeals.

Parameter file ``parameters/courts.yaml``. Station ``appeal``: people whose removal order is on
appeal to the Board of Immigration Appeals (removal stayed); when it is decided they return to
the community with a final order, or a pending case again. Capture ``community.court``: court
completions of the non-detained docket, from the "pending" pool (:func:`court_capture`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from deportsim.engine import Capture, Delay, Route, Station
from deportsim.model.stages.base import DAILY, START, Read
from deportsim.model.stages.population import POOLS

if TYPE_CHECKING:
    from deportsim.model.inputs import Inputs

__all__ = ["READS", "appeal_station", "court_capture"]

F = NDArray[np.float64]

#: What the stage reads from courts.yaml.
READS = (
    Read("pool_initial", "courts.initial_backlog", "cases", START, key="pending",
         note="the population's pending pool is the court backlog: people at large with a case "
              "(pool_initial combines population.yaml's pools and this one)"),
    Read("arrivals_with_case", "courts.new_cases", "cases/day", DAILY,
         note="new cases are new people in the population's pending pool"),
    Read("judges", "courts.judges", "judges", DAILY),
    Read("backlog0", "courts.initial_backlog", "cases", START),
    Read("completions_per_judge", "courts.completions_per_judge", "cases/judge/day", DAILY),
    Read("detained_docket_share", "courts.detained_docket_share", "probability", DAILY),
    Read("order_share", "courts.removal_order_share", "probability", DAILY),
    Read("relief_share", "courts.relief_share", "probability", DAILY),
    Read("vd_share", "courts.voluntary_departure_share", "probability", DAILY),
    Read("appeal_share", "courts.appeal_share", "probability", DAILY),
    Read("appeal_duration", "courts.appeal_duration", "days", START),
    Read("appeal_reversal", "courts.appeal_reversal_share", "probability", DAILY),
)  # fmt: skip


def appeal_station(x: Inputs) -> Station:
    """Removal orders on appeal, for the appeal's mean duration."""
    return Station("appeal", Delay.exponential(x.appeal_duration), classes=("order",))


def court_capture(x: Inputs, pools: F) -> Capture:
    """Completions of the non-detained docket: orders (some appealed), relief, departures.

    Judges' completions not on the detained docket, shared over regions by the first day's
    pending pool, take people from the "pending" pool; the half-saturation of one day's
    completions makes them stop smoothly when a docket empties.
    """
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
    half = np.maximum(court_rate, 1.0)
    return Capture(court_rate, half, outcomes, only_pending, "court")
