"""``deportsim run``, ``scenarios`` and ``params``: a scenario run and what it is made of."""

from __future__ import annotations

import datetime as dt
import gc
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import TaskID
from rich.table import Table

from deportsim import api
from deportsim.cli.options import (
    CatalogOption,
    FixedParameters,
    NoCatalogOption,
    ParametersOption,
    ScenarioArg,
    ScenarioOut,
    Seed,
    SetOption,
    catalog_choice,
    parse_start,
    start_rule,
)
from deportsim.cli.progress import timed
from deportsim.views.formatting import metric_text
from deportsim.views.parameters import render_csv, render_json, render_table
from deportsim.views.series import series_line
from deportsim.views.state import state_lines

__all__ = ["params", "run", "scenarios"]


class By(StrEnum):
    """Breakdowns ``deportsim run --by`` prints after the national table."""

    region = "region"
    year = "year"
    sector = "sector"


#: The metro table's columns (``deportsim run --by region``): metric, heading.
REGION_COLUMNS = (
    ("arrests_total", "arrests"),
    ("book_ins_ice_total", "book-ins (ICE)"),
    ("detained_mean", "detained, a day"),
    ("removals_total", "removals"),
    ("us_citizen_children_affected_total", "US-citizen children"),
)
#: The metro table of the economy, printed after it: metric, heading.
REGION_ECONOMY_COLUMNS = (
    ("employment_change_immigrant", "immigrant jobs"),
    ("employment_change_us_born", "US-born jobs"),
    ("gdp_loss_usd", "output lost"),
    ("tax_revenue_lost_usd", "taxes lost"),
)


class Series(StrEnum):
    """What ``deportsim run --series`` writes to timeseries.parquet."""

    auto = "auto"
    replicates = "replicates"
    quantiles = "quantiles"


class Format(StrEnum):
    """Output formats of ``deportsim params``."""

    table = "table"
    json = "json"
    csv = "csv"


def run(
    scenario: ScenarioArg = api.DEFAULT_SCENARIO,
    replicates: Annotated[int, typer.Option(help="Monte Carlo replicates.")] = 100,
    seed: Seed = 0,
    years: Annotated[
        float | None,
        typer.Option(help="Years to simulate (default: to the end of the term, 2029-01-20)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            help="First day, YYYY-MM-DD (default: the first day after the latest month of "
            "official data, from the people held then; a later day is reached by simulating "
            "the days between), or 'scenario': the scenario's own start and first-day values "
            "(the default before 0.4; with --years 4, the old default run)."
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Last day, YYYY-MM-DD, instead of --years.")
    ] = None,
    sets: SetOption = None,
    out: ScenarioOut = None,
    parameters: ParametersOption = None,
    fixed_parameters: FixedParameters = False,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Replace the complete results of an earlier run in --out (kept until this run "
            "is complete; out/<scenario>/, the default, always takes the latest run).",
        ),
    ] = False,
    by: Annotated[
        By | None,
        typer.Option(
            "--by",
            help="Also print tables by metro area (region of arrest: arrests, ICE book-ins, "
            "people detained, removals, US-citizen children; then jobs, output and taxes "
            "lost), by calendar year (the economy) or by sector (the economy): median and 90% "
            "interval.",
        ),
    ] = None,
    series: Annotated[
        Series,
        typer.Option(
            "--series",
            help="What timeseries.parquet holds: every replicate's daily series ('replicates'), "
            "or each day's mean, median and 90% interval over the replicates ('quantiles', a "
            f"file of the same size for any number of replicates); 'auto': replicates up to "
            f"{api.BANDS_ABOVE} replicates, quantiles above.",
        ),
    ] = Series.auto,
) -> None:
    """Run a scenario; write summary.json, timeseries.parquet and manifest.json."""
    first, rule = start_rule(start, "latest")
    cfg = api.RunConfig.latest(
        scenario, years=years, until=parse_start(until, "--until"), start=first,
        replicates=replicates, seed=seed, sets=tuple(sets or ()), parameters=parameters,
        parameter_uncertainty=not fixed_parameters, from_scenario=rule == "scenario",
        series=series.value,
    )  # fmt: skip
    progress = timed()
    bar: list[tuple[TaskID, str, int]] = []  # the run's task, scenario and days, once prepared

    def on_prepared(prep: api.Prepared) -> None:
        # the modules and parameters loaded so far live as long as the command: keep the
        # garbage collector from scanning them again and again while the model runs
        gc.freeze()
        if prep.outside:
            last = prep.start + dt.timedelta(days=prep.days - 1)
            progress.console.print(
                f"note: outside the run ({prep.start} to {last}), so without effect: "
                + "; ".join(prep.outside),
                highlight=False, markup=False, soft_wrap=True,
            )  # fmt: skip
        label = f"{prep.scenario.name}: {prep.config.replicates} replicates"
        days = prep.resolved.days  # the bridge's days included
        bar.append((progress.add_task(label, total=days), prep.scenario.name, days))

    def on_day(t: int) -> None:
        ((task, name, days),) = bar
        progress.update(task, completed=t + 1)
        if t == days - 1:
            progress.update(task, description=f"{name}: writing results")

    with progress:
        result = api.run(
            cfg, out if out is not None else "default", on_day,
            catalog=catalog_choice(catalog, no_catalog), on_prepared=on_prepared,
            overwrite=overwrite,
        )  # fmt: skip
    _print_summary(result.summary, result.folder or Path(), result.run_id,
                   by=by, state=state_lines(result.prepared),
                   series=series_line(result.manifest))  # fmt: skip


def _print_regions(summary: dict[str, Any]) -> None:
    """The metro tables: each region's median and 90% interval of the columns.

    First :data:`REGION_COLUMNS`, then :data:`REGION_ECONOMY_COLUMNS` (jobs are changes:
    negative, jobs lost).
    """
    for title, columns in (
        ("By metro area (region of arrest): median (90% interval)", REGION_COLUMNS),
        ("The economy by metro area (jobs on the last day; output and taxes, nominal)",
         REGION_ECONOMY_COLUMNS),
    ):  # fmt: skip
        table = Table(title=title)
        table.add_column("region")
        for _, heading in columns:
            table.add_column(heading, justify="right")
        for region, metrics in summary["regions"].items():
            table.add_row(region, *(_cell(metrics[name]) for name, _ in columns))
        Console().print(table)


def _cell(m: dict[str, Any]) -> str:
    """A metric's median and 90% interval in one cell."""
    unit = m["unit"]
    return (f"{metric_text(m['p50'], unit)} "
            f"({metric_text(m['p05'], unit)} – {metric_text(m['p95'], unit)})")  # fmt: skip


#: The economy's table by calendar year (``deportsim run --by year``): metric, heading.
YEAR_COLUMNS = (
    ("gdp_loss_usd", "output lost"),
    ("gdp_loss_share", "% of GDP"),
    ("employment_change_immigrant", "immigrant jobs"),
    ("employment_change_us_born", "US-born jobs"),
    ("tax_revenue_lost_usd", "taxes lost"),
)
#: The wages by calendar year, a table of their own after it: metric, heading.
YEAR_WAGE_COLUMNS = (
    ("wage_change_no_diploma", "no high-school diploma"),
    ("wage_change_high_school", "high-school diploma, no more"),
)


def _year_table(
    summary: dict[str, Any], title: str, columns: tuple[tuple[str, str], ...], caption: str = ""
) -> Table:
    """A table by calendar year of ``summary``: one column per (metric, heading) of ``columns``."""
    table = Table(title=title, caption=caption or None)
    table.add_column("year (days)")
    for _, heading in columns:
        table.add_column(heading, justify="right")
    for year, block in summary["years"].items():
        cells = [_cell(block["metrics"][name]) for name, _ in columns]
        table.add_row(f"{year} ({block['days']})", *cells)
    return table


def _print_years(summary: dict[str, Any]) -> None:
    """The economy by calendar year: output, share of GDP, jobs at its end, taxes; then wages."""
    console = Console()
    title = "The economy by calendar year: median (90% interval); nominal dollars"
    console.print(_year_table(summary, title, YEAR_COLUMNS))
    title = "Wages on the year's last day in the run, change: median (90% interval)"
    caption = "from competition alone: an upper bound on a gain"
    console.print(_year_table(summary, title, YEAR_WAGE_COLUMNS, caption))


def _print_sectors(summary: dict[str, Any]) -> None:
    """The economy by sector: output lost over the run and immigrant jobs on its last day."""
    metrics = summary["metrics"]
    table = Table(title="The economy by sector: median (90% interval); nominal dollars")
    table.add_column("sector")
    table.add_column("output lost", justify="right")
    table.add_column("immigrant jobs", justify="right")
    jobs = "employment_change_immigrant_"
    for sector in (n.removeprefix(jobs) for n in metrics if n.startswith(jobs)):
        table.add_row(
            sector,
            _cell(metrics[f"gdp_loss_usd_{sector}"]),
            _cell(metrics[f"employment_change_immigrant_{sector}"]),
        )
    Console().print(table)


def _print_summary(
    summary: dict[str, Any],
    out_dir: Path,
    run_id: str | None = None,
    *,
    by: By | None = None,
    state: list[str] | None = None,
    series: str | None = None,
) -> None:
    metrics = summary["metrics"]
    title = f"{summary['scenario']}: {summary['replicates']} replicates"
    # plain echo, not a table title: a long scenario name must not wrap it
    typer.echo(f"{title} from {summary['start']}, {summary['days']} days")
    for line in state or ():  # where the first day's state came from
        typer.echo(line)
    table = Table()
    table.add_column("metric")
    table.add_column("median", justify="right")
    table.add_column("90% interval", justify="right")
    for name in api.REQUIRED_METRICS:  # every metric the interface contract requires
        m = metrics[name]
        table.add_row(
            name,
            metric_text(m["p50"], m["unit"]),
            f"{metric_text(m['p05'], m['unit'])} – {metric_text(m['p95'], m['unit'])}",
        )
    Console().print(table)
    if by is By.region:
        _print_regions(summary)
    elif by is By.year:
        _print_years(summary)
    elif by is By.sector:
        _print_sectors(summary)
    typer.echo(f"Intervals include: {', '.join(summary['intervals']['include'])}")
    if series is not None:
        typer.echo(series)
    if run_id is not None:
        typer.echo(f"Recorded in the catalog as run {run_id} (deportsim runs show {run_id})")
    # plain echo: this line is read by scripts, so it must never be wrapped
    typer.echo(f"Results in {out_dir}/ (summary.json, timeseries.parquet, manifest.json)")


def scenarios(parameters: ParametersOption = None) -> None:
    """List the built-in scenarios, one line each."""
    found = api.scenarios(parameters)
    width = max(len(s.name) for s in found) + 2
    for s in found:
        typer.echo(f"{s.name:<{width}}{s.title}")


def params(
    scenario: Annotated[
        str | None, typer.Option(help="Show values with this scenario's overrides.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
    parameters: ParametersOption = None,
) -> None:
    """Print every parameter: path, values by date, unit, uncertainty and source."""
    table = api.params(scenario, parameters)
    if fmt is Format.json:
        typer.echo(render_json(table.rows))
    elif fmt is Format.csv:
        typer.echo(render_csv(table.rows), nl=False)
    else:
        render_table(table.rows, Console(), table.scenario)
        if table.record_note:
            typer.echo(f"Note: {table.record_note}.")
