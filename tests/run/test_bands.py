"""``--series``: timeseries.parquet holds every replicate's series, or each day's bands (issue 22).

A band is each day's mean and 5th, 50th and 95th percentiles over the replicates: the statistics
of summary.json, day by day. The file is then as large for 1,000 replicates as for 101.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from deportsim import RunConfig, api
from deportsim.cli import main
from deportsim.model import NATIONAL_SERIES
from deportsim.run.bands import STATISTICS, _band
from deportsim.run.config import BANDS_ABOVE
from deportsim.run.results import TIMESERIES_REGIONAL
from deportsim.store.outputs import write_timeseries

SMALL = ("baseline-fy2024", "--years", "0.1", "--no-catalog")


def _run(out: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, dict[str, Any]]:
    with pytest.raises(SystemExit) as info:
        main(["run", *SMALL, "--out", str(out), *args])
    assert info.value.code == 0, capsys.readouterr().err
    return capsys.readouterr().out, json.loads((out / "manifest.json").read_text())


def test_each_band_is_the_statistics_of_that_day_over_the_replicates(tmp_path: Path) -> None:
    cfg = RunConfig(scenario="baseline-fy2024", replicates=7, years=0.1, seed=3,
                    parameter_uncertainty=True, series="quantiles")  # fmt: skip
    saved = api.run(cfg, out=tmp_path / "x", catalog=False)  # spooled, no series kept
    table = pq.read_table(tmp_path / "x" / "timeseries.parquet").to_pandas()
    assert list(table.columns) == ["statistic", "date", "region", "metric", "value"]
    result = api.run(cfg)  # the same run, its series kept
    sim, days = result.sim, result.sim.days
    series = len(NATIONAL_SERIES) + len(TIMESERIES_REGIONAL) * len(sim.regions)
    assert len(table) == series * len(STATISTICS) * days
    start = result.prepared.start
    assert table["date"].min() == start
    assert table["date"].max() == start + dt.timedelta(days=days - 1)
    for metric, region, values in [
        ("removals", "US", sim.national["removals"]),
        ("detained", "US", sim.national["detained"]),
        ("arrests", sim.regions[2], sim.region("arrests")[:, :, 2]),
    ]:
        rows = table[(table.metric == metric) & (table.region == region)]
        got = {s: rows[rows.statistic == s]["value"].to_numpy() for s in STATISTICS}
        assert np.array_equal(got["mean"], values.mean(axis=0)), metric
        for s, q in (("p05", 0.05), ("p50", 0.5), ("p95", 0.95)):
            assert np.array_equal(got[s], np.quantile(values, q, axis=0)), (metric, s)
        assert np.all(got["p05"] <= got["p50"])
        assert np.all(got["p50"] <= got["p95"])
    assert saved.manifest["series"] == {
        "kind": "quantiles", "asked": "quantiles", "statistics": list(STATISTICS),
    }  # fmt: skip
    # made batch by batch without keeping the series: the very same summary and file
    assert saved.summary == result.summary
    assert saved.sim.national == {}
    assert np.array_equal(saved.sim.flows["final"], sim.flows["final"])
    write_timeseries(result, tmp_path / "kept.parquet")
    assert pq.read_table(tmp_path / "kept.parquet").equals(
        pq.read_table(tmp_path / "x" / "timeseries.parquet")
    )
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == [
        "manifest.json", "summary.json", "timeseries.parquet",
    ]  # fmt: skip


def test_series_auto_writes_bands_above_its_threshold_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, manifest = _run(tmp_path / "small", capsys, "--replicates", "3")
    assert manifest["series"] == {"kind": "replicates", "asked": "auto", "bands_above": BANDS_ABOVE}
    assert "timeseries.parquet: every replicate's daily series\n" in out
    replicates = pq.read_table(tmp_path / "small" / "timeseries.parquet", columns=["replicate"])
    assert sorted(set(replicates.column(0).to_pylist())) == [0, 1, 2]

    out, manifest = _run(tmp_path / "big", capsys, "--replicates", str(BANDS_ABOVE + 1))
    assert manifest["series"]["kind"] == "quantiles"
    assert (
        f"timeseries.parquet: each day's mean and 5th, 50th and 95th percentiles over the "
        f"{BANDS_ABOVE + 1} replicates, as runs of more than {BANDS_ABOVE} replicates do "
        "(--series replicates writes every one)\n"
    ) in out
    names = pq.read_schema(tmp_path / "big" / "timeseries.parquet").names
    assert "replicate" not in names
    assert "statistic" in names

    out, manifest = _run(tmp_path / "asked", capsys, "--replicates", str(BANDS_ABOVE + 1),
                         "--series", "replicates")  # fmt: skip
    assert manifest["series"]["kind"] == "replicates"
    assert "timeseries.parquet: every replicate's daily series\n" in out


def test_an_unknown_series_choice_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", *SMALL, "--out", str(tmp_path / "x"), "--series", "everything"])
    assert info.value.code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("deportsim: error: ")
    assert "--series" in line
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("replicates", [1, 2, 3, 20, 101, 1000])
def test_a_band_is_numpys_quantile_to_the_last_bit(replicates: int) -> None:
    """The bands sort each day once and interpolate as NumPy does (method ``linear``)."""
    rng = np.random.default_rng(replicates)
    values = rng.normal(size=(replicates, 40)) * 10.0 ** rng.integers(0, 7, size=40)
    values[:, 5] = 7.0  # a day on which every replicate agrees
    values[:, 6] = np.round(values[:, 6])  # ties
    band = _band(values)
    assert np.array_equal(band[0], values.mean(axis=0))
    assert np.array_equal(band[1:], np.quantile(values, (0.05, 0.5, 0.95), axis=0))


def test_a_run_that_keeps_no_series_summarises_the_same_across_a_bridge(tmp_path: Path) -> None:
    """From a day after the latest data (bridged), fixed parameters, batches of the default size."""
    cfg = RunConfig.latest("directive-2025", start=dt.date(2026, 9, 1), years=0.2,
                           replicates=30, series="quantiles")  # fmt: skip
    saved = api.run(cfg, out=tmp_path / "x", catalog=False)
    kept = api.run(cfg)
    assert saved.prepared.bridge > 0
    assert saved.summary == kept.summary
    write_timeseries(kept, tmp_path / "kept.parquet")
    assert pq.read_table(tmp_path / "kept.parquet").equals(
        pq.read_table(tmp_path / "x" / "timeseries.parquet")
    )


def test_a_spool_that_would_not_fit_on_the_disk_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "x"
    _run(out, capsys, "--replicates", "3")  # an earlier complete run there
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    free = SimpleNamespace(total=2**40, used=2**40 - 2**20, free=2**20)  # 1 MiB free
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: free)
    with pytest.raises(SystemExit) as info:
        main(["run", *SMALL, "--out", str(out), "--overwrite", "--replicates", "300"])
    assert info.value.code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"deportsim: error: {out}: --replicates/--years: 300 replicates over ")
    assert "GiB of disk there while the run makes its daily bands" in line
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
