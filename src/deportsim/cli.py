"""The ``deportsim`` command line: a thin layer over :mod:`deportsim.api`.

Exit codes: 0 success, 2 a user error (one line on stderr naming file, line and parameter), 1 an
internal error (a bug: the traceback is shown).
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import traceback
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from deportsim import api
from deportsim._version import __version__
from deportsim.errors import Location, UserError
from deportsim.parameters import load_parameters
from deportsim.paramview import parameter_rows, render_csv, render_json, render_table
from deportsim.results import REQUIRED_METRICS
from deportsim.scenarios import builtin_scenarios, load_scenario

app = typer.Typer(
    name="deportsim",
    help="Simulate the US immigration-enforcement pipeline on aggregate public statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# metrics shown after a run, in this order
#: Printed after a run: every metric the interface contract requires (all are in summary.json).
_SHOWN = REQUIRED_METRICS


_PARAMETERS_OPTION = typer.Option(help="Folder of parameter files to use instead of the built-in.")


class Format(StrEnum):
    """Output formats of ``deportsim params``."""

    table = "table"
    json = "json"
    csv = "csv"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"deportsim {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """deportsim: test enforcement goals against capacity, cost and human consequences."""


def _parse_start(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"bad date {text!r}: expected YYYY-MM-DD", Location("<command line>", path="--start")
        ) from None


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit.startswith("USD") and abs(value) >= 1e9:
        return f"${value / 1e9:,.1f}B"
    if unit.startswith("USD"):
        return f"${value:,.0f}"
    return f"{value:,.0f}"


@app.command()
def run(
    scenario: Annotated[
        str, typer.Argument(help="Built-in scenario name or path to a scenario .yaml file.")
    ] = api.DEFAULT_SCENARIO,
    replicates: Annotated[int, typer.Option(help="Monte Carlo replicates.")] = 100,
    seed: Annotated[int, typer.Option(help="Run seed (same seed, same results).")] = 0,
    years: Annotated[float, typer.Option(help="Years to simulate.")] = 4.0,
    start: Annotated[
        str | None,
        typer.Option(help="First day, YYYY-MM-DD (default: the scenario's, else 2025-01-20)."),
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter for the whole run: PATH=VALUE [UNIT]."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: out/<scenario>/).")
    ] = None,
    parameters: Annotated[Path | None, _PARAMETERS_OPTION] = None,
) -> None:
    """Run a scenario; write summary.json, timeseries.parquet and manifest.json."""
    cfg = api.RunConfig(
        scenario=scenario, replicates=replicates, seed=seed, years=years,
        start=_parse_start(start), sets=tuple(sets or ()), parameters=parameters,
    )  # fmt: skip
    prep = api.prepare(cfg)
    # the modules and parameters loaded so far live as long as the command: keep the garbage
    # collector from scanning them again and again while the model runs
    gc.freeze()
    out_dir = out if out is not None else api.default_out(prep.scenario)
    err = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal,
    )  # fmt: skip
    with progress:
        task = progress.add_task(
            f"{prep.scenario.name}: {cfg.replicates} replicates", total=prep.days
        )
        last = prep.days - 1

        def on_day(t: int) -> None:
            progress.update(task, completed=t + 1)
            if t == last:
                progress.update(task, description=f"{prep.scenario.name}: writing results")

        result = api.run_prepared(prep, out_dir, on_day=on_day)
    _print_summary(result.summary, out_dir)


def _print_summary(summary: dict[str, object], out_dir: Path) -> None:
    metrics = summary["metrics"]
    assert isinstance(metrics, dict)  # noqa: S101 - summary comes from api.execute
    title = f"{summary['scenario']}: {summary['replicates']} replicates"
    # plain echo, not a table title: a long scenario name must not wrap it
    typer.echo(f"{title} from {summary['start']}, {summary['days']} days")
    table = Table()
    table.add_column("metric")
    table.add_column("mean", justify="right")
    table.add_column("90% interval", justify="right")
    for name in _SHOWN:
        m = metrics[name]
        table.add_row(
            name,
            _fmt(m["mean"], m["unit"]),
            f"{_fmt(m['p05'], m['unit'])} – {_fmt(m['p95'], m['unit'])}",
        )
    console = Console()
    console.print(table)
    # plain echo: this line is read by scripts, so it must never be wrapped
    typer.echo(f"Results in {out_dir}/ (summary.json, timeseries.parquet, manifest.json)")


@app.command()
def scenarios(parameters: Annotated[Path | None, _PARAMETERS_OPTION] = None) -> None:
    """List the built-in scenarios, one line each."""
    params = load_parameters(parameters)
    names = builtin_scenarios()
    width = max(len(n) for n in names) + 2
    for name in names:
        sc = load_scenario(name, params)
        typer.echo(f"{name:<{width}}{sc.title}")


@app.command()
def params(
    scenario: Annotated[
        str | None, typer.Option(help="Show values with this scenario's overrides.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
    parameters: Annotated[Path | None, _PARAMETERS_OPTION] = None,
) -> None:
    """Print every parameter: path, values by date, unit, uncertainty and source."""
    params_set = load_parameters(parameters)
    sc = load_scenario(scenario, params_set, label="--scenario") if scenario else None
    rows = parameter_rows(params_set, sc)
    if fmt is Format.json:
        typer.echo(render_json(rows))
    elif fmt is Format.csv:
        typer.echo(render_csv(rows), nl=False)
    else:
        render_table(rows, Console(), sc.name if sc else None)


def _fail(message: str, code: int) -> None:
    typer.echo(f"deportsim: {message}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and map errors to the contract's exit codes."""
    args = sys.argv[1:] if argv is None else argv
    try:
        app(args=args or ["--help"], prog_name="deportsim", standalone_mode=False)
    except UserError as exc:
        _fail(f"error: {exc.one_line()}", exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # usage errors: unknown option, bad value, missing argument
        _fail(f"error: {' '.join(exc.format_message().split())}", 2)
    except (typer.Abort, KeyboardInterrupt):
        _fail("interrupted; results were not written", 130)
    except Exception:  # noqa: BLE001 - anything else is a bug: show it, exit 1
        traceback.print_exc()
        _fail("internal error (a bug in deportsim); please report it with the traceback above", 1)
    sys.exit(0)


if __name__ == "__main__":
    main()
