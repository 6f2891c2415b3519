"""The claim check on the economy: does mass deportation raise American workers' jobs and wages?

The model's jobs are the economic stage's (:mod:`deportsim.model.economy`): US-born and authorized
employment changes by ``-ε`` for each unauthorized worker withdrawn from work (removed, held, or
kept away by fear), with ``ε`` (``economy.us_born_jobs_per_worker``) from East et al. (2023) and
EPI. The stage counts against a world without the run's enforcement and never finds a gain, so
the model can only say how many jobs are lost; the published evidence (the claim's figures in
``claims.yaml``) says the sign. The model's wages are competition's alone
(:func:`deportsim.model.economy.wage_change`): the rise of the wages of workers without a
high-school diploma as the workers withdrawn leave their group, an upper bound on a gain; the
claim's wage half is set beside Penn Wharton's projections, which include capital and demand.
"""

from __future__ import annotations

import numpy as np

from deportsim.analysis.claims.constraints import binding
from deportsim.analysis.claims.context import SCENARIOS, Context
from deportsim.analysis.claims.series import HORIZON, HORIZON_DAYS, year_windows
from deportsim.analysis.claims.spec import ClaimSpec
from deportsim.analysis.claims.verdicts import ClaimResult, Interval, Verdict
from deportsim.analysis.claims.wording import amount, why
from deportsim.model.economy import wage_change
from deportsim.run import RunOutput

__all__ = ["JOBS", "economy", "gain_verdict"]

#: The series of US-born and authorized jobs: the change in those employed (negative: lost).
JOBS = "employment_change_us_born"
#: Published findings without a number (their numbers are the claim's figures).
_EVIDENCE = {
    "east_2023": (
        "Secure Communities (2008-13) decreased the employment and hourly wages of US-born "
        "individuals: East, Hines, Luck, Mansour and Velásquez, Journal of Labor Economics 41(4), "
        "2023, abstract"
    ),
    "east_cox_2026": (
        "no evidence of gains for US-born workers where ICE surged in 2025: East and Cox, NBER "
        'working paper "Labor Market Impacts of ICE Activity in Trump 2.0", as reported by OSV '
        "News, May 2026 (secondary account)"
    ),
}


def gain_verdict(change: Interval) -> Verdict:
    """A claim of a gain: supported when the whole 90% interval is above zero.

    Not supported when all of it is below zero (jobs lost); ``depends`` otherwise, including an
    interval that only reaches zero, since no change is not a gain either.
    """
    if change.p05 > 0.0:
        return "supported"
    return "not_supported" if change.p95 < 0.0 else "depends"


def _on_last_day(o: RunOutput, name: str, day: int = HORIZON_DAYS - 1) -> Interval:
    return Interval.of(np.asarray(o.sim.national[name][:, day], dtype=np.float64))


def _wages(o: RunOutput, group: str, day: int = HORIZON_DAYS - 1) -> Interval:
    """The percent change of an education group's wages on ``day`` (competition alone)."""
    change = wage_change(o.sim.national["workers_withdrawn"], o.sim.factors, group)
    return Interval.of(np.asarray(change[:, day], dtype=np.float64))


def _range(o: RunOutput, path: str) -> str:
    """The parameter's stated range as ", range LOW to HIGH", or nothing if it has none."""
    u = o.prepared.params.parameters[path].spec.uncertainty
    return f", range {u.low:g} to {u.high:g}" if u is not None and not u.relative else ""


def economy(spec: ClaimSpec, ctx: Context) -> ClaimResult:
    """US-born and authorized jobs after four years, beside the published jobs and wage evidence."""
    o = ctx.run(spec.scenario)
    f = {k: v.value for k, v in spec.figures.items()}
    change = _on_last_day(o, JOBS)
    lost = Interval(-change.p95, -change.p50, -change.p05)
    immigrant = _on_last_day(o, "employment_change_immigrant")
    by_year = [_on_last_day(o, JOBS, w.stop - 1).to_json() for w in year_windows(o)]
    by_scenario = {s: _on_last_day(ctx.run(s), JOBS).p50 for s in SCENARIOS}
    per_worker = Interval.of(
        -np.asarray(o.sim.factors["us_born_per_worker"])[..., HORIZON_DAYS - 1]
    )
    span = _range(o, "economy.us_born_jobs_per_worker")
    drawn = f"; {per_worker.p50:.2f} in the median draw" if per_worker.p05 < per_worker.p95 else ""
    central = float(o.prepared.inputs.us_born_jobs[HORIZON_DAYS - 1])
    wages = _wages(o, "no_diploma")
    elasticity_span = _range(o, "economy.wage_elasticity")
    b = binding(o.sim, o.prepared.inputs, HORIZON)
    verdict = gain_verdict(change)
    found = {
        "not_supported": "jobs lost, not gained",
        "depends": "no clear gain",
        "supported": "jobs gained",
    }[verdict]
    base = amount(-by_scenario["baseline-fy2024"])
    text = (
        f"Under the directive the model finds {found}: {amount(lost.p50)} fewer US-born and "
        f"authorized workers employed after four years (90% interval {amount(lost.p05)} to "
        f"{amount(lost.p95)}; {base} fewer at FY2024's pace), and the published evidence points "
        "the same way: Secure Communities lowered US-born employment and hourly wages (East et "
        f"al. 2023), EPI projects {amount(-f['epi_us_born_workers'])} fewer US-born workers "
        "employed after four years of a million removals a year, and East and Cox (2026) find no "
        "evidence of gains for US-born workers; on wages, competition alone raises the wages of "
        "workers without a high-school diploma, US-born and immigrant alike, by "
        f"{wages.p50:.1f}% after four years (90% "
        f"interval {wages.p05:.1f}% to {wages.p95:.1f}%), an upper bound that leaves out the "
        "fall in demand East et al. found; Penn Wharton, with capital and demand, projects the "
        f"average wage {-f['pwbm_average_wage_4_year']:g}% lower with four years of removals "
        f"({-f['pwbm_average_wage_10_year']:g}% with ten), and only low-skilled authorized "
        f"workers' wages rise, {f['pwbm_low_skilled_wage_2034']:g}% by 2034 before they "
        f"eventually fall {-f['pwbm_low_skilled_wage_later']:g}%: the one part of the claim with "
        f"some support. {why(b, b.main)}; the jobs lost follow the unauthorized workers removed, "
        f"held or kept from work by fear ({amount(-immigrant.p50)} fewer at work), at "
        f"{central:g} US-born jobs lost per worker (East et al. 2023, as the Hamilton Project "
        f"reads it{span}{drawn}), so the model cannot find a gain, at best no loss at the "
        "range's low end, and its sign rests on that evidence."
    )
    details = {
        "employment_change_immigrant": immigrant.to_json(),
        "employment_change_us_born_by_year": by_year,
        "employment_change_us_born_by_scenario_p50": by_scenario,
        "us_born_jobs_per_worker": per_worker.to_json(),
        "wage_change_no_diploma": wages.to_json(),
        "wage_change_high_school": _wages(o, "high_school").to_json(),
        "evidence": _EVIDENCE,
        "binding_shares": b.shares,
    }
    x = o.prepared.inputs
    fear_span = _range(o, "economy.fear_withdrawn_per_arrest")
    assumptions = (
        f"{central:g} US-born and authorized jobs lost per unauthorized worker withdrawn (East et "
        f"al. 2023, read in the Hamilton Project's summary{span})",
        f"{float(x.fear_per_arrest[HORIZON_DAYS - 1]):g} workers kept from work by fear per "
        f"at-large arrest of the past year (assumption{fear_span}), besides the employed share of "
        "those removed or held (Pew Research)",
        f"wages from competition alone: {float(x.wage_elasticity[HORIZON_DAYS - 1]):g}% lower "
        f"wages per 1% more workers with the same schooling (de Brauw and Russell 2014, "
        f"replicating Borjas 2003{elasticity_span}), capital fixed and demand unchanged; Penn "
        "Wharton's projections for the average wage",
    )
    return ClaimResult(spec, change, verdict, b.main, text, assumptions, details)
