"""The report's metro areas: the table of each region's key figures, and the small multiples.

The table reads the ``regions`` block of each run's summary (the same statistics as its
``metrics``, by region of arrest: docs/reference/results.md); the chart draws each metro's
arrests a day over time from the run's regional series, one small panel per metro on one scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deportsim.report.chartkit import (
    REGION_NAMES,
    Chart,
    finish,
    interval_note,
    legend,
    names,
    panels,
    span,
)
from deportsim.report.observed import Observed
from deportsim.report.runs import ScenarioRun
from deportsim.report.series import Band, band
from deportsim.report.tables import Cell, metric_cell

__all__ = ["METRO_COLUMNS", "REST", "MetroRow", "metro_arrests", "metro_rows"]

#: The metro table's columns: summary metric (of the ``regions`` block), heading.
METRO_COLUMNS = (
    ("arrests_per_day_mean", "ICE arrests a day"),
    ("detained_mean", "in detention on an average night"),
    ("released_to_atd_total", "released for lack of a bed"),
    ("removals_per_year_mean", "removals a year"),
    ("us_citizen_children_affected_total", "US-citizen children whose parent was removed"),
)
#: The region that is the rest of the country, not a metro: in the table, not in the chart.
REST = "REST"
#: Panels per row of the small multiples.
_COLS = 4


@dataclass(frozen=True)
class MetroRow:
    """One region of one run: its code and name, the run's position, a cell per column."""

    region: str
    name: str
    run: int
    cells: list[Cell | None]


def metro_rows(runs: Sequence[ScenarioRun]) -> list[MetroRow]:
    """Each region (in the first run's order), then each run: the medians and 90% intervals."""
    rows = []
    for region in runs[0].regions:
        for i, run in enumerate(runs):
            block = run.summary.get("regions", {}).get(region, {})
            cells = [metric_cell(block[m]) if m in block else None for m, _ in METRO_COLUMNS]
            rows.append(MetroRow(region, REGION_NAMES.get(region, region), i, cells))
    return rows


def metro_arrests(runs: Sequence[ScenarioRun], _observed: Observed) -> Chart:
    """Arrests a day in each metro area, weekly averages, one small panel each on one scale."""
    first = runs[0]
    metros = [(g, REGION_NAMES.get(g, g)) for g in first.regions if g != REST]
    where = {g: first.regions.index(g) for g, _ in metros}

    def make(run: ScenarioRun, region: str) -> Band:
        return band(run.regional_daily["arrests"][:, :, where[region]], run.start)

    fig, axes = panels(runs, metros, _COLS, make, "", row_height=2.0, sharey=True)
    for k, ax in enumerate(axes):
        if k % _COLS == 0:
            ax.set_ylabel("arrests a day", fontsize=9)
    legend(fig, runs)
    rest = REGION_NAMES.get(REST, REST)
    return Chart(
        "metro_arrests",
        "Arrests in each metro area",
        f"ICE arrests a day in each metro area (region of arrest), weekly averages, {span(runs)}, "
        f"{names(runs)}, one panel per metro on the same scale. {rest}, far larger than any "
        "metro, is left out of the chart; the metro table gives its figures. "
        + interval_note(runs),
        f"{len(metros)} small line charts, one per metro area, of arrests a day over time on one "
        "scale.",
        finish(fig, runs),
    )
