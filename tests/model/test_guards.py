"""Issue 19: values that are each allowed but impossible together, or beyond physics, are refused.

Each case is run through the command line (``deportsim.cli.app.main``) into a folder that already
holds a complete earlier result: it must exit 2 with one line naming the place at fault (the
``--set`` option, or the scenario's file, line and path), and leave that result byte for byte.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from deportsim.cli.app import main
from deportsim.core.errors import UserError
from deportsim.model import read_inputs
from deportsim.model.network import build, conflicts
from deportsim.parameters import PARAMETERS_DIR, ParameterSet, Resolved, parse_set

FAST = ("--replicates", "2", "--years", "0.1")
PREFIX = "deportsim: error: "

#: (--set text, names the one error line must contain) for every defect of issue 19.
SET_CASES = {
    # 1. cross-parameter checks, now made before anything is written
    "collateral_share": ("arrests.collateral_share=1", ("--set", "arrests.collateral_share",
                                                        "more than 1")),
    "court_shares": ("courts.relief_share=0.9", ("--set", "courts.relief_share", "more than 1")),
    "release_shares": ("detention.release_bond_share=0.9",
                       ("--set", "detention.release_bond_share", "more than 1")),
    "removal_modes": ("removal.land_share=0.99", ("--set", "removal.land_share", "more than 1")),
    "schooling_shares": ("economy.no_diploma_share=0.8",
                         ("--set", "economy.no_diploma_share", "more than 1")),
    "pools_over_population": ("population.convicted=2e7",
                              ("--set", "population.convicted", "more than the population")),
    "population_too_small": ("population.unauthorized_total=1e6",
                             ("--set", "population.unauthorized_total", "the population")),
    # 2. values that passed validation and then crashed the model
    "stay_cv_zero": ("detention.stay_cv=0", ("--set", "detention.stay_cv", "physical minimum")),
    "appeal_duration_zero": ("courts.appeal_duration=0",
                             ("--set", "courts.appeal_duration", "physical minimum")),
    "expedited_window_zero": ("population.expedited_window=0",
                              ("--set", "population.expedited_window", "physical minimum")),
    "stay_cv_huge": ("detention.stay_cv=1e9", ("--set", "detention.stay_cv", "physical maximum")),
    "jail_rate_huge": ("arrests.jail_transfer_rate=1e300",
                       ("--set", "arrests.jail_transfer_rate", "physical maximum")),
    "regions_all_zero": ("population.by_region_2014=0",
                         ("--set", "population.by_region_2014", "all zero")),
    # 3. impossible results with exit 0
    "seats_zero": ("removal.seats_per_flight=0",
                   ("--set", "removal.seats_per_flight", "physical minimum")),
    "billion_detained": ("detention.initial_detained_cbp=1e9",
                         ("--set", "detention.initial_detained_cbp", "physical maximum")),
    "children_huge": ("impacts.children_per_parent=1e300",
                      ("--set", "impacts.children_per_parent", "physical maximum")),
}  # fmt: skip

_SCENARIO = """\
name: broken-guard
title: A scenario with one impossible override
description: Made by tests/model/test_guards.py; its last override is impossible.
policy_sources:
  - publisher: deportsim tests
    title: a test scenario
    date: 2026
start: 2025-01-20
extends: baseline-fy2024
overrides:
  - path: arrests.target_per_day
    value: 400
    from: 2025-01-20
    note: a valid override first, so the bad one is not on the first line of the list
  - path: {path}
    value: {value}
    from: 2025-01-20
    note: the impossible one
"""

#: (override path, value, names the error line must contain) for scenario overrides.
SCENARIO_CASES = {
    "focus_weight_huge": ("arrests.focus_weight.LA", "1.0e+308",
                          ("arrests.focus_weight.LA", "physical maximum")),
    "collateral_share": ("arrests.collateral_share", "0.99",
                         ("arrests.collateral_share", "more than 1")),
    "pools_over_population": ("population.recent_entrants", "13000000",
                              ("population.recent_entrants", "more than the population")),
}  # fmt: skip
PATH_LINE, VALUE_LINE = 15, 16  # the lines of the impossible override's path and value
#: the line each case's error names: the value's for a value out of bounds, else the override's
SCENARIO_LINES = {"focus_weight_huge": VALUE_LINE}


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete valid result, made once; each test copies it to its own ``--out``."""
    out = tmp_path_factory.mktemp("earlier") / "out"
    with pytest.raises(SystemExit) as info:
        main(["run", "baseline-fy2024", *FAST, "--out", str(out)])
    assert info.value.code == 0
    return out


def _refused(args: list[str], earlier: Path, tmp: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``args`` into a copy of the earlier result; check exit 2, one line, bytes untouched."""
    out = tmp / "out"
    shutil.copytree(earlier, out)
    before = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(["run", *args, *FAST, "--out", str(out)])
    err = capsys.readouterr().err
    assert info.value.code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(PREFIX), err
    assert {p.name: p.read_bytes() for p in sorted(out.iterdir())} == before
    return lines[0]


@pytest.mark.parametrize("case", list(SET_CASES))
def test_set_is_refused_before_anything_is_written(
    case: str, earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, names = SET_CASES[case]
    line = _refused(["baseline-fy2024", "--set", text], earlier, tmp_path, capsys)
    assert line.startswith(f"{PREFIX}--set: "), line
    for name in names:
        assert name in line, (name, line)


@pytest.mark.parametrize("case", list(SCENARIO_CASES))
def test_scenario_override_is_refused_at_its_line(
    case: str, earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, value, names = SCENARIO_CASES[case]
    scenario = tmp_path / "broken-guard.yaml"
    scenario.write_text(_SCENARIO.format(path=path, value=value), encoding="utf-8")
    assert f"path: {path}" in scenario.read_text().splitlines()[PATH_LINE - 1]
    line = _refused([str(scenario)], earlier, tmp_path, capsys)
    at = SCENARIO_LINES.get(case, PATH_LINE)
    assert f"broken-guard.yaml:{at}: {path}" in line, line
    for name in names:
        assert name in line, (name, line)


def test_parameter_file_conflict_names_the_file(
    earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no override at fault, the parameter file's line is named."""
    folder = tmp_path / "params"
    shutil.copytree(PARAMETERS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    arrests = folder / "arrests.yaml"
    text = arrests.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = next(i for i, t in enumerate(lines) if t.startswith("  collateral_share:"))
    at = next(i for i in range(start, len(lines)) if lines[i].startswith("    values:")) + 1
    key, _, _ = lines[at].partition(":")
    lines[at] = f"{key}: 0.99\n"
    arrests.write_text("".join(lines), encoding="utf-8")
    line = _refused(["baseline-fy2024", "--parameters", str(folder)], earlier, tmp_path, capsys)
    assert f"arrests.yaml:{start + 1}: arrests.collateral_share" in line, line
    assert "more than 1" in line, line


def test_network_still_refuses_what_prepare_refuses(params: ParameterSet) -> None:
    """The model still refuses what prepare() refuses, for callers that do not prepare."""
    ov = parse_set(params, "arrests.collateral_share=1")
    x = read_inputs(Resolved(params, dt.date(2025, 1, 20), 30, (ov,)))
    assert [c.paths[0] for c in conflicts(x)] == ["arrests.collateral_share"]
    with pytest.raises(UserError, match="more than 1"):
        build(x)
