"""The HTTP API's basics on a live server: health, index, OpenAPI, docs, problem documents."""

from __future__ import annotations

from live_server import Live


def test_health_and_index(live: Live) -> None:
    with live.client() as c:
        health = c.get("/v1/health").json()
        assert health["status"] == "ok"
        assert health["read_only"] is False
        index = c.get("/v1").json()
        assert index["openapi"] == "/openapi.json"
        assert c.get("/openapi.json").json()["info"]["title"] == "deportsim HTTP API"


def test_unknown_path_is_a_problem_document(live: Live) -> None:
    with live.client() as c:
        r = c.get("/v1/nothing-here")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["status"] == 404
