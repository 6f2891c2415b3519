"""Recording one command in the catalog: begin, fail on any exception, finish with timings.

Every command that writes files records itself the same way (``claims``, ``requirements``,
``compare-estimates``, ``report``)::

    with catalog.recording("claims", out=out, catalog=choice, seed=seed, ...) as rec:
        results = ...                        # the work
        path = write_claims(results, out)    # the command's own files, written first
        rec.keep({"claims.json": path}, copy=("claims.json",))

The record is written ``incomplete`` when the block starts (the process killed midway leaves it
so), ``interrupted`` if the block is stopped by Ctrl-C or SIGTERM and ``failed`` if it raises
anything else (the exception goes on), and ``complete`` with the wall time and the kept outputs
once the block ends. The catalog's own work (copying files, writing Parquet tables) happens only
after the command's files are in place, and a catalog that cannot be written costs one warning
line at the end (:func:`~deportsim.store.catalog.records.warn_unrecorded`), never the command's
outputs: the record is then withdrawn (:meth:`~deportsim.store.catalog.records.RunRecord.withdraw`).

With ``out=None`` (a command that writes no files) or ``catalog=False`` nothing is recorded and
every method does nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from deportsim.core.folders import write_atomic
from deportsim.core.signals import held
from deportsim.store.catalog.outputs import keep, write_metrics
from deportsim.store.catalog.records import CatalogChoice, RunRecord, begin
from deportsim.store.catalog.verbs import describe

__all__ = ["Recording", "recording"]


@dataclass
class Recording:
    """What a recorded command keeps in the catalog; :func:`recording` finishes it.

    ``record`` is the catalog record (``record.id`` None when not recorded); ``timings``
    (seconds) are recorded beside the ``wall_s`` measured from ``started`` (a ``wall_s`` given
    there replaces it). ``deportsim run`` finishes its record through it too
    (:func:`deportsim.store.catalog.runs.finish_run`).
    """

    record: RunRecord
    started: float = field(default_factory=time.perf_counter)
    timings: dict[str, float] = field(default_factory=dict)
    _files: dict[str, Path] = field(default_factory=dict)
    _copy: set[str] = field(default_factory=set)
    _sha256: dict[str, str] = field(default_factory=dict)
    _metrics: dict[str, Mapping[str, Any]] | None = None
    _fields: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str | None:
        """The run id in the catalog, or None when not recorded."""
        return self.record.id

    def keep(
        self,
        files: Mapping[str, Path],
        copy: Collection[str] = (),
        sha256: Mapping[str, str] | None = None,
    ) -> None:
        """Keep these output files when the command ends (see :func:`~.outputs.keep`).

        Files named in ``copy`` are copied into the run's folder, the others referenced by path
        and checksum (``sha256``: checksums already known). Nothing is read before the end.
        """
        self._files.update(files)
        self._copy.update(copy)
        self._sha256.update(sha256 or {})

    def metrics(self, metrics: Mapping[str, Mapping[str, Any]]) -> None:
        """Keep a summary's metrics as ``summary.parquet`` (read by ``runs show|compare``)."""
        self._metrics = dict(metrics)

    def note(self, **fields: Any) -> None:
        """More fields for the record when it is marked complete (e.g. its ``parameters``)."""
        self._fields.update(fields)

    def finish(self) -> None:
        """Store the outputs, the metrics and the kind's tables; then mark the run complete.

        Called by :func:`recording` when its block ends without an exception. If the catalog
        cannot be written: one warning line, and the record is withdrawn (never left
        ``incomplete`` for a run that ended well).
        """
        record = self.record
        folder, run_id = record.folder, record.id
        if folder is None or run_id is None:
            record.finish()  # says why the run is not recorded, if it could not be
            return
        wall = time.perf_counter() - self.started
        try:
            outputs = keep(record, self._files, copy=self._copy, sha256=self._sha256)
            tables, summary = describe(str(record.data.get("kind")), self._files)
            if self._metrics is not None:
                parquet = write_metrics(record, self._metrics)
                if parquet is not None:
                    outputs.update(keep(record, {"summary.parquet": parquet}))
            for name, table in tables.items():
                outputs.update(keep(record, {name: _write_table(folder, run_id, name, table)}))
        except (OSError, ValueError) as exc:  # ValueError: an output that is not what it says
            record.withdraw(_as_os_error(exc))
            record.finish()  # the warning
            return
        fields = {**self._fields}
        if summary:
            fields["summary"] = summary
        record.finish(outputs=outputs, timings={"wall_s": wall, **self.timings}, **fields)


def _as_os_error(exc: Exception) -> OSError:
    return exc if isinstance(exc, OSError) else OSError(0, str(exc))


def _write_table(folder: Path, run_id: str, name: str, table: pa.Table) -> Path:
    """A table in the run's folder, with the run's id as its first column."""
    with_id = table.add_column(0, "run_id", pa.array([run_id] * table.num_rows, pa.string()))
    dest = folder / name
    write_atomic(dest, partial(pq.write_table, with_id))
    return dest


@contextmanager
def recording(
    kind: str,
    *,
    out: Path | None,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
    started: float | None = None,
    **fields: Any,
) -> Iterator[Recording]:
    """Record the command run in the ``with`` block as a run of ``kind``; yield its Recording.

    ``fields`` are those of :func:`~deportsim.store.catalog.records.begin` (``scenario``,
    ``scenario_hash``, ``parameters``, ``seed``, ``replicates``, ``config``). ``out``: the folder
    the command writes to; None records nothing. ``on_record(id)`` is told the run id once the
    run is recorded complete (not called when nothing is recorded, or the catalog could not be
    written). ``started``: a :func:`time.perf_counter` value to measure the wall time from
    (default: now). Ctrl-C or SIGTERM in the block marks the run ``interrupted``, any other
    exception ``failed``, and goes on; the block's end marks it ``complete``.
    """
    record = begin(kind, out=out, catalog=False if out is None else catalog, **fields)
    rec = Recording(record) if started is None else Recording(record, started)
    try:
        yield rec
    except BaseException as exc:
        record.fail(exc)
        raise
    with held():  # a signal while the record is completed waits until it is
        try:
            rec.finish()
        except BaseException as exc:
            record.fail(exc)
            raise
    if on_record is not None and record.id is not None:
        on_record(record.id)
