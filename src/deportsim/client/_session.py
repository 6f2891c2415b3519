"""The client's connection to a server: requests, errors as exceptions, and jobs followed.

A job is followed through its server-sent events (``/v1/jobs/{id}/events``); if the stream
breaks (a proxy that cuts long answers, a network hiccup), the client polls the job instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable, Generator, Iterable, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx

from deportsim.client._errors import ApiError, ClientError, JobError
from deportsim.client._events import Event, parse_events
from deportsim.client._models import ENDED, JobResult, OnProgress

__all__ = ["Session", "json_object", "json_rows", "segment"]

T = TypeVar("T")

#: Where ``deportsim serve`` listens by default.
DEFAULT_URL = "http://127.0.0.1:8000"
#: Seconds the client waits for an answer (connecting: :data:`CONNECT_S`).
TIMEOUT_S = 60.0
CONNECT_S = 10.0
#: Least seconds to wait for the next line of an event stream (the server sends a keep-alive
#: every 15 s while a job has nothing new to say).
EVENTS_READ_S = 45.0
#: Seconds between two looks at a job while polling it.
POLL_S = 0.5


def segment(value: str) -> str:
    """``value`` as one segment of a URL's path (a ``/`` in it cannot reach another resource)."""
    return quote(value, safe="")


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The JSON object an answer holds (ClientError if it holds something else)."""
    data = response.json()
    if not isinstance(data, dict):
        raise ClientError(f"expected a JSON object from {response.request.url.path}")
    return data


def json_rows(response: httpx.Response, key: str | None = None) -> list[dict[str, Any]]:
    """The list of JSON objects an answer holds (under ``key``, if given)."""
    data = response.json()
    rows = data.get(key) if key is not None and isinstance(data, dict) else data
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ClientError(f"expected a list of JSON objects from {response.request.url.path}")
    return rows


def _jsonable(value: Any) -> Any:
    """What ``json.dumps`` cannot write itself: dates, and sequences other than lists."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not something a request can hold")


def progress_of(view: Mapping[str, Any]) -> dict[str, Any]:
    """A job's progress as its events report it: its status, then the progress fields."""
    status = view.get("status")
    return {"status": status, **(view.get("progress") or {"stage": status})}


def answer_link(view: Mapping[str, Any]) -> str:
    """Where a complete job's answer is: a run's summary, or the job's result."""
    links = view.get("links") or {}
    return str(links.get("summary") or links.get("result")
               or f"/v1/jobs/{segment(str(view['id']))}/result")  # fmt: skip


class Session:
    """A connection to a deportsim server, with the requests every verb is made of."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        timeout: float | httpx.Timeout | None = TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
        *,
        poll_interval: float = POLL_S,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            timeout=_timeout(timeout),
            transport=transport,
            headers={"User-Agent": f"deportsim.client httpx/{httpx.__version__}"},
        )
        read = self._http.timeout.read
        self._stream_timeout = httpx.Timeout(
            connect=self._http.timeout.connect,
            read=None if read is None else max(read, EVENTS_READ_S),
            write=self._http.timeout.write,
            pool=self._http.timeout.pool,
        )
        self._poll_interval = poll_interval

    @property
    def base_url(self) -> str:
        """The server's address."""
        return str(self._http.base_url).rstrip("/")

    def close(self) -> None:
        """Close the connections to the server."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """Ask the server; its answer, or ApiError for a 4xx or 5xx."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        content = None if body is None else json.dumps(body, default=_jsonable).encode()
        headers = None if body is None else {"Content-Type": "application/json"}
        response = self._http.request(method, path, params=query, content=content,
                                      headers=headers)  # fmt: skip
        if response.is_error:
            raise ApiError.from_response(response)
        return response

    def _get(self, path: str, **params: Any) -> httpx.Response:
        return self._request("GET", path, params=params)

    def job(self, job_id: str) -> dict[str, Any]:
        """Where a job stands: its status, progress, error, files and links."""
        return json_object(self._get(f"/v1/jobs/{segment(job_id)}"))

    def events(self, job_id: str) -> Generator[Event, None, None]:
        """The job's server-sent events as they come: ``progress`` ones, then one ``end``.

        The iterator ends after ``end`` (whose data is the job's view); a job that has ended
        already gives its last ``progress`` and its ``end`` at once.
        """
        path = f"/v1/jobs/{segment(job_id)}/events"
        headers = {"Accept": "text/event-stream"}
        with self._http.stream("GET", path, headers=headers,
                               timeout=self._stream_timeout) as response:  # fmt: skip
            if response.is_error:
                response.read()
                raise ApiError.from_response(response)
            yield from parse_events(response.iter_lines())

    def wait(self, job_id: str, on_progress: OnProgress | None = None) -> dict[str, Any]:
        """Wait for a job to end; its last view. JobError unless it is complete.

        ``on_progress`` is told each progress report (the data of a ``progress`` event).
        """
        view = self._follow(job_id, on_progress) or self._poll(job_id, on_progress)
        if view.get("status") != "complete":
            raise JobError(view)
        return view

    def _follow(self, job_id: str, on_progress: OnProgress | None) -> dict[str, Any] | None:
        """The job's last view from its events; None if the stream broke before its end."""
        try:
            with contextlib.closing(self.events(job_id)) as events:
                for event in events:
                    if event.event == "end":
                        return event.data
                    if event.event == "progress" and on_progress is not None:
                        on_progress(event.data)
        except httpx.RequestError:
            return None  # the stream broke: poll
        return None  # it closed before the end: poll

    def _poll(self, job_id: str, on_progress: OnProgress | None) -> dict[str, Any]:
        """The job's last view, looked at every ``poll_interval`` seconds until it ends."""
        last: dict[str, Any] | None = None
        while True:
            view = self.job(job_id)
            now = progress_of(view)
            if on_progress is not None and now != last:
                on_progress(now)
            last = now
            if view.get("status") in ENDED:
                return view
            time.sleep(self._poll_interval)

    def _start(
        self,
        path: str,
        body: Mapping[str, Any],
        wait: bool,
        on_progress: OnProgress | None,
        answer: Callable[[httpx.Response], T],
    ) -> JobResult[T] | dict[str, Any]:
        """Start a job (or find the same one); its view, or once ``wait``-ed its answer."""
        view = json_object(self._request("POST", path, body=body))
        return self._finish(view, on_progress, answer) if wait else view

    def _finish(
        self,
        view: dict[str, Any],
        on_progress: OnProgress | None,
        answer: Callable[[httpx.Response], T],
    ) -> JobResult[T]:
        """The answer of the job ``view`` shows, once it has completed."""
        status = view.get("status")
        if status not in ENDED:
            view = self.wait(str(view["id"]), on_progress)
        elif status != "complete":
            raise JobError(view)
        response = self._get(answer_link(view))
        return JobResult(id=str(view["id"]), kind=str(view.get("kind")),
                         status=str(view["status"]), answer=answer(response),
                         job=view)  # fmt: skip


def _timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    """A number of seconds as a timeout whose connecting takes at most :data:`CONNECT_S`."""
    if isinstance(timeout, int | float):
        return httpx.Timeout(timeout, connect=min(timeout, CONNECT_S))
    return httpx.Timeout(timeout)
