"""Parameter uncertainty: each replicate draws the uncertain parameters (analysis.uncertainty)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from scipy import stats

import deportsim
from deportsim import RunConfig, api
from deportsim.cli.app import main
from deportsim.core.units import Kind
from deportsim.engine import Streams
from deportsim.model import simulate
from deportsim.parameters import ParameterSet
from deportsim.parameters.schema import Uncertainty
from deportsim.run.draws import (
    CALIBRATED_STREAM,
    CAPPED,
    NORMALISED,
    ParameterDraws,
    draw_parameters,
    quantile,
    stream_name,
)

#: A short run: three batches of replicates when the batch is 4.
SHORT = RunConfig(scenario="directive-2025", replicates=10, years=0.15, seed=5)


def _drawn(cfg: RunConfig = SHORT) -> api.Prepared:
    return api.prepare(dataclasses.replace(cfg, parameter_uncertainty=True))


def test_same_seed_same_results_whatever_the_batch_or_threads() -> None:
    prep = _drawn()
    assert prep.draws is not None
    runs = [
        simulate(prep.inputs, 10, Streams(5), batch=b, threads=t, inputs_for=prep.draws.inputs)
        for b, t in ((25, 1), (3, 2), (1, 2))
    ]
    for other in runs[1:]:
        for name, values in runs[0].national.items():
            np.testing.assert_array_equal(values, other.national[name], err_msg=name)
    # a replicate's draw depends on the seed and its number, not on how many are drawn
    more = _drawn(dataclasses.replace(SHORT, replicates=25))
    assert more.draws is not None
    np.testing.assert_array_equal(more.draws.factors[:10], prep.draws.factors)
    again = _drawn()
    assert again.draws is not None
    np.testing.assert_array_equal(again.draws.factors, prep.draws.factors)
    other_seed = _drawn(dataclasses.replace(SHORT, seed=6))
    assert other_seed.draws is not None
    assert not np.array_equal(other_seed.draws.factors, prep.draws.factors)


def test_draws_of_factor_one_reproduce_the_fixed_run_exactly() -> None:
    """Per-replicate inputs run with the very random numbers of the fixed run's batches."""
    prep = _drawn()
    assert prep.draws is not None
    ones = dataclasses.replace(prep.draws, factors=np.ones_like(prep.draws.factors))
    drawn = api.execute(dataclasses.replace(prep, draws=ones))
    fixed = api.execute(api.prepare(SHORT))
    for name, values in fixed.sim.national.items():
        np.testing.assert_array_equal(values, drawn.sim.national[name], err_msg=name)
    assert drawn.summary["metrics"] == fixed.summary["metrics"]


def test_quantiles_match_the_stated_distributions() -> None:
    u = np.array([0.05, 0.2, 0.5, 0.8, 0.95])
    tri = Uncertainty(distribution="triangular", low=2.0, high=10.0)
    expected = stats.triang(c=(4.0 - 2.0) / 8.0, loc=2.0, scale=8.0).ppf(u)
    np.testing.assert_allclose(quantile(u, tri, 4.0, 1.0), expected, rtol=1e-12)
    pert = Uncertainty(distribution="pert", low=2.0, high=10.0)
    expected = 2.0 + 8.0 * stats.beta(1.0 + 4.0 * 2.0 / 8.0, 1.0 + 4.0 * 6.0 / 8.0).ppf(u)
    np.testing.assert_allclose(quantile(u, pert, 4.0, 1.0), expected, rtol=1e-10)
    uni = Uncertainty(distribution="uniform", low=2.0, high=10.0)
    np.testing.assert_allclose(quantile(u, uni, 4.0, 0.5), 1.0 + u * 4.0)  # scale: file unit
    for name in ("normal", "lognormal"):  # low and high are the 5th and 95th percentiles
        spec = Uncertainty(distribution=name, low=2.0, high=10.0)  # type: ignore[arg-type]
        ends = quantile(np.array([0.05, 0.95]), spec, 4.0, 1.0)
        np.testing.assert_allclose(ends, [2.0, 10.0], rtol=1e-9)


def test_draws_stay_in_range_with_the_stated_mean_and_spread(params: ParameterSet) -> None:
    n = 4000
    prep = api.prepare(dataclasses.replace(SHORT, replicates=1))
    draws = draw_parameters(prep.resolved, n, seed=11)
    assert len(draws.paths) >= 60
    checked = 0
    for j, path in enumerate(draws.paths):
        info, param = draws.drawn[path], params[path]
        values = draws.factors[:, j] * info["reference"]
        assert np.all(values >= 0), path
        if param.unit.kind is Kind.PROBABILITY:
            assert np.all(values <= 1), path
        if info["distribution"] != "triangular":
            continue
        lo, mode, hi = info["low"], info["reference"], info["high"]
        assert np.all((values >= lo * (1 - 1e-12)) & (values <= hi * (1 + 1e-12))), path
        mean = (lo + mode + hi) / 3.0
        sd = np.sqrt((lo**2 + mode**2 + hi**2 - lo * mode - lo * hi - mode * hi) / 18.0)
        if sd == 0:
            continue
        # 4.5 standard errors over ~60 parameters: a false alarm about once in 2,000 runs
        assert abs(values.mean() - mean) < 4.5 * sd / np.sqrt(n), path
        # the sample sd's standard error, triangular kurtosis 2.4: sd * sqrt((2.4 - 1) / 4n)
        assert abs(values.std() - sd) < 4.5 * sd * np.sqrt(1.4 / (4 * n)), path
        checked += 1
    assert checked >= 50


def test_calibrated_stays_are_drawn_jointly_from_the_bootstrap_rows() -> None:
    from deportsim.model.calibration import PARAMETERS, shipped_model_stays  # noqa: PLC0415

    prep = api.prepare(dataclasses.replace(SHORT, replicates=1))
    draws = draw_parameters(prep.resolved, 300, seed=3)
    stays = shipped_model_stays()
    best, rows = stays.best(), stays.bootstrap()
    paths = sorted(PARAMETERS)
    cols = [draws.paths.index(p) for p in paths]
    allowed = {tuple(round(row[p] / best[p], 9) for p in paths) for row in rows}
    seen = {tuple(round(float(f), 9) for f in draws.factors[r, cols]) for r in range(300)}
    assert seen <= allowed, "every replicate takes all four stays from one bootstrap row"
    assert len(seen) >= 0.9 * len(allowed)  # 300 picks of 30 rows leave almost none out
    for p in paths:
        assert draws.drawn[p]["stream"] == CALIBRATED_STREAM


def test_a_set_parameter_is_not_drawn_and_keeps_its_value() -> None:
    cfg = dataclasses.replace(SHORT, sets=("arrests.officers=9000",), parameter_uncertainty=True)
    prep = api.prepare(cfg)
    assert prep.draws is not None
    assert "arrests.officers" not in prep.draws.paths
    assert "--set" in prep.draws.not_drawn["arrests.officers"]
    for r in range(3):
        assert np.all(prep.draws.inputs(r).officers == 9000.0)
    # without --set, officers are drawn: the scenario's own values scaled by one factor
    free = _drawn()
    assert free.draws is not None
    j = free.draws.paths.index("arrests.officers")
    for r in range(3):
        scaled = free.inputs.officers * free.draws.factors[r, j]
        np.testing.assert_allclose(free.draws.inputs(r).officers, scaled)
    assert stream_name("arrests.officers") in free.draws.streams


def test_shares_keep_their_sums_whatever_the_factors() -> None:
    prep = _drawn()
    assert prep.draws is not None
    base = prep.draws
    extreme = np.ones_like(base.factors)
    for group in CAPPED + NORMALISED:
        for p in group:
            if p in base.paths:
                extreme[:, base.paths.index(p)] = 10.0 if p in CAPPED[0] else 3.0
    x = ParameterDraws(base.base, base.paths, extreme, base.drawn, {}, ()).inputs(0)
    assert np.all(sum(x.channel_share.values()) <= 1 + 1e-12)
    assert np.all(x.order_share + x.relief_share + x.vd_share <= 1 + 1e-12)
    np.testing.assert_allclose(sum(x.sector_share.values()), sum(prep.inputs.sector_share.values()))
    assert np.all(x.book_in_p <= 1)


def test_parameter_uncertainty_widens_the_intervals() -> None:
    cfg = RunConfig(scenario="directive-2025", replicates=30, years=1.0, seed=0)
    fixed = api.run(cfg).summary
    drawn = api.run(dataclasses.replace(cfg, parameter_uncertainty=True)).summary
    for metric in ("removals_total", "cost_total_usd", "arrests_total"):
        a, b = fixed["metrics"][metric], drawn["metrics"][metric]
        assert b["p95"] - b["p05"] > 3 * (a["p95"] - a["p05"]), metric
    assert fixed["intervals"]["include"] == ["process noise"]
    assert drawn["intervals"]["include"] == ["process noise", "parameter uncertainty"]


def _cli(out: Path, *extra: str) -> None:
    args = ["run", "baseline-fy2024", "--replicates", "4", "--years", "0.1", "--out", str(out)]
    with pytest.raises(SystemExit) as info:
        main([*args, *extra])
    assert info.value.code == 0


def test_run_draws_by_default_and_fixed_parameters_turns_it_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli(tmp_path / "drawn")
    assert "Intervals include: process noise, parameter uncertainty" in capsys.readouterr().out
    _cli(tmp_path / "fixed", "--fixed-parameters")
    assert "Intervals include: process noise\n" in capsys.readouterr().out
    summary = {
        k: json.loads((tmp_path / k / "summary.json").read_text()) for k in ("drawn", "fixed")
    }
    manifest = {k: json.loads((tmp_path / k / "manifest.json").read_text()) for k in summary}
    assert summary["drawn"]["intervals"]["include"] == ["process noise", "parameter uncertainty"]
    assert summary["fixed"]["intervals"]["include"] == ["process noise"]
    assert manifest["fixed"]["parameter_uncertainty"] == {"drawn": False}
    record = manifest["drawn"]["parameter_uncertainty"]
    assert record["drawn"] is True
    assert record["parameters"]["arrests.officers"]["distribution"] == "triangular"
    assert "arrests.wait_for_beds" in record["not_drawn"]
    assert stream_name("arrests.officers") in manifest["drawn"]["random_streams"]
    # --fixed-parameters is the library's run verb's run, number for number
    same = api.run(api.RunConfig.latest("baseline-fy2024", replicates=4, years=0.1)).summary
    assert summary["fixed"]["metrics"] == json.loads(json.dumps(same["metrics"]))
    assert summary["drawn"]["metrics"] != summary["fixed"]["metrics"]


def test_timeseries_written_during_a_drawn_run_is_the_one_written_after(tmp_path: Path) -> None:
    # 30 replicates: two blocks of the file, each replicate with its own impacts factors
    cfg = RunConfig(
        scenario="baseline-fy2024", replicates=30, years=0.1, parameter_uncertainty=True
    )
    result = api.run(cfg, out=tmp_path / "during")
    after = tmp_path / "after"
    after.mkdir()
    deportsim.write_outputs(result, after, 1.0)
    during = (tmp_path / "during" / "timeseries.parquet").read_bytes()
    assert during == (after / "timeseries.parquet").read_bytes()
    rows = pq.read_table(tmp_path / "during" / "timeseries.parquet").to_pandas()
    workers = rows[(rows.metric == "workers_removed") & (rows.region == "LA")]
    by_replicate = workers.pivot(index="replicate", columns="date", values="value").to_numpy()
    la = result.sim.regions.index("LA")
    np.testing.assert_allclose(by_replicate, result.sim.region("workers_removed")[:, :, la])
    assert result.sim.factors["employed_share"].shape == (30, result.sim.days)


def test_the_report_says_what_its_bands_hold() -> None:
    from deportsim.report.notes import DRAWN, LIMITATIONS, limitations  # noqa: PLC0415
    from deportsim.report.runs import ScenarioRun  # noqa: PLC0415

    cfg = RunConfig(scenario="baseline-fy2024", replicates=2, years=0.05)
    for drawn in (False, True):
        out = api.run(dataclasses.replace(cfg, parameter_uncertainty=drawn))
        scenario_run = ScenarioRun.from_sim(
            out.sim, out.summary, title="t", description="d", parameters=[], sources=[]
        )
        assert scenario_run.parameters_drawn is drawn
        assert limitations(drawn)[0] == (DRAWN if drawn else LIMITATIONS[0])


def _beds(prep: api.Prepared) -> np.ndarray:
    assert prep.draws is not None
    return np.array([prep.draws.resolved(r).canonical("detention.bed_capacity")
                     for r in range(prep.draws.replicates)])  # fmt: skip


def test_a_policy_lever_a_scenario_sets_is_exact_in_every_replicate(tmp_path: Path) -> None:
    scenario = tmp_path / "beds.yaml"
    scenario.write_text(
        """\
name: beds-100k
title: One hundred thousand beds
description: FY2024's baseline with 100,000 beds from July 2025, for a test of policy levers.
policy_sources:
  - {publisher: Test, title: A test policy, date: 2026}
extends: baseline-fy2024
overrides:
  - path: detention.bed_capacity
    value: 100000
    from: 2025-07-01
""",
        encoding="utf-8",
    )
    cfg = RunConfig(scenario=str(scenario), replicates=12, years=1.0, seed=3,
                    start=dt.date(2025, 1, 20))  # fmt: skip
    prep = _drawn(cfg)
    beds = _beds(prep)
    july = (dt.date(2025, 7, 1) - dt.date(2025, 1, 20)).days
    assert np.all(beds[:, july:] == 100_000.0)  # the scenario's beds, as written
    assert np.unique(beds[:, 0]).size == 12  # the file's own beds before: drawn
    assert prep.draws is not None
    assert "exact_when_set" in prep.draws.drawn["detention.bed_capacity"]
    # a lever the user sets with --set is the value given, every day, in every replicate
    sets = _drawn(dataclasses.replace(cfg, scenario="baseline-fy2024",
                                      sets=("detention.bed_capacity=100000",)))  # fmt: skip
    assert np.all(_beds(sets) == 100_000.0)
    # not a lever: a scenario's value of a parameter that is not a policy keeps its draw
    stays = prep.draws.resolved(0).canonical("detention.stay_contested")
    assert stays[0] != prep.resolved.canonical("detention.stay_contested")[0]


def test_the_summary_of_100000_beds_is_100000_beds() -> None:
    cfg = RunConfig(
        scenario="directive-2025", replicates=8, years=0.5, seed=1, parameter_uncertainty=True,
        sets=("detention.bed_capacity=100000",),
    )  # fmt: skip
    peak = deportsim.run(cfg).summary["metrics"]["detention_capacity_peak"]
    assert peak["p05"] == peak["p50"] == peak["p95"] == 100_000.0


def test_cbp_book_ins_are_drawn_around_the_value_in_force() -> None:
    # a relative range (0.7-1.3 times the value): a run from December 2026 draws around 2025's
    # 145.6 a day, not within the 100-700 that suited FY2024's 511.7
    cfg = RunConfig(scenario="baseline-fy2024", replicates=40, years=0.5, seed=1,
                    start=dt.date(2026, 12, 6))  # fmt: skip
    prep = _drawn(cfg)
    assert prep.draws is not None
    drawn = np.array([prep.draws.resolved(r).canonical("detention.cbp_book_ins")[0]
                      for r in range(40)])  # fmt: skip
    value = prep.resolved.canonical("detention.cbp_book_ins")[0]
    assert value == pytest.approx(145.6)
    assert np.all((drawn >= 0.7 * value - 1e-9) & (drawn <= 1.3 * value + 1e-9))
    assert 0.9 < float(np.median(drawn)) / value < 1.1  # the value in force is the mode
    assert prep.draws.drawn["detention.cbp_book_ins"]["relative"] == [0.7, 1.3]
