"""The report: a scenario and those compared with it, as one self-contained page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from deportsim.api import answers
from deportsim.api.results import ReportAnswer
from deportsim.core.errors import Location, UserError
from deportsim.core.folders import writable_folder
from deportsim.model.record import published_record
from deportsim.parameters import load_parameters
from deportsim.run import Prepared, RunConfig, execute, prepare
from deportsim.scenarios import load_scenario
from deportsim.store.catalog.recorder import recording
from deportsim.store.catalog.records import CatalogChoice
from deportsim.store.catalog.runs import run_fields
from deportsim.store.save import default_out
from deportsim.views.parameters import parameter_rows
from deportsim.views.state import state_lines

if TYPE_CHECKING:
    from deportsim.report.sensitivity import Sensitivity

__all__ = ["Claims", "report"]

#: The claims a report shows: a claims.json file (or its content), ``"test"`` to test them with
#: the report's replicates and seed, a function that returns them, or None for none.
Claims = Path | Literal["test"] | list[dict[str, Any]] | Callable[[], list[dict[str, Any]]] | None


def report(
    cfg: RunConfig,
    compare: tuple[str, ...] = (),
    out: Path | None = None,
    claims: Claims = None,
    on_day: Callable[[Prepared, int], None] | None = None,
    *,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
    sensitivity: Sensitivity | str | Path | None = None,
    on_claim: Callable[[str], None] | None = None,
) -> ReportAnswer:
    """Run a scenario and those compared with it; write ``report.html`` and a PNG per chart.

    Every scenario runs with ``cfg``'s replicates, seed, years, start and sets: with one seed,
    the scenarios differ by their inputs, not by their noise. All are checked before any runs
    (UserError). ``claims``: a ``claims.json`` written by ``deportsim claims`` (read and checked
    first) or its content; ``"test"`` to test the claims with the report's replicates, seed and
    parameter uncertainty (``on_claim(id)`` is told each claim), once every input is checked; a
    function that returns them, called then too; or None for a report without them. ``out``
    defaults to ``out/<first scenario>/``. ``on_day(prep, t)`` reports the progress of the
    scenario being run. The report is recorded in the catalog as for
    :func:`deportsim.api.claims` (kind ``report``, with the first scenario's metrics).
    ``sensitivity``: a ``sensitivity.json`` of :func:`deportsim.api.sensitivity`, its folder or
    its catalog run id (read and checked before any run), or one already read; the page then
    names each metric's top 3 parameters, with a ``tornado-<metric>.png`` each. ICE's monthly
    figures, as known on ``cfg``'s data vintage (the record a run follows), are drawn beside the
    model on the charts of arrests, detention and removals. Returns the files written (the page
    first) and those top 3 parameters.
    """
    # Matplotlib: only reports draw charts, so the report package is imported when one is made
    from deportsim.report import (  # noqa: PLC0415
        MAX_SCENARIOS,
        Observed,
        ScenarioRun,
        build_report,
        check_claims,
        read_claims,
        read_sensitivity,
    )

    sens = (  # a run id is looked up in the report's catalog
        read_sensitivity(sensitivity, catalog if isinstance(catalog, Path) else None)
        if isinstance(sensitivity, str | Path)
        else sensitivity
    )
    given = read_claims(claims) if isinstance(claims, Path) else claims
    cli = Location("<command line>", path="--compare")
    if len(compare) + 1 > MAX_SCENARIOS:
        raise UserError(f"at most {MAX_SCENARIOS - 1} scenarios can be compared at once", cli)
    params = load_parameters(cfg.parameters)
    preps = [prepare(cfg, params)]
    for ref in compare:
        load_scenario(ref, params, label="--compare")  # an unknown name names the option
        preps.append(prepare(replace(cfg, scenario=ref), params))
    names = [p.scenario.name for p in preps]
    for name in names:
        if names.count(name) > 1:
            raise UserError(f"scenario {name} is given twice", cli)
    target = out if out is not None else default_out(preps[0].scenario.name)
    writable_folder(target)  # before the runs: a folder that cannot be made fails at once
    # ICE's figures beside the model's, as the runs know them (the same record and vintage)
    observed = Observed.from_record(published_record(cfg.as_of, cfg.read, cfg.vintage_rule))
    scenarios = {p.scenario.name: p.scenario.content_hash for p in preps}
    how = "none" if given is None else "tested" if given == "test" or callable(given) else "given"
    named = str(sensitivity) if isinstance(sensitivity, str | Path) else None
    settings = {"scenarios": scenarios, "claims": how, "sensitivity": named}
    with recording(
        "report", out=target, catalog=catalog, on_record=on_record,
        **run_fields(preps[0], {"compare": names[1:]}, settings),
    ) as rec:  # fmt: skip
        if given == "test":
            tested = answers.claims(
                replicates=cfg.replicates, seed=cfg.seed, on_claim=on_claim,
                parameter_uncertainty=cfg.parameter_uncertainty,
            )  # fmt: skip
            listed: list[dict[str, Any]] | None = [r.to_json() for r in tested]
        else:
            listed = given() if callable(given) else given
        if listed is not None:
            check_claims(listed)
        runs = []
        for prep in preps:
            step = None if on_day is None else (lambda t, p=prep: on_day(p, t))
            done = execute(prep, on_day=step)
            runs.append(
                ScenarioRun.from_sim(
                    done.sim,
                    done.summary,
                    title=prep.scenario.title,
                    description=prep.scenario.description,
                    # the scenario's changes and the run's --set ones, each with its origin
                    parameters=parameter_rows(
                        prep.params, replace(prep.scenario, overrides=prep.resolved.overrides)
                    ),
                    sources=[s.model_dump(exclude_none=True) for s in prep.scenario.sources],
                    state=tuple(state_lines(prep)),
                    # the economy's Sobol ranking, shown for the report's own scenario only
                    prepared=prep if prep is preps[0] else None,
                )
            )
            del done  # keep only what the report reads: several runs need not fit in memory
        paths = build_report(runs, listed, target, sens, observed)
        rec.keep({p.name: p for p in paths}, copy=["report.html"])
        rec.metrics(runs[0].summary["metrics"])  # the report's own scenario's
    return ReportAnswer(paths, sens.top(3) if sens is not None else {})
