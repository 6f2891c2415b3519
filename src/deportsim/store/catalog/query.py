"""Reading the catalog with DuckDB: list runs, find one by id, read their metrics.

DuckDB reads the records (``records/*.json``) and the runs' ``summary.parquet`` files where they
lie, in an in-memory database: nothing is locked, so reading never stops a run from recording
itself. A record is read whole or not at all (records are renamed into place); a file that is
not a record is skipped.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from deportsim.core.errors import Location, UserError
from deportsim.store.catalog.records import (
    CatalogChoice,
    RunRecord,
    catalog_dir,
    identity,
    process_gone,
    run_folder,
)

__all__ = [
    "STATUSES",
    "connect",
    "display_status",
    "find",
    "list_runs",
    "read_metrics",
    "resume",
    "sql_list",
]

#: Statuses shown: ``running`` is an ``incomplete`` record whose process is still alive.
STATUSES = ("complete", "running", "incomplete", "failed")

# The record's fields and their DuckDB types; nested fields are read as JSON text.
_COLUMNS = {
    "id": "VARCHAR", "kind": "VARCHAR", "status": "VARCHAR", "scenario": "VARCHAR",
    "scenario_hash": "VARCHAR", "seed": "UBIGINT", "replicates": "BIGINT", "version": "VARCHAR",
    "started": "VARCHAR", "finished": "VARCHAR", "wall_time_s": "DOUBLE", "pid": "BIGINT",
    "host": "VARCHAR", "proc_start": "BIGINT", "out": "VARCHAR", "cwd": "VARCHAR",
    "error": "VARCHAR", "parameters": "JSON", "config": "JSON", "timings": "JSON",
    "outputs": "JSON", "command": "JSON", "resumed": "JSON", "summary": "JSON",
}  # fmt: skip
_JSON = [name for name, kind in _COLUMNS.items() if kind == "JSON"]
_CLI = Location("<command line>")


def _duckdb() -> Any:
    import duckdb  # noqa: PLC0415 (imported on use: `deportsim run` never needs it)

    return duckdb.connect()


def sql_list(texts: Sequence[str]) -> str:
    """A list of text literals for a DuckDB statement that cannot take parameters (views, COPY)."""
    return "[" + ", ".join("'" + t.replace("'", "''") + "'" for t in texts) + "]"


def _records_glob(catalog: Path) -> str | None:
    """The glob of the record files, or None when there are none yet."""
    folder = catalog / "records"
    if not folder.is_dir() or not any(folder.glob("*.json")):
        return None
    return str(folder / "*.json")


def _runs_view(con: Any, catalog: Path) -> None:
    pattern = _records_glob(catalog)
    if pattern is None:
        cols = ", ".join(f"NULL::{kind} AS {name}" for name, kind in _COLUMNS.items())
        con.execute(f"CREATE VIEW runs AS SELECT {cols} WHERE false")
        return
    columns = "{" + ", ".join(f"'{n}': '{k}'" for n, k in _COLUMNS.items()) + "}"
    con.execute(
        f"CREATE VIEW runs AS SELECT * FROM read_json({sql_list([pattern])[1:-1]}, "  # noqa: S608
        f"columns={columns}, "
        "format='newline_delimited', ignore_errors=true) WHERE id IS NOT NULL"
    )


def _records(folder: Path) -> Any:
    """A connection with the ``runs`` view only: listing and finding runs read no metrics."""
    con = _duckdb()
    _runs_view(con, folder)
    return con


def connect(catalog: Path | None = None) -> Any:
    """An in-memory DuckDB connection with two views of the catalog, for SQL.

    ``runs``: one row per record (its fields; ``parameters``, ``config``, ``timings``,
    ``outputs``, ``command`` as JSON). ``metrics``: the rows of every complete run's
    ``summary.parquet`` (``run_id, metric, unit, mean, p05, p50, p95``).
    """
    folder = catalog_dir(catalog)
    con = _records(folder)
    files = sorted(str(p) for p in (folder / "runs").glob("*/summary.parquet"))
    if files:
        con.execute(f"CREATE VIEW metrics AS SELECT * FROM read_parquet({sql_list(files)})")  # noqa: S608
    else:
        con.execute(
            "CREATE VIEW metrics AS SELECT NULL::VARCHAR AS run_id, NULL::VARCHAR AS metric, "
            "NULL::VARCHAR AS unit, NULL::DOUBLE AS mean, NULL::DOUBLE AS p05, "
            "NULL::DOUBLE AS p50, NULL::DOUBLE AS p95 WHERE false"
        )
    return con


def display_status(record: dict[str, Any]) -> str:
    """``complete``, ``failed``, ``running`` or ``incomplete`` (its process gone or unknown).

    ``running`` only for a record of this host whose process is alive: a run on another host,
    which cannot be checked from here, shows ``incomplete`` until it ends.
    """
    status = str(record.get("status") or "incomplete")
    if status in {"complete", "failed"}:
        return status
    here = record.get("host") == socket.gethostname()
    return "running" if here and not process_gone(record) else "incomplete"


def _rows(con: Any, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    found = []
    for row in cur.fetchall():
        rec = dict(zip(names, row, strict=True))
        for name in _JSON:
            rec[name] = json.loads(rec[name]) if rec.get(name) is not None else None
        rec["state"] = display_status(rec)
        found.append(rec)
    return found


def list_runs(
    catalog: Path | None = None,
    *,
    scenario: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The records, newest first, each with ``state`` (:func:`display_status`); filtered.

    ``status`` filters on the state shown (one of :data:`STATUSES`).
    """
    con = _records(catalog_dir(catalog))
    where, params = [], []
    if scenario is not None:
        where.append("scenario = ?")
        params.append(scenario)
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = _rows(con, f"SELECT * FROM runs {clause} ORDER BY started DESC, id DESC", params)  # noqa: S608
    if status is not None:
        rows = [r for r in rows if r["state"] == status]
    return rows[:limit] if limit is not None else rows


def find(ref: str, catalog: Path | None = None, label: str = "RUN_ID") -> dict[str, Any]:
    """The record of a run: its id, a unique prefix of it, or ``last`` (the newest run).

    Raises UserError naming ``ref`` when no run or several runs match.
    """
    folder = catalog_dir(catalog)
    con = _records(folder)
    if ref == "last":
        rows = _rows(con, "SELECT * FROM runs ORDER BY started DESC, id DESC LIMIT 1")
    else:
        rows = _rows(con, "SELECT * FROM runs WHERE starts_with(id, ?) ORDER BY id", [ref])
    if not rows:
        raise UserError(f"no run {ref!r} in the catalog {folder}", _CLI.with_path(label))
    exact = [r for r in rows if r["id"] == ref]
    if len(rows) > 1 and not exact:
        ids = ", ".join(r["id"] for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
        raise UserError(
            f"{ref!r} matches {len(rows)} runs ({ids}); give more of the id",
            _CLI.with_path(label),
        )
    return exact[0] if exact else rows[0]


def read_metrics(
    run_ids: Sequence[str], catalog: Path | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """Each run's metrics from its summary.parquet: id -> metric -> ``{unit, mean, p05, ...}``.

    Runs without a summary.parquet (not complete) map to {}.
    """
    folder = catalog_dir(catalog)
    found: dict[str, dict[str, dict[str, Any]]] = {i: {} for i in run_ids}
    files = [str(p) for i in run_ids if (p := run_folder(folder, i) / "summary.parquet").is_file()]
    if not files:
        return found
    con = _duckdb()
    for run_id, metric, unit, mean, p05, p50, p95 in con.execute(
        "SELECT run_id, metric, unit, mean, p05, p50, p95 FROM read_parquet(?)", [files]
    ).fetchall():
        found[run_id][metric] = {"unit": unit, "mean": mean, "p05": p05, "p50": p50, "p95": p95}
    return found


def resume(ref: str, catalog: CatalogChoice = None) -> RunRecord:
    """Take up again a run that stopped before it ended (for example ``deportsim sweep --resume``).

    The record (id, prefix or ``last``) goes back to ``incomplete`` under this process, with the
    time in ``resumed``; the run's folder keeps what the earlier process wrote there. UserError
    if the run is complete or still running.
    """
    if catalog is False:
        raise UserError("a run cannot be resumed without the catalog", _CLI.with_path("--resume"))
    rec = find(ref, catalog, label="--resume")
    if rec["state"] in {"complete", "running"}:
        raise UserError(
            f"run {rec['id']} is {rec['state']}: only an incomplete or failed run can be resumed",
            _CLI.with_path("--resume"),
        )
    fresh = identity()
    data = {k: v for k, v in rec.items() if k in _COLUMNS}
    data.update(fresh, status="incomplete", finished=None, error=None)
    data["resumed"] = [*(rec.get("resumed") or []), fresh["started"]]
    record = RunRecord(catalog_dir(catalog), data)
    record.write()
    return record
