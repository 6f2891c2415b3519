"""A Dask cluster on 127.0.0.1 (one scheduler, N single-threaded workers) for tests and benchmarks.

Each is a real ``dask scheduler`` / ``dask worker`` process started from this virtual
environment, on free ports, without nannies (so killing a worker really loses it).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DASK = str(Path(sys.executable).parent / "dask")


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Loopback:
    """A running loopback cluster: its scheduler address and worker processes."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        """Start one more worker (one thread, no nanny)."""
        proc = subprocess.Popen(
            [
                DASK,
                "worker",
                self.address,
                "--nthreads",
                "1",
                "--no-nanny",
                "--host",
                "127.0.0.1",
                "--dashboard-address",
                ":0",
                "--name",
                name,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
        self.workers.append(proc)
        return proc

    def wait_for_workers(self, n: int, timeout: float = 60.0) -> None:
        """Block until the scheduler has ``n`` workers."""
        from distributed import Client  # noqa: PLC0415 (only when a cluster is used)

        with Client(self.address, timeout=timeout) as client:
            client.wait_for_workers(n, timeout=timeout)

    def stop(self) -> None:
        """Stop every process of the cluster."""
        for proc in [*self.workers, self.scheduler]:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in [*self.workers, self.scheduler]:
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def loopback(workers: int = 2) -> Iterator[Loopback]:
    """A scheduler and ``workers`` workers on 127.0.0.1, stopped on exit."""
    port = free_port()
    sched = subprocess.Popen(
        [
            DASK,
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--dashboard-address",
            ":0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cluster = Loopback(f"tcp://127.0.0.1:{port}", sched)
    try:
        deadline = time.monotonic() + 30
        while True:  # the scheduler listens once it is up
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or sched.poll() is not None:
                    raise RuntimeError("the Dask scheduler did not start") from None
                time.sleep(0.2)
        for i in range(workers):
            cluster.start_worker(f"w{i}")
        cluster.wait_for_workers(workers)
        yield cluster
    finally:
        cluster.stop()
