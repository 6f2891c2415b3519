"""What ``deportsim compare-estimates`` prints: each figure with what it is and its unit.

The table sets each published cost per removal beside the model's medians over replicates; the
lines after it split each gap in the model's deterministic run (mean field), where each
assumption's part is exact. The two kinds of model figure differ (a median over replicates is not
the deterministic run's value), so every figure says which it is, and all are dollars per
removal in the estimates file's dollar year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: the views load no model
    from deportsim.analysis.estimates.compare import Comparison, EstimateResult

__all__ = ["HEADINGS", "estimate_header", "estimate_line", "estimate_rows", "signed_usd"]

#: The table's columns.
HEADINGS = (
    "estimate",
    "published, per removal",
    "model with its assumptions: median",
    "90% interval",
    "model default: median",
)


def _usd(value: float) -> str:
    return f"${value:,.0f}"


def signed_usd(value: float) -> str:
    """A change in dollars with its sign: ``+$2,452``, ``-$3,815``.

    >>> signed_usd(2452.4), signed_usd(-3815.0), signed_usd(0.0)
    ('+$2,452', '-$3,815', '+$0')
    """
    return f"{'-' if round(value) < 0 else '+'}${abs(value):,.0f}"


def estimate_header(comparison: Comparison) -> str:
    """The line above the table: the base scenario, the runs, the dollars and the intervals."""
    cfg, spec = comparison.config, comparison.spec
    return (
        f"Cost per removal (USD of {spec.model_dollar_year}), model base {spec.base_scenario}: "
        f"{cfg['replicates']} replicates from {cfg['start']}, {cfg['days']} days; medians and "
        f"90% intervals over replicates, which hold {' and '.join(comparison.include)}"
    )


def estimate_rows(comparison: Comparison) -> list[list[str]]:
    """The table's rows (:data:`HEADINGS`): published figure, the model's medians and interval."""
    rows = []
    for r in comparison.results:
        pub = r.estimate.published
        shown = _usd(r.published_model_dollars)
        if r.deflator_factor != 1.0:
            shown += f" ({pub.dollar_year} dollars: {_usd(pub.value)})"
        u = r.under
        rows.append([r.estimate.name, shown, _usd(u.p50), f"{_usd(u.p05)}-{_usd(u.p95)}",
                     _usd(r.default.p50)])  # fmt: skip
    return rows


def estimate_line(r: EstimateResult, dollar_year: int) -> str:
    """One estimate's gap split in one line, every figure named.

    The published figure, the deterministic run's default and its value with the estimate's
    assumptions, each main assumption's part, and what the model leaves out.
    """
    parts = [f"{c.label} {signed_usd(c.usd)}" for c in r.main_reasons(3)]
    if abs(r.interaction) >= 500:  # an interaction of a few dollars is not worth a word
        parts.append(f"together {signed_usd(r.interaction)}")
    split = f": {', '.join(parts)}" if parts else ""
    return (
        f"{r.estimate.id}, cost per removal in {dollar_year} USD: published "
        f"{_usd(r.published_model_dollars)}; in the deterministic run that splits the gap (not "
        f"the table's medians), model default {_usd(r.default.mean_field)} and with the "
        f"estimate's assumptions {_usd(r.under.mean_field)}{split}; not in the model "
        f"{signed_usd(r.residual)}"
    )
