"""Where the operation stands: ICE's latest figures against the goals, and "so far" totals.

:func:`status` reads ICE's monthly detention statistics (the local store if imported, else the
curated table shipped) up to their latest whole month, and runs the ``directive-2025`` scenario
from 20 January 2025 to that month's end for what ICE does not publish. Every figure says what it
is: *observed* (with its workbook, sheet and cell) or *estimated by the model* (its median and
90% interval over the run's replicates).

Observed totals since 20 January 2025 count January 2025 from the 20th: the month's figure times
12/31 (an assumption: ICE publishes months, not days; the month's book-ins spread evenly).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from deportsim.analysis.goals import arrests_goal, million_goal, record_2012
from deportsim.model.stages.impacts import SECTORS
from deportsim.official.national import Figure, national
from deportsim.official.vintage import month_end, month_start
from deportsim.parameters import ParameterSet, Resolved, load_parameters
from deportsim.run import RunConfig, RunOutput, execute, prepare
from deportsim.scenarios import load_scenario

__all__ = ["LABELS", "SCENARIO", "SINCE", "Reading", "Status", "status"]

#: The day the "so far" totals start: the presidential inauguration of 2025.
SINCE = dt.date(2025, 1, 20)
#: The scenario run for the estimated figures.
SCENARIO = "directive-2025"


#: The unit of each monthly series charted (status.json's ``units``).
MONTHLY_UNITS = {"ice_book_ins": "persons/day", "detained": "persons",
                 "removals_from_detention": "persons/day"}  # fmt: skip
#: What the status says of each goal it sets a figure against.
LABELS = {
    "arrests": "goal: 3,000 ICE arrests a day",
    "record": "the FY2012 record: 409,849 removals",
    "million": "a million removals a year",
}


@dataclass(frozen=True)
class Reading:
    """One figure: observed (with its cells) or estimated (median and 90% interval)."""

    key: str
    label: str
    value: float
    unit: str
    kind: str  # "observed" or "estimated"
    source: str
    low: float | None = None  # 5th percentile, estimated figures
    high: float | None = None  # 95th percentile
    against: list[dict[str, Any]] = field(default_factory=list)  # goals: label, value, share


@dataclass(frozen=True)
class Status:
    """Where the operation stands as of the latest data, and what it has done since ``since``."""

    as_of: dt.date  # the last day of the latest whole month of data
    month: str  # that month
    data: str  # its workbook
    since: dt.date
    now: list[Reading]
    so_far: list[Reading]
    run: dict[str, Any]  # the model run behind the estimates: scenario, replicates, seed, days
    monthly: dict[str, list[tuple[str, float]]]  # observed series a day by month, for the chart
    beds: float  # the scenario's planned beds at the latest data

    def to_json(self) -> dict[str, Any]:
        """status.json's content (docs/reference/results.md)."""
        return {
            "as_of": self.as_of.isoformat(), "month": self.month, "data": self.data,
            "since": self.since.isoformat(),
            "now": [asdict(r) for r in self.now], "so_far": [asdict(r) for r in self.so_far],
            "model_run": self.run,
            "monthly": {k: [{"month": m, "per_day": v} for m, v in s] for k, s in
                        self.monthly.items()},
            "units": {k: MONTHLY_UNITS[k] for k in self.monthly},
            "goals": self.goals(),
        }  # fmt: skip

    def goals(self) -> dict[str, list[dict[str, Any]]]:
        """The lines each monthly series is drawn against, a day: goals, the record, the beds."""
        year = 365.0
        return {
            "ice_book_ins": [{"label": LABELS["arrests"], "per_day": arrests_goal().value}],
            "detained": [{"label": f"the beds planned in {SCENARIO}", "per_day": self.beds}],
            "removals_from_detention": [
                {"label": f"{LABELS['million']} (a day: 1,000,000 / 365)",
                 "per_day": million_goal().value / year},
                {"label": f"{LABELS['record']} (a day: / 365)",
                 "per_day": record_2012().value / year},
            ],
        }  # fmt: skip


def _whole(figures: list[Figure]) -> list[Figure]:
    """The monthly figures of whole months (a month printed in part is flagged)."""
    return [f for f in figures if len(f.period) == 7 and not f.flag]


def _cells(figures: list[Figure]) -> str:
    first, last = figures[0], figures[-1]
    where = f"{first.file}, sheet {first.sheet!r}, cell {first.cell}"
    if len(figures) > 1:
        where += f" … {last.file}, sheet {last.sheet!r}, cell {last.cell}"
    return f"U.S. Immigration and Customs Enforcement, detention statistics: {where}"


def _days(f: Figure) -> int:
    return (month_end(f.period) - month_start(f.period)).days + 1


def _per_day(figures: list[Figure]) -> float:
    return sum(f.value for f in figures) / sum(_days(f) for f in figures)


def _since(figures: list[Figure], since: dt.date) -> tuple[float, list[Figure]]:
    """The total from ``since`` (its month prorated by days) and the figures it uses."""
    used = [f for f in figures if month_end(f.period) >= since]
    total = 0.0
    for f in used:
        first = max(month_start(f.period), since)
        total += f.value * ((month_end(f.period) - first).days + 1) / _days(f)
    return total, used


def _against(value: float, *goals: str) -> list[dict[str, Any]]:
    """``value`` against each named goal (:data:`LABELS`): its label, value and share."""
    figures = {"arrests": arrests_goal, "record": record_2012, "million": million_goal}
    out = []
    for name in goals:
        goal = figures[name]().value
        out.append({"label": LABELS[name], "value": goal, "share": value / goal})
    return out


def _estimate(key: str, label: str, values: np.ndarray, unit: str, run: str) -> Reading:
    lo, mid, hi = (float(v) for v in np.quantile(values, [0.05, 0.5, 0.95]))
    return Reading(key, label, mid, unit, "estimated", run, lo, hi)


def status(replicates: int = 40, seed: int = 0) -> Status:
    """Where the operation stands as of the latest whole month of ICE's figures."""
    ice = _whole(national("book_ins", "ICE"))
    cbp = _whole(national("book_ins", "CBP"))
    held = _whole(national("adp", "all"))
    removed = _whole(national("book_outs", "all", category="release_to_remove"))
    last = min(s[-1].period for s in (ice, cbp, held, removed))
    ice, cbp, held, removed = (
        [f for f in s if f.period <= last] for s in (ice, cbp, held, removed)
    )
    as_of = month_end(last)

    params = load_parameters()
    plan = load_scenario(SCENARIO, params)
    beds = float(Resolved(params, as_of, 1, plan.overrides).canonical("detention.bed_capacity")[0])
    pace = _per_day(removed[-3:]) * 365.25
    now = [
        Reading("ice_book_ins_per_day_month", f"ICE book-ins a day, {_month(last)}",
                _per_day(ice[-1:]), "persons/day", "observed", _cells(ice[-1:]),
                against=_against(_per_day(ice[-1:]), "arrests")),
        Reading("ice_book_ins_per_day_3_months", "ICE book-ins a day, last 3 months",
                _per_day(ice[-3:]), "persons/day", "observed", _cells(ice[-3:]),
                against=_against(_per_day(ice[-3:]), "arrests")),
        Reading("detained_month", f"people detained on an average day, {_month(last)}",
                held[-1].value, "persons", "observed", _cells(held[-1:]),
                against=[{"label": f"the beds planned in {SCENARIO}", "value": beds,
                          "share": held[-1].value / beds}]),
        Reading("removals_pace_per_year", "removals from ICE detention, yearly pace of the "
                "last 3 months", pace, "persons/year", "observed", _cells(removed[-3:]),
                against=_against(pace, "record", "million")),
    ]  # fmt: skip

    so_far: list[Reading] = []
    for key, label, figures in (
        ("ice_book_ins", "ICE book-ins (people ICE arrested and booked into detention)", ice),
        ("cbp_book_ins", "CBP book-ins (border arrests booked into ICE detention)", cbp),
        ("removals_from_detention", "removals from ICE detention (book-outs to removal)", removed),
    ):
        total, used = _since(figures, SINCE)
        so_far.append(Reading(key, label, total, "persons", "observed", _cells(used)))

    out = _model_run(as_of, replicates, seed, params)
    run = f"model estimate: {SCENARIO}, {replicates} replicates, seed {seed}, parameters drawn"
    metrics = out.summary["metrics"]
    for key, label in (
        ("arrests_total", "ICE arrests (all channels)"),
        ("removals_total", "removals (from detention and straight from CBP custody)"),
        ("removed_no_conviction_total", "people removed with no criminal conviction"),
        ("us_citizen_children_parent_detained_total",
         "US-citizen children whose parent was detained"),
        ("us_citizen_children_affected_total", "US-citizen children whose parent was removed"),
        ("workers_removed_total", "workers removed"),
        ("deaths_in_custody_total", "deaths in ICE custody (expected)"),
        ("cost_total_usd", "cost of enforcement"),
    ):  # fmt: skip
        m = metrics[key]
        so_far.append(Reading(key, label, m["p50"], m["unit"], "estimated", run, m["p05"],
                              m["p95"]))  # fmt: skip
    for sector in SECTORS:
        values = out.sim.national[f"workers_removed_{sector}"].sum(axis=1)
        so_far.append(_estimate(f"workers_removed_{sector}", f"workers removed: {sector}",
                                values, "persons", run))  # fmt: skip

    monthly = {
        "ice_book_ins": [(f.period, f.value / _days(f)) for f in ice],
        "detained": [(f.period, f.value) for f in held],
        "removals_from_detention": [(f.period, f.value / _days(f)) for f in removed],
    }
    info = {"scenario": SCENARIO, "replicates": replicates, "seed": seed,
            "start": SINCE.isoformat(), "days": out.prepared.days}  # fmt: skip
    return Status(as_of, last, held[-1].file, SINCE, now, so_far, info, monthly, beds)


def _model_run(as_of: dt.date, replicates: int, seed: int, params: ParameterSet) -> RunOutput:
    """directive-2025 from :data:`SINCE` to ``as_of``, parameters drawn, in memory."""
    cfg = RunConfig(scenario=SCENARIO, replicates=replicates, seed=seed, start=SINCE,
                    until=as_of, parameter_uncertainty=True)  # fmt: skip
    return execute(prepare(cfg, params))  # the parameter files read once


def _month(period: str) -> str:
    return f"{month_start(period):%B %Y}"
