"""Runs over HTTP on a live server: one computation per request, the library's numbers, results."""

from __future__ import annotations

import io
import json

import httpx
import pyarrow.parquet as pq

from deportsim import api
from live_server import Live, wait

SMALL = {"replicates": 4, "years": 0.25, "seed": 7}


def _started(c: httpx.Client) -> int:
    return int(c.get("/v1/health").json()["jobs_started"])


def test_the_same_request_twice_is_one_computation(live: Live) -> None:
    body = {**SMALL, "seed": 11}
    with live.client() as c:
        before = _started(c)
        first = c.post("/v1/runs", json=body)
        second = c.post("/v1/runs", json=body)
        assert first.status_code == 202
        assert second.status_code in {200, 202}
        assert first.json()["id"] == second.json()["id"]
        assert first.headers["location"] == f"/v1/runs/{first.json()['id']}"
        done = wait(c, first.json()["id"])
        assert done["status"] == "complete"
        third = c.post("/v1/runs", json=body)  # once complete: 200, the same run
        assert third.status_code == 200
        assert third.json()["id"] == first.json()["id"]
        assert _started(c) == before + 1
        # a different seed is a different question
        other = c.post("/v1/runs", json={**body, "seed": 12})
        assert other.json()["id"] != first.json()["id"]
        wait(c, other.json()["id"])
        assert _started(c) == before + 2


def test_a_run_gives_the_library_numbers_and_every_result_format(live: Live) -> None:
    with live.client() as c:
        r = c.post("/v1/runs", json=SMALL)
        rid = r.json()["id"]
        assert wait(c, rid)["status"] == "complete"
        summary = c.get(f"/v1/runs/{rid}/summary").json()
        assert c.get(f"/v1/jobs/{rid}/result").json() == summary
        metros_json = c.get(f"/v1/runs/{rid}/metros").json()["rows"]
        metros_csv = c.get(f"/v1/runs/{rid}/metros", params={"format": "csv"}).text
        index = c.get(f"/v1/runs/{rid}/series").json()
        series = c.get(f"/v1/runs/{rid}/series/detained", params={"region": "LA"}).json()
        csv_text = c.get(f"/v1/runs/{rid}/series/detained",
                         params={"region": "LA", "format": "csv"}).text  # fmt: skip
        parquet = c.get(f"/v1/runs/{rid}/series/detained",
                        params={"region": "LA", "format": "parquet"}).content  # fmt: skip
        png = c.get(f"/v1/runs/{rid}/charts/removals")
        svg = c.get(f"/v1/runs/{rid}/charts/removals", params={"format": "svg"})
        manifest = c.get(f"/v1/jobs/{rid}/files/manifest.json").json()
    cfg = api.RunConfig.latest("directive-2025", years=0.25, replicates=4, seed=7,
                               parameter_uncertainty=True)  # fmt: skip
    mine = api.run(cfg).summary
    assert summary["metrics"] == json.loads(json.dumps(mine["metrics"]))
    assert summary["regions"] == json.loads(json.dumps(mine["regions"]))
    assert manifest["status"] == "complete"
    la = summary["regions"]["LA"]["removals_total"]
    row = next(x for x in metros_json if x["region"] == "LA" and x["metric"] == "removals_total")
    assert row["p50"] == la["p50"]
    assert f"LA,removals_total,persons,{la['mean']}" in metros_csv
    assert index["kind"] == "quantiles"  # the API's default: daily bands
    assert "detained" in index["metrics"]
    assert "LA" in index["regions"]
    rows = series["rows"]
    assert rows[0]["date"] == summary["start"]
    assert len(rows) == summary["days"]
    assert all(x["p05"] <= x["p50"] <= x["p95"] for x in rows)
    assert csv_text.splitlines()[0] == "date,mean,p05,p50,p95,source"
    assert len(csv_text.splitlines()) == len(rows) + 1
    credit = csv_text.splitlines()[1].split(",", 5)[5]
    assert "deportsim" in credit
    assert "scenario directive-2025" in credit
    assert "4 replicates, seed 7" in credit
    assert metros_csv.splitlines()[0].endswith(",source")
    table = pq.read_table(io.BytesIO(parquet)).to_pylist()
    assert table == rows
    assert png.headers["content-type"] == "image/png"
    assert png.content[:4] == b"\x89PNG"
    assert svg.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in svg.content


def test_results_wait_for_the_run_and_events_follow_it(live: Live) -> None:
    with live.client() as c:
        rid = c.post("/v1/runs", json={"replicates": 20, "years": 1.0, "seed": 3}).json()["id"]
        early = c.get(f"/v1/runs/{rid}/summary")
        events = []
        with c.stream("GET", f"/v1/jobs/{rid}/events") as stream:
            name = None
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    name = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    events.append((name, json.loads(line.removeprefix("data: "))))
    if early.status_code != 200:  # the run may be done already on a fast machine
        assert early.status_code == 409
        assert early.headers["content-type"] == "application/problem+json"
    names = [n for n, _ in events]
    assert names[-1] == "end"
    assert set(names[:-1]) == {"progress"}
    assert events[-1][1]["status"] == "complete"
    fractions = [d["fraction"] for n, d in events if n == "progress" and d.get("fraction")]
    assert fractions == sorted(fractions)
    total = [d["replicate_days_total"] for n, d in events if d.get("replicate_days_total")]
    assert total
    assert total[-1] == 20 * round(365.25)


def test_a_cancelled_run_serves_nothing_and_is_computed_afresh_when_asked_again(
    live: Live,
) -> None:
    body = {"replicates": 60, "years": 3.0, "seed": 5}
    with live.client() as c:
        rid = c.post("/v1/runs", json=body).json()["id"]
        cancelled = c.delete(f"/v1/jobs/{rid}")
        assert cancelled.status_code == 202
        view = wait(c, rid)
        assert view["status"] == "cancelled"
        ended = c.delete(f"/v1/jobs/{rid}")
        assert ended.status_code == 409
        assert c.get(f"/v1/runs/{rid}/summary").status_code == 409
        before = _started(c)
        again = c.post("/v1/runs", json=body)
        assert again.status_code == 202
        assert again.json()["id"] == rid
        assert _started(c) == before + 1
        c.delete(f"/v1/jobs/{rid}")  # not needed here: spare the worker
        wait(c, rid)


def test_a_preview_is_the_mean_field_path(live: Live) -> None:
    with live.client() as c:
        r = c.post("/v1/previews", json={"years": 0.5, "sets": ["detention.bed_capacity=80000"]})
        assert r.status_code == 200
        summary = r.json()
        again = c.post("/v1/previews", json={"years": 0.5,
                                             "sets": ["detention.bed_capacity=80000"]})  # fmt: skip
    assert summary["mean_field"] is True
    assert summary["replicates"] == 1
    m = summary["metrics"]["detained_mean"]
    assert m["p05"] == m["p50"] == m["p95"] > 0
    assert again.json() == summary
    assert summary["days"] == round(0.5 * 365.25)


def test_mistakes_are_problem_documents_naming_the_field(live: Live) -> None:
    with live.client() as c:
        bad_set = c.post("/v1/runs", json={"sets": ["detention.beds=-5"]})
        unknown = c.post("/v1/runs", json={"scenario": "no-such-scenario"})
        too_many = c.post("/v1/runs", json={"replicates": 5_000})
        invalid = c.post("/v1/runs", json={"replicates": 0})
        not_json = c.post("/v1/runs", content=b"{", headers={"content-type": "application/json"})
        extra = c.post("/v1/runs", json={"replicate": 3})
        huge = c.post("/v1/scenarios", json={"document": "x" * 300_000})
        missing = c.get("/v1/runs/run-00000000000000000000")
        bad_id = c.get("/v1/runs/..%2Fetc")
    for r in (bad_set, unknown, too_many, invalid, not_json, extra, huge, missing, bad_id):
        assert r.headers["content-type"] == "application/problem+json", r.text
        assert "Traceback" not in r.text
    ((error,),) = [bad_set.json()["errors"]]
    assert error["field"] == "body.sets.0"
    assert error["message"] in bad_set.json()["detail"]
    assert bad_set.status_code == 422
    assert bad_set.json()["location"]["path"] == "sets.0"
    assert "detention.beds" in bad_set.json()["detail"]
    assert unknown.status_code == 422
    assert unknown.json()["location"]["path"] == "scenario"
    assert too_many.status_code == 422
    assert too_many.json()["limit"] == "replicates <= 1000"
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "body.replicates"
    assert not_json.status_code == 422
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["field"] == "body.replicate"
    assert huge.status_code == 413
    assert huge.json()["limit"].startswith("body_bytes")
    assert missing.status_code == 404
    assert bad_id.status_code in {404, 422}


def test_the_catalog_lists_shows_compares_and_exports_the_servers_runs(live: Live) -> None:
    with live.client() as c:
        for seed in (21, 22):
            wait(c, c.post("/v1/runs", json={**SMALL, "seed": seed}).json()["id"])
        views = [c.post("/v1/runs", json={**SMALL, "seed": s}).json() for s in (21, 22)]
        runs = c.get("/v1/catalog", params={"kind": "run", "limit": 500}).json()["runs"]
        ids = [r["id"] for r in runs if r["seed"] in {21, 22}]
        assert sorted(v["links"]["catalog"] for v in views) == sorted(
            f"/v1/catalog/{i}" for i in ids
        )
        assert len(ids) == 2
        shown = c.get(f"/v1/catalog/{ids[0]}").json()
        compared = c.get("/v1/catalog/compare", params={"ids": ids}).json()
        csv_text = c.get(f"/v1/catalog/{ids[0]}/export").text
        parquet = c.get(f"/v1/catalog/{ids[0]}/export", params={"format": "parquet"})
        unknown = c.get("/v1/catalog/20000101-000000-000000")
    assert shown["record"]["id"] == ids[0]
    text = json.dumps([runs, shown, compared])
    for private in ('"host"', '"pid"', '"cwd"', '"out"', str(live.state)):
        assert private not in text  # the server's own paths and processes are never sent
    assert "removals_total" in shown["metrics"]
    assert [r["id"] for r in compared["records"]] == ids
    assert "removals_total" in csv_text.splitlines()[0] or "removals_total" in csv_text
    assert parquet.content[:4] == b"PAR1"
    assert unknown.status_code in {404, 422}
    assert unknown.headers["content-type"] == "application/problem+json"
