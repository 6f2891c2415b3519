"""A cap on the size of a request's body, enforced before the body is read into memory."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deportsim.server.problems import PROBLEM, Problem

__all__ = ["BodyLimit"]


class _TooLargeError(Exception):
    pass


class BodyLimit:
    """ASGI middleware: a body over ``limit`` bytes is answered 413 with a problem document.

    A declared ``Content-Length`` above the limit is refused at once; a body sent in chunks is
    counted as it arrives and refused when it passes the limit.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting its body's bytes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLargeError
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLargeError:
            if not started:
                await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        doc = Problem(
            title="request too large",
            status=413,
            detail=f"the body is over {self.limit:,} bytes, this server's limit",
            instance=scope.get("path"),
            limit=f"body_bytes <= {self.limit}",
        )
        body = doc.model_dump_json(exclude_none=True).encode()
        head: list[Any] = [(b"content-type", PROBLEM.encode()),
                           (b"content-length", str(len(body)).encode())]  # fmt: skip
        await send({"type": "http.response.start", "status": 413, "headers": head})
        await send({"type": "http.response.body", "body": body})
