"""``deportsim run --by year|sector|region``: the economy's tables show the summary's figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from deportsim.cli.app import main
from deportsim.views.formatting import metric_text


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], by: str) -> tuple[str, Any]:
    out = tmp_path / "run"
    with pytest.raises(SystemExit) as info:
        main(["run", "directive-2025", "--replicates", "4", "--years", "1.5", "--start",
              "2026-04-01", "--out", str(out), "--no-catalog", "--by", by])  # fmt: skip
    assert info.value.code == 0
    return capsys.readouterr().out, json.loads((out / "summary.json").read_text())


def _median(m: dict[str, Any]) -> str:
    return metric_text(m["p50"], m["unit"])


def test_by_year_prints_each_calendar_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, summary = _run(tmp_path, capsys, "year")
    assert "The economy by calendar year" in text
    assert list(summary["years"]) == ["2026", "2027"]
    assert [y["days"] for y in summary["years"].values()] == [275, 273]
    for year, block in summary["years"].items():
        assert f"{year} ({block['days']})" in text
        assert _median(block["metrics"]["gdp_loss_usd"]) in text
        assert _median(block["metrics"]["gdp_loss_share"]).endswith("%")
    # jobs are lost, never gained, and more by the second year than by the first
    first, second = (y["metrics"]["employment_change_immigrant"]["p50"]
                     for y in summary["years"].values())  # fmt: skip
    assert second < first < 0


def test_by_sector_prints_the_six_sectors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, summary = _run(tmp_path, capsys, "sector")
    assert "The economy by sector" in text
    for sector in ("construction", "agriculture", "hospitality", "manufacturing", "services"):
        row = next(line for line in text.splitlines() if f"│ {sector}" in line)
        assert _median(summary["metrics"][f"gdp_loss_usd_{sector}"]) in row


def test_by_region_prints_the_economy_by_metro(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, summary = _run(tmp_path, capsys, "region")
    assert "The economy by metro area" in text
    la = summary["regions"]["LA"]
    assert _median(la["employment_change_immigrant"]) in text
    assert _median(la["gdp_loss_usd"]) in text
