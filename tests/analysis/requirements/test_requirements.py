"""deportsim requirements: the resources found reach the target, more target needs more, bad input.

The main run (directive-2025, two years, a million removals a year with probability 0.9, 100
replicates) is made once for the module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

from deportsim import api
from deportsim.analysis.requirements.files import write_requirements
from deportsim.analysis.requirements.find import Requirements, find_requirements
from deportsim.analysis.requirements.resources import LEVERS, apply, overrides, years_of
from deportsim.analysis.requirements.search import Search, parse_targets
from deportsim.cli.app import main
from deportsim.core.errors import UserError
from deportsim.model import read_inputs
from deportsim.model.stages.base import HISTORY_DAYS
from deportsim.parameters import ParameterSet, Resolved, load_parameters
from deportsim.scenarios import load_scenario
from deportsim.store.outputs import lock_output

TARGET = 1_000_000.0
START = dt.date(2026, 4, 1)
PROBABILITY = 0.9
REPLICATES = 100


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> tuple[Requirements, Path]:
    out = tmp_path_factory.mktemp("requirements")
    # from April 2026, after the published record the directive follows (what happened before
    # cannot be planned)
    cfg = api.RunConfig(
        scenario="directive-2025", years=2.0, replicates=REPLICATES, seed=0, start=START
    )
    req = api.requirements(
        cfg, [f"removals_per_year={TARGET:.0f}"], probability=PROBABILITY, out=out
    ).requirements
    return req, out


def _removals_per_year(national: dict[str, np.ndarray], first: int, end: int) -> np.ndarray:
    return np.asarray(national["removals"][:, first:end].sum(axis=1) * 365.25 / (end - first))


def test_every_year_is_met_with_the_probability_asked(found: tuple[Requirements, Path]) -> None:
    req, _ = found
    assert [req.status(r) for r in req.results] == ["met", "met"]
    for year in req.years:
        share = req.share_met(req.targets[0], year)
        assert share >= PROBABILITY, (year.number, share)


def test_an_independent_stochastic_run_reaches_the_target_with_that_probability(
    found: tuple[Requirements, Path],
) -> None:
    # the written scenario file, run with another seed: the share of replicates reaching the
    # target may differ from the searched seed's by sampling only; 3 binomial standard errors
    _, out = found
    cfg = api.RunConfig(
        scenario=str(out / "requirements-scenario.yaml"), years=2.0, replicates=REPLICATES, seed=1
    )
    sim = api.run(cfg).sim
    tolerance = 3 * math.sqrt(PROBABILITY * (1 - PROBABILITY) / REPLICATES)
    for year in years_of(START, sim.days):
        share = float(np.mean(_removals_per_year(sim.national, year.first, year.end) >= TARGET))
        assert share >= PROBABILITY - tolerance, (year.number, share)


def test_the_scenario_file_repeats_the_final_run_exactly(found: tuple[Requirements, Path]) -> None:
    req, out = found
    cfg = api.RunConfig(
        scenario=str(out / "requirements-scenario.yaml"), years=2.0, replicates=REPLICATES, seed=0
    )
    sim = api.run(cfg).sim
    np.testing.assert_array_equal(sim.national["removals"], req.sim.national["removals"])
    np.testing.assert_array_equal(sim.national["cost_total"], req.sim.national["cost_total"])


def test_requirements_json_follows_the_schema(found: tuple[Requirements, Path]) -> None:
    _, out = found
    data = json.loads((out / "requirements.json").read_text())
    assert data["scenario"] == "directive-2025"
    assert (data["probability"], data["from_year"], data["replicates"]) == (0.9, 1, 100)
    assert data["targets"] == [
        {
            "metric": "removals_per_year", "value": TARGET, "unit": "persons/year",
            "kind": "at_least", "meaning": data["targets"][0]["meaning"],
        }
    ]  # fmt: skip
    assert [(y["year"], y["from"], y["until"], y["days"]) for y in data["years"]] == [
        (1, "2026-04-01", "2027-04-01", 365),
        (2, "2027-04-01", "2028-03-31", 365),  # a 2-year run has 730 days
    ]
    for y in data["years"]:
        assert y["status"] == "met"
        assert y["reasons"] == []
        assert y["binding_before"] in {"officers", "reachable_population", "beds", "transport"}
        assert set(y["resources"]) == set(LEVERS)
        for name, r in y["resources"].items():
            assert r["unit"] == LEVERS[name].unit
            assert r["more"] == r["required"] - r["scenario"] >= 0
        # a million removals a year take more officers, beds and seats than the directive's
        for name in ("officers", "beds", "seats_per_day"):
            assert y["resources"][name]["more"] > 0, name
        reached = y["targets"]["removals_per_year"]
        assert reached["share_met"] >= 0.9
        assert reached["reached"]["p05"] <= reached["reached"]["p50"] <= reached["reached"]["p95"]
        assert reached["scenario"]["p50"] < TARGET <= reached["reached"]["p50"]
        cost = y["cost_usd"]
        assert set(cost["by_component"]) == {
            "officers", "arrests", "detention", "atd", "courts", "transport",
        }  # fmt: skip
        assert sum(cost["by_component"].values()) == pytest.approx(cost["total"]["mean"], abs=10)
        assert cost["more"] == pytest.approx(cost["total"]["mean"] - cost["scenario"], abs=1)
        assert y["flights_per_year"]["required"] > y["flights_per_year"]["scenario"]
    # every override raises a lever within one year, in the lever's unit
    assert data["overrides"]
    for ov in data["overrides"]:
        lever = next(lv for lv in LEVERS.values() if lv.path == ov["path"])
        assert ov["unit"] == lever.unit
        assert ov["from"] < ov["until"]


def test_more_target_never_needs_fewer_resources() -> None:
    prep = api.prepare(api.RunConfig(scenario="directive-2025", years=1.0, start=START))
    r = prep.resolved
    search = Search(
        lambda days: read_inputs(Resolved(r.params, r.start, days, r.overrides)),
        years_of(r.start, r.days),
    )
    year = search.years[0]
    levels = []
    for value in ("600000", "800000", "1000000", "1200000"):
        (target,) = parse_targets([f"removals_per_year={value}"])
        f = search.find({}, year, target, target.value)
        assert f.reachable
        assert f.value >= target.value
        levels.append(f.levels)
    for lower, higher in itertools.pairwise(levels):
        for name, value in lower.items():
            assert higher.get(name, 0.0) >= value, (name, lower, higher)
    assert levels[-1]["officers"] > levels[0].get("officers", 0.0)


def test_an_unreachable_target_says_why_and_years_before_from_year_keep_the_scenario(
    tmp_path: Path,
) -> None:
    cfg = api.RunConfig(scenario="directive-2025", years=2.0, replicates=5, seed=0, start=START)
    req = api.requirements(
        cfg, ["removals_per_year=40000000"], from_year=2, out=tmp_path
    ).requirements
    data = json.loads((tmp_path / "requirements.json").read_text())
    first, second = data["years"]
    assert (first["status"], second["status"]) == ("no_target", "unreachable")
    assert "removals_per_year reaches" in second["reasons"][0]
    for y in (first, second):
        assert all(r["more"] == 0 for r in y["resources"].values())
    assert req.plan.get(1, {}) == {}
    assert data["overrides"] == []


def test_years_are_365_25_days_each_rounded(start: dt.date) -> None:
    years = years_of(start, 1461)
    assert [(y.first, y.end) for y in years] == [(0, 365), (365, 731), (731, 1096), (1096, 1461)]
    assert years[1].start == dt.date(2026, 1, 20)
    short = years_of(start, round(2.5 * 365.25))
    assert [y.days for y in short] == [365, 366, 182]


def test_a_plan_never_lowers_the_scenario_and_its_overrides_give_the_same_inputs(
    params: ParameterSet,
) -> None:
    prep = api.prepare(api.RunConfig(scenario="directive-2025", years=2.0, start=START))
    years = years_of(prep.start, prep.days)
    # from April 2026 the directive has 75,000 beds, 100,000 from July: 90,000 raises only the
    # days before July; its 14,000 officers are below 16,000 in year 2, which are hired their
    # ramp-up ahead (so from before the run), and above 10,000 in year 1
    ramp = math.ceil(prep.inputs.officer_ramp)
    plan = {1: {"beds": 90_000.0, "officers": 10_000.0},
            2: {"officers": 16_000.0, "judges": 900.0}}  # fmt: skip
    x = apply(prep.inputs, plan, years)
    assert np.all(x.beds >= prep.inputs.beds)
    assert np.all(x.officers >= prep.inputs.officers)
    assert np.all(x.officers_history >= prep.inputs.officers_history)
    ovs = overrides(params, prep.inputs, plan, years, note="test")
    year2 = dt.date(2027, 4, 1)
    # year 1's 10,000 from its ramp-up before the run, until year 2's 16,000 take over from their
    # ramp-up before year 2
    expected = [
        (
            "arrests.officers",
            10_000.0,
            START - dt.timedelta(days=ramp),
            year2 - dt.timedelta(days=ramp),
        ),
        ("arrests.officers", 16_000.0, year2 - dt.timedelta(days=ramp), dt.date(2028, 3, 31)),
        ("courts.judges", 900.0, year2, dt.date(2028, 3, 31)),
        ("detention.bed_capacity", 90_000.0, dt.date(2026, 4, 1), dt.date(2026, 7, 1)),
    ]
    assert sorted((o.path, o.value, o.start, o.until) for o in ovs) == sorted(expected)
    again = read_inputs(Resolved(params, prep.start, prep.days, (*prep.resolved.overrides, *ovs)))
    for lever in LEVERS.values():
        np.testing.assert_array_equal(getattr(again, lever.field), getattr(x, lever.field))
    np.testing.assert_array_equal(again.officers_history[:HISTORY_DAYS],
                                  x.officers_history[:HISTORY_DAYS])  # fmt: skip


@pytest.mark.parametrize(
    ("args", "option"),
    [
        ([], "--target"),
        (["--target", "removals=5"], "--target"),
        (["--target", "removals_per_year"], "--target"),
        (["--target", "removals_per_year=lots"], "--target"),
        (["--target", "removals_per_year=-5"], "--target"),
        (["--target", "removals_per_year=5", "--target", "removals_per_year=6"], "--target"),
        (["--target", "removals_per_year=5", "--probability", "1"], "--probability"),
        (["--target", "removals_per_year=5", "--probability", "0"], "--probability"),
        (["--target", "removals_per_year=5", "--from-year", "5"], "--from-year"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    args: list[str], option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as info:
        main(["requirements", "directive-2025", "--years", "1", "--out", str(out), *args])
    err = capsys.readouterr().err
    assert info.value.code == 2, err
    assert option in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def test_cli_prints_the_table_by_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([
            "requirements", "directive-2025", "--target", "removals_per_year=800000",
            "--years", "1", "--replicates", "5", "--start", "2026-04-01", "--out", str(tmp_path),
        ])  # fmt: skip
    out = capsys.readouterr().out
    assert info.value.code == 0
    for text in ("year 1", "officers", "beds", "judges", "removal seats a day", "flights a year",
                 "cost a year", "median reached", "requirements.json"):  # fmt: skip
        assert text in out, text
    assert (tmp_path / "requirements.json").exists()


def test_with_drawn_parameters_the_scenario_file_repeats_the_run_and_needs_more(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI draws the parameters: `deportsim run` of its file repeats it exactly (also drawn).

    What the parameters' ranges add to the spread must be paid for: at probability 0.9, a year
    needs more officers than with the parameters fixed.
    """
    args = ["requirements", "directive-2025", "--target", "removals_per_year=800000",
            "--years", "1", "--replicates", "20", "--probability", "0.9",
            "--start", "2026-04-01"]  # fmt: skip
    for name, extra in (("drawn", []), ("fixed", ["--fixed-parameters"])):
        with pytest.raises(SystemExit) as info:
            main([*args, "--out", str(tmp_path / name), *extra])
        assert info.value.code == 0
    printed = capsys.readouterr().out
    assert "replicates draw the parameters" in printed
    assert "--fixed-parameters" in printed.split("Check:")[-1], "the fixed run's check says so"
    drawn, fixed = (json.loads((tmp_path / n / "requirements.json").read_text())
                    for n in ("drawn", "fixed"))  # fmt: skip
    assert drawn["intervals"]["include"] == ["process noise", "parameter uncertainty"]
    assert fixed["intervals"]["include"] == ["process noise"]
    officers = [d["years"][0]["resources"]["officers"]["required"] for d in (drawn, fixed)]
    assert officers[0] > officers[1] * 1.1, officers
    assert drawn["years"][0]["targets"]["removals_per_year"]["share_met"] >= 0.9

    cfg = api.RunConfig(
        scenario=str(tmp_path / "drawn" / "requirements-scenario.yaml"), years=1.0,
        replicates=20, seed=0, parameter_uncertainty=True, start=START, start_rule="latest",
    )  # fmt: skip  # --start DATE: from the latest data's state, as the command did
    sim = api.run(cfg).sim
    again = api.requirements(
        dataclasses.replace(cfg, scenario="directive-2025"), ["removals_per_year=800000"],
        probability=0.9,
    ).requirements  # fmt: skip
    np.testing.assert_array_equal(sim.national["removals"], again.sim.national["removals"])
    np.testing.assert_array_equal(sim.national["cost_total"], again.sim.national["cost_total"])


def test_writing_takes_the_folder_lock_and_removes_a_killed_writer_s_temporary_files(
    found: tuple[Requirements, Path], tmp_path: Path
) -> None:
    """Issue 19: requirements wrote without a folder lock, and a ``.NAME.PID.part`` left by a
    command killed mid-write stayed for good."""
    req, out = found
    scenario = load_scenario("directive-2025", load_parameters())
    folder = tmp_path / "req"
    folder.mkdir()
    stale = folder / ".requirements.json.999999999.part"  # no process has that id (above pid_max)
    stale.write_text("half a file")
    mine = folder / f".notes.txt.{os.getpid()}.part"  # a live process's: kept
    mine.write_text("being written")
    with lock_output(folder), pytest.raises(api.UserError, match="another deportsim run"):
        write_requirements(req, scenario, folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([stale.name, mine.name])
    written = write_requirements(req, scenario, folder)
    assert [p.name for p in written] == ["requirements-scenario.yaml", "requirements.json"]
    assert not stale.exists()
    assert mine.exists()
    again, first = (json.loads((f / "requirements.json").read_text()) for f in (folder, out))
    assert again["years"] == first["years"]


def test_a_year_on_the_published_record_cannot_be_planned(tmp_path: Path) -> None:
    # directive-2025 follows the record to March 2026: its year from 2025-01-20 is what happened
    cfg = api.RunConfig(scenario="directive-2025", years=2.0, replicates=2, seed=0)
    with pytest.raises(UserError) as info:
        api.requirements(cfg, ["removals_per_year=1000000"], from_year=1, out=tmp_path / "a")
    assert info.value.location is not None
    assert info.value.location.path == "--from-year"
    assert "choose --from-year 2" in info.value.message
    whole = dataclasses.replace(cfg, years=1.0)
    with pytest.raises(UserError) as info:
        api.requirements(whole, ["removals_per_year=1000000"], out=tmp_path / "b")
    assert info.value.location is not None
    assert info.value.location.path == "--start"
    assert not (tmp_path / "a").exists()
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("drawn", [False, True])
def test_runs_that_go_on_from_earlier_states_give_the_numbers_of_runs_from_day_0(
    drawn: bool,
) -> None:
    """Searches and confirmations reuse earlier runs' states (continued.py): nothing changes.

    With officers trained in 90 days (the record's fit is 730: a year's levels then change the
    two years before it, which leaves nothing to reuse in two years), year 2's runs go on from
    day 275 of earlier ones.
    """
    cfg = api.RunConfig(
        scenario="directive-2025", years=2.0, replicates=8, seed=3, start=START,
        parameter_uncertainty=drawn, sets=("arrests.new_officer_ramp_days=90",),
    )  # fmt: skip
    prep = api.prepare(cfg)
    (target,) = parse_targets(["removals_per_year=900000"])
    runs = [
        find_requirements(
            prep.resolved,
            (target,),
            probability=0.8,
            replicates=8,
            seed=3,
            parameter_uncertainty=drawn,
            reuse=reuse,
        )
        for reuse in (True, False)
    ]
    reused, fresh = runs
    assert reused.days_reused >= 275 * (fresh.mean_field_runs // 3)
    assert fresh.days_reused == 0
    assert reused.plan == fresh.plan
    assert [r.rounds for r in reused.results] == [r.rounds for r in fresh.results]
    assert reused.mean_field_runs == fresh.mean_field_runs
    for a, b in ((reused.sim, fresh.sim), (reused.own_sim, fresh.own_sim)):
        assert a.days == b.days == prep.resolved.days
        for name, values in b.national.items():
            np.testing.assert_array_equal(a.national[name], values, err_msg=name)
        for name, values in b.regional.items():
            np.testing.assert_array_equal(a.regional[name], values, err_msg=name)
