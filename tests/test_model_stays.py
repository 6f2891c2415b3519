"""The model's own stay parameters, calibrated on ICE's monthly ADP (analysis/model_stays.py)."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import numpy as np
import pytest
import yaml

from deportsim.analysis.calibrate import FIT_LAST
from deportsim.analysis.model_stays import (
    PARAMETERS,
    SOURCE,
    calibrate_model,
    load_model_stays,
    shipped_model_stays,
)
from deportsim.analysis.structure import model_structure
from deportsim.model import Inputs
from deportsim.model.network import build
from deportsim.model.replay import History, replay
from deportsim.parameters import Resolved, load_parameters


def test_shipped_model_stays_are_what_calibrate_gives(history: History) -> None:
    shipped = shipped_model_stays()
    fresh = load_model_stays(
        calibrate_model(history, bootstrap=3, structure=shipped.structure).to_yaml(history)
    )
    for a in ("ICE", "CBP"):
        assert np.allclose(fresh.agencies[a].z, shipped.agencies[a].z, atol=1e-5), a
        assert np.allclose(fresh.agencies[a].draws, shipped.agencies[a].draws[:3], atol=1e-5), a


def test_the_structure_is_the_models_own() -> None:
    # the shipped calibration assumed the paths the model has now (its parameters rounded)
    shipped, now = shipped_model_stays().structure, model_structure()
    assert now.expedited_share == pytest.approx(shipped.expedited_share, rel=1e-3)
    assert now.contested_ratio == pytest.approx(shipped.contested_ratio, rel=1e-3)
    assert now.staging_days == pytest.approx(shipped.staging_days)


def test_parameter_files_carry_the_calibrated_values() -> None:
    params = load_parameters(None)
    fitted = shipped_model_stays().parameters()
    assert set(fitted) == set(PARAMETERS)
    for path, d in fitted.items():
        spec = params.parameters[path].spec
        value = next(iter(spec.values.values()))
        assert value == pytest.approx(d["value"], abs=0.006), path
        assert spec.uncertainty is not None
        assert spec.uncertainty.low == pytest.approx(d["low"], abs=0.006), path
        assert spec.uncertainty.high == pytest.approx(d["high"], abs=0.006), path
        assert d["low"] <= d["value"] <= d["high"]
        # the source names the series, period and method (the calibration's own words)
        assert SOURCE in [s.title for s in spec.sources()], path


def test_stated_errors_are_the_replays(history: History) -> None:
    ref = resources.files("deportsim.analysis").joinpath("calibrated", "model_stays.yaml")
    stated = yaml.safe_load(ref.read_text())["mape"]
    errors = shipped_model_stays().errors(history)
    for a, d in errors.items():
        for k, v in d.items():
            assert stated[a][k] == pytest.approx(v, abs=1e-4), (a, k)
    # ICE's monthly ADP is followed within 5% in sample (6 years, one level a year)
    assert errors["ICE"]["in_sample"] < 0.05


def test_the_fitted_stays_give_ices_fy2024_population(history: History) -> None:
    # Little's law on FY2024: book-ins a day times the mean stay (staging included) at FY2024's
    # level is close to the ADP of ICE arrests (ICE workbook FY2024: 12,200 on average)
    fit = shipped_model_stays().agencies["ICE"].fit
    fy = history.fiscal_years
    year = fy == int(FIT_LAST[:4])
    per_day = history.book_ins["ICE"][year].sum() / history.days[year].sum()
    assert per_day * fit.mean_stay(2024) == pytest.approx(history.adp["ICE"][year].mean(), rel=0.1)


def test_the_surge_rule_is_what_follows_cbps_fy2019(history: History) -> None:
    cbp = shipped_model_stays().agencies["CBP"].fit
    assert 50 < cbp.surge < 3000
    fy2019 = history.fiscal_years == 2019
    with_rule = replay(history, cbp)[0]
    without = replay(history, type(cbp)(cbp.agency, cbp.paths, cbp.levels))[0]
    obs = history.adp["CBP"]
    err = lambda s: float(np.abs(s / obs - 1)[fy2019].mean())  # noqa: E731
    assert err(with_rule) < 0.5 * err(without)


def test_border_stays_have_their_own_spread() -> None:
    params = load_parameters(None)
    x = Inputs.from_resolved(Resolved(params, dt.date(2024, 10, 1), 30, ()))
    assert x.stay_cv_border != x.stay_cv
    detention = build(x).network.by_name["detention"]
    assert isinstance(detention.stay, dict)
    cvs = {path: d.cv for path, d in detention.stay.items()}
    assert cvs["border"] == pytest.approx(x.stay_cv_border)
    assert cvs["contested"] == pytest.approx(x.stay_cv)
