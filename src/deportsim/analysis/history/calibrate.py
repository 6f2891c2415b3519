"""Calibrate the detention replay's stays on ICE's monthly ADP, FY2019-FY2024.

Method, per arresting agency (ICE, CBP), fitted separately:

1. Parameters ``z = (logit split, log mean_short, log(mean_long - mean_short), level_2020, ...,
   level_2024)``, the FY2019 level being 0.
2. Least squares on the log of monthly ADP, simulated by :func:`deportsim.model.replay.replay`
   minus observed, over the in-sample months (October 2018 - September 2024), from five starting
   points (SciPy ``least_squares``, trust-region reflective, within bounds: short phase 3-300
   days, long phase at most 1,000 days longer, levels within ±5).
3. Parameter uncertainty: the fit is repeated on ``BOOTSTRAP`` series made of the fitted values
   plus residuals resampled in 12-month blocks (a block bootstrap keeps their autocorrelation),
   drawn from one named random stream per agency (``bootstrap-ICE``, ``bootstrap-CBP``).
4. The misfit that remains is described by an AR(1) process on the log residuals (``rho``,
   ``sd`` of its innovations), and the year-to-year change of the levels by its standard
   deviation (``level_step_sd``), which the backtest uses as a random walk for the years after
   the fit.

``deportsim calibrate`` reruns it and writes ``calibration.yaml``; the copy shipped with
deportsim (``model/calibrated/detention_stays.yaml``) is what the backtest uses by default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.history.settings import BOOTSTRAP, SEED
from deportsim.core.folders import writable_folder, write_text_atomic
from deportsim.engine import Streams
from deportsim.model.calibration import (
    FIT_FIRST,
    FIT_LAST,
    LEVEL_YEARS,
    AgencyCalibration,
    Calibration,
    Make,
    stay_fit,
)
from deportsim.model.replay import AGENCIES, History, replay

__all__ = ["BLOCK_MONTHS", "BOOTSTRAP", "SEED", "calibrate", "fit_agency", "write_calibration"]

F = NDArray[np.float64]

BLOCK_MONTHS = 12
_STARTS = ((0.0, 10.0, 60.0), (0.0, 40.0, 40.01), (1.0, 20.0, 140.0), (-1.0, 30.0, 110.0),
           (2.0, 5.0, 55.0))  # fmt: skip


def _fit(
    history: History, agency: str, make: Make, *, bounds: tuple[F, F], mask: NDArray[np.bool_],
    y: F, starts: list[F],
) -> F:  # fmt: skip
    from scipy.optimize import least_squares  # noqa: PLC0415 (slow to import; only fits need it)

    def res(z: F) -> F:
        adp, _ = replay(history, make(agency, z))
        return (np.log(adp) - y)[mask]

    lower, upper = bounds
    best: Any = None
    for s in starts:
        x0 = np.clip(s, lower + 1e-6, upper - 1e-6)
        r = least_squares(
            res, x0, bounds=(lower, upper), diff_step=np.full(x0.size, 1e-4), max_nfev=300
        )
        if best is None or r.cost < best.cost:
            best = r
    return np.asarray(best.x, dtype=np.float64)


def _blocks(e: F, rng: np.random.Generator) -> F:
    out = np.empty_like(e)
    i = 0
    while i < e.size:
        s = int(rng.integers(e.size))
        k = min(BLOCK_MONTHS, e.size - i)
        out[i : i + k] = np.take(e, np.arange(s, s + k), mode="wrap")
        i += k
    out += e.mean() - out.mean()
    return out


def fit_agency(
    history: History, agency: str, make: Make, *, bounds: tuple[F, F], starts: list[F],
    bootstrap: int, rng: np.random.Generator,
) -> AgencyCalibration:  # fmt: skip
    """Fit one agency's stays on the in-sample months, with block-bootstrap refits (steps 2-4)."""
    mask = np.array([FIT_FIRST <= m <= FIT_LAST for m in history.months])
    y = np.log(history.adp[agency])
    z = _fit(history, agency, make, bounds=bounds, mask=mask, y=y, starts=starts)
    fitted = np.log(replay(history, make(agency, z))[0])
    e = (y - fitted)[mask]
    draws = []
    for _ in range(bootstrap):
        yb = fitted.copy()
        yb[mask] = fitted[mask] + _blocks(e, rng)
        draws.append(_fit(history, agency, make, bounds=bounds, mask=mask, y=yb, starts=[z]))
    rho = float(np.clip(np.sum(e[:-1] * e[1:]) / np.sum(e[:-1] ** 2), -0.99, 0.99))
    innovations = e[1:] - rho * e[:-1]
    levels = np.array(list(make(agency, z).levels.values()))
    return AgencyCalibration(
        agency, z, np.array(draws).reshape(bootstrap, z.size), rho,
        float(innovations.std(ddof=1)), float(np.diff(levels).std(ddof=1)), make,
    )  # fmt: skip


def calibrate(history: History, bootstrap: int = BOOTSTRAP, seed: int = SEED) -> Calibration:
    """Fit both agencies on the in-sample months (module docstring)."""
    n = len(LEVEL_YEARS)
    bounds = (np.r_[-4.0, np.log(3.0), 0.0, -5.0 * np.ones(n)],
              np.r_[4.0, np.log(300.0), np.log(1000.0), 5.0 * np.ones(n)])  # fmt: skip
    starts = [np.r_[a, np.log(m1), np.log(m2 - m1), np.zeros(n)] for a, m1, m2 in _STARTS]
    streams = Streams(seed)
    return Calibration(
        {a: fit_agency(history, a, stay_fit, bounds=bounds, starts=starts, bootstrap=bootstrap,
                       rng=streams(f"bootstrap-{a}"))
         for a in AGENCIES}
    )  # fmt: skip


def write_calibration(text: str, path: Path) -> Path:
    """Write a calibration file's text (atomically: a temporary file moved into place)."""
    writable_folder(path.parent)
    return write_text_atomic(path, text)
