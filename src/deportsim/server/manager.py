"""The server's jobs: one computation per distinct request, limits per client, timeouts.

:class:`Manager` turns a request into a job (:mod:`deportsim.api.jobs`): its id is the hash of
everything that decides its result, so an identical request finds the job already there —
complete, or still running, which it then joins — and nothing is computed twice. A job that was
cancelled, interrupted by a server restart or failed inside deportsim is computed afresh when asked
for again; one that failed on the user's mistake answers the same again.

Jobs run on the pool (:mod:`deportsim.execution.pool`); the job's record (``job.json``) is written
only here, on submission and when its worker ends, so a restart finds every job as it was.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from deportsim import api
from deportsim.api.jobs import (
    ACTIVE,
    MAIN_FILE,
    JobFolder,
    JobPool,
    JobSpec,
    JobStore,
    RequestLimits,
    check_request,
    data_version,
    job_id,
    now,
    on_ended,
    perform,
)
from deportsim.api.requests import JobRequest
from deportsim.server.problems import ProblemError
from deportsim.server.settings import Settings

__all__ = ["Manager"]

#: Seconds between two looks for jobs past their time.
TIMEOUT_POLL_S = 1.0


@dataclass
class _Active:
    future: concurrent.futures.Future[Any]
    client: str
    started: float = field(default_factory=time.monotonic)
    timed_out: bool = False


class Manager:
    """Submits, finds, cancels and times out the jobs of one server."""

    def __init__(self, settings: Settings, pool: JobPool | None) -> None:
        self.settings = settings
        self.store = JobStore(settings.jobs)
        self.interrupted = self.store.recover()
        self.pool = pool
        self.data = data_version()
        self.active: dict[str, _Active] = {}
        self.lock = threading.Lock()
        #: Jobs computed since the server started (each distinct request once): tests count them
        self.computed = 0

    def folder(self, jid: str) -> JobFolder:
        """The job ``jid``'s folder (a 404 problem if there is none)."""
        f = self.store.folder(jid)
        if f is None:
            raise ProblemError(404, "not found", f"no job {jid}")
        return f

    @property
    def limits(self) -> RequestLimits:
        """What one request may ask of this server."""
        lim = self.settings.limits
        return RequestLimits(replicates=lim.replicates, years=lim.years)

    def _reusable(self, jid: str) -> dict[str, Any] | None:
        """The record of job ``jid`` if it answers the request as it is (else None)."""
        f = self.store.folder(jid)
        record = None if f is None else f.record()
        if record is not None and (record["status"] in ACTIVE or record["status"] == "complete"
                                   or _user_failure(record)):  # fmt: skip
            return record
        return None

    def submit(self, kind: str, request: JobRequest, client: str) -> tuple[dict[str, Any], bool]:
        """The job for ``request`` (found or started); whether it was started now.

        A job that answers it already is returned as it is; otherwise the request is checked
        (:func:`~deportsim.api.jobs.check_request`, the server's limits included) and queued.
        """
        if self.settings.read_only or self.pool is None:
            raise ProblemError(403, "read-only server", "this server computes no new jobs; it "
                               "serves the results it has", limit="read-only")  # fmt: skip
        jid, hashes = job_id(kind, request, self.settings.scenarios, self.data)
        found = self._reusable(jid)
        if found is not None:
            return found, False
        # the status is the server's own question: its size is the verb's, whatever the limits
        limits = None if kind == "status" else self.limits
        prepared = check_request(request, self.settings.scenarios, limits)
        with self.lock:
            found = self._reusable(jid)  # asked for meanwhile by another request
            if found is not None:
                return found, False
            self._check_load(client)
            asked = request.model_dump(mode="json")
            record: dict[str, Any] = {
                "id": jid, "kind": kind, "status": "queued", "request": asked,
                "scenarios": hashes, "created": now(), "model_version": str(api.__version__),
                "data_version": self.data, "main": MAIN_FILE[kind],
            }  # fmt: skip
            f = self.store.create(jid, record)
            spec = JobSpec(str(f.path), kind, asked, str(self.settings.scenarios),
                           str(self.settings.catalog), prepared)  # fmt: skip
            fut = self.pool.submit(perform, spec)
            self.active[jid] = _Active(fut, client)
            self.computed += 1
        fut.add_done_callback(on_ended(lambda result: self._ended(jid, result)))
        return record, True

    def _check_load(self, client: str) -> None:
        lim = self.settings.limits
        mine = sum(1 for a in self.active.values() if a.client == client)
        if mine >= lim.jobs_per_client:
            raise ProblemError(429, "too many jobs", f"at most {lim.jobs_per_client} jobs of one "
                               "client queued or running at once; wait for one to end",
                               limit=f"jobs_per_client <= {lim.jobs_per_client}")  # fmt: skip
        if len(self.active) >= lim.jobs:
            raise ProblemError(503, "server busy", f"{lim.jobs} jobs are queued or running; try "
                               "again later", limit=f"jobs <= {lim.jobs}")  # fmt: skip

    def _ended(self, jid: str, result: dict[str, Any]) -> None:
        """A worker ended the job: record how (in the pool's callback thread)."""
        with self.lock:
            active = self.active.pop(jid, None)
            f = self.store.folder(jid)
            if f is None:
                return
            status = result.get("status", "failed")
            error = result.get("error")
            if active is not None and active.timed_out and status == "cancelled":
                status = "failed"
                error = {"title": "timed out", "detail": "the job ran longer than this server "
                         f"allows ({self.settings.limits.job_seconds:g} s)"}  # fmt: skip
            if status == "complete" and f.result() is None:
                status, error = (
                    "failed",
                    {"title": "internal error", "detail": "the job ended without its result"},
                )
            f.update(status=status, finished=now(), error=error)

    def cancel(self, jid: str) -> dict[str, Any]:
        """Ask the job to stop; its record (cancelled at once if it had not started)."""
        f = self.folder(jid)
        with self.lock:
            active = self.active.get(jid)
            if active is None:
                return f.record() or {}
            f.ask_cancel()  # a running worker stops at its next report
        # still queued: it never starts, and its done-callback records it cancelled (outside the
        # lock, which that callback takes)
        active.future.cancel()
        return f.record() or {}

    async def watch_timeouts(self) -> None:
        """Cancel jobs that run past :attr:`Limits.job_seconds` (a task of the server's)."""
        limit = self.settings.limits.job_seconds
        while True:
            await asyncio.sleep(TIMEOUT_POLL_S)
            t = time.monotonic()
            with self.lock:
                late = [(j, a) for j, a in self.active.items()
                        if t - a.started > limit and not a.timed_out]  # fmt: skip
            for jid, active in late:
                active.timed_out = True
                folder = self.store.folder(jid)
                if folder is not None:
                    folder.ask_cancel()

    def close(self) -> None:
        """Stop the pool (running jobs end; a restart lists them as interrupted)."""
        if self.pool is not None:
            self.pool.close()


def _user_failure(record: dict[str, Any]) -> bool:
    """A job that failed on the user's mistake: asked again, it would fail the same way."""
    error = record.get("error") or {}
    return record.get("status") == "failed" and error.get("title") == "the request cannot be done"
