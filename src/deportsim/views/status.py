"""What ``deportsim status`` prints: one screen, every figure observed or estimated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deportsim.views.formatting import metric_text

if TYPE_CHECKING:  # for annotations only: the views load no model
    from deportsim.analysis.status import Reading, Status

__all__ = ["status_lines"]


def _value(r: Reading) -> str:
    text = metric_text(r.value, r.unit)
    if r.low is not None and r.high is not None:
        text += f" ({metric_text(r.low, r.unit)} – {metric_text(r.high, r.unit)})"
    return text


def _row(r: Reading) -> list[str]:
    against = "; ".join(f"{a['share']:.0%} of {a['label']}" for a in r.against)
    kind = "observed" if r.kind == "observed" else "model estimate"
    return [r.label, _value(r), kind, against]


def status_lines(st: Status) -> list[str]:
    """The status as aligned text: now, then so far, then where the figures come from."""
    lines = [f"Where the operation stands: ICE's latest data are to {st.as_of:%d %B %Y} "
             f"({st.data})", ""]  # fmt: skip
    for title, readings in (
        (f"Now ({st.as_of:%B %Y})", st.now),
        (f"So far, {st.since:%d %B %Y} to {st.as_of:%d %B %Y}", st.so_far),
    ):
        heading = "value, or median (90% interval)" if title.startswith("So far") else "value"
        rows = [["", heading, "", "against"], *(_row(r) for r in readings)]
        rows[0][0] = title
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2].ljust(widths[2]),
                     row[3]]  # fmt: skip
            lines.append("  ".join(cells).rstrip())
        lines.append("")
    run = st.run
    lines.append(
        f"observed: ICE's detention statistics, each figure's workbook and cells in status.json; "
        f"model estimate: {run['scenario']} from {run['start']}, {run['days']} days, "
        f"{run['replicates']} replicates, seed {run['seed']}, parameters drawn"
    )
    lines.append("January 2025 counts from the 20th (the month's figure times 12/31).")
    return lines
