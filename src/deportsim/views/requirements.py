"""The table that ``deportsim requirements`` prints, from the contents of requirements.json.

One column per year; rows for each target and what was reached, the resources found with how
many more they are than the scenario's own (second line of a cell), flights, and the annual cost by
component. Narrow enough for four years in 80 columns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

__all__ = ["render_requirements"]

#: Resource rows: requirements.json key -> label.
_RESOURCES = {
    "arrest_target": "arrest target a day",
    "officers": "officers",
    "beds": "beds",
    "judges": "judges",
    "seats_per_day": "removal seats a day",
}
#: Short names of the binding constraints (docs: deportsim.analysis.claims.constraints).
_BINDING = {
    "officers": "officers",
    "reachable_population": "finding",
    "beds": "beds",
    "courts": "courts",
    "transport": "seats",
    "funding": "funding",
}
#: Printed under the table.
LEGEND = (
    "Second lines: more than the scenario's own. Binding before: what limits the year with the "
    "scenario's own resources (officers: too few for the arrest target; finding: officers find "
    "fewer people than planned; beds; seats: removal seats; courts)."
)
_STATUS = {
    "met": "met",
    "not_confirmed": "NOT MET",
    "unreachable": "UNREACHABLE",
    "no_target": "no target",
}


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _usd(value: float) -> str:
    return f"${value / 1e9:,.1f}B" if abs(value) >= 1e8 else f"${value / 1e6:,.0f}M"


def _more(value: float, more: float, fmt: Callable[[float], str] = _n) -> str:
    """A level, and on a second line how many more than the scenario's own (if any)."""
    if round(more) == 0:
        return fmt(value)
    sign = "+" if more > 0 else "-"
    return f"{fmt(value)}\n{sign}{fmt(abs(more))}"


def render_requirements(data: dict[str, Any], console: Console) -> None:
    """Print the years of a requirements.json as one table (columns: years).

    Resources show on a second line how many more they are than the scenario's own.
    """
    years = data["years"]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("", no_wrap=True)
    for y in years:
        table.add_column(f"year {y['year']}\n{y['from']}", justify="right", no_wrap=True)

    def row(label: str, cells: list[str], end: bool = False) -> None:
        table.add_row(label, *cells, end_section=end)

    row("status", [_STATUS[y["status"]] for y in years], end=True)
    for t in data["targets"]:
        name = t["metric"]
        got = [y["targets"][name] for y in years]
        row(name, ["" for _ in years])
        row("  median reached", [_n(g["reached"]["p50"]) for g in got])
        row(
            "  90% interval",
            [f"{_n(g['reached']['p05'])}-\n{_n(g['reached']['p95'])}" for g in got],
        )
        row("  share reaching", [f"{g['share_met']:.0%}" for g in got])
        row("  scenario's own", [_n(g["scenario"]["p50"]) for g in got], end=True)
    row("binding before", [_BINDING.get(y["binding_before"] or "-", "-") for y in years])
    for key, label in _RESOURCES.items():
        row(label, [_more(r["required"], r["more"]) for r in (y["resources"][key] for y in years)])
    row("arrests a day", [_n(y["arrests_per_day"]["p50"]) for y in years])
    flights = [y["flights_per_year"] for y in years]
    row("flights a year", [_more(f["required"], f["more"]) for f in flights], end=True)
    costs = [y["cost_usd"] for y in years]
    row("cost a year", [_more(c["total"]["mean"], c["more"], _usd) for c in costs])
    for part in costs[0]["by_component"]:
        row(f"  {part}", [_usd(c["by_component"][part]) for c in costs])
    console.print(table)
    console.print(LEGEND, highlight=False, soft_wrap=True)
