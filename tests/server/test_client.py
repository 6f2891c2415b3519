"""deportsim.client against a live server: runs, previews, scenarios, events, errors, cancel."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deportsim.client import ApiError, Client, JobError
from live_server import Live

STORED = """\
name: more-beds
title: The 2025 directive with 123,456 beds
description: directive-2025 with more detention beds, for the client's tests.
policy_sources:
  - publisher: deportsim tests
    title: A what-if, not a policy
    date: 2026-12
extends: directive-2025
overrides:
  - path: detention.bed_capacity
    value: 123456
    note: "Assumption: 123,456 beds."
"""


@pytest.fixture
def client(live: Live) -> Iterator[Client]:
    with Client(live.url, timeout=60) as c:
        yield c


def test_run_waits_for_its_summary_and_names_the_job_a_raw_post_names(
    live: Live, client: Client
) -> None:
    seen: list[dict[str, Any]] = []
    run = client.run("directive-2025", replicates=4, years=0.25, seed=101, on_progress=seen.append)
    assert (run.kind, run.status) == ("run", "complete")
    assert run.answer["replicates"] == 4
    assert "removals_total" in run.answer["metrics"]
    assert "summary.json" in run.files
    assert seen, "on_progress was told nothing"
    assert all("stage" in p and "status" in p for p in seen)
    with live.client() as raw:
        again = raw.post(
            "/v1/runs",
            json={"scenario": "directive-2025", "replicates": 4, "years": 0.25, "seed": 101},
        )
    assert again.status_code == 200  # ended already: the same job, not computed again
    assert again.json()["id"] == run.id
    assert client.summary(run.id) == run.answer


def test_a_runs_results_in_each_format(client: Client) -> None:
    run = client.run(seed=102, replicates=4, years=0.25)
    assert {"US", "LA"} <= set(client.series_index(run.id)["regions"])
    rows = client.series(run.id, "detained", region="LA")
    assert set(rows[0]) >= {"date", "mean", "p05", "p50", "p95"}
    assert client.series(run.id, "detained", format="csv").startswith("date,")
    assert client.series(run.id, "detained", format="parquet")[:4] == b"PAR1"
    assert client.metros(run.id)[0]["region"]
    assert client.metros(run.id, format="csv").startswith("region,")
    assert client.chart(run.id, "detained")[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in client.chart(run.id, "detained", format="svg")
    assert client.file(run.id, "timeseries.parquet")[:4] == b"PAR1"


def test_preview_answers_at_once_with_no_interval(client: Client) -> None:
    preview = client.preview("directive-2025", years=0.5)
    assert preview["mean_field"] is True
    removals = preview["metrics"]["removals_total"]
    assert removals["p05"] == removals["p50"] == removals["p95"] > 0


def test_a_stored_scenario_extends_a_builtin_one_and_runs(client: Client) -> None:
    stored = client.store_scenario(STORED)
    assert re.fullmatch(r"sc-[0-9a-f]{16}", stored.id)
    assert (stored.name, stored.title) == ("more-beds", "The 2025 directive with 123,456 beds")
    again = client.store_scenario(STORED)
    assert (again.id, again.created) == (stored.id, False)
    listed = {s["id"]: s for s in client.scenarios()}
    assert listed[stored.id]["builtin"] is False
    assert listed["directive-2025"]["builtin"] is True
    assert client.scenario(stored.id) == STORED
    beds = client.preview(stored.id, years=0.5)["metrics"]["detention_capacity_peak"]
    assert beds["p50"] == 123_456
    builtin = client.preview("directive-2025", years=0.5)["metrics"]["detention_capacity_peak"]
    assert builtin["p50"] != 123_456


def test_events_give_progress_then_the_end(client: Client) -> None:
    job = client.run(seed=103, wait=False, replicates=4, years=0.25)
    assert job["id"].startswith("run-")
    events = list(client.events(job["id"]))
    assert [e.event for e in events[:-1]] == ["progress"] * (len(events) - 1)
    assert len(events) >= 2
    end = events[-1]
    assert (end.event, end.data["id"], end.data["status"]) == ("end", job["id"], "complete")
    assert events[-2].data["status"] == "complete"


def test_an_error_answer_is_an_api_error_naming_the_field(client: Client) -> None:
    with pytest.raises(ApiError) as bad_set:
        client.run(sets=["detention.beds=100000"], replicates=4, years=0.25)
    assert (bad_set.value.status, bad_set.value.title) == (422, "invalid request")
    assert bad_set.value.fields == ["body.sets.0"]
    assert bad_set.value.location == {"file": "<request>", "path": "sets.0"}
    assert bad_set.value.instance == "/v1/runs"
    assert "unknown parameter path" in str(bad_set.value)
    with pytest.raises(ApiError) as bad_type:
        client.run(replicates=0, years=0.25)
    assert bad_type.value.status == 422
    assert bad_type.value.fields == ["body.replicates"]
    with pytest.raises(ApiError) as over:
        client.run(replicates=5000, years=0.25)
    assert (over.value.status, over.value.limit) == (422, "replicates <= 1000")
    with pytest.raises(ApiError) as missing:
        client.job("run-nothing-here")
    assert missing.value.status == 404


def test_a_cancelled_run_ends_cancelled_and_waiting_for_it_says_so(client: Client) -> None:
    job = client.run(replicates=200, years=4, seed=104, wait=False)
    asked = client.cancel(job["id"])
    assert asked["id"] == job["id"]
    with pytest.raises(JobError) as ended:
        client.wait(job["id"])
    assert (ended.value.status, ended.value.id) == ("cancelled", job["id"])
    assert "was cancelled" in str(ended.value)
    assert client.job(job["id"])["status"] == "cancelled"


class _NoEvents(httpx.HTTPTransport):
    """A transport whose event streams break, as behind a proxy that cuts long answers."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/events"):
            raise httpx.ReadError("the stream broke", request=request)
        return super().handle_request(request)


def test_waiting_polls_the_job_when_its_event_stream_breaks(live: Live) -> None:
    seen: list[dict[str, Any]] = []
    with Client(live.url, transport=_NoEvents(), poll_interval=0.05) as c:
        run = c.requirements(
            "directive-2025", targets=["removals_per_year=600000"], start="2026-04-01", years=1,
            replicates=4, seed=105, on_progress=seen.append,
        )  # fmt: skip
    assert run.status == "complete"
    assert run.answer["targets"][0]["metric"] == "removals_per_year"
    assert seen[-1]["status"] == "complete"


def test_an_answer_that_is_not_a_problem_document_is_still_an_api_error() -> None:
    def gateway(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>Bad gateway</html>", request=request)

    with Client(transport=httpx.MockTransport(gateway)) as c, pytest.raises(ApiError) as info:
        c.health()
    assert (info.value.status, info.value.title) == (502, "Bad Gateway")
    assert info.value.detail == "<html>Bad gateway</html>"


def test_status_waits_for_the_job_computing_it(client: Client) -> None:
    status = client.status()
    assert {"as_of", "now", "so_far"} <= set(status)


def test_the_client_imports_nothing_of_deportsim_but_itself() -> None:
    code = (
        "import json, sys\n"
        "import deportsim\n"  # the package itself: its version, nothing else
        "package = sorted(m for m in sys.modules if m.startswith('deportsim'))\n"
        "import deportsim.client\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('deportsim'))\n"
        "heavy = [m for m in ('numpy', 'pydantic', 'yaml', 'fastapi') if m in sys.modules]\n"
        "print(json.dumps({'package': package, 'loaded': loaded, 'heavy': heavy}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    found = json.loads(done.stdout)
    assert found["package"] == ["deportsim", "deportsim._version"]
    client = [m for m in found["loaded"] if m not in found["package"]]
    assert client
    assert all(m.split(".")[:2] == ["deportsim", "client"] for m in client), client
    assert found["heavy"] == []
