"""Runs over HTTP: start one, read its summary, metro table, daily series and charts; previews.

``POST /v1/runs`` is ``deportsim run``: 202 and the run's id (the same id for the same request,
computed once). Once complete, ``/summary`` is its summary.json, ``/metros`` the statistics by
metro area, ``/series/{metric}`` a daily band (JSON, CSV or Parquet) and ``/charts/{metric}`` the
same drawn (PNG or SVG). ``POST /v1/previews`` answers at once with the expected path (mean field).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from collections import OrderedDict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from deportsim.api.answer import run_answer, summary_answer
from deportsim.api.jobs import job_id, preview
from deportsim.api.requests import PreviewRequest, RunRequest
from deportsim.api.series import (
    metro_table,
    rows_csv,
    rows_parquet,
    run_series,
    series_chart,
    with_credit,
)
from deportsim.api.series import series_index as index_of
from deportsim.server.jobs_routes import (
    ERRORS,
    JobId,
    accepted,
    complete_folder,
    manager,
)
from deportsim.server.models import AnswerView, JobList, JobView, job_view
from deportsim.server.problems import Problem, ProblemError

__all__ = ["Previews", "router"]

router = APIRouter(prefix="/v1", tags=["runs"], responses=ERRORS)
Metric = Annotated[str, Path(pattern=r"^[a-z0-9_]{1,80}$", description="A series' name.")]
Region = Annotated[str, Query(pattern=r"^[A-Z]{2,4}$", description="US, or a metro: LA, NY, ...")]
TableFormat = Annotated[Literal["json", "csv"], Query()]
SeriesFormat = Annotated[Literal["json", "csv", "parquet"], Query()]
NOT_DONE = {409: {"model": Problem}, **ERRORS}
#: Previews kept in memory, most recent last.
PREVIEWS_KEPT = 256
#: Previews computed at once.
PREVIEW_THREADS = 2


@router.post("/runs", status_code=202, response_model=JobView,
             responses={200: {"model": JobView}, **ERRORS})  # fmt: skip
async def start_run(request: Request, body: RunRequest) -> JSONResponse:
    """Run a scenario (deportsim run): 202 and the run; the same request, the same run."""
    return await asyncio.to_thread(accepted, request, "run", body)


@router.get("/runs", response_model=JobList)
def list_runs(request: Request, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> JobList:
    """The server's runs, newest first."""
    views = [job_view(f) for f in manager(request).store]
    runs = sorted((v for v in views if v.kind == "run"), key=lambda v: v.created, reverse=True)
    return JobList(jobs=runs[:limit])


@router.get("/runs/{run_id}", response_model=JobView, responses=ERRORS)
async def get_run(request: Request, run_id: JobId) -> JobView:
    """Where a run stands: status, progress (fraction, replicate-days, time left), links."""
    view = job_view(manager(request).folder(run_id))
    if view.kind != "run":
        raise ProblemError(404, "not found", f"{run_id} is not a run")
    return view


@router.get("/runs/{run_id}/summary", response_model=dict[str, Any], responses=NOT_DONE)
async def run_summary(request: Request, run_id: JobId) -> Response:
    """The run's summary.json: every metric's mean, median and 90% interval, and by metro."""
    f = complete_folder(request, run_id, "run")
    return Response((f.out / "summary.json").read_bytes(), media_type="application/json")


@router.get("/runs/{run_id}/answer", response_model=AnswerView, responses=NOT_DONE)
async def run_answer_of(request: Request, run_id: JobId) -> dict[str, Any]:
    """The run's answer for a reader: the bottom line in words, figures by topic, charts."""
    return run_answer(complete_folder(request, run_id, "run").out)


@router.get("/runs/{run_id}/metros", responses={
    200: {"content": {"application/json": {}, "text/csv": {}}}, **NOT_DONE})  # fmt: skip
async def run_metros(request: Request, run_id: JobId, format: TableFormat = "json") -> Response:  # noqa: A002
    """The statistics by metro area (region of arrest): a row per region and metric."""
    out = complete_folder(request, run_id, "run").out
    rows = metro_table(out)
    if format == "csv":  # with a source column: a download that leaves the API says its origin
        return Response(rows_csv(with_credit(rows, out)), media_type="text/csv; charset=utf-8")
    return JSONResponse({"rows": rows})


@router.get("/runs/{run_id}/series", response_model=dict[str, Any], responses=NOT_DONE)
def run_series_index(request: Request, run_id: JobId) -> dict[str, Any]:
    """The daily series the run holds: metrics, regions, and whether replicates or bands."""
    return index_of(complete_folder(request, run_id, "run").out)


@router.get("/runs/{run_id}/series/{metric}", responses={
    200: {"content": {"application/json": {}, "text/csv": {},
                      "application/vnd.apache.parquet": {}}}, **NOT_DONE})  # fmt: skip
def run_series_values(
    request: Request,
    run_id: JobId,
    metric: Metric,
    region: Region = "US",
    format: SeriesFormat = "json",  # noqa: A002
) -> Response:
    """One daily series: each day's mean, median and 90% interval over the replicates."""
    out = complete_folder(request, run_id, "run").out
    rows = run_series(out, metric, region)
    if format == "csv":  # with a source column, as the metros' CSV
        return Response(rows_csv(with_credit(rows, out)), media_type="text/csv; charset=utf-8")
    if format == "parquet":
        return Response(rows_parquet(rows), media_type="application/vnd.apache.parquet")
    return JSONResponse({"metric": metric, "region": region, "rows": rows})


@router.get("/runs/{run_id}/charts/{metric}", responses={
    200: {"content": {"image/png": {}, "image/svg+xml": {}}}, **NOT_DONE})  # fmt: skip
async def run_chart(
    request: Request,
    run_id: JobId,
    metric: Metric,
    region: Region = "US",
    format: Annotated[Literal["png", "svg"], Query()] = "png",  # noqa: A002
) -> Response:
    """One daily series drawn: its median and 90% interval, with the source credit."""
    out = complete_folder(request, run_id, "run").out
    data = await asyncio.to_thread(series_chart, out, metric, region, format)
    return Response(data, media_type="image/svg+xml" if format == "svg" else "image/png")


class Previews:
    """Previews computed, by request (the newest :data:`PREVIEWS_KEPT`)."""

    def __init__(self) -> None:
        self.kept: OrderedDict[str, dict[str, Any]] = OrderedDict()
        # previews compute in this process, at most PREVIEW_THREADS at once (a slow one that
        # timed out still holds its thread until it ends: they cannot pile up)
        self.threads = concurrent.futures.ThreadPoolExecutor(PREVIEW_THREADS, "preview")
        self.ready: asyncio.Future[Any] | None = None  # the server's warm-up for previews


@router.post("/previews", response_model=dict[str, Any], responses={504: {"model": Problem},
                                                                     **ERRORS})  # fmt: skip
async def run_preview(request: Request, body: PreviewRequest) -> dict[str, Any]:
    """The run's expected path at once (mean field: one replicate, no interval, nothing kept)."""
    m = manager(request)
    previews: Previews = request.app.state.previews
    if previews.ready is not None:
        await asyncio.shield(previews.ready)
    loop = asyncio.get_running_loop()
    key, _ = await loop.run_in_executor(previews.threads, job_id, "preview", body,
                                        m.settings.scenarios, m.data)  # fmt: skip
    if key in previews.kept:
        previews.kept.move_to_end(key)
        return previews.kept[key]
    try:
        summary = await asyncio.wait_for(
            loop.run_in_executor(previews.threads, preview, body, m.settings.scenarios, m.limits),
            m.settings.limits.preview_seconds,
        )
    except TimeoutError:
        raise ProblemError(504, "preview too slow", "the preview took longer than this server "
                           "allows", limit=f"preview_seconds <= "
                           f"{m.settings.limits.preview_seconds:g}") from None  # fmt: skip
    summary = dict(json.loads(json.dumps(summary)))  # plain JSON values only
    previews.kept[key] = summary
    while len(previews.kept) > PREVIEWS_KEPT:
        previews.kept.popitem(last=False)
    return summary


@router.post("/previews/answer", response_model=AnswerView,
             responses={504: {"model": Problem}, **ERRORS})  # fmt: skip
async def run_preview_answer(request: Request, body: PreviewRequest) -> dict[str, Any]:
    """The preview as a reader's answer: its bottom line in words and its figures (no interval)."""
    return summary_answer(await run_preview(request, body))
