"""Runs start from the latest data by default (issue 21): the observed state, the bridge, the term.

``deportsim run`` with no ``--start`` starts on the first day after the latest month of ICE's
figures, from the people ICE held then; a later start is reached by simulating the days between
(the bridge) and says so; with neither ``--years`` nor ``--until`` a run ends with the term.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from deportsim import api
from deportsim.cli import main
from deportsim.engine import Streams
from deportsim.model import simulate
from deportsim.model.record import published_record
from deportsim.official import national
from deportsim.run.config import TERM_END

DAY = dt.timedelta(days=1)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(["run", *args, "--no-catalog", "--fixed-parameters"])
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_a_run_starts_after_the_latest_data_from_the_people_held_then(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = published_record()
    data_end = record.data_end
    assert data_end is not None
    code, out, _ = _cli(capsys, "--replicates", "4", "--years", "0.1", "--out", str(tmp_path))
    assert code == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["start"] == (data_end + DAY).isoformat()
    # ICE's latest monthly average daily population, all arresting agencies: the curated cell
    latest = record.months("detained_adp")[-1]
    assert latest.after == data_end + DAY
    first_day = _first_day(tmp_path, "detained")
    assert np.all(np.abs(first_day / latest.value - 1) < 0.02), (first_day, latest.value)
    # the manifest and the output say where the state came from
    state = json.loads((tmp_path / "manifest.json").read_text())["state"]
    assert (state["month"], state["data"], state["bridge_days"]) == (
        latest.month, latest.source, 0,
    )  # fmt: skip
    held = state["values"]
    assert held["detention.initial_detained_ice"] + held["detention.initial_detained_cbp"] == (
        pytest.approx(latest.value, abs=1)
    )
    month = dt.date.fromisoformat(f"{latest.month}-01")
    assert f"average daily population of {month:%B %Y} ({latest.source}, the latest data)" in out
    # the people on ATD: ICE's count nearest the first day, as the curated table prints it
    atd = _curated("atd_participants", state["atd_count"]["date"])
    assert (state["atd_count"]["cell"], held["detention.atd_initial"]) == (
        atd["cell"], round(float(atd["value"])),
    )  # fmt: skip
    assert np.all(np.abs(_first_day(tmp_path, "atd_enrolled") / float(atd["value"]) - 1) < 0.02)
    # the people at large, carried forward by the model, and the older parts, with their dates
    carried = state["carried_forward"]
    assert (carried["from"], carried["scenario"]) == ("2025-01-20", "directive-2025")
    assert f"{carried['values']['population.final_orders']:,.0f} with final orders" in out
    assert "population.by_region_2014 2014-01-01" in out


def _curated(table: str, period: str) -> dict[str, str]:
    """The curated table's row of a national figure (all agencies), read as a reader would."""
    path = Path(national.__file__).parent / "curated" / "national.csv"
    with path.open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if (r["table"], r["period"]) == (table, period)]
    assert len(rows) == 1, rows
    return rows[0]


def _first_day(folder: Path, metric: str, day: dt.date | None = None) -> np.ndarray:
    """Each replicate's national ``metric`` on ``day`` (default: the run's first)."""
    table = pq.read_table(folder / "timeseries.parquet")
    rows = table.filter(
        pc.and_(
            pc.equal(table.column("metric").cast("string"), metric),
            pc.equal(table.column("region").cast("string"), "US"),
        )
    ).to_pydict()
    day = day or min(rows["date"])
    return np.array([v for d, v in zip(rows["date"], rows["value"], strict=True) if d == day])


def test_a_run_ends_with_the_term_unless_told_otherwise() -> None:
    prep = api.prepare(api.RunConfig.latest("directive-2025", replicates=1))
    assert prep.start + dt.timedelta(days=prep.days - 1) == TERM_END
    prep = api.prepare(api.RunConfig.latest("directive-2025", replicates=1, years=1.0))
    assert prep.days == 365
    until = dt.date(2027, 6, 30)
    prep = api.prepare(api.RunConfig.latest("directive-2025", replicates=1, until=until))
    assert prep.start + dt.timedelta(days=prep.days - 1) == until


def test_a_later_start_is_bridged_from_the_latest_data_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_end = published_record().data_end
    assert data_end is not None
    start = data_end + dt.timedelta(days=40)
    until = (start + dt.timedelta(days=20)).isoformat()
    code, out, _ = _cli(capsys, "--replicates", "3", "--start", start.isoformat(),
                        "--until", until, "--out", str(tmp_path / "bridged"))  # fmt: skip
    assert code == 0
    assert f"bridge: the latest data end on {data_end}; the 39 days from {data_end + DAY}" in out
    summary = json.loads((tmp_path / "bridged" / "summary.json").read_text())
    assert (summary["start"], summary["days"]) == (start.isoformat(), 21)
    manifest = json.loads((tmp_path / "bridged" / "manifest.json").read_text())
    assert (manifest["state"]["bridge_days"], manifest["state"]["simulated_from"]) == (
        39, (data_end + DAY).isoformat(),
    )  # fmt: skip
    # the bridge is the run from the latest data: the same days, the same numbers
    code, _, _ = _cli(capsys, "--replicates", "3", "--until", until,
                      "--out", str(tmp_path / "whole"))  # fmt: skip
    assert code == 0
    whole = _first_day(tmp_path / "whole", "detained", start)
    assert np.array_equal(_first_day(tmp_path / "bridged", "detained"), whole)


def test_an_earlier_start_takes_the_people_held_in_its_month() -> None:
    prep = api.prepare(
        api.RunConfig.latest("directive-2025", replicates=1, years=0.1, start=dt.date(2025, 7, 15))
    )
    assert prep.state is not None
    assert (prep.state.month, prep.state.after_data, prep.bridge) == ("2025-07", False, 0)
    ice = next(m for m in published_record().months("detained_ice") if m.month == "2025-07")
    assert prep.resolved.canonical("detention.initial_detained_ice")[0] == round(ice.value)


def test_years_and_until_together_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _cli(capsys, "--years", "1", "--until", "2027-01-01")
    assert code == 2
    assert err.strip() == (
        "deportsim: error: <command line>: --until: give --years or --until, not both"
    )
    code, _, err = _cli(capsys, "--until", "2027-13-01")
    assert (code, "--until" in err) == (2, True)


def test_the_people_at_large_are_carried_forward_by_the_model_run_from_the_files_day() -> None:
    prep = api.prepare(api.RunConfig.latest("directive-2025", replicates=1, years=0.1))
    assert prep.carried is not None
    assert prep.state is not None
    stocks = prep.carried.stocks
    # the same stocks as the default scenario's own run from 20 January 2025 to the latest data
    # (the accounts' population at risk on its last day: people at large, on ATD and on appeal)
    past = api.prepare(api.RunConfig("directive-2025", start=dt.date(2025, 1, 20),
                                     until=prep.start - DAY))  # fmt: skip
    sim = simulate(past.inputs, 1, Streams(0), mean_field=True)
    assert stocks.at_large == pytest.approx(sim.national["population_at_risk"][0, -1], rel=1e-9)
    assert stocks.held == pytest.approx(sim.national["detained"][0, -1], rel=1e-9)
    # the run starts from them: the pools as carried, the rest of the population as "other"
    value = {path: float(prep.resolved.canonical(path).ravel()[0]) for path in (
        "population.unauthorized_total", "population.convicted", "population.final_orders",
        "population.recent_entrants", "courts.initial_backlog", "detention.atd_initial",
        "detention.initial_detained_ice")}  # fmt: skip
    assert value["population.final_orders"] == round(stocks.pools["final_order"])
    assert value["courts.initial_backlog"] == round(stocks.pools["pending"] + stocks.appeal)
    named = sum(v for k, v in value.items() if k != "population.unauthorized_total")
    other = value["population.unauthorized_total"] - named
    assert other == pytest.approx(stocks.pools["other"], abs=10)
    # they moved from the files' values (what happened since 2025 is in them)
    files = api.prepare(api.RunConfig("directive-2025", start=dt.date(2025, 1, 20), years=0.1))
    assert (
        value["population.final_orders"]
        != files.resolved.canonical("population.final_orders").ravel()[0]
    )


def test_a_carried_value_keeps_its_range_and_a_value_given_is_kept() -> None:
    prep = api.prepare(api.RunConfig.latest("directive-2025", replicates=2, years=0.1,
                                            parameter_uncertainty=True))  # fmt: skip
    assert prep.draws is not None
    assert prep.carried is not None
    carried = {ov.path: ov for ov in prep.carried.overrides}["population.final_orders"]
    drawn = prep.draws.record()["parameters"]["population.final_orders"]
    # the file's range (1.2 to 1.6 million around 1,445,549) moved with the carried value
    k = float(carried.value) / 1_445_549  # type: ignore[arg-type]
    assert (drawn["low"], drawn["high"]) == pytest.approx((1_200_000 * k, 1_600_000 * k))
    assert drawn["reference"] == carried.value
    sets = ("population.final_orders=1000000",)
    given = api.prepare(api.RunConfig.latest("directive-2025", replicates=1, years=0.1, sets=sets))
    assert given.carried is not None
    assert "population.final_orders" not in {ov.path for ov in given.carried.overrides}
    assert given.resolved.canonical("population.final_orders").ravel()[0] == 1_000_000


def test_a_start_before_the_files_day_carries_nothing() -> None:
    prep = api.prepare(
        api.RunConfig.latest("directive-2025", replicates=1, years=0.1, start=dt.date(2024, 11, 1))
    )
    assert prep.state is not None
    assert prep.carried is None
    assert prep.resolved.canonical("population.final_orders").ravel()[0] == 1_445_549
