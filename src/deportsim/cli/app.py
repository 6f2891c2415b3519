"""The ``deportsim`` command line: a thin layer over :mod:`deportsim.api`.

Each command calls one function of the library API and prints what it returns; nothing is
computed here. Exit codes: 0 success, 2 a user error (one line on stderr naming file, line and
parameter), 1 a failure that is not the user's: a full disk (one line) or an internal error (a
bug: the traceback is shown), 130 interrupted by SIGINT (Ctrl-C), 143 by SIGTERM (one line).
"""

from __future__ import annotations

import contextlib
import signal
import sys
import traceback
from collections.abc import Iterator
from types import FrameType
from typing import Annotated, Any

import typer

from deportsim import api
from deportsim.cli import answers, forecasts, history, serve, simulation, status, sweeps
from deportsim.cli.data import data_app
from deportsim.cli.runs import runs_app
from deportsim.cli.signals import handle_signals

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
app.command()(status.status)
app.command()(history.backtest)
app.command()(history.calibrate)
app.command()(forecasts.forecast)
app.command("compare-estimates")(answers.compare_estimates)
app.command()(answers.report)
app.command()(answers.claims)
app.command()(answers.requirements)
app.command()(sweeps.sweep)
app.command()(sweeps.sensitivity)
app.add_typer(runs_app, name="runs")  # deportsim runs list | show | compare | export
app.add_typer(data_app, name="data")  # deportsim data import | info | update
app.command()(serve.serve)


def _fail(message: str, code: int) -> None:
    typer.echo(f"deportsim: {message}", err=True)
    sys.exit(code)


@contextlib.contextmanager
def _interrupts() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`api.Interrupted` while the block runs.

    The first is noted as the stop asked for (:func:`api.request_stop`; the block reads it with
    :func:`api.stop_requested`), so that a run whose exception Python discarded still stops
    before putting its results in place. A signal ignored
    when the process started (a background job's SIGINT) stays ignored. The earlier handlers are
    restored on leaving (``main`` may be called more than once, in tests).
    """
    interrupted, request_stop = api.Interrupted, api.request_stop  # loaded before any signal

    def handler(signum: int, _frame: FrameType | None) -> None:
        request_stop(signum)
        raise interrupted(signum)

    def unraisable(info: Any) -> None:
        # the handler's exception raised where Python discards it (a finalizer): the stop it
        # asked for is noted and acted on, so nothing is printed for it
        if not isinstance(info.exc_value, interrupted):
            hook(info)

    api.clear_stop()
    hook, sys.unraisablehook = sys.unraisablehook, unraisable
    earlier = handle_signals(handler)
    try:
        yield
    finally:
        for sig, old in earlier.items():
            signal.signal(sig, old)
        sys.unraisablehook = hook
        api.clear_stop()


def interrupted_line(name: str, kept: bool) -> str:
    """The line an interrupted command prints (``kept``: it came as results were put in place)."""
    if kept:
        return f"interrupted ({name}) as its results were put in place: they are complete and kept"
    return f"interrupted ({name}); unfinished results were not kept"


def _run(args: list[str], kept: list[bool]) -> int:
    """Run the app; its exit code (a user error: its one line printed first).

    ``kept`` gets True when an interruption came while the results were being put in place, so
    that they were completed and kept (:func:`deportsim.core.signals.held`).
    """
    try:
        code = app(args=args or ["--help"], prog_name="deportsim", standalone_mode=False)
    except api.UserError as exc:
        _fail(f"error: {exc.one_line()}", exc.exit_code)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.TyperException as exc:  # usage errors: unknown option, bad value, missing argument
        _fail(f"error: {' '.join(exc.format_message().split())}", 2)
    except (typer.Abort, KeyboardInterrupt) as exc:
        cause = exc.__cause__ if isinstance(exc, typer.Abort) else exc
        kept.append(bool(getattr(cause, "after_held", False)))
        return 130  # the line is main's
    except Exception as exc:  # noqa: BLE001 - anything else is a bug: show it, exit 1
        if (full := api.DiskFullError.of(exc)) is not None:  # not a bug: one line, exit 1
            _fail(f"error: {full.one_line()}", full.exit_code)
        traceback.print_exc()
        _fail("internal error (a bug in deportsim); please report it with the traceback above", 1)
    return code if isinstance(code, int) else 0  # typer returns 130 for a KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and map errors to the contract's exit codes.

    SIGINT exits 130 and SIGTERM 143, with one line: the run in progress removes its partial
    files and marks its catalog record interrupted, and earlier results are kept.
    """
    args = sys.argv[1:] if argv is None else argv
    kept: list[bool] = []
    with _interrupts():
        try:
            code = _run(args, kept)
        except SystemExit as exc:
            if (signum := api.stop_requested()) is None or exc.code in (0, 2):
                raise
            sys.exit(128 + signum)  # a verb that said what was kept (a sweep)
        received = api.stop_requested()
    if received is not None or code == 130:
        signum = received or signal.SIGINT
        _fail(interrupted_line(signal.Signals(signum).name, any(kept)), 128 + signum)
    sys.exit(code)


if __name__ == "__main__":
    main()
