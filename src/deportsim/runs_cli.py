"""``deportsim runs list | show | compare | export``: the catalog of past runs.

Plain aligned text, not a Rich table: run ids are never wrapped or cut, whatever the terminal's
width, and scripts can read the lines. ``--format json`` (list, show) gives every field.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from deportsim.catalog import STATUSES, catalog_dir, find, list_runs
from deportsim.catalog.export import export_files, export_table
from deportsim.catalog.query import read_metrics
from deportsim.catalog.records import CATALOG_ENV, NO_CATALOG_ENV, CatalogChoice, run_folder
from deportsim.catalogview import check_comparable, compare_lines, summary_lines
from deportsim.catalogview import columns as _columns
from deportsim.errors import Location, UserError
from deportsim.numbers import metric_text
from deportsim.results import REQUIRED_METRICS

__all__ = ["CatalogOption", "NoCatalogOption", "catalog_choice", "echo_recorded", "runs_app"]

runs_app = typer.Typer(
    help="The catalog of past runs: list them, show one, compare several, export their results.",
    no_args_is_help=True,
)

#: ``--catalog DIR``, for every verb that records or reads runs.
CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help=f"Catalog folder (default: ${CATALOG_ENV}, else catalog/ in the user data folder).",
    ),
]
#: ``--no-catalog``, for every verb that records runs.
NoCatalogOption = Annotated[
    bool,
    typer.Option(
        "--no-catalog", help=f"Do not record this run in the catalog (or set {NO_CATALOG_ENV}=1)."
    ),
]


def catalog_choice(catalog: Path | None, no_catalog: bool) -> CatalogChoice:
    """The ``catalog`` argument of the API from the two options (False: do not record)."""
    return False if no_catalog else catalog


def echo_recorded(run_ids: Collection[str]) -> None:
    """The line after a recorded command: its run id and how to see it (nothing if unrecorded).

    ``run_ids``: what the API's ``on_record`` was told (e.g. a list's ``append``).
    """
    for run_id in run_ids:
        typer.echo(f"Recorded in the catalog as run {run_id} (deportsim runs show {run_id})")


class ListFormat(StrEnum):
    """Output formats of ``runs list`` and ``runs show``."""

    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    """What ``runs export`` writes."""

    files = "files"
    parquet = "parquet"
    csv = "csv"


def _when(iso: str | None) -> str:
    return iso[:19].replace("T", " ") if iso else "-"


def _secs(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f} s" if value < 600 else f"{value / 60:.1f} min"


@runs_app.command("list")
def runs_list(
    *,
    scenario: Annotated[str | None, typer.Option(help="Only runs of this scenario.")] = None,
    status: Annotated[
        str | None, typer.Option(help=f"Only runs with this status: {', '.join(STATUSES)}.")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="Only runs of this kind: run, sweep, sensitivity, claims, requirements, "
            "estimates or report."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="Newest runs shown; 0 for all.")] = 20,
    fmt: Annotated[ListFormat, typer.Option("--format", help="text or json.")] = ListFormat.text,
    catalog: CatalogOption = None,
) -> None:
    """List the runs in the catalog, newest first."""
    if status is not None and status not in STATUSES:
        raise UserError(
            f"unknown status {status!r}: {', '.join(STATUSES)}",
            Location("<command line>", path="--status"),
        )
    if limit < 0:
        raise UserError(
            "--limit must be 0 (all) or more", Location("<command line>", path="--limit")
        )
    rows = list_runs(catalog, scenario=scenario, kind=kind, status=status)
    shown = rows[:limit] if limit else rows
    if fmt is ListFormat.json:
        typer.echo(json.dumps(shown, indent=2, default=str))
        return
    folder = catalog_dir(catalog)
    if not shown:
        typer.echo(f"No runs in the catalog {folder}" + (" match" if rows or scenario else ""))
        return
    table = [["id", "kind", "scenario", "status", "started (UTC)", "wall time", "replicates",
              "seed", "version"]]  # fmt: skip
    table += [
        [r["id"], r["kind"] or "-", r["scenario"] or "-", r["state"], _when(r["started"]),
         _secs(r["wall_time_s"]), str(r["replicates"] if r["replicates"] is not None else "-"),
         str(r["seed"] if r["seed"] is not None else "-"), r["version"] or "-"]
        for r in shown
    ]  # fmt: skip
    for line in _columns(table, right={5, 6, 7}):
        typer.echo(line)
    more = len(rows) - len(shown)
    typer.echo(
        f"{len(shown)} of {len(rows)} runs in {folder}"
        + (f" ({more} older: --limit 0 shows all)" if more else "")
    )


def _fmt(value: float | None, unit: str) -> str:
    return metric_text(value, unit, missing="-", precise=True)


def _metric_names(found: dict[str, dict[str, dict[str, Any]]], every: bool) -> list[str]:
    names: list[str] = []
    for metrics in found.values():
        names += [n for n in metrics if n not in names]
    return names if every else [n for n in REQUIRED_METRICS if n in names]


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="Run id, a unique start of one, or `last`.")],
    every: Annotated[bool, typer.Option("--all", help="Every metric, not only the 16.")] = False,
    fmt: Annotated[ListFormat, typer.Option("--format", help="text or json.")] = ListFormat.text,
    catalog: CatalogOption = None,
) -> None:
    """Show one run: its settings, status, timings, outputs and metrics."""
    rec = find(run_id, catalog)
    if fmt is ListFormat.json:
        typer.echo(json.dumps(rec, indent=2, default=str))
        return
    t = rec["timings"] or {}
    rows = [
        ["run", rec["id"]],
        ["kind", rec["kind"] or "-"],
        ["status", rec["state"] + (f" ({rec['error']})" if rec.get("error") else "")],
        ["scenario", f"{rec['scenario'] or '-'}"
         + (f" (hash {rec['scenario_hash'][:12]})" if rec["scenario_hash"] else "")],
        ["seed", str(rec["seed"])],
        ["replicates", str(rec["replicates"])],
        ["version", f"deportsim {rec['version']}"],
        ["started", f"{_when(rec['started'])} UTC"],
        ["finished", f"{_when(rec['finished'])} UTC" if rec["finished"] else "-"],
        ["wall time", _secs(rec["wall_time_s"])
         + (f" (model {_secs(t['model_s'])}, writing {_secs(t['write_s'])})"
            if "model_s" in t and "write_s" in t else "")],
        ["process", f"pid {rec['pid']} on {rec['host']}"],
        ["command", " ".join(rec["command"] or [])],
        ["output folder", rec["out"] or "-"],
    ]  # fmt: skip
    rows += [[f"config {k}", json.dumps(v)] for k, v in (rec["config"] or {}).items()]
    rows += [[f"parameters {k}", json.dumps(v)] for k, v in (rec["parameters"] or {}).items()]
    for line in _columns(rows):
        typer.echo(line)
    outputs = rec["outputs"] or {}
    if outputs:
        typer.echo("outputs:")
        table = [["  file", "bytes", "kept", "path"]]
        for name, o in sorted(outputs.items()):
            kept = "catalog" if o.get("stored") == "catalog" else "by path"
            gone = "" if Path(o["path"]).is_file() else " (no longer there)"
            table.append([f"  {name}", f"{o.get('bytes', 0):,}", kept, o["path"] + gone])
        for line in _columns(table, right={1}):
            typer.echo(line)
    for line in summary_lines(rec, catalog):
        typer.echo(line)
    metrics = read_metrics([rec["id"]], catalog)[rec["id"]]
    if metrics:
        typer.echo("metrics (mean, 90% interval):")
        table = [
            [f"  {n}", _fmt(m["mean"], m["unit"]),
             f"{_fmt(m['p05'], m['unit'])} – {_fmt(m['p95'], m['unit'])}", m["unit"]]
            for n in _metric_names({rec["id"]: metrics}, every)
            if (m := metrics[n])
        ]  # fmt: skip
        for line in _columns(table, right={1, 2}):
            typer.echo(line)


def _flat(prefix: str, value: Any, into: dict[str, str]) -> None:
    """Nested settings as ``dotted.path -> text``, for comparing runs."""
    if isinstance(value, dict) and value and not {"unit", "steps"} <= set(value):
        for k, v in value.items():
            _flat(f"{prefix}.{k}" if prefix else str(k), v, into)
    elif isinstance(value, dict):  # a parameter from a manifest: its dated steps
        steps = value.get("steps", [])
        unit = value.get("unit", "")
        text = "; ".join(
            _value(s["value"]) + (f" from {s['from']}" if i else "") for i, s in enumerate(steps)
        )
        into[prefix] = f"{text} {unit}".strip()
    else:
        into[prefix] = _value(value)


def _value(value: Any) -> str:
    """A setting as text: numbers to 6 significant digits, regional values as JSON."""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dict):
        return json.dumps({k: _value(v) for k, v in value.items()}).replace('"', "")
    return value if isinstance(value, str) else json.dumps(value)


def _settings(rec: dict[str, Any], catalog: Path | None) -> dict[str, str]:
    """A run's settings and every parameter value it used (from its manifest), flattened."""
    found: dict[str, str] = {}
    for key in ("kind", "scenario", "scenario_hash", "seed", "replicates", "version"):
        found[key] = str(rec[key])
    found["scenario_hash"] = found["scenario_hash"][:12]
    config = {k: v for k, v in (rec["config"] or {}).items() if k not in found}
    _flat("config", config, found)
    _flat("parameters", rec["parameters"] or {}, found)
    manifest = run_folder(catalog_dir(catalog), rec["id"]) / "manifest.json"
    if manifest.is_file():
        _flat("", json.loads(manifest.read_text(encoding="utf-8")).get("parameters", {}), found)
    return found


@runs_app.command("compare")
def runs_compare(
    run_ids: Annotated[
        list[str] | None, typer.Argument(help="Two or more run ids (or unique starts of ids).")
    ] = None,
    last: Annotated[int, typer.Option(help="Compare the newest N runs instead.")] = 0,
    every: Annotated[bool, typer.Option("--all", help="Every metric, not only the 16.")] = False,
    catalog: CatalogOption = None,
) -> None:
    """Set runs side by side, and the settings and parameters that differ.

    Runs of one kind only: runs, sweeps, sensitivity analyses and reports by their metrics
    (means); claims runs by each claim's verdict and median; requirements by the resources
    required each year; compare-estimates runs by each estimate's cost per removal.
    """
    cli = Location("<command line>", path="RUN_ID")
    if last and run_ids:
        raise UserError("give run ids or --last, not both", cli)
    if last:
        recs = list(reversed(list_runs(catalog, limit=last)))
    else:
        recs = [find(ref, catalog) for ref in run_ids or []]
    if len(recs) < 2:
        raise UserError("give at least two runs to compare (ids, or --last N)", cli)
    ids = [r["id"] for r in recs]
    if len(set(ids)) < len(ids):
        raise UserError("the same run is given twice", cli)
    check_comparable(recs)
    for i, r in enumerate(recs, start=1):
        what = r["scenario"] or "-"
        if r["kind"] != "run":
            what = f"{r['kind']} of {what}" if r["scenario"] else str(r["kind"])
        typer.echo(
            f"run {i}  {r['id']}  {what}, {r['replicates']} replicates, seed {r['seed']}, "
            f"{r['state']}"
        )
    lines = compare_lines(recs, catalog)
    if lines is None:
        _print_means(ids, read_metrics(ids, catalog), every)
    else:
        for line in lines:
            typer.echo(line)
    _print_differences([_settings(r, catalog) for r in recs])


def _print_means(ids: list[str], found: dict[str, dict[str, dict[str, Any]]], every: bool) -> None:
    """Metrics as rows, runs as columns (means); with two runs, the change from the first."""
    pair = len(ids) == 2
    table = [["metric", *(f"run {i}" for i in range(1, len(ids) + 1)), *(["change"] * pair)]]
    for name in _metric_names(found, every):
        means = [found[i].get(name, {}).get("mean") for i in ids]
        unit = next(found[i][name]["unit"] for i in ids if name in found[i])
        cells = [name, *(_fmt(m, unit) for m in means)]
        if pair:
            a, b = means
            cells.append(f"{(b - a) / abs(a):+.1%}" if a and b is not None else "-")
        table.append(cells)
    if len(table) > 1:
        typer.echo("means:")
        for line in _columns(table, right=range(1, len(table[0]))):
            typer.echo(line)
    missing = [i for i in ids if not found[i]]
    if missing:
        typer.echo(f"no metrics (not complete): {', '.join(missing)}")


def _print_differences(settings: list[dict[str, str]]) -> None:
    """The settings and parameter values that are not the same in every run."""
    keys: list[str] = []
    for s in settings:
        keys += [k for k in s if k not in keys]
    differ = [k for k in keys if len({s.get(k, "-") for s in settings}) > 1]
    if not differ:
        typer.echo("settings and parameters: all the same")
        return
    typer.echo("settings and parameters that differ:")
    heads = [f"run {i}" for i in range(1, len(settings) + 1)]
    table = [["setting", *heads]] + [[k, *(s.get(k, "-") for s in settings)] for k in differ]
    for line in _columns(table):
        typer.echo(line)


@runs_app.command("export")
def runs_export(
    run_ids: Annotated[list[str], typer.Argument(help="Run ids (or unique starts of ids).")],
    out: Annotated[Path, typer.Option(help="Folder to write to.")] = Path("out/runs"),
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="files: each run's files and record in OUT/<id>/; parquet or csv: the runs' "
            "metrics as one table, OUT/runs-summary.parquet or .csv (claims, requirements and "
            "estimates runs: their own table, OUT/runs-<kind>.parquet or .csv).",
        ),
    ] = ExportFormat.files,
    catalog: CatalogOption = None,
) -> None:
    """Copy runs' results out of the catalog."""
    if fmt is not ExportFormat.files:
        path = export_table(run_ids, out, fmt.value, catalog)
        what = "Metrics" if path.stem == "runs-summary" else "Results"
        typer.echo(f"{what} of {len(run_ids)} run(s) in {path}")
        return
    done = export_files(run_ids, out, catalog)
    for reason in done.skipped:
        typer.echo(f"Not exported: {reason}")
    folders = sorted({p.parent for p in done.written})
    for folder in folders:
        names = sorted(p.name for p in done.written if p.parent == folder)
        typer.echo(f"Exported to {folder}/ ({', '.join(names)})")
