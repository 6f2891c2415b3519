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
deportsim (``analysis/calibrated/detention_stays.yaml``) is what the backtest uses by default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray
from scipy.special import expit

from deportsim.engine import Streams
from deportsim.folders import writable_folder, write_text_atomic
from deportsim.model.replay import AGENCIES, History, StayFit, StayPath, replay

__all__ = [
    "BOOTSTRAP",
    "FIT_FIRST",
    "FIT_LAST",
    "LEVEL_YEARS",
    "AgencyCalibration",
    "Calibration",
    "calibrate",
    "calibration_from",
    "fit_agency",
    "load_calibration",
    "mapping",
    "shipped_calibration",
    "stay_fit",
    "write_calibration",
]

F = NDArray[np.float64]

#: In-sample months (fiscal years 2019-2024).
FIT_FIRST, FIT_LAST = "2018-10", "2024-09"
#: Fiscal years with their own level (2019 is the reference, level 0).
LEVEL_YEARS = (2020, 2021, 2022, 2023, 2024)
#: Bootstrap refits kept as the parameters' uncertainty.
BOOTSTRAP = 30
BLOCK_MONTHS = 12
SEED = 20241001
_STARTS = ((0.0, 10.0, 60.0), (0.0, 40.0, 40.01), (1.0, 20.0, 140.0), (-1.0, 30.0, 110.0),
           (2.0, 5.0, 55.0))  # fmt: skip
_SOURCE = (
    "calibrated to ICE monthly average daily population by arresting agency (ICE detention "
    "statistics workbooks FY2019-FY2024), Oct 2018 - Sep 2024, least squares on log ADP with a "
    "12-month block bootstrap (deportsim calibrate)"
)


def stay_fit(agency: str, z: F) -> StayFit:
    """The two-phase stays a parameter vector ``z`` stands for (module docstring)."""
    short = float(np.exp(z[1]))
    levels = {2019: 0.0, **{y: float(v) for y, v in zip(LEVEL_YEARS, z[3:], strict=True)}}
    path = StayPath(1.0, float(expit(z[0])), short, short + float(np.exp(z[2])))
    return StayFit(agency, (path,), levels)


#: How a parameter vector becomes an agency's stays.
Make = Callable[[str, F], StayFit]


def _fit(
    history: History, agency: str, make: Make, *, bounds: tuple[F, F], mask: NDArray[np.bool_],
    y: F, starts: list[F],
) -> F:  # fmt: skip
    from scipy.optimize import least_squares  # noqa: PLC0415 (the CLI imports this module's defaults)

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


@dataclass(frozen=True)
class AgencyCalibration:
    """One agency's fitted stays, their bootstrap draws and the misfit left."""

    agency: str
    z: F
    draws: F  # (BOOTSTRAP, parameters)
    rho: float
    sd: float
    level_step_sd: float
    make: Make = stay_fit

    @property
    def fit(self) -> StayFit:
        """The best fit."""
        return self.make(self.agency, self.z)

    def record(self) -> dict[str, Any]:
        """What a calibration file keeps of the fit besides its stays (rounded)."""
        return {
            "levels": {y: round(v, 6) for y, v in self.fit.levels.items()},
            "misfit_rho": round(self.rho, 6),
            "misfit_sd": round(self.sd, 6),
            "level_step_sd": round(self.level_step_sd, 6),
            "z": [round(float(v), 9) for v in self.z],
            "bootstrap_z": [[round(float(v), 9) for v in row] for row in self.draws],
        }

    @classmethod
    def from_record(cls, agency: str, d: dict[str, Any], make: Make) -> AgencyCalibration:
        """Read back what :meth:`record` wrote."""
        z = np.array(d["z"], dtype=np.float64)
        draws = np.array(d["bootstrap_z"], dtype=np.float64).reshape(-1, z.size)
        return cls(
            agency, z, draws, float(d["misfit_rho"]), float(d["misfit_sd"]),
            float(d["level_step_sd"]), make,
        )  # fmt: skip


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


@dataclass(frozen=True)
class Calibration:
    """The calibration of both agencies, with how it was made."""

    agencies: dict[str, AgencyCalibration]
    source: str = _SOURCE
    period: tuple[str, str] = (FIT_FIRST, FIT_LAST)
    #: Which stays: ``fitted`` (free two-phase stays per agency) or ``model`` (the model's own).
    stays: str = "fitted"

    def check(self) -> Calibration:
        """Raise ValueError unless every fit can be replayed (a file read back, say)."""
        if set(self.agencies) != set(AGENCIES):
            raise ValueError(f"agencies must be {', '.join(AGENCIES)}, not {sorted(self.agencies)}")
        for a, c in self.agencies.items():
            if c.draws.shape[0] < 1 or not np.all(np.isfinite(c.draws)):
                raise ValueError(f"{a}: bootstrap_z needs at least one row of finite numbers")
            for z in (c.z, *c.draws):
                if not np.all(np.isfinite(z)):
                    raise ValueError(f"{a}: z must be finite numbers")
                _check_fit(c.make(a, z))
        return self

    def to_yaml(self) -> str:
        """The calibration as YAML (what ``deportsim calibrate`` writes)."""
        doc: dict[str, Any] = {
            "source": self.source, "period": list(self.period),
            "method": "least squares on log monthly ADP; 12-month block bootstrap; AR(1) misfit",
            "agencies": {},
        }  # fmt: skip
        for a, c in self.agencies.items():
            f = c.fit
            doc["agencies"][a] = {
                "split_short": round(f.paths[0].split, 6),
                "mean_short_days": round(f.paths[0].mean_short, 4),
                "mean_long_days": round(f.paths[0].mean_long, 4),
                **c.record(),
            }
        return yaml.safe_dump(doc, sort_keys=False, width=100)


def _check_fit(fit: StayFit) -> None:
    shares = [p.share for p in fit.paths]
    if not fit.paths or abs(sum(shares) - 1.0) > 1e-6 or min(shares) < 0:
        raise ValueError(f"{fit.agency}: path shares must be at least 0 and add up to 1")
    for p in fit.paths:
        if not (0.0 <= p.split <= 1.0 and 0.0 <= p.removed <= 1.0):
            raise ValueError(f"{fit.agency}: shares of a path must lie in [0, 1]")
        if not (p.mean_short > 0.0 and p.mean_long > 0.0):
            raise ValueError(f"{fit.agency}: stays must be positive")
    if not (fit.staging >= 0.0 and fit.surge >= 0.0 and fit.surge_stay > 0.0):
        raise ValueError(f"{fit.agency}: staging and surge must be positive")
    if not all(np.isfinite(v) for v in fit.levels.values()):
        raise ValueError(f"{fit.agency}: levels must be finite")


def mapping(text: str) -> dict[str, Any]:
    """A calibration file's YAML, which must be a mapping."""
    doc = yaml.safe_load(text)
    if not isinstance(doc, dict):
        raise ValueError("empty, or not a mapping of the calibration's fields")
    return doc


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


def load_calibration(text: str) -> Calibration:
    """Read a calibration written by :meth:`Calibration.to_yaml`."""
    return calibration_from(mapping(text))


def calibration_from(doc: dict[str, Any]) -> Calibration:
    """A calibration from its file's parsed YAML (:meth:`Calibration.to_yaml`)."""
    agencies = {
        a: AgencyCalibration.from_record(a, d, stay_fit) for a, d in doc["agencies"].items()
    }
    return Calibration(agencies, doc["source"], tuple(doc["period"]))


def shipped_calibration() -> Calibration:
    """The calibration shipped with deportsim."""
    ref = resources.files("deportsim.analysis").joinpath("calibrated", "detention_stays.yaml")
    return load_calibration(ref.read_text())


def write_calibration(text: str, path: Path) -> Path:
    """Write a calibration file's text (atomically: a temporary file moved into place)."""
    writable_folder(path.parent)
    return write_text_atomic(path, text)
