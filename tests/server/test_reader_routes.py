"""The API's resources for the web app: levers, a run's and a preview's answer, ICE's series."""

from __future__ import annotations

import csv
import io

from deportsim.api.levers import lever_specs
from live_server import Live, wait

SMALL = {"replicates": 4, "years": 0.25, "seed": 3}


def test_levers_give_the_scenarios_value_on_the_first_day_with_its_source(live: Live) -> None:
    with live.client() as c:
        found = c.get("/v1/levers", params={"scenario": "directive-2025"}).json()
        baseline = c.get("/v1/levers", params={"scenario": "baseline-fy2024"}).json()
    assert [lv["path"] for lv in found["levers"]] == [e["path"] for e in lever_specs()]
    by = {lv["path"]: lv for lv in found["levers"]}
    beds = by["detention.bed_capacity"]
    assert beds["unit"] == "beds"
    assert beds["origin"] == "scenario directive-2025"
    assert beds["note"]
    assert beds["minimum"] == 0
    assert beds["maximum"] is not None
    assert by["arrests.cooperation.LA"]["maximum"] == 1.0
    assert by["arrests.target_per_day"]["value"] == 3000
    base = {lv["path"]: lv for lv in baseline["levers"]}
    # the baseline holds FY2024's policy: fewer beds than the directive plans
    assert base["detention.bed_capacity"]["value"] < beds["value"]
    assert found["start"] == baseline["start"]


def test_levers_refuse_an_unknown_scenario_naming_it(live: Live) -> None:
    with live.client() as c:
        r = c.get("/v1/levers", params={"scenario": "no-such-scenario"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "scenario" in r.text


def test_a_runs_answer_is_its_summary_in_words(live: Live) -> None:
    with live.client() as c:
        rid = c.post("/v1/runs", json=SMALL).json()["id"]
        assert wait(c, rid)["status"] == "complete"
        view = c.get(f"/v1/runs/{rid}").json()
        answer = c.get(view["links"]["answer"]).json()
        summary = c.get(f"/v1/runs/{rid}/summary").json()
    assert answer["scenario"] == summary["scenario"]
    assert len(answer["bottom_line"]) == 3
    arrests = summary["metrics"]["arrests_per_day_mean"]
    assert f"{arrests['p50']:,.0f}" in answer["bottom_line"][0]
    figures = {f["metric"]: f for g in answer["groups"] for f in g["figures"]}
    for metric, f in figures.items():
        assert f["p50"] == summary["metrics"][metric]["p50"]
    assert [g["name"] for g in answer["groups"]] == [
        "Enforcement",
        "Human consequences",
        "Costs",
        "The economy",
    ]
    assert {c["metric"] for c in answer["charts"]} >= {"arrests", "detained", "removals"}


def test_a_previews_answer_has_no_interval_and_follows_the_levers(live: Live) -> None:
    body = {"years": 0.5}
    with live.client() as c:
        plain = c.post("/v1/previews/answer", json=body).json()
        more = c.post("/v1/previews/answer",
                      json={**body, "sets": ["arrests.officers=30000"]}).json()  # fmt: skip
        bad = c.post("/v1/previews/answer", json={**body, "sets": ["arrests.officerz=1"]})
    assert plain["mean_field"] is True
    assert "(expected path)" in plain["bottom_line"][0]
    f0 = {f["metric"]: f for g in plain["groups"] for f in g["figures"]}
    f1 = {f["metric"]: f for g in more["groups"] for f in g["figures"]}
    assert f0["arrests_total"]["p05"] == f0["arrests_total"]["p95"]
    assert f1["arrests_total"]["p50"] > f0["arrests_total"]["p50"]
    assert bad.status_code == 422
    assert "sets.0" in bad.text


def test_ices_monthly_series_as_json_and_csv_with_their_source(live: Live) -> None:
    with live.client() as c:
        first = c.get("/v1/status")
        if first.status_code == 202:
            wait(c, first.json()["id"])
        status = c.get("/v1/status").json()
        rows = c.get("/v1/status/monthly").json()["rows"]
        text = c.get("/v1/status/monthly", params={"series": "detained", "format": "csv"}).text
        png = c.get("/v1/status/chart")
    assert {r["series"] for r in rows} == set(status["monthly"])
    table = list(csv.DictReader(io.StringIO(text)))
    held = status["monthly"]["detained"]
    assert [float(r["value"]) for r in table] == [p["per_day"] for p in held]
    assert all(status["data"] in r["source"] for r in table)
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert set(status["goals"]) == set(status["monthly"]) == set(status["units"])
    assert {(r["series"], r["unit"]) for r in rows} == set(status["units"].items())
