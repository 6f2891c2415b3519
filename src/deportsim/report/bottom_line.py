"""The top of the report: the bottom line, computed from the run's summary, and the verdicts.

The bottom line answers, for the report's first scenario, what the claims ask of it: ICE's
arrests a day against the goal of 3,000, removals a year against a million and the FY2012
record, and the people detained against the beds funded, each as the median with its 90%
interval (the statistics of summary.json, formatted as ``deportsim run`` prints them), and what
binds: a claim tested on the scenario names it, and the summary says whether beds bind (people
released for lack of one). The verdicts table gives each claim tested in one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from deportsim.analysis.claims.verdicts import Interval, threshold_verdict
from deportsim.analysis.goals import Goal, arrests_goal, million_goal, record_2012
from deportsim.report.claims import VERDICTS
from deportsim.report.runs import ScenarioRun
from deportsim.views.formatting import claim_number, metric_text

__all__ = [
    "bottom_line", "bottom_line_html", "claim_interval", "claim_number", "summary_line",
    "verdict_rows", "verdicts_html",
]  # fmt: skip

#: How a figure stands against a goal, by the claims' verdict rule (a 5% margin either side).
_AGAINST = {"supported": "above", "not_supported": "short of", "depends": "close to"}
#: A claim's unit as words after its number.
_UNITS = {"persons/day": " a day", "persons/year": " a year", "persons": "", "share": ""}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _expected(stats: dict[str, Any]) -> str:
    """``1,986 (expected path)``: a mean-field preview's figure."""
    return f"{metric_text(stats['p50'], stats['unit'])} (expected path)"


def _interval(stats: dict[str, Any]) -> str:
    """``1,986 (median; 90% interval 1,889 – 2,082)``, as ``deportsim run`` prints them."""
    unit = stats["unit"]
    return (
        f"{metric_text(stats['p50'], unit)} (median; 90% interval "
        f"{metric_text(stats['p05'], unit)} – {metric_text(stats['p95'], unit)})"
    )


def _against(stats: dict[str, Any], goal: Goal, name: str) -> str:
    """``short of the goal of 3,000 a day``, or just the goal when a figure is missing."""
    values = [stats[k] for k in ("p05", "p50", "p95")]
    if any(v is None for v in values):
        return f"against {name}"
    verdict = threshold_verdict(Interval(*values), goal.value)
    return f"{_AGAINST[verdict]} {name}"


def _binds(claims: Sequence[dict[str, Any]] | None, name: str, claim: str) -> str:
    """``; what binds: officers (claim arrests-3000-per-day)`` when the claim tested says so."""
    for c in claims or ():
        if c.get("id") == claim and c.get("scenario") == name and c["binding_constraint"]:
            return f"; what binds: {c['binding_constraint'].replace('_', ' ')} (claim {claim})"
    return ""


def bottom_line(run: ScenarioRun, claims: Sequence[dict[str, Any]] | None) -> list[str]:
    """The bottom line of ``run`` in three sentences, with what binds (:func:`summary_line`)."""
    return summary_line(run.name, run.summary, claims)


def summary_line(
    name: str, summary: dict[str, Any], claims: Sequence[dict[str, Any]] | None = None
) -> list[str]:
    """The bottom line of scenario ``name``'s run (its summary.json) in three sentences.

    Arrests a day against the goal, removals a year against a million and the FY2012 record,
    the people detained against the beds funded; what binds, from ``claims`` tested on it.
    """
    stats = summary["metrics"]
    # a mean-field preview (one expected path) has no interval to give
    figure = _expected if summary.get("mean_field") else _interval
    arrests, removals = stats["arrests_per_day_mean"], stats["removals_per_year_mean"]
    detained, beds = stats["detained_mean"], stats["detention_capacity_peak"]
    released = stats["released_to_atd_total"]
    goal, million, record = arrests_goal(), million_goal(), record_2012()
    first = (
        f"In scenario {name}, ICE makes {figure(arrests)} arrests a day over the run, "
        + _against(arrests, goal, f"the goal of {goal.value:,.0f} a day")
        + _binds(claims, name, goal.claim)
        + "."
    )
    second = (
        f"Removals come to {figure(removals)} a year, "
        + _against(removals, million, f"the goal of {million.value:,.0f} a year")
        + " and "
        + _against(removals, record, f"the FY2012 record of {record.value:,.0f}")
        + _binds(claims, name, million.claim)
        + "."
    )
    held = released["p50"]
    if held is None:
        bind = "how many are released for lack of a bed is not known"
    elif held > 0:
        bind = f"beds bind: {figure(released)} people are released for lack of a bed"
    else:
        bind = "beds do not bind: in the median run no one is released for lack of a bed"
    third = (
        f"On an average night {figure(detained)} people are in detention, with at most "
        f"{metric_text(beds['p50'], beds['unit'])} beds funded (median); {bind}."
    )
    return [first, second, third]


def bottom_line_html(runs: Sequence[ScenarioRun], claims: Sequence[dict[str, Any]] | None) -> str:
    """The bottom line as the page's first section (of the first scenario)."""
    first = runs[0]
    others = ""
    if len(runs) > 1:
        others = (
            f' <span class="small">(Scenario {_e(first.name)}; the tables and charts below set '
            f"{_e(', '.join(r.name for r in runs[1:]))} beside it.)</span>"
        )
    text = " ".join(_e(s) for s in bottom_line(first, claims))
    return (
        '<section id="bottom-line" aria-label="Bottom line"><p class="bottom">'
        f"<strong>Bottom line.</strong> {text}{others}</p></section>"
    )


def claim_interval(result: dict[str, Any], unit: str) -> tuple[str, str, str]:
    """A claim's result as text: its 5th percentile, median and 95th percentile."""
    p05, p50, p95 = (claim_number(result.get(k), unit) for k in ("p05", "p50", "p95"))
    return p05, p50, p95


def verdict_rows(claims: Sequence[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """Each claim in one line: its words, its verdict, and the reason (result; what binds)."""
    rows = []
    for c in claims:
        unit = str(c.get("unit") or "")
        result = c["result"]
        p05, p50, p95 = claim_interval(result, unit)
        words = _UNITS.get(unit, f" {unit}" if unit not in {"", "ratio"} else "")
        reason = f"model median {p50}{words} (90%: {p05} – {p95})"
        if c["binding_constraint"]:
            reason += f"; binds: {c['binding_constraint'].replace('_', ' ')}"
        rows.append((str(c["claim"]), str(c["verdict"]), reason))
    return rows


def verdicts_html(claims: Sequence[dict[str, Any]] | None) -> str:
    """The verdicts table (claim, verdict, one-line reason), or how to get the claims tested."""
    head = '<section id="verdicts" aria-label="Claims tested: verdicts">'
    if claims is None:
        return (
            f'{head}<p class="small">Claims were not tested for this report: '
            "<code>deportsim report</code> without <code>--no-claims</code> tests them.</p>"
            "</section>"
        )
    rows = "".join(
        f"<tr><td>{_e(claim)}</td>"
        f'<td><span class="verdict v-{_e(v)}">{_e(VERDICTS[v])}</span></td><td>{_e(reason)}</td>'
        "</tr>"
        for claim, v, reason in verdict_rows(claims)
    )
    return (
        f'{head}<h2 class="compact">Claims tested</h2><table class="verdicts"><thead><tr>'
        "<th>claim</th><th>verdict</th><th>why: the model's median, 90% interval and what "
        f'binds (<a href="#claims">in detail</a>)</th></tr></thead><tbody>{rows}</tbody>'
        "</table></section>"
    )
