"""What ``deportsim compare-estimates`` prints: each figure with what it is and its unit.

The table sets each published cost per removal beside the model's medians over replicates; the
lines after it split each gap in the model's deterministic run (mean field), where each
assumption's part is exact. The two kinds of model figure differ (a median over replicates is not
the deterministic run's value), so every figure says which it is, and all are dollars per
removal in the estimates file's dollar year.

The economic estimates follow in a table of their own (:data:`ECONOMY_HEADINGS`): each study's
published headline, the model's economic stage under the study's own assumptions and the gap
between them, and the model's own figure (median and 90% interval over its replicates).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: the views load no model
    from deportsim.analysis.estimates.compare import Comparison, EstimateResult
    from deportsim.analysis.estimates.economy import AnchorResult, EconomyComparison

__all__ = [
    "ECONOMY_HEADINGS", "HEADINGS", "economy_header", "economy_line", "economy_rows",
    "estimate_header", "estimate_line", "estimate_rows", "signed_usd",
]  # fmt: skip

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


#: The economic table's columns.
ECONOMY_HEADINGS = (
    "study",
    "published headline",
    "reproduced under its own assumptions",
    "gap",
    "within tolerance?",
    "model's own: median",
    "90% interval",
)


def economy_value(measure: str, value: float) -> str:
    """A headline figure in its measure's unit.

    >>> economy_value("gdp_loss_share", 1.126), economy_value("employment_change_us_born", -2.571e6)
    ('1.13% of GDP', '-2,571,000 jobs')
    >>> economy_value("tax_revenue_lost_usd_real", 96.7e9)
    '$96.7B'
    """
    if measure == "gdp_loss_share":
        return f"{value:.2f}% of GDP"
    if measure == "tax_revenue_lost_usd_real":
        return f"${value / 1e9:,.1f}B"
    return f"{value:,.0f} jobs"


def _bare(measure: str, value: float) -> str:
    return economy_value(measure, value).removesuffix(" of GDP").removesuffix(" jobs")


def _published(r: AnchorResult) -> str:
    h = r.anchor.headline
    shown = economy_value(h.measure, h.value)
    if h.low is not None and h.high is not None:
        shown = f"{_bare(h.measure, h.low)} to {economy_value(h.measure, h.high)}"
    return f"{shown}, {h.year if h.year is not None else f'{h.read_in} (year assumed)'}"


def economy_header(econ: EconomyComparison) -> str:
    """The line above the economic table: what is reproduced and how the model's own run was."""
    cfg = econ.config
    return (
        f"Economic estimates: each study's headline reproduced by the model's economic stage "
        f"under the study's own removal path and assumptions (parameter files' values), gap to "
        f"the published figure (tolerance {econ.spec.tolerance:.0%}); the model's own figure "
        f"from {econ.spec.own_scenario}, {cfg['replicates']} replicates from "
        f"{cfg['own_start']} to {cfg['own_until']}, median and 90% interval"
    )


def economy_rows(econ: EconomyComparison) -> list[list[str]]:
    """The economic table's rows (:data:`ECONOMY_HEADINGS`)."""
    rows = []
    for r in econ.results:
        h = r.anchor.headline
        own = f"{_bare(h.measure, r.own_p05)} to {_bare(h.measure, r.own_p95)}"
        rows.append([
            r.anchor.name, _published(r), f"{economy_value(h.measure, r.reproduced)}, {h.read_in}",
            f"{100 * r.gap:+.1f}%", "yes" if econ.within(r) else "no",
            f"{economy_value(h.measure, r.own_p50)}, {h.own_in}", own,
        ])  # fmt: skip
    return rows


def economy_line(r: AnchorResult) -> str:
    """One anchor's path and overrides, and why the model's figure differs, in one line."""
    p = r.anchor.path
    years = f"{p.first_year}" if p.first_year == p.last_year else f"{p.first_year}-{p.last_year}"
    sets = f"; with {', '.join(r.anchor.sets)}" if r.anchor.sets else ""
    why = " ".join(r.anchor.why_differs.split())
    return (
        f"{r.anchor.id}: {p.per_year:,.0f} {p.counts} removed a year in {years} "
        f"({r.removed:,.0f} people, {r.workers:,.0f} workers){sets}. {why}"
    )
