"""A signal while a result is put in place waits until it is, then stops the command (issue 19).

Before, SIGTERM between moving a run's files into place and completing its catalog record left
the files complete and the record ``interrupted`` (found by benchmarks/kill_campaign.py).
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from deportsim.cli.app import interrupted_line
from deportsim.core.signals import held
from deportsim.run import RunConfig, prepare
from deportsim.store import save


class StopError(Exception):
    """What the test's handler raises, as the command line's raises ``Interrupted``."""


@pytest.fixture
def stopping() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`StopError` while the test runs."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise StopError

    old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for s, h in old.items():
        signal.signal(s, h)


@pytest.mark.usefixtures("stopping")
def test_a_signal_in_the_block_is_delivered_when_it_ends() -> None:
    done: list[str] = []

    def block() -> None:
        with held():
            os.kill(os.getpid(), signal.SIGTERM)
            done.append("the block went on")

    with pytest.raises(StopError) as info:
        block()
    assert done == ["the block went on"]
    assert getattr(info.value, "after_held", False)  # the command can say its results were kept
    with held():  # no signal, nothing raised; handlers restored
        pass
    with pytest.raises(StopError):
        os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.usefixtures("stopping")
def test_a_signal_while_a_run_is_recorded_leaves_files_and_record_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    finish = save.finish_run

    def finish_signalled(*args: Any, **kwargs: Any) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # arrives between the files and the record
        finish(*args, **kwargs)

    monkeypatch.setattr(save, "finish_run", finish_signalled)
    prep = prepare(RunConfig(scenario="baseline-fy2024", replicates=2, years=0.1))
    out = tmp_path / "out"
    with pytest.raises(StopError):
        save.save_run(prep, out, catalog=tmp_path / "catalog")
    (path,) = (tmp_path / "catalog" / "records").glob("*.json")
    assert json.loads(path.read_text())["status"] == "complete"
    assert '"status": "complete"' in (out / "manifest.json").read_text()
    assert not list(out.glob(".partial-*"))


def test_the_command_line_says_whether_results_were_kept() -> None:
    assert interrupted_line("SIGTERM", kept=False) == (
        "interrupted (SIGTERM); unfinished results were not kept"
    )
    assert interrupted_line("SIGINT", kept=True) == (
        "interrupted (SIGINT) as its results were put in place: they are complete and kept"
    )
