"""Sweeps on a real Dask cluster (a scheduler and two workers on 127.0.0.1) equal local ones."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from deportsim import api
from deportsim.analysis.sweeps import sweep as sw

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from loopback import Loopback, loopback

EXE = str(Path(sys.executable).parent / "deportsim")
VARY = ("arrests.at_large_arrests_per_officer_day=0.08:0.25", "removal.delay_days=30:180")
CFG = api.RunConfig(scenario="directive-2025", replicates=2, seed=11, years=1.0)
SAMPLES = 16


@pytest.fixture(scope="module")
def cluster() -> Iterator[Loopback]:
    with loopback(2) as c:
        yield c


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> sw.SweepRun:
    ex = api.Execution(out=tmp_path_factory.mktemp("local"), workers=1)
    return api.sweep(CFG, VARY, samples=SAMPLES, execution=ex)


def _cli(out: Path, *extra: str) -> list[str]:
    return [
        EXE,
        "sweep",
        CFG.scenario,
        "--vary",
        VARY[0],
        "--vary",
        VARY[1],
        "--samples",
        str(SAMPLES),
        "--replicates",
        str(CFG.replicates),
        "--seed",
        str(CFG.seed),
        "--years",
        str(CFG.years),
        "--out",
        str(out),
        *extra,
    ]


def _folder(out: Path) -> Path:
    (folder,) = out.glob("sweep-*")
    return folder


def test_a_sweep_on_the_cluster_equals_the_local_one(
    cluster: Loopback, local: sw.SweepRun, tmp_path: Path
) -> None:
    # the scheduler named by the environment, as on a cluster's login node
    env = {**os.environ, "DEPORTSIM_SCHEDULER": cluster.address}
    done = subprocess.run(_cli(tmp_path), capture_output=True, text=True, check=True, env=env)
    assert f"on Dask cluster at {cluster.address} (2 workers)" in done.stderr
    folder = _folder(tmp_path)
    remote = pq.read_table(folder / "results.parquet")
    assert remote.equals(pq.read_table(local.folder.path / "results.parquet"))
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["results_sha256"] == local.summary["results_sha256"]
    assert summary["timing"]["backend"].startswith("Dask cluster")


def test_a_sweep_survives_a_worker_killed_midway_with_identical_results(
    cluster: Loopback, local: sw.SweepRun, tmp_path: Path
) -> None:
    """SIGKILL one worker once batches are coming in: its tasks run again on the other."""
    log = tmp_path / "stderr.txt"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            _cli(tmp_path / "out", "--scheduler", cluster.address, "--batch-size", "1"),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob("out/sweep-*/batches/batch-*.parquet"))) < 2:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline
            time.sleep(0.02)
        victim = cluster.workers[0]
        victim.send_signal(signal.SIGKILL)
        at_kill = len(list(tmp_path.glob("out/sweep-*/batches/batch-*.parquet")))
        victim.wait()
        assert proc.wait(timeout=120) == 0, log.read_text()
    folder = _folder(tmp_path / "out")
    assert at_kill < SAMPLES  # the worker died with work left to do
    assert len(list(folder.glob("batches/batch-*.parquet"))) == SAMPLES
    remote = pq.read_table(folder / "results.parquet")
    assert remote.equals(pq.read_table(local.folder.path / "results.parquet"))
    status = json.loads((folder / "sweep.json").read_text())
    assert status["status"] == "complete"
