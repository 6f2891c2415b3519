"""The thirteen claim checks: each turns model runs into a result, a verdict and its explanation.

Every check reads the runs it needs from a :class:`~deportsim.analysis.claimkit.Context`, tests
the claim's metric (``claims.yaml``) over replicates, names the binding constraint
(:mod:`deportsim.analysis.constraints`) and writes two sentences a journalist could quote: what
the model finds, then what binds and the assumptions it rests on. Unless a claim says otherwise,
results are over the contract's four years from 20 January 2025.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.claimkit import (
    BACKTEST_INCLUDES,
    HORIZON_DAYS,
    ClaimResult,
    ClaimSpec,
    Context,
    Interval,
    Verdict,
    threshold_verdict,
    year_windows,
)
from deportsim.analysis.constraints import ARREST_STAGE, Binding, binding
from deportsim.analysis.requirements import Requirements
from deportsim.api import RunOutput
from deportsim.units import DAYS_PER_YEAR

__all__ = ["CHECKS", "SCENARIOS"]

F = NDArray[np.float64]
Check = Callable[[ClaimSpec, Context], ClaimResult]

#: Scenarios compared in the claims that ask "under each scenario".
SCENARIOS = (
    "baseline-fy2024", "directive-2025", "sanctuary-at-large-only", "record-2012-pace",
    "one-million-a-year",
)  # fmt: skip
#: The directive's focus cities (arrests.focus_weight set to 3 from 15 June 2025).
FOCUS = ("LA", "CHI", "NY")
_FOCUS_DATE = dt.date(2025, 6, 15)
#: A what-if for the 3,000-a-day claim: this many times the directive's officers shows which limit
#: binds next (not a forecast; `deportsim requirements` searches the officers a target needs).
MORE_OFFICERS = 5
_WHY = {
    "officers": "officers bind: there are too few of them to make the arrests the target asks for",
    "reachable_population": (
        "the reachable population binds: officers find fewer of the people they look for as "
        "the findable pool shrinks"
    ),
    "beds": "beds bind: people are released for lack of a bed",
    "courts": "courts bind: the backlog grows because judges complete fewer cases than arrive",
    "transport": "transport binds: removals wait for seats on flights and buses",
    "funding": "funding binds",
}


def _n(v: float) -> str:
    """A count as a journalist writes it: 1,850; 2.3 million."""
    if abs(v) >= 1e6:
        return f"{v / 1e6:.1f} million"
    return f"{v:,.0f}"


def _iv(iv: Interval, fmt: Callable[[float], str] = _n) -> str:
    return f"{fmt(iv.p50)} (90% interval {fmt(iv.p05)} to {fmt(iv.p95)})"


def _pct(v: float) -> str:
    return f"{v:.0%}"


def _subject(name: str) -> str:
    """The constraint as the subject of a sentence: "officers", "the reachable population"."""
    return _WHY[name].split(" bind")[0]


def _why(b: Binding, name: str) -> str:
    """The binding constraint as a clause: "Beds bind: ...", or the closest if none binds."""
    text = _WHY[name]
    if b.binds(name):
        return text[0].upper() + text[1:]
    return f"No limit is reached; the closest is {_subject(name)}"


def _sum(o: RunOutput, name: str, w: slice) -> F:
    """Per-replicate total of a national series over the days ``w``."""
    return np.asarray(o.sim.national[name][:, w].sum(axis=1), dtype=np.float64)


def _yearly(o: RunOutput, name: str) -> F:
    """Per-replicate totals by year of the horizon, shape (replicates, 4)."""
    return np.stack([_sum(o, name, w) for w in year_windows(o)], axis=1)


_H = slice(0, HORIZON_DAYS)


def _day(o: RunOutput, when: dt.date) -> int:
    return (when - o.prepared.start).days


def _directive_assumptions(o: RunOutput) -> tuple[str, ...]:
    x = o.prepared.inputs
    return (
        f"{x.officers[-1]:,.0f} deportation officers by 2026 (assumption, range 9,000-16,000)",
        f"{x.productivity[-1]:.2f} at-large arrests per officer-day (FY2024 rate)",
        f"{x.beds[-1]:,.0f} detention beds from July 2026 (assumption, range 80,000-130,000)",
        f"{x.population_total / 1e6:.1f} million unauthorized immigrants (Pew Research, 2023)",
    )


def arrests_3000(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Arrests a day over the 1 and 4 years after the goal took effect."""
    o = ctx.run(spec.scenario)
    goal = spec.figures["goal"].value
    g = int(np.argmax(o.prepared.inputs.target >= goal))
    w1, w4 = slice(g, g + round(DAYS_PER_YEAR)), slice(g, g + HORIZON_DAYS)
    one = Interval.of(_sum(o, "arrests", w1) / (w1.stop - w1.start))
    four = Interval.of(_sum(o, "arrests", w4) / (w4.stop - w4.start))
    if one.p05 >= goal and four.p05 >= goal:
        verdict: Verdict = "supported"
    else:
        verdict = threshold_verdict(four, goal)
    b = binding(o.sim, o.prepared.inputs, w4)
    constraint = b.main_of(ARREST_STAGE)
    since = (o.prepared.start + dt.timedelta(days=g)).strftime("%d %B %Y").lstrip("0")
    # the next limit: the same run with five times the officers (a what-if, not a forecast)
    officers = float(o.prepared.inputs.officers[-1])
    more = ctx.run(
        spec.scenario, sets=(f"arrests.officers={MORE_OFFICERS * officers:.0f}",), keep=False
    )
    more_four = Interval.of(_sum(more, "arrests", w4) / (w4.stop - w4.start))
    next_limit = binding(more.sim, more.prepared.inputs, w4).main_of(ARREST_STAGE)
    text = (
        f"Under the directive, ICE makes about {_iv(four)} arrests a day in the four years "
        f"after the goal took effect on {since} ({_n(one.p50)} a day in the first year), "
        f"{'reaching' if four.p50 >= goal else 'short of'} the goal of {goal:,.0f}. "
        f"{_why(b, constraint)}; with {MORE_OFFICERS} times the {officers:,.0f} officers assumed "
        f"for 2026 on, arrests would reach {_n(more_four.p50)} a day before "
        f"{_subject(next_limit)} became the limit, and both the officers and how many people "
        "they can find are assumptions with wide ranges."
    )
    details = {
        "first_year": one.to_json(), "four_years": four.to_json(), "binding_shares": b.shares,
        "with_more_officers": {"officers": MORE_OFFICERS * officers,
                               "arrests_per_day": more_four.to_json(), "binding": next_limit},
    }  # fmt: skip
    return ClaimResult(spec, four, verdict, constraint, text, _directive_assumptions(o), details)


def largest_in_history(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """The best year's removals against the FY2012 record."""
    o = ctx.run(spec.scenario)
    record = spec.figures["record"].value
    by_year = _yearly(o, "removals")
    best = Interval.of(by_year.max(axis=1))
    share_above = float(np.mean(by_year.max(axis=1) > record))
    medians = np.median(by_year, axis=0)
    year = int(np.argmax(medians))
    b = binding(o.sim, o.prepared.inputs, year_windows(o)[year])
    verdict = threshold_verdict(best, record)
    first = next((k + 1 for k, m in enumerate(medians) if m > record), None)
    when = f"from year {first} of the run" if first else "in no year of the run"
    text = (
        f"Under the directive, removals in the best year reach {_iv(best)}, "
        f"{'above' if best.p50 > record else 'below'} the FY2012 record of {record:,.0f} "
        f"(above it {when}, in {share_above:.0%} of runs). "
        f"{_why(b, b.main)} in that year; the result rests on the directive's officers and "
        "beds, which are assumptions."
    )
    details = {"removals_by_year_p50": [float(m) for m in medians],
               "share_of_runs_above_record": share_above, "binding_shares": b.shares}  # fmt: skip
    return ClaimResult(spec, best, verdict, b.main, text, _directive_assumptions(o), details)


def _best_12_months(o: RunOutput) -> tuple[F, int]:
    """Per-replicate removals in the best 365 days; where the median run's best window starts."""
    r = o.sim.national["removals"][:, :HORIZON_DAYS]
    c = np.concatenate([np.zeros((r.shape[0], 1)), np.cumsum(r, axis=1)], axis=1)
    n = round(DAYS_PER_YEAR)
    rolling = c[:, n:] - c[:, :-n]
    start = int(np.argmax(np.median(rolling, axis=0)))
    return np.asarray(rolling.max(axis=1), dtype=np.float64), start


def millions_per_year(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Removals in the best 12 months, under the directive and with a million-a-year's resources."""
    o = ctx.run(spec.scenario)
    big = ctx.run("one-million-a-year")
    million = spec.figures["one_million"].value
    best, start = _best_12_months(o)
    iv = Interval.of(best)
    best_big, _ = _best_12_months(big)
    p1, p2 = float(np.mean(best >= million)), float(np.mean(best >= 2 * million))
    b = binding(o.sim, o.prepared.inputs, slice(start, start + round(DAYS_PER_YEAR)))
    verdict = threshold_verdict(iv, million)
    text = (
        f"Under the directive, the best 12 months bring {_iv(iv)} removals: a million is reached "
        f"in {p1:.0%} of runs and two million in {p2:.0%}; even with the one-million-a-year "
        f"scenario's resources the best 12 months bring {_n(float(np.median(best_big)))}. "
        f"{_why(b, b.main)} in the best 12 months; this rests on the size of the findable "
        "population and on the officers and beds hired, assumptions with wide ranges."
    )
    details = {"probability_1m": p1, "probability_2m": p2,
               "one_million_a_year_best_12_months": Interval.of(best_big).to_json(),
               "binding_shares": b.shares}  # fmt: skip
    return ClaimResult(spec, iv, verdict, b.main, text, _directive_assumptions(o), details)


def _arrivals(o: RunOutput, w: slice) -> float:
    x = o.prepared.inputs
    return float(x.arrivals_no_case[w].sum() + x.arrivals_with_case[w].sum())


def as_fast_as_they_come(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Removals against new arrivals, per year and over the run, by scenario."""
    o = ctx.run(spec.scenario)
    ratio = Interval.of(_sum(o, "removals", _H) / _arrivals(o, _H))
    by_scenario = {
        s: float(np.median(_sum(ctx.run(s), "removals", _H)) / _arrivals(ctx.run(s), _H))
        for s in SCENARIOS
    }
    by_year = [float(np.median(_sum(o, "removals", w)) / _arrivals(o, w)) for w in year_windows(o)]
    b = binding(o.sim, o.prepared.inputs, _H)
    verdict = threshold_verdict(ratio, 1.0)
    arrivals = _arrivals(o, _H) / 4
    text = (
        f"Under the directive, ICE removes {_iv(ratio, _pct)} as many people as arrive "
        f"({_n(arrivals)} new arrivals and new court cases a year, an assumption), "
        f"{'keeping pace' if ratio.p50 >= 1 else 'falling behind'} in the model; at FY2024's "
        f"pace it would remove {by_scenario['baseline-fy2024']:.0%} of arrivals. "
        f"{_why(b, b.main)}; the answer depends most on how many people arrive, an assumption "
        "(estimates of 2025's net migration run from -295,000 to +400,000)."
    )
    details = {"ratio_by_year_p50": by_year, "ratio_by_scenario_p50": by_scenario,
               "arrivals_per_year": arrivals, "binding_shares": b.shares}  # fmt: skip
    assumptions = (
        f"{o.prepared.inputs.arrivals_no_case[-1] * DAYS_PER_YEAR:,.0f} new arrivals a year "
        "without a court case (assumption, Brookings and CBO net migration estimates)",
        f"{o.prepared.inputs.arrivals_with_case[-1] * DAYS_PER_YEAR:,.0f} new court cases a year "
        "(assumption, range 200,000-700,000)",
    )
    return ClaimResult(spec, ratio, verdict, b.main, text, assumptions, details)


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
    released = Interval.of(_sum(o, "released_to_atd", _H))
    by_scenario = {
        s: {
            "occupancy_p50": float(np.median(_occupancy(ctx.run(s))[0])),
            "released_for_lack_of_beds_p50": float(
                np.median(_sum(ctx.run(s), "released_to_atd", _H))
            ),
        }
        for s in SCENARIOS
    }
    b = binding(o.sim, o.prepared.inputs, year_windows(o)[year])
    constraint = "beds" if b.shares["beds"] > 0 else b.main
    verdict = threshold_verdict(iv, near)
    text = (
        f"Under the directive, {_iv(iv, _pct)} of the beds are filled in the fullest year, "
        f"and {_n(released.p50)} people are released for lack of a bed over four years. "
        f"{_why(b, constraint)}; the verdict rests on the beds the reconciliation act is "
        'assumed to fund and on reading "near capacity" as at least 90% full.'
    )
    details = {"fullest_year": year + 1, "released_for_lack_of_beds": released.to_json(),
               "by_scenario": by_scenario, "binding_shares": b.shares}  # fmt: skip
    return ClaimResult(spec, iv, verdict, constraint, text, _directive_assumptions(o), details)


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
    before = req1.results[0].before
    constraint = before.main if before is not None else "officers"
    text = (
        f"A million removals a year would take about {n1['officers']:,.0f} deportation officers "
        f"(against about {officers_2025:,.0f} in 2025), {n1['beds']:,.0f} detention beds "
        f"({n1['beds'] / beds_2025:.1f} times the {beds_2025:,.0f} of April 2025), "
        f"{n1['flights_per_year']:,.0f} removal flights and ${n1['cost_per_year_usd'] / 1e9:,.0f} "
        f"billion a year; two million would take {n2['officers']:,.0f} officers, "
        f"{n2['beds']:,.0f} beds and ${n2['cost_per_year_usd'] / 1e9:,.0f} billion a year. "
        f"With the directive's own resources the limit is {_subject(constraint)}, so the answer "
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


def first_100_days(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """The backtest's removals in the first 100 days, and the model's own arrests and removals."""
    c = next(c for c in ctx.backtest().claims if c.id == spec.id)
    o = ctx.run(spec.scenario)
    w = slice(0, 100)
    arrests = Interval.of(_sum(o, "arrests", w))
    removals = Interval.of(_sum(o, "removals", w))
    iv = Interval(c.p05, c.p50, c.p95)
    b = binding(o.sim, o.prepared.inputs, w)
    text = (
        f"ICE's own detention statistics show {_n(c.observed)} removals from detention in the "
        f"window ({c.observed / c.figure - 1:+.0%} against the claimed {c.figure:,.0f}) and the "
        f"backtest replays {_iv(iv)}; the claim's total holds only if it counts people removed "
        "straight from Border Patrol custody, which the detention statistics do not show. "
        f"{_why(b, b.main)} in those days; arrests follow the pace ICE reported, about 665 a "
        f"day, and the model makes {_n(arrests.p50)} arrests in the window."
    )
    details = {"ice_removal_book_outs": c.observed, "model_arrests": arrests.to_json(),
               "model_removals": removals.to_json(), "notes": list(c.notes)}  # fmt: skip
    assumptions = ("stays calibrated on ICE's FY2019-FY2024 detention statistics (backtest)",)
    return ClaimResult(
        spec, iv, "depends", b.main, text, assumptions, details, include=BACKTEST_INCLUDES
    )


def detained_may_2025(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """The backtest's May 2025 average daily population against 49,000."""
    c = next(c for c in ctx.backtest().claims if c.id == spec.id)
    o = ctx.run(spec.scenario)
    w = slice(_day(o, dt.date(2025, 5, 1)), _day(o, dt.date(2025, 6, 1)))
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
        f"ICE's statistics put the May 2025 average at {_n(c.observed)} and the backtest at "
        f'{_iv(iv)}, so "nearly 49,000" is {held}; '
        f"the directive scenario holds {_n(model.p50)}. "
        f"{_why(b, b.main)} in May 2025; the model fills {filled:.0%} of the beds, and the "
        "result rests on stays calibrated on ICE's FY2019-FY2024 statistics."
    )
    details = {"ice_adp": c.observed, "model_directive_adp": model.to_json(), "gap": c.gap}
    assumptions = ("stays calibrated on ICE's FY2019-FY2024 detention statistics (backtest)",)
    return ClaimResult(
        spec, iv, verdict, b.main, text, assumptions, details, include=BACKTEST_INCLUDES
    )


def focus_big_cities(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Arrests and cost per arrest with the three-city focus against the same effort spread out."""
    focus = ctx.run(spec.scenario)
    spread = ctx.run(
        spec.scenario, sets=tuple(f"arrests.focus_weight.{r}=1" for r in FOCUS), keep=False
    )
    w = slice(_day(focus, _FOCUS_DATE), HORIZON_DAYS)
    a_f, a_s = _sum(focus, "arrests", w), _sum(spread, "arrests", w)
    ratio = Interval.of(a_f / a_s)

    def per_arrest(o: RunOutput, a: F) -> float:
        return float(np.median((_sum(o, "cost_officers", w) + _sum(o, "cost_arrests", w)) / a))

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
        f"{_n(in_cities.p50)} in "
        f"the three cities instead of {_n(spread_cities)}, at ${cost_f:,.0f} per arrest against "
        f"${cost_s:,.0f}. {_why(b, constraint)}; the three cities limit cooperation with "
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
    return _sum(o, "removed_no_conviction", _H) / _sum(o, "removals", _H)


def criminals_first(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Share of removed people with no criminal conviction, by scenario."""
    o = ctx.run(spec.scenario)
    most = spec.figures["most"].value
    iv = Interval.of(_no_conviction(o))
    by_scenario = {s: float(np.median(_no_conviction(ctx.run(s)))) for s in SCENARIOS}
    b = binding(o.sim, o.prepared.inputs, _H)
    constraint = b.main_of(ARREST_STAGE)
    verdict = threshold_verdict(iv, most, above=False)
    text = (
        f"Under the directive, {_iv(iv, _pct)} of the people removed have no criminal "
        f"conviction (at FY2024's pace, {by_scenario['baseline-fy2024']:.0%}), so most of those "
        f"removed are {'not ' if iv.p50 > most else ''}people with convictions. "
        f"{_why(b, constraint)}; jails hand over the convicted first and arrests beyond them "
        "reach people without convictions, at conviction shares from ICE's FY2024 data."
    )
    details = {"no_conviction_share_by_scenario_p50": by_scenario, "binding_shares": b.shares}
    assumptions = ("conviction shares of the population and of jail transfers (ICE FY2024)",)
    return ClaimResult(spec, iv, verdict, constraint, text, assumptions, details)


def obama_3_million(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """ICE's count for FY2009-FY2016 against the claim, and 8 years at the record's pace."""
    o = ctx.run(spec.scenario, years=8.0, keep=False)
    claimed, counted = spec.figures["claimed"].value, spec.figures["ice_fy2009_2016"].value
    iv = Interval.of(_sum(o, "removals", slice(0, round(8 * DAYS_PER_YEAR))))
    gap = claimed / counted - 1.0
    verdict: Verdict = "supported" if abs(gap) <= 0.10 else "not_supported"
    b = binding(o.sim, o.prepared.inputs)
    text = (
        f'ICE counted {counted:,.0f} removals in FY2009-FY2016, so "about 3 million" is '
        f"{gap:+.0%} from the record ({'close enough' if verdict == 'supported' else 'too far'} "
        f"to call it about right), and eight years at the FY2012 record's pace bring "
        f"{_iv(iv)} removals in the model. {_why(b, b.main)} at that pace; the replay rests "
        "on 50,000 beds and about 1,000 arrests a day, assumptions fitted to the record year."
    )
    details = {"ice_removals_fy2009_2016": counted, "claim_vs_ice": gap, "binding_shares": b.shares}
    assumptions = ("about 1,000 arrests a day and 50,000 beds (record-2012-pace scenario)",)
    return ClaimResult(spec, iv, verdict, b.main, text, assumptions, details)


def workforce_impact(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Employed people removed by sector, metro and scenario."""
    o = ctx.run(spec.scenario)
    workers = spec.figures["workers_2023"].value
    iv = Interval.of(_sum(o, "workers_removed", _H))
    sectors = [n for n in o.sim.national if n.startswith("workers_removed_")]
    by_sector = {
        n.removeprefix("workers_removed_"): float(np.median(_sum(o, n, _H))) for n in sectors
    }
    metro = o.sim.region("workers_removed")[:, _H].sum(axis=1)
    by_metro = dict(zip(o.sim.regions, (float(v) for v in np.median(metro, axis=0)), strict=True))
    by_scenario = {s: float(np.median(_sum(ctx.run(s), "workers_removed", _H))) for s in SCENARIOS}
    b = binding(o.sim, o.prepared.inputs, _H)
    top = max(by_sector, key=lambda k: by_sector[k] if k != "other" else -1.0)
    text = (
        f"The 7.6 million figure matches Pew Research's counts of the late 2010s (7.8 million in "
        f"2016) and Pew's latest is 9.7 million (2023); under the directive {_iv(iv)} employed "
        "people are removed in four years, "
        f"{iv.p50 / workers:.0%} of that workforce, most of them in {top}. "
        f"{_why(b, b.main)}; the sector and metro split rests on Pew's shares of "
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
    iv = Interval.of(_sum(o, "us_citizen_children_affected", _H))
    detained = Interval.of(_sum(o, "us_citizen_children_parent_detained", _H))
    by_scenario = {
        s: float(np.median(_sum(ctx.run(s), "us_citizen_children_affected", _H))) for s in SCENARIOS
    }
    b = binding(o.sim, o.prepared.inputs, _H)
    verdict = threshold_verdict(iv, separated)
    text = (
        f"Under the directive, {_iv(iv)} US-citizen children see a parent removed in four years "
        f"and {_n(detained.p50)} see a parent detained, against {separated:,.0f} children "
        "separated at the border in 2017-18; at FY2024's pace, "
        f"{_n(by_scenario['baseline-fy2024'])} lose a parent to removal. "
        f"{_why(b, b.main)}; the counts rest on the share of removed people who are parents "
        "and their number of US-citizen children (survey-based)."
    )
    details = {"parent_detained": detained.to_json(), "by_scenario_p50": by_scenario,
               "binding_shares": b.shares}  # fmt: skip
    assumptions = ("share of removed adults who are parents of US-citizen children, and "
                   "children per parent (survey-based estimates)",)  # fmt: skip
    return ClaimResult(spec, iv, verdict, b.main, text, assumptions, details)


#: The check of each claim id in claims.yaml.
CHECKS: dict[str, Check] = {
    "arrests-3000-per-day": arrests_3000,
    "largest-in-history": largest_in_history,
    "millions-per-year": millions_per_year,
    "as-fast-as-they-come": as_fast_as_they_come,
    "detention-near-capacity": detention_near_capacity,
    "camps-and-guards": camps_and_guards,
    "first-100-days": first_100_days,
    "49k-detained-may-2025": detained_may_2025,
    "focus-big-cities": focus_big_cities,
    "criminals-first": criminals_first,
    "obama-3-million": obama_3_million,
    "workforce-impact": workforce_impact,
    "children": children,
}
