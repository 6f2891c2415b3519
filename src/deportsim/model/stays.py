"""Stays in detention as phases: a cheap, exact-in-mean-and-spread form of a skewed stay.

A stay with coefficient of variation above 1 is represented as a mixture of two exponential
stays ("short" and "long" phases, a hyperexponential law with balanced means): each person is
given a phase on admission and leaves at that phase's constant daily hazard. The mixture has the
stay's mean and coefficient of variation exactly, a median below the mean, and a long tail, as
ICE's stays do. Each phase needs one count a day per region, where a stay kept by age needs one
or two per age bin (docs/engine.md), which is what makes the 200-replicate run fast. A stay with a
coefficient of variation of 1 or less cannot be such a mixture; it is kept by age instead, as a
lognormal stay in :data:`deportsim.model.network.STAY_BINS` age bins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from deportsim.engine import Delay

__all__ = ["Phase", "phases"]


@dataclass(frozen=True)
class Phase:
    """One phase of a stay: its class-name suffix, its chance at admission, and its stay."""

    suffix: str
    share: float
    stay: Delay


def phases(mean: float, cv: float) -> tuple[Phase, ...]:
    """The phases of a stay of ``mean`` days and coefficient of variation ``cv``.

    For ``cv > 1``: the balanced-means two-phase law, with short-phase share
    ``p = (1 + sqrt((cv² - 1) / (cv² + 1))) / 2`` and phase means ``mean / (2p)`` and
    ``mean / (2(1 - p))``, so that each phase carries half of the mean. Otherwise one phase with a
    lognormal stay.
    """
    if cv <= 1.0:
        return (Phase("", 1.0, Delay.lognormal(mean, cv)),)
    p = (1.0 + math.sqrt((cv * cv - 1.0) / (cv * cv + 1.0))) / 2.0
    return (
        Phase("-short", p, Delay.exponential(mean / (2.0 * p))),
        Phase("-long", 1.0 - p, Delay.exponential(mean / (2.0 * (1.0 - p)))),
    )
