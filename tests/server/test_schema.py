"""The HTTP API against its own OpenAPI document: Schemathesis generates requests for every
operation (valid and invalid: the document's examples, its coverage cases, then random ones) and
checks each answer: never a 5xx, only documented status codes and content types, bodies that match
the documented schemas, an ``Allow`` header on every 405.

The server runs with tight limits (one worker, at most 2 replicates and 0.1 years, two jobs per
client), so fuzzing can start only small jobs; the fuzz never waits for them (a job still queued is
fine). Path parameters are drawn from the generated values and from real ones (jobs complete and
cancelled, their files and series, a stored scenario, catalog runs): result routes are reached too.

20 random examples per operation by default, deterministic (``derandomize``): about 1,850 cases,
35 s on 2 cores with the server's start. A larger campaign (200 examples: about 7,000 cases,
3 minutes)::

    DEPORTSIM_FUZZ_API_EXAMPLES=200 DEPORTSIM_FUZZ_API_KEEP_GOING=1 \\
        DEPORTSIM_FUZZ_API_LOG=build/api-fuzz.json \\
        .venv/bin/python -m pytest tests/server/test_schema.py -p no:cacheprovider -q

``DEPORTSIM_FUZZ_API_LOG`` names a JSON file that receives the number of cases run per operation
and every distinct failure (operation, failure, status code, a curl command reproducing it). With
``DEPORTSIM_FUZZ_API_KEEP_GOING=1`` an operation's fuzz goes on past its failures, so that the log
lists them all; the test then fails once, at the end.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from deportsim.server import openapi_document
from live_server import Live, running

#: Random examples per operation (the document's examples and coverage cases come on top).
EXAMPLES = int(os.environ.get("DEPORTSIM_FUZZ_API_EXAMPLES", "20"))
#: The server's options: nothing heavy can start (see the module's docstring).
LIMITS = ("--workers", "1", "--max-replicates", "2", "--max-years", "0.1",
          "--max-jobs-per-client", "2")  # fmt: skip
#: Seconds a request may take; an event stream is read for at most this long (or a few events).
REQUEST_TIMEOUT_S = 20.0
#: Record failures and go on (the module fails at its end), instead of stopping at the first.
KEEP_GOING = os.environ.get("DEPORTSIM_FUZZ_API_KEEP_GOING") == "1"
#: What every answer is checked for.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    unsupported_method,
]

CONFIG = schemathesis.Config.from_dict({
    "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True,
                   "no-shrink": True, "database": "none"},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
               "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
    "request-timeout": REQUEST_TIMEOUT_S,
    "max-stream-events": 5,
    # generation health checks only: requests to a live server are slow by Hypothesis' measure
    "suppress-health-check": ["too_slow", "data_too_large", "filter_too_much",
                              "large_base_example"],
})  # fmt: skip
#: The document the server serves (test_served_document checks that it is this one).
SCHEMA = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)

#: Real values of path and query parameters, made on the live server before the fuzz.
KNOWN: dict[str, list[Any]] = {}
#: Cases sent, by operation.
CASES: Counter[str] = Counter()
#: Distinct failures, by (operation, failure, status code): how to reproduce the first one seen.
FAILURES: dict[tuple[str, str, int], dict[str, Any]] = {}


def _real_or_generated(generated: dict[str, Any], keys: dict[str, str]) -> Any:
    """Each value as generated, or one of the real values of its kind (``keys``: name -> kind)."""
    draws = {}
    for name, value in generated.items():
        known = KNOWN.get(keys.get(name, name), [])
        draws[name] = st.sampled_from([value, *known]) if known else st.just(value)
    return st.fixed_dictionaries(draws)


@SCHEMA.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Path parameters as generated, or real ones: result routes are reached too."""
    if not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path if context.operation is not None else ""
    # the catalog's run ids are not job ids
    keys = {"run_id": "catalog_id"} if path.startswith("/v1/catalog/") else {}
    return _real_or_generated(path_parameters, keys)


@SCHEMA.hook
def flatmap_query(context: Any, query: dict[str, Any] | None) -> Any:
    """Query parameters as generated, or real ones (a run's regions, catalog runs to compare)."""
    del context
    if not query:
        return st.just(query)
    return _real_or_generated(query, {"ids": "catalog_ids"})


def _ended(c: httpx.Client, job: dict[str, Any]) -> dict[str, Any]:
    """The job once it has ended."""
    deadline = time.monotonic() + 180
    while (view := c.get(f"/v1/jobs/{job['id']}").json())["status"] in {"queued", "running"}:
        assert time.monotonic() < deadline, f"{job['id']} did not end"
        time.sleep(0.2)
    return dict(view)


def _known_values(live: Live) -> dict[str, list[Any]]:
    """Real values for the hooks above to draw, made now: jobs complete (a run, a backtest) and
    cancelled (a claims job, and a run queued behind it), a stored scenario, catalog runs."""
    with live.client(timeout=120) as c:
        run = _ended(c, c.post("/v1/runs", json={"replicates": 2, "years": 0.05, "seed": 7}).json())
        backtest = _ended(c, c.post("/v1/backtests", json={"seed": 3}).json())
        assert (run["status"], backtest["status"]) == ("complete", "complete"), (run, backtest)
        # the one worker busy with the claims, the run waits; both are cancelled (409 for results)
        claims = c.post("/v1/claims", json={"replicates": 2}).json()
        queued = c.post("/v1/runs", json={"replicates": 2, "years": 0.05, "seed": 8}).json()
        for job in (queued, claims):
            c.delete(f"/v1/jobs/{job['id']}").raise_for_status()
        cancelled = [_ended(c, job) for job in (queued, claims)]
        assert [j["status"] for j in cancelled] == ["cancelled", "cancelled"], cancelled
        yaml = c.get("/v1/scenarios/directive-2025").text
        stored = c.post("/v1/scenarios", json={"document": yaml.replace(
            "name: directive-2025", "name: fuzz-directive", 1)})  # fmt: skip
        assert stored.status_code in {200, 201}, stored.text
        metrics = c.get(f"/v1/runs/{run['id']}/series").json()["metrics"]
        catalog = [r["id"] for r in c.get("/v1/catalog").json()["runs"]]
    return {
        "run_id": [run["id"], queued["id"]],
        "job_id": [run["id"], backtest["id"], claims["id"], queued["id"]],
        "metric": [m for m in ("removals", "detained", "arrests") if m in metrics] or metrics[:1],
        "region": ["US", "LA", "NY"],
        "name": [*run["files"][:3], *backtest["files"][:2]],
        "scenario_id": ["directive-2025", stored.json()["id"]],
        "scenario": ["directive-2025", stored.json()["id"]],
        "catalog_id": catalog[:2],
        "catalog_ids": [catalog[:2]] if len(catalog) >= 2 else [],
    }


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """A server with its options (``LIMITS``), real values known; the cases told at the end."""
    options: tuple[str, ...] = request.param
    with running(tmp_path_factory.mktemp("schema") / "state", *options) as live:
        KNOWN.update(_known_values(live))
        t0 = time.monotonic()
        yield live
        elapsed = time.monotonic() - t0
    total = sum(CASES.values())
    tally = (f"schemathesis: {total} cases over {len(CASES)} operations in {elapsed:.1f} s, "
             f"{len(FAILURES)} distinct failures")  # fmt: skip
    plugins = request.config.pluginmanager
    terminal, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if terminal is not None and capture is not None:  # none on an xdist worker
        with capture.global_and_fixture_disabled():
            terminal.write_line(f"\n{tally}")
    log = os.environ.get("DEPORTSIM_FUZZ_API_LOG")
    if log:
        failures = [{"operation": op, "failure": what, "status": code, **seen}
                    for (op, what, code), seen in sorted(FAILURES.items())]  # fmt: skip
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        Path(log).write_text(json.dumps({"examples": EXAMPLES, "cases": total,
                                         "seconds": round(elapsed, 1), "failures": failures,
                                         "by_operation": dict(sorted(CASES.items()))},
                                        indent=1), encoding="utf-8")  # fmt: skip
    if KEEP_GOING and FAILURES:
        pytest.fail(
            f"{len(FAILURES)} distinct failures: "
            + "; ".join(f"{op}: {what} ({code})" for op, what, code in FAILURES)
        )


#: The server each test fuzzes. A parametrization of its own also gives each operation's test a
#: node id of its own: with pytest 9, Schemathesis 4.32.5 gives its tests the same node id unless
#: they are parametrized (so pytest-xdist would run one of them).
TIGHT = pytest.mark.parametrize("server", [LIMITS], ids=["tight"], indirect=True, scope="module")


@TIGHT
def test_served_document(server: Live) -> None:
    """The fuzz works from the document the server serves."""
    served = httpx.get(f"{server.url}/openapi.json", timeout=30)
    assert served.status_code == 200
    assert served.json() == openapi_document()


@SCHEMA.parametrize()
@TIGHT
def test_api_conforms_to_its_document(case: schemathesis.Case, server: Live) -> None:
    op = case.operation.label
    CASES[op] += 1
    sent = {"base_url": server.url, "timeout": REQUEST_TIMEOUT_S}
    try:
        response = case.call(**sent)
    except requests.RequestException as exc:  # a timeout, a dropped connection
        _record(op, type(exc).__name__, 0, case, server, str(exc))
        if KEEP_GOING:
            return
        raise
    try:
        case.validate_response(response, checks=CHECKS, transport_kwargs=sent)
    except FailureGroup as group:
        for failure in group.exceptions:
            _record(op, f"{failure.code} {failure.title}", response.status_code, case, server,
                    response.content[:300].decode(errors="replace"))  # fmt: skip
        if not KEEP_GOING:
            raise


def _record(op: str, what: str, status: int, case: schemathesis.Case, live: Live, got: str) -> None:
    """Keep the first case of each distinct failure: how to send it again, and what came back."""
    curl = case.as_curl_command(base_url=live.url)
    FAILURES.setdefault((op, what, status), {"curl": curl, "response": got})
