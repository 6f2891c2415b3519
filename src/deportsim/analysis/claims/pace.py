"""The claim checks on pace and volume: how many people are arrested and removed, how fast.

Arrests against the 3,000-a-day goal, the best year and best 12 months of removals, removals
against arrivals, the first 100 days and the FY2009-FY2016 record.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.claims.constraints import ARREST_STAGE, binding
from deportsim.analysis.claims.context import SCENARIOS, Context
from deportsim.analysis.claims.series import HORIZON, HORIZON_DAYS, total, year_windows
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
from deportsim.core.units import DAYS_PER_YEAR
from deportsim.parameters import Resolved
from deportsim.run import RunOutput

__all__ = [
    "MORE_OFFICERS",
    "arrests_3000",
    "as_fast_as_they_come",
    "first_100_days",
    "largest_in_history",
    "millions_per_year",
    "obama_3_million",
]

F = NDArray[np.float64]

#: A what-if for the 3,000-a-day claim: this many times the directive's officers shows which limit
#: binds next (not a forecast; `deportsim requirements` searches the officers a target needs).
MORE_OFFICERS = 5


def _yearly(o: RunOutput, name: str) -> F:
    """Per-replicate totals by year of the horizon, shape (replicates, 4)."""
    return np.stack([total(o, name, w) for w in year_windows(o)], axis=1)


def _planned_target(o: RunOutput) -> F:
    """The arrest target the scenario plans, day by day (persons/day), before the record.

    In a scenario that follows the published record, the record's months carry the arrests ICE
    made; when the goal took effect is a matter of policy, so it is read from the scenario's own
    overrides.
    """
    p = o.prepared
    planned = Resolved(p.params, p.start, p.days, p.scenario.overrides)
    return planned.daily("arrests.target_per_day", "persons/day")


def arrests_3000(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Arrests a day over the 1 and 4 years after the goal took effect."""
    o = ctx.run(spec.scenario)
    goal = spec.figures["goal"].value
    g = int(np.argmax(_planned_target(o) >= goal))
    w1, w4 = slice(g, g + round(DAYS_PER_YEAR)), slice(g, g + HORIZON_DAYS)
    one = Interval.of(total(o, "arrests", w1) / (w1.stop - w1.start))
    four = Interval.of(total(o, "arrests", w4) / (w4.stop - w4.start))
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
    more_four = Interval.of(total(more, "arrests", w4) / (w4.stop - w4.start))
    next_limit = binding(more.sim, more.prepared.inputs, w4).main_of(ARREST_STAGE)
    text = (
        f"Under the directive, ICE makes about {with_interval(four)} arrests a day in the four "
        f"years after the goal took effect on {since} ({amount(one.p50)} a day in the first "
        f"year), {'reaching' if four.p50 >= goal else 'short of'} the goal of {goal:,.0f}. "
        f"{why(b, constraint)}; with {MORE_OFFICERS} times the {officers:,.0f} officers assumed "
        f"for 2026 on, arrests would reach {amount(more_four.p50)} a day before "
        f"{subject(next_limit)} became the limit, and both the officers and how many people "
        "they can find are assumptions with wide ranges."
    )
    details = {
        "first_year": one.to_json(), "four_years": four.to_json(), "binding_shares": b.shares,
        "with_more_officers": {"officers": MORE_OFFICERS * officers,
                               "arrests_per_day": more_four.to_json(), "binding": next_limit},
    }  # fmt: skip
    return ClaimResult(spec, four, verdict, constraint, text, directive_assumptions(o), details)


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
        f"Under the directive, removals in the best year reach {with_interval(best)}, "
        f"{'above' if best.p50 > record else 'below'} the FY2012 record of {record:,.0f} "
        f"(above it {when}, in {share_above:.0%} of runs). "
        f"{why(b, b.main)} in that year; the result rests on the directive's officers and "
        "beds, which are assumptions."
    )
    details = {"removals_by_year_p50": [float(m) for m in medians],
               "share_of_runs_above_record": share_above, "binding_shares": b.shares}  # fmt: skip
    return ClaimResult(spec, best, verdict, b.main, text, directive_assumptions(o), details)


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
        f"Under the directive, the best 12 months bring {with_interval(iv)} removals: a million is "
        f"reached in {p1:.0%} of runs and two million in {p2:.0%}; even with the "
        "one-million-a-year scenario's resources the best 12 months bring "
        f"{amount(float(np.median(best_big)))}. "
        f"{why(b, b.main)} in the best 12 months; this rests on the size of the findable "
        "population and on the officers and beds hired, assumptions with wide ranges."
    )
    details = {"probability_1m": p1, "probability_2m": p2,
               "one_million_a_year_best_12_months": Interval.of(best_big).to_json(),
               "binding_shares": b.shares}  # fmt: skip
    return ClaimResult(spec, iv, verdict, b.main, text, directive_assumptions(o), details)


def _arrivals(o: RunOutput, w: slice) -> float:
    x = o.prepared.inputs
    return float(x.arrivals_no_case[w].sum() + x.arrivals_with_case[w].sum())


def as_fast_as_they_come(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """Removals against new arrivals, per year and over the run, by scenario."""
    o = ctx.run(spec.scenario)
    ratio = Interval.of(total(o, "removals", HORIZON) / _arrivals(o, HORIZON))
    by_scenario = {
        s: float(np.median(total(ctx.run(s), "removals", HORIZON)) / _arrivals(ctx.run(s), HORIZON))
        for s in SCENARIOS
    }
    by_year = [float(np.median(total(o, "removals", w)) / _arrivals(o, w)) for w in year_windows(o)]
    b = binding(o.sim, o.prepared.inputs, HORIZON)
    verdict = threshold_verdict(ratio, 1.0)
    arrivals = _arrivals(o, HORIZON) / 4
    text = (
        f"Under the directive, ICE removes {with_interval(ratio, percent)} as many people as "
        f"arrive ({amount(arrivals)} new arrivals and new court cases a year, an assumption), "
        f"{'keeping pace' if ratio.p50 >= 1 else 'falling behind'} in the model; at FY2024's "
        f"pace it would remove {by_scenario['baseline-fy2024']:.0%} of arrivals. "
        f"{why(b, b.main)}; the answer depends most on how many people arrive, an assumption "
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


def first_100_days(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """The backtest's removals in the first 100 days, and the model's own arrests and removals."""
    c = next(c for c in ctx.backtest().claims if c.id == spec.id)
    o = ctx.run(spec.scenario)
    w = slice(0, 100)
    arrests = Interval.of(total(o, "arrests", w))
    removals = Interval.of(total(o, "removals", w))
    iv = Interval(c.p05, c.p50, c.p95)
    b = binding(o.sim, o.prepared.inputs, w)
    text = (
        f"ICE's own detention statistics show {amount(c.observed)} removals from detention in the "
        f"window ({c.observed / c.figure - 1:+.0%} against the claimed {c.figure:,.0f}) and the "
        f"backtest replays {with_interval(iv)}; the claim's total holds only if it counts people "
        "removed straight from Border Patrol custody, which the detention statistics do not show. "
        f"{why(b, b.main)} in those days; arrests follow the pace ICE reported, about 665 a "
        f"day, and the model makes {amount(arrests.p50)} arrests in the window."
    )
    details = {"ice_removal_book_outs": c.observed, "model_arrests": arrests.to_json(),
               "model_removals": removals.to_json(), "notes": list(c.notes)}  # fmt: skip
    assumptions = ("stays calibrated on ICE's FY2019-FY2024 detention statistics (backtest)",)
    return ClaimResult(
        spec, iv, "depends", b.main, text, assumptions, details, include=BACKTEST_INCLUDES
    )


def obama_3_million(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """ICE's count for FY2009-FY2016 against the claim, and 8 years at the record's pace."""
    o = ctx.run(spec.scenario, years=8.0, keep=False)
    claimed, counted = spec.figures["claimed"].value, spec.figures["ice_fy2009_2016"].value
    iv = Interval.of(total(o, "removals", slice(0, round(8 * DAYS_PER_YEAR))))
    gap = claimed / counted - 1.0
    verdict: Verdict = "supported" if abs(gap) <= 0.10 else "not_supported"
    b = binding(o.sim, o.prepared.inputs)
    text = (
        f'ICE counted {counted:,.0f} removals in FY2009-FY2016, so "about 3 million" is '
        f"{gap:+.0%} from the record ({'close enough' if verdict == 'supported' else 'too far'} "
        f"to call it about right), and eight years at the FY2012 record's pace bring "
        f"{with_interval(iv)} removals in the model. {why(b, b.main)} at that pace; the replay "
        "rests on 50,000 beds and about 1,000 arrests a day, assumptions fitted to the record "
        "year."
    )
    details = {"ice_removals_fy2009_2016": counted, "claim_vs_ice": gap, "binding_shares": b.shares}
    assumptions = ("about 1,000 arrests a day and 50,000 beds (record-2012-pace scenario)",)
    return ClaimResult(spec, iv, verdict, b.main, text, assumptions, details)
