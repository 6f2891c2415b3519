"""The report's section "The economy": output, jobs, wages and taxes, and what matters most.

Figures are the run's summary.json statistics (median and 90% interval) of the economy's
metrics (:mod:`deportsim.run.economy`): in all (a column per scenario, the enforcement's cost
beside them), then for the report's own scenario by calendar year (summary.json's ``years``), by
sector and by metro area (its ``regions``). Then which economic assumption matters most: the
Sobol indices of the output and taxes lost over the economic parameters' ranges
(:mod:`deportsim.analysis.economy.sensitivity`, computed when the run was kept for the report:
:attr:`ScenarioRun.economy`), in plain words, and what the model does not capture.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np

from deportsim.analysis.economy.sensitivity import METRIC_WORDS, EconomySensitivity
from deportsim.model.stages.impacts import SECTORS
from deportsim.report.chartkit import REGION_NAMES
from deportsim.report.runs import ScenarioRun
from deportsim.report.sections import swatch
from deportsim.report.tables import Cell, metric_cell
from deportsim.views.formatting import metric_text

__all__ = [
    "KEY",
    "METRO_COLUMNS",
    "NOT_CAPTURED",
    "ROWS",
    "SECTOR_COLUMNS",
    "TITLE",
    "YEAR_ROWS",
    "economy_section",
    "economy_text",
]

#: The section's anchor and heading.
KEY = "economy"
TITLE = "The economy"
#: The run's economic figures (summary.json metric, label), the enforcement's cost last.
ROWS = (
    ("gdp_loss_usd", "Output (GDP) lost over the run, nominal dollars"),
    ("gdp_loss_usd_real", "Output (GDP) lost over the run, 2024 dollars"),
    ("gdp_loss_share", "Output lost in the run's last year, share of that year's GDP"),
    ("employment_change_immigrant", "Unauthorized immigrants at work, change by the last day"),
    (
        "employment_change_us_born",
        "US-born and authorized workers employed, change by the last day",
    ),
    ("tax_revenue_lost_usd", "Taxes lost over the run, federal, state and local (nominal)"),
    ("tax_revenue_lost_usd_federal", "of which federal (Social Security included)"),
    ("tax_revenue_lost_usd_state_local", "of which state and local"),
    ("social_security_contributions_lost_usd", "Social Security taxes lost (part of federal)"),
    ("medicare_contributions_lost_usd", "Medicare taxes lost (part of federal)"),
    (
        "wage_change_no_diploma",
        "Wages of workers without a high-school diploma, change by the last day (competition "
        "alone: an upper bound)",
    ),
    (
        "wage_change_high_school",
        "Wages of workers with a high-school diploma and no more, change by the last day "
        "(competition alone: an upper bound)",
    ),
    ("cost_total_usd", "Enforcement cost over the run, for comparison (nominal)"),
)
#: The rows of the table by calendar year (summary.json's ``years``), with their labels.
YEAR_ROWS = (
    ("gdp_loss_usd", "Output lost, nominal"),
    ("gdp_loss_usd_real", "Output lost, 2024 dollars"),
    ("gdp_loss_share", "Output lost, share of the year's GDP"),
    ("employment_change_immigrant", "Unauthorized immigrants at work, change by the year's end"),
    ("employment_change_us_born", "US-born and authorized jobs, change by the year's end"),
    ("tax_revenue_lost_usd", "Taxes lost"),
    ("tax_revenue_lost_usd_federal", "of which federal"),
    ("tax_revenue_lost_usd_state_local", "of which state and local"),
    ("social_security_contributions_lost_usd", "Social Security taxes lost"),
    ("medicare_contributions_lost_usd", "Medicare taxes lost"),
    ("wage_change_no_diploma", "Wages without a diploma, change on the year's last day in the run"),
    (
        "wage_change_high_school",
        "Wages with a diploma and no more, change on the year's last day in the run",
    ),
)
#: The sector table's columns: metric prefix (then ``_<sector>``), heading.
SECTOR_COLUMNS = (
    ("gdp_loss_usd", "output lost over the run, nominal"),
    ("employment_change_immigrant", "unauthorized immigrants at work, change by the last day"),
)
#: The metro table's columns: summary metric of the ``regions`` block, heading.
METRO_COLUMNS = (
    ("gdp_loss_usd", "output lost, nominal"),
    ("employment_change_immigrant", "unauthorized immigrants at work, change"),
    ("employment_change_us_born", "US-born and authorized jobs, change"),
    ("tax_revenue_lost_usd", "taxes lost"),
    ("tax_revenue_lost_usd_state_local", "of which state and local"),
)
#: What the model does not capture (docs/economy.md, "What the model does not capture").
NOT_CAPTURED = (
    "The model does not capture general equilibrium (prices, capital and the demand for work "
    "adjusting, firms moving: its wages are competition's alone, an upper bound on a gain), "
    "trade and the prices of the goods and services the workers made, "
    "remittances sent abroad and the spending of the people removed, nor the public services "
    "they no longer use: the figures are the work lost and what it would have produced and "
    "paid in taxes, nothing more (docs/economy.md)."
)

#: The medians the sentence beside the enforcement's cost quotes.
_BESIDE = (
    "cost_total_usd",
    "gdp_loss_usd",
    "tax_revenue_lost_usd",
    "tax_revenue_lost_usd_federal",
    "tax_revenue_lost_usd_state_local",
)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(cell: Cell | None) -> str:
    if cell is None:
        return '<td class="num">n/a<span>not in the summary</span></td>'
    return f'<td class="num">{_e(cell.median)}<span>90%: {_e(cell.interval)}</span></td>'


def _cell(block: dict[str, Any], metric: str) -> Cell | None:
    return metric_cell(block[metric]) if metric in block else None


def _median(run: ScenarioRun, metric: str) -> str:
    stats = run.summary["metrics"].get(metric)
    return "n/a" if stats is None else metric_text(stats["p50"], stats["unit"])


def _beside(run: ScenarioRun) -> str:
    """One sentence: the output and taxes lost beside the enforcement's cost (medians)."""
    cost, output, taxes = (_median(run, m) for m in _BESIDE[:3])
    federal, state = (_median(run, m) for m in _BESIDE[3:])
    return (
        f"In {run.name}, the enforcement costs {cost} over the run (median); the output lost is "
        f"{output} and the taxes lost {taxes}, of which {federal} federal and {state} state and "
        "local."
    )


def _table(head: Sequence[str], rows: Sequence[tuple[str, str, Sequence[Cell | None]]]) -> str:
    """A table: the first column's heading and the others', then (key, label, cells) rows."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join(
        f'<tr data-metric="{_e(key)}"><td>{_e(label)}</td>{"".join(_num(c) for c in cells)}</tr>'
        for key, label, cells in rows
    )
    return f'<table class="economy"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _overall(runs: Sequence[ScenarioRun]) -> str:
    head = ["measure", *(f"{swatch(i)}{_e(r.name)}" for i, r in enumerate(runs))]
    rows = [
        (metric, label, [_cell(r.summary["metrics"], metric) for r in runs])
        for metric, label in ROWS
    ]
    return _table(head, rows)


def _years(run: ScenarioRun) -> str:
    years: dict[str, Any] = run.summary.get("years", {})
    if not years:
        return "<p>The summary holds no figures by calendar year.</p>"
    head = ["measure", *(f"{_e(y)} ({years[y]['days']} days)" for y in years)]
    rows = [
        (metric, label, [_cell(years[y]["metrics"], metric) for y in years])
        for metric, label in YEAR_ROWS
    ]
    return _table(head, rows)


def _sectors(run: ScenarioRun) -> str:
    metrics = run.summary["metrics"]
    head = ["sector", *(_e(h) for _, h in SECTOR_COLUMNS)]
    rows = [
        (s, s, [_cell(metrics, f"{prefix}_{s}") for prefix, _ in SECTOR_COLUMNS]) for s in SECTORS
    ]
    return _table(head, rows)


def _metros(run: ScenarioRun) -> str:
    regions: dict[str, Any] = run.summary.get("regions", {})
    head = ["metro area (region of arrest)", *(_e(h) for _, h in METRO_COLUMNS)]
    rows = [
        (
            g,
            f"{REGION_NAMES.get(g, g)} ({g})",
            [_cell(regions.get(g, {}), m) for m, _ in METRO_COLUMNS],
        )
        for g in run.regions
    ]
    return _table(head, rows).replace("data-metric=", "data-region=")


def _ranking(sens: EconomySensitivity) -> str:
    """The ranked indices of each metric: a table of the parameters that matter, and a line."""
    parts = []
    for metric in METRIC_WORDS:
        ind = sens.indices[metric]
        rows = "".join(
            f"<tr><td><code>{_e(ind.paths[j])}</code></td>"
            f'<td class="num">{float(ind.st[j]):.2f}<span>± {float(ind.st_conf[j]):.2f}</span></td>'
            f'<td class="num">{float(ind.s1[j]):.2f}<span>± {float(ind.s1_conf[j]):.2f}</span></td>'
            "</tr>"
            for j in ind.ranked()
            if np.isfinite(ind.st[j])
        )
        parts.append(
            f'<p data-sobol="{_e(metric)}">{_e(sens.sentence(metric))}</p>'
            f'<table class="sobol"><thead><tr><th>parameter ({_e(metric)})</th>'
            "<th>total index (ST)</th><th>first-order index (S1)</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    method = (
        f"Sobol indices (SALib, Saltelli design) over the stated ranges of {len(sens.ranges)} "
        f"economic parameters, {sens.samples:,} samples (N = {sens.base_samples:,}), seed "
        f"{sens.seed}. The pipeline's series are held fixed ({sens.source}): the economic "
        "parameters do not change arrests, detention or removals, so only the economic stage "
        "is evaluated again, with the model's own equations. A total index is the share of "
        "the spread of the output or taxes lost that a parameter plays a part in; the "
        "first-order index, its part alone "
        "(± its 95% confidence interval)."
    )
    left = "".join(f"; {p} is held at its value ({why})" for p, why in sens.left_fixed.items())
    return "".join(parts) + f'<p class="small">{_e(method + left)}</p>'


def economy_section(runs: Sequence[ScenarioRun]) -> str:
    """The section "The economy" as HTML (the report's own scenario in detail)."""
    first = runs[0]
    note = (
        f"Median over {first.replicates:,} replicates, and below it the 90% interval (5th to 95th "
        "percentile across replicates), as summary.json holds them. Every figure counts from "
        "the run's first day against a world in which nobody is held or removed in the run: "
        "workers removed, held, or kept from work by fear of arrest, what they would have "
        "produced, the jobs of others that go with theirs, and the taxes they and those who "
        "depend on them would have paid; and the rise in the wages of the workers with the "
        "least schooling that competition alone would give, an upper bound on a gain. Dollars "
        "are nominal unless marked 2024 dollars."
    )
    ranking = (
        _ranking(first.economy)
        if first.economy is not None
        else "<p>The ranking of the economic assumptions was not computed for this report.</p>"
    )
    return (
        f'<section id="{KEY}"><h2>{_e(TITLE)}</h2><p class="small">{_e(note)}</p>'
        + _overall(runs)
        + f"<p>{_e(_beside(first))}</p>"
        + f"<h3>{_e(first.name)}: by calendar year</h3>"
        + _years(first)
        + f"<h3>{_e(first.name)}: by sector</h3>"
        + _sectors(first)
        + f"<h3>{_e(first.name)}: by metro area</h3>"
        + '<p class="small">By the region where people were arrested. A worker withdrawn in a '
        "metro takes that metro's output per worker (from its GDP per resident, "
        "<code>economy.output_ratio_by_region</code>, of which a worker carries the share "
        "<code>economy.region_output_pass_through</code>); every metro has the nation's tax "
        "rates and sector mix.</p>"
        + _metros(first)
        + "<h3>Which economic assumption matters most</h3>"
        + ranking
        + f"<h3>What the model does not capture</h3><p>{_e(NOT_CAPTURED)}</p></section>"
    )


def economy_text(runs: Sequence[ScenarioRun]) -> str:
    """The section in plain text (the figures of the report's own scenario, then the ranking)."""
    first = runs[0]
    metrics = first.summary["metrics"]
    lines = [TITLE, ""]
    for metric, label in ROWS:
        if metric in metrics:
            cell = metric_cell(metrics[metric])
            lines.append(f"- {label}: {cell.median} (90%: {cell.interval})")
    lines += ["", _beside(first), ""]
    if first.economy is not None:
        lines += [first.economy.sentence(m) for m in METRIC_WORDS] + [""]
    return "\n".join([*lines, NOT_CAPTURED])
