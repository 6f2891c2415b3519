"""Scenario documents over HTTP: checked as the command line checks them, kept under their hash."""

from __future__ import annotations

from live_server import Live, wait

DOCUMENT = """\
name: fewer-beds
title: The directive with 80,000 beds
description: A what-if of the HTTP API's tests.
policy_sources:
  - publisher: deportsim tests
    title: A test scenario
    date: 2026-12-07
extends: directive-2025
overrides:
  - path: detention.bed_capacity
    value: 80000
    note: "Assumption for a test."
"""


def test_a_document_is_kept_under_its_hash_and_runs(live: Live) -> None:
    with live.client() as c:
        first = c.post("/v1/scenarios", json={"document": DOCUMENT})
        again = c.post("/v1/scenarios", json={"document": DOCUMENT})
        assert first.status_code == 201, first.text
        assert again.status_code == 200
        sid = first.json()["id"]
        assert sid == again.json()["id"]
        assert sid.startswith("sc-")
        assert len(sid) == 19
        assert first.json()["name"] == "fewer-beds"
        assert c.get(f"/v1/scenarios/{sid}").text == DOCUMENT
        listed = {s["id"]: s for s in c.get("/v1/scenarios").json()}
        assert listed[sid]["builtin"] is False
        assert listed["directive-2025"]["builtin"] is True
        assert "name: directive-2025" in c.get("/v1/scenarios/directive-2025").text
        run = c.post("/v1/runs", json={"scenario": sid, "replicates": 2, "years": 0.1})
        assert run.status_code == 202, run.text
        assert run.json()["scenarios"][sid] == first.json()["content_hash"]
        assert wait(c, run.json()["id"])["status"] == "complete"
        summary = c.get(f"/v1/runs/{run.json()['id']}/summary").json()
        params = c.get("/v1/parameters", params={"scenario": sid}).json()
    assert summary["scenario"] == "fewer-beds"
    assert summary["metrics"]["detention_capacity_peak"]["p50"] <= 80_000
    overridden = [r for r in params["parameters"] if r["path"] == "detention.bed_capacity"]
    assert overridden


def test_a_mistake_names_its_line_and_path(live: Live) -> None:
    broken = DOCUMENT.replace("value: 80000", "value: -80000")
    with live.client() as c:
        r = c.post("/v1/scenarios", json={"document": broken})
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["location"]["file"] == "document"
    assert problem["location"]["line"] == broken.splitlines().index("    value: -80000") + 1
    assert "document:" in problem["detail"]


def test_nothing_but_built_in_or_stored_scenarios_can_be_extended(live: Live) -> None:
    with live.client() as c:
        for base in ("/etc/passwd", "../../secret.yaml", "no-such-scenario"):
            r = c.post("/v1/scenarios",
                       json={"document": DOCUMENT.replace("directive-2025", base)})  # fmt: skip
            assert r.status_code == 422, (base, r.text)
            assert r.json()["location"]["path"] == "extends"


def test_person_level_documents_are_refused(live: Live) -> None:
    personal = DOCUMENT + "detainees:\n  - a_number: A123456789\n    date_of_birth: 1990-01-01\n"
    with live.client() as c:
        r = c.post("/v1/scenarios", json={"document": personal})
        stored = [s["id"] for s in c.get("/v1/scenarios").json() if not s["builtin"]]
    assert r.status_code == 422
    assert "identifies a person" in r.json()["detail"]
    assert r.json()["location"]["path"] == "detainees.0.a_number"
    assert all(c_id not in r.text for c_id in stored)


def test_parameters_as_json_and_csv(live: Live) -> None:
    with live.client() as c:
        as_json = c.get("/v1/parameters").json()
        as_csv = c.get("/v1/parameters", params={"format": "csv"})
        unknown = c.get("/v1/parameters", params={"scenario": "nope"})
    paths = {r["path"] for r in as_json["parameters"]}
    assert "detention.bed_capacity" in paths
    assert all(r["sources"] or r.get("assumption") for r in as_json["parameters"])
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.startswith("path,region,from,until,value,unit")
    assert unknown.status_code == 422


def test_person_level_request_bodies_are_refused_without_echoing_them(live: Live) -> None:
    with live.client() as c:
        before = c.get("/v1/health").json()["jobs_started"]
        field = c.post("/v1/runs", json={"replicates": 2, "a_number": "A123456789"})
        claims = {"replicates": 2, "seed": 1, "fixed_parameters": False, "x": "A987654321"}
        value = c.post("/v1/claims", json=claims)
        in_sets = c.post("/v1/previews", json={"sets": ["detention.bed_capacity=A123456789"]})
        after = c.get("/v1/health").json()["jobs_started"]
    for r in (field, value, in_sets):
        assert r.status_code == 422, r.text
        assert "aggregate public statistics only" in r.text
        assert "123456789" not in r.text
        assert "987654321" not in r.text
    assert field.json()["errors"][0]["message"].startswith("Value error, a_number: refused")
    assert after == before


def test_a_person_level_scenario_name_in_a_query_is_refused_without_echo(live: Live) -> None:
    with live.client() as c:
        r = c.get("/v1/parameters", params={"scenario": "A123456789"})
    assert r.status_code == 422
    assert "aggregate public statistics only" in r.text
    assert "123456789" not in r.text
