"""The report page: one self-contained HTML document, the bottom line first.

The page reads from the top: the title and the run, the bottom line (computed from the first
scenario's summary: :mod:`deportsim.report.bottom_line`), the claims' verdicts in one line each,
the charts, then the figures, metro areas, the economy, claims in detail, assumptions, scenarios,
method, limitations and how to reproduce it; every parameter with its source comes last, collapsed.

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
from deportsim.report import sections
from deportsim.report.assumptions import KEY as SENSITIVITY_KEY
from deportsim.report.assumptions import TITLE as SENSITIVITY_TITLE
from deportsim.report.assumptions import assumptions_section
from deportsim.report.bottom_line import bottom_line_html, verdicts_html
from deportsim.report.chartkit import Chart
from deportsim.report.economy import KEY as ECONOMY_KEY
from deportsim.report.economy import TITLE as ECONOMY_TITLE
from deportsim.report.economy import economy_section
from deportsim.report.notes import METHOD, limitations
from deportsim.report.runs import ScenarioRun
from deportsim.report.sensitivity import OPTION, Sensitivity
from deportsim.report.tables import years_option

__all__ = ["render_page"]

_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: #1a1a1a; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 1100px; margin: 0 auto; padding: 1.2rem 1.25rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; border-bottom: 2px solid #e3e3e3;
     padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
h2.compact { font-size: 1.05rem; margin: .9rem 0 .2rem; border: 0; padding: 0; }
p.meta { margin: 0 0 .5rem; }
p.meta, .small { color: #555; font-size: .85rem; }
p.bottom { font-size: 1.02rem; background: #f2f6fa; border-left: 4px solid #0072B2;
           padding: .5rem .75rem; margin: .4rem 0; }
table.verdicts { font-size: .8rem; margin: .2rem 0 .5rem; line-height: 1.3; }
table.verdicts th, table.verdicts td { padding: .16rem .4rem; }
table.verdicts td:nth-child(1) { width: 43%; }
table.verdicts td:nth-child(2) { width: 9%; }
details > summary { cursor: pointer; font-weight: 600; margin: .4rem 0; }
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


def _header(runs: Sequence[ScenarioRun]) -> str:
    first = runs[0]
    title = f"{first.name}: {first.title}"
    compared = ""
    if len(runs) > 1:
        compared = " compared with " + ", ".join(r.name for r in runs[1:])
    years = first.days / DAYS_PER_YEAR
    return (
        f"<header><h1>{_e(title)}</h1>"
        f'<p class="meta">deportsim simulation report: scenario {_e(first.name)}{_e(compared)}; '
        f"{first.replicates:,} replicates, seed {first.seed}, from "
        f"{first.start:%d %B %Y} to {first.end:%d %B %Y} ({first.days:,} days, {years:.3g} "
        f"years); deportsim {_e(__version__)}. All figures are model results on aggregate "
        "public statistics, not forecasts: medians over replicates with 90% intervals.</p>"
        "</header>"
    )


def _nav(charts: Sequence[Chart]) -> str:
    items = [("bottom-line", "Bottom line"), ("verdicts", "Verdicts")]
    items += [(c.key, c.title) for c in charts]
    items += [("headline", "Headline figures"), ("metros", "Metro areas"),
              (ECONOMY_KEY, ECONOMY_TITLE), ("claims", "Claims in detail"),
              (SENSITIVITY_KEY, SENSITIVITY_TITLE),
              ("scenarios", "Scenarios"), ("method", "Method"),
              ("limitations", "Known limitations"), ("reproduce", "How to reproduce"),
              ("parameters", "Every parameter and its source")]  # fmt: skip
    links = "".join(f'<li><a href="#{_e(k)}">{_e(t)}</a></li>' for k, t in items)
    return f'<nav aria-label="Contents"><ul>{links}</ul></nav>'


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
        f"<body><main>{_header(runs)}"
        + bottom_line_html(runs, claims)
        + verdicts_html(claims)
        + _nav(charts)
        + "".join(c.figure_html() for c in charts)
        + sections.headline(runs)
        + sections.metros(runs)
        + economy_section(runs)
        + sections.claims_detail(claims)
        + assumptions_section(runs, sensitivity, tornadoes)
        + sections.scenarios(runs)
        + sections.notes("method", "Method", METHOD)
        + sections.notes("limitations", "Known limitations", limitations(runs[0].parameters_drawn))
        + _reproduce(runs, sensitivity)
        + sections.parameters(runs)
        + "</main></body></html>\n"
    )
