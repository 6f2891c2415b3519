"""A server killed mid-run: after a restart the run is interrupted, serves nothing, and is
computed afresh when asked for again; the runs that had ended are still there."""

from __future__ import annotations

import time
from pathlib import Path

from live_server import start, wait


def test_a_run_killed_with_its_server_is_interrupted_then_computed_afresh(tmp_path: Path) -> None:
    state = tmp_path / "state"
    server = start(state, "--workers", "1")
    try:
        with server.client() as c:
            done = c.post("/v1/runs", json={"replicates": 2, "years": 0.1}).json()["id"]
            wait(c, done)
            body = {"replicates": 100, "years": 3.0, "seed": 1}
            rid = c.post("/v1/runs", json=body).json()["id"]
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                progress = c.get(f"/v1/runs/{rid}").json()["progress"] or {}
                if progress.get("replicate_days_done", 0) > 0:
                    break
                time.sleep(0.05)
            assert c.get(f"/v1/runs/{rid}").json()["status"] == "running"
    finally:
        server.kill()
    server = start(state, "--workers", "1")
    try:
        with server.client() as c:
            view = c.get(f"/v1/runs/{rid}").json()
            assert view["status"] == "interrupted"
            assert view["error"]["title"] == "interrupted"
            for path in (f"/v1/runs/{rid}/summary", f"/v1/jobs/{rid}/result",
                         f"/v1/jobs/{rid}/files/summary.json"):  # fmt: skip
                assert c.get(path).status_code == 409
            assert c.get(f"/v1/runs/{done}").json()["status"] == "complete"
            assert c.get(f"/v1/runs/{done}/summary").status_code == 200
            again = c.post("/v1/runs", json=body)
            assert again.status_code == 202
            assert again.json()["id"] == rid
            assert c.get("/v1/health").json()["jobs_started"] == 1
            assert wait(c, rid)["status"] == "complete"
            summary = c.get(f"/v1/runs/{rid}/summary").json()
            assert summary["replicates"] == 100
    finally:
        server.stop()
