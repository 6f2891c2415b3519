"""The claim checks on detention and capacity: how full the beds are and what more would take.

Bed occupancy and releases for lack of a bed, the resources one or two million removals a year
need (camps and guards), and the number held in May 2025.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.claims.constraints import Binding, binding
from deportsim.analysis.claims.context import SCENARIOS, Context
from deportsim.analysis.claims.series import HORIZON, day_of, total, year_windows
from deportsim.analysis.claims.spec import ClaimSpec
from deportsim.analysis.claims.verdicts import (
    BACKTEST_INCLUDES,
    ClaimResult,
    Interval,
    Verdict,
    threshold_verdict,
)
from deportsim.analysis.claims.wording import (
    amount,
    directive_assumptions,
    percent,
    subject,
    why,
    with_interval,
)
from deportsim.analysis.requirements.find import Requirements
from deportsim.analysis.requirements.resources import years_on_record
from deportsim.run import RunOutput

__all__ = ["camps_and_guards", "detained_may_2025", "detention_near_capacity"]

F = NDArray[np.float64]


def _occupancy(o: RunOutput) -> tuple[F, int]:
    """Per-replicate share of beds filled in the fullest year, and that year's index."""
    windows = year_windows(o)
    det, beds = (
        np.stack([o.sim.national[name][:, w].mean(axis=1) for w in windows], axis=1)
        for name in ("detained", "detention_capacity")
    )
    share = det / np.maximum(beds, 1.0)
    year = int(np.argmax(np.median(share, axis=0)))
    return np.asarray(share[:, year], dtype=np.float64), year


def detention_near_capacity(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Bed occupancy in the fullest year and releases for lack of beds, by scenario."""
    o = ctx.run(spec.scenario)
    near = spec.figures["near_capacity"].value
    share, year = _occupancy(o)
    iv = Interval.of(share)
    released = Interval.of(total(o, "released_to_atd", HORIZON))
    by_scenario = {
        s: {
            "occupancy_p50": float(np.median(_occupancy(ctx.run(s))[0])),
            "released_for_lack_of_beds_p50": float(
                np.median(total(ctx.run(s), "released_to_atd", HORIZON))
            ),
        }
        for s in SCENARIOS
    }
    b = binding(o.sim, o.prepared.inputs, year_windows(o)[year])
    constraint = "beds" if b.shares["beds"] > 0 else b.main
    verdict = threshold_verdict(iv, near)
    text = (
        f"Under the directive, {with_interval(iv, percent)} of the beds are filled in the fullest "
        f"year, and {amount(released.p50)} people are released for lack of a bed over four years. "
        f"{why(b, constraint)}; the verdict rests on the beds the reconciliation act is "
        'assumed to fund and on reading "near capacity" as at least 90% full.'
    )
    details = {"fullest_year": year + 1, "released_for_lack_of_beds": released.to_json(),
               "by_scenario": by_scenario, "binding_shares": b.shares}  # fmt: skip
    return ClaimResult(spec, iv, verdict, constraint, text, directive_assumptions(o), details)


def _needs(req: Requirements) -> dict[str, Any]:
    """The most of each resource a plan uses in any year, its flights and cost a year."""
    top = {k: max(req.levels(y)[k][0] for y in req.years) for k in ("officers", "beds", "judges")}
    top["seats_per_day"] = max(req.levels(y)["seats_per_day"][0] for y in req.years)
    per_year = len(req.years)
    flights = sum(float(np.median(req.yearly(req.sim, "removal_flights", y))) for y in req.years)
    cost = sum(float(np.median(sum(req.cost(req.sim, y).values()))) for y in req.years)
    met = [req.status(r) == "met" for r in req.results]
    return {**top, "flights_per_year": flights / per_year, "cost_per_year_usd": cost / per_year,
            "years_met": int(sum(met)), "years": per_year}  # fmt: skip


def _first_planned(req: Requirements) -> Binding | None:
    """What binds with the scenario's own resources in its first year not mostly on the record.

    On the published record's days (a scenario that follows it) arrests are what happened, so a
    year spent mostly there says what bound in the past, not what a target would run into.
    """
    past = years_on_record(req.own.as_recorded, req.years)
    for year, result in zip(req.years, req.results, strict=True):
        if year.number not in past:
            return result.before
    return req.results[0].before


def camps_and_guards(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Resources for one and two million removals a year under the directive (requirements)."""
    one, two = spec.figures["one_million"].value, 2 * spec.figures["one_million"].value
    req1 = ctx.requirements(spec.scenario, f"removals_per_year={one:.0f}")
    req2 = ctx.requirements(spec.scenario, f"removals_per_year={two:.0f}")
    n1, n2 = _needs(req1), _needs(req2)
    held = np.stack([req1.sim.national["detained"][:, y.window].mean(axis=1) for y in req1.years])
    iv = Interval.of(held.max(axis=0))  # people held on an average night in the fullest year
    beds_2025 = spec.figures["beds_2025"].value
    officers_2025 = spec.figures["officers_2025"].value
    before = _first_planned(req1)
    constraint = before.main if before is not None else "officers"
    text = (
        f"A million removals a year would take about {n1['officers']:,.0f} deportation officers "
        f"(against about {officers_2025:,.0f} in 2025), {n1['beds']:,.0f} detention beds "
        f"({n1['beds'] / beds_2025:.1f} times the {beds_2025:,.0f} of April 2025), "
        f"{n1['flights_per_year']:,.0f} removal flights and ${n1['cost_per_year_usd'] / 1e9:,.0f} "
        f"billion a year; two million would take {n2['officers']:,.0f} officers, "
        f"{n2['beds']:,.0f} beds and ${n2['cost_per_year_usd'] / 1e9:,.0f} billion a year. "
        f"With the directive's own resources the limit is {subject(constraint)}, so the answer "
        "depends on the target; "
        "the levels come from the model's search (mean-field, confirmed in stochastic runs) and "
        "rest on the officers' arrest rate and the stays, both assumptions."
    )
    details = {"one_million": n1, "two_million": n2,
               "binding_with_own_resources": constraint,
               "confirmed_with_replicates": req1.replicates}  # fmt: skip
    assumptions = (
        f"{ctx.run(spec.scenario).prepared.inputs.productivity[-1]:.2f} at-large arrests per "
        "officer-day (FY2024 rate)",
        "stays calibrated on ICE's FY2019-FY2024 statistics",
        "the directive's other assumptions (arrivals, cooperation, focus cities)",
    )
    return ClaimResult(spec, iv, "depends", constraint, text, assumptions, details)


def detained_may_2025(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """The backtest's May 2025 average daily population against 49,000."""
    c = next(c for c in ctx.backtest().claims if c.id == spec.id)
    o = ctx.run(spec.scenario)
    w = slice(day_of(o, dt.date(2025, 5, 1)), day_of(o, dt.date(2025, 6, 1)))
    b = binding(o.sim, o.prepared.inputs, w)
    model = Interval.of(o.sim.national["detained"][:, w].mean(axis=1))
    filled = float(model.p50 / o.sim.national["detention_capacity"][:, w].mean())
    iv = Interval(c.p05, c.p50, c.p95)
    inside = iv.p05 <= c.figure <= iv.p95
    verdict: Verdict = (
        "supported"
        if inside and abs(c.gap) <= 0.10
        else "not_supported"
        if not inside
        else "depends"
    )
    held = "borne out" if verdict == "supported" else "not borne out"
    text = (
        f"ICE's statistics put the May 2025 average at {amount(c.observed)} and the backtest at "
        f'{with_interval(iv)}, so "nearly 49,000" is {held}; '
        f"the directive scenario holds {amount(model.p50)}. "
        f"{why(b, b.main)} in May 2025; the model fills {filled:.0%} of the beds, and the "
        "result rests on stays calibrated on ICE's FY2019-FY2024 statistics."
    )
    details = {"ice_adp": c.observed, "model_directive_adp": model.to_json(), "gap": c.gap}
    assumptions = ("stays calibrated on ICE's FY2019-FY2024 detention statistics (backtest)",)
    return ClaimResult(
        spec, iv, verdict, b.main, text, assumptions, details, include=BACKTEST_INCLUDES
    )
