"""``deportsim forecast``: the model's forecast from a date, or the evaluation of its forecasts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import TaskID
from rich.table import Table

from deportsim import api
from deportsim.cli.options import (
    CatalogOption,
    NoCatalogOption,
    Seed,
    catalog_choice,
    echo_recorded,
)
from deportsim.cli.progress import counted

__all__ = ["forecast"]

_CLI = api.Location("<command line>")


def _check(scenario: str | None, as_of: str | None, evaluate: bool, evaluating: bool) -> None:
    """The options of one form or the other, not both (UserError naming the one at fault)."""
    if evaluate:
        if scenario is not None:
            raise api.UserError(
                "--evaluate scores the forecasts of directive-2025: give no SCENARIO with it",
                _CLI.with_path("SCENARIO"),
            )
        if as_of is not None:
            raise api.UserError(
                "--evaluate forecasts from every origin month: give no --as-of with it",
                _CLI.with_path("--as-of"),
            )
        return
    if scenario is None:
        raise api.UserError(
            "give a SCENARIO and --as-of, or --evaluate", _CLI.with_path("SCENARIO")
        )
    if as_of is None:
        raise api.UserError(
            "give the forecast's date: --as-of YYYY-MM-DD", _CLI.with_path("--as-of")
        )
    if evaluating:
        raise api.UserError(
            "--first-origin and --quick are options of --evaluate",
            _CLI.with_path("--first-origin/--quick"),
        )


def _n(value: Any) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _print_forecast(done: api.ForecastAnswer) -> None:
    fc = done.forecast
    newest = f"; newest workbook {done.newest[0]}, data to {done.newest[1]}" if done.newest else ""
    typer.echo(
        f"Forecast of {fc.scenario} as of {fc.as_of}: from the people detained in {fc.origin}, "
        f"the last month published by then{newest}; {fc.replicates:,} replicates, seed "
        f"{fc.seed}, from {fc.start}"
    )
    table = Table()
    for name in ("series", "month", "median", "90% interval"):
        table.add_column(name, justify="left" if name in {"series", "month"} else "right",
                         no_wrap=True)  # fmt: skip
    for name, rows in done.document["series"].items():
        for i, r in enumerate(rows):
            table.add_row(
                name if i == 0 else "", r["month"], _n(r["p50"]),
                f"{_n(r['p05'])} – {_n(r['p95'])}", end_section=i == len(rows) - 1,
            )  # fmt: skip
    Console().print(table)
    for note in done.notes:
        typer.echo(f"Note: {note}")


def _print_evaluation(done: api.EvaluationAnswer) -> None:
    methods = list(done.document["methods"])
    wis = {
        (r.series, r.method, r.horizon): r.scores
        for r in done.rows
        if r.window == done.window and r.scores is not None
    }
    typer.echo(
        f"Rolling-origin evaluation, origins {done.first_origin} to {done.last_origin}, scored "
        f"{done.window} (model: {done.replicates:,} replicates)"
    )
    table = Table(title="WIS by method (lower is better), and the model's MAPE")
    table.add_column("series", no_wrap=True)
    table.add_column("ahead", justify="right")
    for m in methods:
        table.add_column(m, justify="right", no_wrap=True)
    table.add_column("MAPE", justify="right")
    for series in dict.fromkeys(r.series for r in done.rows):
        for h in sorted({r.horizon for r in done.rows}):
            model = wis.get((series, "model", h))
            table.add_row(
                series, str(h), *(_n(s.wis) if (s := wis.get((series, m, h))) else "-"
                                  for m in methods),
                f"{model.mape:.1%}" if model else "-",
            )  # fmt: skip
    Console().print(table)
    typer.echo(f"Issue 20's targets, origins {done.window}:")
    for t in done.targets:
        typer.echo(f"  {t.text}")


def forecast(
    scenario: Annotated[
        str | None,
        typer.Argument(help="Built-in scenario name or path to a scenario .yaml file."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The forecast's date, YYYY-MM-DD: it starts from the last month ICE had "
            "published by then and reads nothing published later.",
        ),
    ] = None,
    months: Annotated[int, typer.Option(help="Months to forecast, 1 to 60.")] = 6,
    replicates: Annotated[
        int | None,
        typer.Option(help="Monte Carlo replicates (default: 100; 10 with --quick)."),
    ] = None,
    seed: Seed = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Output folder (default: out/<scenario>/; with --evaluate, "
            "out/forecast-evaluation/)."
        ),
    ] = None,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate",
            help="Instead of one forecast: the rolling-origin evaluation of directive-2025's "
            "forecasts beside the naive baselines.",
        ),
    ] = False,
    first_origin: Annotated[
        str | None,
        typer.Option(
            "--first-origin",
            help="With --evaluate: the first origin month, YYYY-MM (default: 2024-10).",
        ),
    ] = None,
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="With --evaluate: a small, fast evaluation (origins from 2025-06, 10 "
            "replicates unless --replicates).",
        ),
    ] = False,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
) -> None:
    """Forecast the monthly series from the state published by a date, or evaluate forecasts.

    With SCENARIO and --as-of: forecast.json and forecast.png. With --evaluate: evaluation.json,
    evaluation.md and evaluation.png.
    """
    _check(scenario, as_of, evaluate, first_origin is not None or quick)
    recorded: list[str] = []
    choice = catalog_choice(catalog, no_catalog)
    if evaluate:
        progress = counted("origins", eta=True)
        task: list[TaskID] = []

        def on_origin(done: int, total: int) -> None:
            if not task:
                task.append(progress.add_task("forecast --evaluate", total=total))
            progress.update(task[0], completed=done, total=total)

        with progress:
            scored = api.forecast_evaluation(
                out, replicates=replicates, seed=seed, first_origin=first_origin, quick=quick,
                progress=on_origin, catalog=choice, on_record=recorded.append,
            )  # fmt: skip
        _print_evaluation(scored)
        echo_recorded(recorded)
        typer.echo(f"Results in {scored.folder}/ (evaluation.json, evaluation.md, evaluation.png)")
        return
    assert scenario is not None  # noqa: S101 - _check refused the rest
    assert as_of is not None  # noqa: S101
    done = api.forecast(
        scenario, as_of, months, replicates=100 if replicates is None else replicates, seed=seed,
        out=out, catalog=choice, on_record=recorded.append,
    )  # fmt: skip
    _print_forecast(done)
    echo_recorded(recorded)
    typer.echo(f"Results in {done.folder}/ (forecast.json, forecast.png)")
