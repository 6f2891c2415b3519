"""Somewhere long-lived to run a server's jobs: local worker processes, or a Dask cluster.

A sweep runs its tasks and waits (:mod:`deportsim.execution.backends`); a server submits a job
whenever a request comes and is told when it ends. :class:`LocalPool` keeps ``workers`` processes
(``spawn``ed, warmed once at start: the modules imported and the compiled loop loaded), each
running one job at a time; :class:`DaskPool` submits to an existing cluster, whose workers need
deportsim installed and the server's state folder on a shared file system (a job writes its files
there). Either way :meth:`submit` returns a :class:`concurrent.futures.Future`.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import secrets
from collections.abc import Callable
from typing import Any, Protocol

from deportsim.core.errors import Location, UserError
from deportsim.execution.backends import (
    DaskBackend,
    interrupts_held,
    stop_workers,
    worker_start,
)

__all__ = ["SCHEDULER_TIMEOUT_ENV", "DaskPool", "JobPool", "LocalPool", "job_pool"]

#: Seconds a server tries to reach its Dask scheduler before it gives up (default 20).
SCHEDULER_TIMEOUT_ENV = "DEPORTSIM_SCHEDULER_TIMEOUT"


class JobPool(Protocol):
    """Runs one function call per job, off the caller's thread."""

    workers: int

    @property
    def label(self) -> str:
        """Where jobs run, in words."""
        ...

    def submit(self, fn: Callable[..., Any], *args: Any) -> concurrent.futures.Future[Any]:
        """Start ``fn(*args)``; its future."""
        ...

    def close(self) -> None:
        """Stop the workers (running jobs end with them)."""
        ...


def _warm_worker(parent: int, warm: Callable[[], object] | None) -> None:
    worker_start(parent)
    if warm is not None:
        warm()


class LocalPool:
    """``workers`` local processes; ``warm`` runs once in each as it starts."""

    def __init__(self, workers: int, warm: Callable[[], object] | None = None) -> None:
        if workers < 1:
            where = Location("<command line>", path="--workers")
            raise UserError("workers must be at least 1", where)
        self.workers = workers
        with interrupts_held():
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_worker,
                initargs=(os.getpid(), warm),
            )

    @property
    def label(self) -> str:
        """E.g. ``2 local processes``."""
        return f"{self.workers} local process{'es' if self.workers != 1 else ''}"

    def start(self) -> list[concurrent.futures.Future[Any]]:
        """Start every worker now (each warms up): one no-op job per worker."""
        return [self._pool.submit(os.getpid) for _ in range(self.workers)]

    def submit(self, fn: Callable[..., Any], *args: Any) -> concurrent.futures.Future[Any]:
        """Run ``fn(*args)`` in a worker process."""
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        """Stop the workers now, and their jobs."""
        stop_workers(self._pool)
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskPool:
    """An existing Dask distributed cluster, reached at ``address`` (as sweeps reach it)."""

    def __init__(self, address: str, timeout: float = 20.0) -> None:
        address = address if "://" in address else f"tcp://{address}"
        self._cluster = DaskBackend(address, key_prefix="deportsim-job", timeout=timeout)
        self.workers = self._cluster.connect()  # UserError naming --scheduler if unreachable

    @property
    def label(self) -> str:
        """E.g. ``Dask cluster at tcp://10.0.0.5:8786 (2 workers)``."""
        return self._cluster.label

    def submit(self, fn: Callable[..., Any], *args: Any) -> concurrent.futures.Future[Any]:
        """Submit ``fn(*args)`` to the cluster; a local future told when it ends."""
        key = f"{self._cluster.key_prefix}-{secrets.token_hex(8)}"
        remote = self._cluster._client.submit(fn, *args, key=key, pure=False)
        local: concurrent.futures.Future[Any] = concurrent.futures.Future()
        # the job's own cancellation (its cancel file) stops it on the cluster, queued or not
        local.set_running_or_notify_cancel()

        def done(fut: Any) -> None:
            try:
                local.set_result(fut.result())
            except BaseException as exc:  # noqa: BLE001 (handed to whoever waits on the job)
                local.set_exception(exc)

        remote.add_done_callback(done)
        return local

    def close(self) -> None:
        """Disconnect (the cluster keeps running)."""
        self._cluster.close()


def job_pool(
    workers: int | None = None,
    scheduler: str | None = None,
    warm: Callable[[], object] | None = None,
) -> LocalPool | DaskPool:
    """The pool a server asked for: a Dask cluster at ``scheduler``, else local processes.

    ``workers`` defaults to every core; both a scheduler and workers: UserError.
    """
    if scheduler is not None:
        if workers is not None:
            raise UserError(
                "give --workers or --scheduler, not both: a cluster's workers are its own",
                Location("<command line>", path="--workers"),
            )
        return DaskPool(scheduler, float(os.environ.get(SCHEDULER_TIMEOUT_ENV, "20")))
    return LocalPool(workers if workers is not None else (os.cpu_count() or 1), warm)
