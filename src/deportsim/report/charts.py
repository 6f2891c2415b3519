"""The report's charts, one function each: Matplotlib figures (Agg canvas) rendered to PNG bytes.

Each chart function takes the runs and ICE's observed figures (:mod:`deportsim.report.observed`,
empty for none) and returns a :class:`~deportsim.report.chartkit.Chart`. Three charts measure the
model against what it is asked and what happened: arrests against the goal of 3,000 a day and
ICE's book-ins beside the model's; the detained population against the beds funded and ICE's
average daily population; removals against a million a year, the FY2012 record and ICE's
book-outs to removal (goals and record: :mod:`deportsim.analysis.goals`). Their ``*_figure``
functions give the figure itself, before it is rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from deportsim.analysis.goals import arrests_goal, million_goal, record_2012
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.report.chartkit import (
    MAX_SCENARIOS,
    PALETTE,
    REGION_NAMES,
    Chart,
    draw_band,
    figure,
    finish,
    goal_line,
    interval_note,
    latest_marker,
    legend,
    names,
    observed_handle,
    observed_points,
    panels,
    short,
    sources,
    span,
    time_axis,
)
from deportsim.report.metros import metro_arrests
from deportsim.report.observed import Observed
from deportsim.report.runs import ScenarioRun
from deportsim.report.series import Band, band, rolling_band, total_band

__all__ = [
    "CHARTS", "MAX_SCENARIOS", "PALETTE", "REGION_NAMES", "Chart", "ChartMaker",
    "arrests_figure", "detained_figure", "removals_figure",
]  # fmt: skip

#: A chart of the report: the runs and ICE's observed figures in, the rendered chart out.
ChartMaker = Callable[[Sequence[ScenarioRun], Observed], Chart]


def _per_day(value: float) -> str:
    return f"goal: {value:,.0f} a day"


_CHANNELS = (
    ("arrests", "All arrests"),
    ("book_ins_ice", "ICE book-ins into detention"),
    ("arrests_custodial", "Jail transfers (custodial arrests)"),
    ("arrests_targeted", "At large: the people targeted"),
    ("arrests_collateral", "At large: people met during operations"),
    ("arrests_worksite", "Worksite operations"),
    ("arrests_courthouse", "At immigration courts and check-ins"),
)


def arrests_figure(runs: Sequence[ScenarioRun], observed: Observed) -> tuple[Figure, bool]:
    """The arrests chart's figure, and whether it draws observed figures."""
    first = runs[0]
    fig, axes = panels(
        runs, _CHANNELS, 2, lambda r, n: band(r.national[n], r.start), "a day", row_height=2.2
    )
    goal = arrests_goal()
    goal_line(axes[0], goal.value, _per_day(goal.value))
    seen = observed.monthly("book_ins_ice", first.start, first.end, "per_day")
    drawn = observed_points(axes[1], seen)
    if drawn:
        latest_marker(axes[1], seen.latest, runs)
    legend(fig, runs, [observed_handle()] if drawn else [])
    return fig, drawn


def arrests_by_channel(runs: Sequence[ScenarioRun], observed: Observed) -> Chart:
    """Arrests a day by channel and ICE book-ins a day, weekly averages, a panel each."""
    fig, drawn = arrests_figure(runs, observed)
    goal = arrests_goal()
    seen = (
        " Dots: ICE's book-ins a day in each month, from its detention statistics (observed); "
        "the dashed line marks the end of the latest month published."
        if drawn
        else ""
    )
    return Chart(
        "arrests_by_channel",
        "Arrests by channel, and book-ins",
        f"ICE arrests a day, weekly averages, {span(runs)}, {names(runs)}: all arrests, against "
        f"the goal of {goal.value:,.0f} a day (dotted line; {goal.source}), the people ICE's "
        "arrests brought into detention (book-ins), then each arrest channel (jail transfers, "
        "and at-large arrests of targets, of people met during operations, at worksites and at "
        f"immigration courts).{seen} " + interval_note(runs),
        "Seven panels of arrests a day over time: all arrests against the goal of "
        f"{goal.value:,.0f} a day, ICE book-ins with ICE's monthly figures, and each channel.",
        finish(fig, runs, drawn),
    )


def detained_figure(runs: Sequence[ScenarioRun], observed: Observed) -> tuple[Figure, bool]:
    """The detained chart's figure, and whether it draws observed figures."""
    first = runs[0]
    fig, axes = figure(1, 1, row_height=4.0)
    ax = axes[0, 0]
    for run, colour in zip(runs, PALETTE, strict=False):
        draw_band(ax, band(run.national["detained"], run.start), colour)
        draw_band(ax, band(run.national["detention_capacity"], run.start), colour, style="--")
    seen = observed.monthly("detained_adp", first.start, first.end, "value")
    drawn = observed_points(ax, seen)
    time_axis(ax, "people / beds")
    if drawn:
        latest_marker(ax, seen.latest, runs)
    ax.set_title("People in detention (solid) and beds funded (dashed)", fontsize=10)
    extra = [(Line2D([], [], color="grey", ls="--"), "beds funded (the run's bed capacity)")]
    legend(fig, runs, extra + ([observed_handle()] if drawn else []))
    return fig, drawn


def detained_vs_capacity(runs: Sequence[ScenarioRun], observed: Observed) -> Chart:
    """People in detention against the beds funded, weekly averages."""
    fig, drawn = detained_figure(runs, observed)
    seen = (
        " Dots: the average number of people ICE held each day of each month (its detention "
        "statistics, all arresting agencies; observed); the vertical dashed line marks the end "
        "of the latest month published."
        if drawn
        else ""
    )
    return Chart(
        "detained_vs_capacity",
        "Detained against capacity",
        f"People held in detention on an average night of each week (solid) and the detention "
        f"beds funded (dashed: the run's bed capacity), {span(runs)}, {names(runs)}. Where the "
        "solid line meets the dashed one, beds bind: people who find no bed are released (next "
        f"chart).{seen} " + interval_note(runs),
        "Line chart of the detained population and the beds funded over time"
        + (", with ICE's monthly average daily population." if drawn else "."),
        finish(fig, runs, drawn),
    )


def released_no_bed(runs: Sequence[ScenarioRun], _observed: Observed) -> Chart:
    """People released for lack of a bed, per week."""
    panel = [("released_to_atd", "Released for lack of a bed, per week")]
    fig, _ = panels(
        runs, panel, 1, lambda r, n: band(r.national[n], r.start, scale=7.0), "people a week",
        row_height=3.4,
    )  # fmt: skip
    legend(fig, runs)
    return Chart(
        "released_no_bed",
        "Released for lack of beds",
        "People arrested but released to alternatives to detention or on their own "
        f"recognizance because no detention bed was free, per week, {span(runs)}, "
        f"{names(runs)}. Zero means beds did not bind that week. " + interval_note(runs),
        "Line chart of people released each week because no bed was free.",
        finish(fig, runs),
    )


def court_backlog(runs: Sequence[ScenarioRun], _observed: Observed) -> Chart:
    """Pending immigration-court cases, weekly averages."""
    panel = [("court_backlog", "Immigration-court backlog")]
    fig, _ = panels(
        runs, panel, 1, lambda r, n: band(r.national[n], r.start), "pending cases", row_height=3.4
    )
    legend(fig, runs)
    return Chart(
        "court_backlog",
        "Immigration-court backlog",
        f"Pending immigration-court cases (non-detained and detained dockets, including cases "
        f"of people on alternatives to detention), weekly averages, {span(runs)}, "
        f"{names(runs)}. " + interval_note(runs),
        "Line chart of pending immigration-court cases over time.",
        finish(fig, runs),
    )


def _window(runs: Sequence[ScenarioRun]) -> int:
    """Days over which removals are counted: a year, or 30 days for a run shorter than a year."""
    days = runs[0].days
    return 365 if days >= 365 else min(30, days)


def removals_figure(runs: Sequence[ScenarioRun], observed: Observed) -> tuple[Figure, bool]:
    """The removals chart's figure, and whether it draws observed figures."""
    first = runs[0]
    window = _window(runs)
    scale = 1.0 if window == 365 else DAYS_PER_YEAR / window
    fig, axes = figure(1, 1, row_height=3.8)
    ax = axes[0, 0]
    for run, colour in zip(runs, PALETTE, strict=False):
        for name, style in (("removals", "-"), ("book_outs_removal", "--")):
            b = rolling_band(run.national[name], run.start, window)
            draw_band(ax, Band(b.x, b.p05 * scale, b.p50 * scale, b.p95 * scale), colour, style)
    if window == 365:
        seen = observed.yearly("removals", first.start, first.end)
    else:
        seen = observed.monthly("removals", first.start, first.end, "per_year")
    drawn = observed_points(ax, seen)
    time_axis(ax, "removals a year")
    million, record = million_goal(), record_2012()
    goal_line(ax, million.value, f"goal: {million.value:,.0f} a year")
    goal_line(ax, record.value, f"FY2012 record: {record.value:,.0f} a year (ICE)", style="-.")
    ax.set_xlim(np.datetime64(first.start, "D"), np.datetime64(first.end, "D"))
    if drawn:
        latest_marker(ax, seen.latest, runs)
    if window == 365:
        ax.set_title("Removals in the 12 months (365 days) up to each week", fontsize=10)
    else:
        ax.set_title(f"Removals a year at the pace of the past {window} days", fontsize=10)
    extra = [(Line2D([], [], color="grey", ls="--"), "of them, book-outs to removal (model)")]
    legend(fig, runs, extra + ([observed_handle()] if drawn else []))
    return fig, drawn


def removals_vs_record(runs: Sequence[ScenarioRun], observed: Observed) -> Chart:
    """Removals over the past 12 months against a million a year and the FY2012 record."""
    first = runs[0]
    fig, drawn = removals_figure(runs, observed)
    window = _window(runs)
    million, record = million_goal(), record_2012()
    if window == 365:
        what = "Removals in the 12 months (365 days) up to each week"
        how = (
            "The lines start once the run has a full year behind them. "
            "Removals include those of people arrested at the border, as ICE's FY2012 count does."
        )
        dots = "ICE's book-outs to removal in the 12 months up to each month"
    else:
        what = f"Removals a year at the pace of the past {window} days"
        how = "The run is shorter than a year, so the pace is annualised."
        dots = "ICE's book-outs to removal in each month, a day, times 365.25"
    seen = ""
    if drawn:
        filled = observed.filled("removals", first.start, first.end)
        seen = (
            f" Dots: {dots} (its detention statistics; observed), to set beside the dashed "
            "lines: people removed from ICE detention, not those removed straight from Border "
            "Patrol custody. The vertical dashed line marks the end of the latest month "
            "published."
            + (
                f" {', '.join(filled)}, which the record lacks, counts as the mean of the "
                "months beside it, as in the model's record."
                if filled and window == 365
                else ""
            )
        )
    return Chart(
        "removals_vs_record",
        "Removals against a million a year and the FY2012 record",
        f"{what}, {span(runs)}, {names(runs)} (solid; dashed: those of them booked out of "
        f"detention to be removed), against the goal of a million a year (dotted line, "
        f"{million.value:,.0f}; {million.source}) and the record year FY2012 (dash-dotted line, "
        f"{record.value:,.0f} removals; {record.source}). {how}{seen} " + interval_note(runs),
        "Line chart of removals over the past 12 months against a million a year and the "
        "FY2012 record" + (", with ICE's book-outs to removal." if drawn else "."),
        finish(fig, runs, drawn),
    )


_COSTS = (
    ("cost_total", "All enforcement costs"),
    ("cost_officers", "Deportation officers"),
    ("cost_arrests", "Arrest operations (non-personnel)"),
    ("cost_detention", "Detention (occupied beds)"),
    ("cost_atd", "Alternatives to detention"),
    ("cost_courts", "Immigration judges and courts"),
    ("cost_transport", "Removal transport"),
)


def cost_by_component(runs: Sequence[ScenarioRun], _observed: Observed) -> Chart:
    """Cost a month by component, in millions of dollars."""
    month = DAYS_PER_YEAR / 12 / 1e6
    fig, _ = panels(
        runs, _COSTS, 2, lambda r, n: band(r.national[n], r.start, "month", month), "$M a month"
    )
    legend(fig, runs)
    return Chart(
        "cost_by_component",
        "Cost by component",
        f"Enforcement cost in millions of US dollars a month (each calendar month's daily "
        f"average times 30.4 days; nominal dollars, not adjusted for inflation), {span(runs)}, "
        f"{names(runs)}: the total, then each component. " + interval_note(runs),
        "Seven panels of monthly cost over time: the total and six components.",
        finish(fig, runs),
    )


_CONSEQUENCES = (
    ("removals", "Removals"),
    ("us_citizen_children_affected", "US-citizen children\nwhose parent was removed"),
    ("workers_removed", "Removed people\nwho were employed"),
)


def consequences_by_region(runs: Sequence[ScenarioRun], _observed: Observed) -> Chart:
    """Totals over the run by metro region: removals, children affected, workers removed."""
    regions = runs[0].regions
    fig, axes = figure(1, len(_CONSEQUENCES), row_height=4.6)
    y = np.arange(len(regions), dtype=np.float64)
    height = 0.8 / len(runs)
    for ax, (name, title) in zip(axes[0], _CONSEQUENCES, strict=True):
        for i, (run, colour) in enumerate(zip(runs, PALETTE, strict=False)):
            p05, p50, p95 = total_band(run.regional_totals[name])
            pos = y - 0.4 + height * (i + 0.5)
            ax.barh(pos, p50, height=height * 0.9, color=colour, alpha=0.8)
            ax.errorbar(p50, pos, xerr=[p50 - p05, p95 - p50], fmt="none", ecolor="black",
                        elinewidth=1, capsize=2)  # fmt: skip
        ax.set_title(title, fontsize=10)
        ax.set_yticks(y, [REGION_NAMES.get(g, g) for g in regions], fontsize=8)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(FuncFormatter(short))
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[0][1:]:
        ax.tick_params(labelleft=False)
    legend(fig, runs)
    return Chart(
        "consequences_by_region",
        "Human consequences by region",
        f"Totals over the run ({span(runs)}) by metro region of arrest, {names(runs)}: "
        "removals, US-citizen children whose parent was removed, and removed people who were "
        "employed (children and workers are expected values: published shares applied to the "
        f"removals). Bars: median of {runs[0].replicates:,} replicates; whiskers: 5th to 95th "
        f"percentile across replicates ({sources(runs)}).",
        "Horizontal bar charts by metro region of removals, children affected and workers removed.",
        finish(fig, runs),
    )


#: Every chart of the report, in the order the page shows them.
CHARTS: tuple[ChartMaker, ...] = (
    arrests_by_channel,
    detained_vs_capacity,
    released_no_bed,
    court_backlog,
    removals_vs_record,
    cost_by_component,
    consequences_by_region,
    metro_arrests,
)
