"""A signal while a result is put in place waits until it is, then stops the command (issue 19).

Before, SIGTERM between moving a run's files into place and completing its catalog record left
the files complete and the record ``interrupted`` (found by benchmarks/kill_campaign.py).
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from deportsim.cli.app import interrupted_line
from deportsim.core.signals import (
    Interrupted,
    check_stop,
    clear_stop,
    held,
    request_stop,
    stop_requested,
)
from deportsim.engine.batches import over_threads
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


@pytest.fixture
def discarding() -> Iterator[None]:
    """SIGTERM only notes a stop, as the command line's handler does when its exception is lost."""

    def note(signum: int, _frame: FrameType | None) -> None:
        request_stop(signum)

    old = signal.signal(signal.SIGTERM, note)
    clear_stop()
    yield
    clear_stop()
    signal.signal(signal.SIGTERM, old)


@pytest.mark.usefixtures("discarding")
def test_a_stop_whose_exception_was_lost_is_raised_when_the_held_block_ends() -> None:
    with pytest.raises(Interrupted) as info, held():
        os.kill(os.getpid(), signal.SIGTERM)
    assert info.value.signum == signal.SIGTERM
    assert getattr(info.value, "after_held", False)


@pytest.mark.usefixtures("discarding")
@pytest.mark.parametrize("threads", [1, 2])
def test_a_stop_whose_exception_was_lost_ends_the_batches_at_their_next_report(
    threads: int,
) -> None:
    reports: list[tuple[int, int]] = []
    signals = [signal.SIGTERM]  # sent once

    def batch(r0: int, r1: int, done: Callable[[int], None]) -> int:
        for day in range(10):
            if (r0, day) == (0, 3) and signals:
                os.kill(os.getpid(), signals.pop())
                deadline = time.monotonic() + 10
                while stop_requested() is None:  # noted by the main thread's handler
                    assert time.monotonic() < deadline
                    time.sleep(0.001)
            done(r1 - r0)
            reports.append((r0, day))
        return r1 - r0

    with pytest.raises(Interrupted):
        over_threads(4, batch, batch_size=2, threads=threads, days=10)
    assert (0, 3) not in reports  # the batch that saw the stop reported nothing more
    assert len(reports) < 20  # not every batch ran to its end
    clear_stop()
    check_stop()  # nothing asked for: nothing raised
    assert over_threads(4, batch, batch_size=2, threads=threads, days=10) == [2, 2]
