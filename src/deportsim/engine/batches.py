"""Replicates in batches, run side by side on threads, with identical results.

:func:`over_threads` is the one place where replicates are split into batches and run on
threads: :func:`deportsim.engine.runs.simulate` splits its replicates between its
``threads``, :func:`deportsim.engine.runs.run_batches` runs fixed-size batches, and the pipeline
model (:func:`deportsim.model.pipeline.simulate`) runs its batches and turns their series into
the model's. Replicate ``i`` always draws from the random streams of ``(seed, i)``
(:mod:`deportsim.engine.rng`), so its numbers depend only on the seed and its own number: never
on the batch size, on how many threads run the batches or in what order.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from deportsim.core.signals import check_stop

__all__ = ["DEFAULT_BATCH", "over_threads"]

#: Replicates per batch: large enough that NumPy's per-call cost is shared, small enough to split.
DEFAULT_BATCH = 250

T = TypeVar("T")
#: Runs replicates ``r0 .. r1 - 1``; calls ``done(n)`` each time ``n`` more replicate-days are done.
BatchRunner = Callable[[int, int, Callable[[int], None]], T]


def over_threads(
    replicates: int,
    run_batch: BatchRunner[T],
    *,
    batch_size: int = DEFAULT_BATCH,
    threads: int | None = None,
    days: int = 1,
    on_day: Callable[[int], None] | None = None,
) -> list[T]:
    """Run replicates ``0 .. replicates - 1`` in batches side by side on threads.

    Each batch of ``batch_size`` replicates (the last may be smaller) runs on one thread as
    ``run_batch(r0, r1, done)``; ``threads`` of them run at once (default: one per core; the
    compiled loop releases the GIL). With a single batch or thread, batches run one after the
    other on the calling thread. On an error or Ctrl-C, batches not yet started are dropped, the
    running ones stop the next time they report progress (``done``), and then the error is raised.

    Args:
        replicates: How many replicates to run.
        run_batch: Runs replicates ``r0 .. r1 - 1``. It calls ``done(n)`` whenever ``n`` more
            replicate-days are done (from any thread: the count is kept under a lock).
        batch_size: Replicates per batch.
        threads: Batches run at once (default: the machine's cores).
        days: Days of each replicate, for the progress report.
        on_day: Called with ``t`` once for each day ``t`` of the whole run, in order, as soon as
            ``(t + 1) · replicates`` replicate-days are done.

    Returns:
        What ``run_batch`` returned for each batch, in batch order.

    Raises:
        ValueError: If ``replicates``, ``batch_size`` or ``threads`` is below 1.
    """
    threads = threads or os.cpu_count() or 1
    if replicates < 1 or batch_size < 1 or threads < 1:
        raise ValueError("replicates, batch_size and threads must be at least 1")
    progress = _Progress(on_day, replicates, days)
    starts = range(0, replicates, batch_size)

    def one(r0: int) -> T:
        return run_batch(r0, min(r0 + batch_size, replicates), progress.add)

    workers = min(threads, len(starts))
    if workers == 1:
        return [one(r0) for r0 in starts]
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        return list(pool.map(one, starts))
    except BaseException:
        # Ctrl-C or an error: the running batches end at their next progress report (a whole
        # batch may take as long as the run), those not yet started are dropped
        progress.stopped = True
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class _Stopped(Exception):  # noqa: N818 - not an error: the run it belongs to has stopped
    """Raised in a batch's thread when it reports progress after its run has stopped."""


class _Progress:
    """Replicate-days done by batches that run side by side, reported as days of the whole run."""

    def __init__(self, on_day: Callable[[int], None] | None, replicates: int, days: int) -> None:
        self.on_day, self.replicates, self.days = on_day, replicates, days
        self.done = 0  # replicate-days
        self.reported = 0  # days of the whole run reported
        self.lock = threading.Lock()
        self.stopped = False  # set when the run stops: the batches still running end

    def add(self, n: int) -> None:
        """Count ``n`` more replicate-days, and report the days of the whole run now done.

        Raises :class:`_Stopped` once the run has stopped, which ends the batch reporting, and
        :class:`~deportsim.core.signals.Interrupted` once the command was asked to stop.
        """
        check_stop()  # a stop asked for whose exception was lost (deportsim.core.signals)
        if self.stopped:
            raise _Stopped
        if self.on_day is None:
            return
        with self.lock:
            self.done += n
            whole = min(self.done // self.replicates, self.days)
            while self.reported < whole:
                self.reported += 1
                self.on_day(self.reported - 1)
