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
from rich.progress import TaskID
from rich.table import Table

from deportsim import api
from deportsim._version import __version__
from deportsim.analysis import calibrate as calibration_defaults
from deportsim.data import store
from deportsim.data.importer import import_files
from deportsim.data.store import ImportedFile
from deportsim.data.update import ICE_PAGE, update
from deportsim.errors import Location, UserError
from deportsim.numbers import metric_text
from deportsim.parameters import load_parameters
from deportsim.paramview import parameter_rows, render_csv, render_json, render_table
from deportsim.progressbar import counted, timed
from deportsim.results import REQUIRED_METRICS
from deportsim.runs_cli import (
    CatalogOption,
    NoCatalogOption,
    catalog_choice,
    echo_recorded,
    runs_app,
)
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
# Options shared by the verbs that run scenarios (run, report, requirements, claims, ...).
ScenarioArg = Annotated[
    str, typer.Argument(help="Built-in scenario name or path to a scenario .yaml file.")
]
Seed = Annotated[int, typer.Option(help="Run seed (same seed, same results).")]
Years = Annotated[float, typer.Option(help="Years to simulate.")]
Start = Annotated[
    str | None,
    typer.Option(help="First day, YYYY-MM-DD (default: the scenario's, else 2025-01-20)."),
]
ScenarioOut = Annotated[Path | None, typer.Option(help="Output folder (default: out/<scenario>/).")]
FixedParameters = Annotated[
    bool,
    typer.Option(
        "--fixed-parameters",
        help="Keep every parameter at its value: intervals show process noise only (by default "
        "each replicate draws the uncertain parameters from their ranges).",
    ),
]


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


_fmt = metric_text


@app.command()
def run(
    scenario: ScenarioArg = api.DEFAULT_SCENARIO,
    replicates: Annotated[int, typer.Option(help="Monte Carlo replicates.")] = 100,
    seed: Seed = 0,
    years: Years = 4.0,
    start: Start = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter for the whole run: PATH=VALUE [UNIT]."),
    ] = None,
    out: ScenarioOut = None,
    parameters: Annotated[Path | None, _PARAMETERS_OPTION] = None,
    fixed_parameters: FixedParameters = False,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
) -> None:
    """Run a scenario; write summary.json, timeseries.parquet and manifest.json."""
    cfg = api.RunConfig(
        scenario=scenario, replicates=replicates, seed=seed, years=years,
        start=_parse_start(start), sets=tuple(sets or ()), parameters=parameters,
        parameter_uncertainty=not fixed_parameters,
    )  # fmt: skip
    prep = api.prepare(cfg)
    # the modules and parameters loaded so far live as long as the command: keep the garbage
    # collector from scanning them again and again while the model runs
    gc.freeze()
    out_dir = out if out is not None else api.default_out(prep.scenario)
    progress = timed()
    with progress:
        task = progress.add_task(
            f"{prep.scenario.name}: {cfg.replicates} replicates", total=prep.days
        )
        last = prep.days - 1

        def on_day(t: int) -> None:
            progress.update(task, completed=t + 1)
            if t == last:
                progress.update(task, description=f"{prep.scenario.name}: writing results")

        result = api.run_prepared(
            prep, out_dir, on_day=on_day, catalog=catalog_choice(catalog, no_catalog)
        )
    _print_summary(result.summary, out_dir, result.run_id)


def _print_summary(summary: dict[str, object], out_dir: Path, run_id: str | None = None) -> None:
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
    intervals = summary["intervals"]
    assert isinstance(intervals, dict)  # noqa: S101 - summary comes from api.execute
    typer.echo(f"Intervals include: {', '.join(intervals['include'])}")
    if run_id is not None:
        typer.echo(f"Recorded in the catalog as run {run_id} (deportsim runs show {run_id})")
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
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
) -> None:
    """Replay detention since October 2018 against ICE's monthly figures; write backtest.json."""
    recorded: list[str] = []
    bt = api.backtest(
        seed=seed, calibration=calibration, stays=stays.value, out=out,
        catalog=catalog_choice(catalog, no_catalog), on_record=recorded.append,
    )  # fmt: skip
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
    echo_recorded(recorded)
    typer.echo(f"Results in {out}/ (backtest.json, backtest.png)")


@app.command()
def calibrate(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/calibration"),
    bootstrap: Annotated[
        int, typer.Option(help="Bootstrap refits kept as uncertainty.")
    ] = calibration_defaults.BOOTSTRAP,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = calibration_defaults.SEED,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
) -> None:
    """Fit the detention stays on ICE's monthly ADP, FY2019-FY2024.

    Writes calibration.yaml (the backtest's stays) and model_stays.yaml (the model's stay
    parameters, with their bootstrap ranges and their errors in and out of sample).
    """
    if bootstrap < 2:
        raise UserError(
            "--bootstrap must be at least 2", Location("<command line>", path="--bootstrap")
        )
    recorded: list[str] = []
    path, model = api.calibrate(
        out, bootstrap=bootstrap, seed=seed, catalog=catalog_choice(catalog, no_catalog),
        on_record=recorded.append,
    )  # fmt: skip
    echo_recorded(recorded)
    typer.echo(
        f"Calibration written to {path} (use it with: deportsim backtest --calibration {path})"
    )
    typer.echo(f"The model's stay parameters, calibrated: {model}")


@app.command("compare-estimates")
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
    removal by default and under the estimate's assumptions, and each assumption's contribution.
    """
    recorded: list[str] = []
    comparison = api.compare_estimates(
        replicates=replicates, seed=seed, estimates=estimates, out=out,
        parameter_uncertainty=not fixed_parameters,
        catalog=catalog_choice(catalog, no_catalog), on_record=recorded.append,
    )  # fmt: skip
    path = out / "estimates.json"
    cfg = comparison.config
    typer.echo(
        f"Cost per removal, model base {comparison.spec.base_scenario}: {replicates} replicates "
        f"from {cfg['start']}, {cfg['days']} days, USD of {comparison.spec.model_dollar_year}; "
        f"intervals: {' and '.join(comparison.include)}"
    )
    table = Table()
    table.add_column("estimate")
    for name in ("published", "model, its assumptions", "90% interval", "model default"):
        table.add_column(name, justify="right", no_wrap=name == "90% interval")
    for r in comparison.results:
        pub = r.estimate.published
        shown = f"${r.published_model_dollars:,.0f}"
        if r.deflator_factor != 1.0:
            shown += f" ({pub.dollar_year}: ${pub.value:,.0f})"
        u = r.under
        table.add_row(
            r.estimate.name, shown, f"${u.p50:,.0f}", f"${u.p05:,.0f}-{u.p95:,.0f}",
            f"${r.default.p50:,.0f}",
        )  # fmt: skip
    Console().print(table)
    # plain lines, never wrapped by us: one per estimate, the gap split into its reasons
    for r in comparison.results:
        reasons = [f"{c.label} {c.usd:+,.0f}" for c in r.main_reasons(3)]
        if abs(r.interaction) >= 500:  # an interaction of a few dollars is not worth a word
            reasons.append(f"together {r.interaction:+,.0f}")
        typer.echo(
            f"{r.estimate.id}: model default ${r.default.mean_field:,.0f}, with its assumptions "
            f"${r.under.mean_field:,.0f} ({'; '.join(reasons)}); published "
            f"${r.published_model_dollars:,.0f}, {r.residual:+,.0f} not in the model"
        )
    echo_recorded(recorded)
    typer.echo(f"Results in {path}")


@app.command()
def report(
    scenario: ScenarioArg = api.DEFAULT_SCENARIO,
    compare: Annotated[
        list[str] | None,
        typer.Option(help="Another scenario to overlay on every chart; may be repeated."),
    ] = None,
    replicates: Annotated[int, typer.Option(help="Monte Carlo replicates.")] = 100,
    seed: Seed = 0,
    years: Years = 4.0,
    start: Start = None,
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
    parameters: Annotated[Path | None, _PARAMETERS_OPTION] = None,
    fixed_parameters: FixedParameters = False,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
) -> None:
    """Run scenarios; write a self-contained report.html with charts, and a PNG per chart."""
    from deportsim.report import read_claims, read_sensitivity  # noqa: PLC0415 (only this verb)

    cfg = api.RunConfig(
        scenario=scenario, replicates=replicates, seed=seed, years=years,
        start=_parse_start(start), sets=tuple(sets or ()), parameters=parameters,
        parameter_uncertainty=not fixed_parameters,
    )  # fmt: skip
    if claims_file is not None and no_claims:
        raise UserError("give --claims or --no-claims, not both", Location("<command line>"))
    sens = None if sensitivity is None else read_sensitivity(sensitivity, catalog)
    gc.freeze()  # as in run: loaded modules and parameters need no more garbage collection
    progress = timed()
    tasks: dict[str, TaskID] = {}

    def on_day(prep: api.Prepared, t: int) -> None:
        name = prep.scenario.name
        if name not in tasks:
            label = f"{name}: {prep.config.replicates} replicates"
            tasks[name] = progress.add_task(label, total=prep.days)
        progress.update(tasks[name], completed=t + 1)

    def tested() -> list[dict[str, object]]:
        """The claims of the claims guide, tested with the report's replicates and seed."""
        task = progress.add_task("claims", total=None)

        def on_claim(claim_id: str) -> None:
            progress.update(task, description=f"claim {claim_id}")

        done = api.claims(
            replicates=replicates, seed=seed, on_claim=on_claim,
            parameter_uncertainty=not fixed_parameters,
        )  # fmt: skip
        progress.remove_task(task)
        return [r.to_json() for r in done]

    claims = None if no_claims else read_claims(claims_file) if claims_file is not None else tested
    recorded: list[str] = []
    with progress:
        paths = api.report(
            cfg, tuple(compare or ()), out=out, claims=claims, on_day=on_day,
            catalog=catalog_choice(catalog, no_catalog), on_record=recorded.append,
            sensitivity=sens,
        )  # fmt: skip
    names = [scenario, *(compare or ())]
    typer.echo(f"{' vs '.join(names)}: {replicates} replicates, {years:g} years, seed {seed}")
    echo_recorded(recorded)
    typer.echo(f"Report in {paths[0]}, with {len(paths) - 1} charts as PNG files beside it")
    for metric, top in (sens.top(3) if sens is not None else {}).items():
        typer.echo(f"Top 3 for {metric}: {', '.join(top) or 'none (it did not vary)'}")


_VERDICTS = {"supported": "supported", "not_supported": "not supported", "depends": "depends"}


def _claim_value(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value:.0%}"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.0f}"


@app.command()
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
    from deportsim.analysis.claimkit import claim_specs  # noqa: PLC0415 (only this verb)

    progress = counted()
    with progress:
        task = progress.add_task("claims", total=len(claim_specs()))

        def on_claim(claim_id: str) -> None:
            progress.update(task, description=f"claim {claim_id}", advance=1)

        recorded: list[str] = []
        results = api.claims(
            replicates=replicates, seed=seed, out=out, on_claim=on_claim,
            parameter_uncertainty=not fixed_parameters,
            catalog=catalog_choice(catalog, no_catalog), on_record=recorded.append,
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


@app.command()
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
        int, typer.Option(help="First year the target applies (earlier years: the scenario's own).")
    ] = 1,
    replicates: Annotated[int, typer.Option(help="Replicates of the stochastic runs.")] = 100,
    seed: Annotated[int, typer.Option(help="Seed of the stochastic runs.")] = 0,
    years: Years = 4.0,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a parameter for the whole run: PATH=VALUE [UNIT]."),
    ] = None,
    out: ScenarioOut = None,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
    fixed_parameters: FixedParameters = False,
) -> None:
    """Find the resources, year by year, to reach a target; write requirements.json."""
    from deportsim.analysis.requirements_out import FILES, to_json  # noqa: PLC0415 (this verb)
    from deportsim.requirementsview import render_requirements  # noqa: PLC0415

    cfg = api.RunConfig(
        scenario=scenario, replicates=replicates, seed=seed, years=years, sets=tuple(sets or ()),
        parameter_uncertainty=not fixed_parameters,
    )  # fmt: skip
    prep = api.prepare(cfg)
    out_dir = out if out is not None else api.default_out(prep.scenario)
    err = Console(stderr=True)
    status = err.status("searching") if err.is_terminal else None  # no spinner in a pipe
    if status is not None:
        status.start()
    recorded: list[str] = []
    try:
        req = api.requirements(
            cfg, tuple(target or ()), probability=probability, from_year=from_year, out=out_dir,
            on_status=None if status is None else status.update,
            catalog=catalog_choice(catalog, no_catalog), on_record=recorded.append,
        )  # fmt: skip
    finally:
        if status is not None:
            status.stop()
    data = to_json(req, prep.scenario)
    goals = ", ".join(
        f"{t['metric']} {'at most' if t['kind'] == 'at_most' else 'at least'} {t['value']:,.0f}"
        for t in data["targets"]
    )
    typer.echo(
        f"{prep.scenario.name}: {goals}, each year from year {from_year}, in at least "
        f"{probability:.0%} of {replicates} replicates (mean-field search, stochastic check; "
        f"replicates {'keep the parameters fixed' if fixed_parameters else 'draw the parameters'})"
    )
    render_requirements(data, Console())
    for y in data["years"]:
        for reason in y["reasons"]:
            typer.echo(f"Year {y['year']}: not reachable: {reason}")
    echo_recorded(recorded)
    typer.echo(f"Results in {out_dir}/ ({', '.join(reversed(FILES))})")
    typer.echo(
        f"Check: deportsim run {out_dir / FILES[0]} --years {years:g} --replicates {replicates} "
        f"--seed {seed}{' --fixed-parameters' if fixed_parameters else ''}"
    )


Workers = Annotated[int | None, typer.Option(help="Local worker processes (default: every core).")]
Scheduler = Annotated[
    str | None,
    typer.Option(
        help="Dask scheduler to run on, tcp://HOST:PORT (default: $DEPORTSIM_SCHEDULER, "
        "else local processes)."
    ),
]
Resume = Annotated[
    str | None, typer.Option(help="Continue a sweep that stopped: its run id (or folder).")
]
SweepOut = Annotated[
    Path | None,
    typer.Option(help="Folder holding one folder per run (default: out/<scenario>/sweeps/)."),
]
BatchSize = Annotated[
    int | None, typer.Option(help="Samples per batch (default: sized for the workers).")
]
OptScenario = Annotated[
    str | None, typer.Argument(help="Built-in scenario name or path to a scenario .yaml file.")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a parameter for every sample: PATH=VALUE [UNIT]."),
]


class Design(StrEnum):
    """Sample designs of ``deportsim sweep``."""

    lhs = "lhs"
    grid = "grid"


def _vary_cfg(
    scenario: str | None, replicates: int, seed: int, years: float, start: str | None,
    sets: list[str] | None, resume: str | None, vary: list[str] | None,
) -> api.RunConfig:  # fmt: skip
    if resume is not None and (scenario is not None or vary):
        raise UserError(
            "--resume continues a sweep as it was started: give no SCENARIO or --vary with it",
            Location("<command line>", path="--resume"),
        )
    return api.RunConfig(
        scenario=scenario or api.DEFAULT_SCENARIO, replicates=replicates, seed=seed, years=years,
        start=_parse_start(start), sets=tuple(sets or ()),
    )  # fmt: skip


@app.command()
def sweep(
    scenario: OptScenario = None,
    vary: Annotated[
        list[str] | None,
        typer.Option(help="A parameter to vary, PATH=LOW:HIGH in its own unit; may be repeated."),
    ] = None,
    samples: Annotated[int, typer.Option(help="Samples (sets of values) to run.")] = 100,
    design: Annotated[Design, typer.Option(help="lhs: Latin hypercube; grid: a full grid.")] = (
        Design.lhs
    ),
    replicates: Annotated[int, typer.Option(help="Replicates per sample.")] = 20,
    seed: Seed = 0,
    years: Years = 4.0,
    start: Start = None,
    sets: SetOption = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    batch_size: BatchSize = None,
    out: SweepOut = None,
    resume: Resume = None,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
) -> None:
    """Run a scenario over ranges of parameters; write results.parquet and summary.json."""
    from deportsim.sweepview import print_sweep, with_progress  # noqa: PLC0415 (this verb)

    cfg = _vary_cfg(scenario, replicates, seed, years, start, sets, resume, vary)
    done = with_progress(
        api.sweep, "sweep", cfg=cfg, vary=tuple(vary or ()), samples=samples,
        design=design.value, out=out, resume=resume, workers=workers, scheduler=scheduler,
        batch_size=batch_size, catalog=catalog_choice(catalog, no_catalog),
    )  # fmt: skip
    print_sweep(done)


@app.command()
def sensitivity(
    scenario: OptScenario = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            help="Metric to explain; may be repeated (default: removals_total, cost_total_usd)."
        ),
    ] = None,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            help="A parameter: PATH (its stated uncertainty range) or PATH=LOW:HIGH; may be "
            "repeated (default: every scalar parameter with a range the scenario leaves alone)."
        ),
    ] = None,
    n: Annotated[int, typer.Option("--n", help="Saltelli base sample size, a power of 2.")] = 32,
    replicates: Annotated[int, typer.Option(help="Replicates per sample.")] = 2,
    seed: Seed = 0,
    years: Years = 4.0,
    start: Start = None,
    sets: SetOption = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    batch_size: BatchSize = None,
    out: SweepOut = None,
    resume: Resume = None,
    catalog: CatalogOption = None,
    no_catalog: NoCatalogOption = False,
) -> None:
    """Sobol indices of metrics over uncertain parameters; write sensitivity.json and charts."""
    from deportsim.sweepview import print_sensitivity, with_progress  # noqa: PLC0415

    cfg = _vary_cfg(scenario, replicates, seed, years, start, sets, resume, vary)
    res = with_progress(
        api.sensitivity, "sensitivity", cfg=cfg,
        metrics=tuple(metric or ("removals_total", "cost_total_usd")), vary=tuple(vary or ()),
        n=n, out=out, resume=resume, workers=workers, scheduler=scheduler,
        batch_size=batch_size, catalog=catalog_choice(catalog, no_catalog),
    )  # fmt: skip
    print_sensitivity(res)


app.add_typer(runs_app, name="runs")  # deportsim runs list | show | compare | export

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
