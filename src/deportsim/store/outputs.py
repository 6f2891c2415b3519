"""Writing a run's files: summary.json, timeseries.parquet and manifest.json.

A run locks its output folder (:func:`lock_output`: a second run into it is refused at once) and
writes its files to a hidden staging folder in it (``.partial-PID/``), moved into place one by one
when the run ends, the manifest last. An earlier complete run in the folder stays untouched until
then: a run that fails or is interrupted never costs the results already there. A run into a folder
holding a complete earlier run is refused unless told to overwrite it (:func:`start_output`); a
folder without one is first marked with an ``incomplete`` manifest (and stale results removed), so
a run killed midway never leaves results that look complete.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import platform
import queue
import shutil
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pydantic
from numpy.typing import NDArray

from deportsim._version import __version__
from deportsim.core.checksums import file_sha256
from deportsim.core.errors import Location, UserError
from deportsim.core.folders import DiskFullError, writable_folder, write_text_atomic
from deportsim.run.bands import STATISTICS, band_batches, from_sim
from deportsim.run.config import BANDS_ABOVE
from deportsim.run.execute import daily_factors
from deportsim.run.results import BLOCK, TimeseriesBlocks, timeseries_batches

if TYPE_CHECKING:
    from deportsim.parameters import ParameterSet
    from deportsim.run import Prepared, RunOutput

__all__ = [
    "OUTPUT_FILES", "PARTIAL_PREFIX", "DiskFullError", "TimeseriesStream", "earlier_status",
    "lock_output", "manifest_base", "partial_folders", "stage", "start_output", "write_bands",
    "write_outputs", "write_timeseries",
]  # fmt: skip

F = NDArray[np.float64]

#: The files a run writes, in the order they are moved into place.
OUTPUT_FILES = ("summary.json", "timeseries.parquet", "manifest.json")
#: The staging folders' names: ``.partial-PID`` (:func:`stage`).
PARTIAL_PREFIX = ".partial-"


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
        # what timeseries.parquet holds: every replicate's series, or their daily bands
        "series": _series(prep),
        "parameters": prep.resolved.used(),
        # whether each replicate drew its own parameters (deportsim.run.draws); the
        # "parameters" above are then the values before the draws
        "parameter_uncertainty": (
            {"drawn": True, **prep.draws.record()} if prep.draws is not None else {"drawn": False}
        ),
        # the published record the run followed (deportsim.model.record), and the arrest stage
        # fitted on it; None for a scenario that does not follow the record
        "record": _record(prep),
        # where the people held on the first day came from (a run from the latest data: ICE's
        # figures of a month, deportsim.model.record.Record.state), and the days simulated to
        # bridge the latest data to a later start; None for a run from its scenario's start
        "state": None
        if prep.state is None
        else {
            **prep.state.describe(),
            "simulated_from": prep.resolved.start.isoformat(),
            "bridge_days": prep.bridge,
            # the people at large, carried forward by the model (deportsim.run.carry)
            "carried_forward": None if prep.carried is None else prep.carried.describe(),
        },
        # a run with an as-of date (a forecast) uses only what was published by then: the dated
        # values and overrides published later, left out (deportsim.parameters.known)
        "as_of": None
        if prep.config.as_of is None
        else {
            "date": prep.config.as_of.isoformat(),
            "left_out": [x.describe() for x in prep.left_out],
        },
    }


def _series(prep: Prepared) -> dict[str, Any]:
    """The manifest's ``series`` block: what timeseries.parquet holds, and why."""
    cfg = prep.config
    kind = cfg.series_kind
    out: dict[str, Any] = {"kind": kind, "asked": cfg.series}
    if cfg.series == "auto":
        out["bands_above"] = BANDS_ABOVE
    if kind == "quantiles":
        out["statistics"] = list(STATISTICS)
    return out


def _record(prep: Prepared) -> dict[str, Any] | None:
    if not prep.scenario.follows_record:
        return None
    months = [
        {"path": ov.path, "from": ov.start.isoformat() if ov.start else None,
         "until": ov.until.isoformat() if ov.until else None, "value": ov.value, "note": ov.note}
        for ov in prep.resolved.overrides if ov.origin.startswith("record")
    ]  # fmt: skip
    return {
        "as_of": prep.config.as_of.isoformat() if prep.config.as_of else "everything published",
        "rule": prep.config.vintage_rule,
        "arrest_fit": prep.arrest_fit.to_json() if prep.arrest_fit is not None else None,
        "overrides": months,
    }


def _dump_json(data: Any, path: Path) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def earlier_status(out: Path) -> str | None:
    """The ``status`` of the manifest in ``out`` (``complete``, ``incomplete``), None if none."""
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    status = manifest.get("status") if isinstance(manifest, dict) else None
    return status if isinstance(status, str) else None


@contextlib.contextmanager
def lock_output(out: Path) -> Iterator[None]:
    """Hold ``out`` (created if needed) for one run; UserError at once if another run holds it.

    The lock is ``flock`` on the folder itself (no lock file is left behind), released when the
    run ends or its process dies. On a file system without ``flock`` the run goes on unlocked.
    """
    writable_folder(out)
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UserError(
                "another deportsim run is writing to this folder; wait until it ends or choose "
                "another --out",
                Location(out, path="--out"),
            ) from None
        except OSError:
            pass  # no flock here (some network file systems): unlocked, as before
        yield
    finally:
        os.close(fd)  # releases the lock


def start_output(prep: Prepared, out: Path, overwrite: bool = False) -> None:
    """Check ``out`` can take a run's files; mark it as holding a run in progress.

    UserError (naming ``--out``) if one of the files' names is taken by a folder, or if ``out``
    holds a complete earlier run and ``overwrite`` is False. A complete earlier run being
    overwritten is left as it is until the new one replaces it; otherwise stale results are
    removed and an ``incomplete`` manifest is written (atomically). ``out`` exists and is
    writable (:func:`lock_output` made it).
    """
    for name in OUTPUT_FILES:
        if (out / name).is_dir() or ((out / name).exists() and not (out / name).is_file()):
            raise UserError(
                f"{name} there is not a file (a folder?), so the run's {name} cannot be written; "
                "remove it or choose another --out",
                Location(out, path="--out"),
            )
    if earlier_status(out) == "complete":
        if not overwrite:
            raise UserError(
                "holds the complete results of an earlier run; pass --overwrite to replace them, "
                "or choose another --out",
                Location(out, path="--out"),
            )
        return  # kept until the new run's files replace them
    try:
        for name in OUTPUT_FILES:
            (out / name).unlink(missing_ok=True)
        _dump_json(manifest_base(prep, "incomplete"), out / "manifest.json")
    except OSError as exc:
        DiskFullError.check(exc, out)
        raise UserError(
            f"cannot write there: {exc.strerror or exc}", Location(out, path="--out")
        ) from None


def partial_folders(out: Path) -> dict[int, Path]:
    """The staging folders in ``out`` (:func:`stage`), by the process id in their names."""
    found: dict[int, Path] = {}
    with contextlib.suppress(OSError):
        for p in out.iterdir():
            pid = p.name.removeprefix(PARTIAL_PREFIX)
            if p.name.startswith(PARTIAL_PREFIX) and pid.isdigit() and p.is_dir():
                found[int(pid)] = p
    return found


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


def write_timeseries(result: RunOutput, path: Path) -> None:
    """timeseries.parquet of a finished run, as its ``--series`` says.

    Every replicate's series, block after block (:func:`timeseries_batches`), or their bands
    (:func:`~deportsim.run.bands.band_batches`): :attr:`~deportsim.run.RunConfig.series_kind`.
    """
    sim, start = result.sim, result.prepared.start
    if result.prepared.config.series_kind == "quantiles":
        write_bands(path, from_sim(sim), sim.regions, start, sim.days)
    else:
        _write_tables(path, timeseries_batches(sim, start))


def write_bands(
    path: Path, values: Callable[[str, int], F], regions: tuple[str, ...], start: dt.date, days: int
) -> None:
    """timeseries.parquet as the daily bands of the series ``values`` gives.

    ``values(metric, region)``: (replicates, days) (:func:`~deportsim.run.bands.band_batches`).
    """
    _write_tables(path, band_batches(values, days, regions, start))


class TimeseriesStream:
    """Writes timeseries.parquet while the model runs: each batch of replicates as it ends.

    Batches may end in any order (they run side by side) and be of any size; they are written in
    replicate order, in blocks of :data:`~deportsim.run.results.BLOCK` replicates, on a thread of
    their own, so the file is the same as :func:`write_timeseries` writes after the run, however
    the replicates were batched. :meth:`add` is the model's ``on_batch``; :meth:`close` writes
    the last block and waits for it.
    """

    def __init__(self, path: Path, prep: Prepared) -> None:
        self.path = path
        # each block's factors (drawn parameters: its replicates' own), the bridge left out
        self.rows = TimeseriesBlocks(
            prep.start, prep.days, prep.inputs.regions, daily_factors(prep)
        )
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
    tmp = out / f"{PARTIAL_PREFIX}{os.getpid()}"
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
            write_timeseries(result, tmp / "timeseries.parquet")
        manifest = manifest_base(result.prepared, "complete")
        manifest["wall_time_s"] = round(wall_s, 3)
        manifest["outputs"] = {
            name: {"sha256": file_sha256(tmp / name), "bytes": (tmp / name).stat().st_size}
            for name in ("summary.json", "timeseries.parquet")
        }
        manifest["random_streams"] = list(result.streams)
        _dump_json(manifest, tmp / "manifest.json")
        if earlier_status(out) == "complete":  # overwritten: never an old manifest over new files
            _dump_json(manifest_base(result.prepared, "incomplete"), out / "manifest.json")
        for name in OUTPUT_FILES:  # manifest last: "complete" only once the others are in place
            (tmp / name).replace(out / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest
