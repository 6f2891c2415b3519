"""What ``deportsim sweep`` and ``deportsim sensitivity`` show: progress and their results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    TaskID,
)
from rich.table import Table

from deportsim.analysis.sweep import SweepRun
from deportsim.numbers import metric_text
from deportsim.progressbar import counted
from deportsim.sweepruns import SensitivityRun, SweepStart

__all__ = ["print_sensitivity", "print_sweep", "with_progress"]

T = TypeVar("T")

#: Metrics shown after a sweep (all are in its summary.json).
SHOWN = ("removals_total", "arrests_total", "detained_mean", "cost_total_usd")


def with_progress(run: Callable[..., T], label: str, **kwargs: Any) -> T:
    """Call ``api.sweep`` or ``api.sensitivity`` with a progress bar on stderr.

    The bar counts batches done out of those to run, with an ETA, for local and cluster runs
    alike; a line first says the run id, the samples and where they run.
    """
    progress = counted("batches", eta=True)
    task: list[TaskID] = []
    started: list[str] = []

    def on_start(start: SweepStart) -> None:
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
            return run(progress=on_progress, on_start=on_start, **kwargs)
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
