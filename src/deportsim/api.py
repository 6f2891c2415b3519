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

__all__ = [
    "DEFAULT_SCENARIO",
    "Prepared",
    "RunConfig",
    "RunOutput",
    "backtest",
    "calibrate",
    "execute",
    "prepare",
    "run",
    "run_prepared",
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


@dataclass(frozen=True)
class Prepared:
    """A checked run: the scenario, the parameters and the daily inputs, nothing computed yet."""

    config: RunConfig
    scenario: Scenario
    params: ParameterSet
    resolved: Resolved
    inputs: Inputs

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
    return Prepared(cfg, scenario, params, resolved, Inputs.from_resolved(resolved))


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
    sim = simulate(prep.inputs, cfg.replicates, streams, on_day=on_day, on_batch=on_batch)
    summary = {
        "scenario": prep.scenario.name,
        "model_version": __version__,
        "seed": cfg.seed,
        "replicates": cfg.replicates,
        "start": prep.start.isoformat(),
        "days": prep.days,
        "scenario_hash": prep.scenario.content_hash,
        "sets": list(cfg.sets),
        "intervals": {"quantiles": [0.05, 0.5, 0.95], "include": ["process noise"]},
        "metrics": summarise(sim),
    }
    return RunOutput(prep, sim, summary, streams.names)


def run_prepared(
    prep: Prepared, out: Path | None = None, on_day: Callable[[int], None] | None = None
) -> RunOutput:
    """Execute a prepared run and, if ``out`` is given, write its files there."""
    t0 = time.perf_counter()
    if out is None:
        return execute(prep, on_day)
    start_output(prep, out)
    tmp = stage(out)
    stream = TimeseriesStream(tmp / "timeseries.parquet", prep)  # written as batches end
    try:
        result = execute(prep, on_day, stream.add)
        stream.close()
    except BaseException:
        stream.abort()  # a run that fails leaves no partial files behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    manifest = write_outputs(result, out, time.perf_counter() - t0, staged=tmp)
    return RunOutput(result.prepared, result.sim, result.summary, result.streams, manifest)


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
    seed: int = 0, calibration: Path | None = None, db: Path | None = None, stays: str = "fitted"
) -> Backtest:
    """Replay detention on history with a calibration and score it.

    Without a ``calibration`` file, the shipped one: ``stays="fitted"``, the backtest's free
    two-phase stays; ``stays="model"``, the model's own calibrated stays. A file written by
    ``deportsim calibrate`` (``calibration.yaml`` or ``model_stays.yaml``) says which it holds.
    """
    from deportsim.analysis.backtest import run_backtest  # noqa: PLC0415 (not needed by runs)
    from deportsim.analysis.calibrate import shipped_calibration  # noqa: PLC0415
    from deportsim.analysis.model_stays import read_calibration, shipped_model_stays  # noqa: PLC0415
    from deportsim.model.replay import load_history  # noqa: PLC0415

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
    return run_backtest(load_history(db), cal, seed)


def calibrate(
    folder: Path, bootstrap: int | None = None, seed: int | None = None, db: Path | None = None
) -> tuple[Path, Path]:
    """Fit the stays on FY2019-FY2024; write ``calibration.yaml`` and ``model_stays.yaml``.

    ``calibration.yaml`` holds the backtest's stays (:mod:`deportsim.analysis.calibrate`),
    ``model_stays.yaml`` the model's own stay parameters with their out-of-sample errors
    (:mod:`deportsim.analysis.model_stays`). ``bootstrap`` and ``seed`` default to the shipped
    calibration's (:data:`deportsim.analysis.calibrate.BOOTSTRAP`,
    :data:`~deportsim.analysis.calibrate.SEED`).
    """
    from deportsim.analysis import calibrate as cal  # noqa: PLC0415 (not needed by runs)
    from deportsim.analysis.model_stays import calibrate_model  # noqa: PLC0415
    from deportsim.model.replay import load_history  # noqa: PLC0415

    writable_folder(folder)  # before the fits: a folder that cannot be made fails at once
    history = load_history(db)
    n = cal.BOOTSTRAP if bootstrap is None else bootstrap
    s = cal.SEED if seed is None else seed
    backtest_stays = cal.calibrate(history, n, s).to_yaml()
    model_stays = calibrate_model(history, n, s).to_yaml(history)
    return (
        cal.write_calibration(backtest_stays, folder / "calibration.yaml"),
        cal.write_calibration(model_stays, folder / "model_stays.yaml"),
    )
