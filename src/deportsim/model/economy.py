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
3. Output lost a day: ``W·Σ_s σ_s·η·(ρ + ε)·r_s·v·P``, with ``σ_s`` the workers' share in
   sector ``s`` (``impacts.sector_*``), ``r_s`` the sector's value added per worker relative to
   the whole economy's (``economy.output_ratio_*``), ``v`` the average worker's value added a
   day (GDP over employment, 2024 dollars), ``ρ`` an unauthorized worker's output relative to
   the average worker of the same sector (``economy.relative_output``), ``η`` the share of a
   worker's output lost with the worker (``economy.output_elasticity``) and ``P`` the price
   level (2024 = 1): nominal dollars; without ``P``, 2024 dollars. Each term of the sum is the
   sector's output lost.
4. Taxes lost a day: the people away, ``R(t) + D(t) + φ(t)·A(t)`` (the removed and held, and the
   workers kept away by fear, each counted once), times federal (Social Security and Medicare
   included), state-and-local, Social Security and Medicare taxes per person a day, times ``P``.
5. Wages (national, from competition alone): the workers withdrawn take the share ``s_g`` of
   the labor force ``L_g`` of their education group ``g`` (no high-school diploma; a diploma and
   no more), and the group's wages change by ``100·κ·min(s_g·W(t)/L_g, 1)`` percent, with ``κ``
   the percent a group's wages fall per 1% more workers in it (``economy.wage_elasticity``).

Every series is ``W`` (the taxes: the people away) times a daily factor (:func:`factors`), so
the regions add up to the nation and every sector's share of output adds up to the whole. One
ceiling keeps extreme parameters physical: a day's output lost is at most that day's GDP (the
regions scaled down alike).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from deportsim.model.stages.impacts import SECTORS

if TYPE_CHECKING:
    from deportsim.model.inputs import Inputs

__all__ = [
    "CHANGES", "FEAR_WINDOW", "PER_PERSON", "PER_WORKER", "SERIES", "WAGE_GROUPS", "away",
    "factors", "national", "regional", "wage_change",
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
    ``price_level`` turns nominal dollars into 2024 dollars and ``gdp_real`` is the baseline GDP
    a day in 2024 dollars. Wages: ``supply_<group>_per_worker`` is the share of the group's
    labor force each worker withdrawn takes, ``wage_elasticity`` the percent its wages move per
    percent of it.
    """
    price = x.price_level
    average = x.gdp / x.employment  # value added per worker a day, 2024 dollars
    per_worker = x.output_elasticity * (x.relative_output + x.us_born_jobs) * average * price
    per_sector = {s: per_worker * x.sector_share[s] * x.sector_output[s] for s in SECTORS}
    tax_federal = x.tax_federal * price  # per person away a day
    tax_state_local = x.tax_state_local * price
    return {
        "fear_per_arrest": x.fear_per_arrest,
        "immigrant_per_worker": np.full(x.days, -1.0),
        "us_born_per_worker": -x.us_born_jobs,
        "output_per_worker": np.asarray(np.sum(list(per_sector.values()), axis=0), np.float64),
        **{f"output_{s}": v for s, v in per_sector.items()},
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


def away(
    removals_interior: F, detained_interior: F, arrests_at_large: F, daily: dict[str, F]
) -> tuple[F, F]:
    """Workers withdrawn (step 1) and people away (step 4), national or by region.

    Arrays (replicates, days[, regions]); ``daily``: the factors ``employed_share`` and
    ``fear_per_arrest``, (days,) or per replicate.
    """
    employed = _along(daily["employed_share"], removals_interior)
    fear = _along(daily["fear_per_arrest"], arrests_at_large)
    gone = np.cumsum(removals_interior, axis=1) + detained_interior
    kept_away = fear * _trailing(arrests_at_large, FEAR_WINDOW)
    workers = np.asarray(employed * gone + kept_away, dtype=np.float64)
    return workers, np.asarray(gone + kept_away, dtype=np.float64)


def regional(name: str, workers: F, people: F, daily: dict[str, F]) -> F:
    """One economic series from workers withdrawn and people away (time on axis 1).

    Output lost is held to the day's GDP: where the whole (the regions summed) would exceed it,
    every region is scaled down by the same ratio.
    """
    if name == "workers_withdrawn":
        return workers
    base = people if name in PER_PERSON else workers
    value = np.asarray(base * _along(daily[PER_WORKER[name]], base), dtype=np.float64)
    if name != "gdp_loss":
        return value
    whole = value.sum(axis=2) if value.ndim == 3 else value
    ceiling = _along(daily["gdp_real"] * daily["price_level"], whole)
    scale = np.minimum(1.0, np.divide(ceiling, whole, out=np.ones_like(whole), where=whole > 0))
    return np.asarray(value * (scale[..., None] if value.ndim == 3 else scale), np.float64)


def wage_change(workers: F, daily: dict[str, F], group: str) -> F:
    """Step 5: the percent change of the wages of an education group (:data:`WAGE_GROUPS`).

    ``workers``: workers withdrawn, national, (replicates, days); ``daily``: the factors of
    :func:`factors`. What competition alone gives (capital fixed, demand unchanged): the share of
    the group's labor force withdrawn, at most all of it, times the wage elasticity, in percent.
    """
    taken = workers * _along(daily[f"supply_{group}_per_worker"], workers)
    share = np.minimum(taken, 1.0)
    return np.asarray(100.0 * _along(daily["wage_elasticity"], workers) * share, np.float64)


def national(nat: dict[str, F], daily: dict[str, F]) -> dict[str, F]:
    """Every economic series of the nation from the pipeline's national series of a run.

    ``nat`` holds ``removals_interior``, ``detained_interior`` and ``arrests_at_large`` from the
    run's first kept day; ``daily`` the run's factors over the same days.
    """
    w, people = away(
        nat["removals_interior"], nat["detained_interior"], nat["arrests_at_large"], daily
    )
    return {name: regional(name, w, people, daily) for name in SERIES}
