"""Sweeps and sensitivity analyses: one scenario at many sets of parameter values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deportsim.analysis.sweeps.options import Execution
from deportsim.run import RunConfig

if TYPE_CHECKING:
    from deportsim.analysis.sweeps.runner import SensitivityRun
    from deportsim.analysis.sweeps.sweep import SweepRun

__all__ = ["Execution", "sensitivity", "sweep"]


def sweep(
    cfg: RunConfig,
    vary: tuple[str, ...] | list[str] = (),
    *,
    samples: int = 100,
    design: str = "lhs",
    execution: Execution | None = None,
) -> SweepRun:
    """Run a scenario at ``samples`` sets of values of the ``vary`` parameters (``PATH=LOW:HIGH``).

    ``design``: ``lhs`` (Latin hypercube) or ``grid``. Each sample runs with ``cfg``'s
    replicates, years, start and ``--set`` overrides, and a seed drawn from ``cfg.seed`` and its
    index (:mod:`deportsim.analysis.sweeps.sweep`). ``execution`` says where and how
    (:class:`~deportsim.analysis.sweeps.runner.Execution`): on ``workers`` local processes
    (default: every core) or, with ``scheduler`` (or ``DEPORTSIM_SCHEDULER``), on a Dask cluster
    — results are the same on any —; into ``<out>/<run id>/`` (default
    ``out/<scenario>/sweeps/``); ``resume``: the run id (or folder) of a sweep that stopped, of
    which only the missing batches run. Every input is checked (UserError) before anything runs;
    ``on_start`` is told the folder and backend then, ``progress(done, total)`` each batch. The
    sweep is recorded in the catalog (``catalog``: None for the default one, a folder, or False)
    under its run id.
    """
    # Matplotlib, SALib: loaded only when a sweep runs (a plain run need not wait for them)
    from deportsim.analysis.sweeps import runner  # noqa: PLC0415

    return runner.sweep(cfg, tuple(vary), samples, design, execution or Execution())


def sensitivity(
    cfg: RunConfig,
    metrics: tuple[str, ...] | list[str] = ("removals_total", "cost_total_usd"),
    vary: tuple[str, ...] | list[str] = (),
    *,
    n: int = 32,
    execution: Execution | None = None,
) -> SensitivityRun:
    """Sobol first-order and total indices of ``metrics`` over uncertain parameters (SALib).

    ``vary``: ``PATH`` (its stated uncertainty range and distribution) or ``PATH=LOW:HIGH``
    (uniform); default every parameter of
    :func:`deportsim.analysis.sweeps.sensitivity.default_ranges`. ``n``: Saltelli's base sample
    size (a power of 2); ``n × (parameters + 2)`` samples run, each with ``cfg.replicates``
    replicates and the same seed. ``execution`` as for :func:`sweep`. Writes the sweep's files
    plus ``sensitivity.json`` and ``tornado-<metric>.png``.
    """
    from deportsim.analysis.sweeps import runner  # noqa: PLC0415 (as in sweep)

    return runner.sensitivity(cfg, tuple(metrics), tuple(vary), n, execution or Execution())
