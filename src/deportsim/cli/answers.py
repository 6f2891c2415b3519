"""``deportsim claims``, ``requirements``, ``compare-estimates`` and ``report``."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import TaskID
from rich.table import Table

from deportsim import api
from deportsim.cli.options import (
    SCENARIO_START,
    CatalogOption,
    FixedParameters,
    NoCatalogOption,
    ParametersOption,
    ScenarioArg,
    ScenarioOut,
    Seed,
    SetOption,
    Years,
    catalog_choice,
    echo_recorded,
    start_rule,
)
from deportsim.cli.progress import counted, timed
from deportsim.views.estimates import (
    ECONOMY_HEADINGS,
    HEADINGS,
    economy_header,
    economy_line,
    economy_rows,
    estimate_header,
    estimate_line,
    estimate_rows,
)
from deportsim.views.requirements import render_requirements

__all__ = ["claims", "compare_estimates", "report", "requirements"]

#: ``--start`` of report and requirements: a date from the latest data's state, or the scenario's.
StartRule = Annotated[
    str | None,
    typer.Option(
        "--start",
        help="First day, YYYY-MM-DD, from the latest data's state as for deportsim run (the "
        "people ICE held then, on ATD, the people at large carried forward; a later day "
        "bridged); default, or 'scenario': the scenario's own start and first-day values "
        "(2025-01-20 for the built-in ones).",
    ),
]

_VERDICTS = {"supported": "supported", "not_supported": "not supported", "depends": "depends"}


def compare_estimates(
    replicates: Annotated[int, typer.Option(help="Monte Carlo replicates of each run.")] = 50,
    seed: Seed = 0,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/estimates"),
    estimates: Annotated[
        Path | None,
        typer.Option(help="An estimates file to use instead of the shipped one (same layout)."),
    ] = None,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
    fixed_parameters: FixedParameters = False,
) -> None:
    """Set published costs per removal beside the model's, with the assumptions behind each gap.

    Writes estimates.json: each estimate's figure and sources, the model's average cost per
    removal by default and under the estimate's assumptions, and each assumption's contribution;
    then the published economic estimates (GDP, taxes, US-born jobs) reproduced under their own
    assumptions beside the model's own figure.
    """
    recorded: list[str] = []
    comparison = api.compare_estimates(
        replicates=replicates, seed=seed, estimates=estimates, out=out,
        parameter_uncertainty=not fixed_parameters,
        catalog=catalog_choice(catalog, no_catalog), on_record=recorded.append,
    )  # fmt: skip
    path = out / "estimates.json"
    typer.echo(estimate_header(comparison))
    table = Table()
    for i, name in enumerate(HEADINGS):
        wrap = name != "90% interval"
        table.add_column(name, justify="right" if i else "left", no_wrap=not wrap)
    for row in estimate_rows(comparison):
        table.add_row(*row)
    Console().print(table)
    # plain lines, never wrapped by us: one per estimate, the gap split into its reasons
    for r in comparison.results:
        typer.echo(estimate_line(r, comparison.spec.model_dollar_year))
    if comparison.economy is not None:
        typer.echo(economy_header(comparison.economy))
        econ = Table()
        for i, name in enumerate(ECONOMY_HEADINGS):
            econ.add_column(name, justify="right" if i else "left")
        for row in economy_rows(comparison.economy):
            econ.add_row(*row)
        Console().print(econ)
        for a in comparison.economy.results:
            typer.echo(economy_line(a))
    echo_recorded(recorded)
    typer.echo(f"Results in {path}")


def report(
    scenario: ScenarioArg = api.DEFAULT_SCENARIO,
    compare: Annotated[
        list[str] | None,
        typer.Option(help="Another scenario to overlay on every chart; may be repeated."),
    ] = None,
    replicates: Annotated[int, typer.Option(help="Monte Carlo replicates.")] = 100,
    seed: Seed = 0,
    years: Years = 4.0,
    start: StartRule = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter in every scenario: PATH=VALUE [UNIT]."),
    ] = None,
    claims_file: Annotated[
        Path | None,
        typer.Option(
            "--claims",
            help="A claims.json written by deportsim claims, to show instead of testing the "
            "claims again.",
        ),
    ] = None,
    no_claims: Annotated[
        bool, typer.Option("--no-claims", help="Leave out the claims (quicker).")
    ] = False,
    sensitivity: Annotated[
        str | None,
        typer.Option(
            "--sensitivity",
            help="A sensitivity.json written by deportsim sensitivity (or its folder, or its "
            "run id): the report names each metric's 3 most influential parameters.",
        ),
    ] = None,
    out: ScenarioOut = None,
    parameters: ParametersOption = None,
    fixed_parameters: FixedParameters = False,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
) -> None:
    """Run scenarios; write a self-contained report.html with charts, and a PNG per chart."""
    first, rule = start_rule(start, "scenario")
    cfg = api.RunConfig(
        scenario=scenario, replicates=replicates, seed=seed, years=years, start=first,
        start_rule=rule, sets=tuple(sets or ()),
        parameters=parameters, parameter_uncertainty=not fixed_parameters,
    )  # fmt: skip
    if claims_file is not None and no_claims:
        cli = api.Location("<command line>")
        raise api.UserError("give --claims or --no-claims, not both", cli)
    gc.freeze()  # as in run: loaded modules and parameters need no more garbage collection
    progress = timed()
    tasks: dict[str, TaskID] = {}

    def on_claim(claim_id: str) -> None:
        if "claims" not in tasks:
            tasks["claims"] = progress.add_task("claims", total=None)
        progress.update(tasks["claims"], description=f"claim {claim_id}")

    def on_day(prep: api.Prepared, t: int) -> None:
        if "claims" in tasks:  # the claims are tested before the scenarios run
            progress.remove_task(tasks.pop("claims"))
        name = prep.scenario.name
        if name not in tasks:
            label = f"{name}: {prep.config.replicates} replicates"
            tasks[name] = progress.add_task(label, total=prep.days)
        progress.update(tasks[name], completed=t + 1)

    recorded: list[str] = []
    with progress:
        done = api.report(
            cfg, tuple(compare or ()), out=out,
            claims=None if no_claims else claims_file if claims_file is not None else "test",
            on_day=on_day, catalog=catalog_choice(catalog, no_catalog),
            on_record=recorded.append, sensitivity=sensitivity, on_claim=on_claim,
        )  # fmt: skip
    names = [scenario, *(compare or ())]
    typer.echo(f"{' vs '.join(names)}: {replicates} replicates, {years:g} years, seed {seed}")
    echo_recorded(recorded)
    charts = len(done.paths) - 1
    typer.echo(f"Report in {done.paths[0]}, with {charts} charts as PNG files beside it")
    for metric, top in done.top.items():
        typer.echo(f"Top 3 for {metric}: {', '.join(top) or 'none (it did not vary)'}")


def _claim_value(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value:.0%}"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def claims(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/claims"),
    replicates: Annotated[int, typer.Option(help="Monte Carlo replicates of each run.")] = 100,
    seed: Seed = 0,
    explain: Annotated[
        bool, typer.Option(help="Print each claim's explanation after the table.")
    ] = True,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
    fixed_parameters: FixedParameters = False,
) -> None:
    """Test each claim of the claims guide; write claims.json with verdicts and explanations."""
    progress = counted()
    with progress:
        task: list[TaskID] = []

        def on_start(count: int) -> None:
            task.append(progress.add_task("claims", total=count))

        def on_claim(claim_id: str) -> None:
            progress.update(task[0], description=f"claim {claim_id}", advance=1)

        recorded: list[str] = []
        results = api.claims(
            replicates=replicates, seed=seed, out=out, on_claim=on_claim,
            parameter_uncertainty=not fixed_parameters,
            catalog=catalog_choice(catalog, no_catalog), on_record=recorded.append,
            on_start=on_start,
        )  # fmt: skip
    drawn = "" if fixed_parameters else " and parameter uncertainty"
    table = Table(
        caption=f"90% intervals over {replicates} replicates: process noise{drawn} "
        "(the backtest's claims: its calibration and misfit)"
    )
    for name in ("claim", "verdict", "model: median (90% interval)", "binding constraint"):
        table.add_column(name, no_wrap=name == "claim")
    for r in results:
        unit, iv = r.spec.unit, r.result
        shown = (
            f"{_claim_value(iv.p50, unit)} ({_claim_value(iv.p05, unit)} to "
            f"{_claim_value(iv.p95, unit)}) {unit if unit not in {'share', 'ratio'} else ''}"
        )
        table.add_row(
            r.spec.id, _VERDICTS[r.verdict], shown.strip(), r.binding_constraint.replace("_", " ")
        )
    Console().print(table)
    if explain:
        for r in results:
            typer.echo(f"\n{r.spec.id} ({_VERDICTS[r.verdict]}): {r.explanation}")
    typer.echo("")
    echo_recorded(recorded)
    typer.echo(f"Results in {out}/claims.json")


def requirements(
    scenario: ScenarioArg,
    target: Annotated[
        list[str] | None,
        typer.Option(
            help="METRIC=VALUE to reach each year: removals_per_year, arrests_per_day, "
            "detained_mean (at least) or court_backlog_end (at most); may be repeated."
        ),
    ] = None,
    probability: Annotated[
        float, typer.Option(help="Share of replicates that must reach the target in a year.")
    ] = 0.5,
    from_year: Annotated[
        int | None,
        typer.Option(
            help="First year the target applies (earlier years: the scenario's own). Default: the "
            "first year not mostly on the published record (year 1 for a scenario that does not "
            "follow it)."
        ),
    ] = None,
    replicates: Annotated[int, typer.Option(help="Replicates of the stochastic runs.")] = 100,
    seed: Annotated[int, typer.Option(help="Seed of the stochastic runs.")] = 0,
    years: Years = 4.0,
    start: StartRule = None,
    sets: SetOption = None,
    out: ScenarioOut = None,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
    fixed_parameters: FixedParameters = False,
) -> None:
    """Find the resources, year by year, to reach a target; write requirements.json."""
    first, rule = start_rule(start, "scenario")
    cfg = api.RunConfig(
        scenario=scenario, replicates=replicates, seed=seed, years=years, sets=tuple(sets or ()),
        parameter_uncertainty=not fixed_parameters, start=first,
        start_rule=rule,
    )  # fmt: skip
    err = Console(stderr=True)
    status = err.status("searching") if err.is_terminal else None  # no spinner in a pipe
    if status is not None:
        status.start()
    recorded: list[str] = []
    try:
        done = api.requirements(
            cfg, tuple(target or ()), probability=probability, from_year=from_year,
            out=out if out is not None else "default",
            on_status=None if status is None else status.update,
            catalog=catalog_choice(catalog, no_catalog), on_record=recorded.append,
        )  # fmt: skip
    finally:
        if status is not None:
            status.stop()
    data, out_dir = done.document, done.folder
    goals = ", ".join(
        f"{t['metric']} {'at most' if t['kind'] == 'at_most' else 'at least'} {t['value']:,.0f}"
        for t in data["targets"]
    )
    typer.echo(
        f"{done.scenario}: {goals}, each year from year {data['from_year']}, in at least "
        f"{probability:.0%} of {replicates} replicates (mean-field search, stochastic check; "
        f"replicates {'keep the parameters fixed' if fixed_parameters else 'draw the parameters'})"
    )
    render_requirements(data, Console())
    for y in data["years"]:
        for reason in y["reasons"]:
            typer.echo(f"Year {y['year']}: not reachable: {reason}")
    echo_recorded(recorded)
    typer.echo(f"Results in {out_dir}/ ({', '.join(reversed([p.name for p in done.files]))})")
    typer.echo(
        f"Check: deportsim run {done.files[0]} --start {first or SCENARIO_START} "
        f"--years {years:g} --replicates {replicates} --seed {seed}"
        f"{' --fixed-parameters' if fixed_parameters else ''}"
    )
