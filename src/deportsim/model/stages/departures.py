"""Departures without a removal: emigration, and departures that enforcement induces.

Parameter file ``parameters/departures.yaml``. No station of its own: emigration is a way of
leaving the ``community`` station (:func:`deportsim.model.stages.population.leaving`), and
departures induced by arrests are the capture ``community.induced`` (:func:`induced_capture`).
Everyone who leaves the country without a removal goes to the ``departed`` sink.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from deportsim.engine import Capture, Route
from deportsim.model.stages.base import DAILY, START, Read

if TYPE_CHECKING:
    from deportsim.model.inputs import Inputs

__all__ = ["READS", "induced_capture"]

F = NDArray[np.float64]

#: What the stage reads from departures.yaml.
READS = (
    Read("emigration", "departures.emigration_rate", "1/day", START,
         note="a rate of leaving the community station, for every pool"),
    Read("induced_per_arrest", "departures.induced_per_arrest", "persons/person", DAILY),
)  # fmt: skip


def induced_capture(x: Inputs, plan: F, transfers: F) -> Capture:
    """Departures induced by arrests: so many a day per arrest planned or jail transfer expected.

    ``plan`` is the at-large arrests planned and ``transfers`` the jail transfers expected a
    day, by day and region (:mod:`deportsim.model.stages.arrests`).
    """
    induced = x.induced_per_arrest[:, None] * (plan + transfers)
    leave = [Route("departed", 1.0)]
    return Capture(induced, np.maximum(induced, 1.0), leave, name="induced")
