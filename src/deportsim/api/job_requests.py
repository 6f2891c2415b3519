"""What a job asks: its id, the run it stands for, and the checks made before it is queued.

A job's id (:func:`job_id`) hashes everything that decides its result: the request, the content of
the scenarios it names, the model's version and the official data's (:func:`data_version`).
:func:`check_request` refuses at once what the verb would refuse at once, naming the request's
field (:func:`as_request_error` turns the command line's option names into fields), and
:func:`run_config` is the :class:`~deportsim.run.RunConfig` a request stands for.
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
)
from deportsim.api.stored import scenario_ref
from deportsim.core.errors import Location, UserError
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.parameters import ParameterSet
from deportsim.run import Prepared, RunConfig

__all__ = [
    "OPTION_FIELDS",
    "OverLimitError",
    "RequestLimits",
    "as_request_error",
    "check_request",
    "data_version",
    "job_id",
    "parameters",
    "run_config",
    "scenario_config",
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
}  # fmt: skip


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
    (:func:`~deportsim.run.prepare`, about 0.1 s): a job then fails only on what shows while it
    runs. ``limits``: a server's, refused as :class:`OverLimitError`. Returns the prepared run of a
    run or preview request (None for the other verbs).
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
    except UserError as exc:
        raise as_request_error(exc) from None
    years = prep.days / DAYS_PER_YEAR if prep is not None else getattr(request, "years", None)
    if limits.years is not None and years is not None and years > limits.years + 1e-9:
        raise OverLimitError(f"the run spans {years:.2f} years, at most {limits.years:g} on "
                        "this server", "years", f"years <= {limits.years:g}")  # fmt: skip
    return prep if isinstance(request, RunRequest | PreviewRequest) else None


def as_request_error(exc: UserError) -> UserError:
    """``exc`` with a command-line option in its location named as the request's field."""
    loc = exc.location
    if loc is None or loc.file not in {"<command line>", "--set"}:
        return exc
    if loc.file == "--set":
        return UserError(exc.message, Location("<request>", path="sets"))
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
