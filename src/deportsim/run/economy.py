"""The economy's summary metrics: output, jobs, wages and taxes, in all, by sector and by year.

The series are :mod:`deportsim.model.economy`'s. Money is nominal unless the name ends in
``_real`` (2024 dollars); jobs are the change on the last day (negative: jobs lost); wages the
percent change on the last day, from competition alone (an upper bound on a gain).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from numpy.typing import NDArray

from deportsim.model import SimResult
from deportsim.model.economy import WAGE_GROUPS, wage_change
from deportsim.model.stages.impacts import SECTORS
from deportsim.run.metric import Metric, end, stats, total

__all__ = ["ECONOMY_METRICS", "YEARLY", "yearly_stats", "yearly_values", "years_of"]

F = NDArray[np.float64]
#: Days at the end of a run over which ``gdp_loss_share`` is measured (a year).
SHARE_DAYS = 365


def _real(s: SimResult, first: int = 0, last: int | None = None) -> F:
    """Output lost on days ``first .. last - 1``, 2024 dollars, by replicate."""
    loss = s.national["gdp_loss"][:, first:last]
    price = s.factors["price_level"][..., first:last]
    return np.asarray((loss / price).sum(axis=1), dtype=np.float64)


def _share(s: SimResult, first: int = 0, last: int | None = None) -> F:
    """Output lost over GDP on days ``first .. last - 1`` (both in 2024 dollars), in percent."""
    gdp = s.factors["gdp_real"][..., first:last].sum(axis=-1)
    return np.asarray(100.0 * _real(s, first, last) / gdp, dtype=np.float64)


def _last_year(s: SimResult) -> F:
    return _share(s, max(s.days - SHARE_DAYS, 0))


def _sector_output(sector: str) -> Metric:
    def compute(s: SimResult) -> F:
        f = s.factors
        share = np.divide(f[f"output_{sector}"], f["output_per_worker"],
                          out=np.zeros_like(f["output_per_worker"]),
                          where=f["output_per_worker"] > 0)  # fmt: skip
        return np.asarray((s.national["gdp_loss"] * share).sum(axis=1), dtype=np.float64)

    return Metric("USD", f"output lost in {sector}, nominal", compute)


def _sector_jobs(sector: str) -> Metric:
    def compute(s: SimResult) -> F:
        share = s.factors[f"workers_{sector}"] / s.factors["employed_share"]
        return np.asarray(s.national["employment_change_immigrant"][:, -1] * share[..., -1])

    return Metric(
        "persons",
        f"change in unauthorized immigrants employed in {sector}, on the last day",
        compute,
    )


def _wages(group: str) -> Metric:
    def compute(s: SimResult) -> F:
        change = wage_change(s.national["workers_withdrawn"], s.factors, group)
        return np.asarray(change[:, -1], dtype=np.float64)

    return Metric(
        "percent",
        f"change in the wages of {WAGE_GROUPS[group]} on the last day, in percent, from the "
        "competition of the workers withdrawn alone (capital fixed, demand unchanged): an "
        "upper bound on a gain",
        compute,
    )


#: The economy's metrics, in summary.json after the pipeline's.
ECONOMY_METRICS: dict[str, Metric] = {
    "gdp_loss_usd": Metric(
        "USD", "output (GDP) lost over the run, nominal dollars", total("gdp_loss")
    ),
    "gdp_loss_usd_real": Metric("USD", "output (GDP) lost over the run, 2024 dollars", _real),
    "gdp_loss_share": Metric(
        "percent",
        "output lost over the run's last 365 days (all its days if fewer) as a share of the "
        "baseline GDP of those days, in percent",
        _last_year,
    ),
    "employment_change_immigrant": Metric(
        "persons",
        "change in unauthorized immigrants at work on the last day: removed, held or kept "
        "away by fear",
        end("employment_change_immigrant"),
    ),
    "employment_change_us_born": Metric(
        "persons",
        "change in US-born and authorized workers employed on the last day",
        end("employment_change_us_born"),
    ),
    "tax_revenue_lost_usd": Metric(
        "USD",
        "federal, state and local taxes lost over the run, nominal",
        total("tax_revenue_lost"),
    ),
    "tax_revenue_lost_usd_federal": Metric(
        "USD",
        "federal taxes lost over the run (Social Security included), nominal",
        total("tax_revenue_lost_federal"),
    ),
    "tax_revenue_lost_usd_state_local": Metric(
        "USD",
        "state and local taxes lost over the run, nominal",
        total("tax_revenue_lost_state_local"),
    ),
    "social_security_contributions_lost_usd": Metric(
        "USD",
        "Social Security taxes lost over the run, nominal",
        total("social_security_contributions_lost"),
    ),
    "medicare_contributions_lost_usd": Metric(
        "USD",
        "Medicare taxes lost over the run, nominal",
        total("medicare_contributions_lost"),
    ),
    **{f"wage_change_{g}": _wages(g) for g in WAGE_GROUPS},
    **{f"gdp_loss_usd_{s}": _sector_output(s) for s in SECTORS},
    **{f"employment_change_immigrant_{s}": _sector_jobs(s) for s in SECTORS},
}

#: The metrics given for each calendar year of a run (summary.json's ``years``).
YEARLY = (
    "gdp_loss_usd",
    "gdp_loss_usd_real",
    "gdp_loss_share",
    "employment_change_immigrant",
    "employment_change_us_born",
    "tax_revenue_lost_usd",
    "tax_revenue_lost_usd_federal",
    "tax_revenue_lost_usd_state_local",
    "social_security_contributions_lost_usd",
    "medicare_contributions_lost_usd",
    *(f"wage_change_{g}" for g in WAGE_GROUPS),
)
_FLOWS = {
    "gdp_loss_usd": "gdp_loss",
    "tax_revenue_lost_usd": "tax_revenue_lost",
    "tax_revenue_lost_usd_federal": "tax_revenue_lost_federal",
    "tax_revenue_lost_usd_state_local": "tax_revenue_lost_state_local",
    "social_security_contributions_lost_usd": "social_security_contributions_lost",
    "medicare_contributions_lost_usd": "medicare_contributions_lost",
}


def years_of(start: dt.date, days: int) -> dict[int, tuple[int, int]]:
    """Each calendar year a run covers: its first day and the day after its last, in run days."""
    out: dict[int, tuple[int, int]] = {}
    for year in range(start.year, (start + dt.timedelta(days=days - 1)).year + 1):
        first = max((dt.date(year, 1, 1) - start).days, 0)
        out[year] = (first, min((dt.date(year + 1, 1, 1) - start).days, days))
    return out


def yearly_values(s: SimResult, start: dt.date) -> dict[int, dict[str, F]]:
    """Each of :data:`YEARLY` for each calendar year of the run, by replicate.

    Flows are summed over the year's days in the run, jobs and wages taken on its last day in
    the run, and the share measured over its days in the run.
    """
    out: dict[int, dict[str, F]] = {}
    wages = {g: wage_change(s.national["workers_withdrawn"], s.factors, g) for g in WAGE_GROUPS}
    for year, (a, b) in years_of(start, s.days).items():
        values = {n: np.asarray(s.national[f][:, a:b].sum(axis=1)) for n, f in _FLOWS.items()}
        values["gdp_loss_usd_real"] = _real(s, a, b)
        values["gdp_loss_share"] = _share(s, a, b)
        for name in ("employment_change_immigrant", "employment_change_us_born"):
            values[name] = np.asarray(s.national[name][:, b - 1])
        for g, change in wages.items():
            values[f"wage_change_{g}"] = np.asarray(change[:, b - 1])
        out[year] = {n: values[n] for n in YEARLY}
    return out


def yearly_stats(
    values: dict[int, dict[str, F]], start: dt.date, days: int
) -> dict[str, dict[str, Any]]:
    """summary.json's ``years``: by calendar year, its days in the run and each metric's stats."""
    spans = years_of(start, days)
    return {
        str(year): {
            "days": spans[year][1] - spans[year][0],
            "metrics": {n: stats(ECONOMY_METRICS[n].unit, v) for n, v in by_name.items()},
        }
        for year, by_name in values.items()
    }
