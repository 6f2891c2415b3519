"""Reading the catalog: list runs, find one by id, read their metrics (with DuckDB).

The records (``records/*.json``) are read and checked one by one: a record is read whole or not
at all (records are renamed into place), and a file that is not a record (empty, cut short, not
JSON, of the wrong shape, too large) is skipped, with one warning line naming it
(:func:`read_records`, :func:`warn_damaged`); asked for by its id, it is a user error naming the
file. Nothing is locked, so reading never stops a run from recording itself. DuckDB reads the
runs' ``summary.parquet`` files where they lie, in an in-memory database.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from deportsim.core.errors import Location, UserError, clip, printable, shown
from deportsim.store.catalog.records import (
    INTERRUPTED,
    STATUSES,
    CatalogChoice,
    RunRecord,
    catalog_dir,
    identity,
    process_gone,
    run_folder,
)

__all__ = [
    "MAX_RECORD_BYTES",
    "STATUSES",
    "Damaged",
    "connect",
    "display_status",
    "find",
    "list_runs",
    "read_metrics",
    "read_records",
    "resume",
    "sql_list",
    "warn_damaged",
    "warn_unreadable",
]


#: A larger file in ``records/`` is not read: a record is a few KB (a damaged file, not a run).
MAX_RECORD_BYTES = 4 * 2**20

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
_ARROW = {"VARCHAR": pa.string(), "UBIGINT": pa.uint64(), "BIGINT": pa.int64(),
          "DOUBLE": pa.float64(), "JSON": pa.string()}  # fmt: skip
# The JSON fields that hold lists of strings (the others hold objects).
_LISTS = {"command", "resumed"}
_CLI = Location("<command line>")
# A record written before "interrupted" existed: failed, with one of these errors.
_OLD_INTERRUPTED = re.compile(r"(Interrupted: SIG[A-Z]+|KeyboardInterrupt)")


@dataclass(frozen=True)
class Damaged:
    """A file in the catalog's ``records/`` that is not a readable record, and why not."""

    path: Path
    reason: str

    @property
    def id(self) -> str:
        """The run id its name says."""
        return self.path.name.removesuffix(".json")

    def error(self, label: str = "RUN_ID") -> UserError:
        """The user error for asking for this run (``label``: the option or argument)."""
        return UserError(
            f"run {self.id}'s catalog record is damaged ({self.reason}) and cannot be read; "
            "remove the file to clear it from the catalog",
            Location(self.path, path=label),
        )


def _duckdb() -> Any:
    import duckdb  # noqa: PLC0415 (imported on use: `deportsim run` never needs it)

    return duckdb.connect()


def sql_list(texts: Sequence[str]) -> str:
    """A list of text literals for a DuckDB statement that cannot take parameters (views, COPY)."""
    return "[" + ", ".join("'" + t.replace("'", "''") + "'" for t in texts) + "]"


def _what(value: Any) -> str:
    """A JSON value's kind, for a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def _field_problem(name: str, value: Any) -> str | None:
    """Why a record's field cannot be read (its kind is not its column's), or None."""
    if value is None:
        return None
    kind = _COLUMNS[name]
    if kind == "VARCHAR":
        ok = isinstance(value, str)
        want = "a string"
    elif kind == "DOUBLE":
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        want = "a finite number"
    elif kind in {"UBIGINT", "BIGINT"}:
        low, high = (0, 2**64) if kind == "UBIGINT" else (-(2**63), 2**63)
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value < high
        want = "a whole number" + (" from 0" if kind == "UBIGINT" else "")
    elif name in _LISTS:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        want = "a list of strings"
    elif name == "outputs":
        ok = isinstance(value, dict) and all(_output_ok(o) for o in value.values())
        want = "an object of files, each with its path, bytes and sha256"
    else:
        ok = isinstance(value, dict)
        want = "an object"
    return None if ok else f"its {name!r} is {_what(value)}, not {want}"


def _output_ok(output: Any) -> bool:
    """An output as :func:`~deportsim.store.catalog.outputs.keep` describes it."""
    if not isinstance(output, dict) or not isinstance(output.get("path"), str):
        return False
    size, sha, stored = output.get("bytes"), output.get("sha256"), output.get("stored")
    return (
        (size is None or (isinstance(size, int) and not isinstance(size, bool)))
        and (sha is None or isinstance(sha, str))
        and (stored is None or isinstance(stored, str))
    )


def _problem(data: Any, run_id: str) -> str | None:
    """Why a file's JSON is not a record of ``run_id``, or None."""
    if not isinstance(data, dict):
        return f"not a record: {_what(data)}"
    if data.get("id") != run_id:
        return f"its id {shown(data.get('id'), 40)} is not its file's name"
    return next((p for n in _COLUMNS if (p := _field_problem(n, data.get(n))) is not None), None)


def _read_bytes(path: Path) -> bytes | Damaged | None:
    """A record file's bytes, or why they cannot be read; None if it is gone meanwhile."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # never opened: a FIFO would block, a device not end
            return Damaged(path, "not a file")
        if st.st_size > MAX_RECORD_BYTES:
            return Damaged(path, f"{st.st_size:,} bytes, too large for a record")
        return path.read_bytes()
    except FileNotFoundError:
        return None  # withdrawn by its run (records.RunRecord.withdraw)
    except OSError as exc:
        return Damaged(path, f"cannot be read: {exc.strerror or exc}")


def _parse(raw: bytes, run_id: str) -> dict[str, Any] | str:
    """The record in ``raw``, or why it is not one."""
    if not raw.strip():
        return "empty"
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return "not UTF-8 text"
    except (ValueError, RecursionError) as exc:  # RecursionError: nested thousands deep
        return f"not JSON: {clip(printable(str(exc)), 100)}"
    problem = _problem(data, run_id)
    return data if problem is None else problem


def _read_record(path: Path) -> dict[str, Any] | Damaged | None:
    """The record in ``path``, or why it is damaged; None if it is gone (withdrawn meanwhile)."""
    raw = _read_bytes(path)
    if not isinstance(raw, bytes):
        return raw
    found = _parse(raw, path.name.removesuffix(".json"))
    return Damaged(path, found) if isinstance(found, str) else found


def read_records(catalog: Path) -> tuple[list[dict[str, Any]], list[Damaged]]:
    """The catalog's records, newest first, each with ``state``; and the damaged files.

    A record has the fields of the ``runs`` view (:func:`connect`; others are left out). A file
    of ``records/`` that is not a record (:class:`Damaged`) is left out of the records.
    UserError if the folder cannot be read.
    """
    folder = catalog / "records"
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".json"))
    except (FileNotFoundError, NotADirectoryError):
        return [], []
    except OSError as exc:
        raise UserError(f"cannot read the catalog: {exc.strerror}", Location(folder)) from None
    rows: list[dict[str, Any]] = []
    damaged: list[Damaged] = []
    for name in names:
        if name.startswith("."):
            continue  # not a record's name (a record's id starts with a letter or digit)
        found = _read_record(folder / name)
        if isinstance(found, Damaged):
            damaged.append(found)
        elif found is not None:
            row = {n: found.get(n) for n in _COLUMNS}
            row["state"] = display_status(row)
            rows.append(row)
    rows.sort(key=lambda r: (r["started"] or "", r["id"]), reverse=True)
    return rows, damaged


_warned: set[Path] = set()
#: Damaged records named one by one in warnings; more are counted in one line.
_NAMED = 5


def warn_damaged(damaged: Sequence[Damaged]) -> None:
    """One warning line on stderr per damaged record (once per process), at most a few."""
    new = [d for d in damaged if d.path not in _warned]
    _warned.update(d.path for d in new)
    for d in new[:_NAMED]:
        print(  # noqa: T201 - a warning line, as for a run not recorded (records.warn_unrecorded)
            f"deportsim: warning: {printable(str(d.path))}: skipped, not a readable catalog "
            f"record ({d.reason})",
            file=sys.stderr,
        )
    if len(new) > _NAMED:
        print(  # noqa: T201
            f"deportsim: warning: {len(new) - _NAMED} more damaged records skipped in "
            f"{printable(str(new[0].path.parent))}",
            file=sys.stderr,
        )


def _runs_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """The records as an Arrow table of the ``runs`` view's columns (JSON fields as text)."""
    columns = {
        name: pa.array(
            [json.dumps(r[name]) if name in _JSON and r[name] is not None else r[name]
             for r in rows],
            _ARROW[kind],
        )
        for name, kind in _COLUMNS.items()
    }  # fmt: skip
    return pa.table(columns)


def connect(catalog: Path | None = None) -> Any:
    """An in-memory DuckDB connection with two views of the catalog, for SQL.

    ``runs``: one row per record (its fields; ``parameters``, ``config``, ``timings``,
    ``outputs``, ``command`` as JSON; damaged records left out). ``metrics``: the rows of every
    complete run's ``summary.parquet`` (``run_id, metric, unit, mean, p05, p50, p95``).
    """
    folder = catalog_dir(catalog)
    con = _duckdb()
    con.register("records_table", _runs_table(read_records(folder)[0]))
    cols = ", ".join(
        f"{name}::JSON AS {name}" if kind == "JSON" else name for name, kind in _COLUMNS.items()
    )
    con.execute(f"CREATE VIEW runs AS SELECT {cols} FROM records_table")  # noqa: S608
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
    """``complete``, ``interrupted``, ``failed``, ``running`` or ``incomplete``.

    ``running`` only for a record of this host whose process is alive; ``incomplete`` for one
    whose process has gone (or is unknown: a run on another host, which cannot be checked from
    here, shows ``incomplete`` until it ends). A record written before ``interrupted`` existed
    (``failed`` with the error ``Interrupted: SIGINT`` or ``KeyboardInterrupt``) shows
    ``interrupted``.
    """
    status = str(record.get("status") or "incomplete")
    if status == "failed" and _OLD_INTERRUPTED.fullmatch(str(record.get("error") or "")):
        return INTERRUPTED
    if status in {"complete", "failed", INTERRUPTED}:
        return status
    here = record.get("host") == socket.gethostname()
    return "running" if here and not process_gone(record) else "incomplete"


def list_runs(
    catalog: Path | None = None,
    *,
    scenario: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The records, newest first, each with ``state`` (:func:`display_status`); filtered.

    ``status`` filters on the state shown (one of :data:`STATUSES`). Damaged records are left
    out, each named in one warning line (:func:`warn_damaged`).
    """
    rows, damaged = read_records(catalog_dir(catalog))
    warn_damaged(damaged)
    rows = [
        r
        for r in rows
        if (scenario is None or r["scenario"] == scenario)
        and (kind is None or r["kind"] == kind)
        and (status is None or r["state"] == status)
    ]
    return rows[:limit] if limit is not None else rows


def find(ref: str, catalog: Path | None = None, label: str = "RUN_ID") -> dict[str, Any]:
    """The record of a run: its id, a unique prefix of it, or ``last`` (the newest run).

    Raises UserError naming ``ref`` when no run or several runs match, and naming the file when
    the run's record is damaged. ``last`` is the newest readable record (damaged ones are named
    in warning lines).
    """
    folder = catalog_dir(catalog)
    rows, damaged = read_records(folder)
    if ref == "last":
        warn_damaged(damaged)
        found = rows[:1]
    elif exact := [r for r in rows if r["id"] == ref]:
        found = exact
    elif bad := [d for d in damaged if d.id == ref]:
        raise bad[0].error(label)
    else:
        found = [r for r in rows if r["id"].startswith(ref)]
        bad = [d for d in damaged if d.id.startswith(ref)]
        if len(found) + len(bad) > 1:
            ids = sorted([r["id"] for r in found] + [d.id for d in bad])
            listed = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
            raise UserError(
                f"{ref!r} matches {len(ids)} runs ({listed}); give more of the id",
                _CLI.with_path(label),
            )
        if bad:
            raise bad[0].error(label)
    if not found:
        raise UserError(f"no run {ref!r} in the catalog {folder}", _CLI.with_path(label))
    return found[0]


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
    sql = "SELECT run_id, metric, unit, mean, p05, p50, p95 FROM read_parquet(?)"
    try:
        rows = con.execute(sql, [files]).fetchall()
    except Exception:  # noqa: BLE001 - a damaged file (duckdb.Error): read them one by one
        rows = []
        for file in files:
            try:
                rows += con.execute(sql, [[file]]).fetchall()
            except Exception as exc:  # noqa: BLE001
                warn_unreadable(Path(file), exc)
    for run_id, metric, unit, mean, p05, p50, p95 in rows:
        if run_id in found:
            found[run_id][metric] = {"unit": unit, "mean": mean, "p05": p05, "p50": p50, "p95": p95}
    return found


def warn_unreadable(path: Path, exc: BaseException) -> None:
    """One warning line: a file of the catalog that cannot be read is left out."""
    reason = clip(printable(" ".join(str(exc).split())), 120)
    print(  # noqa: T201 - a warning line, as for a damaged record
        f"deportsim: warning: {printable(str(path))}: left out, cannot be read ({reason})",
        file=sys.stderr,
    )


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
            f"run {rec['id']} is {rec['state']}: only an incomplete, interrupted or failed run "
            "can be resumed",
            _CLI.with_path("--resume"),
        )
    fresh = identity()
    data = {k: v for k, v in rec.items() if k in _COLUMNS}
    data.update(fresh, status="incomplete", finished=None, error=None)
    data["resumed"] = [*(rec.get("resumed") or []), fresh["started"]]
    record = RunRecord(catalog_dir(catalog), data)
    record.write()
    return record
