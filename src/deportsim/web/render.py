"""What every page shares: the templates, the menu, a page rendered, a problem shown as a page.

A mistake in a page's address (:class:`~deportsim.web.state.StateError`) or a problem the API
answered (:class:`~deportsim.web.fetch.ApiProblem`) is a page with the API's status code (4xx)
naming the field at fault, never a trace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from deportsim._version import __version__
from deportsim.web.fetch import Api, ApiProblem
from deportsim.web.state import RunState, StateError

__all__ = ["JOB_RUNNING", "NAV", "TEMPLATES", "problem_page", "render", "scenarios", "state_of"]

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")

#: The pages in the menu: address, name, key.
NAV = (
    ("/", "Now", "now"),
    ("/what-if", "What if", "what-if"),
    ("/claims", "Claims", "claims"),
    ("/requirements", "What would it take", "requirements"),
    ("/sensitivity", "Which assumptions matter", "sensitivity"),
    ("/parameters", "Parameters", "parameters"),
)
#: Seconds between two reloads of a page waiting for a job, without JavaScript.
RELOAD_S = 3
JOB_RUNNING = ("queued", "running")


def render(request: Request, name: str, page: str, title: str, code: int = 200,
            **context: Any) -> HTMLResponse:  # fmt: skip
    """Template ``name`` as page ``page`` (the menu's key), with what every page shows."""
    context |= {"request": request, "page": page, "title": title, "nav": NAV,
                "version": __version__}  # fmt: skip
    # without JavaScript, a page waiting for a job looks again every RELOAD_S seconds
    context.setdefault("reload_s", RELOAD_S)
    return TEMPLATES.TemplateResponse(request, name, context, status_code=code)


def problem_page(request: Request, exc: ApiProblem | StateError, back: str = "/") -> HTMLResponse:
    """A mistake in the address, or the API's problem document, as a page naming the field."""
    if isinstance(exc, StateError):
        return render(request, "problem.html", "problem", "This address has a mistake", 422,
                       detail=exc.message, fields=[{"field": exc.field, "message": exc.message}],
                       location=None, back=back)  # fmt: skip
    p = exc.problem
    fields = [{"field": str(e.get("field", "")).removeprefix("body."), "message": e.get("message")}
              for e in p.get("errors") or ()]  # fmt: skip
    loc = p.get("location") or {}
    where = ", ".join(f"{k} {v}" for k, v in loc.items() if v is not None) if loc else None
    code = exc.status if 400 <= exc.status < 600 else 502
    return render(request, "problem.html", "problem", str(p.get("title") or "Problem"), code,
                   detail=p.get("detail") or "", fields=fields, location=where,
                   back=back)  # fmt: skip


def state_of(request: Request) -> RunState:
    """The run a page's address asks for (:class:`~deportsim.web.state.RunState`)."""
    q = request.query_params
    return RunState.read({k: q[k] for k in q}, q.getlist("set"))


async def scenarios(api: Api) -> list[dict[str, Any]]:
    """The scenarios a page offers (``GET /v1/scenarios``)."""
    return list(await api.json("/v1/scenarios"))
