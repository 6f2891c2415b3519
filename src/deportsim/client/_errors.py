"""What the client raises: an error answer of the server, or a job that ended without its answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

__all__ = ["ApiError", "ClientError", "JobError"]

#: Characters of a body that is not a problem document kept in the error's detail.
DETAIL_CHARS = 500


class ClientError(Exception):
    """Anything the client raises about the server's answers (network errors are httpx's own)."""


class ApiError(ClientError):
    """The server answered 4xx or 5xx: its problem document (RFC 9457), field by field.

    Attributes:
        problem: The whole problem document, as sent.
        status: The HTTP status: 404, 409, 413, 422, 429, ...
        title: The kind of problem, short: "invalid request", "over a limit", "not found".
        detail: What is wrong, in one line (None if the server said no more than the title).
        type: A URI naming the kind of problem ("about:blank" for all of deportsim's).
        instance: The path that was asked for.
        location: Where the mistake is: ``{"file", "line", "path"}`` (a request field such as
            ``sets.0``, or a line of a scenario document), or None.
        errors: The request fields at fault, each ``{"field", "message"}`` (empty if none).
        limit: The server's limit the request went past ("replicates <= 1000"), or None.
    """

    def __init__(self, problem: Mapping[str, Any]) -> None:
        self.problem = dict(problem)
        self.status = int(problem.get("status") or 0)
        self.title = str(problem.get("title") or "error")
        self.detail = _text(problem.get("detail"))
        self.type = str(problem.get("type") or "about:blank")
        self.instance = _text(problem.get("instance"))
        self.location = _mapping(problem.get("location"))
        self.errors = [dict(e) for e in problem.get("errors") or () if isinstance(e, Mapping)]
        self.limit = _text(problem.get("limit"))
        super().__init__(self._message())

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        """The error of an answer with a 4xx or 5xx status (a document made up if it has none)."""
        try:
            doc = response.json()
        except ValueError:  # not JSON: a proxy's page, say
            doc = None
        if not isinstance(doc, dict) or "title" not in doc:
            doc = {
                "title": response.reason_phrase or "error",
                "status": response.status_code,
                "detail": response.text[:DETAIL_CHARS] or None,
                "instance": response.request.url.path,
            }
        return cls({"status": response.status_code, **doc})

    @property
    def fields(self) -> list[str]:
        """The request fields at fault (``body.sets.0``): those of :attr:`errors`.

        A problem with no ``errors`` but a ``location`` (a line of a scenario document) names
        its path instead.
        """
        named = [str(e["field"]) for e in self.errors if e.get("field")]
        path = (self.location or {}).get("path")
        return named if named or not path else [str(path)]

    def _message(self) -> str:
        text = f"{self.status} {self.title}"
        if self.detail:
            text += f": {self.detail}"
        if self.instance:
            text += f" ({self.instance})"
        return text


class JobError(ClientError):
    """A job ended without its answer: it failed, was cancelled, or was interrupted.

    A job is interrupted when its server stopped while it ran; asking for it again computes it
    afresh, as for a cancelled job. One that failed on a mistake in the request fails again.

    Attributes:
        job: The job's last view (its request, progress, error and links).
        id: The job's id.
        kind: What it did: run, claims, requirements, ...
        status: failed, cancelled or interrupted.
        title: The error's kind ("the request cannot be done", "timed out"), or None.
        detail: What went wrong, in one line, or None.
        location: Where in the request: ``{"file", "line", "path"}``, or None.
    """

    def __init__(self, job: Mapping[str, Any]) -> None:
        self.job = dict(job)
        self.id = str(job.get("id", "?"))
        self.kind = str(job.get("kind", "?"))
        self.status = str(job.get("status", "failed"))
        error = _mapping(job.get("error")) or {}
        self.title = _text(error.get("title"))
        self.detail = _text(error.get("detail"))
        self.location = _mapping(error.get("location"))
        super().__init__(self._message())

    def _message(self) -> str:
        how = {
            "cancelled": "was cancelled",
            "interrupted": "was interrupted (its server stopped); ask again to compute it afresh",
        }.get(self.status, self.status)
        text = f"job {self.id} {how}"
        text += "".join(f": {part}" for part in (self.title, self.detail) if part)
        path = (self.location or {}).get("path")
        return f"{text} (field {path})" if path else text


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _mapping(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None
