"""A claim's verdict: the interval of its result, how the verdict is read from it, the result.

A verdict is ``supported`` when the model's whole 90% interval agrees with the claim,
``not_supported`` when none of it does and ``depends`` otherwise (:func:`threshold_verdict`);
:class:`ClaimResult` is one claim tested, as written to claims.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.claims.spec import ClaimSpec

__all__ = [
    "BACKTEST_INCLUDES",
    "MARGIN",
    "ClaimResult",
    "Interval",
    "Verdict",
    "threshold_verdict",
]

F = NDArray[np.float64]
Verdict = Literal["supported", "not_supported", "depends"]


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
#: What the intervals of the claims that rest on the backtest hold (analysis/history/backtest.py).
BACKTEST_INCLUDES = (
    "calibration uncertainty (bootstrap refits of the stays)",
    "the model's misfit to ICE's monthly figures",
    "the removal shares' fit and, after it, their year-to-year change",
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
    #: What the result's interval holds (set from the context by
    #: :func:`deportsim.analysis.claims.evaluate.evaluate_claims`, unless the check says: the
    #: backtest's claims).
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
