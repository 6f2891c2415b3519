"""Sweeps: one scenario run at many sets of parameter values, in batches, resumable.

A *sample* is one set of values for the varied parameters, applied for the whole run on top of
the scenario (like ``--set PATH=VALUE``) and run with ``replicates`` replicates of process noise.
Sample ``i``'s seed comes from the sweep's seed and ``i`` only
(:func:`~deportsim.analysis.sweeps.design.sample_seed`), never from a worker or an order, so any
backend and any number of workers give the same numbers. With ``common_seed`` every sample uses
the sweep's seed itself (common random numbers: the samples then differ by their parameters
alone, as a sensitivity analysis wants).

This module runs a sweep's batches (on the workers) and summarises the results; the sample
design is :mod:`~deportsim.analysis.sweeps.design`, the specification
:mod:`~deportsim.analysis.sweeps.spec` and the folder and its files
:mod:`~deportsim.analysis.sweeps.folder`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray
from scipy import stats

from deportsim._version import __version__
from deportsim.analysis.sweeps.design import sample_override, sample_seed
from deportsim.analysis.sweeps.folder import (
    BATCHES_DIR,
    SweepFolder,
    batch_samples,
    combine,
    table_hash,
    write_json,
    write_table,
)
from deportsim.analysis.sweeps.spec import SweepSpec
from deportsim.engine import Streams
from deportsim.execution import Backend, Progress
from deportsim.model import read_inputs, simulate
from deportsim.parameters import Override, ParameterSet, Resolved, load_parameters
from deportsim.run.results import METRICS, REQUIRED_METRICS

__all__ = [
    "BATCHES_PER_WORKER",
    "MAX_BATCH",
    "BatchJob",
    "SweepRun",
    "batch_jobs",
    "default_batch_size",
    "run_batch",
    "run_sweep",
    "sample_means",
    "summarise_sweep",
]

F = NDArray[np.float64]

#: Samples per batch at most: a batch is the unit of work a worker runs and a resume skips.
MAX_BATCH = 25
#: Batches per worker the default batch size aims at (several, so the workers stay busy to
#: the end and a resume loses little).
BATCHES_PER_WORKER = 4


def default_batch_size(samples: int, workers: int) -> int:
    """Samples per batch: several batches per worker, at most :data:`MAX_BATCH` samples each."""
    return max(1, min(MAX_BATCH, math.ceil(samples / (max(1, workers) * BATCHES_PER_WORKER))))


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
        sim = simulate(read_inputs(resolved), job.replicates, Streams(seed), threads=1)
        rows_k = slice(k * job.replicates, (k + 1) * job.replicates)
        for name, metric in METRICS.items():
            out[name][rows_k] = np.asarray(metric.compute(sim), dtype=np.float64)
    return cols | out


def batch_jobs(
    spec: SweepSpec, values: F, base: tuple[Override, ...], params: ParameterSet | None
) -> list[BatchJob]:
    """Every batch of the sweep as a job (whether done or not)."""
    jobs = []
    paths = tuple(r.path for r in spec.vary)
    for index in range(spec.batches):
        first = index * spec.batch_size
        stop = first + batch_samples(spec, index)
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
