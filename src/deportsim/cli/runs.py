"""``deportsim runs list | show | compare | export``: the catalog of past runs.

Plain aligned text, not a Rich table: run ids are never wrapped or cut, whatever the terminal's
width, and scripts can read the lines. ``--format json`` (list, show) gives every field.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from deportsim import api
from deportsim.cli.options import CatalogOption
from deportsim.views.formatting import metric_text
from deportsim.views.runs import columns as _columns
from deportsim.views.runs import compare_lines, summary_lines

__all__ = ["runs_app"]

runs_app = typer.Typer(
    help="The catalog of past runs: list them, show one, compare several, export their results.",
    no_args_is_help=True,
)


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
        str | None,
        typer.Option(help=f"Only runs with this status: {', '.join(api.STATUSES)}."),
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
    found = api.runs_list(scenario=scenario, status=status, kind=kind, limit=limit, catalog=catalog)
    shown, folder = found.rows, found.folder
    if fmt is ListFormat.json:
        typer.echo(json.dumps(shown, indent=2, default=str))
        return
    if not shown:
        typer.echo(
            f"No runs in the catalog {folder}" + (" match" if found.matched or scenario else "")
        )
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
    more = found.matched - len(shown)
    typer.echo(
        f"{len(shown)} of {found.matched} runs in {folder}"
        + (f" ({more} older: --limit 0 shows all)" if more else "")
    )


def _fmt(value: float | None, unit: str) -> str:
    return metric_text(value, unit, missing="-", precise=True)


def _metric_names(found: dict[str, dict[str, dict[str, Any]]], every: bool) -> list[str]:
    names: list[str] = []
    for metrics in found.values():
        names += [n for n in metrics if n not in names]
    return names if every else [n for n in api.REQUIRED_METRICS if n in names]


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="Run id, a unique start of one, or `last`.")],
    every: Annotated[bool, typer.Option("--all", help="Every metric, not only the 16.")] = False,
    fmt: Annotated[ListFormat, typer.Option("--format", help="text or json.")] = ListFormat.text,
    catalog: CatalogOption = None,
) -> None:
    """Show one run: its settings, status, timings, outputs and metrics."""
    shown = api.runs_show(run_id, catalog=catalog)
    rec = shown.record
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
            gone = "" if shown.present[name] else " (no longer there)"
            table.append([f"  {name}", f"{o.get('bytes', 0):,}", kept, o["path"] + gone])
        for line in _columns(table, right={1}):
            typer.echo(line)
    for line in summary_lines(rec, shown.table):
        typer.echo(line)
    metrics = shown.metrics
    if metrics:
        typer.echo("metrics (median, 90% interval):")
        table = [
            [f"  {n}", _fmt(m["p50"], m["unit"]),
             f"{_fmt(m['p05'], m['unit'])} – {_fmt(m['p95'], m['unit'])}", m["unit"]]
            for n in _metric_names({rec["id"]: metrics}, every)
            if (m := metrics[n])
        ]  # fmt: skip
        for line in _columns(table, right={1, 2}):
            typer.echo(line)


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
    (medians); claims runs by each claim's verdict and median; requirements by the resources
    required each year; compare-estimates runs by each estimate's cost per removal.
    """
    found = api.runs_compare(run_ids or (), last=last, catalog=catalog)
    recs = found.records
    ids = [r["id"] for r in recs]
    for i, r in enumerate(recs, start=1):
        what = r["scenario"] or "-"
        if r["kind"] != "run":
            what = f"{r['kind']} of {what}" if r["scenario"] else str(r["kind"])
        typer.echo(
            f"run {i}  {r['id']}  {what}, {r['replicates']} replicates, seed {r['seed']}, "
            f"{r['state']}"
        )
    lines = compare_lines(recs, found.tables)
    if lines is None:
        _print_medians(ids, found.metrics, every)
    else:
        for line in lines:
            typer.echo(line)
    _print_differences(found.settings)


def _print_medians(
    ids: list[str], found: dict[str, dict[str, dict[str, Any]]], every: bool
) -> None:
    """Metrics as rows, runs as columns (medians); with two runs, the change from the first."""
    pair = len(ids) == 2
    table = [["metric", *(f"run {i}" for i in range(1, len(ids) + 1)), *(["change"] * pair)]]
    for name in _metric_names(found, every):
        medians = [found[i].get(name, {}).get("p50") for i in ids]
        unit = next(found[i][name]["unit"] for i in ids if name in found[i])
        cells = [name, *(_fmt(m, unit) for m in medians)]
        if pair:
            a, b = medians
            cells.append(f"{(b - a) / abs(a):+.1%}" if a and b is not None else "-")
        table.append(cells)
    if len(table) > 1:
        typer.echo("medians:")
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
    done = api.runs_export(run_ids, out, fmt.value, catalog=catalog)
    if done.table is not None:
        what = "Metrics" if done.table.stem == "runs-summary" else "Results"
        typer.echo(f"{what} of {len(run_ids)} run(s) in {done.table}")
        return
    for reason in done.skipped:
        typer.echo(f"Not exported: {reason}")
    folders = sorted({p.parent for p in done.written})
    for folder in folders:
        names = sorted(p.name for p in done.written if p.parent == folder)
        typer.echo(f"Exported to {folder}/ ({', '.join(names)})")
