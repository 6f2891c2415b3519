"""The report's sections after the charts, as HTML: figures, metros, claims, scenarios, parameters.

All text is escaped. Each run's figure is its median with the 90% interval (5th to 95th
percentile across replicates), as summary.json holds it (:mod:`deportsim.report.tables`).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from deportsim.report.bottom_line import claim_interval
from deportsim.report.chartkit import PALETTE
from deportsim.report.claims import VERDICTS
from deportsim.report.metros import METRO_COLUMNS, metro_rows
from deportsim.report.runs import ScenarioRun
from deportsim.report.tables import Cell, citation, headline_rows, parameter_table

__all__ = ["claims_detail", "headline", "metros", "notes", "parameters", "scenarios", "swatch"]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def swatch(i: int) -> str:
    """The ``i``-th scenario's colour as a small square."""
    return f'<span class="swatch" style="background:{PALETTE[i]}"></span>'


def scenarios(runs: Sequence[ScenarioRun]) -> str:
    """Each scenario: its title, description and policy sources."""
    parts = ['<section id="scenarios"><h2>Scenarios</h2>']
    for i, run in enumerate(runs):
        sources = "".join(f"<li>{_e(citation(s))}</li>" for s in run.sources)
        state = "".join(f"<li>{_e(line)}</li>" for line in run.state)
        parts.append(
            f"<h3>{swatch(i)}{_e(run.name)}: {_e(run.title)}</h3><p>{_e(run.description)}</p>"
            + (
                f'<p class="small">From {run.start:%-d %B %Y}, the first day\'s state:</p>'
                f'<ul class="small">{state}</ul>'
                if state
                else ""
            )
            + (
                f'<p class="small">Policy sources:</p><ul class="small">{sources}</ul>'
                if sources
                else ""
            )
        )
    parts.append("</section>")
    return "".join(parts)


def _num(cell: Cell | None, missing: str = "run shorter than a year") -> str:
    if cell is None:
        return f'<td class="num">n/a<span>{_e(missing)}</span></td>'
    return f'<td class="num">{_e(cell.median)}<span>90%: {_e(cell.interval)}</span></td>'


def _medians_note(runs: Sequence[ScenarioRun], more: str) -> str:
    return (
        f'<p class="small">Median over {runs[0].replicates:,} replicates, and below it the 90% '
        f"interval (5th to 95th percentile across replicates), as summary.json holds them. {more}"
        "</p>"
    )


def headline(runs: Sequence[ScenarioRun]) -> str:
    """The headline figures, a column per scenario; each row names its summary.json metric."""
    head = "".join(f"<th>{swatch(i)}{_e(r.name)}</th>" for i, r in enumerate(runs))
    body = "".join(
        f'<tr data-metric="{_e(metric or "")}"><td>{_e(label)}</td>'
        f"{''.join(_num(c) for c in cells)}</tr>"
        for metric, label, cells in headline_rows(runs)
    )
    note = _medians_note(
        runs,
        "Totals are over the run; figures a day or a year are its totals over its days or years.",
    )
    return (
        f'<section id="headline"><h2>Headline figures</h2>{note}'
        f"<table><thead><tr><th>measure</th>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</section>"
    )


def metros(runs: Sequence[ScenarioRun]) -> str:
    """The metro table: a row per region (and scenario), the key regional figures."""
    several = len(runs) > 1
    head = "<th>metro area (region of arrest)</th>" + ("<th>scenario</th>" if several else "")
    head += "".join(f"<th>{_e(h)}</th>" for _, h in METRO_COLUMNS)
    body = []
    for row in metro_rows(runs):
        run = f"<td>{swatch(row.run)}{_e(runs[row.run].name)}</td>" if several else ""
        cells = "".join(_num(c, "not in the summary") for c in row.cells)
        body.append(
            f'<tr data-region="{_e(row.region)}" data-run="{row.run}"><td>{_e(row.name)} '
            f'<span class="small">({_e(row.region)})</span></td>{run}{cells}</tr>'
        )
    note = _medians_note(
        runs,
        "By the region where people were arrested (summary.json's regions): those detained count "
        "in their region of arrest, wherever they are held; figures a day or a year are over "
        "the run.",
    )
    return (
        f'<section id="metros"><h2>Metro areas</h2>{note}'
        f'<table class="metros"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
        "</table></section>"
    )


def _result(result: dict[str, Any], unit: str) -> str:
    p05, p50, p95 = claim_interval(result, unit)
    shown = "" if unit in {"", "share"} else f" {unit}"
    return f'<td class="num">{_e(p50)}{_e(shown)}<span>90%: {_e(p05)} – {_e(p95)}</span></td>'


def claims_detail(claims: list[dict[str, Any]] | None) -> str:
    """Each claim tested in full: who said it, the measure, the result, verdict and why."""
    head = '<section id="claims"><h2>Claims tested, in detail</h2>'
    if claims is None:
        return (
            f"{head}<p>Claims were not tested for this report. <code>deportsim claims</code> "
            "tests them; <code>deportsim report ... --claims claims.json</code> includes its "
            "results.</p></section>"
        )
    rows = []
    for c in claims:
        verdict = c["verdict"]
        constraint = (c["binding_constraint"] or "—").replace("_", " ")
        rows.append(
            f"<tr><td><strong>{_e(c['claim'])}</strong><br>"
            f'<span class="small">{_e(c["id"])}; said by: {_e(c["source"])}</span></td>'
            f"<td>{_e(c['metric'])}</td>{_result(c['result'], str(c.get('unit') or ''))}"
            f'<td><span class="verdict v-{_e(verdict)}">{_e(VERDICTS[verdict])}</span></td>'
            f"<td>{_e(constraint)}</td><td>{_e(c['explanation'])}</td></tr>"
        )
    return (
        f'{head}<p class="small">Each public claim tested against the model: the measure '
        "tested, the model's median and 90% interval, the verdict, what limits the result, and "
        'why.</p><table class="claims"><thead><tr><th>claim</th><th>measure</th><th>model</th>'
        "<th>verdict</th>"
        f"<th>binding constraint</th><th>explanation</th></tr></thead><tbody>{''.join(rows)}"
        "</tbody></table></section>"
    )


def parameters(runs: Sequence[ScenarioRun]) -> str:
    """Every parameter with its values and source, collapsed under a line that counts them."""
    table = parameter_table(runs)
    rows = []
    for p in table:
        values = "".join(f"<li>{_e(v)}</li>" for v in p.values)
        basis = [f"Assumption: {p.assumption}"] if p.assumption else []
        basis += p.sources
        sources = "".join(f"<li>{_e(s)}</li>" for s in basis)
        extra = f'<p class="small">Range: {_e(p.uncertainty)}</p>' if p.uncertainty else ""
        rows.append(
            f"<tr><td><code>{_e(p.path)}</code><br>{_e(p.description)}<br>"
            f'<span class="kind kind-{_e(p.kind)}">{_e(p.kind)}</span></td>'
            f'<td><ul class="values">{values}</ul>{extra}</td><td>{_e(p.unit)}</td>'
            f'<td class="src"><ul class="values">{sources}</ul></td></tr>'
        )
    return (
        '<section id="parameters"><h2>Every parameter and its source</h2>'
        f"<details><summary>{len(table):,} parameters: their values, units and sources "
        "(select to show)</summary>"
        "<p class=\"small\">Values in each parameter's own unit: the parameter file's values by "
        "date, then each scenario's changes, marked with the scenario and its reason. "
        "ASSUMPTION marks a value that is not a published figure: its reasoning and range are "
        'given.</p><table class="params"><thead><tr><th>parameter</th><th>values</th>'
        "<th>unit</th><th>source or reasoning</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></details></section>"
    )


def notes(key: str, title: str, items: Sequence[tuple[str, str]]) -> str:
    """A section of headed notes."""
    body = "".join(f"<dt>{_e(h)}</dt><dd>{_e(t)}</dd>" for h, t in items)
    return f'<section id="{key}"><h2>{_e(title)}</h2><dl>{body}</dl></section>'
