"""A user's dated override that falls wholly outside the run is named, not silently ignored
(issue 19); the built-in scenarios' own later steps are not listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from deportsim.cli.app import main
from deportsim.run import RunConfig, prepare

SCENARIO = """\
name: outside-test
title: Officers added after the run ends
description: A scenario whose one override starts after a short run ends.
extends: directive-2025
policy_sources:
  - {publisher: The White House, title: Goal of arrests, date: 2025-05}
overrides:
  - path: arrests.officers
    value: 9000
    from: 2031-01-01
  - path: detention.bed_capacity
    value: 70000
    from: 2025-02-01
"""


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "outside.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_only_the_users_override_outside_the_run_is_listed(tmp_path: Path) -> None:
    path = _file(tmp_path)
    prep = prepare(RunConfig(scenario=str(path), replicates=1, years=0.1))
    assert prep.outside == (f"{path}:8: arrests.officers from 2031-01-01",)
    # a run long enough to reach 2031 lists nothing
    assert prepare(RunConfig(scenario=str(path), replicates=1, years=7)).outside == ()


def test_the_command_line_says_so_and_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["run", str(path), "--replicates", "1", "--years", "0.1", "--no-catalog",
              "--start", "2025-01-20", "--out", str(tmp_path / "out")])  # fmt: skip
    assert exc.value.code == 0
    err = capsys.readouterr().err
    assert "note: outside the run (2025-01-20 to 2025-02-25), so without effect: " in err
    assert "arrests.officers from 2031-01-01" in err
    assert "bed_capacity" not in err
