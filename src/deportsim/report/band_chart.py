"""One daily series drawn as a band: the median and its 90% interval, as PNG or SVG."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from deportsim.report.chartkit import DPI, figure, time_axis

__all__ = ["band_chart"]

COLOUR = "#0072B2"  # Okabe–Ito blue: readable with every common colour-vision deficiency


def band_chart(
    rows: Sequence[dict[str, Any]], title: str, credit: str, fmt: Literal["png", "svg"] = "png"
) -> bytes:
    """``rows`` (``date``, ``p05``, ``p50``, ``p95``) drawn day by day, with ``credit`` below."""
    days = [dt.date.fromisoformat(r["date"]) for r in rows]
    low, mid, high = (np.array([r[k] for r in rows]) for k in ("p05", "p50", "p95"))
    fig, axes = figure(1, 1, row_height=3.6)
    ax = axes[0, 0]
    ax.fill_between(days, low, high, color=COLOUR, alpha=0.25, linewidth=0, label="90% interval")
    ax.plot(days, mid, color=COLOUR, linewidth=1.6, label="median")
    time_axis(ax)
    ax.set_title(title, loc="left", fontsize=11)
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    fig.supxlabel(credit, x=0.995, ha="right", fontsize=7, color="#555555")
    buf = io.BytesIO()
    if fmt == "svg":
        # no date in the file: the same chart gives the same bytes
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    else:
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()
