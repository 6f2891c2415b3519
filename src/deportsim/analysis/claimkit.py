"""What the claim checks share: the claims file, intervals, verdicts, results and the runs they use.

The claims and the figures they are compared with are data (``claims.yaml``, beside this module),
each figure with its source or labelled as an assumption. :class:`Context` runs each scenario once
(same seed and replicates for all) and keeps it for every claim that needs it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from deportsim import api
from deportsim.analysis.backtest import Backtest
from deportsim.analysis.goalseek import parse_targets
from deportsim.analysis.levers import years_of
from deportsim.analysis.requirements import Requirements, find_requirements
from deportsim.parameters.loader import pydantic_error
from deportsim.parameters.schema import Source
from deportsim.units import DAYS_PER_YEAR
from deportsim.yamlio import load_yaml

__all__ = [
    "BACKTEST_INCLUDES",
    "HORIZON_DAYS",
    "MARGIN",
    "REQUIREMENT_REPLICATES",
    "RUN_YEARS",
    "ClaimResult",
    "ClaimSpec",
    "Context",
    "Interval",
    "Verdict",
    "claim_specs",
    "threshold_verdict",
    "year_windows",
]

F = NDArray[np.float64]
Verdict = Literal["supported", "not_supported", "depends"]

#: Years each claim run lasts: four full years after the 3,000-a-day goal of 28 May 2025.
RUN_YEARS = 4.5
#: Replicates of the stochastic runs that confirm a requirements search in the claims (the
#: search itself is in mean field; ``deportsim requirements`` confirms with 100 by default).
REQUIREMENT_REPLICATES = 20
#: The claims' horizon: the contract's default four years from the start of a run.
HORIZON_DAYS = round(4 * DAYS_PER_YEAR)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Figure(_Strict):
    """A figure a claim is compared with: its source, or the assumption it is."""

    value: float
    unit: str
    source: Source | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _sourced(self) -> Figure:
        if (self.source is None) == (self.assumption is None):
            raise ValueError("a figure needs a source or an assumption (one of them)")
        return self


class ClaimSpec(_Strict):
    """One claim of the claims guide: who said it, what is tested, and under which scenario."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]+$")
    claim: str
    source: str
    metric: str
    unit: Literal["persons", "persons/day", "persons/year", "share", "ratio"]
    scenario: str
    figures: dict[str, Figure] = Field(default_factory=dict)


class _File(_Strict):
    claims: list[ClaimSpec]


@functools.cache
def claim_specs() -> tuple[ClaimSpec, ...]:
    """The shipped claims, in the order of the claims guide (checked when first read)."""
    name = "claims.yaml"
    text = resources.files("deportsim.analysis").joinpath(name).read_text(encoding="utf-8")
    doc = load_yaml(name, text)
    try:
        specs = _File.model_validate(doc.data, strict=False).claims
    except ValidationError as exc:
        raise pydantic_error(exc, doc, ()) from None
    return tuple(specs)


@dataclass(frozen=True)
class Interval:
    """The 5th, 50th and 95th percentiles of a result over replicates."""

    p05: float
    p50: float
    p95: float

    @classmethod
    def of(cls, draws: F | float) -> Interval:
        """Percentiles of ``draws`` (one value per replicate; a single value gives three equal)."""
        p05, p50, p95 = np.percentile(np.atleast_1d(draws), [5.0, 50.0, 95.0])
        return cls(float(p05), float(p50), float(p95))

    def to_json(self) -> dict[str, float]:
        """As in claims.json."""
        return {"p05": self.p05, "p50": self.p50, "p95": self.p95}


#: A result within this share of a claim's threshold is too close to call (Assumption: the
#: intervals hold the model's randomness and, unless ``--fixed-parameters``, the stated ranges of
#: its parameters, but not the error of the model's structure, which no interval shows;
#: docs/guide.md, "Which claims hold up?").
MARGIN = 0.05
#: What the intervals of the claims that rest on the backtest hold (analysis/backtest.py).
BACKTEST_INCLUDES = (
    "calibration uncertainty (bootstrap refits of the stays)",
    "the model's misfit to ICE's monthly figures",
)


def threshold_verdict(result: Interval, threshold: float, above: bool = True) -> Verdict:
    """Supported when the whole 90% interval is past ``threshold`` by :data:`MARGIN`.

    Not supported when all of it falls short by the margin; ``depends`` otherwise. ``above``: the
    claim says the quantity reaches ``threshold`` (else: that it stays below it).
    """
    hi_t, lo_t = threshold * (1.0 + MARGIN), threshold * (1.0 - MARGIN)
    if above:
        if result.p05 >= hi_t:
            return "supported"
        return "not_supported" if result.p95 < lo_t else "depends"
    if result.p95 <= lo_t:
        return "supported"
    return "not_supported" if result.p05 > hi_t else "depends"


@dataclass(frozen=True)
class ClaimResult:
    """A claim tested: the contract's fields, plus the scenario, assumptions and details."""

    spec: ClaimSpec
    result: Interval
    verdict: Verdict
    binding_constraint: str
    explanation: str
    assumptions: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    #: What the result's interval holds (set by :func:`deportsim.analysis.claims.evaluate_claims`
    #: from the context, unless the check says: the backtest's claims).
    include: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """One entry of claims.json (../shared/spec/interface.md, extended)."""
        return {
            "id": self.spec.id,
            "claim": self.spec.claim,
            "source": self.spec.source,
            "metric": self.spec.metric,
            "unit": self.spec.unit,
            "result": self.result.to_json(),
            "intervals": {"quantiles": [0.05, 0.5, 0.95], "include": list(self.include)},
            "verdict": self.verdict,
            "binding_constraint": self.binding_constraint,
            "explanation": self.explanation,
            "scenario": self.spec.scenario,
            "assumptions": list(self.assumptions),
            "figures": {
                k: {
                    "value": f.value,
                    "unit": f.unit,
                    "source": f.source.cite() if f.source else None,
                    "assumption": f.assumption,
                }
                for k, f in self.spec.figures.items()
            },
            "details": self.details,
        }


class Context:
    """Runs shared by the claim checks: each scenario (with its ``sets``) is run once."""

    def __init__(
        self,
        replicates: int,
        seed: int,
        on_run: Callable[[str], None] | None = None,
        *,
        parameter_uncertainty: bool = False,
    ) -> None:
        self.replicates = replicates
        self.seed = seed
        self.parameter_uncertainty = parameter_uncertainty
        self._on_run = on_run
        self._runs: dict[tuple[str, float, tuple[str, ...]], api.RunOutput] = {}
        self._backtest: Backtest | None = None
        self._requirements: dict[tuple[str, str], Requirements] = {}

    def run(
        self, scenario: str, years: float = RUN_YEARS, sets: tuple[str, ...] = (), keep: bool = True
    ) -> api.RunOutput:
        """The scenario's run, computed on first use.

        It is kept for the other claims unless ``keep`` is False: a variant that only one claim
        reads is not, so that its series do not stay in memory.
        """
        key = (scenario, years, sets)
        if key in self._runs:
            return self._runs[key]
        if self._on_run is not None:
            self._on_run(scenario + (" (variant)" if sets else ""))
        cfg = api.RunConfig(
            scenario=scenario, replicates=self.replicates, seed=self.seed, years=years, sets=sets,
            parameter_uncertainty=self.parameter_uncertainty,
        )  # fmt: skip
        out = api.execute(api.prepare(cfg))
        if keep:
            self._runs[key] = out
        return out

    def requirements(self, scenario: str, target: str) -> Requirements:
        """Resources for ``target`` (``METRIC=VALUE``) under the scenario, year by year.

        Searched in mean field and confirmed in stochastic runs of at most
        :data:`REQUIREMENT_REPLICATES` replicates, at probability 0.5 (``deportsim requirements``).
        """
        key = (scenario, target)
        if key not in self._requirements:
            if self._on_run is not None:
                self._on_run(f"requirements {scenario} {target}")
            prep = api.prepare(api.RunConfig(scenario=scenario, years=4.0))
            self._requirements[key] = find_requirements(
                prep.resolved, parse_targets([target]), probability=0.5,
                replicates=min(self.replicates, REQUIREMENT_REPLICATES), seed=self.seed,
                parameter_uncertainty=self.parameter_uncertainty,
            )  # fmt: skip
        return self._requirements[key]

    @property
    def include(self) -> tuple[str, ...]:
        """What the intervals of the context's runs hold."""
        drawn = ("parameter uncertainty",) if self.parameter_uncertainty else ()
        return ("process noise", *drawn)

    def backtest(self) -> Backtest:
        """The default backtest (fitted stays, the context's seed)."""
        if self._backtest is None:
            if self._on_run is not None:
                self._on_run("backtest")
            self._backtest = api.backtest(seed=self.seed)
        return self._backtest


def year_windows(run: api.RunOutput, years: int = 4) -> list[slice]:
    """The first ``years`` years of a run as slices of its daily series.

    The years of ``deportsim requirements`` (:func:`deportsim.analysis.levers.years_of`:
    boundaries at k × 365.25 days, rounded); each must be whole within the run.
    """
    found = years_of(run.prepared.start, run.sim.days)[:years]
    if len(found) < years or found[-1].end > run.sim.days or found[-1].days < 365:
        raise ValueError(f"a run of {run.sim.days} days has fewer than {years} full years")
    return [y.window for y in found]
