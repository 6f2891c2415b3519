"""A real ``deportsim serve`` on a loopback port, for the HTTP API's tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

#: Seconds a server may take to answer its health check after it starts (workers warm up).
START_S = 180.0


def free_port() -> int:
    """A TCP port free on the loopback interface now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    """A running server: its address, state folder and process."""

    url: str
    state: Path
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, timeout: float = 60.0) -> httpx.Client:
        """An HTTP client for it."""
        return httpx.Client(base_url=self.url, timeout=timeout)

    def kill(self) -> None:
        """Kill the server outright (SIGKILL to its process group: it and its workers)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        """Stop the server as Ctrl-C would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()


def start(state: Path, *args: str, port: int | None = None) -> Live:
    """Start ``deportsim serve`` with ``state`` and ``args``; wait until it answers."""
    port = port or free_port()
    log = state.parent / f"{state.name}-server-{port}.log"
    state.mkdir(parents=True, exist_ok=True)
    if "--status-at-start" not in args:  # the status only where a test needs it (3 s of a worker)
        args = ("--no-status-at-start", *args)
    cmd = [sys.executable, "-m", "deportsim.cli", "serve", "--port", str(port),
           "--state", str(state), *args]  # fmt: skip
    with log.open("ab") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    live = Live(f"http://127.0.0.1:{port}", state, proc, log)
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{live.url}/v1/health", timeout=2).status_code == 200:
                return live
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    live.kill()
    raise RuntimeError(f"the server did not answer within {START_S:g} s")


@contextmanager
def running(state: Path, *args: str) -> Iterator[Live]:
    """A server for the block; stopped after it."""
    live = start(state, *args)
    try:
        yield live
    finally:
        live.stop()


ENDED = {"complete", "failed", "cancelled", "interrupted"}


def wait(client: httpx.Client, job_id: str, timeout: float = 300.0) -> dict[str, object]:
    """Poll a job until it ends; its view (AssertionError if it takes over ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view: dict[str, object] = client.get(f"/v1/jobs/{job_id}").json()
        if view["status"] in ENDED:
            return view
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not end within {timeout:g} s")
