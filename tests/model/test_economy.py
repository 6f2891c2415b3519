"""The economy: no enforcement, no effect; effects in proportion; the parts add up to the whole.

Direction and magnitude checks of :mod:`deportsim.model.economy` and its metrics
(:mod:`deportsim.run.economy`), on its own equations and on runs of the pipeline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from deportsim.core.units import DAYS_PER_YEAR
from deportsim.engine import Streams
from deportsim.model import SimResult, economy, simulate
from deportsim.model.accounts import factors
from deportsim.model.stages.impacts import SECTORS
from deportsim.run.config import RunConfig
from deportsim.run.economy import ECONOMY_METRICS, yearly_values, years_of
from deportsim.run.prepare import Prepared, prepare
from deportsim.run.results import metric_values, regional_values

DAYS = 400


@functools.cache
def _prepared() -> Prepared:
    return prepare(RunConfig(scenario="directive-2025", years=DAYS / 365, replicates=3))


@functools.cache
def _run() -> SimResult:
    prep = _prepared()
    return simulate(prep.inputs, 3, Streams(11), skip=prep.bridge, threads=2)


def _daily() -> dict[str, np.ndarray]:
    return factors(_prepared().inputs)


def _series(removed: np.ndarray, held: np.ndarray, arrests: np.ndarray) -> dict[str, np.ndarray]:
    nat = {"removals_interior": removed, "detained_interior": held, "arrests_at_large": arrests}
    days = removed.shape[1]
    return economy.national(nat, {n: v[:days] for n, v in _daily().items()})


def test_no_removal_no_detention_no_arrest_no_effect() -> None:
    zero = np.zeros((2, DAYS))
    for name, values in _series(zero, zero, zero).items():
        assert np.all(values == 0.0), name


_counts = arrays(np.float64, (1, 60), elements=st.floats(0, 5e4, allow_subnormal=False))


@settings(max_examples=40, deadline=None)
@given(removed=_counts, held=_counts, arrests=_counts, k=st.floats(0.1, 10))
def test_effects_are_in_proportion_to_the_enforcement(
    removed: np.ndarray, held: np.ndarray, arrests: np.ndarray, k: float
) -> None:
    one = _series(removed, held, arrests)
    scaled = _series(k * removed, k * held, k * arrests)
    more = _series(removed + 1.0, held, arrests)  # one more removal every day
    for name in economy.SERIES:
        np.testing.assert_allclose(scaled[name], k * one[name], rtol=1e-9, atol=1e-6)
        if name in economy.CHANGES:  # jobs: never a gain, fewer with more removals
            assert np.all(one[name] <= 0.0)
            assert np.all(more[name] <= one[name] + 1e-6), name
        else:
            assert np.all(one[name] >= 0.0)
            assert np.all(more[name] >= one[name] - 1e-6), name


def test_a_removed_worker_stays_withdrawn_and_fear_lasts_a_year() -> None:
    removed, held, arrests = np.zeros((1, DAYS)), np.zeros((1, DAYS)), np.zeros((1, DAYS))
    removed[0, 10] = 1000.0
    arrests[0, 20] = 100.0
    daily = _daily()
    w = _series(removed, held, arrests)["workers_withdrawn"][0]
    employed, fear = daily["employed_share"], daily["fear_per_arrest"]
    assert w[9] == 0.0
    assert w[15] == pytest.approx(1000.0 * employed[15])
    assert w[20] == pytest.approx(1000.0 * employed[20] + 100.0 * fear[20])
    last = 20 + economy.FEAR_WINDOW - 1  # the arrest still counts on its 365th day, not after
    assert w[last] == pytest.approx(1000.0 * employed[last] + 100.0 * fear[last])
    assert w[last + 1] == pytest.approx(1000.0 * employed[last + 1])


def test_sectors_and_regions_add_up_to_the_whole() -> None:
    sim = _run()
    values = metric_values(sim)
    pairs = [("gdp_loss_usd", "gdp_loss_usd_")]
    pairs.append(("employment_change_immigrant", "employment_change_immigrant_"))
    for total, part in pairs:
        parts = sum(values[f"{part}{s}"] for s in SECTORS)
        np.testing.assert_allclose(parts, values[total], rtol=1e-9)
    regions = regional_values(sim)
    for name in ("gdp_loss_usd", "tax_revenue_lost_usd", "employment_change_us_born"):
        np.testing.assert_allclose(regions[name].sum(axis=1), values[name], rtol=1e-9)
    np.testing.assert_allclose(
        values["tax_revenue_lost_usd"],
        values["tax_revenue_lost_usd_federal"] + values["tax_revenue_lost_usd_state_local"],
        rtol=1e-9,
    )
    social, medicare = (
        values[f"{n}_contributions_lost_usd"] for n in ("social_security", "medicare")
    )
    assert np.all(social + medicare < values["tax_revenue_lost_usd_federal"])  # parts of it
    # in ITEP's proportion: $6.4 billion of Medicare to $25.7 billion of Social Security
    np.testing.assert_allclose(medicare / social, 588 / 2362, rtol=1e-9)
    assert np.all(values["gdp_loss_usd"] > 0)
    assert np.all(values["employment_change_us_born"] < 0)


def test_the_years_add_up_to_the_run() -> None:
    prep, sim = _prepared(), _run()
    years = yearly_values(sim, prep.start)
    spans = years_of(prep.start, sim.days)
    assert sum(b - a for a, b in spans.values()) == sim.days
    values = metric_values(sim)
    for name in ("gdp_loss_usd", "gdp_loss_usd_real", "tax_revenue_lost_usd"):
        np.testing.assert_allclose(sum(y[name] for y in years.values()), values[name], rtol=1e-9)
    last = max(years)
    np.testing.assert_array_equal(
        years[last]["employment_change_immigrant"], values["employment_change_immigrant"]
    )


def test_years_of_a_run_are_calendar_years() -> None:
    assert years_of(dt.date(2026, 4, 1), 1026) == {
        2026: (0, 275), 2027: (275, 640), 2028: (640, 1006), 2029: (1006, 1026),
    }  # fmt: skip


def test_taxes_lost_per_person_away_are_within_the_published_range() -> None:
    """Taxes lost a year per person removed, held or kept away, in 2024 dollars: from the American
    Immigration Council's $76.1 billion (federal $46.8B and state and local $29.3B, 2022, read in
    secondary accounts) to ITEP's $96.7 billion (2022), over ITEP's 10.88 million people."""
    sim = _run()
    daily, n = sim.factors, sim.national
    gone = np.cumsum(n["removals_interior"], axis=1) + n["detained_interior"]
    kept_away = n["workers_withdrawn"] - daily["employed_share"] * gone  # by fear
    assert np.all(kept_away >= -1e-6)
    real = (n["tax_revenue_lost"] / daily["price_level"]).sum(axis=1)
    per_person_year = real / (gone + kept_away).sum(axis=1) * DAYS_PER_YEAR
    population = 96.7e9 / 8889
    assert np.all(per_person_year >= 76.1e9 / population * 0.9)
    assert np.all(per_person_year <= 96.7e9 / population * 1.001)


def test_output_lost_is_never_more_than_the_day_s_gdp() -> None:
    """Extreme inputs (more workers away than the economy has) meet the ceiling of GDP itself."""
    many = np.full((1, DAYS), 5e7)
    daily = _daily()
    out = _series(many, many, many)
    ceiling = (daily["gdp_real"] * daily["price_level"])[:DAYS]
    assert np.all(out["gdp_loss"][0] <= ceiling * (1 + 1e-12))
    np.testing.assert_allclose(out["gdp_loss"][0, 10:], ceiling[10:], rtol=1e-12)  # reached
    # by region, each scaled alike: the shares of the whole stay those of the workers withdrawn
    # times the regions' value added per worker (Los Angeles and New York here, the rest none)
    regions = len(_prepared().inputs.regions)
    regional = np.zeros((1, DAYS, regions))
    regional[..., 0], regional[..., 1] = many, 3 * many
    cut = {n: v[:DAYS] for n, v in daily.items()}
    workers, people = economy.away(regional, regional, regional, cut)
    gdp = economy.regional("gdp_loss", workers, people, cut)
    np.testing.assert_allclose(gdp.sum(axis=2)[0, 10:], ceiling[10:], rtol=1e-12)
    value_added = economy.region_output(cut, gdp)[0]  # (days, regions)
    ratio = 3 * value_added[:, 1] / value_added[:, 0]
    np.testing.assert_allclose(gdp[0, :, 1], ratio * gdp[0, :, 0], rtol=1e-12)
    assert np.all(gdp[0, :, 2:] == 0.0)


def test_output_lost_per_worker_is_below_the_average_workers_output() -> None:
    """At the defaults, a worker withdrawn takes ``η·(ρ + ε)·Σ σ_s·r_s`` of an average worker's
    output: 0.8 × (0.88 + 0.088) × 0.8168 (the sectors' value added per worker, 0.57, 0.78,
    0.4, 1.06, 1 and 1 of the economy's, at the workers' shares 18, 5, 17, 12, 29 and 19%),
    less than one average worker's."""
    x = _prepared().inputs
    daily = _daily()
    average = x.gdp / x.employment * x.price_level
    ratio = daily["output_per_worker"] / average
    mix = 0.18 * 0.57 + 0.05 * 0.78 + 0.17 * 0.4 + 0.12 * 1.06 + 0.29 * 1.0 + 0.19 * 1.0
    np.testing.assert_allclose(ratio, 0.8 * (0.88 + 0.088) * mix, rtol=1e-9)
    raised = dataclasses.replace(x, us_born_jobs=x.us_born_jobs * 0 + 0.78)
    assert np.all(economy.factors(raised)["output_per_worker"] > daily["output_per_worker"])


def test_a_sector_loses_output_by_its_workers_and_their_value_added() -> None:
    """A sector's share of the output lost is its share of the workers times its value added per
    worker relative to the economy's, over the same for all sectors: hospitality, with 17% of
    the workers and 0.4 of the economy's value added per worker, has about 8% of the loss."""
    x = _prepared().inputs
    daily = _daily()
    weights = {s: x.sector_share[s] * x.sector_output[s] for s in SECTORS}
    total = sum(weights.values())
    for s in SECTORS:
        np.testing.assert_allclose(
            daily[f"output_{s}"] / daily["output_per_worker"], weights[s] / total, rtol=1e-9
        )
    hospitality = daily["output_hospitality"] / daily["output_per_worker"]
    np.testing.assert_allclose(hospitality, 0.17 * 0.4 / 0.8168, rtol=1e-9)
    assert np.all(hospitality < x.sector_share["hospitality"])
    doubled = dataclasses.replace(
        x, sector_output={**x.sector_output, "construction": 2 * x.sector_output["construction"]}
    )
    more = economy.factors(doubled)
    assert np.all(more["output_construction"] > daily["output_construction"])
    np.testing.assert_allclose(more["output_hospitality"], daily["output_hospitality"])


def test_a_metro_worker_produces_the_nations_average_times_part_of_the_metros_premium() -> None:
    """A worker withdrawn in region ``g`` takes ``1 + λ·(g - 1)`` of the nation's output per
    worker: New York, at 1.44 times the nation's GDP per resident and λ = 0.4, 1.176. The
    nation's output lost is the regions' summed: more than at the nation's average where, as
    under the directive, the workers withdrawn are in the metros; the same with λ = 0."""
    x, daily, sim = _prepared().inputs, _daily(), _run()
    ny = x.regions.index("NY")
    value_added = economy.region_output(daily, np.zeros((1, x.days, len(x.regions))))[0]
    np.testing.assert_allclose(value_added[:, ny], 1 + 0.4 * 0.44, rtol=1e-12)
    stored = {n: sim.region(n) for n in economy.READ}
    nat = {n: sim.national[n] for n in economy.READ}
    whole = economy.national(nat, sim.factors, stored)["gdp_loss"]
    average = economy.national(nat, sim.factors)["gdp_loss"]
    np.testing.assert_allclose(whole, sim.national["gdp_loss"], rtol=1e-12)
    np.testing.assert_allclose(whole, sim.region("gdp_loss").sum(axis=2), rtol=1e-12)
    share_in_metros = stored["removals_interior"][..., :-1].sum() / nat["removals_interior"].sum()
    assert share_in_metros > 0.3
    assert whole.sum() > 1.01 * average.sum()
    flat = dataclasses.replace(x, region_pass_through=0.0 * x.region_pass_through)
    flat_daily = {**sim.factors, **economy.factors(flat)}
    flat_daily = {n: v[..., -sim.days :] for n, v in flat_daily.items()}
    np.testing.assert_allclose(
        economy.national(nat, flat_daily, stored)["gdp_loss"], average, rtol=1e-9
    )


def test_the_nation_is_the_regions_summed_per_replicate_and_under_the_ceiling() -> None:
    """Output lost by region (each at its own value added per worker) summed equals the nation's
    (computed without an axis of regions), with each replicate's own pass-through and with the
    ceiling of the day's GDP binding on some days."""
    x = _prepared().inputs
    rng = np.random.default_rng(7)
    regions = len(x.regions)
    by_region = {n: rng.uniform(0, 2e4, (2, DAYS, regions)) for n in economy.READ}
    nat = {n: v.sum(axis=2) for n, v in by_region.items()}
    own = [economy.factors(dataclasses.replace(x, region_pass_through=x.region_pass_through * k))
           for k in (0.2, 1.3)]  # fmt: skip
    daily = {n: np.stack([o[n] for o in own])[:, :DAYS] for n in own[0]}
    daily["employed_share"] = np.stack([x.employed_share[:DAYS]] * 2)
    free = economy.national(nat, daily, by_region)["gdp_loss"]
    assert not np.allclose(free[0], free[1])  # each replicate its own value added per worker
    # a ceiling at the median day's loss of the first replicate: binding on about half the days
    low = np.median(free[0]) / daily["price_level"]
    for gdp in (daily["gdp_real"], low):
        cut = {**daily, "gdp_real": gdp}
        whole = economy.national(nat, cut, by_region)["gdp_loss"]
        parts = economy.regional("gdp_loss", *economy.away(*by_region.values(), cut), cut)
        np.testing.assert_allclose(whole, parts.sum(axis=2), rtol=1e-12)
    ceiling = low * daily["price_level"]
    assert np.all(whole <= ceiling * (1 + 1e-12))
    binding = np.isclose(whole, ceiling, rtol=1e-12)
    assert 0.2 < binding.mean() < 0.9, "the ceiling binds on some days, not all"


def _as_documented(name: str) -> str:
    """A metric's name as results.md lists it: one row for all sectors."""
    for sector in SECTORS:
        if name.endswith(f"_{sector}"):
            return name.removesuffix(sector) + "<sector>"
    return name


def test_every_economy_metric_is_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "reference" / "results.md").read_text("utf-8")
    missing = sorted({n for n in map(_as_documented, ECONOMY_METRICS) if f"`{n}`" not in text})
    assert not missing, missing


def test_wages_of_the_least_schooled_rise_by_the_share_withdrawn_times_the_elasticity() -> None:
    """At the defaults, a million workers withdrawn take 47% of themselves from the 9.219 million
    workers without a diploma and 27% from the 35.931 million with a diploma and no more (BLS,
    December 2024); at an elasticity of 0.2 those groups' wages rise 1.02% and 0.15%."""
    daily = {n: v[:1] for n, v in _daily().items()}
    million = np.full((1, 1), 1e6)
    no_diploma = economy.wage_change(million, daily, "no_diploma")
    high_school = economy.wage_change(million, daily, "high_school")
    np.testing.assert_allclose(no_diploma, 100 * 0.2 * 0.47e6 / 9.219e6, rtol=1e-9)
    np.testing.assert_allclose(high_school, 100 * 0.2 * 0.27e6 / 35.931e6, rtol=1e-9)
    assert np.all(economy.wage_change(np.zeros((1, 1)), daily, "no_diploma") == 0.0)


@settings(max_examples=40, deadline=None)
@given(workers=arrays(np.float64, (2, 30), elements=st.floats(0, 1e9, allow_subnormal=False)))
def test_wages_rise_with_the_workers_withdrawn_and_never_past_the_whole_group(
    workers: np.ndarray,
) -> None:
    """More workers withdrawn never lower a wage; at most the whole group goes, so a wage rises
    by at most the elasticity times 100% (20% at the default), however many are withdrawn."""
    daily = {n: v[:30] for n, v in _daily().items()}
    for group in economy.WAGE_GROUPS:
        change = economy.wage_change(workers, daily, group)
        more = economy.wage_change(workers + 1e5, daily, group)
        assert np.all(change >= 0.0)
        assert np.all(more >= change)
        assert np.all(change <= 100 * 0.2 + 1e-9)
    none = dataclasses.replace(
        _prepared().inputs, wage_elasticity=_prepared().inputs.wage_elasticity * 0
    )
    flat = {n: v[:30] for n, v in economy.factors(none).items()}
    assert np.all(economy.wage_change(workers, flat, "no_diploma") == 0.0)


def test_wage_metrics_are_the_wage_change_on_the_last_day_of_the_run_and_of_each_year() -> None:
    """The run's wage metrics are its last day's; each calendar year's, that year's last day's
    in the run, with the day's own factors (here an elasticity that grows day by day)."""
    sim = _run()
    values = metric_values(sim)
    for group in economy.WAGE_GROUPS:
        expected = economy.wage_change(sim.national["workers_withdrawn"], sim.factors, group)
        np.testing.assert_array_equal(values[f"wage_change_{group}"], expected[:, -1])
        assert np.all(values[f"wage_change_{group}"] > 0.0)  # the directive withdraws workers
    growing = np.linspace(0.1, 0.4, sim.days)
    varied = dataclasses.replace(sim, factors={**sim.factors, "wage_elasticity": growing})
    full = economy.wage_change(varied.national["workers_withdrawn"], varied.factors, "no_diploma")
    years = yearly_values(varied, _prepared().start)
    spans = years_of(_prepared().start, sim.days)
    assert len(years) >= 2
    for year, (_, last) in spans.items():
        np.testing.assert_array_equal(years[year]["wage_change_no_diploma"], full[:, last - 1])
