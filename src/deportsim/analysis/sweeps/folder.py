"""A sweep's folder on disk: its files, written atomically, and the batches already done.

A sweep lives in one folder (:class:`SweepFolder`): ``sweep.json`` (the full specification and
its status), ``samples.parquet`` (every sample's values), ``batches/batch-NNNNN.parquet`` (one
per finished batch, each written whole or not at all) and, once every batch is done,
``results.parquet`` (one row per sample and replicate: the sample's values, then every summary
metric of :data:`deportsim.run.results.METRICS`) and ``summary.json``. A sweep that stops midway
resumes from its folder: batches whose files exist and are whole are not run again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from deportsim._version import __version__
from deportsim.analysis.sweeps.spec import SweepSpec
from deportsim.core.errors import Location, UserError
from deportsim.core.folders import write_atomic

__all__ = [
    "BATCHES_DIR",
    "SweepFolder",
    "batch_samples",
    "combine",
    "new_run_id",
    "table_hash",
    "write_bytes",
    "write_json",
    "write_table",
]

F = NDArray[np.float64]

BATCHES_DIR = "batches"


def new_run_id(scenario_name: str, kind: str) -> str:
    """A run id: the kind, scenario, UTC time and a random suffix (also the folder's name)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{kind}-{scenario_name}-{stamp}-{secrets.token_hex(3)}"


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
            if rows == batch_samples(spec, index) * spec.replicates:
                done.add(index)
        return done


def batch_samples(spec: SweepSpec, index: int) -> int:
    """How many samples batch ``index`` holds (the last batch may hold fewer)."""
    return min(spec.batch_size, spec.samples - index * spec.batch_size)


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
