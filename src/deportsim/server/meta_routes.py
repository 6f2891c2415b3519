"""What runs are made of, and what exists: scenarios, parameters, status, the run catalog."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import FileResponse, JSONResponse

from deportsim import api
from deportsim.api.jobs import job_id
from deportsim.api.levers import levers as levers_of
from deportsim.api.requests import PreviewRequest, StatusRequest
from deportsim.api.series import rows_csv
from deportsim.api.stored import (
    STORED_ID,
    builtin_file,
    scenario_ref,
    store_scenario,
    stored_scenarios,
)
from deportsim.server.jobs_routes import ERRORS, accepted, manager
from deportsim.server.models import (
    JobView,
    LeverSetView,
    ScenarioDocument,
    ScenarioEntry,
    StoredScenarioView,
)
from deportsim.server.problems import Problem, ProblemError
from deportsim.views.parameters import render_csv

__all__ = ["router"]

router = APIRouter(prefix="/v1", responses=ERRORS)
#: Fields of a catalog record that describe the server, not the run: never sent to a client.
PRIVATE = frozenset({"host", "pid", "proc_start", "cwd", "out", "path", "parameters_dir", "command",
                     "scenario_file", "folder"})  # fmt: skip


@contextlib.contextmanager
def _catalog_errors(ids: str) -> Iterator[None]:
    """The catalog's refusals as a 404 that names the run, not the server's folders."""
    try:
        yield
    except api.UserError as exc:
        detail = re.sub(r" (?:in the catalog )?/[^\s,;)]*", "", exc.message)  # no server path
        raise ProblemError(404, "not found", f"{detail} ({ids})") from None


def public(value: Any) -> Any:
    """A catalog record without the server's own paths, host and processes (:data:`PRIVATE`)."""
    if isinstance(value, dict):
        return {k: public(v) for k, v in value.items() if k not in PRIVATE}
    if isinstance(value, list):
        return [public(v) for v in value]
    return value


ScenarioId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")]
RunId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,80}$", description="A catalog run's id.")]


@router.get("/health", tags=["meta"])
async def health(request: Request) -> dict[str, Any]:
    """The server is up: its version, data version, mode and where jobs run."""
    m = manager(request)
    limits = m.settings.limits
    return {"status": "ok", "version": api.__version__, "data_version": m.data,
            "read_only": m.settings.read_only, "jobs_started": m.computed,
            "workers": None if m.pool is None else m.pool.label,
            "max_replicates": limits.replicates, "max_years": limits.years}  # fmt: skip


@router.get("/scenarios", response_model=list[ScenarioEntry], tags=["scenarios"])
def list_scenarios(request: Request) -> list[ScenarioEntry]:
    """The built-in scenarios, then the stored ones."""
    built = [ScenarioEntry(id=s.name, title=s.title, builtin=True) for s in api.scenarios()]
    stored = stored_scenarios(manager(request).settings.scenarios)
    return built + [ScenarioEntry(id=sid, title=title, builtin=False) for sid, title in stored]


@router.post("/scenarios", status_code=201, response_model=StoredScenarioView,
             responses={200: {"model": StoredScenarioView}, **ERRORS},
             tags=["scenarios"])  # fmt: skip
async def post_scenario(request: Request, body: ScenarioDocument) -> JSONResponse:
    """Check a scenario document and keep it under the hash of its text.

    201, or 200 if the same document was kept before. Mistakes are a 422 naming the line and
    path, as the command line names them.
    """
    m = manager(request)
    if m.settings.read_only:
        raise ProblemError(403, "read-only server", "this server stores no scenario",
                           limit="read-only")  # fmt: skip
    kept = await asyncio.to_thread(store_scenario, body.document, m.settings.scenarios)
    view = StoredScenarioView(**kept.to_json(), links={"self": f"/v1/scenarios/{kept.id}"})
    return JSONResponse(view.model_dump(), status_code=201 if kept.created else 200,
                        headers={"Location": f"/v1/scenarios/{kept.id}"})  # fmt: skip


@router.get("/scenarios/{scenario_id}", tags=["scenarios"],
            responses={200: {"content": {"application/yaml": {}}}, **ERRORS})  # fmt: skip
def get_scenario(request: Request, scenario_id: ScenarioId) -> Response:
    """A scenario's file: a built-in one or a stored document (YAML)."""
    folder = manager(request).settings.scenarios
    path: FilePath | None
    if STORED_ID.fullmatch(scenario_id):
        path = folder / f"{scenario_id}.yaml"
    else:
        names = {s.name for s in api.scenarios()}
        path = builtin_file(scenario_id) if scenario_id in names else None
    if path is None or not path.is_file():
        raise ProblemError(404, "not found", f"no scenario {scenario_id}")
    return Response(path.read_bytes(), media_type="application/yaml")


@router.get("/parameters", tags=["scenarios"],
            responses={200: {"content": {"application/json": {}, "text/csv": {}}},
                       **ERRORS})  # fmt: skip
async def parameters(
    request: Request,
    scenario: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",  # noqa: A002
) -> Response:
    """Every parameter: its values by date, unit, uncertainty and sources (deportsim params)."""
    ref = None
    if scenario is not None:
        ref = scenario_ref(scenario, manager(request).settings.scenarios)
    table = await asyncio.to_thread(api.params, ref)
    if format == "csv":
        return Response(render_csv(table.rows), media_type="text/csv; charset=utf-8")
    return JSONResponse({"scenario": table.scenario, "record_note": table.record_note,
                         "parameters": table.rows})  # fmt: skip


@router.get("/levers", response_model=LeverSetView, tags=["scenarios"])
async def levers(
    request: Request,
    scenario: Annotated[str, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")] = (
        "directive-2025"
    ),
    start: Annotated[dt.date | None, Query(description="The run's first day (--start).")] = None,
) -> dict[str, Any]:
    """The what-if's levers: officers, beds, judges, ... under the scenario.

    Each lever's value on the run's first day, its unit, source, uncertainty and physical bounds.
    """
    m = manager(request)
    scenario_ref(scenario, m.settings.scenarios)  # a 422 naming `scenario` if it is not one
    body = PreviewRequest(scenario=scenario, start=start)
    found = await asyncio.to_thread(levers_of, body, m.settings.scenarios)
    return asdict(found)


def _status_file(request: Request, name: str) -> FilePath | None:
    """A file of this server's complete status job (found by its id), if there is one."""
    m = manager(request)
    jid, _ = job_id("status", StatusRequest(), m.settings.scenarios, m.data)
    f = m.store.folder(jid)  # the status of this server's data: one job, found by its id
    record = None if f is None else f.record()
    if f is not None and record is not None and record.get("status") == "complete":
        return f.file(name)
    return None


def _status_done(request: Request, name: str) -> FilePath:
    path = _status_file(request, name)
    if path is None:
        raise ProblemError(409, "not computed yet", "the status is computed at GET /v1/status: "
                           "ask there first, then here")  # fmt: skip
    return path


@router.get("/status/monthly", tags=["answers"], responses={
    200: {"content": {"application/json": {}, "text/csv": {}}}, 409: {"model": Problem},
    **ERRORS})  # fmt: skip
def status_monthly(
    request: Request,
    series: Annotated[
        Literal["ice_book_ins", "detained", "removals_from_detention"] | None,
        Query(description="One series (default: all three)."),
    ] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",  # noqa: A002
) -> Response:
    """ICE's monthly figures the status charts (observed), with their source: JSON or CSV."""
    st = json.loads(_status_done(request, "status.json").read_text(encoding="utf-8"))
    source = f"U.S. Immigration and Customs Enforcement, detention statistics ({st['data']})"
    rows = [
        {"series": key, "month": p["month"], "value": p["per_day"],
         "unit": st["units"][key], "source": source}
        for key, points in st["monthly"].items() if series in (None, key) for p in points
    ]  # fmt: skip
    if format == "csv":
        return Response(rows_csv(rows), media_type="text/csv; charset=utf-8")
    return JSONResponse({"as_of": st["as_of"], "rows": rows})


@router.get("/status/chart", tags=["answers"], responses={
    200: {"content": {"image/png": {}}}, 409: {"model": Problem}, **ERRORS})  # fmt: skip
def status_chart(request: Request) -> FileResponse:
    """The status's chart (status.png): ICE's monthly figures against the goals."""
    return FileResponse(_status_done(request, "status.png"), media_type="image/png")


@router.get("/status", tags=["answers"], responses={
    200: {"content": {"application/json": {}}}, 202: {"model": JobView}, **ERRORS})  # fmt: skip
async def status(request: Request) -> Response:
    """Where the operation stands now against its goals (deportsim status).

    200 with status.json once computed for the current data; until then 202 and the job
    computing it (follow its ``events``, then ask again).
    """
    m = manager(request)
    path = _status_file(request, "status.json")
    if path is not None:
        return Response(path.read_bytes(), media_type="application/json")
    answer = await asyncio.to_thread(accepted, request, "status", StatusRequest())
    if answer.status_code == 202:
        return answer
    # the job ended between the look above and the request: its file, or why there is none
    view = json.loads(bytes(answer.body))
    path = m.folder(view["id"]).file("status.json") if view["status"] == "complete" else None
    if path is None:
        raise ProblemError(
            503,
            "status unavailable",
            f"the status job {view['id']} is "
            f"{view['status']}: {(view.get('error') or {}).get('detail', '')}",
        )
    return Response(path.read_bytes(), media_type="application/json")


@router.get("/catalog", tags=["catalog"])
def catalog_list(
    request: Request,
    scenario: Annotated[str | None, Query(max_length=80)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> dict[str, Any]:
    """The catalog of the server's runs (deportsim runs list)."""
    found = api.runs_list(scenario=scenario, status=status, kind=kind, limit=limit,
                          catalog=manager(request).settings.catalog)  # fmt: skip
    return {"runs": [public(r) for r in found.rows], "matched": found.matched}


@router.get("/catalog/compare", tags=["catalog"], responses=ERRORS)
def catalog_compare(
    request: Request, ids: Annotated[list[str], Query(min_length=2, max_length=8)]
) -> dict[str, Any]:
    """Runs side by side: their settings and metrics (deportsim runs compare)."""
    with _catalog_errors(", ".join(ids)):
        c = api.runs_compare(ids, catalog=manager(request).settings.catalog)
    return {"records": [public(r) for r in c.records], "metrics": c.metrics,
            "settings": c.settings}  # fmt: skip


@router.get("/catalog/{run_id}", tags=["catalog"], responses=ERRORS)
def catalog_show(request: Request, run_id: RunId) -> dict[str, Any]:
    """One catalog run: its record and metrics (deportsim runs show)."""
    with _catalog_errors(run_id):
        d = api.runs_show(run_id, catalog=manager(request).settings.catalog)
    return {"record": public(d.record), "metrics": d.metrics, "present": d.present}


@router.get("/catalog/{run_id}/export", tags=["catalog"],
            responses={200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {}}},
                       **ERRORS})  # fmt: skip
def catalog_export(
    request: Request,
    run_id: RunId,
    format: Annotated[Literal["csv", "parquet"], Query()] = "csv",  # noqa: A002
) -> Response:
    """A run's metrics as one table (deportsim runs export --format csv|parquet)."""
    with tempfile.TemporaryDirectory() as tmp, _catalog_errors(run_id):
        done = api.runs_export([run_id], FilePath(tmp), format,
                               catalog=manager(request).settings.catalog)  # fmt: skip
        if done.table is None:
            raise ProblemError(404, "not found", f"nothing to export for {run_id}")
        data = done.table.read_bytes()
    media = "text/csv; charset=utf-8" if format == "csv" else "application/vnd.apache.parquet"
    return Response(data, media_type=media)
