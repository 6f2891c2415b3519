"""``deportsim runs export``: a run's files, or the summary rows of runs as Parquet or CSV."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from deportsim.core.checksums import file_sha256
from deportsim.core.errors import Location, UserError, clip, printable
from deportsim.core.folders import writable_folder, write_atomic
from deportsim.store.catalog.query import _duckdb, find, sql_list
from deportsim.store.catalog.records import catalog_dir, run_folder
from deportsim.store.catalog.verbs import TABLES

__all__ = ["Exported", "export_files", "export_table"]

_CLI = Location("<command line>", path="RUN_ID")


@dataclass
class Exported:
    """What an export wrote, and the files it left out with the reason."""

    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _complete(refs: Sequence[str], catalog: Path | None) -> list[dict[str, Any]]:
    records = [find(ref, catalog) for ref in refs]
    for rec in records:
        if rec["state"] != "complete":
            raise UserError(
                f"run {rec['id']} is {rec['state']}: only complete runs can be exported", _CLI
            )
    return records


def _copy_checked(name: str, out: dict[str, Any], dest: Path) -> str | None:
    """Copy one output if it still has its checksum; the reason if not."""
    src = Path(out["path"])
    if not src.is_file():
        return f"{name}: {src} no longer exists"
    if src.stat().st_size != out.get("bytes") or file_sha256(src) != out.get("sha256"):
        return f"{name}: {src} has changed since the run (another run wrote there?)"
    shutil.copyfile(src, dest)
    return None


def export_files(refs: Sequence[str], out: Path, catalog: Path | None = None) -> Exported:
    """Copy each run's outputs and its record (``record.json``) to ``out/<run id>/``.

    A referenced output (timeseries.parquet) is copied only if it still has the checksum the
    run recorded; otherwise it is left out and named in :attr:`Exported.skipped`. Each run's
    folder is written under a temporary name and renamed when whole.
    """
    done = Exported()
    for rec in _complete(refs, catalog):
        final = writable_folder(out) / rec["id"]
        tmp = out / f".{rec['id']}.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            for name, o in sorted((rec["outputs"] or {}).items()):
                reason = _copy_checked(name, o, tmp / name)
                if reason is None:
                    done.written.append(final / name)
                else:
                    done.skipped.append(f"{rec['id']}: {reason}")
            record = {k: v for k, v in rec.items() if k != "state"}
            (tmp / "record.json").write_text(json.dumps(record, indent=2, default=str) + "\n")
            done.written.append(final / "record.json")
            shutil.rmtree(final, ignore_errors=True)
            tmp.replace(final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return done


def export_table(refs: Sequence[str], out: Path, fmt: str, catalog: Path | None = None) -> Path:
    """Write the runs' summary rows to ``out/runs-summary.<fmt>`` (``parquet`` or ``csv``).

    One row per run and metric: ``run_id, scenario, kind, seed, replicates, version, metric,
    unit, mean, p05, p50, p95``. Runs of a kind with a table of its own
    (:data:`~deportsim.store.catalog.verbs.TABLES`: claims, requirements, estimates) give that
    table's rows after the same first six columns, in ``out/runs-<kind>.<fmt>``; runs of kinds with
    different tables cannot be exported together (UserError).
    """
    records = _complete(refs, catalog)
    folder = catalog_dir(catalog)
    names = [TABLES.get(str(r["kind"]), "summary.parquet") for r in records]
    if len(set(names)) > 1:
        kinds = ", ".join(dict.fromkeys(str(r["kind"]) for r in records))
        raise UserError(
            f"runs of kinds {kinds} have different tables: export them one kind at a time "
            "(or with --format files)",
            _CLI,
        )
    files = [str(run_folder(folder, r["id"]) / n) for r, n in zip(records, names, strict=True)]
    for rec, path in zip(records, files, strict=True):
        if not Path(path).is_file():
            raise UserError(f"run {rec['id']} has no {Path(path).name} in the catalog", _CLI)
        try:
            pq.read_schema(path)
        except (OSError, pa.ArrowException) as exc:
            reason = clip(printable(" ".join(str(exc).split())), 120)
            raise UserError(
                f"run {rec['id']}'s table in the catalog is damaged ({reason}) and cannot be "
                "exported",
                Location(path),
            ) from None
    stem = "runs-summary" if names[0] == "summary.parquet" else f"runs-{records[0]['kind']}"
    dest = writable_folder(out) / f"{stem}.{fmt}"
    con = _duckdb()
    con.execute("CREATE TABLE info (run_id VARCHAR, scenario VARCHAR, kind VARCHAR, "
                "seed UBIGINT, replicates BIGINT, version VARCHAR, position INTEGER)")  # fmt: skip
    con.executemany(
        "INSERT INTO info VALUES (?, ?, ?, ?, ?, ?, ?)",
        [[r["id"], r["scenario"], r["kind"], r["seed"], r["replicates"], r["version"], i]
         for i, r in enumerate(records)],
    )  # fmt: skip
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER"

    def copy(tmp: Path) -> None:
        con.execute(
            "COPY (SELECT i.run_id, i.scenario, i.kind, i.seed, i.replicates, i.version, "  # noqa: S608
            "m.* EXCLUDE (run_id, file_row_number) "
            f"FROM read_parquet({sql_list(files)}, file_row_number = true) m "
            "JOIN info i USING (run_id) "
            f"ORDER BY i.position, m.file_row_number) TO {sql_list([str(tmp)])[1:-1]} ({options})"
        )

    write_atomic(dest, copy)
    return dest
