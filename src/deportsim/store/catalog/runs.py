"""Recording a ``deportsim run`` (:func:`deportsim.api.run_prepared`) in the catalog."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deportsim.store.catalog.recorder import Recording
from deportsim.store.catalog.records import CatalogChoice, RunRecord, begin
from deportsim.store.outputs import OUTPUT_FILES

if TYPE_CHECKING:
    from deportsim.run import Prepared

__all__ = ["begin_run", "finish_run", "run_fields"]

_TOP = {"scenario", "seed", "replicates", "sets", "parameters"}


def _plain(value: Any) -> Any:
    """A RunConfig value as JSON can hold it (dates as YYYY-MM-DD, paths and others as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def run_fields(
    prep: Prepared,
    parameters: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A prepared run's record fields for :func:`~deportsim.store.catalog.records.begin`.

    ``scenario``, ``scenario_hash``, ``seed``, ``replicates``, ``parameters`` (its ``--set``
    options and parameter files, then ``parameters``) and ``config`` (every other setting of
    its RunConfig, its start and days, then ``config``): for ``deportsim run`` and for the
    commands that run one scenario (requirements, report, ...).
    """
    cfg, sc = prep.config, prep.scenario
    return {
        "scenario": sc.name,
        "scenario_hash": sc.content_hash,
        "parameters": {
            "sets": list(cfg.sets),
            "parameters_dir": str(prep.params.directory),
            **(parameters or {}),
        },
        "seed": cfg.seed,
        "replicates": cfg.replicates,
        "config": {
            **{
                f.name: _plain(getattr(cfg, f.name))
                for f in dataclasses.fields(cfg)
                if f.name not in _TOP  # kept once, at the record's top or in its parameters
            },
            "start": prep.start.isoformat(),
            "days": prep.days,
            "scenario_file": sc.file,
            "scenario_title": sc.title,
            **(config or {}),
        },
    }


def begin_run(prep: Prepared, out: Path, catalog: CatalogChoice = None) -> RunRecord:
    """Record a run about to write its files to ``out`` (status ``incomplete``)."""
    return begin("run", out=out, catalog=catalog, **run_fields(prep))


def finish_run(
    record: RunRecord,
    out: Path,
    summary: dict[str, Any],
    manifest: dict[str, Any],
    timings: dict[str, float],
) -> None:
    """Store a finished run's summary and manifest in the catalog, then mark it complete.

    The summary's metrics go to ``summary.parquet``; summary.json and manifest.json are copied;
    timeseries.parquet is referenced (with the manifest's checksum). If the catalog cannot be
    written, one warning line and the record is withdrawn: the run itself has succeeded.
    """
    if record.folder is None:
        record.finish()  # the warning, if the catalog could not be written
        return
    rec = Recording(record, timings=dict(timings))  # the run's own wall time, not one measured here
    known = {name: o["sha256"] for name, o in manifest.get("outputs", {}).items()}
    rec.keep({name: out / name for name in OUTPUT_FILES}, ("summary.json", "manifest.json"), known)
    rec.metrics(summary.get("metrics", {}))
    rec.note(
        parameters={**record.data["parameters"], "parameters_hash": manifest.get("parameters_hash")}
    )
    rec.finish()
