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

__all__ = ["LEGEND", "render_requirements", "requirements_rows", "year_headers"]

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


def requirements_rows(data: dict[str, Any]) -> list[tuple[str, list[str], bool]]:
    """The table's rows from a requirements.json: label, a cell per year, and a section's end.

    Resources show on a second line (after a newline) how many more they are than the scenario's
    own. The command line prints them as a table; the web app's page shows the same rows.
    """
    years = data["years"]
    rows: list[tuple[str, list[str], bool]] = []

    def row(label: str, cells: list[str], end: bool = False) -> None:
        rows.append((label, cells, end))

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
    return rows


def year_headers(data: dict[str, Any]) -> list[str]:
    """The table's column headers: ``year 1`` and its first day, a line each."""
    return [f"year {y['year']}\n{y['from']}" for y in data["years"]]


def render_requirements(data: dict[str, Any], console: Console) -> None:
    """Print the years of a requirements.json as one table (columns: years).

    Resources show on a second line how many more they are than the scenario's own.
    """
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("", no_wrap=True)
    for header in year_headers(data):
        table.add_column(header, justify="right", no_wrap=True)
    for label, cells, end in requirements_rows(data):
        table.add_row(label, *cells, end_section=end)
    console.print(table)
    console.print(LEGEND, highlight=False, soft_wrap=True)
