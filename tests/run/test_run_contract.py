"""`deportsim run` writes the contract's three files, and the same inputs give the same bytes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import deportsim
from deportsim import REQUIRED_METRICS, RunConfig, run
from deportsim.cli.app import main
from deportsim.model import NATIONAL_SERIES
from deportsim.model.record import published_record
from deportsim.parameters import ParameterSet
from deportsim.views.formatting import metric_text

CONTRACT_UNITS = {
    "arrests_total": "persons", "arrests_per_day_mean": "persons/day", "book_ins_total": "persons",
    "detained_mean": "persons", "detained_peak": "persons", "detention_capacity_peak": "beds",
    "released_to_atd_total": "persons", "removals_total": "persons",
    "removals_per_year_mean": "persons/year", "voluntary_departures_total": "persons",
    "court_backlog_end": "cases", "removed_no_conviction_total": "persons",
    "us_citizen_children_affected_total": "persons", "workers_removed_total": "persons",
    "cost_total_usd": "USD", "cost_per_removal_usd": "USD/person",
}  # fmt: skip


def _cli_run(out: Path, *extra: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(
            [
                "run",
                "directive-2025",
                "--replicates",
                "8",
                "--years",
                "1",
                "--start",  # the old default start, still given so (the new one: test_latest)
                "2025-01-20",
                "--out",
                str(out),
                *extra,
            ]
        )
    assert info.value.code == 0


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "directive"
    _cli_run(out)
    return out


def test_summary_has_every_required_metric_with_its_unit(small_run: Path) -> None:
    summary = json.loads((small_run / "summary.json").read_text())
    assert summary["scenario"] == "directive-2025"
    assert summary["model_version"] == deportsim.__version__
    assert (summary["seed"], summary["replicates"], summary["start"], summary["days"]) == (
        0, 8, "2025-01-20", 365,
    )  # fmt: skip
    assert set(REQUIRED_METRICS) == set(CONTRACT_UNITS)
    for name, unit in CONTRACT_UNITS.items():
        m = summary["metrics"][name]
        assert m["unit"] == unit, name
        assert set(m) == {"unit", "mean", "p05", "p50", "p95"}, name
        assert m["p05"] <= m["p50"] <= m["p95"], f"{name}: quantiles out of order"
        assert m["p05"] <= m["mean"] <= m["p95"], f"{name}: mean outside its 90% interval"


def test_derived_metrics_agree_with_their_definitions(small_run: Path) -> None:
    metrics = json.loads((small_run / "summary.json").read_text())["metrics"]
    days, years = 365, 365 / 365.25
    arrests = metrics["arrests_total"]["mean"]
    assert metrics["arrests_per_day_mean"]["mean"] == pytest.approx(arrests / days, abs=0.01)
    removals = metrics["removals_total"]["mean"]
    assert metrics["removals_per_year_mean"]["mean"] == pytest.approx(removals / years, abs=0.01)
    # cost per removal is a per-replicate ratio; its mean is close to the ratio of means here
    ratio = metrics["cost_total_usd"]["mean"] / removals
    assert metrics["cost_per_removal_usd"]["mean"] == pytest.approx(ratio, rel=0.01)
    assert metrics["detained_peak"]["mean"] >= metrics["detained_mean"]["mean"]


def test_timeseries_is_long_and_matches_the_summary(small_run: Path) -> None:
    table = pq.read_table(small_run / "timeseries.parquet")
    assert table.column_names == ["replicate", "date", "region", "metric", "value"]
    assert set(table.column("metric").to_pylist()) >= set(NATIONAL_SERIES)
    assert set(table.column("region").to_pylist()) == {
        "US",
        "LA",
        "NY",
        "CHI",
        "HOU",
        "DFW",
        "MIA",
        "DC",
        "REST",
    }
    metric = table.column("metric").cast(pa.string())
    region = table.column("region").cast(pa.string())
    rows = table.filter(pc.and_(pc.equal(metric, "arrests"), pc.equal(region, "US"))).to_pydict()
    assert len(rows["value"]) == 8 * 365
    assert min(rows["date"]) == dt.date(2025, 1, 20)
    summary = json.loads((small_run / "summary.json").read_text())
    assert sum(rows["value"]) / 8 == pytest.approx(
        summary["metrics"]["arrests_total"]["mean"], abs=0.01
    )


def test_manifest_records_everything_used(small_run: Path, params: ParameterSet) -> None:
    manifest = json.loads((small_run / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["scenario"]["name"] == "directive-2025"
    assert len(manifest["scenario"]["hash"]) == 64
    assert set(manifest["parameters"]) == set(params.parameters)
    steps = manifest["parameters"]["arrests.target_per_day"]["steps"]
    # directive-2025 follows the published record: each month's arrests are ICE's book-ins a
    # day over the booking share (0.85 from 20 January 2025), one step a month
    record = published_record().months("book_ins_ice")
    expected = {m.first.isoformat(): m.per_day / 0.85 for m in record}
    assert steps[0]["from"] == "2025-01-20"
    assert steps[0]["value"] == pytest.approx(expected["2025-01-01"])
    assert [s["from"] for s in steps[1:]] == [f"{m}-01" for m in (
        "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09",
        "2025-10", "2025-11", "2025-12", "2026-01")]  # fmt: skip
    for s in steps[1:]:
        assert s["value"] == pytest.approx(expected[s["from"]]), s["from"]
    for key in ("deportsim", "python", "numpy"):
        assert manifest["versions"][key]
    assert manifest["wall_time_s"] > 0
    assert "community.capture.targeted.final_order" in manifest["random_streams"]
    summary_bytes = (small_run / "summary.json").read_bytes()
    import hashlib  # noqa: PLC0415

    assert (
        manifest["outputs"]["summary.json"]["sha256"] == hashlib.sha256(summary_bytes).hexdigest()
    )


def test_same_command_twice_gives_identical_summary_bytes(small_run: Path, tmp_path: Path) -> None:
    _cli_run(tmp_path / "again")
    assert (tmp_path / "again" / "summary.json").read_bytes() == (
        small_run / "summary.json"
    ).read_bytes()


def test_another_seed_gives_other_numbers(small_run: Path, tmp_path: Path) -> None:
    _cli_run(tmp_path / "seed1", "--seed", "1")
    a = json.loads((small_run / "summary.json").read_text())["metrics"]
    b = json.loads((tmp_path / "seed1" / "summary.json").read_text())["metrics"]
    assert a["arrests_total"] != b["arrests_total"]


def test_set_changes_the_run_and_is_recorded(tmp_path: Path) -> None:
    base = run(RunConfig(scenario="baseline-fy2024", replicates=3, years=0.5))
    more = run(
        RunConfig(
            scenario="baseline-fy2024",
            replicates=3,
            years=0.5,
            sets=("arrests.target_per_day=600",),
        ),
        out=tmp_path / "o",
    )
    assert more.summary["sets"] == ["arrests.target_per_day=600"]
    assert (
        more.summary["metrics"]["arrests_total"]["mean"]
        > 1.5 * base.summary["metrics"]["arrests_total"]["mean"]
    )
    assert json.loads((tmp_path / "o" / "manifest.json").read_text())["sets"] == [
        "arrests.target_per_day=600"
    ]


def test_default_output_folder_is_out_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["run", "baseline-fy2024", "--replicates", "2", "--years", "0.1"])
    assert info.value.code == 0
    assert sorted(p.name for p in (tmp_path / "out" / "baseline-fy2024").iterdir()) == [
        "manifest.json", "summary.json", "timeseries.parquet",
    ]  # fmt: skip


def test_api_run_without_out_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(RunConfig(replicates=2, years=0.1))
    assert result.manifest == {}
    assert list(tmp_path.iterdir()) == []
    assert np.isfinite(result.summary["metrics"]["removals_total"]["mean"])


def test_public_api_is_what_init_exports() -> None:
    assert sorted(deportsim.__all__) == sorted(
        [
            "DEFAULT_SCENARIO", "METRICS", "REQUIRED_METRICS", "Location", "ParameterSet",
            "Prepared", "RunConfig", "RunOutput", "Scenario", "UserError", "__version__",
            "builtin_scenarios", "execute", "load_parameters", "load_scenario", "prepare", "run",
            "run_prepared", "write_outputs",
        ]
    )  # fmt: skip
    for name in deportsim.__all__:
        assert hasattr(deportsim, name), name


def test_run_prints_every_required_metric(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cli_run(tmp_path / "printed")
    printed = capsys.readouterr().out
    rows = [[c.strip() for c in line.strip("│").split("│")]
            for line in printed.splitlines() if line.startswith("│")]  # fmt: skip
    assert {row[0] for row in rows} == set(CONTRACT_UNITS)
    # one statistic everywhere: the table's cells are summary.json's median and 90% interval,
    # written as the report writes them (tests/report/test_report_page.py)
    metrics = json.loads((tmp_path / "printed" / "summary.json").read_text())["metrics"]
    for name, median, interval in rows:
        m = metrics[name]
        assert median == metric_text(m["p50"], m["unit"]), name
        low, high = (metric_text(m[q], m["unit"]) for q in ("p05", "p95"))
        assert interval == f"{low} – {high}", name


def test_timeseries_written_during_the_run_is_the_one_written_after(tmp_path: Path) -> None:
    # 60 replicates: three batches, run side by side and finishing in any order
    cfg = RunConfig(scenario="baseline-fy2024", replicates=60, years=0.2)
    result = run(cfg, out=tmp_path / "during")
    after = tmp_path / "after"
    after.mkdir()
    deportsim.write_outputs(result, after, 1.0)
    during = (tmp_path / "during" / "timeseries.parquet").read_bytes()
    assert during == (after / "timeseries.parquet").read_bytes()
    table = pq.read_table(tmp_path / "during" / "timeseries.parquet", columns=["replicate"])
    numbers, first_row = np.unique(table.column("replicate").to_numpy(), return_index=True)
    assert numbers.tolist() == list(range(60))
    assert np.all(np.diff(first_row) > 0), "replicates come in order, batch after batch"


def test_a_run_that_fails_midway_leaves_only_an_incomplete_manifest(tmp_path: Path) -> None:
    cfg = RunConfig(scenario="baseline-fy2024", replicates=60, years=0.2)
    prep = deportsim.prepare(cfg)

    def stop(day: int) -> None:
        if day >= 20:
            raise KeyboardInterrupt  # as when the user presses Ctrl-C

    with pytest.raises(KeyboardInterrupt):
        deportsim.run_prepared(prep, tmp_path, on_day=stop)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]
    assert json.loads((tmp_path / "manifest.json").read_text())["status"] == "incomplete"
