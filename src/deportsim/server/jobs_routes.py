"""Jobs over HTTP: start one per verb, follow it (status, live events), cancel it, read its files.

``POST /v1/claims`` (and ``requirements``, ``compare-estimates``, ``reports``, ``backtests``,
``forecasts``, ``forecast-evaluations``, ``sensitivities``) answers 202 with the job, or 200 with
the job already done if the same request was made before; ``GET /v1/jobs/{id}`` says where it
stands, ``/events`` streams its progress as server-sent events, ``/result`` is its answer (the
file the command line writes), and ``DELETE /v1/jobs/{id}`` cancels it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse

from deportsim.api.jobs import ENDED, REQUESTS, JobFolder
from deportsim.api.requests import JobRequest
from deportsim.server.manager import Manager
from deportsim.server.models import JobList, JobView, job_view
from deportsim.server.problems import Problem, ProblemError

__all__ = ["EVENT_POLL_S", "JobId", "accepted", "manager", "router"]

#: Seconds between two looks at a job's progress while streaming its events.
EVENT_POLL_S = 0.05
#: Seconds between two keep-alive comments of an event stream with nothing new.
KEEPALIVE_S = 15.0

JobId = Annotated[str, Path(pattern=r"^[a-z0-9-]{4,64}$", description="A job's id.")]
#: The errors any route may answer (each a problem document: see deportsim.server.app's
#: ``openapi``, which files them under application/problem+json).
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem} for code in (400, 403, 404, 413, 422, 429, 503)
}
router = APIRouter(prefix="/v1", responses=ERRORS)


def manager(request: Request) -> Manager:
    """The server's job manager."""
    m: Manager = request.app.state.manager
    return m


def client_of(request: Request) -> str:
    """Who asked (the peer's address), for the per-client limits; kept in memory only."""
    return request.client.host if request.client is not None else "?"


def accepted(request: Request, kind: str, body: JobRequest) -> JSONResponse:
    """Start (or find) the job; 202 while it runs, 200 once it has ended."""
    m = manager(request)
    record, _ = m.submit(kind, body, client_of(request))
    f = m.folder(record["id"])
    view = job_view(f)
    code = 200 if view.status in ENDED else 202
    return JSONResponse(view.model_dump(mode="json"), status_code=code,
                        headers={"Location": view.links["self"]})  # fmt: skip


def _post(path: str, kind: str, summary: str) -> None:
    """``POST path`` starts a job of ``kind``, its body the kind's request (the API's table)."""

    async def start(request: Request, body: JobRequest) -> JSONResponse:
        return await asyncio.to_thread(accepted, request, kind, body)

    # the body's model is this verb's own (the annotations are resolved by FastAPI)
    start.__annotations__ = {"request": Request, "body": REQUESTS[kind], "return": JSONResponse}
    start.__doc__ = summary
    router.add_api_route(path, start, methods=["POST"], status_code=202, response_model=JobView,
                         responses={200: {"model": JobView}, **ERRORS}, summary=summary,
                         tags=["answers"], name=f"start_{kind.replace('-', '_')}")  # fmt: skip


_post("/claims", "claims", "Test every claim (deportsim claims)")
_post("/requirements", "requirements",
      "What a target takes, year by year (deportsim requirements)")  # fmt: skip
_post("/compare-estimates", "compare-estimates",
      "Published estimates reproduced (deportsim compare-estimates)")  # fmt: skip
_post("/reports", "report", "The HTML report of a scenario (deportsim report)")
_post("/backtests", "backtest", "History replayed (deportsim backtest)")
_post("/forecasts", "forecast", "A forecast from a date (deportsim forecast)")
_post("/forecast-evaluations", "forecast-evaluation",
      "The forecasts against naive baselines (deportsim forecast --evaluate)")  # fmt: skip
_post("/sensitivities", "sensitivity",
      "Which assumptions matter: Sobol indices (deportsim sensitivity)")  # fmt: skip


@router.get("/jobs", response_model=JobList, tags=["jobs"])
def list_jobs(
    request: Request,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> JobList:
    """The server's jobs, newest first."""
    m = manager(request)
    views = [job_view(f) for f in m.store]
    views = [v for v in views if (kind is None or v.kind == kind)
             and (status is None or v.status == status)]  # fmt: skip
    views.sort(key=lambda v: v.created, reverse=True)
    return JobList(jobs=views[:limit])


@router.get("/jobs/{job_id}", response_model=JobView, responses=ERRORS, tags=["jobs"])
async def get_job(request: Request, job_id: JobId) -> JobView:
    """Where a job stands: its status, progress, error and links."""
    return job_view(manager(request).folder(job_id))


@router.delete("/jobs/{job_id}", response_model=JobView, status_code=202,
               responses={409: {"model": Problem}, **ERRORS}, tags=["jobs"])  # fmt: skip
async def cancel_job(request: Request, job_id: JobId) -> JobView:
    """Cancel a job: it stops at its next progress report (nothing of it is served)."""
    m = manager(request)
    if m.settings.read_only:
        raise ProblemError(403, "read-only server", "this server changes no job",
                           limit="read-only")  # fmt: skip
    view = job_view(m.folder(job_id))
    if view.status in ENDED:
        raise ProblemError(409, "already ended", f"job {job_id} is {view.status}: there is "
                           "nothing to cancel")  # fmt: skip
    m.cancel(job_id)
    return job_view(m.folder(job_id))


def complete_folder(request: Request, job_id: str, kind: str | None = None) -> JobFolder:
    """The folder of a complete job (404 if none, 409 if it is not complete)."""
    f = manager(request).folder(job_id)
    view = job_view(f)
    if kind is not None and view.kind != kind:
        raise ProblemError(404, "not found", f"{job_id} is a job of kind {view.kind}, not {kind}")
    if view.status != "complete":
        raise ProblemError(409, "not complete", f"job {job_id} is {view.status}; its results "
                           "are served once it is complete")  # fmt: skip
    return f


@router.get("/jobs/{job_id}/result", tags=["jobs"],
            responses={200: {"content": {"application/json": {}, "text/html": {}}},
                       409: {"model": Problem}, **ERRORS})  # fmt: skip
def job_result(request: Request, job_id: JobId) -> Response:
    """A complete job's answer: the file the command line writes (JSON, or the report's HTML)."""
    f = complete_folder(request, job_id)
    result = f.result() or {}
    path = f.file(str(result.get("main", "")))
    if path is None:
        raise ProblemError(404, "not found", "the job's answer file is missing")
    media = "text/html; charset=utf-8" if path.suffix == ".html" else "application/json"
    return Response(path.read_bytes(), media_type=media)


#: The media type of each kind of file a job writes (anything else: octet-stream).
MEDIA = {
    ".json": "application/json", ".png": "image/png", ".html": "text/html; charset=utf-8",
    ".parquet": "application/vnd.apache.parquet", ".yaml": "application/yaml",
    ".csv": "text/csv; charset=utf-8", ".md": "text/markdown; charset=utf-8",
}  # fmt: skip


@router.get("/jobs/{job_id}/files/{name}", tags=["jobs"],
            responses={200: {"content": {m.split(";")[0]: {} for m in
                                         [*MEDIA.values(), "application/octet-stream"]}},
                       409: {"model": Problem}, **ERRORS})  # fmt: skip
def job_file(
    request: Request,
    job_id: JobId,
    name: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,100}$")],
) -> FileResponse:
    """One file a complete job wrote (``files`` of the job lists them)."""
    f = complete_folder(request, job_id)
    path = f.file(name)
    if path is None or name.startswith("."):
        raise ProblemError(404, "not found", f"job {job_id} wrote no file {name}")
    return FileResponse(path, media_type=MEDIA.get(path.suffix, "application/octet-stream"))


def _event(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


async def _events(request: Request, f: JobFolder) -> AsyncIterator[str]:
    last: Any = None
    quiet = 0.0
    while True:
        view = job_view(f)
        now = (view.status, view.progress.model_dump() if view.progress else None)
        if now != last:
            last, quiet = now, 0.0
            yield _event("progress", {"status": view.status,
                                      **(now[1] or {"stage": view.status})})  # fmt: skip
        if view.status in ENDED:
            yield _event("end", view.model_dump(mode="json"))
            return
        if await request.is_disconnected():
            return
        await asyncio.sleep(EVENT_POLL_S)
        quiet += EVENT_POLL_S
        if quiet >= KEEPALIVE_S:
            quiet = 0.0
            yield ": keep-alive\n\n"


@router.get("/jobs/{job_id}/events", tags=["jobs"],
            responses={200: {"content": {"text/event-stream": {}}}, **ERRORS})  # fmt: skip
async def job_events(request: Request, job_id: JobId) -> StreamingResponse:
    """The job's progress as server-sent events (``progress``, then ``end`` with the job)."""
    f = manager(request).folder(job_id)
    return StreamingResponse(_events(request, f), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store"})  # fmt: skip
