"""Which economic assumption matters most: Sobol indices of the output and taxes lost.

The economic parameters do not feed back into the pipeline: arrests, detention and removals are
the same whatever a worker produces or pays in taxes. So the pipeline runs once and only the
economic stage is evaluated again for each sample, with the model's own equations
(:func:`deportsim.model.economy.factors` and :func:`deportsim.model.economy.national`) on the
fixed pipeline series: thousands of samples take seconds.

The fixed series (interior removals, people arrested in the interior and held, at-large arrests,
national and by region: output lost is the regions' summed, each at its own value added per
worker) are either a finished run's, averaged over its replicates (:func:`from_run`), or a
mean-field run of the scenario at its central values (:func:`from_prepared`). The average is
exact for the question asked: for given economic parameters every economic series is linear in
the pipeline's series, so the economic metric of the average series is the average of the
replicates' metrics.

Varied: the parameters of ``economy.yaml`` (but the wages', :data:`WAGE_PATHS`; a sector's
value added per worker scaled alone, :data:`KEYS`) and ``impacts.employed_share`` that a run
draws; the workers' sector shares and the regions' output per resident are held
(:data:`SHARES_HELD`, :data:`REGIONS_HELD`)
(:data:`PATHS`; :func:`economic_ranges` reads their ranges from
:func:`deportsim.run.draws.draw_parameters`, which also says why any is left fixed). Each is
sampled over its stated range through its distribution (:func:`deportsim.run.draws.quantile`,
the draws' own mapping: triangular and PERT with the parameter's value as the mode, normal and
lognormal with ``low`` and ``high`` as the 5th and 95th percentiles) and applied, as a run's
draws are, as the factor ``value / reference`` on the parameter's whole daily series.

The design and the indices follow :mod:`deportsim.analysis.sweeps.sensitivity`: Saltelli's
extension of Sobol' sequences (first-order and total indices, ``N × (D + 2)`` samples),
``SALib.analyze.sobol`` with bootstrap confidence intervals.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import NDArray

from deportsim.analysis.sweeps.sensitivity import CONF_LEVEL, RESAMPLES, Indices, saltelli_unit
from deportsim.engine import Streams
from deportsim.model import Inputs, SimResult, simulate
from deportsim.model import economy as equations
from deportsim.model.stages import economy as economy_stage
from deportsim.model.stages import impacts as impacts_stage
from deportsim.model.stages.impacts import SECTORS
from deportsim.parameters import Resolved
from deportsim.parameters.schema import Uncertainty
from deportsim.run import Prepared
from deportsim.run.draws import draw_parameters, quantile
from deportsim.run.results import METRICS

__all__ = [
    "BASE_SAMPLES",
    "KEYS",
    "LABELS",
    "METRIC_WORDS",
    "PATHS",
    "REGIONS_HELD",
    "SERIES",
    "SHARES_HELD",
    "WAGE_PATHS",
    "EconomicRange",
    "EconomySensitivity",
    "analyse",
    "economic_ranges",
    "from_prepared",
    "from_run",
    "mean_regional",
    "mean_series",
]

F = NDArray[np.float64]
Distribution = Literal["uniform", "triangular", "pert", "normal", "lognormal"]

#: Saltelli base samples (a power of 2): ``N × (D + 2)`` evaluations of the economic stage.
BASE_SAMPLES = 1024
#: Samples evaluated together (their factors a row each, as a run's replicates'): arrays of 32
#: samples by four years' days (370 kB) stay in the processor's cache; 32 took 2.0 s for 20,480
#: samples, 8 took 2.6 s and 128 took 5.1 s (directive-2025, four years).
BLOCK = 32
#: The metrics analysed (summary.json's names).
METRIC_WORDS = {
    "gdp_loss_usd": "the output lost",
    "tax_revenue_lost_usd": "the taxes lost",
}
#: The pipeline's series the economy reads, national and by region.
SERIES = equations.READ
#: The parameters of the wages alone (step 5 of :mod:`deportsim.model.economy`): they change
#: neither the output nor the taxes lost, so they are not varied here.
WAGE_PATHS = frozenset(r.path for r in economy_stage.WAGE_READS)
#: The economic parameters, by path, and the Inputs field each fills (the stages' ``READS``).
PATHS: dict[str, str] = {
    r.path: r.field
    for r in (*economy_stage.READS, *impacts_stage.READS)
    if r.path not in WAGE_PATHS
    and (r.path.startswith("economy.") or r.path == "impacts.employed_share")
}
#: The key of a parameter that fills one entry of a field made of several (a sector's value added
#: per worker): :func:`_inputs` scales that entry alone.
KEYS: dict[str, str] = {
    r.path: r.key for r in economy_stage.READS if r.key is not None and r.path in PATHS
}
#: The workers' sector shares, drawn as a set that keeps its total: held at their values here,
#: since varied one by one they would no longer add up to the whole.
SHARES_HELD = {
    "impacts.sector_<sector>": "the workers' sector shares, drawn as a set that adds up to 1: "
    "held at their values here, since varied one by one they would no longer add up"
}
#: The regions' output per resident: measured, not drawn (a regional parameter); what a worker
#: there carries of it is uncertain, and varied (``economy.region_output_pass_through``).
REGIONS_HELD = {
    "economy.output_ratio_by_region": "each region's output per resident over the nation's, "
    "measured (BEA and Census, 2023): held; the share of it a worker carries is varied"
}
#: Each parameter in plain words.
LABELS = {
    "economy.fear_withdrawn_per_arrest": "how many workers stop working for fear per arrest",
    "economy.us_born_jobs_per_worker": "how many US-born jobs go with each worker withdrawn",
    "economy.relative_output": "how much an unauthorized worker produces within a sector",
    "economy.output_elasticity": "how much of a worker's output is lost with the worker",
    "economy.region_output_pass_through": "how much of a metro's higher output per resident "
    "a worker there carries",
    "economy.gdp": "the level of GDP",
    "economy.employment": "the number of people employed",
    "economy.price_level": "the price level",
    "economy.tax_federal_per_person": "the federal taxes paid per person",
    "economy.tax_state_local_per_person": "the state and local taxes paid per person",
    "economy.social_security_per_person": "the Social Security taxes paid per person",
    "economy.medicare_per_person": "the Medicare taxes paid per person",
    "impacts.employed_share": "the share of removed people who were employed",
    **{f"economy.output_ratio_{s}": f"the value added per worker in {s}" for s in SECTORS},
}
#: Below this total index a parameter is said not to matter.
NEGLIGIBLE = 0.01


@dataclass(frozen=True)
class EconomicRange:
    """One varied parameter: its Inputs field, distribution and bounds in canonical units.

    ``reference`` is its value on the run's first day before any override (the mode of a
    triangular or PERT range); a sample's value ``v`` multiplies the field by ``v / reference``
    (its ``key``'s entry alone, for a field made of several).
    """

    path: str
    field: str
    unit: str
    distribution: str
    low: float
    high: float
    reference: float
    key: str | None = None

    def values(self, u: F) -> F:
        """The parameter's values at probabilities ``u`` (the draws' mapping)."""
        how = cast(Distribution, self.distribution)
        spec = Uncertainty(distribution=how, low=self.low, high=self.high)
        v = np.maximum(quantile(u, spec, self.reference, 1.0), 0.0)
        return np.minimum(v, 1.0) if self.unit == "probability" else v

    def fixed(self) -> EconomicRange:
        """The same parameter held at its reference value (a range of zero width)."""
        return dataclasses.replace(
            self, distribution="uniform", low=self.reference, high=self.reference
        )


def economic_ranges(resolved: Resolved) -> tuple[tuple[EconomicRange, ...], dict[str, str]]:
    """The economic parameters a run of ``resolved`` draws, and why each other one is not.

    The ranges are the draws' own (:func:`deportsim.run.draws.draw_parameters`): a relative
    range already turned into bounds around the first day's value, in canonical units.
    """
    draws = draw_parameters(resolved, 1, 0)
    ranges = []
    for path, how in draws.drawn.items():
        if path not in PATHS:
            continue
        distribution = str(how["distribution"]).split(" ")[0]  # "triangular (fitted ...)"
        low, high, reference = (float(how[k]) for k in ("low", "high", "reference"))
        unit = str(how["unit"])
        ranges.append(
            EconomicRange(
                path, PATHS[path], unit, distribution, low, high, reference, KEYS.get(path)
            )
        )
    left = {p: why for p, why in draws.not_drawn.items() if p in PATHS}
    return tuple(ranges), left | SHARES_HELD | REGIONS_HELD


def _inputs(x: Inputs, ranges: Sequence[EconomicRange], factors: F) -> Inputs:
    """``x`` with each range's field times its factor (probabilities capped at 1).

    ``factors``: (samples, ranges), a block of samples: each field varied becomes (samples,
    days), one row a sample, as a run's per-replicate inputs.
    """
    changed: dict[str, Any] = {}
    for j, r in enumerate(ranges):
        f = factors[:, j : j + 1]
        if r.key is not None:  # one entry of a field made of several
            entries = changed.setdefault(r.field, dict(getattr(x, r.field)))
            entries[r.key] = entries[r.key] * f
            continue
        value = getattr(x, r.field) * f
        changed[r.field] = np.minimum(value, 1.0) if r.unit == "probability" else value
    return dataclasses.replace(x, **changed)


def _daily(x: Inputs, days: int) -> dict[str, F]:
    """The economy's daily factors of ``x`` over its last ``days`` days (the fixed series')."""
    daily = {"employed_share": x.employed_share, **equations.factors(x)}
    return {name: values[..., x.days - days :] for name, values in daily.items()}


def _totals(series: tuple[F, F], x: Inputs, by_region: tuple[F, F] | None = None) -> dict[str, F]:
    """The analysed metrics of the economic stage on fixed series, one a sample of ``x``.

    ``series``: the fixed series' :func:`deportsim.model.economy.stocks`; ``by_region``: their
    regions' :func:`deportsim.model.economy.premiums`;
    ``x``: inputs whose varied fields are (samples, days) (:func:`_inputs`) or (days,).
    """
    daily = _daily(x, series[0].shape[1])
    out = equations.national_of(series, daily, by_region, ("gdp_loss", "tax_revenue_lost"))
    return {
        "gdp_loss_usd": out["gdp_loss"].sum(axis=1),
        "tax_revenue_lost_usd": out["tax_revenue_lost"].sum(axis=1),
    }


@dataclass(frozen=True)
class EconomySensitivity:
    """Sobol indices of the output and the taxes lost over the economic parameters' ranges.

    ``indices``: by metric (:data:`METRIC_WORDS`), S1 and ST with their confidence half-widths
    (:class:`~deportsim.analysis.sweeps.sensitivity.Indices`); ``reference``: each metric at the
    parameters' reference values on the same series; ``source``: which pipeline series were
    held fixed, in words; ``left_fixed``: economic parameters with a range that were not varied,
    and why.
    """

    scenario: str
    ranges: tuple[EconomicRange, ...]
    indices: dict[str, Indices]
    reference: dict[str, float]
    base_samples: int
    seed: int
    source: str
    left_fixed: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def samples(self) -> int:
        """Evaluations of the economic stage: ``N × (D + 2)``."""
        return self.base_samples * (len(self.ranges) + 2)

    def sentence(self, metric: str) -> str:
        """Which assumption matters most for ``metric``, in plain words."""
        ind = self.indices[metric]
        what = METRIC_WORDS[metric]
        order = [j for j in ind.ranked() if np.isfinite(ind.st[j])]
        if not order:
            return f"No economic assumption moves {what} over the ranges stated."
        first = order[0]
        st, s1 = float(ind.st[first]), float(ind.s1[first])
        path = ind.paths[first]
        text = (
            f"What matters most for {what} ({metric}) is {LABELS.get(path, path)} "
            f"({path}): it plays a part in about {st:.0%} of its spread over the economic "
            f"assumptions' ranges (total index {st:.2f}; {max(s1, 0.0):.0%} alone)"
        )
        rest = [j for j in order[1:3] if float(ind.st[j]) >= NEGLIGIBLE]
        if rest:
            named = " and ".join(_named(ind.paths[j], float(ind.st[j])) for j in rest)
            text += f", then {named}"
        smaller = sum(float(ind.st[j]) >= NEGLIGIBLE for j in order[1 + len(rest) :])
        none = sum(float(ind.st[j]) < NEGLIGIBLE for j in order)
        parts = "a smaller part" if smaller == 1 else "smaller parts"
        tail = [f"{smaller} more {_verb(smaller, 'play')} {parts}"] if smaller else []
        if none:
            tail.append(f"{none} barely {_verb(none, 'matter')} (total index under {NEGLIGIBLE:g})")
        return text + ("; " + " and ".join(tail) if tail else "") + "."

    def to_json(self) -> dict[str, Any]:
        """As a JSON document: the method, the ranges and each metric's ranked indices."""
        return {
            "scenario": self.scenario,
            "method": "Sobol first-order and total indices (SALib; Saltelli design, "
            "calc_second_order=False), bootstrap confidence intervals; the economic stage "
            "evaluated on fixed pipeline series",
            "series": self.source,
            "base_samples": self.base_samples,
            "samples": self.samples,
            "seed": self.seed,
            "conf_level": CONF_LEVEL,
            "resamples": RESAMPLES,
            "parameters": [dataclasses.asdict(r) for r in self.ranges],
            "left_fixed": self.left_fixed,
            "metrics": {
                m: {**ind.to_json(), "reference": self.reference[m], "sentence": self.sentence(m)}
                for m, ind in self.indices.items()
            },
        }


def _verb(n: int, verb: str) -> str:
    """``verb`` agreeing with ``n`` parameters."""
    return f"{verb}s" if n == 1 else verb


def _named(path: str, st: float) -> str:
    """A parameter in words, its path and its total index as a percentage."""
    return f"{LABELS.get(path, path)} ({path}, {st:.0%})"


def _indices(metric: str, paths: tuple[str, ...], y: F, seed: int) -> Indices:
    """SALib's first-order and total indices of one metric's samples (as the sweeps do)."""
    from SALib.analyze import sobol  # type: ignore[import-untyped]  # noqa: PLC0415 (slow import)

    unit = METRICS[metric].unit
    variance = float(np.var(y)) if np.isfinite(y).all() else float("nan")
    if not np.isfinite(variance) or variance <= 1e-24 * max(float(np.mean(y)) ** 2, 1.0):
        nan = np.full(len(paths), np.nan)  # a metric that does not vary has no indices
        return Indices(metric, unit, paths, nan, nan, nan, nan, variance)
    problem = {"num_vars": len(paths), "names": list(paths), "bounds": [[0, 1]] * len(paths)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # SALib's bootstrap on tiny designs
        res = sobol.analyze(
            problem, y, calc_second_order=False, num_resamples=RESAMPLES,
            conf_level=CONF_LEVEL, seed=seed % (2**32 - 1) + 1,  # SALib ignores a seed of 0
        )  # fmt: skip
    return Indices(
        metric, unit, paths, np.asarray(res["S1"]), np.asarray(res["S1_conf"]),
        np.asarray(res["ST"]), np.asarray(res["ST_conf"]), variance,
    )  # fmt: skip


def analyse(
    series: Mapping[str, F],
    inputs: Inputs,
    ranges: Sequence[EconomicRange],
    *,
    base_samples: int = BASE_SAMPLES,
    seed: int = 0,
    scenario: str = "",
    source: str = "",
    left_fixed: Mapping[str, str] | None = None,
    by_region: Mapping[str, F] | None = None,
) -> EconomySensitivity:
    """Sobol indices of :data:`METRIC_WORDS` over ``ranges``, the pipeline's ``series`` fixed.

    ``series``: :data:`SERIES`, each (1, days) or (days,), the run's days (the last ``days`` of
    ``inputs``, which may start earlier: a bridged run); ``by_region``: the same by region,
    (1, days, regions), for the output lost at each region's value added per worker (without
    it, at the nation's average). ``base_samples`` must be a power of 2.
    """
    for r in ranges:  # a sample's factors multiply daily series, one row a sample
        field = getattr(inputs, r.field)
        if np.ndim(field if r.key is None else field[r.key]) != 1:
            raise ValueError(f"{r.path} is not a daily series: it cannot be varied here")
    fixed = equations.stocks(*(np.atleast_2d(np.asarray(series[n], np.float64)) for n in SERIES))
    regions = None  # the regions' output per resident is held: their premiums are computed once
    if by_region is not None:
        stocks = equations.stocks(*(np.asarray(by_region[n], np.float64) for n in SERIES))
        regions = equations.premiums(stocks, _daily(inputs, fixed[0].shape[1]))
    unit = saltelli_unit(len(ranges), base_samples, seed)
    columns = [r.values(unit[:, j]) / r.reference for j, r in enumerate(ranges)]
    factors = np.stack(columns, axis=1) if columns else np.ones((len(unit), 0))
    y = {m: np.empty(len(unit)) for m in METRIC_WORDS}
    for first in range(0, len(unit), BLOCK):
        rows = factors[first : first + BLOCK]
        for metric, values in _totals(fixed, _inputs(inputs, ranges, rows), regions).items():
            y[metric][first : first + len(rows)] = values
    paths = tuple(r.path for r in ranges)
    reference = _totals(fixed, inputs, regions)
    return EconomySensitivity(
        scenario=scenario,
        ranges=tuple(ranges),
        indices={m: _indices(m, paths, values, seed) for m, values in y.items()},
        reference={m: float(v[0]) for m, v in reference.items()},
        base_samples=base_samples,
        seed=seed,
        source=source,
        left_fixed=dict(left_fixed or {}),
    )


def mean_series(sim: SimResult) -> dict[str, F]:
    """The pipeline's series the economy reads, averaged over the run's replicates, (1, days)."""
    return {name: sim.national[name].mean(axis=0, keepdims=True) for name in SERIES}


def mean_regional(sim: SimResult) -> dict[str, F]:
    """The same series by region, averaged over the run's replicates, (1, days, regions)."""
    return {name: sim.region(name).mean(axis=0, keepdims=True) for name in SERIES}


def from_run(
    prep: Prepared, sim: SimResult, *, base_samples: int = BASE_SAMPLES, seed: int | None = None
) -> EconomySensitivity:
    """The indices of a finished run: its series averaged over its replicates, held fixed."""
    ranges, left = economic_ranges(prep.resolved)
    return analyse(
        mean_series(sim), prep.inputs, ranges, base_samples=base_samples,
        seed=prep.config.seed if seed is None else seed, scenario=prep.scenario.name,
        source=f"the run's series averaged over its {sim.replicates:,} replicates",
        left_fixed=left, by_region=mean_regional(sim),
    )  # fmt: skip


def from_prepared(
    prep: Prepared, *, base_samples: int = BASE_SAMPLES, seed: int | None = None
) -> EconomySensitivity:
    """The indices of a prepared run: its pipeline run once, mean-field, at the central values.

    A mean-field run (expected values, one path) is the scenario's central path, without the
    process noise or the draws of the pipeline's parameters.
    """
    seed = prep.config.seed if seed is None else seed
    sim = simulate(prep.inputs, 1, Streams(seed), mean_field=True, skip=prep.bridge)
    ranges, left = economic_ranges(prep.resolved)
    return analyse(
        mean_series(sim), prep.inputs, ranges, base_samples=base_samples, seed=seed,
        scenario=prep.scenario.name,
        source="a mean-field run of the scenario (expected values) at its central parameters",
        left_fixed=left, by_region=mean_regional(sim),
    )  # fmt: skip
