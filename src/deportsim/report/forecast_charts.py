"""The charts of ``deportsim forecast``: a forecast's fan per series, and the evaluation's WIS.

Drawn as the report's charts are (:mod:`deportsim.report.charts`): on a Figure of its own with an
Agg canvas, never through pyplot, and saved without the software's name in the PNG's metadata,
so the same forecast gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from deportsim.analysis.forecasts.evaluate import HORIZONS, Row
from deportsim.analysis.forecasts.model import Forecast
from deportsim.analysis.forecasts.targets import MODEL
from deportsim.report.chartkit import DPI, PALETTE

__all__ = ["CREDIT", "HISTORY_MONTHS", "TITLES", "evaluation_png", "forecast_png"]

#: The source line under every forecast chart.
CREDIT = "Source: deportsim model estimate; observed: ICE detention statistics"
#: Months of observed values shown before the forecast.
HISTORY_MONTHS = 24
#: Each series' panel title.
TITLES = {
    "detained_adp": "detained_adp: people detained, monthly average",
    "book_ins_ice": "book_ins_ice: ICE book-ins per month",
    "book_ins_cbp": "book_ins_cbp: CBP book-ins per month",
    "removals": "removals: book-outs to removal per month",
    "book_outs": "book_outs: all book-outs per month",
}
_COLOUR = PALETTE[0]
_AS_OF = "#555555"


def _short(value: float, _pos: object = None) -> str:
    """Axis numbers at a glance: 63k, 2.5k, 800."""
    return f"{value / 1e3:,.4g}k" if abs(value) >= 1e3 else f"{value:,.0f}"


def _mid(month: str) -> np.datetime64:
    """A month's value drawn at its middle: a monthly average or total is the month's."""
    return np.datetime64(f"{month}-15")


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _grid(rows: int, cols: int, height: float) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=(11, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, cols, squeeze=False)
    return fig, list(axes.flat)


def _time_axis(ax: Axes) -> None:
    # matplotlib.dates ships these two without annotations
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    concise = mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(concise)
    ax.yaxis.set_major_formatter(FuncFormatter(_short))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.tick_params(labelsize=8)


def _panel(ax: Axes, fc: Forecast, name: str) -> None:
    q = fc.series[name]
    x = np.array([_mid(m) for m in q.months])
    ax.fill_between(x, q.p05, q.p95, color=_COLOUR, alpha=0.18, linewidth=0)
    ax.fill_between(x, q.p25, q.p75, color=_COLOUR, alpha=0.35, linewidth=0)
    ax.plot(x, q.p50, "-", color=_COLOUR, linewidth=1.6)
    known = fc.data.series.get(name)
    if known is not None and known.months:
        months = known.months[-HISTORY_MONTHS:]
        values = known.values[-len(months) :]
        ax.plot([_mid(m) for m in months], values, "o", color="black", markersize=2.8)
    later = [(m, v) for m, v in zip(q.months, fc.observed[name], strict=True) if v is not None]
    if later:
        ax.plot([_mid(m) for m, _ in later], [v for _, v in later], "o", color="black",
                markersize=2.8)  # fmt: skip
    day = float(mdates.date2num(fc.as_of))  # type: ignore[no-untyped-call]
    ax.axvline(day, color=_AS_OF, linestyle="--", linewidth=1)
    ax.set_title(TITLES.get(name, name), fontsize=10)
    _time_axis(ax)


def forecast_png(fc: Forecast) -> bytes:
    """forecast.png: one panel per series, the forecast's bands and median, observed as dots.

    Each panel shows the 5-95% and 25-75% bands and the median of the replicates by month, the
    last :data:`HISTORY_MONTHS` months known on the as-of date as dots, and the as-of date as a
    dashed line; the last panel holds the legend and the forecast's settings.
    """
    names = list(fc.series)
    rows = -(-(len(names) + 1) // 2)
    fig, flat = _grid(rows, 2, 0.9 + 2.6 * rows)
    for ax, name in zip(flat, names, strict=False):
        _panel(ax, fc, name)
    key = flat[len(names)]
    key.set_axis_off()
    handles = [
        Patch(color=_COLOUR, alpha=0.18, linewidth=0),
        Patch(color=_COLOUR, alpha=0.35, linewidth=0),
        Line2D([], [], color=_COLOUR, linewidth=1.6),
        Line2D([], [], marker="o", color="black", linestyle="", markersize=3),
        Line2D([], [], color=_AS_OF, linestyle="--", linewidth=1),
    ]
    labels = [
        "model, 5-95% of replicates", "model, 25-75%", "model, median",
        f"ICE, observed (as known on {fc.as_of.isoformat()})", f"as of {fc.as_of.isoformat()}",
    ]  # fmt: skip
    key.legend(handles, labels, loc="upper left", fontsize=9, frameon=False)
    key.text(
        0.0, 0.05,
        f"Scenario {fc.scenario}, {fc.replicates:,} replicates, seed {fc.seed}.\n"
        f"Starts {fc.start.isoformat()} from the people detained in {fc.origin},\n"
        "the last month published by the as-of date.",
        transform=key.transAxes, fontsize=8, va="bottom",
    )  # fmt: skip
    for ax in flat[len(names) + 1 :]:
        ax.set_visible(False)
    fig.suptitle(
        f"{fc.scenario}: forecast as of {fc.as_of.isoformat()}, from the state of {fc.origin}",
        fontsize=11,
    )
    fig.supxlabel(CREDIT, fontsize=8, x=0.01, ha="left")
    return _png(fig)


def evaluation_png(rows: Sequence[Row], window: str, methods: Sequence[str]) -> bytes:
    """evaluation.png: per series, the WIS of each method at each horizon (bars), in ``window``.

    A method with nothing scored at a horizon has no bar there. Lower is better.
    """
    scored = {
        (r.series, r.method, r.horizon): r.scores.wis
        for r in rows
        if r.window == window and r.scores is not None
    }
    names = list(dict.fromkeys(r.series for r in rows))
    grid = -(-(len(names) + 1) // 2)  # a panel per series, and one for the legend
    fig, flat = _grid(grid, 2, 0.9 + 2.6 * grid)
    width = 0.8 / max(len(methods), 1)
    colours = {m: ("#222222" if m == MODEL else PALETTE[1 + i % (len(PALETTE) - 1)])
               for i, m in enumerate(methods)}  # fmt: skip
    for ax, name in zip(flat, names, strict=False):
        for i, method in enumerate(methods):
            xs = [k + (i - (len(methods) - 1) / 2) * width for k in range(len(HORIZONS))]
            wis = [scored.get((name, method, h), np.nan) for h in HORIZONS]
            ax.bar(xs, wis, width, color=colours[method], label=method)
        ax.set_xticks(range(len(HORIZONS)), [f"{h} month{'s' if h > 1 else ''} ahead"
                                             for h in HORIZONS])  # fmt: skip
        ax.set_title(TITLES.get(name, name).split(":")[0], fontsize=10)
        ax.yaxis.set_major_formatter(FuncFormatter(_short))
        ax.set_ylabel("WIS (lower is better)", fontsize=8)
        ax.grid(alpha=0.3, axis="y")
        ax.tick_params(labelsize=8)
    key = flat[len(names)]
    key.set_axis_off()
    key.legend([Patch(color=colours[m]) for m in methods], list(methods), loc="upper left",
               fontsize=9, frameon=False, title="method")  # fmt: skip
    key.text(
        0.0, 0.05,
        "Weighted interval score of the forecasts made from each origin,\n"
        "averaged over the months scored, in the series' own unit.",
        transform=key.transAxes, fontsize=8, va="bottom",
    )  # fmt: skip
    for ax in flat[len(names) + 1 :]:
        ax.set_visible(False)
    fig.suptitle(f"Weighted interval score by months ahead, origins {window}", fontsize=11)
    fig.supxlabel(
        "Source: deportsim rolling-origin evaluation; observed: ICE detention statistics",
        fontsize=8, x=0.01, ha="left",
    )  # fmt: skip
    return _png(fig)
