"""The local store of official statistics: a DuckDB file in the user data directory.

Three tables: ``figures`` (national :class:`~deportsim.official.records.Record` rows),
``facilities`` (:class:`~deportsim.official.records.FacilityRecord` rows) and ``imports`` (one
row per imported file: name, SHA-256, fiscal year, data date, row counts). Importing a file
replaces every row that came from a file of the same name, inside one transaction: a failed
import leaves the store as it was.

The store lives in ``$DEPORTSIM_DATA_DIR`` if set, else ``$XDG_DATA_HOME/deportsim``, else
``~/.local/share/deportsim``; ``deportsim data info`` shows the path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deportsim.core.paths import data_dir
from deportsim.official.records import FacilityRecord, Record

__all__ = ["ImportedFile", "StoreInfo", "info", "query", "store_path", "write"]

STORE_NAME = "official.duckdb"

_FIGURES = """
CREATE TABLE IF NOT EXISTS figures (
    "table" VARCHAR, period VARCHAR, fiscal_year INTEGER, value DOUBLE, unit VARCHAR,
    source_file VARCHAR, sheet VARCHAR, cell VARCHAR, agency VARCHAR, criminality VARCHAR,
    category VARCHAR, data_date DATE, flag VARCHAR
)"""
_FACILITIES = """
CREATE TABLE IF NOT EXISTS facilities (
    fiscal_year INTEGER, name VARCHAR, city VARCHAR, state VARCHAR, aor VARCHAR,
    facility_type VARCHAR, adp DOUBLE, alos DOUBLE, guaranteed_minimum DOUBLE,
    source_file VARCHAR, sheet VARCHAR, "row" INTEGER, capacity DOUBLE, data_date DATE,
    flag VARCHAR
)"""
_IMPORTS = """
CREATE TABLE IF NOT EXISTS imports (
    source_file VARCHAR PRIMARY KEY, sha256 VARCHAR, fiscal_year INTEGER, data_date DATE,
    figures INTEGER, facilities INTEGER, imported_at TIMESTAMP
)"""

_FIGURE_COLUMNS = [f.name for f in dataclasses.fields(Record)]
_FACILITY_COLUMNS = [f.name for f in dataclasses.fields(FacilityRecord)]


def store_path() -> Path:
    """The DuckDB file of the local store."""
    return data_dir() / STORE_NAME


@dataclass(frozen=True)
class ImportedFile:
    """One parsed file, ready to be stored."""

    source_file: str
    sha256: str
    fiscal_year: int | None
    data_date: dt.date | None
    figures: Sequence[Record]
    facilities: Sequence[FacilityRecord]


def _connect(path: Path, *, read_only: bool) -> Any:
    import duckdb  # noqa: PLC0415 (imported on use: `deportsim run` never needs it)

    return duckdb.connect(str(path), read_only=read_only)


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _insert(con: Any, table: str, columns: Sequence[str], records: Sequence[Any]) -> None:
    """Insert dataclass records into a table, their fields in ``columns`` order."""
    if records:
        con.executemany(
            f"INSERT INTO {table} ({_quoted(columns)}) VALUES "  # noqa: S608
            f"({', '.join('?' * len(columns))})",
            [dataclasses.astuple(r) for r in records],
        )


def write(files: Sequence[ImportedFile], path: Path | None = None) -> Path:
    """Store the files' rows, replacing earlier imports of the same file names, all or nothing."""
    path = path or store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(path, read_only=False)
    try:
        con.execute("BEGIN TRANSACTION")
        for ddl in (_FIGURES, _FACILITIES, _IMPORTS):
            con.execute(ddl)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for f in files:
            for table in ("figures", "facilities", "imports"):
                con.execute(f"DELETE FROM {table} WHERE source_file = ?", [f.source_file])  # noqa: S608
            _insert(con, "figures", _FIGURE_COLUMNS, f.figures)
            _insert(con, "facilities", _FACILITY_COLUMNS, f.facilities)
            con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?)",
                [f.source_file, f.sha256, f.fiscal_year, f.data_date, len(f.figures),
                 len(f.facilities), now],
            )  # fmt: skip
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return path


@dataclass(frozen=True)
class StoreInfo:
    """What ``deportsim data info`` shows: the store's path and one line per imported file."""

    path: Path
    exists: bool
    files: list[dict[str, Any]]


def info(path: Path | None = None) -> StoreInfo:
    """Describe the store (an absent store is empty, not an error)."""
    path = path or store_path()
    if not path.exists():
        return StoreInfo(path, exists=False, files=[])
    con = _connect(path, read_only=True)
    try:
        cur = con.execute(
            "SELECT source_file, fiscal_year, data_date, figures, facilities, sha256, imported_at "
            "FROM imports ORDER BY fiscal_year NULLS FIRST, data_date, source_file"
        )
        names = [d[0] for d in cur.description]
        files = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
    return StoreInfo(path, exists=True, files=files)


def query(sql: str, params: Sequence[Any] = (), path: Path | None = None) -> list[tuple[Any, ...]]:
    """Run a read-only query on the store; an absent store gives no rows."""
    path = path or store_path()
    if not path.exists():
        return []
    con = _connect(path, read_only=True)
    try:
        return [tuple(r) for r in con.execute(sql, list(params)).fetchall()]
    finally:
        con.close()
