"""A last day before the run's first day is refused, naming --until (it was an internal error)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from deportsim import api


def test_a_run_that_would_end_before_it_starts_is_refused() -> None:
    cfg = api.RunConfig.latest("directive-2025", until=dt.date(2000, 1, 1), replicates=1)
    with pytest.raises(api.UserError, match="before the run's first day") as caught:
        api.prepare(cfg)
    assert caught.value.location is not None
    assert caught.value.location.path == "--until"


def test_the_command_says_so_in_one_line_with_exit_code_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "deportsim.cli", "run", "--until", "2000-01-01", "--replicates",
         "1"], capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "--until" in done.stderr
    assert "Traceback" not in done.stderr
