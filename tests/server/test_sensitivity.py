"""``POST /v1/sensitivities``: which assumptions matter, as ``deportsim sensitivity``, over HTTP.

A small analysis (2 parameters, n = 4: 16 samples of 1 replicate over a quarter of a year) runs
in a second or two; the refusals are answered before anything runs.
"""

from __future__ import annotations

from typing import Any

from live_server import Live, wait

#: A small analysis: 4 × (2 + 2) = 16 samples.
SMALL: dict[str, Any] = {
    "scenario": "directive-2025",
    "metrics": ["removals_total"],
    "vary": ["arrests.collateral_share", "costs.bed_day=130:200"],
    "n": 4,
    "replicates": 1,
    "years": 0.25,
    "seed": 3,
}


def _problem(live: Live, body: dict[str, Any]) -> dict[str, Any]:
    with live.client() as c:
        r = c.post("/v1/sensitivities", json=body)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = r.json()
    return problem


def test_a_small_analysis_gives_the_indices_of_its_metric(live: Live) -> None:
    with live.client() as c:
        r = c.post("/v1/sensitivities", json=SMALL)
        assert r.status_code in {200, 202}, r.text
        view = wait(c, r.json()["id"], timeout=120)
        assert view["status"] == "complete", view
        result = c.get(f"/v1/jobs/{view['id']}/result")
        chart = c.get(f"/v1/jobs/{view['id']}/files/tornado-removals_total.png")
    assert view["kind"] == "sensitivity"
    assert str(view["id"]).startswith("sensitivity-")
    assert result.headers["content-type"] == "application/json"
    doc = result.json()
    assert (doc["scenario"], doc["base_samples"], doc["samples"], doc["replicates"]) == (
        "directive-2025", 4, 16, 1,
    )  # fmt: skip
    assert list(doc["metrics"]) == ["removals_total"]
    indices = doc["metrics"]["removals_total"]
    assert {p["path"] for p in indices["parameters"]} == {"arrests.collateral_share",
                                                          "costs.bed_day"}  # fmt: skip
    assert all({"S1", "S1_conf", "ST", "ST_conf"} <= set(p) for p in indices["parameters"])
    assert indices["top3"][0] == indices["parameters"][0]["path"]
    files = view["files"]
    assert isinstance(files, list)
    assert {"sensitivity.json", "summary.json", "tornado-removals_total.png"} <= set(files)
    assert "sweep.json" not in files  # it names the server's paths
    assert chart.headers["content-type"] == "image/png"
    progress = view["progress"]
    assert isinstance(progress, dict)
    assert progress["fraction"] == 1.0
    assert progress["replicate_days_done"] == progress["replicate_days_total"] > 0
    assert progress["replicate_days_total"] % 16 == 0  # 16 samples × 1 replicate × the days
    links = view["links"]
    assert isinstance(links, dict)
    assert "catalog" in links  # recorded in the server's catalog as a sensitivity analysis


def test_the_same_request_twice_is_one_job(live: Live) -> None:
    with live.client() as c:
        first = c.post("/v1/sensitivities", json=SMALL)
        wait(c, first.json()["id"], timeout=120)
        started = c.get("/v1/health").json()["jobs_started"]
        # the same question, its defaults spelled out and its years a whole-number float
        again = c.post("/v1/sensitivities", json={**SMALL, "years": 0.25, "start": None,
                                                   "sets": []})  # fmt: skip
        after = c.get("/v1/health").json()["jobs_started"]
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["status"] == "complete"
    assert after == started


def test_an_analysis_past_the_servers_runs_is_refused_naming_the_limit(live: Live) -> None:
    # every default parameter (about 60) at n = 1024: some 64,000 samples × 2 replicates
    problem = _problem(live, {"n": 1024})
    assert problem["title"] == "over a limit"
    assert problem["limit"] == "samples*replicates <= 10000"  # 10 × --max-replicates (1,000)
    assert "model runs, at most 10,000 on this server" in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["body.n"]


def test_an_analysis_past_the_servers_replicate_years_is_refused_naming_the_limit(
    live: Live,
) -> None:
    # within the runs (4,096 × 2), past the replicate-years: 8,192 runs × 10 years
    problem = _problem(live, {**SMALL, "n": 1024, "replicates": 2, "years": 10})
    assert problem["title"] == "over a limit"
    assert problem["limit"] == "samples*replicates*years <= 20000"  # 2 × 1,000 × 10 years
    assert "replicate-years, at most 20,000 on this server" in problem["detail"]


def test_bad_fields_are_refused_naming_them(live: Live) -> None:
    cases = {
        "body.n": {"n": 24},  # not a power of 2
        "body.replicates": {"replicates": 0},
        "body.metrics.1": {"metrics": ["removals_total", "removals_per_decade"]},
        "body.vary.0": {"vary": ["detention.beds", "costs.bed_day"]},
        "body.vary": {"vary": ["costs.bed_day"]},  # at least 2 parameters
        "body.workers": {"workers": 4},  # where it runs is the server's business
    }
    for field, body in cases.items():
        problem = _problem(live, body)
        assert problem["title"] == "invalid request", problem
        assert [e["field"] for e in problem["errors"]] == [field], problem
