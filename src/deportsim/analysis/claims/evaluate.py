"""Test every claim of the claims guide and write claims.json.

:func:`evaluate_claims` runs each scenario the claims need once (same seed and replicates for
all), applies each claim's check (:mod:`deportsim.analysis.claims.checks`) and returns the results
in the order of the guide; :func:`write_claims` writes them atomically. The verdicts:
``supported`` when the model's whole 90% interval agrees with the claim, ``not_supported`` when
none of it does, ``depends`` otherwise or when the answer turns on a choice the explanation names.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from deportsim.analysis.claims.checks import CHECKS
from deportsim.analysis.claims.context import Context
from deportsim.analysis.claims.spec import claim_specs
from deportsim.analysis.claims.verdicts import ClaimResult
from deportsim.core.folders import writable_folder, write_text_atomic

__all__ = ["claims_json", "evaluate_claims", "write_claims"]


def evaluate_claims(
    replicates: int = 100,
    seed: int = 0,
    on_claim: Callable[[str], None] | None = None,
    on_run: Callable[[str], None] | None = None,
    *,
    parameter_uncertainty: bool = False,
) -> list[ClaimResult]:
    """Test every claim; ``on_claim(id)`` is called before each claim, ``on_run(name)`` each run.

    With ``parameter_uncertainty`` each replicate of the runs draws the uncertain parameters
    (:mod:`deportsim.run.draws`), as ``deportsim run`` does.
    """
    ctx = Context(replicates, seed, on_run, parameter_uncertainty=parameter_uncertainty)
    results = []
    for spec in claim_specs():
        if on_claim is not None:
            on_claim(spec.id)
        result = CHECKS[spec.id](spec, ctx)
        results.append(result if result.include else replace(result, include=ctx.include))
    return results


def claims_json(results: list[ClaimResult]) -> list[dict[str, Any]]:
    """The contents of claims.json: one entry per claim, in the guide's order."""
    return [r.to_json() for r in results]


def write_claims(results: list[ClaimResult], out: Path) -> Path:
    """Write ``out/claims.json`` (moved into place once complete)."""
    writable_folder(out)
    text = json.dumps(claims_json(results), indent=2, ensure_ascii=False, allow_nan=False)
    return write_text_atomic(out / "claims.json", text + "\n")
