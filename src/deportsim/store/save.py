"""A run executed and saved: its files written to a folder and recorded in the catalog."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from deportsim.run import Prepared, RunOutput, execute
from deportsim.store.catalog.records import CatalogChoice
from deportsim.store.catalog.runs import begin_run, finish_run
from deportsim.store.outputs import TimeseriesStream, stage, start_output, write_outputs

__all__ = ["default_out", "save_run"]


def default_out(scenario_name: str) -> Path:
    """The contract's default output folder: ``out/<scenario>/`` in the working folder."""
    return Path("out") / scenario_name


def save_run(
    prep: Prepared,
    out: Path,
    on_day: Callable[[int], None] | None = None,
    catalog: CatalogChoice = None,
) -> RunOutput:
    """Execute a prepared run, write its files to ``out`` and record it in the catalog.

    ``out`` is first marked as holding a run in progress (:func:`start_output`); the files are
    written to a staging folder beside it and moved into place when the run ends, so a run that
    fails or is interrupted leaves no partial results. ``catalog``: None for the default
    catalog, a folder, or False not to record the run.
    """
    t0 = time.perf_counter()
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
