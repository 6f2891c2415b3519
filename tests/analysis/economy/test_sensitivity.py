"""Which economic assumption matters most: Sobol indices of the output and the taxes lost.

One small run of directive-2025 (3 replicates, half a year, seed 5, parameters fixed): its
pipeline series held fixed, the economic stage evaluated again for each sample of the economic
parameters. The indices are checked against what the equations imply: a parameter that does
not enter a metric has no index for it, one held fixed has none, one that multiplies the whole
metric has a large one.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from deportsim.analysis.economy import sensitivity as es
from deportsim.model import SimResult
from deportsim.model.stages.impacts import SECTORS
from deportsim.run import Prepared, RunConfig, execute, prepare

CONFIG = RunConfig(scenario="directive-2025", replicates=3, years=0.5, seed=5)
N = 256  # base samples: enough for indices within a few hundredths
#: The parameters that do not enter each metric (docs/economy.md: the taxes are per person gone,
#: the output per worker withdrawn; Social Security and Medicare are parts of the federal taxes).
NOT_IN = {
    "gdp_loss_usd": {
        "economy.tax_federal_per_person", "economy.tax_state_local_per_person",
        "economy.social_security_per_person", "economy.medicare_per_person",
    },
    "tax_revenue_lost_usd": {
        "economy.relative_output", "economy.output_elasticity", "economy.us_born_jobs_per_worker",
        "economy.gdp", "economy.social_security_per_person", "economy.medicare_per_person",
        "impacts.employed_share",  # the taxes are per person away, not per worker
        "economy.region_output_pass_through",
        *(f"economy.output_ratio_{s}" for s in SECTORS),
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def ran() -> tuple[Prepared, SimResult, dict[str, dict[str, float]]]:
    """The prepared run, its series and its summary's metrics."""
    prep = prepare(CONFIG)
    done = execute(prep)
    return prep, done.sim, done.summary["metrics"]


@pytest.fixture(scope="module")
def result(ran: tuple[Prepared, SimResult, dict[str, dict[str, float]]]) -> es.EconomySensitivity:
    prep, sim, _ = ran
    return es.from_run(prep, sim, base_samples=N)


def _index(res: es.EconomySensitivity, metric: str, path: str) -> tuple[float, float]:
    ind = res.indices[metric]
    j = ind.paths.index(path)
    return float(ind.s1[j]), float(ind.st[j])


def test_every_economic_parameter_with_a_range_is_varied_over_the_draws_range(
    result: es.EconomySensitivity,
) -> None:
    paths = [r.path for r in result.ranges]
    assert "impacts.employed_share" in paths
    assert "economy.output_elasticity" in paths
    assert "economy.fear_withdrawn_per_arrest" in paths
    assert "economy.employment" not in paths, "no stated range: held at its value"
    assert not es.WAGE_PATHS & set(paths), "the wages move neither output nor taxes"
    assert len(paths) == 18  # 11 of economy.yaml, 6 sectors' value added, the employed share
    assert "economy.region_output_pass_through" in paths
    assert result.samples == N * 20
    # each sector's value added per worker is varied alone; the shares are held, and said so
    keyed = {r.path: r.key for r in result.ranges if r.key is not None}
    assert keyed == {f"economy.output_ratio_{s}": s for s in SECTORS}
    assert set(es.SHARES_HELD) <= set(result.left_fixed)
    # varied alone, a sector's value added per worker moves the output lost by its own share
    _, services = _index(result, "gdp_loss_usd", "economy.output_ratio_services")
    _, agriculture = _index(result, "gdp_loss_usd", "economy.output_ratio_agriculture")
    assert services > 0.002  # small (0.007 here) but not nothing: agriculture is 0.0002
    assert services > agriculture  # 29% of the workers and a wider range, against 5%
    by_path = {r.path: r for r in result.ranges}
    elasticity = by_path["economy.output_elasticity"]
    assert (elasticity.low, elasticity.reference, elasticity.high) == (0.57, 0.8, 1.0)
    gdp = by_path["economy.gdp"]  # a relative range: multiples of the first day's value
    assert gdp.low == pytest.approx(0.95 * gdp.reference)
    assert gdp.high == pytest.approx(1.05 * gdp.reference)
    u = np.linspace(0.001, 0.999, 999)
    v = elasticity.values(u)
    assert v.min() >= 0.57
    assert v.max() <= 1.0
    assert abs(float(np.median(v)) - 0.8) < 0.05


def test_the_indices_are_shares_of_the_spread(result: es.EconomySensitivity) -> None:
    for metric, ind in result.indices.items():
        assert np.isfinite(np.r_[ind.s1, ind.st]).all(), metric
        assert ((ind.s1 >= -0.1) & (ind.s1 <= 1.1)).all(), f"{metric}: S1 {ind.s1}"
        assert (ind.st >= ind.s1 - 0.05).all(), f"{metric}: ST below S1: {ind.st} {ind.s1}"
        assert 0.8 <= float(ind.s1.sum()) <= 1.1, f"{metric}: nearly additive, {ind.s1.sum()}"
        assert float(ind.st.sum()) >= 0.95, f"{metric}: the total indices cover the spread"


def test_a_parameter_that_does_not_enter_a_metric_has_no_index_for_it(
    result: es.EconomySensitivity,
) -> None:
    for metric, paths in NOT_IN.items():
        for path in paths:
            s1, st = _index(result, metric, path)
            assert max(abs(s1), abs(st)) < 1e-9, f"{metric} does not depend on {path}"
        others = [p for p in result.indices[metric].paths if p not in paths]
        assert all(_index(result, metric, p)[1] > 1e-4 for p in others), metric


def test_what_multiplies_the_whole_metric_matters(result: es.EconomySensitivity) -> None:
    for metric, path in (
        ("gdp_loss_usd", "economy.output_elasticity"),
        ("gdp_loss_usd", "economy.fear_withdrawn_per_arrest"),
        ("tax_revenue_lost_usd", "economy.tax_federal_per_person"),
    ):
        s1, st = _index(result, metric, path)
        assert min(st - 0.05, s1 - 0.03) > 0, f"{path} matters for {metric}: S1 {s1}, ST {st}"
    _, gdp = _index(result, "gdp_loss_usd", "economy.gdp")
    _, elasticity = _index(result, "gdp_loss_usd", "economy.output_elasticity")
    assert gdp < elasticity / 5, "GDP within 5% matters far less than the 0.57-1 elasticity"


def test_a_parameter_held_fixed_has_no_index(
    ran: tuple[Prepared, SimResult, dict[str, dict[str, float]]],
    result: es.EconomySensitivity,
) -> None:
    prep, sim, _ = ran
    held = "economy.output_elasticity"
    ranges = [r.fixed() if r.path == held else r for r in result.ranges]
    fixed = es.analyse(
        es.mean_series(sim), prep.inputs, ranges, base_samples=N, seed=5,
        by_region=es.mean_regional(sim),
    )  # fmt: skip
    s1, st = _index(fixed, "gdp_loss_usd", held)
    assert max(abs(s1), abs(st)) < 0.01, f"held at its value: S1 {s1}, ST {st}"
    assert fixed.reference == result.reference, "held at the reference: the same central value"
    _, fear_before = _index(result, "gdp_loss_usd", "economy.fear_withdrawn_per_arrest")
    _, fear_after = _index(fixed, "gdp_loss_usd", "economy.fear_withdrawn_per_arrest")
    assert fear_after > fear_before, "the others share the spread that is left"


def test_the_reference_is_the_runs_metric_by_the_models_own_equations(
    ran: tuple[Prepared, SimResult, dict[str, dict[str, float]]],
    result: es.EconomySensitivity,
) -> None:
    *_, metrics = ran
    # linear in the pipeline's series: the metric of the mean series is the replicates' mean
    for metric in es.METRIC_WORDS:
        assert result.reference[metric] == pytest.approx(metrics[metric]["mean"], rel=1e-6)


def test_the_same_seed_gives_the_same_indices_and_a_sentence_names_the_first(
    ran: tuple[Prepared, SimResult, dict[str, dict[str, float]]],
    result: es.EconomySensitivity,
) -> None:
    prep, sim, _ = ran
    again = es.from_run(prep, sim, base_samples=N)
    for metric, ind in result.indices.items():
        assert np.array_equal(ind.st, again.indices[metric].st), metric
        top = ind.top(1)[0]
        said = result.sentence(metric)
        assert f"{es.LABELS[top]} ({top})" in said, said
        assert said.startswith(f"What matters most for {es.METRIC_WORDS[metric]} ({metric})")
    doc = result.to_json()
    assert doc["samples"] == N * 20
    assert set(doc["metrics"]) == set(es.METRIC_WORDS)
    other = es.from_run(prep, sim, base_samples=N, seed=6)
    assert not np.array_equal(other.indices["gdp_loss_usd"].st, result.indices["gdp_loss_usd"].st)


def test_the_metros_value_added_moves_the_output_lost(
    ran: tuple[Prepared, SimResult, dict[str, dict[str, float]]],
    result: es.EconomySensitivity,
) -> None:
    """The share of a metro's premium a worker carries moves the output lost (the directive's
    arrests fall in the metros, richer than the rest; never the taxes: :data:`NOT_IN`); without
    the regions, every worker is at the nation's average, less output lost."""
    prep, sim, _ = ran
    path = "economy.region_output_pass_through"
    _, st = _index(result, "gdp_loss_usd", path)
    assert st > 5e-4, f"the metros' premium matters a little (0.002 here): ST {st}"
    assert "economy.output_ratio_by_region" in result.left_fixed  # regional: not drawn
    held = [r.fixed() for r in result.ranges]
    national = es.analyse(es.mean_series(sim), prep.inputs, held, base_samples=N)
    assert national.reference["gdp_loss_usd"] < result.reference["gdp_loss_usd"]
    assert national.reference["tax_revenue_lost_usd"] == pytest.approx(
        result.reference["tax_revenue_lost_usd"], rel=1e-12
    )


def test_samples_evaluated_in_blocks_or_one_by_one_give_the_same_indices(
    ran: tuple[Prepared, SimResult, dict[str, dict[str, float]]],
    result: es.EconomySensitivity,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A block of samples is a run's replicates: each row its own inputs. With one sector's value
    added varied alone (the other sectors' entries stay daily series), as with all of them."""
    prep, sim, _ = ran
    some = [r for r in result.ranges if r.path in {
        "economy.output_ratio_construction", "economy.region_output_pass_through",
        "impacts.employed_share",
    }]  # fmt: skip
    assert len(some) == 3
    for ranges in (some, list(result.ranges)):
        done = {}
        for block in (1, 32):
            monkeypatch.setattr(es, "BLOCK", block)
            done[block] = es.analyse(
                es.mean_series(sim), prep.inputs, ranges, base_samples=64, seed=3,
                by_region=es.mean_regional(sim),
            )  # fmt: skip
        for metric in es.METRIC_WORDS:
            one, many = done[1].indices[metric], done[32].indices[metric]
            np.testing.assert_allclose(many.st, one.st, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(many.s1, one.s1, rtol=1e-9, atol=1e-12)
        assert done[1].reference == done[32].reference


def test_a_parameter_set_on_the_command_line_is_not_varied() -> None:
    prep = prepare(dataclasses.replace(CONFIG, sets=("economy.relative_output=0.6",)))
    ranges, left = es.economic_ranges(prep.resolved)
    assert "economy.relative_output" not in [r.path for r in ranges]
    assert "--set" in left["economy.relative_output"]


def test_a_full_analysis_of_a_prepared_run_is_of_its_mean_field_path() -> None:
    # its time (about 2 s) is measured where speed is measured: docs/economy.md, not a test
    res = es.from_prepared(prepare(CONFIG))  # a mean-field run, then N = 1024
    assert res.base_samples == 1024
    assert "mean-field" in res.source
    assert res.indices["gdp_loss_usd"].top(1)[0] != "economy.gdp"
