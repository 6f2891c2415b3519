"""The HTTP API's application: routes, errors as problem documents, limits, docs, jobs' pool.

:func:`create_app` builds it from :class:`~deportsim.server.settings.Settings`; :func:`serve`
runs it on uvicorn (``deportsim serve``). The application computes nothing itself: each route
calls the library API (:mod:`deportsim.api`), and jobs run on worker processes or a Dask cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from deportsim import api, web
from deportsim.api.jobs import job_pool, warm_previews, warm_up
from deportsim.api.requests import StatusRequest
from deportsim.server import jobs_routes, meta_routes, runs_routes
from deportsim.server.limits import BodyLimit
from deportsim.server.manager import Manager
from deportsim.server.problems import install
from deportsim.server.runs_routes import Previews
from deportsim.server.settings import Settings

__all__ = ["API_TITLE", "create_app", "openapi_document"]

API_TITLE = "deportsim HTTP API"
STATIC = Path(__file__).parent / "static"
DESCRIPTION = """\
deportsim simulates the US immigration-enforcement pipeline (arrest, detention, immigration court,
removal) on aggregate public statistics. Every verb of the command line is here: runs of a
scenario and their results, the claims tested, what a target takes, published estimates
reproduced, the HTML report, the backtest, forecasts and where the operation stands now.

Long work is a **job**: `POST` answers `202` with the job and its links; follow it at
`GET /v1/jobs/{id}` or as server-sent events at `/v1/jobs/{id}/events`, then read its result.
The same request always names the same job, computed once. Errors are RFC 9457 problem documents.
"""


def _lifespan(settings: Settings, pool: Any) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        workers = pool
        if workers is None and not settings.read_only:
            workers = job_pool(settings.workers, settings.scheduler,
                               warm_up if settings.warm else None)  # fmt: skip
            if hasattr(workers, "start"):
                workers.start()
        manager = Manager(settings, workers)
        app.state.manager = manager
        if workers is not None and settings.warm and settings.status_at_start:
            _status_at_start(manager)
        app.state.previews = Previews()
        # previews run in this process: its model is loaded (and compiled) while it starts
        app.state.previews.ready = asyncio.create_task(
            asyncio.to_thread(warm_previews) if settings.warm else asyncio.sleep(0)
        )
        watcher = asyncio.create_task(manager.watch_timeouts())
        try:
            yield
        finally:
            watcher.cancel()
            await asyncio.to_thread(manager.close)

    return lifespan


def _status_at_start(manager: Manager) -> None:
    """Start computing the status of this server's data (the web app's Now page) at once."""
    try:
        manager.submit("status", StatusRequest(), "server")
    except Exception:  # the page asks again, and says why it cannot be computed
        logging.getLogger("deportsim.server").exception("the status could not be started")


def create_app(settings: Settings | None = None, pool: Any = None) -> FastAPI:
    """The application; ``pool``: where jobs run (default: made from ``settings`` at start-up)."""
    settings = settings or Settings()
    app = FastAPI(
        title=API_TITLE, version=str(api.__version__), description=DESCRIPTION,
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
        lifespan=_lifespan(settings, pool),
    )  # fmt: skip
    install(app)
    app.include_router(runs_routes.router)
    app.include_router(jobs_routes.router)
    app.include_router(meta_routes.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    web.mount(app)  # the web app's pages, at / (over the routes above)
    app.add_middleware(BodyLimit, limit=settings.limits.body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"], allow_headers=["*"],
        )  # fmt: skip

    def openapi() -> dict[str, Any]:
        """The generated document, each error answer a problem document (RFC 9457)."""
        if app.openapi_schema is None:
            app.openapi_schema = problems_in(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title=f"{API_TITLE}: documentation",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )  # fmt: skip

    @app.get("/v1", tags=["meta"])
    def index(request: Request) -> JSONResponse:
        """What this API offers, with links."""
        del request
        return JSONResponse({
            "name": API_TITLE, "version": str(api.__version__), "openapi": "/openapi.json",
            "docs": "/docs",
            "links": {
                "scenarios": "/v1/scenarios", "parameters": "/v1/parameters", "runs": "/v1/runs",
                "previews": "/v1/previews", "status": "/v1/status", "jobs": "/v1/jobs",
                "catalog": "/v1/catalog", "health": "/v1/health",
            },
        })  # fmt: skip

    return app


def problems_in(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with every 4xx and 5xx answer an ``application/problem+json`` Problem."""
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in doc.get("paths", {}).values():
        for op in operations.values():
            for code, answer in op.get("responses", {}).items():
                if code[:1] in {"4", "5"}:
                    answer["content"] = problem
                    if code == "422":
                        answer["description"] = "Invalid request (a problem document)"
    schemas = doc.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return doc


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of the application (as served at ``/openapi.json``)."""
    doc: dict[str, Any] = create_app(Settings(read_only=True)).openapi()
    return doc


logging.getLogger("deportsim.server").addHandler(logging.NullHandler())
