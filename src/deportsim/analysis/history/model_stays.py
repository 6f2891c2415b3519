"""Calibrate the model's own detention stays on ICE's monthly ADP, FY2019-FY2024; check FY2025-26.

The backtest's stays (:mod:`deportsim.analysis.history.calibrate`) are free two-phase stays, one per
arresting agency. The model's are not: ICE's book-ins follow its case paths, each with a
hyperexponential stay of the same coefficient of variation, and those removed wait in staging
(:mod:`deportsim.model.structure` reads the paths' shares, their ratio of means, removal
shares and staging from the model). This module fits what the data can tell about them, with the
same method as the backtest's stays (least squares on log monthly ADP, a level per fiscal year,
a 12-month block bootstrap: :func:`deportsim.analysis.history.calibrate.fit_agency`):

- ICE: ``z = (log mean, log(cv - 1), level_2020, ..., level_2024)``: the short path's mean stay
  at the FY2019 level (the long path's is ``contested_ratio`` times it) and the stays' cv;
- CBP: ``z = (log mean, log(cv - 1), levels ..., log surge, log surge_stay)``: one path, and a
  day's book-ins above ``surge`` leave within ``surge_stay`` days. Without it the fit cannot
  follow FY2019, when CBP's book-ins rose to 45,000 a month while the detained population of CBP
  arrests rose by a fifth, and rose on after the book-ins fell (ICE workbook FY2019).

Bounds: means 1-400 days, cv 1.01-5, levels within ±5, surge 50-3,000 a day, surge stay
0.5-30 days. :meth:`ModelStays.parameters` gives the model's parameters at FY2024's level with
the bootstrap's 5th-95th percentiles: ``detention.stay_expedited``, ``stay_contested``,
``stay_cv`` (ICE) and ``stay_cv_border`` (CBP); the parameter files carry them
(``detention.yaml``). :meth:`ModelStays.errors` scores the best fit in sample and out of sample
(FY2025 on, FY2024's level carried forward).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.history.calibrate import BOOTSTRAP, SEED, fit_agency
from deportsim.engine import Streams
from deportsim.model.calibration import LEVEL_YEARS, ModelStays, model_stays_maker
from deportsim.model.replay import AGENCIES, History
from deportsim.model.structure import Structure, model_structure

__all__ = ["calibrate_model"]

F = NDArray[np.float64]

_STARTS = ((10.0, 1.3), (30.0, 2.0), (80.0, 3.0))
_SURGE_START = (600.0, 3.0)


def _bounds(agency: str) -> tuple[F, F]:
    n = len(LEVEL_YEARS)
    lower = np.r_[0.0, np.log(0.01), -5.0 * np.ones(n)]
    upper = np.r_[np.log(400.0), np.log(4.0), 5.0 * np.ones(n)]
    if agency != "ICE":
        lower, upper = (
            np.r_[lower, np.log(50.0), np.log(0.5)],
            np.r_[upper, np.log(3000.0), np.log(30.0)],
        )
    return lower, upper


def _starts(agency: str) -> list[F]:
    extra = np.log(_SURGE_START) if agency != "ICE" else np.zeros(0)
    return [
        np.r_[np.log(m), np.log(cv - 1.0), np.zeros(len(LEVEL_YEARS)), extra] for m, cv in _STARTS
    ]


def calibrate_model(
    history: History, bootstrap: int = BOOTSTRAP, seed: int = SEED,
    structure: Structure | None = None,
) -> ModelStays:  # fmt: skip
    """Fit the model's stays for both agencies on the in-sample months (module docstring)."""
    st = structure if structure is not None else model_structure()
    make, streams = model_stays_maker(st), Streams(seed)
    agencies = {
        a: fit_agency(history, a, make, bounds=_bounds(a), starts=_starts(a), bootstrap=bootstrap,
                      rng=streams(f"model-bootstrap-{a}"))
        for a in AGENCIES
    }  # fmt: skip
    return ModelStays(agencies, st)
