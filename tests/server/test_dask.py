"""A server whose jobs run on a Dask cluster (a scheduler and a worker on 127.0.0.1)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from live_server import running, wait

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from loopback import Loopback, loopback


@pytest.fixture(scope="module")
def cluster() -> Iterator[Loopback]:
    with loopback(1) as c:
        yield c


def test_jobs_run_on_the_cluster_with_the_same_numbers(cluster: Loopback, tmp_path: Path) -> None:
    body = {"replicates": 3, "years": 0.2, "seed": 4}
    with running(tmp_path / "dask", "--scheduler", cluster.address) as server, server.client() as c:
        health = c.get("/v1/health").json()
        rid = c.post("/v1/runs", json=body).json()["id"]
        assert wait(c, rid)["status"] == "complete"
        remote = c.get(f"/v1/runs/{rid}/summary").json()
        long = c.post("/v1/runs", json={"replicates": 100, "years": 4.0}).json()["id"]
        c.delete(f"/v1/jobs/{long}")
        cancelled = wait(c, long)
    with running(tmp_path / "local", "--workers", "1") as server, server.client() as c:
        rid_local = c.post("/v1/runs", json=body).json()["id"]
        wait(c, rid_local)
        local = c.get(f"/v1/runs/{rid_local}/summary").json()
    assert health["workers"] == f"Dask cluster at {cluster.address} (1 workers)"
    assert rid_local == rid
    assert remote["metrics"] == local["metrics"]
    assert cancelled["status"] == "cancelled"


def test_an_unreachable_scheduler_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    import subprocess  # noqa: PLC0415 (only this test runs the command itself)

    done = subprocess.run(
        [sys.executable, "-m", "deportsim.cli", "serve", "--scheduler", "tcp://127.0.0.1:9",
         "--state", str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "DEPORTSIM_SCHEDULER_TIMEOUT": "2"},
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "cannot reach the Dask scheduler" in done.stderr
