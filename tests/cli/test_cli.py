"""The other CLI verbs: scenarios, params (table, json, csv), --version, --help."""

from __future__ import annotations

import csv
import io
import json

import pytest

from deportsim.cli.app import main
from deportsim.parameters import ParameterSet


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    assert info.value.code == 0, captured.err
    return captured.out


def test_scenarios_lists_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _main(capsys, "scenarios").splitlines()
    names = [
        "baseline-fy2024", "directive-2025", "one-million-a-year", "record-2012-pace",
        "sanctuary-at-large-only",
    ]  # fmt: skip
    assert [line.split()[0] for line in lines] == names
    assert "mass-deportation directive" in lines[1]
    # titles start in one column, after the longest name
    assert len({line.index(line.split()[1]) for line in lines}) == 1


def test_params_json_has_every_parameter_with_unit_and_source(
    capsys: pytest.CaptureFixture[str], params: ParameterSet
) -> None:
    rows = json.loads(_main(capsys, "params", "--format", "json"))
    assert {r["path"] for r in rows} == set(params.parameters)
    for row in rows:
        assert row["unit"], row["path"]
        assert row["values"], row["path"]
        if row["kind"] == "assumption":
            assert row["assumption"], row["path"]
            assert row["uncertainty"], row["path"]
        else:
            assert row["sources"], row["path"]


def test_params_with_a_scenario_shows_its_overrides(capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(_main(capsys, "params", "--scenario", "directive-2025", "--format", "json"))
    target = next(r for r in rows if r["path"] == "arrests.target_per_day")
    origins = [(v["from"], v["value"], v["origin"]) for v in target["values"]]
    assert origins == [
        ("2023-10-01", 310, "parameters"),
        ("2025-01-20", 665, "scenario directive-2025"),
        ("2025-05-28", 3000, "scenario directive-2025"),
    ]


def test_params_csv_has_one_row_per_value_and_region(
    capsys: pytest.CaptureFixture[str], params: ParameterSet
) -> None:
    rows = list(csv.DictReader(io.StringIO(_main(capsys, "params", "--format", "csv"))))
    coop = [r for r in rows if r["path"] == "arrests.cooperation"]
    assert [r["region"] for r in coop] == list(params.regions)
    assert {r["kind"] for r in rows} == {"sourced", "assumption", "calibrated"}
    stays = {r["path"]: r for r in rows if r["path"] == "detention.stay_cv_border"}
    assert stays["detention.stay_cv_border"]["kind"] == "calibrated"
    assert "calibrat" in stays["detention.stay_cv_border"]["source"].lower()
    beds = next(r for r in rows if r["path"] == "detention.bed_capacity")
    assert (beds["value"], beds["unit"]) == ("41500.0", "beds")
    assert "P.L. 118-47" in beds["source"]


def test_params_table_shows_assumptions_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    out = _main(capsys, "params")
    assert "ASSUMPTION" in out
    assert "detention.bed_capacity" in out


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(capsys, "--version").startswith("deportsim ")
    for verb in ("run", "scenarios", "params"):
        assert "Usage:" in _main(capsys, verb, "--help")
    assert "Commands" in _main(capsys)  # no arguments: the help
