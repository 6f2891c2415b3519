"""The catalog of past runs: list them, show one, compare several, export their results."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from deportsim.api.results import RunComparison, RunDetails, RunExport, RunList
from deportsim.core.errors import Location, UserError
from deportsim.store.catalog import STATUSES, catalog_dir, find, list_runs
from deportsim.store.catalog.export import export_files, export_table
from deportsim.store.catalog.query import read_metrics
from deportsim.store.catalog.show import check_comparable, kind_table, settings
from deportsim.store.catalog.verbs import TABLES

__all__ = ["EXPORT_FORMATS", "runs_compare", "runs_export", "runs_list", "runs_show"]

#: What ``runs export`` writes: each run's files, or the runs' results as one table.
EXPORT_FORMATS = ("files", "parquet", "csv")
_CLI = Location("<command line>")


def runs_list(
    *,
    scenario: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 20,
    catalog: Path | None = None,
) -> RunList:
    """The runs in the catalog, newest first: at most ``limit`` (0: all) of those that match."""
    if status is not None and status not in STATUSES:
        known = ", ".join(STATUSES)
        raise UserError(f"unknown status {status!r}: {known}", _CLI.with_path("--status"))
    if limit < 0:
        raise UserError("--limit must be 0 (all) or more", _CLI.with_path("--limit"))
    rows = list_runs(catalog, scenario=scenario, kind=kind, status=status)
    return RunList(rows[:limit] if limit else rows, len(rows), catalog_dir(catalog))


def runs_show(run_id: str, *, catalog: Path | None = None) -> RunDetails:
    """One run (an id, a unique start of one, or ``last``): record, own table, metrics."""
    rec = find(run_id, catalog)
    present = {n: Path(o["path"]).is_file() for n, o in (rec["outputs"] or {}).items()}
    metrics = read_metrics([rec["id"]], catalog)[rec["id"]]
    return RunDetails(rec, kind_table(rec, catalog), metrics, present)


def runs_compare(
    run_ids: Sequence[str] = (), *, last: int = 0, catalog: Path | None = None
) -> RunComparison:
    """Runs side by side (ids, or the newest ``last``), all of one group of comparable kinds."""
    cli = _CLI.with_path("RUN_ID")
    if last and run_ids:
        raise UserError("give run ids or --last, not both", cli)
    if last:
        recs = list(reversed(list_runs(catalog, limit=last)))
    else:
        recs = [find(ref, catalog) for ref in run_ids]
    if len(recs) < 2:
        raise UserError("give at least two runs to compare (ids, or --last N)", cli)
    ids = [r["id"] for r in recs]
    if len(set(ids)) < len(ids):
        raise UserError("the same run is given twice", cli)
    check_comparable(recs)
    has_table = recs[0].get("kind") in TABLES
    tables = [kind_table(r, catalog) for r in recs] if has_table else None
    metrics = {} if has_table else read_metrics(ids, catalog)
    return RunComparison(recs, tables, metrics, [settings(r, catalog) for r in recs])


def runs_export(
    run_ids: Sequence[str], out: Path, fmt: str = "files", *, catalog: Path | None = None
) -> RunExport:
    """Copy runs' results out of the catalog into ``out``.

    ``fmt``: ``files`` (each run's files and record in ``out/<id>/``), or ``parquet`` / ``csv``
    (the runs' metrics as one table; claims, requirements and estimates runs: their own table).
    """
    if fmt not in EXPORT_FORMATS:
        raise UserError(
            f"unknown format {fmt!r}: {', '.join(EXPORT_FORMATS)}", _CLI.with_path("--format")
        )
    if fmt != "files":
        return RunExport(table=export_table(run_ids, out, fmt, catalog))
    done = export_files(run_ids, out, catalog)
    return RunExport(written=tuple(done.written), skipped=tuple(done.skipped))
