"""The chart of ``deportsim status``: ICE's monthly figures against the goals."""

from __future__ import annotations

import datetime as dt
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from deportsim._version import __version__
from deportsim.analysis.goals import arrests_goal
from deportsim.analysis.status import LABELS, SCENARIO, Status

__all__ = ["status_chart"]

#: ICE's series first shown: the fiscal year before the directive.
FIRST_MONTH = "2023-10"


def status_chart(st: Status) -> bytes:
    """A PNG: ICE book-ins a day against the 3,000 goal, and the people held against the beds."""
    fig = Figure(figsize=(10, 7.2), dpi=110)
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(2, 1, sharex=True)
    comma = FuncFormatter(lambda v, _p: f"{v:,.0f}")
    for ax, key, title, goal, goal_label in (
        (top, "ice_book_ins", "ICE book-ins a day (observed), against the goal of 3,000 arrests "
         "a day", arrests_goal().value, LABELS["arrests"]),
        (bottom, "detained", "People in ICE detention on an average day (observed), against "
         f"the beds planned in {SCENARIO}", st.beds, f"beds planned: {st.beds:,.0f}"),
    ):  # fmt: skip
        points = [(dt.date.fromisoformat(f"{m}-15"), v) for m, v in st.monthly[key]
                  if m >= FIRST_MONTH]  # fmt: skip
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3,
                color="#1f4e79", label="observed (ICE)")  # fmt: skip
        ax.axhline(goal, color="#b22222", linestyle="--", linewidth=1.2, label=goal_label)
        ax.axvline(st.as_of, color="#555555", linestyle=":", linewidth=1)
        ax.text(st.as_of, ax.get_ylim()[1], f" latest data: {st.as_of:%b %Y}", fontsize=8,
                va="top", color="#555555")  # fmt: skip
        ax.set_title(title, fontsize=10, loc="left")
        ax.yaxis.set_major_formatter(comma)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    fig.text(0.01, 0.005, f"deportsim {__version__} · observed data: U.S. Immigration and "
             f"Customs Enforcement, detention statistics ({st.data}) · beds: scenario "
             f"{SCENARIO}'s plan", fontsize=7, color="#555555")  # fmt: skip
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
