"""The economy: work lost to enforcement, and the output, jobs, wages and taxes that go with it.

A stage of its own after the pipeline's accounts: it reads the pipeline's daily series by region
(interior removals, people arrested in the interior and held, at-large arrests) and the
economy's parameters (``parameters/economy.yaml``, read by :mod:`deportsim.model.stages.economy`).
Every series is counted from the run's first day, against a world in which nobody is held or
removed in the run and nobody is arrested from its first day on (so never a gain). Step order
for each day ``t`` (docs/economy.md):

1. Workers withdrawn: ``W(t) = e(t)·(R(t) + D(t)) + φ(t)·A(t)``, where ``e`` is the share of
   removed people who were employed (``impacts.employed_share``), ``R`` the removals from the
   interior since the run's first day, ``D`` the people arrested in the interior held that day,
   ``A`` the at-large arrests of the last 365 days and ``φ`` the workers who stop working for
   fear, per arrest (``economy.fear_withdrawn_per_arrest``).
2. Jobs: immigrant employment changes by ``-W``, US-born and authorized employment by ``-ε·W``
   (``economy.us_born_jobs_per_worker``).
3. Output lost a day in region ``g``: ``W_g·m_g·Σ_s σ_s·η·(ρ + ε)·r_s·v·P``, with ``σ_s`` the
   workers' share in sector ``s`` (``impacts.sector_*``), ``r_s`` the sector's value added per
   worker relative to the whole economy's (``economy.output_ratio_*``), ``v`` the average
   worker's value added a day (GDP over employment, 2024 dollars), ``ρ`` an unauthorized
   worker's output relative to the average worker of the same sector
   (``economy.relative_output``), ``η`` the share of a worker's output lost with the worker
   (``economy.output_elasticity``), ``P`` the price level (2024 = 1): nominal dollars; without
   ``P``, 2024 dollars; and ``m_g = 1 + λ·(g_g - 1)`` the region's value added per worker
   relative to the nation's, from its GDP per resident ``g_g`` (``economy.output_ratio_by_region``)
   and the share ``λ`` of that premium a worker carries
   (``economy.region_output_pass_through``). Each term of the sum is the sector's output lost;
   the nation's is the regions' summed, ``Σ_g m_g·W_g = W + λ·Σ_g (g_g - 1)·W_g`` times the
   rest (:func:`national` with ``by_region``), or, without regions, every worker at the
   nation's average (``m = 1``).
4. Taxes lost a day: the people away, ``R(t) + D(t) + φ(t)·A(t)`` (the removed and held, and the
   workers kept away by fear, each counted once), times federal (Social Security and Medicare
   included), state-and-local, Social Security and Medicare taxes per person a day, times ``P``.
5. Wages (national, from competition alone): the workers withdrawn take the share ``s_g`` of
   the labor force ``L_g`` of their education group ``g`` (no high-school diploma; a diploma and
   no more), and the group's wages change by ``100·κ·min(s_g·W(t)/L_g, 1)`` percent, with ``κ``
   the percent a group's wages fall per 1% more workers in it (``economy.wage_elasticity``).

Every series is ``W`` (the taxes: the people away) times a daily factor (:func:`factors`; output
lost, times the region's too), so the regions add up to the nation and every sector's share of
output adds up to the whole. One ceiling keeps extreme parameters physical: a day's output lost
is at most that day's GDP (the regions scaled down alike).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from deportsim.model.stages.impacts import SECTORS

if TYPE_CHECKING:
    from deportsim.model.inputs import Inputs

__all__ = [
    "CHANGES", "FEAR_WINDOW", "PER_PERSON", "PER_WORKER", "READ", "REGION_PREMIUM", "SERIES",
    "WAGE_GROUPS", "away", "factors", "national", "national_of", "premiums", "region_output",
    "regional", "stocks", "wage_change", "withdrawn",
]  # fmt: skip

F = NDArray[np.float64]

#: Days of at-large arrests that keep workers away from work for fear (one year).
FEAR_WINDOW = 365
#: Each economic series (besides ``workers_withdrawn``) as workers withdrawn (the taxes: people
#: away, :data:`PER_PERSON`) times a daily factor.
PER_WORKER = {
    "employment_change_immigrant": "immigrant_per_worker",
    "employment_change_us_born": "us_born_per_worker",
    "gdp_loss": "output_per_worker",
    "tax_revenue_lost": "tax_per_worker",
    "tax_revenue_lost_federal": "tax_federal_per_worker",
    "tax_revenue_lost_state_local": "tax_state_local_per_worker",
    "social_security_contributions_lost": "social_security_per_worker",
    "medicare_contributions_lost": "medicare_per_worker",
}
#: The series counted per person away rather than per worker withdrawn.
PER_PERSON = frozenset(n for n in PER_WORKER if n.startswith(("tax_", "social_", "medicare_")))
#: The series that are changes of employment: never above zero.
CHANGES = ("employment_change_immigrant", "employment_change_us_born")
#: The economy's daily series, national and by region.
SERIES = ("workers_withdrawn", *PER_WORKER)
#: The pipeline's series the economy reads, national or by region (step 1).
READ = ("removals_interior", "detained_interior", "arrests_at_large")
#: Prefix of the daily factors of the regions' GDP per resident over the nation's less 1
#: (``g - 1`` of step 3), one a region, numbered in the order of the regional axis.
REGION_PREMIUM = "region_premium_"
#: The education groups whose wages are estimated (step 5), in words.
WAGE_GROUPS = {
    "no_diploma": "workers aged 25 and over without a high-school diploma",
    "high_school": "workers aged 25 and over whose schooling ends with a high-school diploma",
}


def factors(x: Inputs) -> dict[str, F]:
    """The economy's daily factors (days,): per worker withdrawn and day, and what scales them.

    Output: the average worker's value added (``gdp / employment``) times ``η·(ρ + ε)``, in each
    sector by the workers' share and the sector's value added per worker relative to the
    economy's (``output_<sector>``, adding up to ``output_per_worker``), nominal. Taxes (the
    ``*_per_worker`` names of :data:`PER_PERSON`): per person away a day, nominal.
    ``region_premium_<i>`` (:data:`REGION_PREMIUM`) is region ``i``'s GDP per resident over the
    nation's less 1, ``g - 1``, and ``region_pass_through`` the share ``λ`` of it a worker
    carries: the region's value added per worker over the nation's is ``1 + λ·(g - 1)``.
    ``price_level`` turns nominal dollars into 2024 dollars and ``gdp_real`` is the baseline GDP
    a day in 2024 dollars. Wages: ``supply_<group>_per_worker`` is the share of the group's
    labor force each worker withdrawn takes, ``wage_elasticity`` the percent its wages move per
    percent of it.
    """
    price = x.price_level
    average = x.gdp / x.employment  # value added per worker a day, 2024 dollars
    per_worker = x.output_elasticity * (x.relative_output + x.us_born_jobs) * average * price
    per_sector = {s: per_worker * x.sector_share[s] * x.sector_output[s] for s in SECTORS}
    premium = x.region_output - 1.0  # (days, regions)
    by_region = {f"{REGION_PREMIUM}{i}": premium[:, i] for i in range(premium.shape[1])}
    tax_federal = x.tax_federal * price  # per person away a day
    tax_state_local = x.tax_state_local * price
    return {
        "fear_per_arrest": x.fear_per_arrest,
        "immigrant_per_worker": np.full(x.days, -1.0),
        "us_born_per_worker": -x.us_born_jobs,
        "output_per_worker": np.sum(np.broadcast_arrays(*per_sector.values()), axis=0),
        **{f"output_{s}": v for s, v in per_sector.items()},
        **by_region,
        "region_pass_through": x.region_pass_through,
        "tax_per_worker": tax_federal + tax_state_local,
        "tax_federal_per_worker": tax_federal,
        "tax_state_local_per_worker": tax_state_local,
        "social_security_per_worker": x.social_security * price,
        "medicare_per_worker": x.medicare * price,
        "price_level": price,
        "gdp_real": x.gdp,
        "supply_no_diploma_per_worker": x.no_diploma_share / x.labor_no_diploma,
        "supply_high_school_per_worker": x.high_school_share / x.labor_high_school,
        "wage_elasticity": x.wage_elasticity,
    }


def _along(f: F, a: F) -> F:
    """A daily factor, (days,) or (replicates, days), shaped to multiply ``a`` (time on axis 1)."""
    f = f[None, :] if f.ndim == 1 else f
    return f.reshape(f.shape + (1,) * (a.ndim - 2))


def _trailing(a: F, days: int) -> F:
    """Each day's sum of ``a`` over the last ``days`` days, that day included (time on axis 1)."""
    total = np.cumsum(a, axis=1)
    out = total.copy()
    out[:, days:] -= total[:, :-days]
    return out


def stocks(removals_interior: F, detained_interior: F, arrests_at_large: F) -> tuple[F, F]:
    """What step 1 counts before any parameter: the people gone and the arrests of the year.

    The people removed from the interior since the first day plus those held, and each day's
    at-large arrests of the last :data:`FEAR_WINDOW` days; arrays (replicates, days[, regions]).
    """
    gone = np.cumsum(removals_interior, axis=1) + detained_interior
    return np.asarray(gone, np.float64), _trailing(arrests_at_large, FEAR_WINDOW)


def withdrawn(gone: F, arrested: F, daily: dict[str, F]) -> tuple[F, F]:
    """Workers withdrawn (step 1) and people away (step 4) from :func:`stocks`.

    ``daily``: the factors ``employed_share`` and ``fear_per_arrest``, (days,) or per replicate.
    """
    employed = _along(daily["employed_share"], gone)
    kept_away = _along(daily["fear_per_arrest"], arrested) * arrested
    workers = np.asarray(employed * gone + kept_away, dtype=np.float64)
    return workers, np.asarray(gone + kept_away, dtype=np.float64)


def away(
    removals_interior: F, detained_interior: F, arrests_at_large: F, daily: dict[str, F]
) -> tuple[F, F]:
    """Workers withdrawn (step 1) and people away (step 4), national or by region.

    Arrays (replicates, days[, regions]); ``daily``: as for :func:`withdrawn`.
    """
    return withdrawn(*stocks(removals_interior, detained_interior, arrests_at_large), daily)


def regional(name: str, workers: F, people: F, daily: dict[str, F]) -> F:
    """One economic series from workers withdrawn and people away (time on axis 1).

    Arrays (replicates, days) for the nation, every worker at its average value added, or
    (replicates, days, regions), output lost then at each region's (:func:`region_output`).
    Output lost is held to the day's GDP: where the whole (the regions summed) would exceed it,
    every region is scaled down by the same ratio.
    """
    if name == "workers_withdrawn":
        return workers
    base = people if name in PER_PERSON else workers
    value = np.asarray(base * _along(daily[PER_WORKER[name]], base), dtype=np.float64)
    if name != "gdp_loss":
        return value
    if value.ndim == 3:  # each region at its own value added per worker
        value *= region_output(daily, value)
    whole = value.sum(axis=2) if value.ndim == 3 else value
    ceiling = _along(daily["gdp_real"] * daily["price_level"], whole)
    scale = np.minimum(1.0, np.divide(ceiling, whole, out=np.ones_like(whole), where=whole > 0))
    return np.asarray(value * (scale[..., None] if value.ndim == 3 else scale), np.float64)


def _premium(daily: dict[str, F], a: F) -> F:
    """The regions' ``g - 1``, (1 or replicates, days, regions), for the regions of ``a``."""
    regions = a.shape[2]
    found = sum(name.startswith(REGION_PREMIUM) for name in daily)
    if found != regions:
        raise ValueError(f"{regions} regions but the output per resident of {found}")
    stacked = np.stack([daily[f"{REGION_PREMIUM}{i}"] for i in range(regions)], axis=-1)
    return stacked[None] if stacked.ndim == 2 else stacked


def region_output(daily: dict[str, F], a: F) -> F:
    """The regions' value added per worker over the nation's, ``1 + λ·(g - 1)``, for ``a``.

    ``a``: (replicates, days, regions); the factors (:func:`factors`) are (days,) or
    (replicates, days).
    """
    return 1.0 + _along(daily["region_pass_through"], a) * _premium(daily, a)


def premiums(by_region: tuple[F, F], daily: dict[str, F]) -> tuple[F, F]:
    """:func:`stocks` by region summed over the regions, each times its ``g - 1``.

    With them, the workers withdrawn weighted by their region's value added per worker are
    ``W + λ·withdrawn(premiums)``: ``Σ_g (1 + λ·(g - 1))·W_g`` without an axis of regions.
    """
    gone, arrested = by_region
    weight = _premium(daily, gone)
    return (gone * weight).sum(axis=2), (arrested * weight).sum(axis=2)


def wage_change(workers: F, daily: dict[str, F], group: str) -> F:
    """Step 5: the percent change of the wages of an education group (:data:`WAGE_GROUPS`).

    ``workers``: workers withdrawn, national, (replicates, days); ``daily``: the factors of
    :func:`factors`. What competition alone gives (capital fixed, demand unchanged): the share of
    the group's labor force withdrawn, at most all of it, times the wage elasticity, in percent.
    """
    taken = workers * _along(daily[f"supply_{group}_per_worker"], workers)
    share = np.minimum(taken, 1.0)
    return np.asarray(100.0 * _along(daily["wage_elasticity"], workers) * share, np.float64)


def national(
    nat: dict[str, F], daily: dict[str, F], by_region: dict[str, F] | None = None
) -> dict[str, F]:
    """Every economic series of the nation from the pipeline's national series of a run.

    ``nat`` holds :data:`READ` from the run's first kept day; ``daily`` the run's factors over
    the same days. ``by_region``, the same series by region (replicates, days, regions), puts
    each worker withdrawn at their region's value added per worker (step 3): the output lost is
    then the regions' summed. Without it every worker produces the nation's average.
    """
    regions = None if by_region is None else stocks(*(by_region[n] for n in READ))
    weights = None if regions is None else premiums(regions, daily)
    return national_of(stocks(*(nat[n] for n in READ)), daily, weights)


def national_of(
    nat: tuple[F, F],
    daily: dict[str, F],
    premium: tuple[F, F] | None = None,
    names: tuple[str, ...] = SERIES,
) -> dict[str, F]:
    """The economic series ``names`` of the nation from :func:`stocks` (see :func:`national`).

    ``premium``: the regions' :func:`premiums` (None: every worker at the nation's average). For
    a caller that evaluates the stage many times on the same series (the Sobol analysis): the
    stocks and premiums depend on no parameter but the regions' output per resident.
    """
    w, people = withdrawn(*nat, daily)
    out = {n: regional(n, w, people, daily) for n in names if n != "gdp_loss"}
    if "gdp_loss" in names:
        weighted = w
        if premium is not None:
            weighted = w + _along(daily["region_pass_through"], w) * withdrawn(*premium, daily)[0]
        out["gdp_loss"] = regional("gdp_loss", weighted, people, daily)
    return {n: out[n] for n in names}
