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
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deportsim.api.job_requests import (
    OPTION_FIELDS,
    as_request_error,
    check_request,
    data_version,
    job_id,
    run_config,
    run_years,
    scenario_config,
)
from deportsim.api.requests import (
    BacktestRequest,
    ClaimsRequest,
    EstimatesRequest,
    EvaluationRequest,
    ForecastRequest,
    JobRequest,
    PreviewRequest,
    ReportRequest,
    RequirementsRequest,
    RunRequest,
    StatusRequest,
)
from deportsim.api.stored import scenario_ref
from deportsim.core.errors import UserError
from deportsim.core.signals import Interrupted, clear_stop, request_stop
from deportsim.execution.pool import JobPool, LocalPool, job_pool
from deportsim.run import Prepared, RunConfig
from deportsim.store.catalog.records import CatalogChoice
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
    "Reporter",
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
    "run_years",
    "warm_previews",
    "warm_up",
]

#: Each kind's request model.
REQUESTS: dict[str, type[JobRequest]] = {
    "run": RunRequest, "claims": ClaimsRequest, "requirements": RequirementsRequest,
    "compare-estimates": EstimatesRequest, "report": ReportRequest,
    "backtest": BacktestRequest, "forecast": ForecastRequest,
    "forecast-evaluation": EvaluationRequest, "status": StatusRequest,
}  # fmt: skip
#: The file that holds each kind's answer (the command line writes the same file).
MAIN_FILE: dict[str, str] = {
    "run": "summary.json", "claims": "claims.json", "requirements": "requirements.json",
    "compare-estimates": "estimates.json", "report": "report.html", "backtest": "backtest.json",
    "forecast": "forecast.json", "forecast-evaluation": "evaluation.json",
    "status": "status.json",
}  # fmt: skip
#: Seconds between two writes of progress.json.
REPORT_EVERY_S = 0.1
#: Seconds between two looks at the job's cancel file.
CANCEL_POLL_S = 0.1


@dataclass(frozen=True)
class JobSpec:
    """What a worker needs to do a job: its folder, kind, request and where things are kept."""

    folder: str
    kind: str
    request: dict[str, Any]
    scenarios: str | None  # the folder of stored scenarios
    catalog: str | None  # the catalog folder runs are recorded in; None: none


class Reporter:
    """A worker's progress, written to ``progress.json`` at most every :data:`REPORT_EVERY_S`."""

    def __init__(self, folder: JobFolder) -> None:
        self.folder = folder
        self.started = time.monotonic()
        self.last = 0.0
        self.stage = "starting"
        self.done = 0
        self.total = 0  # replicate-days, once known
        self.steps: tuple[int, int] | None = None  # steps done, of (claims, ...)
        self.per_day = 1  # replicates a day of the run stands for

    def write(self, force: bool = False) -> None:
        """Write progress.json now if it is time (or ``force``)."""
        t = time.monotonic()
        if not force and t - self.last < REPORT_EVERY_S:
            return
        self.last = t
        elapsed = t - self.started
        fraction = self.done / self.total if self.total else None
        if fraction is None and self.steps is not None and self.steps[1]:
            fraction = max(self.steps[0] - 1, 0) / self.steps[1]  # the claims before this one
        eta = elapsed / fraction - elapsed if fraction else None
        self.folder.write_progress({
            "stage": self.stage, "fraction": fraction, "replicate_days_done": self.done,
            "replicate_days_total": self.total, "elapsed_s": round(elapsed, 3),
            "eta_s": None if eta is None else round(eta, 3), "updated": now(),
        })  # fmt: skip

    def prepared(self, prep: Prepared) -> None:
        """A run is prepared: its size is known."""
        self.per_day = prep.config.replicates
        self.total = prep.resolved.days * self.per_day
        self.done = 0
        self.stage = f"simulating {prep.scenario.name}"
        self.write(force=True)

    def day(self, t: int) -> None:
        """Day ``t`` of the run is done."""
        self.done = min((t + 1) * self.per_day, self.total)
        if self.done >= self.total:
            self.stage = "writing results"
        self.write()

    def step(self, what: str) -> None:
        """A new stage (a claim, a search step)."""
        self.stage = what
        if self.steps is not None:
            self.steps = (self.steps[0] + 1, self.steps[1])
        self.write()


def _watch_cancel(folder: JobFolder, stop: threading.Event) -> None:
    """Ask this process's work to stop once the job's cancel file exists."""
    while not stop.wait(CANCEL_POLL_S):
        if folder.cancel_asked:
            request_stop(signal.SIGTERM)
            return


def _do(spec: JobSpec, folder: JobFolder, rep: Reporter) -> None:  # noqa: PLR0911
    """Run the verb of ``spec`` into ``folder.out``."""
    from deportsim import api  # noqa: PLC0415 (the verbs, loaded in the worker)

    scenarios = Path(spec.scenarios) if spec.scenarios else None
    catalog: CatalogChoice = Path(spec.catalog) if spec.catalog else False
    out = folder.out
    req = REQUESTS[spec.kind].model_validate(spec.request)
    if isinstance(req, RunRequest):
        api.run(run_config(req, scenarios), out, rep.day, catalog=catalog,
                on_prepared=rep.prepared, overwrite=True)  # fmt: skip
        return
    if isinstance(req, ClaimsRequest):
        rep.steps = (0, 0)

        def started(n: int) -> None:
            rep.steps = (0, n)

        api.claims(req.replicates, req.seed, out, lambda c: rep.step(f"claim {c}"),
                   parameter_uncertainty=not req.fixed_parameters, catalog=catalog,
                   on_start=started)  # fmt: skip
        return
    if isinstance(req, RequirementsRequest):
        api.requirements(scenario_config(req, scenarios), tuple(req.targets),
                         probability=req.probability, from_year=req.from_year, out=out,
                         on_status=rep.step, catalog=catalog)  # fmt: skip
        return
    if isinstance(req, EstimatesRequest):
        rep.step("comparing published estimates")
        api.compare_estimates(
            req.replicates,
            req.seed,
            req.years,
            out=out,
            parameter_uncertainty=not req.fixed_parameters,
            catalog=catalog,
        )
        return
    if isinstance(req, ReportRequest):
        compare = tuple(scenario_ref(s, scenarios) for s in req.compare)

        def on_day(prep: Prepared, t: int) -> None:
            if rep.per_day != prep.config.replicates or t == 0:
                rep.prepared(prep)
            rep.day(t)

        api.report(scenario_config(req, scenarios), compare, out=out,
                   claims="test" if req.claims else None, on_day=on_day, catalog=catalog,
                   on_claim=lambda c: rep.step(f"claim {c}"))  # fmt: skip
        return
    if isinstance(req, BacktestRequest):
        rep.step("replaying history")
        api.backtest(seed=req.seed, stays=req.stays, out=out, catalog=catalog)
        return
    if isinstance(req, ForecastRequest):
        rep.step("forecasting")
        api.forecast(
            scenario_ref(req.scenario, scenarios),
            req.as_of,
            req.months,
            replicates=req.replicates,
            seed=req.seed,
            out=out,
            catalog=catalog,
        )
        return
    if isinstance(req, EvaluationRequest):
        rep.steps = (0, 0)

        def origins(done: int, total: int) -> None:
            rep.steps = (done + 1, total)
            rep.stage = f"origin {done + 1} of {total}"
            rep.write()

        api.forecast_evaluation(out, replicates=req.replicates, seed=req.seed,
                                first_origin=req.first_origin, quick=req.quick,
                                progress=origins, catalog=catalog)  # fmt: skip
        return
    if isinstance(req, StatusRequest):
        rep.step("estimating the totals so far")
        api.status(out, replicates=req.replicates, seed=req.seed)
        return
    raise AssertionError(spec.kind)  # pragma: no cover (REQUESTS covers every kind)


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
        _do(spec, folder, rep)
        main = MAIN_FILE[spec.kind]
        files = sorted(p.name for p in folder.out.iterdir() if p.is_file()
                       and not p.name.startswith("."))  # fmt: skip
        folder.write_result({"kind": spec.kind, "main": main, "files": files,
                             "finished": now()})  # fmt: skip
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


def preview(request: PreviewRequest, scenarios: Path | None) -> dict[str, Any]:
    """The run's expected path at once: one mean-field replicate, summary.json's content.

    Every random count is replaced by its expected value and the parameters are fixed, so the
    statistics have no interval (``p05 = p50 = p95``); the summary says ``"mean_field": true``.
    """
    from deportsim.run import execute, prepare  # noqa: PLC0415 (the model loads on use)

    return execute(prepare(run_config(request, scenarios))).summary


def warm_previews() -> None:
    """Load the model and its mean-field loop in this process (a server, as it starts)."""
    preview(PreviewRequest(years=0.1), None)
