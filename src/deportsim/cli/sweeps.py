"""``deportsim sweep`` and ``sensitivity``: a scenario over parameter ranges; Sobol indices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import TaskID
from rich.table import Table

from deportsim import api
from deportsim.cli.options import (
    CatalogOption,
    NoCatalogOption,
    Seed,
    Start,
    Years,
    catalog_choice,
    parse_start,
)
from deportsim.cli.progress import counted
from deportsim.views.formatting import metric_text

if TYPE_CHECKING:
    from deportsim.api import SensitivityRun, SweepRun

__all__ = ["print_sensitivity", "print_sweep", "sensitivity", "sweep", "with_progress"]

T = TypeVar("T")

#: Metrics shown after a sweep (all are in its summary.json).
SHOWN = ("removals_total", "arrests_total", "detained_mean", "cost_total_usd")


def with_progress(run: Callable[[api.Execution], T], execution: api.Execution, label: str) -> T:
    """Call ``run(execution)`` with a progress bar on stderr (``execution`` told to report it).

    The bar counts batches done out of those to run, with an ETA, for local and cluster runs
    alike; a line first says the run id, the samples and where they run.
    """
    progress = counted("batches", eta=True)
    task: list[TaskID] = []
    started: list[str] = []

    def on_start(start: api.SweepStart) -> None:
        done = f", {start.batches_done} already done" if start.batches_done else ""
        typer.echo(
            f"{label} {start.run_id}: {start.samples:,} samples in {start.batches} batches"
            f"{done}, on {start.backend}",
            err=True,
        )
        task.append(progress.add_task(label, total=start.batches - start.batches_done))
        started.append(start.run_id)

    def on_progress(done: int, total: int) -> None:
        if task:
            progress.update(task[0], completed=done, total=total)

    try:
        with progress:
            return run(replace(execution, progress=on_progress, on_start=on_start))
    except KeyboardInterrupt:
        if not task:
            raise  # nothing started: the usual message
        # finished batches are on disk: say how to go on rather than "nothing was written"
        typer.echo(
            f"deportsim: interrupted; finished batches are kept: deportsim {label} --resume "
            f"{started[0]}",
            err=True,
        )
        raise SystemExit(130) from None  # as the CLI exits on Ctrl-C


_fmt = metric_text


def print_sweep(done: SweepRun) -> None:
    """A sweep's headline: a few metrics across samples and the parameter most related."""
    spec, summary = done.spec, done.summary
    typer.echo(
        f"{spec.scenario_name}: {spec.samples:,} samples x {spec.replicates} replicates "
        f"({spec.design}), {len(spec.vary)} parameters varied"
    )
    table = Table()
    table.add_column("metric")
    table.add_column("median", justify="right")
    table.add_column("90% of samples", justify="right")
    table.add_column("most related parameter (rank corr.)")
    for name in SHOWN:
        m = summary["metrics"][name]
        corr = {p: r for p, r in m.get("rank_correlation", {}).items() if r is not None}
        best = max(corr, key=lambda p: abs(corr[p]), default=None)
        table.add_row(
            name,
            _fmt(m.get("p50"), m["unit"]),
            f"{_fmt(m.get('p05'), m['unit'])} – {_fmt(m.get('p95'), m['unit'])}",
            "n/a" if best is None else f"{best} ({corr[best]:+.2f})",
        )
    Console().print(table)
    # plain echo: these lines are read by scripts, so they must never be wrapped
    typer.echo(
        f"Ran {done.ran} batches ({done.skipped} already done) in {done.seconds:,.1f} s; "
        f"results sha256 {summary['results_sha256'][:16]}"
    )
    typer.echo(f"Results in {done.folder.path}/ (results.parquet, summary.json, sweep.json)")


def print_sensitivity(res: SensitivityRun) -> None:
    """Each metric's five most influential parameters, then its top 3 on one line."""
    spec = res.sweep.spec
    typer.echo(
        f"{spec.scenario_name}: Sobol indices over {len(spec.vary)} parameters, "
        f"{spec.samples:,} samples x {spec.replicates} replicates "
        f"(N={spec.extra.get('base_samples')})"
    )
    for ind in res.indices:
        table = Table(title=f"{ind.metric}: largest total indices (± 95% interval)")
        table.add_column("parameter")
        table.add_column("ST", justify="right")
        table.add_column("S1", justify="right")
        for j in ind.ranked()[:5]:
            table.add_row(
                ind.paths[j],
                f"{ind.st[j]:.2f} ± {ind.st_conf[j]:.2f}",
                f"{ind.s1[j]:.2f} ± {ind.s1_conf[j]:.2f}",
            )
        Console().print(table)
        typer.echo(f"Top 3 for {ind.metric}: {', '.join(ind.top(3))}")
    typer.echo(f"Results in {res.sweep.folder.path}/ (sensitivity.json, tornado-*.png)")


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
        raise api.UserError(
            "--resume continues a sweep as it was started: give no SCENARIO or --vary with it",
            api.Location("<command line>", path="--resume"),
        )
    return api.RunConfig(
        scenario=scenario or api.DEFAULT_SCENARIO, replicates=replicates, seed=seed, years=years,
        start=parse_start(start), sets=tuple(sets or ()),
    )  # fmt: skip


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
    cfg = _vary_cfg(scenario, replicates, seed, years, start, sets, resume, vary)
    ex = api.Execution(
        out=out, resume=resume, workers=workers, scheduler=scheduler, batch_size=batch_size,
        catalog=catalog_choice(catalog, no_catalog),
    )  # fmt: skip
    done = with_progress(
        lambda e: api.sweep(cfg, tuple(vary or ()), samples=samples, design=design.value,
                            execution=e),
        ex, "sweep",
    )  # fmt: skip
    print_sweep(done)


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
    cfg = _vary_cfg(scenario, replicates, seed, years, start, sets, resume, vary)
    ex = api.Execution(
        out=out, resume=resume, workers=workers, scheduler=scheduler, batch_size=batch_size,
        catalog=catalog_choice(catalog, no_catalog),
    )  # fmt: skip
    metrics = tuple(metric or ("removals_total", "cost_total_usd"))
    res = with_progress(
        lambda e: api.sensitivity(cfg, metrics, tuple(vary or ()), n=n, execution=e),
        ex, "sensitivity",
    )  # fmt: skip
    print_sensitivity(res)
