"""The backtest, the calibration and the replay they share (contract: backtest.json)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from deportsim.analysis.history.backtest import run_backtest, write_backtest
from deportsim.analysis.history.calibrate import calibrate
from deportsim.cli.app import main
from deportsim.engine.flows import two_phase_stock
from deportsim.model.calibration import (
    FIT_LAST,
    load_calibration,
    shipped_calibration,
    shipped_model_stays,
    stay_fit,
)
from deportsim.model.replay import History, replay


def test_history_runs_from_october_2018_month_by_month(history: History) -> None:
    assert history.months[0] == "2018-10"
    assert history.months[-1] >= "2026-03"
    # every month, but September 2025: the FY2025 workbook stops on 24 September (partial month)
    assert "2025-09" not in history.months
    count = [int(m[:4]) * 12 + int(m[5:]) for m in history.months]
    gaps = [m for m, step in zip(history.months[1:], np.diff(count), strict=True) if step != 1]
    assert gaps == ["2025-10"]
    for a in ("ICE", "CBP"):
        assert np.all(history.book_ins[a] > 0)
    # ICE's ADP of all arresting agencies is the sum of ICE's and CBP's, to rounding
    both = history.adp["ICE"] + history.adp["CBP"]
    assert np.allclose(both, history.adp["all"], rtol=2e-3)
    # book-outs are monthly from FY2024 only
    assert np.isnan(history.book_outs[history.months.index("2023-09")])
    assert not np.isnan(history.book_outs[history.months.index("2023-10")])
    # partly covered months: September 2021 (the FY2021 workbook is a pre-lock snapshot)
    assert history.covered[history.months.index("2021-09")] < 30
    assert history.covered[history.months.index("2024-09")] == 30


def test_two_phase_stock_conserves_people() -> None:
    rng = np.random.default_rng(1)
    admissions = rng.uniform(50, 150, 400)
    mult = np.exp(rng.normal(0, 0.3, 400))
    stock, out = two_phase_stock(
        admissions, split=0.4, mean_short=5.0, mean_long=80.0, multiplier=mult, start=3000.0
    )
    assert np.all(stock > 0)
    assert np.all(out > 0)
    assert stock[-1] == pytest.approx(3000.0 + admissions.sum() - out.sum())


def test_shorter_stays_mean_fewer_detained(history: History) -> None:
    fit = shipped_calibration().agencies["ICE"].fit
    base, _ = replay(history, fit)
    faster, _ = replay(history, fit, drift={2025: 0.2, 2026: 0.2})
    fy = history.fiscal_years
    assert np.all(faster[fy >= 2025] < base[fy >= 2025])
    assert np.array_equal(faster[fy < 2025], base[fy < 2025])


def test_shipped_calibration_is_what_calibrate_gives(history: History) -> None:
    shipped = shipped_calibration()
    fresh = load_calibration(calibrate(history, bootstrap=3).to_yaml())
    for a in ("ICE", "CBP"):
        assert np.allclose(fresh.agencies[a].z, shipped.agencies[a].z, atol=1e-5), a
        assert np.allclose(fresh.agencies[a].draws, shipped.agencies[a].draws[:3], atol=1e-5), a


def test_calibration_fits_ice_stays_in_sample(history: History) -> None:
    cal = shipped_calibration()
    ice = cal.agencies["ICE"]
    # a mean stay of ICE arrests between 30 and 90 days in FY2019 (ICE's published ALOS of
    # ICE-arrest book-outs in FY2019 was 54.5 days: FY19-detentionstats.xlsx, N71)
    assert 30 < ice.fit.mean_stay() < 90
    mask = np.array([m <= FIT_LAST for m in history.months])
    adp, _ = replay(history, stay_fit("ICE", ice.z))
    err = np.abs(adp / history.adp["ICE"] - 1)[mask]
    assert err.mean() < 0.05


@pytest.fixture(scope="module")
def backtest_json(history: History, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bt")
    write_backtest(run_backtest(history, shipped_calibration(), seed=0), out)
    assert (out / "backtest.png").stat().st_size > 10_000
    return json.loads((out / "backtest.json").read_text())


def test_backtest_json_follows_the_contract(backtest_json: dict, history: History) -> None:
    series, metrics = backtest_json["series"], backtest_json["metrics"]
    assert {"detained_adp", "book_outs"} <= set(series)
    adp = series["detained_adp"]
    assert [row["month"] for row in adp] == list(history.months)
    for name, rows in series.items():
        for row in rows:
            assert set(row) == {"month", "observed", "p05", "p50", "p95"}
            assert row["p05"] <= row["p50"] <= row["p95"], (name, row)
        assert metrics[name]["mape"] >= 0
        assert 0 <= metrics[name]["coverage90"] <= 1


def test_backtest_meets_the_issue_targets_on_total_adp(backtest_json: dict) -> None:
    m = backtest_json["metrics"]["detained_adp"]
    assert m["out_of_sample"]["first"] == "2024-10"
    assert m["out_of_sample"]["mape"] <= 0.08
    assert m["out_of_sample"]["coverage90"] >= 0.80
    assert m["in_sample"]["mape"] <= 0.08
    assert m["in_sample"]["coverage90"] >= 0.80


def test_backtest_meets_the_issue_target_on_removals_out_of_sample(backtest_json: dict) -> None:
    # issue 20: book-outs to removal, October 2024 - March 2026, forecast from the observed
    # book-ins with removal shares fitted on FY2019-FY2024 only (analysis/history/removals.py)
    m = backtest_json["metrics"]["removals"]
    oos = m["out_of_sample"]
    assert (oos["first"], oos["months"]) == ("2024-10", 17)
    assert oos["mape"] <= 0.12
    assert oos["coverage90"] >= 0.70
    # ... and not by intervals widened to cover: on average under 80% of the median (the total
    # ADP's are 87%)
    assert oos["width90"] <= 0.80
    # in sample (FY2024, the months with published removals) no worse than the pooled share was
    assert m["in_sample"]["mape"] <= 0.12
    assert m["in_sample"]["coverage90"] >= 0.80
    shares = backtest_json["removal_shares"]
    # people arrested by ICE leave mostly to removal; those arrested by CBP were mostly released
    # under Title 42 (FY2021-22) and less than half removed in FY2024
    assert shares["ice"] > 0.7
    assert shares["cbp_by_fiscal_year"]["2024"] < 0.6
    assert set(shares["cbp_by_fiscal_year"]) == {str(y) for y in range(2019, 2025)}


@pytest.fixture(scope="module")
def model_backtest_json(history: History) -> dict:
    return run_backtest(history, shipped_model_stays().as_calibration(), seed=0).to_json()


def test_the_models_own_stays_meet_the_issue_targets_too(model_backtest_json: dict) -> None:
    assert model_backtest_json["calibration"]["stays"] == "model"
    m = model_backtest_json["metrics"]["detained_adp"]
    assert m["out_of_sample"]["mape"] <= 0.08
    assert m["out_of_sample"]["coverage90"] >= 0.80
    assert m["in_sample"]["mape"] <= 0.08
    assert m["in_sample"]["coverage90"] >= 0.80
    # and ICE's own arrests, most of 2025-26's detained, are followed within 8% out of sample
    assert model_backtest_json["metrics"]["detained_adp_ice"]["out_of_sample"]["mape"] <= 0.08
    # the removals' target of issue 20 holds with the model's stays too
    removals = model_backtest_json["metrics"]["removals"]["out_of_sample"]
    assert removals["mape"] <= 0.12
    assert removals["coverage90"] >= 0.70


def test_backtest_is_reproducible(history: History) -> None:
    cal = shipped_calibration()
    a = run_backtest(history, cal, seed=3).to_json()
    b = run_backtest(history, cal, seed=3).to_json()
    assert a == b
    c = run_backtest(history, cal, seed=4).to_json()
    assert c["series"]["detained_adp"] != a["series"]["detained_adp"]


def test_cli_backtest_writes_files_and_refuses_a_bad_calibration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEPORTSIM_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(SystemExit) as code:
        main(["backtest", "--out", str(tmp_path / "bt")])
    out = capsys.readouterr().out
    assert code.value.code == 0
    assert "detained_adp" in out
    assert (tmp_path / "bt" / "backtest.json").is_file()
    assert json.loads((tmp_path / "bt" / "backtest.json").read_text())["calibration"]["stays"] == (
        "fitted"
    )
    # the model's own stays: shipped, or from a model_stays.yaml file
    shipped = Path(str(resources.files("deportsim.model").joinpath("calibrated")))
    (tmp_path / "ms.yaml").write_text((shipped / "model_stays.yaml").read_text())
    for args in (["--stays", "model"], ["--calibration", str(tmp_path / "ms.yaml")]):
        with pytest.raises(SystemExit) as code:
            main(["backtest", *args, "--out", str(tmp_path / "bt-model")])
        assert code.value.code == 0, args
        assert "(model stays)" in capsys.readouterr().out
        doc = json.loads((tmp_path / "bt-model" / "backtest.json").read_text())
        assert doc["calibration"]["stays"] == "model", args
    bad = tmp_path / "calibration.yaml"
    bad.write_text("agencies: [1, 2]\n")
    with pytest.raises(SystemExit) as code:
        main(["backtest", "--calibration", str(bad), "--out", str(tmp_path / "bt2")])
    err = capsys.readouterr().err
    assert code.value.code == 2
    assert "calibration.yaml" in err
    assert not (tmp_path / "bt2").exists()
    # an output folder that cannot be made: one line naming it, exit code 2, no traceback
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for verb in ("backtest", "calibrate"):
        with pytest.raises(SystemExit) as code:
            main([verb, "--out", str(blocker / "out")])
        err = capsys.readouterr().err
        assert code.value.code == 2, verb
        assert "cannot create output folder" in err
        assert "Traceback" not in err


def test_removals_are_book_outs_to_removal_from_fy2024(history: History) -> None:
    at = history.months.index
    assert np.isnan(history.removals[at("2023-09")])
    # FY25_detentionStats09242025.xlsx, 'Detention FY25', M67: released to remove, August 2025
    assert history.removals[at("2025-08")] == 29_446
    have = ~np.isnan(history.removals)
    assert np.all(history.removals[have] < history.book_outs[have])


def test_backtest_checks_the_two_claims(backtest_json: dict) -> None:
    claims = {c["id"]: c for c in backtest_json["claims"]}
    assert set(claims) == {"first-100-days", "49k-detained-may-2025"}
    may = claims["49k-detained-may-2025"]
    assert may["figure"] == 49_000
    # ICE's ADP for May 2025, all arresting agencies (FY25 workbook)
    assert may["observed"] == pytest.approx(50_313, abs=1)
    assert may["within_10_percent"] is True
    hundred = claims["first-100-days"]
    # 12/31 of January's book-outs to removal (11,915) + February to April (14,314 + 15,916
    # + 16,995), FY25_detentionStats09242025.xlsx
    assert hundred["observed"] == pytest.approx(11_915 * 12 / 31 + 14_314 + 15_916 + 16_995)
    r = hundred["result"]
    assert r["p05"] <= r["p50"] <= r["p95"]
    assert any("do not show" in n for n in hundred["notes"])
