"""The claim checks on who is removed and affected: cities, convictions, workers, children."""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.claims.constraints import ARREST_STAGE, binding
from deportsim.analysis.claims.context import SCENARIOS, Context
from deportsim.analysis.claims.series import HORIZON, HORIZON_DAYS, day_of, total
from deportsim.analysis.claims.spec import ClaimSpec
from deportsim.analysis.claims.verdicts import ClaimResult, Interval, threshold_verdict
from deportsim.analysis.claims.wording import amount, percent, why, with_interval
from deportsim.run import RunOutput

__all__ = ["FOCUS", "children", "criminals_first", "focus_big_cities", "workforce_impact"]

F = NDArray[np.float64]

#: The directive's focus cities (arrests.focus_weight set to 3 from 15 June 2025).
FOCUS = ("LA", "CHI", "NY")
_FOCUS_DATE = dt.date(2025, 6, 15)


def focus_big_cities(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Arrests and cost per arrest with the three-city focus against the same effort spread out."""
    focus = ctx.run(spec.scenario)
    spread = ctx.run(
        spec.scenario, sets=tuple(f"arrests.focus_weight.{r}=1" for r in FOCUS), keep=False
    )
    w = slice(day_of(focus, _FOCUS_DATE), HORIZON_DAYS)
    a_f, a_s = total(focus, "arrests", w), total(spread, "arrests", w)
    ratio = Interval.of(a_f / a_s)

    def per_arrest(o: RunOutput, a: F) -> float:
        return float(np.median((total(o, "cost_officers", w) + total(o, "cost_arrests", w)) / a))

    idx = [focus.sim.regions.index(r) for r in FOCUS]
    in_cities = Interval.of(focus.sim.region("arrests")[:, w][:, :, idx].sum(axis=(1, 2)))
    spread_cities = float(np.median(spread.sim.region("arrests")[:, w][:, :, idx].sum(axis=(1, 2))))
    b = binding(focus.sim, focus.prepared.inputs, w)
    constraint = b.main_of(ARREST_STAGE)
    verdict = threshold_verdict(ratio, 1.0)
    cost_f, cost_s = per_arrest(focus, a_f), per_arrest(spread, a_s)
    more = {"supported": "more", "not_supported": "fewer", "depends": "about as many"}[verdict]
    text = (
        f"Focusing on Los Angeles, Chicago and New York makes {more} arrests as the same effort "
        f"spread nationally ({ratio.p50:.3f} times as many; 90% interval {ratio.p05:.3f} to "
        f"{ratio.p95:.3f}): "
        f"{amount(in_cities.p50)} in "
        f"the three cities instead of {amount(spread_cities)}, at ${cost_f:,.0f} per arrest "
        f"against ${cost_s:,.0f}. {why(b, constraint)}; the three cities limit cooperation with "
        "ICE, so arrests there are made at large, and the focus weight (3 times the effort per "
        "resident) is an assumption."
    )
    details = {"arrests_in_focus_cities": in_cities.to_json(),
               "arrests_in_focus_cities_spread_p50": spread_cities,
               "cost_per_arrest_focus_usd": cost_f, "cost_per_arrest_spread_usd": cost_s,
               "binding_shares": b.shares}  # fmt: skip
    assumptions = (
        "the focus cities get 3 times the effort per resident from 15 June 2025 (assumption, "
        "range 1.5-5)",
        "jail cooperation in LA, Chicago and New York from the sanctuary policies in force",
    )
    return ClaimResult(spec, ratio, verdict, constraint, text, assumptions, details)


def _no_conviction(o: RunOutput) -> F:
    return total(o, "removed_no_conviction", HORIZON) / total(o, "removals", HORIZON)


def criminals_first(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Share of removed people with no criminal conviction, by scenario."""
    o = ctx.run(spec.scenario)
    most = spec.figures["most"].value
    iv = Interval.of(_no_conviction(o))
    by_scenario = {s: float(np.median(_no_conviction(ctx.run(s)))) for s in SCENARIOS}
    b = binding(o.sim, o.prepared.inputs, HORIZON)
    constraint = b.main_of(ARREST_STAGE)
    verdict = threshold_verdict(iv, most, above=False)
    text = (
        f"Under the directive, {with_interval(iv, percent)} of the people removed have no criminal "
        f"conviction (at FY2024's pace, {by_scenario['baseline-fy2024']:.0%}), so most of those "
        f"removed are {'not ' if iv.p50 > most else ''}people with convictions. "
        f"{why(b, constraint)}; jails hand over the convicted first and arrests beyond them "
        "reach people without convictions, at conviction shares from ICE's FY2024 data."
    )
    details = {"no_conviction_share_by_scenario_p50": by_scenario, "binding_shares": b.shares}
    assumptions = ("conviction shares of the population and of jail transfers (ICE FY2024)",)
    return ClaimResult(spec, iv, verdict, constraint, text, assumptions, details)


def workforce_impact(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Employed people removed by sector, metro and scenario."""
    o = ctx.run(spec.scenario)
    workers = spec.figures["workers_2023"].value
    iv = Interval.of(total(o, "workers_removed", HORIZON))
    sectors = [n for n in o.sim.national if n.startswith("workers_removed_")]
    by_sector = {
        n.removeprefix("workers_removed_"): float(np.median(total(o, n, HORIZON))) for n in sectors
    }
    metro = o.sim.region("workers_removed")[:, HORIZON].sum(axis=1)
    by_metro = dict(zip(o.sim.regions, (float(v) for v in np.median(metro, axis=0)), strict=True))
    by_scenario = {
        s: float(np.median(total(ctx.run(s), "workers_removed", HORIZON))) for s in SCENARIOS
    }
    b = binding(o.sim, o.prepared.inputs, HORIZON)
    top = max(by_sector, key=lambda k: by_sector[k] if k != "other" else -1.0)
    text = (
        f"The 7.6 million figure matches Pew Research's counts of the late 2010s (7.8 million in "
        f"2016) and Pew's latest is 9.7 million (2023); under the directive {with_interval(iv)} "
        "employed people are removed in four years, "
        f"{iv.p50 / workers:.0%} of that workforce, most of them in {top}. "
        f"{why(b, b.main)}; the sector and metro split rests on Pew's shares of "
        "unauthorized workers, assumed to apply to those removed."
    )
    details = {"by_sector_p50": by_sector, "by_metro_p50": by_metro,
               "by_scenario_p50": by_scenario, "binding_shares": b.shares}  # fmt: skip
    assumptions = ("employed share and sector shares of removed people (Pew Research)",)
    return ClaimResult(spec, iv, "supported", b.main, text, assumptions, details)


def children(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """US-citizen children with a parent detained or removed, by scenario."""
    o = ctx.run(spec.scenario)
    separated = spec.figures["separated"].value
    iv = Interval.of(total(o, "us_citizen_children_affected", HORIZON))
    detained = Interval.of(total(o, "us_citizen_children_parent_detained", HORIZON))
    by_scenario = {
        s: float(np.median(total(ctx.run(s), "us_citizen_children_affected", HORIZON)))
        for s in SCENARIOS
    }
    b = binding(o.sim, o.prepared.inputs, HORIZON)
    verdict = threshold_verdict(iv, separated)
    text = (
        f"Under the directive, {with_interval(iv)} US-citizen children see a parent removed in "
        f"four years and {amount(detained.p50)} see a parent detained, against {separated:,.0f} "
        "children separated at the border in 2017-18; at FY2024's pace, "
        f"{amount(by_scenario['baseline-fy2024'])} lose a parent to removal. "
        f"{why(b, b.main)}; the counts rest on the share of removed people who are parents "
        "and their number of US-citizen children (survey-based)."
    )
    details = {"parent_detained": detained.to_json(), "by_scenario_p50": by_scenario,
               "binding_shares": b.shares}  # fmt: skip
    assumptions = ("share of removed adults who are parents of US-citizen children, and "
                   "children per parent (survey-based estimates)",)  # fmt: skip
    return ClaimResult(spec, iv, verdict, b.main, text, assumptions, details)
