"""``deportsim status`` (issue 21): every figure observed (with its cell) or estimated."""

from __future__ import annotations

import csv
import datetime as dt
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from deportsim import api
from deportsim.analysis.status import SINCE, Status
from deportsim.cli import main
from deportsim.official.national import national
from deportsim.run import RunConfig, execute, prepare


@pytest.fixture(scope="module")
def status_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Status, Path]:
    out = tmp_path_factory.mktemp("status")
    return api.status(out, replicates=8), out


def _curated(table: str, agency: str, period: str) -> dict[str, str]:
    text = resources.files("deportsim.official").joinpath("curated/national.csv").read_text()
    rows = [r for r in csv.DictReader(text.splitlines())
            if (r["table"], r["agency"], r["category"], r["period"]) == (
                table, agency, "all", period)]  # fmt: skip
    assert len(rows) == 1
    return rows[0]


def test_an_observed_figure_is_the_curated_tables_cell(status_run: tuple[Status, Path]) -> None:
    st, _ = status_run
    held = {r.key: r for r in st.now}["detained_month"]
    cell = _curated("adp", "all", st.month)
    assert held.kind == "observed"
    assert held.value == pytest.approx(float(cell["value"]), rel=1e-12)
    assert f"{cell['file']}, sheet {cell['sheet']!r}, cell {cell['cell']}" in held.source
    # a day's ICE book-ins: the month's cell over its days
    per_day = {r.key: r for r in st.now}["ice_book_ins_per_day_month"]
    book_ins = _curated("book_ins", "ICE", st.month)
    days = st.as_of.day  # the month's last day
    assert per_day.value == pytest.approx(float(book_ins["value"]) / days, rel=1e-12)
    assert per_day.against[0]["value"] == 3000
    assert per_day.against[0]["share"] == pytest.approx(per_day.value / 3000)


def test_the_latest_data_are_the_last_whole_month(status_run: tuple[Status, Path]) -> None:
    st, _ = status_run
    whole = [f for f in national("adp") if len(f.period) == 7 and not f.flag]
    assert st.month == whole[-1].period
    assert st.as_of.day >= 28
    assert st.as_of.strftime("%Y-%m") == st.month
    later = [f for f in national("adp") if len(f.period) == 7 and f.period > st.month]
    assert later
    assert all(f.flag for f in later)  # a month printed in part is not used


def test_totals_so_far_start_on_20_january_2025(status_run: tuple[Status, Path]) -> None:
    st, _ = status_run
    ice = [f for f in national("book_ins", "ICE") if len(f.period) == 7 and not f.flag]
    used = [f for f in ice if "2025-01" <= f.period <= st.month]
    expected = sum(f.value for f in used[1:]) + used[0].value * 12 / 31
    total = {r.key: r for r in st.so_far}["ice_book_ins"]
    assert (total.kind, total.value) == ("observed", pytest.approx(expected))
    assert dt.date(2025, 1, 20) == SINCE


def test_estimates_are_medians_with_their_intervals(status_run: tuple[Status, Path]) -> None:
    st, out = status_run
    estimated = [r for r in st.so_far if r.kind == "estimated"]
    keys = {r.key for r in estimated}
    assert {
        "arrests_total",
        "deaths_in_custody_total",
        "cost_total_usd",
        "us_citizen_children_affected_total",
        "workers_removed_construction",
    } <= keys
    for r in estimated:
        assert r.low is not None
        assert r.high is not None
        assert r.low <= r.value <= r.high, r
    # every figure says what it is; status.json holds the same
    data = json.loads((out / "status.json").read_text())
    assert {r["kind"] for r in data["now"] + data["so_far"]} == {"observed", "estimated"}
    assert len(data["so_far"]) == len(st.so_far)
    assert data["model_run"]["start"] == "2025-01-20"
    assert (out / "status.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_command_prints_one_screen(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["status", "--replicates", "4", "--out", str(tmp_path)])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "observed" in out
    assert "model estimate" in out
    assert "of goal: 3,000 ICE arrests a day" in out
    assert len(out.splitlines()) <= 45
    assert (tmp_path / "status.json").exists()


def test_deaths_in_custody_are_the_people_held_times_the_rate() -> None:
    out = execute(prepare(RunConfig(scenario="baseline-fy2024", replicates=2, years=0.2)))
    rate = out.prepared.inputs.death_rate
    held = out.sim.national["detained"]
    assert np.allclose(out.sim.national["deaths_in_custody"], held * rate[None, :])
    m = out.summary["metrics"]["deaths_in_custody_total"]
    assert m["unit"] == "persons"
    assert m["p50"] == pytest.approx(float(np.median((held * rate).sum(axis=1))), abs=0.01)
