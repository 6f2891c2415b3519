"""The report's tables as rows of text: headline metrics side by side, and every parameter.

Cells are plain strings (escaped later, by :mod:`deportsim.report.html`). A figure of a run is
its median over replicates with the 90% interval (5th to 95th percentile), the statistics of
summary.json, formatted as ``deportsim run`` prints them
(:func:`deportsim.views.formatting.metric_text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from deportsim.core.units import DAYS_PER_YEAR
from deportsim.report.runs import ScenarioRun
from deportsim.report.series import total_band, window_totals
from deportsim.views.formatting import metric_text
from deportsim.views.parameters import kind_label

__all__ = [
    "HEADLINE",
    "Cell",
    "ParamRow",
    "citation",
    "headline_rows",
    "metric_cell",
    "parameter_table",
    "years_option",
]

#: Summary metrics the headline table shows, in order, with their labels (each a median over
#: replicates: "over the run" is the run's total divided by its days or years).
HEADLINE = (
    ("arrests_per_day_mean", "ICE arrests a day over the run"),
    ("arrests_total", "Arrests, total"),
    ("detained_mean", "People in detention on an average night"),
    ("detained_peak", "People in detention, fullest night"),
    ("detention_capacity_peak", "Detention beds, most available"),
    ("released_to_atd_total", "Released for lack of a bed, total"),
    ("removals_total", "Removals, total"),
    ("removals_per_year_mean", "Removals a year over the run"),
    ("court_backlog_end", "Immigration-court backlog at the end (cases)"),
    ("removed_no_conviction_total", "Removed people with no criminal conviction"),
    ("us_citizen_children_affected_total", "US-citizen children whose parent was removed"),
    ("workers_removed_total", "Removed people who were employed"),
    ("cost_total_usd", "Enforcement cost, total (nominal)"),
    ("cost_per_removal_usd", "Cost per removal"),
)
#: The headline row computed from the daily removals (not a summary metric).
BEST_YEAR = "Most removals in any 12 months (365 days)"


@dataclass(frozen=True)
class Cell:
    """A median and its 90% interval, formatted."""

    median: str
    interval: str


def _cell(p05: float | None, p50: float | None, p95: float | None, unit: str) -> Cell:
    return Cell(metric_text(p50, unit), f"{metric_text(p05, unit)} – {metric_text(p95, unit)}")


def metric_cell(stats: dict[str, Any]) -> Cell:
    """A summary.json metric (``{unit, mean, p05, p50, p95}``) as its median and 90% interval."""
    return _cell(stats["p05"], stats["p50"], stats["p95"], stats["unit"])


def _best_year(run: ScenarioRun) -> Cell | None:
    """The most removals in any 365 days, per replicate, as a cell; None for shorter runs."""
    daily = run.national["removals"]
    if daily.shape[1] < 365:
        return None
    p05, p50, p95 = total_band(window_totals(daily, 365).max(axis=1)[:, None])
    return _cell(float(p05[0]), float(p50[0]), float(p95[0]), "persons")


def headline_rows(runs: Sequence[ScenarioRun]) -> list[tuple[str | None, str, list[Cell | None]]]:
    """(metric, label, one cell per scenario) for each headline metric, then the best 12 months.

    The metric is the summary.json metric the row shows (None for the best 12 months, computed
    from the daily removals).
    """
    rows: list[tuple[str | None, str, list[Cell | None]]] = []
    for name, label in HEADLINE:
        cells: list[Cell | None] = [metric_cell(run.summary["metrics"][name]) for run in runs]
        rows.append((name, label, cells))
    rows.append((None, BEST_YEAR, [_best_year(r) for r in runs]))
    return rows


def citation(src: dict[str, Any]) -> str:
    """A source as one line: publisher, title, date, table or page, URL (as text)."""
    parts = [src.get("publisher"), src.get("title"), src.get("date"), src.get("table")]
    parts += [src.get("url"), src.get("note")]
    return ", ".join(str(p) for p in parts if p)


@dataclass(frozen=True)
class ParamRow:
    """One parameter as the report lists it."""

    path: str
    description: str
    unit: str
    kind: str
    values: list[str]
    uncertainty: str
    sources: list[str]
    assumption: str


def _value_text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v:,.6g}" for k, v in value.items())
    return f"{value:,.6g}"


def _values(values: list[dict[str, Any]]) -> list[str]:
    out = []
    for v in values:
        span = f"from {v['from']}" + (f" to {v['until']}" if v["until"] else "")
        origin = "" if v["origin"] == "parameters" else f" [{v['origin']}]"
        note = f" ({v['note']})" if v.get("note") else ""
        out.append(f"{span}: {_value_text(v['value'])}{origin}{note}")
    return out


def parameter_table(runs: Sequence[ScenarioRun]) -> list[ParamRow]:
    """Every parameter: its file values, then each scenario's dated changes (once each)."""
    merged: dict[str, dict[str, Any]] = {}
    for run in runs:
        for row in run.parameters:
            have = merged.setdefault(row["path"], {**row, "values": list(row["values"])})
            for v in row["values"]:
                if v not in have["values"]:
                    have["values"].append(v)
    table = []
    for path in sorted(merged):
        row = merged[path]
        unc = row["uncertainty"]
        range_text = f"{unc['distribution']} {unc['low']:,.6g} to {unc['high']:,.6g}" if unc else ""
        table.append(
            ParamRow(
                path=path,
                description=row["description"],
                unit=row["unit"],
                kind=kind_label(row["kind"]),
                values=_values(row["values"]),
                uncertainty=range_text,
                sources=[citation(s) for s in row["sources"]],
                assumption=row["assumption"] or "",
            )
        )
    return table


def years_option(days: int) -> str:
    """The shortest ``--years`` that gives ``days`` (a run lasts round(years × 365.25) days)."""
    for digits in range(7):
        years = round(days / DAYS_PER_YEAR, digits)
        if years > 0 and round(years * DAYS_PER_YEAR) == days:
            return f"{years:g}"
    return f"{days / DAYS_PER_YEAR:.6g}"
