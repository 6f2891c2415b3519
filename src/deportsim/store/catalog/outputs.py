"""A run's outputs in the catalog: files kept in the run's folder, or referenced where they are.

Small files (the summary, the manifest) are copied into ``CATALOG/runs/<id>/``; the summary's
metrics are also stored there as ``summary.parquet``, one row per metric. Large files (a run's
``timeseries.parquet``, tens of MB) stay in the run's output folder and are referenced by path,
size and SHA-256: the catalog does not double the disk a run takes, and ``deportsim runs export``
checks the checksum before copying such a file.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from deportsim.core.checksums import file_sha256
from deportsim.core.folders import write_atomic
from deportsim.store.catalog.records import RunRecord

__all__ = ["SUMMARY_COLUMNS", "keep", "write_metrics"]

#: Columns of summary.parquet.
SUMMARY_COLUMNS = ("run_id", "metric", "unit", "mean", "p05", "p50", "p95")


def keep(
    record: RunRecord,
    files: Mapping[str, Path],
    copy: Collection[str] = (),
    sha256: Mapping[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Describe a run's output files for :meth:`RunRecord.finish`; copy those named in ``copy``.

    Returns name -> ``{"path", "bytes", "sha256", "stored"}``, ``stored`` being ``catalog`` (a
    copy in the run's folder, or a file written there) or ``reference`` (the file where the run
    wrote it). ``sha256``: checksums already known of files left in place (not computed again,
    which spares reading a large file). Raises OSError if a
    file cannot be read or copied; returns {} for a record that is not recorded.
    """
    folder = record.folder
    if folder is None:
        return {}
    known = dict(sha256 or {})
    described: dict[str, dict[str, Any]] = {}
    for name, path in files.items():
        src = path.resolve()
        inside = src.parent == folder.resolve()
        if name in copy and not inside:
            write_atomic(folder / name, partial(shutil.copyfile, src))
            src = (folder / name).resolve()
            inside = True
        described[name] = {
            "path": str(src),
            "bytes": src.stat().st_size,
            # a copy is summed as copied; a file left in place, as the run recorded it if known
            "sha256": (None if inside else known.get(name)) or file_sha256(src),
            "stored": "catalog" if inside else "reference",
        }
    return described


def write_metrics(record: RunRecord, metrics: Mapping[str, Mapping[str, Any]]) -> Path | None:
    """Write ``summary.parquet`` in the run's folder: one row per metric of a summary.

    ``metrics``: as in summary.json (name -> ``{unit, mean, p05, p50, p95}``). Returns the file,
    or None for a record that is not recorded.
    """
    folder, run_id = record.folder, record.id
    if folder is None or run_id is None:
        return None
    names = list(metrics)

    def column(key: str) -> list[float | None]:
        return [None if metrics[n].get(key) is None else float(metrics[n][key]) for n in names]

    table = pa.table({
        "run_id": pa.array([run_id] * len(names), pa.string()),
        "metric": pa.array(names, pa.string()),
        "unit": pa.array([str(metrics[n].get("unit", "")) for n in names], pa.string()),
        **{key: pa.array(column(key), pa.float64()) for key in ("mean", "p05", "p50", "p95")},
    })  # fmt: skip
    dest = folder / "summary.parquet"
    write_atomic(dest, partial(pq.write_table, table))
    return dest
