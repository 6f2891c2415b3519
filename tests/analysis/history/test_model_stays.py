"""The model's own stay parameters, calibrated on ICE's monthly ADP (history/model_stays.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import yaml

from deportsim.analysis.history.model_stays import calibrate_model
from deportsim.cli.app import main
from deportsim.model import read_inputs
from deportsim.model.calibration import (
    FIT_LAST,
    MODEL_STAYS_SOURCE,
    PARAMETERS,
    _cv,
    load_model_stays,
    shipped_model_stays,
)
from deportsim.model.network import build
from deportsim.model.replay import History, StayFit, StayPath, replay
from deportsim.model.structure import model_structure
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
        # the source names the series, period and method (the calibration's own words)
        assert MODEL_STAYS_SOURCE in [s.title for s in spec.sources()], path


def test_stated_errors_are_the_replays(history: History) -> None:
    ref = resources.files("deportsim.model").joinpath("calibrated", "model_stays.yaml")
    stated = yaml.safe_load(ref.read_text())["mape_best_fit"]
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
    x = read_inputs(Resolved(params, dt.date(2024, 10, 1), 30, ()))
    assert x.stay_cv_border != x.stay_cv
    detention = build(x).network.by_name["detention"]
    assert isinstance(detention.stay, dict)
    cvs = {path: d.cv for path, d in detention.stay.items()}
    assert cvs["border"] == pytest.approx(x.stay_cv_border)
    assert cvs["contested"] == pytest.approx(x.stay_cv)


def _flat_history(months: int, book_ins_per_day: float, adp0: float) -> History:
    names = tuple(f"{2000 + (9 + i) // 12}-{(9 + i) % 12 + 1:02d}" for i in range(months))
    days = np.full(months, 30, dtype=np.int64)
    flat = np.full(months, book_ins_per_day * 30)
    return History(
        names, days, days.copy(), {"ICE": flat, "CBP": flat},
        {"ICE": np.full(months, adp0), "CBP": np.full(months, adp0),
         "all": np.full(months, 2 * adp0)},
        np.full(months, np.nan), np.full(months, np.nan),
    )  # fmt: skip


@pytest.mark.parametrize("start_factor", [0.0, 1.0, 3.0])
def test_replay_keeps_everyone_on_paths_with_staging(start_factor: float) -> None:
    # 100 book-ins a day for 20 years: Little's law (stock = 100 x mean stay, staging included)
    # and every person admitted or there at the start leaves exactly once
    paths = (
        StayPath.hyperexponential(0.17, 12.0, 1.9, 0.92),
        StayPath.hyperexponential(0.83, 49.0, 1.9, 0.57),
    )
    fit = StayFit("ICE", paths, {2000: 0.0}, staging=14.5)
    steady = 100.0 * fit.mean_stay()
    h = _flat_history(240, 100.0, start_factor * steady)
    adp, departures = replay(h, fit)
    assert adp[-1] == pytest.approx(steady, rel=2e-3)
    assert departures[-1] / 30 == pytest.approx(100.0, rel=2e-3)
    if start_factor == 1.0:  # a steady start stays steady
        assert adp[0] == pytest.approx(steady, rel=2e-3)


def test_replay_surge_path_leaves_within_its_stay() -> None:
    fit = StayFit("CBP", (StayPath.hyperexponential(1.0, 40.0, 1.7),), {2000: 0.0},
                  surge=60.0, surge_stay=2.0)  # fmt: skip
    adp, departures = replay(_flat_history(120, 100.0, 0.0), fit)
    # 60 a day stay 40 days, the other 40 a day leave after 2
    assert adp[-1] == pytest.approx(60 * 40 + 40 * 2, rel=1e-2)
    assert departures[-1] / 30 == pytest.approx(100.0, rel=1e-3)


@pytest.mark.parametrize("cv", [1.05, 1.3, 1.91, 3.0])
def test_a_paths_cv_is_the_hyperexponentials(cv: float) -> None:
    assert _cv(StayPath.hyperexponential(1.0, 37.0, cv)) == pytest.approx(cv, rel=1e-9)


def _shipped_text() -> str:
    ref = resources.files("deportsim.model").joinpath("calibrated", "model_stays.yaml")
    return ref.read_text()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["agencies"].pop("CBP"), "agencies must be"),
        (lambda d: d["agencies"]["ICE"].update(z=[1.0, 2.0]), "shorter"),
        (lambda d: d["agencies"]["ICE"].update(bootstrap_z=[]), "bootstrap_z"),
        (lambda d: d["agencies"]["CBP"]["z"].__setitem__(0, float("nan")), "finite"),
        (lambda d: d["structure"].update(expedited_share=2.0), "shares"),
        (lambda d: d.clear(), "empty, or not a mapping"),
    ],
)
def test_a_broken_model_stays_file_is_refused_with_one_line(
    tmp_path: Path, change: Callable[[dict], object], message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    doc = yaml.safe_load(_shipped_text())
    change(doc)
    bad = tmp_path / "model_stays.yaml"
    bad.write_text(yaml.safe_dump(doc) if doc else "")
    with pytest.raises(SystemExit) as code:
        main(["backtest", "--calibration", str(bad), "--out", str(tmp_path / "bt")])
    err = capsys.readouterr().err
    assert code.value.code == 2
    assert "model_stays.yaml" in err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "bt").exists()


def test_a_years_higher_removal_share_holds_more_people_from_that_year(history: History) -> None:
    fit = shipped_model_stays().agencies["ICE"].fit
    assert fit.removed(2024) == pytest.approx((0.92, 0.57))
    assert fit.removed(2025)[1] > fit.removed(2024)[1]  # ICE's published FY2025 share
    kept = StayFit(fit.agency, fit.paths, fit.levels, staging=fit.staging)  # FY2024's throughout
    with_years, without = replay(history, fit)[0], replay(history, kept)[0]
    fy = history.fiscal_years
    assert np.array_equal(with_years[fy < 2025], without[fy < 2025])
    assert np.all(with_years[fy >= 2025] > without[fy >= 2025])
