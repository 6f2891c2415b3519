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
from deportsim.analysis import calibrate as calibration_defaults
from deportsim.data import store
from deportsim.data.importer import import_files
from deportsim.data.store import ImportedFile
from deportsim.data.update import ICE_PAGE, update
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


class Stays(StrEnum):
    """Stays the backtest replays without a calibration file."""

    fitted = "fitted"
    model = "model"


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


@app.command()
def backtest(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/backtest"),
    seed: Annotated[int, typer.Option(help="Seed of the intervals' draws.")] = 0,
    calibration: Annotated[
        Path | None,
        typer.Option(
            help="A calibration.yaml or model_stays.yaml from deportsim calibrate "
            "(default: the shipped one)."
        ),
    ] = None,
    stays: Annotated[
        Stays,
        typer.Option(
            help="Without --calibration: the backtest's own fitted stays, or the model's "
            "calibrated stays (case paths)."
        ),
    ] = Stays.fitted,
) -> None:
    """Replay detention since October 2018 against ICE's monthly figures; write backtest.json."""
    from deportsim.analysis.backtest import write_backtest  # noqa: PLC0415 (only this verb)

    bt = api.backtest(seed=seed, calibration=calibration, stays=stays.value)
    paths = write_backtest(bt, out)
    table = Table()
    for name in ("series", "months", "in sample: MAPE", "in 90%", "out of sample: MAPE", "in 90%"):
        table.add_column(name, justify="left" if name == "series" else "right",
                         no_wrap=name == "series")  # fmt: skip
    for name, m in bt.metrics().items():
        cells = [name, str(m["months"])]
        for part in ("in_sample", "out_of_sample"):
            p = m.get(part)
            cells += [f"{p['mape']:.1%}", f"{p['coverage90']:.0%}"] if p else ["–", "–"]
        table.add_row(*cells)
    first, last = bt.history.months[0], bt.history.months[-1]
    typer.echo(
        f"Backtest {first} to {last} ({bt.calibration.stays} stays): fitted on FY2019-FY2024, "
        "out of sample from 2024-10"
    )
    Console().print(table)
    for c in bt.claims:
        typer.echo(
            f"Claim {c.id}: {c.figure:,.0f} claimed; backtest median {c.p50:,.0f} "
            f"(90%: {c.p05:,.0f}-{c.p95:,.0f}), {c.gap:+.0%}; ICE's figure {c.observed:,.0f}"
        )
    typer.echo(f"Results in {out}/ ({', '.join(p.name for p in paths)})")


@app.command()
def calibrate(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/calibration"),
    bootstrap: Annotated[
        int, typer.Option(help="Bootstrap refits kept as uncertainty.")
    ] = calibration_defaults.BOOTSTRAP,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = calibration_defaults.SEED,
) -> None:
    """Fit the detention stays on ICE's monthly ADP, FY2019-FY2024.

    Writes calibration.yaml (the backtest's stays) and model_stays.yaml (the model's stay
    parameters, with their bootstrap ranges and their errors in and out of sample).
    """
    if bootstrap < 2:
        raise UserError(
            "--bootstrap must be at least 2", Location("<command line>", path="--bootstrap")
        )
    path, model = api.calibrate(out, bootstrap=bootstrap, seed=seed)
    typer.echo(
        f"Calibration written to {path} (use it with: deportsim backtest --calibration {path})"
    )
    typer.echo(f"The model's stay parameters, calibrated: {model}")


data_app = typer.Typer(
    help="Official statistics: import ICE's workbooks into the local store, show it, update it.",
    no_args_is_help=True,
)
app.add_typer(data_app, name="data")


def _flagged(files: list[ImportedFile]) -> int:
    return sum(1 for f in files for r in f.figures if r.flag) + sum(
        1 for f in files for r in f.facilities if r.flag
    )


def _print_imported(files: list[ImportedFile], db: Path) -> None:
    # One plain line per file: a table would cut long file names in a narrow terminal.
    for f in files:
        typer.echo(
            f"Imported {f.source_file}: FY{f.fiscal_year or '?'}, data to {f.data_date or '?'}, "
            f"{len(f.figures):,} figures, {len(f.facilities):,} facility rows"
        )
    flagged = _flagged(files)
    if flagged:
        typer.echo(f"{flagged:,} rows carry a data-quality flag (column 'flag'; docs/data.md)")
    typer.echo(f"Stored in {db}")


@data_app.command("import")
def data_import(
    paths: Annotated[list[Path], typer.Argument(help="ICE detention statistics workbooks.")],
) -> None:
    """Parse ICE detention statistics workbooks (.xlsx) into the local store, all or nothing."""
    files = import_files(paths)
    _print_imported(files, store.store_path())


@data_app.command("info")
def data_info() -> None:
    """Show where the local store is and which files it holds."""
    found = store.info()
    typer.echo(f"Store: {found.path}" + ("" if found.exists else " (not created yet)"))
    if not found.files:
        typer.echo(
            "No workbooks imported: the model uses the curated table shipped with deportsim "
            "(deportsim data import PATH ... to add ICE's workbooks)."
        )
        return
    table = Table()
    for name in ("file", "fiscal year", "data to", "figures", "facility rows", "imported"):
        table.add_column(name, no_wrap=name == "file")
    for f in found.files:
        table.add_row(
            str(f["source_file"]), str(f["fiscal_year"] or "?"), str(f["data_date"] or "?"),
            f"{f['figures']:,}", f"{f['facilities']:,}", str(f["imported_at"])[:19],
        )  # fmt: skip
    Console().print(table)


@data_app.command("update")
def data_update(
    page: Annotated[
        str, typer.Option(help="Page that links to the workbooks (default: ICE's).")
    ] = ICE_PAGE,
) -> None:
    """Download workbooks from ICE's detention management page that the store lacks."""
    done = update(page)
    typer.echo(f"{len(done.links)} workbook links on {done.page}")
    if done.skipped:
        typer.echo(f"Already in the store: {', '.join(done.skipped)}")
    if not done.imported:
        typer.echo("Nothing new to import.")
        return
    _print_imported(done.imported, store.store_path())


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
