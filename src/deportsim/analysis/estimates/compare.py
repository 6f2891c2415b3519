"""Published cost-per-removal estimates set beside the model's, and why they differ.

For each estimate in ``estimates.yaml`` (:mod:`deportsim.analysis.estimates.spec`) the model runs
its base scenario (one-million-a-year) twice with the same seed: as it is (the model's default)
and with every assumption of the estimate applied as parameter overrides for the whole run.

The figure compared is the **average cost per removal** over the run: the costs the estimate
counts (its ``counts``: arrests with the officers' time, detention, alternatives to detention,
courts, transport), summed over every day of the run, divided by the removals carried out in the
run. It is not a marginal cost (the cost of one more removal). Intervals (5th-95th percentiles
over replicates) reflect the model's process noise and, unless the parameters are fixed, the
uncertain parameters drawn for each replicate (an estimate's assumptions are kept as given).

The gap between an estimate's published figure (in the model's dollars) and the model's default
is split in two. Part is explained inside the model: each assumption is switched alone from the
model's default to the estimate's, and its contribution is the change in cost per removal; what
the assumptions do together beyond their separate effects is the interaction, so that
contributions + interaction = model under all assumptions - model default exactly. These runs use
the model's deterministic skeleton (mean field), so the split has no noise. The rest, published -
model under all assumptions, is what the mapped assumptions leave unexplained (``not_mapped``).

The published economic estimates (GDP, taxes, US-born jobs) are reproduced apart, by
:mod:`deportsim.analysis.estimates.economy`, and carried in :attr:`Comparison.economy`
(``estimates.json``'s ``economy`` block).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from deportsim._version import __version__
from deportsim.analysis.estimates.spec import COMPONENTS, Estimate, EstimateFile
from deportsim.core.folders import writable_folder, write_text_atomic
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.model import SimResult

if TYPE_CHECKING:
    from deportsim.analysis.estimates.economy import EconomyComparison

__all__ = ["Comparison", "EstimateResult", "Runner", "compare", "measures", "write_estimates"]

F = NDArray[np.float64]
#: Prepares a run of the base scenario with extra ``--set`` overrides and runs it:
#: ``runner(sets, mean_field)`` -> the run's series. The API supplies it (seed, replicates, years).
Runner = Callable[[tuple[str, ...], bool], SimResult]


@dataclass(frozen=True)
class Interval:
    """Cost per removal over replicates, and the deterministic skeleton's value."""

    p05: float
    p50: float
    p95: float
    mean_field: float

    def to_json(self) -> dict[str, float]:
        """Rounded to the dollar."""
        return {k: round(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Contribution:
    """One assumption switched alone: its change in cost per removal and what it moves."""

    id: str
    label: str
    published: str
    status: str
    sets: tuple[str, ...]
    usd: float
    measure: str | None
    model_default: float | None  # the measure in the model's default run
    model_under: float | None  # the measure with every assumption of the estimate


@dataclass(frozen=True)
class EstimateResult:
    """One estimate beside the model: figures, intervals and the split of the gap."""

    estimate: Estimate
    published_model_dollars: float
    deflator_factor: float
    default: Interval
    under: Interval
    contributions: tuple[Contribution, ...]
    interaction: float

    @property
    def explained(self) -> float:
        """Model under the estimate's assumptions minus the model's default (mean field)."""
        return self.under.mean_field - self.default.mean_field

    @property
    def residual(self) -> float:
        """Published (model dollars) minus the model under all the estimate's assumptions."""
        return self.published_model_dollars - self.under.mean_field

    def main_reasons(self, n: int = 3) -> list[Contribution]:
        """The ``n`` assumptions that move the model's cost per removal most."""
        return sorted(self.contributions, key=lambda c: -abs(c.usd))[:n]


@dataclass(frozen=True)
class Comparison:
    """Every estimate beside the model, and how the runs were made."""

    spec: EstimateFile
    results: tuple[EstimateResult, ...]
    config: dict[str, Any]
    #: the published economic estimates reproduced (:mod:`.economy`), if asked for
    economy: EconomyComparison | None = None

    @property
    def include(self) -> list[str]:
        """What the intervals hold: process noise, and the parameters' draws unless fixed."""
        drawn = self.config.get("parameter_uncertainty", False)
        return ["process noise", *(["parameter uncertainty"] if drawn else [])]

    def to_json(self) -> dict[str, Any]:
        """The content of ``estimates.json`` (``economy``: the economic estimates, if any)."""
        out = {
            "model_version": __version__,
            **self.config,
            "base_scenario": self.spec.base_scenario,
            "base_reasoning": self.spec.base_reasoning,
            "metric": (
                "average cost per removal: the costs the estimate counts, summed over the run, "
                "over the removals in the run (not a marginal cost); USD of "
                f"{self.spec.model_dollar_year}"
            ),
            "intervals": {"quantiles": [0.05, 0.5, 0.95], "include": self.include},
            "dollar_year": self.spec.model_dollar_year,
            "deflator": self.spec.deflator.model_dump(mode="json"),
            "estimates": [_result_json(r, self.spec) for r in self.results],
        }
        if self.economy is not None:
            out["economy"] = self.economy.to_json()
        return out


def cost_per_removal(sim: SimResult, counts: Sequence[str]) -> F:
    """Average cost per removal of each replicate: counted costs over removals, whole run."""
    cost = sum(sim.national[s].sum(axis=1) for c in counts for s in COMPONENTS[c])
    removals = sim.national["removals"].sum(axis=1)
    return np.asarray(cost / np.maximum(removals, 1e-9), dtype=np.float64)


def measures(sim: SimResult) -> dict[str, float]:
    """What each kind of assumption sets, as the run shows it (first replicate).

    ``stay`` is days in custody per book-in (person-days detained over book-ins, Little's law);
    ``arrest_cost`` includes the officers' time; ``bed_day`` is the bed cost in force, averaged
    over the days of the run (read back from detention cost over people detained).
    """
    n = {k: v[0].sum() for k, v in sim.national.items()}
    days = sim.days

    def ratio(a: float, b: float) -> float:
        return float(a / b) if b > 0 else float("nan")

    return {
        "interior_share": ratio(n["removals_interior"], n["removals"]),
        "at_large_share": ratio(n["arrests_at_large"], n["arrests"]),
        "arrest_cost": ratio(n["cost_officers"] + n["cost_arrests"], n["arrests"]),
        "detained_share": ratio(n["book_ins_ice"], n["arrests"]),
        "stay": ratio(n["detained"], n["book_ins"]),
        "bed_day": ratio(n["cost_detention"], n["detained"]),
        "removals_per_year": ratio(n["removals"] * DAYS_PER_YEAR, days),
    }


def _interval(values: F, mean_field: float) -> Interval:
    p05, p50, p95 = np.quantile(values, [0.05, 0.5, 0.95])
    return Interval(float(p05), float(p50), float(p95), mean_field)


def compare(
    spec: EstimateFile,
    run: Runner,
    config: dict[str, Any] | None = None,
    economy: EconomyComparison | None = None,
) -> Comparison:
    """Run the model for every estimate and split each gap (see the module docstring).

    Runs: the base scenario once stochastic and once mean field; for each estimate, all its
    assumptions stochastic and mean field; each assumption alone, mean field. ``economy``, the
    economic estimates already reproduced, is carried into the result.
    """
    skeletons: dict[tuple[str, ...], SimResult] = {}

    def skeleton(sets: tuple[str, ...]) -> SimResult:
        """Mean-field run, once per set of overrides (estimates share some assumptions)."""
        if sets not in skeletons:
            skeletons[sets] = run(sets, True)
        return skeletons[sets]

    base = run((), False)
    base_mf = skeleton(())
    base_measures = measures(base_mf)
    results = []
    for est in spec.estimates:
        counts = tuple(est.published.counts)
        default = _interval(
            cost_per_removal(base, counts), float(cost_per_removal(base_mf, counts)[0])
        )
        every = tuple(s for a in est.assumptions for s in spec.sets(a))
        under_mf = skeleton(every)
        under = _interval(
            cost_per_removal(run(every, False), counts),
            float(cost_per_removal(under_mf, counts)[0]),
        )
        under_measures = measures(under_mf)
        parts = []
        for a in est.assumptions:
            alone = float(cost_per_removal(skeleton(spec.sets(a)), counts)[0])
            parts.append(
                Contribution(
                    a.id,
                    a.label,
                    a.published,
                    a.status,
                    spec.sets(a),
                    alone - default.mean_field,
                    a.measure,
                    base_measures[a.measure] if a.measure else None,
                    under_measures[a.measure] if a.measure else None,
                )
            )
        interaction = under.mean_field - default.mean_field - sum(p.usd for p in parts)
        factor = spec.factor(est.published.dollar_year)
        results.append(
            EstimateResult(
                est, est.published.value * factor, factor, default, under, tuple(parts), interaction
            )
        )
    return Comparison(spec, tuple(results), dict(config or {}), economy)


def _result_json(r: EstimateResult, spec: EstimateFile) -> dict[str, Any]:
    est = r.estimate
    pub = est.published.model_dump(mode="json", exclude_none=True)
    pub["value_model_dollars"] = round(r.published_model_dollars)
    pub["deflator_factor"] = round(r.deflator_factor, 6)
    return {
        "id": est.id,
        "name": est.name,
        "published": pub,
        "other_figures": [f.model_dump(mode="json", exclude_none=True) for f in est.other_figures],
        "model_default": r.default.to_json(),
        "model_under_assumptions": r.under.to_json(),
        "gap": {
            "published_minus_default": round(r.published_model_dollars - r.default.mean_field),
            "explained_by_assumptions": round(r.explained),
            "interaction": round(r.interaction),
            "not_explained": round(r.residual),
        },
        "contributions": [
            {
                "id": c.id,
                "label": c.label,
                "published": c.published,
                "status": c.status,
                "sets": list(c.sets),
                "usd": round(c.usd),
                "measure": c.measure,
                "model_default": _num(c.model_default),
                "model_under": _num(c.model_under),
                "source": _sources_json(est, c.id),
            }
            for c in r.contributions
        ],
        "not_mapped": est.not_mapped,
        "dollar_year": spec.model_dollar_year,
    }


def _num(v: float | None) -> float | None:
    return None if v is None or not np.isfinite(v) else round(float(v), 4)


def _sources_json(est: Estimate, assumption_id: str) -> list[dict[str, Any]]:
    a = next(a for a in est.assumptions if a.id == assumption_id)
    src = a.source if isinstance(a.source, list) else [a.source]
    return [s.model_dump(mode="json", exclude_none=True) for s in src]


def write_estimates(comparison: Comparison, out: Path) -> Path:
    """Write ``estimates.json`` into ``out``, moved into place only when complete."""
    writable_folder(out)
    text = json.dumps(comparison.to_json(), indent=1, allow_nan=False) + "\n"
    return write_text_atomic(out / "estimates.json", text)
