"""The library API: everything the CLI (and later the web app) does, as plain functions.

``prepare`` checks every input and raises :class:`~deportsim.errors.UserError` before anything is
computed or written; ``execute`` runs the model; :func:`deportsim.output.write_outputs` writes the
contract's files atomically. ``run`` does all three.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml
from numpy.typing import NDArray

from deportsim._version import __version__
from deportsim.catalog.recording import recording
from deportsim.catalog.records import CatalogChoice
from deportsim.catalog.runs import begin_run, finish_run, run_fields
from deportsim.engine import Streams
from deportsim.errors import Location, UserError
from deportsim.folders import writable_folder
from deportsim.model import Inputs, SimResult, simulate
from deportsim.output import TimeseriesStream, stage, start_output, write_outputs
from deportsim.parameters import Override, ParameterSet, Resolved, load_parameters, parse_set
from deportsim.results import summarise
from deportsim.scenarios import Scenario, load_scenario
from deportsim.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from deportsim.analysis.backtest import Backtest
    from deportsim.analysis.calibrate import Calibration
    from deportsim.analysis.claimkit import ClaimResult
    from deportsim.analysis.estimates import Comparison
    from deportsim.analysis.requirements import Requirements
    from deportsim.analysis.sweep import SweepRun
    from deportsim.analysis.uncertainty import ParameterDraws
    from deportsim.report.sensitivity import Sensitivity
    from deportsim.sweepruns import SensitivityRun, SweepStart

__all__ = [
    "DEFAULT_SCENARIO",
    "Prepared",
    "RunConfig",
    "RunOutput",
    "backtest",
    "calibrate",
    "claims",
    "compare_estimates",
    "execute",
    "prepare",
    "report",
    "requirements",
    "run",
    "run_prepared",
    "sensitivity",
    "sweep",
    "write_outputs",
]

F = NDArray[np.float64]

DEFAULT_SCENARIO = "directive-2025"
DEFAULT_START = dt.date(2025, 1, 20)
MAX_REPLICATES = 100_000
MAX_YEARS = 50.0


@dataclass(frozen=True)
class RunConfig:
    """What a user asks for: the contract's ``deportsim run`` options."""

    scenario: str = DEFAULT_SCENARIO
    replicates: int = 100
    seed: int = 0
    years: float = 4.0
    start: dt.date | None = None  # None: the scenario's start, else 2025-01-20
    sets: tuple[str, ...] = ()
    parameters: Path | None = None  # None: the built-in parameter files
    # each replicate draws the uncertain parameters (deportsim.analysis.uncertainty); off in a
    # bare config (the backtest, calibration and sweeps vary parameters themselves); the CLI's
    # verbs turn it on unless --fixed-parameters
    parameter_uncertainty: bool = False


@dataclass(frozen=True)
class Prepared:
    """A checked run: the scenario, the parameters and the daily inputs, nothing computed yet."""

    config: RunConfig
    scenario: Scenario
    params: ParameterSet
    resolved: Resolved
    inputs: Inputs
    draws: ParameterDraws | None = None  # each replicate's parameters, if they are drawn

    @property
    def start(self) -> dt.date:
        """First simulated day."""
        return self.resolved.start

    @property
    def days(self) -> int:
        """Number of simulated days."""
        return self.resolved.days


@dataclass(frozen=True)
class RunOutput:
    """A finished run: daily series, the summary and the manifest (as written to disk)."""

    prepared: Prepared
    sim: SimResult
    summary: dict[str, Any]
    streams: tuple[str, ...] = ()  # names of the random streams the run drew from
    manifest: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None  # its id in the catalog (deportsim runs), when recorded


def _check_config(cfg: RunConfig) -> None:
    cli = Location("<command line>")
    if not 1 <= cfg.replicates <= MAX_REPLICATES:
        raise UserError(
            f"replicates must be between 1 and {MAX_REPLICATES:,}", cli.with_path("--replicates")
        )
    if cfg.seed < 0 or cfg.seed >= 2**63:
        raise UserError("seed must be a non-negative integer below 2**63", cli.with_path("--seed"))
    if not 0 < cfg.years <= MAX_YEARS:
        raise UserError(
            f"years must be above 0 and at most {MAX_YEARS:g}", cli.with_path("--years")
        )


def prepare(cfg: RunConfig, params: ParameterSet | None = None) -> Prepared:
    """Check and resolve everything a run needs; raise UserError on any bad input."""
    _check_config(cfg)
    params = params if params is not None else load_parameters(cfg.parameters)
    scenario = load_scenario(cfg.scenario, params)
    sets = tuple(parse_set(params, text) for text in cfg.sets)
    start = cfg.start or scenario.start or DEFAULT_START
    days = max(1, round(cfg.years * DAYS_PER_YEAR))
    _check_start_only(params, scenario.overrides + sets, start)
    resolved = Resolved(params, start, days, scenario.overrides + sets)
    draws = None
    if cfg.parameter_uncertainty:
        from deportsim.analysis.uncertainty import draw_parameters  # noqa: PLC0415

        draws = draw_parameters(resolved, cfg.replicates, cfg.seed)
    return Prepared(cfg, scenario, params, resolved, Inputs.from_resolved(resolved), draws)


def _check_start_only(
    params: ParameterSet, overrides: tuple[Override, ...], start: dt.date
) -> None:
    """Refuse a dated override of a parameter that is read only on a run's first day."""
    for ov in overrides:
        if params[ov.path].spec.applies == "start" and ov.start is not None and ov.start > start:
            raise UserError(
                f"is read only on the first day of a run ({start}), so a change from {ov.start} "
                "would have no effect; give it without `from`, or start the run later",
                ov.location or Location(ov.origin, path=ov.path),
            )


def execute(
    prep: Prepared,
    on_day: Callable[[int], None] | None = None,
    on_batch: Callable[[int, dict[str, F], dict[str, F]], None] | None = None,
) -> RunOutput:
    """Run the model for a prepared run and summarise it.

    ``on_day`` reports progress; ``on_batch`` receives each batch of replicates' series as it
    ends (:func:`deportsim.model.pipeline.simulate`).
    """
    cfg = prep.config
    streams = Streams(cfg.seed)
    draws = prep.draws
    sim = simulate(
        prep.inputs, cfg.replicates, streams, on_day=on_day, on_batch=on_batch,
        inputs_for=draws.inputs if draws is not None else None,
    )  # fmt: skip
    sources = ["process noise", *(["parameter uncertainty"] if draws is not None else [])]
    summary = {
        "scenario": prep.scenario.name,
        "model_version": __version__,
        "seed": cfg.seed,
        "replicates": cfg.replicates,
        "start": prep.start.isoformat(),
        "days": prep.days,
        "scenario_hash": prep.scenario.content_hash,
        "sets": list(cfg.sets),
        "intervals": {"quantiles": [0.05, 0.5, 0.95], "include": sources},
        "metrics": summarise(sim),
    }
    names = streams.names + (draws.streams if draws is not None else ())
    return RunOutput(prep, sim, summary, names)


def run_prepared(
    prep: Prepared,
    out: Path | None = None,
    on_day: Callable[[int], None] | None = None,
    *,
    catalog: CatalogChoice = None,
) -> RunOutput:
    """Execute a prepared run and, if ``out`` is given, write its files there.

    A run with ``out`` is recorded in the catalog (:mod:`deportsim.catalog`): ``catalog`` None
    for the default one, a folder, or False not to record it.
    """
    t0 = time.perf_counter()
    if out is None:
        return execute(prep, on_day)
    start_output(prep, out)
    record = begin_run(prep, out, catalog)
    tmp = stage(out)
    stream = TimeseriesStream(tmp / "timeseries.parquet", prep)  # written as batches end
    try:
        result = execute(prep, on_day, stream.add)
        stream.close()
    except BaseException as exc:
        stream.abort()  # a run that fails leaves no partial files behind
        shutil.rmtree(tmp, ignore_errors=True)
        record.fail(exc)
        raise
    t1 = time.perf_counter()
    try:
        manifest = write_outputs(result, out, t1 - t0, staged=tmp)
        wall = time.perf_counter() - t0
        timings = {"wall_s": wall, "model_s": t1 - t0, "write_s": wall - (t1 - t0)}
        finish_run(record, out, result.summary, manifest, timings)
    except BaseException as exc:  # e.g. a full disk: the record must not stay "running"
        record.fail(exc)
        raise
    return RunOutput(
        result.prepared, result.sim, result.summary, result.streams, manifest, record.id
    )


def run(
    cfg: RunConfig,
    out: Path | None = None,
    on_day: Callable[[int], None] | None = None,
    params: ParameterSet | None = None,
) -> RunOutput:
    """Prepare, execute and (if ``out`` is given) write a run."""
    return run_prepared(prepare(cfg, params), out, on_day)


def default_out(scenario: Scenario) -> Path:
    """The contract's default output folder: ``out/<scenario>/`` in the working folder."""
    return Path("out") / scenario.name


def backtest(
    seed: int = 0,
    calibration: Path | None = None,
    db: Path | None = None,
    stays: str = "fitted",
    out: Path | None = None,
    *,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
) -> Backtest:
    """Replay detention on history with a calibration and score it.

    Without a ``calibration`` file, the shipped one: ``stays="fitted"``, the backtest's free
    two-phase stays; ``stays="model"``, the model's own calibrated stays. A file written by
    ``deportsim calibrate`` (``calibration.yaml`` or ``model_stays.yaml``) says which it holds.
    With ``out``, writes ``backtest.json`` and ``backtest.png`` there, recorded in the catalog as
    for :func:`claims` (kind ``backtest``).
    """
    from deportsim.analysis.backtest import run_backtest  # noqa: PLC0415 (not needed by runs)
    from deportsim.model.replay import load_history  # noqa: PLC0415

    cal = _backtest_calibration(calibration, stays)  # a bad file or option: before anything
    if out is not None:
        writable_folder(out)  # before the replay: a folder that cannot be made fails at once
    settings = {"calibration": str(calibration) if calibration else None, "stays": stays}
    with recording(
        "backtest", out=out, catalog=catalog, on_record=on_record, seed=seed, config=settings
    ) as rec:
        bt = run_backtest(load_history(db), cal, seed)
        if out is not None:
            from deportsim.analysis.backtest import write_backtest  # noqa: PLC0415

            paths = write_backtest(bt, out)
            rec.keep({p.name: p for p in paths}, copy=("backtest.json",))
    return bt


def _backtest_calibration(calibration: Path | None, stays: str) -> Calibration:
    """The calibration a backtest replays: the shipped one (``stays``) or a file (UserError)."""
    from deportsim.analysis.calibrate import shipped_calibration  # noqa: PLC0415 (not for runs)
    from deportsim.analysis.model_stays import read_calibration, shipped_model_stays  # noqa: PLC0415

    if stays not in {"fitted", "model"}:
        raise UserError(f"unknown stays {stays!r}: fitted or model", Location("<command line>"))
    if calibration is not None and stays != "fitted":
        raise UserError(
            "give --stays or --calibration, not both: a calibration file says which stays it holds",
            Location("<command line>", path="--stays"),
        )
    if calibration is None:
        cal = shipped_calibration() if stays == "fitted" else shipped_model_stays().as_calibration()
    else:
        try:
            cal = read_calibration(calibration.read_text())
        except OSError as exc:
            raise UserError(f"cannot read: {exc.strerror}", Location(calibration)) from None
        except UnicodeDecodeError:
            raise UserError("not a text file", Location(calibration)) from None
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, yaml.YAMLError) as exc:
            raise UserError(
                f"not a calibration file from deportsim calibrate ({exc})", Location(calibration)
            ) from None
    return cal


def claims(
    replicates: int = 100,
    seed: int = 0,
    out: Path | None = None,
    on_claim: Callable[[str], None] | None = None,
    *,
    parameter_uncertainty: bool = True,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
) -> list[ClaimResult]:
    """Test every claim of the claims guide; with ``out``, write ``out/claims.json``.

    Each scenario a claim needs runs once with ``replicates`` and ``seed``
    (:mod:`deportsim.analysis.claims`), each replicate drawing the uncertain parameters unless
    ``parameter_uncertainty`` is False; ``on_claim(id)`` is called before each claim. With
    ``out``, recorded in the catalog (``catalog`` as for :func:`run_prepared`) as a run of kind
    ``claims``; ``on_record(run_id)`` is told its id when the record is made.
    """
    from deportsim.analysis.claims import evaluate_claims, write_claims  # noqa: PLC0415

    _check_config(RunConfig(replicates=replicates, seed=seed))
    if out is not None:
        writable_folder(out)  # before the runs: a folder that cannot be made fails at once
    with recording(
        "claims", out=out, catalog=catalog, on_record=on_record, seed=seed, replicates=replicates,
        config={"parameter_uncertainty": parameter_uncertainty},
    ) as rec:  # fmt: skip
        results = evaluate_claims(
            replicates, seed, on_claim=on_claim, parameter_uncertainty=parameter_uncertainty
        )
        if out is not None:
            rec.keep({"claims.json": write_claims(results, out)}, copy=("claims.json",))
    return results


def calibrate(
    folder: Path,
    bootstrap: int | None = None,
    seed: int | None = None,
    db: Path | None = None,
    *,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
) -> tuple[Path, Path]:
    """Fit the stays on FY2019-FY2024; write ``calibration.yaml`` and ``model_stays.yaml``.

    ``calibration.yaml`` holds the backtest's stays (:mod:`deportsim.analysis.calibrate`),
    ``model_stays.yaml`` the model's own stay parameters with their out-of-sample errors
    (:mod:`deportsim.analysis.model_stays`). ``bootstrap`` and ``seed`` default to the shipped
    calibration's (:data:`deportsim.analysis.calibrate.BOOTSTRAP`,
    :data:`~deportsim.analysis.calibrate.SEED`). Recorded in the catalog as for :func:`claims`
    (kind ``calibration``), both files kept.
    """
    from deportsim.analysis import calibrate as cal  # noqa: PLC0415 (not needed by runs)
    from deportsim.analysis.model_stays import calibrate_model  # noqa: PLC0415
    from deportsim.model.replay import load_history  # noqa: PLC0415

    writable_folder(folder)  # before the fits: a folder that cannot be made fails at once
    history = load_history(db)
    n = cal.BOOTSTRAP if bootstrap is None else bootstrap
    s = cal.SEED if seed is None else seed
    with recording(
        "calibration", out=folder, catalog=catalog, on_record=on_record, seed=s,
        config={"bootstrap": n},
    ) as rec:  # fmt: skip
        backtest_stays = cal.calibrate(history, n, s).to_yaml()
        model_stays = calibrate_model(history, n, s).to_yaml(history)
        paths = (
            cal.write_calibration(backtest_stays, folder / "calibration.yaml"),
            cal.write_calibration(model_stays, folder / "model_stays.yaml"),
        )
        rec.keep({p.name: p for p in paths}, copy=[p.name for p in paths])
    return paths


def report(
    cfg: RunConfig,
    compare: tuple[str, ...] = (),
    out: Path | None = None,
    claims: list[dict[str, Any]] | Callable[[], list[dict[str, Any]]] | None = None,
    on_day: Callable[[Prepared, int], None] | None = None,
    *,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
    sensitivity: Sensitivity | str | Path | None = None,
) -> list[Path]:
    """Run a scenario and those compared with it; write ``report.html`` and a PNG per chart.

    Every scenario runs with ``cfg``'s replicates, seed, years, start and sets: with one seed,
    the scenarios differ by their inputs, not by their noise. All are checked before any runs
    (UserError). ``claims``: the content of a claims.json (``deportsim claims``); or a function
    that returns it, called once every input is checked (a mistake is then reported before the
    claims are computed); or None for a report without them. ``out`` defaults to
    ``out/<first scenario>/``. ``on_day(prep, t)`` reports the progress of the scenario being
    run. Returns the files written, the page first. The report is recorded in the catalog as
    for :func:`claims` (kind ``report``, with the first scenario's metrics). ``sensitivity``: a
    ``sensitivity.json`` of :func:`sensitivity`, its folder or its catalog run id (read and
    checked before any run: :func:`deportsim.report.read_sensitivity`), or one already read;
    the page then names each metric's top 3 parameters, with a ``tornado-<metric>.png`` each.
    """
    from dataclasses import replace  # noqa: PLC0415

    from deportsim.paramview import parameter_rows  # noqa: PLC0415 (only reports need these)
    from deportsim.report import ScenarioRun, build_report, check_claims  # noqa: PLC0415
    from deportsim.report.charts import MAX_SCENARIOS  # noqa: PLC0415
    from deportsim.report.sensitivity import read_sensitivity  # noqa: PLC0415

    cli = Location("<command line>", path="--compare")
    if len(compare) + 1 > MAX_SCENARIOS:
        raise UserError(f"at most {MAX_SCENARIOS - 1} scenarios can be compared at once", cli)
    params = load_parameters(cfg.parameters)
    preps = [prepare(cfg, params)]
    for ref in compare:
        load_scenario(ref, params, label="--compare")  # an unknown name names the option
        preps.append(prepare(replace(cfg, scenario=ref), params))
    names = [p.scenario.name for p in preps]
    for name in names:
        if names.count(name) > 1:
            raise UserError(f"scenario {name} is given twice", cli)
    target = out if out is not None else default_out(preps[0].scenario)
    sens = (  # a run id is looked up in the report's catalog
        read_sensitivity(sensitivity, catalog if isinstance(catalog, Path) else None)
        if isinstance(sensitivity, str | Path)
        else sensitivity
    )
    writable_folder(target)  # before the runs: a folder that cannot be made fails at once
    scenarios = {p.scenario.name: p.scenario.content_hash for p in preps}
    how = "none" if claims is None else "tested" if callable(claims) else "given"
    given = str(sensitivity) if isinstance(sensitivity, str | Path) else None
    settings = {"scenarios": scenarios, "claims": how, "sensitivity": given}
    with recording(
        "report", out=target, catalog=catalog, on_record=on_record,
        **run_fields(preps[0], {"compare": names[1:]}, settings),
    ) as rec:  # fmt: skip
        listed = claims() if callable(claims) else claims
        if listed is not None:
            check_claims(listed)
        runs = []
        for prep in preps:
            step = None if on_day is None else (lambda t, p=prep: on_day(p, t))
            done = execute(prep, on_day=step)
            runs.append(
                ScenarioRun.from_sim(
                    done.sim,
                    done.summary,
                    title=prep.scenario.title,
                    description=prep.scenario.description,
                    # the scenario's changes and the run's --set ones, each with its origin
                    parameters=parameter_rows(
                        prep.params, replace(prep.scenario, overrides=prep.resolved.overrides)
                    ),
                    sources=[s.model_dump(exclude_none=True) for s in prep.scenario.sources],
                )
            )
            del done  # keep only what the report reads: several runs need not fit in memory
        paths = build_report(runs, listed, target, sens)
        rec.keep({p.name: p for p in paths}, copy=["report.html"])
        rec.metrics(runs[0].summary["metrics"])  # the report's own scenario's
    return paths


def compare_estimates(
    replicates: int = 50,
    seed: int = 0,
    years: float = 4.0,
    estimates: Path | None = None,
    out: Path | None = None,
    *,
    parameter_uncertainty: bool = True,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
) -> Comparison:
    """Set published cost-per-removal estimates beside the model's; see analysis/estimates.py.

    Runs the base scenario of the estimates file (default: the shipped
    ``analysis/estimates.yaml``) as it is and under each estimate's assumptions, with the same
    ``seed``; splits each gap into the assumptions' contributions (in mean field, at the
    parameters' values). The stochastic runs' replicates draw the uncertain parameters unless
    ``parameter_uncertainty`` is False; an estimate's assumptions are ``--set`` values, kept as
    given in every replicate. With ``out``, writes
    ``out/estimates.json`` (atomically), recorded in the catalog as for :func:`claims` (kind
    ``estimates``). Raises UserError on a bad file or option.
    """
    from deportsim.analysis.estimate_spec import load_estimates  # noqa: PLC0415 (only this verb)
    from deportsim.analysis.estimates import compare, write_estimates  # noqa: PLC0415

    params = load_parameters()
    spec = load_estimates(params, estimates)
    base = RunConfig(scenario=spec.base_scenario, replicates=replicates, seed=seed, years=years)
    _check_config(base)
    if out is not None:
        writable_folder(out)  # before the runs: a folder that cannot be made fails at once

    def run_one(sets: tuple[str, ...], mean_field: bool) -> SimResult:
        cfg = RunConfig(
            scenario=base.scenario, replicates=1 if mean_field else replicates, seed=seed,
            years=years, sets=sets, parameter_uncertainty=parameter_uncertainty and not mean_field,
        )  # fmt: skip
        prep = prepare(cfg, params)
        return simulate(
            prep.inputs, cfg.replicates, Streams(seed), mean_field=mean_field,
            inputs_for=prep.draws.inputs if prep.draws is not None else None,
        )  # fmt: skip

    prep = prepare(base, params)
    config = {
        "seed": seed, "replicates": replicates, "years": years, "start": prep.start.isoformat(),
        "days": prep.days, "parameter_uncertainty": parameter_uncertainty,
        "estimates_file": str(estimates) if estimates else "analysis/estimates.yaml (shipped)",
    }  # fmt: skip
    with recording(
        "estimates", out=out, catalog=catalog, on_record=on_record,
        **run_fields(
            prep, parameters={"estimates_file": config["estimates_file"]},
            config={"parameter_uncertainty": parameter_uncertainty},
        ),
    ) as rec:  # fmt: skip
        comparison = compare(spec, run_one, config)
        if out is not None:
            rec.keep({"estimates.json": write_estimates(comparison, out)}, copy=["estimates.json"])
    return comparison


def requirements(
    cfg: RunConfig,
    targets: tuple[str, ...] | list[str],
    *,
    probability: float = 0.5,
    from_year: int = 1,
    out: Path | None = None,
    on_status: Callable[[str], None] | None = None,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
) -> Requirements:
    """The resources, year by year, with which a scenario reaches ``targets`` (``METRIC=VALUE``).

    ``cfg`` gives the scenario, its ``--set`` overrides, years, replicates and seed of the
    stochastic runs; ``probability`` is the share of replicates that must reach each target in a
    year; years before ``from_year`` keep the scenario's own resources
    (:mod:`deportsim.analysis.requirements`). Every option is checked (UserError naming
    ``--target``, ``--probability`` or ``--from-year``) before anything runs. With ``out``,
    writes ``requirements.json`` and ``requirements-scenario.yaml`` there, each whole or not
    at all, and records the search in the catalog as for :func:`claims` (kind
    ``requirements``).
    """
    from deportsim.analysis.goalseek import parse_targets  # noqa: PLC0415 (only this verb)
    from deportsim.analysis.levers import years_of  # noqa: PLC0415
    from deportsim.analysis.requirements import check_options, find_requirements  # noqa: PLC0415
    from deportsim.analysis.requirements_out import write_requirements  # noqa: PLC0415

    t0 = time.perf_counter()
    parsed = parse_targets(targets)
    prep = prepare(cfg)
    check_options(probability, from_year, len(years_of(prep.start, prep.days)))
    if out is not None:
        writable_folder(out)  # before the search: a folder that cannot be made fails at once
    settings = {"targets": list(targets), "probability": probability, "from_year": from_year}
    with recording(
        "requirements", out=out, catalog=catalog, on_record=on_record, started=t0,
        **run_fields(prep, config=settings),
    ) as rec:  # fmt: skip
        req = find_requirements(
            prep.resolved, parsed, probability=probability, from_year=from_year,
            replicates=cfg.replicates, seed=cfg.seed, on_status=on_status,
            parameter_uncertainty=cfg.parameter_uncertainty,
        )  # fmt: skip
        if out is not None:
            written = write_requirements(req, prep.scenario, out, time.perf_counter() - t0)
            rec.keep({p.name: p for p in written}, copy=[p.name for p in written])
    return req


def sweep(
    cfg: RunConfig,
    vary: tuple[str, ...] | list[str] = (),
    *,
    samples: int = 100,
    design: str = "lhs",
    out: Path | None = None,
    resume: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_start: Callable[[SweepStart], None] | None = None,
    catalog: CatalogChoice = None,
) -> SweepRun:
    """Run a scenario at ``samples`` sets of values of the ``vary`` parameters (``PATH=LOW:HIGH``).

    ``design``: ``lhs`` (Latin hypercube) or ``grid``. Each sample runs with ``cfg``'s
    replicates, years, start and ``--set`` overrides, and a seed drawn from ``cfg.seed`` and its
    index (:mod:`deportsim.analysis.sweep`). Runs on ``workers`` local processes (default: every
    core) or, with ``scheduler`` (or ``DEPORTSIM_SCHEDULER``), on a Dask cluster; results are the
    same on any. Writes ``<out>/<run id>/`` (default ``out/<scenario>/sweeps/``). ``resume``:
    the run id (or folder) of a sweep that stopped: only its missing batches run. Every input is
    checked (UserError) before anything runs; ``on_start`` is told the folder and backend then.
    The sweep is recorded in the catalog (``catalog``: as for :func:`run_prepared`) under its
    run id.
    """
    from deportsim import sweepruns  # noqa: PLC0415 (only this verb)

    ex = sweepruns.Execution(
        out, resume, workers, scheduler, batch_size, progress, on_start, catalog
    )
    return sweepruns.sweep(cfg, tuple(vary), samples, design, ex)


def sensitivity(
    cfg: RunConfig,
    metrics: tuple[str, ...] | list[str] = ("removals_total", "cost_total_usd"),
    vary: tuple[str, ...] | list[str] = (),
    *,
    n: int = 32,
    out: Path | None = None,
    resume: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_start: Callable[[SweepStart], None] | None = None,
    catalog: CatalogChoice = None,
) -> SensitivityRun:
    """Sobol first-order and total indices of ``metrics`` over uncertain parameters (SALib).

    ``vary``: ``PATH`` (its stated uncertainty range and distribution) or ``PATH=LOW:HIGH``
    (uniform); default every parameter of
    :func:`deportsim.analysis.sensitivity.default_ranges`. ``n``: Saltelli's base sample size
    (a power of 2); ``n × (parameters + 2)`` samples run, each with ``cfg.replicates``
    replicates and the same seed. Backends, ``out`` and ``resume`` as :func:`sweep`. Writes the
    sweep's files plus ``sensitivity.json`` and ``tornado-<metric>.png``.
    """
    from deportsim import sweepruns  # noqa: PLC0415 (only this verb)

    ex = sweepruns.Execution(
        out, resume, workers, scheduler, batch_size, progress, on_start, catalog
    )
    return sweepruns.sensitivity(cfg, tuple(metrics), tuple(vary), n, ex)
