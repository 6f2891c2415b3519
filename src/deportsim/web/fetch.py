"""The pages read the HTTP API, in process: the same requests a browser or a notebook makes.

:class:`Api` sends a page's requests to the application serving it (``httpx`` over ASGI, no
socket), on behalf of the reader who asked for the page: their address goes with each request,
so the server's limits per client count the reader, not the web pages. An answer of 4xx or 5xx
is an :class:`ApiProblem` holding the problem document, which the page shows as it is.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import Request

__all__ = ["Api", "ApiProblem"]

#: Seconds a page waits for one answer of the API (a run is a job: its POST answers at once).
TIMEOUT_S = 120.0


class ApiProblem(Exception):  # noqa: N818 (a problem document, as the API calls it)
    """The API answered with a problem document (RFC 9457)."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(problem.get("detail") or problem.get("title") or str(status))
        self.status = status
        self.problem = problem


class Api:
    """The HTTP API of the application serving ``request``, called in process."""

    def __init__(self, request: Request) -> None:
        client = request.client
        peer = (client.host, client.port) if client is not None else ("127.0.0.1", 0)
        transport = httpx.ASGITransport(app=request.app, client=peer)
        self._http = httpx.AsyncClient(transport=transport, base_url="http://deportsim",
                                       timeout=TIMEOUT_S)  # fmt: skip

    async def __aenter__(self) -> Api:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def _checked(self, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = {"title": response.reason_phrase, "status": response.status_code}
            raise ApiProblem(response.status_code, problem if isinstance(problem, dict) else {})
        return response

    async def get(self, path: str, **params: Any) -> httpx.Response:
        """``GET path`` (query ``params``; None values left out)."""
        query = {k: v for k, v in params.items() if v is not None}
        return await self._checked(await self._http.get(path, params=query))

    async def json(self, path: str, **params: Any) -> Any:
        """``GET path``'s JSON."""
        return (await self.get(path, **params)).json()

    async def delete(self, path: str) -> httpx.Response:
        """``DELETE path``."""
        return await self._checked(await self._http.delete(path))

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        """``POST path`` with a JSON ``body``: the status code and the JSON answer."""
        response = await self._checked(await self._http.post(path, json=body))
        return response.status_code, response.json()
