"""Writing a run's files: summary.json, timeseries.parquet and manifest.json.

A run first marks its output folder with an ``incomplete`` manifest (and removes stale results), so
a run that is killed midway never leaves results that look complete. The finished files are written
to a hidden folder beside them and moved into place one by one, the manifest last.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pydantic

from deportsim._version import __version__
from deportsim.errors import Location, UserError
from deportsim.results import timeseries_batches

if TYPE_CHECKING:
    from deportsim.api import Prepared, RunOutput
    from deportsim.parameters import ParameterSet

__all__ = ["OUTPUT_FILES", "manifest_base", "start_output", "write_outputs"]

#: The files a run writes, in the order they are moved into place.
OUTPUT_FILES = ("summary.json", "timeseries.parquet", "manifest.json")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _parameters_hash(params: ParameterSet) -> str:
    h = hashlib.sha256()
    for path in sorted(params.directory.glob("*.yaml")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def manifest_base(prep: Prepared, status: str) -> dict[str, Any]:
    """The manifest's fields known before the model runs."""
    cfg, sc = prep.config, prep.scenario
    return {
        "status": status,
        "scenario": {"name": sc.name, "title": sc.title, "file": sc.file, "hash": sc.content_hash},
        "seed": cfg.seed,
        "replicates": cfg.replicates,
        "start": prep.start.isoformat(),
        "days": prep.days,
        "years": cfg.years,
        "sets": list(cfg.sets),
        "parameters_dir": str(prep.params.directory),
        "versions": {
            "deportsim": __version__,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pyarrow": pa.__version__,
            "pydantic": pydantic.VERSION,
            "platform": platform.platform(),
        },
        "command": sys.argv,
        "parameters_hash": _parameters_hash(prep.params),
        "parameters": prep.resolved.used(),
    }


def _dump_json(data: Any, path: Path) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
    )


def start_output(prep: Prepared, out: Path) -> None:
    """Mark ``out`` as holding a run in progress: remove stale results, write the manifest."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder: {exc.strerror}", Location(out)) from None
    if not os.access(out, os.W_OK):
        raise UserError("output folder is not writable", Location(out))
    for name in OUTPUT_FILES:
        (out / name).unlink(missing_ok=True)
    _dump_json(manifest_base(prep, "incomplete"), out / "manifest.json")


def _write_timeseries(result: RunOutput, path: Path) -> None:
    """timeseries.parquet, a row group per few series (:func:`timeseries_batches`)."""
    writer: pq.ParquetWriter | None = None
    try:
        for batch in timeseries_batches(result.sim, result.prepared.start):
            if writer is None:
                writer = pq.ParquetWriter(
                    path,
                    batch.schema,
                    compression="zstd",
                    use_dictionary=["region", "metric"],  # values and days gain nothing from it
                    write_statistics=False,
                )
            writer.write_batch(batch)
    finally:
        if writer is not None:
            writer.close()


def write_outputs(result: RunOutput, out: Path, wall_s: float) -> dict[str, Any]:
    """Write summary.json, timeseries.parquet and the complete manifest, each atomically."""
    tmp = out / f".partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        _dump_json(result.summary, tmp / "summary.json")
        _write_timeseries(result, tmp / "timeseries.parquet")
        manifest = manifest_base(result.prepared, "complete")
        manifest["wall_time_s"] = round(wall_s, 3)
        manifest["outputs"] = {
            name: {"sha256": _sha256(tmp / name), "bytes": (tmp / name).stat().st_size}
            for name in ("summary.json", "timeseries.parquet")
        }
        manifest["random_streams"] = list(result.streams)
        _dump_json(manifest, tmp / "manifest.json")
        for name in OUTPUT_FILES:  # manifest last: "complete" only once the others are in place
            (tmp / name).replace(out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest
