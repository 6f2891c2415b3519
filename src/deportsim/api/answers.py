"""Answers to the questions people bring: claims, requirements and published estimates."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from deportsim.analysis.claims import evaluate as claim_evaluation
from deportsim.analysis.claims.spec import claim_specs
from deportsim.analysis.claims.verdicts import ClaimResult
from deportsim.analysis.estimates import compare as estimate_comparison
from deportsim.analysis.estimates import economy as economy_anchors
from deportsim.analysis.estimates.compare import Comparison
from deportsim.analysis.estimates.economy_spec import ECONOMY_FILE, load_anchors
from deportsim.analysis.estimates.spec import load_estimates
from deportsim.analysis.requirements import find as requirement_search
from deportsim.analysis.requirements.files import to_json, write_requirements
from deportsim.analysis.requirements.resources import years_of, years_on_record
from deportsim.analysis.requirements.search import Target, parse_targets
from deportsim.api.results import RequirementsAnswer
from deportsim.api.simulation import Out, folder_for
from deportsim.core.errors import Location, UserError
from deportsim.core.folders import writable_folder
from deportsim.engine import Streams
from deportsim.model import SimResult, simulate
from deportsim.parameters import load_parameters
from deportsim.run import Prepared, RunConfig, check_config, prepare
from deportsim.store.catalog.recorder import recording
from deportsim.store.catalog.records import CatalogChoice
from deportsim.store.catalog.runs import run_fields

__all__ = ["check_requirements", "claims", "compare_estimates", "requirements"]


def claims(
    replicates: int = 100,
    seed: int = 0,
    out: Path | None = None,
    on_claim: Callable[[str], None] | None = None,
    *,
    parameter_uncertainty: bool = True,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> list[ClaimResult]:
    """Test every claim of the claims guide; with ``out``, write ``out/claims.json``.

    Each scenario a claim needs runs once with ``replicates`` and ``seed``
    (:mod:`deportsim.analysis.claims`), each replicate drawing the uncertain parameters unless
    ``parameter_uncertainty`` is False; ``on_start(n)`` is told how many claims there are once
    the options are checked, and ``on_claim(id)`` is called before each claim. With ``out``,
    recorded in the catalog (``catalog``: None for the default one, a folder, or False not to
    record) as a run of kind ``claims``; ``on_record(run_id)`` is told its id once the run is
    recorded complete (not when the catalog could not be written).
    """
    check_config(RunConfig(replicates=replicates, seed=seed))
    if out is not None:
        writable_folder(out)  # before the runs: a folder that cannot be made fails at once
    if on_start is not None:
        on_start(len(claim_specs()))
    with recording(
        "claims", out=out, catalog=catalog, on_record=on_record, seed=seed, replicates=replicates,
        config={"parameter_uncertainty": parameter_uncertainty},
    ) as rec:  # fmt: skip
        results = claim_evaluation.evaluate_claims(
            replicates, seed, on_claim=on_claim, parameter_uncertainty=parameter_uncertainty
        )
        if out is not None:
            written = claim_evaluation.write_claims(results, out)
            rec.keep({"claims.json": written}, copy=("claims.json",))
    return results


def compare_estimates(
    replicates: int = 50,
    seed: int = 0,
    years: float = 4.0,
    estimates: Path | None = None,
    out: Path | None = None,
    *,
    parameter_uncertainty: bool = True,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
) -> Comparison:
    """Set published cost-per-removal estimates beside the model's (analysis/estimates).

    Runs the base scenario of the estimates file (default: the shipped
    ``analysis/estimates/estimates.yaml``) as it is and under each estimate's assumptions, with
    the same ``seed``; splits each gap into the assumptions' contributions (in mean field, at the
    parameters' values). The stochastic runs' replicates draw the uncertain parameters unless
    ``parameter_uncertainty`` is False; an estimate's assumptions are ``--set`` values, kept as
    given in every replicate. With ``out``, writes ``out/estimates.json`` (atomically), recorded
    in the catalog as for :func:`claims` (kind ``estimates``). Raises UserError on a bad file or
    option.

    Beside them, the published economic estimates of ``analysis/estimates/economy.yaml``
    (:mod:`deportsim.analysis.estimates.economy`): each reproduced by the model's economic stage
    under the study's own removal path and overrides (file values, no draws), and read in one
    run of the file's own scenario to the end of its last year, with the same ``replicates``,
    ``seed`` and parameter draws (a few seconds for 50 replicates).
    """
    params = load_parameters()
    spec = load_estimates(params, estimates)
    anchors = load_anchors(params)
    base = RunConfig(scenario=spec.base_scenario, replicates=replicates, seed=seed, years=years)
    check_config(base)
    if out is not None:
        writable_folder(out)  # before the runs: a folder that cannot be made fails at once

    def run_one(sets: tuple[str, ...], mean_field: bool) -> SimResult:
        cfg = RunConfig(
            scenario=base.scenario, replicates=1 if mean_field else replicates, seed=seed,
            years=years, sets=sets, parameter_uncertainty=parameter_uncertainty and not mean_field,
        )  # fmt: skip
        prep = prepare(cfg, params)
        return simulate(
            prep.inputs, cfg.replicates, Streams(seed), mean_field=mean_field,
            inputs_for=prep.draws.inputs if prep.draws is not None else None,
        )  # fmt: skip

    prep = prepare(base, params)
    shipped = "analysis/estimates/estimates.yaml (shipped)"
    config = {
        "seed": seed, "replicates": replicates, "years": years, "start": prep.start.isoformat(),
        "days": prep.days, "parameter_uncertainty": parameter_uncertainty,
        "estimates_file": str(estimates) if estimates else shipped,
    }  # fmt: skip
    with recording(
        "estimates", out=out, catalog=catalog, on_record=on_record,
        **run_fields(
            prep, parameters={"estimates_file": config["estimates_file"]},
            config={"parameter_uncertainty": parameter_uncertainty},
        ),
    ) as rec:  # fmt: skip
        run_own = economy_anchors.own_runner(
            params, replicates, seed, parameter_uncertainty=parameter_uncertainty
        )
        economy = economy_anchors.compare_economy(
            anchors, run_own, params,
            {"economy_file": f"analysis/estimates/{ECONOMY_FILE.name} (shipped)",
             "replicates": replicates, "seed": seed,
             "parameter_uncertainty": parameter_uncertainty},
        )  # fmt: skip
        comparison = estimate_comparison.compare(spec, run_one, config, economy)
        if out is not None:
            written = estimate_comparison.write_estimates(comparison, out)
            rec.keep({"estimates.json": written}, copy=["estimates.json"])
    return comparison


def check_requirements(
    cfg: RunConfig,
    targets: tuple[str, ...] | list[str],
    probability: float = 0.5,
    from_year: int | None = None,
) -> tuple[Prepared, tuple[Target, ...], int]:
    """Check a requirements search before it runs: its prepared run, targets and first year.

    UserError naming ``--target``, ``--probability``, ``--from-year`` or ``--start`` (a year
    on the published record cannot be planned); see :func:`requirements`.
    """
    parsed = parse_targets(targets)
    prep = prepare(cfg)
    years = years_of(prep.start, prep.days)
    past = years_on_record(prep.resolved.canonical("arrests.as_recorded"), years)
    first = next((y.number for y in years if y.number not in past), len(years) + 1)
    if from_year is None:
        from_year = min(first, len(years))
    requirement_search.check_options(probability, from_year, len(years))
    if from_year in past and first > len(years):
        last = years[-1].start + dt.timedelta(days=years[-1].days)
        raise UserError(
            f"the whole run ({prep.start} to {last}) is on the published record, which "
            f"{prep.scenario.name} follows: what happened cannot be planned; start the run "
            "after the record (--start)",
            Location("<command line>", path="--start"),
        )
    if from_year in past:
        y = years[from_year - 1]
        raise UserError(
            f"year {from_year} ({y.start} to {y.start + dt.timedelta(days=y.days)}) is mostly on "
            f"the published record, which {prep.scenario.name} follows: what happened cannot be "
            f"planned; choose --from-year {first} or later, or start the run later (--start)",
            Location("<command line>", path="--from-year"),
        )
    return prep, parsed, from_year


def requirements(
    cfg: RunConfig,
    targets: tuple[str, ...] | list[str],
    *,
    probability: float = 0.5,
    from_year: int | None = None,
    out: Out = None,
    on_status: Callable[[str], None] | None = None,
    catalog: CatalogChoice = None,
    on_record: Callable[[str], None] | None = None,
) -> RequirementsAnswer:
    """The resources, year by year, with which a scenario reaches ``targets`` (``METRIC=VALUE``).

    ``cfg`` gives the scenario, its ``--set`` overrides, years, replicates and seed of the
    stochastic runs; ``probability`` is the share of replicates that must reach each target in a
    year; years before ``from_year`` keep the scenario's own resources
    (:mod:`deportsim.analysis.requirements`). Without ``from_year``: the first year not spent
    mostly on the published record (year 1 for a scenario that does not follow it); a year that
    is, is what happened and cannot be planned (UserError naming ``--from-year``). Every option
    is checked (UserError naming ``--target``, ``--probability`` or ``--from-year``) before
    anything runs. With ``out`` (a
    folder, or ``"default"`` for ``out/<scenario>/``), writes ``requirements.json`` and
    ``requirements-scenario.yaml`` there, each whole or not at all, and records the search in the
    catalog as for :func:`claims` (kind ``requirements``).
    """
    t0 = time.perf_counter()
    prep, parsed, from_year = check_requirements(cfg, targets, probability, from_year)
    folder = folder_for(out, prep.scenario.name)
    if folder is not None:
        writable_folder(folder)  # before the search: a folder that cannot be made fails at once
    settings = {"targets": list(targets), "probability": probability, "from_year": from_year}
    written: tuple[Path, ...] = ()
    with recording(
        "requirements", out=folder, catalog=catalog, on_record=on_record, started=t0,
        **run_fields(prep, config=settings),
    ) as rec:  # fmt: skip
        req = requirement_search.find_requirements(
            prep.resolved, parsed, probability=probability, from_year=from_year,
            replicates=cfg.replicates, seed=cfg.seed, on_status=on_status,
            parameter_uncertainty=cfg.parameter_uncertainty,
        )  # fmt: skip
        if folder is not None:
            wall = time.perf_counter() - t0
            written = tuple(write_requirements(req, prep.scenario, folder, wall))
            rec.keep({p.name: p for p in written}, copy=[p.name for p in written])
    return RequirementsAnswer(req, prep.scenario.name, to_json(req, prep.scenario), folder, written)
