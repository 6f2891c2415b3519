"""A finished run's answer for a reader: the bottom line in words and its figures, by topic.

:func:`run_answer` reads a run's ``summary.json`` and gives what the web app's results page (and
``GET /v1/runs/{id}/answer``) shows first: the bottom line in three sentences (as the report's),
the headline figures grouped (enforcement, human consequences, costs by component), each with its
meaning, unit, median and 90% interval and the same as text, and the charts to draw with what
each is set against (ICE's observed monthly series; the goals as a day's figure). Nothing is
computed that summary.json does not hold.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from deportsim.analysis.goals import arrests_goal, million_goal, record_2012
from deportsim.report.bottom_line import summary_line
from deportsim.run.results import METRICS
from deportsim.views.formatting import metric_text

__all__ = ["GROUPS", "LABELS", "charts", "run_answer", "summary_answer"]

#: The headline figures, by topic, in the order shown.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Enforcement", (
        "arrests_per_day_mean", "arrests_total", "removals_per_year_mean", "removals_total",
        "detained_mean", "detained_peak", "detention_capacity_peak", "released_to_atd_total",
        "voluntary_departures_total", "induced_departures_total", "court_backlog_end",
    )),
    ("Human consequences", (
        "removed_no_conviction_total", "us_citizen_children_parent_detained_total",
        "us_citizen_children_affected_total", "workers_removed_total", "deaths_in_custody_total",
    )),
    ("Costs", (
        "cost_total_usd", "cost_per_removal_usd", "cost_officers_usd", "cost_arrests_usd",
        "cost_detention_usd", "cost_atd_usd", "cost_courts_usd", "cost_transport_usd",
    )),
    ("The economy", (
        "gdp_loss_usd", "gdp_loss_share", "employment_change_immigrant",
        "employment_change_us_born", "tax_revenue_lost_usd", "tax_revenue_lost_usd_federal",
        "tax_revenue_lost_usd_state_local", "social_security_contributions_lost_usd",
        "medicare_contributions_lost_usd", "wage_change_no_diploma", "wage_change_high_school",
    )),
)  # fmt: skip

_YEAR = 365.0
#: Each headline figure in a reader's words (the metric's own meaning is in results.md).
LABELS = {
    "arrests_per_day_mean": "ICE arrests a day",
    "arrests_total": "ICE arrests over the run",
    "removals_per_year_mean": "removals a year",
    "removals_total": "removals over the run",
    "detained_mean": "people in detention on an average day",
    "detained_peak": "people in detention on the busiest day",
    "detention_capacity_peak": "beds funded (at most)",
    "released_to_atd_total": "released for lack of a bed",
    "voluntary_departures_total": "people who left without a removal order",
    "induced_departures_total": "people who left out of fear of enforcement",
    "court_backlog_end": "immigration-court cases pending at the end",
    "removed_no_conviction_total": "people removed with no criminal conviction",
    "us_citizen_children_parent_detained_total": "US-citizen children whose parent was detained",
    "us_citizen_children_affected_total": "US-citizen children whose parent was removed",
    "workers_removed_total": "workers removed",
    "deaths_in_custody_total": "deaths in ICE custody (expected)",
    "cost_total_usd": "cost of enforcement, all of it",
    "cost_per_removal_usd": "cost per removal",
    "cost_officers_usd": "officers",
    "cost_arrests_usd": "arrests (other than officers' pay)",
    "cost_detention_usd": "detention beds",
    "cost_atd_usd": "alternatives to detention",
    "cost_courts_usd": "immigration judges and courts",
    "cost_transport_usd": "removal flights and buses",
    "gdp_loss_usd": "output (GDP) lost",
    "gdp_loss_share": "share of GDP lost in the last year",
    "employment_change_immigrant": "unauthorized immigrants' jobs (change at the end)",
    "employment_change_us_born": "US-born and authorized workers' jobs (change at the end)",
    "tax_revenue_lost_usd": "taxes lost, federal, state and local",
    "tax_revenue_lost_usd_federal": "federal taxes lost",
    "tax_revenue_lost_usd_state_local": "state and local taxes lost",
    "social_security_contributions_lost_usd": "Social Security contributions lost",
    "medicare_contributions_lost_usd": "Medicare contributions lost",
    "wage_change_no_diploma": (
        "wages of workers without a high-school diploma (change at the end; competition alone, "
        "an upper bound)"
    ),
    "wage_change_high_school": (
        "wages of workers with a high-school diploma and no more (change at the end; "
        "competition alone, an upper bound)"
    ),
}


@functools.cache
def charts() -> list[dict[str, Any]]:
    """The daily series a run's page draws: title, unit, ICE's observed series, goal lines."""
    goal, million, record = arrests_goal(), million_goal(), record_2012()
    return [
        {"metric": "arrests", "title": "ICE arrests a day", "unit": "persons/day",
         "observed": None,
         "goals": [{"label": f"goal: {goal.value:,.0f} a day", "value": goal.value}]},
        {"metric": "book_ins_ice", "title": "ICE book-ins a day", "unit": "persons/day",
         "observed": "ice_book_ins", "goals": []},
        {"metric": "detained", "title": "People in detention", "unit": "persons",
         "observed": "detained", "goals": []},
        {"metric": "removals", "title": "Removals a day", "unit": "persons/day",
         "observed": "removals_from_detention",
         "goals": [{"label": "a million a year", "value": million.value / _YEAR},
                   {"label": f"FY2012 record ({record.value:,.0f} a year)",
                    "value": record.value / _YEAR}]},
        {"metric": "court_backlog", "title": "Immigration court backlog", "unit": "cases",
         "observed": None, "goals": []},
        {"metric": "cost_total", "title": "Cost of enforcement a day", "unit": "USD/day",
         "observed": None, "goals": []},
    ]  # fmt: skip


def _figure(metric: str, stats: dict[str, Any]) -> dict[str, Any]:
    unit = str(stats["unit"])
    p05, p50, p95 = stats.get("p05"), stats.get("p50"), stats.get("p95")
    return {
        "metric": metric, "label": LABELS.get(metric, metric),
        "meaning": METRICS[metric].meaning if metric in METRICS else metric, "unit": unit,
        "p05": p05, "p50": p50, "p95": p95,
        "text": metric_text(p50, unit),
        "interval": f"{metric_text(p05, unit)} – {metric_text(p95, unit)}",
    }  # fmt: skip


def summary_answer(summary: dict[str, Any]) -> dict[str, Any]:
    """The answer of a run from its summary.json content (see the module docstring)."""
    metrics = summary["metrics"]
    groups = [
        {"name": name, "figures": [_figure(m, metrics[m]) for m in names if m in metrics]}
        for name, names in GROUPS
    ]
    return {
        "scenario": summary["scenario"], "start": summary["start"], "days": summary["days"],
        "replicates": summary["replicates"], "seed": summary["seed"],
        "sets": summary.get("sets", []), "mean_field": bool(summary.get("mean_field", False)),
        "intervals": summary.get("intervals", {}),
        "bottom_line": summary_line(str(summary["scenario"]), summary),
        "groups": groups, "charts": charts(),
    }  # fmt: skip


def run_answer(folder: Path) -> dict[str, Any]:
    """The answer of the complete run in ``folder`` (its summary.json)."""
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return summary_answer(summary)
