"""Sweeps: one scenario run at many sets of parameter values, in batches, resumable.

A *sample* is one set of values for the varied parameters, applied for the whole run on top of
the scenario (like ``--set PATH=VALUE``) and run with ``replicates`` replicates of process noise.
Sample ``i``'s seed comes from the sweep's seed and ``i`` only (:func:`sample_seed`), never from
a worker or an order, so any backend and any number of workers give the same numbers. With
``common_seed`` every sample uses the sweep's seed itself (common random numbers: the samples
then differ by their parameters alone, as a sensitivity analysis wants).

A sweep lives in one folder (:class:`SweepFolder`): ``sweep.json`` (the full specification and
its status), ``samples.parquet`` (every sample's values), ``batches/batch-NNNNN.parquet`` (one
per finished batch, each written whole or not at all) and, once every batch is done,
``results.parquet`` (one row per sample and replicate: the sample's values, then every summary
metric of :data:`deportsim.results.METRICS`) and ``summary.json``. A sweep that stops midway
resumes from its folder: batches whose files exist and are whole are not run again.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray
from scipy import stats

from deportsim._version import __version__
from deportsim.engine import Streams
from deportsim.errors import Location, UserError
from deportsim.execution import Backend, Progress
from deportsim.folders import write_atomic
from deportsim.model import Inputs, simulate
from deportsim.parameters import Override, ParameterSet, Resolved, load_parameters, make_override
from deportsim.results import METRICS, REQUIRED_METRICS

__all__ = [
    "BATCHES_DIR",
    "Range",
    "SweepFolder",
    "SweepSpec",
    "batch_jobs",
    "grid_design",
    "latin_hypercube",
    "parse_vary",
    "run_batch",
    "run_sweep",
    "sample_seed",
    "scale",
    "write_bytes",
    "write_json",
    "write_table",
]

F = NDArray[np.float64]
Design = Literal["lhs", "grid", "sobol"]

BATCHES_DIR = "batches"
#: Samples per batch at most: a batch is the unit of work a worker runs and a resume skips.
MAX_BATCH = 25
#: Batches per worker the default batch size aims at (several, so the workers stay busy to
#: the end and a resume loses little).
BATCHES_PER_WORKER = 4
MAX_SAMPLES = 1_000_000

_VARY = Location("--vary")
_NUMBER = r"[-+]?(?:\d[\d_,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*:\s*({_NUMBER})\s*$")


@dataclass(frozen=True)
class Range:
    """A varied parameter: its path and bounds in the parameter's own unit.

    ``distribution`` says how a sensitivity analysis draws it within or around the bounds
    (:mod:`deportsim.analysis.sensitivity`); a sweep spreads samples evenly over
    ``[low, high]``.
    """

    path: str
    low: float
    high: float
    distribution: str = "uniform"
    mode: float | None = None  # the central value of a triangular or PERT range


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("_", ""))


def parse_vary(params: ParameterSet, text: str) -> Range:
    """Parse ``PATH=LOW:HIGH``; UserError (naming ``--vary``) for a bad path, value or order.

    Both bounds are checked as values of the parameter (e.g. a probability above 1 is refused).
    """
    path, sep, bounds = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise UserError(f"expected PATH=LOW:HIGH, got {text!r}", _VARY)
    match = _RANGE.match(bounds)
    if match is None:
        raise UserError(f"expected PATH=LOW:HIGH with two numbers, got {text!r}", _VARY)
    low, high = _number(match.group(1)), _number(match.group(2))
    if not low < high:
        raise UserError(f"LOW must be below HIGH in {text!r}", _VARY.with_path(path))
    for value in (low, high):
        sample_override(params, path, value)  # unknown path or a value the parameter refuses
    return Range(path, low, high)


def sample_override(params: ParameterSet, path: str, value: float) -> Override:
    """One sample's value of one parameter as a whole-run override (like ``--set``)."""
    return make_override(
        params,
        path,
        value,
        unit_text=None,
        start=None,
        until=None,
        where=_VARY.with_path(path),
        origin="--vary",
    )


def check_ranges(ranges: Sequence[Range]) -> None:
    """At least one range, each path once (UserError)."""
    if not ranges:
        raise UserError("give at least one --vary PATH=LOW:HIGH", _VARY)
    seen: set[str] = set()
    for r in ranges:
        if r.path in seen:
            raise UserError("is varied twice", _VARY.with_path(r.path))
        seen.add(r.path)


def latin_hypercube(n: int, d: int, seed: int) -> F:
    """``n`` points of a Latin hypercube in ``[0, 1)^d``: each axis's ``n`` strata hit once."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))
    u = np.empty((n, d))
    for j in range(d):
        u[:, j] = (rng.permutation(n) + rng.random(n)) / n
    return u


def grid_design(n: int, d: int) -> F:
    """A full grid with as many levels per axis as ``n`` samples allow (at least 2).

    Levels include both bounds; the grid has ``levels ** d`` points (at most ``n`` unless
    ``2 ** d`` is more).
    """
    levels = max(2, math.floor(n ** (1.0 / d) + 1e-9))
    axis = np.linspace(0.0, 1.0, levels)
    mesh = np.meshgrid(*([axis] * d), indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def scale(unit: F, ranges: Sequence[Range]) -> F:
    """Map points of ``[0, 1]^d`` onto the ranges, evenly (a sweep's spread)."""
    low = np.array([r.low for r in ranges])
    high = np.array([r.high for r in ranges])
    out: F = low + unit * (high - low)
    return out


def sample_seed(seed: int, index: int) -> int:
    """Sample ``index``'s seed: a function of the sweep's seed and the index only."""
    state = np.random.SeedSequence([seed, index]).generate_state(2, np.uint64)
    return int(state[0]) >> 1  # below 2**63, as a run's seed must be


@dataclass(frozen=True)
class SweepSpec:
    """Everything that defines a sweep's numbers (stored in ``sweep.json``)."""

    kind: Literal["sweep", "sensitivity"]
    scenario: str  # as given: a built-in name or a file path
    scenario_name: str
    scenario_hash: str
    start: str  # first simulated day, ISO
    days: int
    years: float
    replicates: int
    seed: int
    sets: tuple[str, ...]
    vary: tuple[Range, ...]
    design: Design
    samples: int
    batch_size: int
    common_seed: bool = False
    parameters: str | None = None  # a folder of parameter files, or None for the built-in
    metrics: tuple[str, ...] = ()  # the metrics a sensitivity analysis reads
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. a sensitivity's base N

    @property
    def batches(self) -> int:
        """Number of batches."""
        return math.ceil(self.samples / self.batch_size)

    def to_json(self) -> dict[str, Any]:
        """The spec as plain JSON data."""
        data = asdict(self)
        data["sets"] = list(self.sets)
        data["metrics"] = list(self.metrics)
        data["vary"] = [asdict(r) for r in self.vary]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SweepSpec:
        """Read a spec written by :meth:`to_json`."""
        data = dict(data)
        data["sets"] = tuple(data["sets"])
        data["metrics"] = tuple(data.get("metrics", ()))
        data["vary"] = tuple(Range(**r) for r in data["vary"])
        return cls(**data)


def default_batch_size(samples: int, workers: int) -> int:
    """Samples per batch: several batches per worker, at most :data:`MAX_BATCH` samples each."""
    return max(1, min(MAX_BATCH, math.ceil(samples / (max(1, workers) * BATCHES_PER_WORKER))))


def new_run_id(scenario_name: str, kind: str) -> str:
    """A run id: the kind, scenario, UTC time and a random suffix (also the folder's name)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{kind}-{scenario_name}-{stamp}-{secrets.token_hex(3)}"


# --- work on the workers -------------------------------------------------------------------


@dataclass(frozen=True)
class BatchJob:
    """One batch's work, small and picklable: the base overrides and the samples' values."""

    index: int
    first: int  # index of the batch's first sample
    start: dt.date
    days: int
    replicates: int
    paths: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]  # one row per sample
    seeds: tuple[int, ...]
    base: tuple[Override, ...]  # the scenario's overrides and the sweep's --set ones
    parameters: ParameterSet | None = None  # None: the built-in parameters


@functools.cache
def _builtin_parameters() -> ParameterSet:
    return load_parameters(None)  # once per worker process


def run_batch(job: BatchJob) -> dict[str, F]:
    """Run every sample of a batch; return one column per field, one row per replicate.

    Pure: the same job always gives the same columns (each sample's noise comes from its own
    seed; the model runs on one thread).
    """
    params = job.parameters if job.parameters is not None else _builtin_parameters()
    rows = len(job.values) * job.replicates
    cols: dict[str, F] = {
        "sample": np.repeat(np.arange(job.first, job.first + len(job.values)), job.replicates),
        "replicate": np.tile(np.arange(job.replicates), len(job.values)),
        "seed": np.repeat(np.array(job.seeds, dtype=np.uint64), job.replicates),
    }
    for j, path in enumerate(job.paths):
        cols[path] = np.repeat(np.array([v[j] for v in job.values]), job.replicates)
    out = {name: np.empty(rows) for name in METRICS}
    for k, (values, seed) in enumerate(zip(job.values, job.seeds, strict=True)):
        sets = tuple(sample_override(params, p, v) for p, v in zip(job.paths, values, strict=True))
        resolved = Resolved(params, job.start, job.days, job.base + sets)
        sim = simulate(Inputs.from_resolved(resolved), job.replicates, Streams(seed), threads=1)
        rows_k = slice(k * job.replicates, (k + 1) * job.replicates)
        for name, metric in METRICS.items():
            out[name][rows_k] = np.asarray(metric.compute(sim), dtype=np.float64)
    return cols | out


# --- the sweep's folder --------------------------------------------------------------------


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically."""
    write_atomic(path, lambda p: p.write_text(json.dumps(data, indent=2) + "\n"))


def write_bytes(path: Path, data: bytes) -> None:
    """Write bytes atomically."""
    write_atomic(path, lambda p: p.write_bytes(data))


def write_table(path: Path, table: pa.Table) -> None:
    """Write a Parquet file atomically."""
    write_atomic(path, lambda p: pq.write_table(table, p))


@dataclass(frozen=True)
class SweepFolder:
    """A sweep's folder on disk (see the module's docstring for its files)."""

    path: Path

    @property
    def run_id(self) -> str:
        """The sweep's id: its folder's name."""
        return self.path.name

    def batch_file(self, index: int) -> Path:
        """Where batch ``index`` is written."""
        return self.path / BATCHES_DIR / f"batch-{index:05d}.parquet"

    def read_status(self) -> dict[str, Any]:
        """The content of ``sweep.json``."""
        try:
            data: dict[str, Any] = json.loads((self.path / "sweep.json").read_text())
        except (OSError, ValueError) as exc:
            raise UserError(
                f"not a sweep folder (no readable sweep.json: {exc})", Location(self.path)
            ) from None
        return data

    def spec(self) -> SweepSpec:
        """The sweep's specification."""
        try:
            return SweepSpec.from_json(self.read_status()["spec"])
        except (KeyError, TypeError) as exc:
            raise UserError(f"sweep.json has no valid spec ({exc})", Location(self.path)) from None

    def samples(self) -> F:
        """Every sample's values, (samples, varied parameters)."""
        table = pq.read_table(self.path / "samples.parquet")
        return np.column_stack([table.column(i).to_numpy() for i in range(table.num_columns)])

    def create(self, spec: SweepSpec, values: F) -> None:
        """Write the spec and the samples of a new sweep (the folder must not exist yet)."""
        try:
            (self.path / BATCHES_DIR).mkdir(parents=True, exist_ok=False)
        except FileExistsError:
            raise UserError("a sweep with this id exists already", Location(self.path)) from None
        except OSError as exc:
            raise UserError(f"cannot create folder: {exc.strerror}", Location(self.path)) from None
        table = pa.table({r.path: values[:, j] for j, r in enumerate(spec.vary)})
        write_table(self.path / "samples.parquet", table)
        self.set_status(spec, "running")

    def set_status(self, spec: SweepSpec, status: str, **extra: Any) -> None:
        """Rewrite ``sweep.json`` with ``status`` (running, complete)."""
        data = {
            "run_id": self.run_id,
            "status": status,
            "model_version": __version__,
            "spec": spec.to_json(),
            **extra,
        }
        write_json(self.path / "sweep.json", data)

    def finished(self, spec: SweepSpec) -> set[int]:
        """Batches whose files exist and hold every row they should (others are run again)."""
        done = set()
        for index in range(spec.batches):
            path = self.batch_file(index)
            if not path.exists():
                continue
            try:
                rows = pq.read_metadata(path).num_rows
            except (OSError, pa.ArrowException):
                continue
            if rows == _batch_samples(spec, index) * spec.replicates:
                done.add(index)
        return done


def _batch_samples(spec: SweepSpec, index: int) -> int:
    return min(spec.batch_size, spec.samples - index * spec.batch_size)


def batch_jobs(
    spec: SweepSpec, values: F, base: tuple[Override, ...], params: ParameterSet | None
) -> list[BatchJob]:
    """Every batch of the sweep as a job (whether done or not)."""
    jobs = []
    paths = tuple(r.path for r in spec.vary)
    for index in range(spec.batches):
        first = index * spec.batch_size
        stop = first + _batch_samples(spec, index)
        seeds = tuple(
            spec.seed if spec.common_seed else sample_seed(spec.seed, i) for i in range(first, stop)
        )
        jobs.append(
            BatchJob(
                index=index,
                first=first,
                start=dt.date.fromisoformat(spec.start),
                days=spec.days,
                replicates=spec.replicates,
                paths=paths,
                values=tuple(tuple(float(v) for v in row) for row in values[first:stop]),
                seeds=seeds,
                base=base,
                parameters=params,
            )
        )
    return jobs


@dataclass(frozen=True)
class SweepRun:
    """What :func:`run_sweep` did: the folder, how many batches ran now and were already done."""

    folder: SweepFolder
    spec: SweepSpec
    ran: int
    skipped: int
    seconds: float
    summary: dict[str, Any]


def run_sweep(
    folder: SweepFolder,
    base: tuple[Override, ...],
    backend: Backend,
    params: ParameterSet | None = None,
    progress: Progress | None = None,
) -> SweepRun:
    """Run every batch not yet done, then write ``results.parquet`` and ``summary.json``.

    ``base``: the scenario's overrides and the sweep's ``--set`` ones; ``params``: a custom
    parameter set (None: the built-in). Each batch's file is written as soon as it ends, so a
    sweep stopped at any point resumes where it was.
    """
    t0 = time.perf_counter()
    spec = folder.spec()
    values = folder.samples()
    for stale in (folder.path / BATCHES_DIR).glob(".*.part"):
        stale.unlink(missing_ok=True)  # a batch being written when the sweep was killed
    done = folder.finished(spec)
    todo = [job for job in batch_jobs(spec, values, base, params) if job.index not in done]
    folder.set_status(spec, "running")

    def on_result(i: int, cols: dict[str, F]) -> None:
        write_table(folder.batch_file(todo[i].index), pa.table(cols))

    backend.run(run_batch, todo, on_result, progress)
    seconds = time.perf_counter() - t0
    table = combine(folder, spec)
    write_table(folder.path / "results.parquet", table)
    summary = summarise_sweep(spec, table, folder.run_id)
    summary["timing"] = {
        "seconds_this_session": round(seconds, 2),
        "batches_run": len(todo),
        "batches_already_done": len(done),
        "backend": backend.label,
    }
    write_json(folder.path / "summary.json", summary)
    folder.set_status(spec, "complete", results_sha256=summary["results_sha256"])
    return SweepRun(folder, spec, len(todo), len(done), seconds, summary)


def combine(folder: SweepFolder, spec: SweepSpec) -> pa.Table:
    """Every batch's rows in one table, ordered by sample and replicate."""
    tables = [pq.read_table(folder.batch_file(i)) for i in range(spec.batches)]
    return pa.concat_tables(tables)


def table_hash(table: pa.Table) -> str:
    """SHA-256 of a table's column names and values: equal numbers, equal hash."""
    h = hashlib.sha256()
    for name in table.column_names:
        h.update(name.encode())
        h.update(np.ascontiguousarray(table.column(name).to_numpy()).tobytes())
    return h.hexdigest()


def sample_means(spec: SweepSpec, table: pa.Table, metric: str) -> F:
    """Each sample's mean of ``metric`` over its replicates (NaN where no replicate has one)."""
    y = table.column(metric).to_numpy().reshape(spec.samples, spec.replicates)
    out = np.full(spec.samples, np.nan)
    ok = np.isfinite(y).any(axis=1)
    out[ok] = np.nanmean(y[ok], axis=1)
    return out


def _stat(value: float) -> float | None:
    return round(float(value), 2) if np.isfinite(value) else None


def summarise_sweep(spec: SweepSpec, table: pa.Table, run_id: str) -> dict[str, Any]:
    """The sweep's ``summary.json``: each metric over samples and each parameter's influence.

    For each metric: the mean and 5th/50th/95th percentiles over samples of the sample's mean
    over its replicates; for each required metric, every varied parameter's Spearman rank
    correlation with it (a first look at what matters; ``deportsim sensitivity`` measures it).
    """
    values = {r.path: table.column(r.path).to_numpy()[:: spec.replicates] for r in spec.vary}
    metrics: dict[str, Any] = {}
    for name, metric in METRICS.items():
        y = sample_means(spec, table, name)
        finite = y[np.isfinite(y)]
        entry: dict[str, Any] = {"unit": metric.unit}
        if finite.size:
            q = np.quantile(finite, [0.05, 0.5, 0.95])
            entry |= {
                "mean": _stat(finite.mean()),
                "p05": _stat(q[0]),
                "p50": _stat(q[1]),
                "p95": _stat(q[2]),
            }
        if name in REQUIRED_METRICS:
            entry["rank_correlation"] = {path: _spearman(x, y) for path, x in values.items()}
        metrics[name] = entry
    return {
        "run_id": run_id,
        "kind": spec.kind,
        "scenario": spec.scenario_name,
        "scenario_hash": spec.scenario_hash,
        "model_version": __version__,
        "seed": spec.seed,
        "samples": spec.samples,
        "replicates": spec.replicates,
        "design": spec.design,
        "vary": [asdict(r) for r in spec.vary],
        "intervals": {
            "over": "samples (each sample's mean over its replicates)",
            "quantiles": [0.05, 0.5, 0.95],
            # the parameters not varied keep their values (deportsim run --fixed-parameters)
            "include": [
                "varied parameters",
                "process noise (averaged over each sample's replicates)",
            ],
        },
        "results_sha256": table_hash(table),
        "metrics": metrics,
    }


def _spearman(x: F, y: F) -> float | None:
    ok = np.isfinite(y)
    if ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0:
        return None
    rho = stats.spearmanr(x[ok], y[ok]).statistic
    return round(float(rho), 4) if np.isfinite(rho) else None
