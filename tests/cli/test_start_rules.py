"""Where a command's first day and its state come from: ``--start DATE``, ``--start scenario``.

``deportsim run`` starts from the latest data; ``--start scenario`` gives the scenario's own start
and first-day values (the default run before issue 21). ``deportsim requirements`` starts from
the scenario's own start unless ``--start DATE`` asks for a day, which then starts from the
latest data's state as ``run`` does; either way its ``Check:`` line repeats its final run.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from deportsim.cli.app import main
from deportsim.run.config import DEFAULT_START


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as info:
        main([*args, "--no-catalog"])
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    return out


def test_run_from_the_scenarios_own_start_and_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _cli(capsys, "run", "directive-2025", "--start", "scenario", "--years", "0.1",
               "--replicates", "2", "--out", str(tmp_path))  # fmt: skip
    summary = json.loads((tmp_path / "summary.json").read_text())
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert (summary["start"], manifest["state"]) == (DEFAULT_START.isoformat(), None)
    assert "state:" not in out


@pytest.mark.parametrize(
    ("start", "first"),
    [
        (("--years", "2"), "scenario"),
        (("--years", "2", "--fixed-parameters"), "scenario"),
        (("--years", "1", "--start", "2026-04-01"), "2026-04-01"),
    ],
)
def test_the_requirements_check_line_repeats_its_final_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], start: tuple[str, ...], first: str
) -> None:
    out = _cli(capsys, "requirements", "directive-2025", "--target", "removals_per_year=700000",
               "--replicates", "3", *start, "--out", str(tmp_path / "req"))  # fmt: skip
    check = next(line for line in out.splitlines() if line.startswith("Check: "))
    args = shlex.split(check.removeprefix("Check: deportsim "))
    assert args[args.index("--start") + 1] == first
    found = json.loads((tmp_path / "req" / "requirements.json").read_text())
    run = _cli(capsys, *args, "--out", str(tmp_path / "check"))
    summary = json.loads((tmp_path / "check" / "summary.json").read_text())
    assert summary["start"] == found["start"]
    # the last year's removals in each replicate of the check run: the search's final run's
    year = found["years"][-1]
    table = pq.read_table(tmp_path / "check" / "timeseries.parquet").to_pandas()
    table = table[(table["metric"] == "removals") & (table["region"] == "US")]
    days = pd.to_datetime(table["date"])
    inside = (days >= pd.Timestamp(year["from"])) & (days < pd.Timestamp(year["until"]))
    per_replicate = table[inside].groupby("replicate")["value"].sum().to_numpy()
    reached = year["targets"]["removals_per_year"]["reached"]["p50"]
    # requirements.json rounds to a cent of a person a year
    assert np.median(per_replicate) * 365.25 / year["days"] == pytest.approx(reached, abs=0.02)
    # from a date, the run and the search both start from the latest data's state
    assert ("state: the people held on the first day" in run) == (first != "scenario")


def test_a_report_from_a_date_says_where_its_first_day_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = {}
    for name, start in (("latest", ("--start", "2026-04-01")), ("own", ())):
        _cli(capsys, "report", "directive-2025", *start, "--years", "0.1", "--replicates", "2",
             "--no-claims", "--out", str(tmp_path / name))  # fmt: skip
        pages[name] = (tmp_path / name / "report.html").read_text(encoding="utf-8")
    assert "From 1 April 2026, the first day's state:" in pages["latest"]
    assert "carried forward by the model from 2025-01-20" in pages["latest"]
    assert "the first day's state" not in pages["own"]  # the scenario's own values
