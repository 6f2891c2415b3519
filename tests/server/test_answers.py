"""Every verb's job over HTTP, small: its answer is the file the command line writes."""

from __future__ import annotations

import time

from live_server import Live, wait


def _done(live: Live, path: str, body: dict[str, object], timeout: float = 400.0) -> str:
    with live.client() as c:
        r = c.post(path, json=body)
        assert r.status_code in {200, 202}, r.text
        view = wait(c, r.json()["id"], timeout)
        assert view["status"] == "complete", view
        return str(view["id"])


def test_claims_requirements_estimates_report_backtest_forecast(live: Live) -> None:
    jobs = {
        "claims": _done(live, "/v1/claims", {"replicates": 2}),
        "requirements": _done(
            live,
            "/v1/requirements",
            {
                "targets": ["removals_per_year=400000"],
                "replicates": 2,
                "years": 1.0,
                "start": "2026-06-01",
            },
        ),
        "estimates": _done(live, "/v1/compare-estimates", {"replicates": 2, "years": 1.0}),
        "report": _done(live, "/v1/reports", {"replicates": 2, "years": 0.5}),
        "backtest": _done(live, "/v1/backtests", {}),
        "evaluation": _done(live, "/v1/forecast-evaluations", {"quick": True, "replicates": 2}),
        "forecast": _done(
            live, "/v1/forecasts", {"as_of": "2025-09-30", "months": 2, "replicates": 2}
        ),
    }
    with live.client() as c:
        claims = c.get(f"/v1/jobs/{jobs['claims']}/result").json()
        req = c.get(f"/v1/jobs/{jobs['requirements']}/result").json()
        est = c.get(f"/v1/jobs/{jobs['estimates']}/result").json()
        report = c.get(f"/v1/jobs/{jobs['report']}/result")
        backtest = c.get(f"/v1/jobs/{jobs['backtest']}/result").json()
        forecast = c.get(f"/v1/jobs/{jobs['forecast']}/result").json()
        evaluation = c.get(f"/v1/jobs/{jobs['evaluation']}/result").json()
        listed = {j["id"] for j in c.get("/v1/jobs", params={"limit": 500}).json()["jobs"]}
    assert {"id", "claim", "verdict", "result", "binding_constraint"} <= set(claims[0])
    assert {x["verdict"] for x in claims} <= {"supported", "not_supported", "depends"}
    assert "targets" in req or "years" in req
    assert est
    assert report.headers["content-type"].startswith("text/html")
    assert "<html" in report.text.lower()
    assert {"detained_adp", "book_outs"} <= set(backtest["series"])
    assert forecast["as_of"] == "2025-09-30"
    assert evaluation
    assert set(jobs.values()) <= listed


def test_status_is_computed_once_then_served(live: Live) -> None:
    with live.client() as c:
        first = c.get("/v1/status")
        if first.status_code == 202:
            wait(c, first.json()["id"])
        t = time.monotonic()
        served = c.get("/v1/status")
        took = time.monotonic() - t
    assert served.status_code == 200
    doc = served.json()
    assert doc
    assert isinstance(doc, dict)
    assert took < 5.0  # read from the job's file, not computed again


def test_a_bad_target_is_refused_at_once(live: Live) -> None:
    with live.client() as c:
        r = c.post("/v1/requirements", json={"targets": ["removals_per_decade=5"]})
    assert r.status_code == 422
    assert r.json()["location"]["path"] == "targets"
    assert "removals_per_year" in r.json()["detail"]


def test_a_search_on_the_published_record_is_refused_at_once(live: Live) -> None:
    with live.client() as c:
        before = c.get("/v1/health").json()["jobs_started"]
        r = c.post("/v1/requirements", json={"targets": ["removals_per_year=600000"], "years": 1})
        after = c.get("/v1/health").json()["jobs_started"]
    assert r.status_code == 422
    assert "published record" in r.json()["detail"]
    assert after == before
