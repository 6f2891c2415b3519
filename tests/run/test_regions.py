"""The summary's `regions` block and `deportsim run --by region`: metros side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from deportsim import RunConfig, run
from deportsim.cli.app import main
from deportsim.run.results import METRICS, REGIONAL_METRICS

REGIONS = ("LA", "NY", "CHI", "HOU", "DFW", "MIA", "DC", "REST")


def _summary(*sets: str) -> dict[str, Any]:
    cfg = RunConfig(scenario="directive-2025", replicates=8, years=1.0, seed=0, sets=sets)
    return run(cfg).summary


@pytest.fixture(scope="module")
def summary() -> dict[str, Any]:
    return _summary()


def test_every_region_has_every_metric_with_a_regional_series(summary: dict[str, Any]) -> None:
    assert tuple(summary["regions"]) == REGIONS
    assert {"arrests_total", "removals_total", "detained_mean",
            "us_citizen_children_affected_total"} <= set(REGIONAL_METRICS)  # fmt: skip
    for region in REGIONS:
        block = summary["regions"][region]
        assert tuple(block) == REGIONAL_METRICS
        for name, stats in block.items():
            assert stats["unit"] == METRICS[name].unit
            assert stats["p05"] <= stats["p50"] <= stats["p95"]


def test_regional_totals_and_means_add_up_to_the_national_figure(summary: dict[str, Any]) -> None:
    for name in ("arrests_total", "removals_total", "detained_mean", "book_ins_ice_total"):
        national = summary["metrics"][name]["mean"]
        regions = sum(summary["regions"][r][name]["mean"] for r in REGIONS)
        assert regions == pytest.approx(national, abs=0.01 * len(REGIONS))  # each rounded to 0.01
    # a peak is not a sum: each region's is at most the national one
    peak = summary["metrics"]["detained_peak"]["p95"]
    assert all(summary["regions"][r]["detained_peak"]["p95"] <= peak for r in REGIONS)


def test_more_focus_on_los_angeles_means_more_arrests_there(summary: dict[str, Any]) -> None:
    # the directive weights LA three times from June 2025: six times moves effort to it
    more = _summary("arrests.focus_weight.LA=6")
    la, la_more = summary["regions"]["LA"], more["regions"]["LA"]
    assert la_more["arrests_at_large_total"]["p50"] > 1.2 * la["arrests_at_large_total"]["p50"]
    rest, rest_more = summary["regions"]["REST"], more["regions"]["REST"]
    assert rest_more["arrests_at_large_total"]["p50"] < rest["arrests_at_large_total"]["p50"]


def test_run_by_region_prints_the_metro_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    with pytest.raises(SystemExit) as info:
        main(["run", "directive-2025", "--replicates", "4", "--years", "0.5", "--out", str(out),
              "--no-catalog", "--by", "region"])  # fmt: skip
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "By metro area (region of arrest): median (90% interval)" in text
    rows = {line.split("│")[1].strip() for line in text.splitlines() if line.count("│") > 2}
    assert set(REGIONS) <= rows
    regions = json.loads((out / "summary.json").read_text())["regions"]
    la = regions["LA"]["arrests_total"]["p50"]
    assert f"{la:,.0f}" in text  # the table shows the summary's own figures
