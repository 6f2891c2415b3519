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
import queue
import shutil
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pydantic
from numpy.typing import NDArray

from deportsim._version import __version__
from deportsim.core.checksums import file_sha256
from deportsim.core.folders import writable_folder
from deportsim.model.accounts import factors
from deportsim.run.results import BLOCK, TimeseriesBlocks, timeseries_batches

if TYPE_CHECKING:
    from deportsim.parameters import ParameterSet
    from deportsim.run import Prepared, RunOutput

__all__ = [
    "OUTPUT_FILES", "TimeseriesStream", "manifest_base", "stage", "start_output", "write_outputs",
]  # fmt: skip

F = NDArray[np.float64]

#: The files a run writes, in the order they are moved into place.
OUTPUT_FILES = ("summary.json", "timeseries.parquet", "manifest.json")


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
        # whether each replicate drew its own parameters (deportsim.run.draws); the
        # "parameters" above are then the values before the draws
        "parameter_uncertainty": (
            {"drawn": True, **prep.draws.record()} if prep.draws is not None else {"drawn": False}
        ),
    }


def _dump_json(data: Any, path: Path) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
    )


def start_output(prep: Prepared, out: Path) -> None:
    """Mark ``out`` as holding a run in progress: remove stale results, write the manifest."""
    writable_folder(out)
    for name in OUTPUT_FILES:
        (out / name).unlink(missing_ok=True)
    _dump_json(manifest_base(prep, "incomplete"), out / "manifest.json")


def _parquet(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """The writer of timeseries.parquet."""
    return pq.ParquetWriter(
        path,
        schema,
        compression="zstd",
        use_dictionary=["region", "metric"],  # values and days gain nothing from it
        write_statistics=False,
    )


def _write_tables(path: Path, tables: Iterable[pa.Table | pa.RecordBatch]) -> None:
    """timeseries.parquet from its tables, in order (the writer is made from the first)."""
    writer: pq.ParquetWriter | None = None
    try:
        for table in tables:
            writer = writer or _parquet(path, table.schema)
            writer.write(table)
    finally:
        if writer is not None:
            writer.close()


def _write_timeseries(result: RunOutput, path: Path) -> None:
    """timeseries.parquet of a finished run, block after block (:func:`timeseries_batches`)."""
    _write_tables(path, timeseries_batches(result.sim, result.prepared.start))


class TimeseriesStream:
    """Writes timeseries.parquet while the model runs: each batch of replicates as it ends.

    Batches may end in any order (they run side by side) and be of any size; they are written in
    replicate order, in blocks of :data:`~deportsim.run.results.BLOCK` replicates, on a thread of
    their own, so the file is the same as :func:`_write_timeseries` writes after the run, however
    the replicates were batched. :meth:`add` is the model's ``on_batch``; :meth:`close` writes
    the last block and waits for it.
    """

    def __init__(self, path: Path, prep: Prepared) -> None:
        x = prep.inputs
        self.path = path
        # drawn parameters: each block's replicates' own factors (deportsim.run.draws)
        daily = prep.draws.series_factors if prep.draws is not None else factors(x)
        self.rows = TimeseriesBlocks(prep.start, prep.days, x.regions, daily)
        self.pending: dict[int, tuple[dict[str, F], dict[str, F]]] = {}
        self.next = 0  # the first replicate not yet in order
        self.buffer: list[tuple[dict[str, F], dict[str, F]]] = []  # in order, not yet a block
        self.buffered = 0  # replicates in the buffer
        self.block_start = 0  # the first replicate of the buffer
        self.lock = threading.Lock()
        self.blocks: queue.Queue[tuple[int, dict[str, F], dict[str, F]] | None] = queue.Queue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._write, name="timeseries", daemon=True)
        self.thread.start()

    def add(self, r0: int, national: dict[str, F], stored: dict[str, F]) -> None:
        """A batch's series (replicates ``r0 ..``); queued once all earlier ones are."""
        with self.lock:
            self.pending[r0] = (national, stored)
            while self.next in self.pending:
                nat, reg = self.pending.pop(self.next)
                size = len(next(iter(nat.values())))
                self.next += size
                self.buffer.append((nat, reg))
                self.buffered += size
                while self.buffered >= BLOCK:
                    self._block(BLOCK)

    def _block(self, size: int) -> None:
        """Hand the first ``size`` buffered replicates to the writing thread as one block."""
        if len(self.buffer) == 1 and self.buffered == size:
            nat, reg = self.buffer[0]
            rest: list[tuple[dict[str, F], dict[str, F]]] = []
        else:
            nat = {k: np.concatenate([b[0][k] for b in self.buffer]) for k in self.buffer[0][0]}
            reg = {k: np.concatenate([b[1][k] for b in self.buffer]) for k in self.buffer[0][1]}
            tail = ({k: v[size:] for k, v in nat.items()}, {k: v[size:] for k, v in reg.items()})
            rest = [tail] if self.buffered > size else []
            nat, reg = {k: v[:size] for k, v in nat.items()}, {k: v[:size] for k, v in reg.items()}
        self.blocks.put((self.block_start, nat, reg))
        self.buffer, self.buffered, self.block_start = (
            rest,
            self.buffered - size,
            self.block_start + size,
        )

    def close(self) -> None:
        """Write the last block, wait until the file is closed; raise what writing raised."""
        with self.lock:
            if self.buffered:
                self._block(self.buffered)
        self.blocks.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def abort(self) -> None:
        """Stop after the blocks already queued, whatever happened; raise nothing."""
        self.blocks.put(None)
        self.thread.join()

    def _write(self) -> None:
        blocks = iter(self.blocks.get, None)  # until close() or abort()
        try:
            _write_tables(self.path, (t for item in blocks for t in self.rows.block(*item)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by close()
            self.error = exc


def stage(out: Path) -> Path:
    """A fresh hidden folder in ``out`` where a run's files are written before moving in."""
    tmp = out / f".partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    return tmp


def write_outputs(
    result: RunOutput, out: Path, wall_s: float, staged: Path | None = None
) -> dict[str, Any]:
    """Write summary.json, timeseries.parquet and the complete manifest, each atomically.

    ``staged``: the folder (:func:`stage`) where timeseries.parquet was already written while
    the model ran (:class:`TimeseriesStream`); without it, the file is written here.
    """
    tmp = staged if staged is not None else stage(out)
    try:
        _dump_json(result.summary, tmp / "summary.json")
        if staged is None:
            _write_timeseries(result, tmp / "timeseries.parquet")
        manifest = manifest_base(result.prepared, "complete")
        manifest["wall_time_s"] = round(wall_s, 3)
        manifest["outputs"] = {
            name: {"sha256": file_sha256(tmp / name), "bytes": (tmp / name).stat().st_size}
            for name in ("summary.json", "timeseries.parquet")
        }
        manifest["random_streams"] = list(result.streams)
        _dump_json(manifest, tmp / "manifest.json")
        for name in OUTPUT_FILES:  # manifest last: "complete" only once the others are in place
            (tmp / name).replace(out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest
