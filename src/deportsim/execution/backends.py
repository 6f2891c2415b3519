"""The two execution backends (local processes, a Dask distributed cluster) behind one call."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import resource_tracker
from typing import Any, Protocol, TypeVar

from deportsim.core.errors import Location, UserError
from deportsim.core.signals import check_stop, held

__all__ = [
    "SCHEDULER_ENV",
    "Backend",
    "DaskBackend",
    "LocalBackend",
    "Progress",
    "choose_backend",
    "interrupts_held",
    "run_tasks",
    "stop_workers",
    "worker_start",
]

A = TypeVar("A")
R = TypeVar("R")

#: Environment variable naming a Dask scheduler when ``--scheduler`` is not given.
SCHEDULER_ENV = "DEPORTSIM_SCHEDULER"

#: Times the local backend starts a new pool after a worker process died.
LOCAL_RETRIES = 2

#: ``progress(done, total)``: called once before the first task ends and after each one.
Progress = Callable[[int, int], None]

#: Seconds between a local worker's checks that the process that started it is still there.
PARENT_POLL_S = 0.25
#: Seconds between two looks at whether the command was asked to stop, while workers run.
STOP_POLL_S = 0.25


class Backend(Protocol):
    """Somewhere to run tasks: ``run`` calls ``on_result(i, fn(args[i]))`` for each task."""

    #: Workers the tasks can run on at once (for sizing batches); a guess for a cluster.
    workers: int

    @property
    def label(self) -> str:
        """Short description for progress lines, e.g. ``2 local processes``."""
        ...

    def connect(self) -> int:
        """Get ready to run (reach a cluster: UserError if it cannot); return :attr:`workers`."""
        ...

    def run(
        self,
        fn: Callable[[A], R],
        args: Sequence[A],
        on_result: Callable[[int, R], None],
        progress: Progress | None = None,
    ) -> None:
        """Run ``fn`` on every argument; hand each result to ``on_result`` as it ends."""
        ...


@dataclass
class LocalBackend:
    """Processes on this machine (``spawn``ed, so no state leaks from the parent).

    One worker runs the tasks in the calling process, one after the other: no process to start,
    and the same results.
    """

    workers: int

    @property
    def label(self) -> str:
        """E.g. ``2 local processes``."""
        return f"{self.workers} local process{'es' if self.workers != 1 else ''}"

    def connect(self) -> int:
        """Nothing to reach: the worker count."""
        return self.workers

    def run(
        self,
        fn: Callable[[A], R],
        args: Sequence[A],
        on_result: Callable[[int, R], None],
        progress: Progress | None = None,
    ) -> None:
        """Run every task; results reach ``on_result`` in the calling process."""
        total = len(args)
        if progress is not None:
            progress(0, total)
        if self.workers == 1 or total <= 1:
            for i, arg in enumerate(args):
                on_result(i, fn(arg))
                if progress is not None:
                    progress(i + 1, total)
            return
        ctx = multiprocessing.get_context("spawn")
        todo = dict(enumerate(args))
        done = 0
        for attempt in range(LOCAL_RETRIES + 1):
            pool = None
            try:
                # the pool made and its workers started with Ctrl-C and SIGTERM held: a worker
                # half-started (its process there, not yet in the pool) could not be stopped
                with interrupts_held():
                    pool = ProcessPoolExecutor(
                        max_workers=min(self.workers, len(todo)),
                        mp_context=ctx,
                        initializer=worker_start,
                        initargs=(os.getpid(),),
                    )
                    pending = {pool.submit(fn, a): i for i, a in todo.items()}
                while pending:
                    finished, _ = wait(pending, timeout=STOP_POLL_S, return_when=FIRST_COMPLETED)
                    check_stop()  # a stop asked for whose exception was lost
                    for fut in finished:
                        i = pending.pop(fut)
                        on_result(i, fut.result())
                        del todo[i]
                        done += 1
                        if progress is not None:
                            progress(done, total)
                # the workers end once idle; one still starting up (a loaded machine) is waited
                # for, and stopped with the rest if the run is stopped meanwhile
                pool.shutdown(wait=True)
                return
            except BaseException as exc:
                if pool is not None:
                    stop_workers(pool)  # finished work is kept; the rest is dropped at once
                    pool.shutdown(wait=True)
                # a worker process died (killed, out of memory): tasks are pure, so the
                # unfinished ones run again on a new pool and give the same results
                if not isinstance(exc, BrokenProcessPool) or attempt == LOCAL_RETRIES:
                    raise


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) and SIGTERM back while processes are started; deliver them after.

    In this process a signal waits until the block ends (:func:`deportsim.core.signals.held`,
    whichever thread the system hands it to), and the run then stops as it would have. A
    process started meanwhile inherits SIGINT blocked, so a Ctrl-C that reaches every process
    of the command while a worker is still starting up (importing, before :func:`worker_start`
    makes it ignore Ctrl-C) waits in the worker instead of killing it with a traceback, and is
    discarded there. Only the main thread holds signals; elsewhere the block runs as it is.
    """
    main = threading.current_thread() is threading.main_thread()
    block = hasattr(signal, "pthread_sigmask") and main
    with held(kept=False):
        # multiprocessing's resource tracker, started with the pool's first lock, unblocks
        # SIGINT itself when it has started: start it first
        resource_tracker.ensure_running()
        if block:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            if block:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def worker_start(parent: int) -> None:
    """Set up a local worker process: it ignores Ctrl-C and ends when ``parent`` does.

    Ctrl-C in a terminal reaches every process of the command; the parent alone handles it and
    stops its workers (:func:`stop_workers`). A worker starts with Ctrl-C held back
    (:func:`interrupts_held`); ignoring it discards one that came while it started up. A parent
    killed outright (SIGKILL, out of memory) cannot stop them: each worker notices it is gone (it
    has another parent then) within :data:`PARENT_POLL_S` and ends, rather than waiting for tasks
    forever.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_end_with, args=(parent,), name="parent", daemon=True).start()


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)  # the parent is gone: nobody will take this worker's results


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's worker processes now, the tasks they are running with them.

    For a run that stops (Ctrl-C, SIGTERM, an error): leaving the pool would otherwise wait for
    the running tasks to end, which may take as long as a whole batch. The futures are not
    cancelled first: the pool marks them broken itself (Python 3.11 fails on a cancelled one).
    """
    # the pool's own processes: Python has no public way to reach them before 3.14
    for process in list((pool._processes or {}).values()):
        process.terminate()


@dataclass
class DaskBackend:
    """An existing Dask distributed cluster, reached at its scheduler's address.

    Each task is submitted under a key derived from ``key_prefix`` and its index, so a task lost
    with a worker is run again on another (Dask's own retry of a dead worker's tasks) and the
    result is the same. Results come back to this process; workers need deportsim installed but
    no shared file system.
    """

    address: str
    key_prefix: str = "deportsim"
    timeout: float = 20.0
    workers: int = 0  # the scheduler's workers, once :meth:`connect` has reached it
    _client: Any = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """E.g. ``Dask cluster at tcp://10.0.0.5:8786 (2 workers)``."""
        return f"Dask cluster at {self.address} ({self.workers} workers)"

    def connect(self) -> int:
        """Reach the scheduler (UserError if it cannot be reached); return its worker count."""
        if self._client is None:
            from distributed import Client  # noqa: PLC0415 (only cluster runs need it)

            try:
                self._client = Client(self.address, timeout=self.timeout)  # type: ignore[no-untyped-call]
            except (OSError, TimeoutError) as exc:
                raise UserError(
                    f"cannot reach the Dask scheduler at {self.address}: {exc}", _SCHEDULER
                ) from None
            self.workers = len(self._client.scheduler_info(n_workers=-1).get("workers", {}))
        return self.workers

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster keeps running)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def run(
        self,
        fn: Callable[[A], R],
        args: Sequence[A],
        on_result: Callable[[int, R], None],
        progress: Progress | None = None,
    ) -> None:
        """Submit every task, then collect results as they end; disconnect at the end."""
        from distributed import as_completed  # noqa: PLC0415 (only cluster runs need it)

        self.connect()
        client = self._client
        try:
            total = len(args)
            if progress is not None:
                progress(0, total)
            # keys unique to this call: two sweeps on one cluster never share a task
            prefix = f"{self.key_prefix}-{secrets.token_hex(6)}"
            futures = {
                client.submit(fn, a, key=f"{prefix}-{i}", pure=False): i for i, a in enumerate(args)
            }
            done = 0
            try:
                for fut in as_completed(list(futures)):  # type: ignore[no-untyped-call]
                    try:
                        result = fut.result()
                    except ImportError as exc:
                        raise UserError(
                            f"a Dask worker cannot import the task ({exc}): install deportsim "
                            "(the same version) on every worker",
                            _SCHEDULER,
                        ) from None
                    on_result(futures[fut], result)
                    fut.release()  # the result is on this side now: free the worker's memory
                    done += 1
                    if progress is not None:
                        progress(done, total)
            except BaseException:
                client.cancel(list(futures))
                raise
        finally:
            self.close()


_SCHEDULER = Location("<command line>", path="--scheduler")


def choose_backend(
    workers: int | None = None, scheduler: str | None = None, key_prefix: str = "deportsim"
) -> Backend:
    """The backend a user asked for.

    ``scheduler`` (else the ``DEPORTSIM_SCHEDULER`` environment variable) names a Dask scheduler
    (``tcp://HOST:PORT``); otherwise ``workers`` local processes (default: every core). Raises
    UserError for a bad worker count, or for both a scheduler and a worker count.
    """
    address = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if workers is not None and workers < 1:
        raise UserError("workers must be at least 1", Location("<command line>", path="--workers"))
    if address is not None:
        if scheduler is not None and workers is not None:
            raise UserError(
                "give --workers or --scheduler, not both: a cluster's workers are its own",
                Location("<command line>", path="--workers"),
            )
        if "://" not in address:
            address = f"tcp://{address}"
        return DaskBackend(address, key_prefix=key_prefix)
    return LocalBackend(workers if workers is not None else (os.cpu_count() or 1))


def run_tasks(
    fn: Callable[[A], R],
    args: Sequence[A],
    on_result: Callable[[int, R], None],
    backend: Backend | None = None,
    progress: Progress | None = None,
) -> None:
    """Run ``fn(args[i])`` for every ``i`` on ``backend`` (default: every local core).

    ``fn`` must be importable by name (a module-level function of an installed package) and
    each argument picklable. ``on_result(i, result)`` is called in this process, in the order
    tasks end; an exception in a task stops the run and is raised here.
    """
    (backend or choose_backend()).run(fn, args, on_result, progress)
