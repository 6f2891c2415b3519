"""A requirements run as files: requirements.json and a scenario file that reproduces it.

``requirements.json`` (schema in docs/reference/results.md) gives, year by year, the resources
found, how many more they are than the scenario's own, the metric reached, its cost and what bound
before; ``requirements-scenario.yaml`` extends the scenario with the resources found as dated
overrides, so ``deportsim run`` on it repeats the final stochastic run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

from deportsim._version import __version__
from deportsim.analysis.requirements.find import ROUNDS, Requirements, YearResult
from deportsim.analysis.requirements.resources import LEVERS, overrides
from deportsim.analysis.requirements.search import ARREST_LIMIT, JUDGE_LIMIT
from deportsim.core.folders import remove_stale_parts, write_text_atomic
from deportsim.core.signals import check_stop, held
from deportsim.scenarios import Scenario
from deportsim.store.outputs import lock_output

__all__ = ["FILES", "METHOD", "scenario_yaml", "to_json", "write_requirements"]

F = NDArray[np.float64]

#: The files a requirements run writes, in the order they are moved into place.
FILES = ("requirements-scenario.yaml", "requirements.json")

#: How the resources are found, as written in requirements.json.
METHOD = {
    "years": "year 1 is the first 365.25 days from the start, year 2 the next 365.25, each "
    "rounded to whole days; a run that is not a whole number of years ends with a shorter year",
    "levers": "arrest target a day, deportation officers, detention beds, immigration judges and "
    "removal seats a day, each set for a whole year as the higher of its level and the "
    "scenario's own on each day (a resource is never lowered)",
    "search": "mean-field model, year by year in order; removals, arrests and people detained: "
    "the least arrest target that reaches the aim with officers, beds and seats unlimited "
    "(bisection), then officers to make those arrests, beds for the most people held and seats "
    "for the most removals in a day, scaled together to the least level that still reaches "
    "it; court backlog: the least number of judges; levels rounded up",
    "confirm": "stochastic run up to the end of the year, each replicate drawing the uncertain "
    "parameters unless --fixed-parameters (the levels found kept as found, as policy levers "
    "are); if the share "
    "of replicates reaching the target is below the probability, the aim rises in the ratio of "
    "the target to the replicates' value at that probability (from the second raise, to where "
    "the last two aims' line meets the target, if higher), plus 0.1% of the target, and the "
    "year is searched again",
    "rounds_max": ROUNDS,
    "limits": {"arrests_per_day": ARREST_LIMIT, "judges": JUDGE_LIMIT},
    "flights": "charter removal flights flown: removals less land and commercial removals, over "
    "removal.seats_per_flight",
}


def _stats(values: F) -> dict[str, float]:
    q = np.quantile(values, [0.05, 0.5, 0.95])
    return {
        "mean": round(float(np.mean(values)), 2),
        "p05": round(float(q[0]), 2),
        "p50": round(float(q[1]), 2),
        "p95": round(float(q[2]), 2),
    }


def _year(req: Requirements, r: YearResult) -> dict[str, Any]:
    y = r.year
    resources = {
        name: {
            "unit": LEVERS[name].unit,
            "required": round(mine),
            "scenario": round(own),
            "more": round(mine - own),
        }
        for name, (mine, own) in req.levels(y).items()
    }
    flights = float(np.mean(req.yearly(req.sim, "removal_flights", y)))
    own_flights = float(np.mean(req.yearly(req.own_sim, "removal_flights", y)))
    cost = req.cost(req.sim, y)
    total = np.sum(list(cost.values()), axis=0)
    own_total = np.sum(list(req.cost(req.own_sim, y).values()), axis=0)
    targets = {}
    for t in req.targets:
        m = t.metric
        mine, own = m.compute(req.sim.national, y), m.compute(req.own_sim.national, y)
        found = r.found.get(m.name)
        targets[m.name] = {
            "target": t.value,
            "unit": m.unit,
            "reached": _stats(mine),
            "share_met": m.share(mine, t.value),
            "scenario": _stats(own),
            "scenario_share_met": m.share(own, t.value),
            "reachable": None if found is None else found.reachable,
            "mean_field_aim": None if not r.active else round(r.aims[m.name], 2),
        }
    arrests = req.sim.national["arrests"][:, y.window].mean(axis=1)
    return {
        "year": y.number,
        "from": y.start.isoformat(),
        "until": y.until.isoformat(),
        "days": y.days,
        "status": req.status(r),
        "reasons": [f.reason for f in r.found.values() if f.reason],
        "rounds": r.rounds,
        "binding_before": None if r.before is None else r.before.main,
        "binding_shares": None if r.before is None else r.before.shares,
        "resources": resources,
        "flights_per_year": {
            "required": round(flights),
            "scenario": round(own_flights),
            "more": round(flights - own_flights),
        },
        "arrests_per_day": _stats(arrests),
        "targets": targets,
        "cost_usd": {
            "total": _stats(total),
            "by_component": {k: round(float(np.mean(v))) for k, v in cost.items()},
            "scenario": round(float(np.mean(own_total))),
            "more": round(float(np.mean(total) - np.mean(own_total))),
        },
    }


def _overrides(req: Requirements) -> list[dict[str, Any]]:
    """The plan as scenario overrides (each lever's unit, dates as ISO text)."""
    note = (
        f"Found by deportsim requirements ({_targets_text(req)}, probability {req.probability:g})"
    )
    out = []
    for ov in overrides(req.resolved.params, req.own, req.plan, req.years, note):
        unit = next(lv.unit for lv in LEVERS.values() if lv.path == ov.path)
        assert ov.start is not None  # noqa: S101 - levers.overrides dates every override
        assert ov.until is not None  # noqa: S101
        out.append(
            {
                "path": ov.path,
                "value": float(np.asarray(ov.value)),
                "unit": unit,
                "from": ov.start.isoformat(),
                "until": ov.until.isoformat(),
            }
        )
    return out


def _targets_text(req: Requirements) -> str:
    return ", ".join(f"{t.metric.name}={t.value:.15g}" for t in req.targets)


def to_json(
    req: Requirements, scenario: Scenario, wall_time: float | None = None
) -> dict[str, Any]:
    """requirements.json as a dict (see docs/reference/results.md)."""
    r = req.resolved
    return {
        "scenario": scenario.name,
        "model_version": __version__,
        "seed": req.seed,
        "replicates": req.replicates,
        "start": r.start.isoformat(),
        "days": r.days,
        "probability": req.probability,
        "intervals": {"quantiles": [0.05, 0.5, 0.95], "include": req.include},
        "from_year": req.from_year,
        "targets": [
            {
                "metric": t.metric.name,
                "value": t.value,
                "unit": t.metric.unit,
                "kind": "at_most" if t.metric.at_most else "at_least",
                "meaning": t.metric.meaning,
            }
            for t in req.targets
        ],
        "method": {
            **METHOD,
            "mean_field_runs": req.mean_field_runs,
            "stochastic_runs": req.stochastic_runs,
            "wall_time_s": None if wall_time is None else round(wall_time, 2),
        },
        "years": [_year(req, y) for y in req.results],
        "overrides": _overrides(req),
        "scenario_file": FILES[0],
    }


def scenario_yaml(req: Requirements, scenario: Scenario) -> str:
    """A scenario file that extends ``scenario`` with the resources found (and any ``--set``)."""
    sets = []
    for ov in req.resolved.overrides:
        if ov.origin != "--set":
            continue
        param = req.resolved.params[ov.path]
        value: Any = ov.value
        if isinstance(value, tuple):
            value = dict(zip(req.resolved.regions, value, strict=True))
        path = ov.path if ov.region is None else f"{ov.path}.{ov.region}"
        sets.append({"path": path, "value": value, "unit": param.unit.canonical, "note": "--set"})
    found = [{**o, "note": "Found by deportsim requirements"} for o in _overrides(req)]
    doc = {
        "name": f"{scenario.name}-requirements"[:63].rstrip("-"),
        "title": f"{scenario.title}, with the resources found for {_targets_text(req)}",
        "description": (
            f"The {scenario.name} scenario with the resources that deportsim requirements found "
            f"for {_targets_text(req)} with probability {req.probability:g} "
            f"({req.replicates} replicates, seed {req.seed}). Run it over {req.resolved.days} "
            "days to repeat the requirements run's final stochastic run."
        ),
        "policy_sources": [
            {
                "publisher": "deportsim",
                "title": "deportsim requirements: resources searched by the model, not announced",
                "date": req.resolved.start.isoformat(),
                "note": "Levels found by the model's own search; see requirements.json.",
            }
        ],
        "extends": scenario.name if scenario.builtin else str(Path(scenario.file).resolve()),
        "start": req.resolved.start.isoformat(),
        "overrides": sets + found,
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def write_requirements(
    req: Requirements, scenario: Scenario, out: Path, wall_time: float | None = None
) -> list[Path]:
    """Write requirements-scenario.yaml and requirements.json into ``out``, each whole or not.

    The folder is locked meanwhile (a run or another command writing there is refused at once),
    temporary files left by killed commands are removed, and SIGINT or SIGTERM waits until both
    files are in place (requirements.json, the second, is the one a reader trusts).
    """
    texts = {
        FILES[0]: scenario_yaml(req, scenario),
        FILES[1]: json.dumps(to_json(req, scenario, wall_time), indent=2, allow_nan=False) + "\n",
    }
    with lock_output(out):
        check_stop()  # asked to stop, its exception lost: nothing is put in place
        with held():
            remove_stale_parts(out)
            return [write_text_atomic(out / name, text) for name, text in texts.items()]
