"""The OpenAPI document: generated from the code, committed as docs/openapi.json, served live."""

from __future__ import annotations

import json
from pathlib import Path

from deportsim.server import openapi_document
from live_server import Live

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_committed_document_is_the_generated_one() -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == openapi_document(), (
        "docs/openapi.json is stale: run .venv/bin/python scripts/write_openapi.py"
    )


def test_the_served_document_is_the_committed_one(live: Live) -> None:
    with live.client() as c:
        served = c.get("/openapi.json").json()
    assert served == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_every_route_is_versioned_and_documents_its_errors() -> None:
    doc = openapi_document()
    assert doc["openapi"].startswith("3.")
    for path, ops in doc["paths"].items():
        assert path.startswith("/v1"), path
        for method, op in ops.items():
            if path == "/v1" or method != "post":
                continue
            assert "422" in op["responses"], f"{method.upper()} {path} documents no 422"


def test_docs_page_loads_its_assets_from_this_server(live: Live) -> None:
    with live.client() as c:
        page = c.get("/docs").text
        assert "cdn" not in page.lower()
        for asset in ("/static/swagger/swagger-ui-bundle.js", "/static/swagger/swagger-ui.css"):
            assert asset in page
            assert c.get(asset).status_code == 200
