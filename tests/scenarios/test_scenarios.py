"""Scenarios: built-ins load and cite their policy; user files extend them."""

from __future__ import annotations

from pathlib import Path

import pytest

from deportsim.core.errors import UserError
from deportsim.parameters import ParameterSet
from deportsim.scenarios import builtin_scenarios, load_scenario


def test_builtin_scenarios_load_with_sources(params: ParameterSet) -> None:
    names = builtin_scenarios()
    assert {"baseline-fy2024", "directive-2025"} <= set(names)
    for name in names:
        sc = load_scenario(name, params)
        assert sc.name == name, "a built-in scenario's name must match its file name"
        assert sc.sources, f"{name} must cite the policy it represents"
        assert sc.builtin


def test_directive_sets_the_3000_goal_from_may_2025(params: ParameterSet) -> None:
    sc = load_scenario("directive-2025", params)
    goal = [o for o in sc.overrides if o.path == "arrests.target_per_day" and o.value == 3000]
    assert len(goal) == 1
    assert goal[0].start is not None
    assert goal[0].start.isoformat() == "2025-05-28"


def _write(path: Path, extends: str, value: float) -> Path:
    path.write_text(
        f"""\
name: my-test
title: A user's scenario
description: More beds on top of the directive, for a test.
policy_sources:
  - {{publisher: Test, title: A test policy, date: 2026}}
extends: {extends}
overrides:
  - path: detention.bed_capacity
    value: {value}
    from: 2026-01-01
""",
        encoding="utf-8",
    )
    return path


def test_a_user_file_extends_a_builtin(params: ParameterSet, tmp_path: Path) -> None:
    base = load_scenario("directive-2025", params)
    mine = load_scenario(str(_write(tmp_path / "mine.yaml", "directive-2025", 150000)), params)
    assert mine.overrides[: len(base.overrides)] == base.overrides
    assert mine.overrides[-1].value == 150000
    assert not mine.builtin


def test_content_hash_follows_the_content(params: ParameterSet, tmp_path: Path) -> None:
    a = load_scenario(str(_write(tmp_path / "a.yaml", "directive-2025", 1)), params)
    b = load_scenario(str(_write(tmp_path / "b.yaml", "directive-2025", 2)), params)
    a2 = load_scenario(str(_write(tmp_path / "a2.yaml", "directive-2025", 1)), params)
    assert a.content_hash != b.content_hash
    assert a.content_hash == a2.content_hash


def test_extends_cycle_is_refused(params: ParameterSet, tmp_path: Path) -> None:
    path = _write(tmp_path / "loop.yaml", str(tmp_path / "loop.yaml"), 1)
    with pytest.raises(UserError, match="cycle"):
        load_scenario(str(path), params)


def test_unknown_scenario_lists_the_builtins(params: ParameterSet) -> None:
    with pytest.raises(UserError, match="baseline-fy2024"):
        load_scenario("no-such-scenario", params)


def test_a_folder_named_like_a_builtin_does_not_hide_it(
    params: ParameterSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "directive-2025").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load_scenario("directive-2025", params).builtin


def test_extends_a_file_relative_to_the_extending_file(
    params: ParameterSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "sc"
    folder.mkdir()
    _write(folder / "base.yaml", "directive-2025", 1000)
    _write(folder / "top.yaml", "base.yaml", 2000)
    monkeypatch.chdir(tmp_path)
    top = load_scenario("sc/top.yaml", params)
    assert [o.value for o in top.overrides[-2:]] == [1000, 2000]


def test_start_is_inherited_through_extends(params: ParameterSet, tmp_path: Path) -> None:
    mine = load_scenario(str(_write(tmp_path / "m.yaml", "directive-2025", 1)), params)
    assert mine.start is not None
    assert mine.start.isoformat() == "2025-01-20"


def test_quoted_dates_are_dates(params: ParameterSet, tmp_path: Path) -> None:
    path = _write(tmp_path / "q.yaml", "directive-2025", 1)
    path.write_text(path.read_text().replace("from: 2026-01-01", 'from: "2026-01-01"'))
    last = load_scenario(str(path), params).overrides[-1]
    assert last.start is not None
    assert last.start.isoformat() == "2026-01-01"


def test_override_notes_are_kept(params: ParameterSet) -> None:
    sc = load_scenario("directive-2025", params)
    goal = next(o for o in sc.overrides if o.value == 3000)
    assert goal.note == "White House goal of at least 3,000 arrests a day (May 2025)."


def test_sanctuary_scenario_moves_focus_city_arrests_at_large(params: ParameterSet) -> None:
    from deportsim import RunConfig, execute, prepare  # noqa: PLC0415
    from deportsim.model import SimResult  # noqa: PLC0415

    sc = load_scenario("sanctuary-at-large-only", params)
    own = {(o.path, o.region, o.value) for o in sc.overrides if "sanctuary" in o.origin}
    assert own == {("arrests.cooperation", r, 0.0) for r in ("LA", "NY", "CHI")}

    def run(name: str) -> SimResult:
        return execute(prepare(RunConfig(scenario=name, replicates=3, years=1.0), params)).sim

    sims = {name: run(name) for name in ("directive-2025", "sanctuary-at-large-only")}
    directive, sanctuary = sims.values()
    focus = [directive.regions.index(r) for r in ("LA", "NY", "CHI")]
    others = [g for g in range(len(directive.regions)) if g not in focus]
    custodial = [sim.region("arrests_custodial") for sim in (directive, sanctuary)]
    assert custodial[0][:, :, focus].sum() > 0
    assert custodial[1][:, :, focus].sum() == 0, "no jail transfers in the focus metros"
    # elsewhere jails transfer as before (same parameters, other random draws): within 2%
    assert abs(custodial[1][:, :, others].sum() / custodial[0][:, :, others].sum() - 1) < 0.02
    at_large = [sim.national["arrests_at_large"].sum() for sim in (directive, sanctuary)]
    assert at_large[1] > at_large[0], "officers make up for lost transfers"
    # at-large arrests take more officer effort, so fewer arrests in all
    total = [sim.national["arrests"].sum() for sim in (directive, sanctuary)]
    assert total[1] < total[0]
