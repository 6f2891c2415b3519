"""Which constraint binds in a run, day by day: what limits arrests, detention and removals.

Each claim names the constraint that binds its answer. A run's daily national series (means over
replicates) say which limit is reached on each day:

- ``officers``: what officers can make at large after handling jail transfers (officers times
  arrests per officer-day, less the transfers' effort) is below what the arrest target asks of
  them (the same plan as the model's, ``model/stages/arrests.py``);
- ``reachable_population``: officers make fewer at-large arrests than they were sent to make: the
  people they can find, not their number, limit arrests (compared over a week, beyond three
  standard errors of the replicates' mean, so chance alone does not count). On a day when both
  officers and the reachable population fall short, the one that costs more arrests (the target
  less the plan, or the plan less the arrests made) counts alone;
- ``beds``: people are released for lack of a bed (``released_to_atd``, at least one a day);
- ``transport``: removals reach the day's seats (``removal.transport_capacity``) while people
  wait for transport;
- ``courts``: the court backlog grows (judges complete fewer cases than arrive).

``funding`` is never reported as binding: the model has no budget limit; costs follow from the
resources (docs/model.md, "Costs"). When no constraint binds on any day of a window, the closest
one is the resource used most fully (officers' plan against their capacity, beds, seats):
:attr:`Binding.main` names it, and :attr:`Binding.bound` is False.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import uniform_filter1d

from deportsim.model import Inputs, SimResult
from deportsim.model.stages.arrests import officer_capacity

__all__ = ["ARREST_STAGE", "CONSTRAINTS", "TOLERANCE", "Binding", "binding"]

F = NDArray[np.float64]

#: Constraints a claim can name, in the order of the pipeline.
CONSTRAINTS = ("officers", "reachable_population", "beds", "courts", "transport", "funding")
#: Constraints that limit arrests themselves (a claim about arrests names one of these). Beds are
#: not among them: people who find no bed are released, and arrests go on (``arrests.wait_for_beds``
#: is 0 in the shipped parameters).
ARREST_STAGE = ("officers", "reachable_population")
#: A limit counts as reached within this relative distance (Assumption: 2%, so that rounding in
#: the daily plan does not hide a limit that is met; 1-5% give the same verdicts in the claims).
TOLERANCE = 0.02
#: Days over which arrests are compared with the plan.
WEEK = 7


@dataclass(frozen=True)
class Binding:
    """Share of the days (0-1) on which each constraint binds, and how fully each is used.

    ``use`` is the mean over the window of what a resource is asked for against what it can do
    (officers: the at-large plan against their capacity; beds: detained against beds; transport:
    removals against seats), used to name the closest constraint when none binds.
    """

    shares: dict[str, float]
    use: dict[str, float]

    @property
    def bound(self) -> bool:
        """Whether any constraint binds on at least one day."""
        return max(self.shares.values()) > 0.0

    def binds(self, name: str) -> bool:
        """Whether ``name`` binds on at least one day."""
        return self.shares.get(name, 0.0) > 0.0

    @property
    def main(self) -> str:
        """The constraint that limits the run: see :meth:`main_of`."""
        return self.main_of(CONSTRAINTS)

    def main_of(self, names: tuple[str, ...]) -> str:
        """The constraint among ``names`` binding on most days, courts last.

        A growing court backlog delays court outcomes but holds back neither arrests, nor
        detention, nor removals from detention (the detained docket is heard first), so courts
        are named only when nothing else among ``names`` binds. If none binds, the resource among
        ``names`` used most fully (:attr:`use`; all of them if none of ``names`` has a use).
        """
        first = {k: v for k, v in self.shares.items() if k in names and k != "courts"}
        if first and max(first.values()) > 0.0:
            return max(first.items(), key=lambda kv: kv[1])[0]
        if "courts" in names and self.shares["courts"] > 0.0:
            return "courts"
        use = {k: v for k, v in self.use.items() if k in names} or self.use
        return max(use.items(), key=lambda kv: kv[1])[0]


def _mean(sim: SimResult, name: str, days: slice) -> F:
    return np.asarray(sim.national[name][:, days].mean(axis=0), dtype=np.float64)


def _ratio(a: F, b: F) -> float:
    return float(np.mean(a / np.maximum(b, 1e-9)))


def binding(sim: SimResult, x: Inputs, days: slice | None = None) -> Binding:
    """Share of days each constraint binds over ``days`` (default: the whole run)."""
    w = days if days is not None else slice(0, sim.days)
    custodial = _mean(sim, "arrests_custodial", w)
    capacity = officer_capacity(x, custodial, w)  # after the jail transfers' time
    wanted = np.maximum(x.target[w] - custodial, 0.0)
    # on the days of the published record arrests are what happened: officers do not bind
    recorded = x.as_recorded[w]
    planned = recorded * wanted + (1.0 - recorded) * np.minimum(capacity, wanted)
    # Officers are sent but find fewer people than planned. Compared over a week, allowing three
    # standard errors of the mean of the replicates' Poisson-like daily counts, so that chance
    # shortfalls in a run of few replicates do not count as a limit.
    found = uniform_filter1d(_mean(sim, "arrests_at_large", w), WEEK, mode="nearest")
    weekly = uniform_filter1d(planned, WEEK, mode="nearest")
    n = sim.national["arrests_at_large"].shape[0]
    noise = 3.0 * np.sqrt(np.maximum(weekly, 0.0) / (WEEK * n))
    short_found = found < (1.0 - TOLERANCE) * weekly - noise
    short_officers = (capacity < (1.0 - TOLERANCE) * wanted) & (recorded < 1.0)
    # on a day when both hold, the limit that costs more arrests binds
    officers_gap, people_gap = wanted - planned, weekly - found
    found_short = short_found & ~(short_officers & (officers_gap >= people_gap))
    officers = short_officers & ~found_short
    beds = _mean(sim, "released_to_atd", w) >= 1.0
    seats = x.transport[w]
    removals = _mean(sim, "removals", w)
    transport = (removals >= (1.0 - TOLERANCE) * seats) & (
        _mean(sim, "awaiting_transport", w) >= 1.0
    )
    backlog = _mean(sim, "court_backlog", w)
    courts = np.diff(backlog, prepend=backlog[0]) > 0.0
    flags = {
        "officers": officers,
        "reachable_population": found_short,
        "beds": beds,
        "courts": courts,
        "transport": transport,
        "funding": np.zeros_like(beds),
    }
    use = {
        "officers": _ratio(wanted, capacity),
        "beds": _ratio(_mean(sim, "detained", w), _mean(sim, "detention_capacity", w)),
        "transport": _ratio(removals, seats),
    }
    return Binding({k: float(np.mean(v)) for k, v in flags.items()}, use)
