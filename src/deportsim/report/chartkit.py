"""What every chart of the report shares: the rendered chart, the drawing helpers, the credits.

Every chart draws, for each scenario in its own colour, the median over replicates as a line and
the 5th-95th percentile across replicates as a shaded band (bars: a whisker). Figures are built
on their own :class:`~matplotlib.figure.Figure` with an Agg canvas, never through pyplot, so
nothing global is touched and charts can be drawn side by side. Each figure carries its credit
in small text at its foot (:func:`finish`): deportsim's version, the scenarios, "model estimate",
and the data drawn beside the model, if any.
"""

from __future__ import annotations

import base64
import datetime as dt
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

from deportsim._version import __version__
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.report.observed import DATA_CREDIT, OBSERVED_LABEL, Points
from deportsim.report.runs import ScenarioRun
from deportsim.report.series import Band

__all__ = [
    "BAND_ALPHA", "DPI", "MAX_SCENARIOS", "PALETTE", "REGION_NAMES", "Chart", "credit",
    "draw_band", "figure", "finish", "goal_line", "interval_note", "latest_marker", "legend",
    "names", "observed_handle", "observed_points", "panels", "png", "short", "sources", "span",
    "time_axis",
]  # fmt: skip

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
#: Goal lines, the record line and observed points: black, apart from the scenarios' colours.
MARK = "black"
_LATEST = "#555555"
#: Behind a label drawn over lines: white, a little transparent, no frame.
_LABEL_BOX = {"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1.0}


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


def short(value: float, _pos: object = None) -> str:
    """Axis numbers people read at a glance: 3.5M, 250k, 1,200, 0.5."""
    a = abs(value)
    if a >= 1e6:
        return f"{value / 1e6:,.4g}M"
    if a >= 1e4:
        return f"{value / 1e3:,.4g}k"
    if a >= 10 or value == 0:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def figure(
    rows: int, cols: int, row_height: float = 2.7, *, sharey: bool = False
) -> tuple[Figure, Any]:
    """A figure of ``rows`` × ``cols`` panels (an array of axes), 10 inches wide."""
    fig = Figure(figsize=(10, 0.9 + row_height * rows), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False, sharey=sharey)
    return fig, axes


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes, without the software's name (the same chart, the same bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def names(runs: Sequence[ScenarioRun]) -> str:
    """``scenario a``, or ``scenarios a, b and c``."""
    found = [r.name for r in runs]
    if len(found) == 1:
        return f"scenario {found[0]}"
    return "scenarios " + ", ".join(found[:-1]) + " and " + found[-1]


def credit(runs: Sequence[ScenarioRun], data: bool) -> str:
    """The credit line a chart carries: version, scenarios, model estimate, the data drawn."""
    scenarios = names(runs).replace(" and ", ", ")
    line = f"deportsim {__version__} · {scenarios} · model estimate"
    return line + (f" · data: {DATA_CREDIT}" if data else "")


def finish(fig: Figure, runs: Sequence[ScenarioRun], data: bool = False) -> bytes:
    """Write the credit at the figure's foot (``data``: observed figures are drawn); the PNG."""
    fig.supxlabel(credit(runs, data), x=0.995, ha="right", fontsize=7, color="#555555")
    return png(fig)


def time_axis(ax: Axes, ylabel: str = "", *, limits: bool = True) -> None:
    """Dates on x, short numbers on y from 0 (``limits``: set them from the data), a grid."""
    # matplotlib.dates ships these two without annotations
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    concise = mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(concise)
    ax.yaxis.set_major_formatter(FuncFormatter(short))
    if limits:
        top = ax.get_ylim()[1]
        ax.set_ylim(0, top * 1.08 if top > 0 else 1.0)  # a flat series must not sit on the frame
    ax.grid(alpha=0.3)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)


def draw_band(ax: Axes, b: Band, colour: str, style: str = "-") -> None:
    """The band's 90% interval shaded, its median as a line."""
    ax.fill_between(b.x, b.p05, b.p95, color=colour, alpha=BAND_ALPHA, linewidth=0)
    ax.plot(b.x, b.p50, style, color=colour, linewidth=1.6)


def goal_line(ax: Axes, value: float, label: str, style: str = ":") -> None:
    """A horizontal line at ``value``, labelled at its right end; the axis reaches above it."""
    ax.axhline(value, color=MARK, ls=style, lw=1.3)
    ax.annotate(label, xy=(0.995, value), xycoords=("axes fraction", "data"), ha="right",
                va="bottom", fontsize=7.5, color=MARK, bbox=_LABEL_BOX)  # fmt: skip
    ax.set_ylim(top=max(ax.get_ylim()[1], value * 1.15))


def observed_points(ax: Axes, points: Points) -> bool:
    """ICE's figures as black dots; False when there are none to draw."""
    if not len(points):
        return False
    ax.plot(points.x, points.y, "o", color=MARK, markersize=3.2, label=OBSERVED_LABEL, zorder=3)
    highest = float(points.y.max())
    if highest * 1.04 > ax.get_ylim()[1]:  # limits set before the points must not cut them off
        ax.set_ylim(top=highest * 1.08)
    return True


def observed_handle() -> tuple[Line2D, str]:
    """The legend entry of observed points."""
    return Line2D([], [], color=MARK, marker="o", markersize=3.2, ls="none"), OBSERVED_LABEL


def latest_marker(ax: Axes, latest: dt.date | None, runs: Sequence[ScenarioRun]) -> bool:
    """A vertical line at the end of the last observed month, if it falls in the run's span."""
    first = runs[0]
    if latest is None or not first.start < latest <= first.end + dt.timedelta(days=1):
        return False
    x = np.datetime64(latest, "D")
    ax.axvline(x, color=_LATEST, ls="--", lw=1.0)  # type: ignore[arg-type]  # dates are units
    month = latest - dt.timedelta(days=1)
    ax.annotate(f"latest data: {month:%b %Y}", xy=(x, 0.03), xycoords=("data", "axes fraction"),
                xytext=(-2, 0), textcoords="offset points", rotation=90, ha="right",
                va="bottom", fontsize=7, color=_LATEST, bbox=_LABEL_BOX)  # fmt: skip
    return True


def legend(fig: Figure, runs: Sequence[ScenarioRun], extra: Sequence[tuple[Any, str]] = ()) -> None:
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


def span(runs: Sequence[ScenarioRun]) -> str:
    """The runs' span in words: from 20 Jan 2025 to 19 Jan 2027 (2 years)."""
    first = runs[0]
    years = first.days / DAYS_PER_YEAR
    return f"from {first.start:%d %b %Y} to {first.end:%d %b %Y} ({years:.3g} years)"


def sources(runs: Sequence[ScenarioRun]) -> str:
    """What the bands hold: day-to-day randomness, and the parameters' ranges if drawn."""
    if runs[0].parameters_drawn:
        return "day-to-day randomness and the uncertain parameters, drawn for each replicate"
    return "day-to-day randomness only, not the uncertainty of the parameters"


def interval_note(runs: Sequence[ScenarioRun], what: str = "Lines") -> str:
    """The caption's sentence on what lines and bands are."""
    return (
        f"{what}: median of {runs[0].replicates:,} replicates; shaded bands: 5th to 95th "
        f"percentile across replicates ({sources(runs)})."
    )


def panels(
    runs: Sequence[ScenarioRun],
    titles: Sequence[tuple[str, str]],
    cols: int,
    make: Callable[[ScenarioRun, str], Band],
    ylabel: str,
    *,
    row_height: float = 2.4,
    sharey: bool = False,
) -> tuple[Figure, list[Axes]]:
    """One panel per series, every scenario overlaid in each; unused panels are hidden.

    Returns the figure and the panels drawn, in order (without a legend: the caller adds it).
    """
    rows = -(-len(titles) // cols)
    fig, axes = figure(rows, cols, row_height, sharey=sharey)
    flat = list(axes.flat)
    for ax, (name, title) in zip(flat, titles, strict=False):
        for run, colour in zip(runs, PALETTE, strict=False):
            draw_band(ax, make(run, name), colour)
        ax.set_title(title, fontsize=10)
        time_axis(ax, ylabel, limits=not sharey)
    for ax in flat[len(titles) :]:
        ax.set_visible(False)
    if sharey:  # one scale for every panel, set once
        top = flat[0].get_ylim()[1]
        flat[0].set_ylim(0, top * 1.08 if top > 0 else 1.0)
    return fig, flat[: len(titles)]
