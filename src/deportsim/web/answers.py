"""The answers' pages: the claims, what a target would take, which assumptions matter, sources.

Each asks the HTTP API for its job (the same question is one job, computed once) and shows its
progress until the answer is there; the parameters page reads every parameter and its source.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deportsim.views.requirements import LEGEND, requirements_rows, year_headers
from deportsim.web.fetch import Api, ApiProblem
from deportsim.web.format import claim_row, indices_csv, parameter_row, sensitivity_view
from deportsim.web.render import problem_page, render, scenarios
from deportsim.web.state import DEFAULT_SCENARIO, RunState, StateError

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
#: The targets a requirements search takes: key, words.
TARGETS = (
    ("removals_per_year", "Removals a year"),
    ("arrests_per_day", "ICE arrests a day"),
)


@router.get("/claims", response_class=HTMLResponse)
async def claims(request: Request) -> Response:
    """Every claim with its verdict, interval, what binds and why; each links to its run."""
    q = request.query_params
    try:
        body = RunState.read({k: q[k] for k in q})
    except StateError as exc:
        return problem_page(request, exc)
    async with Api(request) as api:
        try:
            _, job = await api.post("/v1/claims", {"replicates": body.replicates,
                                                   "seed": body.seed})  # fmt: skip
            found = await api.json(f"/v1/jobs/{job['id']}/result") if job["status"] == "complete" \
                else None  # fmt: skip
        except ApiProblem as exc:
            return problem_page(request, exc)
    rows = []
    for c in found or ():
        row = claim_row(c)
        if c.get("scenario"):
            state = RunState(scenario=str(c["scenario"]), replicates=body.replicates,
                             seed=body.seed, years=4.0, from_scenario=True)  # fmt: skip
            row["run_query"] = state.query()
        rows.append(row)
    return render(request, "claims.html", "claims", "The claims, tested", job=job,
                   claims=rows, replicates=body.replicates, seed=body.seed)  # fmt: skip


@router.get("/requirements", response_class=HTMLResponse)
async def requirements(request: Request) -> Response:
    """What a target takes, year by year (the search runs once ``go`` is in the address)."""
    q = request.query_params
    form = {
        "scenario": q.get("scenario") or DEFAULT_SCENARIO,
        "target": q.get("target") or TARGETS[0][0],
        "value": q.get("value") or "1000000", "probability": q.get("probability") or "0.5",
        "replicates": q.get("replicates") or "100",
    }  # fmt: skip
    async with Api(request) as api:
        try:
            choices = await scenarios(api)
            job, result = None, None
            if q.get("go"):
                body = _requirements_body(form)
                _, job = await api.post("/v1/requirements", body)
                if job["status"] == "complete":
                    result = _requirements_view(await api.json(f"/v1/jobs/{job['id']}/result"))
        except (ApiProblem, StateError) as exc:
            return problem_page(request, exc, "/requirements")
    after_cancel = f"/requirements?{urlencode(form)}&cancelled=1"
    return render(request, "requirements.html", "requirements", "What would it take?",
                  after_cancel=after_cancel, scenarios=choices, targets=TARGETS, form=form,
                  job=job, result=result)  # fmt: skip


def _requirements_body(form: dict[str, str]) -> dict[str, Any]:
    if form["target"] not in dict(TARGETS):
        raise StateError("target", f"one of {', '.join(dict(TARGETS))}")
    try:
        value = float(form["value"].replace(",", ""))
    except ValueError:
        raise StateError("value", f"{form['value']!r} is not a number") from None
    try:
        probability = float(form["probability"])
    except ValueError:
        raise StateError("probability", f"{form['probability']!r} is not a number") from None
    state = RunState.read({"scenario": form["scenario"], "replicates": form["replicates"]})
    return {"scenario": state.scenario, "targets": [f"{form['target']}={value:g}"],
            "probability": probability, "replicates": state.replicates}  # fmt: skip


def _requirements_view(data: dict[str, Any]) -> dict[str, Any]:
    t = data["targets"][0]
    headline = (f"{t['meaning']}: {t['value']:,.0f} under {data['scenario']}, with a "
                f"{data['probability']:.0%} chance")  # fmt: skip
    header = ["", *(h.replace("\n", " from ") for h in year_headers(data))]
    rows = [[label.strip(), *(c.replace("\n", " ") for c in cells)]
            for label, cells, _ in requirements_rows(data)]  # fmt: skip
    return {"headline": headline, "lines": [LEGEND], "header": header, "rows": rows}


@router.get("/parameters", response_class=HTMLResponse)
async def parameters(request: Request) -> Response:
    """Every parameter with its values, uncertainty and source; searchable."""
    q = (request.query_params.get("q") or "").strip()[:100]
    scenario = request.query_params.get("scenario") or None
    async with Api(request) as api:
        try:
            table = await api.json("/v1/parameters", scenario=scenario)
            choices = await scenarios(api)
        except ApiProblem as exc:
            return problem_page(request, exc, "/parameters")
    rows = [parameter_row(r) for r in table["parameters"]]
    if q:
        words = q.lower().split()
        rows = [r for r in rows if all(w in r["search"] for w in words)]
    return render(request, "parameters.html", "parameters", "Every parameter and its source",
                   table=table, rows=rows, q=q, scenarios=choices)  # fmt: skip


def _sensitivity_body(q: Any) -> dict[str, Any]:
    """The ``POST /v1/sensitivities`` body of the page's address (the API's defaults if none)."""
    body: dict[str, Any] = {"scenario": q.get("scenario") or DEFAULT_SCENARIO}
    for name in ("n", "replicates", "seed"):
        if q.get(name):
            try:
                body[name] = int(q[name])
            except ValueError:
                raise StateError(name, f"{q[name]!r} is not a whole number") from None
    if q.get("years"):
        try:
            body["years"] = float(q["years"])
        except ValueError:
            raise StateError("years", f"{q['years']!r} is not a number") from None
    for name in ("metric", "vary"):
        if q.getlist(name):
            body["metrics" if name == "metric" else name] = q.getlist(name)
    return body


@router.get("/sensitivity", response_class=HTMLResponse)
async def sensitivity(request: Request) -> Response:
    """Which assumptions matter: each metric's Sobol indices in words and a tornado chart."""
    try:
        body = _sensitivity_body(request.query_params)
    except StateError as exc:
        return problem_page(request, exc)
    async with Api(request) as api:
        try:
            _, job = await api.post("/v1/sensitivities", body)
            result = None
            if job["status"] == "complete":
                result = sensitivity_view(await api.json(f"/v1/jobs/{job['id']}/result"))
        except ApiProblem as exc:
            return problem_page(request, exc)
    asked = job["request"]
    form = {k: asked.get(k) for k in ("scenario", "n", "replicates", "years")}
    return render(request, "sensitivity.html", "sensitivity", "Which assumptions matter",
                   job=job, result=result, form=form)  # fmt: skip


@router.get("/sensitivity/indices.csv")
async def sensitivity_csv(request: Request, job: str, metric: str) -> Response:
    """One metric's Sobol indices of a complete sensitivity job as CSV, with its source."""
    async with Api(request) as api:
        try:
            found = await api.json(f"/v1/jobs/{job}/result")
        except ApiProblem as exc:
            return problem_page(request, exc, "/sensitivity")
    if not isinstance(found, dict) or metric not in found.get("metrics", {}):
        err = StateError("metric", f"the analysis {job} has no metric {metric!r}")
        return problem_page(request, err, "/sensitivity")
    return Response(indices_csv(found, metric), media_type="text/csv; charset=utf-8")
