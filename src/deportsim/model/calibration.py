"""The calibrated detention stays, as shipped and as ``deportsim calibrate`` writes them.

Two calibrations, both fitted on ICE's monthly average daily population by arresting agency,
October 2018 - September 2024 (the fits themselves: :mod:`deportsim.analysis.history.calibrate`
and :mod:`deportsim.analysis.history.model_stays`):

- :class:`Calibration`: the backtest's stays, free two-phase stays per agency
  (``calibrated/detention_stays.yaml`` beside this module);
- :class:`ModelStays`: the model's own stays, the case paths of :mod:`deportsim.model.structure`
  (``calibrated/model_stays.yaml``): the source of ``detention.stay_expedited``,
  ``stay_contested``, ``stay_cv`` and ``stay_cv_border`` and of their joint bootstrap draws
  (:mod:`deportsim.run.draws`).

This module reads, checks and writes them; it fits nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray
from scipy.special import expit

from deportsim.model.replay import AGENCIES, History, StayFit, StayPath, replay
from deportsim.model.structure import Structure

__all__ = [
    "FIT_FIRST",
    "FIT_LAST",
    "LEVEL_YEARS",
    "MODEL_STAYS_SOURCE",
    "PARAMETERS",
    "AgencyCalibration",
    "Calibration",
    "Make",
    "ModelStays",
    "calibration_from",
    "load_calibration",
    "load_model_stays",
    "mapping",
    "model_stays_maker",
    "read_calibration",
    "shipped_calibration",
    "shipped_model_stays",
    "stay_fit",
]

F = NDArray[np.float64]

#: In-sample months (fiscal years 2019-2024).
FIT_FIRST, FIT_LAST = "2018-10", "2024-09"
#: Fiscal years with their own level (2019 is the reference, level 0).
LEVEL_YEARS = (2020, 2021, 2022, 2023, 2024)
_SOURCE = (
    "calibrated to ICE monthly average daily population by arresting agency (ICE detention "
    "statistics workbooks FY2019-FY2024), Oct 2018 - Sep 2024, least squares on log ADP with a "
    "12-month block bootstrap (deportsim calibrate)"
)

#: The model's parameters this calibration gives: path -> (agency, what it is).
PARAMETERS = {
    "detention.stay_expedited": ("ICE", "short path mean stay until the decision, FY2024"),
    "detention.stay_contested": ("ICE", "long path mean stay until the decision, FY2024"),
    "detention.stay_cv": ("ICE", "coefficient of variation of stays"),
    "detention.stay_cv_border": ("CBP", "coefficient of variation of stays"),
}
MODEL_STAYS_SOURCE = (
    "calibrated to ICE monthly average daily population by arresting agency (ICE detention "
    "statistics workbooks FY2019-FY2024), Oct 2018 - Sep 2024, least squares on log ADP of the "
    "model's case paths with a 12-month block bootstrap (deportsim calibrate)"
)


def stay_fit(agency: str, z: F) -> StayFit:
    """The two-phase stays a parameter vector ``z`` stands for (module docstring)."""
    short = float(np.exp(z[1]))
    levels = {2019: 0.0, **{y: float(v) for y, v in zip(LEVEL_YEARS, z[3:], strict=True)}}
    path = StayPath(1.0, float(expit(z[0])), short, short + float(np.exp(z[2])))
    return StayFit(agency, (path,), levels)


#: How a parameter vector becomes an agency's stays.
Make = Callable[[str, F], StayFit]


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
    ref = resources.files("deportsim.model").joinpath("calibrated", "detention_stays.yaml")
    return load_calibration(ref.read_text())


def model_stays_maker(structure: Structure) -> Make:
    """How a parameter vector becomes the model's stays under ``structure`` (the fit's ``z``)."""

    def make(agency: str, z: F) -> StayFit:
        mean, cv = float(np.exp(z[0])), 1.0 + float(np.exp(z[1]))
        n = len(LEVEL_YEARS)
        levels = {
            2019: 0.0,
            **{y: float(v) for y, v in zip(LEVEL_YEARS, z[2 : 2 + n], strict=True)},
        }
        if agency != "ICE":
            surge, quick = float(np.exp(z[2 + n])), float(np.exp(z[3 + n]))
            path = StayPath.hyperexponential(1.0, mean, cv)
            return StayFit(agency, (path,), levels, surge=surge, surge_stay=quick)
        st, q = structure, structure.expedited_share
        paths = (
            StayPath.hyperexponential(q, mean, cv, st.removed_expedited),
            StayPath.hyperexponential(1.0 - q, mean * st.contested_ratio, cv, st.removed_contested),
        )
        return StayFit(agency, paths, levels, staging=st.staging_days,
                       removed_by_year=st.removed_by_year)  # fmt: skip

    return make


@dataclass(frozen=True)
class ModelStays:
    """The model's stays as fitted for both agencies, with the structure they assume."""

    agencies: dict[str, AgencyCalibration]
    structure: Structure
    source: str = MODEL_STAYS_SOURCE
    period: tuple[str, str] = (FIT_FIRST, FIT_LAST)

    def as_calibration(self) -> Calibration:
        """These stays as a calibration the backtest can replay."""
        return Calibration(self.agencies, self.source, self.period, stays="model")

    def _values(self, z_ice: F, z_cbp: F) -> dict[str, float]:
        ice, cbp = self.agencies["ICE"].make("ICE", z_ice), self.agencies["CBP"].make("CBP", z_cbp)
        scale = float(np.exp(-ice.level(int(FIT_LAST[:4]))))  # FY2024's exit rates
        return {
            "detention.stay_expedited": ice.paths[0].mean * scale,
            "detention.stay_contested": ice.paths[1].mean * scale,
            "detention.stay_cv": _cv(ice.paths[0]),
            "detention.stay_cv_border": _cv(cbp.paths[0]),
        }

    def parameters(self) -> dict[str, dict[str, float]]:
        """The model's parameters: best fit and the bootstrap's 5th and 95th percentiles."""
        best = self._values(self.agencies["ICE"].z, self.agencies["CBP"].z)
        draws = [
            self._values(a, b)
            for a, b in zip(self.agencies["ICE"].draws, self.agencies["CBP"].draws, strict=True)
        ]
        out = {}
        for path, value in best.items():
            lo, hi = (
                np.percentile([d[path] for d in draws], [5.0, 95.0]) if draws else (value, value)
            )
            out[path] = {
                "value": value,
                "low": float(min(lo, value)),
                "high": float(max(hi, value)),
            }
        return out

    def best(self) -> dict[str, float]:
        """The model's parameters (:data:`PARAMETERS`) at the best fit."""
        return self._values(self.agencies["ICE"].z, self.agencies["CBP"].z)

    def bootstrap(self) -> list[dict[str, float]]:
        """The model's parameters for each bootstrap row (ICE's and CBP's rows paired)."""
        ice, cbp = self.agencies["ICE"].draws, self.agencies["CBP"].draws
        return [self._values(a, b) for a, b in zip(ice, cbp, strict=True)]

    def errors(self, history: History) -> dict[str, dict[str, float]]:
        """Mean absolute percentage error of monthly ADP, in sample and out of sample."""
        ins = np.array([m <= FIT_LAST for m in history.months])
        sim = {a: replay(history, self.agencies[a].fit)[0] for a in AGENCIES}
        sim["all"] = sum(sim.values())  # type: ignore[assignment]
        out = {}
        for a, s in sim.items():
            e = np.abs(s / history.adp[a] - 1.0)
            out[a] = {"in_sample": float(e[ins].mean()), "out_of_sample": float(e[~ins].mean())}
        return out

    def to_yaml(self, history: History | None = None) -> str:
        """The calibration as YAML (what ``deportsim calibrate`` writes as model_stays.yaml)."""
        doc: dict[str, Any] = {
            "source": self.source, "period": list(self.period),
            "method": "least squares on log monthly ADP of the model's case paths; 12-month block "
                      "bootstrap",
            "parameters": {p: {k: round(v, 4) for k, v in d.items()}
                           for p, d in self.parameters().items()},
            "structure": self.structure.to_dict(),
        }  # fmt: skip
        if history is not None:
            doc["mape_best_fit"] = {
                a: {k: round(v, 4) for k, v in d.items()} for a, d in self.errors(history).items()
            }
        doc["agencies"] = {}
        for a, c in self.agencies.items():
            f = c.fit
            doc["agencies"][a] = {
                "paths": [{"share": round(p.share, 6), "mean_days": round(p.mean, 4),
                           "removed": round(p.removed, 6)} for p in f.paths],
                "staging_days": round(f.staging, 4),
                "surge_per_day": round(f.surge, 2),
                "surge_stay_days": round(f.surge_stay, 4),
                **c.record(),
            }  # fmt: skip
        return yaml.safe_dump(doc, sort_keys=False, width=100)


def _cv(path: StayPath) -> float:
    """Coefficient of variation of a path's two-phase stay."""
    p, a, b = path.split, path.mean_short, path.mean_long
    mean = p * a + (1.0 - p) * b
    second = 2.0 * (p * a * a + (1.0 - p) * b * b)
    return float(np.sqrt(second - mean * mean) / mean)


def load_model_stays(text: str) -> ModelStays:
    """Read a calibration written by :meth:`ModelStays.to_yaml`."""
    return _model_stays(mapping(text))


def read_calibration(text: str) -> Calibration:
    """Either file ``deportsim calibrate`` writes, as a calibration the backtest can replay.

    ``model_stays.yaml`` (it has a ``structure``) or ``calibration.yaml``; parsed once and
    checked (:meth:`Calibration.check`): ValueError, KeyError or TypeError if it is neither.
    """
    doc = mapping(text)
    cal = _model_stays(doc).as_calibration() if "structure" in doc else calibration_from(doc)
    return cal.check()


def _model_stays(doc: dict[str, Any]) -> ModelStays:
    st = Structure(**doc["structure"])
    make = model_stays_maker(st)
    agencies = {a: AgencyCalibration.from_record(a, d, make) for a, d in doc["agencies"].items()}
    return ModelStays(agencies, st, doc["source"], tuple(doc["period"]))


def shipped_model_stays() -> ModelStays:
    """The calibration of the model's stays shipped with deportsim."""
    ref = resources.files("deportsim.model").joinpath("calibrated", "model_stays.yaml")
    return load_model_stays(ref.read_text())
