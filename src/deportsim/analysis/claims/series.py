"""What the claim checks read from a run's daily series: windows of days and their totals."""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.requirements.resources import years_of
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.run import RunOutput

__all__ = ["HORIZON", "HORIZON_DAYS", "day_of", "total", "year_windows"]

F = NDArray[np.float64]

#: The claims' horizon: the contract's default four years from the start of a run.
HORIZON_DAYS = round(4 * DAYS_PER_YEAR)
#: The horizon's days, as a slice of a run's daily series.
HORIZON = slice(0, HORIZON_DAYS)


def year_windows(run: RunOutput, years: int = 4) -> list[slice]:
    """The first ``years`` years of a run as slices of its daily series.

    The years of ``deportsim requirements``
    (:func:`deportsim.analysis.requirements.resources.years_of`: boundaries at k × 365.25 days,
    rounded); each must be whole within the run.
    """
    found = years_of(run.prepared.start, run.sim.days)[:years]
    if len(found) < years or found[-1].end > run.sim.days or found[-1].days < 365:
        raise ValueError(f"a run of {run.sim.days} days has fewer than {years} full years")
    return [y.window for y in found]


def total(o: RunOutput, name: str, w: slice) -> F:
    """Per-replicate total of a national series over the days ``w``."""
    return np.asarray(o.sim.national[name][:, w].sum(axis=1), dtype=np.float64)


def day_of(o: RunOutput, when: dt.date) -> int:
    """The index of the date ``when`` in the run's daily series."""
    return (when - o.prepared.start).days
