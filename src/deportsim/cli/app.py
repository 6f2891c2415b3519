"""The ``deportsim`` command line: a thin layer over :mod:`deportsim.api`.

Each command calls one function of the library API and prints what it returns; nothing is
computed here. Exit codes: 0 success, 2 a user error (one line on stderr naming file, line and
parameter), 1 an internal error (a bug: the traceback is shown).
"""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer

from deportsim import api
from deportsim.cli import answers, history, simulation, sweeps
from deportsim.cli.data import data_app
from deportsim.cli.runs import runs_app

__all__ = ["app", "main"]

app = typer.Typer(
    name="deportsim",
    help="Simulate the US immigration-enforcement pipeline on aggregate public statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"deportsim {api.__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """deportsim: test enforcement goals against capacity, cost and human consequences."""


# The verbs, in the order `deportsim --help` lists them.
app.command()(simulation.run)
app.command()(simulation.scenarios)
app.command()(simulation.params)
app.command()(history.backtest)
app.command()(history.calibrate)
app.command("compare-estimates")(answers.compare_estimates)
app.command()(answers.report)
app.command()(answers.claims)
app.command()(answers.requirements)
app.command()(sweeps.sweep)
app.command()(sweeps.sensitivity)
app.add_typer(runs_app, name="runs")  # deportsim runs list | show | compare | export
app.add_typer(data_app, name="data")  # deportsim data import | info | update


def _fail(message: str, code: int) -> None:
    typer.echo(f"deportsim: {message}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and map errors to the contract's exit codes."""
    args = sys.argv[1:] if argv is None else argv
    try:
        app(args=args or ["--help"], prog_name="deportsim", standalone_mode=False)
    except api.UserError as exc:
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
