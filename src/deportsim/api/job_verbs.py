"""What a worker does for each kind of job: the verb, into the job's folder, reporting progress.

:func:`do` runs one job's verb (the library API's function) with the job's ``out/`` folder as
its output and the server's catalog, and returns the id of the catalog record it made.
:class:`Reporter` writes ``progress.json``: the stage, the fraction done and, for runs, the
replicate-days done and the time left.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deportsim.api.job_requests import (
    parameters,
    run_config,
    scenario_config,
    sensitivity_config,
)
from deportsim.api.requests import (
    BacktestRequest,
    ClaimsRequest,
    EstimatesRequest,
    EvaluationRequest,
    ForecastRequest,
    JobRequest,
    ReportRequest,
    RequirementsRequest,
    RunRequest,
    SensitivityRequest,
    StatusRequest,
)
from deportsim.api.stored import scenario_ref
from deportsim.run import Prepared
from deportsim.store.catalog.records import CatalogChoice
from deportsim.store.jobs import JobFolder, now

__all__ = ["KINDS", "MAIN_FILE", "REPORT_EVERY_S", "REQUESTS", "JobSpec", "Kind", "Reporter", "do"]

#: Seconds between two writes of progress.json.
REPORT_EVERY_S = 0.1


@dataclass(frozen=True)
class JobSpec:
    """What a worker needs to do a job: its folder, kind, request and where things are kept."""

    folder: str
    kind: str
    request: dict[str, Any]
    scenarios: str | None  # the folder of stored scenarios
    catalog: str | None  # the catalog folder runs are recorded in; None: none
    #: A run's preparation, made by the server as it checked the request (the worker then
    #: starts simulating at once); None: the worker prepares it
    prepared: Prepared | None = None


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


@dataclass
class _Job:
    """A job being done: where its files go, the catalog, stored scenarios, its progress."""

    out: Path
    catalog: CatalogChoice
    scenarios: Path | None
    rep: Reporter
    prepared: Prepared | None = None
    recorded: list[str] = field(default_factory=list)  # the catalog record's id, once made


def _run(req: RunRequest, job: _Job) -> None:
    from deportsim import api  # noqa: PLC0415 (the verbs, loaded in the worker)

    prep = job.prepared
    if prep is None:
        prep = api.prepare(run_config(req, job.scenarios), parameters())
    job.rep.prepared(prep)
    done = api.run_prepared(prep, job.out, job.rep.day, catalog=job.catalog, overwrite=True)
    if done.run_id is not None:
        job.recorded.append(done.run_id)


def _claims(req: ClaimsRequest, job: _Job) -> None:
    from deportsim import api  # noqa: PLC0415 (as above)

    rep = job.rep
    rep.steps = (0, 0)

    def started(n: int) -> None:
        rep.steps = (0, n)

    api.claims(req.replicates, req.seed, job.out, lambda c: rep.step(f"claim {c}"),
               parameter_uncertainty=not req.fixed_parameters, catalog=job.catalog,
               on_record=job.recorded.append, on_start=started)  # fmt: skip


def _requirements(req: RequirementsRequest, job: _Job) -> None:
    from deportsim import api  # noqa: PLC0415 (as above)

    api.requirements(scenario_config(req, job.scenarios), tuple(req.targets),
                     probability=req.probability, from_year=req.from_year, out=job.out,
                     on_status=job.rep.step, catalog=job.catalog,
                     on_record=job.recorded.append)  # fmt: skip


def _estimates(req: EstimatesRequest, job: _Job) -> None:
    from deportsim import api  # noqa: PLC0415 (as above)

    job.rep.step("comparing published estimates")
    api.compare_estimates(req.replicates, req.seed, req.years, out=job.out,
                          parameter_uncertainty=not req.fixed_parameters, catalog=job.catalog,
                          on_record=job.recorded.append)  # fmt: skip


def _report(req: ReportRequest, job: _Job) -> None:
    from deportsim import api  # noqa: PLC0415 (as above)

    rep = job.rep
    compare = tuple(scenario_ref(s, job.scenarios) for s in req.compare)

    def on_day(prep: Prepared, t: int) -> None:
        if rep.per_day != prep.config.replicates or t == 0:
            rep.prepared(prep)
        rep.day(t)

    api.report(scenario_config(req, job.scenarios), compare, out=job.out,
               claims="test" if req.claims else None, on_day=on_day, catalog=job.catalog,
               on_record=job.recorded.append,
               on_claim=lambda c: rep.step(f"claim {c}"))  # fmt: skip


def _backtest(req: BacktestRequest, job: _Job) -> None:
    from deportsim import api  # noqa: PLC0415 (as above)

    job.rep.step("replaying history")
    api.backtest(seed=req.seed, stays=req.stays, out=job.out, catalog=job.catalog,
                 on_record=job.recorded.append)  # fmt: skip


def _forecast(req: ForecastRequest, job: _Job) -> None:
    from deportsim import api  # noqa: PLC0415 (as above)

    job.rep.step("forecasting")
    api.forecast(scenario_ref(req.scenario, job.scenarios), req.as_of, req.months,
                 replicates=req.replicates, seed=req.seed, out=job.out, catalog=job.catalog,
                 on_record=job.recorded.append)  # fmt: skip


def _evaluation(req: EvaluationRequest, job: _Job) -> None:
    from deportsim import api  # noqa: PLC0415 (as above)

    rep = job.rep
    rep.steps = (0, 0)

    def origins(done: int, total: int) -> None:
        rep.steps = (done + 1, total)
        rep.stage = f"origin {done + 1} of {total}"
        rep.write()

    api.forecast_evaluation(job.out, replicates=req.replicates, seed=req.seed,
                            first_origin=req.first_origin, quick=req.quick, progress=origins,
                            catalog=job.catalog, on_record=job.recorded.append)  # fmt: skip


def _status(req: StatusRequest, job: _Job) -> None:
    from deportsim import api  # noqa: PLC0415 (as above)

    job.rep.step("estimating the totals so far")
    api.status(job.out, replicates=req.replicates, seed=req.seed)


#: What a sensitivity job serves of its sweep's folder (``out/<run id>/``, which the catalog
#: refers to): the indices, the metrics' spread over the samples and the tornado charts. The
#: sweep's spec (sweep.json) names the server's paths and is not served; its tables stay there.
SENSITIVITY_FILES = ("sensitivity.json", "summary.json", "tornado-*.png")


def _sensitivity(req: SensitivityRequest, job: _Job) -> None:
    from deportsim import api  # noqa: PLC0415 (as above)
    from deportsim.analysis.sweeps.folder import SweepFolder  # noqa: PLC0415 (as above)

    rep = job.rep
    rep.stage = "drawing and checking the samples"
    rep.write(force=True)
    size = {"batch": 1, "samples": 0, "days": 0}  # samples a batch, samples, replicate-days each

    def started(start: api.SweepStart) -> None:
        spec = SweepFolder(start.folder).spec()
        size.update(batch=spec.batch_size, samples=spec.samples,
                    days=spec.replicates * spec.days)  # fmt: skip
        rep.total, rep.done = spec.samples * size["days"], 0
        rep.stage = f"simulating {spec.samples:,} samples of {spec.scenario_name}"
        rep.write(force=True)

    def progress(done: int, total: int) -> None:
        samples = min(done * size["batch"], size["samples"])
        rep.done = samples * size["days"]
        if done >= total:
            rep.stage = "computing the Sobol indices"
        rep.write(force=done >= total)

    # one worker process: the job's own (a sweep's samples run one after the other in it)
    ex = api.Execution(out=job.out, workers=1, progress=progress, on_start=started,
                       catalog=job.catalog)  # fmt: skip
    res = api.sensitivity(sensitivity_config(req, job.scenarios), tuple(req.metrics),
                          tuple(req.vary), n=req.n, execution=ex)  # fmt: skip
    folder = res.sweep.folder
    for pattern in SENSITIVITY_FILES:
        for path in sorted(folder.path.glob(pattern)):
            shutil.copyfile(path, job.out / path.name)
    if job.catalog is not False:
        job.recorded.append(folder.run_id)


@dataclass(frozen=True)
class Kind:
    """A kind of job: its request, the file that holds its answer, what a worker does."""

    request: type[JobRequest]
    main: str  # the file the command line writes for the same verb
    verb: Callable[[Any, _Job], None]


#: Every kind of job, by name.
KINDS: dict[str, Kind] = {
    "run": Kind(RunRequest, "summary.json", _run),
    "claims": Kind(ClaimsRequest, "claims.json", _claims),
    "requirements": Kind(RequirementsRequest, "requirements.json", _requirements),
    "compare-estimates": Kind(EstimatesRequest, "estimates.json", _estimates),
    "report": Kind(ReportRequest, "report.html", _report),
    "backtest": Kind(BacktestRequest, "backtest.json", _backtest),
    "forecast": Kind(ForecastRequest, "forecast.json", _forecast),
    "forecast-evaluation": Kind(EvaluationRequest, "evaluation.json", _evaluation),
    "status": Kind(StatusRequest, "status.json", _status),
    "sensitivity": Kind(SensitivityRequest, "sensitivity.json", _sensitivity),
}
#: Each kind's request model, and the file that holds its answer.
REQUESTS = {name: k.request for name, k in KINDS.items()}
MAIN_FILE = {name: k.main for name, k in KINDS.items()}


def do(spec: JobSpec, folder: JobFolder, rep: Reporter) -> str | None:
    """Run the verb of ``spec`` into ``folder.out``; the id of its catalog record, if made."""
    kind = KINDS[spec.kind]
    req = kind.request.model_validate(spec.request)
    job = _Job(folder.out, Path(spec.catalog) if spec.catalog else False,
               Path(spec.scenarios) if spec.scenarios else None, rep, spec.prepared)  # fmt: skip
    kind.verb(req, job)
    return job.recorded[0] if job.recorded else None
