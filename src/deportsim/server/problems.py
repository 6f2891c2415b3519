"""Every error as an RFC 9457 problem document (``application/problem+json``), never a trace.

A user's mistake is a 4xx naming the place at fault: the request field (``errors``, one per
field, as pydantic found them) or, for a scenario document, its line and path (``location``),
with the same one-line message the command line prints. A fault of the server is a 500 that says
so and nothing more; the details go to the server's log.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from deportsim.api import UserError
from deportsim.api.jobs import OverLimitError, as_request_error

__all__ = ["PROBLEM", "FieldError", "Problem", "ProblemError", "install", "problem_response"]

PROBLEM = "application/problem+json"
log = logging.getLogger("deportsim.server")


class FieldError(BaseModel):
    """One field at fault in a request."""

    field: str = Field(description="Where in the request: body.replicates, query.format, ...")
    message: str


class Location(BaseModel):
    """Where in a document the mistake is: file (or request field), line, parameter path."""

    file: str | None = None
    line: int | None = None
    path: str | None = None


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field("about:blank", description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    location: Location | None = None
    errors: list[FieldError] | None = None
    limit: str | None = Field(None, description="The server limit the request went past.")


class ProblemError(Exception):
    """Raised by a route to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra


def problem_response(
    status: int, title: str, detail: str | None = None, instance: str | None = None, **extra: Any
) -> JSONResponse:
    """A problem document with ``status``."""
    doc = Problem(title=title, status=status, detail=detail, instance=instance, **extra)
    return JSONResponse(doc.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(x) for x in loc)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    exc = cast(RequestValidationError, exc)
    errors = [FieldError(field=_field(e.get("loc", ())), message=str(e.get("msg", "")))
              for e in exc.errors()]  # fmt: skip
    first = errors[0] if errors else None
    detail = f"{first.field}: {first.message}" if first else "the request is not valid"
    return problem_response(422, "invalid request", detail, request.url.path,
                            errors=[e.model_dump() for e in errors])  # fmt: skip


async def _user_error(request: Request, exc: Exception) -> JSONResponse:
    original = cast(UserError, exc)
    exc = as_request_error(original)
    loc = exc.location
    where = None if loc is None else {"file": loc.file, "line": loc.line, "path": loc.path}
    extra: dict[str, Any] = {"location": where}
    detail = exc.one_line()
    if loc is not None and loc.file == "<request>":  # a field of the request's body
        detail = detail.removeprefix("<request>: ")
        extra["errors"] = [{"field": f"body.{loc.path}", "message": exc.message}]
    if isinstance(original, OverLimitError):
        return problem_response(422, "over a limit", detail, request.url.path,
                                limit=original.limit, **extra)  # fmt: skip
    return problem_response(422, "invalid request", detail, request.url.path, **extra)


async def _problem(request: Request, exc: Exception) -> JSONResponse:
    exc = cast(ProblemError, exc)
    return problem_response(exc.status, exc.title, exc.detail, request.url.path, **exc.extra)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    exc = cast(HTTPException, exc)
    titles = {404: "not found", 405: "method not allowed", 406: "not acceptable"}
    title = titles.get(exc.status_code, "request refused")
    if exc.status_code == 400:
        title = "unreadable request"
    detail = exc.detail if isinstance(exc.detail, str) else None
    response = problem_response(exc.status_code, title, detail, request.url.path)
    response.headers.update(exc.headers or {})  # a 405's Allow, for one
    return response


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, "internal error",
                            "the server failed to answer; the details are in its log",
                            request.url.path)  # fmt: skip


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` with a problem document."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(UserError, _user_error)
    app.add_exception_handler(ProblemError, _problem)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _internal)
