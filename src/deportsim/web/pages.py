"""The web app's pages: each one reads the HTTP API (in process) and renders HTML on the server.

Now (``/``), a what-if (``/what-if``, its run at ``/run?...``, two runs side by side at
``/compare``), and one chart to embed; the answers' pages are :mod:`deportsim.web.answers`.
A page works without JavaScript (its tables, the server's drawings of its charts, forms and a
page that reloads while a job runs); ``assets/app.js`` adds the interactive charts, the instant
preview, live progress and cancelling. A mistake in an address is a 4xx page naming the query
field, as the API names a request's field.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from deportsim.web.fetch import Api, ApiProblem
from deportsim.web.format import REGION_NAMES, lever_row, metro_grid, observed_series, status_view
from deportsim.web.render import JOB_RUNNING, problem_page, render, scenarios, state_of
from deportsim.web.state import RunState, StateError, changed_sets, number, split_sets

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: The scenario a run is compared with by default.
BASELINE = "baseline-fy2024"
#: The figures of the what-if's preview (from the answer's groups).
PREVIEW_FIGURES = (
    "arrests_per_day_mean", "removals_per_year_mean", "detained_mean", "released_to_atd_total",
    "removed_no_conviction_total", "us_citizen_children_affected_total", "cost_total_usd",
)  # fmt: skip
#: The metro table's columns.
METRO_COLUMNS = (
    ("arrests_per_day_mean", "arrests a day"),
    ("detained_mean", "people detained"),
    ("removals_total", "removals"),
    ("us_citizen_children_affected_total", "US-citizen children, parent removed"),
)


async def _status(api: Api) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """status.json if computed, else the job computing it."""
    response = await api.get("/v1/status")
    body = response.json()
    if response.status_code == 202:
        return None, body
    return body, None


async def _observed(api: Api) -> tuple[dict[str, Any], str | None]:
    """ICE's monthly series to draw beside a run's, and the latest data's day (if computed)."""
    try:
        status, _ = await _status(api)
    except ApiProblem:
        return {}, None
    return observed_series(status), None if status is None else str(status["as_of"])


@router.get("/", response_class=HTMLResponse)
async def now(request: Request) -> Response:
    """Where the operation stands now against its goals (``GET /v1/status``)."""
    async with Api(request) as api:
        try:
            status, job = await _status(api)
        except ApiProblem as exc:
            return problem_page(request, exc)
    return render(request, "now.html", "now", "Where the operation stands now", job=job,
                   status=None if status is None else status_view(status))  # fmt: skip


async def _levers(api: Api, state: RunState) -> dict[str, Any]:
    start = state.start.isoformat() if state.start else None
    found: dict[str, Any] = await api.json("/v1/levers", scenario=state.scenario, start=start)
    return found


@router.get("/what-if", response_class=HTMLResponse)
async def what_if(request: Request) -> Response:
    """The levers of a scenario, with an instant preview of their run."""
    try:
        state = state_of(request)
    except StateError as exc:
        return problem_page(request, exc, "/what-if")
    async with Api(request) as api:
        try:
            choices = await scenarios(api)
            levers = await _levers(api, state)
            health = await api.json("/v1/health")
        except ApiProblem as exc:
            return problem_page(request, exc, "/what-if")
        preview, preview_problem = None, None
        try:
            _, answer = await api.post("/v1/previews/answer", state.preview_body())
            preview = _preview_view(answer)
        except ApiProblem as exc:
            preview_problem = str(exc)
    given, extra = split_sets(state.sets, levers["levers"])
    rows = [lever_row(lv, number(given.get(lv["path"], ""))) for lv in levers["levers"]]
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["group"], []).append(row)
    return render(request, "whatif.html", "what-if", "Ask a what-if", state=state,
                   scenarios=choices, levers=levers, groups=list(groups.items()),
                   extra_sets=extra, preview=preview, preview_problem=preview_problem,
                   preview_figures=PREVIEW_FIGURES,
                   max_replicates=health.get("max_replicates", 1000))  # fmt: skip


def _preview_view(answer: dict[str, Any]) -> dict[str, Any]:
    figures = {f["metric"]: f for g in answer["groups"] for f in g["figures"]}
    return {"bottom_line": answer["bottom_line"],
            "figures": [figures[m] for m in PREVIEW_FIGURES if m in figures]}  # fmt: skip


@router.post("/what-if/scenario")
async def what_if_scenario(request: Request) -> Response:
    """A reader's own scenario document, kept by the API under its hash: its what-if (303)."""
    form = await request.form()
    document = str(form.get("document") or "")
    async with Api(request) as api:
        try:
            _, kept = await api.post("/v1/scenarios", {"document": document})
        except ApiProblem as exc:
            return problem_page(request, exc, "/what-if")
    return RedirectResponse(f"/what-if?scenario={kept['id']}", status_code=303)


@router.get("/what-if/go")
async def what_if_go(request: Request) -> Response:
    """The what-if's form sent: its changed levers as the run's address (303 to ``/run``)."""
    q = request.query_params
    form = {k: q[k] for k in q}
    try:
        base = RunState.read(form, q.getlist("set"))
        async with Api(request) as api:
            levers = await _levers(api, base)
        _, kept = split_sets(base.sets, levers["levers"])  # the levers' own come from the form
        sets = kept + changed_sets(form, levers["levers"])
        state = RunState.read(form, sets)
    except (StateError, ApiProblem) as exc:
        return problem_page(request, exc, "/what-if")
    return RedirectResponse(f"/run?{state.query()}", status_code=303)


async def _run(api: Api, state: RunState) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The run of ``state`` (started, or found: the same request is one job), and its answer."""
    _, job = await api.post("/v1/runs", state.body())
    answer = None
    if job["status"] == "complete":
        answer = await api.json(f"/v1/runs/{job['id']}/answer")
    return job, answer


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/run", response_class=HTMLResponse)
async def run(request: Request) -> Response:
    """A run's results (or its progress): the whole request is in the address."""
    try:
        state = state_of(request)
    except StateError as exc:
        return problem_page(request, exc, "/what-if")
    async with Api(request) as api:
        try:
            job, answer = await _run(api, state)
            choices = await scenarios(api)
            metros: list[Any] = []
            if answer is not None:
                rows = (await api.json(f"/v1/runs/{job['id']}/metros"))["rows"]
                metros = metro_grid(rows, [m for m, _ in METRO_COLUMNS])
            observed, as_of = await _observed(api) if answer is not None else ({}, None)
        except ApiProblem as exc:
            return problem_page(request, exc, f"/what-if?{state.query()}")
    base = _base_url(request)
    title = f"What if: {state.scenario}" + (" with changes" if state.sets else "")
    return render(request, "run.html", "what-if", title, state=state, job=job, answer=answer,
                   state_query=state.query(), state_pairs=state.pairs(), scenarios=choices,
                   baseline=BASELINE, metros=metros, region_names=REGION_NAMES,
                   metro_columns=[{"metric": m, "label": label} for m, label in METRO_COLUMNS],
                   observed=observed, as_of=as_of, share_url=f"{base}/run?{state.query()}",
                   python=state.python(base), base_url=base,
                   body_json=json.dumps(state.body()))  # fmt: skip


@router.get("/compare", response_class=HTMLResponse)
async def compare(request: Request) -> Response:
    """Two runs side by side: the address's run, and the same options for another run.

    The other run is scenario ``with`` with the changes ``with_set`` (repeated), or with the
    first run's own changes if ``keep`` is given: any run of the same dates, size and seed.
    """
    q = request.query_params
    other = q.get("with") or BASELINE
    try:
        a = state_of(request)
        theirs = a.sets if q.get("keep") else tuple(q.getlist("with_set"))
        checked = RunState.read({"scenario": other}, theirs)  # a 422 naming the field at fault
        b = a.with_scenario(checked.scenario, sets=checked.sets)
    except StateError as exc:
        return problem_page(request, exc, "/what-if")
    sides: list[dict[str, Any]] = []
    async with Api(request) as api:
        try:
            for state in (a, b):
                job, answer = await _run(api, state)
                label = state.scenario + (" with changes" if state.sets else "")
                if sides and label == sides[0]["label"]:
                    label += " (other changes)"
                sides.append({"state": state, "job": job, "answer": answer, "label": label,
                              "query": state.query()})  # fmt: skip
        except ApiProblem as exc:
            return problem_page(request, exc, f"/run?{a.query()}")
    rows = []
    if sides[0]["answer"] and sides[1]["answer"]:
        for ga, gb in zip(sides[0]["answer"]["groups"], sides[1]["answer"]["groups"], strict=True):
            fb = {f["metric"]: f for f in gb["figures"]}
            pairs = [(f["label"], f, fb[f["metric"]]) for f in ga["figures"] if f["metric"] in fb]
            rows.append({"name": ga["name"], "rows": pairs})
    running = next((s["job"] for s in sides if s["job"]["status"] in JOB_RUNNING), None)
    return render(request, "compare.html", "what-if",
                   f"{sides[0]['label']} beside {sides[1]['label']}", a=sides[0], b=sides[1],
                   rows=rows, job=running)  # fmt: skip


@router.post("/jobs/{job_id}/cancel")
async def cancel(request: Request, job_id: str) -> Response:
    """Cancel a job (the pages' Cancel button without JavaScript), then go back."""
    form = await request.form()
    back = str(form.get("back") or "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    async with Api(request) as api:
        try:
            await api.delete(f"/v1/jobs/{job_id}")
        except ApiProblem as exc:
            if exc.status != 409:
                return problem_page(request, exc, back)
    return RedirectResponse(back, status_code=303)


@router.get("/embed", response_class=HTMLResponse)
async def embed(request: Request, metric: str = "removals") -> Response:
    """One chart of a run, alone, to set in another page (an ``iframe``)."""
    try:
        state = state_of(request)
    except StateError as exc:
        return problem_page(request, exc)
    async with Api(request) as api:
        try:
            job, answer = await _run(api, state)
            observed, as_of = await _observed(api) if answer is not None else ({}, None)
        except ApiProblem as exc:
            return problem_page(request, exc)
    charts = {c["metric"]: c for c in (answer or {}).get("charts", [])}
    c = charts.get(metric) or {"metric": metric, "title": metric.replace("_", " "),
                               "unit": "", "observed": None, "goals": []}  # fmt: skip
    base = _base_url(request)
    return render(request, "embed.html", "embed", str(c["title"]), job=job, c=c, state=state,
                   state_query=state.query(), observed=observed, as_of=as_of,
                   full_url=f"{base}/run?{state.query()}")  # fmt: skip
