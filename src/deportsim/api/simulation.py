"""Runs of one scenario, and what they are made of: the scenarios and the parameters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from deportsim.api.results import ParameterTable
from deportsim.model.record import published_record
from deportsim.parameters import ParameterSet, load_parameters
from deportsim.run import Prepared, RunConfig, RunOutput, execute, prepare
from deportsim.scenarios import load_scenario
from deportsim.store.catalog.records import CatalogChoice
from deportsim.store.save import default_out, save_run
from deportsim.views.parameters import parameter_rows

__all__ = ["Out", "folder_for", "params", "run", "run_prepared"]

#: Where a verb writes: a folder, ``"default"`` for ``out/<scenario>/``, or None for nowhere.
Out = Path | Literal["default"] | None


def folder_for(out: Out, scenario_name: str) -> Path | None:
    """The folder that ``out`` stands for (``"default"``: ``out/<scenario>/``)."""
    return default_out(scenario_name) if out == "default" else out


def run_prepared(
    prep: Prepared,
    out: Out = None,
    on_day: Callable[[int], None] | None = None,
    *,
    catalog: CatalogChoice = None,
    overwrite: bool = False,
) -> RunOutput:
    """Execute a prepared run and, if ``out`` is given, write its files there.

    A run with ``out`` is recorded in the catalog (:mod:`deportsim.store.catalog`): ``catalog``
    None for the default one, a folder, or False not to record it. The result's ``folder`` says
    where the files went. A folder holding a complete earlier run is refused (UserError naming
    ``--out``) unless ``overwrite``; the default folder (``"default"``, ``out/<scenario>/``)
    always takes the latest run. Either way the earlier run stays until the new one is complete.
    """
    folder = folder_for(out, prep.scenario.name)
    if folder is None:
        return execute(prep, on_day)
    return save_run(prep, folder, on_day, catalog, overwrite or out == "default")


def run(
    cfg: RunConfig,
    out: Out = None,
    on_day: Callable[[int], None] | None = None,
    params: ParameterSet | None = None,
    *,
    catalog: CatalogChoice = None,
    on_prepared: Callable[[Prepared], None] | None = None,
    overwrite: bool = False,
) -> RunOutput:
    """Prepare, execute and (if ``out`` is given) write a run.

    Every input is checked (UserError) before anything runs or is written; ``on_prepared`` is
    then told the prepared run (its scenario and number of days), before the model starts.
    ``overwrite``: replace a complete earlier run in ``out`` (see :func:`run_prepared`).
    """
    prep = prepare(cfg, params)
    if on_prepared is not None:
        on_prepared(prep)
    return run_prepared(prep, out, on_day, catalog=catalog, overwrite=overwrite)


def params(scenario: str | None = None, parameters: Path | None = None) -> ParameterTable:
    """Every parameter with its values by date, unit, uncertainty and source.

    With ``scenario`` (a built-in name or a scenario file), its overrides follow each
    parameter's own values; ``parameters``: a folder of parameter files instead of the built-in.
    """
    params_set = load_parameters(parameters)
    sc = load_scenario(scenario, params_set, label="--scenario") if scenario else None
    note = None
    if sc is not None and sc.follows_record:
        last = published_record().last
        to = f"to {last:%B %Y}" if last else "(none published)"
        note = (
            f"{sc.name} follows the published record {to}: in those months its runs take ICE's "
            "and CBP's book-ins as recorded (arrests.target_per_day over the booking share, "
            "arrests.as_recorded = 1, detention.cbp_book_ins) and at least as many beds as "
            "people held, in place of the values above; its arrest stage's productivity and "
            "ramp-up are fitted on the record (a run's manifest.json lists both under `record`)"
        )
    return ParameterTable(sc.name if sc else None, parameter_rows(params_set, sc), note)
