"""What a job asks: its id, the run it stands for, and the checks made before it is queued.

A job's id (:func:`job_id`) hashes everything that decides its result: the request, the content of
the scenarios it names, the model's version and the official data's (:func:`data_version`).
:func:`check_request` refuses at once what the verb would refuse at once, naming the request's
field (:func:`as_request_error` turns the command line's option names into fields), and
:func:`run_config` is the :class:`~deportsim.run.RunConfig` a request stands for.

A sensitivity analysis runs ``n × (parameters + 2)`` samples of ``replicates`` replicates each: on
a server with limits its model runs (samples × replicates) may be at most
:data:`SENSITIVITY_RUNS` times ``--max-replicates``, and its replicate-years at most
:data:`SENSITIVITY_WORK` times those of the largest run the server allows (``--max-replicates ×
--max-years``); past either, the request is refused as :class:`OverLimitError`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deportsim._version import __version__
from deportsim.api.requests import (
    JobRequest,
    PreviewRequest,
    ReportRequest,
    RequirementsRequest,
    RunRequest,
    SensitivityRequest,
)
from deportsim.api.stored import scenario_ref
from deportsim.core.errors import Location, UserError
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.parameters import ParameterSet
from deportsim.run import Prepared, RunConfig

__all__ = [
    "OPTION_FIELDS",
    "SENSITIVITY_RUNS",
    "SENSITIVITY_WORK",
    "OverLimitError",
    "RequestLimits",
    "as_request_error",
    "check_request",
    "data_version",
    "job_id",
    "parameters",
    "run_config",
    "scenario_config",
    "sensitivity_config",
]


def data_version() -> str:
    """A hash of the official data the model reads: the imported workbooks and curated tables."""
    from deportsim import official  # noqa: PLC0415 (DuckDB loads only when asked)
    from deportsim.official import store  # noqa: PLC0415 (as above)

    h = hashlib.sha256()
    for f in store.info().files:
        h.update(json.dumps(f, sort_keys=True, default=str).encode())
    for path in sorted((Path(official.__file__).parent / "curated").glob("*.csv")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _scenario_names(request: JobRequest | PreviewRequest) -> list[str]:
    names = [request.scenario] if hasattr(request, "scenario") else []
    if isinstance(request, ReportRequest):
        names.extend(request.compare)
    return names


def parameters() -> ParameterSet:
    """The built-in parameter set, loaded once per process and again if its files change.

    A server checks every request against it: loading and screening the files takes about
    30 ms, and the set is read-only (a frozen dataclass, never changed by a run).
    """
    from deportsim.parameters.loader import PARAMETERS_DIR  # noqa: PLC0415 (the model loads on use)

    files = sorted(PARAMETERS_DIR.glob("*.yaml"))
    return _parameters(tuple((p.name, p.stat().st_mtime_ns) for p in files))


@functools.lru_cache(maxsize=1)
def _parameters(files: tuple[tuple[str, int], ...]) -> ParameterSet:
    from deportsim.parameters import load_parameters  # noqa: PLC0415 (as above)

    del files  # the cache's key: a change of the files loads them again
    return load_parameters()


def job_id(
    kind: str, request: JobRequest | PreviewRequest, scenarios: Path | None, data: str
) -> tuple[str, dict[str, str]]:
    """The job's id, and the content hashes of the scenarios it names (UserError if unknown).

    The id hashes the kind, the request, those hashes, the model's version and ``data`` (the
    official data's version, :func:`data_version`): the same question asked twice is one job.
    """
    from deportsim.scenarios import load_scenario  # noqa: PLC0415 (the model loads on use)

    hashes = {}
    for name in _scenario_names(request):
        ref = scenario_ref(name, scenarios)
        hashes[name] = load_scenario(ref, parameters(), label="scenario").content_hash
    key = {
        "kind": kind, "request": request.model_dump(mode="json"), "scenarios": hashes,
        "model": __version__, "data": data,
    }  # fmt: skip
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
    return f"{kind}-{digest[:20]}", hashes


#: The request field each command-line option stands for, in the messages of a request's errors.
OPTION_FIELDS = {
    "--set": "sets", "--replicates": "replicates", "--seed": "seed", "--years": "years",
    "--start": "start", "--until": "until", "--replicates/--years": "replicates",
    "--target": "targets", "--probability": "probability", "--from-year": "from_year",
    "--as-of": "as_of", "--months": "months", "--compare": "compare", "SCENARIO": "scenario",
    "--metric": "metrics", "--n": "n",
}  # fmt: skip
#: A sensitivity analysis's model runs (samples × replicates) on a server: at most this many
#: times its ``--max-replicates`` (10,000 by default; the command line's default analysis of
#: directive-2025 runs 2,016 samples × 2 replicates)
SENSITIVITY_RUNS = 10
#: A sensitivity analysis's replicate-years (samples × replicates × years) on a server: at most
#: this many times those of the largest run it allows, ``--max-replicates × --max-years`` (20,000
#: by default; the command line's default analysis: 16,128, about 5 minutes on one worker)
SENSITIVITY_WORK = 2


@dataclass(frozen=True)
class RequestLimits:
    """What a server allows one request (None: the verb's own limits only)."""

    replicates: int | None = None
    years: float | None = None


class OverLimitError(UserError):
    """A request past a server's limit: ``limit`` names it (``replicates <= 1000``)."""

    def __init__(self, message: str, field: str, limit: str) -> None:
        super().__init__(message, Location("<request>", path=field))
        self.limit = limit


def check_request(
    request: JobRequest | PreviewRequest,
    scenarios: Path | None,
    limits: RequestLimits | None = None,
) -> Prepared | None:
    """Refuse a request the verb would refuse at once (UserError naming the request field).

    Checks the scenarios named, each ``PATH=VALUE`` of ``sets``, the targets of a requirements
    request and, for a run, a report or a requirements search, the whole preparation of its run
    (:func:`~deportsim.run.prepare`, about 0.1 s); for a sensitivity analysis, its metrics, the
    parameters it varies and every sample's values (about 1 ms a sample), as the verb checks them
    before it runs anything: a job then fails only on what shows while it runs. ``limits``: a
    server's, refused as :class:`OverLimitError` (for a sensitivity analysis, its size too:
    :data:`SENSITIVITY_RUNS`, :data:`SENSITIVITY_WORK`). Returns the prepared run of a run or
    preview request (None for the other verbs).
    """
    from deportsim.api.answers import check_requirements  # noqa: PLC0415 (as above)
    from deportsim.parameters.resolve import parse_set  # noqa: PLC0415 (as above)
    from deportsim.run import prepare  # noqa: PLC0415 (as above)

    limits = limits or RequestLimits()
    replicates = getattr(request, "replicates", None)
    if limits.replicates is not None and replicates is not None and replicates > limits.replicates:
        raise OverLimitError(f"at most {limits.replicates:,} on this server",
                        "replicates", f"replicates <= {limits.replicates}")  # fmt: skip
    try:
        params = parameters()
        for i, text in enumerate(getattr(request, "sets", ())):
            try:
                parse_set(params, text)
            except UserError as exc:
                where = Location("<request>", path=f"sets.{i}")
                raise UserError(f"{text}: {exc.message}", where) from None
        prep = None
        if isinstance(request, RunRequest | PreviewRequest):
            prep = prepare(run_config(request, scenarios), params)
        elif isinstance(request, RequirementsRequest):
            cfg = scenario_config(request, scenarios)
            prep, _, _ = check_requirements(cfg, request.targets, request.probability,
                                            request.from_year)  # fmt: skip
        elif isinstance(request, ReportRequest):
            prep = prepare(scenario_config(request, scenarios), params)
        elif isinstance(request, SensitivityRequest):
            _check_years(request.years, limits)  # before the size, which counts the years
            prep = _check_sensitivity(request, sensitivity_config(request, scenarios), params,
                                      limits)  # fmt: skip
    except UserError as exc:
        raise as_request_error(exc) from None
    _check_years(prep.days / DAYS_PER_YEAR if prep is not None else
                 getattr(request, "years", None), limits)  # fmt: skip
    return prep if isinstance(request, RunRequest | PreviewRequest) else None


def _check_years(years: float | None, limits: RequestLimits) -> None:
    if limits.years is not None and years is not None and years > limits.years + 1e-9:
        raise OverLimitError(f"the run spans {years:.2f} years, at most {limits.years:g} on "
                        "this server", "years", f"years <= {limits.years:g}")  # fmt: skip


def _check_sensitivity(
    request: SensitivityRequest, cfg: RunConfig, params: ParameterSet, limits: RequestLimits
) -> Prepared:
    """What ``deportsim sensitivity`` checks before it runs, then the analysis's size."""
    from deportsim.analysis.sweeps import runner  # noqa: PLC0415 (SALib, Matplotlib: on use)
    from deportsim.analysis.sweeps import sensitivity as sa  # noqa: PLC0415 (as above)
    from deportsim.analysis.sweeps.checks import check_samples  # noqa: PLC0415 (as above)
    from deportsim.analysis.sweeps.design import check_ranges, parse_vary  # noqa: PLC0415
    from deportsim.run import prepare  # noqa: PLC0415 (the model loads on use)

    for i, metric in enumerate(request.metrics):
        try:
            sa.check_metrics((metric,))
        except UserError as exc:
            raise UserError(exc.message, Location("<request>", path=f"metrics.{i}")) from None
    prep = prepare(cfg, params)
    ranges = []
    for i, text in enumerate(request.vary):
        try:  # as the verb reads them (deportsim.analysis.sweeps.runner.sensitivity)
            ranges.append(parse_vary(prep.params, text) if "=" in text else
                          runner.stated_range(prep, text.strip()))  # fmt: skip
        except UserError as exc:
            raise UserError(f"{text}: {exc.message}",
                            Location("<request>", path=f"vary.{i}")) from None  # fmt: skip
    ranges = ranges or sa.default_ranges(prep.params, prep.scenario)
    check_ranges(ranges)
    if len(ranges) < 2:
        raise UserError("a sensitivity analysis needs at least 2 parameters",
                        Location("<request>", path="vary"))  # fmt: skip
    samples = request.n * (len(ranges) + 2)
    _check_sensitivity_size(samples, request.replicates, prep.days, limits)
    unit = sa.saltelli_unit(len(ranges), request.n, request.seed)
    check_samples(prep.resolved, ranges, sa.to_values(unit, ranges))
    return prep


def _check_sensitivity_size(
    samples: int, replicates: int, days: int, limits: RequestLimits
) -> None:
    """OverLimitError (naming ``n``) for an analysis past :data:`SENSITIVITY_RUNS` or ``_WORK``."""
    if limits.replicates is None:
        return
    runs = samples * replicates
    most = SENSITIVITY_RUNS * limits.replicates
    if runs > most:
        raise OverLimitError(
            f"{samples:,} samples × {replicates:,} replicates = {runs:,} model runs, at most "
            f"{most:,} on this server; ask for a smaller n or fewer replicates, or vary fewer "
            "parameters", "n", f"samples*replicates <= {most}",
        )  # fmt: skip
    if limits.years is None:
        return
    years = days / DAYS_PER_YEAR
    work = runs * years
    most_work = SENSITIVITY_WORK * limits.replicates * limits.years
    if work > most_work + 1e-9:
        raise OverLimitError(
            f"{runs:,} model runs × {years:.2f} years = {_amount(work)} replicate-years, at most "
            f"{_amount(most_work)} on this server; ask for a smaller n, fewer replicates or fewer "
            "years, or vary fewer parameters", "n", f"samples*replicates*years <= {most_work:g}",
        )  # fmt: skip


def _amount(x: float) -> str:
    """``20,000``, ``0.4``: a whole number with separators, a small one with its decimals."""
    return f"{x:,.0f}" if x >= 100 else f"{x:.3g}"


def as_request_error(exc: UserError) -> UserError:
    """``exc`` with a command-line option in its location named as the request's field."""
    loc = exc.location
    if loc is None or loc.file not in {"<command line>", "--set", "--vary"}:
        return exc
    if loc.file == "--set":
        return UserError(exc.message, Location("<request>", path="sets"))
    if loc.file == "--vary":  # a sweep's ranges: the parameters at fault, in the message
        message = f"{loc.path}: {exc.message}" if loc.path else exc.message
        return UserError(message, Location("<request>", path="vary"))
    field = OPTION_FIELDS.get(loc.path or "", loc.path)
    return UserError(exc.message, Location("<request>", path=field))


def run_config(request: RunRequest | PreviewRequest, scenarios: Path | None) -> RunConfig:
    """The run a request asks for (a preview: one mean-field replicate, fixed parameters)."""
    ref = scenario_ref(request.scenario, scenarios)
    if isinstance(request, PreviewRequest):
        options: dict[str, Any] = {"replicates": 1, "mean_field": True}
    else:
        options = {"replicates": request.replicates, "seed": request.seed,
                   "parameter_uncertainty": not request.fixed_parameters,
                   "series": request.series}  # fmt: skip
    return RunConfig.latest(
        ref, years=request.years, until=request.until, start=request.start,
        from_scenario=request.from_scenario, sets=tuple(request.sets), **options,
    )  # fmt: skip


def scenario_config(req: RequirementsRequest | ReportRequest, scenarios: Path | None) -> RunConfig:
    """The run of a requirements or report request (from the scenario's start by default)."""
    return RunConfig(
        scenario=scenario_ref(req.scenario, scenarios), replicates=req.replicates,
        seed=req.seed, years=req.years, start=req.start,
        start_rule="latest" if req.start is not None else "scenario", sets=tuple(req.sets),
        parameter_uncertainty=not req.fixed_parameters,
    )  # fmt: skip


def sensitivity_config(req: SensitivityRequest, scenarios: Path | None) -> RunConfig:
    """The runs of a sensitivity request, as ``deportsim sensitivity`` makes them.

    From the scenario's own start and first-day values (else 2025-01-20), or from ``start``.
    """
    return RunConfig(
        scenario=scenario_ref(req.scenario, scenarios), replicates=req.replicates,
        seed=req.seed, years=req.years, start=req.start, sets=tuple(req.sets),
    )  # fmt: skip
