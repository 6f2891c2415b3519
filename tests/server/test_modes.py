"""Deployment modes and limits: read-only, CORS, jobs per client."""

from __future__ import annotations

from pathlib import Path

from live_server import running, wait


def test_a_read_only_server_serves_and_previews_but_writes_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with running(state, "--read-only") as server, server.client() as c:
        refused = [
            c.post("/v1/runs", json={"replicates": 2}),
            c.post("/v1/claims", json={}),
            c.post("/v1/scenarios", json={"document": "name: x\n"}),
            c.delete("/v1/jobs/run-00000000000000000000"),
        ]
        preview = c.post("/v1/previews", json={"years": 0.1})
        listed = c.get("/v1/jobs")
        no_cors = c.get("/v1/health", headers={"Origin": "https://newsroom.example"})
    for r in refused:
        assert r.status_code == 403, r.text
        assert r.json()["limit"] == "read-only"
    assert preview.status_code == 200
    assert "access-control-allow-origin" not in no_cors.headers  # CORS is off by default
    assert listed.json() == {"jobs": []}
    assert not any((state / "jobs").iterdir())
    assert not (state / "scenarios").exists()


def test_cors_is_off_unless_asked_and_jobs_per_client_are_bounded(tmp_path: Path) -> None:
    origin = "https://newsroom.example"
    args = ("--workers", "1", "--cors", origin, "--max-jobs-per-client", "1")
    with running(tmp_path / "state", *args) as server, server.client() as c:
        pre = c.options("/v1/runs", headers={"Origin": origin,
                                             "Access-Control-Request-Method": "POST"})  # fmt: skip
        other = c.get("/v1/health", headers={"Origin": "https://elsewhere.example"})
        first = c.post("/v1/runs", json={"replicates": 60, "years": 3.0})
        second = c.post("/v1/runs", json={"replicates": 60, "years": 3.0, "seed": 9})
        c.delete(f"/v1/jobs/{first.json()['id']}")
        wait(c, first.json()["id"])
    assert pre.headers["access-control-allow-origin"] == origin
    assert "access-control-allow-origin" not in other.headers
    assert first.status_code == 202
    assert second.status_code == 429
    assert second.json()["limit"] == "jobs_per_client <= 1"


def test_a_run_past_the_years_limit_is_refused_however_it_is_asked(tmp_path: Path) -> None:
    args = ("--workers", "1", "--max-years", "1")
    with running(tmp_path / "state", *args) as server, server.client() as c:
        by_years = c.post("/v1/runs", json={"years": 2})
        by_dates = c.post("/v1/runs", json={"start": "2026-01-01", "until": "2028-01-01"})
        to_term = c.post("/v1/runs", json={"start": "2026-01-01"})
        within = c.post("/v1/previews", json={"start": "2026-01-01", "until": "2026-06-01"})
        preview = c.post("/v1/previews", json={"years": 40})
        far = c.post("/v1/runs", json={"until": "2036-11-01"})  # from the latest data
    for r in (by_years, by_dates, to_term, preview, far):
        assert r.status_code == 422, r.text
        assert r.json()["limit"] == "years <= 1"
    assert within.status_code == 200


def test_a_job_past_its_time_is_stopped_and_fails_saying_so(tmp_path: Path) -> None:
    args = ("--workers", "1", "--job-timeout", "1")
    with running(tmp_path / "state", *args) as server, server.client() as c:
        rid = c.post("/v1/runs", json={"replicates": 100, "years": 4.0}).json()["id"]
        view = wait(c, rid, timeout=120)
        summary = c.get(f"/v1/runs/{rid}/summary")
    assert view["status"] == "failed"
    assert view["error"]["title"] == "timed out"
    assert summary.status_code == 409


def test_a_queued_job_cancelled_never_runs(tmp_path: Path) -> None:
    with running(tmp_path / "state", "--workers", "1") as server, server.client() as c:
        busy = c.post("/v1/runs", json={"replicates": 100, "years": 4.0}).json()["id"]
        queued = c.post("/v1/runs", json={"replicates": 100, "years": 4.0, "seed": 2}).json()["id"]
        cancelled = c.delete(f"/v1/jobs/{queued}")
        view = wait(c, queued, timeout=30)
        c.delete(f"/v1/jobs/{busy}")
        wait(c, busy)
    assert cancelled.status_code == 202
    assert view["status"] == "cancelled"
    assert view["progress"] is None  # no worker ever took it
