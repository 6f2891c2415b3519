"""Calibrate the model's own detention stays on ICE's monthly ADP, FY2019-FY2024; check FY2025-26.

The backtest's stays (:mod:`deportsim.analysis.calibrate`) are free two-phase stays, one per
arresting agency. The model's are not: ICE's book-ins follow its case paths, each with a
hyperexponential stay of the same coefficient of variation, and those removed wait in staging
(:mod:`deportsim.analysis.structure` reads the paths' shares, their ratio of means, removal
shares and staging from the model). This module fits what the data can tell about them, with the
same method as the backtest's stays (least squares on log monthly ADP, a level per fiscal year,
a 12-month block bootstrap: :func:`deportsim.analysis.calibrate.fit_agency`):

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

from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

from deportsim.analysis.calibrate import (
    BOOTSTRAP,
    FIT_FIRST,
    FIT_LAST,
    LEVEL_YEARS,
    SEED,
    AgencyCalibration,
    Calibration,
    Make,
    calibration_from,
    fit_agency,
    mapping,
)
from deportsim.analysis.structure import Structure, model_structure
from deportsim.engine import Streams
from deportsim.model.replay import AGENCIES, History, StayFit, StayPath, replay

__all__ = ["PARAMETERS", "SOURCE", "ModelStays", "calibrate_model", "load_model_stays",
           "read_calibration", "shipped_model_stays"]  # fmt: skip

F = NDArray[np.float64]

#: The model's parameters this calibration gives: path -> (agency, what it is).
PARAMETERS = {
    "detention.stay_expedited": ("ICE", "short path mean stay until the decision, FY2024"),
    "detention.stay_contested": ("ICE", "long path mean stay until the decision, FY2024"),
    "detention.stay_cv": ("ICE", "coefficient of variation of stays"),
    "detention.stay_cv_border": ("CBP", "coefficient of variation of stays"),
}
SOURCE = (
    "calibrated to ICE monthly average daily population by arresting agency (ICE detention "
    "statistics workbooks FY2019-FY2024), Oct 2018 - Sep 2024, least squares on log ADP of the "
    "model's case paths with a 12-month block bootstrap (deportsim calibrate)"
)
_STARTS = ((10.0, 1.3), (30.0, 2.0), (80.0, 3.0))
_SURGE_START = (600.0, 3.0)


def _maker(structure: Structure) -> Make:
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


@dataclass(frozen=True)
class ModelStays:
    """The model's stays as fitted for both agencies, with the structure they assume."""

    agencies: dict[str, AgencyCalibration]
    structure: Structure
    source: str = SOURCE
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


def calibrate_model(
    history: History, bootstrap: int = BOOTSTRAP, seed: int = SEED,
    structure: Structure | None = None,
) -> ModelStays:  # fmt: skip
    """Fit the model's stays for both agencies on the in-sample months (module docstring)."""
    st = structure if structure is not None else model_structure()
    make, streams = _maker(st), Streams(seed)
    agencies = {
        a: fit_agency(history, a, make, bounds=_bounds(a), starts=_starts(a), bootstrap=bootstrap,
                      rng=streams(f"model-bootstrap-{a}"))
        for a in AGENCIES
    }  # fmt: skip
    return ModelStays(agencies, st)


def load_model_stays(text: str) -> ModelStays:
    """Read a calibration written by :meth:`ModelStays.to_yaml`."""
    return _model_stays(mapping(text))


def read_calibration(text: str) -> Calibration:
    """Either file ``deportsim calibrate`` writes, as a calibration the backtest can replay.

    ``model_stays.yaml`` (it has a ``structure``) or ``calibration.yaml``; parsed once and
    checked (:meth:`~deportsim.analysis.calibrate.Calibration.check`): ValueError, KeyError or
    TypeError if it is neither.
    """
    doc = mapping(text)
    cal = _model_stays(doc).as_calibration() if "structure" in doc else calibration_from(doc)
    return cal.check()


def _model_stays(doc: dict[str, Any]) -> ModelStays:
    st = Structure(**doc["structure"])
    make = _maker(st)
    agencies = {a: AgencyCalibration.from_record(a, d, make) for a, d in doc["agencies"].items()}
    return ModelStays(agencies, st, doc["source"], tuple(doc["period"]))


def shipped_model_stays() -> ModelStays:
    """The calibration of the model's stays shipped with deportsim."""
    ref = resources.files("deportsim.analysis").joinpath("calibrated", "model_stays.yaml")
    return load_model_stays(ref.read_text())
