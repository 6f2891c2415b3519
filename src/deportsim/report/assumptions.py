"""The report's section "Which assumptions matter most": Sobol indices in plain words.

For each metric of a sensitivity analysis (:mod:`deportsim.report.sensitivity`) the section
names the three parameters with the largest total indices, with both indices and their
confidence intervals, says what the indices mean, states the analysis' scenario, samples,
parameters and seed, and shows a tornado chart (:func:`tornado_charts`, drawn as
``deportsim sensitivity`` draws it). Without an analysis it says how to make one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np

from deportsim._version import __version__
from deportsim.analysis.sweeps.sensitivity import Indices, tornado_png
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.report.chartkit import Chart
from deportsim.report.runs import ScenarioRun
from deportsim.report.sensitivity import OPTION, Sensitivity
from deportsim.report.tables import years_option
from deportsim.run.results import METRICS

__all__ = ["KEY", "TITLE", "assumptions_section", "tornado_charts"]

#: The section's anchor and heading.
KEY = "sensitivity"
TITLE = "Which assumptions matter most"

#: Parameters the tornado chart shows (as ``deportsim sensitivity`` draws it).
_TORNADO_TOP = 15


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def tornado_charts(sens: Sensitivity) -> list[Chart]:
    """One tornado chart per metric that has indices, saved as ``tornado-<metric>.png``."""
    s = sens.summary
    charts = []
    for metric in s.metrics:
        if not s.metrics[metric].varied:
            continue
        ind = s.indices(metric)
        shown = min(_TORNADO_TOP, len(ind.paths))
        charts.append(
            Chart(
                f"tornado-{metric}",
                f"What drives {metric}",
                f"Sobol indices of {metric} ({METRICS[metric].meaning}), scenario {s.scenario}: "
                f"for the {shown} parameters with the largest total index, the total index "
                "(upper bar, dark) and the first-order index (lower bar, light), each with its "
                f"{s.conf_level:.0%} confidence interval (whiskers); {s.samples:,} samples "
                f"(N = {s.base_samples}) of {_replicates(s.replicates)} each, seed {s.seed}.",
                f"Horizontal bar chart of the Sobol indices of {metric} for the {shown} most "
                "influential parameters.",
                tornado_png(
                    ind,
                    s.scenario,
                    s.samples,
                    top=_TORNADO_TOP,
                    credit=f"deportsim {__version__} · scenario {s.scenario} · model estimate",
                ),
            )
        )
    return charts


def _replicates(n: int) -> str:
    return f"{n} replicate" + ("" if n == 1 else "s")


def _index(value: float | np.floating[Any], conf: float | np.floating[Any], level: float) -> str:
    value, conf = float(value), float(conf)
    if not math.isfinite(value):
        return "n/a"
    if not math.isfinite(conf):
        return f"{value:.2f}"
    return f"{value:.2f}<span>{level:.0%}: {value - conf:.2f} to {value + conf:.2f}</span>"


def _share(value: float) -> str:
    """An index as a share of the spread a reader can picture: 'about 40%'."""
    return f"about {min(max(value, 0.0), 1.0):.0%}"


def _in_words(ind: Indices, j: int) -> str:
    st, st_conf, s1 = float(ind.st[j]), float(ind.st_conf[j]), float(ind.s1[j])
    if not math.isfinite(st):
        return "no index: the result did not vary"
    words = f"plays a part in {_share(st)} of the spread"
    if math.isfinite(st_conf) and st - st_conf <= 0:
        words += " (could be none: more samples are needed to tell)"
    if math.isfinite(s1):
        words += f"; {_share(s1)} on its own"
        if s1 < 0:  # an index is a share, never below 0: the estimate is off by chance
            words += " (estimated below 0: too few samples)"
    return words


def _spread(variance: float, unit: str) -> str:
    if not math.isfinite(variance) or variance < 0:
        return "not recorded"
    sd = math.sqrt(variance)
    if unit == "USD":
        for size, word in ((1e9, "billion"), (1e6, "million")):
            if sd >= size:
                return f"${sd / size:,.3g} {word}"
        return f"${sd:,.0f}"
    rounded = float(f"{sd:.3g}") if sd > 0 else 0.0
    return f"{rounded:,.10g} {unit}".rstrip()


def _metric(sens: Sensitivity, metric: str, described: dict[str, str], chart: Chart | None) -> str:
    s = sens.summary
    ind = s.indices(metric)
    head = f"<h3>{_e(metric)}: {_e(METRICS[metric].meaning)}</h3>"
    if not s.metrics[metric].varied:
        return (
            f"{head}<p>{_e(metric)} did not vary across the samples (or was undefined in some): "
            "no parameter accounts for any of its spread, so it has no indices.</p>"
        )
    top = ind.ranked()[:3]
    names = ", ".join(f"<code>{_e(ind.paths[j])}</code>" for j in top)
    rows = []
    for rank, j in enumerate(top, start=1):
        path = ind.paths[j]
        what = described.get(path, "")
        rows.append(
            f"<tr><td>{rank}</td><td><code>{_e(path)}</code>"
            + (f'<br><span class="small">{_e(what)}</span>' if what else "")
            + f'</td><td class="num">{_index(ind.st[j], ind.st_conf[j], s.conf_level)}'
            f'</td><td class="num">{_index(ind.s1[j], ind.s1_conf[j], s.conf_level)}'
            f"</td><td>{_e(_in_words(ind, j))}</td></tr>"
        )
    return (
        f'{head}<p class="top3">Top 3 for {_e(metric)}: {names}.</p>'
        f'<p class="small">Spread of {_e(metric)} across the samples (standard deviation): '
        f"{_e(_spread(ind.variance, ind.unit))}.</p>"
        '<table class="sensitivity"><thead><tr><th>rank</th><th>assumption (parameter)</th>'
        f"<th>total index (ST)</th><th>on its own (S1)</th><th>in words</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>" + (chart.figure_html("h3") if chart else "")
    )


def _run_line(sens: Sensitivity, first: ScenarioRun) -> str:
    s = sens.summary
    span = ""
    if sens.years is not None:
        span = f", over {sens.years:g} years" + (f" from {sens.start}" if sens.start else "")
    sets = "".join(f", --set {t}" for t in sens.sets)
    line = (
        f"<p>From the sensitivity analysis {_e(s.run_id)} ({_e(sens.file)}): scenario "
        f"<strong>{_e(s.scenario)}</strong>, {len(s.parameters)} parameters varied together "
        f"over their stated ranges, N = {s.base_samples} base samples ({s.samples:,} samples in "
        f"Saltelli's design, {_replicates(s.replicates)} each, all with the same seed), seed "
        f"{s.seed}{_e(span)}{_e(sets)}; intervals from {s.resamples} bootstrap resamples.</p>"
    )
    notes = []
    if s.scenario != first.name:
        notes.append(
            f"This analysis was made for scenario {s.scenario}, not for {first.name}, the "
            f"scenario of this report: the ranking below describes {s.scenario}. "
            f"deportsim sensitivity {first.name} makes one for {first.name}."
        )
    if sens.years is not None and round(sens.years * DAYS_PER_YEAR) != first.days:
        notes.append(
            f"It simulated {sens.years:g} years; this report's runs simulate "
            f"{years_option(first.days)} years."
        )
    return line + "".join(f'<p class="note"><strong>Note:</strong> {_e(n)}</p>' for n in notes)


_MEANING = (
    "Many of the model's parameters are not known exactly: each has a stated range (see Every "
    "parameter and its source). A sensitivity analysis varies them all at once over their "
    "ranges and measures how much of the spread of a result each one accounts for. The total "
    "index (ST) of a parameter is the share of the spread it plays a part in, alone or together "
    "with others: a parameter with a total index near 0 could be fixed anywhere in its range "
    "without changing the result. The first-order index (S1) is the share it accounts for on its "
    "own: on average, knowing it exactly would remove that share of the spread. Each index has a "
    "95% confidence interval; an interval that is wide compared with its index means more "
    "samples are needed. The indices of one result need not add up to 1 (an interaction counts "
    "in the total index of each parameter in it)."
)


def assumptions_section(
    runs: Sequence[ScenarioRun], sens: Sensitivity | None, charts: Sequence[Chart]
) -> str:
    """The section's HTML: the top 3 per metric and the charts, or how to get them."""
    first = runs[0]
    head = f'<section id="{KEY}"><h2>{_e(TITLE)}</h2>'
    if sens is None:
        name = first.name
        return (
            f"{head}<p>No sensitivity analysis was given for this report. "
            f"<code>deportsim sensitivity {_e(name)}</code> computes one (Sobol indices of "
            "removals_total and cost_total_usd over every uncertain parameter; about 2 minutes "
            f"on 2 cores) in a folder it prints; <code>deportsim report {_e(name)} {OPTION} "
            "FOLDER</code> then names here the three assumptions that matter most.</p></section>"
        )
    described = {str(r["path"]): str(r.get("description") or "") for r in first.parameters}
    conf = sens.summary.conf_level
    meaning = _MEANING.replace("95%", f"{conf:.0%}")
    by_key = {c.key: c for c in charts}
    return (
        f"{head}<p>{_e(meaning)}</p>{_run_line(sens, first)}"
        + "".join(
            _metric(sens, m, described, by_key.get(f"tornado-{m}")) for m in sens.summary.metrics
        )
        + "</section>"
    )
