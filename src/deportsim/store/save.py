"""A run executed and saved: its files written to a folder and recorded in the catalog."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from deportsim.core.processes import process_ended
from deportsim.core.signals import check_stop, held
from deportsim.run import Prepared, RunOutput, execute
from deportsim.store.catalog.records import CatalogChoice
from deportsim.store.catalog.runs import begin_run, finish_run
from deportsim.store.outputs import (
    DiskFullError,
    TimeseriesStream,
    lock_output,
    partial_folders,
    stage,
    start_output,
    write_bands,
    write_outputs,
)
from deportsim.store.spool import BandSpool, check_room

__all__ = ["default_out", "remove_stale_partials", "save_run"]


def default_out(scenario_name: str) -> Path:
    """The contract's default output folder: ``out/<scenario>/`` in the working folder."""
    return Path("out") / scenario_name


def remove_stale_partials(out: Path) -> list[Path]:
    """Remove the staging folders in ``out`` left by processes that have ended; return them.

    A staging folder is named after its process (``.partial-PID``); one whose process is still
    alive (another command writing there, e.g. a report) is left alone.
    """
    gone = [p for pid, p in partial_folders(out).items() if process_ended(pid)]
    for p in gone:
        shutil.rmtree(p, ignore_errors=True)
    return gone


def save_run(
    prep: Prepared,
    out: Path,
    on_day: Callable[[int], None] | None = None,
    catalog: CatalogChoice = None,
    overwrite: bool = False,
) -> RunOutput:
    """Execute a prepared run, write its files to ``out`` and record it in the catalog.

    ``out`` is locked for the run (a second run into it is refused at once) and checked
    (:func:`start_output`: a complete earlier run there is refused unless ``overwrite``, and kept
    until the new one replaces it). The files are written to a staging folder in it and moved into
    place when the run ends, so a run that fails or is interrupted leaves no partial results and
    never costs complete ones. Staging folders of processes that died are removed first.
    ``catalog``: None for the default catalog, a folder, or False not to record the run.
    """
    with lock_output(out):
        return _save_locked(prep, out, on_day, catalog, overwrite)


def _save_locked(
    prep: Prepared,
    out: Path,
    on_day: Callable[[int], None] | None,
    catalog: CatalogChoice,
    overwrite: bool,
) -> RunOutput:
    t0 = time.perf_counter()
    remove_stale_partials(out)
    if prep.config.series_kind == "quantiles":
        check_room(out, prep.config.replicates, prep.days, prep.inputs.regions)
    start_output(prep, out, overwrite)
    record = begin_run(prep, out, catalog)
    tmp: Path | None = None
    stream: TimeseriesStream | None = None
    try:
        tmp = stage(out)
        if prep.config.series_kind == "quantiles":  # bands need every replicate: spooled
            cfg, x = prep.config, prep.inputs
            spool = BandSpool(tmp / ".bands", cfg.replicates, prep.days, x.regions)
            try:
                result = execute(prep, on_day, on_series=spool.add)  # no series kept
                write_bands(tmp / "timeseries.parquet", spool.values, x.regions, prep.start,
                            prep.days)  # fmt: skip
            finally:
                spool.close()
        else:
            stream = TimeseriesStream(tmp / "timeseries.parquet", prep)  # written as batches end
            result = execute(prep, on_day, stream.add)
            stream.close()
        check_stop()  # asked to stop, its exception lost: the results are not put in place
    except BaseException as exc:
        if stream is not None:
            stream.abort()  # a run that fails leaves no partial files behind
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        record.fail(exc)
        DiskFullError.check(exc, out)
        raise
    t1 = time.perf_counter()
    # the files in place and the record complete, or neither: a signal meanwhile waits until
    # both are done, then stops the command
    with held():
        try:
            manifest = write_outputs(result, out, t1 - t0, staged=tmp)
            wall = time.perf_counter() - t0
            timings = {"wall_s": wall, "model_s": t1 - t0, "write_s": wall - (t1 - t0)}
            finish_run(record, out, result.summary, manifest, timings)
        except BaseException as exc:  # e.g. a full disk: the record must not stay "running"
            shutil.rmtree(tmp, ignore_errors=True)
            record.fail(exc)
            DiskFullError.check(exc, out)
            raise
    return RunOutput(
        result.prepared, result.sim, result.summary, result.streams, manifest, record.id, out
    )
