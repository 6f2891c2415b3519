"""The report's charts, one function each: Matplotlib figures (Agg canvas) rendered to PNG bytes.

Every chart draws, for each scenario in its own colour, the median over replicates as a line and
the 5th-95th percentile across replicates as a shaded band (bars: a whisker). Figures are built
on their own :class:`~matplotlib.figure.Figure` with an Agg canvas, never through pyplot, so
nothing global is touched and charts can be drawn side by side.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from deportsim.core.units import DAYS_PER_YEAR
from deportsim.report.runs import ScenarioRun
from deportsim.report.series import Band, band, rolling_band, total_band

__all__ = ["CHARTS", "FY2012_REMOVALS", "MAX_SCENARIOS", "PALETTE", "REGION_NAMES", "Chart"]

#: ICE removals in FY2012, the record year: ICE, "FY2012 removals announced by Director John
#: Morton", 21 Dec 2012 (409,849 removals; the source of scenario record-2012-pace).
FY2012_REMOVALS = 409_849
FY2012_SOURCE = "ICE, FY2012 removals announced by Director John Morton, 21 Dec 2012"

#: One colour per scenario, in the order given (colour-blind-safe Okabe-Ito hues).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MAX_SCENARIOS = len(PALETTE)

#: Metro regions' names (parameters/index.yaml).
REGION_NAMES = {
    "LA": "Los Angeles", "NY": "New York", "CHI": "Chicago", "HOU": "Houston",
    "DFW": "Dallas–Fort Worth", "MIA": "Miami", "DC": "Washington DC", "REST": "Rest of the US",
}  # fmt: skip

DPI = 110
BAND_ALPHA = 0.25


@dataclass(frozen=True)
class Chart:
    """A rendered chart: its file stem, title, caption (what it shows), alt text and PNG."""

    key: str
    title: str
    caption: str
    alt: str
    png: bytes

    @property
    def filename(self) -> str:
        """The PNG's file name in the report folder."""
        return f"{self.key}.png"

    def figure_html(self, heading: str = "h2") -> str:
        """The chart as an HTML figure: its title as ``heading``, the PNG embedded, the caption."""
        data = base64.b64encode(self.png).decode("ascii")

        def e(text: str) -> str:
            return escape(text, quote=True)

        return (
            f'<figure id="{e(self.key)}"><{heading}>{e(self.title)}</{heading}>'
            f'<img src="data:image/png;base64,{data}" alt="{e(self.alt)}">'
            f"<figcaption>{e(self.caption)} "
            f'<span class="small">(Also saved as {e(self.filename)}.)</span></figcaption></figure>'
        )


# --- shared drawing helpers ---------------------------------------------------------------


def _short(value: float, _pos: object = None) -> str:
    """Axis numbers people read at a glance: 3.5M, 250k, 1,200, 0.5."""
    a = abs(value)
    if a >= 1e6:
        return f"{value / 1e6:,.4g}M"
    if a >= 1e4:
        return f"{value / 1e3:,.4g}k"
    if a >= 10 or value == 0:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _figure(rows: int, cols: int, row_height: float = 2.7) -> tuple[Figure, Any]:
    fig = Figure(figsize=(10, 0.9 + row_height * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False)
    return fig, axes


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _time_axis(ax: Axes, ylabel: str = "") -> None:
    # matplotlib.dates ships these two without annotations
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    concise = mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(concise)
    ax.yaxis.set_major_formatter(FuncFormatter(_short))
    top = ax.get_ylim()[1]
    ax.set_ylim(0, top * 1.08 if top > 0 else 1.0)  # a flat series must not sit on the frame
    ax.grid(alpha=0.3)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)


def _draw(ax: Axes, b: Band, colour: str, style: str = "-") -> None:
    ax.fill_between(b.x, b.p05, b.p95, color=colour, alpha=BAND_ALPHA, linewidth=0)
    ax.plot(b.x, b.p50, style, color=colour, linewidth=1.6)


def _legend(
    fig: Figure, runs: Sequence[ScenarioRun], extra: Sequence[tuple[Any, str]] = ()
) -> None:
    """Scenarios' colours (line: median, band: 90%) above the panels, plus any extra entries."""
    handles: list[Any] = [
        (Patch(color=c, alpha=BAND_ALPHA, linewidth=0), Line2D([], [], color=c, linewidth=1.6))
        for c in PALETTE[: len(runs)]
    ]
    labels = [f"{r.name}: median, 90% band" for r in runs]
    handles += [h for h, _ in extra]
    labels += [label for _, label in extra]
    fig.legend(handles, labels, loc="outside upper center", ncols=min(len(labels), 3), fontsize=8,
               frameon=False)  # fmt: skip


def _span(runs: Sequence[ScenarioRun]) -> str:
    first = runs[0]
    years = first.days / DAYS_PER_YEAR
    return f"from {first.start:%d %b %Y} to {first.end:%d %b %Y} ({years:.3g} years)"


def _names(runs: Sequence[ScenarioRun]) -> str:
    names = [r.name for r in runs]
    if len(names) == 1:
        return f"scenario {names[0]}"
    return "scenarios " + ", ".join(names[:-1]) + " and " + names[-1]


def _sources(runs: Sequence[ScenarioRun]) -> str:
    """What the bands hold: day-to-day randomness, and the parameters' ranges if drawn."""
    if runs[0].parameters_drawn:
        return "day-to-day randomness and the uncertain parameters, drawn for each replicate"
    return "day-to-day randomness only, not the uncertainty of the parameters"


def _interval_note(runs: Sequence[ScenarioRun], what: str = "Lines") -> str:
    return (
        f"{what}: median of {runs[0].replicates:,} replicates; shaded bands: 5th to 95th "
        f"percentile across replicates ({_sources(runs)})."
    )


def _panels(
    runs: Sequence[ScenarioRun],
    panels: Sequence[tuple[str, str]],
    cols: int,
    make: Callable[[ScenarioRun, str], Band],
    ylabel: str,
    *,
    row_height: float = 2.4,
) -> Figure:
    """One panel per series, every scenario overlaid in each; unused panels are hidden."""
    rows = -(-len(panels) // cols)
    fig, axes = _figure(rows, cols, row_height)
    flat = list(axes.flat)
    for ax, (name, title) in zip(flat, panels, strict=False):
        for run, colour in zip(runs, PALETTE, strict=False):
            _draw(ax, make(run, name), colour)
        ax.set_title(title, fontsize=10)
        _time_axis(ax, ylabel)
    for ax in flat[len(panels) :]:
        ax.set_visible(False)
    _legend(fig, runs)
    return fig


# --- the charts ---------------------------------------------------------------------------

_CHANNELS = (
    ("arrests", "All arrests"),
    ("arrests_custodial", "Jail transfers (custodial arrests)"),
    ("arrests_targeted", "At large: the people targeted"),
    ("arrests_collateral", "At large: people met during operations"),
    ("arrests_worksite", "Worksite operations"),
    ("arrests_courthouse", "At immigration courts and check-ins"),
)


def arrests_by_channel(runs: Sequence[ScenarioRun]) -> Chart:
    """Arrests a day by channel, weekly averages, one panel per channel."""
    fig = _panels(runs, _CHANNELS, 2, lambda r, n: band(r.national[n], r.start), "arrests a day")
    return Chart(
        "arrests_by_channel",
        "Arrests by channel",
        f"ICE arrests a day, weekly averages, {_span(runs)}, {_names(runs)}: all arrests, then "
        "each channel (jail transfers, and at-large arrests of targets, of people met during "
        "operations, at worksites and at immigration courts). " + _interval_note(runs),
        "Six panels of arrests a day over time: all arrests and each arrest channel.",
        _png(fig),
    )


def detained_vs_capacity(runs: Sequence[ScenarioRun]) -> Chart:
    """People in detention against the beds available, weekly averages."""
    fig, axes = _figure(1, 1, row_height=4.0)
    ax = axes[0, 0]
    for run, colour in zip(runs, PALETTE, strict=False):
        _draw(ax, band(run.national["detained"], run.start), colour)
        _draw(ax, band(run.national["detention_capacity"], run.start), colour, style="--")
    _time_axis(ax, "people / beds")
    ax.set_title("People in detention (solid) and beds available (dashed)", fontsize=10)
    _legend(fig, runs, [(Line2D([], [], color="grey", ls="--"), "beds available")])
    return Chart(
        "detained_vs_capacity",
        "Detained against capacity",
        f"People held in detention on an average night of each week (solid) and the detention "
        f"beds available (dashed), {_span(runs)}, {_names(runs)}. Where the solid line meets "
        "the dashed one, beds bind: people who find no bed are released (next chart). "
        + _interval_note(runs),
        "Line chart of the detained population and the bed capacity over time.",
        _png(fig),
    )


def released_no_bed(runs: Sequence[ScenarioRun]) -> Chart:
    """People released for lack of a bed, per week."""
    panel = [("released_to_atd", "Released for lack of a bed, per week")]
    fig = _panels(
        runs, panel, 1, lambda r, n: band(r.national[n], r.start, scale=7.0), "people a week",
        row_height=3.4,
    )  # fmt: skip
    return Chart(
        "released_no_bed",
        "Released for lack of beds",
        "People arrested but released to alternatives to detention or on their own "
        f"recognizance because no detention bed was free, per week, {_span(runs)}, "
        f"{_names(runs)}. Zero means beds did not bind that week. " + _interval_note(runs),
        "Line chart of people released each week because no bed was free.",
        _png(fig),
    )


def court_backlog(runs: Sequence[ScenarioRun]) -> Chart:
    """Pending immigration-court cases, weekly averages."""
    panel = [("court_backlog", "Immigration-court backlog")]
    fig = _panels(
        runs, panel, 1, lambda r, n: band(r.national[n], r.start), "pending cases", row_height=3.4
    )
    return Chart(
        "court_backlog",
        "Immigration-court backlog",
        f"Pending immigration-court cases (non-detained and detained dockets, including cases "
        f"of people on alternatives to detention), weekly averages, {_span(runs)}, "
        f"{_names(runs)}. " + _interval_note(runs),
        "Line chart of pending immigration-court cases over time.",
        _png(fig),
    )


def removals_vs_record(runs: Sequence[ScenarioRun]) -> Chart:
    """Removals over the past 12 months against the FY2012 record."""
    days = runs[0].days
    window = 365 if days >= 365 else min(30, days)
    scale = 1.0 if window == 365 else DAYS_PER_YEAR / window
    fig, axes = _figure(1, 1, row_height=3.8)
    ax = axes[0, 0]
    for run, colour in zip(runs, PALETTE, strict=False):
        b = rolling_band(run.national["removals"], run.start, window)
        _draw(ax, Band(b.x, b.p05 * scale, b.p50 * scale, b.p95 * scale), colour)
    ax.axhline(FY2012_REMOVALS, color="black", ls=":", lw=1.4)
    _time_axis(ax, "removals a year")
    ax.set_ylim(top=max(ax.get_ylim()[1], FY2012_REMOVALS * 1.15))
    ax.set_xlim(np.datetime64(runs[0].start, "D"), np.datetime64(runs[0].end, "D"))
    if window == 365:
        what = "Removals in the 12 months (365 days) up to each week"
        how = (
            "The lines start once the run has a full year behind them. "
            "Removals include those of people arrested at the border, as ICE's FY2012 count does."
        )
    else:
        what = f"Removals a year at the pace of the past {window} days"
        how = "The run is shorter than a year, so the pace is annualised."
    ax.set_title(what, fontsize=10)
    record = f"FY2012 record: {FY2012_REMOVALS:,} removals (ICE)"
    _legend(fig, runs, [(Line2D([], [], color="black", ls=":"), record)])
    return Chart(
        "removals_vs_record",
        "Removals against the FY2012 record",
        f"{what}, {_span(runs)}, {_names(runs)}, against the record year FY2012 (dotted line, "
        f"{FY2012_REMOVALS:,} removals; {FY2012_SOURCE}). {how} " + _interval_note(runs),
        "Line chart of removals over the past 12 months against the FY2012 record.",
        _png(fig),
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


def cost_by_component(runs: Sequence[ScenarioRun]) -> Chart:
    """Cost a month by component, in millions of dollars."""
    month = DAYS_PER_YEAR / 12 / 1e6
    fig = _panels(
        runs, _COSTS, 2, lambda r, n: band(r.national[n], r.start, "month", month), "$M a month"
    )
    return Chart(
        "cost_by_component",
        "Cost by component",
        f"Enforcement cost in millions of US dollars a month (each calendar month's daily "
        f"average times 30.4 days; nominal dollars, not adjusted for inflation), {_span(runs)}, "
        f"{_names(runs)}: the total, then each component. " + _interval_note(runs),
        "Seven panels of monthly cost over time: the total and six components.",
        _png(fig),
    )


_CONSEQUENCES = (
    ("removals", "Removals"),
    ("us_citizen_children_affected", "US-citizen children\nwhose parent was removed"),
    ("workers_removed", "Removed people\nwho were employed"),
)


def consequences_by_region(runs: Sequence[ScenarioRun]) -> Chart:
    """Totals over the run by metro region: removals, children affected, workers removed."""
    regions = runs[0].regions
    fig, axes = _figure(1, len(_CONSEQUENCES), row_height=4.6)
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
        ax.xaxis.set_major_formatter(FuncFormatter(_short))
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[0][1:]:
        ax.tick_params(labelleft=False)
    _legend(fig, runs)
    return Chart(
        "consequences_by_region",
        "Human consequences by region",
        f"Totals over the run ({_span(runs)}) by metro region of arrest, {_names(runs)}: "
        "removals, US-citizen children whose parent was removed, and removed people who were "
        "employed (children and workers are expected values: published shares applied to the "
        f"removals). Bars: median of {runs[0].replicates:,} replicates; whiskers: 5th to 95th "
        f"percentile across replicates ({_sources(runs)}).",
        "Horizontal bar charts by metro region of removals, children affected and workers removed.",
        _png(fig),
    )


#: Every chart of the report, in the order the page shows them.
CHARTS: tuple[Callable[[Sequence[ScenarioRun]], Chart], ...] = (
    arrests_by_channel,
    detained_vs_capacity,
    released_no_bed,
    court_backlog,
    removals_vs_record,
    cost_by_component,
    consequences_by_region,
)
