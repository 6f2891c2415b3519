"""Jobs: a verb run on a worker for the HTTP API, with its progress and its files on disk.

A job is one request (:mod:`deportsim.api.requests`) of one kind (:data:`MAIN_FILE` lists them),
done by :func:`perform` in a worker process (:mod:`deportsim.execution.pool`) into the job's
folder (:class:`deportsim.store.jobs.JobFolder`). Its id is a hash of everything that decides its
result (:func:`job_id`): the request, the content of the scenarios it names, the model's version
and the official data's; two identical requests are one job, computed once.

The worker reports progress to ``progress.json`` (:class:`Reporter`: stage, fraction done,
replicate-days, time left) at most ten times a second, and stops at its next report once the
job's ``cancel`` file exists. Its last step writes ``out/result.json``.
"""

from __future__ import annotations

import signal
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deportsim.api.job_requests import (
    OPTION_FIELDS,
    OverLimitError,
    RequestLimits,
    as_request_error,
    check_request,
    data_version,
    job_id,
    run_config,
)
from deportsim.api.job_verbs import MAIN_FILE, REQUESTS, JobSpec, Reporter, do
from deportsim.api.requests import (
    PreviewRequest,
)
from deportsim.core.errors import UserError
from deportsim.core.signals import Interrupted, clear_stop, request_stop
from deportsim.execution.pool import JobPool, LocalPool, job_pool
from deportsim.run import RunConfig
from deportsim.store.jobs import ACTIVE, ENDED, JobFolder, JobStore, now

__all__ = [
    "ACTIVE",
    "ENDED",
    "MAIN_FILE",
    "OPTION_FIELDS",
    "REQUESTS",
    "JobFolder",
    "JobPool",
    "JobSpec",
    "JobStore",
    "LocalPool",
    "OverLimitError",
    "Reporter",
    "RequestLimits",
    "as_request_error",
    "check_request",
    "data_version",
    "job_id",
    "job_pool",
    "now",
    "on_ended",
    "perform",
    "preview",
    "run_config",
    "warm_previews",
    "warm_up",
]

#: Seconds between two looks at the job's cancel file.
CANCEL_POLL_S = 0.1


def _watch_cancel(folder: JobFolder, stop: threading.Event) -> None:
    """Ask this process's work to stop once the job's cancel file exists."""
    while not stop.wait(CANCEL_POLL_S):
        if folder.cancel_asked:
            request_stop(signal.SIGTERM)
            return


def perform(spec: JobSpec) -> dict[str, Any]:
    """Do a job (in a worker process); what became of it: status, and error if it failed.

    The verb's files go to the job's ``out/``; ``out/result.json`` (written last) names them
    and the main one. A user's mistake fails the job with its one-line message and location;
    a cancellation ends it as ``cancelled``; anything else fails it as an internal error, its
    traceback kept in the job's ``error.log`` (never sent to a client).
    """
    folder = JobFolder(Path(spec.folder))
    if folder.cancel_asked:  # cancelled before a worker took it (a cluster's queue)
        return {"status": "cancelled"}
    clear_stop()
    rep = Reporter(folder)
    rep.write(force=True)
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_cancel, args=(folder, stop), daemon=True)
    watcher.start()
    try:
        catalog_id = do(spec, folder, rep)
        main = MAIN_FILE[spec.kind]
        files = sorted(p.name for p in folder.out.iterdir() if p.is_file()
                       and not p.name.startswith("."))  # fmt: skip
        folder.write_result({"kind": spec.kind, "main": main, "files": files,
                             "finished": now(), "catalog_id": catalog_id})  # fmt: skip
        rep.stage, rep.done = "done", rep.total
        rep.write(force=True)
        return {"status": "complete"}
    except UserError as exc:
        loc = as_request_error(exc).location
        return {"status": "failed", "error": {
            "title": "the request cannot be done", "detail": exc.message,
            "location": None if loc is None else {"file": loc.file, "line": loc.line,
                                                   "path": loc.path},
        }}  # fmt: skip
    except (Interrupted, KeyboardInterrupt):
        return {"status": "cancelled"}
    except Exception:  # noqa: BLE001 (an internal error ends the job, never the worker)
        (folder.path / "error.log").write_text(traceback.format_exc(), encoding="utf-8")
        return {"status": "failed", "error": {
            "title": "internal error", "detail": "the job failed inside deportsim; the server "
            "keeps the details in its log",
        }}  # fmt: skip
    finally:
        stop.set()
        clear_stop()


def warm_up() -> None:
    """Load the model and its compiled loop in this process (a worker, as it starts)."""
    from deportsim.run import execute, prepare  # noqa: PLC0415 (what warming up loads)

    cfg = RunConfig.latest("directive-2025", years=0.1, replicates=1, mean_field=True)
    execute(prepare(cfg))
    cfg = RunConfig.latest("directive-2025", years=0.05, replicates=2,
                           parameter_uncertainty=True)  # fmt: skip
    execute(prepare(cfg))


def on_ended(callback: Callable[[dict[str, Any]], None]) -> Callable[[Any], None]:
    """A future's done-callback that hands its result (or the error it raised) to ``callback``."""

    def done(fut: Any) -> None:
        if fut.cancelled():  # cancelled while queued: it never ran
            callback({"status": "cancelled"})
            return
        try:
            result = fut.result()
        except BaseException as exc:  # noqa: BLE001 (a worker that died: the job failed)
            result = {"status": "failed", "error": {
                "title": "internal error",
                "detail": f"the job's worker stopped: {type(exc).__name__}",
            }}  # fmt: skip
        callback(result)

    return done


def preview(
    request: PreviewRequest, scenarios: Path | None, limits: RequestLimits | None = None
) -> dict[str, Any]:
    """The run's expected path at once: one mean-field replicate, summary.json's content.

    Every random count is replaced by its expected value and the parameters are fixed, so the
    statistics have no interval (``p05 = p50 = p95``); the summary says ``"mean_field": true``.
    The request is checked first (:func:`check_request`, ``limits`` included).
    """
    from deportsim.run import execute  # noqa: PLC0415 (the model loads on use)

    prep = check_request(request, scenarios, limits)
    assert prep is not None  # noqa: S101 (a preview request always prepares its run)
    return execute(prep).summary


def warm_previews() -> None:
    """Load the model and its mean-field loop in this process (a server, as it starts)."""
    preview(PreviewRequest(years=0.1), None)
