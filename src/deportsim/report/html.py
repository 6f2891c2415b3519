"""The report page: one self-contained HTML document.

Nothing on the page is fetched: styles are inline, charts are ``data:`` URIs, there are no
scripts, fonts are the reader's own, and sources' web addresses are printed as text, not links.
A Content-Security-Policy that allows only inline styles and ``data:`` images makes any slip
fail loudly in the browser instead of reaching the network. All text is escaped.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from html import escape
from typing import Any

from deportsim._version import __version__
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.report.assumptions import KEY as SENSITIVITY_KEY
from deportsim.report.assumptions import TITLE as SENSITIVITY_TITLE
from deportsim.report.assumptions import assumptions_section
from deportsim.report.charts import PALETTE, Chart
from deportsim.report.claims import VERDICTS
from deportsim.report.notes import METHOD, limitations
from deportsim.report.runs import ScenarioRun
from deportsim.report.sensitivity import OPTION, Sensitivity
from deportsim.report.tables import (
    Cell,
    citation,
    headline_rows,
    parameter_table,
    years_option,
)

__all__ = ["render_page"]

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: #1a1a1a; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 1040px; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; border-bottom: 2px solid #e3e3e3;
     padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
p.lede { font-size: 1.05rem; color: #333; }
p.meta, .small { color: #555; font-size: .85rem; }
nav ul { list-style: none; padding: 0; margin: .8rem 0 0; display: flex; flex-wrap: wrap;
         gap: .2rem 1rem; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: .35rem .45rem; text-align: left;
         vertical-align: top; }
th { background: #f5f5f5; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.num span { display: block; color: #666; font-size: .78rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
          margin-right: .35rem; vertical-align: -1px; }
figure { margin: 1.6rem 0; }
figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .88rem; color: #333; margin-top: .35rem; }
.verdict { font-weight: 600; padding: .05rem .4rem; border-radius: 3px; white-space: nowrap; }
.v-supported { background: #d9f2e3; color: #135c32; }
.v-not_supported { background: #fbdcdc; color: #8a1c1c; }
.v-depends { background: #fcefd0; color: #7a5200; }
.kind { font-size: .75rem; font-weight: 600; color: #555; }
.kind-ASSUMPTION { color: #8a5a00; }
ul.values { margin: 0; padding-left: 1rem; }
table.params td.src, table.params code { overflow-wrap: anywhere; }
table.params td:nth-child(1) { width: 27%; }
table.params td:nth-child(2) { width: 30%; }
table.params td:nth-child(3) { width: 9%; }
table.claims td:nth-child(1) { width: 20%; }
table.claims td:nth-child(2) { width: 16%; }
code { font-size: .85em; background: #f3f3f3; padding: 0 .2rem; border-radius: 2px; }
pre { background: #f5f5f5; padding: .6rem; overflow-x: auto; font-size: .82rem; }
table.sensitivity td:nth-child(1) { width: 3rem; }
table.sensitivity td:nth-child(2) { width: 34%; overflow-wrap: anywhere; }
p.note { background: #fcefd0; padding: .35rem .6rem; border-radius: 3px; }
dt { font-weight: 600; margin-top: .6rem; }
dd { margin-left: 0; }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _swatch(i: int) -> str:
    return f'<span class="swatch" style="background:{PALETTE[i]}"></span>'


def _header(runs: Sequence[ScenarioRun]) -> str:
    first = runs[0]
    title = f"{first.name}: {first.title}"
    compared = ""
    if len(runs) > 1:
        compared = " compared with " + ", ".join(r.name for r in runs[1:])
    years = first.days / DAYS_PER_YEAR
    return (
        f"<header><h1>{_e(title)}</h1>"
        f'<p class="lede">deportsim simulation report: scenario {_e(first.name)}{_e(compared)}.'
        f"</p>"
        f'<p class="meta">{first.replicates:,} replicates, seed {first.seed}, from '
        f"{first.start:%d %B %Y} to {first.end:%d %B %Y} ({first.days:,} days, {years:.3g} "
        f"years); deportsim {_e(__version__)}. All figures are model results on aggregate "
        "public statistics, not forecasts.</p></header>"
    )


def _nav(charts: Sequence[Chart]) -> str:
    items = [("headline", "Headline figures")]
    items += [(c.key, c.title) for c in charts]
    items += [("claims", "Claims tested"), (SENSITIVITY_KEY, SENSITIVITY_TITLE),
              ("scenarios", "Scenarios"),
              ("parameters", "Every parameter and its source"), ("method", "Method"),
              ("limitations", "Known limitations"), ("reproduce", "How to reproduce")]  # fmt: skip
    links = "".join(f'<li><a href="#{_e(k)}">{_e(t)}</a></li>' for k, t in items)
    return f'<nav aria-label="Contents"><ul>{links}</ul></nav>'


def _scenarios(runs: Sequence[ScenarioRun]) -> str:
    parts = ['<section id="scenarios"><h2>Scenarios</h2>']
    for i, run in enumerate(runs):
        sources = "".join(f"<li>{_e(citation(s))}</li>" for s in run.sources)
        parts.append(
            f"<h3>{_swatch(i)}{_e(run.name)}: {_e(run.title)}</h3><p>{_e(run.description)}</p>"
            + (
                f'<p class="small">Policy sources:</p><ul class="small">{sources}</ul>'
                if sources
                else ""
            )
        )
    parts.append("</section>")
    return "".join(parts)


def _num(cell: Cell | None) -> str:
    if cell is None:
        return '<td class="num">n/a<span>run shorter than a year</span></td>'
    return f'<td class="num">{_e(cell.median)}<span>90%: {_e(cell.interval)}</span></td>'


def _headline(runs: Sequence[ScenarioRun]) -> str:
    head = "".join(f"<th>{_swatch(i)}{_e(r.name)}</th>" for i, r in enumerate(runs))
    body = "".join(
        f"<tr><td>{_e(label)}</td>{''.join(_num(c) for c in cells)}</tr>"
        for label, cells in headline_rows(runs)
    )
    return (
        '<section id="headline"><h2>Headline figures</h2>'
        f'<p class="small">Median over {runs[0].replicates:,} replicates, and below it the 90% '
        "interval (5th to 95th percentile across replicates). Totals are over the whole run.</p>"
        f"<table><thead><tr><th>measure</th>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</section>"
    )


def _claim_number(value: Any, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"


def _result(result: dict[str, Any], unit: str) -> str:
    p05, p50, p95 = (_claim_number(result.get(k), unit) for k in ("p05", "p50", "p95"))
    shown = "" if unit in {"", "share"} else f" {unit}"
    return f'<td class="num">{_e(p50)}{_e(shown)}<span>90%: {_e(p05)} – {_e(p95)}</span></td>'


def _claims(claims: list[dict[str, Any]] | None) -> str:
    head = '<section id="claims"><h2>Claims tested</h2>'
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


def _parameters(runs: Sequence[ScenarioRun]) -> str:
    rows = []
    for p in parameter_table(runs):
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
        "<p class=\"small\">Values in each parameter's own unit: the parameter file's values by "
        "date, then each scenario's changes, marked with the scenario and its reason. "
        "ASSUMPTION marks a value that is not a published figure: its reasoning and range are "
        'given.</p><table class="params"><thead><tr><th>parameter</th><th>values</th>'
        "<th>unit</th><th>source or reasoning</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _notes(key: str, title: str, items: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<dt>{_e(h)}</dt><dd>{_e(t)}</dd>" for h, t in items)
    return f'<section id="{key}"><h2>{_e(title)}</h2><dl>{body}</dl></section>'


def _reproduce(runs: Sequence[ScenarioRun], sensitivity: Sensitivity | None) -> str:
    first = runs[0]
    cmd = f"deportsim report {first.name}"
    cmd += "".join(f" --compare {r.name}" for r in runs[1:])
    cmd += "".join(f" --set '{text}'" for text in first.summary.get("sets", ()))
    cmd += (
        f" --replicates {first.replicates} --seed {first.seed} --years {years_option(first.days)}"
    )
    cmd += f" --start {first.start.isoformat()}"
    cmd += "" if first.parameters_drawn else " --fixed-parameters"
    cmd += "" if sensitivity is None else f" {OPTION} {shlex.quote(sensitivity.source)}"
    return (
        '<section id="reproduce"><h2>How to reproduce</h2>'
        f"<p>With deportsim {_e(__version__)} (scenario files named by path run the same way):"
        f"</p><pre>{_e(cmd)}</pre></section>"
    )


def render_page(
    runs: Sequence[ScenarioRun],
    charts: Sequence[Chart],
    claims: list[dict[str, Any]] | None,
    sensitivity: Sensitivity | None = None,
    tornadoes: Sequence[Chart] = (),
) -> str:
    """The whole report as one HTML document.

    ``sensitivity`` and its ``tornadoes`` (:func:`~deportsim.report.assumptions.tornado_charts`)
    fill the section "Which assumptions matter most"; without them it says how to get them.
    """
    title = f"deportsim report: {', '.join(r.name for r in runs)}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="icon" href="data:,"><title>{_e(title)}</title><style>{_CSS}</style></head>'
        f"<body><main>{_header(runs)}{_nav(charts)}{_headline(runs)}"
        + "".join(c.figure_html() for c in charts)
        + _claims(claims)
        + assumptions_section(runs, sensitivity, tornadoes)
        + _scenarios(runs)
        + _parameters(runs)
        + _notes("method", "Method", METHOD)
        + _notes("limitations", "Known limitations", limitations(runs[0].parameters_drawn))
        + _reproduce(runs, sensitivity)
        + "</main></body></html>\n"
    )
